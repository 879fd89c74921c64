#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The argmax/count block alone: honest witnesses verify with true claims; a label on a
//! padded class, a non-first maximum, a wrong count and a non-one-hot prediction are rejected.

use crate::common::transcript;
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::argmax::{ArgmaxShape, ArgmaxWitness, prove_argmax, verify_argmax};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::DenseMle;

const SHAPE: ArgmaxShape = ArgmaxShape {
    m: 4,
    c: 4,
    classes: 3,
    examples: 3,
};

struct W {
    logits: Vec<Fr>,
    pred: Vec<Fr>,
    labels: Vec<Fr>,
    slack: Vec<Fr>,
}

fn ints(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

/// A witness with the given predicted and labelled classes per row (label None: no label).
fn witness(logits: &[i64], pred: &[usize], labels: &[Option<usize>]) -> W {
    let c = SHAPE.c;
    let mut p = vec![0i64; logits.len()];
    let mut l = vec![0i64; logits.len()];
    let mut d = vec![0i64; logits.len()];
    for i in 0..SHAPE.m {
        p[i * c + pred[i]] = 1;
        if let Some(y) = labels[i] {
            l[i * c + y] = 1;
        }
        let m = logits[i * c + pred[i]];
        for j in 0..c {
            d[i * c + j] = m - logits[i * c + j] - 1 + i64::from(j >= pred[i]);
        }
    }
    W {
        logits: ints(logits),
        pred: ints(&p),
        labels: ints(&l),
        slack: ints(&d),
    }
}

fn run(w: &W, count: u64) -> Result<Vec<(String, TensorClaim<Fr>)>, Error> {
    let aw = ArgmaxWitness {
        logits: &w.logits,
        prediction: &w.pred,
        labels: &w.labels,
        slack: &w.slack,
    };
    let (proof, _) = prove_argmax(SHAPE, &aw, Fr::from(count), &mut transcript())?;
    let c = verify_argmax(SHAPE, &proof, &Fr::from(count), &mut transcript())?;
    let mut all = Vec::new();
    for (name, list) in [
        ("pred", c.prediction),
        ("labels", c.labels),
        ("logits", c.logits),
        ("slack", c.slack),
    ] {
        all.extend(list.into_iter().map(|x| (name.to_string(), x)));
    }
    Ok(all)
}

/// Whether every claim holds on the witness (what the opening would check) and D ≥ 0.
fn sound(w: &W, claims: &[(String, TensorClaim<Fr>)]) -> bool {
    claims.iter().all(|(name, c)| {
        let t = match name.as_str() {
            "pred" => &w.pred,
            "labels" => &w.labels,
            "logits" => &w.logits,
            _ => &w.slack,
        };
        DenseMle::new(t.clone())
            .unwrap()
            .evaluate(&c.point)
            .unwrap()
            == c.value
    })
}

const LOGITS: [i64; 16] = [5, 1, 2, -9, 0, 7, 7, -9, 3, 2, 1, -9, 0, 0, 0, -9];

#[test]
fn honest_count_verifies() {
    let w = witness(&LOGITS, &[0, 1, 0, 0], &[Some(0), Some(1), Some(2), None]);
    let claims = run(&w, 2).unwrap();
    assert!(sound(&w, &claims));
    // Another count: the sumcheck fails.
    assert!(matches!(run(&w, 3), Err(Error::SumcheckFinal)));
}

#[test]
fn non_first_maximum_breaks_the_slack() {
    // Row 1 ties at classes 1 and 2; claiming class 2 makes the slack at class 1 negative.
    let w = witness(&LOGITS, &[0, 2, 0, 0], &[Some(0), Some(2), Some(2), None]);
    let neg = w
        .slack
        .iter()
        .any(|d| zkmodel_prover::field::encoding::to_i128(d, 64).unwrap() < 0);
    assert!(neg, "the range check on D would reject this witness");
}

#[test]
fn labels_on_padded_classes_are_rejected() {
    // A model that puts its maximum on the padded class 3, and a label set that labels it so.
    let mut logits = LOGITS;
    logits[2 * 4 + 3] = 50;
    let w = witness(&logits, &[0, 1, 3, 0], &[Some(0), Some(1), Some(3), None]);
    match run(&w, 3) {
        Err(_) => {}
        Ok(claims) => assert!(!sound(&w, &claims), "padded label accepted"),
    }
}

#[test]
fn prediction_must_be_one_hot() {
    let mut w = witness(&LOGITS, &[0, 1, 0, 0], &[Some(0), Some(1), Some(2), None]);
    // Two ones in row 2 (classes 0 and 2): the count would reach 3.
    w.pred[2 * 4 + 2] = Fr::from(1u64);
    match run(&w, 3) {
        Err(_) => {}
        Ok(claims) => assert!(!sound(&w, &claims), "two-hot prediction accepted"),
    }
}
