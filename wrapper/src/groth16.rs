//! Groth16 over BN254 for statement circuits: key generation, proving, native verification of
//! the whole wrapped proof (Groth16 plus the KZG pairing check, as the contract does it).
//!
//! Key generation here is a **single-party development setup**: whoever runs it knows the
//! toxic waste and can forge proofs. It is labelled as such in [`KeyOrigin`]; production keys
//! come from a multi-party phase-2 ceremony ([`crate::ceremony`]) over the Powers of Tau the
//! SRS already uses.

use crate::circuit::{FIXED_PUBLIC_INPUTS, PublicInputs};
use crate::error::Error;
use crate::qap::SnarkjsQap;
use ark_bn254::{Bn254, Fr, G1Affine};
use ark_ff::UniformRand;
use ark_groth16::{
    Groth16, PreparedVerifyingKey, Proof, ProvingKey, VerifyingKey, prepare_verifying_key,
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use ark_serialize::Valid;
use ark_snark::SNARK;
use rand::RngCore;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::chain::{rows_digest, split_digest, statement_seed};
use zkmodel_prover::pcs::{SplitOpeningProof, SplitOutputs, SplitSeeds, verify_split_group};
use zkmodel_prover::proof::roles::{CommitmentRole, check_pinned};

/// Groth16 with snarkjs's QAP reduction, for every key: a ceremony's keys and development keys
/// share one layout and one prover (see [`crate::qap`]).
pub(crate) type Snark = Groth16<Bn254, SnarkjsQap>;

pub use crate::origin::KeyOrigin;

/// Groth16 keys for one architecture.
#[derive(Clone, Debug)]
pub struct Keys {
    /// Provenance.
    pub origin: KeyOrigin,
    /// Proving key.
    pub pk: ProvingKey<Bn254>,
    /// Verifying key (rendered into the Solidity verifier).
    pub vk: VerifyingKey<Bn254>,
}

/// Development key generation for any statement circuit (INSECURE: single party).
///
/// Like a snarkjs phase-2 key, γ = 1 over the standard generators, so [γ]₂ is the G2
/// generator: the verifier's e(vk_x, [γ]₂) then shares its pairing with the opening's
/// e(P, [1]₂) (one pairing fewer on chain). α, β, δ are random; δ alone keeps the public
/// inputs' IC terms apart from the proof's, as in every snarkjs key.
pub fn setup_circuit_insecure_dev<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Keys, Error> {
    use ark_ec::PrimeGroup;
    let (alpha, beta, delta) = (Fr::rand(rng), Fr::rand(rng), Fr::rand(rng));
    let pk = Snark::generate_parameters_with_qap(
        circuit,
        alpha,
        beta,
        Fr::from(1u64),
        delta,
        ark_bn254::G1Projective::generator(),
        ark_bn254::G2Projective::generator(),
        rng,
    )
    .map_err(|e| Error::Groth16 {
        stage: "setup",
        reason: e.to_string(),
    })?;
    let vk = pk.vk.clone();
    Ok(Keys {
        origin: KeyOrigin::InsecureSingleParty,
        pk,
        vk,
    })
}

/// Groth16-proves a statement circuit.
pub fn prove_circuit<C: ConstraintSynthesizer<Fr>>(
    keys: &Keys,
    circuit: C,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Proof<Bn254>, Error> {
    crate::prover::synthesize(circuit)?.prove_random(&keys.pk, rng)
}

/// Number of constraints a statement circuit synthesizes.
pub fn count_constraints<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<usize, Error> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    circuit
        .generate_constraints(cs.clone())
        .map_err(|e| Error::Groth16 {
            stage: "setup",
            reason: e.to_string(),
        })?;
    Ok(cs.num_constraints())
}

/// What goes on chain: the statement (commitments, public values), the opening's group
/// elements and field outputs, and the Groth16 proof of the field part.
#[derive(Clone, Debug, PartialEq)]
pub struct WrappedProof {
    /// Statement commitments in the architecture's order (model first).
    pub commitments: Vec<G1Affine>,
    /// The statement's public values.
    pub public_values: Vec<Fr>,
    /// The opening's points, in calldata order: H, G, Ĝ, Q, S₁, S₂, W_ζ, W_ι.
    pub points: [G1Affine; 8],
    /// β, combining the vectors.
    pub beta: Fr,
    /// The fold point α.
    pub alpha: Fr,
    /// ζ.
    pub zeta: Fr,
    /// ζ⁻¹ (checked by the contract with one mulmod).
    pub zeta_inv: Fr,
    /// γ.
    pub gamma: Fr,
    /// y_ζ.
    pub y_zeta: Fr,
    /// y_ι.
    pub y_inv: Fr,
    /// The Groth16 proof.
    pub groth16: Proof<Bn254>,
}

impl WrappedProof {
    /// Assembles what goes on chain from a statement, its opening, the field outputs and the
    /// Groth16 proof.
    pub fn assemble(
        commitments: Vec<G1Affine>,
        public_values: Vec<Fr>,
        opening: &SplitOpeningProof,
        out: &SplitOutputs<Fr>,
        groth16: Proof<Bn254>,
    ) -> Self {
        Self {
            commitments,
            public_values,
            points: opening.points(),
            beta: out.beta,
            alpha: out.alpha,
            zeta: out.zeta,
            zeta_inv: out.zeta_inv,
            gamma: out.gamma,
            y_zeta: out.y_zeta,
            y_inv: out.y_inv,
            groth16,
        }
    }

    /// s0 = keccak over the statement as the contract computes it for `architecture`,
    /// d₁ = keccak(H), d₂ = keccak(G, Ĝ, Q, S₁, S₂).
    pub fn seeds(&self, architecture: &[u8; 32]) -> SplitSeeds<Fr> {
        let [h, g, g_rev, q, s1, s2, _, _] = self.points;
        SplitSeeds {
            s0: statement_seed(architecture, &self.commitments, &self.public_values),
            d1: rows_digest(&h),
            d2: split_digest(&[g, g_rev, q, s1, s2]),
        }
    }

    /// The seeds and the field outputs; `row` is the architecture's opening row width (read
    /// by the group part only).
    pub fn public_inputs_for(&self, architecture: &[u8; 32], row: usize) -> PublicInputs {
        PublicInputs {
            seeds: self.seeds(architecture),
            out: SplitOutputs {
                beta: self.beta,
                alpha: self.alpha,
                zeta: self.zeta,
                zeta_inv: self.zeta_inv,
                gamma: self.gamma,
                y_zeta: self.y_zeta,
                y_inv: self.y_inv,
                row,
            },
        }
    }

    /// The whole Groth16 public-input vector, as the contract forms it: s0, d₁, d₂, β, α, ζ,
    /// γ, y_ζ, y_ι, then the statement's public words.
    pub fn groth16_inputs(&self, architecture: &[u8; 32]) -> Vec<Fr> {
        let mut inputs = self.public_inputs_for(architecture, 1).to_vec();
        inputs.extend(&self.public_values);
        inputs
    }
}

/// Groth16-proves a statement circuit and assembles the chain proof around it: the
/// statement's commitments and packed public values, the opening's group points and the
/// field part's outputs `out` (the circuit's public inputs, computed natively).
pub fn prove_and_assemble<C: ConstraintSynthesizer<Fr>>(
    keys: &Keys,
    circuit: C,
    commitments: Vec<G1Affine>,
    public_values: Vec<Fr>,
    opening: &SplitOpeningProof,
    out: &SplitOutputs<Fr>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<WrappedProof, Error> {
    let groth16 = prove_circuit(keys, circuit, rng)?;
    Ok(WrappedProof::assemble(
        commitments,
        public_values,
        opening,
        out,
        groth16,
    ))
}

/// Verifies a wrapped proof of any architecture natively, as the contract does: first the
/// statement's commitments against the architecture's `roles` and the caller's `pins`
/// (the count, and every role that is not free equal to its pinned value, DESIGN §11.6);
/// then the number of public words against the architecture's `public_words` and the key's
/// inputs; then s0, d₁, d₂ by Keccak, Groth16 on (s0, d₁, d₂, β, α, ζ, γ, y_ζ, y_ι, public
/// words), and the opening's pairing check with the architecture's row width `row`. Crate-private: `roles` and `public_words` must be the
/// architecture's own, or a caller could check against the wrong ones.
///
/// The word count matters: arkworks' Groth16 verifier pairs inputs with the key's IC points
/// without checking their number, while s0 hashes every word the proof carries, so a proof
/// with words its architecture lacks would pass Groth16 natively (the contract checks the
/// count; this verifier must too).
///
/// The commitment count matters for soundness, not only for meaning: the pairing's fold
/// equation combines the listed commitments as Σ β^k C_k, which must be the K vectors the
/// circuit's claims are on.
pub(crate) fn verify_wrapped_for(
    vk: &PreparedVerifyingKey<Bn254>,
    srs: &Srs,
    architecture: &[u8; 32],
    roles: &[CommitmentRole],
    public_words: usize,
    row: usize,
    pins: &[(CommitmentRole, G1Affine)],
    proof: &WrappedProof,
) -> Result<(), Error> {
    check_pinned(roles, &proof.commitments, pins)?;
    if proof.public_values.len() != public_words {
        return Err(Error::PublicValueCount {
            expected: public_words,
            actual: proof.public_values.len(),
        });
    }
    let key_inputs = vk.vk.gamma_abc_g1.len().saturating_sub(1);
    if key_inputs != FIXED_PUBLIC_INPUTS + public_words {
        return Err(Error::KeyInputCount {
            expected: FIXED_PUBLIC_INPUTS + public_words,
            actual: key_inputs,
        });
    }
    // Files are validated when read, but a proof made in memory (a wrap checking its own
    // result) is not: a B query point outside the subgroup would reach the chain, whose
    // pairing precompile refuses it.
    let g = &proof.groth16;
    for (point, valid) in [("A", g.a.check()), ("B", g.b.check()), ("C", g.c.check())] {
        if valid.is_err() {
            return Err(Error::ProofPointInvalid { point });
        }
    }
    let public = proof.public_inputs_for(architecture, row);
    let inputs = proof.groth16_inputs(architecture);
    let ok = Snark::verify_with_processed_vk(vk, &inputs, &proof.groth16).map_err(|e| {
        Error::Groth16 {
            stage: "verify",
            reason: e.to_string(),
        }
    })?;
    if !ok {
        return Err(Error::Groth16Rejected);
    }
    verify_split_group(
        srs,
        &proof.commitments,
        proof.points,
        &public.seeds,
        &public.out,
    )?;
    Ok(())
}

/// Prepares a verifying key for repeated native verification.
pub fn prepare(vk: &VerifyingKey<Bn254>) -> PreparedVerifyingKey<Bn254> {
    prepare_verifying_key(vk)
}
