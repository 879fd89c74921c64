//! Proof of training (DESIGN §9, after Kaizen): the model behind a commitment is the result of
//! T steps of mini-batch SGD ([`crate::train::step`]) with public hyperparameters, from
//! committed initial weights, on a committed dataset.
//!
//! Vectors, in commitment order: the final model W_T (the model vector every inference and
//! accuracy statement takes — byte for byte the same commitment), the initial model W_0 (same
//! layout), the dataset (inputs N × width, one-hot labels N × classes) and the per-proof trace.
//! Every tensor of the T iterations is stacked in the trace with the iteration index on its
//! highest variables, so each block below is one sumcheck over all iterations and the
//! verifier's work grows with log T. Models are chains of Dense and convolution layers (ReLU on
//! all but the last, a Dense one) with average or max pools (any window: k×k, stride,
//! padding, overlapping, a global average pool) between two weighted layers:
//! - forward: each dense layer of every iteration ([`crate::blocks::dense_iter`]), weights and
//!   biases read from their stacks W[0..T), at the range lookup's point on its remainder R (R
//!   is never committed: the relation defines it, the lookup bounds it and leaves one claim on
//!   it, and the block proves that claim, so it runs after the lookups on their transcript);
//!   a convolution is the same block on its im2col rows
//!   (examples × output positions) and the im2col gather ([`crate::blocks::conv`]) from the
//!   claim on the never-committed Xcol to one on its input, the iterations joining the
//!   examples' variables; a 2×2 average pool's output is virtual, O = (S − R)/4 over the
//!   committed remainder and the layer below's Pos, range-checked like a committed one, and
//!   every claim on it is resolved into claims on R and Pos once the forks join
//!   ([`crate::blocks::pool::prove_pool_output`], the iterations as more examples);
//! - loss: the fixed-point softmax ([`crate::blocks::softmax`], cross-entropy) and the gradient
//!   G = [j real]·(P − 2^s·Y) (P = logits for mean squared error) in one zerocheck, the
//!   real-class mask evaluated by the verifier; the dataset's labels one-hot on real classes
//!   ([`crate::blocks::one_hot`]);
//! - backward, per weighted layer: ΔW = round(η·AᵀG / 2^sh) and ΔB = round(η·Σ G / 2^sh')
//!   ([`crate::blocks::dense_iter::prove_rescaled`], [`crate::blocks::dense_iter::prove_bias_update`];
//!   for a convolution A = Xcol, its claim carried through the gather, and the sums run over
//!   examples × positions) whose Δ claims the update chains ([`crate::blocks::iterate::prove_step`])
//!   turn into claims on the stacks, on W_T and on W_0; for layers above the first the
//!   back-propagated round(G·Wᵀ / 2^sh'') (a convolution's through col2im,
//!   [`crate::blocks::conv_backprop`]; dense, [`crate::blocks::dense_iter::prove_rescaled_at`])
//!   at the range lookup's point on its remainder, which — like the forward remainder — is
//!   never committed, so this block too runs after the lookups on their transcript; a hidden
//!   layer's output gradient M ⊙ dA is virtual, every claim on it proven with the layer's
//!   ReLU block once the forks join (below). A max pool's backward is its own block
//!   ([`crate::blocks::maxpool_grad`]: the first-maximum selection in the forward block's
//!   window layout and the col2im of the selected gradients, the committed gradient handed
//!   down); so is an average pool's of any other window K than 2×2
//!   ([`crate::blocks::avgpool_grad`]: round(2^e·col2im(UP_G)/K), e = ⌈log2 K⌉ extra bits, its
//!   forward pass the inference block [`crate::blocks::avgpool`] with the window gather). A
//!   2×2 average pool's backward needs no block: the gradient it hands
//!   down is its output gradient repeated over each 2×2 window, whose multilinear extension
//!   ignores the two window bits, so a claim on it is a claim on the output gradient with
//!   those variables dropped (the plan's routing does it). The pool's 1/4 is kept as two extra
//!   scale bits e that the next weighted layer's shifts absorb (sh = s + lr_shift + log B + e,
//!   sh' = lr_shift + log B + e, sh'' = s + e);
//! - lookups: every bounded tensor in one b-bit range check (a bound below 2^b — remainders,
//!   labels, exponent chunks — twice, with an offset: [`crate::proof::bounds`]; a forward
//!   remainder R < 2^s once, as 2^(b − s)·R < 2^b, which bounds it because the relation makes R
//!   an integer far below |Fr|/2^b, and a back-propagated gradient's remainder R < 2^sh'' the
//!   same way, as 2^(b − sh'')·R; a hidden
//!   layer's |Y| and the bound |Y| − M ≥ 0 as a difference of two committed tensors, never
//!   committed itself), and the softmax's exponent chunks in their table;
//! - the ReLU of each hidden layer: Pos = M·|Y|, Neg = (1 − M)·|Y| and the output gradient
//!   M ⊙ dA are never committed; once the blocks have joined, every claim on the three is
//!   proven on |Y|, M and dA in one sumcheck, with M Boolean ([`crate::blocks::relu_train`]).
//!
//! Transcript: the statement (architecture id, the four commitments, the salt), then one fork
//! per block group — the lookups followed by every weighted layer's forward block and then
//! every back-propagation (each at the lookup's claim on its remainder); each max or window
//! average pool's forward block; the loss; each weighted layer's update blocks (and a max or
//! window average pool's backward block below it) — joined by their digests in that order;
//! then, on the joined transcript, the 2×2 pools' output resolutions (their claims on the
//! layer below's Pos join the others), each hidden layer's ReLU block (every claim on its Pos,
//! Neg and output gradient is in: the forward blocks', the pools', its updates' and its
//! back-propagation's) and the opening. Every block draws its challenges after the
//! trace commitment, which binds every tensor a block reads (a virtual one — Pos, Neg, the
//! output gradient, a forward or back-propagation remainder, a 2×2 pool's output — through
//! the committed tensors that define it).
//!
//! Batches are contiguous slices of the dataset in a public schedule (batch t = rows
//! [(t mod N/B)·B, …)), so a claim on a stacked batch tensor is a claim on the dataset with
//! variables fixed. Soundness rests, as for inference, on the range checks: every field
//! identity is then an integer identity, and a verified proof certifies exactly the integer
//! trainer's run. Hyperparameters (shape, s, b, N, B, T, η, loss) are in the architecture id.
//! The claim means what it says only if the verifier vouches for the initial model (registered
//! or seed-derived) and the dataset (registered by its publisher); the final model is the
//! commitment inference and accuracy proofs then take, and only the trace is the prover's.

