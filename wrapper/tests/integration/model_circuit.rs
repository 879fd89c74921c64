#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The model-statement circuit runs the native field-part verifier in-circuit: honest digits
//! MLP proofs satisfy it with the same outputs; tampered ones do not. Prints constraint counts.

use crate::assignment::satisfied;
use ark_ff::Field;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::Error as ProverError;
use zkmodel_prover::Fr;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::pcs::SplitSeeds;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data, commit_model, prove,
};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_wrapper::Error;
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::groth16::WrappedProof;

type ModelCircuit = StatementCircuit<ModelArchitecture>;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/digits")
        .join(name)
}

fn circuit_for(task: Task, indices: std::ops::Range<usize>) -> ModelCircuit {
    circuit_for_model(import_path(&fixture("mlp.onnx")).unwrap(), task, indices)
}

/// [`circuit_for`] on any digits model (image models get their batches as NCHW).
fn circuit_for_model(
    model: zkmodel_prover::graph::Model,
    task: Task,
    indices: std::ops::Range<usize>,
) -> ModelCircuit {
    let data = Dataset::load(&fixture("dataset.json")).unwrap();
    let shaped = |x: zkmodel_prover::graph::Tensor| match model.input_shape.as_slice() {
        [_, Some(c), Some(h), Some(w)] => {
            zkmodel_prover::graph::Tensor::new(vec![x.shape[0], *c, *h, *w], x.data).unwrap()
        }
        _ => x,
    };
    let (calib, _) = data.batch(&data.train[..256]).unwrap();
    let (q, _) = calibrate(&model, &shaped(calib), CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task,
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let (x, labels) = data.batch(&data.test[indices]).unwrap();
    let (m, input) = q.quantize_input(&shaped(x)).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let committed = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let accuracy = matches!(task, Task::Accuracy { .. });
    let labels = accuracy.then_some(labels.as_slice());
    let d = commit_data(&srs, &arch, &input, None, labels, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &committed,
        data: Some(&d),
        trace: &trace,
        labels,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    let claim = proof.claim(committed.commitment, Some(d.commitment), &public);
    let c = StatementCircuit::new(&srs, &arch, &claim).unwrap();
    assert_eq!(
        c.public.seeds,
        SplitSeeds::of(claim.statement(&arch, &srs).unwrap().seed(), &proof.opening)
    );
    c
}

#[test]
fn mlp_inference_circuit_accepts_honest_and_rejects_tampered() {
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for(task, 0..1);
    let (ok, n) = satisfied(c.clone());
    println!("MLP 64-32-10 inference, batch 1: {n} constraints");
    assert!(ok);
    let mut bad = c.clone();
    bad.public_values[3] += Fr::ONE;
    assert!(!satisfied(bad).0);
    for i in 0..9 {
        // Every fixed public input: s0, d₁, d₂ feed the transcript, the rest are outputs.
        let mut bad = c.clone();
        let (s, o) = (&mut bad.public.seeds, &mut bad.public.out);
        let x = [
            &mut s.s0,
            &mut s.d1,
            &mut s.d2,
            &mut o.beta,
            &mut o.alpha,
            &mut o.zeta,
            &mut o.gamma,
            &mut o.y_zeta,
            &mut o.y_inv,
        ];
        if let Some(v) = x.into_iter().nth(i) {
            *v += Fr::ONE;
        }
        assert!(!satisfied(bad).0, "public input {i}");
    }
    let mut bad = c.clone();
    bad.salt += Fr::ONE;
    assert!(!satisfied(bad).0);
    let mut bad = c;
    bad.body.range.column_evals[2] += Fr::ONE;
    assert!(!satisfied(bad).0);
}

/// A max pool in-circuit: the digits CNN with its average pool replaced by a 3×3, stride-2,
/// padding-1 max pool satisfies the circuit with an honest proof, and not with a max-pool
/// message or a message resolving its differences' range claim changed.
#[test]
fn max_pool_cnn_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::proof::model::LayerProof;
    let mut model = import_path(&fixture("cnn.onnx")).unwrap();
    for node in model
        .nodes
        .iter_mut()
        .filter(|n| matches!(n.op, Op::AvgPool2d { .. }))
    {
        node.op = Op::MaxPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        };
    }
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for_model(model, task, 0..1);
    let (ok, n) = satisfied(c.clone());
    println!("digits CNN with a 3x3 max pool, inference batch 1: {n} constraints");
    assert!(ok);
    let pool = c
        .body
        .layers
        .iter()
        .position(|l| matches!(l, LayerProof::MaxPool { .. }))
        .unwrap();
    for case in 0..2 {
        let mut bad = c.clone();
        let LayerProof::MaxPool { pool, .. } = &mut bad.body.layers[pool] else {
            unreachable!()
        };
        match case {
            0 => pool.values[0] += Fr::ONE,
            _ => pool.padded_taps[0] += Fr::ONE,
        }
        assert!(!satisfied(bad).0, "case {case}");
    }
    // The range lookup's claim on the uncommitted differences, resolved on the lookups'
    // transcript: its stated Õ, X̃col and its gather's messages are bound in-circuit too.
    assert_eq!(c.body.pool_diffs.len(), 1);
    for case in 0..3 {
        let mut bad = c.clone();
        let d = &mut bad.body.pool_diffs[0];
        match case {
            0 => d.values[0] += Fr::ONE,
            1 => d.values[1] += Fr::ONE,
            _ => d.gather.rounds[0][0] += Fr::ONE,
        }
        assert!(!satisfied(bad).0, "difference case {case}");
    }
}

