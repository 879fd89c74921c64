#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The marketplace end to end on a real Anvil chain, with fresh proofs made here: deploy the
//! marketplace (development mode) and the generated digits verifiers; a publisher registers
//! the test split and a training set; a seller registers its models (commit–reveal) and
//! records a real accuracy claim and a real training claim; a buyer requests a proven
//! inference, the seller fulfils it with a fresh proof and withdraws; another request is
//! refunded after the deadline (Anvil time travel); mismatched or forged proofs revert with the
//! decoded custom error and change nothing.
//!
//! Needs `forge build` output (contracts/out); `make test` builds the contracts first.

use alloy::network::EthereumWallet;
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolValue;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_chain::bindings::{
    G1Point, Pins, Proof, Statement, ZkmodelMarketplace, decode_verify_calldata,
};
use zkmodel_chain::deploy::{Artifacts, deploy_marketplace, deploy_verifier};
use zkmodel_chain::revert;
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::dev_train::{digits_training_dev, verifier_name as training_verifier_name};
use zkmodel_wrapper::groth16::WrappedProof;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn anvil() -> AnvilInstance {
    let bin = root().join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        bin.exists(),
        "{} missing: run `npm ci` (make does)",
        bin.display()
    );
    Anvil::at(bin).try_spawn().expect("start anvil")
}

/// A provider signing as Anvil account `i`.
fn account(anvil: &AnvilInstance, i: usize) -> (Address, DynProvider) {
    let signer: PrivateKeySigner = anvil.keys()[i].clone().into();
    let address = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(anvil.endpoint_url())
        .erased();
    (address, provider)
}

fn point(p: &ark_bn254::G1Affine) -> G1Point {
    let [x, y] = zkmodel_prover::field::encoding::g1_to_words(p);
    G1Point {
        x: U256::from_be_bytes(x),
        y: U256::from_be_bytes(y),
    }
}

fn statement_and_proof(w: &WrappedProof) -> (Statement, Proof) {
    decode_verify_calldata(&verify_calldata(w, &w.public_values)).unwrap()
}

/// Sends a marketplace call and requires success; returns the receipt's gas.
macro_rules! send {
    ($call:expr) => {{
        let receipt = $call
            .send()
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status(), "transaction reverted");
        receipt.gas_used
    }};
}

/// An `eth_call` of a marketplace call must revert with the custom error whose decoded
/// rendering starts with `name`.
macro_rules! expect_revert {
    ($call:expr, $name:expr) => {{
        let err = $call.call().await.expect_err("accepted");
        let data = match &err {
            alloy::contract::Error::TransportError(t) => revert::revert_data(t),
            _ => None,
        }
        .unwrap_or_else(|| panic!("no revert data: {err}"));
        let decoded = revert::decode(&data);
        assert!(
            decoded.starts_with($name),
            "expected {}, got {decoded}",
            $name
        );
    }};
}

async fn register_model(
    market: &ZkmodelMarketplace::ZkmodelMarketplaceInstance<DynProvider>,
    seller: Address,
    shape: B256,
    commitment: G1Point,
    price: U256,
) -> U256 {
    let salt = B256::repeat_byte(7);
    let reservation = market
        .reservationOf(commitment.clone(), seller, salt)
        .call()
        .await
        .unwrap();
    send!(market.reserveModel(reservation));
    // Registered in the next block (commit–reveal); its id is read back by commitment.
    let key = alloy::primitives::keccak256((commitment.x, commitment.y).abi_encode_params());
    send!(market.registerModel(shape, commitment, price, "ipfs://model".into(), salt));
    market.modelByCommitment(key).call().await.unwrap()
}

