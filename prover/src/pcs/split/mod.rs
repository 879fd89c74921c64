//! The row-split opening: every claim of a proof opened with one full-size MSM and O(N) field
//! work (after Mercury and Samaritan), keeping the constant-size proof. It replaced a Laurent
//! opening (f(X)·e_r(1/X) = y + X·q₁(X) + X⁻¹·q₂(1/X)) whose two full-size quotients, their
//! KZG quotient and FFT product cost ~4 full MSMs (issue 18).
//!
//! # Protocol
//! Vectors f_k of length N_k = 2^{n_k} (commitments C_k), claims f̃_{k_c}(r_c) = y_c;
//! n = max n_k, N = 2^n. A vector shorter than N is
//! read zero-extended: the same univariate polynomial, the same commitment, and
//! f̃_k^ext(x) = f̃_k(x_{<n_k})·Π_{j≥n_k}(1 − x_j).
//!
//! 1. **Claims → one point.** The claim structure is bound ([`super::absorb_claims`]: every
//!    claim value is already bound by the blocks' messages), ρ is drawn,
//!    and one degree-2 sumcheck over n variables proves
//!    Σ_x Σ_k W_k(x)·f_k^ext(x) = Σ_c ρ^c y_c with W_k = Σ_{c on k} ρ^c eq(r_c‖0, ·). At its
//!    point r* the prover sends only v_k = f̃_k^ext(r*); the verifier computes each W_k(r*)
//!    itself in O(C·n) and checks Σ_k W_k(r*)·v_k against the last round's claim. The v_k
//!    are absorbed, then β is drawn:
//!    F = Σ_k β^k f_k (commitment C_F = Σ_k β^k C_k) satisfies F̃(r*) = v = Σ_k β^k v_k.
//! 2. **Rows.** Split r* = (r_lo ‖ r_hi) with ℓ = ⌈n/2⌉, b = 2^ℓ, m = N/b, and F into rows
//!    F(X) = Σ_{a<m} X^{ab} F_a(X), deg F_a < b. The prover commits
//!    H = [h(τ)]₁, h(X) = Σ_a ⟨F_a, eq(r_lo)⟩ X^a; d₁ = keccak(H) is absorbed, then α and ρ₂.
//! 3. **Fold.** g = Σ_a α^a F_a = F mod (X^b − α) (deg g < b) and Q with
//!    F = (X^b − α)·Q + g, by synthetic division over rows (no FFT). With
//!    A(X) = e_hi(X) − ρ₂·p_α(X) (e_hi = Σ_a eq(r_hi, a) X^a, p_α = Σ_{a<m} α^a X^a) and
//!    e_lo = Σ_j eq(r_lo, j) X^j, the Laurent product
//!    L(X) = h(X)·A(1/X) + ρ₂·g(X)·e_lo(1/X) = v + X·s₁(X) + X⁻¹·s₂(1/X)
//!    has constant term ⟨h, e_hi⟩ − ρ₂h(α) + ρ₂⟨g, e_lo⟩ = v. The prover commits G = [g(τ)]₁,
//!    Ĝ = [ĝ(τ)]₁ for the reversal ĝ(X) = X^{b−1}g(1/X), Q, S₁, S₂;
//!    d₂ = keccak(G, Ĝ, Q, S₁, S₂) is absorbed, then ζ.
//! 4. **At ζ.** The prover sends g(ζ⁻¹), h(ζ⁻¹), s₁(ζ⁻¹), ĝ(ζ), s₂(ζ); the verifier checks
//!    (R) ĝ(ζ) = ζ^{b−1}·g(ζ⁻¹), and
//!    (L) h(ζ⁻¹)·A(ζ) + ρ₂·g(ζ⁻¹)·e_lo(ζ) = v + ζ⁻¹·s₁(ζ⁻¹) + ζ·s₂(ζ),
//!    evaluating e_lo, e_hi (product form, [`super::laurent::e_eval`]) and
//!    p_α(ζ) = Π_j (1 + (αζ)^{2^j}) in O(n). The evaluations are absorbed, then γ.
//! 5. **Group.** With y_ζ = ĝ(ζ) + γ s₂(ζ) (F_ζ = Ĝ + γS₂ at ζ, quotient W_ζ),
//!    y_ι = g(ζ⁻¹) + γh(ζ⁻¹) + γ²s₁(ζ⁻¹) (F_ι = G + γH + γ²S₁ at ζ⁻¹, quotient W_ι) and
//!    u = keccak(SPLIT_U_TAG, s0, d₁, d₂, W_ζ, W_ι, β, α, ζ, ζ⁻¹, γ, y_ζ, y_ι)
//!    ([`super::chain`]), one multi-pairing checks both openings and the fold (D)
//!    F − g = (X^b − α)·Q at τ:
//!    e(P, [1]₂)·e(−(W_ζ + uW_ι), [τ]₂)·e(−u²Q, [τ^b]₂) = 1 with
//!    P = F_ζ − y_ζG + ζW_ζ + u(F_ι − y_ιG + ζ⁻¹W_ι) + u²(C_F − G + αQ).
//!
//! The big vectors are never opened at a point: the fold quotient Q is itself the KZG proof
//! that g is F mod (X^b − α), checked against [τ^b]₂ (a G2 power every Powers-of-Tau file
//! holds). The prover's cost is the sumcheck over N, three O(N) passes (F, h, the division),
//! one full-scalar MSM of size N − b for Q, and MSMs of size b or m for H, G, Ĝ, S₁, S₂, W_ζ,
//! W_ι.
//!
//! # Challenge order
//! claims → ρ → sumcheck rounds → final values → β → d₁ (H) → α, ρ₂ → d₂ (G, Ĝ, Q, S₁, S₂) →
//! ζ → evaluations → γ → (chain) u. Every challenge follows every value it combines: β the
//! v_k; α the row values h; ρ₂ (batching the two inner products) h as well, while g is then
//! determined by F and α alone; ζ every committed polynomial; γ every evaluation; u both
//! claimed values, both quotients, and α, β, G, Q of the fold equation.
//!
//! # Soundness
//! - (D) at τ (AGM / q-SDH): F − g = (X^b − α)·Q as polynomials, so g ≡ F mod (X^b − α).
//! - (R) is an identity of Laurent polynomials fixed before ζ, so except with probability
//!   ≤ 2S/|Fr| (S the SRS size) X^{b−1}g(1/X) = ĝ(X) is a polynomial: deg g < b, and g is
//!   *the* remainder Σ_a α^a F_a over every row of the committed polynomial. Committing the
//!   reversal is what bounds g's degree; without it a prover could add (X^b − α)·t to g after
//!   seeing α and move ⟨g, e_lo⟩ at will.
//! - (L) likewise holds identically; its constant term gives
//!   ⟨h, e_hi⟩ − v + ρ₂·(T(α) − h(α)) = 0 with T(X) = Σ_a ⟨F_a, eq(r_lo)⟩ X^a over every row of
//!   the committed F (both sides read only h's first m coefficients). h is fixed before α and
//!   ρ₂: if T ≠ h_{<m}, T(α) − h(α) ≠ 0 except with probability deg(T)/|Fr| (deg T < S/b),
//!   and then ρ₂ hits the one bad value with probability 1/|Fr|. So T = h_{<m} and
//!   ⟨h, e_hi⟩ = F̃(r*) = v over the first N coefficients of F.
//! - β after the v_k: each v_k is the MLE at r* of the first N coefficients of the committed
//!   f_k except with probability K/|Fr|; the sumcheck then proves Σ_c ρ^c (f̃_{k_c}(r_c) − y_c)
//!   = 0 (W_k vanishes past N_k, so coefficients there are never read), and ρ after the y_c
//!   makes every claim true except with probability C/|Fr|.
//! - Completeness asks more than the Laurent opening did: a commitment with a nonzero
//!   coefficient at N or above cannot be opened at all (its rows above m break (L)).
//! - The multi-pairing combines three equations with 1, u, u²; u is drawn after every value
//!   in them, so a false one survives with probability ≤ 2/|Fr|.
//!
//! Assumptions: q-SDH / AGM for KZG over BN254 with τ unknown (including [τ^b]₂), Poseidon
//! and Keccak as random oracles.
//!
//! # Zero knowledge
//! The chain sees H, G, Ĝ, Q, S₁, S₂, W_ζ, W_ι, y_ζ, y_ι beside the trace commitment C. W_ζ
//! and W_ι follow from the rest; the other nine are linear in F and satisfy one public
//! relation for every F (the fold at τ: C_F − G = (τ^b − α)·Q), so they span 8 dimensions,
//! and the trace's fresh mask slots must reach all 8. Where the slots sit matters: slots of
//! one row reach C and Q only through the same combination Σ_j s_j τ^j, so a single row of
//! slots (an earlier layout: 8 at the top of the trace) reaches 7 of the 8 and one combination of
//! trace data would leak to anyone holding the ceremony's G2 powers; slots in row 0 never
//! reach Q. Slots in two rows ≥ 1 (4 + 4 suffice) reach all 8 —
//! `prove::tests::mask_slots_must_span_two_rows_to_mask_everything` pins these ranks, and
//! [`super::layout::LayoutBuilder::build_trace`] places a proof's fresh slots so (the rank on
//! real layouts is pinned beside it). No claim on the mask is needed. The native sumcheck
//! messages and the evaluations stay inside the Groth16 proof.

