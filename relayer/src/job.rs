//! Jobs and the transactions sent for them.
//!
//! A job is one call the relayer must land exactly once, identified by its idempotency `key`
//! (for a claim: the statement it establishes). It moves through
//!
//! ```text
//! queued ──simulate──▶ simulated ──sign, store, broadcast──▶ sent ──receipt──▶ mined ──N blocks──▶ confirmed
//!    │                     │                                   ▲                 │                    │
//!    └──revert──▶ failed ◀─┴──revert at gas estimate           └──── reorg ──────┴────────────────────┘
//! ```
//!
//! A job in `sent` owns one nonce and one or more transactions with that nonce (fee bumps
//! replace the previous one). Every transaction is stored, signed, before it is broadcast, so
//! after a crash the relayer knows every transaction that may be on the network for a job and
//! never signs a second one with another nonce unless the chain shows the nonce was used by a
//! transaction that is not the job's (then the job goes back to `simulated`).

use alloy::primitives::{Address, B256, Bytes, U256};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Accepted and durable; not yet simulated by the sender.
    Queued,
    /// `eth_call` succeeded against the latest block; waiting for a nonce.
    Simulated,
    /// Signed and stored with a nonce; broadcast (perhaps several times, perhaps with bumped
    /// fees); no receipt yet.
    Sent,
    /// A receipt exists with status success; not yet `confirmations` deep.
    Mined,
    /// Mined and `confirmations` blocks deep (returns to `sent` if its block leaves the chain).
    Confirmed,
    /// Will not land: the call reverts (decoded custom error in `error`), or it ran out of
    /// retries.
    Failed,
}

impl JobState {
    /// Every state, in lifecycle order.
    pub const ALL: [JobState; 6] = [
        Self::Queued,
        Self::Simulated,
        Self::Sent,
        Self::Mined,
        Self::Confirmed,
        Self::Failed,
    ];

    /// The state's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Simulated => "simulated",
            Self::Sent => "sent",
            Self::Mined => "mined",
            Self::Confirmed => "confirmed",
            Self::Failed => "failed",
        }
    }

    /// Whether the job is finished (nothing more will be sent for it).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Confirmed | Self::Failed)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown job state `{s}`"))
    }
}

/// What a job does, for people reading the job list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// `attest(pins, statement, proof)`: record a claim.
    Attest,
    /// `fulfil(requestId, statement, proof)`: answer an escrowed inference request.
    Fulfil,
    /// Any other marketplace call the relayer's own operator queued (e.g. `refund`).
    Call,
}

impl JobKind {
    /// The kind's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attest => "attest",
            Self::Fulfil => "fulfil",
            Self::Call => "call",
        }
    }
}

impl FromStr for JobKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [Self::Attest, Self::Fulfil, Self::Call]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown job kind `{s}`"))
    }
}

/// A job to accept: the call and its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    /// Identifies what the job achieves; submitting the same key again returns the existing
    /// job.
    pub key: B256,
    /// What it does.
    pub kind: JobKind,
    /// The contract called.
    pub target: Address,
    /// The call's data.
    pub calldata: Bytes,
    /// Wei sent with the call.
    pub value: U256,
}

/// A job as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Job {
    /// The store's id (increasing with acceptance order).
    pub id: i64,
    /// The idempotency key.
    pub key: B256,
    /// What it does.
    pub kind: JobKind,
    /// The contract called.
    pub target: Address,
    /// The call's data.
    #[serde(skip)]
    pub calldata: Bytes,
    /// Wei sent with the call.
    pub value: U256,
    /// Where it is.
    pub state: JobState,
    /// The nonce of its transactions, once it has one.
    pub nonce: Option<u64>,
    /// The latest transaction sent, or the one that was mined.
    pub tx_hash: Option<B256>,
    /// The mined transaction's block.
    pub block_number: Option<u64>,
    /// The mined transaction's block hash (to notice reorgs).
    pub block_hash: Option<B256>,
    /// Gas used by the mined transaction.
    pub gas_used: Option<u64>,
    /// What the call returned in simulation (a claim id for `attest` and `fulfil`).
    pub result: Option<Bytes>,
    /// Why it failed, or the last transient error.
    pub error: Option<String>,
    /// Transient failures so far (transport errors), for backoff.
    pub attempts: u32,
    /// Not before this time (ms since the Unix epoch) is the job retried.
    pub retry_at_ms: i64,
    /// Accepted at (ms since the Unix epoch).
    pub created_ms: i64,
    /// Last change (ms since the Unix epoch).
    pub updated_ms: i64,
}

/// A transaction's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TxState {
    /// Broadcast (or about to be), not yet mined.
    Pending,
    /// A fee bump with the same nonce superseded it.
    Replaced,
    /// In a block.
    Mined,
    /// Its nonce was used by a transaction that is not the job's; it can never be mined.
    Dropped,
}

impl TxState {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Replaced => "replaced",
            Self::Mined => "mined",
            Self::Dropped => "dropped",
        }
    }
}

impl FromStr for TxState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [Self::Pending, Self::Replaced, Self::Mined, Self::Dropped]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown transaction state `{s}`"))
    }
}

/// A signed transaction stored for a job before its broadcast.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tx {
    /// Its hash.
    pub hash: B256,
    /// The job it belongs to.
    pub job_id: i64,
    /// Its nonce (the job's).
    pub nonce: u64,
    /// EIP-1559 fee cap.
    pub max_fee_per_gas: u128,
    /// EIP-1559 tip.
    pub max_priority_fee_per_gas: u128,
    /// Gas limit.
    pub gas_limit: u64,
    /// The signed EIP-2718 envelope, rebroadcast as is after a restart.
    #[serde(skip)]
    pub raw: Bytes,
    /// Its fate.
    pub state: TxState,
    /// When it was last broadcast (ms since the Unix epoch).
    pub sent_ms: i64,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
