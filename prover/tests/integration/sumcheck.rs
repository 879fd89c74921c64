#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Completeness and soundness of the sumcheck, batched sumcheck and zerocheck verifiers:
//! every honest proof verifies; every tampered message, claim, evaluation or statement is
//! rejected with a typed error; malformed proofs never panic.

use crate::common::{random_vec, rng, transcript};
use ark_ff::{AdditiveGroup, Field};
use proptest::prelude::*;
use zkmodel_prover::sumcheck::{
    Composition, InstanceOutput, Product, ProverInstance, RoundProver, SumOfProducts,
    SumcheckProof, VerifierInstance, prove, prove_batched, prove_zerocheck, verify, verify_batched,
    verify_zerocheck,
};
use zkmodel_prover::{Error, Fr, poly::DenseMle};

fn product_instance(seed: u64, n: usize, k: usize) -> (Vec<Vec<Fr>>, Fr) {
    let mut r = rng(seed);
    let tables: Vec<Vec<Fr>> = (0..k).map(|_| random_vec(&mut r, 1 << n)).collect();
    let sum = (0..1 << n)
        .map(|i| tables.iter().map(|t| t[i]).product::<Fr>())
        .sum();
    (tables, sum)
}

fn prove_product(tables: &[Vec<Fr>], claim: Fr) -> (SumcheckProof<Fr>, InstanceOutput<Fr>) {
    let k = tables.len();
    let mut inst = ProverInstance::new(tables.to_vec(), Product(k)).unwrap();
    prove(&mut inst, claim, &mut transcript()).unwrap()
}

fn verify_product(
    n: usize,
    k: usize,
    claim: Fr,
    proof: &SumcheckProof<Fr>,
) -> Result<InstanceOutput<Fr>, Error> {
    let c = Product(k);
    verify(
        VerifierInstance {
            num_vars: n,
            composition: &c,
            claim,
        },
        proof,
        &mut transcript(),
    )
}

#[test]
fn honest_product_sumcheck_verifies_and_evals_are_true() {
    for (n, k) in [(0, 1), (1, 2), (5, 2), (6, 3), (4, 4)] {
        let (tables, sum) = product_instance(n as u64, n, k);
        let (proof, out) = prove_product(&tables, sum);
        let vout = verify_product(n, k, sum, &proof).unwrap();
        assert_eq!(vout, out);
        for (t, e) in tables.iter().zip(&vout.evals) {
            assert_eq!(
                DenseMle::new(t.clone())
                    .unwrap()
                    .evaluate(&vout.point)
                    .unwrap(),
                *e
            );
        }
    }
}

#[test]
fn every_tampered_round_value_is_rejected() {
    let (n, k) = (4, 3);
    let (tables, sum) = product_instance(7, n, k);
    let (proof, _) = prove_product(&tables, sum);
    for round in 0..proof.rounds.len() {
        for j in 0..proof.rounds[round].len() {
            let mut bad = proof.clone();
            bad.rounds[round][j] += Fr::ONE;
            let err = verify_product(n, k, sum, &bad).unwrap_err();
            assert_eq!(err, Error::SumcheckFinal, "round {round} eval {j}");
        }
    }
}

#[test]
fn every_tampered_final_evaluation_is_rejected() {
    let (tables, sum) = product_instance(8, 4, 3);
    let (proof, _) = prove_product(&tables, sum);
    for j in 0..3 {
        let mut bad = proof.clone();
        bad.final_evals[0][j] += Fr::ONE;
        assert_eq!(
            verify_product(4, 3, sum, &bad).unwrap_err(),
            Error::SumcheckFinal
        );
    }
}

#[test]
fn wrong_claim_is_rejected_even_with_a_forged_consistent_first_round() {
    let (tables, sum) = product_instance(9, 5, 2);
    let wrong = sum + Fr::ONE;
    // The honest proof against a wrong claim: g(1) is derived from the wrong claim, so the
    // final check fails.
    let (proof, _) = prove_product(&tables, sum);
    assert_eq!(
        verify_product(5, 2, wrong, &proof).unwrap_err(),
        Error::SumcheckFinal
    );
    // A prover that starts from the wrong claim must lie about a later round or the final
    // evaluations.
    let mut inst = ProverInstance::new(tables, Product(2)).unwrap();
    let (forged, _) = prove(&mut inst, wrong, &mut transcript()).unwrap();
    assert!(matches!(
        verify_product(5, 2, wrong, &forged),
        Err(Error::SumcheckFinal)
    ));
}

