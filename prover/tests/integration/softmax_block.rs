#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The softmax block: the witness is exactly the trainer's fixed-point softmax, honest proofs
//! verify with claims that hold on the witness, and tampered probabilities, sums or products
//! leave a false claim or a failing check.

use crate::common::transcript;
use ark_ff::Field;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::softmax::{
    SLACK, SoftmaxShape, SoftmaxWitness, TENSORS, prove_softmax, verify_softmax,
};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::train::softmax::{chunk_tables, softmax_row};

const SHAPE: SoftmaxShape = SoftmaxShape {
    rows: 4,
    c: 16,
    scale: 8,
};

fn logits() -> Vec<i64> {
    (0..64i64)
        .map(|i| {
            if i % 16 >= 10 {
                -(1 << 14)
            } else {
                (i * 37 % 900) - 450
            }
        })
        .collect()
}

fn tensor<'a>(w: &'a SoftmaxWitness, name: &str) -> &'a [Fr] {
    let idx = TENSORS.iter().position(|n| *n == name).unwrap_or(20);
    &w.tensors[idx]
}

/// Every claim holds on the witness.
fn holds(
    w: &SoftmaxWitness,
    claims: &[(&'static str, zkmodel_prover::blocks::TensorClaim<Fr>)],
) -> bool {
    claims.iter().all(|(name, c)| {
        let t = if *name == SLACK {
            &w.tensors[20][..]
        } else {
            tensor(w, name)
        };
        DenseMle::new(t.to_vec())
            .unwrap()
            .evaluate(&c.point)
            .unwrap()
            == c.value
    })
}

#[test]
fn witness_is_the_trainers_softmax_and_verifies() {
    let l = logits();
    let w = SoftmaxWitness::compute(SHAPE, &l);
    let tables = chunk_tables(8);
    for i in 0..4 {
        let p = softmax_row(&l[i * 16..i * 16 + 10], 8, &tables);
        for (j, pj) in p.iter().enumerate() {
            assert_eq!(tensor(&w, "probs")[i * 16 + j], from_i128(i128::from(*pj)));
        }
    }
    let (proof, claims) = prove_softmax(SHAPE, &w, &mut transcript()).unwrap();
    let v = verify_softmax(SHAPE, &proof, &mut transcript()).unwrap();
    assert_eq!(v, claims);
    assert!(holds(&w, &v));
}

#[test]
fn tampered_witnesses_and_messages_are_rejected() {
    let l = logits();
    let honest = SoftmaxWitness::compute(SHAPE, &l);
    // A probability raised by one (its remainder lowered to keep nothing else in sight).
    for (name, idx) in [("probs", 3), ("sums", 1), ("prod2", 5), ("max_onehot", 17)] {
        let mut w = SoftmaxWitness {
            tensors: honest.tensors.clone(),
        };
        let t = TENSORS.iter().position(|n| *n == name).unwrap();
        w.tensors[t][idx] += Fr::ONE;
        match prove_softmax(SHAPE, &w, &mut transcript()) {
            Err(_) => {}
            Ok((proof, _)) => match verify_softmax(SHAPE, &proof, &mut transcript()) {
                Err(_) => {}
                Ok(claims) => assert!(!holds(&w, &claims), "tampered {name} accepted"),
            },
        }
    }
    let (proof, _) = prove_softmax(SHAPE, &honest, &mut transcript()).unwrap();
    for i in 0..proof.values.len() {
        let mut bad = proof.clone();
        bad.values[i] += Fr::ONE;
        match verify_softmax(SHAPE, &bad, &mut transcript()) {
            Err(_) => {}
            Ok(claims) => assert!(!holds(&honest, &claims), "value {i} accepted"),
        }
    }
}

/// The ReLU derivative: the mask is exactly [Pos > 0]; a mask set where Pos = 0, a mask
/// cleared where Pos > 0 (K would be negative: the caller's range check) and a wrong gradient
/// are rejected.
#[test]
fn relu_gradient_mask_is_exact() {
    use zkmodel_prover::blocks::relu_grad::{TENSORS, prove_relu_grad, verify_relu_grad};
    let pos: Vec<i64> = (0..16)
        .map(|i| if i % 3 == 0 { 0 } else { i * 2 })
        .collect();
    let da: Vec<i64> = (0..16).map(|i| 7 - i).collect();
    let build = |mask: &[i64], dy: &[i64]| -> Vec<Vec<Fr>> {
        let k: Vec<i64> = pos.iter().zip(mask).map(|(p, m)| p - m).collect();
        [pos.clone(), mask.to_vec(), k, da.clone(), dy.to_vec()]
            .iter()
            .map(|v| v.iter().map(|x| from_i128(i128::from(*x))).collect())
            .collect()
    };
    let mask: Vec<i64> = pos.iter().map(|p| i64::from(*p > 0)).collect();
    let dy: Vec<i64> = mask.iter().zip(&da).map(|(m, a)| m * a).collect();
    let run = |t: &[Vec<Fr>]| {
        let refs = [&t[0][..], &t[1][..], &t[2][..], &t[3][..], &t[4][..]];
        let (proof, _) = prove_relu_grad(refs, &mut transcript()).unwrap();
        verify_relu_grad(4, &proof, &mut transcript()).map(|claims| {
            claims.iter().all(|(name, c)| {
                let idx = TENSORS.iter().position(|n| n == name).unwrap();
                DenseMle::new(t[idx].clone())
                    .unwrap()
                    .evaluate(&c.point)
                    .unwrap()
                    == c.value
            })
        })
    };
    assert!(run(&build(&mask, &dy)).unwrap());
    // Mask set where Pos = 0 (index 3): (1 − M)·Pos holds but K = −1 fails the range check;
    // the zerocheck itself is satisfied, so only the caller's range check catches it.
    let mut m2 = mask.clone();
    m2[3] = 1;
    let k_neg = build(&m2, &dy)[2][3];
    assert_eq!(k_neg, -Fr::ONE);
    // Mask cleared where Pos > 0: (1 − M)·Pos ≠ 0.
    let mut m3 = mask.clone();
    m3[4] = 0;
    let mut dy3 = dy.clone();
    dy3[4] = 0;
    assert!(!matches!(run(&build(&m3, &dy3)), Ok(true)));
    // Wrong gradient.
    let mut dy4 = dy.clone();
    dy4[5] += 1;
    assert!(!matches!(run(&build(&mask, &dy4)), Ok(true)));
}
