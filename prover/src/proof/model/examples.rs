//! A statement on real examples, end to end: quantize the float examples the way the
//! architecture's model reads them, commit the data vector the way the task requires, run the
//! forward pass and prove. What a seller's tool calls; the block-level API stays below it.
//!
//! The data vector's commitment depends on the task: an accuracy statement's test set is
//! committed with public mask randomness, so its publisher and every buyer recompute the very
//! commitment the publisher registered (DESIGN §11.6); an inference statement's committed
//! input gets fresh masks (it stays hidden).

use super::file::{ModelOpening, ModelProofFile};
use super::plan::ModelArchitecture;
use super::prove::{CommittedData, ModelWitness, commit_data, commit_public_test_set, prove};
use super::shape::{ModelShape, Task, Visibility};
use crate::error::Error;
use crate::field::encoding::{from_i128, to_i128};
use crate::graph::quant::{InputShape, QuantizedModel, quantize_examples};
use crate::graph::tensor::Tensor;
use crate::pcs::Srs;
use crate::proof::public::{PublicGroup, pack, unpack};
use ark_bn254::Fr;
use rand::{CryptoRng, RngCore};

/// A statement's examples, quantized and padded as its architecture reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Examples {
    /// Real examples.
    pub count: usize,
    /// Padded rows × per-example input, integers at the model's scale.
    pub input: Vec<i64>,
    /// Class labels, one per real example (accuracy statements).
    pub labels: Option<Vec<usize>>,
}

impl ModelShape {
    /// Quantizes a float batch (shape `[batch, …]`) as a model of this shape reads it.
    pub fn quantize_input(&self, x: &Tensor) -> Result<(usize, Vec<i64>), Error> {
        quantize_examples(self.input, self.scale, x)
    }
}

impl ModelArchitecture {
    /// Quantizes `x` (and takes `labels`) as this statement's examples. The batch must be the
    /// task's size exactly (inference rows, accuracy examples); accuracy needs one label per
    /// example, each a real class.
    pub fn examples(&self, x: &Tensor, labels: Option<&[usize]>) -> Result<Examples, Error> {
        let count = x.shape.first().copied().unwrap_or(0);
        let (expected, what) = match self.task {
            Task::Inference { rows, .. } => (rows, "examples (the architecture's inference rows)"),
            Task::Accuracy { examples } => {
                (examples, "examples (the architecture's test-set size)")
            }
        };
        crate::error::ensure_lens(&[(what, expected, count)])?;
        let (m, input) = self.shape.quantize_input(x)?;
        crate::error::ensure_lens(&[("padded rows", self.rows(), m)])?;
        let labels = match (self.task, labels) {
            (Task::Accuracy { .. }, Some(l)) => {
                crate::error::ensure_lens(&[("labels (one per example)", count, l.len())])?;
                if let Some(bad) = l.iter().find(|c| **c >= self.shape.classes) {
                    return Err(Error::TooLarge {
                        what: "label (a class index)",
                        value: *bad,
                        max: self.shape.classes.saturating_sub(1),
                    });
                }
                Some(l.to_vec())
            }
            (Task::Accuracy { .. }, None) => {
                return Err(Error::MissingTensor {
                    name: "labels (an accuracy statement needs one per example)".into(),
                });
            }
            (Task::Inference { .. }, _) => None,
        };
        Ok(Examples {
            count,
            input,
            labels,
        })
    }

    /// The registered commitment of a published test set (accuracy statements): what its
    /// publisher registers and anyone holding the data recomputes.
    pub fn commit_test_set(&self, srs: &Srs, ex: &Examples) -> Result<CommittedData, Error> {
        let labels = ex.labels.as_deref().ok_or_else(|| Error::MissingTensor {
            name: "labels (a test set needs one per example)".into(),
        })?;
        commit_public_test_set(srs, self, &ex.input, labels)
    }

