#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The chain commands on a real Anvil, as a developer runs them: the seller's wrapped accuracy
//! proof, its exported verifier compiled with forge and deployed, the publisher's test set and
//! the seller's model registered, the claim attested and read back by a buyer; reverts come
//! back as decoded custom errors, a missing node or key as a message.
//!
//! Needs the project's npm tools (anvil, forge, solcjs: `make tools`).

mod common;

use alloy::node_bindings::Anvil;
use common::write_examples;
use std::path::{Path, PathBuf};
use std::process::Command;
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

fn env<'a>(key: Option<&'a str>, rpc: &'a str) -> [(&'static str, Option<&'a str>); 2] {
    [("ZKMODEL_PRIVATE_KEY", key), ("ZKMODEL_RPC_URL", Some(rpc))]
}

fn ok(dir: &Path, key: Option<&str>, rpc: &str, args: &[&str]) -> serde_json::Value {
    common::ok_with(dir, &env(key, rpc), args)
}

fn fails(dir: &Path, key: Option<&str>, rpc: &str, args: &[&str]) -> String {
    common::fails_with(dir, &env(key, rpc), args)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn a_claim_is_attested_on_anvil_and_a_buyer_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "calib.json", &data.train[..128], true);
    write_examples(d, "test.json", &data.test[..8], true);
    let none = "http://127.0.0.1:1";
    let onnx = digits_fixtures_dir().join("mlp.onnx");
    // Off chain: the seller's accuracy proof on the publisher's test set, wrapped.
    for args in [
        vec![
            "import",
            onnx.to_str().unwrap(),
            "--calibrate",
            "calib.json",
        ],
        vec![
            "architecture",
            "model.zkm",
            "--task",
            "accuracy",
            "--examples",
            "8",
            "-o",
            "acc.json",
        ],
        vec!["srs", "--dev", "--arch", "acc.json", "-o", "srs.bin"],
        vec!["commit", "model.zkm", "--srs", "srs.bin"],
        vec![
            "commit-test-set",
            "test.json",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
        ],
        vec![
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
        vec![
            "setup",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "--insecure-dev",
            "-o",
            "acc.keys",
        ],
        vec![
            "wrap",
            "acc.proof",
            "--keys",
            "acc.keys",
            "--srs",
            "srs.bin",
            "-o",
            "acc.wrapped",
        ],
    ] {
        ok(d, None, none, &args);
    }
    // The verifier, exported and compiled with the project's forge and solcjs.
    std::fs::create_dir_all(d.join("v/src/user")).unwrap();
    for f in ["lib/BN254.sol", "lib/SplitHash.sol", "IZkmodelVerifier.sol"] {
        let to = d.join("v/src").join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join("contracts/src").join(f), to).unwrap();
    }
    ok(
        d,
        None,
        none,
        &[
            "export-verifier",
            "--arch",
            "acc.json",
            "--srs",
            "srs.bin",
            "--keys",
            "acc.keys",
            "--name",
            "AccVerifier",
            "-o",
            "v/src/user/AccVerifier.sol",
        ],
    );
    std::fs::write(
        d.join("v/foundry.toml"),
        format!(
            "[profile.default]\nsrc = \"src\"\nout = \"out\"\nlibs = []\nsolc = \"{}\"\nevm_version = \"prague\"\noptimizer = true\noptimizer_runs = 200\noffline = true\n",
            root().join("scripts/solc").display()
        ),
    )
    .unwrap();
    let forge = root().join("node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
    let built = Command::new(&forge)
        .args(["build", "--root", "v", "--quiet"])
        .current_dir(d)
        .output()
        .expect("forge (run `make tools`)");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    // On chain.
    let anvil = Anvil::at(root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"))
        .try_spawn()
        .expect("anvil");
    let rpc = anvil.endpoint();
    let key = |i: usize| -> String {
        let signer: alloy::signers::local::PrivateKeySigner = anvil.keys()[i].clone().into();
        signer.to_bytes().to_string()
    };
    let (seller, publisher) = (key(0), key(1));
    let (seller, publisher) = (Some(seller.as_str()), Some(publisher.as_str()));
    let e = fails(
        d,
        None,
        none,
        &[
            "chain",
            "claims",
            "--marketplace",
            "0x0000000000000000000000000000000000000001",
            "--model-id",
            "1",
        ],
    );
    assert!(e.contains("no node answers"), "{e}");
    let e = fails(d, None, &rpc, &["chain", "deploy", "--dev"]);
    assert!(e.contains("ZKMODEL_PRIVATE_KEY"), "{e}");
    let market = ok(d, seller, &rpc, &["chain", "deploy", "--dev"])["marketplace"]
        .as_str()
        .unwrap()
        .to_string();
    let v = ok(
        d,
        seller,
        &rpc,
        &[
            "chain",
            "deploy-verifier",
            "--artifact",
            "v/out/AccVerifier.sol/AccVerifier.json",
            "--register",
            "--marketplace",
            &market,
        ],
    );
    assert_eq!(v["development_keys"], true);
    let verifier = v["verifier"].as_str().unwrap().to_string();
    let ds = ok(
        d,
        publisher,
        &rpc,
        &[
            "chain",
            "register-dataset",
            "--marketplace",
            &market,
            "--kind",
            "test",
            "--commitment",
            "test-set.commitment",
            "--examples",
            "8",
        ],
    );
    assert_eq!(ds["dataset_id"], "1");
    let m = ok(
        d,
        seller,
        &rpc,
        &[
            "chain",
            "register-model",
            "--marketplace",
            &market,
            "--verifier",
            &verifier,
            "--commitment",
            "model.commitment",
            "--price",
            "1000",
        ],
    );
    assert_eq!(m["model_id"], "1");
    // A claim naming no test set is refused with the decoded custom error; nothing recorded.
    let e = fails(
        d,
        seller,
        &rpc,
        &[
            "chain",
            "attest",
            "acc.wrapped",
            "--marketplace",
            &market,
            "--verifier",
            &verifier,
            "--model-id",
            "1",
        ],
    );
    assert!(e.contains("attest reverted:"), "{e}");
    let a = ok(
        d,
        seller,
        &rpc,
        &[
            "chain",
            "attest",
            "acc.wrapped",
            "--marketplace",
            &market,
            "--verifier",
            &verifier,
            "--model-id",
            "1",
            "--dataset-id",
            "1",
        ],
    );
    let claim = a["claim_id"].as_str().unwrap().to_string();
    let e = fails(
        d,
        seller,
        &rpc,
        &[
            "chain",
            "attest",
            "acc.wrapped",
            "--marketplace",
            &market,
            "--verifier",
            &verifier,
            "--model-id",
            "1",
            "--dataset-id",
            "1",
        ],
    );
    assert!(e.contains("ClaimExists"), "{e}");

    // The buyer's view.
    let c = ok(
        d,
        None,
        &rpc,
        &[
            "chain",
            "claims",
            "--marketplace",
            &market,
            "--model-id",
            "1",
        ],
    );
    let claims = c["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0]["claim_id"], claim);
    assert_eq!(claims[0]["kind"], "accuracy");
    assert_eq!(claims[0]["development_keys"], true);
    let proved = ok(d, None, none, &["inspect", "acc.proof"]);
    assert_eq!(
        claims[0]["public_values"][0].as_str().unwrap(),
        proved["public"]["correct"].to_string()
    );
    let publisher_address = format!("{:?}", anvil.addresses()[1]).to_lowercase();
    assert_eq!(
        claims[0]["dataset_publisher"]
            .as_str()
            .unwrap()
            .to_lowercase(),
        publisher_address
    );
}