#[cfg(any(test, feature = "dev-fixtures"))]
pub mod digits;
mod file;
mod plan;
mod prove;
mod routing;
mod shapes;
mod sink;
mod verify;
mod witness;

pub use file::{DATASET_OPENING, DatasetOpening, TrainingProofFile, TrainingRun};
pub use prove::{ProvingInputs, commit_dataset, commit_seeded_initial_model, prove};
pub use verify::{verify, verify_field_part};

use crate::blocks::avgpool::AvgPoolProof;
use crate::blocks::avgpool_grad::AvgPoolGradProof;
use crate::blocks::conv::GatherProof;
use crate::blocks::conv_backprop::ConvBackpropProof;
use crate::blocks::dense_iter::{BiasUpdateProof, IteratedDenseProof, RescaledProof};
use crate::blocks::iterate::StepProof;
use crate::blocks::maxpool::MaxPoolProof;
use crate::blocks::maxpool_grad::MaxPoolGradProof;
use crate::blocks::pool::PoolProof;
use crate::blocks::relu_train::ReluProof;
use crate::blocks::softmax::SoftmaxProof;
use crate::error::{Error, ensure};
use crate::graph::quant::InputShape;
use crate::lookup::LookupProof;
use crate::pcs::{SplitOpeningProof, Srs};
use crate::proof::model::{LayerKind, ModelArchitecture, ModelShape, Task, Visibility};
use crate::proof::roles::CommitmentRole;
use crate::sumcheck::SumcheckProof;
use crate::train::{Loss, TrainConfig};
use ark_bn254::{Fr, G1Affine};

