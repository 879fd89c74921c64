//! The durable job store: a small trait, so a server database can serve several relayer
//! instances later, and its SQLite implementation (the default).
//!
//! The sender writes every state transition before the action it records (a transaction is
//! stored before it is broadcast), so what the store holds after a crash is a safe
//! over-approximation of what happened on the network.

mod sqlite;

pub use sqlite::SqliteStore;

use crate::error::Error;
use crate::job::{Job, JobState, NewJob, Tx, TxState};
use alloy::primitives::{Address, B256};

/// Which chain and signer a store belongs to: a store is never reused for another, since its
/// nonces and transactions mean nothing there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreIdentity {
    /// The chain id.
    pub chain_id: u64,
    /// The relayer's sending address.
    pub signer: Address,
}

/// Durable storage of jobs and their transactions. Every method is one atomic transaction.
pub trait JobStore: Send + Sync {
    /// Binds an empty store to `identity`, or checks that a used store has it
    /// ([`Error::StoreIdentity`] otherwise).
    fn bind(&self, identity: StoreIdentity) -> Result<(), Error>;

    /// Accepts a job, or returns the existing job with the same key (`false`: not created).
    fn insert(&self, job: &NewJob) -> Result<(Job, bool), Error>;

    /// The job with this id.
    fn job(&self, id: i64) -> Result<Option<Job>, Error>;

    /// The job with this key.
    fn job_by_key(&self, key: &B256) -> Result<Option<Job>, Error>;

    /// Up to `limit` jobs with ids above `after`, optionally in one state, by id.
    fn list(&self, state: Option<JobState>, after: i64, limit: u32) -> Result<Vec<Job>, Error>;

    /// Confirmed jobs, and failed jobs whose transaction was mined (reverted), in blocks at or
    /// above `from` (still open to a reorg).
    fn landed_since(&self, from: u64) -> Result<Vec<Job>, Error>;

    /// How many jobs are in each state.
    fn counts(&self) -> Result<Vec<(JobState, u64)>, Error>;

    /// Writes a job's state and fields (not its transactions).
    fn update(&self, job: &Job) -> Result<(), Error>;

    /// Records a signed transaction for `job` before its broadcast: inserts `tx`, marks the
    /// job's other pending transactions replaced, and writes `job` (now `sent` with `tx`'s
    /// nonce and hash) — all at once.
    fn record_send(&self, job: &Job, tx: &Tx) -> Result<(), Error>;

    /// A job's transactions, oldest first.
    fn txs(&self, job_id: i64) -> Result<Vec<Tx>, Error>;

    /// Sets a transaction's state, and its broadcast time when `sent_ms` is given.
    fn set_tx(&self, hash: &B256, state: TxState, sent_ms: Option<i64>) -> Result<(), Error>;

    /// A named progress marker (e.g. the last block a watcher finished, with its hash).
    fn marker(&self, name: &str) -> Result<Option<String>, Error>;

    /// Sets a named progress marker.
    fn set_marker(&self, name: &str, value: &str) -> Result<(), Error>;

    /// The highest nonce of any transaction still pending, if any.
    fn max_pending_nonce(&self) -> Result<Option<u64>, Error>;
}
