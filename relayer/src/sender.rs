//! The sender: drives every job through its states (see [`crate::job`]) with its own nonces.
//!
//! One sender per signing key and store. Each tick, in this order:
//! 1. mined and recently confirmed jobs: is their block still on the chain? (`mined` →
//!    `confirmed` after `confirmations` blocks; a vanished block sends the job back to `sent`);
//! 2. sent jobs: a receipt for any of the job's transactions → `mined` (or `failed` if it
//!    reverted, with the error decoded by replaying the call); no receipt and the node does not
//!    know the transaction → rebroadcast the stored bytes; pending for `bump_after` → replace
//!    it with fees raised by `bump_percent` (same nonce); the node says the nonce is used and
//!    no transaction of the job has a receipt → the nonce went to another transaction: the
//!    job's transactions are dropped and it is simulated again;
//! 3. queued jobs: `eth_call` (a revert fails the job with the decoded error; a transport
//!    error retries with exponential backoff);
//! 4. simulated jobs: gas estimate, fees, sign with the next nonce, **store**, then broadcast.
//!
//! Exactly once: a job has one nonce at a time and all its transactions share it, so at most
//! one of them is ever mined; a second nonce is used only once the chain has shown that the
//! first went to a transaction that is not the job's. The marketplace itself refuses a claim
//! recorded twice (`ClaimExists`) and a request fulfilled twice (`RequestNotOpen`), which
//! bounds the damage of a deep reorg that resurrects a dropped transaction to a reverted one.

use crate::error::Error;
use crate::job::{Job, JobKind, JobState, Tx, TxState, now_ms};
use crate::node::{Broadcast, Node, Outcome, Seen, broadcast_outcome};
use crate::store::{JobStore, StoreIdentity};
use alloy::eips::eip2718::Encodable2718;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::Bytes;
use alloy::providers::Provider;
use alloy::rpc::types::BlockNumberOrTag;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How the error of a job that failed on transient errors only begins (such a job is requeued
/// when submitted again).
pub const GAVE_UP: &str = "gave up after";

/// How the sender behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Blocks a transaction must be under (its own included) to be confirmed.
    pub confirmations: u64,
    /// Time between ticks when nothing wakes the sender.
    pub poll_interval: Duration,
    /// A transaction pending this long is replaced with higher fees.
    pub bump_after: Duration,
    /// How much each replacement raises both fees, in percent (nodes want at least 10).
    pub bump_percent: u128,
    /// Gas limit = estimate × (100 + margin) / 100.
    pub gas_margin_percent: u64,
    /// Confirmed jobs whose block is within this many blocks of the head are still checked
    /// for reorgs.
    pub reorg_window: u64,
    /// Transient failures (transport, funds) before a job that was never sent fails.
    pub max_attempts: u32,
    /// Jobs in `sent` at once (a stuck nonce stalls all later ones, so keep it moderate).
    pub max_in_flight: usize,
    /// The highest fee cap (wei per gas) the relayer ever signs, whatever the node estimates
    /// and however often it bumps.
    pub max_fee_per_gas: u128,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            confirmations: 1,
            poll_interval: Duration::from_millis(500),
            bump_after: Duration::from_secs(30),
            bump_percent: 20,
            gas_margin_percent: 20,
            reorg_window: 64,
            max_attempts: 8,
            max_in_flight: 64,
            max_fee_per_gas: 500_000_000_000,
        }
    }
}

/// Drives the jobs of one store with one key.
pub struct Sender {
    node: Node,
    wallet: EthereumWallet,
    store: Arc<dyn JobStore>,
    config: Config,
    next_nonce: Option<u64>,
    wake: Arc<Notify>,
}

