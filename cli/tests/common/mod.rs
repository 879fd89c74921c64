//! What the CLI tests share: running the real binary in a directory with a chosen environment,
//! requiring success (JSON on stdout) or failure (exit status 1, message on stderr), and
//! writing digits examples in the EZKL JSON layout.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

/// Runs `zkmodel args` in `dir` with `env` set (`None` removes a variable).
pub fn run(dir: &Path, env: &[(&str, Option<&str>)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zkmodel"));
    c.current_dir(dir).args(args);
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().expect("run zkmodel")
}

/// Runs with `--json`, requires success and returns stdout as JSON.
pub fn ok_with(dir: &Path, env: &[(&str, Option<&str>)], args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = run(dir, env, &all);
    assert!(
        o.status.success(),
        "zkmodel {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// Requires exit status 1 and returns stderr.
pub fn fails_with(dir: &Path, env: &[(&str, Option<&str>)], args: &[&str]) -> String {
    let o = run(dir, env, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "zkmodel {args:?} should fail: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// [`ok_with`] in the test's own environment.
pub fn ok(dir: &Path, args: &[&str]) -> serde_json::Value {
    ok_with(dir, &[], args)
}

/// [`fails_with`] in the test's own environment.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    fails_with(dir, &[], args)
}

/// Writes the digits examples at `indices` (pixels / 16) as EZKL-style JSON, with labels if
/// asked.
pub fn write_examples(dir: &Path, name: &str, indices: &[usize], labels: bool) -> PathBuf {
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    let (x, l) = data.batch(indices).unwrap();
    let rows: Vec<Vec<f32>> = x.data.chunks(64).map(<[f32]>::to_vec).collect();
    let json = if labels {
        serde_json::json!({ "input_data": rows, "labels": l })
    } else {
        serde_json::json!({ "input_data": rows })
    };
    let path = dir.join(name);
    std::fs::write(&path, json.to_string()).unwrap();
    path
}
