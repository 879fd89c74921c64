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
/// sumcheck, accumulation and the opening's field part — runs in-circuit with the same
/// outputs (β, α, ζ, γ, y_ζ, y_ι) as natively.
#[test]
fn matmul_statement_field_part_in_circuit() {
    use zkmodel_prover::blocks::matmul::MatMulDims;
    use zkmodel_prover::pcs::{SplitSeeds, Srs};
    use zkmodel_prover::proof::matmul::{commit_model, prove};
    use zkmodel_prover::proof::statement::Statement;

    let dims = MatMulDims { m: 2, k: 4, n: 2 };
    let srs = Srs::insecure_development(3, 64);
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let w: Vec<Fr> = (0..8u64).map(Fr::from).collect();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(i + 3)).collect();
    let model = commit_model(&srs, dims, &w, &mut rng).unwrap();
    let claim = prove(&srs, dims, &model, &w, &x, &mut rng)
        .unwrap()
        .claim(model.commitment);
    let (seeds, native) = claim.native_field_part(&dims, &srs).unwrap();

    // The same code in-circuit; s0, d₁, d₂ enter as public inputs, as on chain.
    let cs = ConstraintSystem::<Fr>::new_ref();
    let public = |v: Fr| zkmodel_wrapper::backend::public(&cs, v).unwrap();
    let cseeds = SplitSeeds {
        s0: public(seeds.s0),
        d1: public(seeds.d1),
        d2: public(seeds.d2),
    };
    let salt = witness(&cs, claim.salt).unwrap();
    let body = MatMulDims::map_body(&claim.body, &mut |v| witness(&cs, *v)).unwrap();
    let field = alloc(&cs, &claim.opening.field).unwrap();
    let mut ct = circuit_transcript(cs.clone()).unwrap();
    let out = dims
        .verify_field_part(&cseeds, &salt, &[], &body, &field, &mut ct)
        .unwrap();
    assert_eq!(out.beta.value().unwrap(), native.beta);
    assert_eq!(out.alpha.value().unwrap(), native.alpha);
    assert_eq!(out.zeta.value().unwrap(), native.zeta);
    assert_eq!(out.gamma.value().unwrap(), native.gamma);
    assert_eq!(out.y_zeta.value().unwrap(), native.y_zeta);
    assert_eq!(out.y_inv.value().unwrap(), native.y_inv);
    assert!(cs.is_satisfied().unwrap());
    println!(
        "MatMul 2x4x2 statement, field part: {} constraints",
        cs.num_constraints()
    );
}

/// The row-split opening's field part (`pcs::split`) runs in-circuit with the native outputs;
/// its cost is printed for a trace-and-model-shaped statement (2^13 and 2^12 entries, 12
/// claims).
#[test]
fn split_opening_field_part_in_circuit() {
    use zkmodel_prover::pcs::chain::{rows_digest, split_digest};
    use zkmodel_prover::pcs::split::{prove_split_opening, verify_split_field};
    use zkmodel_prover::pcs::{ClaimTerm, OpeningClaim, Srs};
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
    let mle = |k: usize, point: &[Fr]| {
        DenseMle::new(vectors[k].clone())
            .unwrap()
            .evaluate(point)
            .unwrap()
    };
    for c in 0..12 {
        let k = c % 2;
        let point = random(vars[k], 100 + c as u64);
        let value = mle(k, &point);
        claims.push(OpeningClaim::evaluation(k, point, value));
    }
    // A weighted sum of evaluations, as a tensor stored in blocks leaves.
    let terms: Vec<ClaimTerm<Fr>> = (0..2)
        .map(|j| ClaimTerm {
            scale: random(1, 200 + j)[0],
            point: random(vars[1], 210 + j),
        })
        .collect();
    let value = terms.iter().map(|t| t.scale * mle(1, &t.point)).sum();
    claims.push(OpeningClaim {
        vector: 1,
        terms,
        value,
    });
    let split =
        prove_split_opening(&srs, &refs, &claims, &mut NativeTranscript::new_native()).unwrap();
    let (d1, d2) = (
        rows_digest(&split.h),
        split_digest(&[split.g, split.g_rev, split.q, split.s1, split.s2]),
    );
    let native = verify_split_field(
        &vars,
        &claims,
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
                terms: c
                    .terms
                    .iter()
                    .map(|t| ClaimTerm {
                        scale: witness(cs, t.scale).unwrap(),
                        point: t.point.iter().map(|x| witness(cs, *x).unwrap()).collect(),
                    })
                    .collect(),
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
    let out = verify_split_field(&vars, &cclaims, &field, &v1, &v2, &mut ct).unwrap();
    assert_eq!(out.alpha.value().unwrap(), native.alpha);
    assert_eq!(out.beta.value().unwrap(), native.beta);
    assert_eq!(out.zeta.value().unwrap(), native.zeta);
    assert_eq!(out.y_zeta.value().unwrap(), native.y_zeta);
    assert_eq!(out.y_inv.value().unwrap(), native.y_inv);
    assert!(cs.is_satisfied().unwrap());
    let split_cost = cs.num_constraints() - before;
    println!("opening field part, 2^12 + 2^13 vectors, 12 claims: {split_cost} constraints");
}
