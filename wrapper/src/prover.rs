//! The Groth16 prover: a circuit's assignment and constraint rows ([`Assignment`]: recorded
//! without a constraint system for statement circuits, through arkworks' synthesis for any
//! other), snarkjs's QAP reduction ([`crate::qap`]), and every multi-scalar multiplication —
//! A, B in G1 and G2, the L and H terms of C — done by the prover crate's batch-affine
//! Pippenger ([`zkmodel_prover::pcs::msm`]) instead of arkworks' projective one, the G2 one
//! through BN254's endomorphism split (`msm_glv_g2`). For the same randomness (r, s) the proof
//! is the one arkworks' `create_proof_with_reduction` computes (tested); only the time and
//! memory differ: the constraint matrices are never built (for the digits MLP inference
//! circuit they were ~50 MB of the wrap's 126 MB peak), only each row's A·z, B·z, C·z.
//!
//! A = [α]₁ + Σ zᵢ[Aᵢ]₁ + r[δ]₁, B = [β]₂ + Σ zᵢ[Bᵢ]₂ + s[δ]₂ and
//! C = Σ_w z_w[L_w]₁ + Σ hⱼ[Hⱼ]₁ + s·A + r·([β]₁ + Σ zᵢ[Bᵢ]₁ + s[δ]₁) − rs[δ]₁,
//! where z runs over the constant one, the public inputs and the witness, and h is the
//! reduction's H vector. Nothing here is a soundness assumption: a wrong key or witness gives a
//! proof that does not verify (`zkmodel wrap` verifies every proof before writing it).

use crate::assignment::{Assignment, synthesis_error};
use crate::error::Error;
use crate::qap::witness_map_from_rows;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::UniformRand;
use ark_ff::{Field, Zero};
use ark_groth16::{Proof, ProvingKey};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::ConstraintSynthesizer;
use rand::{CryptoRng, RngCore};
use zkmodel_prover::pcs::msm::{msm, msm_glv_g2};

/// Proves `circuit` with the randomness (r, s).
#[cfg(test)]
pub(crate) fn prove<C: ConstraintSynthesizer<Fr>>(
    pk: &ProvingKey<Bn254>,
    circuit: C,
    r: Fr,
    s: Fr,
) -> Result<Proof<Bn254>, Error> {
    synthesize(circuit)?.prove(pk, r, s)
}

/// A circuit's assignment and QAP quotient: everything the proof needs that the proving key
/// does not enter, so it can be computed while the key is still being read.
pub(crate) struct Synthesized {
    /// The public inputs, without the constant one.
    inputs: Vec<Fr>,
    witness: Vec<Fr>,
    /// The reduction's H vector.
    h: Vec<Fr>,
}

/// Synthesizes `circuit` with arkworks and runs the QAP reduction.
pub(crate) fn synthesize<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Synthesized, Error> {
    Synthesized::new(Assignment::synthesize(circuit)?)
}

impl Synthesized {
    /// Runs the QAP reduction on an assignment.
    pub(crate) fn new(assignment: Assignment) -> Result<Self, Error> {
        let Assignment {
            instance,
            witness,
            rows,
        } = assignment;
        let mut inputs = Vec::with_capacity(instance.len() + 1);
        inputs.push(Fr::ONE);
        inputs.extend_from_slice(&instance);
        let h = {
            let _span = tracing::debug_span!("groth16:qap").entered();
            witness_map_from_rows::<Fr, GeneralEvaluationDomain<Fr>>(rows, &inputs)
                .map_err(synthesis_error)?
        };
        Ok(Self {
            inputs: instance,
            witness,
            h,
        })
    }

    /// The proof with the randomness (r, s) under `pk`.
    pub(crate) fn prove(self, pk: &ProvingKey<Bn254>, r: Fr, s: Fr) -> Result<Proof<Bn254>, Error> {
        assemble(pk, r, s, &self.h, &self.inputs, &self.witness)
    }

