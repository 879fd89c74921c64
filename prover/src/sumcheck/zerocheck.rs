//! Zerocheck: C(p(x)) = 0 for every x in the hypercube.
//!
//! The verifier draws τ after the statement; the prover runs a sumcheck of
//! eq(τ, x)·C(p(x)) with claim 0. If C(p(x)) ≠ 0 somewhere, the MLE of x ↦ C(p(x)) is a
//! nonzero multilinear polynomial and vanishes at random τ with probability ≤ n/|Fr|.

use super::{
    Composition, InstanceOutput, ProverInstance, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::{eq_eval, eq_table};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;

/// The composition eq·C: input 0 is eq(τ, ·), the rest are C's inputs.
#[derive(Clone, Copy, Debug)]
pub struct ZeroCheck<C>(pub C);

impl<F: FieldOps, C: Composition<F>> Composition<F> for ZeroCheck<C> {
    fn degree(&self) -> usize {
        self.0.degree() + 1
    }
    fn arity(&self) -> usize {
        self.0.arity() + 1
    }
    #[inline(always)]
    fn evaluate(&self, vals: &[F]) -> F {
        match vals.split_first() {
            Some((eq, rest)) => eq.mul(&self.0.evaluate(rest)),
            None => F::zero(),
        }
    }
}

impl<F: FieldOps, T: Composition<F> + ?Sized> Composition<F> for &T {
    fn degree(&self) -> usize {
        (**self).degree()
    }
    fn arity(&self) -> usize {
        (**self).arity()
    }
    #[inline(always)]
    fn evaluate(&self, vals: &[F]) -> F {
        (**self).evaluate(vals)
    }
}

fn absorb_statement<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    num_vars: usize,
    degree: usize,
    arity: usize,
) -> Result<Vec<F>, Error> {
    transcript.absorb_usizes(labels::ZEROCHECK_STATEMENT, &[num_vars, degree, arity])?;
    Ok(transcript.challenges(labels::ZEROCHECK_TAU, num_vars)?)
}

/// Proves C(tables(x)) = 0 on the hypercube. Returns the proof and the point r with the
/// inputs' evaluations there (eq excluded).
pub fn prove_zerocheck<C: Composition<Fr> + Sync + Send>(
    tables: Vec<Vec<Fr>>,
    composition: C,
    transcript: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, InstanceOutput<Fr>), Error> {
    let len = tables.first().map_or(1, Vec::len);
    if !len.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "zerocheck table length",
            value: len,
        });
    }
    let n = len.trailing_zeros() as usize;
    let tau = absorb_statement(transcript, n, composition.degree(), composition.arity())?;
    let mut all = Vec::with_capacity(tables.len() + 1);
    all.push(eq_table(&tau));
    all.extend(tables);
    let mut instance = ProverInstance::new(all, ZeroCheck(composition))?;
    let (proof, mut out) = prove(&mut instance, Fr::ZERO, transcript)?;
    out.evals.remove(0);
    Ok((proof, out))
}

/// Verifies a zerocheck of `composition` over `num_vars` variables; returns the point and
/// the inputs' claimed evaluations, which the caller must check.
pub fn verify_zerocheck<F: FieldOps, S: SpongeOps<F>>(
    num_vars: usize,
    composition: &dyn Composition<F>,
    proof: &SumcheckProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<InstanceOutput<F>, Error> {
    if num_vars > super::MAX_VARS {
        return Err(Error::TooLarge {
            what: "zerocheck variables",
            value: num_vars,
            max: super::MAX_VARS,
        });
    }
    let tau = absorb_statement(
        transcript,
        num_vars,
        composition.degree(),
        composition.arity(),
    )?;
    let wrapped = ZeroCheck(composition);
    let out = verify(
        VerifierInstance {
            num_vars,
            composition: &wrapped,
            claim: F::zero(),
        },
        proof,
        transcript,
    )?;
    let (eq_claim, evals) = out.evals.split_first().ok_or(Error::ProofShape {
        what: "zerocheck evaluations",
        expected: 1,
        actual: 0,
    })?;
    if !eq_claim.enforce_equal(&eq_eval(&tau, &out.point))? {
        return Err(Error::SuccinctEvaluation {
            what: "zerocheck eq(τ, r)",
        });
    }
    Ok(InstanceOutput {
        point: out.point,
        evals: evals.to_vec(),
    })
}
