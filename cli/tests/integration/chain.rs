#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The chain commands on a real Anvil, as a developer runs them: the seller's wrapped accuracy
//! proof, its exported verifier compiled with forge and deployed, the publisher's test set and
//! the seller's model registered, the claim attested and read back by a buyer; reverts come
//! back as decoded custom errors, a missing node or key as a message.
//!
//! Needs the project's npm tools (anvil, forge, solcjs: `make tools`).

use crate::common;

use crate::common::write_examples;
use alloy::node_bindings::Anvil;
use std::path::{Path, PathBuf};
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
    common::compile_verifier(d, "acc.json", "acc.keys", "AccVerifier");

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
    // The usual mistakes get a message saying what to do: an unfunded signer, an address
    // with no contract.
    let register = |market: &str| -> Vec<String> {
        [
            "chain",
            "register-dataset",
            "--marketplace",
            market,
            "--kind",
            "test",
            "--commitment",
            "test-set.commitment",
            "--examples",
            "8",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let unfunded = "0x1111111111111111111111111111111111111111111111111111111111111111";
    let args = register(&market);
    let e = fails(
        d,
        Some(unfunded),
        &rpc,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(e.contains("cannot pay for this transaction"), "{e}");
    let e = fails(
        d,
        None,
        &rpc,
        &[
            "chain",
            "claims",
            "--marketplace",
            "0x000000000000000000000000000000000000dEaD",
            "--model-id",
            "1",
        ],
    );
    assert!(e.contains("no contract answers at that address"), "{e}");
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
    // The claim goes through the seller's relayer, which signs as another account (anyone
    // may submit a claim: what it pins decides what it means).
    let relayer = common::spawn_relayer(d, &rpc, &key(3), &d.join("relayer.sqlite"), &market, &[]);
    let attest = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "chain",
            "attest",
            "acc.wrapped",
            "--marketplace",
            &market,
            "--verifier",
            &verifier,
            "--model-id",
            "1",
            "--relayer",
            &relayer.url,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let via_relayer = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::run(
            d,
            &[
                ("ZKMODEL_RELAYER_TOKEN", Some(common::RELAYER_TOKEN)),
                ("ZKMODEL_RPC_URL", Some(rpc.as_str())),
                ("ZKMODEL_PRIVATE_KEY", None),
            ],
            &args,
        )
    };
    // A bundle for another marketplace is refused: the relayer posts to its own only.
    let mut elsewhere = attest(&["--dataset-id", "1"]);
    let at = elsewhere.iter().position(|a| a == "--marketplace").unwrap();
    elsewhere[at + 1] = verifier.clone();
    let refused = via_relayer(&elsewhere);
    let e = String::from_utf8_lossy(&refused.stderr);
    assert!(e.contains("the relayer refused (400 bad_bundle)"), "{e}");
    assert!(e.contains("posts to the marketplace"), "{e}");
    // Bad bundles are refused before anything is stored: not calldata, an unknown model, a
    // verifier that is not registered, no token, too large.
    let bundle = |calldata: &str, verifier: &str, model: u64| {
        serde_json::json!({
            "kind": "attest", "marketplace": market,
            "pins": { "verifier": verifier, "model_id": model, "dataset_id": 1 },
            "calldata": calldata,
        })
        .to_string()
    };
    let good = ok(
        d,
        None,
        none,
        &[
            "wrap",
            "acc.proof",
            "--keys",
            "acc.keys",
            "--srs",
            "srs.bin",
            "-o",
            "acc2.wrapped",
            "--calldata",
            "acc.calldata.json",
        ],
    );
    assert!(good["output"].is_string());
    let calldata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("acc.calldata.json")).unwrap()).unwrap();
    let calldata = calldata["verify_calldata"].as_str().unwrap().to_string();
    let token = Some(common::RELAYER_TOKEN);
    let (status, body) = common::post(&relayer.url, token, &bundle("0x1234", &verifier, 1));
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("bad_bundle")),
        "{body}"
    );
    let (status, body) = common::post(&relayer.url, token, &bundle(&calldata, &verifier, 9));
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("UnknownModel"),
        "{body}"
    );
    let (status, body) = common::post(&relayer.url, token, &bundle(&calldata, &market, 1));
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("UnknownArchitecture"),
        "{body}"
    );
    let (status, _) = common::post(&relayer.url, None, &bundle(&calldata, &verifier, 1));
    assert_eq!(status, 401);
    let huge = "0".repeat(300 * 1024);
    let (status, _) = common::post(
        &relayer.url,
        token,
        &bundle(&format!("0x{huge}"), &verifier, 1),
    );
    assert_eq!(status, 413);
    // A bundle the contract would refuse is refused before anything is queued or sent.
    let refused = via_relayer(&attest(&[]));
    let e = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(e.contains("the relayer refused (422 reverted)"), "{e}");
    // 200 concurrent submissions of the claim: one job, created once.
    let honest = bundle(&calldata, &verifier, 1);
    let answers: Vec<(u16, serde_json::Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..200)
            .map(|_| s.spawn(|| common::post(&relayer.url, token, &honest)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers.iter().filter(|(s, _)| *s == 202).count(), 1);
    assert!(
        answers
            .iter()
            .all(|(s, b)| (*s == 202 || *s == 200) && b["id"] == 1),
        "{:?}",
        answers
            .iter()
            .find(|(s, b)| !(*s == 202 || *s == 200) || b["id"] != 1)
    );
    let mut with_test_set = attest(&["--dataset-id", "1", "--json"]);
    let landed = via_relayer(&with_test_set);
    assert!(
        landed.status.success(),
        "{}",
        String::from_utf8_lossy(&landed.stderr)
    );
    let a: serde_json::Value = serde_json::from_slice(&landed.stdout).unwrap();
    assert_eq!(a["job"]["state"], "confirmed");
    assert_eq!(a["job"]["id"], 1, "the refused bundle made no job");
    let claim = a["claim_id"].as_str().unwrap().to_string();
    assert_eq!(claim.len(), 66);
    // The same statement again: the relayer returns the job it already has.
    with_test_set.push("--no-wait".into());
    let again = via_relayer(&with_test_set);
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["created"], false);
    assert_eq!(again["job"]["id"], 1);
    // Sent directly, the contract refuses it as recorded.
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
    // The wrong token is refused.
    let wrong = common::run(
        d,
        &[("ZKMODEL_RELAYER_TOKEN", Some("not-the-token-at-all"))],
        &["relayer", "jobs", "--relayer", &relayer.url],
    );
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("401 unauthorized"));
    drop(relayer);
    // A relayer with the architecture's keys checks proofs natively before simulating: a
    // forged count fails its Groth16 check (422 proof_rejected), the honest proof passes it and
    // meets the contract's refusal of a recorded claim.
    let checked = common::spawn_relayer(
        d,
        &rpc,
        &key(3),
        &d.join("checked.sqlite"),
        &market,
        &["--check", "acc.json:acc.keys", "--check-srs", "srs.bin"],
    );
    let mut forged = alloy::hex::decode(&calldata).unwrap();
    let n = forged.len();
    let count = u64::from_be_bytes(forged[n - 8..].try_into().unwrap());
    forged[n - 8..].copy_from_slice(&(count + 1).to_be_bytes());
    let forged = format!("0x{}", alloy::hex::encode(forged));
    let (status, body) = common::post(&checked.url, token, &bundle(&forged, &verifier, 1));
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("proof_rejected")),
        "{body}"
    );
    let (status, body) = common::post(&checked.url, token, &bundle(&calldata, &verifier, 1));
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("reverted")),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().contains("ClaimExists"),
        "{body}"
    );
    drop(checked);

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
            "--trust-code",
            "v/out/AccVerifier.sol/AccVerifier.json",
        ],
    );
    let claims = c["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(
        claims[0]["code_matches_build"], "v/out/AccVerifier.sol/AccVerifier.json",
        "the buyer's own build of the verifier is the deployed code"
    );
    // Another build (here the marketplace's) is not the verifier's code.
    let other = root().join("contracts/out/ZkmodelMarketplace.sol/ZkmodelMarketplace.json");
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
            "--trust-code",
            other.to_str().unwrap(),
        ],
    );
    assert!(c["claims"][0]["code_matches_build"].is_null());
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

