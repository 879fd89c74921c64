#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The prover crate's verifiers, run in-circuit through the `FpVar` backend, agree with the
//! native run: same challenges, same outputs, satisfied constraints for honest proofs, and
//! rejection (typed error or unsatisfied system) for tampered ones.

use ark_bn254::Fr;
use ark_ff::Field;
use ark_relations::gr1cs::{ConstraintSystem, ConstraintSystemRef};
use ark_std::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::field::FieldOps;
use zkmodel_prover::lookup::{self, LookupStatement, Table};
use zkmodel_prover::sumcheck::{
    Product, ProverInstance, SumOfProducts, SumcheckProof, VerifierInstance, prove,
    prove_zerocheck, verify, verify_zerocheck,
};
use zkmodel_prover::transcript::{NativeTranscript, labels};
use zkmodel_wrapper::backend::{Var, alloc, circuit_transcript, witness};

fn random(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| Fr::rand(&mut rng)).collect()
}

fn values(v: &[Var]) -> Vec<Fr> {
    v.iter().map(|x| x.value().unwrap()).collect()
}

#[test]
fn transcript_challenges_match_native() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut c = circuit_transcript(cs.clone()).unwrap();
    let mut n = NativeTranscript::new_native();
    let xs = random(7, 1);
    let xv: Vec<Var> = xs.iter().map(|x| witness(&cs, *x).unwrap()).collect();
    n.absorb(labels::STATEMENT, &xs).unwrap();
    c.absorb(labels::STATEMENT, &xv).unwrap();
    let a: Vec<Fr> = n.challenges(labels::SUMCHECK_CHALLENGE, 3).unwrap();
    let b = c.challenges(labels::SUMCHECK_CHALLENGE, 3).unwrap();
    assert_eq!(a, values(&b));
    let (fa, fb) = (
        n.fork(2).unwrap().digest().unwrap(),
        c.fork(2).unwrap().digest().unwrap(),
    );
    assert_eq!(fa, fb.value().unwrap());
    assert!(cs.is_satisfied().unwrap());
}

fn run_sumcheck_in_circuit(
    n: usize,
    claim: Fr,
    proof: &SumcheckProof<Fr>,
) -> (
    ConstraintSystemRef<Fr>,
    Result<Vec<Fr>, zkmodel_prover::Error>,
) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let pv = alloc(&cs, proof).unwrap();
    let claim = witness(&cs, claim).unwrap();
    let mut t = circuit_transcript(cs.clone()).unwrap();
    let comp = Product(2);
    let out = verify(
        VerifierInstance {
            num_vars: n,
            composition: &comp,
            claim,
        },
        &pv,
        &mut t,
    );
    (cs, out.map(|o| values(&o.point)))
}

#[test]
fn sumcheck_verifier_in_circuit_matches_native() {
    let n = 6;
    let (a, b) = (random(1 << n, 2), random(1 << n, 3));
    let claim: Fr = a.iter().zip(&b).map(|(x, y)| *x * y).sum();
    let mut inst = ProverInstance::new(vec![a, b], Product(2)).unwrap();
    let (proof, out) = prove(&mut inst, claim, &mut NativeTranscript::new_native()).unwrap();

    let (cs, point) = run_sumcheck_in_circuit(n, claim, &proof);
    assert_eq!(point.unwrap(), out.point);
    assert!(cs.is_satisfied().unwrap());
    println!(
        "sumcheck deg 2, 2^{n}: {} constraints",
        cs.num_constraints()
    );

    // Tampering: the in-circuit verifier reports the same typed errors, and the system is
    // unsatisfiable.
    let mut bad = proof.clone();
    bad.rounds[2][1] += Fr::ONE;
    let (cs, r) = run_sumcheck_in_circuit(n, claim, &bad);
    // A tampered round is caught where its claim is consumed: the final check.
    assert_eq!(r.unwrap_err(), zkmodel_prover::Error::SumcheckFinal);
    assert!(!cs.is_satisfied().unwrap());
    let (cs, r) = run_sumcheck_in_circuit(n, claim + Fr::ONE, &proof);
    assert_eq!(r.unwrap_err(), zkmodel_prover::Error::SumcheckFinal);
    assert!(!cs.is_satisfied().unwrap());
}

