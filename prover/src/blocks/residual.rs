//! Residual sum: Y = A + B elementwise — a skip connection adding an earlier tensor B to the
//! previous layer's output A — optionally through a ReLU.
//!
//! Relation, for A, B and the output of one length N (a power of two):
//!   A + B = Y (no activation, or the pre-activation of a table activation), or
//!   A + B = Pos − Neg with Pos ⊙ Neg = 0 (ReLU).
//! Order: the statement (log N, ReLU flag) is absorbed; then the point ρ is drawn; the prover
//! states Ã(ρ), B̃(ρ) and, with a ReLU, Pos̃(ρ); these are absorbed before the zerocheck's
//! challenges. The verifier *derives* the output claim Ỹ(ρ) = Ã(ρ) + B̃(ρ) (or
//! Ñeg(ρ) = Pos̃(ρ) − Ã(ρ) − B̃(ρ)) instead of reading it, so the relation cannot be stated
//! falsely: every value becomes a claim on a committed (or public) tensor, which the one
//! opening checks.
//!
//! Soundness: A, B, Pos, Neg (or Y) are committed before ρ is drawn. If A + B ≠ Y as tables,
//! their multilinear extensions differ and agree at ρ with probability ≤ log N/|Fr|, so some
//! claim is false and the opening refutes it. With the caller's range checks (A and B each
//! range-checked where they were produced — signed b-bit, or [0, 2^b) for ReLU parts and
//! pools after a ReLU — so |A + B| < 2^(b+1); Pos, Neg in [0, 2^b), or Y signed b-bit), the
//! identity holds over the integers (far below the field's size) and Pos = max(A + B, 0)
//! exactly.

use super::{TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::evaluate_dense;
use crate::sumcheck::{InstanceOutput, Product, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// The public shape: the tensors' length and whether a ReLU follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidualShape {
    /// Entries of A, B and the output (a power of two).
    pub len: usize,
    /// Whether the sum goes through a ReLU (Pos/Neg split).
    pub relu: bool,
}

/// A residual-sum proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidualProof<F> {
    /// Ã(ρ), B̃(ρ), then Pos̃(ρ) with a ReLU.
    pub values: Vec<F>,
    /// Pos ⊙ Neg = 0 (ReLU only).
    pub zerocheck: Option<SumcheckProof<F>>,
}

/// The claims a residual sum leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResidualClaims<F> {
    /// On A, the previous layer's output.
    pub main: TensorClaim<F>,
    /// On B, the skipped-over tensor.
    pub skip: TensorClaim<F>,
    /// On the outputs at ρ: [Y] or [Pos, Neg]; with a ReLU then [Pos, Neg] at the zerocheck
    /// point (the dense block's order).
    pub outputs: Vec<TensorClaim<F>>,
}

impl ResidualShape {
    fn value_count(&self) -> usize {
        2 + usize::from(self.relu)
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        ensure(
            self.len.is_power_of_two(),
            "residual sum",
            "the tensors' length must be a power of two",
        )?;
        let vars = log2(self.len);
        t.absorb_usizes(labels::RESIDUAL_STATEMENT, &[vars, usize::from(self.relu)])?;
        Ok(t.challenges(labels::RESIDUAL_POINT, vars)?)
    }

