//! The Groth16 circuit of a statement: the prover crate's generic field-part verifier run over
//! circuit variables, with the public inputs of DESIGN §11.
//!
//! Public inputs, in order: s0, kp, ζ, γ, y₁, y₂, then the statement's public values. s0 and kp
//! are recomputed by the contract with Keccak; ζ, γ, y₁, y₂ are outputs of the in-circuit
//! verifier, constrained equal to their public copies, and feed the contract's pairing check.

use crate::backend::{
    Var, alloc_opening_evals, alloc_sumcheck, circuit_transcript, public, witness,
};
use ark_bn254::Fr;
use ark_r1cs_std::eq::EqGadget;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkmodel_prover::blocks::matmul::{MatMulDims, MatMulProof};
use zkmodel_prover::pcs::{FieldOutputs, OpeningEvals};
use zkmodel_prover::proof::matmul::verify_field_part;
use zkmodel_prover::sumcheck::SumcheckProof;

/// The values the contract passes as Groth16 public inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// keccak statement seed.
    pub s0: Fr,
    /// keccak(Q₁, Q₂).
    pub kp: Fr,
    /// Outputs of the field part.
    pub out: FieldOutputs<Fr>,
}

impl PublicInputs {
    /// The Groth16 public-input vector: s0, kp, ζ, γ, y₁, y₂.
    pub fn to_vec(&self) -> Vec<Fr> {
        vec![
            self.s0,
            self.kp,
            self.out.zeta,
            self.out.gamma,
            self.out.y1,
            self.out.y2,
        ]
    }
}

/// The circuit verifying a MatMul statement's field part.
#[derive(Clone, Debug)]
pub struct MatMulCircuit {
    /// Shape (fixes the circuit).
    pub dims: MatMulDims,
    /// Public inputs.
    pub public: PublicInputs,
    /// Private: the proof's salt.
    pub salt: Fr,
    /// Private: the block proof.
    pub block: MatMulProof<Fr>,
    /// Private: the opening evaluations.
    pub evals: OpeningEvals<Fr>,
}

impl MatMulCircuit {
    /// A circuit of the right shape with placeholder values, for key generation.
    pub fn shape(dims: MatMulDims) -> Self {
        let z = Fr::from(0u64);
        let lk = dims.k.trailing_zeros() as usize;
        Self {
            dims,
            public: PublicInputs {
                s0: z,
                kp: z,
                out: FieldOutputs {
                    zeta: z,
                    zeta_inv: z,
                    gamma: z,
                    y1: z,
                    y2: z,
                },
            },
            salt: z,
            block: MatMulProof {
                y_value: z,
                sumcheck: SumcheckProof {
                    rounds: vec![vec![z; 2]; lk],
                    final_evals: vec![vec![z; 2]],
                },
            },
            evals: OpeningEvals {
                vector_evals: vec![z; 2],
                q1_at_zeta: z,
                q2_at_zeta_inv: z,
            },
        }
    }
}

fn synth(e: impl std::fmt::Display) -> SynthesisError {
    // arkworks' error type carries no message; keep the reason visible in debug logs.
    let _ = e.to_string();
    SynthesisError::Unsatisfiable
}

impl ConstraintSynthesizer<Fr> for MatMulCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let p = &self.public;
        let inputs: Vec<Var> = p
            .to_vec()
            .into_iter()
            .map(|v| public(&cs, v))
            .collect::<Result<_, _>>()
            .map_err(synth)?;
        let [s0, kp, zeta, gamma, y1, y2] = inputs.as_slice() else {
            return Err(SynthesisError::Unsatisfiable);
        };
        let salt = witness(&cs, self.salt).map_err(synth)?;
        let block = MatMulProof {
            y_value: witness(&cs, self.block.y_value).map_err(synth)?,
            sumcheck: alloc_sumcheck(&cs, &self.block.sumcheck).map_err(synth)?,
        };
        let evals = alloc_opening_evals(&cs, &self.evals).map_err(synth)?;
        let mut t = circuit_transcript(cs.clone()).map_err(synth)?;
        let out =
            verify_field_part(self.dims, s0, kp, &salt, &block, &evals, &mut t).map_err(synth)?;
        for (computed, exposed) in [
            (&out.zeta, zeta),
            (&out.gamma, gamma),
            (&out.y1, y1),
            (&out.y2, y2),
        ] {
            computed.0.enforce_equal(&exposed.0)?;
        }
        Ok(())
    }
}