impl Sender {
    /// A sender for `store`, signing with `wallet` (whose default signer must be `node.from`).
    /// Binds the store to the chain and signer ([`Error::StoreIdentity`] for a store made for
    /// others).
    pub fn new(
        node: Node,
        wallet: EthereumWallet,
        store: Arc<dyn JobStore>,
        config: Config,
    ) -> Result<Self, Error> {
        store.bind(StoreIdentity {
            chain_id: node.chain_id,
            signer: node.from,
        })?;
        Ok(Self {
            node,
            wallet,
            store,
            config,
            next_nonce: None,
            wake: Arc::new(Notify::new()),
        })
    }

    /// Wakes the sender before its next poll (e.g. after a submission).
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Runs ticks until `shutdown` resolves. A failed tick (the node is down, say) is logged
    /// and retried at the next one.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!("relayer tick: {e}");
                self.next_nonce = None;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// One pass over every job that is not final.
    pub async fn tick(&mut self) -> Result<(), Error> {
        let head = self.node.head().await?;
        self.check_blocks(head).await?;
        self.check_sent().await?;
        self.simulate_queued().await?;
        self.send_simulated().await?;
        Ok(())
    }

    /// Reads the next nonce from the chain's pending count and the store's pending
    /// transactions (whichever is higher: after a node restart the pool is empty, and the
    /// stored transactions are rebroadcast in place).
    async fn nonce(&mut self) -> Result<u64, Error> {
        if let Some(n) = self.next_nonce {
            return Ok(n);
        }
        let chain = self
            .node
            .provider
            .get_transaction_count(self.node.from)
            .pending()
            .await?;
        let stored = self.store.max_pending_nonce()?.map_or(0, |n| n + 1);
        let n = chain.max(stored);
        tracing::debug!(chain, stored, "nonce resynchronised to {n}");
        self.next_nonce = Some(n);
        Ok(n)
    }

    /// The store marker of the last head the sender saw.
    const HEAD: &'static str = "sender:head";

    async fn check_blocks(&mut self, seen: Seen) -> Result<(), Error> {
        let head = seen.number;
        // A chain that no longer has the last head seen rolled back (a deep reorg, or a node
        // restarted from older state): every landed job is checked, not only recent ones.
        let rolled_back = match self
            .store
            .marker(Self::HEAD)?
            .as_deref()
            .and_then(Seen::decode)
        {
            Some(prev) => !self.node.still_on_chain(&prev).await?,
            None => false,
        };
        let floor = if rolled_back {
            tracing::warn!("the chain no longer has the last block seen: rechecking every job");
            0
        } else {
            head.saturating_sub(self.config.reorg_window)
        };
        let mut jobs = self.store.list(Some(JobState::Mined), 0, u32::MAX)?;
        jobs.extend(self.store.landed_since(floor)?);
        for mut job in jobs {
            let (Some(number), Some(hash)) = (job.block_number, job.block_hash) else {
                continue;
            };
            let block = self
                .node
                .provider
                .get_block_by_number(BlockNumberOrTag::Number(number))
                .await?;
            if block.is_none_or(|b| b.header.hash != hash) {
                tracing::warn!(job = job.id, number, "block left the chain: back to sent");
                if let Some(h) = job.tx_hash {
                    self.store.set_tx(&h, TxState::Pending, None)?;
                }
                job.state = JobState::Sent;
                job.error = None;
                job.block_number = None;
                job.block_hash = None;
                job.gas_used = None;
                self.store.update(&job)?;
                self.next_nonce = None;
            } else if job.state == JobState::Mined && head + 1 >= number + self.config.confirmations
            {
                job.state = JobState::Confirmed;
                self.store.update(&job)?;
                tracing::info!(job = job.id, number, "confirmed");
            }
        }
        self.store.set_marker(Self::HEAD, &seen.encode())
    }

    async fn check_sent(&mut self) -> Result<(), Error> {
        let mut sent = self.store.list(Some(JobState::Sent), 0, u32::MAX)?;
        if sent.is_empty() {
            return Ok(());
        }
        sent.sort_by_key(|j| j.nonce);
        // Only the transaction holding the account's next nonce can be stuck on its fees; later
        // ones wait behind it, and bumping them would only raise what they eventually pay.
        let next = self
            .node
            .provider
            .get_transaction_count(self.node.from)
            .latest()
            .await?;
        for job in sent {
            self.check_one_sent(job, next).await?;
        }
        Ok(())
    }

