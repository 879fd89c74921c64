//! The ReLU derivative with a virtual output gradient: claims on dY = M ⊙ dA are proven on
//! the mask and the incoming gradient together with the mask's relations — honest claims
//! verify and hand back true claims; a false claim, a wrong mask and claims rebalanced after
//! seeing λ are rejected with the exact error.

use crate::common::{random_vec, rng, transcript};
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::relu_grad::{
    ReluGradProof, TENSORS, prove_relu_grad, verify_relu_grad,
};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::transcript::labels;
use zkmodel_prover::{Error, Fr};

const VARS: usize = 4;

struct Case {
    tensors: Vec<Vec<Fr>>,
    dy: Vec<Fr>,
}

fn ints(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

/// Pos with dead units at every third entry, M its honest mask unless `mask` overrides it,
/// dA, and dY = M ⊙ dA.
fn case(mask: Option<Vec<i64>>) -> Case {
    let pos: Vec<i64> = (0..16)
        .map(|i| if i % 3 == 0 { 0 } else { i * 2 })
        .collect();
    let m = mask.unwrap_or_else(|| pos.iter().map(|p| i64::from(*p > 0)).collect());
    let da: Vec<i64> = (0..16).map(|i| 7 - i).collect();
    let dy: Vec<i64> = m.iter().zip(&da).map(|(m, a)| m * a).collect();
    Case {
        tensors: vec![ints(&pos), ints(&m), ints(&da)],
        dy: ints(&dy),
    }
}

/// Claims on dY at three random points, with its true values.
fn claims_on(dy: &[Fr]) -> Vec<TensorClaim<Fr>> {
    let mut r = rng(11);
    (0..3)
        .map(|_| {
            let point = random_vec(&mut r, VARS);
            let value = DenseMle::new(dy.to_vec())
                .unwrap()
                .evaluate(&point)
                .unwrap();
            TensorClaim { point, value }
        })
        .collect()
}

fn prove(c: &Case, claims: &[TensorClaim<Fr>]) -> ReluGradProof<Fr> {
    let t = &c.tensors;
    prove_relu_grad([&t[0], &t[1], &t[2]], claims, &mut transcript())
        .unwrap()
        .0
}

fn verify(claims: &[TensorClaim<Fr>], proof: &ReluGradProof<Fr>) -> Result<(), Error> {
    verify_relu_grad(VARS, claims, proof, &mut transcript()).map(|_| ())
}

#[test]
fn honest_claims_verify_and_hand_back_true_claims() {
    let c = case(None);
    let claims = claims_on(&c.dy);
    let proof = prove(&c, &claims);
    let out = verify_relu_grad(VARS, &claims, &proof, &mut transcript()).unwrap();
    assert_eq!(out.len(), TENSORS.len());
    for (name, claim) in &out {
        let idx = TENSORS.iter().position(|n| n == name).unwrap();
        let mle = DenseMle::new(c.tensors[idx].clone()).unwrap();
        assert_eq!(mle.evaluate(&claim.point).unwrap(), claim.value, "{name}");
    }
    // Every message tampered.
    for (round, k) in [(0, 0), (1, 2), (VARS - 1, 1)] {
        let mut bad = proof.clone();
        bad.sumcheck.rounds[round][k] += Fr::from(1u64);
        assert!(
            matches!(verify(&claims, &bad), Err(Error::SumcheckFinal)),
            "round {round}"
        );
    }
    for k in 0..5 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][k] += Fr::from(1u64);
        assert_eq!(
            verify(&claims, &bad),
            Err(Error::SumcheckFinal),
            "final value {k}"
        );
    }
    // A claim point of the wrong length.
    let mut short = claims.clone();
    short[1].point.pop();
    assert_eq!(
        verify(&short, &proof),
        Err(Error::ProofShape {
            what: "ReLU output-gradient claim point",
            expected: VARS,
            actual: VARS - 1,
        })
    );
}

#[test]
fn a_false_claim_on_the_output_gradient_is_rejected() {
    let c = case(None);
    let mut claims = claims_on(&c.dy);
    claims[1].value += Fr::from(1u64);
    let proof = prove(&c, &claims);
    assert_eq!(verify(&claims, &proof), Err(Error::SumcheckFinal));
}

