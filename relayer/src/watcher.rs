//! The chain watcher: picks up escrowed inference requests (`InferenceRequested`) for the
//! models this seller serves, has them proven by the operator's [`Fulfiller`] on a blocking
//! thread, and queues the `fulfil` through the same [`Queue`] as the API, before the deadline.
//!
//! Requests are read from the block after the stored cursor (a block number and hash) to the
//! head, in chunks; the cursor advances after each chunk, so a restart resumes where the last
//! run stopped, and a cursor whose block left the chain is moved back. A request already
//! answered by a job in the store is skipped (the job's key is the request). Proofs are made one at a time: proving already uses every core. A
//! request this seller cannot serve (another model, a committed input it has no data for, a
//! deadline too close) is logged and left for the buyer's refund.

use crate::bundle::{Bundle, fulfil_key};
use crate::error::Error;
use crate::node::Seen;
use crate::queue::Queue;
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::{BlockNumberOrTag, Filter};
use alloy::sol_types::SolEvent;
use std::sync::Arc;
use std::time::Duration;
use zkmodel_chain::bindings::{G1Point, ZkmodelMarketplace};

/// An escrowed inference request.
#[derive(Clone, Debug)]
pub struct InferenceRequest {
    /// The request id.
    pub id: U256,
    /// The model asked.
    pub model_id: U256,
    /// Who pays.
    pub buyer: Address,
    /// The verifier a fulfilling proof must pass.
    pub verifier: Address,
    /// The escrow.
    pub amount: U256,
    /// Unix time after which it can no longer be fulfilled.
    pub deadline: u64,
    /// The committed input (zero for a public-input request).
    pub input: G1Point,
    /// The public input words (empty for a committed-input request).
    pub input_words: Vec<U256>,
}

/// The seller's side: which requests it serves and the proof that answers one.
pub trait Fulfiller: Send + Sync {
    /// Whether this seller serves the request's model with the request's verifier.
    fn serves(&self, request: &InferenceRequest) -> bool;

    /// Proves inference on the request's input; returns the wrapper's `verify(statement,
    /// proof)` calldata, or why it cannot. Runs on a blocking thread.
    fn prove(&self, request: &InferenceRequest) -> Result<Bytes, String>;
}

/// Blocks per `eth_getLogs` call (providers limit the range).
pub const LOG_CHUNK: u64 = 1000;

/// Blocks reread when the watcher's last block left the chain.
pub const REWIND: u64 = 64;

/// How the watcher behaves.
#[derive(Clone, Debug)]
pub struct WatchConfig {
    /// The marketplace watched.
    pub marketplace: Address,
    /// The first block to read when the store has no cursor.
    pub from_block: u64,
    /// Time between polls.
    pub poll_interval: Duration,
    /// Requests whose deadline is closer than this are not started.
    pub deadline_margin: Duration,
}

/// Watches one marketplace for requests to fulfil.
pub struct Watcher {
    queue: Queue,
    fulfiller: Arc<dyn Fulfiller>,
    config: WatchConfig,
}

impl Watcher {
    /// A watcher queueing into `queue`.
    pub fn new(queue: Queue, fulfiller: Arc<dyn Fulfiller>, config: WatchConfig) -> Self {
        Self {
            queue,
            fulfiller,
            config,
        }
    }

    fn cursor_name(&self) -> String {
        format!("watcher:{}", self.config.marketplace)
    }

