//! One honest training run, committed: what the training-statement tests (MLP and CNN) prove,
//! verify and tamper with.

use ark_bn254::G1Affine;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Error;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{CommittedData, CommittedModel, Task, commit_model};
use zkmodel_prover::proof::train::{
    ProvingInputs, TrainArchitecture, TrainingProof, commit_dataset, prove, verify,
};
use zkmodel_prover::train::{StepTrace, train};

/// Everything one honest run produces but the proof.
pub struct TrainingSetup {
    pub arch: TrainArchitecture,
    pub srs: Srs,
    pub x: Vec<i64>,
    pub y: Vec<usize>,
    pub q0: QuantizedModel,
    pub q: QuantizedModel,
    pub steps: Vec<StepTrace>,
    pub initial: CommittedModel,
    pub trained: CommittedModel,
    pub dataset: CommittedData,
}

impl TrainingSetup {
    /// `q0` trained as `arch` says on (`x`, `y`), with its initial model, trained model
    /// (committed for `task`) and dataset committed under a development SRS.
    pub fn new(
        arch: TrainArchitecture,
        q0: QuantizedModel,
        x: Vec<i64>,
        y: Vec<usize>,
        task: Task,
    ) -> Self {
        let (q, steps) = train(q0.clone(), &arch.config, &x, &y).unwrap();
        let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
        let srs = Srs::insecure_development(5, len);
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let model_arch = arch.model_architecture(task);
        let initial = commit_model(&srs, &model_arch, &q0, &mut rng).unwrap();
        let trained = commit_model(&srs, &model_arch, &q, &mut rng).unwrap();
        let dataset = commit_dataset(&srs, &arch, &x, &y, &mut rng).unwrap();
        Self {
            arch,
            srs,
            x,
            y,
            q0,
            q,
            steps,
            initial,
            trained,
            dataset,
        }
    }

    /// A proof of `steps` ending in `q`, committed as `trained`.
    pub fn prove_with(
        &self,
        steps: &[StepTrace],
        q: &QuantizedModel,
        trained: &CommittedModel,
    ) -> Result<TrainingProof, Error> {
        let inputs = ProvingInputs {
            initial: &self.initial,
            trained: (q, trained),
            dataset: (&self.dataset, &self.x, &self.y),
            steps,
        };
        prove(
            &self.srs,
            &self.arch,
            &inputs,
            &mut ChaCha20Rng::seed_from_u64(8),
        )
    }

    /// A proof of `steps` ending in the honest trained model.
    pub fn prove_steps(&self, steps: &[StepTrace]) -> Result<TrainingProof, Error> {
        self.prove_with(steps, &self.q, &self.trained)
    }

    /// Verifies against the honest commitments.
    pub fn verify(&self, proof: &TrainingProof) -> Result<(), Error> {
        self.verify_against(proof, self.trained.commitment, self.initial.commitment)
    }

    /// Verifies against the given trained and initial commitments (the honest dataset's).
    pub fn verify_against(
        &self,
        proof: &TrainingProof,
        trained: G1Affine,
        initial: G1Affine,
    ) -> Result<(), Error> {
        verify(
            &self.srs,
            &self.arch,
            trained,
            initial,
            self.dataset.commitment,
            proof,
        )
    }
}
