#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one-hot check on committed labels: honest one-hot rows verify with true claims; a row
//! with two ones, an empty row and a one on a padded class leave a false claim or fail.

use crate::common::transcript;
use ark_ff::{AdditiveGroup, Field};
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::one_hot::{OneHotShape, prove_one_hot, verify_one_hot};
use zkmodel_prover::poly::DenseMle;

const SHAPE: OneHotShape = OneHotShape {
    rows: 8,
    c: 4,
    classes: 3,
};

fn labels(classes: &[usize]) -> Vec<Fr> {
    let mut v = vec![Fr::ZERO; SHAPE.rows * SHAPE.c];
    for (i, c) in classes.iter().enumerate() {
        v[i * SHAPE.c + c] = Fr::ONE;
    }
    v
}

/// Proves and verifies; true when every claim holds on the tensor.
fn accepted(y: &[Fr]) -> bool {
    let Ok((proof, claims)) = prove_one_hot(SHAPE, y, &mut transcript()) else {
        return false;
    };
    let Ok(v) = verify_one_hot(SHAPE, &proof, &mut transcript()) else {
        return false;
    };
    assert_eq!(v, claims);
    let mle = DenseMle::new(y.to_vec()).unwrap();
    v.iter()
        .all(|(_, c)| mle.evaluate(&c.point).unwrap() == c.value)
}

#[test]
fn one_hot_labels_verify_and_others_do_not() {
    let honest = [0, 1, 2, 0, 1, 2, 2, 1];
    assert!(accepted(&labels(&honest)));
    let mut two = labels(&honest);
    two[3 * SHAPE.c + 1] = Fr::ONE;
    assert!(!accepted(&two));
    let mut empty = labels(&honest);
    empty[5 * SHAPE.c + 2] = Fr::ZERO;
    assert!(!accepted(&empty));
    let mut padded = labels(&honest);
    padded[6 * SHAPE.c + 2] = Fr::ZERO;
    padded[6 * SHAPE.c + 3] = Fr::ONE;
    assert!(!accepted(&padded));
    // Tampered messages.
    let (proof, _) = prove_one_hot(SHAPE, &labels(&honest), &mut transcript()).unwrap();
    for i in 0..2 {
        let mut bad = proof.clone();
        bad.final_evals[0][i] += Fr::ONE;
        let r = verify_one_hot(SHAPE, &bad, &mut transcript());
        assert!(
            matches!(r, Err(Error::SumcheckFinal)),
            "final evaluation {i}"
        );
    }
    let mut bad = proof.clone();
    bad.rounds[0][0] += Fr::ONE;
    assert!(matches!(
        verify_one_hot(SHAPE, &bad, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
}
