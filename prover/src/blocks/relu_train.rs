//! A training ReLU's virtual tensors, proven on two committed ones and the incoming gradient.
//!
//! The trace holds, for a hidden layer's rescaled output Y, A = |Y| and the mask M = [Y > 0]
//! (with the remainder); the range lookup reads two columns (A, and the difference A − M,
//! never committed). Three tensors the other blocks read are *virtual*, defined on them:
//!   Pos = M·A,   Neg = (1 − M)·A,   dY = M ⊙ dA,
//! Pos and Neg the forward split Y = Pos − Neg (read by the layer's forward pass, the layer
//! above or the pool above), dY the outgoing gradient of the ReLU derivative (read by the
//! layer's weight update, bias update and back-propagation), dA the committed incoming
//! gradient. Those blocks leave claims Pos̃(p_k) = v_k, Ñeg(q_j) = u_j and dỸ(g_i) = w_i; once
//! the blocks have joined, this block proves them all, with M's relation M(M − 1) = 0, in one
//! sumcheck over the layer's output:
//!   Σ_x eq(τ, x)·(M² − M)(x) + γ·[W_G·M·dA + W_N·A + D·M·A](x) = γ·Σ_l λ^l·c_l,
//! W_P, W_N, W_G the claims' weights Σ λ^l·eq(point_l, ·) (one power of λ per claim, Pos's
//! first, then Neg's, then dY's; c_l their values) and D = W_P − W_N, so that
//! W_P·M·A + W_N·(1 − M)·A = W_N·A + D·M·A. The verifier evaluates eq(τ, ρ), W̃_G(ρ),
//! W̃_N(ρ) and D̃(ρ) itself at the sumcheck's point ρ (O(claims·n)); the block leaves claims
//! on A, M and dA at ρ.
//!
//! Soundness: with M Boolean (this block), A ∈ [0, 2^b) and A − M ∈ [0, 2^b) (the caller's
//! range columns): M = 1 gives Pos = A ≥ 1 and Neg = 0, M = 0 gives Pos = 0 and Neg = A. So
//! Pos, Neg ∈ [0, 2^b) — the trainer's own bounds —, Pos ⊙ Neg = 0 and M = [Pos > 0] — the
//! trainer's derivative, 0 at Pos = 0 — hold by construction, and the forward relation's
//! Y = Pos − Neg = (2M − 1)·A determines M and A. (Without A − M ≥ 0 a prover could set M = 1
//! where A = 0 and pass the gradient through a dead unit.) The claimed sum minus the true one
//! is a polynomial of degree 1 in γ whose coefficients are (M² − M)~(τ) and
//! Σ_l λ^l·(true_l − c_l): if M is not Boolean somewhere or a claimed value is not its
//! tensor's, it vanishes with probability at most (n + L + 1)/|Fr| over τ, λ and γ, plus the
//! sumcheck's 3n/|Fr|.
//!
//! Challenge order: the statement (n and the three claim counts), the claimed values (bound
//! already by the blocks that made them and joined into the caller's transcript; absorbed
//! again so the order holds whatever the caller), then λ, γ and τ, then the sumcheck's rounds
//! and final values. A, M and dA are bound by the trace commitment before any block runs:
//! each challenge follows every value it combines.

use super::{NamedClaims, TensorClaim, eq_weights, eq_weights_at};
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::{eq_eval, eq_table};
use crate::sumcheck::{
    Composition, ProverInstance, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use std::borrow::Cow;

/// The tensors the block reads, in witness and claim order: |Y|, the mask and the incoming
/// gradient.
pub const TENSORS: [&str; 3] = ["abs", "mask", "grad_in"];

/// The sumcheck's inputs before the tensors: eq(τ, ·), W_G, D = W_P − W_N and W_N.
const WEIGHTS: usize = 4;

/// A training ReLU proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluProof<F> {
    /// M's relation and every claim on Pos, Neg and dY in one sumcheck.
    pub sumcheck: SumcheckProof<F>,
}

