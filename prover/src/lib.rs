//! zkmodel's native prover and verifier.
//!
//! Protocol layers, each depending only on those before it (DESIGN §2):
//! [`field`] (the BN254 scalar field, fixed-point and EVM encodings) → [`transcript`]
//! (Poseidon Fiat–Shamir) → [`poly`] (multilinear extensions, eq, shift) → [`sumcheck`]
//! (generic, zerocheck, batched) → [`lookup`] (LogUp-GKR) → [`pcs`] (KZG SRS, commitments,
//! trace layouts, the batched constant-size multilinear opening) → [`blocks`] (relations
//! between tensors, e.g. MatMul) → [`proof`] (whole statements: s0-seeded transcripts,
//! forked blocks, one opening of every claim).
//!
//! Every verifier is written once, generic over [`field::FieldOps`] and
//! [`transcript::SpongeOps`], so that the Groth16 wrapper runs the very same code in-circuit.
//! Verifiers return [`Error`] on every failure and never panic on proof-derived data.

#[cfg(feature = "adversary")]
pub mod adversary;
pub mod artifact;
pub mod blocks;
pub mod codec;
pub mod error;
pub mod field;
pub mod graph;
pub mod lookup;
pub mod pcs;
pub mod poly;
pub mod proof;
pub mod sumcheck;
pub mod train;
pub mod transcript;

pub use ark_bn254::Fr;
pub use error::{BackendError, Error};