/// Everything a training statement's circuit and verifying key depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TrainArchitecture {
    /// The model's shape (Dense and convolution layers, ReLU on all but the last, a Dense
    /// one, and average or max pools between weighted layers).
    pub shape: ModelShape,
    /// Hyperparameters: scale, bits, batch, steps T, learning rate, loss.
    pub config: TrainConfig,
    /// Training examples N in the committed dataset (a power of two, a multiple of the batch).
    pub examples: usize,
}

/// The field part of a training proof (generic: the circuit allocates it as witnesses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingProofBody<F> {
    /// The b-bit range check, then the four exponent-chunk lookups (cross-entropy).
    pub lookups: Vec<LookupProof<F>>,
    /// The forward pass of every iteration, per layer.
    pub forward: Vec<ForwardProof<F>>,
    /// The softmax of every iteration (cross-entropy).
    pub softmax: Option<SoftmaxProof<F>>,
    /// G = [j real]·(P − 2^s·Y).
    pub gradient: SumcheckProof<F>,
    /// The dataset's labels are one-hot on real classes.
    pub one_hot: SumcheckProof<F>,
    /// The backward pass and updates, per weighted layer.
    pub backward: Vec<BackwardProof<F>>,
    /// Every hidden layer's claims on its virtual Pos, Neg and output gradient, proven on
    /// |Y|, M and dA once the blocks have joined, bottom layer first.
    pub relus: Vec<ReluProof<F>>,
}

/// One layer's forward pass over every iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardProof<F> {
    /// A dense layer.
    Dense(IteratedDenseProof<F>),
    /// A convolution: the dense block on im2col rows, then the gather to its input.
    Conv {
        /// The dense part.
        dense: IteratedDenseProof<F>,
        /// Xcol's claim to one on the input.
        gather: GatherProof<F>,
    },
    /// A 2×2 average pool.
    Pool(PoolProof<F>),
    /// A max pool: the window relation, then the gather to its input.
    MaxPool {
        /// The max-pool relation.
        pool: MaxPoolProof<F>,
        /// The window gather.
        gather: GatherProof<F>,
    },
    /// An average pool of any other window: the window relation, then the gather.
    AvgPoolWindow {
        /// The average-pool relation.
        pool: AvgPoolProof<F>,
        /// The window gather.
        gather: GatherProof<F>,
    },
}

/// The backward pass of a pool that needs its own block (the one directly below a weighted
/// layer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolGradProof<F> {
    /// A max pool: the first maximum's selection and col2im.
    Max(MaxPoolGradProof<F>),
    /// An average pool of any other window than 2×2: col2im, rescaled.
    Average(AvgPoolGradProof<F>),
}

/// A weighted layer's back-propagated gradient over every iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackpropProof<F> {
    /// A dense layer: round(G·Wᵀ / 2^sh).
    Dense(RescaledProof<F>),
    /// A convolution: round(col2im(G·Wᵀ) / 2^sh).
    Conv(ConvBackpropProof<F>),
}

/// One weighted layer's backward pass over every iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackwardProof<F> {
    /// ΔW = round(η·AᵀG / 2^sh).
    pub weight: RescaledProof<F>,
    /// Convolutions: the update's left operand Xcol gathered from the layer's input.
    pub weight_gather: Option<GatherProof<F>>,
    /// W[t+1] = W[t] − ΔW[t], W_T and W_0.
    pub weight_chain: StepProof<F>,
    /// ΔB = round(η·Σ G / 2^sh').
    pub bias: BiasUpdateProof<F>,
    /// B[t+1] = B[t] − ΔB[t], B_T and B_0.
    pub bias_chain: StepProof<F>,
    /// Layers above the first: the gradient back-propagated to the layer directly below (on
    /// the lookup fork, at the range lookup's claim on its remainder).
    pub backprop: Option<BackpropProof<F>>,
    /// A max pool or window average pool directly below: its backward pass.
    pub pool_grad: Option<PoolGradProof<F>>,
}

