//! The sumcheck verifier, generic over the field backend so the circuit runs this code.

use super::{Composition, InstanceOutput, MAX_DEGREE, MAX_VARS, SumcheckProof, interpolate};
use crate::error::Error;
use crate::field::FieldOps;
use crate::transcript::{SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// One instance as the verifier sees it: its size, its composition and its claimed sum.
pub struct VerifierInstance<'a, F: FieldOps> {
    /// Number of variables n_i.
    pub num_vars: usize,
    /// The public composition C_i.
    pub composition: &'a dyn Composition<F>,
    /// The claimed sum.
    pub claim: F,
}

/// Absorbs a batch statement — count, (n_i, d_i) per instance, claims — and returns the
/// batching challenge α (1 for a single instance). Shared by prover and verifier.
pub(crate) fn absorb_statement<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    shapes: &[(usize, usize)],
    claims: &[F],
) -> Result<F, Error> {
    let mut sizes = vec![shapes.len()];
    sizes.extend(shapes.iter().flat_map(|(n, d)| [*n, *d]));
    transcript.absorb_usizes(labels::SUMCHECK_STATEMENT, &sizes)?;
    transcript.absorb(labels::SUMCHECK_STATEMENT, claims)?;
    if shapes.len() > 1 {
        Ok(transcript.challenge(labels::SUMCHECK_BATCH)?)
    } else {
        Ok(F::one())
    }
}

/// Verifies a single sumcheck instance.
pub fn verify<F: FieldOps, S: SpongeOps<F>>(
    instance: VerifierInstance<'_, F>,
    proof: &SumcheckProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<InstanceOutput<F>, Error> {
    verify_batched(&[instance], proof, transcript)?
        .pop()
        .ok_or(Error::ProofShape {
            what: "sumcheck instances",
            expected: 1,
            actual: 0,
        })
}

/// Verifies a batched sumcheck and returns, per instance, its final point and the input
/// evaluations the caller must still check.
pub fn verify_batched<F: FieldOps, S: SpongeOps<F>>(
    instances: &[VerifierInstance<'_, F>],
    proof: &SumcheckProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<Vec<InstanceOutput<F>>, Error> {
    verify_batched_bound(instances, proof, None, transcript)
}

/// [`verify_batched`] for a sub-protocol whose statement the transcript already binds (see
/// [`crate::sumcheck::prove_batched_bound`]), with the caller's batching challenge.
pub fn verify_batched_bound<F: FieldOps, S: SpongeOps<F>>(
    instances: &[VerifierInstance<'_, F>],
    proof: &SumcheckProof<F>,
    alpha: Option<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<Vec<InstanceOutput<F>>, Error> {
    let (point, claim, alpha) = verify_rounds_bound(instances, &proof.rounds, alpha, transcript)?;
    check_len(
        "sumcheck final evaluation sets",
        instances.len(),
        proof.final_evals.len(),
    )?;
    for (inst, evals) in instances.iter().zip(&proof.final_evals) {
        check_len(
            "sumcheck final evaluations",
            inst.composition.arity(),
            evals.len(),
        )?;
    }

    transcript.absorb(labels::SUMCHECK_FINAL, &proof.final_evals.concat())?;
    let mut expected = F::zero();
    let mut weight = F::one();
    for (inst, evals) in instances.iter().zip(&proof.final_evals) {
        expected = expected.add(&weight.mul(&inst.composition.evaluate(evals)));
        weight = weight.mul(&alpha);
    }
    if !expected.enforce_equal(&claim)? {
        return Err(Error::SumcheckFinal);
    }
    let n_max = point.len();
    Ok(instances
        .iter()
        .zip(&proof.final_evals)
        .map(|(inst, evals)| InstanceOutput {
            point: point
                .get(n_max - inst.num_vars..)
                .unwrap_or_default()
                .to_vec(),
            evals: evals.clone(),
        })
        .collect())
}

/// The rounds of [`verify_batched_bound`] without its final message (see
/// [`crate::sumcheck::prover::prove_rounds_bound`]): checks the batch's shape and every
/// round, and returns the point, the batch's final claim and the batching challenge. The
/// caller absorbs what it reads of the final values and checks the claim itself.
pub(crate) fn verify_rounds_bound<F: FieldOps, S: SpongeOps<F>>(
    instances: &[VerifierInstance<'_, F>],
    rounds: &[Vec<F>],
    alpha: Option<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<(Vec<F>, F, F), Error> {
    if instances.is_empty() {
        return Err(Error::BlockShape {
            block: "sumcheck",
            reason: "a batch needs at least one instance",
        });
    }
    let shapes: Vec<(usize, usize)> = instances
        .iter()
        .map(|i| (i.num_vars, i.composition.degree()))
        .collect();
    for (n, d) in &shapes {
        if *n > MAX_VARS {
            return Err(Error::TooLarge {
                what: "sumcheck variables",
                value: *n,
                max: MAX_VARS,
            });
        }
        if *d == 0 {
            return Err(Error::ZeroParameter {
                what: "sumcheck composition degree",
            });
        }
        if *d > MAX_DEGREE {
            return Err(Error::TooLarge {
                what: "sumcheck composition degree",
                value: *d,
                max: MAX_DEGREE,
            });
        }
    }
    let n_max = shapes.iter().map(|s| s.0).max().unwrap_or(0);
    let d_max = shapes.iter().map(|s| s.1).max().unwrap_or(1);
    check_len("sumcheck rounds", n_max, rounds.len())?;
    for g in rounds {
        check_len("sumcheck round evaluations", d_max, g.len())?;
    }

    let claims: Vec<F> = instances.iter().map(|i| i.claim.clone()).collect();
    let alpha = match alpha {
        Some(a) => a,
        None => absorb_statement(transcript, &shapes, &claims)?,
    };
    let mut claim = F::zero();
    let mut weight = F::one();
    for (inst, (n, _)) in instances.iter().zip(&shapes) {
        let scale = Fr::from(2u64).pow_small(n_max - n);
        claim = claim.add(&weight.mul(&inst.claim).mul_const(scale));
        weight = weight.mul(&alpha);
    }

    let mut point = Vec::with_capacity(n_max);
    for g in rounds {
        let Some((g0, rest)) = g.split_first() else {
            return Err(Error::ProofShape {
                what: "sumcheck round evaluations",
                expected: d_max,
                actual: 0,
            });
        };
        let r = transcript.absorb_challenge(labels::SUMCHECK_ROUND, g)?;
        let mut full = Vec::with_capacity(d_max + 1);
        full.push(g0.clone());
        full.push(claim.sub(g0));
        full.extend(rest.iter().cloned());
        claim = interpolate(&full, &r);
        point.push(r);
    }
    Ok((point, claim, alpha))
}

/// A length check on proof-derived data, as a typed error.
pub(crate) fn check_len(what: &'static str, expected: usize, actual: usize) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(Error::ProofShape {
            what,
            expected,
            actual,
        })
    }
}

/// Small powers of public constants.
trait PowSmall {
    fn pow_small(self, e: usize) -> Self;
}

impl PowSmall for Fr {
    fn pow_small(self, e: usize) -> Self {
        ark_ff::Field::pow(&self, [e as u64])
    }
}
