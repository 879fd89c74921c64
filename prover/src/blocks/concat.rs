//! Concatenation along the width: Y = [A | B] row by row — the columns (channels of a
//! channel-last image, or features) of A, then those of B — as ONNX `Concat` on the channel or
//! feature axis.
//!
//! A has `width[0]` columns of which the first `real[0]` are real (the rest padding, never
//! read), B likewise; Y has `out ≥ real[0] + real[1]` columns, zero beyond the real ones; all
//! three have the same rows (examples × positions). With column variables low (DESIGN §5),
//! for any (ρ_c, ρ_r)
//!   Ỹ(ρ_c, ρ_r) = Σ_{c < real[0]} eq(ρ_c, c)·Ã(c, ρ_r) + Σ_{c < real[1]} eq(ρ_c, real[0] + c)·B̃(c, ρ_r),
//! which the prover shows by a degree-2 sumcheck over the columns c (2^v of them, v the larger
//! operand's column variables, at least 1) of w_A(c)·A_ρ(c) + w_B(c)·B_ρ(c): the selectors
//! w_A(c) = [c < real[0]]·eq(ρ_c, c) and w_B(c) = [c < real[1]]·eq(ρ_c, real[0] + c) are
//! public and the verifier evaluates them itself at the final point σ in O(out) operations;
//! A_ρ(c) = Ã(c mod width[0], ρ_r) repeats A's columns over the 2^v (its multilinear
//! extension at σ is Ã(σ_low, ρ_r), so the final value is a claim on A).
//!
//! Order: the statement (row variables, column counts, real widths) is absorbed; the point
//! ρ = (ρ_c, ρ_r) is drawn; the prover states v = Ỹ(ρ), which the sumcheck's statement
//! absorbs before its first challenge; the final evaluations (selectors, A_ρ(σ), B_ρ(σ)) are
//! absorbed by the sumcheck before the caller continues.
//!
//! Soundness: Y, A and B are committed before ρ is drawn. If Y ≠ [A | B] as tables (padding
//! included: Y's columns past the real ones must be zero), the two sides above are distinct
//! multilinear polynomials and agree at ρ with probability ≤ (log out + log rows)/|Fr|; then
//! either v ≠ Ỹ(ρ) (a false claim the opening refutes) or the sumcheck's claim is false, which
//! survives with probability ≤ 2v/|Fr| unless a final claim on A or B is false. The output is
//! not range-checked: its entries are entries of A and B (or zero), each range-checked where
//! it was produced.

use super::{TensorClaim, log2};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::FieldOps;
use crate::poly::{eq_table, eq_table_generic, evaluate_dense};
use crate::sumcheck::{
    InstanceOutput, ProverInstance, SumOfProducts, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConcatShape {
    /// Rows of A, B and Y (a power of two).
    pub rows: usize,
    /// Real columns of A and of B (in concatenation order).
    pub real: [usize; 2],
    /// Columns of A and of B as laid out (powers of two, at least the real ones).
    pub width: [usize; 2],
    /// Columns of Y (a power of two, at least real[0] + real[1]).
    pub out: usize,
}

/// A concatenation proof: Ỹ(ρ), then the sumcheck over the columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcatProof<F> {
    /// The stated Ỹ(ρ).
    pub value: F,
    /// Σ_c w_A(c)·A_ρ(c) + w_B(c)·B_ρ(c) = v; final evaluations [w_A, A_ρ, w_B, B_ρ] at σ.
    pub sumcheck: SumcheckProof<F>,
}

/// The claims a concatenation leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcatClaims<F> {
    /// On Y at ρ.
    pub output: TensorClaim<F>,
    /// On A and on B (concatenation order).
    pub operands: [TensorClaim<F>; 2],
}

impl ConcatShape {
    /// Column variables of the sumcheck: the larger operand's, at least one.
    fn sum_vars(&self) -> usize {
        log2(self.width[0].max(self.width[1]).max(2))
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        let pow2 = [self.rows, self.width[0], self.width[1], self.out]
            .iter()
            .all(|x| x.is_power_of_two());
        ensure(
            pow2 && self.real[0] <= self.width[0]
                && self.real[1] <= self.width[1]
                && self.real[0]
                    .checked_add(self.real[1])
                    .is_some_and(|s| s <= self.out),
            "concatenation",
            "rows and column counts must be powers of two holding the real columns",
        )?;
        t.absorb_usizes(
            labels::CONCAT_STATEMENT,
            &[
                log2(self.rows),
                log2(self.out),
                self.real[0],
                log2(self.width[0]),
                self.real[1],
                log2(self.width[1]),
            ],
        )?;
        Ok(t.challenges(labels::CONCAT_POINT, log2(self.out) + log2(self.rows))?)
    }

