#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! One training proof, measured: `cargo run --release -p zkmodel-prover --example train_report
//! -- <T> [mlp|cnn|lenet|lenet-overlap]`. The digits MLP 64-32-10 (`mlp`, the default), the PyTorch CNN
//! fixture (`cnn`: two 3×3 convolutions 1→6→12 with ReLU, each followed by a 2×2 average pool,
//! then dense 48→10, from `fixtures/pytorch/cnn.onnx`) or LeNet-5 (`lenet`: 5×5 convolutions
//! 1→6→16 to 28×28 and 10×10 maps, each followed by a 2×2 max pool, then dense 400→120→84→10,
//! from `fixtures/pytorch/lenet.onnx`, on the digits upsampled to 32×32; `lenet-overlap`: the
//! same with AlexNet's overlapping max pools, 3×3 stride 2 padded by 1, which keep LeNet's map
//! sizes 28 → 14 and 10 → 5), trained with
//! cross-entropy for T steps of batch 32 (LeNet: batch 8) on the first 1024 digits training
//! examples (η = 1/2, s = 8, b = 16; LeNet η = 1/16). Also prints
//! the proving time per iteration and per iteration and parameter (the comparison of
//! CNN and MLP training cost). Prints training time, proving time
//! (witness, trace commitment and proof; the dataset and model commitments are made once and
//! reported apart), native verification time, proof size, the trace length, the trained
//! model's test accuracy and the process's peak resident memory. Run each T in its own process
//! so peak memory is its own (`make bench` does). `PHASES=1` prints each proving phase's
//! time as it ends.
//!
//! Uses an INSECURE development SRS (seeded), which is fine for timing only.

use std::time::Instant;
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};
use zkmodel_prover::graph::quant::{QLayer, QuantizedModel};
use zkmodel_prover::graph::tensor::Tensor;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{ModelShape, Task, commit_model};
use zkmodel_prover::proof::train::{
    ProvingInputs, TrainArchitecture, commit_dataset, digits::DigitsTraining, prove, verify,
};
use zkmodel_prover::train::{TrainConfig, train};

mod common;

use common::peak_rss_mib;

fn main() {
    common::phases_from_env();
    let steps: usize = std::env::args()
        .nth(1)
        .map_or(64, |s| s.parse().expect("T: a power of two"));
    let kind = std::env::args().nth(2).unwrap_or_else(|| "mlp".into());
    let cfg = TrainConfig::digits_mlp(steps);
    let DigitsTraining {
        data,
        initial: q0,
        x,
        y,
        arch,
    } = match kind.as_str() {
        "mlp" => DigitsTraining::load(cfg, 1024).unwrap(),
        "cnn" => images(cfg, "cnn", 8),
        "lenet" | "lenet-overlap" => images(
            // Fine-tuning the trained fixture: η = 1/16 (at η = 1/2 it diverges to chance).
            TrainConfig {
                batch: 8,
                lr_shift: 4,
                ..cfg
            },
            &kind,
            32,
        ),
        other => panic!("unknown model {other}: mlp, cnn, lenet or lenet-overlap"),
    };
    let side = match kind.as_str() {
        "cnn" => Some(8),
        "lenet" | "lenet-overlap" => Some(32),
        _ => None,
    };
    let lengths = arch.vector_lengths().unwrap();
    let srs = Srs::insecure_development(1, lengths.iter().copied().max().unwrap());
    let mut rng = rand::thread_rng();

    let start = Instant::now();
    let model_arch = arch.model_architecture(Task::Accuracy {
        examples: data.test.len(),
    });
    let initial = commit_model(&srs, &model_arch, &q0, &mut rng).unwrap();
    let dataset = commit_dataset(&srs, &arch, &x, &y, &mut rng).unwrap();
    let commit_time = start.elapsed();

    let start = Instant::now();
    let params: usize = q0
        .layers
        .iter()
        .filter_map(QLayer::dense)
        .map(|d| d.weight.len() + d.bias.len())
        .sum();
    let (q, records) = train(q0, &arch.config, &x, &y).unwrap();
    let train_time = start.elapsed();

    let start = Instant::now();
    let trained = commit_model(&srs, &model_arch, &q, &mut rng).unwrap();
    let inputs = ProvingInputs {
        initial: &initial,
        trained: (&q, &trained),
        dataset: (&dataset, &x, &y),
        steps: &records,
    };
    let proof = prove(&srs, &arch, &inputs, &mut rng).unwrap();
    let prove_time = start.elapsed();

    let start = Instant::now();
    let runs: u32 = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    for _ in 0..runs {
        verify(
            &srs,
            &arch,
            trained.commitment,
            initial.commitment,
            dataset.commitment,
            &proof,
        )
        .unwrap();
    }
    let verify_time = start.elapsed() / runs;

    let (xs, ys) = data.batch(&data.test).unwrap();
    let xs = match side {
        Some(side) => image_batch(xs, side),
        None => xs,
    };
    let (m, xi) = q.quantize_input(&xs).unwrap();
    let pred = q.predictions(&q.forward(m, xi).unwrap(), ys.len());
    let correct = pred.iter().zip(&ys).filter(|(a, b)| a == b).count();
    let per_step = prove_time.as_secs_f64() / steps as f64;
    println!(
        "training {kind} T={steps}: train {:.2} s, prove {:.2} s ({:.1} ms per iteration, {:.2} µs \
         per iteration and parameter, {params} padded parameters), verify {:.2} ms, proof {} \
         bytes, trace 2^{} entries ({} in tensors), peak memory {:.0} MiB, test accuracy {:.2}% (dataset and \
         initial-model commitments {:.2} s, once)",
        train_time.as_secs_f64(),
        prove_time.as_secs_f64(),
        per_step * 1e3,
        per_step * 1e6 / params as f64,
        verify_time.as_secs_f64() * 1e3,
        proof.size_bytes(),
        lengths[3].trailing_zeros(),
        arch.trace_entries().unwrap(),
        peak_rss_mib(),
        100.0 * correct as f64 / ys.len() as f64,
        commit_time.as_secs_f64(),
    );
}

