#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `zkmodel ceremony` as a coordinator meets it on a user's model: the INSECURE development
//! Powers of Tau is labelled as such, and `ceremony new` refuses — before the minutes snarkjs
//! would spend — a Powers of Tau too small for the circuit (naming the power it needs) or one
//! the SRS was not imported from; a file that is not a zkey is refused by `finalize` and
//! `contribute` with snarkjs's reason. (The whole ceremony, snarkjs included, runs in
//! `wrapper/tests/integration/ceremony.rs` on the MatMul statement: a user model's circuit takes snarkjs
//! minutes per step.)

use crate::common;

use crate::common::{fails, fails_with, ok, write_examples};
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

#[test]
fn ceremony_commands_refuse_what_cannot_work_and_label_development_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "calib.json", &data.train[..64], true);
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
    ok(
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

    let ptau = ok(
        d,
        &["ceremony", "dev-ptau", "--power", "8", "-o", "dev8.ptau"],
    );
    assert_eq!(ptau["insecure_development"], true);
    let o = common::run(
        d,
        &[],
        &["ceremony", "dev-ptau", "--power", "8", "-o", "x.ptau"],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("INSECURE"));

    // Too small: the circuit needs 2^16.
    let e = fails(
        d,
        &[
            "ceremony",
            "new",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--ptau",
            "dev8.ptau",
            "-o",
            "c0.zkey",
        ],
    );
    assert!(e.contains("power ≥ 16") && e.contains("power 8"), "{e}");
    assert!(!d.join("c0.zkey").exists());

    // Another τ than the SRS's.
    ok(
        d,
        &[
            "ceremony",
            "dev-ptau",
            "--power",
            "8",
            "--seed",
            "7",
            "-o",
            "other.ptau",
        ],
    );
    let e = fails(
        d,
        &[
            "ceremony",
            "new",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--ptau",
            "other.ptau",
        ],
    );
    assert!(e.contains("is not this Powers of Tau's"), "{e}");

    // Not a zkey.
    std::fs::write(d.join("junk.zkey"), b"not a zkey").unwrap();
    let e = fails(
        d,
        &[
            "ceremony",
            "finalize",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--ptau",
            "dev8.ptau",
            "--zkey",
            "junk.zkey",
        ],
    );
    assert!(
        e.contains("is not a valid ceremony key for this architecture"),
        "{e}"
    );
    let snarkjs = concat!(env!("CARGO_MANIFEST_DIR"), "/../node_modules/.bin/snarkjs");
    let contribute = [
        "ceremony",
        "contribute",
        "junk.zkey",
        "c1.zkey",
        "--name",
        "alice",
    ];
    let e = fails_with(d, &[("ZKMODEL_SNARKJS", Some(snarkjs))], &contribute);
    assert!(
        e.contains("snarkjs zkey contribute failed") && e.contains("Invalid File format"),
        "{e}"
    );
    // A snarkjs planted in the working directory (a ceremony bundle's) is never run.
    let planted = d.join("node_modules/.bin");
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::write(
        planted.join("snarkjs"),
        "#!/bin/sh\ntouch \"$(dirname \"$0\")/ran\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        planted.join("snarkjs"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let e = fails_with(
        d,
        &[("ZKMODEL_SNARKJS", None), ("PATH", Some("/usr/bin:/bin"))],
        &contribute,
    );
    assert!(e.contains("cannot run snarkjs"), "{e}");
    assert!(!planted.join("ran").exists(), "the planted snarkjs ran");
    let e = fails(
        d,
        &[
            "ceremony",
            "beacon",
            "junk.zkey",
            "c1.zkey",
            "--beacon",
            "xyz",
        ],
    );
    assert!(e.contains("--beacon must be hex"), "{e}");

    for sub in [
        "new",
        "contribute",
        "beacon",
        "verify",
        "finalize",
        "dev-ptau",
    ] {
        let o = common::run(d, &[], &["ceremony", sub, "--help"]);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Example"),
            "{sub}"
        );
    }
}
