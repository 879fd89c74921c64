//! Dense layer with rescaling and optional ReLU, on a batch (the leading instance axis).
//!
//! Relation, for A (m×k), W (k×n), bias B (n), scale 2^s:
//!   A·W + 2^s·M·Bᵀ = 2^s·Y + R,   Y = Pos − Neg (ReLU layers) or Y = L (logits),
//!   Pos ⊙ Neg = 0 (ReLU layers),
//! where M (m) is 1 on every row, except for the dense part of a convolution whose output map
//! has padded layout positions: there M is the public [`RowMask`] (0 on padded positions), so
//! those rows output exactly 0 and nothing the layout pads reaches a gradient, a pool's
//! comparison or a sum over positions. The verifier evaluates M̃(r_row) itself in O(log m).
//! The product P = A·W is never committed. The verifier draws a point r = (r_col, r_row) on
//! the output; the prover states Pos̃(r), Ñeg(r) (or L̃(r)), R̃(r) and B̃(r_col); a degree-2
//! sumcheck over the inner dimension proves
//!   Σ_κ Ã(κ, r_row)·W̃(r_col, κ) = 2^s·Ỹ(r) + R̃(r) − 2^s·M̃(r_row)·B̃(r_col),
//! and a zerocheck proves Pos ⊙ Neg = 0. Every stated value becomes a claim for the caller's
//! accumulator. (With M = 1, Σ_i eq(r_row, i) = 1 and the broadcast bias contributes B̃(r_col).)
//! The mask is part of the statement: absorbed (label `dense/rowmask`) before the point is
//! drawn, and only when present, so unpadded layers keep their transcript.
//!
//! Soundness: together with the range checks the caller runs (R ∈ [0, 2^s), Pos and Neg in
//! [0, 2^b), L, W, B and the input signed b-bit), the identity holds over the integers (no
//! value wraps around Fr), so Y = ⌊P / 2^s⌋ and max(Y, 0) = Pos exactly. A false relation
//! survives with probability ≤ (log m + log n + log k·2 + 3·log mn)/|Fr|.

use super::matmul::{MatMulDims, fold_operands};
use super::{TensorClaim, concat, log2};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::eq::less_than_eval;
use crate::poly::evaluate_dense;
use crate::sumcheck::{
    InstanceOutput, Product, ProverInstance, SumcheckProof, VerifierInstance, prove,
    prove_zerocheck, verify, verify_zerocheck,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// The public shape of a dense layer on a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DenseShape {
    /// Batch rows m, input width k, output width n (powers of two).
    pub dims: MatMulDims,
    /// The scale exponent s.
    pub scale: u32,
    /// Whether the output goes through a ReLU (Pos/Neg split) or is the logits.
    pub relu: bool,
    /// The real rows of a convolution's padded output layout (`None`: every row is real).
    pub row_mask: Option<RowMask>,
}

/// The real rows of a convolution's output when its layout pads the map: per example the
/// position (y, x) sits at row y·padded_width + x of a padded_height × padded_width grid, and
/// the rows with y ≥ height or x ≥ width are layout padding, where the bias is not added (their
/// im2col rows are 0, so the relation's output there is exactly 0 — before any table
/// activation, which inference alone allows and whose value there nothing reads). Part of the
/// architecture id (`:rowmask` on the convolution's description).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowMask {
    /// Real output height.
    pub height: usize,
    /// Real output width.
    pub width: usize,
    /// The layout's height (a power of two).
    pub padded_height: usize,
    /// The layout's width, the row stride (a power of two).
    pub padded_width: usize,
}

impl RowMask {
    /// The mask of a convolution's output; `None` when its layout pads nothing (power-of-two
    /// sides), so those statements are unchanged.
    pub fn of(g: &ConvGeometry) -> Option<Self> {
        let mask = RowMask {
            height: g.out_h,
            width: g.out_w,
            padded_height: g.out_h.next_power_of_two(),
            padded_width: g.out_wp(),
        };
        (mask.height < mask.padded_height || mask.width < mask.padded_width).then_some(mask)
    }