    /// Looks for a receipt of any of the job's transactions.
    async fn find_receipt(
        &self,
        txs: &[Tx],
    ) -> Result<Option<(Tx, alloy::rpc::types::TransactionReceipt)>, Error> {
        // Dropped ones too: a reorg can undo the transaction that took their nonce.
        for tx in txs.iter().rev() {
            if let Some(r) = self.node.provider.get_transaction_receipt(tx.hash).await?
                && r.block_number.is_some()
            {
                return Ok(Some((tx.clone(), r)));
            }
        }
        Ok(None)
    }

    async fn check_one_sent(&mut self, mut job: Job, next_nonce: u64) -> Result<(), Error> {
        let txs = self.store.txs(job.id)?;
        if let Some((tx, receipt)) = self.find_receipt(&txs).await? {
            self.store.set_tx(&tx.hash, TxState::Mined, None)?;
            job.tx_hash = Some(tx.hash);
            job.block_number = receipt.block_number;
            job.block_hash = receipt.block_hash;
            job.gas_used = Some(receipt.gas_used);
            if receipt.status() {
                job.state = JobState::Mined;
                job.error = None;
            } else {
                job.state = JobState::Failed;
                job.error = Some(self.mined_revert(&job).await);
            }
            tracing::info!(job = job.id, state = %job.state, tx = %tx.hash, "receipt");
            return self.store.update(&job);
        }
        let Some(latest) = txs
            .iter()
            .rev()
            .find(|t| t.state == TxState::Pending)
            .cloned()
        else {
            // Every transaction was dropped or replaced without a pending successor: a crash
            // between the two writes cannot cause this (they are one store transaction), so
            // only a manual edit can; start over from simulation.
            return self.restart(job, "no pending transaction").await;
        };
        let known = self
            .node
            .provider
            .get_transaction_by_hash(latest.hash)
            .await?
            .is_some();
        let blocking = latest.nonce == next_nonce;
        if !known {
            tracing::info!(job = job.id, tx = %latest.hash, "rebroadcasting");
            let r = self.node.provider.send_raw_transaction(&latest.raw).await;
            let outcome = broadcast_outcome(r);
            // Refused on its fees (below the base fee, a full pool): sign it again at today's.
            if let (Broadcast::Refused(reason), true) = (&outcome, blocking)
                && is_fee_refusal(reason)
            {
                return self.bump(job, &latest).await;
            }
            return self.after_broadcast(job, &latest, outcome).await;
        }
        let age = now_ms().saturating_sub(latest.sent_ms);
        if blocking && u128::try_from(age).unwrap_or(0) >= self.config.bump_after.as_millis() {
            return self.bump(job, &latest).await;
        }
        Ok(())
    }

    /// The revert of a mined transaction, decoded by replaying the call on the block before.
    async fn mined_revert(&self, job: &Job) -> String {
        let before = job.block_number.map(|b| b.saturating_sub(1));
        match self
            .node
            .simulate(job.target, &job.calldata, job.value, before)
            .await
        {
            Outcome::Reverted(e) => e,
            _ => "reverted when mined (the replay on the previous block succeeds: state \
                  changed within the block)"
                .into(),
        }
    }

    /// Replaces a stuck transaction: same nonce and gas, both fees raised by `bump_percent`
    /// and at least today's estimate.
    async fn bump(&mut self, job: Job, latest: &Tx) -> Result<(), Error> {
        let estimate = self.node.provider.estimate_eip1559_fees().await?;
        let cap = self.config.max_fee_per_gas;
        if latest.max_fee_per_gas >= cap {
            tracing::warn!(
                job = job.id,
                cap,
                "stuck at the fee cap: not bumping further"
            );
            return Ok(());
        }
        let raise = |v: u128| v.saturating_mul(100 + self.config.bump_percent) / 100 + 1;
        let max_fee = raise(latest.max_fee_per_gas)
            .max(estimate.max_fee_per_gas)
            .min(cap);
        let priority = raise(latest.max_priority_fee_per_gas)
            .max(estimate.max_priority_fee_per_gas)
            .min(max_fee);
        tracing::info!(job = job.id, nonce = latest.nonce, max_fee, "bumping fees");
        let tx = self
            .sign(&job, latest.nonce, latest.gas_limit, max_fee, priority)
            .await?;
        self.send_stored(job, tx).await
    }

