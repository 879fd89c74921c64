//! Names the custom error in a revert: the marketplace's, a verifier's, or the BN254
//! library's, so a user reads `CommitmentMismatch(0, 0)` instead of hex.

use crate::bindings::{marketplace::ZkmodelMarketplace::ZkmodelMarketplaceErrors, verifier};
use alloy::sol_types::SolInterface;

/// The custom error `data` encodes, as `Name(args…)` (Debug formatting of its fields), or
/// the raw data in hex when no known error matches.
pub fn decode(data: &[u8]) -> String {
    if let Ok(e) = ZkmodelMarketplaceErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Ok(e) = verifier::IZkmodelVerifier::IZkmodelVerifierErrors::abi_decode(data) {
        return format!("{e:?}");
    }
    if let Some((selector, _)) = data.split_first_chunk::<4>() {
        for name in ["G1AddFailed()", "G1MulFailed()", "PairingFailed()"] {
            if alloy::primitives::keccak256(name.as_bytes())[..4] == selector[..] {
                return name.to_string();
            }
        }
    }
    format!("0x{}", alloy::hex::encode(data))
}

/// The revert data of a failed `eth_call` or gas estimate, if the node returned any.
pub fn revert_data(err: &alloy::transports::TransportError) -> Option<alloy::primitives::Bytes> {
    err.as_error_resp().and_then(|e| e.as_revert_data())
}
