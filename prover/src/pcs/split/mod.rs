//! The row-split opening: every claim of a proof opened with two full-size MSMs and O(N) field
//! work (after Mercury and Samaritan), keeping the constant-size proof and needing no degree
//! bound from the SRS. It is to replace the Laurent opening of [`super::prove_opening`], whose
//! two full-size quotients q₁, q₂ and their FFT product make it ~4 full MSMs (issue 18);
//! until statements, circuit and contracts switch to it, this module stands alone.
//!
//! # Protocol
//! Vectors f_k of length N_k = 2^{n_k} (commitments C_k), claims f̃_{k_c}(r_c) = y_c (with the
//! mask claim of [`super::MaskSlots`] last); n = max n_k, N = 2^n. A vector shorter than N is
//! read zero-extended: the same univariate polynomial, the same commitment, and
//! f̃_k^ext(x) = f̃_k(x_{<n_k})·Π_{j≥n_k}(1 − x_j).
//!
//! 1. **Claims → one point.** The claims are absorbed ([`super::absorb_claims`]), ρ is drawn,
//!    and one degree-2 sumcheck over n variables proves
//!    Σ_x Σ_k W_k(x)·f_k^ext(x) = Σ_c ρ^c y_c with W_k = Σ_{c on k} ρ^c eq(r_c‖0, ·). At its
//!    point r* the prover sends W_k(r*) and v_k = f̃_k^ext(r*); the verifier computes each
//!    W_k(r*) itself in O(C·n). The final values are absorbed, then β is drawn:
//!    F = Σ_k β^k f_k satisfies F̃(r*) = v = Σ_k β^k v_k.
//! 2. **Rows.** Split r* = (r_lo ‖ r_hi) with ℓ = ⌈n/2⌉, b = 2^ℓ, m = N/b, and F into rows
//!    F(X) = Σ_{a<m} X^{ab} F_a(X), deg F_a < b. The prover commits
//!    H = [h(τ)]₁, h(X) = Σ_a ⟨F_a, eq(r_lo)⟩ X^a; d₁ = keccak(H) is absorbed, then α and ρ₂.
//! 3. **Fold.** g = Σ_a α^a F_a = F mod (X^b − α) (deg g < b) and Q with
//!    F = (X^b − α)·Q + g, by synthetic division over rows (no FFT). With
//!    A(X) = e_hi(X) − ρ₂·p_α(X) (e_hi = Σ_a eq(r_hi, a) X^a, p_α = Σ_{a<m} α^a X^a) and
//!    e_lo = Σ_j eq(r_lo, j) X^j, the Laurent product
//!    L(X) = h(X)·A(1/X) + ρ₂·g(X)·e_lo(1/X) = v + X·s₁(X) + X⁻¹·s₂(1/X)
//!    has constant term ⟨h, e_hi⟩ − ρ₂h(α) + ρ₂⟨g, e_lo⟩ = v. The prover commits
//!    Ĝ = [ĝ(τ)]₁ for the reversal ĝ(X) = X^{b−1}g(1/X), Q, S₁, S₂;
//!    d₂ = keccak(Ĝ, Q, S₁, S₂) is absorbed, then ζ.
//! 4. **At ζ.** The prover sends f_k(ζ), Q(ζ), h(ζ), s₁(ζ), ĝ(1/ζ), s₂(1/ζ). With
//!    g(ζ) = ζ^{b−1}ĝ(1/ζ) the verifier checks
//!    (D) Σ_k β^k f_k(ζ) = (ζ^b − α)·Q(ζ) + g(ζ), and
//!    (L) h(ζ)·A(1/ζ) + ρ₂·g(ζ)·e_lo(1/ζ) = v + ζ·s₁(ζ) + ζ⁻¹·s₂(1/ζ),
//!    evaluating e_lo, e_hi (product form, [`super::laurent::e_eval`]) and
//!    p_α(1/ζ) = Π_j (1 + (α/ζ)^{2^j}) in O(n). The evaluations are absorbed, then γ.
//! 5. **KZG.** y₁ = Σ_k γ^k f_k(ζ) + γ^K Q(ζ) + γ^{K+1} h(ζ) + γ^{K+2} s₁(ζ) opens
//!    F₁ = Σ_k γ^k C_k + γ^K Q + γ^{K+1} H + γ^{K+2} S₁ at ζ, y₂ = ĝ(1/ζ) + γ s₂(1/ζ) opens
//!    F₂ = Ĝ + γ S₂ at ζ⁻¹, with quotients W₁, W₂ and
//!    u = keccak(SPLIT_U_TAG, s0, d₁, d₂, W₁, W₂, ζ, ζ⁻¹, γ, y₁, y₂) ([`super::chain`]):
//!    e(F₁ − y₁G + ζW₁ + u(F₂ − y₂G + ζ⁻¹W₂), [1]₂) = e(W₁ + uW₂, [τ]₂).
//!
//! The prover's cost is the sumcheck over N, three O(N) passes (F, h, the division), the MSMs
//! for Q and W₁ (full scalars, size N) and small MSMs of size b or m for H, Ĝ, S₁, S₂, W₂.
//!
//! # Challenge order
//! claims → ρ → sumcheck rounds → final values → β → d₁ (H) → α, ρ₂ → d₂ (Ĝ, Q, S₁, S₂) →
//! ζ → evaluations → γ → (chain) u. Every challenge follows every value it combines: β the
//! v_k; α the row values h; ρ₂ (batching the two inner products) h as well, while g is then
//! determined by F and α alone; ζ every committed polynomial; γ every evaluation; u both
//! claimed values and both quotients.
//!
//! # Soundness (why no degree bound is needed)
//! (D) and (L) are identities of Laurent polynomials whose terms are all fixed before ζ, so
//! each holds identically except with probability ≤ 2S/|Fr| (S the SRS size).
//! - (D) identically: X^{b−1}ĝ(1/X) = F(X) − (X^b − α)Q(X) is a polynomial, so deg ĝ < b and
//!   g is *the* remainder of F mod (X^b − α): g = Σ_a α^a F_a over every row of the committed
//!   polynomial. Committing the reversal is what bounds g's degree; with g committed directly
//!   a prover could add (X^b − α)·t to g after seeing α and move ⟨g, e_lo⟩ at will.
//! - (L) identically: its constant term gives ⟨h, e_hi⟩ − v + ρ₂·(t(α) − h(α)) = 0 with
//!   t_a = ⟨F_a, eq(r_lo)⟩ the true row values (both sides read only h's first m
//!   coefficients). h is fixed before α and ρ₂: if h ≠ t (or a row a ≥ m of the committed
//!   polynomial has t_a ≠ 0), t(α) − h(α) ≠ 0 except with probability m/|Fr|, and then ρ₂ hits
//!   the one bad value with probability 1/|Fr|. So h = t and ⟨t, e_hi⟩ = F̃(r*) = v.
//! - β after the v_k: each v_k = f̃_k^ext(r*) except with probability K/|Fr|; the sumcheck then
//!   proves Σ_c ρ^c (f̃_{k_c}(r_c) − y_c) = 0, and ρ after the y_c makes every claim true
//!   except with probability C/|Fr|. Entries of a committed polynomial beyond N_k are never
//!   read: W_k vanishes there.
//! - KZG binding (q-SDH / AGM, τ unknown) makes the two batched openings mean what they say.
//!
//! Assumptions: q-SDH / AGM for KZG over BN254, Poseidon and Keccak as random oracles.
//!
//! # Zero knowledge
//! The chain sees H, Ĝ, Q, S₁, S₂, W₁, W₂, y₁, y₂ beside the trace commitment C; each is a
//! linear function of F, so the trace's fresh mask slots must reach all of them with full
//! rank. Today's layout puts the 8 slots in one row a* of the top of the trace, and that is
//! not enough: a row's slots reach both C and Q only through Σ_j s_j τ^j (C through
//! τ^{a*b}·Σ_j s_j τ^j, Q through (Σ_{i<a*} α^{a*−1−i} τ^{ib})·Σ_j s_j τ^j), so their mask
//! parts are proportional and Q would leak one combination of trace data to anyone holding
//! the ceremony's G2 powers. Before statements use this opening the slots must span at least
//! two rows ≥ 1 (and the rank be pinned by a test). The native sumcheck messages and the
//! evaluations stay inside the Groth16 proof.

