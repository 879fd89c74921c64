//! A training ReLU's Pos and Neg as virtual tensors of A = |Y| and the mask M: claims on
//! Pos = M·A and Neg = (1 − M)·A are proven on A and M in one sumcheck — honest claims verify
//! and hand back true claims; every message tampered, a false claim, claims rebalanced after
//! seeing λ and final values rebalanced at the point are refused with the exact error; final
//! values of A and M solved to fit the last check pass the block and hand on false claims,
//! which only the opening can refuse.

use crate::common::{random_vec, rng, transcript};
use ark_ff::{AdditiveGroup, Field};
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::relu_split::{
    ReluSplitProof, SplitClaims, TENSORS, prove_relu_split, verify_relu_split,
};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::transcript::labels;
use zkmodel_prover::{Error, Fr};

const VARS: usize = 4;

fn ints(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

fn eval(v: &[Fr], point: &[Fr]) -> Fr {
    DenseMle::new(v.to_vec()).unwrap().evaluate(point).unwrap()
}

/// Outputs Y with dead and negative units: [|Y|, M] and the Pos, Neg they encode.
fn tensors() -> ([Vec<Fr>; 2], Vec<Fr>, Vec<Fr>) {
    let y: Vec<i64> = (0..16).map(|i| (i * 37 % 23) - 11).collect();
    assert!(y.contains(&0) || y.iter().any(|v| *v < 0));
    let m: Vec<i64> = y.iter().map(|v| i64::from(*v > 0)).collect();
    let a: Vec<i64> = y.iter().map(|v| v.abs()).collect();
    let pos: Vec<i64> = y.iter().map(|v| (*v).max(0)).collect();
    let neg: Vec<i64> = y.iter().map(|v| (-*v).max(0)).collect();
    ([ints(&a), ints(&m)], ints(&pos), ints(&neg))
}

/// Three claims on Pos and two on Neg at random points, with their true values.
fn claims() -> (Vec<TensorClaim<Fr>>, Vec<TensorClaim<Fr>>) {
    let (_, pos, neg) = tensors();
    let mut r = rng(17);
    let mut at = |v: &[Fr], n: usize| -> Vec<TensorClaim<Fr>> {
        (0..n)
            .map(|_| {
                let point = random_vec(&mut r, VARS);
                TensorClaim {
                    value: eval(v, &point),
                    point,
                }
            })
            .collect()
    };
    (at(&pos, 3), at(&neg, 2))
}

fn prove(pos: &[TensorClaim<Fr>], neg: &[TensorClaim<Fr>]) -> ReluSplitProof<Fr> {
    let ([a, m], _, _) = tensors();
    prove_relu_split([&a, &m], SplitClaims { pos, neg }, &mut transcript())
        .unwrap()
        .0
}

fn verify(
    pos: &[TensorClaim<Fr>],
    neg: &[TensorClaim<Fr>],
    proof: &ReluSplitProof<Fr>,
) -> Result<Vec<(&'static str, TensorClaim<Fr>)>, Error> {
    verify_relu_split(VARS, SplitClaims { pos, neg }, proof, &mut transcript())
}

#[test]
fn honest_claims_verify_and_hand_back_true_claims() {
    let ([a, m], _, _) = tensors();
    let (pos, neg) = claims();
    let proof = prove(&pos, &neg);
    let out = verify(&pos, &neg, &proof).unwrap();
    assert_eq!(out.len(), TENSORS.len());
    for ((name, claim), v) in out.iter().zip([&a, &m]) {
        assert_eq!(eval(v, &claim.point), claim.value, "{name}");
    }
    for (round, k) in [(0, 0), (1, 2), (VARS - 1, 1)] {
        let mut bad = proof.clone();
        bad.sumcheck.rounds[round][k] += Fr::ONE;
        assert_eq!(
            verify(&pos, &neg, &bad),
            Err(Error::SumcheckFinal),
            "round {round}"
        );
    }
    for k in 0..4 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][k] += Fr::ONE;
        assert_eq!(
            verify(&pos, &neg, &bad),
            Err(Error::SumcheckFinal),
            "final value {k}"
        );
    }
    let mut short = neg.clone();
    short[1].point.pop();
    assert_eq!(
        verify(&pos, &short, &proof),
        Err(Error::ProofShape {
            what: "ReLU split claim point",
            expected: VARS,
            actual: VARS - 1,
        })
    );
    // Claims moved from one tensor to the other are claims on another polynomial.
    let (moved_pos, moved_neg) = (&pos[..2], [pos[2].clone(), neg[0].clone(), neg[1].clone()]);
    assert_eq!(
        verify(moved_pos, &moved_neg, &proof),
        Err(Error::SumcheckFinal)
    );
}