/// The claims on the three virtual tensors.
#[derive(Debug)]
pub struct ReluClaims<'a, F> {
    /// Claims on Pos = M·A.
    pub pos: &'a [TensorClaim<F>],
    /// Claims on Neg = (1 − M)·A.
    pub neg: &'a [TensorClaim<F>],
    /// Claims on the outgoing gradient dY = M ⊙ dA.
    pub grad: &'a [TensorClaim<F>],
}

impl<F> Clone for ReluClaims<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for ReluClaims<'_, F> {}

impl<F: FieldOps> ReluClaims<'_, F> {
    fn all(&self) -> impl Iterator<Item = &TensorClaim<F>> {
        self.pos.iter().chain(self.neg).chain(self.grad)
    }
}

/// eq·(M² − M) + γ·(W_N·A + M·(W_G·dA + D·A)) over [eq, W_G, D, W_N, A, M, dA].
struct Relations<F> {
    gamma: F,
}

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        WEIGHTS + TENSORS.len()
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [eq, wg, d, wn, a, m, da] = v else {
            return F::zero();
        };
        let boolean = m.mul(m).sub(m);
        let through_mask = m.mul(&wg.mul(da).add(&d.mul(a)));
        let claims = wn.mul(a).add(&through_mask);
        eq.mul(&boolean).add(&self.gamma.mul(&claims))
    }
}

/// The block's challenges: λ's powers (one per claim, Pos's first, then Neg's, then dY's),
/// γ and τ.
struct Challenges<F> {
    powers: Vec<F>,
    relations: Relations<F>,
    tau: Vec<F>,
}

/// Binds the statement and the claimed values, draws λ, γ and τ; checks that every claim is at
/// a point of the tensors' `vars` variables.
fn start<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    claims: ReluClaims<'_, F>,
    t: &mut Transcript<F, S>,
) -> Result<Challenges<F>, Error> {
    super::check_claim_points(vars, claims.all(), ["ReLU variables", "ReLU claim point"])?;
    // Every hidden layer's forward relation reads Pos and Neg, and its updates read dY: a
    // group without claims means a block upstream lost its claims, never an honest proof.
    if claims.pos.is_empty() || claims.neg.is_empty() || claims.grad.is_empty() {
        return Err(Error::Internal {
            what: "a training ReLU has claims on Pos, Neg and its output gradient to prove",
        });
    }
    t.absorb_usizes(
        labels::RELU_STATEMENT,
        &[vars, claims.pos.len(), claims.neg.len(), claims.grad.len()],
    )?;
    let values: Vec<F> = claims.all().map(|c| c.value.clone()).collect();
    t.absorb(labels::RELU_CLAIMS, &values)?;
    let powers = crate::field::powers(&t.challenge(labels::RELU_LAMBDA)?, values.len());
    let gamma = t.challenge(labels::RELU_GAMMA)?;
    let tau = t.challenges(labels::RELU_TAU, vars)?;
    Ok(Challenges {
        powers,
        relations: Relations { gamma },
        tau,
    })
}

impl<F: FieldOps> Challenges<F> {
    /// γ·Σ_l λ^l·c_l.
    fn claim(&self, claims: ReluClaims<'_, F>) -> F {
        self.relations
            .gamma
            .mul(&super::weighted_values(&self.powers, claims.all()))
    }

    /// The powers of λ of Pos's, Neg's and dY's claims.
    fn split<'p>(&'p self, claims: ReluClaims<'_, F>) -> [&'p [F]; 3] {
        let (p, rest) = self
            .powers
            .split_at(claims.pos.len().min(self.powers.len()));
        let (n, g) = rest.split_at(claims.neg.len().min(rest.len()));
        [p, n, g]
    }
}