#[test]
fn zerocheck_verifier_in_circuit_matches_native() {
    let n = 5;
    let (a, b) = (random(1 << n, 4), random(1 << n, 5));
    let y: Vec<Fr> = a.iter().zip(&b).map(|(x, z)| *x * z).collect();
    let had = SumOfProducts::new(3, vec![(Fr::ONE, vec![0, 1]), (-Fr::ONE, vec![2])]).unwrap();
    let (proof, out) = prove_zerocheck(
        vec![a, b, y],
        had.clone(),
        &mut NativeTranscript::new_native(),
    )
    .unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let pv = alloc(&cs, &proof).unwrap();
    let mut t = circuit_transcript(cs.clone()).unwrap();
    let o = verify_zerocheck(n, &had, &pv, &mut t).unwrap();
    assert_eq!(values(&o.evals), out.evals);
    assert!(cs.is_satisfied().unwrap());
}

#[test]
fn logup_verifier_in_circuit_matches_native() {
    let table = Table::Range { bits: 6 };
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let cols: Vec<Vec<Fr>> = (0..3)
        .map(|_| {
            (0..1 << 5)
                .map(|_| Fr::from(rng.gen_range(0..64u64)))
                .collect()
        })
        .collect();
    let refs: Vec<(&str, &[Fr])> = cols.iter().map(|c| ("c", c.as_slice())).collect();
    let proven = lookup::prove(table, &refs, &mut NativeTranscript::new_native()).unwrap();
    let st = LookupStatement::uniform(table, 3, 5);

    let check = |proof: &lookup::LookupProof<Fr>| {
        let cs = ConstraintSystem::<Fr>::new_ref();
        let pv = alloc(&cs, proof).unwrap();
        let mut t = circuit_transcript(cs.clone()).unwrap();
        let r = lookup::verify(&st, &pv, &mut t).map(|c| values(&c.column_evals));
        (cs, r)
    };
    let (cs, r) = check(&proven.proof);
    assert_eq!(r.unwrap(), proven.claims.column_evals);
    assert!(cs.is_satisfied().unwrap());
    println!(
        "LogUp-GKR 3x2^5 into 2^6: {} constraints",
        cs.num_constraints()
    );

    let mut bad = proven.proof.clone();
    bad.layers[3].rounds[1][2] += Fr::ONE;
    let (cs, r) = check(&bad);
    // A tampered round is caught where its claim is consumed: the final check.
    assert_eq!(r.unwrap_err(), zkmodel_prover::Error::SumcheckFinal);
    assert!(!cs.is_satisfied().unwrap());
    let mut bad = proven.proof;
    let r0 = bad.roots[0];
    bad.roots[0] += r0;
    let (cs, r) = check(&bad);
    assert_eq!(r.unwrap_err(), zkmodel_prover::Error::LookupSumMismatch);
    assert!(!cs.is_satisfied().unwrap());
}

