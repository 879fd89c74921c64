//! Argmax and the count of correct predictions.
//!
//! Tensors (m rows, c classes, row-major): logits L, the prediction P (one-hot), the labels Lab
//! (one-hot on the first `examples` rows, zero below) and the slack D. Relations:
//! - P and Lab are Boolean: zerocheck P(P − 1) + α·Lab(Lab − 1) = 0;
//! - every row of P sums to 1 and row i of Lab sums to [i < examples]: claims at
//!   (½, …, ½, r_row) with values 1/c and lt̃(r_row)/c;
//! - first-maximum argmax: D = M·1ᵀ − L − 1 + S ≥ 0 with M_i = Σ_j P_ij L_ij and
//!   S_ij = Σ_{j' ≤ j} P_ij' (the caller range-checks D ≥ 0). For the chosen j*, columns before
//!   it need L < M strictly and later ones L ≤ M, so j* is the first maximum, as ONNX ArgMax;
//! - no label on a padded class: Σ_j [j ≥ classes]·Σ_i Lab_ij = 0 (Lab is Boolean, so every
//!   padded column is zero) — else a model predicting padded classes on rows labelled with them
//!   would inflate the count;
//! - count = Σ_ij P_ij·Lab_ij.
//!
//! M and S are never committed: at a random point r = (r_col, r_row) the prover states D̃(r),
//! L̃(r), M̃(r_row) and S̃(r), the verifier checks D̃ + L̃ + 1 − S̃ = M̃, and one batched sumcheck
//! proves M̃(r_row) = Σ eq(r_row, i)P·L, S̃(r) = Σ_{j'} P̃(j', r_row)·LE(j', r_col) (LE the
//! "≤" matrix, evaluated by the verifier in O(c)) and the count.

use super::{TensorClaim, concat};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::{eq_table, eq_table_generic, evaluate_dense, less_than_eval};
use crate::sumcheck::{
    Composition, InstanceOutput, Product, ProverInstance, RoundProver, SumcheckProof,
    VerifierInstance, prove_batched, prove_zerocheck, verify_batched, verify_zerocheck,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgmaxShape {
    /// Padded rows.
    pub m: usize,
    /// Padded classes.
    pub c: usize,
    /// Real classes (labels on padded classes are refused).
    pub classes: usize,
    /// Real examples (rows below carry no label).
    pub examples: usize,
}

/// An argmax/count proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgmaxProof<F> {
    /// D̃(r), L̃(r), M̃(r_row), S̃(r).
    pub values: Vec<F>,
    /// Batched: M (eq·P·L), count (P·Lab), S (P_row·LE).
    pub sumcheck: SumcheckProof<F>,
    /// P(P − 1) + α·Lab(Lab − 1) = 0.
    pub booleanity: SumcheckProof<F>,
}

/// The claims the block leaves, by tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgmaxClaims<F> {
    /// On P.
    pub prediction: Vec<TensorClaim<F>>,
    /// On Lab.
    pub labels: Vec<TensorClaim<F>>,
    /// On L.
    pub logits: Vec<TensorClaim<F>>,
    /// On D.
    pub slack: Vec<TensorClaim<F>>,
}

/// The witness.
pub struct ArgmaxWitness<'a> {
    /// L, m×c.
    pub logits: &'a [Fr],
    /// P, m×c.
    pub prediction: &'a [Fr],
    /// Lab, m×c.
    pub labels: &'a [Fr],
    /// D, m×c.
    pub slack: &'a [Fr],
}

/// p(p − 1) + α·l(l − 1) over inputs [p, l].
struct Booleanity<F>(F);

impl<F: FieldOps> Composition<F> for Booleanity<F> {
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        2
    }
    fn evaluate(&self, vals: &[F]) -> F {
        match vals {
            [p, l] => p.mul(p).sub(p).add(&self.0.mul(&l.mul(l).sub(l))),
            _ => F::zero(),
        }
    }
}

impl ArgmaxShape {
    fn logs(&self) -> Result<(usize, usize), Error> {
        ensure(
            self.m.is_power_of_two() && self.c.is_power_of_two() && self.c >= 2,
            "argmax",
            "rows and columns must be powers of two, with at least two columns",
        )?;
        ensure(
            self.classes != 0 && self.classes <= self.c,
            "argmax",
            "the number of classes must be between 1 and the number of columns",
        )?;
        ensure(
            self.examples <= self.m,
            "argmax",
            "there are more examples than rows",
        )?;
        Ok((
            self.m.trailing_zeros() as usize,
            self.c.trailing_zeros() as usize,
        ))
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        count: &F,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vec<F>, Vec<F>), Error> {
        let (lm, lc) = self.logs()?;
        t.absorb_usizes(
            labels::ARGMAX_STATEMENT,
            &[lm, lc, self.classes, self.examples],
        )?;
        t.absorb(labels::ARGMAX_STATEMENT, std::slice::from_ref(count))?;
        let r_col = t.challenges(labels::ARGMAX_POINT, lc)?;
        let r_row = t.challenges(labels::ARGMAX_POINT, lm)?;
        Ok((r_col, r_row))
    }
}

