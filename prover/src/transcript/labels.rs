//! Domain-separation labels: one fixed field element per message kind.
//!
//! A label is up to 16 ASCII bytes read as a big-endian integer. A message absorbs one header
//! word, label · 2^64 + length, before its elements. The values are part of the
//! protocol: the circuit and any other verifier must use the same ones.

use ark_bn254::Fr;

/// A domain-separation label (≤ 16 ASCII bytes, big-endian as an integer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(pub u128);

impl Label {
    /// Packs an ASCII name of at most 16 bytes; longer names fail to compile when used in a
    /// `const`.
    pub const fn new(name: &[u8]) -> Self {
        assert!(name.len() <= 16, "label longer than 16 bytes");
        let mut v: u128 = 0;
        let mut i = 0;
        while i < name.len() {
            v = (v << 8) | name[i] as u128;
            i += 1;
        }
        Label(v)
    }

    /// The label as a field element.
    pub fn to_fr(self) -> Fr {
        Fr::from(self.0)
    }

    /// The header word of a message with this label and `len` elements:
    /// label · 2^64 + len (< 2^192 < r, so distinct (label, len) pairs give distinct words).
    pub fn header(self, len: usize) -> Fr {
        self.to_fr() * Fr::from(1u128 << 64) + Fr::from(len as u64)
    }
}

/// Opens every transcript.
pub const DOMAIN: Label = Label::new(b"zkmodel/v1");
/// A generic statement absorption.
pub const STATEMENT: Label = Label::new(b"statement");
/// Entering a forked sub-transcript (followed by the fork index).
pub const FORK: Label = Label::new(b"fork");
/// A fork's closing digest.
pub const DIGEST: Label = Label::new(b"digest");
/// Fork digests absorbed back into the parent.
pub const JOIN: Label = Label::new(b"join");

/// Sumcheck statement: per instance (num_vars, degree) and claimed sums.
pub const SUMCHECK_STATEMENT: Label = Label::new(b"sc/statement");
/// Batching coefficient for several sumcheck instances.
pub const SUMCHECK_BATCH: Label = Label::new(b"sc/batch");
/// One round polynomial's evaluations.
pub const SUMCHECK_ROUND: Label = Label::new(b"sc/round");
/// A round challenge.
pub const SUMCHECK_CHALLENGE: Label = Label::new(b"sc/challenge");
/// The final evaluations of each instance's polynomials.
pub const SUMCHECK_FINAL: Label = Label::new(b"sc/final");

/// Zerocheck statement (num_vars, degree).
pub const ZEROCHECK_STATEMENT: Label = Label::new(b"zc/statement");
/// Zerocheck's random point τ.
pub const ZEROCHECK_TAU: Label = Label::new(b"zc/tau");

/// LogUp statement: table description, column count and size.
pub const LOGUP_STATEMENT: Label = Label::new(b"logup/statement");
/// LogUp's random shift β.
pub const LOGUP_BETA: Label = Label::new(b"logup/beta");
/// A GKR layer's claimed child values.
pub const GKR_LAYER: Label = Label::new(b"gkr/layer");
/// The challenge folding the two children of a GKR node, drawn with the next layer's λ and
/// tree-batching challenge.
pub const GKR_FOLD: Label = Label::new(b"gkr/fold");
/// The root layer's challenges: λ combining numerator and denominator claims, and the one
/// batching the two trees.
pub const GKR_LAMBDA: Label = Label::new(b"gkr/lambda");
/// Leaf evaluations of the looked-up columns.
pub const LOGUP_COLUMNS: Label = Label::new(b"logup/columns");

