//! The Groth16 circuit of a statement of any kind: the architecture's generic field-part
//! verifier ([`Statement::verify_field_part`]) run over circuit variables, with the public
//! inputs of DESIGN §11.
//!
//! Public inputs, in order: s0, d₁, d₂, β, α, ζ, γ, y_ζ, y_ι, then the statement's public
//! values packed into words ([`Statement::public_groups`]; the contract hashes the same words
//! into s0, and the circuit unpacks them with a bit decomposition per value). s0, d₁, d₂ are
//! recomputed by the contract with Keccak from the statement and the opening's points; β, α,
//! ζ, γ, y_ζ, y_ι are outputs of the in-circuit verifier, constrained equal to their public
//! copies, and feed the contract's pairing check.

use crate::assignment::{Assignment, Recorder, synthesis_error};
use crate::backend::Builder;
use crate::error::Error;
use ark_bn254::Fr;
use ark_ff::Field;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use zkmodel_prover::field::FieldOps;
use zkmodel_prover::field::encoding::to_u64;
use zkmodel_prover::pcs::{SplitFieldProof, SplitOutputs, SplitSeeds, Srs};
use zkmodel_prover::proof::map::MapFields;
use zkmodel_prover::proof::public::{PublicGroup, pack};
use zkmodel_prover::proof::statement::{Claim, Statement};
use zkmodel_prover::transcript::Transcript;

/// Fixed public inputs before the statement's public values: s0, d₁, d₂, β, α, ζ, γ, y_ζ, y_ι.
pub const FIXED_PUBLIC_INPUTS: usize = 9;

/// The values the contract passes as Groth16 public inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicInputs {
    /// The Keccak seeds: s0 (statement), d₁ (H), d₂ (G, Ĝ, Q, S₁, S₂).
    pub seeds: SplitSeeds<Fr>,
    /// Outputs of the field part.
    pub out: SplitOutputs<Fr>,
}

impl PublicInputs {
    /// All zero: placeholder values for key generation.
    pub fn zero() -> Self {
        let z = Fr::from(0u64);
        Self {
            seeds: SplitSeeds {
                s0: z,
                d1: z,
                d2: z,
            },
            out: SplitOutputs {
                beta: z,
                alpha: z,
                zeta: z,
                zeta_inv: z,
                gamma: z,
                y_zeta: z,
                y_inv: z,
                row: 1,
            },
        }
    }

    /// The Groth16 public-input vector: s0, d₁, d₂, β, α, ζ, γ, y_ζ, y_ι.
    pub fn to_vec(&self) -> Vec<Fr> {
        let (s, o) = (&self.seeds, &self.out);
        vec![
            s.s0, s.d1, s.d2, o.beta, o.alpha, o.zeta, o.gamma, o.y_zeta, o.y_inv,
        ]
    }
}

/// The circuit verifying a statement's field part.
#[derive(Clone, Debug)]
pub struct StatementCircuit<S: Statement> {
    /// The architecture (fixes the circuit).
    pub arch: S,
    /// The seeds and the field outputs.
    pub public: PublicInputs,
    /// The statement's public values, unpacked (the public inputs are their packed words).
    pub public_values: Vec<Fr>,
    /// Private: the proof's salt.
    pub salt: Fr,
    /// Private: the block proofs.
    pub body: S::Body<Fr>,
    /// Private: the opening's field messages.
    pub opening: SplitFieldProof<Fr>,
}

impl<S: Statement> StatementCircuit<S> {
    /// The circuit for a claim, its public inputs computed natively (which also checks the
    /// claim's field part: a claim that does not verify has no circuit).
    pub fn new(srs: &Srs, arch: &S, claim: &Claim<S>) -> Result<Self, Error> {
        let (seeds, out) = claim.native_field_part(arch, srs)?;
        // The contract holds [τ^b]₂ for the architecture's b; the circuit's degree bound uses
        // the b of the vectors it opens. They must be one b.
        if out.row != arch.opening_row()? {
            return Err(zkmodel_prover::Error::Internal {
                what: "the opening's row width is the architecture's",
            }
            .into());
        }
        Ok(Self {
            arch: arch.clone(),
            public: PublicInputs { seeds, out },
            public_values: claim.public.clone(),
            salt: claim.salt,
            body: claim.body.clone(),
            opening: claim.opening.field.clone(),
        })
    }
}

