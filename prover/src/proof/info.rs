//! What an architecture tells a registry about itself: the values a generated verifier's
//! `info()` returns and the marketplace records (DESIGN §13).
//!
//! Two ids matter on chain:
//! - the **architecture id** keccak(description ‖ SRS id ‖ transcript id) names one circuit
//!   and its verifying key; the description is published beside it, so the marketplace can
//!   check that the id hashes it and anyone can rebuild the circuit from it;
//! - the **model shape id** keccak(shape tag ‖ shape description ‖ SRS id) names how a model
//!   vector is laid out and committed. Architectures with the same shape id commit a model
//!   identically, so one registered model commitment is the model of its inference and
//!   accuracy statements and the final model of its training statement: a training claim and
//!   an accuracy claim on that commitment are provably about the same weights.

use crate::error::Error;
use crate::field::encoding::keccak256;
use crate::pcs::Srs;
use crate::proof::model::{ModelArchitecture, ModelShape, Task, Visibility};
use crate::proof::public::PublicGroup;
use crate::proof::roles::CommitmentRole;
use crate::proof::train::TrainArchitecture;
use crate::transcript::TRANSCRIPT_ID;

/// Domain tag of model shape ids.
pub const SHAPE_TAG: &[u8] = b"zkmodel/shape/v1/";

/// What a statement establishes. The codes are the chain's (`IZkmodelVerifier.Info.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementKind {
    /// A model's outputs on an input.
    Inference,
    /// A model's count of correct predictions on a test set.
    Accuracy,
    /// A model is the result of a training procedure from an initial model on a dataset.
    Training,
}

impl StatementKind {
    /// The on-chain code: 0 inference, 1 accuracy, 2 training.
    pub fn code(self) -> u8 {
        match self {
            StatementKind::Inference => 0,
            StatementKind::Accuracy => 1,
            StatementKind::Training => 2,
        }
    }
}

impl std::fmt::Display for StatementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StatementKind::Inference => "inference",
            StatementKind::Accuracy => "accuracy",
            StatementKind::Training => "training",
        })
    }
}

/// An architecture's self-description, as its verifier reports it on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchitectureInfo {
    /// keccak(description ‖ SRS id ‖ transcript id).
    pub id: [u8; 32],
    /// keccak(SHAPE_TAG ‖ shape description ‖ SRS id).
    pub model_shape: [u8; 32],
    /// The statement kind.
    pub kind: StatementKind,
    /// The commitments' roles, in statement order.
    pub roles: Vec<CommitmentRole>,
    /// Public words per statement.
    pub public_len: usize,
    /// Leading public words that pack a public inference input.
    pub public_input_words: usize,
    /// Inference: batch rows; accuracy: test examples; training: dataset examples.
    pub rows: usize,
    /// The SRS id.
    pub srs_id: [u8; 32],
    /// Whether the SRS is the INSECURE seeded development one.
    pub development_srs: bool,
    /// The canonical description hashed into the id.
    pub description: String,
    /// The transcript parameters' id.
    pub transcript: &'static str,
}

impl ModelShape {
    /// The model shape id: equal for every architecture whose model vector this shape lays
    /// out, on this SRS.
    pub fn id(&self, srs: &Srs) -> [u8; 32] {
        keccak256(&[SHAPE_TAG, self.description().as_bytes(), &srs.id()])
    }
}

impl ModelArchitecture {
    /// The statement kind of this architecture's task.
    pub fn kind(&self) -> StatementKind {
        match self.task {
            Task::Inference { .. } => StatementKind::Inference,
            Task::Accuracy { .. } => StatementKind::Accuracy,
        }
    }

    /// What its verifier reports on chain.
    pub fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error> {
        let (rows, public_input_words) = match self.task {
            Task::Inference { rows, input, .. } => {
                let words = match input {
                    Visibility::Public => PublicGroup::Packed {
                        count: rows * self.shape.input.real_len(),
                        bits: self.shape.bits,
                    }
                    .words(),
                    Visibility::Committed => 0,
                };
                (rows, words)
            }
            Task::Accuracy { examples } => (examples, 0),
        };
        Ok(ArchitectureInfo {
            id: self.id(srs),
            model_shape: self.shape.id(srs),
            kind: self.kind(),
            roles: self.commitment_roles(),
            public_len: self.public_len()?,
            public_input_words,
            rows,
            srs_id: srs.id(),
            development_srs: srs.origin.is_development(),
            description: self.description(),
            transcript: TRANSCRIPT_ID,
        })
    }
}

impl TrainArchitecture {
    /// What its verifier reports on chain. Its model shape is the shape of the model
    /// architectures its final model is used in ([`TrainArchitecture::model_architecture`]).
    pub fn info(&self, srs: &Srs) -> ArchitectureInfo {
        ArchitectureInfo {
            id: self.id(srs),
            model_shape: self.shape.id(srs),
            kind: StatementKind::Training,
            roles: self.commitment_roles(),
            public_len: self.public_len(),
            public_input_words: 0,
            rows: self.examples,
            srs_id: srs.id(),
            development_srs: srs.origin.is_development(),
            description: self.description(),
            transcript: TRANSCRIPT_ID,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::train::digits::DigitsTraining;
    use crate::train::TrainConfig;

    /// The id a registry recomputes from the reported description is the architecture id,
    /// and training shares its model shape id with the inference and accuracy architectures
    /// of its final model.
    #[test]
    fn ids_hash_the_reported_description_and_training_shares_the_model_shape() {
        let t = DigitsTraining::load(TrainConfig::digits_mlp(4), 64).unwrap();
        let srs = Srs::insecure_development(1, 16);
        let train = t.arch.info(&srs);
        let recomputed = keccak256(&[
            train.description.as_bytes(),
            &train.srs_id,
            train.transcript.as_bytes(),
        ]);
        assert_eq!(recomputed, train.id);
        assert_eq!(train.kind.code(), 2);
        assert!(train.development_srs);
        for task in [
            Task::Accuracy { examples: 360 },
            Task::Inference {
                rows: 2,
                input: Visibility::Public,
                output: Visibility::Public,
            },
        ] {
            let m = t.arch.model_architecture(task).info(&srs).unwrap();
            assert_eq!(m.model_shape, train.model_shape);
            assert_ne!(m.id, train.id);
            let recomputed =
                keccak256(&[m.description.as_bytes(), &m.srs_id, m.transcript.as_bytes()]);
            assert_eq!(recomputed, m.id);
            match task {
                Task::Accuracy { .. } => {
                    assert_eq!(
                        (m.kind, m.rows, m.public_input_words),
                        (StatementKind::Accuracy, 360, 0)
                    );
                }
                Task::Inference { .. } => {
                    // 2 × 64 pixels of 16 bits, 15 to a word: 9 input words, then the logits.
                    assert_eq!(
                        (m.kind, m.rows, m.public_input_words),
                        (StatementKind::Inference, 2, 9)
                    );
                    assert!(m.public_len > m.public_input_words);
                }
            }
        }
        // Another SRS, another shape id: commitments on different SRSs are not comparable.
        let other = Srs::insecure_development(2, 16);
        assert_ne!(t.arch.info(&other).model_shape, train.model_shape);
    }
}
