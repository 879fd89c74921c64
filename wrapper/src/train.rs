//! Wrapping training statements into Groth16 proofs for the chain: key generation from the
//! architecture alone, wrapping a native proof, and native verification exactly as the
//! contract does it. The commitments are [final model, initial model, dataset, trace]; the
//! first is the model commitment registered for inference and accuracy claims.

use crate::circuit::PublicInputs;
use crate::error::Error;
use crate::groth16::{
    Keys, WrappedProof, count_constraints, prove_and_assemble, setup_circuit_insecure_dev,
    verify_wrapped_for,
};
use crate::train_circuit::TrainCircuit;
use ark_bn254::{Bn254, G1Affine};
use ark_groth16::PreparedVerifyingKey;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{Task, commit_model};
use zkmodel_prover::proof::roles::{CommitmentRole, TrainingCommitments};
use zkmodel_prover::proof::train::{
    ProvingInputs, TrainArchitecture, TrainingProof, commit_dataset, native_field_part, prove,
};
use zkmodel_prover::train::train;

/// The circuit for a native proof (its public inputs computed natively).
pub fn circuit(
    srs: &Srs,
    arch: &TrainArchitecture,
    commitments: &TrainingCommitments,
    proof: &TrainingProof,
) -> Result<TrainCircuit, Error> {
    let (s0, kp, out) = native_field_part(srs, arch, commitments, proof)?;
    Ok(TrainCircuit {
        arch: arch.clone(),
        public: PublicInputs { s0, kp, out },
        salt: proof.salt,
        body: proof.body.clone(),
        evals: proof.opening.evals.clone(),
    })
}

/// The statement's commitments: final model, initial model, dataset, and the proof's trace.
pub fn commitments(
    final_model: G1Affine,
    initial: G1Affine,
    dataset: G1Affine,
    proof: &TrainingProof,
) -> TrainingCommitments {
    TrainingCommitments {
        final_model,
        initial_model: initial,
        dataset,
        trace: proof.trace_commitment,
    }
}

/// A circuit of the architecture's shape, from the training run of the all-zero model on an
/// all-zero dataset (every label class 0) under a throwaway SRS: key generation needs only the
/// shape, never a real witness.
pub fn placeholder(arch: &TrainArchitecture) -> Result<TrainCircuit, Error> {
    let len = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    let srs = Srs::insecure_development(0, len);
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    let q0 = arch.shape.zero_model();
    let x = vec![0i64; arch.examples * arch.shape.input_width()];
    let y = vec![0usize; arch.examples];
    let (q, steps) = train(q0.clone(), &arch.config, &x, &y)?;
    let model_arch = arch.model_architecture(Task::Accuracy { examples: 1 });
    let initial = commit_model(&srs, &model_arch, &q0, &mut rng)?;
    let trained = commit_model(&srs, &model_arch, &q, &mut rng)?;
    let dataset = commit_dataset(&srs, arch, &x, &y, &mut rng)?;
    let inputs = ProvingInputs {
        initial: &initial,
        trained: (&q, &trained),
        dataset: (&dataset, &x, &y),
        steps: &steps,
    };
    let proof = prove(&srs, arch, &inputs, &mut rng)?;
    let c = commitments(
        trained.commitment,
        initial.commitment,
        dataset.commitment,
        &proof,
    );
    circuit(&srs, arch, &c, &proof)
}

/// Development key generation for a training architecture (INSECURE: single party).
pub fn setup_insecure_dev(
    arch: &TrainArchitecture,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Keys, Error> {
    setup_circuit_insecure_dev(placeholder(arch)?, rng)
}

/// Number of constraints of a training architecture's circuit.
pub fn constraint_count(arch: &TrainArchitecture) -> Result<usize, Error> {
    count_constraints(placeholder(arch)?)
}

/// Wraps a native training proof; `commitments` as [`commitments`] orders them.
pub fn wrap(
    keys: &Keys,
    srs: &Srs,
    arch: &TrainArchitecture,
    commitments: &TrainingCommitments,
    proof: &TrainingProof,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<WrappedProof, Error> {
    let c = circuit(srs, arch, commitments, proof)?;
    let out = c.public.out.clone();
    prove_and_assemble(
        keys,
        c,
        commitments.to_vec(),
        vec![],
        &proof.opening,
        &out,
        rng,
    )
}

/// Verifies a wrapped training proof natively against the three commitments its caller
/// vouches for (DESIGN §11.6): the registered final model, the initial model (registered, or
/// recomputed from its public seed) and the dataset its publisher registered.
pub fn verify_wrapped(
    vk: &PreparedVerifyingKey<Bn254>,
    srs: &Srs,
    arch: &TrainArchitecture,
    final_model: G1Affine,
    initial: G1Affine,
    dataset: G1Affine,
    proof: &WrappedProof,
) -> Result<(), Error> {
    let pins = [
        (CommitmentRole::FinalModel, final_model),
        (CommitmentRole::InitialModel, initial),
        (CommitmentRole::Dataset, dataset),
    ];
    verify_wrapped_for(
        vk,
        srs,
        &arch.id(srs),
        &arch.commitment_roles(),
        &pins,
        proof,
    )
}