/// Maps a verifier error met during synthesis to arkworks' error. `SynthesisError` carries no
/// message, so the reason is logged (tracing, target `zkmodel_wrapper::circuit`) before it is
/// lost; callers validate proofs natively first, so this path means a malformed proof shape.
pub(crate) fn synth(e: impl std::fmt::Display) -> SynthesisError {
    tracing::warn!(reason = %e, "statement circuit synthesis failed");
    SynthesisError::Unsatisfiable
}

/// The allocated Groth16 public inputs of a statement circuit: s0, d₁, d₂, which the field
/// part reads, β, α, ζ, γ, y_ζ, y_ι, which it must reproduce, then the statement's public
/// values.
pub(crate) struct AllocatedInputs<V> {
    /// s0, d₁, d₂.
    pub seeds: SplitSeeds<V>,
    /// β, α, ζ, γ, y_ζ, y_ι as given to the contract.
    outputs: [V; 6],
    /// The statement's public values.
    pub values: Vec<V>,
}

impl<V: FieldOps> AllocatedInputs<V> {
    /// Allocates s0, d₁, d₂, β, α, ζ, γ, y_ζ, y_ι and `values` as public inputs, in that order.
    pub(crate) fn new<B: Builder<Var = V>>(
        b: &B,
        p: &PublicInputs,
        values: &[Fr],
    ) -> Result<Self, SynthesisError> {
        let mut all = p.to_vec();
        all.extend_from_slice(values);
        let mut vars = all
            .into_iter()
            .map(|v| b.input(v))
            .collect::<Result<Vec<V>, _>>()
            .map_err(synth)?
            .into_iter();
        let mut next = || vars.next().ok_or(SynthesisError::Unsatisfiable);
        let seeds = SplitSeeds {
            s0: next()?,
            d1: next()?,
            d2: next()?,
        };
        let outputs = [next()?, next()?, next()?, next()?, next()?, next()?];
        Ok(Self {
            seeds,
            outputs,
            values: vars.collect(),
        })
    }

    /// Allocates the fixed inputs and the packed words of `values` as public inputs, and
    /// `values` as witnesses constrained to pack into them: every packed value is decomposed
    /// into its b bits (so each word has exactly one unpacking). `values` become the unpacked
    /// variables the field part reads.
    pub(crate) fn new_packed<B: Builder<Var = V>>(
        b: &B,
        p: &PublicInputs,
        groups: &[PublicGroup],
        values: &[Fr],
    ) -> Result<Self, SynthesisError> {
        let words = pack(groups, values).map_err(synth)?;
        let mut this = Self::new(b, p, &words)?;
        let mut word_vars = std::mem::take(&mut this.values).into_iter();
        let mut next_word = || word_vars.next().ok_or(SynthesisError::Unsatisfiable);
        let mut rest = values.iter();
        let mut unpacked = Vec::with_capacity(values.len());
        for g in groups {
            match *g {
                PublicGroup::Plain { count } => {
                    for _ in 0..count {
                        unpacked.push(next_word()?);
                        rest.next();
                    }
                }
                PublicGroup::Packed { count, bits } => {
                    let half = Fr::from(1u64 << (bits - 1));
                    let step = Fr::from(2u64).pow([u64::from(bits)]);
                    let per_word = PublicGroup::per_word(bits);
                    for start in (0..count).step_by(per_word) {
                        let word = next_word()?;
                        let mut acc = V::zero();
                        let mut shift = Fr::ONE;
                        for _ in start..(start + per_word).min(count) {
                            let v = rest.next().ok_or(SynthesisError::Unsatisfiable)?;
                            let u = to_u64(&(*v + half)).ok_or(SynthesisError::Unsatisfiable)?;
                            let u_var = b.bits(u, bits).map_err(synth)?;
                            acc = acc.add(&u_var.mul_const(shift));
                            shift *= step;
                            unpacked.push(u_var.add_const(-half));
                        }
                        acc.enforce_equal(&word).map_err(synth)?;
                    }
                }
            }
        }
        this.values = unpacked;
        Ok(this)
    }

