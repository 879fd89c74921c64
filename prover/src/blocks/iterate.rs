//! Blocks over an iteration axis (DESIGN §9): every tensor of the T iterations is stacked with
//! the iteration index t on its highest variables, and one sumcheck covers all iterations.
//!
//! [`prove_contraction`]: Y[t] = L[t]·R[t] for every t, where L and R may be read transposed
//! (a transpose is a permutation of variables, DESIGN §5). Y has variables (b, a, t) — its
//! columns lowest. For a claim Ỹ(r_b, r_a, r_t) the prover shows
//!   Ỹ(r_b, r_a, r_t) = Σ_{c, t} eq(r_t, t)·L̃(r_a, c, t)·R̃(c, r_b, t)
//! by a degree-3 sumcheck over (c, t), leaving one claim on each operand and eq(r_t, ρ_t) for
//! the verifier. This gives the forward product X·W, the weight gradient Aᵀ·G and the
//! back-propagated G·Wᵀ of every iteration at once; the verifier's cost grows with log T.
//!
//! [`prove_step`]: the chain W[t+1] = W[t] − Δ[t] for t < T, with W stacked over 2T slots
//! (t = 0..=T used) and Δ over T. At a random (r_w, ρ) with ρ's top bit fixed to 0 (so only
//! t < T count), the prover states W̃(r_w, ρ) and Δ̃(r_w, ρ) and proves
//!   Σ_t′ succ̃(ρ, t′)·W̃(r_w, t′) = W̃(r_w, ρ) − Δ̃(r_w, ρ)
//! by a degree-2 sumcheck over t′ against the successor relation, whose MLE the verifier
//! evaluates in O(log T). A skipped, repeated or altered iteration breaks the identity at some
//! t < T and survives with probability ≤ O(log T + log |W|)/|Fr|.

use super::{TensorClaim, concat, log2};
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::{DenseMle, eq_eval, eq_table, shift_table, succ_eval};
use crate::sumcheck::{Product, ProverInstance, SumcheckProof, VerifierInstance, prove, verify};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use rayon::prelude::*;

/// How an operand's matrix is stored relative to the product's indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operand {
    /// Stored as the product reads it: L as (a rows, c columns), R as (c rows, b columns).
    Plain,
    /// Stored transposed: L as (c, a), R as (b, c).
    Transposed,
}

/// The shape of an iterated contraction Y[t] (a×b) = L[t] (a×c) · R[t] (c×b), t < T.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Contraction {
    /// Output rows.
    pub a: usize,
    /// Output columns.
    pub b: usize,
    /// Contracted dimension.
    pub c: usize,
    /// Iterations.
    pub t: usize,
    /// How L is stored.
    pub left: Operand,
    /// How R is stored.
    pub right: Operand,
}

/// A contraction proof: Ỹ at the verifier's point and the sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractionProof<F> {
    /// Ỹ(r_b, r_a, r_t).
    pub y_value: F,
    /// The sumcheck over (c, t).
    pub sumcheck: SumcheckProof<F>,
}

/// Claims on Y, L and R (points in each tensor's own variable order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractionClaims<F> {
    /// On Y.
    pub y: TensorClaim<F>,
    /// On L.
    pub left: TensorClaim<F>,
    /// On R.
    pub right: TensorClaim<F>,
}

