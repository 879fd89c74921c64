//! `sol!` bindings generated from the committed ABIs (`contracts/abi/`).
//!
//! - [`marketplace`]: `ZkmodelMarketplace` with its structs (`IZkmodelMarketplace::Pins`,
//!   `IZkmodelVerifier::Statement`, `BN254::G1Point`, …), calls, events and custom errors.
//! - [`verifier`]: the interface every generated verifier implements.

#![allow(missing_docs)]

use crate::error::Error;
use alloy::sol_types::SolType;

/// The marketplace contract.
pub mod marketplace {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug, PartialEq, Eq)]
        ZkmodelMarketplace,
        "../contracts/abi/ZkmodelMarketplace.json"
    );
}

/// The generated verifiers' interface.
pub mod verifier {
    alloy::sol!(
        #[sol(rpc)]
        #[derive(Debug, PartialEq, Eq)]
        IZkmodelVerifier,
        "../contracts/abi/IZkmodelVerifier.json"
    );
}

pub use marketplace::IZkmodelVerifier::{Proof, Statement};
pub use marketplace::{BN254::G1Point, IZkmodelMarketplace::Pins, ZkmodelMarketplace};

/// The selector of `verify((uint256,uint256)[],uint256[]),(…))` calldata, as the wrapper
/// encodes it.
pub fn verify_selector() -> [u8; 4] {
    use alloy::sol_types::SolCall;
    verifier::IZkmodelVerifier::verifyCall::SELECTOR
}

/// Decodes the wrapper's `verify(statement, proof)` calldata into the marketplace's types,
/// to pass the same statement and proof to `attest` or `fulfil`.
pub fn decode_verify_calldata(calldata: &[u8]) -> Result<(Statement, Proof), Error> {
    let bad = |reason: String| Error::Calldata {
        expected: "verify(statement, proof)",
        reason,
    };
    let (selector, args) = calldata
        .split_first_chunk::<4>()
        .ok_or_else(|| bad(format!("{} bytes", calldata.len())))?;
    if *selector != verify_selector() {
        return Err(bad(format!("selector 0x{}", alloy::hex::encode(selector))));
    }
    <(Statement, Proof)>::abi_decode_params(args).map_err(|e| bad(e.to_string()))
}
