//! The relayer's view of the node: simulation with the revert decoded, and the node's answers
//! to a broadcast sorted into what they mean for a job.

use crate::error::Error;
use alloy::network::TransactionBuilder;
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::{BlockId, BlockNumberOrTag, TransactionRequest};
use alloy::transports::TransportError;

/// The connection a relayer works through: a provider (it signs itself, so the provider
/// needs no wallet), its sending address and the chain id.
#[derive(Clone, Debug)]
pub struct Node {
    /// The provider.
    pub provider: DynProvider,
    /// The relayer's sending address.
    pub from: Address,
    /// The chain id, read at start.
    pub chain_id: u64,
    /// The node's URL, removed from every message the relayer stores or answers with (a
    /// provider's URL often carries an API key).
    pub url: String,
}

/// A block the relayer saw, kept as a store marker to notice a rollback of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Its number.
    pub number: u64,
    /// Its hash.
    pub hash: B256,
}

impl Seen {
    /// `number:hash`.
    pub fn encode(&self) -> String {
        format!("{}:{}", self.number, self.hash)
    }

    /// Reads [`Self::encode`]'s output.
    pub fn decode(s: &str) -> Option<Self> {
        let (n, h) = s.split_once(':')?;
        Some(Self {
            number: n.parse().ok()?,
            hash: h.parse().ok()?,
        })
    }
}

/// What a simulation or gas estimate says.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It succeeds.
    Ok(T),
    /// It reverts: final for the job (the decoded custom error).
    Reverted(String),
    /// The node could not answer now: retry later.
    Transient(String),
}

impl Node {
    /// `message` without the node's URL.
    pub fn redact(&self, message: impl Into<String>) -> String {
        let m = message.into();
        if self.url.is_empty() {
            return m;
        }
        m.replace(self.url.trim_end_matches('/'), "<rpc-url>")
    }

    /// The latest block.
    pub async fn head(&self) -> Result<Seen, Error> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await?
            .ok_or_else(|| Error::Unavailable {
                reason: "the node has no latest block".into(),
            })?;
        Ok(Seen {
            number: block.header.number,
            hash: block.header.hash,
        })
    }

    /// Whether `seen` is still the chain's block at its height.
    pub async fn still_on_chain(&self, seen: &Seen) -> Result<bool, Error> {
        Ok(self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(seen.number))
            .await?
            .is_some_and(|b| b.header.hash == seen.hash))
    }

    /// The call as a request from the relayer.
    pub fn request(&self, target: Address, calldata: &Bytes, value: U256) -> TransactionRequest {
        TransactionRequest::default()
            .with_from(self.from)
            .with_to(target)
            .with_input(calldata.clone())
            .with_value(value)
    }

    /// `eth_call` against `block` (the latest when `None`).
    pub async fn simulate(
        &self,
        target: Address,
        calldata: &Bytes,
        value: U256,
        block: Option<u64>,
    ) -> Outcome<Bytes> {
        let mut call = self.provider.call(self.request(target, calldata, value));
        if let Some(b) = block {
            call = call.block(BlockId::number(b));
        }
        classify(call.await)
    }

    /// `eth_estimateGas` against the latest block.
    pub async fn estimate_gas(
        &self,
        target: Address,
        calldata: &Bytes,
        value: U256,
    ) -> Outcome<u64> {
        classify(
            self.provider
                .estimate_gas(self.request(target, calldata, value))
                .await,
        )
    }

    /// Simulates a call before it is accepted: a revert is [`Error::Reverted`] with the
    /// decoded error, a node that cannot answer [`Error::Unavailable`].
    pub async fn check_call(
        &self,
        target: Address,
        calldata: &Bytes,
        value: U256,
    ) -> Result<Bytes, Error> {
        match self.simulate(target, calldata, value, None).await {
            Outcome::Ok(b) => Ok(b),
            Outcome::Reverted(error) => Err(Error::Reverted { error }),
            Outcome::Transient(reason) => Err(Error::Unavailable {
                reason: self.redact(reason),
            }),
        }
    }
}

/// Sorts a node answer: revert data or an execution error is a revert; any other error
/// response or transport failure is transient.
fn classify<T>(r: Result<T, TransportError>) -> Outcome<T> {
    match r {
        Ok(v) => Outcome::Ok(v),
        Err(e) => {
            if let Some(data) = zkmodel_chain::revert::revert_data(&e) {
                return Outcome::Reverted(zkmodel_chain::revert::decode(&data));
            }
            match e.as_error_resp() {
                Some(p) if p.message.to_lowercase().contains("revert") => {
                    Outcome::Reverted(p.message.to_string())
                }
                _ => Outcome::Transient(e.to_string()),
            }
        }
    }
}

/// What a node's answer to `eth_sendRawTransaction` means.
#[derive(Debug, PartialEq, Eq)]
pub enum Broadcast {
    /// Accepted (or already known: the same signed transaction).
    Accepted,
    /// The nonce is used on chain: by this job's transaction (find its receipt) or by another.
    NonceTooLow,
    /// The node refused it and will keep refusing until something changes (funds, fees).
    Refused(String),
    /// No answer: the transaction may or may not have reached the node.
    Unknown(String),
}

/// Classifies a broadcast result.
pub fn broadcast_outcome<T>(r: Result<T, TransportError>) -> Broadcast {
    let e = match r {
        Ok(_) => return Broadcast::Accepted,
        Err(e) => e,
    };
    let Some(payload) = e.as_error_resp() else {
        return Broadcast::Unknown(e.to_string());
    };
    let m = payload.message.to_lowercase();
    if m.contains("already known")
        || m.contains("already imported")
        || m.contains("known transaction")
    {
        Broadcast::Accepted
    } else if m.contains("nonce too low") || m.contains("nonce has already been used") {
        Broadcast::NonceTooLow
    } else {
        Broadcast::Refused(payload.message.to_string())
    }
}
