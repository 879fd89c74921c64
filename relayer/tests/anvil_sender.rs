//! The sender against a real Anvil and a real SQLite file: concurrent submissions land exactly
//! once; a stuck transaction is replaced with bumped fees; a nonce taken by another
//! transaction sends the job back to simulation; an Anvil restarted from an older state
//! (every confirmed job's block gone) is resynchronised and every job lands again, once.
//!
//! The jobs are `reserveModel(r)` calls with distinct reservations: cheap, permissionless, and
//! a duplicate would revert with `ReservationExists`, so "exactly once" is visible on chain as
//! the relayer's nonce equalling the number of jobs. Needs `forge build` output
//! (contracts/out); `make test` builds the contracts first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy::network::EthereumWallet;
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::{Address, B256, U256, keccak256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zkmodel_chain::bindings::ZkmodelMarketplace;
use zkmodel_chain::deploy::{Artifacts, deploy_marketplace};
use zkmodel_relayer::job::{JobKind, JobState, NewJob, TxState};
use zkmodel_relayer::node::Node;
use zkmodel_relayer::sender::{Config, Sender};
use zkmodel_relayer::store::{JobStore, SqliteStore};

fn anvil_bin() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        bin.exists(),
        "{} missing: run `npm ci` (make does)",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn spawn_anvil(port: u16) -> AnvilInstance {
    Anvil::at(anvil_bin())
        .port(port)
        .try_spawn()
        .expect("start anvil")
}

/// A chain with the marketplace (deployed by account 1), and a relayer signing as account 0.
struct Env {
    anvil: AnvilInstance,
    market: Address,
    node: Node,
    wallet: EthereumWallet,
    store: Arc<dyn JobStore>,
    _dir: tempfile::TempDir,
}

fn signer(anvil: &AnvilInstance, i: usize) -> PrivateKeySigner {
    anvil.keys()[i].clone().into()
}

async fn env() -> Env {
    let anvil = spawn_anvil(free_port());
    let deployer = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer(&anvil, 1)))
        .connect_http(anvil.endpoint_url())
        .erased();
    let market = deploy_marketplace(&deployer, &Artifacts::repository(), true)
        .await
        .unwrap();
    let relayer = signer(&anvil, 0);
    let node = Node {
        provider: ProviderBuilder::new()
            .connect_http(anvil.endpoint_url())
            .erased(),
        from: relayer.address(),
        chain_id: anvil.chain_id(),
        url: anvil.endpoint(),
    };
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn JobStore> =
        Arc::new(SqliteStore::open(&dir.path().join("relayer.sqlite")).unwrap());
    Env {
        anvil,
        market,
        node,
        wallet: EthereumWallet::from(relayer),
        store,
        _dir: dir,
    }
}

fn reservation(i: u64) -> B256 {
    keccak256(format!("reservation {i}"))
}

fn reserve_job(market: Address, i: u64) -> NewJob {
    NewJob {
        key: keccak256(format!("job {i}")),
        kind: JobKind::Call,
        target: market,
        calldata: ZkmodelMarketplace::reserveModelCall {
            reservation: reservation(i),
        }
        .abi_encode()
        .into(),
        value: U256::ZERO,
    }
}

fn fast() -> Config {
    Config {
        poll_interval: Duration::from_millis(50),
        bump_after: Duration::from_millis(300),
        ..Config::default()
    }
}

impl Env {
    fn sender(&self, config: Config) -> Sender {
        Sender::new(
            self.node.clone(),
            self.wallet.clone(),
            self.store.clone(),
            config,
        )
        .unwrap()
    }