/// The chain-computed statement seed s0 (DESIGN §11), absorbed first by a proof transcript.
pub const SEED: Label = Label::new(b"seed/s0");
/// Opening claims: structure and values.
pub const PCS_CLAIMS: Label = Label::new(b"pcs/claims");
/// The challenge ρ batching all claims.
pub const PCS_RHO: Label = Label::new(b"pcs/rho");
/// The evaluation point ζ.
pub const PCS_ZETA: Label = Label::new(b"pcs/zeta");
/// The evaluations g(ζ⁻¹), h(ζ⁻¹), s₁(ζ⁻¹), ĝ(ζ), s₂(ζ).
pub const PCS_EVALS: Label = Label::new(b"pcs/evals");
/// The challenge γ combining the commitments opened at each point (F_ζ, F_ι).
pub const PCS_GAMMA: Label = Label::new(b"pcs/gamma");
/// The row-split opening: β, combining the vectors' values at the reduced point.
pub const PCS_BETA: Label = Label::new(b"pcs/beta");
/// The row-split opening: d₁ = keccak(H) mod r, the digest of the row-value commitment.
pub const PCS_ROWS: Label = Label::new(b"pcs/rows");
/// The row-split opening: the fold point α and the identity-batching challenge ρ₂.
pub const PCS_FOLD: Label = Label::new(b"pcs/fold");
/// The row-split opening: d₂ = keccak(G, Ĝ, Q, S₁, S₂) mod r, the digest of the fold, quotient
/// and inner-product commitments.
pub const PCS_SPLIT: Label = Label::new(b"pcs/split");

