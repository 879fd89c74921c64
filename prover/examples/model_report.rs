#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! One model proof, measured: `cargo run --release -p zkmodel-prover --example model_report --
//! <mlp|cnn> <batch1|batch64|accuracy|rows=N>`. Prints proving time (witness, commitments and
//! proof), native verification time, proof size, the committed vectors' sizes and the process's
//! peak resident memory. Run each case in its own process so peak memory is the case's own
//! (`make bench` does). `rows=N` is an inference batch of N test images (cycled past the
//! split's 360): the trace-size scaling series. `PHASES=1` prints each proving phase's time
//! as it ends.
//!
//! Uses an INSECURE development SRS (seeded), which is fine for timing only.

use std::path::PathBuf;
use std::time::Instant;
use zkmodel_prover::graph::Tensor;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data, commit_model,
    prove, verify,
};

mod common;

use common::peak_rss_mib;

fn main() {
    common::phases_from_env();
    let name = std::env::args().nth(1).unwrap_or_else(|| "mlp".into());
    let case = std::env::args().nth(2).unwrap_or_else(|| "batch64".into());
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits");
    let model = import_path(&dir.join(format!("{name}.onnx"))).unwrap();
    let data = Dataset::load(&dir.join("dataset.json")).unwrap();
    let shaped = |x: Tensor| x.with_batch_shape(&model.input_shape).unwrap();
    let calib = shaped(data.batch(&data.train[..256]).unwrap().0);
    let (q, report) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    eprint!("calibration: {report}");
    let cycled: Vec<usize>;
    let (task, indices) = match case.as_str() {
        "batch1" => (
            Task::Inference {
                rows: 1,
                input: Visibility::Committed,
                output: Visibility::Public,
            },
            &data.test[..1],
        ),
        "batch64" => (
            Task::Inference {
                rows: 64,
                input: Visibility::Committed,
                output: Visibility::Public,
            },
            &data.test[..64],
        ),
        "accuracy" => (
            Task::Accuracy {
                examples: data.test.len(),
            },
            &data.test[..],
        ),
        other => {
            let rows: usize = other
                .strip_prefix("rows=")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| {
                    panic!("unknown case {other}: batch1, batch64, accuracy or rows=N")
                });
            cycled = data.test.iter().copied().cycle().take(rows).collect();
            (
                Task::Inference {
                    rows,
                    input: Visibility::Committed,
                    output: Visibility::Public,
                },
                &cycled[..],
            )
        }
    };
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task,
    };
    let lengths = arch.vector_lengths().unwrap();
    let srs = Srs::insecure_development(1, lengths.iter().copied().max().unwrap());
    let vectors: Vec<String> = lengths
        .iter()
        .map(|l| format!("2^{}", l.trailing_zeros()))
        .collect();
    let mut rng = rand::thread_rng();
    let model_c = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let (x, labels) = data.batch(indices).unwrap();
    let x = shaped(x);

    // The seller's work per claim: quantize, forward, commit the data, prove.
    let start = Instant::now();
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let labels_opt = matches!(task, Task::Accuracy { .. }).then_some(labels.as_slice());
    let data_c = commit_data(&srs, &arch, &input, None, labels_opt, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &model_c,
        data: Some(&data_c),
        trace: &trace,
        labels: labels_opt,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    let prove_time = start.elapsed();

    let start = Instant::now();
    let runs = 20;
    for _ in 0..runs {
        verify(
            &srs,
            &arch,
            model_c.commitment,
            Some(data_c.commitment),
            &public,
            &proof,
        )
        .unwrap();
    }
    let verify_time = start.elapsed() / runs;
    println!(
        "{name} {case}: prove {:.3} s, verify {:.2} ms, proof {} bytes, vectors {} (model, trace, data), peak memory {:.0} MiB{}",
        prove_time.as_secs_f64(),
        verify_time.as_secs_f64() * 1e3,
        proof.size_bytes(),
        vectors.join("/"),
        peak_rss_mib(),
        public.count.map_or(String::new(), |c| format!(
            ", count {c}/{}",
            data.test.len()
        ))
    );
}
