//! The Groth16 circuit of a model statement (inference or accuracy, MLP or CNN): the prover
//! crate's generic [`verify_field_part`] run over circuit variables.
//!
//! Public inputs, in order: s0, kp, ζ, γ, y₁, y₂ (DESIGN §11), then the statement's public
//! values packed into words
//! ([`zkmodel_prover::proof::model::PublicValues::chain_values`]) — the contract hashes the same
//! words into s0; the circuit unpacks them with a bit decomposition per value.

use crate::backend::{
    Var, alloc_lookup, alloc_opening_evals, alloc_sumcheck, circuit_transcript, witness,
    witness_vec,
};
use crate::circuit::{AllocatedInputs, PublicInputs, synth};
use ark_bn254::Fr;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkmodel_prover::BackendError;
use zkmodel_prover::blocks::argmax::ArgmaxProof;
use zkmodel_prover::blocks::dense::DenseProof;
use zkmodel_prover::blocks::pool::PoolProof;
use zkmodel_prover::pcs::OpeningEvals;
use zkmodel_prover::proof::model::{
    LayerProof, ModelArchitecture, ModelProofBody, verify_field_part,
};

/// The circuit verifying a model statement's field part.
#[derive(Clone, Debug)]
pub struct ModelCircuit {
    /// The architecture (fixes the circuit).
    pub arch: ModelArchitecture,
    /// s0, kp and the field outputs.
    pub public: PublicInputs,
    /// The statement's public values, unpacked (the public inputs are their packed words).
    pub public_values: Vec<Fr>,
    /// Private: the proof's salt.
    pub salt: Fr,
    /// Private: the block proofs.
    pub body: ModelProofBody<Fr>,
    /// Private: the opening evaluations.
    pub evals: OpeningEvals<Fr>,
}

fn alloc_dense(
    cs: &ConstraintSystemRef<Fr>,
    d: &DenseProof<Fr>,
) -> Result<DenseProof<Var>, BackendError> {
    Ok(DenseProof {
        values: witness_vec(cs, &d.values)?,
        matmul: alloc_sumcheck(cs, &d.matmul)?,
        zerocheck: d
            .zerocheck
            .as_ref()
            .map(|z| alloc_sumcheck(cs, z))
            .transpose()?,
    })
}

/// Allocates a model proof body as private witnesses, keeping its shape.
pub fn alloc_body(
    cs: &ConstraintSystemRef<Fr>,
    body: &ModelProofBody<Fr>,
) -> Result<ModelProofBody<Var>, BackendError> {
    let layers = body
        .layers
        .iter()
        .map(|l| {
            Ok(match l {
                LayerProof::Dense(d) => LayerProof::Dense(alloc_dense(cs, d)?),
                LayerProof::Conv { dense, gather } => LayerProof::Conv {
                    dense: alloc_dense(cs, dense)?,
                    gather: alloc_sumcheck(cs, gather)?,
                },
                LayerProof::Pool(p) => LayerProof::Pool(PoolProof {
                    values: witness_vec(cs, &p.values)?,
                }),
            })
        })
        .collect::<Result<_, BackendError>>()?;
    let argmax = body
        .argmax
        .as_ref()
        .map(|a| -> Result<_, BackendError> {
            Ok(ArgmaxProof {
                values: witness_vec(cs, &a.values)?,
                sumcheck: alloc_sumcheck(cs, &a.sumcheck)?,
                booleanity: alloc_sumcheck(cs, &a.booleanity)?,
            })
        })
        .transpose()?;
    Ok(ModelProofBody {
        range: alloc_lookup(cs, &body.range)?,
        remainder: alloc_lookup(cs, &body.remainder)?,
        activations: body
            .activations
            .iter()
            .map(|a| alloc_lookup(cs, a))
            .collect::<Result<_, _>>()?,
        layers,
        argmax,
    })
}

impl ConstraintSynthesizer<Fr> for ModelCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let groups = self.arch.public_groups().map_err(synth)?;
        let inputs = AllocatedInputs::new_packed(&cs, &self.public, &groups, &self.public_values)?;
        let salt = witness(&cs, self.salt).map_err(synth)?;
        let body = alloc_body(&cs, &self.body).map_err(synth)?;
        let evals = alloc_opening_evals(&cs, &self.evals).map_err(synth)?;
        let mut t = circuit_transcript(cs.clone()).map_err(synth)?;
        let out = verify_field_part(
            &self.arch,
            &inputs.s0,
            &inputs.kp,
            &salt,
            &inputs.values,
            &body,
            &evals,
            &mut t,
        )
        .map_err(synth)?;
        inputs.expose(&out)
    }
}