/// MatMul statement: log2 of (m, k, n).
pub const MATMUL_STATEMENT: Label = Label::new(b"matmul/stmt");
/// MatMul output point.
pub const MATMUL_POINT: Label = Label::new(b"matmul/point");
/// MatMul claimed output evaluation.
pub const MATMUL_OUTPUT: Label = Label::new(b"matmul/output");
/// A proof's random salt (zero knowledge, DESIGN §7).
pub const SALT: Label = Label::new(b"salt");
/// Dense layer: statement (sizes, scale, ReLU).
pub const DENSE_STATEMENT: Label = Label::new(b"dense/stmt");
/// Dense layer: the output point.
pub const DENSE_POINT: Label = Label::new(b"dense/point");
/// Dense layer: the prover's evaluations at the output point.
pub const DENSE_VALUES: Label = Label::new(b"dense/values");
/// Dense part of a convolution whose output layout has padded positions: the real output
/// height and width and the layout's padded ones (those rows carry no bias).
pub const DENSE_ROW_MASK: Label = Label::new(b"dense/rowmask");
/// Argmax: statement.
pub const ARGMAX_STATEMENT: Label = Label::new(b"argmax/stmt");
/// Argmax: points and combination challenges.
pub const ARGMAX_POINT: Label = Label::new(b"argmax/point");
/// Argmax: the prover's evaluations.
pub const ARGMAX_VALUES: Label = Label::new(b"argmax/values");
/// Convolution gather: statement (geometry).
pub const GATHER_STATEMENT: Label = Label::new(b"gather/stmt");
/// col2im (the gather's transpose): statement.
pub const SCATTER_STATEMENT: Label = Label::new(b"scatter/stmt");
/// Convolution back-propagation block (training): statement.
pub const CONV_BACKPROP_STATEMENT: Label = Label::new(b"convbp/stmt");
/// Convolution back-propagation block: the prover's Ũ with the remainder's lookup value.
pub const CONV_BACKPROP_VALUES: Label = Label::new(b"convbp/values");
/// Max-pool backward block (training): statement.
pub const MAXPOOL_GRAD_STATEMENT: Label = Label::new(b"maxpoolbp/stmt");
/// Max-pool backward block: the point r on the input gradient and the tap point r′.
pub const MAXPOOL_GRAD_POINT: Label = Label::new(b"maxpoolbp/point");
/// Max-pool backward block: the batching challenge γ and the zerocheck point τ.
pub const MAXPOOL_GRAD_BATCH: Label = Label::new(b"maxpoolbp/batch");
/// Max-pool backward block: the prover's evaluations.
pub const MAXPOOL_GRAD_VALUES: Label = Label::new(b"maxpoolbp/values");
/// Average pool: statement.
pub const POOL_STATEMENT: Label = Label::new(b"pool/stmt");
/// Average pool: the output point.
pub const POOL_POINT: Label = Label::new(b"pool/point");
/// Average pool: the prover's evaluations.
pub const POOL_VALUES: Label = Label::new(b"pool/values");
/// Max pool: statement (batch, bits, window geometry).
pub const MAXPOOL_STATEMENT: Label = Label::new(b"maxpool/stmt");
/// Max pool: the differences at the padded taps.
pub const MAXPOOL_TAPS: Label = Label::new(b"maxpool/taps");
/// Max pool: the tap point.
pub const MAXPOOL_TAP_POINT: Label = Label::new(b"maxpool/tappt");
/// Max pool: the prover's evaluations of O and Xcol.
pub const MAXPOOL_VALUES: Label = Label::new(b"maxpool/values");
/// Max pool, virtual differences: the prover's Õ and X̃col at the range lookup's point.
pub const MAXPOOL_DIFF_VALUES: Label = Label::new(b"maxpool/diffs");
/// Window average pool: statement (batch, window geometry).
pub const AVGPOOL_STATEMENT: Label = Label::new(b"avgpool/stmt");
/// Window average pool: the output point.
pub const AVGPOOL_POINT: Label = Label::new(b"avgpool/point");
/// Window average pool: the prover's evaluations.
pub const AVGPOOL_VALUES: Label = Label::new(b"avgpool/values");
/// Average-pool backward block (training): statement.
pub const AVGPOOL_GRAD_STATEMENT: Label = Label::new(b"avgpoolbp/stmt");
/// Average-pool backward block: the point r on the gradient handed down.
pub const AVGPOOL_GRAD_POINT: Label = Label::new(b"avgpoolbp/point");
/// Average-pool backward block: the prover's evaluations.
pub const AVGPOOL_GRAD_VALUES: Label = Label::new(b"avgpoolbp/values");
/// LogUp: the challenge folding (x, f(x)) pairs of function tables.
pub const LOGUP_ALPHA: Label = Label::new(b"logup/alpha");
/// Iterated blocks (training): statement.
pub const ITERATE_STATEMENT: Label = Label::new(b"iter/stmt");
/// Iterated blocks: points.
pub const ITERATE_POINT: Label = Label::new(b"iter/point");
/// Iterated blocks: the prover's evaluations.
pub const ITERATE_VALUES: Label = Label::new(b"iter/values");
/// Softmax block: statement.
pub const SOFTMAX_STATEMENT: Label = Label::new(b"softmax/stmt");
/// Softmax block: points and challenges.
pub const SOFTMAX_POINT: Label = Label::new(b"softmax/point");
/// Softmax block: the prover's evaluations.
pub const SOFTMAX_VALUES: Label = Label::new(b"softmax/values");
/// Training ReLU block: statement.
pub const RELU_STATEMENT: Label = Label::new(b"relu/stmt");
/// Training ReLU block: the claimed values of the virtual Pos, Neg and output gradient.
pub const RELU_CLAIMS: Label = Label::new(b"relu/claims");
/// Training ReLU block: λ, batching the claims.
pub const RELU_LAMBDA: Label = Label::new(b"relu/lambda");
/// Training ReLU block: γ, batching the mask's relation with the claims.
pub const RELU_GAMMA: Label = Label::new(b"relu/gamma");
/// Training ReLU block: the point τ of the mask's relation.
pub const RELU_TAU: Label = Label::new(b"relu/tau");
/// Loss-gradient block: statement.
pub const LOSS_GRAD_STATEMENT: Label = Label::new(b"lossgrad/stmt");
/// One-hot labels block: statement.
pub const ONE_HOT_STATEMENT: Label = Label::new(b"onehot/stmt");
/// One-hot labels block: the row point.
pub const ONE_HOT_POINT: Label = Label::new(b"onehot/point");
/// Residual-sum block: statement.
pub const RESIDUAL_STATEMENT: Label = Label::new(b"residual/stmt");
/// Residual-sum block: the random point.
pub const RESIDUAL_POINT: Label = Label::new(b"residual/point");
/// Residual-sum block: the prover's evaluations.
pub const RESIDUAL_VALUES: Label = Label::new(b"residual/values");
/// Concatenation block: statement.
pub const CONCAT_STATEMENT: Label = Label::new(b"concat/stmt");
/// Concatenation block: the random point on the output.
pub const CONCAT_POINT: Label = Label::new(b"concat/point");