mod prove;
mod reduce;
mod verify;

pub use prove::prove_split_opening;
pub use verify::{
    CLAIM_REDUCTION, SplitSeeds, verify_split_field, verify_split_group, verify_split_opening,
};

use crate::sumcheck::SumcheckProof;
use ark_bn254::{Fr, G1Affine};

/// The row split of a vector with `num_vars` variables: ℓ = ⌈n/2⌉ low variables index inside a
/// row of b = 2^ℓ entries, the other n − ℓ select one of m rows.
pub fn row_vars(num_vars: usize) -> usize {
    num_vars.div_ceil(2)
}

/// The evaluations the row-split opening reveals to the field part of verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitEvals<F> {
    /// g(ζ⁻¹).
    pub g_at_zeta_inv: F,
    /// h(ζ⁻¹).
    pub h_at_zeta_inv: F,
    /// s₁(ζ⁻¹).
    pub s1_at_zeta_inv: F,
    /// ĝ(ζ).
    pub g_rev_at_zeta: F,
    /// s₂(ζ).
    pub s2_at_zeta: F,
}

/// What the field part of verification reads besides the claims: the claim-reduction
/// sumcheck and the evaluations (on chain: private inputs of the circuit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitFieldProof<F> {
    /// The sumcheck reducing every claim to one point; its one final value set is
    /// f̃_k^ext(r*) per vector (the weights W_k(r*) are the verifier's own).
    pub reduction: SumcheckProof<F>,
    /// The evaluations at ζ and ζ⁻¹.
    pub evals: SplitEvals<F>,
}