    fn claims<F: FieldOps>(
        &self,
        rho: &[F],
        values: &[F],
        zc: Option<&InstanceOutput<F>>,
    ) -> Result<ResidualClaims<F>, Error> {
        let claim = |point: &[F], value: F| TensorClaim {
            point: point.to_vec(),
            value,
        };
        let (a, b, pos) = match (self.relu, values) {
            (false, [a, b]) => (a, b, None),
            (true, [a, b, p]) => (a, b, Some(p)),
            _ => {
                return Err(Error::ProofShape {
                    what: "residual-sum values",
                    expected: self.value_count(),
                    actual: values.len(),
                });
            }
        };
        let sum = a.add(b);
        let mut outputs = match pos {
            None => vec![claim(rho, sum)],
            Some(p) => vec![claim(rho, p.clone()), claim(rho, p.sub(&sum))],
        };
        match (self.relu, zc) {
            (true, Some(z)) => {
                let [p, q] = z.evals.as_slice() else {
                    return Err(Error::ProofShape {
                        what: "residual ReLU zerocheck evaluations",
                        expected: 2,
                        actual: z.evals.len(),
                    });
                };
                outputs.push(claim(&z.point, p.clone()));
                outputs.push(claim(&z.point, q.clone()));
            }
            (false, None) => {}
            (relu, zc) => {
                return Err(Error::ProofShape {
                    what: "residual ReLU zerocheck",
                    expected: usize::from(relu),
                    actual: usize::from(zc.is_some()),
                });
            }
        }
        Ok(ResidualClaims {
            main: claim(rho, a.clone()),
            skip: claim(rho, b.clone()),
            outputs,
        })
    }
}

/// The witness: A, B, and the outputs [Y] or [Pos, Neg], each of the shape's length.
pub struct ResidualWitness<'a> {
    /// The previous layer's output.
    pub main: &'a [Fr],
    /// The skipped-over tensor.
    pub skip: &'a [Fr],
    /// [Y] or [Pos, Neg].
    pub outputs: Vec<&'a [Fr]>,
}

/// Proves a residual sum.
pub fn prove_residual(
    shape: ResidualShape,
    w: &ResidualWitness<'_>,
    t: &mut NativeTranscript,
) -> Result<(ResidualProof<Fr>, ResidualClaims<Fr>), Error> {
    let n = shape.len;
    crate::error::ensure_lens(&[
        ("residual sum: previous output", n, w.main.len()),
        ("residual sum: skipped tensor", n, w.skip.len()),
        (
            "residual sum: outputs",
            1 + usize::from(shape.relu),
            w.outputs.len(),
        ),
    ])?;
    for o in &w.outputs {
        crate::error::ensure_lens(&[("residual sum: output", n, o.len())])?;
    }
    let rho = shape.start(t)?;
    let mut values = vec![evaluate_dense(w.main, &rho)?, evaluate_dense(w.skip, &rho)?];
    if shape.relu {
        let pos = w.outputs.first().ok_or(Error::Internal {
            what: "a ReLU residual sum has Pos and Neg",
        })?;
        values.push(evaluate_dense(pos, &rho)?);
    }
    t.absorb(labels::RESIDUAL_VALUES, &values)?;
    let zc = if shape.relu {
        let tables = w.outputs.iter().map(|o| o.to_vec()).collect();
        Some(prove_zerocheck(tables, Product(2), t)?)
    } else {
        None
    };
    let claims = shape.claims(&rho, &values, zc.as_ref().map(|z| &z.1))?;
    Ok((
        ResidualProof {
            values,
            zerocheck: zc.map(|z| z.0),
        },
        claims,
    ))
}

/// Verifies a residual sum and returns its claims.
pub fn verify_residual<F: FieldOps, S: SpongeOps<F>>(
    shape: ResidualShape,
    proof: &ResidualProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<ResidualClaims<F>, Error> {
    let rho = shape.start(t)?;
    if proof.values.len() != shape.value_count() {
        return Err(Error::ProofShape {
            what: "residual-sum values",
            expected: shape.value_count(),
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::RESIDUAL_VALUES, &proof.values)?;
    let zc = match (shape.relu, &proof.zerocheck) {
        (true, Some(z)) => Some(verify_zerocheck(rho.len(), &Product(2), z, t)?),
        (false, None) => None,
        (relu, z) => {
            return Err(Error::ProofShape {
                what: "residual ReLU zerocheck",
                expected: usize::from(relu),
                actual: usize::from(z.is_some()),
            });
        }
    };
    shape.claims(&rho, &proof.values, zc.as_ref())
}
