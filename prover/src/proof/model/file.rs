//! The files of the model statements, so that "commit once, prove many times" survives a
//! restart and a buyer verifies without the seller's weights:
//!
//! - the **architecture file** (JSON, public; [`crate::proof::architecture`]): shape and task,
//!   everything keys and verifiers depend on; its id binds an SRS;
//! - the **model commitment** (public): what the seller registers on chain;
//! - the **model opening** (secret, mode 0600): the masked vector behind that commitment;
//! - the **data commitment** (public): a test set as its publisher registers it;
//! - the **proof file** (public): a native proof with its statement.
//!
//! Binary files use [`crate::artifact`]'s header and canonical encoding.

use super::plan::ModelArchitecture;
use super::prove::CommittedModel;
use super::{ModelProof, PublicValues};
use crate::artifact;
use crate::error::Error;
use crate::pcs::Srs;
use crate::proof::roles::CommitmentRole;
use crate::proof::statement::check_srs;
use ark_bn254::{Fr, G1Affine};

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
    /// Whether the weights and masks derive from a public seed (a training run's seeded
    /// initial model): anyone can open such a commitment, so it is never a model for sale.
    pub seeded: bool,
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
            seeded: false,
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

    /// Verifies the proof natively, with every non-free role of the architecture pinned in
    /// `pins` to its registered value (the model; for accuracy the test set its publisher
    /// registered; optionally a buyer's own committed input): [`check_pinned`] refuses a
    /// missing, extra or mismatched pin before any algebra.
    pub fn verify(
        &self,
        srs: &Srs,
        pins: &[(CommitmentRole, G1Affine)],
    ) -> Result<PublicValues, Error> {
        let arch = &self.architecture;
        check_srs(arch, srs, &self.srs_id, artifact::MODEL_PROOF.what)?;
        let public = self.public()?;
        self.proof
            .claim(self.model, self.data, &public)
            .verify_pinned(arch, srs, pins)?;
        Ok(public)
    }
}

crate::canonical_struct!(CommittedModel { vector, commitment });
crate::canonical_struct!(ModelCommitmentRecord {
    shape_id,
    srs_id,
    commitment,
    seeded
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
