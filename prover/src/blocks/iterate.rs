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
//! [`prove_step`]: the chain W[t+1] = W[t] − Δ[t] for t < T, with W[0..T) stacked over T
//! slots and the final W_T in its own vector (the model commitment). The updates Δ are never
//! committed: a block that proves Δ = Rescale(η·dW) leaves a claim Δ̃(r_w, r_t), and the chain
//! turns it into claims on W by
//!   Σ_t′ succ̃(r_t, t′)·W̃(r_w, t′) = W̃(r_w, r_t) − Δ̃(r_w, r_t) − eq(r_t, T − 1)·W̃_T(r_w),
//! a degree-2 sumcheck over t′ against the successor relation (no wraparound), whose MLE the
//! verifier evaluates in O(log T). The prover also states W̃(r_w, 0), claimed both on the stack
//! and on the initial weights' vector. Since Δ's relation holds at a random point of the
//! virtual tensor W[t] − W[t+1], a skipped, repeated or altered iteration, or a wrong W_0 or
//! W_T, survives with probability ≤ O(log T + log |W|)/|Fr|.

use super::{TensorClaim, concat, log2};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::FieldOps;
use crate::poly::{DenseMle, eq_eval, eq_table, evaluate_dense, shift_table, succ_eval};
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
        ensure(
            dims.iter().all(|d| d.is_power_of_two() && *d <= 1 << 24),
            "contraction",
            "every dimension must be a power of two of at most 2^24",
        )?;
        Ok(dims.map(log2))
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
    ensure_lens(&[("contraction Y (t × a × b)", t * a * b, y.len())])?;
    let rs = shape.start(transcript)?;
    let [r_a, r_b, r_t] = &rs;
    let y_value = evaluate_dense(y, &concat(&[r_b, r_a, r_t]))?;
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
    ensure_lens(&[
        ("contraction L (t × a × c)", t * a * c, left.len()),
        ("contraction R (t × c × b)", t * c * b, right.len()),
    ])?;
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
/// over T slots; the final value W_T and the initial W_0 live in their own vectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StepChain {
    /// Entries of W per iteration.
    pub len: usize,
    /// Iterations T.
    pub t: usize,
}

/// A chain proof: W̃(r_w, r_t), W̃_T(r_w), W̃(r_w, 0) and the shift sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepProof<F> {
    /// W̃(r_w, r_t), W̃_T(r_w), W̃(r_w, 0) (= W̃_0(r_w)).
    pub values: Vec<F>,
    /// Σ_t′ succ̃(r_t, t′)·W̃(r_w, t′).
    pub sumcheck: SumcheckProof<F>,
}

/// The claims a chain leaves: three on the stack, one on W_T and one on W_0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepClaims<F> {
    /// On the stack: at (r_w, r_t), at (r_w, ρ′) from the sumcheck, at (r_w, 0).
    pub stack: Vec<TensorClaim<F>>,
    /// On the final value W_T at r_w.
    pub last: TensorClaim<F>,
    /// On the initial value W_0 at r_w (equal to the stack's iteration 0).
    pub first: TensorClaim<F>,
}

impl StepChain {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        point: &[F],
        t: &mut Transcript<F, S>,
    ) -> Result<(usize, usize), Error> {
        ensure(
            self.len.is_power_of_two()
                && self.t.is_power_of_two()
                && self.len <= 1 << 24
                && self.t <= 1 << 24,
            "step chain",
            "the length and the number of steps must be powers of two of at most 2^24",
        )?;
        let (lw, lt) = (log2(self.len), log2(self.t));
        if point.len() != lw + lt {
            return Err(Error::ProofShape {
                what: "update claim point",
                expected: lw + lt,
                actual: point.len(),
            });
        }
        t.absorb_usizes(labels::ITERATE_STATEMENT, &[lw, lt])?;
        Ok((lw, lt))
    }

    /// W̃(r_w, r_t) − Δ − eq(r_t, T − 1)·W̃_T(r_w): the sum the shift sumcheck must meet.
    fn target<F: FieldOps>(r_t: &[F], values: &[F], delta: &F) -> Result<F, Error> {
        let [w, last, _] = values else {
            return Err(Error::ProofShape {
                what: "step values",
                expected: 3,
                actual: values.len(),
            });
        };
        let top = r_t.iter().fold(F::one(), |acc, x| acc.mul(x));
        Ok(w.sub(delta).sub(&top.mul(last)))
    }

    fn claims<F: FieldOps>(
        (r_w, r_t): (&[F], &[F]),
        values: &[F],
        point: &[F],
        w_next: F,
    ) -> Result<StepClaims<F>, Error> {
        let [w, last, first] = values else {
            return Err(Error::ProofShape {
                what: "step values",
                expected: 3,
                actual: values.len(),
            });
        };
        let at = |p: Vec<F>, value: &F| TensorClaim {
            point: p,
            value: value.clone(),
        };
        let zeros = vec![F::zero(); r_t.len()];
        Ok(StepClaims {
            stack: vec![
                at(concat(&[r_w, r_t]), w),
                at(concat(&[r_w, point]), &w_next),
                at(concat(&[r_w, &zeros]), first),
            ],
            last: at(r_w.to_vec(), last),
            first: at(r_w.to_vec(), first),
        })
    }
}

