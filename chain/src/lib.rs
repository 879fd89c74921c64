//! zkmodel on chain: typed alloy bindings of the marketplace and of the interface every
//! generated verifier implements, generated with `sol!` from the ABIs committed under
//! `contracts/abi/` (exported from forge's build by `make abi`; a test fails when they drift);
//! deployment from forge's artifacts; and decoding of a revert into the custom error it names.
//!
//! This crate knows nothing of sumchecks: a proof reaches it as the wrapper's ABI-encoded
//! `verify(statement, proof)` calldata ([`bindings::decode_verify_calldata`]).

pub mod bindings;
pub mod deploy;
mod error;
pub mod revert;

pub use error::Error;
