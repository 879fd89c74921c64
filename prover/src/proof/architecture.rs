//! Every statement kind behind one type: [`Architecture`] is what keys, verifiers, proofs and
//! the marketplace are made for — a model statement (inference or accuracy) or a training
//! statement — with the operations every kind has (id, on-chain info, commitment roles,
//! vector sizes) and its public file.
//!
//! The **architecture file** is JSON (`{"format": "zkmodel/architecture", "version": 1,
//! "architecture": {"statement": "model" | "training", …}}`), checked on load (it must plan as
//! a statement). Inside binary artifacts an architecture is that same JSON, as a string.

use super::info::{ArchitectureInfo, StatementKind};
use super::model::ModelArchitecture;
use super::roles::CommitmentRole;
use super::train::TrainArchitecture;
use crate::artifact::{self, Access};
use crate::error::Error;
use crate::pcs::Srs;
use ark_serialize::{
    CanonicalDeserialize, CanonicalSerialize, Compress, Read, SerializationError, Valid, Validate,
    Write,
};
use std::path::Path;

/// The format tag of an architecture file.
pub const ARCHITECTURE_FORMAT: &str = "zkmodel/architecture";
/// The architecture file version this build writes and reads.
pub const ARCHITECTURE_VERSION: u32 = 1;

const WHAT: &str = "architecture file";

/// A statement's architecture, of any kind.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "statement", rename_all = "kebab-case")]
pub enum Architecture {
    /// Inference or accuracy of a committed model.
    Model(ModelArchitecture),
    /// Training: the final model is T SGD steps from the initial one on the dataset.
    Training(TrainArchitecture),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    architecture: Architecture,
}

fn format(reason: impl Into<String>) -> Error {
    Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

impl Architecture {
    /// keccak(description ‖ SRS id ‖ transcript id): what keys, verifiers and the marketplace
    /// know the statement by.
    pub fn id(&self, srs: &Srs) -> [u8; 32] {
        match self {
            Self::Model(a) => a.id(srs),
            Self::Training(a) => a.id(srs),
        }
    }

    /// The canonical description hashed into the id.
    pub fn description(&self) -> String {
        match self {
            Self::Model(a) => a.description(),
            Self::Training(a) => a.description(),
        }
    }

    /// Inference, accuracy or training.
    pub fn kind(&self) -> StatementKind {
        match self {
            Self::Model(a) => a.kind(),
            Self::Training(_) => StatementKind::Training,
        }
    }

    /// What its verifier reports on chain.
    pub fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error> {
        match self {
            Self::Model(a) => a.info(srs),
            Self::Training(a) => Ok(a.info(srs)),
        }
    }

    /// The roles of the statement's commitments, in order.
    pub fn commitment_roles(&self) -> Vec<CommitmentRole> {
        match self {
            Self::Model(a) => a.commitment_roles(),
            Self::Training(a) => a.commitment_roles(),
        }
    }

    /// Public words the chain sees.
    pub fn public_len(&self) -> Result<usize, Error> {
        match self {
            Self::Model(a) => a.public_len(),
            Self::Training(a) => Ok(a.public_len()),
        }
    }

    /// The opening's row width b ([`crate::proof::statement::opening_row`]); its verifier
    /// holds [τ^b]₂.
    pub fn opening_row(&self) -> Result<usize, Error> {
        crate::proof::statement::opening_row(&self.vector_lengths()?)
    }

    /// The committed vectors' lengths; the SRS needs the largest.
    pub fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        match self {
            Self::Model(a) => a.vector_lengths(),
            Self::Training(a) => a.vector_lengths(),
        }
    }

    /// Checks that the architecture plans as a statement (file contents are untrusted).
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Self::Model(a) => a.vector_lengths().map(|_| ()),
            Self::Training(a) => {
                TrainArchitecture::new(a.shape.clone(), a.config, a.examples)?;
                a.vector_lengths().map(|_| ())
            }
        }
    }

    /// The architecture file's contents.
    pub fn to_file_string(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(&Envelope {
            format: ARCHITECTURE_FORMAT.into(),
            version: ARCHITECTURE_VERSION,
            architecture: self.clone(),
        })
        .map_err(|e| format(e.to_string()))
    }

    /// Parses an architecture file and checks it.
    pub fn from_file_str(text: &str) -> Result<Self, Error> {
        let value = artifact::json_envelope(text, ARCHITECTURE_FORMAT, ARCHITECTURE_VERSION, WHAT)?;
        let envelope: Envelope =
            serde_json::from_value(value).map_err(|e| format(e.to_string()))?;
        envelope.architecture.check()?;
        Ok(envelope.architecture)
    }

    /// Writes the architecture file.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        artifact::write_file(
            path,
            self.to_file_string()?.as_bytes(),
            Access::Public,
            WHAT,
        )
    }

    /// Reads and checks the architecture file at `path`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format(format!("{}: {e}", path.display())))?;
        Self::from_file_str(&text).map_err(|e| match e {
            Error::Format { what, reason } => Error::Format {
                what,
                reason: format!("{}: {reason}", path.display()),
            },
            other => other,
        })
    }
}

