#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `zkmodel` binary as a user runs it: the digits MLP imported from its ONNX file with
//! calibration data in each supported format, the artifact inspected, and bad input refused
//! with exit status 1 and a message that says what was wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

fn zkmodel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkmodel"))
        .args(args)
        .output()
        .expect("run zkmodel")
}

fn stdout_json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn failure(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn onnx() -> String {
    digits_fixtures_dir().join("mlp.onnx").display().to_string()
}

/// The first 128 training images (64 pixels each) and their labels.
fn examples() -> (Vec<Vec<f32>>, Vec<usize>) {
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    let (x, labels) = data.batch(&data.train[..128]).unwrap();
    (x.data.chunks(64).map(<[f32]>::to_vec).collect(), labels)
}

fn write_json(dir: &Path) -> PathBuf {
    let (rows, labels) = examples();
    let path = dir.join("input.json");
    let json = serde_json::json!({ "input_data": rows, "labels": labels });
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

fn write_csv(dir: &Path, drop_last_column: bool) -> PathBuf {
    let (rows, labels) = examples();
    let path = dir.join("input.csv");
    let width = if drop_last_column { 63 } else { 64 };
    let mut text = (0..width)
        .map(|i| format!("p{i}"))
        .collect::<Vec<_>>()
        .join(",")
        + ",label\n";
    for (row, label) in rows.iter().zip(&labels) {
        let cells: Vec<String> = row[..width].iter().map(|v| v.to_string()).collect();
        text += &format!("{},{label}\n", cells.join(","));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// A version 1.0 .npy file of float32, shape (n, 64), written by hand from the format spec.
fn write_npy(dir: &Path) -> PathBuf {
    let (rows, _) = examples();
    let mut header = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, 64), }}",
        rows.len()
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    for v in rows.iter().flatten() {
        bytes.extend(v.to_le_bytes());
    }
    let path = dir.join("input.npy");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn import_calibrates_from_json_csv_and_npy_and_inspect_reads_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.zkm");
    let model_s = model.display().to_string();
    for (data, label_column) in [
        (write_json(dir.path()), None),
        (write_csv(dir.path(), false), Some("label")),
        (write_npy(dir.path()), None),
    ] {
        let data_s = data.display().to_string();
        let mut args = vec![
            "import",
            &onnx(),
            "--calibrate",
            &data_s,
            "-o",
            &model_s,
            "--json",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
        if let Some(c) = label_column {
            args.extend(["--label-column".to_string(), c.to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let report = stdout_json(&zkmodel(&args));
        assert_eq!(report["examples"], 128, "{data_s}");
        assert_eq!(report["classes"], 10);
        assert!(
            report["argmax_agreement"].as_f64().unwrap() >= 0.99,
            "{report}"
        );
        if data.extension().unwrap() != "npy" {
            assert!(
                report["quantized_accuracy"].as_f64().unwrap() > 0.9,
                "{report}"
            );
        } else {
            assert!(report["quantized_accuracy"].is_null(), "no labels in .npy");
        }
        let inspected = stdout_json(&zkmodel(&["inspect", &model_s, "--json"]));
        assert_eq!(inspected["kind"], "quantized-model");
        assert_eq!(inspected["scale"], report["scale"]);
        assert_eq!(inspected["layers"].as_array().unwrap().len(), 2);
    }
    // Text output for people.
    let data = write_json(dir.path()).display().to_string();
    let o = zkmodel(&["import", &onnx(), "--calibrate", &data, "-o", &model_s]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("quantized accuracy"), "{text}");
}

#[test]
fn bad_input_is_refused_with_a_message_that_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.zkm").display().to_string();
    let json = write_json(dir.path()).display().to_string();

    // Not an ONNX model.
    let garbage = dir.path().join("garbage.onnx");
    std::fs::write(&garbage, b"\x00\x01 definitely not protobuf").unwrap();
    let e = failure(&zkmodel(&[
        "import",
        &garbage.display().to_string(),
        "--calibrate",
        &json,
        "-o",
        &out,
    ]));
    assert!(e.contains("malformed ONNX"), "{e}");

    // 63 columns for a 64-feature model.
    let csv = write_csv(dir.path(), true).display().to_string();
    let e = failure(&zkmodel(&[
        "import",
        &onnx(),
        "--calibrate",
        &csv,
        "--label-column",
        "label",
        "-o",
        &out,
    ]));
    assert!(
        e.contains("row 1 has 63 feature columns; the model takes 64 features"),
        "{e}"
    );

    // A label column that does not exist.
    let csv = write_csv(dir.path(), false).display().to_string();
    let e = failure(&zkmodel(&[
        "import",
        &onnx(),
        "--calibrate",
        &csv,
        "--label-column",
        "class",
        "-o",
        &out,
    ]));
    assert!(e.contains("no column named `class`"), "{e}");

    // An unknown data format.
    let txt = dir.path().join("data.txt");
    std::fs::write(&txt, "1 2 3").unwrap();
    let e = failure(&zkmodel(&[
        "import",
        &onnx(),
        "--calibrate",
        &txt.display().to_string(),
        "-o",
        &out,
    ]));
    assert!(e.contains("unknown data format"), "{e}");
    assert!(!Path::new(&out).exists(), "nothing written on failure");

    // inspect: a foreign file and a damaged model file.
    let e = failure(&zkmodel(&["inspect", &txt.display().to_string()]));
    assert!(e.contains("not a zkmodel artifact"), "{e}");
    let o = zkmodel(&["import", &onnx(), "--calibrate", &json, "-o", &out]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, text.replace("\"version\": 1", "\"version\": 7")).unwrap();
    let e = failure(&zkmodel(&["inspect", &out]));
    assert!(e.contains("this build reads version 1"), "{e}");
    // --json failures put the error on stdout too.
    let o = zkmodel(&["inspect", &out, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["error"].as_str().unwrap().contains("version"));
}

/// `srs`: the development SRS sized for a model's accuracy statement (labelled INSECURE), a
/// Powers-of-Tau import, and a .ptau too small for the statement refused.
#[test]
fn srs_is_sized_for_the_statement_and_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.zkm").display().to_string();
    let json = write_json(dir.path()).display().to_string();
    let o = zkmodel(&["import", &onnx(), "--calibrate", &json, "-o", &model]);
    assert!(o.status.success());
    let srs = dir.path().join("srs.bin").display().to_string();
    let o = zkmodel(&[
        "srs",
        "--dev",
        "--model",
        &model,
        "--examples",
        "360",
        "-o",
        &srs,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("INSECURE"));
    let inspected = stdout_json(&zkmodel(&["inspect", &srs, "--json"]));
    assert_eq!(inspected["kind"], "srs");
    assert_eq!(inspected["insecure_development"], true);
    assert!(inspected["size"].as_u64().unwrap() >= 360 * 64);

    let ptau = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../prover/tests/fixtures/pot4.ptau")
        .display()
        .to_string();
    let snarkjs = concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules/.bin/snarkjs");
    let v = stdout_json(&zkmodel(&[
        "srs",
        "--ptau",
        &ptau,
        "--snarkjs",
        snarkjs,
        "-o",
        &srs,
        "--json",
    ]));
    assert_eq!(v["insecure_development"], false);
    assert_eq!(v["ptau"], "verified by snarkjs powersoftau verify");
    assert_eq!(v["size"], 31, "2^(power+1) - 1 tau powers in G1");
    let e = failure(&zkmodel(&[
        "srs",
        "--ptau",
        &ptau,
        "--snarkjs",
        snarkjs,
        "--model",
        &model,
        "-o",
        &srs,
    ]));
    assert!(
        e.contains("use a Powers-of-Tau file of a higher power"),
        "{e}"
    );

    // The same file with one α·τ point replaced keeps its τ powers (and SRS id), but snarkjs
    // powersoftau verify refuses it, and so does `srs`.
    let mut forged = std::fs::read(&ptau).unwrap();
    let section = |bytes: &[u8], kind: u32| {
        let mut pos = 12;
        loop {
            let k = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap());
            let size = u64::from_le_bytes(bytes[pos + 4..pos + 12].try_into().unwrap()) as usize;
            if k == kind {
                return pos + 12;
            }
            pos += 12 + size;
        }
    };
    let (alpha, tau) = (section(&forged, 4), section(&forged, 2));
    forged.copy_within(tau + 64..tau + 128, alpha + 64);
    let forged_path = dir.path().join("forged.ptau").display().to_string();
    std::fs::write(&forged_path, &forged).unwrap();
    let e = failure(&zkmodel(&[
        "srs",
        "--ptau",
        &forged_path,
        "--snarkjs",
        snarkjs,
        "-o",
        &srs,
    ]));
    assert!(e.contains("snarkjs does not verify it"), "{e}");
}

#[test]
fn every_command_has_help_with_an_example_and_usage_errors_exit_2() {
    for cmd in [
        "import",
        "inspect",
        "srs",
        "architecture",
        "commit",
        "commit-test-set",
        "commit-seeded",
        "prove",
        "train",
        "verify",
        "setup",
        "wrap",
        "export-verifier",
    ] {
        let o = zkmodel(&[cmd, "--help"]);
        assert!(o.status.success());
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("Example"), "{cmd}: {help}");
    }
    let o = zkmodel(&["--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Exit codes"));
    assert_eq!(zkmodel(&["frobnicate"]).status.code(), Some(2));
}
