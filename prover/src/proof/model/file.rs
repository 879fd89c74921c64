//! The files of the model statements, so that "commit once, prove many times" survives a
//! restart and a buyer verifies without the seller's weights:
//!
//! - the **architecture file** (JSON, public): shape and task, everything keys and verifiers
//!   depend on; its id binds an SRS ([`ModelArchitecture::id`]);
//! - the **model commitment** (public): what the seller registers on chain;
//! - the **model opening** (secret, mode 0600): the masked vector behind that commitment;
//! - the **data commitment** (public): a test set as its publisher registers it;
//! - the **proof file** (public): a native proof with its statement.
//!
//! Binary files use [`crate::artifact`]'s header and canonical encoding.

use super::plan::ModelArchitecture;
use super::prove::{CommittedData, CommittedModel};
use super::{ModelProof, PublicValues};
use crate::artifact::{self, Access};
use crate::error::Error;
use crate::pcs::Srs;
use ark_bn254::{Fr, G1Affine};
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

fn format(reason: impl Into<String>) -> Error {
    Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    architecture: ModelArchitecture,
}

impl ModelArchitecture {
    /// The architecture file's contents (pretty JSON with the format tag and version).
    pub fn to_file_string(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(&Envelope {
            format: ARCHITECTURE_FORMAT.into(),
            version: ARCHITECTURE_VERSION,
            architecture: self.clone(),
        })
        .map_err(|e| format(e.to_string()))
    }

    /// Parses an architecture file and checks that it plans as a statement.
    pub fn from_file_str(text: &str) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format(format!("not JSON ({e}); is this a zkmodel architecture?")))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(ARCHITECTURE_FORMAT) => {}
            Some(other) => {
                return Err(format(format!(
                    "format `{other}`, expected `{ARCHITECTURE_FORMAT}`"
                )));
            }
            None => return Err(format("no format tag: not a zkmodel architecture file")),
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(ARCHITECTURE_VERSION) => {}
            v => {
                return Err(format(format!(
                    "version {v:?}; this build reads version {ARCHITECTURE_VERSION}"
                )));
            }
        }
        let envelope: Envelope =
            serde_json::from_value(value).map_err(|e| format(e.to_string()))?;
        envelope.architecture.plan()?;
        Ok(envelope.architecture)
    }

    /// Writes the architecture file to `path`.
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

/// Encoded inside binary artifacts as its architecture-file JSON, checked on decode.
impl CanonicalSerialize for ModelArchitecture {
    fn serialize_with_mode<W: Write>(
        &self,
        writer: W,
        compress: Compress,
    ) -> Result<(), SerializationError> {
        let text = self
            .to_file_string()
            .map_err(|_| SerializationError::InvalidData)?;
        text.serialize_with_mode(writer, compress)
    }

    fn serialized_size(&self, compress: Compress) -> usize {
        self.to_file_string()
            .map(|t| t.serialized_size(compress))
            .unwrap_or(0)
    }
}

impl Valid for ModelArchitecture {
    fn check(&self) -> Result<(), SerializationError> {
        self.plan()
            .map(|_| ())
            .map_err(|_| SerializationError::InvalidData)
    }
}

impl CanonicalDeserialize for ModelArchitecture {
    fn deserialize_with_mode<R: Read>(
        reader: R,
        compress: Compress,
        validate: Validate,
    ) -> Result<Self, SerializationError> {
        let text = String::deserialize_with_mode(reader, compress, validate)?;
        Self::from_file_str(&text).map_err(|_| SerializationError::InvalidData)
    }
}

/// A committed model's public record: the commitment to register, for the model shape (and
/// SRS) it was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelCommitmentRecord {
    /// [`super::ModelShape::id`] under the SRS used (binds the SRS too).
    pub shape_id: [u8; 32],
    /// The SRS's id.
    pub srs_id: [u8; 32],
    /// The commitment.
    pub commitment: G1Affine,
}

/// A committed model's secret opening: the masked vector behind the commitment. Whoever
/// holds it can prove about the model; it reveals the weights.
#[derive(Clone, Debug)]
pub struct ModelOpening {
    /// As in the public record.
    pub shape_id: [u8; 32],
    /// As in the public record.
    pub srs_id: [u8; 32],
    /// The masked vector and its commitment.
    pub model: CommittedModel,
}

impl ModelOpening {
    /// Commits the quantized model `q` (of `arch`'s shape) with fresh mask randomness.
    pub fn commit(
        srs: &Srs,
        arch: &ModelArchitecture,
        q: &crate::graph::quant::QuantizedModel,
        rng: &mut (impl rand::RngCore + rand::CryptoRng),
    ) -> Result<Self, Error> {
        crate::error::ensure(
            super::ModelShape::from(q) == arch.shape,
            "model commitment",
            "the quantized model's shape is not the architecture's",
        )?;
        Ok(Self {
            shape_id: arch.shape.id(srs),
            srs_id: srs.id(),
            model: super::prove::commit_model(srs, arch, q, rng)?,
        })
    }

