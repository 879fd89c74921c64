//! Wrapping claims of any statement kind into Groth16 proofs for the chain, written once
//! against [`Statement`]: key generation from the architecture alone (its placeholder claim
//! fixes the circuit's shape), wrapping a native claim, and native verification of a wrapped
//! proof exactly as the contract does it.

use crate::circuit::StatementCircuit;
use crate::error::Error;
use crate::groth16::{
    Keys, WrappedProof, count_constraints, setup_circuit_insecure_dev, verify_wrapped_for,
};
use crate::prover::Synthesized;
use ark_bn254::{Bn254, Fr, G1Affine};
use ark_groth16::PreparedVerifyingKey;
use rand::{CryptoRng, RngCore};
use zkmodel_prover::pcs::{SplitOpeningProof, SplitOutputs, Srs};
use zkmodel_prover::proof::public::packed_len;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::statement::{Claim, Statement, placeholder_srs};

/// A circuit of the architecture's shape, from its placeholder claim under a throwaway SRS.
pub fn placeholder<S: Statement>(arch: &S) -> Result<StatementCircuit<S>, Error> {
    let srs = placeholder_srs(arch)?;
    StatementCircuit::new(&srs, arch, &arch.placeholder(&srs)?)
}

/// Development key generation for an architecture (INSECURE: single party, whoever runs it
/// can forge proofs; refused off local development chains).
pub fn setup_insecure_dev<S: Statement>(
    arch: &S,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Keys, Error> {
    setup_circuit_insecure_dev(placeholder(arch)?, rng)
}

/// Number of R1CS constraints of an architecture's circuit.
pub fn constraint_count<S: Statement>(arch: &S) -> Result<usize, Error> {
    count_constraints(placeholder(arch)?)
}

/// Wraps a native claim: the Groth16 proof of its field part, with the statement's
/// commitments and packed public words, the opening's group points and the field outputs.
pub fn wrap<S: Statement>(
    keys: &Keys,
    srs: &Srs,
    arch: &S,
    claim: &Claim<S>,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<WrappedProof, Error> {
    prepare(srs, arch, claim)?.finish(keys, rng)
}

/// A wrap up to the point where the proving key enters: the circuit's assignment recorded
/// ([`StatementCircuit::assignment`]) and its QAP quotient computed. A caller that reads the keys from disk can read them meanwhile
/// (`zkmodel wrap` does) and then [`PreparedWrap::finish`].
pub struct PreparedWrap {
    commitments: Vec<G1Affine>,
    public_values: Vec<Fr>,
    opening: SplitOpeningProof,
    out: SplitOutputs<Fr>,
    synthesized: Synthesized,
}

/// Everything of [`wrap`] that does not need the keys.
pub fn prepare<S: Statement>(srs: &Srs, arch: &S, claim: &Claim<S>) -> Result<PreparedWrap, Error> {
    let circuit = {
        let _span = tracing::debug_span!("wrap:circuit values").entered();
        StatementCircuit::new(srs, arch, claim)?
    };
    let out = circuit.public.out.clone();
    Ok(PreparedWrap {
        commitments: claim.commitments.clone(),
        public_values: claim.chain_public(arch)?,
        opening: claim.opening.clone(),
        out,
        synthesized: Synthesized::new(circuit.assignment()?)?,
    })
}

impl PreparedWrap {
    /// The wrapped proof under `keys` (fresh Groth16 randomness from `rng`). Keys of another
    /// circuit fail here on their shape, or give a proof that does not verify.
    pub fn finish(
        self,
        keys: &Keys,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<WrappedProof, Error> {
        let groth16 = self.synthesized.prove_random(&keys.pk, rng)?;
        Ok(WrappedProof::assemble(
            self.commitments,
            self.public_values,
            &self.opening,
            &self.out,
            groth16,
        ))
    }
}

/// Verifies a wrapped proof natively, as the contract does, against the commitments its
/// caller vouches for, by role (DESIGN §11.6): every role of the architecture that is not
/// free must be pinned — the registered model or final model, the test set or dataset its
/// publisher registered, the initial model registered or derived from a public seed.
pub fn verify_wrapped<S: Statement>(
    vk: &PreparedVerifyingKey<Bn254>,
    srs: &Srs,
    arch: &S,
    pins: &[(CommitmentRole, G1Affine)],
    proof: &WrappedProof,
) -> Result<(), Error> {
    verify_wrapped_for(
        vk,
        srs,
        &arch.id(srs),
        &arch.commitment_roles(),
        packed_len(&arch.public_groups()?),
        arch.opening_row()?,
        pins,
        proof,
    )
}
