//! The ReLU derivative in back-propagation: dY = M ⊙ dA with M = [Y > 0], for Y = Pos − Neg
//! the forward pass's ReLU split (so Y > 0 ⇔ Pos > 0).
//!
//! Tensors (same shape, stacked over iterations): Pos, the mask M and the incoming gradient
//! dA. M and dA are committed; the training statement's Pos is itself virtual,
//! M·|Y| ([`super::relu_split`]), so its claim here joins the others that block proves.
//! The outgoing gradient dY is *virtual*: never committed, it is defined as
//! M ⊙ dA. Its consumers — the layer's weight update, bias update and back-propagation — leave
//! claims dỸ(r_k) = v_k, k < K; this block proves them on M ⊙ dA together with the mask's
//! relations M(M − 1) = 0 and (1 − M)·Pos = 0, in one sumcheck over the layer's output:
//!   Σ_x eq(τ, x)·[M(M − 1) + γ(1 − M)·Pos](x) + γ²·W(x)·M(x)·dA(x) = γ²·Σ_k λ^k·v_k,
//! W = Σ_k λ^k·eq(r_k, ·). The verifier evaluates eq(τ, ρ) and W(ρ) itself (O(K·n)) at the
//! sumcheck's point ρ, and the block leaves claims on Pos, M and dA at ρ.
//!
//! M is exactly [Pos > 0] — the trainer's derivative, 0 at Pos = 0 — once Pos − M ≥ 0 is
//! known too: M = 1 then forces Pos ≥ 1 and (1 − M)·Pos = 0 forces Pos = 0 where M = 0.
//! Without it a prover could set M = 1 where Pos = 0 and pass the gradient through a dead
//! unit. The training statement range-checks |Y| − M ≥ 0, a difference column of its range
//! lookup, never committed; with Pos = M·|Y| that is Pos − M ≥ 0 where M = 1
//! ([`super::relu_split`]). (1 − M)·Pos = 0 then holds identically, and this block's check of
//! it is kept for callers that commit Pos.
//!
//! Challenge order: the statement (the tensors' size n and K), the claimed values v_k (bound
//! already by the blocks that made them, absorbed again so the order holds whatever the
//! caller), then λ, γ and τ, then the sumcheck's rounds and final values. Every tensor is
//! bound by the trace commitment before the block runs: each challenge follows every value
//! it combines.
//!
//! Soundness: the claimed sum minus the true one is a polynomial of degree 2 in γ whose
//! coefficients are the relations' MLEs at τ and Σ_k λ^k·((M ⊙ dA)~(r_k) − v_k): if a
//! relation fails somewhere or some v_k is not dY's value, it vanishes with probability at
//! most (n + K + 2)/|Fr|, plus the sumcheck's 3n/|Fr|.

use super::{NamedClaims, TensorClaim};
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::{eq_eval, eq_table};
use crate::sumcheck::{
    Composition, ProverInstance, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use std::borrow::Cow;

/// Tensor names, in witness and claim order.
pub const TENSORS: [&str; 3] = ["pos", "mask", "grad_in"];

/// A ReLU-derivative proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluGradProof<F> {
    /// The relations and dY's claims in one sumcheck.
    pub sumcheck: SumcheckProof<F>,
}

/// eq·(M² − M + γ(1 − M)·Pos) + γ²·W·M·dA over [eq(τ, ·), W, Pos, M, dA].
struct Relations<F> {
    gamma: F,
    gamma2: F,
}

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        5
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [eq, w, pos, m, da] = v else {
            return F::zero();
        };
        let boolean = m.mul(m).sub(m);
        let off = pos.sub(&m.mul(pos));
        let zero = boolean.add(&self.gamma.mul(&off));
        eq.mul(&zero).add(&self.gamma2.mul(&w.mul(&m.mul(da))))
    }
}

/// The block's challenges: λ's powers (one per claim on dY), the relations and τ.
struct Challenges<F> {
    lambdas: Vec<F>,
    relations: Relations<F>,
    tau: Vec<F>,
}

