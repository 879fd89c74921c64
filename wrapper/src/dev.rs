//! A deterministic development architecture: the MatMul statement Y = X·W with X 2×4 and W
//! 4×2, on the INSECURE seeded SRS with an INSECURE single-party Groth16 setup. Its generated
//! verifier is committed (`contracts/src/generated/MatMul2x4x2Verifier.sol`) so forge tests
//! and the Anvil end-to-end test can check real proofs against it. Never use it for value.

use crate::error::Error;
use crate::groth16::Keys;
use crate::solidity::{VerifierSpec, render};
use crate::wrap::setup_insecure_dev;
use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::matmul::{CommittedModel, commit_model};
use zkmodel_prover::proof::statement::Statement;

/// Shape of the development architecture.
pub const DIMS: MatMulDims = MatMulDims { m: 2, k: 4, n: 2 };
/// Name of its generated verifier contract.
pub const VERIFIER_NAME: &str = "MatMul2x4x2Verifier";

/// The development architecture's SRS, keys and committed model.
pub struct DevArchitecture {
    /// INSECURE seeded SRS.
    pub srs: Srs,
    /// INSECURE single-party Groth16 keys.
    pub keys: Keys,
    /// The model's weights W (4×2).
    pub w: Vec<Fr>,
    /// The committed model.
    pub model: CommittedModel,
}

/// Builds the development architecture deterministically (same keys on every run).
pub fn matmul_dev() -> Result<DevArchitecture, Error> {
    let srs = Srs::insecure_development(2026, 64);
    let keys = setup_insecure_dev(&DIMS, &mut ChaCha20Rng::seed_from_u64(2026))?;
    let w: Vec<Fr> = (0..8i128).map(|i| from_i128(i - 3)).collect();
    let model = commit_model(&srs, DIMS, &w, &mut ChaCha20Rng::seed_from_u64(2027))?;
    Ok(DevArchitecture {
        srs,
        keys,
        w,
        model,
    })
}

impl DevArchitecture {
    /// The Solidity verifier of this architecture.
    pub fn verifier_source(&self) -> Result<String, Error> {
        render(&VerifierSpec {
            name: VERIFIER_NAME,
            description: "MatMul statement Y = X·W, X 2×4, W 4×2 (development keys)",
            info: zkmodel_prover::proof::matmul::info(DIMS, &self.srs),
            vk: &self.keys.vk,
            key_origin: &self.keys.origin,
            srs: &self.srs,
            opening_row: DIMS.opening_row()?,
        })
    }
}

/// The digits MLP statements with committed generated verifiers (INSECURE development keys
/// and SRS, deterministic): inference on one committed image with public logits, and accuracy
/// over the 360-example committed test split with a public count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigitsTask {
    /// Batch 1, committed input, public logits (10 public values).
    Inference,
    /// Accuracy over the whole test split (1 public value).
    Accuracy,
    /// The CNN's accuracy over the whole test split (1 public value).
    CnnAccuracy,
}

impl DigitsTask {
    /// The generated contract's name.
    pub fn verifier_name(self) -> &'static str {
        match self {
            DigitsTask::Inference => "DigitsMlpInferenceVerifier",
            DigitsTask::Accuracy => "DigitsMlpAccuracyVerifier",
            DigitsTask::CnnAccuracy => "DigitsCnnAccuracyVerifier",
        }
    }
    /// The fixture file the forge tests read.
    pub fn fixture_name(self) -> &'static str {
        match self {
            DigitsTask::Inference => "digits_mlp_inference.json",
            DigitsTask::Accuracy => "digits_mlp_accuracy.json",
            DigitsTask::CnnAccuracy => "digits_cnn_accuracy.json",
        }
    }
}

/// A digits development architecture: data, quantized model, SRS, keys, committed model.
pub struct DigitsDev {
    /// Which statement.
    pub task: DigitsTask,
    /// The data set (fixtures/digits/dataset.json).
    pub data: zkmodel_prover::graph::dataset::Dataset,
    /// The quantized MLP.
    pub q: zkmodel_prover::graph::quant::QuantizedModel,
    /// Its architecture.
    pub arch: zkmodel_prover::proof::model::ModelArchitecture,
    /// INSECURE seeded SRS.
    pub srs: Srs,
    /// INSECURE single-party Groth16 keys.
    pub keys: Keys,
    /// The committed model.
    pub model: zkmodel_prover::proof::model::CommittedModel,
}

/// Builds a digits development architecture deterministically (the fixtures' MLP, calibrated
/// on the first 256 training images).
pub fn digits_mlp_dev(task: DigitsTask) -> Result<DigitsDev, Error> {
    use zkmodel_prover::graph::dataset::Dataset;
    use zkmodel_prover::graph::onnx::import_path;
    use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
    use zkmodel_prover::proof::model::{
        ModelArchitecture, ModelShape, Task, Visibility, commit_model,
    };
    let dir = zkmodel_prover::graph::dataset::digits_fixtures_dir();
    let file = match task {
        DigitsTask::CnnAccuracy => "cnn.onnx",
        _ => "mlp.onnx",
    };
    let model = import_path(&dir.join(file))?;
    let data = Dataset::load(&dir.join("dataset.json"))?;
    let train = data.train.get(..256).unwrap_or(&data.train);
    let (calib, _) = data.batch(train)?;
    let calib = calib.with_batch_shape(&model.input_shape)?;
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default())?;
    let task_spec = match task {
        DigitsTask::Inference => Task::Inference {
            rows: 1,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
        DigitsTask::Accuracy | DigitsTask::CnnAccuracy => Task::Accuracy {
            examples: data.test.len(),
        },
    };
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: task_spec,
    };
    let len = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    let srs = Srs::insecure_development(2026, len);
    let keys = setup_insecure_dev(&arch, &mut ChaCha20Rng::seed_from_u64(2029))?;
    let committed = commit_model(&srs, &arch, &q, &mut ChaCha20Rng::seed_from_u64(2030))?;
    Ok(DigitsDev {
        task,
        data,
        q,
        arch,
        srs,
        keys,
        model: committed,
    })
}