/// LE(x, y) = Σ_{j' ≤ j} eq(x, j')·eq(y, j), in O(c) (generic).
fn le_eval<F: FieldOps>(x: &[F], y: &[F]) -> F {
    let (ex, ey) = (eq_table_generic(x), eq_table_generic(y));
    let mut prefix = F::zero();
    let mut acc = F::zero();
    for (a, b) in ex.iter().zip(&ey) {
        prefix = prefix.add(a);
        acc = acc.add(&prefix.mul(b));
    }
    acc
}

/// Proves argmax and the count of correct predictions (`count` is public).
pub fn prove_argmax(
    shape: ArgmaxShape,
    w: &ArgmaxWitness<'_>,
    count: Fr,
    t: &mut NativeTranscript,
) -> Result<(ArgmaxProof<Fr>, ArgmaxClaims<Fr>), Error> {
    let (m, c) = (shape.m, shape.c);
    if let Some(v) = [w.logits, w.prediction, w.labels, w.slack]
        .iter()
        .find(|v| v.len() != m * c)
    {
        return Err(Error::StatementShape {
            what: "argmax witness tensor (rows × columns)",
            expected: m * c,
            actual: v.len(),
        });
    }
    let (r_col, r_row) = shape.start(&count, t)?;
    let r = concat(&[&r_col, &r_row]);
    let eval = |v: &[Fr], p: &[Fr]| evaluate_dense(v, p);
    let (eq_row, eq_col) = (eq_table(&r_row), eq_table(&r_col));
    // M̃(r_row) and the row-folded prediction P(·, r_row).
    let m_val: Fr = (0..m)
        .into_par_iter()
        .map(|i| {
            let row: Fr = (0..c)
                .map(|j| w.prediction[i * c + j] * w.logits[i * c + j])
                .sum();
            eq_row[i] * row
        })
        .sum();
    let p_row: Vec<Fr> = (0..c)
        .map(|j| (0..m).map(|i| eq_row[i] * w.prediction[i * c + j]).sum())
        .collect();
    // LE(·, r_col): the suffix sums of eq(r_col, ·).
    let mut le = vec![Fr::ZERO; c];
    let mut acc = Fr::ZERO;
    for j in (0..c).rev() {
        acc += eq_col[j];
        le[j] = acc;
    }
    let s_val: Fr = p_row.iter().zip(&le).map(|(a, b)| *a * b).sum();
    let values = vec![eval(w.slack, &r)?, eval(w.logits, &r)?, m_val, s_val];
    t.absorb(labels::ARGMAX_VALUES, &values)?;

    let eq_full: Vec<Fr> = (0..m * c).map(|idx| eq_row[idx / c]).collect();
    let mut inst_m = ProverInstance::new(
        vec![eq_full, w.prediction.to_vec(), w.logits.to_vec()],
        Product(3),
    )?;
    let mut inst_count =
        ProverInstance::new(vec![w.prediction.to_vec(), w.labels.to_vec()], Product(2))?;
    let mut inst_s = ProverInstance::new(vec![p_row, le], Product(2))?;
    // Column sums of the labels against the padded-class indicator.
    let pad: Vec<Fr> = (0..c)
        .map(|j| Fr::from(u64::from(j >= shape.classes)))
        .collect();
    let col_sums: Vec<Fr> = (0..c)
        .map(|j| (0..m).map(|i| w.labels[i * c + j]).sum())
        .collect();
    let mut inst_pad = ProverInstance::new(vec![pad, col_sums], Product(2))?;
    let mut refs: Vec<&mut dyn RoundProver> =
        vec![&mut inst_m, &mut inst_count, &mut inst_s, &mut inst_pad];
    let (sumcheck, outs) = prove_batched(&mut refs, &[m_val, count, s_val, Fr::ZERO], t)?;
    let alpha = t.challenge(labels::ARGMAX_POINT)?;
    let (booleanity, bo) = prove_zerocheck(
        vec![w.prediction.to_vec(), w.labels.to_vec()],
        Booleanity(alpha),
        t,
    )?;
    let claims = claims(shape, &r_col, &r_row, &values, &outs, &bo)?;
    Ok((
        ArgmaxProof {
            values,
            sumcheck,
            booleanity,
        },
        claims,
    ))
}

