//! Groth16 wrapper for zkmodel proofs (DESIGN §11–12).
//!
//! The circuit *is* the verifier: [`backend`] implements the prover crate's
//! [`FieldOps`](zkmodel_prover::field::FieldOps) and
//! [`SpongeOps`](zkmodel_prover::transcript::SpongeOps) traits over `FpVar` and
//! [`poseidon::PoseidonGadget`] (the transcript's sponge as R1CS, pinned to arkworks'
//! `PoseidonSpongeVar`), so the sumcheck and LogUp-GKR verifiers run unchanged as constraint
//! generators. [`circuit`] is the one Groth16 circuit of every statement kind, [`wrap`] sets up,
//! wraps and verifies any [`Statement`](zkmodel_prover::proof::statement::Statement) ([`groth16`]);
//! [`solidity`] renders the per-architecture verifier and [`calldata`] encodes proofs for it.

pub mod assignment;
pub mod backend;
pub mod calldata;
pub mod ceremony;
pub mod circuit;
#[cfg(feature = "dev-fixtures")]
pub mod dev;
#[cfg(feature = "dev-fixtures")]
pub mod dev_train;
pub mod error;
pub mod files;
pub mod groth16;
pub mod keys;
pub mod origin;
pub mod poseidon;
mod prover;
pub mod qap;
pub mod r1cs;
pub mod solidity;
pub mod wrap;

pub use error::Error;