#[tokio::test]
async fn marketplace_records_claims_and_pays_for_proven_inference_on_anvil() {
    let anvil = anvil();
    let (seller, seller_p) = account(&anvil, 0);
    let (_, publisher_p) = account(&anvil, 1);
    let (buyer, buyer_p) = account(&anvil, 2);
    let artifacts = Artifacts::repository();

    let address = deploy_marketplace(&seller_p, &artifacts, true)
        .await
        .unwrap();
    let inference_v = deploy_verifier(&seller_p, &artifacts, DigitsTask::Inference.verifier_name())
        .await
        .unwrap();
    let accuracy_v = deploy_verifier(&seller_p, &artifacts, DigitsTask::Accuracy.verifier_name())
        .await
        .unwrap();
    let as_seller = ZkmodelMarketplace::new(address, seller_p.clone());
    let as_publisher = ZkmodelMarketplace::new(address, publisher_p.clone());
    let as_buyer = ZkmodelMarketplace::new(address, buyer_p.clone());
    for v in [inference_v, accuracy_v] {
        let gas = send!(as_seller.registerArchitecture(v, "ipfs://architecture".into()));
        println!("registerArchitecture: {gas} gas");
    }
    let info = as_seller
        .architectureOf(accuracy_v)
        .call()
        .await
        .unwrap()
        .info;
    assert!(info.developmentKeys && info.developmentSrs);
    assert_eq!(info.rows, U256::from(360u64));

    // Fresh proofs: accuracy on the published test split, inference on one image.
    let mut rng = ChaCha20Rng::from_entropy();
    let accuracy = digits_mlp_dev(DigitsTask::Accuracy).unwrap();
    let acc = accuracy.wrapped_proof(0, &mut rng).unwrap();
    let inference = digits_mlp_dev(DigitsTask::Inference).unwrap();
    let inf = inference.wrapped_proof(5, &mut rng).unwrap();
    let (acc_st, acc_p) = statement_and_proof(&acc);
    let (inf_st, inf_p) = statement_and_proof(&inf);

    // The publisher registers the test split (anyone recomputes its commitment from the data).
    let test_set = point(&accuracy.test_set_commitment().unwrap().unwrap());
    assert_eq!(test_set, acc_st.commitments[2]);
    let register = as_publisher.registerDataset(1, 360, test_set, "ipfs://digits-test".into());
    let test_set_id = register.call().await.unwrap();
    let gas = send!(register);
    println!("registerDataset: {gas} gas");

    // The seller registers its model (commit–reveal).
    let shape = info.modelShape;
    let price = U256::from(10_000_000_000_000_000u64);
    let model_id = register_model(
        &as_seller,
        seller,
        shape,
        acc_st.commitments[0].clone(),
        price,
    )
    .await;

    // The accuracy claim, from the fresh proof.
    let pins = Pins {
        verifier: accuracy_v,
        modelId: model_id,
        datasetId: test_set_id,
        initialModelId: U256::ZERO,
    };
    let attest = as_seller.attest(pins.clone(), acc_st.clone(), acc_p.clone());
    let claim_id = attest.call().await.unwrap();
    let gas = send!(attest);
    println!("attest (accuracy, verification included): {gas} gas");
    let claim = as_buyer.claim(claim_id).call().await.unwrap();
    assert_eq!(claim.publicValues, vec![U256::from(350u64)]);
    assert_eq!(claim.pins.datasetId, test_set_id);
    // The same statement again: one record only.
    expect_revert!(
        as_seller.attest(pins.clone(), acc_st.clone(), acc_p.clone()),
        "ClaimExists"
    );
    // Another count: the verifier rejects, nothing is recorded.
    let mut inflated = acc_st.clone();
    inflated.publicValues[0] = U256::from(360u64);
    expect_revert!(
        as_seller.attest(pins.clone(), inflated, acc_p.clone()),
        "Groth16Rejected"
    );
    assert_eq!(
        as_buyer.claimCount(model_id).call().await.unwrap(),
        U256::from(1u64)
    );

    // Escrowed inference: the buyer asks about its committed image.
    let now = buyer_p
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    let deadline = now + 3600;
    let request = as_buyer
        .request(
            model_id,
            inference_v,
            inf_st.commitments[2].clone(),
            vec![],
            deadline,
        )
        .value(price);
    let request_id = request.call().await.unwrap();
    let gas = send!(request);
    println!("request: {gas} gas");
    // A proof about another image (the accuracy proof's) does not fulfil it.
    let other = inference.wrapped_proof(6, &mut rng).unwrap();
    let (other_st, other_p) = statement_and_proof(&other);
    expect_revert!(
        as_seller.fulfil(request_id, other_st, other_p),
        "InputMismatch"
    );
    let fulfil = as_seller.fulfil(request_id, inf_st.clone(), inf_p.clone());
    let gas = send!(fulfil);
    println!("fulfil (verification included): {gas} gas");
    let r = as_buyer.requestOf(request_id).call().await.unwrap();
    assert_eq!(r.state, 2, "fulfilled");
    assert_eq!(
        as_buyer.claim(r.claimId).call().await.unwrap().publicValues,
        inf_st.publicValues
    );
    assert_eq!(as_buyer.withdrawable(seller).call().await.unwrap(), price);
    let before = seller_p.get_balance(seller).await.unwrap();
    let gas = send!(as_seller.withdraw());
    println!("withdraw: {gas} gas");
    assert!(seller_p.get_balance(seller).await.unwrap() > before);

    // A second request nobody fulfils: refunded after the deadline.
    let request = as_buyer
        .request(
            model_id,
            inference_v,
            inf_st.commitments[2].clone(),
            vec![],
            deadline,
        )
        .value(price);
    let second = request.call().await.unwrap();
    send!(request);
    expect_revert!(as_buyer.refund(second), "DeadlineNotReached");
    let _: serde_json::Value = buyer_p
        .raw_request("evm_increaseTime".into(), (3601u64,))
        .await
        .unwrap();
    let _: serde_json::Value = buyer_p.raw_request("evm_mine".into(), ()).await.unwrap();
    expect_revert!(
        as_seller.fulfil(second, inf_st.clone(), inf_p.clone()),
        "DeadlinePassed"
    );
    let gas = send!(as_buyer.refund(second));
    println!("refund: {gas} gas");
    assert_eq!(as_buyer.withdrawable(buyer).call().await.unwrap(), price);
    send!(as_buyer.withdraw());
    assert_eq!(
        seller_p.get_balance(address).await.unwrap(),
        U256::ZERO,
        "the marketplace holds nothing once everyone withdrew"
    );

    // A training claim from a fresh T = 16 training proof: final model = the seller's newly
    // registered model, initial model and training set registered by the publisher.
    let training = digits_training_dev(16).unwrap();
    let training_v = deploy_verifier(&seller_p, &artifacts, &training_verifier_name(16))
        .await
        .unwrap();
    send!(as_seller.registerArchitecture(training_v, "ipfs://training".into()));
    let shape = as_seller
        .architectureOf(training_v)
        .call()
        .await
        .unwrap()
        .info
        .modelShape;
    let tr = training.wrapped_proof(&mut rng).unwrap();
    let (tr_st, tr_p) = statement_and_proof(&tr);
    let (publisher, _) = account(&anvil, 1);
    let initial_id = register_model(
        &as_publisher,
        publisher,
        shape,
        tr_st.commitments[1].clone(),
        U256::ZERO,
    )
    .await;
    let register =
        as_publisher.registerDataset(0, 1024, tr_st.commitments[2].clone(), "ipfs://train".into());
    let dataset_id = register.call().await.unwrap();
    send!(register);
    let trained_id = register_model(
        &as_seller,
        seller,
        shape,
        tr_st.commitments[0].clone(),
        price,
    )
    .await;
    let pins = Pins {
        verifier: training_v,
        modelId: trained_id,
        datasetId: dataset_id,
        initialModelId: initial_id,
    };
    // Naming another initial model (the seller's own) is a mismatch, whatever the proof.
    let wrong = Pins {
        initialModelId: model_id,
        ..pins.clone()
    };
    expect_revert!(
        as_seller.attest(wrong, tr_st.clone(), tr_p.clone()),
        "ShapeMismatch"
    );
    let attest = as_seller.attest(pins, tr_st, tr_p);
    let claim_id = attest.call().await.unwrap();
    let gas = send!(attest);
    println!("attest (training, verification included): {gas} gas");
    let claim = as_buyer.claim(claim_id).call().await.unwrap();
    assert_eq!((claim.kind, claim.pins.initialModelId), (2, initial_id));
}