    /// Positions per example in the layout.
    fn positions(&self) -> usize {
        self.padded_height.saturating_mul(self.padded_width)
    }

    /// Whether layout row `row` (of any example) is a real output position.
    pub fn real(&self, row: usize) -> bool {
        let p = row % self.positions().max(1);
        p / self.padded_width.max(1) < self.height && p % self.padded_width.max(1) < self.width
    }

    /// Checks the mask against `rows` rows and absorbs it with the block's statement. It is
    /// public and bound by the architecture id too, so it may follow a point the caller drew
    /// (training's forward blocks run at the range lookup's point).
    pub(crate) fn absorb<F: FieldOps, S: SpongeOps<F>>(
        &self,
        rows: usize,
        t: &mut Transcript<F, S>,
    ) -> Result<(), Error> {
        let (h, w) = (self.padded_height, self.padded_width);
        ensure(
            h.is_power_of_two()
                && w.is_power_of_two()
                && (1..=h).contains(&self.height)
                && (1..=w).contains(&self.width)
                && rows.is_multiple_of(self.positions())
                && self.positions() <= rows,
            "dense row mask",
            "the real output sides must be 1 … the layout's power-of-two sides, whose grid \
             divides the rows",
        )?;
        t.absorb_usizes(
            labels::DENSE_ROW_MASK,
            &[self.height, self.width, log2(h), log2(w)],
        )?;
        Ok(())
    }

    /// M̃(r_row) = (Σ_{x < width} eq(r_x, x))·(Σ_{y < height} eq(r_y, y)), r_x the lowest
    /// log₂ padded_width variables of the row point and r_y the next log₂ padded_height (the
    /// example variables above sum eq to 1).
    pub(crate) fn eval<F: FieldOps>(&self, r_row: &[F]) -> Result<F, Error> {
        let (lw, lh) = (log2(self.padded_width), log2(self.padded_height));
        let (r_x, rest) = r_row.split_at_checked(lw).ok_or(Error::ProofShape {
            what: "dense row-mask point",
            expected: lw + lh,
            actual: r_row.len(),
        })?;
        let r_y = rest.get(..lh).ok_or(Error::ProofShape {
            what: "dense row-mask point",
            expected: lw + lh,
            actual: r_row.len(),
        })?;
        Ok(less_than_eval(r_x, self.width).mul(&less_than_eval(r_y, self.height)))
    }
}

/// The bias term's value B̃·M̃(r_row) (B̃ itself without a mask: no multiplication, so
/// unpadded layers keep their circuit).
pub(crate) fn masked_bias<F: FieldOps>(
    mask: Option<&RowMask>,
    b: &F,
    r_row: &[F],
) -> Result<F, Error> {
    match mask {
        Some(m) => Ok(b.mul(&m.eval(r_row)?)),
        None => Ok(b.clone()),
    }
}

/// A dense-layer proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseProof<F> {
    /// At r: Pos̃, Ñeg (ReLU) or L̃ (logits), then R̃, then B̃(r_col).
    pub values: Vec<F>,
    /// The sumcheck over the inner dimension.
    pub matmul: SumcheckProof<F>,
    /// Pos ⊙ Neg = 0 (ReLU layers only).
    pub zerocheck: Option<SumcheckProof<F>>,
}

/// The claims a dense layer leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseClaims<F> {
    /// On the input A (m×k).
    pub input: TensorClaim<F>,
    /// On W (k×n).
    pub weight: TensorClaim<F>,
    /// On B (n).
    pub bias: TensorClaim<F>,
    /// On R (m×n).
    pub remainder: TensorClaim<F>,
    /// On the outputs at r: [Pos, Neg] or [L]; for ReLU layers followed by [Pos, Neg] at the
    /// zerocheck point.
    pub outputs: Vec<TensorClaim<F>>,
}

/// The witness of one layer, as field elements.
pub struct DenseWitness<'a> {
    /// Input A, m×k.
    pub input: &'a [Fr],
    /// W, k×n.
    pub weight: &'a [Fr],
    /// B, n.
    pub bias: &'a [Fr],
    /// R, m×n.
    pub remainder: &'a [Fr],
    /// [Pos, Neg] or [L], each m×n.
    pub outputs: Vec<&'a [Fr]>,
}

