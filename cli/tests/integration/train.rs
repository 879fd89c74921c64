#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `zkmodel train` as a seller runs it: quantized SGD from a public seed on a committed
//! training set with its proof, verified against the pinned commitments; the trained model's
//! commitment is the one its accuracy claims are about; wrong pins and bad hyperparameters are
//! refused with a message.

use crate::common::{fails, ok, write_examples};
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

#[test]
fn a_seller_trains_with_a_proof_and_the_trained_model_is_the_one_its_claims_are_about() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "train.json", &data.train[..64], true);
    write_examples(d, "train60.json", &data.train[..60], true);
    write_examples(d, "test.json", &data.test[..8], true);
    ok(d, &["srs", "--dev", "--size", "131072", "-o", "srs.bin"]);
    let train = |out: &str, extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "train",
            "--data",
            "train.json",
            "--widths",
            "64,32,10",
            "--init-seed",
            "7",
            "--batch",
            "16",
            "--steps",
            "4",
            "--lr",
            "1/2",
            "--srs",
            "srs.bin",
            "--out",
            out,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // A flag given in `extra` replaces the default's value.
        for pair in extra.chunks(2) {
            match a.iter().position(|x| x == pair[0]) {
                Some(i) if pair.len() == 2 => a[i + 1] = pair[1].to_string(),
                _ => a.extend(pair.iter().map(|s| s.to_string())),
            }
        }
        a
    };
    let args = train("trained", &[]);
    let t = ok(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(t["steps"], 4);
    assert_eq!(t["initial_seed"], 7);
    for f in [
        "model.zkm",
        "model.commitment",
        "model.opening",
        "initial.commitment",
        "dataset.commitment",
        "dataset.opening",
        "training.proof",
        "training.arch.json",
    ] {
        assert!(d.join("trained").join(f).exists(), "{f}");
    }
    #[cfg(unix)]
    for secret in ["model.opening", "dataset.opening"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("trained").join(secret))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{secret}");
    }
    let verify = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "verify",
            "trained/training.proof",
            "--arch",
            "trained/training.arch.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "trained/model.commitment",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let full = verify(&[
        "--initial",
        "trained/initial.commitment",
        "--dataset",
        "trained/dataset.commitment",
    ]);
    let v = ok(d, &full.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(v["kind"], "training");

    // Missing and wrong pins.
    let e = fails(
        d,
        &verify(&["--initial", "trained/initial.commitment"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(e.contains("--dataset"), "{e}");
    let e = fails(
        d,
        &verify(&[
            "--initial",
            "trained/model.commitment",
            "--dataset",
            "trained/dataset.commitment",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(e.contains("initial model"), "{e}");
    // Same data, same seed, another run: another dataset commitment (fresh masks) — the
    // first proof is not about it.
    let again = train("again", &[]);
    ok(d, &again.iter().map(String::as_str).collect::<Vec<_>>());
    let e = fails(
        d,
        &verify(&[
            "--initial",
            "trained/initial.commitment",
            "--dataset",
            "again/dataset.commitment",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(e.contains("dataset"), "{e}");
    // The seeded initial model's commitment is recomputable: both runs agree on it.
    assert_eq!(
        std::fs::read(d.join("trained/initial.commitment")).unwrap(),
        std::fs::read(d.join("again/initial.commitment")).unwrap()
    );
    // A buyer recomputes it from the published widths and seed, without the seller's file.
    ok(
        d,
        &[
            "commit-seeded",
            "--arch",
            "trained/training.arch.json",
            "--widths",
            "64,32,10",
            "--seed",
            "7",
            "--srs",
            "srs.bin",
            "-o",
            "recomputed.commitment",
        ],
    );
    assert_eq!(
        std::fs::read(d.join("trained/initial.commitment")).unwrap(),
        std::fs::read(d.join("recomputed.commitment")).unwrap()
    );
    let e = fails(
        d,
        &verify(&[
            "--initial",
            "wrong-seed.commitment",
            "--dataset",
            "trained/dataset.commitment",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(e.contains("wrong-seed.commitment"), "{e}");
    ok(
        d,
        &[
            "commit-seeded",
            "--arch",
            "trained/training.arch.json",
            "--widths",
            "64,32,10",
            "--seed",
            "8",
            "--srs",
            "srs.bin",
            "-o",
            "seed8.commitment",
        ],
    );
    let e = fails(
        d,
        &verify(&[
            "--initial",
            "seed8.commitment",
            "--dataset",
            "trained/dataset.commitment",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert!(e.contains("initial model"), "{e}");
    // An SRS sized for the training architecture.
    ok(
        d,
        &[
            "srs",
            "--dev",
            "--arch",
            "trained/training.arch.json",
            "-o",
            "sized.bin",
        ],
    );
    // Reusing a committed dataset gives the same dataset commitment.
    let reuse = train("reuse", &["--dataset-opening", "trained/dataset.opening"]);
    ok(d, &reuse.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        std::fs::read(d.join("trained/dataset.commitment")).unwrap(),
        std::fs::read(d.join("reuse/dataset.commitment")).unwrap()
    );

    // Accuracy of the trained model, against its training commitment.
    ok(
        d,
        &[
            "architecture",
            "trained/model.zkm",
            "--task",
            "accuracy",
            "--examples",
            "8",
            "-o",
            "acc.json",
        ],
    );
    ok(
        d,
        &[
            "commit-test-set",
            "test.json",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
        ],
    );
    ok(
        d,
        &[
            "prove",
            "--arch",
            "acc.json",
            "--model",
            "trained/model.zkm",
            "--opening",
            "trained/model.opening",
            "--srs",
            "srs.bin",
            "--data",
            "test.json",
            "-o",
            "acc.proof",
        ],
    );
    ok(
        d,
        &[
            "verify",
            "acc.proof",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "trained/model.commitment",
            "--test-set",
            "test-set.commitment",
        ],
    );

    // A seeded initial model's commitment (anyone can open it) is never accepted as the model a
    // claim is about.
    let e = fails(
        d,
        &[
            "verify",
            "acc.proof",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "trained/initial.commitment",
            "--test-set",
            "test-set.commitment",
        ],
    );
    assert!(e.contains("seeded initial model"), "{e}");

    // Refusals before any work: secrets in place, bad sizes and rates.
    let e = fails(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("never overwritten"), "{e}");
    let mut bad = train("x", &[]);
    bad[2] = "train60.json".into();
    let e = fails(d, &bad.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("power of two"), "{e}");
    let e = fails(
        d,
        &train("y", &["--lr", "1/3"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(e.contains("power of two"), "{e}");
    let e = fails(
        d,
        &train("z", &["--batch", "24"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(e.contains("training statement"), "{e}");
}

/// A seller brings their own CNN: the digits CNN exported to ONNX (conv → BatchNorm → ReLU →
/// 2×2 average pool → dense) is imported, committed, trained from that commitment with a proof
/// of training, and the proof verifies against the seller's own initial commitment (and not
/// against the trained one).
#[test]
fn a_seller_trains_their_own_onnx_cnn_with_a_proof() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "train.json", &data.train[..64], true);
    let onnx = digits_fixtures_dir().join("cnn.onnx");
    let report = ok(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            "train.json",
        ],
    );
    assert_eq!(
        report["layers"],
        serde_json::json!(["conv1", "pool1", "fc"])
    );
    ok(d, &["srs", "--dev", "--size", "524288", "-o", "srs.bin"]);
    ok(d, &["commit", "model.zkm", "--srs", "srs.bin"]);
    let t = ok(
        d,
        &[
            "train",
            "--data",
            "train.json",
            "--initial",
            "model.zkm",
            "--initial-opening",
            "model.opening",
            "--batch",
            "16",
            "--steps",
            "4",
            "--lr",
            "1/2",
            "--srs",
            "srs.bin",
            "--out",
            "trained",
        ],
    );
    assert_eq!(t["steps"], 4);
    let verify = |initial: &'static str| {
        vec![
            "verify",
            "trained/training.proof",
            "--arch",
            "trained/training.arch.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "trained/model.commitment",
            "--initial",
            initial,
            "--dataset",
            "trained/dataset.commitment",
        ]
    };
    let v = ok(d, &verify("model.commitment"));
    assert_eq!(v["kind"], "training");
    let e = fails(d, &verify("trained/model.commitment"));
    assert!(e.contains("initial model"), "{e}");
}
