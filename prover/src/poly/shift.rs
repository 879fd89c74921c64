//! The successor relation succ(x, y) = [y = x + 1] on n-bit integers, without wraparound.
//!
//! Σ_t eq(ρ, t)·A(t + 1) = Σ_y A(y)·succ̃(ρ, y), so a shift between two committed vectors is
//! one sumcheck against succ̃(ρ, ·), whose table the prover builds with [`shift_table`] and
//! whose evaluation the verifier computes in O(n) with [`succ_eval`].

use crate::field::FieldOps;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};

/// succ̃(x, y) in O(n). y = x + 1 iff, for some k, x's bits below k are 1 and y's are 0,
/// x_k = 0 and y_k = 1, and all higher bits agree; the sum over k has disjoint support.
pub fn succ_eval<F: FieldOps>(x: &[F], y: &[F]) -> F {
    let n = x.len().min(y.len());
    // suffix[k] = Π_{j ≥ k} eq(x_j, y_j)
    let mut suffix = vec![F::one(); n + 1];
    for j in (0..n).rev() {
        let xy = x[j].mul(&y[j]);
        let eq = xy.add(&xy).sub(&x[j]).sub(&y[j]).add_const(Fr::ONE);
        suffix[j] = suffix[j + 1].mul(&eq);
    }
    let mut prefix = F::one(); // Π_{j < k} x_j (1 − y_j)
    let mut total = F::zero();
    for k in 0..n {
        // (1 − x_k) y_k
        let carry = x[k].one_minus().mul(&y[k]);
        total = total.add(&prefix.mul(&carry).mul(&suffix[k + 1]));
        prefix = prefix.mul(&x[k].mul(&y[k].one_minus()));
    }
    total
}

/// The table of y ↦ succ̃(ρ, y) = eq(ρ, y − 1) for y ≥ 1 and 0 for y = 0.
pub fn shift_table(rho: &[Fr]) -> Vec<Fr> {
    let eq = super::eq_table(rho);
    let mut out = Vec::with_capacity(eq.len());
    out.push(Fr::ZERO);
    out.extend_from_slice(&eq[..eq.len() - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(i: usize, n: usize) -> Vec<Fr> {
        (0..n).map(|j| Fr::from(((i >> j) & 1) as u64)).collect()
    }

    #[test]
    fn boolean_points_are_the_successor_relation() {
        let n = 4;
        for a in 0..16 {
            for b in 0..16 {
                let expect = if b == a + 1 { Fr::ONE } else { Fr::ZERO };
                assert_eq!(succ_eval(&bits(a, n), &bits(b, n)), expect, "{a} -> {b}");
            }
        }
    }
}
