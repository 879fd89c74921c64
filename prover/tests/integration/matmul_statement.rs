#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The end-to-end MatMul statement through the proof API (layout, commitments, forked block
//! transcript, accumulation, one opening): honest proofs verify; every tampered message,
//! commitment, claim or statement is rejected; two proofs of the same statement share nothing.

use crate::common::{rng, transcript};
use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::Field;
use rand::Rng;
use std::sync::OnceLock;
use zkmodel_prover::Error;
use zkmodel_prover::blocks::matmul::{MatMulDims, matmul, prove_matmul, verify_matmul};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::matmul::{
    CommittedModel, MatMulStatementProof, commit_model, prove, verify,
};

const DIMS: MatMulDims = MatMulDims { m: 4, k: 8, n: 4 };

fn srs() -> &'static Srs {
    static S: OnceLock<Srs> = OnceLock::new();
    S.get_or_init(|| Srs::insecure_development(5, 1 << 7))
}

fn small_ints(seed: u64, len: usize) -> Vec<Fr> {
    let mut r = rng(seed);
    (0..len)
        .map(|_| from_i128(r.gen_range(-128..128)))
        .collect()
}

struct Setup {
    w: Vec<Fr>,
    x: Vec<Fr>,
    model: CommittedModel,
    proof: MatMulStatementProof,
}

fn setup(seed: u64) -> Setup {
    let w = small_ints(seed, DIMS.k * DIMS.n);
    let x = small_ints(seed + 1000, DIMS.m * DIMS.k);
    let mut r = rng(seed + 2000);
    let model = commit_model(srs(), DIMS, &w, &mut r).unwrap();
    let proof = prove(srs(), DIMS, &model, &w, &x, &mut r).unwrap();
    Setup { w, x, model, proof }
}

fn check(s: &Setup, p: &MatMulStatementProof) -> Result<(), Error> {
    verify(srs(), DIMS, s.model.commitment, p)
}

#[test]
fn honest_matmul_statement_verifies() {
    let s = setup(1);
    check(&s, &s.proof).unwrap();
}

/// Every block message is absorbed before the opening's ρ (which relies on it).
#[test]
fn every_block_message_is_bound_before_the_opening() {
    let s = setup(3);
    let claim = s.proof.claim(s.model.commitment);
    crate::common::binding::assert_messages_bound(&DIMS, srs(), &claim, "MatMul");
}

#[test]
fn every_tampered_part_is_rejected() {
    let s = setup(2);
    let p = &s.proof;
    let g = G1Affine::generator();
    let bump = |x: G1Affine| (x + g).into_affine();
    let mut cases: Vec<(&str, MatMulStatementProof)> = vec![
        (
            "trace commitment",
            MatMulStatementProof {
                trace_commitment: bump(p.trace_commitment),
                ..p.clone()
            },
        ),
        (
            "salt",
            MatMulStatementProof {
                salt: p.salt + Fr::ONE,
                ..p.clone()
            },
        ),
    ];
    let mut bad = p.clone();
    bad.block.y_value += Fr::ONE;
    cases.push(("y value", bad));
    for (r, g) in p.block.sumcheck.rounds.iter().enumerate() {
        for j in 0..g.len() {
            let mut bad = p.clone();
            bad.block.sumcheck.rounds[r][j] += Fr::ONE;
            cases.push(("sumcheck round", bad));
        }
    }
    for j in 0..2 {
        let mut bad = p.clone();
        bad.block.sumcheck.final_evals[0][j] += Fr::ONE;
        cases.push(("sumcheck final", bad));
    }
    let mut bad = p.clone();
    bad.opening.q = bump(p.opening.q);
    cases.push(("Q", bad));
    let mut bad = p.clone();
    bad.opening.w_inv = bump(p.opening.w_inv);
    cases.push(("W_ι", bad));
    let mut bad = p.clone();
    bad.opening.field.reduction.final_evals[0][0] += Fr::ONE;
    cases.push(("model value at r*", bad));
    let mut bad = p.clone();
    bad.opening.field.evals.h_at_zeta_inv += Fr::ONE;
    cases.push(("h(ζ⁻¹)", bad));
    // Block messages fail their sumcheck; opening messages the opening's checks.
    for (what, bad) in cases {
        let want = match what {
            // d₂ moves ζ: the evaluations no longer satisfy the reversal identity.
            "Q" => Error::Opening {
                what: "fold degree (reversal) at ζ",
            },
            "h(ζ⁻¹)" => Error::Opening {
                what: "row inner-product identity at ζ⁻¹",
            },
            "W_ι" => Error::Opening {
                what: "pairing check",
            },
            "model value at r*" => Error::Opening {
                what: zkmodel_prover::pcs::split::CLAIM_REDUCTION,
            },
            _ => Error::SumcheckFinal,
        };
        assert_eq!(check(&s, &bad).map(|_| ()), Err(want), "{what}");
    }
}

