//! A training ReLU's split, Pos and Neg, as virtual tensors of two committed ones: the mask
//! M = [Y > 0] and A = |Y|, for Y = Pos − Neg the layer's rescaled output. Then
//!   Pos = M·A,   Neg = (1 − M)·A,
//! so the trace holds A and M (with the remainder) instead of Pos, Neg and M, and the range
//! lookup reads two columns (A, and the difference A − M) instead of three (Pos, Neg, Pos − M).
//!
//! The blocks that read Pos or Neg — the layer's forward pass (its stated outputs), the layers
//! above (their input), the ReLU derivative — leave claims Pos̃(p_k) = v_k and Ñeg(q_j) = u_j.
//! After the blocks join, this block proves them all in one sumcheck over the layer's output:
//!   Σ_x W_P(x)·M(x)·A(x) + W_N(x)·(1 − M(x))·A(x) = Σ_k λ^k·v_k + Σ_j λ^{K+j}·u_j,
//! W_P = Σ_k λ^k·eq(p_k, ·), W_N = Σ_j λ^{K+j}·eq(q_j, ·). The verifier evaluates both weights
//! itself at the sumcheck's point ρ (O((K + J)·n)); the block leaves claims on A and M at ρ.
//!
//! Soundness: with M(M − 1) = 0 (proven by [`super::relu_grad`] on the same mask, which every
//! layer with this split has), A ∈ [0, 2^b) and A − M ∈ [0, 2^b) (the caller's range columns,
//! the second a difference never committed): M = 1 gives Pos = A ≥ 1 and Neg = 0, M = 0
//! gives Pos = 0 and Neg = A. So Pos, Neg ∈ [0, 2^b) — the trainer's own bounds —,
//! Pos ⊙ Neg = 0 and M = [Pos > 0] hold by construction, and the forward relation's
//! Y = Pos − Neg = (2M − 1)·A determines M and A. (Without A − M ≥ 0 a prover could set M = 1
//! where A = 0 and pass the gradient through a dead unit.) The claimed sum minus the true one
//! is a polynomial of degree K + J − 1 in λ whose coefficients are the differences between
//! the claimed and the true values: if one differs it vanishes with probability at most
//! (K + J)/|Fr|, plus the sumcheck's 3n/|Fr|.
//!
//! Challenge order: the statement (n, K, J), the claimed values (bound already by the blocks
//! that made them and joined into the caller's transcript; absorbed again so the order holds
//! whatever the caller), then λ, then the sumcheck's rounds and final values. A and M are
//! bound by the trace commitment before any block runs.

use super::{NamedClaims, TensorClaim, eq_weights, eq_weights_at};
use crate::error::Error;
use crate::field::FieldOps;

use crate::sumcheck::{
    Composition, ProverInstance, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use std::borrow::Cow;

/// The committed tensors, in witness and claim order.
pub const TENSORS: [&str; 2] = ["abs", "mask"];

/// A ReLU-split proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluSplitProof<F> {
    /// Every claim on Pos and Neg in one sumcheck.
    pub sumcheck: SumcheckProof<F>,
}

/// W_P·M·A + W_N·(1 − M)·A over [W_P, W_N, A, M].
struct Split;

impl<F: FieldOps> Composition<F> for Split {
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        4
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [wp, wn, a, m] = v else {
            return F::zero();
        };
        // (W_N + M·(W_P − W_N))·A.
        wn.add(&m.mul(&wp.sub(wn))).mul(a)
    }
}

/// The claims on the two virtual tensors.
#[derive(Debug)]
pub struct SplitClaims<'a, F> {
    /// Claims on Pos.
    pub pos: &'a [TensorClaim<F>],
    /// Claims on Neg.
    pub neg: &'a [TensorClaim<F>],
}

impl<F> Clone for SplitClaims<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for SplitClaims<'_, F> {}

impl<F: FieldOps> SplitClaims<'_, F> {
    fn all(&self) -> impl Iterator<Item = &TensorClaim<F>> {
        self.pos.iter().chain(self.neg)
    }
}

