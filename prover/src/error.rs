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

    /// A block's (or sub-protocol's, architecture's) statement parameters are inconsistent.
    /// Checked from the statement alone, before any proof is read, so that a verifier never
    /// derives a transcript or a sumcheck shape from parameters it cannot support.
    #[error("{block}: {reason}; fix the statement's parameters (they come from the architecture)")]
    BlockShape {
        /// The block or statement whose parameters are wrong (e.g. "argmax", "LogUp").
        block: &'static str,
        /// Which requirement they break.
        reason: &'static str,
    },
    /// Values handed to a prover or verifier (witness tensors, claims, public values) have a
    /// different length than the statement implies. Lengths read from a proof are
    /// [`Error::ProofShape`] instead.
    #[error("{what}: the statement implies {expected} values, {actual} were given")]
    StatementShape {
        /// Which values have the wrong length.
        what: &'static str,
        /// The length the statement implies.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A size that the multilinear encoding needs to be a power of two is not one (tables,
    /// dimensions, batch sizes).
    #[error("{what} = {value} is not a power of two; pad it to one")]
    NotPowerOfTwo {
        /// Which size.
        what: &'static str,
        /// Its value.
        value: usize,
    },
    /// A size, degree or bit width is above what the protocols support (their soundness
    /// bounds and the verifier's fixed loop sizes assume these maxima).
    #[error("{what} = {value} is above the supported maximum {max}; use a smaller statement")]
    TooLarge {
        /// Which quantity.
        what: &'static str,
        /// Its value.
        value: usize,
        /// The largest supported value.
        max: usize,
    },
    /// A parameter that must be positive is zero (a learning-rate numerator, a width, a
    /// count): it would make a statement empty or a division undefined.
    #[error("{what} is zero; it must be at least 1")]
    ZeroParameter {
        /// Which parameter.
        what: &'static str,
    },
    /// A tensor a plan needs was not computed or has no place in the plan (prover side, or a
    /// statement routed to a plan that does not name it).
    #[error("tensor `{name}` is missing from the plan or the computed trace")]
    MissingTensor {
        /// The tensor's name.
        name: String,
    },
    /// Two of a statement's tensors got the same name from the layers' names (such as layers
    /// `a` and `initial.a`): claims are routed by name, so the statement is refused.
    #[error(
        "two tensors of the statement are both named `{name}`: rename the layers so that no \
         layer's name plus a tensor suffix is another tensor's name"
    )]
    TensorNameCollision {
        /// The shared name.
        name: String,
    },
    /// A proof for one layer kind was given where the architecture has another kind.
    #[error("layer {layer}: the proof is for another kind of layer than the architecture's")]
    LayerProofKind {
        /// The layer's index in the architecture.
        layer: usize,
    },
    /// A public word has bits set above the values it packs: it is not the packing the
    /// statement's public groups describe.
    #[error("public word {word} is not a packing of {values} values of {bits} bits")]
    PublicPacking {
        /// The word's index inside its group.
        word: usize,
        /// How many values it should pack.
        values: usize,
        /// Their bit width.
        bits: u32,
    },
    /// A tensor stored without its padded channels holds something else than the statement's
    /// constant there ([`crate::pcs::layout::AxisSplit`]).
    #[error(
        "tensor `{tensor}` index {index}: a padded channel holds a value other than the \
         statement's constant, so the run is not the statement's (a model's padded weights and \
         biases must be zero, and the run must use the statement's hyperparameters)"
    )]
    PaddedEntry {
        /// The tensor.
        tensor: String,
        /// The index in the padded tensor.
        index: usize,
    },
    /// An internal invariant was broken: a condition the code establishes itself (transcript
    /// forks per block, challenge counts, plan layouts) does not hold.
    #[error("internal invariant broken: {what}; this is a bug, please report it")]
    Internal {
        /// The invariant.
        what: &'static str,
    },

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
    /// A linear relation between a block's stated evaluations does not hold at its random point.
    #[error("{relation}: the stated evaluations violate the relation")]
    RelationMismatch {
        /// The relation, e.g. "max pool: D = O + H − Xcol − H·M".
        relation: &'static str,
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
    /// A statement asks a range check the b-bit table cannot make.
    #[error(
        "tensor `{tensor}` needs the bound [0, {bound}), which the statement's [0, 2^{bits}) \
         table cannot check"
    )]
    RangeBound {
        /// The tensor's name.
        tensor: String,
        /// The bound asked.
        bound: i64,
        /// The table's bits b.
        bits: u32,
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

/// `Ok(())` if `ok`, else [`Error::BlockShape`] naming `block` and `reason`. Statement checks
/// call it once per requirement, so the error says which one failed.
pub(crate) fn ensure(ok: bool, block: &'static str, reason: &'static str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::BlockShape { block, reason })
    }
}

/// `Ok(())` if every `(what, expected, actual)` agrees, else [`Error::StatementShape`] for the
/// first that does not: a prover's check of its witness lengths against the statement.
pub(crate) fn ensure_lens(checks: &[(&'static str, usize, usize)]) -> Result<(), Error> {
    match checks.iter().find(|(_, e, a)| e != a) {
        Some(&(what, expected, actual)) => Err(Error::StatementShape {
            what,
            expected,
            actual,
        }),
        None => Ok(()),
    }
}
