#![allow(clippy::unwrap_used, clippy::expect_used)]
//! End to end on a real chain: start Anvil (the npm binary), deploy the generated MatMul
//! verifier as forge compiled it, prove a fresh statement in Rust, wrap it with Groth16, and
//! verify it by `eth_call` and by a transaction; a tampered proof reverts with the custom
//! error naming what failed.
//!
//! Needs `forge build` output (contracts/out); `make test` builds the contracts first.

use alloy::network::TransactionBuilder;
use alloy::node_bindings::Anvil;
use alloy::primitives::{Address, Bytes};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::proof::matmul::prove;
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::dev::{DIMS, VERIFIER_NAME, matmul_dev};
use zkmodel_wrapper::wrap::wrap;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The generated verifier's creation code, as forge compiled it.
fn verifier_bytecode(name: &str) -> Bytes {
    zkmodel_chain::deploy::Artifacts::repository()
        .bytecode(name)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// keccak256("Groth16Rejected()")[..4] and friends, as the interface declares them.
fn selector(signature: &str) -> [u8; 4] {
    let h = alloy::primitives::keccak256(signature.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

/// `eth_call` must revert with the custom error `signature`.
async fn expect_revert(provider: &impl Provider, to: Address, input: Vec<u8>, signature: &str) {
    let err = provider
        .call(TransactionRequest::default().with_to(to).with_input(input))
        .await
        .expect_err("tampered proof accepted");
    let data = err
        .as_error_resp()
        .and_then(|e| e.as_revert_data())
        .expect("revert data");
    assert_eq!(
        data[..4],
        selector(signature),
        "expected {signature}, got revert {data}"
    );
}

#[tokio::test]
async fn generated_verifier_checks_a_fresh_proof_on_anvil() {
    let anvil_bin = root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        anvil_bin.exists(),
        "{} missing: run `npm ci` (make does)",
        anvil_bin.display()
    );
    let anvil = Anvil::at(anvil_bin).try_spawn().expect("start anvil");
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(signer)
        .connect_http(anvil.endpoint_url());

    // Deploy the committed, generated verifier.
    let deploy = TransactionRequest::default().with_deploy_code(verifier_bytecode(VERIFIER_NAME));
    let receipt = provider
        .send_transaction(deploy)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "deployment failed");
    let verifier = receipt.contract_address.expect("contract address");

    // A statement never seen before: fresh input, fresh randomness, same architecture keys.
    let dev = matmul_dev().unwrap();
    let mut rng = ChaCha20Rng::from_entropy();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(1000 + i * 7)).collect();
    let proof = prove(&dev.srs, DIMS, &dev.model, &dev.w, &x, &mut rng).unwrap();
    let wrapped = wrap(
        &dev.keys,
        &dev.srs,
        &DIMS,
        &proof.claim(dev.model.commitment),
        &mut rng,
    )
    .unwrap();
    let calldata = verify_calldata(&wrapped, &[]);

    // eth_call.
    let call = TransactionRequest::default()
        .with_to(verifier)
        .with_input(calldata.clone());
    provider
        .call(call.clone())
        .await
        .expect("eth_call verification");

    // A transaction.
    let receipt = provider
        .send_transaction(call)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "verification transaction reverted");
    println!(
        "verify transaction: {} gas (incl. 21k base and calldata), {} calldata bytes",
        receipt.gas_used,
        calldata.len()
    );

    // Tampered: yZeta (word 22 of the arguments) changes a Groth16 public input.
    let mut bad = calldata.clone();
    bad[4 + 32 * 22 + 31] ^= 1;
    expect_revert(&provider, verifier, bad, "Groth16Rejected()").await;

    // Tampered: W_ζ replaced by another valid point fails the opening.
    let mut w = wrapped.clone();
    w.points[6] =
        (w.points[6] + ark_bn254::G1Affine::new_unchecked(1u64.into(), 2u64.into())).into();
    expect_revert(
        &provider,
        verifier,
        verify_calldata(&w, &[]),
        "OpeningRejected()",
    )
    .await;
}

/// The digits MLP accuracy verifier on Anvil: a fresh accuracy proof over the 360 committed
/// test images verifies by `eth_call` and by a transaction; another count reverts.
#[tokio::test]
async fn digits_accuracy_verifier_checks_a_fresh_proof_on_anvil() {
    use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
    let anvil_bin = root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    let anvil = Anvil::at(anvil_bin).try_spawn().expect("start anvil");
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(signer)
        .connect_http(anvil.endpoint_url());
    let task = DigitsTask::Accuracy;
    let deploy =
        TransactionRequest::default().with_deploy_code(verifier_bytecode(task.verifier_name()));
    let receipt = provider
        .send_transaction(deploy)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let verifier = receipt.contract_address.expect("contract address");

    let dev = digits_mlp_dev(task).unwrap();
    let mut rng = ChaCha20Rng::from_entropy();
    let wrapped = dev.wrapped_proof(0, &mut rng).unwrap();
    assert_eq!(wrapped.public_values, vec![Fr::from(350u64)]);
    let calldata = verify_calldata(&wrapped, &wrapped.public_values);
    let call = TransactionRequest::default()
        .with_to(verifier)
        .with_input(calldata.clone());
    provider
        .call(call.clone())
        .await
        .expect("eth_call verification");
    let receipt = provider
        .send_transaction(call)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "verification transaction reverted");
    println!(
        "digits accuracy verify transaction: {} gas (incl. 21k base and calldata), {} calldata bytes",
        receipt.gas_used,
        calldata.len()
    );
    // Claiming 351 correct predictions.
    let bad = verify_calldata(&wrapped, &[Fr::from(351u64)]);
    expect_revert(&provider, verifier, bad, "Groth16Rejected()").await;
}