/// The claims on A, M and dA at ρ (the sumcheck's inputs after the weights).
fn tensor_claims<F: FieldOps>(rho: &[F], evals: &[F]) -> Result<NamedClaims<F>, Error> {
    super::claims_at(rho, evals, WEIGHTS, &TENSORS, "ReLU evaluations")
}

/// Proves `claims` on Pos = M·A, Neg = (1 − M)·A and dY = M ⊙ dA with M Boolean; `tensors`
/// in [`TENSORS`] order, all of one power-of-two size.
pub fn prove_relu(
    tensors: [&[Fr]; 3],
    claims: ReluClaims<'_, Fr>,
    t: &mut NativeTranscript,
) -> Result<(ReluProof<Fr>, NamedClaims<Fr>), Error> {
    let len = tensors[0].len();
    if !len.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "ReLU tensor length",
            value: len,
        });
    }
    if let Some(v) = tensors.iter().find(|v| v.len() != len) {
        return Err(Error::StatementShape {
            what: "ReLU tensor (|Y|, M and dA of one length)",
            expected: len,
            actual: v.len(),
        });
    }
    let vars = len.trailing_zeros() as usize;
    let ch = start(vars, claims, t)?;
    let [p, n, g] = ch.split(claims);
    // D = W_P − W_N is itself a weighted sum of eq tables: Pos's weights and Neg's negated.
    let pos_neg: Vec<TensorClaim<Fr>> = claims.pos.iter().chain(claims.neg).cloned().collect();
    let d_weights: Vec<Fr> = p.iter().copied().chain(n.iter().map(|w| -*w)).collect();
    let ((d, wn), (wg, eq)) = rayon::join(
        || {
            rayon::join(
                || eq_weights(vars, &d_weights, &pos_neg),
                || eq_weights(vars, n, claims.neg),
            )
        },
        || rayon::join(|| eq_weights(vars, g, claims.grad), || eq_table(&ch.tau)),
    );
    let [a, m, da] = tensors;
    let tables = vec![
        Cow::Owned(eq),
        Cow::Owned(wg),
        Cow::Owned(d),
        Cow::Owned(wn),
        Cow::Borrowed(a),
        Cow::Borrowed(m),
        Cow::Borrowed(da),
    ];
    let claim = ch.claim(claims);
    let mut instance = ProverInstance::with_tables(tables, ch.relations)?;
    let (sumcheck, out) = prove(&mut instance, claim, t)?;
    let c = tensor_claims(&out.point, &out.evals)?;
    Ok((ReluProof { sumcheck }, c))
}

/// Verifies a training ReLU proof over tensors of 2^`vars` entries against `claims`; returns
/// the claims on |Y|, M and dA.
pub fn verify_relu<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    claims: ReluClaims<'_, F>,
    proof: &ReluProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let ch = start(vars, claims, t)?;
    let out = verify(
        VerifierInstance {
            num_vars: vars,
            composition: &ch.relations,
            claim: ch.claim(claims),
        },
        &proof.sumcheck,
        t,
    )?;
    let rho = &out.point;
    let [eq, wg, d, wn, ..] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "ReLU evaluations",
            expected: WEIGHTS + TENSORS.len(),
            actual: out.evals.len(),
        });
    };
    if !eq.enforce_equal(&eq_eval(&ch.tau, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU eq(τ, ρ)",
        });
    }
    let [p, n, g] = ch.split(claims);
    if !wg.enforce_equal(&eq_weights_at(g, claims.grad, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU output-gradient weights W̃_G(ρ)",
        });
    }
    let w_neg = eq_weights_at(n, claims.neg, rho);
    if !wn.enforce_equal(&w_neg)? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU Neg weights W̃_N(ρ)",
        });
    }
    if !d.enforce_equal(&eq_weights_at(p, claims.pos, rho).sub(&w_neg))? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU weight difference W̃_P(ρ) − W̃_N(ρ)",
        });
    }
    tensor_claims(rho, &out.evals)
}