#[test]
fn a_false_claim_on_pos_or_neg_is_rejected() {
    for k in 0..5 {
        let (mut pos, mut neg) = claims();
        let c = if k < 3 { &mut pos[k] } else { &mut neg[k - 3] };
        c.value += Fr::ONE;
        let proof = prove(&pos, &neg);
        assert_eq!(
            verify(&pos, &neg, &proof),
            Err(Error::SumcheckFinal),
            "claim {k}"
        );
    }
}

/// λ from the public transcript, as the block draws it.
fn lambda(pos: &[TensorClaim<Fr>], neg: &[TensorClaim<Fr>]) -> Fr {
    let mut t = transcript();
    t.absorb_usizes(labels::RELU_SPLIT_STATEMENT, &[VARS, pos.len(), neg.len()])
        .unwrap();
    let values: Vec<Fr> = pos.iter().chain(neg).map(|c| c.value).collect();
    t.absorb(labels::RELU_SPLIT_CLAIMS, &values).unwrap();
    t.challenge(labels::RELU_SPLIT_LAMBDA).unwrap()
}

/// The adversary sees λ and shifts a false Pos claim against a false Neg claim so that
/// Σ λ^k·v_k is the honest sum: the values are absorbed before λ, so λ moves with them.
#[test]
fn claims_rebalanced_after_seeing_lambda_are_rejected() {
    let (pos, neg) = claims();
    let proof = prove(&pos, &neg);
    let l = lambda(&pos, &neg);
    let delta = Fr::from(5u64);
    let (mut fp, mut fn_) = (pos.clone(), neg.clone());
    // Pos claim 0 has weight 1, Neg claim 0 weight λ³.
    fp[0].value += delta * l.pow([3u64]);
    fn_[0].value -= delta;
    let sum = |p: &[TensorClaim<Fr>], n: &[TensorClaim<Fr>]| {
        p.iter()
            .chain(n)
            .rev()
            .fold(Fr::ZERO, |acc, c| acc * l + c.value)
    };
    assert_eq!(sum(&fp, &fn_), sum(&pos, &neg));
    assert_eq!(verify(&fp, &fn_, &proof), Err(Error::SumcheckFinal));
}

/// W_P·M·A + W_N·(1 − M)·A at the point.
fn composition(v: [Fr; 4]) -> Fr {
    let [wp, wn, a, m] = v;
    wp * m * a + wn * (Fr::ONE - m) * a
}

/// Final values rewritten to keep the last check true at ρ: W̃_P(ρ) or W̃_N(ρ) doubled and Ã(ρ)
/// solved for — the verifier's own evaluations of the weights refuse both.
#[test]
fn weights_rebalanced_at_the_point_are_refused_by_the_verifiers_own_evaluations() {
    let (pos, neg) = claims();
    let proof = prove(&pos, &neg);
    let [wp, wn, a, m] = proof.sumcheck.final_evals[0][..] else {
        panic!("four final values");
    };
    let target = composition([wp, wn, a, m]);
    // target = A·(W_P·M + W_N·(1 − M)).
    let solve_a = |wp: Fr, wn: Fr| target * (wp * m + wn * (Fr::ONE - m)).inverse().unwrap();
    for (k, what) in [
        (0, "ReLU split Pos weights W̃_P(ρ)"),
        (1, "ReLU split Neg weights W̃_N(ρ)"),
    ] {
        let mut v = [wp, wn, a, m];
        v[k] *= Fr::from(2u64);
        v[2] = solve_a(v[0], v[1]);
        assert_eq!(composition(v), target);
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0] = v.to_vec();
        assert_eq!(
            verify(&pos, &neg, &bad),
            Err(Error::SuccinctEvaluation { what }),
            "{what}"
        );
    }
}

/// Ã(ρ) replaced and M̃(ρ) solved so the last check holds: the block accepts — it cannot see
/// the committed tensors — and hands on claims on |Y| and M that are false. The training
/// verifier adds them to the opening, whose claim reduction refuses false claims on committed
/// vectors (`split_opening` pins that).
#[test]
fn abs_and_mask_rebalanced_at_the_point_pass_on_false_claims() {
    let ([a_t, m_t], _, _) = tensors();
    let (pos, neg) = claims();
    let proof = prove(&pos, &neg);
    let [wp, wn, a, m] = proof.sumcheck.final_evals[0][..] else {
        panic!("four final values");
    };
    let target = composition([wp, wn, a, m]);
    let a2 = a + Fr::from(7u64);
    // target = A·(W_N + M·(W_P − W_N)).
    let m2 = (target * a2.inverse().unwrap() - wn) * (wp - wn).inverse().unwrap();
    assert_eq!(composition([wp, wn, a2, m2]), target);
    let mut bad = proof.clone();
    bad.sumcheck.final_evals[0] = vec![wp, wn, a2, m2];
    let out = verify(&pos, &neg, &bad).unwrap();
    for ((name, claim), v) in out.iter().zip([&a_t, &m_t]) {
        assert_ne!(eval(v, &claim.point), claim.value, "{name}");
    }
}