impl Contraction {
    fn check(&self) -> Result<[usize; 4], Error> {
        let dims = [self.a, self.b, self.c, self.t];
        if dims.iter().all(|d| d.is_power_of_two() && *d <= 1 << 24) {
            Ok(dims.map(log2))
        } else {
            Err(Error::InvalidStatement(format!("contraction {self:?}")))
        }
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<[Vec<F>; 3], Error> {
        let [la, lb, lc, lt] = self.check()?;
        let orders = [
            usize::from(self.left == Operand::Transposed),
            usize::from(self.right == Operand::Transposed),
        ];
        t.absorb_usizes(
            labels::ITERATE_STATEMENT,
            &[la, lb, lc, lt, orders[0], orders[1]],
        )?;
        let r_b = t.challenges(labels::ITERATE_POINT, lb)?;
        let r_a = t.challenges(labels::ITERATE_POINT, la)?;
        let r_t = t.challenges(labels::ITERATE_POINT, lt)?;
        Ok([r_a, r_b, r_t])
    }

    fn claims<F: FieldOps>(
        &self,
        [r_a, r_b, r_t]: &[Vec<F>; 3],
        y_value: F,
        point: &[F],
        evals: &[F],
    ) -> Result<(F, ContractionClaims<F>), Error> {
        let lc = log2(self.c);
        let [e, l, r] = evals else {
            return Err(Error::ProofShape {
                what: "contraction evaluations",
                expected: 3,
                actual: evals.len(),
            });
        };
        let (rho_c, rho_t) = point.split_at(lc.min(point.len()));
        let left = match self.left {
            Operand::Plain => concat(&[rho_c, r_a, rho_t]),
            Operand::Transposed => concat(&[r_a, rho_c, rho_t]),
        };
        let right = match self.right {
            Operand::Plain => concat(&[r_b, rho_c, rho_t]),
            Operand::Transposed => concat(&[rho_c, r_b, rho_t]),
        };
        let claims = ContractionClaims {
            y: TensorClaim {
                point: concat(&[r_b, r_a, r_t]),
                value: y_value,
            },
            left: TensorClaim {
                point: left,
                value: l.clone(),
            },
            right: TensorClaim {
                point: right,
                value: r.clone(),
            },
        };
        Ok((eq_eval(r_t, rho_t).sub(e), claims))
    }
}

/// Proves Y[t] = L[t]·R[t] for all t (tensors stacked, t highest).
pub fn prove_contraction(
    shape: Contraction,
    left: &[Fr],
    right: &[Fr],
    y: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(ContractionProof<Fr>, ContractionClaims<Fr>), Error> {
    let Contraction { a, b, t, .. } = shape;
    if y.len() != t * a * b {
        return Err(Error::InvalidStatement(format!(
            "contraction {shape:?}: |Y| = {}",
            y.len()
        )));
    }
    let rs = shape.start(transcript)?;
    let [r_a, r_b, r_t] = &rs;
    let y_value = DenseMle::new(y.to_vec())?.evaluate(&concat(&[r_b, r_a, r_t]))?;
    transcript.absorb(labels::ITERATE_VALUES, &[y_value])?;
    let (sumcheck, claims) = prove_contraction_at(shape, left, right, &rs, y_value, transcript)?;
    Ok((ContractionProof { y_value, sumcheck }, claims))
}

/// The contraction's sumcheck for a claim Ỹ(r_b, r_a, r_t) = `claim` at a point the caller
/// drew (and whose statement the caller absorbed): a block can chain a product it never
/// commits, as the dense layer does.
pub fn prove_contraction_at(
    shape: Contraction,
    left: &[Fr],
    right: &[Fr],
    rs: &[Vec<Fr>; 3],
    claim: Fr,
    transcript: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, ContractionClaims<Fr>), Error> {
    let Contraction { a, b, c, t, .. } = shape;
    shape.check()?;
    if left.len() != t * a * c || right.len() != t * c * b {
        return Err(Error::InvalidStatement(format!(
            "contraction {shape:?}: |L| = {}, |R| = {}",
            left.len(),
            right.len()
        )));
    }
    let [r_a, r_b, r_t] = rs;
    let (ea, eb, et) = (eq_table(r_a), eq_table(r_b), eq_table(r_t));
    // Tables over (c, t), c lowest.
    let fold_l: Vec<Fr> = (0..c * t)
        .into_par_iter()
        .map(|idx| {
            let (cc, tt) = (idx % c, idx / c);
            (0..a)
                .map(|aa| {
                    let v = match shape.left {
                        Operand::Plain => left[(tt * a + aa) * c + cc],
                        Operand::Transposed => left[(tt * c + cc) * a + aa],
                    };
                    ea[aa] * v
                })
                .sum()
        })
        .collect();
    let fold_r: Vec<Fr> = (0..c * t)
        .into_par_iter()
        .map(|idx| {
            let (cc, tt) = (idx % c, idx / c);
            (0..b)
                .map(|bb| {
                    let v = match shape.right {
                        Operand::Plain => right[(tt * c + cc) * b + bb],
                        Operand::Transposed => right[(tt * b + bb) * c + cc],
                    };
                    eb[bb] * v
                })
                .sum()
        })
        .collect();
    let e: Vec<Fr> = (0..c * t).map(|idx| et[idx / c]).collect();
    let mut inst = ProverInstance::new(vec![e, fold_l, fold_r], Product(3))?;
    let (sumcheck, out) = prove(&mut inst, claim, transcript)?;
    let (_, claims) = shape.claims(rs, claim, &out.point, &out.evals)?;
    Ok((sumcheck, claims))
}

/// Verifies an iterated contraction; returns the claims on Y, L and R.
pub fn verify_contraction<F: FieldOps, S: SpongeOps<F>>(
    shape: Contraction,
    proof: &ContractionProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<ContractionClaims<F>, Error> {
    let rs = shape.start(transcript)?;
    transcript.absorb(labels::ITERATE_VALUES, std::slice::from_ref(&proof.y_value))?;
    verify_contraction_at(
        shape,
        &proof.sumcheck,
        &rs,
        proof.y_value.clone(),
        transcript,
    )
}

/// The verifier of [`prove_contraction_at`].
pub fn verify_contraction_at<F: FieldOps, S: SpongeOps<F>>(
    shape: Contraction,
    proof: &SumcheckProof<F>,
    rs: &[Vec<F>; 3],
    claim: F,
    transcript: &mut Transcript<F, S>,
) -> Result<ContractionClaims<F>, Error> {
    let [_, _, lc, lt] = shape.check()?;
    let out = verify(
        VerifierInstance {
            num_vars: lc + lt,
            composition: &Product(3),
            claim: claim.clone(),
        },
        proof,
        transcript,
    )?;
    let (eq_gap, claims) = shape.claims(rs, claim, &out.point, &out.evals)?;
    if !eq_gap.enforce_equal(&F::zero())? {
        return Err(Error::SuccinctEvaluation {
            what: "iteration eq(r_t, ρ_t)",
        });
    }
    Ok(claims)
}

/// The shape of an update chain: W of `len` entries per iteration, T iterations (W stacked
/// over 2T slots, Δ over T).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepChain {
    /// Entries of W per iteration.
    pub len: usize,
    /// Iterations T.
    pub t: usize,
}

/// A chain proof: W̃ and Δ̃ at the verifier's point, and the shift sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProof<F> {
    /// W̃(r_w, ρ), Δ̃(r_w, ρ).
    pub values: Vec<F>,
    /// Σ_t′ succ̃(ρ, t′)·W̃(r_w, t′).
    pub sumcheck: SumcheckProof<F>,
}

/// The claims: on W at (r_w, ρ) and at the shifted point, on Δ at (r_w, ρ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepClaims<F> {
    /// W at (r_w, ρ) (ρ's top bit 0).
    pub w: TensorClaim<F>,
    /// W at (r_w, ρ′) from the shift sumcheck.
    pub w_next: TensorClaim<F>,
    /// Δ at (r_w, ρ without its top bit).
    pub delta: TensorClaim<F>,
}

