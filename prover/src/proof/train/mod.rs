//! Proof of training (DESIGN §9, after Kaizen): the model behind a commitment is the result of
//! T steps of mini-batch SGD ([`crate::train::step`]) with public hyperparameters, from
//! committed initial weights, on a committed dataset.
//!
//! Vectors, in commitment order: the final model W_T (the model vector every inference and
//! accuracy statement takes — byte for byte the same commitment), the initial model W_0 (same
//! layout), the dataset (inputs N × width, one-hot labels N × classes) and the per-proof trace.
//! Every tensor of the T iterations is stacked in the trace with the iteration index on its
//! highest variables, so each block below is one sumcheck over all iterations and the
//! verifier's work grows with log T:
//! - forward: each dense layer of every iteration ([`crate::blocks::dense_iter`]), weights and
//!   biases read from their stacks W[0..T);
//! - loss: the fixed-point softmax ([`crate::blocks::softmax`], cross-entropy) and the gradient
//!   G = [j real]·(P − 2^s·Y) (P = logits for mean squared error) in one zerocheck, the
//!   real-class mask evaluated by the verifier; the dataset's labels one-hot on real classes
//!   ([`crate::blocks::one_hot`]);
//! - backward, per layer: ΔW = round(η·AᵀG / 2^sh) and ΔB = round(η·Σ G / 2^sh')
//!   ([`crate::blocks::dense_iter::prove_rescaled`], [`crate::blocks::dense_iter::prove_bias_update`])
//!   whose Δ claims the update chains ([`crate::blocks::iterate::prove_step`]) turn into claims
//!   on the stacks, on W_T and on W_0; for hidden layers the back-propagated
//!   round(G·Wᵀ / 2^s) and the ReLU derivative ([`crate::blocks::relu_grad`]);
//! - lookups: every bounded tensor in one b-bit range check (a bound below 2^b — remainders,
//!   labels, exponent chunks — twice, with an offset: [`crate::proof::bounds`]), and the
//!   softmax's exponent chunks in their table.
//!
//! Batches are contiguous slices of the dataset in a public schedule (batch t = rows
//! [(t mod N/B)·B, …)), so a claim on a stacked batch tensor is a claim on the dataset with
//! variables fixed. Soundness rests, as for inference, on the range checks: every field
//! identity is then an integer identity, and a verified proof certifies exactly the integer
//! trainer's run. Hyperparameters (widths, s, b, N, B, T, η, loss) are in the architecture id.

#[cfg(any(test, feature = "dev-fixtures"))]
pub mod digits;
mod file;
mod plan;
mod prove;
mod verify;

pub use file::{DATASET_OPENING, DatasetOpening, TrainingProofFile, TrainingRun};
pub use prove::{ProvingInputs, commit_dataset, commit_seeded_initial_model, prove};
pub use verify::{verify, verify_field_part};

use crate::blocks::dense_iter::{BiasUpdateProof, IteratedDenseProof, RescaledProof};
use crate::blocks::iterate::StepProof;
use crate::blocks::relu_grad::ReluGradProof;
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
    /// The model's shape (Dense layers, ReLU on hidden ones, flat input).
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
    /// The forward dense layers of every iteration.
    pub forward: Vec<IteratedDenseProof<F>>,
    /// The softmax of every iteration (cross-entropy).
    pub softmax: Option<SoftmaxProof<F>>,
    /// G = [j real]·(P − 2^s·Y).
    pub gradient: SumcheckProof<F>,
    /// The dataset's labels are one-hot on real classes.
    pub one_hot: SumcheckProof<F>,
    /// The backward pass and updates, per layer.
    pub backward: Vec<BackwardProof<F>>,
}

/// One layer's backward pass over every iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackwardProof<F> {
    /// ΔW = round(η·AᵀG / 2^sh).
    pub weight: RescaledProof<F>,
    /// W[t+1] = W[t] − ΔW[t], W_T and W_0.
    pub weight_chain: StepProof<F>,
    /// ΔB = round(η·Σ G / 2^sh').
    pub bias: BiasUpdateProof<F>,
    /// B[t+1] = B[t] − ΔB[t], B_T and B_0.
    pub bias_chain: StepProof<F>,
    /// Layers above the first: round(G·Wᵀ / 2^s) and the ReLU derivative below.
    pub backprop: Option<(RescaledProof<F>, ReluGradProof<F>)>,
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
        arch.check()?;
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

    fn check(&self) -> Result<(), Error> {
        let (s, c) = (&self.shape, &self.config);
        let pow2 = |x: usize| x.is_power_of_two();
        let last = s.layers.len().saturating_sub(1);
        let layers_ok = !s.layers.is_empty()
            && s.layers.iter().enumerate().all(|(i, l)| {
                l.kind == LayerKind::Dense
                    && l.table.is_none()
                    && l.relu == (i != last)
                    && l.source.is_none()
            })
            && matches!(s.input, InputShape::Flat { .. });
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
        let shifts_ok = lr_shift + logb >= 1
            && lr_shift + logb <= bits
            && scale + lr_shift + logb <= bits
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
            "training proofs cover MLPs so far: a flat input and Dense layers only, with ReLU \
             on the hidden ones and none on the last (the quantized trainer trains CNNs; their \
             proofs are not built yet)",
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
            "the learning rate needs 1 ≤ lr_shift + log2(batch) ≤ bits − scale and 1 ≤ lr_num < \
             2^20",
        )?;
        ensure(
            sizes_ok,
            ARCH,
            "batch, steps and examples must be powers of two, with batch ≤ examples ≤ 2^24 and \
             steps × batch ≤ 2^20",
        )?;
        model.vector_lengths().map(|_| ())
    }
}

impl TrainingProof {
    /// Serialized size: 32 bytes per field element and per compressed G1 point.
    pub fn size_bytes(&self) -> usize {
        let sc = SumcheckProof::num_elements;
        let lk = LookupProof::num_elements;
        let rescaled = |p: &RescaledProof<Fr>| p.values.len() + sc(&p.contraction);
        let chain = |p: &StepProof<Fr>| p.values.len() + sc(&p.sumcheck);
        let b = &self.body;
        let mut elements =
            1 + b.lookups.iter().map(lk).sum::<usize>() + sc(&b.gradient) + sc(&b.one_hot);
        for f in &b.forward {
            elements += f.values.len() + sc(&f.contraction) + f.zerocheck.as_ref().map_or(0, sc);
        }
        if let Some(s) = &b.softmax {
            elements += s.values.len() + sc(&s.max) + sc(&s.zerocheck);
        }
        for w in &b.backward {
            elements += rescaled(&w.weight) + chain(&w.weight_chain);
            elements += w.bias.values.len() + chain(&w.bias_chain);
            if let Some((p, r)) = &w.backprop {
                elements += rescaled(p) + r.values.len() + sc(&r.zerocheck);
            }
        }
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
