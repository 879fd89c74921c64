//! The sumcheck protocol over compositions of multilinear polynomials (DESIGN §6).
//!
//! Statement: Σ_{x ∈ {0,1}^n} C(p_1(x), …, p_k(x)) = claim, for a public composition C of
//! degree d ≤ [`MAX_DEGREE`]. Round j: the prover sends g_j as its evaluations at 0, 2, …, d —
//! g_j(1) is implied by g_j(0) + g_j(1) = running claim, so the verifier computes it instead of
//! checking it (the same soundness, one value less; with the round header the message fits
//! one Poseidon permutation for d ≤ 3) — absorbs them, draws r_j and continues with g_j(r_j). Variables are fixed lowest first. At the end the prover sends
//! p_i(r) and the verifier checks C(p_1(r), …) = final claim; those evaluations become
//! claims for the caller to discharge (against commitments, or by computing them).
//!
//! Batching: instances of different sizes share one run. An instance with n_i < n variables
//! is a polynomial of the *last* n_i round variables (constant in the first n − n_i), its
//! claim weighted by 2^(n − n_i) and by a power of a batching challenge α; its point is the
//! suffix r[n − n_i..].
//!
//! Challenge order: the statement (sizes, degrees, claims) is absorbed first; α is drawn
//! after it; each r_j after round j's message; the final evaluations p_i(r) are absorbed
//! before the caller draws anything else, so no later challenge precedes a value it combines.
//!
//! Soundness: a false claim survives with probability ≤ n·d/|Fr| per instance plus the
//! batching error (count/|Fr|), assuming the transcript is a random oracle.

mod prover;
mod verifier;
mod zerocheck;

pub(crate) use prover::prove_rounds_bound;
pub use prover::{ProverInstance, RoundProver, prove, prove_batched, prove_batched_bound};
pub use verifier::{VerifierInstance, verify, verify_batched, verify_batched_bound};
pub(crate) use verifier::{check_len, verify_rounds_bound};
pub use zerocheck::{ZeroCheck, prove_zerocheck, verify_zerocheck};

use crate::field::{FieldOps, inverse_of_small};
use ark_bn254::Fr;

/// Highest composition degree the toolkit accepts.
pub const MAX_DEGREE: usize = 10;
/// Largest number of variables a statement may declare (guards allocations on bad input).
pub const MAX_VARS: usize = 40;

/// A public polynomial C combining the values of k multilinear polynomials at one point.
///
/// The same object is evaluated by the prover on Fr and by the verifier on its backend, so
/// implementations are generic over [`FieldOps`].
pub trait Composition<F: FieldOps> {
    /// Total degree of C.
    fn degree(&self) -> usize;
    /// Number of multilinear inputs k.
    fn arity(&self) -> usize;
    /// C(vals); `vals.len()` equals [`Composition::arity`] (callers check before calling).
    fn evaluate(&self, vals: &[F]) -> F;
}

/// The product of all k inputs (degree k).
#[derive(Clone, Copy, Debug)]
pub struct Product(pub usize);

impl<F: FieldOps> Composition<F> for Product {
    fn degree(&self) -> usize {
        self.0
    }
    fn arity(&self) -> usize {
        self.0
    }
    #[inline(always)]
    fn evaluate(&self, vals: &[F]) -> F {
        match vals.split_first() {
            Some((first, rest)) => rest.iter().fold(first.clone(), |acc, v| acc.mul(v)),
            None => F::one(),
        }
    }
}

/// A sum of products of inputs with public coefficients: Σ_t c_t · Π_{i ∈ S_t} p_i.
#[derive(Clone, Debug)]
pub struct SumOfProducts {
    arity: usize,
    terms: Vec<(Fr, Vec<usize>)>,
}

impl SumOfProducts {
    /// Builds the composition; every index must be below `arity` and the degree at most
    /// [`MAX_DEGREE`].
    pub fn new(arity: usize, terms: Vec<(Fr, Vec<usize>)>) -> Result<Self, crate::Error> {
        for (_, idx) in &terms {
            crate::error::ensure(
                idx.iter().all(|i| *i < arity),
                "sum of products",
                "a term names an input beyond the arity",
            )?;
            if idx.len() > MAX_DEGREE {
                return Err(crate::Error::TooLarge {
                    what: "sum-of-products term degree",
                    value: idx.len(),
                    max: MAX_DEGREE,
                });
            }
        }
        Ok(Self { arity, terms })
    }
}