    /// Proves this statement about the committed model `opening` (of the quantized model `q`)
    /// on `ex`. Returns the proof file and the data vector (inference: the prover's committed
    /// input, whose commitment a buyer may pin; accuracy: the public test set).
    pub fn prove_examples(
        &self,
        srs: &Srs,
        q: &QuantizedModel,
        opening: &ModelOpening,
        ex: &Examples,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<(ModelProofFile, Option<CommittedData>), Error> {
        crate::error::ensure(
            ModelShape::from(q) == self.shape,
            "model statement",
            "the quantized model's shape is not the architecture's",
        )?;
        let trace = q.forward(self.rows(), ex.input.clone())?;
        let data = match (&ex.labels, self.has_data()) {
            (_, false) => None,
            (Some(_), true) => Some(self.commit_test_set(srs, ex)?),
            (None, true) => {
                let outputs = match self.task {
                    Task::Inference {
                        output: Visibility::Committed,
                        ..
                    } => Some(trace.outputs()),
                    _ => None,
                };
                Some(commit_data(srs, self, &ex.input, outputs, None, rng)?)
            }
        };
        let w = ModelWitness {
            model: q,
            committed_model: &opening.model,
            data: data.as_ref(),
            trace: &trace,
            labels: ex.labels.as_deref(),
        };
        let (proof, public) = prove(srs, self, &w, rng)?;
        let file = ModelProofFile {
            architecture: self.clone(),
            srs_id: srs.id(),
            model: opening.model.commitment,
            data: data.as_ref().map(|d| d.commitment),
            public_words: public.chain_values(self)?,
            proof,
        };
        Ok((file, data))
    }

    /// The input group of a public-input inference statement (the first public group), and
    /// the real values per example row: what an escrowed request's `inputWords` carry.
    fn request_input_group(&self) -> Result<(PublicGroup, usize), Error> {
        let Task::Inference { input, .. } = self.task else {
            return Err(Error::BlockShape {
                block: "inference request",
                reason: "only inference statements answer requests",
            });
        };
        crate::error::ensure(
            input == Visibility::Public,
            "inference request",
            "the architecture commits its input (a request then names the input's commitment, \
             and its data reaches the seller off chain)",
        )?;
        let group = self
            .public_groups()?
            .into_iter()
            .next()
            .ok_or(Error::Internal {
                what: "a public-input inference statement has an input group",
            })?;
        let real = match self.shape.input {
            InputShape::Flat { features } => features,
            InputShape::Image { c, .. } => c,
        };
        Ok((group, real))
    }

    /// `Ok` if escrowed requests can name this statement: an inference with a public input
    /// (a committed input would have to reach the seller off chain).
    pub fn check_requestable(&self) -> Result<(), Error> {
        self.request_input_group().map(|_| ())
    }

    /// The chain words of a request for inference on `ex` (a public-input inference
    /// statement): its input packed exactly as the statement's public values begin, so the
    /// marketplace can check that a fulfilling proof is about this input.
    pub fn request_input_words(&self, ex: &Examples) -> Result<Vec<Fr>, Error> {
        let (group, real) = self.request_input_group()?;
        let (width, per) = (self.shape.input_width(), self.shape.input.rows());
        let real_rows = self.shape.input.real_rows();
        let rows = ex.count * real_rows;
        crate::error::ensure_lens(&[("public input values", group.count(), rows * real)])?;
        let mut values = Vec::with_capacity(rows * real);
        for i in 0..rows {
            let r = (i / real_rows) * per + self.shape.input.layout_row(i % real_rows);
            for c in 0..real {
                let v = ex.input.get(r * width + c).ok_or(Error::StatementShape {
                    what: "quantized input values",
                    expected: rows * width,
                    actual: ex.input.len(),
                })?;
                values.push(from_i128(i128::from(*v)));
            }
        }
        pack(&[group], &values)
    }

    /// The examples of a request's input words (the inverse of
    /// [`Self::request_input_words`]): what the seller's watcher proves inference on. Words
    /// that do not unpack into in-range values are refused.
    pub fn request_examples(&self, words: &[Fr]) -> Result<Examples, Error> {
        let (group, real) = self.request_input_group()?;
        let Task::Inference { rows: count, .. } = self.task else {
            return Err(Error::Internal {
                what: "request_input_group accepted a non-inference task",
            });
        };
        let values = unpack(&[group], words)?;
        let (width, per) = (self.shape.input_width(), self.shape.input.rows());
        let mut input = vec![0i64; self.rows() * per * width];
        let real_rows = self.shape.input.real_rows();
        for (i, v) in values.iter().enumerate() {
            let (real_row, c) = (i / real, i % real);
            let r =
                (real_row / real_rows) * per + self.shape.input.layout_row(real_row % real_rows);
            let int = to_i128(v, self.shape.bits)?;
            let slot = input.get_mut(r * width + c).ok_or(Error::StatementShape {
                what: "request input values",
                expected: count * per * real,
                actual: values.len(),
            })?;
            *slot = i64::try_from(int).map_err(|_| Error::OutOfBound {
                value: int,
                bits: 63,
            })?;
        }
        Ok(Examples {
            count,
            input,
            labels: None,
        })
    }
}