    /// Stores `tx` as the job's pending transaction (the job `sent`), then broadcasts it.
    async fn send_stored(&mut self, mut job: Job, tx: Tx) -> Result<(), Error> {
        job.state = JobState::Sent;
        job.nonce = Some(tx.nonce);
        job.tx_hash = Some(tx.hash);
        self.store.record_send(&job, &tx)?;
        let r = self.node.provider.send_raw_transaction(&tx.raw).await;
        self.after_broadcast(job, &tx, broadcast_outcome(r)).await
    }

    async fn after_broadcast(
        &mut self,
        mut job: Job,
        tx: &Tx,
        outcome: Broadcast,
    ) -> Result<(), Error> {
        match outcome {
            Broadcast::Accepted => {
                self.store
                    .set_tx(&tx.hash, TxState::Pending, Some(now_ms()))?;
                if job.error.take().is_some() {
                    self.store.update(&job)?;
                }
                Ok(())
            }
            Broadcast::NonceTooLow => {
                // Mined meanwhile (ours), or taken by another transaction (not ours).
                let txs = self.store.txs(job.id)?;
                if self.find_receipt(&txs).await?.is_some() {
                    return Ok(()); // the next tick records the receipt
                }
                for t in txs.iter().filter(|t| t.state != TxState::Dropped) {
                    self.store.set_tx(&t.hash, TxState::Dropped, None)?;
                }
                self.restart(job, "its nonce was used by another transaction")
                    .await
            }
            Broadcast::Refused(reason) | Broadcast::Unknown(reason) => {
                let reason = self.node.redact(reason);
                tracing::warn!(job = job.id, tx = %tx.hash, "broadcast: {reason}");
                job.attempts = job.attempts.saturating_add(1);
                job.error = Some(format!(
                    "broadcast refused {} time(s): {reason}",
                    job.attempts
                ));
                self.store.update(&job)
            }
        }
    }

    /// Sends a job back to simulation (its nonce is gone).
    async fn restart(&mut self, mut job: Job, why: &str) -> Result<(), Error> {
        tracing::warn!(job = job.id, "{why}: simulating again");
        job.state = JobState::Queued;
        job.nonce = None;
        job.tx_hash = None;
        job.error = Some(why.to_string());
        self.next_nonce = None;
        self.store.update(&job)
    }

    /// Records a transient failure: retry after an exponential backoff, or fail for good.
    fn transient(&self, mut job: Job, reason: String) -> Result<(), Error> {
        let reason = self.node.redact(reason);
        job.attempts += 1;
        if job.attempts >= self.config.max_attempts {
            job.state = JobState::Failed;
            job.error = Some(format!("{GAVE_UP} {} attempts: {reason}", job.attempts));
        } else {
            let backoff = 250i64 << job.attempts.min(8);
            job.retry_at_ms = now_ms() + backoff;
            job.error = Some(reason);
        }
        self.store.update(&job)
    }