mod prove;
mod reduce;
mod verify;

pub use prove::prove_split_opening;
pub use verify::{SplitSeeds, verify_split_field, verify_split_group, verify_split_opening};

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
    /// f_k(ζ) per committed vector.
    pub vector_evals: Vec<F>,
    /// Q(ζ).
    pub q_at_zeta: F,
    /// h(ζ).
    pub h_at_zeta: F,
    /// s₁(ζ).
    pub s1_at_zeta: F,
    /// ĝ(ζ⁻¹).
    pub g_rev_at_zeta_inv: F,
    /// s₂(ζ⁻¹).
    pub s2_at_zeta_inv: F,
    /// The MLE of the mask slots at their claim point ([`super::MaskSlots`]).
    pub mask_eval: F,
}

/// What the field part of verification reads besides the claims: the claim-reduction
/// sumcheck and the evaluations (on chain: private inputs of the circuit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitFieldProof<F> {
    /// The sumcheck reducing every claim to one point; its final values are
    /// (W_k(r*), f̃_k^ext(r*)) per vector.
    pub reduction: SumcheckProof<F>,
    /// The evaluations at ζ and ζ⁻¹.
    pub evals: SplitEvals<F>,
}

/// A row-split opening proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitOpeningProof {
    /// The field messages.
    pub field: SplitFieldProof<Fr>,
    /// H = [h(τ)]₁, the row values at r_lo.
    pub h: G1Affine,
    /// Ĝ = [ĝ(τ)]₁, the reversed fold.
    pub g_rev: G1Affine,
    /// Q = [Q(τ)]₁, the quotient by X^b − α.
    pub q: G1Affine,
    /// S₁ = [s₁(τ)]₁.
    pub s1: G1Affine,
    /// S₂ = [s₂(τ)]₁.
    pub s2: G1Affine,
    /// W₁ = [(F₁(X) − y₁)/(X − ζ)]₁.
    pub w1: G1Affine,
    /// W₂ = [(F₂(X) − y₂)/(X − ζ⁻¹)]₁.
    pub w2: G1Affine,
}

impl SplitOpeningProof {
    /// The group elements the chain holds, in calldata order: H, Ĝ, Q, S₁, S₂, W₁, W₂.
    pub fn points(&self) -> [G1Affine; 7] {
        [
            self.h, self.g_rev, self.q, self.s1, self.s2, self.w1, self.w2,
        ]
    }
}
