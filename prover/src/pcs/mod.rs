//! Multilinear KZG with constant-size openings and no degree bounds (DESIGN §10–11).
//!
//! A vector v of length N is the univariate f(X) = Σ v_i X^i, committed as [f(τ)]₁. Its MLE
//! at r is the constant term of the Laurent polynomial f(X)·e_r(1/X), where
//! e_r(X) = Σ_i eq(r, i) X^i = Π_j ((1 − r_j) + r_j X^{2^j}). All claims (vectors of any size,
//! each at its own points) batch with powers of ρ into
//!   Σ_c ρ^c f_{k_c}(X)·e_{r_c}(1/X) = Y + X·q₁(X) + X⁻¹·q₂(1/X),   Y = Σ_c ρ^c y_c,
//! the prover commits Q₁, Q₂, and at a random ζ the identity is checked on f_k(ζ), q₁(ζ),
//! q₂(1/ζ). Those evaluations are proven by one two-point batched KZG opening (F₁ at ζ,
//! Q₂ at ζ⁻¹) with quotients W₁, W₂:
//!   e(F₁ − y₁G + ζW₁ + u(Q₂ − y₂G + ζ⁻¹W₂), [1]₂) = e(W₁ + uW₂, [τ]₂).
//!
//! No degree bound is needed: X·q₁ and X⁻¹·q₂(1/X) have no constant term whatever their
//! degrees, so a false Y leaves a nonzero Laurent polynomial that vanishes at a random ζ with
//! probability ≤ 2N/|Fr|.
//!
//! Split verification (DESIGN §11): G1 points never enter Poseidon. The chain binds them
//! with Keccak — s0 over the statement's commitments, kp = keccak(Q₁, Q₂), and
//! u = keccak(s0, kp, W₁, W₂, ζ, ζ⁻¹, γ, y₁, y₂) drawn after every value the two-point check
//! combines ([`chain`] states the order) — and the field work ([`verify_field`]) runs generic
//! over the backend.
//!
//! Challenge order inside the field part: the claim structure and values are absorbed, then
//! ρ; then kp (binding Q₁, Q₂, which depend on ρ), then ζ; then every evaluation at ζ and
//! ζ⁻¹, then γ. y₁ and y₂ are functions of those, and u follows them on the chain side.
//!
//! Soundness assumptions: q-SDH / AGM for KZG over BN254 with an SRS whose τ is unknown,
//! Keccak and Poseidon as random oracles.

pub mod accumulate;
pub mod chain;
pub mod commit;
pub mod iden3;
pub mod laurent;
pub mod layout;
pub mod msm;
mod open;
pub mod ptau;
pub mod ptau_dev;
pub mod split;
pub mod srs;
mod verify;

pub use accumulate::Accumulator;
pub use commit::{Commitment, commit};
pub use open::{OpeningEvals, OpeningProof, prove_opening};
pub use srs::{Srs, SrsOrigin};
pub use verify::{
    ChainSeeds, FieldOutputs, MaskSlots, OpeningClaim, absorb_claims, verify_field, verify_group,
    verify_group_points, verify_opening,
};