impl DigitsDev {
    /// The Solidity verifier of this architecture.
    pub fn verifier_source(&self) -> Result<String, Error> {
        let description = match self.task {
            DigitsTask::Inference => {
                "digits MLP 64-32-10 inference: one committed image, public logits (development keys)"
            }
            DigitsTask::Accuracy => {
                "digits MLP 64-32-10 accuracy: committed 360-image test split, public count (development keys)"
            }
            DigitsTask::CnnAccuracy => {
                "digits CNN (conv 8x3x3, avgpool, dense) accuracy: committed 360-image test split, public count (development keys)"
            }
        };
        render(&VerifierSpec {
            name: self.task.verifier_name(),
            description,
            info: self.arch.info(&self.srs)?,
            vk: &self.keys.vk,
            key_origin: &self.keys.origin,
            srs: &self.srs,
            opening_row: self.arch.opening_row()?,
        })
    }

    /// A fresh wrapped proof on test images starting at `first` (inference: one image;
    /// accuracy: the whole split). Returns the wrapped proof.
    pub fn wrapped_proof(
        &self,
        first: usize,
        rng: &mut (impl rand::RngCore + rand::CryptoRng),
    ) -> Result<crate::groth16::WrappedProof, Error> {
        let s = self.native_proof(first, rng)?;
        crate::wrap::wrap(&self.keys, &self.srs, &self.arch, &s.claim(), rng)
    }

    /// The registered commitment of the digits test split (accuracy statements): what its
    /// publisher registers and anyone recomputes from the published data. None for inference.
    pub fn test_set_commitment(&self) -> Result<Option<ark_bn254::G1Affine>, Error> {
        if self.task == DigitsTask::Inference {
            return Ok(None);
        }
        let (_, input, labels) = self.quantized(&self.data.test)?;
        let d = zkmodel_prover::proof::model::commit_public_test_set(
            &self.srs, &self.arch, &input, &labels,
        )?;
        Ok(Some(d.commitment))
    }

    /// The examples at `indices`, shaped for the model and quantized: (rows, input, labels).
    fn quantized(&self, indices: &[usize]) -> Result<(usize, Vec<i64>, Vec<usize>), Error> {
        let (x, labels) = self.data.batch(indices)?;
        let x = match self.q.input {
            zkmodel_prover::graph::quant::InputShape::Image { c, h, w } => {
                x.with_batch_shape(&[None, Some(c), Some(h), Some(w)])?
            }
            _ => x,
        };
        let (m, input) = self.q.quantize_input(&x)?;
        Ok((m, input, labels))
    }

    /// A fresh native statement proof on test images starting at `first`, before wrapping
    /// (benches time the wrap alone).
    pub fn native_proof(
        &self,
        first: usize,
        rng: &mut (impl rand::RngCore + rand::CryptoRng),
    ) -> Result<NativeStatement, Error> {
        use zkmodel_prover::proof::model::{
            ModelWitness, commit_data, commit_public_test_set, prove,
        };
        let indices = match self.task {
            DigitsTask::Inference => self.data.test.get(first..first + 1),
            DigitsTask::Accuracy | DigitsTask::CnnAccuracy => Some(&self.data.test[..]),
        }
        .ok_or_else(|| Error::Format {
            what: "digits test index",
            reason: format!("{first} is outside the test split"),
        })?;
        let (m, input, labels) = self.quantized(indices)?;
        let trace = self.q.forward(m, input.clone())?;
        let labels = (self.task != DigitsTask::Inference).then_some(labels.as_slice());
        // Accuracy: the published test split, committed as its publisher registers it
        // (recomputable from the data). Inference: the prover's own committed image.
        let data = match labels {
            Some(l) => commit_public_test_set(&self.srs, &self.arch, &input, l)?,
            None => commit_data(&self.srs, &self.arch, &input, None, None, rng)?,
        };
        let w = ModelWitness {
            model: &self.q,
            committed_model: &self.model,
            data: Some(&data),
            trace: &trace,
            labels,
        };
        let (proof, public) = prove(&self.srs, &self.arch, &w, rng)?;
        Ok(NativeStatement {
            commitments: zkmodel_prover::proof::roles::ModelCommitments {
                model: self.model.commitment,
                trace: proof.trace_commitment,
                data: Some(data.commitment),
            },
            public,
            proof,
        })
    }
}

impl NativeStatement {
    /// The proof as a claim about its commitments and public values.
    pub fn claim(
        &self,
    ) -> zkmodel_prover::proof::statement::Claim<zkmodel_prover::proof::model::ModelArchitecture>
    {
        let c = &self.commitments;
        self.proof.claim(c.model, c.data, &self.public)
    }
}

/// A native digits statement proof with what wrapping it needs.
pub struct NativeStatement {
    /// The statement's commitments (model, trace, data).
    pub commitments: zkmodel_prover::proof::roles::ModelCommitments,
    /// The statement's public values.
    pub public: zkmodel_prover::proof::model::PublicValues,
    /// The native proof.
    pub proof: zkmodel_prover::proof::model::ModelProof,
}