/// Off the local chain (here an Anvil with chain id 5), a verifier with development keys is
/// refused by `deploy-verifier` unless the user passes the loud flag; the development
/// marketplace is refused whatever the flags.
#[test]
fn development_verifiers_are_refused_off_the_local_chain_without_the_loud_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let anvil = Anvil::at(root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"))
        .chain_id(5)
        .try_spawn()
        .expect("anvil");
    let rpc = anvil.endpoint();
    let signer: alloy::signers::local::PrivateKeySigner = anvil.keys()[0].clone().into();
    let key = signer.to_bytes().to_string();
    // The committed MatMul verifier (development keys), as `make contracts` compiled it.
    let artifact = root().join("contracts/out/MatMul2x4x2Verifier.sol/MatMul2x4x2Verifier.json");
    let artifact = artifact.to_str().unwrap();
    let e = fails(
        d,
        Some(&key),
        &rpc,
        &["chain", "deploy-verifier", "--artifact", artifact],
    );
    assert!(
        e.contains("INSECURE development keys: refused on chain 5")
            && e.contains("--i-understand-development-keys-can-be-forged"),
        "{e}"
    );
    let v = ok(
        d,
        Some(&key),
        &rpc,
        &[
            "chain",
            "deploy-verifier",
            "--artifact",
            artifact,
            "--i-understand-development-keys-can-be-forged",
        ],
    );
    assert_eq!(v["development_keys"], true);
    let e = fails(
        d,
        Some(&key),
        &rpc,
        &[
            "chain",
            "deploy",
            "--dev",
            "--i-understand-development-keys-can-be-forged",
        ],
    );
    assert!(e.contains("refused on chain 5"), "{e}");
}
