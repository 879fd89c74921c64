#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A new user's first run on a model a converter exported, not on our digits fixtures: the
//! PyTorch CNN (two convolutions with 6 and 12 channels, `torch.onnx.export`) and the
//! scikit-learn MLPClassifier (two hidden layers of 48 and 24, skl2onnx, with its label head),
//! each from the data files the fixture scripts wrote (EZKL-style JSON) through import,
//! SRS, architecture, commit, test-set commitment, prove and verify with the `zkmodel`
//! binary; and an skl2onnx classifier whose labels are not 0..n − 1 refused at import.

use crate::common::{fails, ok, repo_root};
use std::path::Path;

/// Writes the first `n` examples of a fixture data file to `dir/name`.
fn first_examples(fixture: &Path, n: usize, dir: &Path, name: &str) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    for key in ["input_data", "labels"] {
        let list = v[key].as_array_mut().unwrap();
        list.truncate(n);
    }
    std::fs::write(dir.join(name), v.to_string()).unwrap();
}

/// The seller's flow on `fixtures/<dir>/<name>.onnx` with an accuracy claim over `n` test
/// examples; returns the import report.
fn accuracy_flow(dir: &str, name: &str, n: usize) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let fixtures = repo_root().join("fixtures").join(dir);
    let onnx = fixtures.join(format!("{name}.onnx"));
    let calibration = fixtures.join(format!("{name}.calibration.json"));
    first_examples(
        &fixtures.join(format!("{name}.test.json")),
        n,
        d,
        "test.json",
    );
    let report = ok(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            calibration.to_str().unwrap(),
        ],
    );
    assert!(
        report["argmax_agreement"].as_f64().unwrap() >= 0.98,
        "{report}"
    );
    let examples = n.to_string();
    ok(
        d,
        &[
            "srs",
            "--dev",
            "--model",
            "model.zkm",
            "--examples",
            &examples,
        ],
    );
    ok(
        d,
        &[
            "arch",
            "model.zkm",
            "--task",
            "accuracy",
            "--examples",
            &examples,
            "-o",
            "acc.json",
            "--srs",
            "srs.bin",
        ],
    );
    ok(d, &["commit", "model.zkm", "--srs", "srs.bin"]);
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
    let p = ok(
        d,
        &[
            "prove",
            "--arch",
            "acc.json",
            "--model",
            "model.zkm",
            "--opening",
            "model.opening",
            "--srs",
            "srs.bin",
            "--data",
            "test.json",
            "-o",
            "acc.proof",
        ],
    );
    assert_eq!(p["public"]["examples"], n);
    let v = ok(
        d,
        &[
            "verify",
            "acc.proof",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
            "--test-set",
            "test-set.commitment",
        ],
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["public"]["correct"], p["public"]["correct"]);
    // The models score 96–98% in float on their whole test splits.
    assert!(
        v["public"]["correct"].as_u64().unwrap() * 5 >= 4 * n as u64,
        "{v}"
    );
    report
}

#[test]
fn a_pytorch_cnn_imports_proves_and_verifies_through_the_cli() {
    let report = accuracy_flow("pytorch", "cnn", 8);
    assert_eq!(report["classes"], 10);
    assert!(report["label_head"].is_null());
}

/// Inception-style branches joined by a three-input `torch.cat`: the CLI's import reports the
/// two concatenations it became, and the accuracy statement proves and verifies.
#[test]
fn a_pytorch_cnn_with_concatenated_branches_proves_through_the_cli() {
    let report = accuracy_flow("pytorch", "catcnn", 8);
    let layers = report["layers"].as_array().unwrap();
    let concats = layers
        .iter()
        .filter(|l| l.as_str().unwrap().to_lowercase().contains("concat"))
        .count();
    assert_eq!(concats, 2, "{report}");
}

/// PyTorch's MNIST-example habit, `relu(max_pool2d(conv(x)))` and a tanh after the second
/// pool: imported (the ReLU moved before its max pool, the tanh a table on the pool) and
/// proven through the CLI.
#[test]
fn a_pytorch_cnn_with_activations_after_its_pools_proves_through_the_cli() {
    let report = accuracy_flow("pytorch", "poolact", 8);
    assert_eq!(report["classes"], 10);
}

#[test]
fn an_sklearn_classifier_imports_proves_its_scores_and_reports_its_label_head() {
    let report = accuracy_flow("sklearn", "digits_mlp", 16);
    assert_eq!(report["layers"].as_array().unwrap().len(), 3);
    let head = &report["label_head"];
    assert_eq!(head["proven"], false);
    assert_eq!(head["classes"], 10);
    assert_eq!(head["outputs"], serde_json::json!(["label"]));
}

