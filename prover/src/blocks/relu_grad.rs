//! The ReLU derivative in back-propagation: dY = M ⊙ dA with M = [Y > 0], for Y = Pos − Neg
//! the forward pass's ReLU split (so Y > 0 ⇔ Pos > 0).
//!
//! Tensors (same shape, possibly stacked over iterations): Pos, the mask M, K = Pos − M, the
//! incoming gradient dA and the outgoing dY. Relations, in one zerocheck with powers of γ:
//! M(M − 1) = 0, (1 − M)·Pos = 0, dY − M·dA = 0; and Pos − M − K = 0 at a random point. With
//! K ≥ 0 range-checked by the caller: M = 1 forces Pos = 1 + K ≥ 1 and M = 0 forces Pos = 0,
//! so M is exactly [Pos > 0].

use super::{NamedClaims, TensorClaim};
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::DenseMle;
use crate::sumcheck::{Composition, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Tensor names, in witness and claim order.
pub const TENSORS: [&str; 5] = ["pos", "mask", "pos_minus_mask", "grad_in", "grad_out"];

/// A ReLU-derivative proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluGradProof<F> {
    /// Pos̃, M̃, K̃ at the random point.
    pub values: Vec<F>,
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

fn start<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    t: &mut Transcript<F, S>,
) -> Result<Vec<F>, Error> {
    if vars > crate::sumcheck::MAX_VARS {
        return Err(Error::TooLarge {
            what: "ReLU gradient variables",
            value: vars,
            max: crate::sumcheck::MAX_VARS,
        });
    }
    t.absorb_usizes(labels::RELU_GRAD_STATEMENT, &[vars])?;
    Ok(t.challenges(labels::RELU_GRAD_POINT, vars)?)
}

fn claims<F: FieldOps>(
    r: Vec<F>,
    values: &[F],
    zc_point: &[F],
    zc_evals: &[F],
) -> Result<NamedClaims<F>, Error> {
    let ([pos, m, k], [zp, zm, zda, zdy]) = (values, zc_evals) else {
        return Err(Error::ProofShape {
            what: "ReLU gradient values",
            expected: 7,
            actual: values.len() + zc_evals.len(),
        });
    };
    if !pos.sub(m).sub(k).enforce_equal(&F::zero())? {
        return Err(Error::SuccinctEvaluation {
            what: "ReLU mask K = Pos − M",
        });
    }
    let at = |p: &[F], v: &F| TensorClaim {
        point: p.to_vec(),
        value: v.clone(),
    };
    Ok(vec![
        ("pos", at(&r, pos)),
        ("mask", at(&r, m)),
        ("pos_minus_mask", at(&r, k)),
        ("pos", at(zc_point, zp)),
        ("mask", at(zc_point, zm)),
        ("grad_in", at(zc_point, zda)),
        ("grad_out", at(zc_point, zdy)),
    ])
}

/// Proves dY = [Pos > 0] ⊙ dA; `tensors` in [`TENSORS`] order, all of one power-of-two size.
pub fn prove_relu_grad(
    tensors: [&[Fr]; 5],
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
            what: "ReLU gradient tensor (all five of one length)",
            expected: len,
            actual: v.len(),
        });
    }
    let r = start(len.trailing_zeros() as usize, t)?;
    let values = tensors[..3]
        .iter()
        .map(|v| DenseMle::new(v.to_vec())?.evaluate(&r))
        .collect::<Result<Vec<Fr>, Error>>()?;
    t.absorb(labels::RELU_GRAD_VALUES, &values)?;
    let gamma = t.challenge(labels::RELU_GRAD_POINT)?;
    let [pos, m, _, da, dy] = tensors;
    let (zerocheck, out) = prove_zerocheck(
        vec![pos.to_vec(), m.to_vec(), da.to_vec(), dy.to_vec()],
        Relations(gamma),
        t,
    )?;
    let c = claims(r, &values, &out.point, &out.evals)?;
    Ok((ReluGradProof { values, zerocheck }, c))
}

/// Verifies a ReLU-derivative proof over tensors of 2^`vars` entries; returns the claims.
pub fn verify_relu_grad<F: FieldOps, S: SpongeOps<F>>(
    vars: usize,
    proof: &ReluGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let r = start(vars, t)?;
    t.absorb(labels::RELU_GRAD_VALUES, &proof.values)?;
    let gamma = t.challenge(labels::RELU_GRAD_POINT)?;
    let out = verify_zerocheck(vars, &Relations(gamma), &proof.zerocheck, t)?;
    claims(r, &proof.values, &out.point, &out.evals)
}
