//! Every statement kind wrapped through one entry point, and the wrapped-proof file.
//!
//! [`setup_insecure_dev`], [`wrap_model`]/[`wrap_training`] and [`WrappedProofFile::verify`]
//! take an [`Architecture`] of any kind; verification takes the pins keyed by commitment role
//! ([`CommitmentRole`]), so what a verifier must pin is the architecture's to say, not the
//! caller's. The file uses [`zkmodel_prover::artifact`]'s header and canonical encoding.

use crate::ceremony::{self, Snarkjs};
use crate::error::Error;
use crate::groth16::{Keys, WrappedProof, prepare, verify_wrapped_for};
use crate::r1cs::R1csSummary;
use crate::wrap::PreparedWrap;
use ark_bn254::G1Affine;
use rand::{CryptoRng, RngCore};
use std::path::Path;
use zkmodel_prover::artifact::{self, Access, Kind};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::ModelProofFile;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::train::TrainingProofFile;

/// A wrapped proof of any statement kind.
pub const WRAPPED_PROOF: Kind = Kind {
    name: "wrapped-proof",
    version: 2,
    what: "wrapped proof file",
};

zkmodel_prover::canonical_struct!(WrappedProof {
    commitments,
    public_values,
    points,
    beta,
    alpha,
    zeta,
    zeta_inv,
    gamma,
    y_zeta,
    y_inv,
    groth16
});

/// `$f(statement)` for the statement of an architecture of any kind.
macro_rules! each_kind {
    ($arch:expr, |$a:ident| $body:expr) => {
        match $arch {
            Architecture::Model($a) => $body,
            Architecture::Training($a) => $body,
        }
    };
}

/// Development key generation for an architecture of any kind (INSECURE: single party).
pub fn setup_insecure_dev(
    arch: &Architecture,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Keys, Error> {
    each_kind!(arch, |a| crate::wrap::setup_insecure_dev(a, rng))
}

/// [`ceremony::new`] for an architecture of any kind.
pub fn ceremony_new(
    snarkjs: &Snarkjs,
    arch: &Architecture,
    ptau: &Path,
    r1cs: &Path,
    zkey: &Path,
) -> Result<R1csSummary, Error> {
    each_kind!(arch, |a| ceremony::new(snarkjs, a, ptau, r1cs, zkey))
}

/// [`ceremony::verify`] then [`ceremony::import`] for an architecture of any kind: the keys
/// a verified final zkey holds, and snarkjs's report.
pub fn ceremony_keys(
    snarkjs: &Snarkjs,
    arch: &Architecture,
    ptau: &[u8],
    zkey: &[u8],
) -> Result<ceremony::Finalized, Error> {
    each_kind!(arch, |a| {
        let verified = ceremony::verify(snarkjs, a, ptau, zkey)?;
        let keys = ceremony::import(a, ptau, zkey, &verified)?;
        Ok(ceremony::Finalized {
            keys,
            report: verified.report,
        })
    })
}

/// A wrapped proof with the architecture it is for.
#[derive(Clone, Debug, PartialEq)]
pub struct WrappedProofFile {
    /// The statement's architecture (its id, under the SRS, selects the keys and verifier).
    pub architecture: Architecture,
    /// What goes on chain.
    pub wrapped: WrappedProof,
}

zkmodel_prover::canonical_struct!(WrappedProofFile {
    architecture,
    wrapped
});

/// Wraps a native inference or accuracy proof.
pub fn wrap_model(
    keys: &Keys,
    srs: &Srs,
    file: &ModelProofFile,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<WrappedProofFile, Error> {
    prepare_model(srs, file)?.finish(keys, rng)
}

/// Wraps a native training proof.
pub fn wrap_training(
    keys: &Keys,
    srs: &Srs,
    file: &TrainingProofFile,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<WrappedProofFile, Error> {
    prepare_training(srs, file)?.finish(keys, rng)
}

/// The keyless part of [`wrap_model`] (see [`PreparedWrap`]).
pub fn prepare_model(srs: &Srs, file: &ModelProofFile) -> Result<PreparedFile, Error> {
    let arch = &file.architecture;
    let claim = file.proof.claim(file.model, file.data, &file.public()?);
    Ok(PreparedFile {
        architecture: Architecture::Model(arch.clone()),
        prepared: crate::wrap::prepare(srs, arch, &claim)?,
    })
}

/// The keyless part of [`wrap_training`] (see [`PreparedWrap`]).
pub fn prepare_training(srs: &Srs, file: &TrainingProofFile) -> Result<PreparedFile, Error> {
    let arch = &file.architecture;
    let claim = file
        .proof
        .claim(file.final_model, file.initial_model, file.dataset);
    Ok(PreparedFile {
        architecture: Architecture::Training(arch.clone()),
        prepared: crate::wrap::prepare(srs, arch, &claim)?,
    })
}

/// A native proof file's wrap, synthesized and waiting for its keys.
pub struct PreparedFile {
    architecture: Architecture,
    prepared: PreparedWrap,
}

impl PreparedFile {
    /// The wrapped proof file under `keys`.
    pub fn finish(
        self,
        keys: &Keys,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<WrappedProofFile, Error> {
        Ok(WrappedProofFile {
            architecture: self.architecture,
            wrapped: self.prepared.finish(keys, rng)?,
        })
    }
}

impl WrappedProofFile {
    /// Writes the file.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        Ok(artifact::save(WRAPPED_PROOF, self, path, Access::Public)?)
    }

    /// Reads and validates the file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        Ok(artifact::load(WRAPPED_PROOF, path)?)
    }

    /// Verifies natively exactly as the contract does — Groth16, the KZG pairing, the
    /// commitment count — with every non-free role of the architecture pinned in `pins` to
    /// the value its registrant registered (a missing pin, a pin for a role the architecture
    /// does not have, or a mismatch is a typed error). `keys` must be this architecture's.
    pub fn verify(
        &self,
        keys: &Keys,
        srs: &Srs,
        pins: &[(CommitmentRole, G1Affine)],
    ) -> Result<(), Error> {
        let arch = &self.architecture;
        verify_wrapped_for(
            &prepare(&keys.vk),
            srs,
            &arch.id(srs),
            &arch.commitment_roles(),
            arch.public_len()?,
            arch.opening_row()?,
            pins,
            &self.wrapped,
        )
    }
}

/// A relayer's pre-check of `verify(statement, proof)` calldata for `arch` before it pays to
/// post it: decodes it and runs Groth16 and the KZG pairing exactly as the contract does, with
/// every non-free commitment taken as the statement states it.
///
/// **Not a verification of a claim**: it says nothing about *which* model, test set or
/// training set the statement is about. The marketplace checks the statement's commitments
/// against the registered objects its pins name; use [`WrappedProofFile::verify`] with real
/// pins for that.
pub fn precheck_calldata(
    keys: &Keys,
    srs: &Srs,
    arch: &Architecture,
    calldata: &[u8],
) -> Result<(), Error> {
    let wrapped = crate::calldata::decode_verify_calldata(calldata)?;
    let roles = arch.commitment_roles();
    let as_stated: Vec<(CommitmentRole, G1Affine)> = roles
        .iter()
        .zip(&wrapped.commitments)
        .filter(|(r, _)| !r.is_free())
        .map(|(r, c)| (*r, *c))
        .collect();
    verify_wrapped_for(
        &prepare(&keys.vk),
        srs,
        &arch.id(srs),
        &roles,
        arch.public_len()?,
        arch.opening_row()?,
        &as_stated,
        &wrapped,
    )
}
