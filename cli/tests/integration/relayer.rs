#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `zkmodel relayer serve` killed with SIGKILL at random points and restarted, while jobs keep
//! arriving: every accepted job ends confirmed, none is lost, none is sent twice (the
//! relayer's nonce equals the number of jobs). Also: a store made for another signer is
//! refused at start.
//!
//! Jobs are accepted straight into the store (what the API does after validation) as
//! `reserveModel(r)` calls with distinct reservations: a duplicate would revert
//! (`ReservationExists`) and consume a nonce, so a double send is visible on chain.

use crate::common;

use alloy::network::EthereumWallet;
use alloy::node_bindings::Anvil;
use alloy::primitives::{Address, U256, keccak256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use zkmodel_chain::bindings::ZkmodelMarketplace;
use zkmodel_chain::deploy::{Artifacts, deploy_marketplace};
use zkmodel_relayer::job::{JobKind, JobState, NewJob};
use zkmodel_relayer::store::{JobStore, SqliteStore};

fn reserve(market: Address, i: u64) -> NewJob {
    NewJob {
        key: keccak256(format!("kill test job {i}")),
        kind: JobKind::Call,
        target: market,
        calldata: ZkmodelMarketplace::reserveModelCall {
            reservation: keccak256(format!("kill test reservation {i}")),
        }
        .abi_encode()
        .into(),
        value: U256::ZERO,
    }
}

#[test]
fn a_relayer_killed_at_random_points_loses_and_duplicates_nothing() {
    const ROUNDS: u64 = 6;
    const PER_ROUND: u64 = 15;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let anvil = Anvil::at(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"),
    )
    .try_spawn()
    .expect("anvil");
    let rpc = anvil.endpoint();
    let deployer: PrivateKeySigner = anvil.keys()[1].clone().into();
    let market = runtime.block_on(async {
        let p = ProviderBuilder::new()
            .wallet(EthereumWallet::from(deployer))
            .connect_http(anvil.endpoint_url());
        deploy_marketplace(&p, &Artifacts::repository(), true)
            .await
            .unwrap()
    });
    let relayer_key: PrivateKeySigner = anvil.keys()[0].clone().into();
    let key = relayer_key.to_bytes().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("relayer.sqlite");
    let store = SqliteStore::open(&db).unwrap();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
    let mut next = 0;
    for _ in 0..ROUNDS {
        for _ in 0..PER_ROUND {
            store.insert(&reserve(market, next)).unwrap();
            next += 1;
        }
        let relayer = common::spawn_relayer(tmp.path(), &rpc, &key, &db, &market.to_string(), &[]);
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..400)));
        drop(relayer); // SIGKILL
    }
    let relayer = common::spawn_relayer(tmp.path(), &rpc, &key, &db, &market.to_string(), &[]);
    // One relayer per store: a second is refused while the first runs.
    let second = common::run(
        tmp.path(),
        &[
            ("ZKMODEL_PRIVATE_KEY", Some(&key)),
            ("ZKMODEL_RELAYER_TOKEN", Some(common::RELAYER_TOKEN)),
            ("ZKMODEL_RPC_URL", Some(&rpc)),
        ],
        &[
            "relayer",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--marketplace",
            &market.to_string(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another relayer is using"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let start = Instant::now();
    loop {
        let counts = store.counts().unwrap();
        if counts.contains(&(JobState::Confirmed, next)) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "not all confirmed: {counts:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(relayer);
    let nonce = runtime.block_on(async {
        let p = ProviderBuilder::new().connect_http(anvil.endpoint_url());
        let m = ZkmodelMarketplace::new(market, &p);
        for i in 0..next {
            let r = keccak256(format!("kill test reservation {i}"));
            assert_ne!(
                m.reservations(r).call().await.unwrap(),
                U256::ZERO,
                "job {i} lost"
            );
        }
        p.get_transaction_count(relayer_key.address())
            .await
            .unwrap()
    });
    assert_eq!(nonce, next, "one transaction per job across {ROUNDS} kills");

    // The store now belongs to this chain and signer: another key is refused.
    let other: PrivateKeySigner = anvil.keys()[2].clone().into();
    let o = common::run(
        tmp.path(),
        &[
            ("ZKMODEL_PRIVATE_KEY", Some(&other.to_bytes().to_string())),
            ("ZKMODEL_RELAYER_TOKEN", Some(common::RELAYER_TOKEN)),
            ("ZKMODEL_RPC_URL", Some(&rpc)),
        ],
        &[
            "relayer",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--marketplace",
            &market.to_string(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("this job store belongs to chain 31337"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