impl DenseShape {
    fn output_count(&self) -> usize {
        if self.relu { 2 } else { 1 }
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vec<F>, Vec<F>), Error> {
        let [lm, lk, ln] = self.dims.logs()?;
        ensure(
            (1..=40).contains(&self.scale),
            "dense layer",
            "the scale must be between 1 and 40",
        )?;
        t.absorb_usizes(
            labels::DENSE_STATEMENT,
            &[lm, lk, ln, self.scale as usize, usize::from(self.relu)],
        )?;
        if let Some(mask) = &self.row_mask {
            mask.absorb(self.dims.m, t)?;
        }
        let r_col = t.challenges(labels::DENSE_POINT, ln)?;
        let r_row = t.challenges(labels::DENSE_POINT, lm)?;
        Ok((r_col, r_row))
    }

    /// 2^s·Ỹ(r) + R̃(r) − 2^s·M̃(r_row)·B̃(r_col) from the stated values.
    fn matmul_claim<F: FieldOps>(&self, values: &[F], r_row: &[F]) -> Result<F, Error> {
        let two_s = Fr::from(1u64 << self.scale);
        let (y, rest) = match (self.relu, values) {
            (true, [pos, neg, rest @ ..]) => (pos.sub(neg), rest),
            (false, [l, rest @ ..]) => (l.clone(), rest),
            _ => (F::zero(), values),
        };
        let [r, b] = rest else {
            return Err(Error::ProofShape {
                what: "dense layer values",
                expected: self.output_count() + 2,
                actual: values.len(),
            });
        };
        let bias = masked_bias(self.row_mask.as_ref(), b, r_row)?;
        Ok(y.mul_const(two_s).add(r).sub(&bias.mul_const(two_s)))
    }
}

/// Proves one dense layer.
pub fn prove_dense(
    shape: DenseShape,
    w: &DenseWitness<'_>,
    t: &mut NativeTranscript,
) -> Result<(DenseProof<Fr>, DenseClaims<Fr>), Error> {
    let MatMulDims { m, k, n } = shape.dims;
    ensure_lens(&[
        ("dense layer input (m × k)", m * k, w.input.len()),
        ("dense layer weight (k × n)", k * n, w.weight.len()),
        ("dense layer bias (n)", n, w.bias.len()),
        ("dense layer remainder (m × n)", m * n, w.remainder.len()),
        ("dense layer outputs", shape.output_count(), w.outputs.len()),
    ])?;
    for o in &w.outputs {
        ensure_lens(&[("dense layer output (m × n)", m * n, o.len())])?;
    }
    let (r_col, r_row) = shape.start(t)?;
    let r = concat(&[&r_col, &r_row]);
    let mut values = Vec::with_capacity(shape.output_count() + 2);
    for o in &w.outputs {
        values.push(evaluate_dense(o, &r)?);
    }
    values.push(evaluate_dense(w.remainder, &r)?);
    values.push(evaluate_dense(w.bias, &r_col)?);
    t.absorb(labels::DENSE_VALUES, &values)?;
    let claim = shape.matmul_claim(&values, &r_row)?;

    let (a, b) = fold_operands(shape.dims, w.input, w.weight, &r_col, &r_row);
    let mut inst = ProverInstance::new(vec![a, b], Product(2))?;
    let (matmul, mm) = prove(&mut inst, claim, t)?;
    let zc = if shape.relu {
        let tables = w.outputs.iter().map(|o| o.to_vec()).collect();
        Some(prove_zerocheck(tables, Product(2), t)?)
    } else {
        None
    };
    let claims = claims(
        shape,
        &r_col,
        &r_row,
        &values,
        &mm,
        zc.as_ref().map(|z| &z.1),
    )?;
    Ok((
        DenseProof {
            values,
            matmul,
            zerocheck: zc.map(|z| z.0),
        },
        claims,
    ))
}