/// What the field part hands to the group part (on chain: Groth16 public inputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitOutputs<F> {
    /// β, combining the vectors into F.
    pub beta: F,
    /// The fold point α.
    pub alpha: F,
    /// The evaluation point ζ.
    pub zeta: F,
    /// ζ⁻¹.
    pub zeta_inv: F,
    /// γ, combining commitments at each point.
    pub gamma: F,
    /// y_ζ = ĝ(ζ) + γ s₂(ζ).
    pub y_zeta: F,
    /// y_ι = g(ζ⁻¹) + γ h(ζ⁻¹) + γ² s₁(ζ⁻¹).
    pub y_inv: F,
    /// The row width b = 2^⌈n/2⌉ (public: fixed by the vectors' sizes).
    pub row: usize,
}

/// A row-split opening proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitOpeningProof {
    /// The field messages.
    pub field: SplitFieldProof<Fr>,
    /// H = [h(τ)]₁, the row values at r_lo.
    pub h: G1Affine,
    /// G = [g(τ)]₁, the fold.
    pub g: G1Affine,
    /// Ĝ = [ĝ(τ)]₁, the reversed fold.
    pub g_rev: G1Affine,
    /// Q = [Q(τ)]₁, the quotient by X^b − α.
    pub q: G1Affine,
    /// S₁ = [s₁(τ)]₁.
    pub s1: G1Affine,
    /// S₂ = [s₂(τ)]₁.
    pub s2: G1Affine,
    /// W_ζ = [(F_ζ(X) − y_ζ)/(X − ζ)]₁.
    pub w_zeta: G1Affine,
    /// W_ι = [(F_ι(X) − y_ι)/(X − ζ⁻¹)]₁.
    pub w_inv: G1Affine,
}

impl SplitOpeningProof {
    /// Field elements and G1 points it holds (32 bytes each, serialized).
    pub fn num_elements(&self) -> usize {
        self.field.reduction.num_elements() + 5 + 8
    }

    /// The group elements the chain holds, in calldata order: H, G, Ĝ, Q, S₁, S₂, W_ζ, W_ι.
    pub fn points(&self) -> [G1Affine; 8] {
        [
            self.h,
            self.g,
            self.g_rev,
            self.q,
            self.s1,
            self.s2,
            self.w_zeta,
            self.w_inv,
        ]
    }
}