/// Verifies the block against the public count; returns the claims.
pub fn verify_argmax<F: FieldOps, S: SpongeOps<F>>(
    shape: ArgmaxShape,
    proof: &ArgmaxProof<F>,
    count: &F,
    t: &mut Transcript<F, S>,
) -> Result<ArgmaxClaims<F>, Error> {
    let (lm, lc) = shape.logs()?;
    let (r_col, r_row) = shape.start(count, t)?;
    let [d, l, m_val, s_val] = proof.values.as_slice() else {
        return Err(Error::ProofShape {
            what: "argmax values",
            expected: 4,
            actual: proof.values.len(),
        });
    };
    t.absorb(labels::ARGMAX_VALUES, &proof.values)?;
    if !d
        .add(l)
        .add_const(Fr::ONE)
        .sub(s_val)
        .enforce_equal(m_val)?
    {
        return Err(Error::SuccinctEvaluation {
            what: "argmax slack D + L + 1 − S = M",
        });
    }
    let instances = [
        VerifierInstance {
            num_vars: lm + lc,
            composition: &Product(3) as &dyn Composition<F>,
            claim: m_val.clone(),
        },
        VerifierInstance {
            num_vars: lm + lc,
            composition: &Product(2),
            claim: count.clone(),
        },
        VerifierInstance {
            num_vars: lc,
            composition: &Product(2),
            claim: s_val.clone(),
        },
        VerifierInstance {
            num_vars: lc,
            composition: &Product(2),
            claim: F::zero(),
        },
    ];
    let outs = verify_batched(&instances, &proof.sumcheck, t)?;
    // The public factors: eq(r_row, ·) broadcast over columns, and LE(·, r_col).
    let (Some(om), Some(os), Some(op)) = (outs.first(), outs.get(2), outs.get(3)) else {
        return Err(Error::ProofShape {
            what: "argmax sumcheck instances",
            expected: 4,
            actual: outs.len(),
        });
    };
    let pad_ind = F::one().sub(&less_than_eval(&op.point, shape.classes));
    let Some(pad_eval) = op.evals.first() else {
        return Err(Error::ProofShape {
            what: "argmax padded-class evaluations",
            expected: 2,
            actual: 0,
        });
    };
    if !pad_eval.enforce_equal(&pad_ind)? {
        return Err(Error::SuccinctEvaluation {
            what: "argmax padded-class indicator",
        });
    }
    let (Some(e), Some(le)) = (om.evals.first(), os.evals.get(1)) else {
        return Err(Error::ProofShape {
            what: "argmax sumcheck evaluations",
            expected: 3,
            actual: om.evals.len(),
        });
    };
    let row_point = om.point.get(lc..).unwrap_or(&[]);
    if !e.enforce_equal(&crate::poly::eq_eval(&r_row, row_point))? {
        return Err(Error::SuccinctEvaluation {
            what: "argmax eq(r_row, ·)",
        });
    }
    if !le.enforce_equal(&le_eval(&os.point, &r_col))? {
        return Err(Error::SuccinctEvaluation {
            what: "argmax prefix matrix LE(·, r_col)",
        });
    }
    let alpha = t.challenge(labels::ARGMAX_POINT)?;
    let bo = verify_zerocheck(lm + lc, &Booleanity(alpha), &proof.booleanity, t)?;
    claims(shape, &r_col, &r_row, &proof.values, &outs, &bo)
}

fn claims<F: FieldOps>(
    shape: ArgmaxShape,
    r_col: &[F],
    r_row: &[F],
    values: &[F],
    outs: &[InstanceOutput<F>],
    bo: &InstanceOutput<F>,
) -> Result<ArgmaxClaims<F>, Error> {
    let bad = |what, expected, actual| Error::ProofShape {
        what,
        expected,
        actual,
    };
    let [d, l, _, _] = values else {
        return Err(bad("argmax values", 4, values.len()));
    };
    let [om, oc, os, op] = outs else {
        return Err(bad("argmax sumcheck instances", 4, outs.len()));
    };
    let ([_, pm, lm], [pc, labc], [ps, _], [_, col_sum], [pb, labb]) = (
        om.evals.as_slice(),
        oc.evals.as_slice(),
        os.evals.as_slice(),
        op.evals.as_slice(),
        bo.evals.as_slice(),
    ) else {
        return Err(bad("argmax evaluations", 11, 0));
    };
    let claim = |point: Vec<F>, value: F| TensorClaim { point, value };
    let r = concat(&[r_col, r_row]);
    let half = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
    let halves: Vec<F> = r_col.iter().map(|_| half.clone()).collect();
    let row_sum_point = concat(&[&halves, r_row]);
    let inv_c = Fr::from(shape.c as u64).inverse().unwrap_or_default();
    let inv_m = Fr::from(shape.m as u64).inverse().unwrap_or_default();
    let halves_rows: Vec<F> = r_row.iter().map(|_| half.clone()).collect();
    Ok(ArgmaxClaims {
        prediction: vec![
            claim(row_sum_point.clone(), F::constant(inv_c)),
            claim(om.point.clone(), pm.clone()),
            claim(oc.point.clone(), pc.clone()),
            claim(concat(&[&os.point, r_row]), ps.clone()),
            claim(bo.point.clone(), pb.clone()),
        ],
        labels: vec![
            claim(
                row_sum_point,
                less_than_eval(r_row, shape.examples).mul_const(inv_c),
            ),
            // Column sums: Σ_i Lab(i, ρ) = m·Lab̃(ρ, ½, …, ½).
            claim(concat(&[&op.point, &halves_rows]), col_sum.mul_const(inv_m)),
            claim(oc.point.clone(), labc.clone()),
            claim(bo.point.clone(), labb.clone()),
        ],
        logits: vec![
            claim(r.clone(), l.clone()),
            claim(om.point.clone(), lm.clone()),
        ],
        slack: vec![claim(r, d.clone())],
    })
}
