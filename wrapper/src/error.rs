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
    /// A wrapped proof carries another number of public words than its architecture has
    /// (the contract reverts with `WrongPublicValueCount`; Groth16 alone would ignore extra
    /// words and read missing ones as zero, while s0 hashes exactly the words given).
    #[error("the proof carries {actual} public words; its architecture has {expected}")]
    PublicValueCount {
        /// The architecture's packed public words.
        expected: usize,
        /// The proof's.
        actual: usize,
    },
    /// The verifying key has another number of public inputs than the architecture's
    /// circuit (keys of another architecture).
    #[error(
        "the verifying key takes {actual} public inputs; this architecture's circuit has {expected}"
    )]
    KeyInputCount {
        /// 6 + the architecture's public words.
        expected: usize,
        /// The key's.
        actual: usize,
    },
    /// A proving key's query has another length than the circuit's variables (a key of
    /// another circuit, or a damaged key file).
    #[error(
        "the proving key's {query} has {actual} points; this circuit needs {expected} \
         (keys of another architecture?)"
    )]
    KeyShape {
        /// Which query: "A query", "B query (G1)", "B query (G2)", "L query", "H query".
        query: &'static str,
        /// The circuit's count.
        expected: usize,
        /// The key's.
        actual: usize,
    },
    /// The Groth16 proof does not verify against the public inputs.
    #[error("Groth16 proof rejected")]
    Groth16Rejected,
    /// A Groth16 proof point is off its curve or outside the prime-order subgroup: the
    /// chain's pairing precompile refuses such a point, so the native verifier does too.
    #[error(
        "the Groth16 proof's {point} is not a point of the group (off the curve or outside the subgroup)"
    )]
    ProofPointInvalid {
        /// Which point: "A", "B" or "C".
        point: &'static str,
    },
    /// A serialized key or proof is malformed.
    #[error("malformed {what}: {reason}")]
    Format {
        /// What was being read.
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A ceremony key does not belong to this architecture's circuit or to the Powers of Tau
    /// it claims (import refuses it).
    #[error("the ceremony key does not match {check}: expected {expected}, found {actual}")]
    CeremonyMismatch {
        /// What was compared (e.g. "the circuit's constraint count").
        check: &'static str,
        /// What the circuit or the Powers of Tau require.
        expected: String,
        /// What the key has.
        actual: String,
    },
    /// snarkjs (the ceremony's tool) failed or refused a file.
    #[error("snarkjs {command} failed: {output}")]
    Snarkjs {
        /// The subcommand, e.g. "zkey verify".
        command: String,
        /// The end of what it printed.
        output: String,
    },
}
