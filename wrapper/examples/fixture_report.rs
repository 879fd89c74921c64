#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! Figures for one exported fixture, as `make bench` reports them:
//! `cargo run --release -p zkmodel-wrapper --example fixture_report -- <name> [batch]`
//! for `fixtures/pytorch/<name>.onnx` (e.g. `lenet 64`, `resmlp 1`), or `fixtures/<name>.onnx`
//! for a name with a directory (`sklearn/wine_mlp 4`: a classifier with its Softmax output).
//!
//! Prints, on one line: float and quantized test accuracy (on `<name>.test.json`) and the
//! calibration's scale and bit bound; then, for an inference statement on the first `batch`
//! test examples (committed input, public logits): native prove time (quantize, forward,
//! commit the data, prove), native verify time, proof size, the process's peak memory after
//! proving, and the Groth16 circuit's constraint count (the wrapper circuit that verifies the
//! proof, synthesized after the peak is read).
//!
//! `PHASES=1` prints each proving phase's time as it ends.
//!
//! Uses an INSECURE development SRS (seeded), which is fine for measurements only.

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use std::path::PathBuf;
use std::time::Instant;
use zkmodel_prover::Fr;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::graph::{Model, Tensor};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data, commit_model,
    prove, verify,
};
use zkmodel_wrapper::circuit::StatementCircuit;

// The prover crate's report helpers (peak memory).
#[path = "../../prover/examples/common/mod.rs"]
mod common;
use common::peak_rss_mib;

/// The fixtures directory a file is in: `fixtures/pytorch` unless its name has a directory.
fn dir_of(file: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    if file.contains('/') {
        root
    } else {
        root.join("pytorch")
    }
}

/// The examples and labels of an EZKL-style JSON file, shaped as the model takes them.
fn examples(model: &Model, file: &str) -> (Tensor, Vec<usize>) {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir_of(file).join(file)).unwrap()).unwrap();
    let rows = v["input_data"].as_array().unwrap();
    let data: Vec<f32> = rows
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
        })
        .collect();
    let labels = v["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as usize)
        .collect();
    let t = Tensor::new(vec![rows.len(), data.len() / rows.len().max(1)], data)
        .unwrap()
        .with_batch_shape(&model.input_shape)
        .unwrap();
    (t, labels)
}

fn rows(x: &Tensor, take: usize) -> Tensor {
    let per = x.len() / x.shape[0];
    let mut shape = x.shape.clone();
    shape[0] = take;
    Tensor::new(shape, x.data[..take * per].to_vec()).unwrap()
}

fn accuracy(pred: &[usize], labels: &[usize]) -> f64 {
    let hits = pred.iter().zip(labels).filter(|(p, l)| p == l).count();
    hits as f64 / labels.len().max(1) as f64
}

fn main() {
    common::phases_from_env();
    let name = std::env::args().nth(1).unwrap_or_else(|| "resmlp".into());
    let batch: usize = std::env::args()
        .nth(2)
        .map_or(1, |b| b.parse().expect("batch is a number"));
    let model = import_path(&dir_of(&name).join(format!("{name}.onnx"))).unwrap();
    let (calib, _) = examples(&model, &format!("{name}.calibration.json"));
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let (test, labels) = examples(&model, &format!("{name}.test.json"));
    let float = accuracy(&model.eval(&test).unwrap().argmax_rows(), &labels);
    let (m, input) = q.quantize_input(&test).unwrap();
    let trace = q.forward(m, input).unwrap();
    let quant = accuracy(&q.predictions(&trace, labels.len()), &labels);

    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: batch,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(1, len);
    let mut rng = rand::thread_rng();
    let committed = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let x = rows(&test, batch);

    let start = Instant::now();
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let data = commit_data(&srs, &arch, &input, None, None, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &committed,
        data: Some(&data),
        trace: &trace,
        labels: None,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    let prove_time = start.elapsed();
    let peak = peak_rss_mib();

    let start = Instant::now();
    let runs = 10;
    for _ in 0..runs {
        verify(
            &srs,
            &arch,
            committed.commitment,
            Some(data.commitment),
            &public,
            &proof,
        )
        .unwrap();
    }
    let verify_time = start.elapsed() / runs;

    let claim = proof.claim(committed.commitment, Some(data.commitment), &public);
    let circuit = StatementCircuit::new(&srs, &arch, &claim).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    circuit.generate_constraints(cs.clone()).unwrap();
    assert!(cs.is_satisfied().unwrap(), "the circuit accepts the proof");

    println!(
        "{name} batch {batch}: float accuracy {:.2}%, quantized {:.2}% ({} test examples, s = {}, \
         b = {}); prove {:.3} s, verify {:.2} ms, proof {} bytes, peak memory {:.0} MiB, \
         Groth16 circuit {} constraints",
        100.0 * float,
        100.0 * quant,
        labels.len(),
        q.scale,
        q.bits,
        prove_time.as_secs_f64(),
        verify_time.as_secs_f64() * 1e3,
        proof.size_bytes(),
        peak,
        cs.num_constraints(),
    );
}