impl<F: FieldOps> Composition<F> for SumOfProducts {
    fn degree(&self) -> usize {
        self.terms.iter().map(|(_, t)| t.len()).max().unwrap_or(0)
    }
    fn arity(&self) -> usize {
        self.arity
    }
    fn evaluate(&self, vals: &[F]) -> F {
        self.terms.iter().fold(F::zero(), |acc, (c, idx)| {
            let prod = idx
                .iter()
                .filter_map(|i| vals.get(*i))
                .fold(F::constant(*c), |p, v| p.mul(v));
            acc.add(&prod)
        })
    }
}

/// The proof of a (batched) sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SumcheckProof<F> {
    /// Round polynomials as evaluations at 0, 2, 3, …, d (d the batch's highest degree);
    /// g(1) = claim − g(0) is implied.
    pub rounds: Vec<Vec<F>>,
    /// Per instance, its inputs' evaluations at its final point.
    pub final_evals: Vec<Vec<F>>,
}

impl<F> SumcheckProof<F> {
    /// Field elements the proof carries (its serialized size is 32 bytes each).
    pub fn num_elements(&self) -> usize {
        self.rounds.iter().map(Vec::len).sum::<usize>()
            + self.final_evals.iter().map(Vec::len).sum::<usize>()
    }
}

/// What the verifier learns about one instance: its final point and the claimed values of
/// its inputs there (still to be checked by the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceOutput<F> {
    /// The point r ∈ F^{n_i}.
    pub point: Vec<F>,
    /// p_i(r) for each input i.
    pub evals: Vec<F>,
}

/// Evaluates the degree-≤ d polynomial with values `evals` at 0..=d at the point `r`
/// (Lagrange on the integers; the denominators are public constants).
pub fn interpolate<F: FieldOps>(evals: &[F], r: &F) -> F {
    let n = evals.len();
    if n == 0 {
        return F::zero();
    }
    // (r − j) for each node j, and prefix/suffix products excluding one node at a time.
    let diffs: Vec<F> = (0..n).map(|j| r.add_const(-Fr::from(j as u64))).collect();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(F::one());
    for d in &diffs {
        let next = prefix.last().map_or_else(F::one, |p: &F| p.mul(d));
        prefix.push(next);
    }
    let mut suffix = F::one();
    let mut acc = F::zero();
    let weights = barycentric_weights(n);
    for (i, ((e, d), pre)) in evals.iter().zip(&diffs).zip(&prefix).enumerate().rev() {
        let w = weights.get(i).copied().unwrap_or_else(|| weight(n, i));
        let basis = pre.mul(&suffix).mul_const(w);
        acc = acc.add(&basis.mul(e));
        suffix = suffix.mul(d);
    }
    acc
}

/// w_i = 1 / Π_{j≠i} (i − j) = (−1)^(n−1−i) / (i! (n−1−i)!) for nodes 0..n.
fn weight(n: usize, i: usize) -> Fr {
    let w = inverse_of_small(factorial(i) * factorial(n - 1 - i));
    if (n - 1 - i) % 2 == 1 { -w } else { w }
}

/// The weights for every node count up to MAX_DEGREE + 1, computed once: the verifier
/// interpolates every round and field inversions dominated its arithmetic.
fn barycentric_weights(n: usize) -> &'static [Fr] {
    static TABLE: std::sync::OnceLock<Vec<Vec<Fr>>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=MAX_DEGREE + 1)
            .map(|n| (0..n).map(|i| weight(n, i)).collect())
            .collect()
    });
    table.get(n).map_or(&[], Vec::as_slice)
}

fn factorial(n: usize) -> i64 {
    (1..=n as i64).product()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;

    #[test]
    fn interpolation_recovers_a_cubic() {
        let mut rng = ark_std::test_rng();
        let c: Vec<Fr> = (0..4).map(|_| Fr::rand(&mut rng)).collect();
        let p = |x: Fr| c[0] + c[1] * x + c[2] * x * x + c[3] * x * x * x;
        let evals: Vec<Fr> = (0..4u64).map(|i| p(Fr::from(i))).collect();
        let r = Fr::rand(&mut rng);
        assert_eq!(interpolate(&evals, &r), p(r));
        assert_eq!(interpolate(&evals, &Fr::from(2u64)), evals[2]);
    }
}