/// A whole training proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingProof {
    /// Commitment to this proof's trace.
    pub trace_commitment: G1Affine,
    /// Fresh randomness absorbed after s0.
    pub salt: Fr,
    /// The blocks.
    pub body: TrainingProofBody<Fr>,
    /// The one opening of every claim.
    pub opening: SplitOpeningProof,
}

impl TrainArchitecture {
    /// The architecture of a training run: the initial model's shape, the hyperparameters and
    /// the dataset size.
    pub fn new(shape: ModelShape, config: TrainConfig, examples: usize) -> Result<Self, Error> {
        let arch = Self {
            shape,
            config,
            examples,
        };
        // The plan checks the architecture, then that no two tensors share a name.
        arch.plan()?;
        Ok(arch)
    }

    /// The canonical description hashed into the architecture id.
    pub fn description(&self) -> String {
        let c = &self.config;
        let loss = match c.loss {
            Loss::CrossEntropy => "cross-entropy",
            Loss::MeanSquaredError => "mse",
        };
        format!(
            "zkmodel/train/v2/{}/examples={}/batch={}/steps={}/lr={}/2^{}/loss={loss}",
            self.shape.description(),
            self.examples,
            c.batch,
            c.steps,
            c.lr_num,
            c.lr_shift
        )
    }

    /// The roles of the statement's commitments, in order (DESIGN §11.6).
    pub fn commitment_roles(&self) -> Vec<CommitmentRole> {
        vec![
            CommitmentRole::FinalModel,
            CommitmentRole::InitialModel,
            CommitmentRole::Dataset,
            CommitmentRole::Trace,
        ]
    }

    /// Number of commitments a training statement names.
    pub fn num_commitments(&self) -> usize {
        self.commitment_roles().len()
    }

    /// Number of public words: none (hyperparameters are bound by the architecture id).
    pub fn public_len(&self) -> usize {
        0
    }

    /// keccak(description ‖ SRS id ‖ transcript id).
    pub fn id(&self, srs: &Srs) -> [u8; 32] {
        crate::proof::statement::architecture_id(&self.description(), srs)
    }

    /// An architecture of the same model shape for inference and accuracy statements: its
    /// model vector has the layout training's final model is committed in.
    pub fn model_architecture(&self, task: Task) -> ModelArchitecture {
        ModelArchitecture {
            shape: self.shape.clone(),
            task,
        }
    }