    /// Constrains the field part's β, α, ζ, γ, y_ζ, y_ι to equal the public copies.
    pub(crate) fn expose(&self, out: &SplitOutputs<V>) -> Result<(), SynthesisError> {
        let [beta, alpha, zeta, gamma, y_zeta, y_inv] = &self.outputs;
        for (computed, exposed) in [
            (&out.beta, beta),
            (&out.alpha, alpha),
            (&out.zeta, zeta),
            (&out.gamma, gamma),
            (&out.y_zeta, y_zeta),
            (&out.y_inv, y_inv),
        ] {
            computed.enforce_equal(exposed).map_err(synth)?;
        }
        Ok(())
    }
}

impl<S: Statement> StatementCircuit<S> {
    /// The circuit, built once for every [`Builder`]: the public inputs, the private proof
    /// data, then the field part's verifier on the in-circuit transcript.
    fn build<B: Builder>(&self, b: &B) -> Result<(), SynthesisError> {
        let groups = self.arch.public_groups().map_err(synth)?;
        let inputs = AllocatedInputs::new_packed(b, &self.public, &groups, &self.public_values)?;
        let salt = b.witness(self.salt).map_err(synth)?;
        let body = S::map_body(&self.body, &mut |v| b.witness(*v)).map_err(synth)?;
        let opening = self
            .opening
            .map_fields(&mut |v| b.witness(*v))
            .map_err(synth)?;
        let mut t = Transcript::new(b.sponge()).map_err(synth)?;
        let out = self
            .arch
            .verify_field_part(
                &inputs.seeds,
                &salt,
                &inputs.values,
                &body,
                &opening,
                &mut t,
            )
            .map_err(synth)?;
        inputs.expose(&out)
    }

    /// The circuit's assignment and every constraint's A·z, B·z, C·z, recorded without
    /// building the constraint system ([`crate::assignment`]): what proving needs.
    pub fn assignment(&self) -> Result<Assignment, Error> {
        let _span = tracing::debug_span!("groth16:witness").entered();
        let recorder = Recorder::default();
        self.build(&&recorder).map_err(synthesis_error)?;
        Ok(recorder.finish())
    }
}

impl<S: Statement> ConstraintSynthesizer<Fr> for StatementCircuit<S> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        self.build(&cs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_r1cs_std::GR1CSVar;
    use ark_relations::gr1cs::ConstraintSystem;
    use zkmodel_prover::field::encoding::from_i128;

    /// Packed public values unpack in-circuit to the same values; a value outside its bit
    /// bound cannot be allocated.
    #[test]
    fn packed_public_values_unpack_in_circuit() {
        let groups = [
            PublicGroup::Packed { count: 30, bits: 9 },
            PublicGroup::Plain { count: 1 },
        ];
        let values: Vec<Fr> = (0..30i128)
            .map(|i| from_i128(i * 17 - 256))
            .chain([Fr::from(7u64)])
            .collect();
        let cs = ConstraintSystem::<Fr>::new_ref();
        let a = AllocatedInputs::new_packed(&cs, &PublicInputs::zero(), &groups, &values).unwrap();
        assert!(cs.is_satisfied().unwrap());
        let got: Vec<Fr> = a.values.iter().map(|v| v.0.value().unwrap()).collect();
        assert_eq!(got, values);
        // 27 values of 9 bits per word: 2 words + 1 plain, after the fixed inputs (+ one).
        assert_eq!(cs.num_instance_variables(), 1 + FIXED_PUBLIC_INPUTS + 3);

        let mut bad = values.clone();
        bad[4] = from_i128(256);
        let cs = ConstraintSystem::<Fr>::new_ref();
        assert_eq!(
            pack(&groups, &bad).unwrap_err(),
            zkmodel_prover::Error::NotSmall { bits: 9 }
        );
        assert!(matches!(
            AllocatedInputs::new_packed(&cs, &PublicInputs::zero(), &groups, &bad),
            Err(SynthesisError::Unsatisfiable)
        ));
    }
}