    /// Ticks until every job is final (bounded).
    async fn settle(&self, sender: &mut Sender) {
        let start = Instant::now();
        loop {
            sender.tick().await.unwrap();
            let open: u64 = self
                .store
                .counts()
                .unwrap()
                .iter()
                .filter(|(s, _)| !s.is_final())
                .map(|(_, n)| n)
                .sum();
            if open == 0 {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "jobs still open after 120 s: {:?}",
                self.store.counts().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn reserved(&self, i: u64) -> bool {
        let m = ZkmodelMarketplace::new(self.market, self.node.provider.clone());
        m.reservations(reservation(i)).call().await.unwrap() != U256::ZERO
    }

    async fn relayer_nonce(&self) -> u64 {
        self.node
            .provider
            .get_transaction_count(self.node.from)
            .await
            .unwrap()
    }

    async fn rpc(&self, method: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.node
            .provider
            .raw_request(method.into(), params)
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_land_exactly_once() {
    const JOBS: u64 = 200;
    let env = env().await;
    let sender = env.sender(fast());
    let wake = sender.waker();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(sender.run(async {
        let _ = stopped.await;
    }));
    let start = Instant::now();
    // Every job is submitted twice, concurrently: the second submission returns the first.
    let submissions = (0..2 * JOBS).map(|n| {
        let (store, wake, market) = (env.store.clone(), wake.clone(), env.market);
        tokio::spawn(async move {
            let (job, _) = store.insert(&reserve_job(market, n % JOBS)).unwrap();
            wake.notify_one();
            job.id
        })
    });
    let mut created = std::collections::HashMap::new();
    for s in submissions.collect::<Vec<_>>() {
        let id = s.await.unwrap();
        *created.entry(id).or_insert(0) += 1;
    }
    assert_eq!(created.len(), JOBS as usize);
    assert!(created.values().all(|&n| n == 2));
    loop {
        let counts = env.store.counts().unwrap();
        if counts
            .iter()
            .any(|&(s, n)| s == JobState::Confirmed && n == JOBS)
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "not all confirmed: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let elapsed = start.elapsed();
    stop.send(()).unwrap();
    running.await.unwrap();
    for i in 0..JOBS {
        assert!(env.reserved(i).await, "reservation {i} missing");
    }
    assert_eq!(env.relayer_nonce().await, JOBS, "one transaction per job");
    let jobs = env.store.list(None, 0, 1000).unwrap();
    let mut latency: Vec<i64> = jobs.iter().map(|j| j.updated_ms - j.created_ms).collect();
    latency.sort_unstable();
    eprintln!(
        "relayer: {JOBS} jobs confirmed on Anvil in {:.2} s ({:.1} jobs/s); submit→confirmed \
         latency p50 {} ms, max {} ms",
        elapsed.as_secs_f64(),
        JOBS as f64 / elapsed.as_secs_f64(),
        latency[latency.len() / 2],
        latency[latency.len() - 1],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_transaction_is_replaced_with_higher_fees() {
    let env = env().await;
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([false])).await;
    let mut sender = env.sender(fast());
    let (job, _) = env.store.insert(&reserve_job(env.market, 1)).unwrap();
    sender.tick().await.unwrap();
    assert_eq!(
        env.store.job(job.id).unwrap().unwrap().state,
        JobState::Sent
    );
    // Not mined: after `bump_after`, each tick replaces the transaction.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(350)).await;
        sender.tick().await.unwrap();
    }
    let txs = env.store.txs(job.id).unwrap();
    assert_eq!(txs.len(), 3, "two replacements");
    assert!(txs.windows(2).all(|w| {
        w[1].max_fee_per_gas > w[0].max_fee_per_gas
            && w[1].max_priority_fee_per_gas > w[0].max_priority_fee_per_gas
            && w[1].nonce == w[0].nonce
    }));
    let _: serde_json::Value = env.rpc("evm_mine", serde_json::json!([])).await;
    env.settle(&mut sender).await;
    let done = env.store.job(job.id).unwrap().unwrap();
    assert_eq!(done.state, JobState::Confirmed);
    let txs = env.store.txs(job.id).unwrap();
    assert_eq!(
        done.tx_hash,
        Some(txs[2].hash),
        "the last replacement is mined"
    );
    assert_eq!(
        txs.iter().map(|t| t.state).collect::<Vec<_>>(),
        [TxState::Replaced, TxState::Replaced, TxState::Mined]
    );
    assert_eq!(env.relayer_nonce().await, 1);
    assert!(env.reserved(1).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_taken_by_another_transaction_sends_the_job_again() {
    let env = env().await;
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([false])).await;
    let mut sender = env.sender(Config {
        bump_after: Duration::from_secs(3600),
        ..fast()
    });
    let (job, _) = env.store.insert(&reserve_job(env.market, 7)).unwrap();
    sender.tick().await.unwrap();
    let first = env.store.txs(job.id).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].nonce, 0);
    // Another tool with the relayer's key replaces it in the pool (higher fees, same nonce)
    // and that transaction is mined.
    let other = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer(&env.anvil, 0)))
        .connect_http(env.anvil.endpoint_url())
        .erased();
    let tx = alloy::rpc::types::TransactionRequest::default()
        .to(Address::repeat_byte(9))
        .value(U256::from(1))
        .nonce(0)
        .max_fee_per_gas(first[0].max_fee_per_gas * 3)
        .max_priority_fee_per_gas(first[0].max_priority_fee_per_gas * 3)
        .gas_limit(21_000);
    let pending = other.send_transaction(tx).await.unwrap();
    let _: serde_json::Value = env.rpc("evm_mine", serde_json::json!([])).await;
    pending.get_receipt().await.unwrap();
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([true])).await;
    env.settle(&mut sender).await;
    let done = env.store.job(job.id).unwrap().unwrap();
    assert_eq!(done.state, JobState::Confirmed, "{:?}", done.error);
    assert_eq!(done.nonce, Some(1));
    let txs = env.store.txs(job.id).unwrap();
    assert_eq!(txs[0].state, TxState::Dropped);
    assert_eq!(txs.last().unwrap().state, TxState::Mined);
    assert_eq!(env.relayer_nonce().await, 2);
    assert!(env.reserved(7).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anvil_restarted_from_older_state_gets_every_job_again_once() {
    let mut env = env().await;
    let before: serde_json::Value = env.rpc("anvil_dumpState", serde_json::json!([])).await;
    let mut sender = env.sender(fast());
    for i in 0..5 {
        env.store.insert(&reserve_job(env.market, i)).unwrap();
    }
    env.settle(&mut sender).await;
    assert_eq!(env.relayer_nonce().await, 5);
    // The node restarts from the state before those five transactions: their blocks are gone.
    let port = env.anvil.port();
    drop(std::mem::replace(&mut env.anvil, spawn_anvil(free_port())));
    env.anvil = spawn_anvil(port);
    let _: serde_json::Value = env
        .rpc("anvil_loadState", serde_json::json!([before]))
        .await;
    assert_eq!(env.relayer_nonce().await, 0);
    for i in 5..8 {
        env.store.insert(&reserve_job(env.market, i)).unwrap();
    }
    env.settle(&mut sender).await;
    let counts = env.store.counts().unwrap();
    assert!(counts.contains(&(JobState::Confirmed, 8)), "{counts:?}");
    for i in 0..8 {
        assert!(
            env.reserved(i).await,
            "reservation {i} missing after the restart"
        );
    }
    assert_eq!(env.relayer_nonce().await, 8, "one transaction per job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reverting_job_fails_with_the_decoded_error_and_sends_nothing() {
    let env = env().await;
    let mut sender = env.sender(fast());
    env.store.insert(&reserve_job(env.market, 3)).unwrap();
    env.settle(&mut sender).await;
    // The same reservation under another key: the contract refuses it in simulation.
    let mut again = reserve_job(env.market, 3);
    again.key = B256::repeat_byte(0xee);
    let (job, _) = env.store.insert(&again).unwrap();
    env.settle(&mut sender).await;
    let failed = env.store.job(job.id).unwrap().unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("ReservationExists")),
        "{:?}",
        failed.error
    );
    assert!(env.store.txs(job.id).unwrap().is_empty());
    assert_eq!(env.relayer_nonce().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fee_bumps_stop_at_the_cap() {
    let env = env().await;
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([false])).await;
    let fees = env.node.provider.estimate_eip1559_fees().await.unwrap();
    let cap = fees.max_fee_per_gas * 3 / 2;
    let mut sender = env.sender(Config {
        max_fee_per_gas: cap,
        ..fast()
    });
    let (job, _) = env.store.insert(&reserve_job(env.market, 1)).unwrap();
    sender.tick().await.unwrap();
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(350)).await;
        sender.tick().await.unwrap();
    }
    let txs = env.store.txs(job.id).unwrap();
    assert!(txs.len() >= 2, "bumped at least once");
    assert!(txs.iter().all(|t| t.max_fee_per_gas <= cap));
    assert_eq!(
        txs.last().unwrap().max_fee_per_gas,
        cap,
        "bumped up to the cap"
    );
    assert!(txs.len() < 7, "no bump once at the cap: {}", txs.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_resends_a_job_that_reverted_when_mined_and_leaves_no_nonce_gap() {
    let mut env = env().await;
    let before: serde_json::Value = env.rpc("anvil_dumpState", serde_json::json!([])).await;
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([false])).await;
    let mut sender = env.sender(Config {
        bump_after: Duration::from_secs(3600),
        ..fast()
    });
    let (job, _) = env.store.insert(&reserve_job(env.market, 1)).unwrap();
    sender.tick().await.unwrap();
    let ours = env.store.txs(job.id).unwrap()[0].clone();
    // Someone else reserves the same thing with a higher tip: mined first in the same block,
    // so the relayer's transaction reverts on chain.
    let other = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer(&env.anvil, 1)))
        .connect_http(env.anvil.endpoint_url())
        .erased();
    let m = ZkmodelMarketplace::new(env.market, &other);
    let front = m
        .reserveModel(reservation(1))
        .max_fee_per_gas(ours.max_fee_per_gas * 4)
        .max_priority_fee_per_gas(ours.max_priority_fee_per_gas * 4 + 1_000_000_000)
        .gas(200_000)
        .send()
        .await
        .unwrap();
    let _: serde_json::Value = env.rpc("evm_mine", serde_json::json!([])).await;
    front.get_receipt().await.unwrap();
    let _: serde_json::Value = env.rpc("evm_setAutomine", serde_json::json!([true])).await;
    env.settle(&mut sender).await;
    let failed = env.store.job(job.id).unwrap().unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert!(
        failed.block_number.is_some(),
        "it reverted on chain: {:?}",
        failed.error
    );
    // The node restarts from before both: the job is sent again (same transaction, same
    // nonce) and now lands; a later job takes the next nonce.
    let port = env.anvil.port();
    drop(std::mem::replace(&mut env.anvil, spawn_anvil(free_port())));
    env.anvil = spawn_anvil(port);
    let _: serde_json::Value = env
        .rpc("anvil_loadState", serde_json::json!([before]))
        .await;
    env.store.insert(&reserve_job(env.market, 2)).unwrap();
    env.settle(&mut sender).await;
    let landed = env.store.job(job.id).unwrap().unwrap();
    assert_eq!(landed.state, JobState::Confirmed, "{:?}", landed.error);
    assert_eq!(landed.tx_hash, Some(ours.hash));
    assert!(env.reserved(1).await && env.reserved(2).await);
    assert_eq!(env.relayer_nonce().await, 2, "no nonce gap");
}