#[test]
fn statement_is_bound_to_the_transcript() {
    let (tables, sum) = product_instance(10, 4, 2);
    let (proof, _) = prove_product(&tables, sum);
    // Other sizes, other degree: different shape or different challenges.
    assert!(matches!(
        verify_product(3, 2, sum, &proof),
        Err(Error::ProofShape {
            what: "sumcheck rounds",
            expected: 3,
            actual: 4
        })
    ));
    assert!(matches!(
        verify_product(5, 2, sum, &proof),
        Err(Error::ProofShape {
            what: "sumcheck rounds",
            expected: 5,
            actual: 4
        })
    ));
    let c = SumOfProducts::new(2, vec![(Fr::ONE, vec![0, 1]), (Fr::ZERO, vec![0])]).unwrap();
    // Same polynomial and degree, but the verifier's transcript state differs after an
    // extra absorption: the challenges no longer match the prover's.
    let mut t = transcript();
    t.absorb(zkmodel_prover::transcript::labels::STATEMENT, &[Fr::ONE])
        .unwrap();
    let r = verify(
        VerifierInstance {
            num_vars: 4,
            composition: &c,
            claim: sum,
        },
        &proof,
        &mut t,
    );
    assert!(matches!(r, Err(Error::SumcheckFinal)));
}

#[test]
fn malformed_proofs_are_typed_errors() {
    let (tables, sum) = product_instance(11, 3, 2);
    let (proof, _) = prove_product(&tables, sum);
    let mut short = proof.clone();
    short.rounds.pop();
    assert!(matches!(
        verify_product(3, 2, sum, &short),
        Err(Error::ProofShape { .. })
    ));
    let mut long = proof.clone();
    long.rounds[1].push(Fr::ONE);
    assert!(matches!(
        verify_product(3, 2, sum, &long),
        Err(Error::ProofShape { .. })
    ));
    let mut no_final = proof.clone();
    no_final.final_evals.clear();
    assert!(matches!(
        verify_product(3, 2, sum, &no_final),
        Err(Error::ProofShape { .. })
    ));
    let mut few = proof;
    few.final_evals[0].pop();
    assert!(matches!(
        verify_product(3, 2, sum, &few),
        Err(Error::ProofShape { .. })
    ));
    assert_eq!(
        verify_product(1000, 2, sum, &few),
        Err(Error::TooLarge {
            what: "sumcheck variables",
            value: 1000,
            max: 40
        })
    );
}

/// Tables per instance, claims, and (num_vars, arity) shapes.
type Batch = (Vec<Vec<Vec<Fr>>>, Vec<Fr>, Vec<(usize, usize)>);

fn batch_fixture() -> Batch {
    let shapes = vec![(5, 2), (2, 3), (4, 1), (0, 2)];
    let mut tables = vec![];
    let mut claims = vec![];
    for (i, (n, k)) in shapes.iter().enumerate() {
        let (t, s) = product_instance(100 + i as u64, *n, *k);
        tables.push(t);
        claims.push(s);
    }
    (tables, claims, shapes)
}

fn prove_batch(
    tables: &[Vec<Vec<Fr>>],
    claims: &[Fr],
) -> (SumcheckProof<Fr>, Vec<InstanceOutput<Fr>>) {
    let mut insts: Vec<ProverInstance<'_, Product>> = tables
        .iter()
        .map(|t| ProverInstance::new(t.clone(), Product(t.len())).unwrap())
        .collect();
    let mut refs: Vec<&mut dyn RoundProver> = insts
        .iter_mut()
        .map(|i| i as &mut dyn RoundProver)
        .collect();
    prove_batched(&mut refs, claims, &mut transcript()).unwrap()
}

fn verify_batch(
    shapes: &[(usize, usize)],
    claims: &[Fr],
    proof: &SumcheckProof<Fr>,
) -> Result<Vec<InstanceOutput<Fr>>, Error> {
    let comps: Vec<Product> = shapes.iter().map(|(_, k)| Product(*k)).collect();
    let insts: Vec<VerifierInstance<'_, Fr>> = shapes
        .iter()
        .zip(&comps)
        .zip(claims)
        .map(|(((n, _), c), claim)| VerifierInstance {
            num_vars: *n,
            composition: c as &dyn Composition<Fr>,
            claim: *claim,
        })
        .collect();
    verify_batched(&insts, proof, &mut transcript())
}

