//! The ReLU derivative in back-propagation: dY = M ⊙ dA with M = [Y > 0], for Y = Pos − Neg
//! the forward pass's ReLU split (so Y > 0 ⇔ Pos > 0).
//!
//! Tensors (same shape, possibly stacked over iterations): Pos, the mask M, the incoming
//! gradient dA and the outgoing dY. Relations, in one zerocheck with powers of γ:
//! M(M − 1) = 0, (1 − M)·Pos = 0, dY − M·dA = 0. With K = Pos − M ∈ [0, 2^b) range-checked by
//! the caller — as a difference column of its range lookup ([`crate::lookup`]), so K is never
//! committed — M = 1 forces Pos = 1 + K ≥ 1 and M = 0 forces Pos = 0, so M is exactly
//! [Pos > 0]: the trainer's derivative, 0 at Pos = 0. Without that range check a prover could
//! set M = 1 where Pos = 0 and pass the gradient through a dead unit.
//!
//! Challenge order: the statement (the tensors' size), then γ, then the zerocheck's τ and
//! rounds. Every tensor is bound by the trace commitment before the block runs.

use super::{NamedClaims, TensorClaim};
use crate::error::Error;
use crate::field::FieldOps;
use crate::sumcheck::{Composition, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Tensor names, in witness and claim order.
pub const TENSORS: [&str; 4] = ["pos", "mask", "grad_in", "grad_out"];

/// A ReLU-derivative proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluGradProof<F> {
    /// The zerocheck.
    pub zerocheck: SumcheckProof<F>,
}

/// M(M − 1) + γ(1 − M)·Pos + γ²(dY − M·dA) over [Pos, M, dA, dY].
struct Relations<F>(F);

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        4
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [pos, m, da, dy] = v else {
            return F::zero();
        };
        let boolean = m.mul(m).sub(m);
        let off = pos.sub(&m.mul(pos));
        let grad = dy.sub(&m.mul(da));
        boolean.add(&self.0.mul(&off.add(&self.0.mul(&grad))))
    }
}

/// Binds the statement and draws γ.
fn start<F: FieldOps, S: SpongeOps<F>>(vars: usize, t: &mut Transcript<F, S>) -> Result<F, Error> {
    if vars > crate::sumcheck::MAX_VARS {
        return Err(Error::TooLarge {
            what: "ReLU gradient variables",
            value: vars,
            max: crate::sumcheck::MAX_VARS,
        });
    }
    t.absorb_usizes(labels::RELU_GRAD_STATEMENT, &[vars])?;
    Ok(t.challenge(labels::RELU_GRAD_GAMMA)?)
}

/// The zerocheck's claims on the four tensors at its point.
fn claims<F: FieldOps>(point: &[F], evals: &[F]) -> Result<NamedClaims<F>, Error> {
    if evals.len() != TENSORS.len() {
        return Err(Error::ProofShape {
            what: "ReLU gradient evaluations",
            expected: TENSORS.len(),
            actual: evals.len(),
        });
    }
    Ok(TENSORS
        .iter()
        .zip(evals)
        .map(|(name, v)| {
            (
                *name,
                TensorClaim {
                    point: point.to_vec(),
                    value: v.clone(),
                },
            )
        })
        .collect())
}

/// Proves dY = [Pos > 0] ⊙ dA; `tensors` in [`TENSORS`] order, all of one power-of-two size.
pub fn prove_relu_grad(
    tensors: [&[Fr]; 4],
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
            what: "ReLU gradient tensor (all four of one length)",
            expected: len,
            actual: v.len(),
        });
    }
    let gamma = start(len.trailing_zeros() as usize, t)?;
    let (zerocheck, out) = prove_zerocheck(
        tensors.iter().map(|v| v.to_vec()).collect(),
        Relations(gamma),
        t,
    )?;
    let c = claims(&out.point, &out.evals)?;
    Ok((ReluGradProof { zerocheck }, c))
}

/// Verifies a ReLU-derivative proof over tensors of 2^`vars` entries; returns the claims.
pub fn verify_relu_grad<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    proof: &ReluGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let gamma = start(vars, t)?;
    let out = verify_zerocheck(vars, &Relations(gamma), &proof.zerocheck, t)?;
    claims(&out.point, &out.evals)
}
