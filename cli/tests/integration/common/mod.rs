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

/// A `zkmodel relayer serve` child process, killed (SIGKILL) on drop.
pub struct Relayer {
    /// The process.
    pub child: std::process::Child,
    /// Its API's URL.
    pub url: String,
}

impl Drop for Relayer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token the tests' relayers require.
pub const RELAYER_TOKEN: &str = "test-token-0123456789";

/// Starts a relayer for `marketplace` on a free loopback port signing with `key` against
/// `rpc`, with its job store at `db` and `extra` arguments, and waits until it listens.
pub fn spawn_relayer(
    dir: &Path,
    rpc: &str,
    key: &str,
    db: &Path,
    marketplace: &str,
    extra: &[&str],
) -> Relayer {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zkmodel"));
    c.current_dir(dir)
        .env("ZKMODEL_PRIVATE_KEY", key)
        .env("ZKMODEL_RELAYER_TOKEN", RELAYER_TOKEN)
        .env("ZKMODEL_RPC_URL", rpc)
        .args([
            "relayer",
            "serve",
            "--json",
            "--listen",
            "127.0.0.1:0",
            "--poll-ms",
            "20",
        ])
        .args(["--marketplace", marketplace])
        .arg("--db")
        .arg(db)
        .args(extra);
    spawn(c)
}

/// Starts a prepared `zkmodel relayer serve --json` command and waits until it listens.
pub fn spawn(mut command: Command) -> Relayer {
    use std::io::BufRead;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start the relayer");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the relayer's first line");
    let started: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the relayer did not start ({e}): {line}"));
    Relayer {
        child,
        url: started["url"].as_str().expect("url").to_string(),
    }
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Exports the verifier of `arch` (with `keys`, under `srs.bin`) as contract `name` and
/// compiles it with the project's forge and solcjs in `dir/v`; returns the forge artifact.
pub fn compile_verifier(dir: &Path, arch: &str, keys: &str, name: &str) -> PathBuf {
    let root = repo_root();
    std::fs::create_dir_all(dir.join("v/src/user")).unwrap();
    for f in ["lib/BN254.sol", "lib/SplitHash.sol", "IZkmodelVerifier.sol"] {
        let to = dir.join("v/src").join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join("contracts/src").join(f), to).unwrap();
    }
    let source = format!("v/src/user/{name}.sol");
    ok(
        dir,
        &[
            "export-verifier",
            "--arch",
            arch,
            "--srs",
            "srs.bin",
            "--keys",
            keys,
            "--name",
            name,
            "-o",
            &source,
        ],
    );
    std::fs::write(
        dir.join("v/foundry.toml"),
        format!(
            "[profile.default]\nsrc = \"src\"\nout = \"out\"\nlibs = []\nsolc = \"{}\"\nevm_version = \"prague\"\noptimizer = true\noptimizer_runs = 200\noffline = true\n",
            root.join("scripts/solc").display()
        ),
    )
    .unwrap();
    let forge = root.join("node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
    let built = Command::new(&forge)
        .args(["build", "--root", "v", "--quiet"])
        .current_dir(dir)
        .output()
        .expect("forge (run `make tools`)");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    dir.join(format!("v/out/{name}.sol/{name}.json"))
}

/// POSTs `body` (JSON) to `<url>/v1/jobs` with an optional bearer token over a plain
/// loopback socket; returns the status and the JSON answer (`null` if there is none).
pub fn post(url: &str, token: Option<&str>, body: &str) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).expect("connect to the relayer");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /v1/jobs HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(request.as_bytes()).unwrap();
    // The server may answer (413, 401) and close before reading the whole body.
    let _ = s.write_all(body.as_bytes());
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(serde_json::Value::Null);
    (status, json)
}
