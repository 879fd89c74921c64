//! The zkmodel relayer (DESIGN §14): a tokio service that lands claims on the marketplace
//! exactly once.
//!
//! - [`api`]: the HTTP API (axum) where a seller submits claim [`bundle::Bundle`]s (the
//!   wrapper's `verify` calldata and what to pin) and reads their status; bundles are decoded,
//!   optionally checked natively, and simulated before anything is stored.
//! - [`store`]: the durable job store (a trait; SQLite in WAL mode by default). Every state
//!   transition is committed before the action it records.
//! - [`sender`]: the state machine queued → simulated → sent → mined → confirmed / failed, with
//!   its own nonces (resynchronised from the chain on start and whenever the node disagrees),
//!   replacement of stuck transactions with bumped fees, retries with backoff, and reorg
//!   handling. Its module doc gives the exactly-once argument.
//! - [`watcher`]: picks up escrowed inference requests for the seller's models, has them
//!   proven by the operator's [`watcher::Fulfiller`], and queues the fulfilment.
//!
//! This crate knows nothing of sumchecks or Groth16: a proof reaches it as ABI calldata, and a
//! native check is the operator's [`api::ProofCheck`]. One relayer process per signing key
//! and store file: two senders sharing a key would race for nonces.

pub mod api;
pub mod bundle;
mod error;
pub mod job;
pub mod node;
pub mod queue;
pub mod sender;
pub mod store;
pub mod watcher;

pub use error::Error;
