#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The softmax block: the witness is exactly the trainer's fixed-point softmax, honest proofs
//! verify with claims that hold on the witness, and tampered probabilities, sums or products
//! leave a false claim or a failing check.

use crate::common::transcript;
use ark_ff::Field;
use zkmodel_prover::blocks::softmax::{
    SLACK, SoftmaxShape, SoftmaxWitness, TENSORS, prove_softmax, verify_softmax,
};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::train::softmax::{chunk_tables, softmax_row};
use zkmodel_prover::{Error, Fr};

const SHAPE: SoftmaxShape = SoftmaxShape {
    rows: 4,
    c: 16,
    real: 10,
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
    let idx = TENSORS
        .iter()
        .position(|n| *n == name)
        .unwrap_or(TENSORS.len());
    &w.tensors[idx]
}

/// Every claim holds on the witness.
fn holds(
    w: &SoftmaxWitness,
    claims: &[(&'static str, zkmodel_prover::blocks::TensorClaim<Fr>)],
) -> bool {
    claims.iter().all(|(name, c)| {
        DenseMle::new(tensor(w, name).to_vec())
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
        let p = softmax_row(&l[i * 16..i * 16 + 16], 10, 8, &tables);
        assert!(p[10..].iter().all(|x| *x == 0));
        for (j, pj) in p.iter().enumerate() {
            assert_eq!(tensor(&w, "probs")[i * 16 + j], from_i128(i128::from(*pj)));
        }
    }
    let (proof, claims) = prove_softmax(SHAPE, &w, &mut transcript()).unwrap();
    let v = verify_softmax(SHAPE, &proof, &mut transcript()).unwrap();
    assert_eq!(v, claims);
    assert!(holds(&w, &v));
}

fn with(honest: &SoftmaxWitness, edit: impl FnOnce(&mut Vec<Vec<Fr>>)) -> SoftmaxWitness {
    let mut tensors = honest.tensors.clone();
    edit(&mut tensors);
    SoftmaxWitness { tensors }
}

fn at(name: &str) -> usize {
    TENSORS
        .iter()
        .position(|n| *n == name)
        .unwrap_or(TENSORS.len())
}

/// Runs prover then verifier on a (possibly dishonest) witness.
fn run(w: &SoftmaxWitness) -> Result<bool, Error> {
    let (proof, _) = prove_softmax(SHAPE, w, &mut transcript())?;
    let claims = verify_softmax(SHAPE, &proof, &mut transcript())?;
    Ok(holds(w, &claims))
}

#[test]
fn tampered_witnesses_and_messages_are_rejected() {
    let honest = SoftmaxWitness::compute(SHAPE, &logits());
    // A probability, a product or the one-hot's Booleanity broken: the zerocheck.
    for (name, idx) in [("probs", 3), ("prod2", 5), ("real_exp", 2)] {
        let w = with(&honest, |t| t[at(name)][idx] += Fr::ONE);
        assert!(matches!(run(&w), Err(Error::SumcheckFinal)), "{name}");
    }
    // A row sum or the one-hot moved: a linear identity at r no longer holds (the prover's
    // own check refuses; the verifier runs the same).
    let w = with(&honest, |t| t[at("sums")][1] += Fr::ONE);
    assert!(matches!(
        run(&w),
        Err(Error::SuccinctEvaluation {
            what: "softmax slack Z = S − 1 − R_p"
        })
    ));
    let w = with(&honest, |t| t[at("max_onehot")][17] += Fr::ONE);
    assert!(matches!(
        run(&w),
        Err(Error::SuccinctEvaluation {
            what: "softmax gap D + L′ = μ·M"
        })
    ));
    // Every stated value moved: one of the linear checks.
    let (proof, _) = prove_softmax(SHAPE, &honest, &mut transcript()).unwrap();
    for i in 0..proof.values.len() {
        let mut bad = proof.clone();
        bad.values[i] += Fr::ONE;
        assert!(
            matches!(
                verify_softmax(SHAPE, &bad, &mut transcript()),
                Err(Error::SuccinctEvaluation { .. })
            ),
            "value {i}"
        );
    }
    // Every zerocheck and max-sumcheck message moved.
    for which in 0..2 {
        let rounds = if which == 0 {
            proof.max.rounds.len()
        } else {
            proof.zerocheck.rounds.len()
        };
        for r in 0..rounds {
            let mut bad = proof.clone();
            let sc = if which == 0 {
                &mut bad.max
            } else {
                &mut bad.zerocheck
            };
            sc.rounds[r][0] += Fr::ONE;
            assert!(
                matches!(
                    verify_softmax(SHAPE, &bad, &mut transcript()),
                    Err(Error::SumcheckFinal | Error::SuccinctEvaluation { .. })
                ),
                "sumcheck {which} round {r}"
            );
        }
    }
    // Another statement: the real-class count is absorbed.
    let other = SoftmaxShape { real: 9, ..SHAPE };
    assert!(verify_softmax(other, &proof, &mut transcript()).is_err());
}

/// A padded logit at the top of its row takes no part: the real classes are normalised over
/// themselves, against the row's maximum, and the padded class's probability is 0.
#[test]
fn padded_columns_take_no_part_in_the_normalisation() {
    let mut l = logits();
    let real_max = *l[..10].iter().max().unwrap();
    l[12] = real_max + 100;
    let w = SoftmaxWitness::compute(SHAPE, &l);
    let p = softmax_row(&l[..16], 10, 8, &chunk_tables(8));
    assert!(p[10..].iter().all(|x| *x == 0));
    for (j, pj) in p.iter().enumerate() {
        assert_eq!(tensor(&w, "probs")[j], from_i128(i128::from(*pj)));
    }
    let total: f64 = l[..10].iter().map(|x| (*x as f64 / 256.0).exp()).sum();
    for (j, x) in l[..10].iter().enumerate() {
        let float = (*x as f64 / 256.0).exp() / total;
        assert!((p[j] as f64 / 256.0 - float).abs() < 0.02, "{p:?}");
    }
    assert!(run(&w).unwrap());
}

/// A padded class marked as the row's maximum (its logit above every real one, the real gaps
/// taken against it, every other relation and range kept): Q must vanish on padded classes.
#[test]
fn a_padded_class_cannot_be_the_maximum() {
    let mut l = logits();
    for i in 0..4 {
        l[i * 16 + 12] = *l[i * 16..i * 16 + 10].iter().max().unwrap() + 300;
    }
    let all = SoftmaxWitness::compute(SoftmaxShape { real: 16, ..SHAPE }, &l);
    let big = |f: &Fr| -> i64 {
        i64::try_from(zkmodel_prover::field::encoding::to_i128(f, 40).unwrap()).unwrap()
    };
    let w = with(&all, |t| {
        for i in 0..4 {
            let mut sum = 0;
            for j in 0..16 {
                let ij = i * 16 + j;
                if j >= 10 {
                    for name in ["gap", "chunk0", "chunk1", "chunk2", "chunk3", "prod_rem1"] {
                        t[at(name)][ij] = Fr::from(0u64);
                    }
                    for name in ["prod_rem2", "prod_rem3", "real_exp", "real_logits"] {
                        t[at(name)][ij] = Fr::from(0u64);
                    }
                    for name in ["exp0", "exp1", "exp2", "exp3", "prod1", "prod2", "prod3"] {
                        t[at(name)][ij] = Fr::from(256u64);
                    }
                } else {
                    sum += big(&t[at("real_exp")][ij]);
                }
            }
            t[at("sums")][i] = Fr::from(sum as u64);
            for ij in i * 16..(i + 1) * 16 {
                let num = big(&t[at("real_exp")][ij]) << 8;
                t[at("probs")][ij] = Fr::from((num / sum) as u64);
                t[at("prob_rem")][ij] = Fr::from((num % sum) as u64);
                t[at(SLACK)][ij] = Fr::from((sum - 1 - num % sum) as u64);
            }
        }
    });
    assert_eq!(tensor(&w, "max_onehot")[12], Fr::from(1u64));
    assert!(matches!(run(&w), Err(Error::SumcheckFinal)));
}

/// Adaptive forgery: a prover that counts a padded class in the row sums (X = E_3 there, the
/// sums, probabilities and remainders recomputed so every range check holds) fails the
/// zerocheck; one that then solves for the mask's evaluation after seeing the zerocheck's
/// final point, keeping the final check satisfied, fails the verifier's own mask evaluation.
#[test]
fn counting_a_padded_class_is_rejected_even_when_the_mask_is_solved_for() {
    // Padded class 12 close below each row's maximum: its exponential is far from 0.
    let mut l = logits();
    for i in 0..4 {
        l[i * 16 + 12] = *l[i * 16..i * 16 + 10].iter().max().unwrap() - 50;
    }
    let honest = SoftmaxWitness::compute(SHAPE, &l);
    assert_ne!(tensor(&honest, "prod3")[12], Fr::from(0u64));
    let w = with(&honest, |t| {
        let big = |f: &Fr| -> i64 {
            i64::try_from(zkmodel_prover::field::encoding::to_i128(f, 40).unwrap()).unwrap()
        };
        for i in 0..4 {
            let row = i * 16..(i + 1) * 16;
            t[at("real_exp")][i * 16 + 12] = t[at("prod3")][i * 16 + 12];
            let sum: i64 = t[at("real_exp")][row.clone()].iter().map(big).sum();
            t[at("sums")][i] = Fr::from(sum as u64);
            for ij in row {
                let num = big(&t[at("real_exp")][ij]) << 8;
                t[at("probs")][ij] = Fr::from((num / sum) as u64);
                t[at("prob_rem")][ij] = Fr::from((num % sum) as u64);
                t[at(SLACK)][ij] = Fr::from((sum - 1 - num % sum) as u64);
            }
        }
    });
    assert!(matches!(run(&w), Err(Error::SumcheckFinal)));

    // Adaptive: from the honest proof, after the final point (γ replayed from the public
    // transcript), move the mask's evaluation by δ and every input whose term it enters so
    // that the zerocheck's final check still holds: X by δ·E_3, R_p by 2^s·δ·E_3, L′ by δ·L,
    // and Q − μ·Q's change −γ^7·δ·Q absorbed by R_1 (γ^0 term, −R_1).
    let (proof, _) = prove_softmax(SHAPE, &honest, &mut transcript()).unwrap();
    let gamma = {
        use zkmodel_prover::sumcheck::{Product, VerifierInstance, verify};
        use zkmodel_prover::transcript::labels;
        let mut t = transcript();
        t.absorb_usizes(labels::SOFTMAX_STATEMENT, &[2, 4, 8, 10])
            .unwrap();
        t.challenges(labels::SOFTMAX_POINT, 4).unwrap();
        t.challenges(labels::SOFTMAX_POINT, 2).unwrap();
        t.absorb(labels::SOFTMAX_VALUES, &proof.values).unwrap();
        let inst = VerifierInstance {
            num_vars: 6,
            composition: &Product(3),
            claim: proof.values[2],
        };
        verify(inst, &proof.max, &mut t).unwrap();
        t.challenge(labels::SOFTMAX_POINT).unwrap()
    };
    let mut bad = proof.clone();
    let evals = &mut bad.zerocheck.final_evals[0];
    // The zerocheck's first evaluation is eq(τ, ·): the inputs follow.
    let (r1, e3, x, rp, q, l, lr, mu) = (4, 9, 11, 14, 15, 16, 17, 18);
    let delta = Fr::from(7u64);
    let (e3v, qv, lv) = (evals[e3], evals[q], evals[l]);
    evals[mu] += delta;
    evals[x] += delta * e3v;
    evals[rp] += delta * e3v * Fr::from(256u64);
    evals[lr] += delta * lv;
    evals[r1] -= gamma.pow([7u64]) * delta * qv;
    assert!(matches!(
        verify_softmax(SHAPE, &bad, &mut transcript()),
        Err(Error::SuccinctEvaluation {
            what: "softmax real-class mask"
        })
    ));
}
