//! The files of a training run: the **dataset opening** (secret, mode 0600: the masked
//! training set behind the dataset commitment) and the **training proof file** (public: the
//! proof with its architecture and the commitments it is about). The trained model's own files
//! are the model statements' ([`crate::proof::model::ModelOpening`]): its commitment is the
//! training proof's final-model commitment, byte for byte.

use super::{ProvingInputs, TrainArchitecture, TrainingProof, commit_dataset, prove};
use crate::artifact::{self, Kind};
use crate::error::Error;
use crate::graph::quant::QuantizedModel;
use crate::pcs::Srs;
use crate::proof::model::{CommittedData, CommittedModel, ModelOpening, Task, commit_model};
use crate::proof::roles::CommitmentRole;
use crate::proof::statement::check_srs;
use ark_bn254::G1Affine;
use rand::{CryptoRng, RngCore};

/// A training set's secret opening.
pub const DATASET_OPENING: Kind = Kind {
    name: "dataset-opening",
    version: 1,
    what: "dataset opening file (secret)",
};

/// A committed training set's opening: the masked vector behind the dataset commitment, for
/// the training architecture it was committed for. It reveals the data.
#[derive(Clone, Debug)]
pub struct DatasetOpening {
    /// The training architecture's id (binds the SRS).
    pub architecture_id: [u8; 32],
    /// The masked vector and its commitment.
    pub data: CommittedData,
}

/// A native training proof with its statement.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingProofFile {
    /// The training architecture (shape, hyperparameters, dataset size).
    pub architecture: TrainArchitecture,
    /// The SRS's id.
    pub srs_id: [u8; 32],
    /// The trained model's commitment (the model inference and accuracy proofs take).
    pub final_model: G1Affine,
    /// The initial model's commitment.
    pub initial_model: G1Affine,
    /// The training set's commitment.
    pub dataset: G1Affine,
    /// The proof.
    pub proof: TrainingProof,
}

crate::canonical_struct!(CommittedData { vector, commitment });
crate::canonical_struct!(DatasetOpening {
    architecture_id,
    data
});
crate::canonical_struct!(TrainingProofFile {
    architecture,
    srs_id,
    final_model,
    initial_model,
    dataset,
    proof
});

/// What a training run produces.
pub struct TrainingRun {
    /// The trained model.
    pub model: QuantizedModel,
    /// Its opening (secret; its commitment is the proof's final-model commitment).
    pub opening: ModelOpening,
    /// The proof.
    pub proof: TrainingProofFile,
}

impl TrainArchitecture {
    /// Commits a training set (`inputs` quantized, examples × padded width) with fresh masks.
    pub fn commit_dataset(
        &self,
        srs: &Srs,
        inputs: &[i64],
        labels: &[usize],
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<DatasetOpening, Error> {
        Ok(DatasetOpening {
            architecture_id: self.id(srs),
            data: commit_dataset(srs, self, inputs, labels, rng)?,
        })
    }

    /// Trains from `initial` (the model and its committed vector) on the committed dataset,
    /// commits the trained model and proves the run.
    pub fn train_and_prove(
        &self,
        srs: &Srs,
        initial: (&QuantizedModel, &CommittedModel),
        dataset: (&DatasetOpening, &[i64], &[usize]),
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<TrainingRun, Error> {
        let (opening, x, y) = dataset;
        if opening.architecture_id != self.id(srs) {
            return Err(Error::Format {
                what: DATASET_OPENING.what,
                reason: "committed for another training architecture or SRS".into(),
            });
        }
        let (q, steps) = crate::train::train(initial.0.clone(), &self.config, x, y)?;
        let model_arch = self.model_architecture(Task::Accuracy { examples: 1 });
        let trained = commit_model(srs, &model_arch, &q, rng)?;
        let inputs = ProvingInputs {
            initial: initial.1,
            trained: (&q, &trained),
            dataset: (&opening.data, x, y),
            steps: &steps,
        };
        let proof = prove(srs, self, &inputs, rng)?;
        Ok(TrainingRun {
            proof: TrainingProofFile {
                architecture: self.clone(),
                srs_id: srs.id(),
                final_model: trained.commitment,
                initial_model: initial.1.commitment,
                dataset: opening.data.commitment,
                proof,
            },
            opening: ModelOpening {
                shape_id: self.shape.id(srs),
                srs_id: srs.id(),
                model: trained,
            },
            model: q,
        })
    }
}

impl TrainingProofFile {
    /// Verifies natively with every role pinned in `pins` to its registered value: the final
    /// model (the model being sold), the initial model (registered, or recomputed from a
    /// public seed) and the dataset. [`check_pinned`] refuses a missing, extra or mismatched
    /// pin before any algebra.
    pub fn verify(&self, srs: &Srs, pins: &[(CommitmentRole, G1Affine)]) -> Result<(), Error> {
        let arch = &self.architecture;
        check_srs(arch, srs, &self.srs_id, artifact::TRAINING_PROOF.what)?;
        self.proof
            .claim(self.final_model, self.initial_model, self.dataset)
            .verify_pinned(arch, srs, pins)
    }
}
