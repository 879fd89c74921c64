//! Wrapping model statements (inference and accuracy, MLP or CNN) into Groth16 proofs for the
//! chain: key generation from the architecture alone, wrapping a native proof, and native
//! verification exactly as the contract does it.

use crate::circuit::PublicInputs;
use crate::error::Error;
use crate::groth16::{
    Keys, WrappedProof, count_constraints, prove_and_assemble, setup_circuit_insecure_dev,
    verify_wrapped_for,
};
use crate::model_circuit::ModelCircuit;
use ark_bn254::{Bn254, G1Affine};
use ark_groth16::PreparedVerifyingKey;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelProof, ModelWitness, PublicValues, Task, commit_data, commit_model,
    native_field_part, prove,
};
use zkmodel_prover::proof::roles::{CommitmentRole, ModelCommitments};

/// The circuit for a native proof (its public inputs computed natively).
pub fn circuit(
    srs: &Srs,
    arch: &ModelArchitecture,
    commitments: &ModelCommitments,
    public: &PublicValues,
    proof: &ModelProof,
) -> Result<ModelCircuit, Error> {
    let (s0, kp, out) = native_field_part(srs, arch, commitments, public, proof)?;
    Ok(ModelCircuit {
        arch: arch.clone(),
        public: PublicInputs { s0, kp, out },
        public_values: public.values(),
        salt: proof.salt,
        body: proof.body.clone(),
        evals: proof.opening.evals.clone(),
    })
}

/// A circuit of the architecture's shape, from a proof about the all-zero model on zero
/// inputs under a throwaway SRS: key generation needs only the shape, never a real witness.
pub fn placeholder(arch: &ModelArchitecture) -> Result<ModelCircuit, Error> {
    let len = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    let srs = Srs::insecure_development(0, len);
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    let q = arch.shape.zero_model();
    let m = arch.rows();
    let input = vec![0i64; m * q.input.rows() * q.input.width()];
    let trace = q.forward(m, input.clone())?;
    let model = commit_model(&srs, arch, &q, &mut rng)?;
    let labels = match arch.task {
        Task::Accuracy { examples } => Some(vec![0usize; examples]),
        Task::Inference { .. } => None,
    };
    let logits = (!matches!(arch.task, Task::Accuracy { .. })).then_some(trace.logits());
    let data = arch
        .has_data()
        .then(|| commit_data(&srs, arch, &input, logits, labels.as_deref(), &mut rng))
        .transpose()?;
    let w = ModelWitness {
        model: &q,
        committed_model: &model,
        data: data.as_ref(),
        trace: &trace,
        labels: labels.as_deref(),
    };
    let (proof, public) = prove(&srs, arch, &w, &mut rng)?;
    let commitments = ModelCommitments {
        model: model.commitment,
        trace: proof.trace_commitment,
        data: data.map(|d| d.commitment),
    };
    circuit(&srs, arch, &commitments, &public, &proof)
}

/// Development key generation for an architecture (INSECURE: single party).
pub fn setup_insecure_dev(
    arch: &ModelArchitecture,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Keys, Error> {
    setup_circuit_insecure_dev(placeholder(arch)?, rng)
}

/// Number of constraints of an architecture's circuit.
pub fn constraint_count(arch: &ModelArchitecture) -> Result<usize, Error> {
    count_constraints(placeholder(arch)?)
}

/// Wraps a native model proof.
pub fn wrap(
    keys: &Keys,
    srs: &Srs,
    arch: &ModelArchitecture,
    commitments: &ModelCommitments,
    public: &PublicValues,
    proof: &ModelProof,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<WrappedProof, Error> {
    let c = circuit(srs, arch, commitments, public, proof)?;
    let out = c.public.out.clone();
    prove_and_assemble(
        keys,
        c,
        commitments.to_vec(),
        public.chain_values(arch)?,
        &proof.opening,
        &out,
        rng,
    )
}

/// Verifies a wrapped model proof natively against the commitments its caller vouches for
/// (DESIGN §11.6): the registered `model`, and `data` for the statement's data vector — for
/// an accuracy statement the test set its publisher registered (required), for an inference
/// statement with committed input the buyer's own input commitment (optional: without it the
/// proof says only "some committed input", which is what the prover chose).
pub fn verify_wrapped(
    vk: &PreparedVerifyingKey<Bn254>,
    srs: &Srs,
    arch: &ModelArchitecture,
    model: G1Affine,
    data: Option<G1Affine>,
    proof: &WrappedProof,
) -> Result<(), Error> {
    let roles = arch.commitment_roles();
    let mut pins = vec![(CommitmentRole::Model, model)];
    if let Some(d) = data {
        // The data vector's role (test set or data); an architecture without one refuses it.
        let role = roles.get(2).copied().unwrap_or(CommitmentRole::Data);
        pins.push((role, d));
    }
    verify_wrapped_for(vk, srs, &arch.id(srs), &roles, &pins, proof)
}
