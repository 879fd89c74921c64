//! The sumcheck prover: dense tables, one pass per round, rayon over the hypercube.

use super::{
    Composition, InstanceOutput, MAX_DEGREE, MAX_VARS, SumcheckProof, interpolate,
    verifier::absorb_statement,
};
use crate::error::Error;
use crate::poly::mle::fold_first_variable;
use crate::transcript::{NativeTranscript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;
use std::borrow::Cow;

/// Below this many pairs a round runs on one thread.
const PAR_PAIRS: usize = 1 << 11;

/// One sumcheck instance as the batch driver sees it.
pub trait RoundProver: Send {
    /// Number of variables still unfixed.
    fn num_vars(&self) -> usize;
    /// Degree of the composition.
    fn degree(&self) -> usize;
    /// Number of inputs.
    fn arity(&self) -> usize;
    /// The round polynomial's values at 0..=degree, given its current claim g(0) + g(1).
    fn round_evals(&self, claim: Fr) -> Vec<Fr>;
    /// Fixes the lowest unfixed variable to r.
    fn fix(&mut self, r: Fr);
    /// The inputs' values once every variable is fixed.
    fn final_evals(&self) -> Vec<Fr>;
}

/// A sumcheck instance: the inputs' tables and their composition. A table may be borrowed
/// (a witness tensor read as it is): the first fold makes the instance's own half-size copy,
/// so the caller's tensor is read once and never copied whole.
pub struct ProverInstance<'a, C> {
    tables: Vec<Cow<'a, [Fr]>>,
    composition: C,
    num_vars: usize,
}

impl<'a, C: Composition<Fr> + Sync + Send> ProverInstance<'a, C> {
    /// Checks the tables agree in size (a power of two) with the composition's arity.
    pub fn new(tables: Vec<Vec<Fr>>, composition: C) -> Result<Self, Error> {
        Self::with_tables(tables.into_iter().map(Cow::Owned).collect(), composition)
    }

    /// [`Self::new`] with tables that may be borrowed.
    pub fn with_tables(tables: Vec<Cow<'a, [Fr]>>, composition: C) -> Result<Self, Error> {
        let len = tables.first().map_or(0, |t| t.len());
        if tables.len() != composition.arity() {
            return Err(Error::StatementShape {
                what: "sumcheck tables (one per composition input)",
                expected: composition.arity(),
                actual: tables.len(),
            });
        }
        if !len.is_power_of_two() {
            return Err(Error::NotPowerOfTwo {
                what: "sumcheck table length",
                value: len,
            });
        }
        if let Some(t) = tables.iter().find(|t| t.len() != len) {
            return Err(Error::StatementShape {
                what: "sumcheck table length",
                expected: len,
                actual: t.len(),
            });
        }
        let degree = composition.degree();
        if degree == 0 {
            return Err(Error::ZeroParameter {
                what: "sumcheck composition degree",
            });
        }
        if degree > MAX_DEGREE {
            return Err(Error::TooLarge {
                what: "sumcheck composition degree",
                value: degree,
                max: MAX_DEGREE,
            });
        }
        Ok(Self {
            tables,
            num_vars: len.trailing_zeros() as usize,
            composition,
        })
    }

    /// Σ_x C(p(x)): the honest claim, for callers that do not already know it.
    pub fn claimed_sum(&self) -> Fr {
        let len = 1usize << self.num_vars;
        let eval_at = |i: usize| {
            let vals: Vec<Fr> = self.tables.iter().map(|t| t[i]).collect();
            self.composition.evaluate(&vals)
        };
        (0..len).into_par_iter().map(eval_at).sum()
    }

