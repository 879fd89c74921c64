#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A seller's whole off-chain flow through the `zkmodel` binary, as a user runs it: import,
//! SRS, architectures, commit (secret opening), test-set commitment, prove, verify, keys,
//! wrap, verify the wrapped proof, export the verifier, inspect every artifact — and every
//! way a user gets it wrong refused with exit status 1 and a message naming the problem.

use crate::common::{fails, ok, write_examples};
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

#[test]
fn a_seller_proves_wraps_and_a_buyer_verifies_and_mistakes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "calib.json", &data.train[..128], true);
    write_examples(d, "input.json", &data.test[..1], false);
    write_examples(d, "test.json", &data.test[..8], true);
    let onnx = digits_fixtures_dir().join("mlp.onnx");
    ok(
        d,
        &[
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            "calib.json",
        ],
    );
    ok(d, &["srs", "--dev", "--size", "8192", "-o", "srs.bin"]);
    let inf = ok(
        d,
        &[
            "architecture",
            "model.zkm",
            "--task",
            "inference",
            "-o",
            "inf.json",
            "--srs",
            "srs.bin",
        ],
    );
    assert_eq!(inf["roles"], serde_json::json!(["model", "trace", "data"]));
    ok(
        d,
        &[
            "arch",
            "model.zkm",
            "--task",
            "accuracy",
            "--examples",
            "8",
            "-o",
            "acc.json",
        ],
    );

    // Commit: the opening is secret (0600) and never overwritten.
    let c = ok(d, &["commit", "model.zkm", "--srs", "srs.bin"]);
    assert!(c["commitment"]["x"].as_str().unwrap().starts_with("0x"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("model.opening"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let opening = std::fs::read(d.join("model.opening")).unwrap();
    let e = fails(
        d,
        &[
            "commit",
            "model.zkm",
            "--srs",
            "srs.bin",
            "-o",
            "again.commitment",
        ],
    );
    assert!(e.contains("never overwritten"), "{e}");
    assert_eq!(std::fs::read(d.join("model.opening")).unwrap(), opening);
    let e = fails(
        d,
        &[
            "commit",
            "model.zkm",
            "--srs",
            "srs.bin",
            "-o",
            "x",
            "--opening",
            "x",
        ],
    );
    assert!(e.contains("different files"), "{e}");
    // Another commitment to the same model (fresh masks): a different registered value.
    ok(
        d,
        &[
            "commit",
            "model.zkm",
            "--srs",
            "srs.bin",
            "-o",
            "other.commitment",
            "--opening",
            "other.opening",
        ],
    );

    // Inference: prove, verify against the registered commitment, refuse another one.
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
    let predicted = p["public"]["predicted"].clone();
    assert_eq!(predicted, serde_json::json!([data.labels[data.test[0]]]));
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
    assert_eq!(v["public"]["predicted"], predicted);
    let e = fails(
        d,
        &[
            "verify",
            "inf.proof",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "other.commitment",
        ],
    );
    assert!(e.contains("not the pinned model commitment"), "{e}");
    let e = fails(
        d,
        &[
            "verify",
            "inf.proof",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
            "--arch",
            "acc.json",
        ],
    );
    assert!(e.contains("another architecture"), "{e}");

    // Accuracy against a registered test set; without it the claim is refused as meaningless.
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
    assert_eq!(p["public"]["examples"], 8);
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
    assert_eq!(v["public"]["correct"], p["public"]["correct"]);
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
            "model.commitment",
        ],
    );
    assert!(e.contains("needs --test-set"), "{e}");
    // A test set of other examples is another commitment: the claim is not about it.
    write_examples(d, "other-test.json", &data.test[8..16], true);
    ok(
        d,
        &[
            "commit-test-set",
            "other-test.json",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "-o",
            "other-test.commitment",
        ],
    );
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
            "model.commitment",
            "--test-set",
            "other-test.commitment",
        ],
    );
    assert!(e.contains("not the pinned test set commitment"), "{e}");

    // A pin for a role the statement lacks is refused, not ignored: expecting an accuracy
    // claim and receiving an inference proof must not print VALID.
    let e = fails(
        d,
        &[
            "verify",
            "inf.proof",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
            "--test-set",
            "test-set.commitment",
        ],
    );
    assert!(e.contains("no test set commitment"), "{e}");

    // Damaged, truncated and foreign files.
    let proof = std::fs::read(d.join("inf.proof")).unwrap();
    let mut flipped = proof.clone();
    let at = proof.len() - 200;
    flipped[at] ^= 1;
    std::fs::write(d.join("flipped.proof"), &flipped).unwrap();
    let e = fails(
        d,
        &[
            "verify",
            "flipped.proof",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
        ],
    );
    assert!(e.contains("flipped.proof"), "{e}");
    std::fs::write(d.join("cut.proof"), &proof[..proof.len() / 2]).unwrap();
    let e = fails(
        d,
        &[
            "verify",
            "cut.proof",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
        ],
    );
    assert!(e.contains("truncated"), "{e}");
    let e = fails(
        d,
        &[
            "verify",
            "model.commitment",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
        ],
    );
    assert!(e.contains("not a proof"), "{e}");
    let e = fails(
        d,
        &[
            "verify",
            "inf.proof",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "inf.proof",
        ],
    );
    assert!(e.contains("not a `model-commitment` file"), "{e}");
    let mut opening_bad = opening.clone();
    let last = opening_bad.len() - 40;
    opening_bad[last] ^= 1;
    std::fs::write(d.join("bad.opening"), &opening_bad).unwrap();
    let e = fails(
        d,
        &[
            "prove",
            "--arch",
            "inf.json",
            "--model",
            "model.zkm",
            "--opening",
            "bad.opening",
            "--srs",
            "srs.bin",
            "--data",
            "input.json",
        ],
    );
    assert!(e.contains("bad.opening"), "{e}");
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
            "test.json",
        ],
    );
    assert!(e.contains("inference rows"), "{e}");

    // Keys: development only, and labelled; bound to their architecture.
    let e = fails(d, &["setup", "--arch", "inf.json", "--srs", "srs.bin"]);
    assert!(e.contains("--insecure-dev"), "{e}");
    let k = ok(
        d,
        &[
            "setup",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--insecure-dev",
            "--seed",
            "7",
            "-o",
            "inf.keys",
        ],
    );
    assert_eq!(k["insecure_development"], true);
    let e = fails(
        d,
        &[
            "wrap",
            "acc.proof",
            "--keys",
            "inf.keys",
            "--srs",
            "srs.bin",
        ],
    );
    assert!(e.contains("keys for architecture"), "{e}");
    // A truncated key file (read beside the synthesis) is named, and nothing is written.
    let keys = std::fs::read(d.join("inf.keys")).unwrap();
    std::fs::write(d.join("cut.keys"), &keys[..keys.len() / 2]).unwrap();
    let e = fails(
        d,
        &[
            "wrap",
            "inf.proof",
            "--keys",
            "cut.keys",
            "--srs",
            "srs.bin",
            "-o",
            "cut.wrapped",
        ],
    );
    assert!(e.contains("cut.keys") && e.contains("corrupt"), "{e}");
    assert!(!d.join("cut.wrapped").exists());
    let w = ok(
        d,
        &[
            "wrap",
            "inf.proof",
            "--keys",
            "inf.keys",
            "--srs",
            "srs.bin",
            "-o",
            "inf.wrapped",
            "--calldata",
            "calldata.json",
        ],
    );
    assert_eq!(w["calldata_bytes"], 1380);
    let calldata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("calldata.json")).unwrap()).unwrap();
    assert!(
        calldata["verify_calldata"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    let v = ok(
        d,
        &[
            "verify",
            "inf.wrapped",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--commitment",
            "model.commitment",
        ],
    );
    assert_eq!(v["wrapped"], true);
    assert_eq!(v["public"]["predicted"], predicted);
    let e = fails(
        d,
        &[
            "verify",
            "inf.wrapped",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--commitment",
            "other.commitment",
        ],
    );
    assert!(e.contains("not the pinned model commitment"), "{e}");
    let e = fails(
        d,
        &[
            "verify",
            "inf.wrapped",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--commitment",
            "model.commitment",
        ],
    );
    assert!(e.contains("--keys"), "{e}");

    // Proving and wrapping in one process: both files, the wrapped one verified as above.
    let prove_wrap = |keys: &str, name: &str| -> Vec<String> {
        [
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
            &format!("{name}.proof"),
            "--keys",
            keys,
            "--wrapped",
            &format!("{name}.wrapped"),
            "--calldata",
            &format!("{name}.calldata.json"),
        ]
        .map(String::from)
        .to_vec()
    };
    let args = prove_wrap("inf.keys", "one");
    let p = ok(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(p["public"]["predicted"], predicted);
    assert_eq!(p["wrapped"]["calldata_bytes"], 1380);
    assert_eq!(p["wrapped"]["insecure_development_keys"], true);
    assert!(d.join("one.proof").exists() && d.join("one.calldata.json").exists());
    let v = ok(
        d,
        &[
            "verify",
            "one.wrapped",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--commitment",
            "model.commitment",
        ],
    );
    assert_eq!(v["public"]["predicted"], predicted);
    // A wrap that fails keeps the native proof, and says how to wrap it again.
    let args = prove_wrap("cut.keys", "cut-one");
    let e = fails(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("cut.keys") && e.contains("zkmodel wrap"), "{e}");
    assert!(d.join("cut-one.proof").exists() && !d.join("cut-one.wrapped").exists());
    let mut args = prove_wrap("inf.keys", "same");
    let at = args.iter().position(|a| a == "--wrapped").unwrap();
    args[at + 1] = "same.proof".into();
    let e = fails(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("different files"), "{e}");
    assert!(!d.join("same.proof").exists());
    let args = prove_wrap("missing.keys", "missing");
    let e = fails(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("missing.keys"), "{e}");
    assert!(!d.join("missing.proof").exists());
    // The wrap's outputs without the keys: a usage error (clap's status 2), nothing written.
    let o = crate::common::run(
        d,
        &[],
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
            "--calldata",
            "x.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--keys"));
    assert!(!d.join("x.json").exists());

    // The verifier, derived from the architecture and the keys.
    let x = ok(
        d,
        &[
            "export-verifier",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--name",
            "SellerInferenceVerifier",
        ],
    );
    assert_eq!(x["insecure_development_keys"], true);
    let sol = std::fs::read_to_string(d.join("SellerInferenceVerifier.sol")).unwrap();
    assert!(sol.contains("contract SellerInferenceVerifier"));
    let e = fails(
        d,
        &[
            "export-verifier",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--name",
            "1bad",
        ],
    );
    assert!(e.contains("Solidity identifier"), "{e}");

    // inspect names every artifact.
    for (file, kind) in [
        ("model.commitment", "model-commitment"),
        ("model.opening", "model-opening"),
        ("test-set.commitment", "data-commitment"),
        ("inf.proof", "model-proof"),
        ("inf.wrapped", "wrapped-proof"),
        ("inf.keys", "groth16-keys"),
        ("inf.json", "architecture"),
    ] {
        assert_eq!(ok(d, &["inspect", file])["kind"], kind, "{file}");
    }
}