/// A model ending in a Softmax (skl2onnx's wine MLPClassifier, 3 classes): the import says
/// its outputs are probabilities and bounds their error; an inference claim proves them and
/// shows them to the seller and the verifier.
#[test]
fn an_sklearn_classifier_proves_its_softmax_probabilities_through_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let fixtures = repo_root().join("fixtures/sklearn");
    let onnx = fixtures.join("wine_mlp.onnx");
    let calibration = fixtures.join("wine_mlp.calibration.json");
    first_examples(&fixtures.join("wine_mlp.test.json"), 1, d, "input.json");
    let report = ok(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            calibration.to_str().unwrap(),
        ],
    );
    assert_eq!(report["outputs"], "probabilities", "{report}");
    assert!(
        report["max_output_error"].as_f64().unwrap() <= 0.02,
        "{report}"
    );
    ok(d, &["srs", "--dev", "--model", "model.zkm"]);
    ok(
        d,
        &[
            "arch",
            "model.zkm",
            "--task",
            "inference",
            "-o",
            "inf.json",
            "--srs",
            "srs.bin",
        ],
    );
    ok(d, &["commit", "model.zkm", "--srs", "srs.bin"]);
    let p = ok(
        d,
        &[
            "prove",
            "--arch",
            "inf.json",
            "--model",
            "model.zkm",
            "--opening",
            "model.opening",
            "--srs",
            "srs.bin",
            "--data",
            "input.json",
            "-o",
            "inf.proof",
        ],
    );
    let probs: Vec<f64> = p["public"]["probabilities"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(probs.len(), 3, "{p}");
    let total: f64 = probs.iter().sum();
    assert!((0.97..=1.0).contains(&total), "{p}");
    assert!(p["public"]["logits"].is_null(), "{p}");
    let v = ok(
        d,
        &[
            "verify",
            "inf.proof",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
            "--arch",
            "inf.json",
        ],
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["public"]["probabilities"], p["public"]["probabilities"]);
}

#[test]
fn an_sklearn_classifier_with_labels_other_than_indices_is_refused_at_import() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let fixtures = repo_root().join("fixtures/sklearn");
    let onnx = fixtures.join("wine_classes_1_3.onnx");
    let calibration = fixtures.join("wine_mlp.calibration.json");
    let e = fails(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            calibration.to_str().unwrap(),
        ],
    );
    assert!(e.contains("ArrayFeatureExtractor"), "{e}");
    assert!(e.contains("[1, 2, 3]"), "{e}");
    assert!(!d.join("model.zkm").exists());
}

/// An operator the proof blocks lack is named with its node at import; an input outside the
/// quantization range the model was calibrated for is named with its tensor at prove time,
/// and no proof file is written.
#[test]
fn an_unsupported_op_and_an_out_of_range_input_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let root = repo_root().join("fixtures");
    let calibration = root.join("pytorch/mlp.calibration.json");
    let erf = root.join("digits/bad/unsupported_erf.onnx");
    let e = fails(
        d,
        &[
            "import",
            erf.to_str().unwrap(),
            "--calibrate",
            calibration.to_str().unwrap(),
        ],
    );
    assert!(e.contains("`Erf`") && e.contains("`erf_node`"), "{e}");

    let onnx = root.join("pytorch/mlp.onnx");
    ok(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            calibration.to_str().unwrap(),
        ],
    );
    ok(d, &["srs", "--dev", "--model", "model.zkm"]);
    ok(
        d,
        &["arch", "model.zkm", "--task", "inference", "-o", "inf.json"],
    );
    ok(d, &["commit", "model.zkm", "--srs", "srs.bin"]);
    let big = serde_json::json!({ "input_data": [vec![1.0e6f64; 64]] });
    std::fs::write(d.join("big.json"), big.to_string()).unwrap();
    let e = fails(
        d,
        &[
            "prove",
            "--arch",
            "inf.json",
            "--model",
            "model.zkm",
            "--opening",
            "model.opening",
            "--srs",
            "srs.bin",
            "--data",
            "big.json",
            "-o",
            "p.proof",
        ],
    );
    assert!(
        e.contains("tensor `input`") && e.contains("quantization range"),
        "{e}"
    );
    assert!(!d.join("p.proof").exists());
}