/// The residual MLP (PyTorch export, `fixtures/pytorch/resmlp.onnx`): the circuit runs the
/// residual-sum block as the native verifier does, and refuses a changed operand value or
/// zerocheck message.
#[test]
fn residual_mlp_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::proof::model::LayerProof;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pytorch/resmlp.onnx");
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for_model(import_path(&path).unwrap(), task, 0..1);
    let (ok, n) = satisfied(c.clone());
    println!("residual MLP, inference batch 1: {n} constraints");
    assert!(ok);
    let add = c
        .body
        .layers
        .iter()
        .position(|l| matches!(l, LayerProof::Residual(_)))
        .unwrap();
    for case in 0..2 {
        let mut bad = c.clone();
        let LayerProof::Residual(r) = &mut bad.body.layers[add] else {
            unreachable!()
        };
        match case {
            0 => r.values[1] += Fr::ONE,
            _ => r.zerocheck.as_mut().unwrap().rounds[0][0] += Fr::ONE,
        }
        assert!(!satisfied(bad).0, "case {case}");
    }
}

/// A Softmax output in-circuit: skl2onnx's digits MLPClassifier (ending in a Softmax) proves
/// its probabilities; the circuit runs the softmax block and its exponent-chunk lookup as the
/// native verifier does, and refuses a changed probability, stated value, round message or
/// lookup evaluation.
#[test]
fn softmax_output_circuit_accepts_honest_and_rejects_tampered() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sklearn/digits_mlp.onnx");
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for_model(import_path(&path).unwrap(), task, 0..1);
    assert_eq!(c.body.softmax.len(), 1);
    let (ok, n) = satisfied(c.clone());
    println!("digits MLPClassifier with its Softmax output, inference batch 1: {n} constraints");
    assert!(ok);
    for case in 0..5 {
        let mut bad = c.clone();
        let p = &mut bad.body.softmax[0];
        match case {
            0 => p.block.values[7] += Fr::ONE,
            1 => p.block.zerocheck.rounds[0][0] += Fr::ONE,
            2 => p.block.max.final_evals[0][1] += Fr::ONE,
            3 => p.chunks.column_evals[1] += Fr::ONE,
            _ => bad.public_values[0] += Fr::ONE,
        }
        assert!(!satisfied(bad).0, "case {case}");
    }
}

/// The wide-and-deep MLP (PyTorch export, `fixtures/pytorch/widedeep.onnx`, a tower
/// concatenated with the input): the circuit runs the concatenation block as the native
/// verifier does, and refuses a changed stated value, round message or selector value.
#[test]
fn concatenation_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::proof::model::LayerProof;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pytorch/widedeep.onnx");
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for_model(import_path(&path).unwrap(), task, 0..1);
    let (ok, n) = satisfied(c.clone());
    println!("wide-and-deep MLP, inference batch 1: {n} constraints");
    assert!(ok);
    let cat = c
        .body
        .layers
        .iter()
        .position(|l| matches!(l, LayerProof::Concat(_)))
        .unwrap();
    for case in 0..3 {
        let mut bad = c.clone();
        let LayerProof::Concat(p) = &mut bad.body.layers[cat] else {
            unreachable!()
        };
        match case {
            0 => p.value += Fr::ONE,
            1 => p.sumcheck.rounds[0][0] += Fr::ONE,
            _ => p.sumcheck.final_evals[0][0] += Fr::ONE,
        }
        assert!(!satisfied(bad).0, "case {case}");
    }
}

#[test]
fn mlp_accuracy_circuit_accepts_honest_and_rejects_a_wrong_count() {
    let c = circuit_for(Task::Accuracy { examples: 360 }, 0..360);
    let (ok, n) = satisfied(c.clone());
    println!("MLP 64-32-10 accuracy over 360 examples: {n} constraints");
    assert!(ok);
    let mut bad = c;
    bad.public_values[0] += Fr::ONE;
    assert!(!satisfied(bad).0);
}