    /// The proof under `pk` with fresh randomness: r, then s, drawn from `rng`.
    pub(crate) fn prove_random(
        self,
        pk: &ProvingKey<Bn254>,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<Proof<Bn254>, Error> {
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        self.prove(pk, r, s)
    }
}

/// [first] + Σ zᵢ·[rest]ᵢ: a query's constant-one point plus the MSM of the others.
fn query_sum<P: SWCurveConfig<ScalarField = Fr>>(
    name: &'static str,
    query: &[Affine<P>],
    z: &[Fr],
    msm: impl Fn(&[Affine<P>], &[Fr]) -> Projective<P>,
) -> Result<Projective<P>, Error> {
    let shape = || Error::KeyShape {
        query: name,
        expected: z.len() + 1,
        actual: query.len(),
    };
    let (one, rest) = query.split_first().ok_or_else(shape)?;
    if rest.len() != z.len() {
        return Err(shape());
    }
    Ok(msm(rest, z) + one)
}

/// The proof from the reduction's H vector and the assignment (public inputs without the
/// constant one, then the witness).
fn assemble(
    pk: &ProvingKey<Bn254>,
    r: Fr,
    s: Fr,
    h: &[Fr],
    inputs: &[Fr],
    witness: &[Fr],
) -> Result<Proof<Bn254>, Error> {
    for (query, expected, actual) in [
        ("L query", witness.len(), pk.l_query.len()),
        ("H query", h.len(), pk.h_query.len()),
    ] {
        if expected != actual {
            return Err(Error::KeyShape {
                query,
                expected,
                actual,
            });
        }
    }
    let z: Vec<Fr> = inputs.iter().chain(witness).copied().collect();
    let _span = tracing::debug_span!("groth16:msm").entered();
    // G2's MSM is the largest: run it beside the G1 ones.
    let (b2, g1) = rayon::join(
        || -> Result<G2Projective, Error> {
            let _span = tracing::debug_span!("groth16:msm:B in G2").entered();
            // The endomorphism split halves this MSM's bucket sums.
            Ok(query_sum("B query (G2)", &pk.b_g2_query, &z, msm_glv_g2)? + pk.vk.beta_g2)
        },
        || -> Result<_, Error> {
            let _span = tracing::debug_span!("groth16:msm:A, B, L, H in G1").entered();
            let a = query_sum("A query", &pk.a_query, &z, msm)?;
            let b1 = if r.is_zero() {
                G1Projective::zero()
            } else {
                query_sum("B query (G1)", &pk.b_g1_query, &z, msm)? + pk.beta_g1
            };
            let c = msm(&pk.l_query, witness) + msm(&pk.h_query, h);
            Ok((a, b1, c))
        },
    );
    let (a_sum, b1_sum, c_sum) = g1?;
    let delta1: G1Affine = pk.delta_g1;
    let delta2: G2Affine = pk.vk.delta_g2;
    let a = a_sum + pk.vk.alpha_g1 + delta1 * r;
    let b = b2? + delta2 * s;
    let b1 = if r.is_zero() {
        b1_sum
    } else {
        b1_sum + delta1 * s
    };
    let c = c_sum + a * s + b1 * r - delta1 * (r * s);
    Ok(Proof {
        a: a.into_affine(),
        b: b.into_affine(),
        c: c.into_affine(),
    })
}

#[cfg(test)]
mod tests {
    use super::prove;
    use crate::error::Error;
    use crate::groth16::{Snark, setup_circuit_insecure_dev};
    use ark_bn254::Fr;
    use ark_ff::{AdditiveGroup, Field, UniformRand};
    use ark_r1cs_std::alloc::AllocVar;
    use ark_r1cs_std::eq::EqGadget;
    use ark_r1cs_std::fields::FieldVar;
    use ark_r1cs_std::fields::fp::FpVar;
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// y = x^(2^rounds) + x for a public y: `rounds` constraints, two public inputs.
    /// `lie` is added to the public y, so a nonzero lie makes an unsatisfied assignment.
    #[derive(Clone)]
    struct Powers {
        x: Fr,
        rounds: usize,
        lie: Fr,
    }

    impl ConstraintSynthesizer<Fr> for Powers {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let mut y = self.x;
            for _ in 0..self.rounds {
                y.square_in_place();
            }
            let y = y + self.x + self.lie;
            let public = FpVar::new_input(cs.clone(), || Ok(y))?;
            let _also = FpVar::new_input(cs.clone(), || Ok(self.x.double()))?;
            let x = FpVar::new_witness(cs, || Ok(self.x))?;
            let mut acc = x.clone();
            for _ in 0..self.rounds {
                acc = acc.square()?;
            }
            (acc + x).enforce_equal(&public)
        }
    }

    #[test]
    fn the_proof_is_arkworks_proof_for_the_same_randomness() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let circuit = Powers {
            x: Fr::from(7u64),
            rounds: 300,
            lie: Fr::ZERO,
        };
        let keys = setup_circuit_insecure_dev(circuit.clone(), &mut rng).unwrap();
        for (r, s) in [
            (Fr::rand(&mut rng), Fr::rand(&mut rng)),
            (Fr::from(0u64), Fr::rand(&mut rng)),
            (Fr::rand(&mut rng), Fr::from(0u64)),
        ] {
            let theirs =
                Snark::create_proof_with_reduction(circuit.clone(), &keys.pk, r, s).unwrap();
            let ours = prove(&keys.pk, circuit.clone(), r, s).unwrap();
            assert_eq!(ours, theirs);
        }
    }

    /// The rows are the assignment's values as they are: an unsatisfied assignment proves
    /// without error and its proof does not verify, for the statement it lies about or the
    /// true one.
    #[test]
    fn an_unsatisfied_assignment_gives_a_proof_that_does_not_verify() {
        use ark_snark::SNARK;
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let honest = Powers {
            x: Fr::from(5u64),
            rounds: 20,
            lie: Fr::ZERO,
        };
        let keys = setup_circuit_insecure_dev(honest.clone(), &mut rng).unwrap();
        let pvk = Snark::process_vk(&keys.vk).unwrap();
        let mut y = honest.x;
        for _ in 0..honest.rounds {
            y.square_in_place();
        }
        let y = y + honest.x;
        let inputs = |lie: Fr| [y + lie, honest.x.double()];
        let proof = prove(
            &keys.pk,
            honest.clone(),
            Fr::rand(&mut rng),
            Fr::rand(&mut rng),
        )
        .unwrap();
        assert!(Snark::verify_with_processed_vk(&pvk, &inputs(Fr::ZERO), &proof).unwrap());
        let lying = Powers {
            lie: Fr::ONE,
            ..honest
        };
        let proof = prove(&keys.pk, lying, Fr::rand(&mut rng), Fr::rand(&mut rng)).unwrap();
        for lie in [Fr::ONE, Fr::ZERO] {
            assert!(!Snark::verify_with_processed_vk(&pvk, &inputs(lie), &proof).unwrap());
        }
    }

    #[test]
    fn a_key_of_another_circuit_is_a_shape_error() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let small = Powers {
            x: Fr::from(3u64),
            rounds: 4,
            lie: Fr::ZERO,
        };
        let keys = setup_circuit_insecure_dev(small, &mut rng).unwrap();
        let big = Powers {
            x: Fr::from(3u64),
            rounds: 40,
            lie: Fr::ZERO,
        };
        let r = prove(&keys.pk, big, Fr::from(1u64), Fr::from(2u64));
        assert!(matches!(r, Err(Error::KeyShape { .. })), "{r:?}");
    }
}