    /// The public record of this opening.
    pub fn record(&self) -> ModelCommitmentRecord {
        ModelCommitmentRecord {
            shape_id: self.shape_id,
            srs_id: self.srs_id,
            commitment: self.model.commitment,
        }
    }

    /// Checks that the opening belongs to `arch`'s model shape under `srs` and that its
    /// vector commits to its commitment (one MSM): a stale or edited opening is refused
    /// before any proving.
    pub fn check(&self, srs: &Srs, arch: &ModelArchitecture) -> Result<(), Error> {
        if self.shape_id != arch.shape.id(srs) {
            return Err(Error::Format {
                what: MODEL_OPENING_WHAT,
                reason: "made for another model shape or SRS than the architecture's".into(),
            });
        }
        if crate::pcs::commit(srs, &self.model.vector)? != self.model.commitment {
            return Err(Error::Format {
                what: MODEL_OPENING_WHAT,
                reason: "its vector does not commit to its commitment (the file was altered)"
                    .into(),
            });
        }
        Ok(())
    }
}

const MODEL_OPENING_WHAT: &str = artifact::MODEL_OPENING.what;

/// A data vector's public record: a test set as its publisher registers it (or the
/// commitment of an input a buyer committed to), for one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataCommitmentRecord {
    /// The architecture id (binds the SRS).
    pub architecture_id: [u8; 32],
    /// The commitment.
    pub commitment: G1Affine,
}

impl From<(&ModelArchitecture, &Srs, &CommittedData)> for DataCommitmentRecord {
    fn from((arch, srs, d): (&ModelArchitecture, &Srs, &CommittedData)) -> Self {
        Self {
            architecture_id: arch.id(srs),
            commitment: d.commitment,
        }
    }
}

/// A native model proof with its statement: the architecture, the SRS id, the model and data
/// commitments and the public values (chain words), so a verifier needs only the SRS and
/// the commitments it pins.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelProofFile {
    /// The statement's architecture.
    pub architecture: ModelArchitecture,
    /// The SRS's id.
    pub srs_id: [u8; 32],
    /// The model commitment the proof is about.
    pub model: G1Affine,
    /// The data commitment (when the architecture has a data vector).
    pub data: Option<G1Affine>,
    /// The public values as the chain sees them (packed words).
    pub public_words: Vec<Fr>,
    /// The proof.
    pub proof: ModelProof,
}

impl ModelProofFile {
    /// The public values, unpacked.
    pub fn public(&self) -> Result<PublicValues, Error> {
        PublicValues::from_chain(&self.architecture, &self.public_words)
    }

    /// Verifies the proof natively. `model` and `data` are the commitments the caller pins
    /// (the registered model; for accuracy, the test set its publisher registered); a pin
    /// that differs from the file's statement is refused before any algebra.
    pub fn verify(
        &self,
        srs: &Srs,
        model: Option<G1Affine>,
        data: Option<G1Affine>,
    ) -> Result<PublicValues, Error> {
        use crate::proof::roles::CommitmentRole;
        if srs.id() != self.srs_id {
            return Err(Error::Format {
                what: artifact::MODEL_PROOF.what,
                reason: "made with another SRS than the one given".into(),
            });
        }
        if model.is_some_and(|m| m != self.model) {
            return Err(Error::PinnedCommitmentMismatch {
                role: CommitmentRole::Model,
                index: 0,
            });
        }
        if let Some(d) = data
            && self.data != Some(d)
        {
            let role = self
                .architecture
                .commitment_roles()
                .get(2)
                .copied()
                .unwrap_or(CommitmentRole::Data);
            return Err(Error::PinnedCommitmentMismatch { role, index: 2 });
        }
        let public = self.public()?;
        super::verify(
            srs,
            &self.architecture,
            self.model,
            self.data,
            &public,
            &self.proof,
        )?;
        Ok(public)
    }
}

crate::canonical_struct!(CommittedModel { vector, commitment });
crate::canonical_struct!(ModelCommitmentRecord {
    shape_id,
    srs_id,
    commitment
});
crate::canonical_struct!(ModelOpening {
    shape_id,
    srs_id,
    model
});
crate::canonical_struct!(DataCommitmentRecord {
    architecture_id,
    commitment
});
crate::canonical_struct!(ModelProofFile {
    architecture,
    srs_id,
    model,
    data,
    public_words,
    proof
});