#[test]
fn batched_sumcheck_of_mixed_sizes_and_degrees() {
    let (tables, claims, shapes) = batch_fixture();
    let (proof, outs) = prove_batch(&tables, &claims);
    let vouts = verify_batch(&shapes, &claims, &proof).unwrap();
    assert_eq!(outs, vouts);
    for ((t, out), (n, _)) in tables.iter().zip(&vouts).zip(&shapes) {
        assert_eq!(out.point.len(), *n);
        for (tab, e) in t.iter().zip(&out.evals) {
            assert_eq!(
                DenseMle::new(tab.clone())
                    .unwrap()
                    .evaluate(&out.point)
                    .unwrap(),
                *e
            );
        }
    }
    // Any one wrong claim in the batch is caught.
    for i in 0..claims.len() {
        let mut bad = claims.clone();
        bad[i] += Fr::ONE;
        assert!(
            matches!(
                verify_batch(&shapes, &bad, &proof),
                Err(Error::SumcheckFinal)
            ),
            "claim {i}"
        );
    }
    // Tampering any final evaluation of any instance is caught.
    for i in 0..proof.final_evals.len() {
        for j in 0..proof.final_evals[i].len() {
            let mut bad = proof.clone();
            bad.final_evals[i][j] = bad.final_evals[i][j].double() + Fr::ONE;
            assert_eq!(
                verify_batch(&shapes, &claims, &bad).unwrap_err(),
                Error::SumcheckFinal
            );
        }
    }
    // Reordering the statement changes the transcript.
    let mut swapped = shapes.clone();
    swapped.swap(1, 2);
    assert!(matches!(
        verify_batch(&swapped, &claims, &proof),
        Err(Error::ProofShape {
            what: "sumcheck final evaluations",
            expected: 1,
            actual: 3
        })
    ));
}

/// C(a, b, y) = a·b − y: the Hadamard relation y = a ⊙ b.
fn hadamard() -> SumOfProducts {
    SumOfProducts::new(3, vec![(Fr::ONE, vec![0, 1]), (-Fr::ONE, vec![2])]).unwrap()
}

#[test]
fn zerocheck_accepts_a_true_relation_and_rejects_one_wrong_entry() {
    let mut r = rng(12);
    let n = 6;
    let a = random_vec(&mut r, 1 << n);
    let b = random_vec(&mut r, 1 << n);
    let y: Vec<Fr> = a.iter().zip(&b).map(|(x, z)| *x * z).collect();
    let (proof, out) = prove_zerocheck(
        vec![a.clone(), b.clone(), y.clone()],
        hadamard(),
        &mut transcript(),
    )
    .unwrap();
    let vout = verify_zerocheck(n, &hadamard(), &proof, &mut transcript()).unwrap();
    assert_eq!(vout, out);
    assert_eq!(
        DenseMle::new(y.clone())
            .unwrap()
            .evaluate(&vout.point)
            .unwrap(),
        vout.evals[2]
    );

    // One wrong entry: the honest prover's sum is no longer zero and the proof fails.
    let mut y_bad = y;
    y_bad[17] += Fr::ONE;
    let (proof_bad, _) = prove_zerocheck(vec![a, b, y_bad], hadamard(), &mut transcript()).unwrap();
    assert!(matches!(
        verify_zerocheck(n, &hadamard(), &proof_bad, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    // Tampering the eq evaluation alone breaks the final check it enters.
    let mut bad = proof.clone();
    bad.final_evals[0][0] += Fr::ONE;
    assert!(matches!(
        verify_zerocheck(n, &hadamard(), &bad, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    // A wrong eq evaluation that keeps the final check (eq doubled, C(r) halved) is caught by
    // the verifier's own eq(τ, r).
    let mut bad = proof;
    let [eq, a, b, y] = bad.final_evals[0][..] else {
        panic!("zerocheck final evaluations: eq, a, b, y");
    };
    let two = Fr::from(2u64);
    bad.final_evals[0][0] = eq * two;
    bad.final_evals[0][3] = a * b - (a * b - y) / two;
    assert_eq!(
        verify_zerocheck(n, &hadamard(), &bad, &mut transcript()),
        Err(Error::SuccinctEvaluation {
            what: "zerocheck eq(τ, r)"
        })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random garbage of arbitrary shape never panics the verifier.
    #[test]
    fn verifier_never_panics_on_garbage(
        n in 0usize..8,
        k in 1usize..5,
        rounds in proptest::collection::vec(proptest::collection::vec(any::<u64>(), 0..8), 0..10),
        finals in proptest::collection::vec(proptest::collection::vec(any::<u64>(), 0..6), 0..3),
        claim in any::<u64>(),
    ) {
        let proof = SumcheckProof {
            rounds: rounds.iter().map(|g| g.iter().map(|x| Fr::from(*x)).collect()).collect(),
            final_evals: finals.iter().map(|g| g.iter().map(|x| Fr::from(*x)).collect()).collect(),
        };
        let r = verify_product(n, k, Fr::from(claim), &proof);
        prop_assert!(r.is_err() || (n == 0 && k >= 1));
        let z = verify_zerocheck(n, &hadamard(), &proof, &mut transcript());
        prop_assert!(z.is_err() || n == 0);
    }
}