    /// Partial sums at t = 0, 2, 3, …, d over pairs in `range` (t = 1 is derived from the claim).
    fn partial(&self, range: std::ops::Range<usize>, degree: usize) -> Vec<Fr> {
        let k = self.tables.len();
        let mut acc = vec![Fr::ZERO; degree + 1];
        let mut vals = vec![Fr::ZERO; k];
        let mut diffs = vec![Fr::ZERO; k];
        for i in range {
            for ((v, d), t) in vals.iter_mut().zip(diffs.iter_mut()).zip(&self.tables) {
                *v = t[2 * i];
                *d = t[2 * i + 1] - t[2 * i];
            }
            acc[0] += self.composition.evaluate(&vals);
            if degree >= 2 {
                for (v, d) in vals.iter_mut().zip(&diffs) {
                    *v += d.double();
                }
                acc[2] += self.composition.evaluate(&vals);
                for a in acc.iter_mut().skip(3) {
                    for (v, d) in vals.iter_mut().zip(&diffs) {
                        *v += d;
                    }
                    *a += self.composition.evaluate(&vals);
                }
            }
        }
        acc
    }
}

impl<C: Composition<Fr> + Sync + Send> RoundProver for ProverInstance<'_, C> {
    fn num_vars(&self) -> usize {
        self.num_vars
    }
    fn degree(&self) -> usize {
        self.composition.degree()
    }
    fn arity(&self) -> usize {
        self.tables.len()
    }
    fn round_evals(&self, claim: Fr) -> Vec<Fr> {
        let degree = self.composition.degree();
        let pairs = 1usize << self.num_vars.saturating_sub(1);
        let mut evals = if pairs >= PAR_PAIRS {
            let chunk = pairs / (rayon::current_num_threads() * 4).max(1);
            let chunk = chunk.max(PAR_PAIRS / 2);
            (0..pairs.div_ceil(chunk))
                .into_par_iter()
                .map(|c| self.partial(c * chunk..((c + 1) * chunk).min(pairs), degree))
                .reduce(
                    || vec![Fr::ZERO; degree + 1],
                    |mut a, b| {
                        a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                        a
                    },
                )
        } else {
            self.partial(0..pairs, degree)
        };
        evals[1] = claim - evals[0];
        evals
    }
    fn fix(&mut self, r: Fr) {
        let fold = |t: &mut Cow<'_, [Fr]>| *t = Cow::Owned(fold_first_variable(t, r));
        if self.tables.len() > 1 && self.num_vars > 12 {
            self.tables.par_iter_mut().for_each(fold);
        } else {
            self.tables.iter_mut().for_each(fold);
        }
        self.num_vars = self.num_vars.saturating_sub(1);
    }
    fn final_evals(&self) -> Vec<Fr> {
        self.tables
            .iter()
            .map(|t| t.first().copied().unwrap_or(Fr::ZERO))
            .collect()
    }
}

/// Proves one instance with claimed sum `claim`.
pub fn prove(
    instance: &mut dyn RoundProver,
    claim: Fr,
    transcript: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, InstanceOutput<Fr>), Error> {
    let (proof, mut outs) = prove_batched(&mut [instance], &[claim], transcript)?;
    let out = outs.pop().ok_or(Error::Internal {
        what: "a batch of one instance has one output",
    })?;
    Ok((proof, out))
}

/// Proves several instances, of any sizes and degrees, in one batched sumcheck.
pub fn prove_batched(
    instances: &mut [&mut dyn RoundProver],
    claims: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, Vec<InstanceOutput<Fr>>), Error> {
    prove_batched_bound(instances, claims, None, transcript)
}

/// [`prove_batched`] for a sub-protocol whose statement (sizes, degrees, claims) the transcript
/// already binds — every claim derived from absorbed messages and challenges — given the
/// batching challenge the caller drew: nothing is re-absorbed before the rounds.
/// With `alpha = None` this is [`prove_batched`].
pub fn prove_batched_bound(
    instances: &mut [&mut dyn RoundProver],
    claims: &[Fr],
    alpha: Option<Fr>,
    transcript: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, Vec<InstanceOutput<Fr>>), Error> {
    let vars: Vec<usize> = instances.iter().map(|i| i.num_vars()).collect();
    let (rounds, point) = prove_rounds_bound(instances, claims, alpha, transcript)?;
    let final_evals: Vec<Vec<Fr>> = instances.iter().map(|i| i.final_evals()).collect();
    transcript.absorb(labels::SUMCHECK_FINAL, &final_evals.concat())?;
    let n_max = point.len();
    let outputs = final_evals
        .iter()
        .zip(&vars)
        .map(|(evals, n)| InstanceOutput {
            point: point[n_max - n..].to_vec(),
            evals: evals.clone(),
        })
        .collect();
    Ok((
        SumcheckProof {
            rounds,
            final_evals,
        },
        outputs,
    ))
}

