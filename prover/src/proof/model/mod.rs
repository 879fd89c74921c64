//! Proofs about a committed quantized model — MLP or CNN (DESIGN §7–8): inference on a batch and the count
//! of correct predictions on a committed labelled test set.
//!
//! Vectors, in commitment order: the model M (weights and biases, committed once; the layout
//! training will produce), the per-proof trace T (remainders, ReLU parts, logits, argmax
//! witness, lookup multiplicities, mask), and optionally a data vector D (committed inputs,
//! outputs or labels). Public tensors are absorbed through s0 and evaluated by the verifier.
//!
//! Blocks, each on its own fork of the s0-seeded transcript (fork i = block i): 0 — every range
//! check of the statement in one LogUp-GKR instance over the b-bit table (inputs, weights,
//! biases, ReLU parts, logits, argmax slack, and remainders through a shifted twin column:
//! [`crate::proof::bounds`]), then the table activations' lookups; 1..=L — the
//! layers (dense [`crate::blocks::dense`], convolutions and pools through their gathers,
//! residual sums [`crate::blocks::residual`]); L+1 — argmax and count
//! ([`crate::blocks::argmax`], accuracy only). Softmaxes ([`crate::blocks::softmax`]) — a
//! hidden Softmax after a dense layer, and the output of an inference statement about a model
//! ending in a Softmax, whose probabilities are then the statement's output in place of the
//! logits — run on fork 0: their exponent chunks' lookups after the table activations', their
//! relations after the max pools' difference proofs. All claims are lifted onto their vectors
//! and proven by one opening.
//!
//! Soundness rests on the range checks: they make the field identities integer identities,
//! so a verified proof certifies exactly [`crate::graph::quant::QuantizedModel::forward`].

mod check;
mod examples;
mod file;
mod lookups;
mod plan;
mod prove;
mod shape;
mod verify;

pub use examples::Examples;
pub use file::{DataCommitmentRecord, ModelCommitmentRecord, ModelOpening, ModelProofFile};
pub use plan::ModelArchitecture;
pub(crate) use plan::names;
#[cfg(feature = "adversary")]
pub(crate) use prove::prove_blocks;
pub use prove::{
    CommittedData, CommittedModel, ModelWitness, commit_data, commit_model, commit_public_test_set,
    prove,
};
pub use shape::{LayerKind, LayerShape, ModelShape, Task, Visibility};
pub use verify::{verify, verify_field_part};

use crate::blocks::argmax::ArgmaxProof;
use crate::blocks::avgpool::AvgPoolProof;
use crate::blocks::concat::ConcatProof;
use crate::blocks::conv::GatherProof;
use crate::blocks::dense::DenseProof;
use crate::blocks::maxpool::{DiffProof, MaxPoolProof};
use crate::blocks::pool::PoolProof;
use crate::blocks::residual::ResidualProof;
use crate::blocks::softmax::SoftmaxProof;
use crate::lookup::LookupProof;
use crate::pcs::SplitOpeningProof;
use crate::sumcheck::SumcheckProof;
use ark_bn254::{Fr, G1Affine};

/// The field part of an MLP proof (generic: the circuit allocates it as witnesses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelProofBody<F> {
    /// Every range check, against the b-bit table.
    pub range: LookupProof<F>,
    /// One function-table lookup per table-activation layer, in layer order.
    pub activations: Vec<LookupProof<F>>,
    /// One proof per layer.
    pub layers: Vec<LayerProof<F>>,
    /// Argmax and count (accuracy statements).
    pub argmax: Option<ArgmaxProof<F>>,
    /// One per max-pool layer, in layer order, on the lookups' transcript after the lookups:
    /// the range lookup's claim on the layer's uncommitted differences, resolved to claims on
    /// its output and input ([`crate::blocks::maxpool`]).
    pub pool_diffs: Vec<DiffProof<F>>,
    /// One per softmax the statement proves ([`ModelArchitecture::softmax_sites`]: hidden
    /// Softmax layers, then a Softmax output), on the lookups' transcript: every site's
    /// exponent-chunk lookup after the table activations' lookups, every site's relations
    /// after the max pools' difference proofs.
    pub softmax: Vec<SoftmaxSiteProof<F>>,
}

/// The proof of one softmax: its exponent chunks' table lookup and its relations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftmaxSiteProof<F> {
    /// The (chunk, exponential) pairs in `Table::ExpChunks`.
    pub chunks: LookupProof<F>,
    /// The softmax relations ([`crate::blocks::softmax`]).
    pub block: SoftmaxProof<F>,
}

