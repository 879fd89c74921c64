//! The wrapped-proof file: a Groth16-wrapped model proof with its architecture, in
//! [`zkmodel_prover::artifact`]'s format, so a seller wraps once and posts (or hands to a
//! relayer) later, and anyone verifies it natively with the verifying key.

use crate::error::Error;
use crate::groth16::{Keys, WrappedProof, prepare};
use ark_bn254::G1Affine;
use std::path::Path;
use zkmodel_prover::artifact::{self, Access, Kind};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::ModelArchitecture;

/// A wrapped inference or accuracy proof.
pub const WRAPPED_MODEL_PROOF: Kind = Kind {
    name: "wrapped-model-proof",
    version: 1,
    what: "wrapped model proof file",
};

zkmodel_prover::canonical_struct!(WrappedProof {
    commitments,
    public_values,
    points,
    zeta,
    zeta_inv,
    gamma,
    y1,
    y2,
    groth16
});

/// A wrapped model proof with the architecture it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct WrappedModelProofFile {
    /// The statement's architecture (its id, under the SRS, selects the keys and verifier).
    pub architecture: ModelArchitecture,
    /// What goes on chain.
    pub wrapped: WrappedProof,
}

zkmodel_prover::canonical_struct!(WrappedModelProofFile {
    architecture,
    wrapped
});

impl WrappedModelProofFile {
    /// Writes the file.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        Ok(artifact::save(
            WRAPPED_MODEL_PROOF,
            self,
            path,
            Access::Public,
        )?)
    }

    /// Reads and validates the file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        Ok(artifact::load(WRAPPED_MODEL_PROOF, path)?)
    }

    /// Verifies natively exactly as the contract does: the Groth16 proof, the KZG pairing,
    /// the commitment count and roles, with `model` (and `data`) pinned to the registered
    /// values. `keys` must be this architecture's (their file is bound to its id).
    pub fn verify(
        &self,
        keys: &Keys,
        srs: &Srs,
        model: G1Affine,
        data: Option<G1Affine>,
    ) -> Result<(), Error> {
        crate::model::verify_wrapped(
            &prepare(&keys.vk),
            srs,
            &self.architecture,
            model,
            data,
            &self.wrapped,
        )
    }
}
