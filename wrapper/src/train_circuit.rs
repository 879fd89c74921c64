//! The Groth16 circuit of a training statement: the prover crate's generic
//! [`verify_field_part`] for training run over circuit variables.
//!
//! Public inputs: s0, kp, ζ, γ, y₁, y₂ (DESIGN §11). A training statement has no public values
//! of its own: its hyperparameters are in the architecture id the contract hashes into s0.

use crate::backend::{
    Var, alloc_lookup, alloc_opening_evals, alloc_sumcheck, circuit_transcript, witness,
    witness_vec,
};
use crate::circuit::{AllocatedInputs, PublicInputs, synth};
use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkmodel_prover::BackendError;
use zkmodel_prover::blocks::dense_iter::{BiasUpdateProof, IteratedDenseProof, RescaledProof};
use zkmodel_prover::blocks::iterate::StepProof;
use zkmodel_prover::blocks::relu_grad::ReluGradProof;
use zkmodel_prover::blocks::softmax::SoftmaxProof;
use zkmodel_prover::pcs::OpeningEvals;
use zkmodel_prover::proof::train::{
    BackwardProof, TrainArchitecture, TrainingProofBody, verify_field_part,
};

/// The circuit verifying a training statement's field part.
#[derive(Clone, Debug)]
pub struct TrainCircuit {
    /// The architecture (fixes the circuit).
    pub arch: TrainArchitecture,
    /// s0, kp and the field outputs.
    pub public: PublicInputs,
    /// Private: the proof's salt.
    pub salt: Fr,
    /// Private: the block proofs.
    pub body: TrainingProofBody<Fr>,
    /// Private: the opening evaluations.
    pub evals: OpeningEvals<Fr>,
}

type Cs = ConstraintSystemRef<Fr>;

fn rescaled(cs: &Cs, p: &RescaledProof<Fr>) -> Result<RescaledProof<Var>, BackendError> {
    Ok(RescaledProof {
        values: witness_vec(cs, &p.values)?,
        contraction: alloc_sumcheck(cs, &p.contraction)?,
    })
}

fn chain(cs: &Cs, p: &StepProof<Fr>) -> Result<StepProof<Var>, BackendError> {
    Ok(StepProof {
        values: witness_vec(cs, &p.values)?,
        sumcheck: alloc_sumcheck(cs, &p.sumcheck)?,
    })
}

fn backward(cs: &Cs, p: &BackwardProof<Fr>) -> Result<BackwardProof<Var>, BackendError> {
    let backprop = p
        .backprop
        .as_ref()
        .map(|(b, r)| -> Result<_, BackendError> {
            Ok((
                rescaled(cs, b)?,
                ReluGradProof {
                    values: witness_vec(cs, &r.values)?,
                    zerocheck: alloc_sumcheck(cs, &r.zerocheck)?,
                },
            ))
        })
        .transpose()?;
    Ok(BackwardProof {
        weight: rescaled(cs, &p.weight)?,
        weight_chain: chain(cs, &p.weight_chain)?,
        bias: BiasUpdateProof {
            values: witness_vec(cs, &p.bias.values)?,
        },
        bias_chain: chain(cs, &p.bias_chain)?,
        backprop,
    })
}

/// Allocates a training proof body as private witnesses, keeping its shape.
pub fn alloc_body(
    cs: &Cs,
    body: &TrainingProofBody<Fr>,
) -> Result<TrainingProofBody<Var>, BackendError> {
    let forward = body
        .forward
        .iter()
        .map(|f| {
            Ok(IteratedDenseProof {
                values: witness_vec(cs, &f.values)?,
                contraction: alloc_sumcheck(cs, &f.contraction)?,
                zerocheck: f
                    .zerocheck
                    .as_ref()
                    .map(|z| alloc_sumcheck(cs, z))
                    .transpose()?,
            })
        })
        .collect::<Result<_, BackendError>>()?;
    let softmax = body
        .softmax
        .as_ref()
        .map(|s| -> Result<_, BackendError> {
            Ok(SoftmaxProof {
                values: witness_vec(cs, &s.values)?,
                max: alloc_sumcheck(cs, &s.max)?,
                zerocheck: alloc_sumcheck(cs, &s.zerocheck)?,
            })
        })
        .transpose()?;
    Ok(TrainingProofBody {
        lookups: body
            .lookups
            .iter()
            .map(|l| alloc_lookup(cs, l))
            .collect::<Result<_, _>>()?,
        forward,
        softmax,
        gradient: alloc_sumcheck(cs, &body.gradient)?,
        one_hot: alloc_sumcheck(cs, &body.one_hot)?,
        backward: body
            .backward
            .iter()
            .map(|b| backward(cs, b))
            .collect::<Result<_, _>>()?,
    })
}

impl ConstraintSynthesizer<Fr> for TrainCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let inputs = AllocatedInputs::new(&cs, &self.public, &[])?;
        let salt = witness(&cs, self.salt).map_err(synth)?;
        let body = alloc_body(&cs, &self.body).map_err(synth)?;
        let evals = alloc_opening_evals(&cs, &self.evals).map_err(synth)?;
        let mut t = circuit_transcript(cs.clone()).map_err(synth)?;
        let out = verify_field_part(
            &self.arch, &inputs.s0, &inputs.kp, &salt, &body, &evals, &mut t,
        )
        .map_err(synth)?;
        inputs.expose(&out)
    }
}