/// The whole field part of a MatMul statement proof — forked block transcript, MatMul
/// sumcheck, accumulation and the opening's inner-product identity at ζ — runs in-circuit with
/// the same outputs (ζ, γ, y₁, y₂) as natively.
#[test]
fn matmul_statement_field_part_in_circuit() {
    use zkmodel_prover::blocks::matmul::{MatMulDims, MatMulProof, verify_matmul};
    use zkmodel_prover::pcs::chain::quotient_digest;
    use zkmodel_prover::pcs::layout::LayoutBuilder;
    use zkmodel_prover::pcs::{Accumulator, MaskSlots, Srs, verify_field};
    use zkmodel_prover::proof::PublicStatement;
    use zkmodel_prover::proof::matmul::{architecture, commit_model, prove};

    let dims = MatMulDims { m: 2, k: 4, n: 2 };
    let srs = Srs::insecure_development(3, 64);
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let w: Vec<Fr> = (0..8u64).map(Fr::from).collect();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(i + 3)).collect();
    let model = commit_model(&srs, dims, &w, &mut rng).unwrap();
    let proof = prove(&srs, dims, &model, &w, &x, &mut rng).unwrap();
    let st = PublicStatement {
        architecture: architecture(dims, &srs),
        commitments: vec![model.commitment, proof.trace_commitment],
        public: vec![],
    };
    let kp = quotient_digest(&proof.opening.q1, &proof.opening.q2);

    // Native field part.
    let mut t = st.transcript(proof.salt).unwrap();
    let mut fork = t.fork(0).unwrap();
    let c = verify_matmul(dims, &proof.block, &mut fork).unwrap();
    t.join(&[fork.digest().unwrap()]).unwrap();
    let layout_w = {
        let mut b = LayoutBuilder::new();
        let id = b.add("W", 8);
        (b.build(), id)
    };
    let layout_t = {
        let mut b = LayoutBuilder::new();
        let x = b.add("X", 8);
        let y = b.add("Y", 4);
        (b.build(), x, y)
    };
    let mut acc = Accumulator::new(&[layout_w.0.num_vars, layout_t.0.num_vars]);
    acc.add(0, layout_w.0.segment(layout_w.1), &c.w);
    acc.add(1, layout_t.0.segment(layout_t.1), &c.x);
    acc.add(1, layout_t.0.segment(layout_t.2), &c.y);
    let mask = MaskSlots {
        vector: 1,
        segment: layout_t.0.mask,
    };
    let native = verify_field(
        acc.vector_vars(),
        acc.claims(),
        &mask,
        &kp,
        &proof.opening.evals,
        &mut t,
    )
    .unwrap();

    // The same code in-circuit; s0, salt and kp enter as public inputs, as on chain.
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut ct = circuit_transcript(cs.clone()).unwrap();
    let s0 = zkmodel_wrapper::backend::public(&cs, st.seed()).unwrap();
    ct.absorb(labels::SEED, &[s0]).unwrap();
    ct.absorb(labels::SALT, &[witness(&cs, proof.salt).unwrap()])
        .unwrap();
    let block = MatMulProof {
        y_value: witness(&cs, proof.block.y_value).unwrap(),
        sumcheck: alloc(&cs, &proof.block.sumcheck).unwrap(),
    };
    let mut cfork = ct.fork(0).unwrap();
    let cc = verify_matmul(dims, &block, &mut cfork).unwrap();
    ct.join(&[cfork.digest().unwrap()]).unwrap();
    let mut cacc = Accumulator::new(&[layout_w.0.num_vars, layout_t.0.num_vars]);
    cacc.add(0, layout_w.0.segment(layout_w.1), &cc.w);
    cacc.add(1, layout_t.0.segment(layout_t.1), &cc.x);
    cacc.add(1, layout_t.0.segment(layout_t.2), &cc.y);
    let kp_var = zkmodel_wrapper::backend::public(&cs, kp).unwrap();
    let evals = alloc(&cs, &proof.opening.evals).unwrap();
    let out = verify_field(
        cacc.vector_vars(),
        cacc.claims(),
        &mask,
        &kp_var,
        &evals,
        &mut ct,
    )
    .unwrap();
    assert_eq!(out.zeta.value().unwrap(), native.zeta);
    assert_eq!(out.gamma.value().unwrap(), native.gamma);
    assert_eq!(out.y1.value().unwrap(), native.y1);
    assert_eq!(out.y2.value().unwrap(), native.y2);
    assert!(cs.is_satisfied().unwrap());
    println!(
        "MatMul 2x4x2 statement, field part: {} constraints",
        cs.num_constraints()
    );
}

