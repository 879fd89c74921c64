//! Multilinear KZG with constant-size openings and no degree bounds (DESIGN §10–11).
//!
//! A vector v of length N is the univariate f(X) = Σ v_i X^i, committed as [f(τ)]₁ (with
//! mask slots of fresh randomness, [`layout`]). Every claim f̃_k(r_c) = y_c of a proof, on
//! vectors of any sizes, is opened at once by the row-split opening of [`split`]: a
//! claim-reduction sumcheck to one point, a row split whose fold quotient Q is itself the KZG
//! proof of the fold (checked against [τ^b]₂), and two batched KZG evaluations at ζ and ζ⁻¹
//! — one full-size MSM for the prover, eight G1 points and one multi-pairing for the chain.
//!
//! Split verification (DESIGN §11): G1 points never enter Poseidon. The chain binds them with
//! Keccak ([`chain`]: s0 over the statement's commitments, d₁ = keccak(H),
//! d₂ = keccak(G, Ĝ, Q, S₁, S₂), and u after every value the pairing combines) and the field
//! work ([`split::verify_split_field`]) runs generic over the backend, inside the Groth16
//! circuit on chain. [`split`] states the challenge order and the soundness argument.
//!
//! Soundness assumptions: q-SDH / AGM for KZG over BN254 with an SRS whose τ is unknown,
//! Keccak and Poseidon as random oracles.

pub mod accumulate;
pub mod chain;
pub mod claims;
pub mod commit;
pub mod iden3;
pub mod laurent;
pub mod layout;
pub mod msm;
pub mod ptau;
pub mod ptau_dev;
pub mod split;
pub mod srs;

pub use accumulate::Accumulator;
pub use claims::{ClaimTerm, MAX_VECTOR_VARS, OpeningClaim, absorb_claims, bind_claim_values};
pub use commit::{Commitment, commit};
pub use split::{
    SplitEvals, SplitFieldProof, SplitOpeningProof, SplitOutputs, SplitSeeds, prove_split_opening,
    verify_split_field, verify_split_group, verify_split_opening,
};
pub use srs::{Srs, SrsOrigin};
