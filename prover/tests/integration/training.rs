#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Quantized SGD on the digits fixture: the MLP 64-32-10 trained with cross-entropy for 64
//! steps of batch 32 reaches ≥ 90% test accuracy in fixed point, close to the float reference.

use rand::SeedableRng;
use std::path::PathBuf;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::train::float::FloatMlp;
use zkmodel_prover::train::{Loss, TrainConfig, initial_model, train};

fn data() -> Dataset {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits");
    Dataset::load(&dir.join("dataset.json")).unwrap()
}

fn accuracy(pred: &[usize], labels: &[usize]) -> f64 {
    pred.iter().zip(labels).filter(|(a, b)| a == b).count() as f64 / labels.len() as f64
}

fn run(cfg: TrainConfig) -> (f64, f64) {
    let d = data();
    let train_idx = &d.train[..1024];
    let q0 = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
    let (xt, yt) = d.batch(train_idx).unwrap();
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let (q, steps) = train(q0.clone(), &cfg, &x, &yt).unwrap();
    assert_eq!(steps.len(), cfg.steps);

    let (xs, ys) = d.batch(&d.test).unwrap();
    let (m, xi) = q.quantize_input(&xs).unwrap();
    let pred = q.predictions(&q.forward(m, xi).unwrap(), ys.len());
    let fixed = accuracy(&pred, &ys);

    let mut f = FloatMlp::from_quantized(&q0);
    let xf: Vec<f64> = xt.data.iter().map(|v| f64::from(*v)).collect();
    for t in 0..cfg.steps {
        let start = (t % (1024 / cfg.batch)) * cfg.batch;
        f.step(
            &cfg,
            &xf[start * 64..(start + cfg.batch) * 64],
            &yt[start..start + cfg.batch],
        );
    }
    let xsf: Vec<f64> = xs.data.iter().map(|v| f64::from(*v)).collect();
    let float = accuracy(&f.predict(&xsf, ys.len()), &ys);
    (fixed, float)
}

#[test]
fn cross_entropy_reaches_ninety_percent() {
    let cfg = TrainConfig::digits_mlp(64);
    let (fixed, float) = run(cfg);
    println!(
        "T=64, B=32, η=1/2: fixed-point test accuracy {:.2}%, float {:.2}%",
        100.0 * fixed,
        100.0 * float
    );
    assert!(fixed >= 0.90, "fixed-point accuracy {fixed}");
    assert!((fixed - float).abs() <= 0.03);
}

#[test]
#[ignore = "learning-rate probe"]
fn probe() {
    for scale in [8, 10] {
        for (num, shift) in [(1, 0), (1, 1), (3, 2)] {
            for loss in [Loss::CrossEntropy, Loss::MeanSquaredError] {
                let cfg = TrainConfig {
                    scale,
                    bits: 20,
                    batch: 32,
                    steps: 64,
                    lr_num: num,
                    lr_shift: shift,
                    loss,
                };
                println!("s={scale} {loss:?} η={num}/2^{shift}: {:?}", run(cfg));
            }
        }
    }
}

/// The trained model is an ordinary quantized model: its accuracy statement proves and
/// verifies, with the count the trainer's own evaluation gives.
#[test]
fn trained_model_proves_its_accuracy() {
    use zkmodel_prover::pcs::Srs;
    use zkmodel_prover::proof::model::{
        ModelArchitecture, ModelShape, ModelWitness, Task, commit_data, commit_model, prove, verify,
    };
    let cfg = TrainConfig::digits_mlp(64);
    let d = data();
    let q0 = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
    let (xt, yt) = d.batch(&d.train[..1024]).unwrap();
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let (q, _) = train(q0, &cfg, &x, &yt).unwrap();

    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Accuracy {
            examples: d.test.len(),
        },
    };
    let srs =
        Srs::insecure_development(3, arch.vector_lengths().unwrap().into_iter().max().unwrap());
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4);
    let (xs, ys) = d.batch(&d.test).unwrap();
    let (m, input) = q.quantize_input(&xs).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let expected = q
        .predictions(&trace, ys.len())
        .iter()
        .zip(&ys)
        .filter(|(a, b)| a == b)
        .count();
    let model = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let data = commit_data(&srs, &arch, &input, None, Some(&ys), &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &model,
        data: Some(&data),
        trace: &trace,
        labels: Some(&ys),
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    assert_eq!(
        public.count,
        Some(zkmodel_prover::Fr::from(expected as u64))
    );
    verify(
        &srs,
        &arch,
        model.commitment,
        Some(data.commitment),
        &public,
        &proof,
    )
    .unwrap();
}