    /// Polls until `shutdown` resolves; a failed poll is logged and retried.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.poll().await {
                tracing::warn!("watcher: {e}");
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Handles every request from the cursor to the head, in chunks of [`LOG_CHUNK`] blocks,
    /// advancing the cursor after each chunk. A cursor whose block left the chain (a reorg, a
    /// node restarted from older state) is moved back by [`REWIND`] blocks first; requests
    /// seen twice are skipped by their job's key.
    pub async fn poll(&self) -> Result<(), Error> {
        let store = &self.queue.store;
        let node = &self.queue.node;
        let name = self.cursor_name();
        let head = node.head().await?;
        let mut from = match store.marker(&name)?.as_deref().and_then(Seen::decode) {
            Some(seen) if node.still_on_chain(&seen).await? => seen.number + 1,
            Some(seen) => {
                tracing::warn!(
                    block = seen.number,
                    "the watcher's last block left the chain: rereading"
                );
                seen.number.min(head.number).saturating_sub(REWIND)
            }
            None => self.config.from_block,
        };
        while from <= head.number {
            let to = head.number.min(from + LOG_CHUNK - 1);
            let filter = Filter::new()
                .address(self.config.marketplace)
                .event_signature(ZkmodelMarketplace::InferenceRequested::SIGNATURE_HASH)
                .from_block(from)
                .to_block(to);
            for log in node.provider.get_logs(&filter).await? {
                let e = match log.log_decode::<ZkmodelMarketplace::InferenceRequested>() {
                    Ok(l) => l.inner.data,
                    Err(e) => {
                        tracing::warn!(
                            "skipping an InferenceRequested log that does not decode: {e}"
                        );
                        continue;
                    }
                };
                let request = InferenceRequest {
                    id: e.requestId,
                    model_id: e.modelId,
                    buyer: e.buyer,
                    verifier: e.verifier,
                    amount: e.amount,
                    deadline: e.deadline,
                    input: e.input,
                    input_words: e.inputWords,
                };
                let id = request.id;
                // One request's failure (the node, the prover) leaves it for the refund and does
                // not hold back the others, nor make them be proven again.
                if let Err(e) = self.handle(request).await {
                    tracing::warn!(%id, "request not served: {}", node.redact(e.to_string()));
                }
            }
            let block = node
                .provider
                .get_block_by_number(BlockNumberOrTag::Number(to))
                .await?
                .ok_or_else(|| Error::Unavailable {
                    reason: format!("block {to} is missing"),
                })?;
            store.set_marker(
                &name,
                &Seen {
                    number: to,
                    hash: block.header.hash,
                }
                .encode(),
            )?;
            from = to + 1;
        }
        Ok(())
    }

    async fn handle(&self, request: InferenceRequest) -> Result<(), Error> {
        let node = &self.queue.node;
        let id = request.id;
        if self
            .queue
            .store
            .job_by_key(&fulfil_key(node.chain_id, self.config.marketplace, id))?
            .is_some()
        {
            return Ok(());
        }
        if !self.fulfiller.serves(&request) {
            tracing::debug!(%id, "request for a model or verifier this seller does not serve");
            return Ok(());
        }
        let market = ZkmodelMarketplace::new(self.config.marketplace, node.provider.clone());
        let open = market
            .requestOf(id)
            .call()
            .await
            .map_err(|e| Error::Unavailable {
                reason: format!("requestOf({id}): {e}"),
            })?;
        if open.state != 1 {
            tracing::info!(%id, state = open.state, "request no longer open");
            return Ok(());
        }
        let now = node
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await?
            .map_or(0, |b| b.header.timestamp);
        if now + self.config.deadline_margin.as_secs() >= request.deadline {
            tracing::warn!(%id, deadline = request.deadline, now, "too close to its deadline: left for refund");
            return Ok(());
        }
        tracing::info!(%id, model = %request.model_id, "proving an escrowed inference request");
        let fulfiller = self.fulfiller.clone();
        let for_proof = request.clone();
        let proved = tokio::task::spawn_blocking(move || fulfiller.prove(&for_proof))
            .await
            .map_err(|e| Error::Proof {
                reason: format!("the prover panicked: {e}"),
            })?;
        let calldata = match proved {
            Ok(c) => c,
            Err(reason) => {
                tracing::warn!(%id, "cannot serve the request ({reason}): left for refund");
                return Ok(());
            }
        };
        let bundle = Bundle::Fulfil {
            marketplace: self.config.marketplace,
            request_id: id,
            calldata,
        };
        let prepared = bundle.prepare(node.chain_id)?;
        match self.queue.accept(&prepared.job).await {
            Ok((job, _)) => {
                tracing::info!(%id, job = job.id, "fulfilment queued");
                Ok(())
            }
            Err(Error::Reverted { error }) => {
                tracing::warn!(%id, "the fulfilment would revert ({error}): left for refund");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
