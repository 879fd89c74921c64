//! Committed labels are one-hot rows on the real classes: for Y with `rows` rows of `c`
//! columns (first `classes` real), every row has exactly one 1, on a real class.
//!
//! With Y Boolean (the caller range-checks Y ∈ [0, 2), e.g. as y and y + 2^s − 2 in the 2^s
//! table), it suffices that every row sums to 1 over all columns and to 1 over the real ones.
//! At a random row point r (both sums are multilinear in the row):
//! - Ỹ(½, …, ½, r) = 1/c, a claim on Y the opening discharges;
//! - Σ_j mask(j)·Ỹ(j, r) = 1 by a sumcheck over the column variables, leaving Ỹ(ρ, r) and
//!   mask(ρ), which the verifier evaluates itself.
//!
//! A row summing to anything else breaks the first identity except with probability
//! ≤ log(rows)/|Fr| over r; likewise for the real-class sums.

use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::{eq_table, evaluate_generic};
use crate::sumcheck::{Product, ProverInstance, SumcheckProof, VerifierInstance, prove, verify};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OneHotShape {
    /// Rows (a power of two).
    pub rows: usize,
    /// Padded columns (a power of two ≥ 2).
    pub c: usize,
    /// Real classes (1..=c).
    pub classes: usize,
}

impl OneHotShape {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        let ok = self.rows.is_power_of_two()
            && self.c.is_power_of_two()
            && self.c >= 2
            && (1..=self.c).contains(&self.classes)
            && self.rows <= 1 << 30;
        ensure(
            ok,
            "one-hot labels",
            "rows and columns must be powers of two (rows at most 2^30), with at least two \
             columns and classes between 1 and the columns",
        )?;
        t.absorb_usizes(
            labels::ONE_HOT_STATEMENT,
            &[log2(self.rows), log2(self.c), self.classes],
        )?;
        Ok(t.challenges(labels::ONE_HOT_POINT, log2(self.rows))?)
    }

    fn mask<F: FieldOps>(&self) -> Vec<F> {
        (0..self.c)
            .map(|j| {
                if j < self.classes {
                    F::one()
                } else {
                    F::zero()
                }
            })
            .collect()
    }

    fn claims<F: FieldOps>(
        &self,
        r: &[F],
        point: &[F],
        evals: &[F],
    ) -> Result<NamedClaims<F>, Error> {
        let [mask, y] = evals else {
            return Err(Error::ProofShape {
                what: "one-hot evaluations",
                expected: 2,
                actual: evals.len(),
            });
        };
        if !mask.enforce_equal(&evaluate_generic(&self.mask(), point))? {
            return Err(Error::SuccinctEvaluation {
                what: "real-class mask",
            });
        }
        let inv_c = Fr::from(self.c as u64)
            .inverse()
            .ok_or(Error::ZeroParameter {
                what: "one-hot columns",
            })?;
        let half = Fr::from(2u64).inverse().ok_or(Error::Internal {
            what: "2 is invertible in the scalar field",
        })?;
        let halves: Vec<F> = (0..log2(self.c)).map(|_| F::constant(half)).collect();
        Ok(vec![
            (
                "labels",
                TensorClaim {
                    point: halves.into_iter().chain(r.iter().cloned()).collect(),
                    value: F::constant(inv_c),
                },
            ),
            (
                "labels",
                TensorClaim {
                    point: point.iter().chain(r).cloned().collect(),
                    value: y.clone(),
                },
            ),
        ])
    }
}

/// Proves that the labels (rows × c, columns lowest) are one-hot on real classes, given that
/// the caller range-checks them Boolean; returns the sumcheck and the claims on the labels.
pub fn prove_one_hot(
    shape: OneHotShape,
    labels: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(SumcheckProof<Fr>, NamedClaims<Fr>), Error> {
    let r = shape.start(t)?;
    if labels.len() != shape.rows * shape.c {
        return Err(Error::StatementShape {
            what: "one-hot labels (rows × columns)",
            expected: shape.rows * shape.c,
            actual: labels.len(),
        });
    }
    let eq = eq_table(&r);
    let folded: Vec<Fr> = (0..shape.c)
        .map(|j| {
            (0..shape.rows)
                .map(|i| eq[i] * labels[i * shape.c + j])
                .sum()
        })
        .collect();
    let mut inst = ProverInstance::new(vec![shape.mask(), folded], Product(2))?;
    let (proof, out) = prove(&mut inst, Fr::ONE, t)?;
    let claims = shape.claims(&r, &out.point, &out.evals)?;
    Ok((proof, claims))
}

/// Verifies the one-hot check; returns the claims on the labels.
pub fn verify_one_hot<F: FieldOps, S: SpongeOps<F>>(
    shape: OneHotShape,
    proof: &SumcheckProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let r = shape.start(t)?;
    let out = verify(
        VerifierInstance {
            num_vars: log2(shape.c),
            composition: &Product(2),
            claim: F::one(),
        },
        proof,
        t,
    )?;
    shape.claims(&r, &out.point, &out.evals)
}