/// Verifies one dense layer and returns its claims.
pub fn verify_dense<F: FieldOps, S: SpongeOps<F>>(
    shape: DenseShape,
    proof: &DenseProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<DenseClaims<F>, Error> {
    let [_, lk, _] = shape.dims.logs()?;
    let (r_col, r_row) = shape.start(t)?;
    if proof.values.len() != shape.output_count() + 2 {
        return Err(Error::ProofShape {
            what: "dense layer values",
            expected: shape.output_count() + 2,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::DENSE_VALUES, &proof.values)?;
    let claim = shape.matmul_claim(&proof.values, &r_row)?;
    let mm = verify(
        VerifierInstance {
            num_vars: lk,
            composition: &Product(2),
            claim,
        },
        &proof.matmul,
        t,
    )?;
    let zc = match (shape.relu, &proof.zerocheck) {
        (true, Some(z)) => Some(verify_zerocheck(
            r_col.len() + r_row.len(),
            &Product(2),
            z,
            t,
        )?),
        (false, None) => None,
        _ => {
            return Err(Error::ProofShape {
                what: "dense layer zerocheck",
                expected: usize::from(shape.relu),
                actual: usize::from(proof.zerocheck.is_some()),
            });
        }
    };
    claims(shape, &r_col, &r_row, &proof.values, &mm, zc.as_ref())
}

fn claims<F: FieldOps>(
    shape: DenseShape,
    r_col: &[F],
    r_row: &[F],
    values: &[F],
    mm: &InstanceOutput<F>,
    zc: Option<&InstanceOutput<F>>,
) -> Result<DenseClaims<F>, Error> {
    let shape_err = |what, expected, actual| Error::ProofShape {
        what,
        expected,
        actual,
    };
    let [a, wv] = mm.evals.as_slice() else {
        return Err(shape_err("dense matmul evaluations", 2, mm.evals.len()));
    };
    let outs = shape.output_count();
    let (ys, rest) = values.split_at(outs.min(values.len()));
    let [rv, bv] = rest else {
        return Err(shape_err("dense layer values", outs + 2, values.len()));
    };
    let r = concat(&[r_col, r_row]);
    let claim = |point: Vec<F>, value: &F| TensorClaim {
        point,
        value: value.clone(),
    };
    let mut outputs: Vec<TensorClaim<F>> = ys.iter().map(|v| claim(r.clone(), v)).collect();
    if let Some(z) = zc {
        let [p, q] = z.evals.as_slice() else {
            return Err(shape_err("ReLU zerocheck evaluations", 2, z.evals.len()));
        };
        outputs.push(claim(z.point.clone(), p));
        outputs.push(claim(z.point.clone(), q));
    }
    Ok(DenseClaims {
        input: claim(concat(&[&mm.point, r_row]), a),
        weight: claim(concat(&[r_col, &mm.point]), wv),
        bias: claim(r_col.to_vec(), bv),
        remainder: claim(r.clone(), rv),
        outputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;

    /// M̃ evaluated in O(log) is the multilinear extension of the real-row indicator, for
    /// maps whose sides are and are not powers of two, with example variables above.
    #[test]
    fn row_mask_eval_is_the_mle_of_the_real_rows() {
        let mut rng = ark_std::test_rng();
        for (h, w) in [(6, 6), (3, 3), (5, 8), (8, 7), (1, 3), (28, 28)] {
            let g = ConvGeometry::window((h, w, 1), [1, 1], [1, 1], [0; 4]).unwrap();
            let Some(mask) = RowMask::of(&g) else {
                panic!("{h}×{w} pads its layout");
            };
            let rows = 2 * mask.positions();
            let table: Vec<Fr> = (0..rows)
                .map(|i| Fr::from(u64::from(mask.real(i))))
                .collect();
            let r: Vec<Fr> = (0..log2(rows)).map(|_| Fr::rand(&mut rng)).collect();
            let want = evaluate_dense(&table, &r).unwrap();
            assert_eq!(mask.eval(&r).unwrap(), want, "{h}×{w}");
        }
        let square = ConvGeometry::window((8, 4, 1), [1, 1], [1, 1], [0; 4]).unwrap();
        assert_eq!(RowMask::of(&square), None);
    }
}