    /// The lengths of the committed vectors (final model, initial model, dataset, trace).
    pub fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        Ok(self.plan()?.layouts.iter().map(|l| l.len()).collect())
    }

    /// Entries the trace's tensors take (its power-of-two length less the unused tail): what
    /// the opening's full-scalar commitments cost grows with.
    pub fn trace_entries(&self) -> Result<usize, Error> {
        let plan = self.plan()?;
        let trace = plan.layouts.get(plan::TRACE).ok_or(Error::Internal {
            what: "a training plan lays out a trace",
        })?;
        Ok(trace.tensor_entries())
    }

    fn check(&self) -> Result<(), Error> {
        let (s, c) = (&self.shape, &self.config);
        let pow2 = |x: usize| x.is_power_of_two();
        let layers_ok = self.layers_trainable();
        let bits_ok = c.scale == s.scale
            && c.bits == s.bits
            && (1..=16).contains(&c.scale)
            && c.scale + 2 <= c.bits
            && c.bits <= 24
            && (c.loss == Loss::MeanSquaredError || (c.bits <= 16 && c.scale >= 4));
        // Hyperparameters come from user files: widen before adding or multiplying, so a huge
        // value cannot wrap around into range.
        let logb = u64::from(c.batch.trailing_zeros());
        let (lr_shift, scale, bits) =
            (u64::from(c.lr_shift), u64::from(c.scale), u64::from(c.bits));
        // A pool's two extra gradient bits widen the next weighted layer's shifts.
        let extra = u64::from(self.max_extra_bits());
        let shifts_ok = lr_shift + logb >= 1
            && lr_shift + logb + extra <= bits
            && scale + lr_shift + logb + extra <= bits
            && c.lr_num >= 1
            && c.lr_num < 1 << 20;
        let sizes_ok = pow2(c.batch)
            && pow2(c.steps)
            && pow2(self.examples)
            && self.examples >= c.batch
            && c.steps.checked_mul(c.batch).is_some_and(|n| n <= 1 << 20)
            && self.examples <= 1 << 24;
        // Shapes are checked by the model plan too (widths, classes).
        let model = self.model_architecture(Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        });
        const ARCH: &str = "training architecture";
        ensure(
            layers_ok,
            ARCH,
            "training proofs cover chains of Dense and convolution layers (ReLU on every one but \
             the last, a Dense layer) with average or max pools (any window, no activation) \
             between two weighted layers; no branches or table activations",
        )?;
        ensure(
            bits_ok,
            ARCH,
            "the config's scale and bits must be the model's, with 1 ≤ scale ≤ 16 and scale + 2 \
             ≤ bits ≤ 24 (bits ≤ 16 and scale ≥ 4 for cross-entropy)",
        )?;
        ensure(
            shifts_ok,
            ARCH,
            "the learning rate needs 1 ≤ lr_shift + log2(batch) ≤ bits − scale − e (e = ⌈log2 K⌉ \
             per average pool of K taps above a weighted layer) and 1 ≤ lr_num < 2^20",
        )?;
        ensure(
            sizes_ok,
            ARCH,
            "batch, steps and examples must be powers of two, with batch ≤ examples ≤ 2^24 and \
             steps × batch ≤ 2^20",
        )?;
        // The model's checks (real channels included, `ModelShape::check_real_channels`).
        model.vector_lengths().map(|_| ())
    }
}

impl TrainArchitecture {
    /// Whether the layers form a chain the training statement proves: Dense and convolution
    /// layers (no table, no branch) with ReLU on every one but the last, which is Dense;
    /// average and max pools (any window), without activation, each between two weighted
    /// layers.
    fn layers_trainable(&self) -> bool {
        let layers = &self.shape.layers;
        let weighted =
            |i: Option<usize>| i.and_then(|i| layers.get(i)).is_some_and(|l| l.is_dense());
        let flat_first = !matches!(layers.first().map(|l| l.kind), Some(LayerKind::Conv(_)));
        !layers.is_empty()
            && layers.iter().enumerate().all(|(i, l)| {
                let last = i + 1 == layers.len();
                l.table.is_none()
                    && l.softmax.is_none()
                    && l.source.is_none()
                    && match l.kind {
                        LayerKind::Dense => l.relu != last,
                        // Padded output rows carry no bias (the statement's row mask), so
                        // they output 0 and feed no gradient: any map size.
                        LayerKind::Conv(_) => l.relu && !last,
                        LayerKind::AvgPool { .. } => {
                            !l.relu && weighted(i.checked_sub(1)) && weighted(Some(i + 1))
                        }
                        // Any window the forward block takes; the weighted layer below has a
                        // ReLU (it is not the last), so the pool's input is non-negative, as
                        // the backward block's first-maximum argument needs.
                        LayerKind::MaxPool(_) | LayerKind::AvgPoolWindow(_) => {
                            !l.relu && weighted(i.checked_sub(1)) && weighted(Some(i + 1))
                        }
                        _ => false,
                    }
            })
            && flat_first == matches!(self.shape.input, InputShape::Flat { .. })
    }

    /// The extra scale bits of layer `i`'s output gradient: ⌈log2 K⌉ per average pool of
    /// window K directly above it (2 for a 2×2 pool; a max pool passes its gradient on
    /// unscaled).
    pub(crate) fn extra_bits(&self, i: usize) -> u32 {
        self.shape
            .layers
            .iter()
            .skip(i + 1)
            .map_while(|l| match l.kind {
                LayerKind::AvgPool { .. } => Some(2),
                LayerKind::AvgPoolWindow(g) => Some(crate::train::window_bits(&g)),
                LayerKind::MaxPool(_) => Some(0),
                _ => None,
            })
            .fold(0u32, u32::saturating_add)
    }