/// Reduces a claim Δ̃(r_w, r_t) = `delta` on the updates Δ[t] = W[t] − W[t+1] (W[T] = W_T) —
/// a tensor never committed — to claims on the stack W (T·len entries, iteration highest), on
/// W_T and on W_0 = W[0]:
///   Σ_t′ succ̃(r_t, t′)·W̃(r_w, t′) = W̃(r_w, r_t) − Δ̃(r_w, r_t) − eq(r_t, T − 1)·W̃_T(r_w).
/// `point` = (r_w, r_t) was drawn by the caller's block, which absorbed its own statement.
pub fn prove_step(
    shape: StepChain,
    w: &[Fr],
    w_last: &[Fr],
    point: &[Fr],
    delta: Fr,
    transcript: &mut NativeTranscript,
) -> Result<(StepProof<Fr>, StepClaims<Fr>), Error> {
    ensure_lens(&[
        ("step chain W (t × len)", shape.t * shape.len, w.len()),
        ("step chain W_T (len)", shape.len, w_last.len()),
    ])?;
    let (lw, _) = shape.start(point, transcript)?;
    let (r_w, r_t) = point.split_at(lw);
    let ew = eq_table(r_w);
    let folded: Vec<Fr> = w
        .par_chunks(shape.len)
        .map(|slot| slot.iter().zip(&ew).map(|(a, b)| *a * b).sum())
        .collect();
    let last: Fr = w_last.iter().zip(&ew).map(|(a, b)| *a * b).sum();
    let values = vec![
        DenseMle::new(folded.clone())?.evaluate(r_t)?,
        last,
        folded.first().copied().unwrap_or(Fr::ZERO),
    ];
    transcript.absorb(labels::ITERATE_VALUES, &values)?;
    let claim = StepChain::target(r_t, &values, &delta)?;
    let mut inst = ProverInstance::new(vec![shift_table(r_t), folded], Product(2))?;
    let (sumcheck, out) = prove(&mut inst, claim, transcript)?;
    let w_next = out.evals.get(1).copied().unwrap_or(Fr::ZERO);
    let claims = StepChain::claims((r_w, r_t), &values, &out.point, w_next)?;
    Ok((StepProof { values, sumcheck }, claims))
}

/// Verifies an update chain at the caller's Δ claim; returns the claims on W, W_T and W_0.
pub fn verify_step<F: FieldOps, S: SpongeOps<F>>(
    shape: StepChain,
    point: &[F],
    delta: &F,
    proof: &StepProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<StepClaims<F>, Error> {
    let (lw, lt) = shape.start(point, transcript)?;
    let (r_w, r_t) = point.split_at(lw);
    transcript.absorb(labels::ITERATE_VALUES, &proof.values)?;
    let claim = StepChain::target(r_t, &proof.values, delta)?;
    let out = verify(
        VerifierInstance {
            num_vars: lt,
            composition: &Product(2),
            claim,
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
    if !s.enforce_equal(&succ_eval(r_t, &out.point))? {
        return Err(Error::SuccinctEvaluation {
            what: "successor relation succ̃(r_t, ρ′)",
        });
    }
    StepChain::claims((r_w, r_t), &proof.values, &out.point, wn.clone())
}