/// The adversary sees λ (replaying the public transcript) and rebalances two false claims so
/// that Σ λ^k·v_k is the honest sum: the block absorbs the values before drawing λ, so λ moves
/// with them and the honest proof no longer fits.
#[test]
fn claims_rebalanced_after_seeing_lambda_are_rejected() {
    let c = case(None);
    let claims = claims_on(&c.dy);
    let proof = prove(&c, &claims);
    let mut t = transcript();
    t.absorb_usizes(labels::RELU_GRAD_STATEMENT, &[VARS, claims.len()])
        .unwrap();
    let values: Vec<Fr> = claims.iter().map(|c| c.value).collect();
    t.absorb(labels::RELU_GRAD_CLAIMS, &values).unwrap();
    let lambda = t.challenge(labels::RELU_GRAD_LAMBDA).unwrap();
    let delta = Fr::from(5u64);
    let mut forged = claims.clone();
    forged[0].value += delta * lambda;
    forged[1].value -= delta;
    let sum = |cs: &[TensorClaim<Fr>]| {
        cs.iter()
            .rev()
            .fold(Fr::from(0u64), |acc, c| acc * lambda + c.value)
    };
    assert_eq!(sum(&forged), sum(&claims));
    assert_eq!(verify(&forged, &proof), Err(Error::SumcheckFinal));
}

/// A mask cleared where Pos > 0 breaks (1 − M)·Pos = 0; a mask set where Pos = 0 satisfies
/// every relation here — Pos − M = −1 is the caller's range check's to refuse (pinned in
/// `logup::a_difference_column_checks_the_difference_without_committing_it` and by the
/// training plan's column list).
#[test]
fn the_mask_relations_hold_or_the_proof_fails() {
    let honest: Vec<i64> = (0..16).map(|i| i64::from(i % 3 != 0)).collect();
    let mut cleared = honest.clone();
    cleared[4] = 0;
    let c = case(Some(cleared));
    let claims = claims_on(&c.dy);
    assert_eq!(
        verify(&claims, &prove(&c, &claims)),
        Err(Error::SumcheckFinal)
    );
    let mut set = honest;
    set[3] = 1;
    let c = case(Some(set));
    let claims = claims_on(&c.dy);
    verify(&claims, &prove(&c, &claims)).unwrap();
}

/// Final values rewritten to keep the composition true at ρ (the adversary knows γ from the
/// public transcript): doubling W̃(ρ) and halving dÃ(ρ) leaves γ²·W·M·dA unchanged, doubling
/// eq(τ, ρ) and solving Pos̃(ρ) for half the relations' value leaves eq·Z unchanged — the
/// verifier's own evaluations of W and eq refuse both.
#[test]
fn final_values_rebalanced_at_the_point_are_refused_by_the_verifiers_own_evaluations() {
    use ark_ff::Field;
    let c = case(None);
    let claims = claims_on(&c.dy);
    let proof = prove(&c, &claims);
    let [eq, w, pos, m, da] = proof.sumcheck.final_evals[0][..] else {
        panic!("five final values");
    };
    let two = Fr::from(2u64);
    let mut bad = proof.clone();
    bad.sumcheck.final_evals[0][1] = w * two;
    bad.sumcheck.final_evals[0][4] = da * two.inverse().unwrap();
    assert_eq!(
        verify(&claims, &bad),
        Err(Error::SuccinctEvaluation {
            what: "ReLU gradient claim weights W̃(ρ)"
        })
    );
    // γ from the public transcript, as the block draws it.
    let mut t = transcript();
    t.absorb_usizes(labels::RELU_GRAD_STATEMENT, &[VARS, claims.len()])
        .unwrap();
    let values: Vec<Fr> = claims.iter().map(|c| c.value).collect();
    t.absorb(labels::RELU_GRAD_CLAIMS, &values).unwrap();
    t.challenge(labels::RELU_GRAD_LAMBDA).unwrap();
    let gamma = t.challenge(labels::RELU_GRAD_GAMMA).unwrap();
    let z = m * m - m + gamma * (Fr::from(1u64) - m) * pos;
    let half = z * two.inverse().unwrap();
    let pos2 = (half - (m * m - m)) * (gamma * (Fr::from(1u64) - m)).inverse().unwrap();
    let mut bad = proof.clone();
    bad.sumcheck.final_evals[0][0] = eq * two;
    bad.sumcheck.final_evals[0][2] = pos2;
    assert_eq!(
        verify(&claims, &bad),
        Err(Error::SuccinctEvaluation {
            what: "ReLU gradient eq(τ, ρ)"
        })
    );
}