/// The row-split opening's field part (`pcs::split`) runs in-circuit with the native outputs,
/// and costs about what the Laurent opening's field part costs on the same claims: printed
/// side by side for a trace-and-model-shaped statement (2^13 and 2^12 entries, 12 claims).
#[test]
fn split_opening_field_part_in_circuit_against_the_laurent_one() {
    use zkmodel_prover::pcs::chain::{quotient_digest, rows_digest, split_digest};
    use zkmodel_prover::pcs::layout::Segment;
    use zkmodel_prover::pcs::split::{prove_split_opening, verify_split_field};
    use zkmodel_prover::pcs::{MaskSlots, OpeningClaim, Srs, prove_opening, verify_field};
    use zkmodel_prover::poly::DenseMle;

    let srs = Srs::insecure_development(5, 1 << 13);
    let vars = [12usize, 13];
    let vectors: Vec<Vec<Fr>> = vars
        .iter()
        .enumerate()
        .map(|(k, n)| random(1 << n, 40 + k as u64))
        .collect();
    let refs: Vec<&[Fr]> = vectors.iter().map(Vec::as_slice).collect();
    let mut claims = vec![];
    for c in 0..12 {
        let k = c % 2;
        let point = random(vars[k], 100 + c as u64);
        let value = DenseMle::new(vectors[k].clone())
            .unwrap()
            .evaluate(&point)
            .unwrap();
        claims.push(OpeningClaim {
            vector: k,
            point,
            value,
        });
    }
    let mask = MaskSlots {
        vector: 1,
        segment: Segment {
            offset: (1 << 13) - 8,
            log_len: 3,
        },
    };
    let split = prove_split_opening(
        &srs,
        &refs,
        &claims,
        &mask,
        &mut NativeTranscript::new_native(),
    )
    .unwrap();
    let (d1, d2) = (
        rows_digest(&split.h),
        split_digest(&[split.g, split.g_rev, split.q, split.s1, split.s2]),
    );
    let native = verify_split_field(
        &vars,
        &claims,
        &mask,
        &split.field,
        &d1,
        &d2,
        &mut NativeTranscript::new_native(),
    )
    .unwrap();

    let lift = |cs: &ConstraintSystemRef<Fr>| -> Vec<OpeningClaim<Var>> {
        claims
            .iter()
            .map(|c| OpeningClaim {
                vector: c.vector,
                point: c.point.iter().map(|x| witness(cs, *x).unwrap()).collect(),
                value: witness(cs, c.value).unwrap(),
            })
            .collect()
    };
    let cs = ConstraintSystem::<Fr>::new_ref();
    let cclaims = lift(&cs);
    let before = cs.num_constraints();
    let mut ct = circuit_transcript(cs.clone()).unwrap();
    let field = alloc(&cs, &split.field).unwrap();
    let (v1, v2) = (
        zkmodel_wrapper::backend::public(&cs, d1).unwrap(),
        zkmodel_wrapper::backend::public(&cs, d2).unwrap(),
    );
    let out = verify_split_field(&vars, &cclaims, &mask, &field, &v1, &v2, &mut ct).unwrap();
    assert_eq!(out.alpha.value().unwrap(), native.alpha);
    assert_eq!(out.beta.value().unwrap(), native.beta);
    assert_eq!(out.zeta.value().unwrap(), native.zeta);
    assert_eq!(out.y_zeta.value().unwrap(), native.y_zeta);
    assert_eq!(out.y_inv.value().unwrap(), native.y_inv);
    assert!(cs.is_satisfied().unwrap());
    let split_cost = cs.num_constraints() - before;

    let laurent = prove_opening(
        &srs,
        &refs,
        &claims,
        &mask,
        &mut NativeTranscript::new_native(),
    )
    .unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    let cclaims = lift(&cs);
    let before = cs.num_constraints();
    let mut ct = circuit_transcript(cs.clone()).unwrap();
    let evals = alloc(&cs, &laurent.evals).unwrap();
    let kp =
        zkmodel_wrapper::backend::public(&cs, quotient_digest(&laurent.q1, &laurent.q2)).unwrap();
    verify_field(&vars, &cclaims, &mask, &kp, &evals, &mut ct).unwrap();
    assert!(cs.is_satisfied().unwrap());
    let laurent_cost = cs.num_constraints() - before;
    println!(
        "opening field part, 2^12 + 2^13 vectors, 13 claims: row-split {split_cost} \
         constraints, Laurent {laurent_cost}"
    );
}
