//! Deterministic development training statements with committed generated verifiers: the
//! digits MLP 64-32-10 trained with cross-entropy (batch 32, η = 1/2, s = 8, b = 16) on the
//! first 1024 training examples for T = 16 or T = 64 steps, on the INSECURE seeded SRS with
//! INSECURE single-party Groth16 keys. Never use them for value.

use crate::error::Error;
use crate::groth16::{Keys, WrappedProof};
use crate::solidity::{VerifierSpec, render};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{CommittedData, CommittedModel, Task, commit_model};
use zkmodel_prover::proof::statement::Statement;
use zkmodel_prover::proof::train::digits::DigitsTraining;
use zkmodel_prover::proof::train::{ProvingInputs, TrainArchitecture, commit_dataset, prove};
use zkmodel_prover::train::{TrainConfig, train};

/// Training examples of the development statements.
pub const EXAMPLES: usize = 1024;

/// A digits training development architecture: data, initial model, SRS, keys, commitments.
pub struct TrainingDev {
    /// The architecture (T is `arch.config.steps`).
    pub arch: TrainArchitecture,
    /// INSECURE seeded SRS.
    pub srs: Srs,
    /// INSECURE single-party Groth16 keys.
    pub keys: Keys,
    /// Quantized training inputs (N × 64) and labels.
    pub data: (Vec<i64>, Vec<usize>),
    /// The seeded initial model and its commitment.
    pub initial: (QuantizedModel, CommittedModel),
    /// The committed training set.
    pub dataset: CommittedData,
}

/// The generated contract's name for T steps.
pub fn verifier_name(steps: usize) -> String {
    format!("DigitsMlpTraining{steps}Verifier")
}

/// The forge fixture for T steps.
pub fn fixture_name(steps: usize) -> String {
    format!("digits_mlp_training_{steps}.json")
}

/// Builds the development training statement for T steps deterministically.
pub fn digits_training_dev(steps: usize) -> Result<TrainingDev, Error> {
    let DigitsTraining {
        initial: q0,
        x,
        y,
        arch,
        ..
    } = DigitsTraining::load(TrainConfig::digits_mlp(steps), EXAMPLES)?;
    let len = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    let srs = Srs::insecure_development(2026, len);
    let keys = crate::wrap::setup_insecure_dev(&arch, &mut ChaCha20Rng::seed_from_u64(2032))?;
    let model_arch = arch.model_architecture(Task::Accuracy { examples: 360 });
    let initial = commit_model(
        &srs,
        &model_arch,
        &q0,
        &mut ChaCha20Rng::seed_from_u64(2033),
    )?;
    let dataset = commit_dataset(&srs, &arch, &x, &y, &mut ChaCha20Rng::seed_from_u64(2034))?;
    Ok(TrainingDev {
        arch,
        srs,
        keys,
        data: (x, y),
        initial: (q0, initial),
        dataset,
    })
}

impl TrainingDev {
    /// The Solidity verifier of this architecture.
    pub fn verifier_source(&self) -> Result<String, Error> {
        let steps = self.arch.config.steps;
        let description = format!(
            "digits MLP 64-32-10 training: {steps} SGD steps of batch 32, cross-entropy, \
             eta 1/2, from committed initial weights on 1024 committed examples (development keys)"
        );
        render(&VerifierSpec {
            name: &verifier_name(steps),
            description: &description,
            info: self.arch.info(&self.srs),
            vk: &self.keys.vk,
            key_origin: &self.keys.origin,
            srs: &self.srs,
            opening_row: self.arch.opening_row()?,
        })
    }

    /// Trains, commits the trained model, proves and wraps. Returns the wrapped proof (its
    /// commitments: final model, initial model, dataset, trace).
    pub fn wrapped_proof(
        &self,
        rng: &mut (impl rand::RngCore + rand::CryptoRng),
    ) -> Result<WrappedProof, Error> {
        let (x, y) = &self.data;
        let (q0, initial) = &self.initial;
        let (q, steps) = train(q0.clone(), &self.arch.config, x, y)?;
        let model_arch = self
            .arch
            .model_architecture(Task::Accuracy { examples: 360 });
        let trained = commit_model(&self.srs, &model_arch, &q, rng)?;
        let inputs = ProvingInputs {
            initial,
            trained: (&q, &trained),
            dataset: (&self.dataset, x, y),
            steps: &steps,
        };
        let proof = prove(&self.srs, &self.arch, &inputs, rng)?;
        let claim = proof.claim(
            trained.commitment,
            initial.commitment,
            self.dataset.commitment,
        );
        crate::wrap::wrap(&self.keys, &self.srs, &self.arch, &claim, rng)
    }
}