/// Key generation, Groth16 proving and native verification of the wrapped MLP inference
/// proof, with timings; tampered public values and points are rejected.
#[test]
fn mlp_inference_wraps_into_groth16() {
    use std::time::Instant;
    use zkmodel_wrapper::groth16::prepare;
    use zkmodel_wrapper::wrap::{setup_insecure_dev, verify_wrapped, wrap};

    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let model = import_path(&fixture("mlp.onnx")).unwrap();
    let data = Dataset::load(&fixture("dataset.json")).unwrap();
    let (calib, _) = data.batch(&data.train[..256]).unwrap();
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task,
    };
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let t = Instant::now();
    let keys = setup_insecure_dev(&arch, &mut rng).unwrap();
    println!(
        "MLP inference Groth16 setup (INSECURE dev): {:.2?}",
        t.elapsed()
    );

    let srs = Srs::insecure_development(5, 1 << 15);
    let (x, _) = data.batch(&data.test[3..4]).unwrap();
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let committed = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let d = commit_data(&srs, &arch, &input, None, None, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &committed,
        data: Some(&d),
        trace: &trace,
        labels: None,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    let t = Instant::now();
    let claim = proof.claim(committed.commitment, Some(d.commitment), &public);
    let wrapped = wrap(&keys, &srs, &arch, &claim, &mut rng).unwrap();
    println!("MLP inference Groth16 prove: {:.2?}", t.elapsed());
    let vk = prepare(&keys.vk);
    let check = |p: &WrappedProof, model| {
        verify_wrapped(&vk, &srs, &arch, &[(CommitmentRole::Model, model)], p)
    };
    check(&wrapped, committed.commitment).unwrap();

    let mut bad = wrapped.clone();
    bad.public_values[0] += Fr::ONE;
    assert_eq!(
        check(&bad, committed.commitment),
        Err(Error::Groth16Rejected)
    );
    let mut bad = wrapped.clone();
    bad.commitments[2] = bad.commitments[1];
    assert_eq!(
        check(&bad, committed.commitment),
        Err(Error::Groth16Rejected)
    );
    // A public word dropped or added: the count, before any algebra.
    let mut bad = wrapped.clone();
    bad.public_values.pop();
    assert_eq!(
        check(&bad, committed.commitment),
        Err(Error::PublicValueCount {
            expected: wrapped.public_values.len(),
            actual: wrapped.public_values.len() - 1
        })
    );
    let mut bad = wrapped.clone();
    bad.public_values.push(Fr::ONE);
    assert!(matches!(
        check(&bad, committed.commitment),
        Err(Error::PublicValueCount { .. })
    ));
    let mut bad = wrapped.clone();
    bad.y_inv += Fr::ONE;
    assert_eq!(
        check(&bad, committed.commitment),
        Err(Error::Groth16Rejected)
    );
    // Another model than the registered one.
    assert_eq!(
        check(&wrapped, proof.trace_commitment),
        Err(Error::Prover(ProverError::PinnedCommitmentMismatch {
            role: CommitmentRole::Model,
            index: 0
        }))
    );
    // A statement listing fewer commitments than the architecture has: Q₁ would take the
    // dropped vector's γ-weight in the pairing. Refused before any pairing.
    let mut bad = wrapped.clone();
    bad.commitments.pop();
    assert_eq!(
        check(&bad, committed.commitment),
        Err(Error::Prover(ProverError::CommitmentCount {
            expected: 3,
            actual: 2
        }))
    );
    // A buyer who committed its own input pins it: the right one passes, another fails.
    let pins = |data| {
        [
            (CommitmentRole::Model, committed.commitment),
            (CommitmentRole::Data, data),
        ]
    };
    verify_wrapped(&vk, &srs, &arch, &pins(d.commitment), &wrapped).unwrap();
    assert_eq!(
        verify_wrapped(&vk, &srs, &arch, &pins(committed.commitment), &wrapped),
        Err(Error::Prover(ProverError::PinnedCommitmentMismatch {
            role: CommitmentRole::Data,
            index: 2
        }))
    );
}

#[test]
#[ignore = "timing probe"]
fn synthesis_time() {
    let task = Task::Inference {
        rows: 1,
        input: Visibility::Committed,
        output: Visibility::Public,
    };
    let c = circuit_for(task, 0..1);
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let reference = zkmodel_wrapper::assignment::Assignment::synthesize(c.clone()).unwrap();
        let arkworks = t.elapsed();
        let t = std::time::Instant::now();
        let recorded = c.assignment().unwrap();
        println!(
            "assignment: arkworks synthesis {arkworks:.2?}, recorder {:.2?}",
            t.elapsed()
        );
        assert_eq!(recorded, reference);
    }
    let t = std::time::Instant::now();
    let cs = ConstraintSystem::<Fr>::new_ref();
    c.generate_constraints(cs.clone()).unwrap();
    println!("synthesis {:.2?}", t.elapsed());
    let t = std::time::Instant::now();
    cs.finalize();
    println!(
        "finalize (inlining) {:.2?}, {} constraints",
        t.elapsed(),
        cs.num_constraints()
    );
}
