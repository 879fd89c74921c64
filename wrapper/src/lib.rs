//! Groth16 wrapper for zkmodel proofs (DESIGN §11–12).
//!
//! The circuit *is* the verifier: [`backend`] implements the prover crate's
//! [`FieldOps`](zkmodel_prover::field::FieldOps) and
//! [`SpongeOps`](zkmodel_prover::transcript::SpongeOps) traits over `FpVar` and
//! `PoseidonSpongeVar`, so the sumcheck and LogUp-GKR verifiers run unchanged as constraint
//! generators. Groth16 setup, proving and Solidity generation land with the wrapper issue.

pub mod backend;
pub mod circuit;
pub mod error;
pub mod groth16;

pub use error::Error;