/// The proof of one layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerProof<F> {
    /// Dense layer.
    Dense(DenseProof<F>),
    /// Convolution: the dense part on im2col rows, then the gather back to the input.
    Conv {
        /// The dense part.
        dense: DenseProof<F>,
        /// The im2col gather.
        gather: GatherProof<F>,
    },
    /// Average pool.
    Pool(PoolProof<F>),
    /// Window average pool: the linear relation, then the gather back to the input.
    AvgPoolWindow {
        /// The average-pool relation.
        pool: AvgPoolProof<F>,
        /// The window gather.
        gather: GatherProof<F>,
    },
    /// Max pool: the window relation, then the gather back to the input.
    MaxPool {
        /// The max-pool relation.
        pool: MaxPoolProof<F>,
        /// The window gather.
        gather: GatherProof<F>,
    },
    /// Residual sum of the previous layer's output and an earlier tensor.
    Residual(ResidualProof<F>),
    /// Concatenation of the previous layer's output and an earlier tensor.
    Concat(ConcatProof<F>),
}

/// A whole model proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelProof {
    /// Commitment to this proof's trace.
    pub trace_commitment: G1Affine,
    /// Fresh randomness absorbed after s0.
    pub salt: Fr,
    /// The blocks.
    pub body: ModelProofBody<Fr>,
    /// The one opening of every claim.
    pub opening: SplitOpeningProof,
}

/// The public values of a statement, real entries only (padding is implied).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicValues {
    /// Public input rows × features (inference with a public input).
    pub input: Option<Vec<Fr>>,
    /// Public outputs rows × classes (inference with a public output): the logits, or the
    /// probabilities at scale 2^s of a model ending in a Softmax.
    pub logits: Option<Vec<Fr>>,
    /// Number of correct predictions (accuracy).
    pub count: Option<Fr>,
}

impl PublicValues {
    /// The statement's public values, unpacked: input, then logits, then count (what the
    /// field-part verifier reads).
    pub fn values(&self) -> Vec<Fr> {
        let mut v = Vec::new();
        v.extend(self.input.iter().flatten());
        v.extend(self.logits.iter().flatten());
        v.extend(self.count.iter());
        v
    }

    /// The public values as the chain sees them: input and logits packed
    /// ([`crate::proof::public`]), then the count.
    pub fn chain_values(&self, arch: &ModelArchitecture) -> Result<Vec<Fr>, crate::Error> {
        crate::proof::public::pack(&arch.public_groups()?, &self.values())
    }

    /// The public values from the chain's words, unpacked (what a buyer reads back).
    pub fn from_chain(arch: &ModelArchitecture, words: &[Fr]) -> Result<Self, crate::Error> {
        let groups = arch.public_groups()?;
        let values = crate::proof::public::unpack(&groups, words)?;
        let mut sizes = groups.iter().map(|g| g.count());
        let mut rest = values.into_iter();
        let mut take = || -> Vec<Fr> { rest.by_ref().take(sizes.next().unwrap_or(0)).collect() };
        let mut out = Self::default();
        if let Task::Inference { input, output, .. } = arch.task {
            if input == Visibility::Public {
                out.input = Some(take());
            }
            if output == Visibility::Public {
                out.logits = Some(take());
            }
        }
        if arch.argmax_shape().is_some() {
            out.count = take().first().copied();
        }
        Ok(out)
    }
}

impl ModelProof {
    /// Serialized size: 32 bytes per field element and per compressed G1 point.
    pub fn size_bytes(&self) -> usize {
        let sc = SumcheckProof::num_elements;
        let lk = LookupProof::num_elements;
        let b = &self.body;
        let mut elements = 1 + lk(&b.range);
        elements += b.activations.iter().map(lk).sum::<usize>();
        let dense = |l: &DenseProof<Fr>| {
            l.values.len() + sc(&l.matmul) + l.zerocheck.as_ref().map_or(0, sc)
        };
        for l in &b.layers {
            elements += match l {
                LayerProof::Dense(d) => dense(d),
                LayerProof::Conv { dense: d, gather } => dense(d) + sc(gather),
                LayerProof::Pool(p) => p.values.len(),
                LayerProof::AvgPoolWindow { pool, gather } => pool.values.len() + sc(gather),
                LayerProof::MaxPool { pool, gather } => {
                    sc(&pool.zerocheck) + pool.padded_taps.len() + pool.values.len() + sc(gather)
                }
                LayerProof::Residual(r) => r.values.len() + r.zerocheck.as_ref().map_or(0, sc),
                LayerProof::Concat(c) => 1 + sc(&c.sumcheck),
            };
        }
        if let Some(a) = &b.argmax {
            elements += a.values.len() + sc(&a.sumcheck) + sc(&a.booleanity);
        }
        elements += b
            .pool_diffs
            .iter()
            .map(|d| d.values.len() + sc(&d.gather))
            .sum::<usize>();
        for p in &b.softmax {
            elements += lk(&p.chunks) + p.block.values.len() + sc(&p.block.max);
            elements += sc(&p.block.zerocheck);
        }
        // The opening, the trace commitment and the salt.
        elements += self.opening.num_elements() + 2;
        32 * elements
    }
}