    /// The selectors' values at the sumcheck's final point σ: [w̃_A(σ), w̃_B(σ)].
    fn selectors<F: FieldOps>(&self, rho_c: &[F], sigma: &[F]) -> [F; 2] {
        let (eo, es) = (eq_table_generic(rho_c), eq_table_generic(sigma));
        let select = |offset: usize, real: usize| {
            (0..real).fold(F::zero(), |acc, c| match (eo.get(offset + c), es.get(c)) {
                (Some(a), Some(b)) => acc.add(&a.mul(b)),
                _ => acc,
            })
        };
        [select(0, self.real[0]), select(self.real[0], self.real[1])]
    }

    fn claims<F: FieldOps>(
        &self,
        rho: &[F],
        value: F,
        out: &InstanceOutput<F>,
    ) -> Result<ConcatClaims<F>, Error> {
        let [wa, a, wb, b] = out.evals.as_slice() else {
            return Err(Error::ProofShape {
                what: "concatenation evaluations",
                expected: 4,
                actual: out.evals.len(),
            });
        };
        let (rho_c, rho_r) = rho.split_at(log2(self.out).min(rho.len()));
        let [sa, sb] = self.selectors(rho_c, &out.point);
        if !wa.enforce_equal(&sa)? || !wb.enforce_equal(&sb)? {
            return Err(Error::SuccinctEvaluation {
                what: "concatenation column selectors w̃_A(σ), w̃_B(σ)",
            });
        }
        let operand = |width: usize, value: &F| -> Result<TensorClaim<F>, Error> {
            let low = out.point.get(..log2(width)).ok_or(Error::ProofShape {
                what: "concatenation final point",
                expected: log2(width),
                actual: out.point.len(),
            })?;
            Ok(TensorClaim {
                point: super::concat(&[low, rho_r]),
                value: value.clone(),
            })
        };
        Ok(ConcatClaims {
            output: TensorClaim {
                point: rho.to_vec(),
                value,
            },
            operands: [operand(self.width[0], a)?, operand(self.width[1], b)?],
        })
    }
}

fn composition() -> Result<SumOfProducts, Error> {
    SumOfProducts::new(4, vec![(Fr::ONE, vec![0, 1]), (Fr::ONE, vec![2, 3])])
}

/// Proves Y = [A | B] (`operands` in concatenation order).
pub fn prove_concat(
    shape: ConcatShape,
    operands: [&[Fr]; 2],
    output: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(ConcatProof<Fr>, ConcatClaims<Fr>), Error> {
    let rho = shape.start(t)?;
    let [a, b] = operands;
    ensure_lens(&[
        (
            "concatenation: first operand",
            shape.rows * shape.width[0],
            a.len(),
        ),
        (
            "concatenation: second operand",
            shape.rows * shape.width[1],
            b.len(),
        ),
        (
            "concatenation: output",
            shape.rows * shape.out,
            output.len(),
        ),
    ])?;
    let (rho_c, rho_r) = rho.split_at(log2(shape.out));
    let value = evaluate_dense(output, &rho)?;
    let er = eq_table(rho_r);
    let cols = 1usize << shape.sum_vars();
    // A_ρ(c) = Ã(c mod width, ρ_r): each row's columns weighted by eq(ρ_r, row), repeated.
    let fold = |x: &[Fr], width: usize| -> Vec<Fr> {
        let mut acc = vec![Fr::ZERO; width];
        for (row, w) in x.chunks(width).zip(&er) {
            for (s, v) in acc.iter_mut().zip(row) {
                *s += *w * v;
            }
        }
        (0..cols).map(|c| acc[c % width]).collect()
    };
    let eo = eq_table(rho_c);
    let selector = |offset: usize, real: usize| -> Vec<Fr> {
        (0..cols)
            .map(|c| if c < real { eo[offset + c] } else { Fr::ZERO })
            .collect()
    };
    let tables = vec![
        selector(0, shape.real[0]),
        fold(a, shape.width[0]),
        selector(shape.real[0], shape.real[1]),
        fold(b, shape.width[1]),
    ];
    let mut inst = ProverInstance::new(tables, composition()?)?;
    let (sumcheck, out) = prove(&mut inst, value, t)?;
    let claims = shape.claims(&rho, value, &out)?;
    Ok((ConcatProof { value, sumcheck }, claims))
}

/// Verifies a concatenation and returns its claims.
pub fn verify_concat<F: FieldOps, S: SpongeOps<F>>(
    shape: ConcatShape,
    proof: &ConcatProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<ConcatClaims<F>, Error> {
    let rho = shape.start(t)?;
    let composition = composition()?;
    let out = verify(
        VerifierInstance {
            num_vars: shape.sum_vars(),
            composition: &composition,
            claim: proof.value.clone(),
        },
        &proof.sumcheck,
        t,
    )?;
    shape.claims(&rho, proof.value.clone(), &out)
}
