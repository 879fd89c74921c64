#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Adaptive forgery found by an adversarial review: public words an architecture does not
//! have. arkworks' Groth16 verifier pairs inputs with the key's IC points without checking
//! their number, while s0 hashes every word a proof carries — and s0 is only a seed, so a
//! prover can run the honest MatMul prover from a statement with an extra word, Groth16-prove
//! the field part from that s0, and attach the word. The contract reverts on the count
//! (`WrongPublicValueCount`); the native verifier used to accept it, and must refuse it with
//! the count error before any algebra.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::blocks::matmul::{MatMulDims, matmul, prove_matmul};
use zkmodel_prover::pcs::layout::LayoutBuilder;
use zkmodel_prover::pcs::{Accumulator, SplitSeeds, Srs, commit, prove_split_opening};
use zkmodel_prover::proof::PublicStatement;
use zkmodel_prover::proof::matmul::{architecture, commit_model};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::statement::Statement;
use zkmodel_prover::transcript::NativeTranscript;
use zkmodel_wrapper::circuit::{PublicInputs, StatementCircuit};
use zkmodel_wrapper::groth16::{WrappedProof, prepare, prove_circuit};
use zkmodel_wrapper::wrap::{setup_insecure_dev, verify_wrapped};

const DIMS: MatMulDims = MatMulDims { m: 2, k: 4, n: 2 };

#[test]
fn a_wrapped_proof_with_a_public_word_its_architecture_lacks_is_refused() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let srs = Srs::insecure_development(8, 64);
    let keys = setup_insecure_dev(&DIMS, &mut rng).unwrap();

    let w: Vec<Fr> = (0..8u64).map(Fr::from).collect();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(2 * i + 1)).collect();
    let model = commit_model(&srs, DIMS, &w, &mut rng).unwrap();

    // The MatMul prover, replayed from public APIs, but from a statement whose public values
    // are [extra] although a MatMul statement has none.
    let extra = Fr::from(1_000_000u64);
    let y = matmul(DIMS, &x, &w);
    let mut mb = LayoutBuilder::new();
    let wid = mb.add("W", DIMS.k * DIMS.n);
    let ml = mb.build();
    let mut tb = LayoutBuilder::new();
    let xid = tb.add("X", DIMS.m * DIMS.k);
    let yid = tb.add("Y", DIMS.m * DIMS.n);
    let tl = tb.build_trace(ml.num_vars);
    let trace = tl.fill(&[(xid, &x), (yid, &y)], &mut rng).unwrap();
    let trace_commitment = commit(&srs, &trace).unwrap();
    let salt = Fr::rand(&mut rng);
    let st = PublicStatement {
        architecture: architecture(DIMS, &srs),
        commitments: vec![model.commitment, trace_commitment],
        public: vec![extra],
    };
    let mut t = st.transcript(salt).unwrap();
    let mut fork = t.fork(0).unwrap();
    let (block, c) = prove_matmul(DIMS, &x, &w, &y, &mut fork).unwrap();
    t.join(&[fork.digest().unwrap()]).unwrap();
    let mut acc = Accumulator::new(&[ml.num_vars, tl.num_vars]);
    acc.add(0, ml.segment(wid), &c.w);
    acc.add(1, tl.segment(xid), &c.x);
    acc.add(1, tl.segment(yid), &c.y);
    let opening =
        prove_split_opening(&srs, &[&model.vector, &trace], acc.claims(), &mut t).unwrap();

    // The field part from that s0 (natively), and the Groth16 proof of it.
    let seeds = SplitSeeds::of(st.seed(), &opening);
    let mut nt = NativeTranscript::new_native();
    let out = DIMS
        .verify_field_part(&seeds, &salt, &[], &block, &opening.field, &mut nt)
        .unwrap();
    let circuit = StatementCircuit {
        arch: DIMS,
        public: PublicInputs {
            seeds,
            out: out.clone(),
        },
        public_values: vec![],
        salt,
        body: block,
        opening: opening.field.clone(),
    };
    let groth16 = prove_circuit(&keys, circuit, &mut rng).unwrap();
    let wrapped = WrappedProof::assemble(
        vec![model.commitment, trace_commitment],
        vec![extra],
        &opening,
        &out,
        groth16,
    );

    // A MatMul architecture has no public words; the contract reverts
    // (WrongPublicValueCount(0, 1)), and so does the native verifier.
    assert_eq!(
        zkmodel_prover::proof::matmul::info(DIMS, &srs).public_len,
        0
    );
    let verdict = verify_wrapped(
        &prepare(&keys.vk),
        &srs,
        &DIMS,
        &[(CommitmentRole::Model, model.commitment)],
        &wrapped,
    );
    assert_eq!(
        verdict,
        Err(zkmodel_wrapper::Error::PublicValueCount {
            expected: 0,
            actual: 1
        })
    );
    // Without the word, the same Groth16 proof is of another s0: refused by Groth16.
    let mut bare = wrapped;
    bare.public_values.clear();
    assert_eq!(
        verify_wrapped(
            &prepare(&keys.vk),
            &srs,
            &DIMS,
            &[(CommitmentRole::Model, model.commitment)],
            &bare,
        ),
        Err(zkmodel_wrapper::Error::Groth16Rejected)
    );
}