    fn max_extra_bits(&self) -> u32 {
        (0..self.shape.layers.len())
            .map(|i| self.extra_bits(i))
            .max()
            .unwrap_or(0)
    }
}

impl TrainingProof {
    /// Serialized size: 32 bytes per field element and per compressed G1 point.
    pub fn size_bytes(&self) -> usize {
        let sc = SumcheckProof::num_elements;
        let lk = LookupProof::num_elements;
        let rescaled = |p: &RescaledProof<Fr>| p.values.len() + sc(&p.contraction);
        let chain = |p: &StepProof<Fr>| p.values.len() + sc(&p.sumcheck);
        let dense = |f: &IteratedDenseProof<Fr>| f.values.len() + sc(&f.contraction);
        let b = &self.body;
        let mut elements =
            1 + b.lookups.iter().map(lk).sum::<usize>() + sc(&b.gradient) + sc(&b.one_hot);
        for f in &b.forward {
            elements += match f {
                ForwardProof::Dense(d) => dense(d),
                ForwardProof::Conv { dense: d, gather } => dense(d) + sc(gather),
                ForwardProof::Pool(p) => p.values.len(),
                ForwardProof::MaxPool { pool, gather } => {
                    sc(&pool.zerocheck) + pool.padded_taps.len() + pool.values.len() + sc(gather)
                }
                ForwardProof::AvgPoolWindow { pool, gather } => pool.values.len() + sc(gather),
            };
        }
        if let Some(s) = &b.softmax {
            elements += s.values.len() + sc(&s.max) + sc(&s.zerocheck);
        }
        for w in &b.backward {
            elements += rescaled(&w.weight) + chain(&w.weight_chain);
            elements += w.weight_gather.as_ref().map_or(0, sc);
            elements += w.bias.values.len() + chain(&w.bias_chain);
            if let Some(p) = &w.backprop {
                elements += match p {
                    BackpropProof::Dense(p) => rescaled(p),
                    BackpropProof::Conv(p) => p.values.len() + sc(&p.scatter) + sc(&p.contraction),
                };
            }
            elements += match &w.pool_grad {
                Some(PoolGradProof::Max(p)) => 1 + p.values.len() + sc(&p.sumcheck),
                Some(PoolGradProof::Average(p)) => p.values.len() + sc(&p.scatter),
                None => 0,
            };
        }
        elements += b.relus.iter().map(|r| sc(&r.sumcheck)).sum::<usize>();
        // The opening, the trace commitment and the salt.
        elements += self.opening.num_elements() + 2;
        32 * elements
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::train::digits::DigitsTraining;

    /// Hyperparameters that would wrap around in 32- or 64-bit arithmetic are refused, not
    /// accepted as small ones.
    #[test]
    fn hyperparameters_that_would_wrap_are_refused() {
        let base = DigitsTraining::load(TrainConfig::digits_mlp(4), 64)
            .unwrap()
            .arch;
        let with = |f: &dyn Fn(&mut TrainConfig)| {
            let mut config = base.config;
            f(&mut config);
            TrainArchitecture::new(base.shape.clone(), config, base.examples)
        };
        assert!(with(&|_| ()).is_ok());
        // lr_shift + log2(batch) wraps to 0..bits in u32.
        let wrapped = with(&|c| c.lr_shift = u32::MAX - 3);
        assert!(
            matches!(wrapped, Err(Error::BlockShape { .. })),
            "{wrapped:?}"
        );
        // steps × batch (2^60 × 2^5) wraps to 0 in usize.
        let wrapped = with(&|c| c.steps = 1 << 60);
        assert!(
            matches!(wrapped, Err(Error::BlockShape { .. })),
            "{wrapped:?}"
        );
    }
}