/// A PyTorch image fixture (`fixtures/pytorch/<name>.onnx`, inputs side × side) at `cfg`, on
/// the same examples as the MLP (upsampled when `side` > 8); `<name>-overlap`: its max pools
/// made 3×3, stride 2, padded by 1.
fn images(cfg: TrainConfig, name: &str, side: usize) -> DigitsTraining {
    let dir = digits_fixtures_dir();
    let (file, overlap) = match name.strip_suffix("-overlap") {
        Some(file) => (file, true),
        None => (name, false),
    };
    let onnx = dir.join(format!("../pytorch/{file}.onnx"));
    let mut model = zkmodel_prover::graph::onnx::import_path(&onnx).unwrap();
    if overlap {
        for node in &mut model.nodes {
            if let zkmodel_prover::graph::Op::MaxPool2d { .. } = node.op {
                node.op = zkmodel_prover::graph::Op::MaxPool2d {
                    kernel: [3, 3],
                    stride: [2, 2],
                    pads: [1; 4],
                };
            }
        }
    }
    let initial = QuantizedModel::quantize(&model, cfg.scale, cfg.bits).unwrap();
    let data = Dataset::load(&dir.join("dataset.json")).unwrap();
    let (x, y) = data.batch(&data.train[..1024]).unwrap();
    let (_, x) = initial.quantize_input(&image_batch(x, side)).unwrap();
    let arch = TrainArchitecture::new(ModelShape::from(&initial), cfg, 1024).unwrap();
    DigitsTraining {
        data,
        initial,
        x,
        y,
        arch,
    }
}

/// Digits rows (8×8 pixels) as [n, 1, side, side] images, each pixel repeated (side/8)² times
/// (as `fixtures/fixture_data.py` upsamples LeNet's inputs).
fn image_batch(x: Tensor, side: usize) -> Tensor {
    let n = x.shape[0];
    let f = side / 8;
    let data = (0..n * side * side)
        .map(|i| {
            let (e, y, xx) = (i / (side * side), (i / side) % side, i % side);
            x.data[e * 64 + (y / f) * 8 + xx / f]
        })
        .collect();
    Tensor::new(vec![n, 1, side, side], data).unwrap()
}
