//! The loss gradient at the logits, for `rows` rows of `c` columns of which the first
//! `classes` are real: G = [j < classes]·(X − 2^s·Y), with X the softmax probabilities
//! (cross-entropy) or the logits (mean squared error) and Y the one-hot labels. Padded classes
//! get gradient 0, so padded weights never move.
//!
//! One zerocheck of G − mask·(X − 2^s·Y) over [G, X, Y, mask]; the mask is public and depends
//! on the column variables only, so the verifier evaluates it itself in O(c). G is bounded by
//! the identity once X and Y are (the caller range-checks them).

use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::sumcheck::{Composition, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Tensor names, in witness and claim order.
pub const TENSORS: [&str; 3] = ["gradient", "prediction", "labels"];

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LossGradShape {
    /// Rows (a power of two; may stack iterations).
    pub rows: usize,
    /// Padded columns (a power of two).
    pub c: usize,
    /// Real classes (≤ c).
    pub classes: usize,
    /// Scale exponent s.
    pub scale: u32,
}

/// G − mask·(X − 2^s·Y) over [G, X, Y, mask].
struct Relation(Fr);

impl<F: FieldOps> Composition<F> for Relation {
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        4
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [g, x, y, mask] = v else {
            return F::zero();
        };
        g.sub(&mask.mul(&x.sub(&y.mul_const(self.0))))
    }
}

impl LossGradShape {
    fn start<F: FieldOps, S: SpongeOps<F>>(&self, t: &mut Transcript<F, S>) -> Result<(), Error> {
        let ok = self.rows.is_power_of_two()
            && self.c.is_power_of_two()
            && (1..=self.c).contains(&self.classes)
            && (1..=30).contains(&self.scale)
            && self.rows <= 1 << 24;
        ensure(
            ok,
            "loss gradient",
            "rows and columns must be powers of two (rows at most 2^24), classes between 1 and \
             the columns, and the scale between 1 and 30",
        )?;
        t.absorb_usizes(
            labels::LOSS_GRAD_STATEMENT,
            &[
                log2(self.rows),
                log2(self.c),
                self.classes,
                self.scale as usize,
            ],
        )?;
        Ok(())
    }

    fn relation(&self) -> Relation {
        Relation(Fr::from(1u64 << self.scale))
    }

    fn vars(&self) -> usize {
        log2(self.rows) + log2(self.c)
    }

    /// The mask's MLE at the column part of a point.
    fn mask<F: FieldOps>(&self, point: &[F]) -> F {
        super::prefix_mask(
            self.c,
            self.classes,
            point.get(..log2(self.c)).unwrap_or(&[]),
        )
    }

    fn claims<F: FieldOps>(&self, point: &[F], evals: &[F]) -> Result<NamedClaims<F>, Error> {
        let [g, x, y, mask] = evals else {
            return Err(Error::ProofShape {
                what: "loss gradient evaluations",
                expected: 4,
                actual: evals.len(),
            });
        };
        if !mask.enforce_equal(&self.mask(point))? {
            return Err(Error::SuccinctEvaluation {
                what: "real-class mask",
            });
        }
        Ok(TENSORS
            .into_iter()
            .zip([g, x, y])
            .map(|(name, value)| {
                (
                    name,
                    TensorClaim {
                        point: point.to_vec(),
                        value: value.clone(),
                    },
                )
            })
            .collect())
    }
}

/// Proves G = mask·(X − 2^s·Y); `tensors` in [`TENSORS`] order, rows × c each.
pub fn prove_loss_grad(
    shape: LossGradShape,
    tensors: [&[Fr]; 3],
    t: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, NamedClaims<Fr>), Error> {
    shape.start(t)?;
    let len = shape.rows * shape.c;
    if let Some(v) = tensors.iter().find(|v| v.len() != len) {
        return Err(Error::StatementShape {
            what: "loss gradient tensor (rows × columns)",
            expected: len,
            actual: v.len(),
        });
    }
    let mask: Vec<Fr> = (0..len)
        .map(|i| Fr::from(u64::from(i % shape.c < shape.classes)))
        .collect();
    let mut tables: Vec<Vec<Fr>> = tensors.iter().map(|v| v.to_vec()).collect();
    tables.push(mask);
    let (proof, out) = prove_zerocheck(tables, shape.relation(), t)?;
    let claims = shape.claims(&out.point, &out.evals)?;
    Ok((proof, claims))
}

/// Verifies the loss gradient; returns the claims on G, X and Y.
pub fn verify_loss_grad<F: FieldOps, S: SpongeOps<F>>(
    shape: LossGradShape,
    proof: &SumcheckProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    shape.start(t)?;
    let out = verify_zerocheck(shape.vars(), &shape.relation(), proof, t)?;
    shape.claims(&out.point, &out.evals)
}
