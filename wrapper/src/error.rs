//! The wrapper crate's error type.

use thiserror::Error;

/// Every way wrapping or verifying a wrapped proof can fail.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The inner (native) proof or statement is invalid.
    #[error(transparent)]
    Prover(#[from] zkmodel_prover::Error),
    /// Constraint synthesis or Groth16 failed.
    #[error("Groth16 {stage}: {reason}")]
    Groth16 {
        /// "setup", "prove" or "verify".
        stage: &'static str,
        /// What arkworks reported.
        reason: String,
    },
    /// The Groth16 proof does not verify against the public inputs.
    #[error("Groth16 proof rejected")]
    Groth16Rejected,
    /// A serialized key or proof is malformed.
    #[error("malformed {what}: {reason}")]
    Format {
        /// What was being read.
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
}
