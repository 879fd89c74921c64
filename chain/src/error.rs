//! The chain crate's error type.

use thiserror::Error;

/// What can go wrong talking to a chain or reading contract artifacts.
#[derive(Debug, Error)]
pub enum Error {
    /// A forge artifact is missing or malformed.
    #[error("contract artifact {path}: {reason}; build the contracts first (`make contracts`)")]
    Artifact {
        /// The artifact's path.
        path: String,
        /// What was wrong.
        reason: String,
    },
    /// Calldata is not the ABI encoding it should be.
    #[error("calldata is not a `{expected}` call: {reason}")]
    Calldata {
        /// The call it should encode.
        expected: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The node or the transport failed.
    #[error("RPC: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
    /// Sending or awaiting a transaction failed.
    #[error("transaction: {0}")]
    Pending(#[from] alloy::providers::PendingTransactionError),
    /// A call or transaction reverted; `error` is the decoded custom error.
    #[error("reverted: {error}")]
    Reverted {
        /// The decoded custom error (`Name(args)`), or the raw revert data in hex.
        error: String,
    },
    /// A deployment's receipt carries no contract address, or the transaction failed.
    #[error("deployment of {contract} failed (status or address missing in the receipt)")]
    Deployment {
        /// The contract name.
        contract: String,
    },
}
