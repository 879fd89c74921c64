//! MatMul: Y = X·W for X (m×k), W (k×n), Y (m×n), row-major, every dimension a power of two.
//!
//! The verifier draws a point (r_col, r_row) for Y; the prover states y = Ỹ(r_col, r_row) and
//! proves y = Σ_κ X̃(κ, r_row)·W̃(r_col, κ) by a degree-2 sumcheck over κ, ending at r_κ with
//! claims on X̃(r_κ, r_row) and W̃(r_col, r_κ). (The last dimension owns the low variables, so
//! a point on Y lists column coordinates first.) If Y ≠ X·W, the MLEs of the two sides differ
//! and agree at a random point with probability ≤ (log m + log n)/|Fr|.

use super::TensorClaim;
use crate::error::Error;
use crate::field::FieldOps;
use crate::poly::{eq_table, evaluate_dense};
use crate::sumcheck::{Product, ProverInstance, SumcheckProof, VerifierInstance, prove, verify};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use rayon::prelude::*;

/// Dimensions of a MatMul, each a power of two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatMulDims {
    /// Rows of X and Y.
    pub m: usize,
    /// Columns of X, rows of W.
    pub k: usize,
    /// Columns of W and Y.
    pub n: usize,
}

impl MatMulDims {
    pub(crate) fn logs(&self) -> Result<[usize; 3], Error> {
        let l = |d: usize, what: &'static str| {
            if !d.is_power_of_two() {
                Err(Error::NotPowerOfTwo { what, value: d })
            } else if d > 1 << 24 {
                Err(Error::TooLarge {
                    what,
                    value: d,
                    max: 1 << 24,
                })
            } else {
                Ok(d.trailing_zeros() as usize)
            }
        };
        Ok([
            l(self.m, "MatMul dimension m")?,
            l(self.k, "MatMul dimension k")?,
            l(self.n, "MatMul dimension n")?,
        ])
    }
}

/// A MatMul proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatMulProof<F> {
    /// Ỹ at the verifier's point.
    pub y_value: F,
    /// The sumcheck over the inner dimension.
    pub sumcheck: SumcheckProof<F>,
}

/// The claims a MatMul leaves on its three tensors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatMulClaims<F> {
    /// On X (m×k).
    pub x: TensorClaim<F>,
    /// On W (k×n).
    pub w: TensorClaim<F>,
    /// On Y (m×n).
    pub y: TensorClaim<F>,
}

fn statement<F: FieldOps, S: SpongeOps<F>>(
    dims: &MatMulDims,
    t: &mut Transcript<F, S>,
) -> Result<(Vec<F>, Vec<F>, usize), Error> {
    let [lm, lk, ln] = dims.logs()?;
    t.absorb_usizes(labels::MATMUL_STATEMENT, &[lm, lk, ln])?;
    let r_col = t.challenges(labels::MATMUL_POINT, ln)?;
    let r_row = t.challenges(labels::MATMUL_POINT, lm)?;
    Ok((r_col, r_row, lk))
}

/// Proves Y = X·W.
pub fn prove_matmul(
    dims: MatMulDims,
    x: &[Fr],
    w: &[Fr],
    y: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(MatMulProof<Fr>, MatMulClaims<Fr>), Error> {
    let (m, k, n) = (dims.m, dims.k, dims.n);
    for (what, expected, actual) in [
        ("MatMul X (m × k)", m * k, x.len()),
        ("MatMul W (k × n)", k * n, w.len()),
        ("MatMul Y (m × n)", m * n, y.len()),
    ] {
        if expected != actual {
            return Err(Error::StatementShape {
                what,
                expected,
                actual,
            });
        }
    }
    let (r_col, r_row, _) = statement(&dims, transcript)?;
    let mut y_point = r_col.clone();
    y_point.extend_from_slice(&r_row);
    let y_value = evaluate_dense(y, &y_point)?;
    transcript.absorb(labels::MATMUL_OUTPUT, &[y_value])?;

    let (a, b) = fold_operands(dims, x, w, &r_col, &r_row);
    let mut inst = ProverInstance::new(vec![a, b], Product(2))?;
    let (sumcheck, out) = prove(&mut inst, y_value, transcript)?;
    let claims = claims(r_col, r_row, y_value, out.point, &out.evals)?;
    Ok((MatMulProof { y_value, sumcheck }, claims))
}

/// The sumcheck operands for Y at (r_col, r_row): A(κ) = X̃(κ, r_row) (rows folded) and
/// B(κ) = W̃(r_col, κ) (columns folded), so that Ỹ(r_col, r_row) = Σ_κ A(κ)·B(κ).
pub(crate) fn fold_operands(
    dims: MatMulDims,
    x: &[Fr],
    w: &[Fr],
    r_col: &[Fr],
    r_row: &[Fr],
) -> (Vec<Fr>, Vec<Fr>) {
    let (m, k, n) = (dims.m, dims.k, dims.n);
    let (eq_row, eq_col) = (eq_table(r_row), eq_table(r_col));
    let a: Vec<Fr> = (0..k)
        .into_par_iter()
        .map(|kk| (0..m).map(|i| eq_row[i] * x[i * k + kk]).sum())
        .collect();
    let b: Vec<Fr> = w
        .par_chunks(n)
        .map(|row| row.iter().zip(&eq_col).map(|(v, e)| *v * e).sum())
        .collect();
    (a, b)
}

/// Verifies a MatMul proof and returns the claims on X, W and Y.
pub fn verify_matmul<F: FieldOps, S: SpongeOps<F>>(
    dims: MatMulDims,
    proof: &MatMulProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<MatMulClaims<F>, Error> {
    let (r_col, r_row, lk) = statement(&dims, transcript)?;
    transcript.absorb(labels::MATMUL_OUTPUT, std::slice::from_ref(&proof.y_value))?;
    let out = verify(
        VerifierInstance {
            num_vars: lk,
            composition: &Product(2),
            claim: proof.y_value.clone(),
        },
        &proof.sumcheck,
        transcript,
    )?;
    claims(r_col, r_row, proof.y_value.clone(), out.point, &out.evals)
}

fn claims<F: FieldOps>(
    r_col: Vec<F>,
    r_row: Vec<F>,
    y_value: F,
    r_k: Vec<F>,
    evals: &[F],
) -> Result<MatMulClaims<F>, Error> {
    let [xv, wv] = evals else {
        return Err(Error::ProofShape {
            what: "MatMul evaluations",
            expected: 2,
            actual: evals.len(),
        });
    };
    let mut x_point = r_k.clone();
    x_point.extend_from_slice(&r_row);
    let mut w_point = r_col.clone();
    w_point.extend(r_k);
    let mut y_point = r_col;
    y_point.extend(r_row);
    Ok(MatMulClaims {
        x: TensorClaim {
            point: x_point,
            value: xv.clone(),
        },
        w: TensorClaim {
            point: w_point,
            value: wv.clone(),
        },
        y: TensorClaim {
            point: y_point,
            value: y_value,
        },
    })
}

/// Y = X·W on field elements (for tests, fixtures and the honest prover's witness).
pub fn matmul(dims: MatMulDims, x: &[Fr], w: &[Fr]) -> Vec<Fr> {
    let (m, k, n) = (dims.m, dims.k, dims.n);
    let mut y = vec![Fr::ZERO; m * n];
    y.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        for kk in 0..k {
            let a = x[i * k + kk];
            for (out, wv) in row.iter_mut().zip(&w[kk * n..(kk + 1) * n]) {
                *out += a * wv;
            }
        }
    });
    y
}