/// The rounds of [`prove_batched_bound`] without its final message: returns the round
/// messages and the point, leaving every instance fixed there. For a sub-protocol whose final
/// check reads values the verifier computes itself (they are neither sent nor absorbed); the
/// caller absorbs the values it does send before its next challenge.
pub(crate) fn prove_rounds_bound(
    instances: &mut [&mut dyn RoundProver],
    claims: &[Fr],
    alpha: Option<Fr>,
    transcript: &mut NativeTranscript,
) -> Result<(Vec<Vec<Fr>>, Vec<Fr>), Error> {
    if instances.is_empty() {
        return Err(Error::BlockShape {
            block: "sumcheck",
            reason: "a batch needs at least one instance",
        });
    }
    if instances.len() != claims.len() {
        return Err(Error::StatementShape {
            what: "sumcheck claims (one per instance)",
            expected: instances.len(),
            actual: claims.len(),
        });
    }
    let shapes: Vec<(usize, usize)> = instances
        .iter()
        .map(|i| (i.num_vars(), i.degree()))
        .collect();
    if let Some((n, _)) = shapes.iter().find(|(n, _)| *n > MAX_VARS) {
        return Err(Error::TooLarge {
            what: "sumcheck variables",
            value: *n,
            max: MAX_VARS,
        });
    }
    let alpha = match alpha {
        Some(a) => a,
        None => absorb_statement(transcript, &shapes, claims)?,
    };
    let n_max = shapes.iter().map(|s| s.0).max().unwrap_or(0);
    let d_max = shapes.iter().map(|s| s.1).max().unwrap_or(1);

    // Each instance's running claim, including the 2^(dummy rounds) weight.
    let mut running: Vec<Fr> = claims
        .iter()
        .zip(&shapes)
        .map(|(c, (n, _))| *c * Fr::from(2u64).pow([(n_max - n) as u64]))
        .collect();
    let mut rounds = Vec::with_capacity(n_max);
    let mut point = Vec::with_capacity(n_max);
    for round in 0..n_max {
        let per_instance: Vec<Vec<Fr>> = instances
            .iter()
            .zip(&running)
            .zip(&shapes)
            .map(|((inst, claim), (n, _))| {
                if round < n_max - n {
                    // Still in this instance's dummy rounds: constant, half the claim.
                    let half = *claim * Fr::from(2u64).inverse().unwrap_or(Fr::ZERO);
                    vec![half; d_max + 1]
                } else {
                    extend(inst.round_evals(*claim), d_max)
                }
            })
            .collect();
        let mut g = vec![Fr::ZERO; d_max + 1];
        let mut weight = Fr::ONE;
        for evals in &per_instance {
            g.iter_mut().zip(evals).for_each(|(a, e)| *a += weight * e);
            weight *= alpha;
        }
        let mut sent = g.clone();
        sent.remove(1);
        let r = transcript.absorb_challenge(labels::SUMCHECK_ROUND, &sent)?;
        let states = instances
            .iter_mut()
            .zip(running.iter_mut())
            .zip(&per_instance)
            .zip(&shapes);
        for (((inst, claim), evals), (n, _)) in states {
            *claim = interpolate(evals, &r);
            if round >= n_max - n {
                inst.fix(r);
            }
        }
        rounds.push(sent);
        point.push(r);
    }
    Ok((rounds, point))
}

/// Extends evaluations at 0..=d to 0..=d_max by interpolation.
fn extend(mut evals: Vec<Fr>, d_max: usize) -> Vec<Fr> {
    let base = evals.clone();
    for t in evals.len()..=d_max {
        evals.push(interpolate(&base, &Fr::from(t as u64)));
    }
    evals
}