#[test]
fn a_forged_claim_that_passes_the_block_is_caught_by_the_opening() {
    // The prover rescales the two sumcheck final values so their product — all the block
    // checks — is unchanged, making false claims on X and W.
    let s = setup(3);
    let mut bad = s.proof.clone();
    let ev = &mut bad.block.sumcheck.final_evals[0];
    let two = Fr::from(2u64);
    ev[0] *= two;
    ev[1] *= two.inverse().unwrap();
    let err = check(&s, &bad).unwrap_err();
    assert!(matches!(err, Error::Opening { .. }), "{err:?}");
}

#[test]
fn another_model_or_shape_is_rejected() {
    let s = setup(4);
    let other = setup(5);
    assert!(matches!(
        verify(srs(), DIMS, other.model.commitment, &s.proof),
        Err(Error::SumcheckFinal)
    ));
    let shape = MatMulDims { m: 2, k: 8, n: 8 };
    assert!(matches!(
        verify(srs(), shape, s.model.commitment, &s.proof),
        Err(Error::SumcheckFinal)
    ));
    // The same W committed with fresh mask randomness is a different model commitment.
    let again = commit_model(srs(), DIMS, &s.w, &mut rng(99)).unwrap();
    assert_ne!(again.commitment, s.model.commitment);
    assert!(matches!(
        verify(srs(), DIMS, again.commitment, &s.proof),
        Err(Error::SumcheckFinal)
    ));
}

#[test]
fn a_wrong_output_fails_the_block() {
    let (w, x) = (
        small_ints(6, DIMS.k * DIMS.n),
        small_ints(7, DIMS.m * DIMS.k),
    );
    let mut y = matmul(DIMS, &x, &w);
    y[5] += Fr::ONE;
    let (proof, _) = prove_matmul(DIMS, &x, &w, &y, &mut transcript()).unwrap();
    // The honest prover derives g(1) from the (false) claim, so the lie surfaces at the end.
    assert_eq!(
        verify_matmul(DIMS, &proof, &mut transcript()).unwrap_err(),
        Error::SumcheckFinal
    );
}

#[test]
fn two_proofs_of_the_same_statement_share_nothing() {
    let s = setup(8);
    let p1 = &s.proof;
    let p2 = prove(srs(), DIMS, &s.model, &s.w, &s.x, &mut rng(12345)).unwrap();
    check(&s, &p2).unwrap();
    assert_ne!(p1.trace_commitment, p2.trace_commitment);
    assert_ne!(p1.salt, p2.salt);
    assert_ne!(p1.block.y_value, p2.block.y_value);
    for (a, b) in p1
        .block
        .sumcheck
        .rounds
        .iter()
        .flatten()
        .zip(p2.block.sumcheck.rounds.iter().flatten())
    {
        assert_ne!(a, b);
    }
    let (o1, o2) = (&p1.opening, &p2.opening);
    for (a, b) in o1.points().into_iter().zip(o2.points()) {
        assert_ne!(a, b);
    }
    let (e1, e2) = (&o1.field.evals, &o2.field.evals);
    for (a, b) in [
        (e1.g_at_zeta_inv, e2.g_at_zeta_inv),
        (e1.h_at_zeta_inv, e2.h_at_zeta_inv),
        (e1.s1_at_zeta_inv, e2.s1_at_zeta_inv),
        (e1.g_rev_at_zeta, e2.g_rev_at_zeta),
        (e1.s2_at_zeta, e2.s2_at_zeta),
    ] {
        assert_ne!(a, b);
    }
}
