#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
//! One training proof, measured: `cargo run --release -p zkmodel-prover --example train_report
//! -- <T>`. The digits MLP 64-32-10 trained with cross-entropy for T steps of batch 32 on the
//! first 1024 training examples (η = 1/2, s = 8, b = 16). Prints training time, proving time
//! (witness, trace commitment and proof; the dataset and model commitments are made once and
//! reported apart), native verification time, proof size, the trace length, the trained
//! model's test accuracy and the process's peak resident memory. Run each T in its own process
//! so peak memory is its own (`make bench` does). `PHASES=1` prints each proving phase's
//! time as it ends.
//!
//! Uses an INSECURE development SRS (seeded), which is fine for timing only.

use std::time::Instant;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{Task, commit_model};
use zkmodel_prover::proof::train::{
    ProvingInputs, commit_dataset, digits::DigitsTraining, prove, verify,
};
use zkmodel_prover::train::{TrainConfig, train};

mod common;

use common::peak_rss_mib;

fn main() {
    common::phases_from_env();
    let steps: usize = std::env::args()
        .nth(1)
        .map_or(64, |s| s.parse().expect("T: a power of two"));
    let cfg = TrainConfig::digits_mlp(steps);
    let DigitsTraining {
        data,
        initial: q0,
        x,
        y,
        arch,
    } = DigitsTraining::load(cfg, 1024).unwrap();
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
    let (q, records) = train(q0, &cfg, &x, &y).unwrap();
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
    let (m, xi) = q.quantize_input(&xs).unwrap();
    let pred = q.predictions(&q.forward(m, xi).unwrap(), ys.len());
    let correct = pred.iter().zip(&ys).filter(|(a, b)| a == b).count();
    println!(
        "training T={steps}: train {:.2} s, prove {:.2} s, verify {:.2} ms, proof {} bytes, \
         trace 2^{} entries, peak memory {:.0} MiB, test accuracy {:.2}% \
         (dataset and initial-model commitments {:.2} s, once)",
        train_time.as_secs_f64(),
        prove_time.as_secs_f64(),
        verify_time.as_secs_f64() * 1e3,
        proof.size_bytes(),
        lengths[3].trailing_zeros(),
        peak_rss_mib(),
        100.0 * correct as f64 / ys.len() as f64,
        commit_time.as_secs_f64(),
    );
}
