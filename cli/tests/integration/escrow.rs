#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Escrowed inference on a real Anvil, through the binary: a seller registers its model with a
//! public-input inference verifier and runs its relayer with the watcher; a buyer pays for an
//! inference on its image and reads the proven logits, which are the model's own on that
//! image; the seller withdraws the payment; a request whose deadline is too close for the
//! watcher is left alone and refunded after the deadline; the relayer made exactly one job.
//! Needs the project's npm tools (anvil, forge, solcjs: `make tools`).

use crate::common;

use crate::common::{ok_with, write_examples};
use alloy::node_bindings::Anvil;
use std::path::Path;
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};

fn ok(dir: &Path, key: &str, rpc: &str, args: &[&str]) -> serde_json::Value {
    ok_with(
        dir,
        &[
            ("ZKMODEL_PRIVATE_KEY", Some(key)),
            ("ZKMODEL_RPC_URL", Some(rpc)),
        ],
        args,
    )
}

#[test]
fn a_paid_request_is_proven_by_the_sellers_watcher_and_an_unanswered_one_refunded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let data = Dataset::load(&digits_fixtures_dir().join("dataset.json")).unwrap();
    write_examples(d, "calib.json", &data.train[..128], true);
    write_examples(d, "image.json", &data.test[..1], false);
    let onnx = digits_fixtures_dir().join("mlp.onnx");
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
            "inference",
            "--public-input",
            "-o",
            "inf.json",
        ],
        vec!["srs", "--dev", "--arch", "inf.json", "-o", "srs.bin"],
        vec!["commit", "model.zkm", "--srs", "srs.bin"],
        vec![
            "setup",
            "--arch",
            "inf.json",
            "--srs",
            "srs.bin",
            "--insecure-dev",
            "-o",
            "inf.keys",
        ],
        // What the model says on the image, proven off chain: the chain's answer must agree.
        vec![
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
            "image.json",
            "-o",
            "local.proof",
        ],
    ] {
        common::ok(d, &args);
    }
    let local = common::ok(d, &["inspect", "local.proof"]);
    let artifact = common::compile_verifier(d, "inf.json", "inf.keys", "InfVerifier");

    let anvil =
        Anvil::at(common::repo_root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"))
            .try_spawn()
            .expect("anvil");
    let rpc = anvil.endpoint();
    let key = |i: usize| -> String {
        let signer: alloy::signers::local::PrivateKeySigner = anvil.keys()[i].clone().into();
        signer.to_bytes().to_string()
    };
    let (seller, buyer, relayer_key) = (key(0), key(2), key(3));
    let market = ok(d, &seller, &rpc, &["chain", "deploy", "--dev"])["marketplace"]
        .as_str()
        .unwrap()
        .to_string();
    let verifier = ok(
        d,
        &seller,
        &rpc,
        &[
            "chain",
            "deploy-verifier",
            "--artifact",
            artifact.to_str().unwrap(),
            "--register",
            "--marketplace",
            &market,
        ],
    )["verifier"]
        .as_str()
        .unwrap()
        .to_string();
    let price = "1000000000000000";
    let model = ok(
        d,
        &seller,
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
            price,
        ],
    )["model_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The seller's relayer serves model `model` only.
    let relayer = common::spawn_relayer(
        d,
        &rpc,
        &relayer_key,
        &d.join("relayer.sqlite"),
        &market,
        &[
            "--watch",
            "--model-id",
            &model,
            "--verifier",
            &verifier,
            "--arch",
            "inf.json",
            "--model",
            "model.zkm",
            "--opening",
            "model.opening",
            "--srs",
            "srs.bin",
            "--keys",
            "inf.keys",
            "--deadline-margin",
            "30",
        ],
    );

    let request = |deadline_in: &str, wait: &str| {
        ok(
            d,
            &buyer,
            &rpc,
            &[
                "chain",
                "request",
                "--marketplace",
                &market,
                "--model-id",
                &model,
                "--verifier",
                &verifier,
                "--arch",
                "inf.json",
                "--data",
                "image.json",
                "--deadline-in",
                deadline_in,
                "--wait",
                wait,
            ],
        )
    };
    let answered = request("3600", "120");
    assert_eq!(
        answered["answer"]["predicted"],
        local["public"]["predicted"]
    );
    assert_eq!(
        answered["answer"]["logits_quantized"],
        local["public"]["logits_quantized"]
    );
    let status = ok(
        d,
        &buyer,
        &rpc,
        &[
            "chain",
            "request-status",
            "--marketplace",
            &market,
            "--request-id",
            "1",
            "--arch",
            "inf.json",
        ],
    );
    assert_eq!(status["state"], "fulfilled");
    assert_eq!(status["answer"]["predicted"], local["public"]["predicted"]);
    let paid = ok(
        d,
        &seller,
        &rpc,
        &["chain", "withdraw", "--marketplace", &market],
    );
    assert_eq!(paid["amount"], price);

    // Too close to its deadline for the watcher (30 s margin): left for the refund.
    let late = request("10", "0");
    let id = late["request_id"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use alloy::providers::{Provider, ProviderBuilder};
        let p = ProviderBuilder::new().connect_http(anvil.endpoint_url());
        let _: serde_json::Value = p
            .raw_request("evm_increaseTime".into(), (60u64,))
            .await
            .unwrap();
        let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.unwrap();
    });
    let status = ok(
        d,
        &buyer,
        &rpc,
        &[
            "chain",
            "request-status",
            "--marketplace",
            &market,
            "--request-id",
            &id,
            "--arch",
            "inf.json",
        ],
    );
    assert_eq!(status["state"], "open", "the watcher left it alone");
    ok(
        d,
        &buyer,
        &rpc,
        &[
            "chain",
            "refund",
            "--marketplace",
            &market,
            "--request-id",
            &id,
        ],
    );
    let refunded = ok(
        d,
        &buyer,
        &rpc,
        &["chain", "withdraw", "--marketplace", &market],
    );
    assert_eq!(refunded["amount"], price);
    // Exactly one job: the one fulfilment.
    let jobs = ok_with(
        d,
        &[("ZKMODEL_RELAYER_TOKEN", Some(common::RELAYER_TOKEN))],
        &["relayer", "jobs", "--relayer", &relayer.url],
    );
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["kind"], "fulfil");
    assert_eq!(jobs[0]["state"], "confirmed");
}
