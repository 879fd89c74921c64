#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests for the algebraic identities the protocols rely on (DESIGN §5–6).

use crate::common::{random_vec, rng};
use ark_ff::{Field, One, Zero};
use proptest::prelude::*;
use zkmodel_prover::Fr;
use zkmodel_prover::field::encoding::{from_i128, from_i128_bounded, to_i128};
use zkmodel_prover::poly::mle::{evaluate_public, sum_via_half};
use zkmodel_prover::poly::{DenseMle, eq_eval, eq_table, shift_table, succ_eval};
use zkmodel_prover::sumcheck::interpolate;

fn bits(i: usize, n: usize) -> Vec<Fr> {
    (0..n).map(|j| Fr::from(((i >> j) & 1) as u64)).collect()
}

/// f̃(r) = Σ_i f_i Π_j (r_j b_j + (1 − r_j)(1 − b_j)), written out term by term.
fn brute_force_eval(f: &[Fr], r: &[Fr]) -> Fr {
    f.iter()
        .enumerate()
        .map(|(i, fi)| {
            let weight: Fr = r
                .iter()
                .enumerate()
                .map(|(j, rj)| {
                    if (i >> j) & 1 == 1 {
                        *rj
                    } else {
                        Fr::one() - rj
                    }
                })
                .product();
            *fi * weight
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mle_evaluation_matches_brute_force(seed in any::<u64>(), n in 0usize..7) {
        let mut r = rng(seed);
        let f = random_vec(&mut r, 1 << n);
        let p = random_vec(&mut r, n);
        let mle = DenseMle::new(f.clone()).unwrap();
        let expect = brute_force_eval(&f, &p);
        prop_assert_eq!(mle.evaluate(&p).unwrap(), expect);
        prop_assert_eq!(evaluate_public::<Fr>(&f, &p), expect);
        // On Boolean points the MLE is the table.
        let i = (seed as usize) % (1 << n);
        prop_assert_eq!(mle.evaluate(&bits(i, n)).unwrap(), f[i]);
        // Fixing variables one at a time is evaluation.
        let mut g = mle.clone();
        g.fix_low_variables(&p);
        prop_assert_eq!(g.evals(), &[expect][..]);
    }

    #[test]
    fn sum_is_two_to_the_n_times_value_at_one_half(seed in any::<u64>(), n in 0usize..8) {
        let mut r = rng(seed);
        let f = DenseMle::new(random_vec(&mut r, 1 << n)).unwrap();
        prop_assert_eq!(sum_via_half(&f).unwrap(), f.sum());
    }

    #[test]
    fn eq_table_is_pointwise_eq_and_sums_to_one(seed in any::<u64>(), n in 0usize..7) {
        let mut r = rng(seed);
        let a = random_vec(&mut r, n);
        let b = random_vec(&mut r, n);
        let t = eq_table(&a);
        for (i, v) in t.iter().enumerate() {
            prop_assert_eq!(*v, eq_eval(&a, &bits(i, n)));
        }
        prop_assert_eq!(t.iter().sum::<Fr>(), Fr::one());
        prop_assert_eq!(eq_eval(&a, &b), eq_eval(&b, &a));
        // eq(a, ·) is the MLE of its table.
        prop_assert_eq!(DenseMle::new(t).unwrap().evaluate(&b).unwrap(), eq_eval(&a, &b));
        // Boolean points: the indicator.
        let (i, j) = ((seed as usize) % (1 << n), ((seed >> 20) as usize) % (1 << n));
        let expect = if i == j { Fr::one() } else { Fr::zero() };
        prop_assert_eq!(eq_eval(&bits(i, n), &bits(j, n)), expect);
    }

    #[test]
    fn shift_relation_identity(seed in any::<u64>(), n in 1usize..7) {
        let mut r = rng(seed);
        let a = random_vec(&mut r, 1 << n);
        let rho = random_vec(&mut r, n);
        let y = random_vec(&mut r, n);
        let s = shift_table(&rho);
        // The table's MLE is succ̃(ρ, ·), computed by the verifier in O(n).
        prop_assert_eq!(DenseMle::new(s.clone()).unwrap().evaluate(&y).unwrap(), succ_eval(&rho, &y));
        // Σ_t eq(ρ, t)·A(t + 1) = Σ_y A(y)·succ̃(ρ, y): the shifted vector's MLE at ρ.
        let mut shifted = a[1..].to_vec();
        shifted.push(Fr::zero());
        let lhs = DenseMle::new(shifted).unwrap().evaluate(&rho).unwrap();
        let rhs: Fr = a.iter().zip(&s).map(|(x, w)| *x * w).sum();
        prop_assert_eq!(lhs, rhs);
    }

    #[test]
    fn interpolation_reproduces_low_degree_polynomials(seed in any::<u64>(), d in 0usize..7) {
        let mut r = rng(seed);
        let coeffs = random_vec(&mut r, d + 1);
        let p = |x: Fr| coeffs.iter().rev().fold(Fr::zero(), |acc, c| acc * x + c);
        let evals: Vec<Fr> = (0..=d as u64).map(|i| p(Fr::from(i))).collect();
        let x = random_vec(&mut r, 1)[0];
        prop_assert_eq!(interpolate(&evals, &x), p(x));
    }

    #[test]
    fn signed_embedding_is_a_ring_homomorphism_within_bounds(a in -(1i64 << 40)..(1i64 << 40), b in -(1i64 << 40)..(1i64 << 40)) {
        let (a, b) = (i128::from(a), i128::from(b));
        prop_assert_eq!(from_i128(a) + from_i128(b), from_i128(a + b));
        prop_assert_eq!(from_i128(a) * from_i128(b), from_i128(a * b));
        prop_assert_eq!(to_i128(&from_i128(a * b), 82).unwrap(), a * b);
        prop_assert_eq!(to_i128(&from_i128_bounded(a, 42).unwrap(), 42).unwrap(), a);
        prop_assert!(from_i128_bounded(a, 8).is_ok() == (-128..128).contains(&a));
        if a != 0 {
            prop_assert_eq!(from_i128(a).inverse().unwrap() * from_i128(a), Fr::one());
        }
    }
}
