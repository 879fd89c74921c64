//! The 2×2 average pool's virtual output in training, O = (S − R)/4 (`blocks/pool.rs`,
//! `prove_pool_output`): every claim on O is resolved into claims on R and on the input A at
//! the half point. Honest claims resolve into true claims; a false claim on O moves the claim
//! on A; an adversary who states R̃ after seeing the claim so that A's claim stays true hands
//! on a false claim on R, which only the opening refuses; a missing or extra value is refused.

use crate::common::{random_vec, rng, transcript, true_eval};
use ark_ff::{AdditiveGroup, Field};
use rand::Rng;
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::pool::{PoolShape, prove_pool_output, verify_pool_output};

/// A (channels-last rows (n, y, x), c), O = ⌊S/4⌋ and R = S mod 4 over 2×2 windows.
fn pool(shape: &PoolShape, a: &[i64]) -> (Vec<i64>, Vec<i64>) {
    let (h, w, c) = (shape.h, shape.w, shape.c);
    let (ho, wo) = (h / 2, w / 2);
    let mut o = vec![0i64; shape.m * ho * wo * c];
    let mut r = o.clone();
    for n in 0..shape.m {
        for y in 0..ho {
            for x in 0..wo {
                for ch in 0..c {
                    let at =
                        |dy: usize, dx: usize| a[((n * h + 2 * y + dy) * w + 2 * x + dx) * c + ch];
                    let s = at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1);
                    let i = ((n * ho + y) * wo + x) * c + ch;
                    (o[i], r[i]) = (s.div_euclid(4), s.rem_euclid(4));
                }
            }
        }
    }
    (o, r)
}

#[test]
fn claims_on_a_virtual_pool_output_resolve_to_the_remainder_and_the_input() {
    let shape = PoolShape {
        m: 2,
        h: 4,
        w: 4,
        c: 2,
    };
    let mut g = rng(31);
    let a: Vec<i64> = (0..shape.m * shape.h * shape.w * shape.c)
        .map(|_| g.gen_range(0..100))
        .collect();
    let (o, r) = pool(&shape, &a);
    let claim_at = |point: Vec<Fr>, shift: Fr| TensorClaim {
        value: true_eval(&o, &point) + shift,
        point,
    };
    let points: Vec<Vec<Fr>> = (0..3).map(|_| random_vec(&mut g, 4)).collect();
    let honest: Vec<_> = points
        .iter()
        .map(|p| claim_at(p.clone(), Fr::ZERO))
        .collect();
    let rf = crate::common::field(&r);
    let (proof, claims) = prove_pool_output(shape, &rf, &honest, &mut transcript()).unwrap();
    let verified = verify_pool_output(shape, &proof, &honest, &mut transcript()).unwrap();
    assert_eq!(verified, claims);
    for c in &verified {
        assert_eq!(c.remainder.value, true_eval(&r, &c.remainder.point));
        assert_eq!(c.input.value, true_eval(&a, &c.input.point));
    }

    // A false claim on O: the honest remainder leaves a false claim on the input.
    let mut false_o = honest.clone();
    false_o[1].value += Fr::ONE;
    let c = verify_pool_output(shape, &proof, &false_o, &mut transcript()).unwrap();
    assert_ne!(c[1].input.value, true_eval(&a, &c[1].input.point));

    // Adaptive: after seeing the false claim, state R̃ four less so the input's claim holds;
    // the claim on R is then false — the opening's to refuse.
    let mut adapted = proof.clone();
    adapted.values[1] -= Fr::from(4u64);
    let c = verify_pool_output(shape, &adapted, &false_o, &mut transcript()).unwrap();
    assert_eq!(c[1].input.value, true_eval(&a, &c[1].input.point));
    assert_ne!(c[1].remainder.value, true_eval(&r, &c[1].remainder.point));

    // One value per claim, and points of the output's size.
    let mut short = proof.clone();
    short.values.pop();
    assert_eq!(
        verify_pool_output(shape, &short, &honest, &mut transcript()),
        Err(Error::ProofShape {
            what: "pool output remainders (one per claim on the output)",
            expected: 3,
            actual: 2,
        })
    );
    let mut off = honest.clone();
    off[0].point.pop();
    assert!(matches!(
        verify_pool_output(shape, &proof, &off, &mut transcript()),
        Err(Error::ProofShape {
            what: "pool output point",
            ..
        })
    ));
}