impl StepChain {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vec<F>, Vec<F>), Error> {
        if !self.len.is_power_of_two() || !self.t.is_power_of_two() || self.len > 1 << 24 {
            return Err(Error::InvalidStatement(format!("step chain {self:?}")));
        }
        t.absorb_usizes(labels::ITERATE_STATEMENT, &[log2(self.len), log2(self.t)])?;
        let r_w = t.challenges(labels::ITERATE_POINT, log2(self.len))?;
        let mut rho = t.challenges(labels::ITERATE_POINT, log2(self.t))?;
        rho.push(F::zero());
        Ok((r_w, rho))
    }

    fn claims<F: FieldOps>(
        r_w: &[F],
        rho: &[F],
        values: &[F],
        point: Vec<F>,
        w_next: F,
    ) -> Result<StepClaims<F>, Error> {
        let [w, d] = values else {
            return Err(Error::ProofShape {
                what: "step values",
                expected: 2,
                actual: values.len(),
            });
        };
        let rho_low = rho.get(..rho.len().saturating_sub(1)).unwrap_or(&[]);
        Ok(StepClaims {
            w: TensorClaim {
                point: concat(&[r_w, rho]),
                value: w.clone(),
            },
            w_next: TensorClaim {
                point: concat(&[r_w, &point]),
                value: w_next,
            },
            delta: TensorClaim {
                point: concat(&[r_w, rho_low]),
                value: d.clone(),
            },
        })
    }
}

