//! The prover crate's error type.

use thiserror::Error;

/// A failure reported by a constraint-system backend (the in-circuit instantiation of the
/// verifier); the native backend never produces one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("constraint backend: {0}")]
pub struct BackendError(pub String);

/// Every way proving or verifying can fail. Verifier variants name the protocol step that
/// rejected and, where it helps, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The in-circuit backend failed while synthesising constraints.
    #[error(transparent)]
    Backend(#[from] BackendError),

    /// A signed integer does not fit the stated bit bound.
    #[error("value {value} does not fit in a signed {bits}-bit bound")]
    OutOfBound {
        /// The offending integer.
        value: i128,
        /// The signed bit bound it had to respect.
        bits: u32,
    },
    /// A field element is not the embedding of a small signed integer.
    #[error("field element is not a signed integer of at most {bits} bits")]
    NotSmall {
        /// The bit bound that was asked for.
        bits: u32,
    },

    /// A statement is malformed before any proof is looked at (e.g. a degree above the
    /// supported maximum, mismatched polynomial sizes).
    #[error("invalid statement: {0}")]
    InvalidStatement(String),

    /// A proof has the wrong shape: too few or too many messages or values.
    #[error("malformed proof: {what}: expected {expected}, got {actual}")]
    ProofShape {
        /// Which part of the proof has the wrong length.
        what: &'static str,
        /// The length the statement implies.
        expected: usize,
        /// The length the proof has.
        actual: usize,
    },
    /// The sumcheck's final evaluations do not reproduce the final claim.
    #[error("sumcheck: the final evaluations do not reproduce the final claim")]
    SumcheckFinal,
    /// An evaluation the verifier can compute itself (eq, table, padding) disagrees with the
    /// value the proof claims for it.
    #[error("{what}: claimed evaluation disagrees with the verifier's own computation")]
    SuccinctEvaluation {
        /// Which evaluation was wrong.
        what: &'static str,
    },
    /// The two sides of a LogUp identity do not balance.
    #[error("LogUp: witness and table fraction sums differ")]
    LookupSumMismatch,
    /// A fraction denominator at the root of a LogUp-GKR tree is zero.
    #[error("LogUp: zero denominator at the root of the {tree} tree")]
    ZeroDenominator {
        /// "witness" or "table".
        tree: &'static str,
    },
    /// A GKR layer's claimed children do not combine to the claimed parent.
    #[error("LogUp-GKR {tree} tree, layer {layer}: children do not combine to the parent claim")]
    GkrLayer {
        /// "witness" or "table".
        tree: &'static str,
        /// Layer index counted from the root.
        layer: usize,
    },

    /// The SRS has fewer G1 powers than a vector or quotient needs.
    #[error("SRS too small: {needed} G1 powers needed, {available} available; use a larger SRS")]
    SrsTooSmall {
        /// Powers required.
        needed: usize,
        /// Powers present.
        available: usize,
    },
    /// A serialized object (SRS, `.ptau`, proof) is malformed.
    #[error("malformed {what}: {reason}")]
    Format {
        /// What was being read (e.g. "ptau file", "SRS file").
        what: &'static str,
        /// What was wrong, and where.
        reason: String,
    },
    /// An opening's evaluation identity or pairing check fails.
    #[error("opening check failed: {what}")]
    Opening {
        /// Which check failed.
        what: &'static str,
    },

    /// A statement names a different number of commitments than its architecture has.
    #[error("the statement has {actual} commitments; its architecture has {expected}")]
    CommitmentCount {
        /// How many the architecture's roles list.
        expected: usize,
        /// How many the statement names.
        actual: usize,
    },

    /// A commitment whose role must be pinned (registered by someone other than the prover)
    /// was not pinned by the caller.
    #[error("the {role} commitment is not pinned: look up the registered value and pin it")]
    UnpinnedCommitment {
        /// The role left unpinned.
        role: crate::proof::roles::CommitmentRole,
    },

    /// A commitment differs from the value pinned for its role.
    #[error("commitment {index} ({role}) is not the pinned {role} commitment")]
    PinnedCommitmentMismatch {
        /// Its role.
        role: crate::proof::roles::CommitmentRole,
        /// Its index in the statement.
        index: usize,
    },

    /// The caller pinned a role the statement does not have.
    #[error("the statement has no {role} commitment to pin")]
    PinnedRoleNotInStatement {
        /// The role.
        role: crate::proof::roles::CommitmentRole,
    },

    /// The ONNX file cannot be decoded or is structurally invalid.
    #[error("malformed ONNX model: {reason}")]
    OnnxMalformed {
        /// What is wrong.
        reason: String,
    },
    /// The model uses an operator zkmodel cannot prove.
    #[error("unsupported ONNX operator `{op_type}` at node `{node}`; supported: {supported}")]
    OnnxUnsupported {
        /// The ONNX op type.
        op_type: String,
        /// The node's name (or its index when unnamed).
        node: String,
        /// The supported operators, for the user.
        supported: &'static str,
    },
    /// A supported operator is used with an attribute or input zkmodel cannot prove.
    #[error("ONNX node `{node}` ({op_type}): {reason}")]
    OnnxNode {
        /// The node's name.
        node: String,
        /// The ONNX op type.
        op_type: String,
        /// What is not supported and what to do.
        reason: String,
    },

    /// A quantized tensor left the range its proof range-checks (calibration did not see
    /// inputs like these, or the bound is too tight).
    #[error(
        "tensor `{tensor}` entry {index} = {value} leaves its quantization range [{min}, {max}]; \
         recalibrate on inputs like these or allow more bits"
    )]
    QuantRange {
        /// The tensor's name (layer and role, e.g. `fc1.output`).
        tensor: String,
        /// Position inside the tensor (row-major, padded shape).
        index: usize,
        /// The integer value.
        value: i128,
        /// Smallest allowed value.
        min: i128,
        /// Largest allowed value.
        max: i128,
    },
    /// A block's claim on a public tensor disagrees with the public values: the proof is
    /// about another input or output.
    #[error("proof does not match the public tensor `{tensor}`")]
    PublicTensorMismatch {
        /// The tensor's name.
        tensor: String,
    },
    /// A model cannot be quantized or proven as given.
    #[error("model node `{node}` ({op}): {reason}")]
    Unprovable {
        /// The node's name.
        node: String,
        /// Its operator.
        op: String,
        /// What is not supported and what to do.
        reason: String,
    },

    /// Proving failed: a looked-up value is not in the table.
    #[error("lookup column `{column}` index {index}: value {value} is not in the table {table}")]
    ValueNotInTable {
        /// Caller's name of the column.
        column: String,
        /// Position inside the column.
        index: usize,
        /// The value, printed as a field element.
        value: String,
        /// The table, e.g. `range [0, 2^16)`.
        table: String,
    },
}