/// Canonical encoding of an architecture of one kind: its architecture-file JSON as a string.
macro_rules! canonical_architecture {
    ($ty:ty, $variant:ident) => {
        impl CanonicalSerialize for $ty {
            fn serialize_with_mode<W: Write>(
                &self,
                writer: W,
                compress: Compress,
            ) -> Result<(), SerializationError> {
                Architecture::$variant(self.clone())
                    .to_file_string()
                    .map_err(|_| SerializationError::InvalidData)?
                    .serialize_with_mode(writer, compress)
            }

            fn serialized_size(&self, compress: Compress) -> usize {
                Architecture::$variant(self.clone())
                    .to_file_string()
                    .map(|t| t.serialized_size(compress))
                    .unwrap_or(0)
            }
        }

        impl Valid for $ty {
            fn check(&self) -> Result<(), SerializationError> {
                Architecture::$variant(self.clone())
                    .check()
                    .map_err(|_| SerializationError::InvalidData)
            }
        }

        impl CanonicalDeserialize for $ty {
            fn deserialize_with_mode<R: Read>(
                reader: R,
                compress: Compress,
                validate: Validate,
            ) -> Result<Self, SerializationError> {
                let text = String::deserialize_with_mode(reader, compress, validate)?;
                match Architecture::from_file_str(&text) {
                    Ok(Architecture::$variant(a)) => Ok(a),
                    _ => Err(SerializationError::InvalidData),
                }
            }
        }
    };
}

canonical_architecture!(ModelArchitecture, Model);
canonical_architecture!(TrainArchitecture, Training);

impl CanonicalSerialize for Architecture {
    fn serialize_with_mode<W: Write>(
        &self,
        writer: W,
        compress: Compress,
    ) -> Result<(), SerializationError> {
        self.to_file_string()
            .map_err(|_| SerializationError::InvalidData)?
            .serialize_with_mode(writer, compress)
    }

    fn serialized_size(&self, compress: Compress) -> usize {
        self.to_file_string()
            .map(|t| t.serialized_size(compress))
            .unwrap_or(0)
    }
}

impl Valid for Architecture {
    fn check(&self) -> Result<(), SerializationError> {
        Architecture::check(self).map_err(|_| SerializationError::InvalidData)
    }
}

impl CanonicalDeserialize for Architecture {
    fn deserialize_with_mode<R: Read>(
        reader: R,
        compress: Compress,
        validate: Validate,
    ) -> Result<Self, SerializationError> {
        let text = String::deserialize_with_mode(reader, compress, validate)?;
        Architecture::from_file_str(&text).map_err(|_| SerializationError::InvalidData)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::model::{ModelShape, Task, Visibility};
    use crate::train::{TrainConfig, initial_model};

    fn training() -> TrainArchitecture {
        let q = initial_model(&[64, 32, 10], 8, 16, 7).unwrap();
        TrainArchitecture::new(ModelShape::from(&q), TrainConfig::digits_mlp(4), 64).unwrap()
    }

    #[test]
    fn architecture_files_of_both_kinds_round_trip_and_a_bad_one_is_refused() {
        let t = training();
        let m = t.model_architecture(Task::Inference {
            rows: 1,
            input: Visibility::Committed,
            output: Visibility::Public,
        });
        for a in [Architecture::Training(t.clone()), Architecture::Model(m)] {
            let text = a.to_file_string().unwrap();
            assert_eq!(Architecture::from_file_str(&text).unwrap(), a);
        }
        let mut bad = t;
        bad.config.batch = 3;
        let text = Architecture::Training(bad).to_file_string().unwrap();
        assert!(matches!(
            Architecture::from_file_str(&text),
            Err(Error::NotPowerOfTwo { .. } | Error::BlockShape { .. })
        ));
    }
}