/// Binds the statement and draws λ, γ and τ; checks that every claim on dY is at a point of
/// the tensors' `vars` variables.
fn start<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    grad_out: &[TensorClaim<F>],
    t: &mut Transcript<F, S>,
) -> Result<Challenges<F>, Error> {
    super::check_claim_points(
        vars,
        grad_out,
        [
            "ReLU gradient variables",
            "ReLU output-gradient claim point",
        ],
    )?;
    if grad_out.is_empty() {
        return Err(Error::Internal {
            what: "a ReLU derivative has claims on its output gradient to prove",
        });
    }
    t.absorb_usizes(labels::RELU_GRAD_STATEMENT, &[vars, grad_out.len()])?;
    // The values are bound already by the blocks that made them; absorbing them here keeps λ
    // after them whatever the caller's order.
    let values: Vec<F> = grad_out.iter().map(|c| c.value.clone()).collect();
    t.absorb(labels::RELU_GRAD_CLAIMS, &values)?;
    let lambdas = crate::field::powers(&t.challenge(labels::RELU_GRAD_LAMBDA)?, grad_out.len());
    let gamma = t.challenge(labels::RELU_GRAD_GAMMA)?;
    let tau = t.challenges(labels::RELU_GRAD_GAMMA, vars)?;
    let gamma2 = gamma.mul(&gamma);
    Ok(Challenges {
        lambdas,
        relations: Relations { gamma, gamma2 },
        tau,
    })
}

impl<F: FieldOps> Challenges<F> {
    /// γ²·Σ_k λ^k·v_k.
    fn claim(&self, grad_out: &[TensorClaim<F>]) -> F {
        self.relations
            .gamma2
            .mul(&super::weighted_values(&self.lambdas, grad_out))
    }
}

/// The claims on Pos, M and dA at ρ (the sumcheck's inputs after eq and W).
fn claims<F: FieldOps>(rho: &[F], evals: &[F]) -> Result<NamedClaims<F>, Error> {
    super::claims_at(rho, evals, 2, &TENSORS, "ReLU gradient evaluations")
}

/// Proves the claims `grad_out` on dY = [Pos > 0] ⊙ dA with the mask's relations; `tensors`
/// in [`TENSORS`] order, all of one power-of-two size.
pub fn prove_relu_grad(
    tensors: [&[Fr]; 3],
    grad_out: &[TensorClaim<Fr>],
    t: &mut NativeTranscript,
) -> Result<(ReluGradProof<Fr>, NamedClaims<Fr>), Error> {
    let len = tensors[0].len();
    if !len.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "ReLU gradient tensor length",
            value: len,
        });
    }
    if let Some(v) = tensors.iter().find(|v| v.len() != len) {
        return Err(Error::StatementShape {
            what: "ReLU gradient tensor (all three of one length)",
            expected: len,
            actual: v.len(),
        });
    }
    let ch = start(len.trailing_zeros() as usize, grad_out, t)?;
    let w = super::eq_weights(len.trailing_zeros() as usize, &ch.lambdas, grad_out);
    let [pos, m, da] = tensors;
    let claim = ch.claim(grad_out);
    let mut instance = ProverInstance::with_tables(
        vec![
            Cow::Owned(eq_table(&ch.tau)),
            Cow::Owned(w),
            Cow::Borrowed(pos),
            Cow::Borrowed(m),
            Cow::Borrowed(da),
        ],
        ch.relations,
    )?;
    let (sumcheck, out) = prove(&mut instance, claim, t)?;
    let c = claims(&out.point, &out.evals)?;
    Ok((ReluGradProof { sumcheck }, c))
}

/// Verifies a ReLU-derivative proof over tensors of 2^`vars` entries against the claims
/// `grad_out` on dY; returns the claims on Pos, M and dA.
pub fn verify_relu_grad<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    grad_out: &[TensorClaim<F>],
    proof: &ReluGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let ch = start(vars, grad_out, t)?;
    let out = verify(
        VerifierInstance {
            num_vars: vars,
            composition: &ch.relations,
            claim: ch.claim(grad_out),
        },
        &proof.sumcheck,
        t,
    )?;
    let rho = &out.point;
    let [eq, w, ..] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "ReLU gradient evaluations",
            expected: 2 + TENSORS.len(),
            actual: out.evals.len(),
        });
    };
    if !eq.enforce_equal(&eq_eval(&ch.tau, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU gradient eq(τ, ρ)",
        });
    }
    let expected = super::eq_weights_at(&ch.lambdas, grad_out, rho);
    if !w.enforce_equal(&expected)? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU gradient claim weights W̃(ρ)",
        });
    }
    claims(rho, &out.evals)
}