    async fn simulate_queued(&mut self) -> Result<(), Error> {
        let now = now_ms();
        for mut job in self.store.list(Some(JobState::Queued), 0, u32::MAX)? {
            if job.retry_at_ms > now {
                continue;
            }
            // A job sent before (its nonce was taken) may have landed after all.
            let txs = self.store.txs(job.id)?;
            if !txs.is_empty() && self.find_receipt(&txs).await?.is_some() {
                job.state = JobState::Sent;
                self.store.update(&job)?;
                continue;
            }
            match self
                .node
                .simulate(job.target, &job.calldata, job.value, None)
                .await
            {
                Outcome::Ok(result) if job.kind != JobKind::Call && result.len() != 32 => {
                    job.state = JobState::Failed;
                    job.error = Some(format!(
                        "{} returned {} bytes, not a claim id: is {} the marketplace?",
                        job.kind.as_str(),
                        result.len(),
                        job.target
                    ));
                    self.store.update(&job)?;
                }
                Outcome::Ok(result) => {
                    job.state = JobState::Simulated;
                    job.result = Some(result);
                    job.error = None;
                    self.store.update(&job)?;
                }
                Outcome::Reverted(e) => {
                    tracing::info!(job = job.id, "reverts in simulation: {e}");
                    job.state = JobState::Failed;
                    job.error = Some(e);
                    self.store.update(&job)?;
                }
                Outcome::Transient(e) => self.transient(job, e)?,
            }
        }
        Ok(())
    }

    async fn send_simulated(&mut self) -> Result<(), Error> {
        let in_flight = self.store.list(Some(JobState::Sent), 0, u32::MAX)?.len();
        let room = self.config.max_in_flight.saturating_sub(in_flight);
        let now = now_ms();
        let ready = self
            .store
            .list(Some(JobState::Simulated), 0, u32::MAX)?
            .into_iter()
            .filter(|j| j.retry_at_ms <= now)
            .take(room);
        for mut job in ready {
            let gas = match self
                .node
                .estimate_gas(job.target, &job.calldata, job.value)
                .await
            {
                Outcome::Ok(g) => g,
                Outcome::Reverted(e) => {
                    job.state = JobState::Failed;
                    job.error = Some(e);
                    self.store.update(&job)?;
                    continue;
                }
                Outcome::Transient(e) => {
                    self.transient(job, e)?;
                    continue;
                }
            };
            let gas_limit = gas.saturating_mul(100 + self.config.gas_margin_percent) / 100;
            let fees = self.node.provider.estimate_eip1559_fees().await?;
            let max_fee = fees.max_fee_per_gas.min(self.config.max_fee_per_gas);
            let priority = fees.max_priority_fee_per_gas.min(max_fee);
            let nonce = self.nonce().await?;
            let tx = self.sign(&job, nonce, gas_limit, max_fee, priority).await?;
            self.next_nonce = Some(nonce + 1);
            job.attempts = 0;
            let id = job.id;
            self.send_stored(job, tx).await?;
            tracing::info!(job = id, nonce, "sent");
        }
        Ok(())
    }

    async fn sign(
        &self,
        job: &Job,
        nonce: u64,
        gas_limit: u64,
        max_fee_per_gas: u128,
        max_priority_fee_per_gas: u128,
    ) -> Result<Tx, Error> {
        let request = self
            .node
            .request(job.target, &job.calldata, job.value)
            .with_nonce(nonce)
            .with_chain_id(self.node.chain_id)
            .with_gas_limit(gas_limit)
            .with_max_fee_per_gas(max_fee_per_gas)
            .with_max_priority_fee_per_gas(max_priority_fee_per_gas);
        let envelope = request
            .build(&self.wallet)
            .await
            .map_err(|e| Error::Signing {
                reason: e.to_string(),
            })?;
        Ok(Tx {
            hash: *envelope.tx_hash(),
            job_id: job.id,
            nonce,
            max_fee_per_gas,
            max_priority_fee_per_gas,
            gas_limit,
            raw: Bytes::from(envelope.encoded_2718()),
            state: TxState::Pending,
            sent_ms: now_ms(),
        })
    }
}

/// Whether a node refused a transaction for its fees (so new fees may get it in).
fn is_fee_refusal(reason: &str) -> bool {
    let r = reason.to_lowercase();
    ["underpriced", "base fee", "fee cap", "max fee", "gas price"]
        .iter()
        .any(|s| r.contains(s))
}