/// Proves W[t+1] = W[t] − Δ[t] for t < T (W: 2T·len entries, Δ: T·len).
pub fn prove_step(
    shape: StepChain,
    w: &[Fr],
    delta: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(StepProof<Fr>, StepClaims<Fr>), Error> {
    if w.len() != 2 * shape.t * shape.len || delta.len() != shape.t * shape.len {
        return Err(Error::InvalidStatement(format!(
            "step chain {shape:?}: |W| = {}, |Δ| = {}",
            w.len(),
            delta.len()
        )));
    }
    let (r_w, rho) = shape.start(transcript)?;
    let w_mle = DenseMle::new(w.to_vec())?;
    let rho_low = &rho[..rho.len() - 1];
    let values = vec![
        w_mle.evaluate(&concat(&[&r_w, &rho]))?,
        DenseMle::new(delta.to_vec())?.evaluate(&concat(&[&r_w, rho_low]))?,
    ];
    transcript.absorb(labels::ITERATE_VALUES, &values)?;
    let ew = eq_table(&r_w);
    let folded: Vec<Fr> = w
        .par_chunks(shape.len)
        .map(|slot| slot.iter().zip(&ew).map(|(a, b)| *a * b).sum())
        .collect();
    let claim = values[0] - values[1];
    let mut inst = ProverInstance::new(vec![shift_table(&rho), folded], Product(2))?;
    let (sumcheck, out) = prove(&mut inst, claim, transcript)?;
    let w_next = out.evals.get(1).copied().unwrap_or(Fr::ZERO);
    let claims = StepChain::claims(&r_w, &rho, &values, out.point, w_next)?;
    Ok((StepProof { values, sumcheck }, claims))
}

/// Verifies an update chain; returns the claims on W and Δ.
pub fn verify_step<F: FieldOps, S: SpongeOps<F>>(
    shape: StepChain,
    proof: &StepProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<StepClaims<F>, Error> {
    let (r_w, rho) = shape.start(transcript)?;
    let [w, d] = proof.values.as_slice() else {
        return Err(Error::ProofShape {
            what: "step values",
            expected: 2,
            actual: proof.values.len(),
        });
    };
    transcript.absorb(labels::ITERATE_VALUES, &proof.values)?;
    let out = verify(
        VerifierInstance {
            num_vars: rho.len(),
            composition: &Product(2),
            claim: w.sub(d),
        },
        &proof.sumcheck,
        transcript,
    )?;
    let [s, wn] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "step sumcheck evaluations",
            expected: 2,
            actual: out.evals.len(),
        });
    };
    if !s.enforce_equal(&succ_eval(&rho, &out.point))? {
        return Err(Error::SuccinctEvaluation {
            what: "successor relation succ̃(ρ, ρ′)",
        });
    }
    StepChain::claims(&r_w, &rho, &proof.values, out.point.clone(), wn.clone())
}