/// Binds the statement and the claimed values, draws λ and returns its powers, one per claim
/// (Pos's first); checks that every claim is at a point of the tensors' `vars` variables.
fn start<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    claims: SplitClaims<'_, F>,
    t: &mut Transcript<F, S>,
) -> Result<Vec<F>, Error> {
    super::check_claim_points(
        vars,
        claims.all(),
        ["ReLU split variables", "ReLU split claim point"],
    )?;
    if claims.pos.is_empty() {
        return Err(Error::Internal {
            what: "a ReLU split has claims on Pos to prove",
        });
    }
    t.absorb_usizes(
        labels::RELU_SPLIT_STATEMENT,
        &[vars, claims.pos.len(), claims.neg.len()],
    )?;
    let values: Vec<F> = claims.all().map(|c| c.value.clone()).collect();
    t.absorb(labels::RELU_SPLIT_CLAIMS, &values)?;
    Ok(crate::field::powers(
        &t.challenge(labels::RELU_SPLIT_LAMBDA)?,
        values.len(),
    ))
}

/// Σ λ^k·value_k over every claim.
fn claimed_sum<F: FieldOps>(powers: &[F], claims: SplitClaims<'_, F>) -> F {
    super::weighted_values(powers, claims.all())
}

/// The claims on A and M at ρ (the sumcheck's inputs after the two weights).
fn tensor_claims<F: FieldOps>(rho: &[F], evals: &[F]) -> Result<NamedClaims<F>, Error> {
    super::claims_at(rho, evals, 2, &TENSORS, "ReLU split evaluations")
}

/// Proves `claims` on Pos = M·A and Neg = (1 − M)·A; `tensors` in [`TENSORS`] order, of one
/// power-of-two size.
pub fn prove_relu_split(
    tensors: [&[Fr]; 2],
    claims: SplitClaims<'_, Fr>,
    t: &mut NativeTranscript,
) -> Result<(ReluSplitProof<Fr>, NamedClaims<Fr>), Error> {
    let len = tensors[0].len();
    if !len.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "ReLU split tensor length",
            value: len,
        });
    }
    if tensors[1].len() != len {
        return Err(Error::StatementShape {
            what: "ReLU split tensor (|Y| and M of one length)",
            expected: len,
            actual: tensors[1].len(),
        });
    }
    let vars = len.trailing_zeros() as usize;
    let powers = start(vars, claims, t)?;
    let (p, n) = powers.split_at(claims.pos.len());
    let (wp, wn) = rayon::join(
        || eq_weights(vars, p, claims.pos),
        || eq_weights(vars, n, claims.neg),
    );
    let [a, m] = tensors;
    let tables = vec![
        Cow::Owned(wp),
        Cow::Owned(wn),
        Cow::Borrowed(a),
        Cow::Borrowed(m),
    ];
    let mut instance = ProverInstance::with_tables(tables, Split)?;
    let (sumcheck, out) = prove(&mut instance, claimed_sum(&powers, claims), t)?;
    let c = tensor_claims(&out.point, &out.evals)?;
    Ok((ReluSplitProof { sumcheck }, c))
}

/// Verifies a ReLU-split proof over tensors of 2^`vars` entries against `claims`; returns the
/// claims on |Y| and M.
pub fn verify_relu_split<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    claims: SplitClaims<'_, F>,
    proof: &ReluSplitProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let powers = start(vars, claims, t)?;
    let out = verify(
        VerifierInstance {
            num_vars: vars,
            composition: &Split,
            claim: claimed_sum(&powers, claims),
        },
        &proof.sumcheck,
        t,
    )?;
    let rho = &out.point;
    let [wp, wn, ..] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "ReLU split evaluations",
            expected: 2 + TENSORS.len(),
            actual: out.evals.len(),
        });
    };
    let (p, n) = powers.split_at(claims.pos.len());
    if !wp.enforce_equal(&eq_weights_at(p, claims.pos, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU split Pos weights W̃_P(ρ)",
        });
    }
    if !wn.enforce_equal(&eq_weights_at(n, claims.neg, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU split Neg weights W̃_N(ρ)",
        });
    }
    tensor_claims(rho, &out.evals)
}
