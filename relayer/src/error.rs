//! The relayer's error type.

use alloy::primitives::Address;
use thiserror::Error;

/// What can go wrong in the relayer.
#[derive(Debug, Error)]
pub enum Error {
    /// The job store failed.
    #[error("job store: {reason}")]
    Store {
        /// What failed.
        reason: String,
    },
    /// The store was made for another chain or signer.
    #[error(
        "this job store belongs to chain {stored_chain} and signer {stored_signer}, not chain \
         {chain} and signer {signer}: use another --db file (its nonces and transactions mean \
         nothing here)"
    )]
    StoreIdentity {
        /// The chain the store was made for.
        stored_chain: u64,
        /// The signer the store was made for.
        stored_signer: Address,
        /// The chain connected to now.
        chain: u64,
        /// The signer used now.
        signer: Address,
    },
    /// A submitted bundle is malformed.
    #[error("bad bundle: {reason}")]
    Bundle {
        /// What was wrong.
        reason: String,
    },
    /// The bundle's proof does not verify natively.
    #[error("the proof does not verify: {reason}")]
    Proof {
        /// What the verifier said.
        reason: String,
    },
    /// The call reverts in simulation; nothing was sent.
    #[error("the call reverts: {error}")]
    Reverted {
        /// The decoded custom error.
        error: String,
    },
    /// The node cannot answer now; try again.
    #[error("the node cannot answer now: {reason}")]
    Unavailable {
        /// What the transport or node said.
        reason: String,
    },
    /// The node or the transport failed.
    #[error("RPC: {0}")]
    Rpc(#[from] alloy::transports::TransportError),
    /// Signing a transaction failed.
    #[error("signing: {reason}")]
    Signing {
        /// What the signer said.
        reason: String,
    },
    /// A chain contract call failed.
    #[error(transparent)]
    Chain(#[from] zkmodel_chain::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store {
            reason: e.to_string(),
        }
    }
}
