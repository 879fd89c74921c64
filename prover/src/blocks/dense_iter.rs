//! The dense layer of every training iteration at once: for t < T,
//!   A[t]·W[t] + 2^s·M·B[t]ᵀ = 2^s·Y[t] + R[t],  Y = Pos − Neg (ReLU) or L,
//! M the public row mask of a convolution whose output layout pads the map (1 on every row
//! otherwise; see [`super::dense::RowMask`], absorbed with the statement when present),
//! with each tensor stacked over t on its highest variables (the weights change every
//! iteration). Neither the product nor R is committed: R is *defined* by the relation from
//! committed tensors, and the caller's range lookup, run first, leaves a claim R̃(r) = v at its
//! column point r = (r_col, r_row, r_t). This block proves that claim: the prover states the
//! outputs and B̃(r_col, r_t), and the contraction sumcheck of [`super::iterate`] proves
//! Σ_{κ,t} eq(r_t, t)·Ã(κ, r_row, t)·W̃(r_col, κ, t) = 2^s·Ỹ + v − 2^s·M̃(r_row)·B̃ at r.
//!
//! Transcript order: the statement (dimensions, scale, ReLU, the row mask); the stated outputs,
//! v and B̃, absorbed together; then the contraction's rounds. The point r and v come from the
//! lookup, drawn after the trace commitment binds A, W, B and the outputs — and with them R,
//! which is a function of them; so a false v, or an R the lookup read that is not the
//! relation's, survives only with the lookup's soundness error plus (vars + 2·log(k·T))/|Fr|.
//! The caller range-checks R ∈ [0, 2^s) (that lookup), the outputs, the input and the weights,
//! as for inference; with those bounds the field relation is the integer one, so
//! Y = ⌊P/2^s⌋. A ReLU layer's Pos and Neg are the
//! virtual tensors of [`super::relu_train`], which makes Pos ⊙ Neg = 0 and both nonnegative by
//! construction: no zerocheck here.

use super::iterate::{Contraction, Operand, prove_contraction_at, verify_contraction_at};
use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::FieldOps;
use crate::poly::evaluate_dense;
use crate::sumcheck::SumcheckProof;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};

/// The public shape: per iteration A is m×k, W k×n; T iterations; scale 2^s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IteratedDense {
    /// Rows per iteration (the batch).
    pub m: usize,
    /// Input width.
    pub k: usize,
    /// Output width.
    pub n: usize,
    /// Iterations.
    pub t: usize,
    /// Scale exponent.
    pub scale: u32,
    /// ReLU split of the output.
    pub relu: bool,
    /// The real rows of a convolution's padded output layout (`None`: every row is real).
    pub row_mask: Option<super::dense::RowMask>,
}

/// The proof: stated values at the remainder's point, the contraction sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IteratedDenseProof<F> {
    /// Pos̃, Ñeg (ReLU) or Ỹ, then B̃(r_col, r_t).
    pub values: Vec<F>,
    /// The contraction over (κ, t).
    pub contraction: SumcheckProof<F>,
}

impl IteratedDense {
    fn contraction(&self) -> Contraction {
        Contraction {
            a: self.m,
            b: self.n,
            c: self.k,
            t: self.t,
            left: Operand::Plain,
            right: Operand::Plain,
        }
    }

    fn outputs(&self) -> usize {
        if self.relu { 2 } else { 1 }
    }

    /// Absorbs the statement and splits the remainder's point into (r_row, r_col, r_t).
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        at: &[F],
        t: &mut Transcript<F, S>,
    ) -> Result<[Vec<F>; 3], Error> {
        let dims = [self.m, self.k, self.n, self.t];
        ensure(
            dims.iter().all(|d| d.is_power_of_two() && *d <= 1 << 24),
            "iterated dense",
            "every dimension must be a power of two of at most 2^24",
        )?;
        ensure(
            (1..=40).contains(&self.scale),
            "iterated dense",
            "the scale must be between 1 and 40",
        )?;
        let logs = dims.map(log2);
        t.absorb_usizes(
            labels::ITERATE_STATEMENT,
            &[
                logs[0],
                logs[1],
                logs[2],
                logs[3],
                self.scale as usize,
                usize::from(self.relu),
            ],
        )?;
        if let Some(mask) = &self.row_mask {
            mask.absorb(self.m, t)?;
        }
        let want = logs[2] + logs[0] + logs[3];
        if at.len() != want {
            return Err(Error::ProofShape {
                what: "iterated dense remainder point",
                expected: want,
                actual: at.len(),
            });
        }
        let (r_col, rest) = at.split_at(logs[2]);
        let (r_row, r_t) = rest.split_at(logs[0]);
        Ok([r_row.to_vec(), r_col.to_vec(), r_t.to_vec()])
    }

    /// The values the transcript absorbs and the relation reads: the outputs, the remainder's
    /// claimed value, B̃.
    fn with_remainder<F: Clone>(&self, values: &[F], remainder: &F) -> Result<Vec<F>, Error> {
        if values.len() != self.outputs() + 1 {
            return Err(Error::ProofShape {
                what: "iterated dense values",
                expected: self.outputs() + 1,
                actual: values.len(),
            });
        }
        let (outs, b) = values.split_at(self.outputs());
        Ok(outs
            .iter()
            .chain(std::iter::once(remainder))
            .chain(b)
            .cloned()
            .collect())
    }

    /// 2^s·Ỹ + R̃ − 2^s·M̃(r_row)·B̃ from the stated values.
    fn claim<F: FieldOps>(&self, v: &[F], r_row: &[F]) -> Result<F, Error> {
        let two_s = Fr::from(1u64 << self.scale);
        let (y, rest) = match (self.relu, v) {
            (true, [p, n, rest @ ..]) => (p.sub(n), rest),
            (false, [y, rest @ ..]) => (y.clone(), rest),
            _ => (F::zero(), v),
        };
        let [r, b] = rest else {
            return Err(Error::ProofShape {
                what: "iterated dense values",
                expected: self.outputs() + 2,
                actual: v.len(),
            });
        };
        let bias = super::dense::masked_bias(self.row_mask.as_ref(), b, r_row)?;
        Ok(y.mul_const(two_s).add(r).sub(&bias.mul_const(two_s)))
    }

    fn claims<F: FieldOps>(
        &self,
        rs: &[Vec<F>; 3],
        v: &[F],
        c: super::iterate::ContractionClaims<F>,
    ) -> Result<NamedClaims<F>, Error> {
        let [r_row, r_col, r_t] = rs;
        let r: Vec<F> = r_col.iter().chain(r_row).chain(r_t).cloned().collect();
        let b_point: Vec<F> = r_col.iter().chain(r_t).cloned().collect();
        let at = |p: &[F], value: &F| TensorClaim {
            point: p.to_vec(),
            value: value.clone(),
        };
        let (outs, rest) = v.split_at(self.outputs().min(v.len()));
        // The remainder's claim is the caller's, proven here: nothing is handed on for R.
        let [_, b] = rest else {
            return Err(Error::ProofShape {
                what: "iterated dense values",
                expected: self.outputs() + 2,
                actual: v.len(),
            });
        };
        let mut out: NamedClaims<F> = vec![
            ("input", c.left),
            ("weight", c.right),
            ("bias", at(&b_point, b)),
        ];
        let names: &[&'static str] = if self.relu {
            &["pos", "neg"]
        } else {
            &["output"]
        };
        for (name, value) in names.iter().zip(outs) {
            out.push((name, at(&r, value)));
        }
        Ok(out)
    }
}

/// The witness, every tensor stacked over t: A, W, B and the outputs ([Pos, Neg] or [Y]).
/// R is not part of it: the caller's claim on R is what the block proves.
pub struct IteratedDenseWitness<'a> {
    /// A, t×m×k.
    pub input: &'a [Fr],
    /// W, t×k×n.
    pub weight: &'a [Fr],
    /// B, t×n.
    pub bias: &'a [Fr],
    /// [Pos, Neg] or [Y], each t×m×n.
    pub outputs: Vec<&'a [Fr]>,
}

/// Proves the iterated dense relation at the remainder's claim `remainder` (its point over
/// (col, row, t) and R̃ there, from the caller's range lookup); returns the proof and the claims
/// on the input, weight, bias and outputs.
pub fn prove_dense_iterated(
    shape: IteratedDense,
    w: &IteratedDenseWitness<'_>,
    remainder: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
) -> Result<(IteratedDenseProof<Fr>, NamedClaims<Fr>), Error> {
    let (m, n, it) = (shape.m, shape.n, shape.t);
    ensure_lens(&[
        ("iterated dense bias (t × n)", it * n, w.bias.len()),
        ("iterated dense outputs", shape.outputs(), w.outputs.len()),
    ])?;
    for o in &w.outputs {
        ensure_lens(&[("iterated dense output (t × m × n)", it * m * n, o.len())])?;
    }
    let rs = shape.start(&remainder.point, t)?;
    let [r_row, r_col, r_t] = &rs;
    let b_point: Vec<Fr> = r_col.iter().chain(r_t).copied().collect();
    let mut values = Vec::with_capacity(shape.outputs() + 1);
    for o in &w.outputs {
        values.push(evaluate_dense(o, &remainder.point)?);
    }
    values.push(evaluate_dense(w.bias, &b_point)?);
    let stated = shape.with_remainder(&values, &remainder.value)?;
    t.absorb(labels::ITERATE_VALUES, &stated)?;
    let claim = shape.claim(&stated, r_row)?;
    let (contraction, c) =
        prove_contraction_at(shape.contraction(), w.input, w.weight, &rs, claim, t)?;
    let claims = shape.claims(&rs, &stated, c)?;
    Ok((
        IteratedDenseProof {
            values,
            contraction,
        },
        claims,
    ))
}

/// Verifies the iterated dense relation at the remainder's claim `remainder`; returns the
/// claims on the input, weight, bias and outputs by tensor.
pub fn verify_dense_iterated<F: FieldOps, S: SpongeOps<F>>(
    shape: IteratedDense,
    proof: &IteratedDenseProof<F>,
    remainder: &TensorClaim<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let rs = shape.start(&remainder.point, t)?;
    let stated = shape.with_remainder(&proof.values, &remainder.value)?;
    t.absorb(labels::ITERATE_VALUES, &stated)?;
    let claim = shape.claim(&stated, &rs[0])?;
    let c = verify_contraction_at(shape.contraction(), &proof.contraction, &rs, claim, t)?;
    shape.claims(&rs, &stated, c)
}

/// A rescaled contraction, the SGD update of every iteration:
///   η_num·X[t] + 2^(sh−1) = 2^sh·Δ[t] + R[t],  X[t] = L[t]·R′[t]  (e.g. X = Aᵀ·G),
/// so Δ = round(η_num·X / 2^sh) with R ∈ [0, 2^sh) range-checked by the caller. X is never
/// committed: at a point r the prover states Δ̃ (and R̃) and the contraction proves
/// X̃ = (2^sh·Δ̃ + R̃ − 2^(sh−1)) / η_num there.
///
/// Two forms. A committed R ([`prove_rescaled`]): the block draws r after its statement and
/// the prover states Δ̃ and R̃, absorbed together. A virtual R ([`prove_rescaled_at`], the
/// back-propagated gradient's): R is defined by the relation from the committed L, R′ and Δ,
/// the caller's range lookup — run after the trace commitment binds them — reads it and
/// leaves R̃(r) = v, and the block proves that claim at r: the prover states Δ̃ alone, and
/// Δ̃ with v is absorbed before the contraction's rounds. A false v, or an R the lookup read
/// that is not the relation's, then survives only with the lookup's soundness error plus the
/// contraction's (2·log(c·T))/|Fr|. The statement absorbs which form runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RescaledContraction {
    /// The product's shape and operand layouts.
    pub contraction: Contraction,
    /// The learning-rate numerator η_num (≥ 1).
    pub eta_num: u64,
    /// The rescale shift sh (≥ 1).
    pub shift: u32,
}

/// A rescaled-contraction proof: Δ̃, R̃ at the point and the contraction sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RescaledProof<F> {
    /// Δ̃, R̃.
    pub values: Vec<F>,
    /// The contraction sumcheck.
    pub contraction: SumcheckProof<F>,
}

impl RescaledContraction {
    /// Absorbs the statement (`at` says whether the remainder's point is the caller's) and
    /// returns the dimensions' logs (a, b, c, t).
    fn absorb_statement<F: FieldOps, S: SpongeOps<F>>(
        &self,
        at: bool,
        t: &mut Transcript<F, S>,
    ) -> Result<[usize; 4], Error> {
        let c = self.contraction;
        let dims = [c.a, c.b, c.c, c.t];
        check_update("rescaled contraction", &dims, self.eta_num, self.shift)?;
        let logs = dims.map(log2);
        let mut words = logs.to_vec();
        words.extend([
            usize::from(c.left == Operand::Transposed),
            usize::from(c.right == Operand::Transposed),
            self.shift as usize,
            usize::from(at),
        ]);
        t.absorb_usizes(labels::ITERATE_STATEMENT, &words)?;
        t.absorb(
            labels::ITERATE_STATEMENT,
            &[F::constant(Fr::from(self.eta_num))],
        )?;
        Ok(logs)
    }

    /// A committed remainder: the statement, then the block's own point.
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<[Vec<F>; 3], Error> {
        let logs = self.absorb_statement(false, t)?;
        let r_b = t.challenges(labels::ITERATE_POINT, logs[1])?;
        let r_a = t.challenges(labels::ITERATE_POINT, logs[0])?;
        let r_t = t.challenges(labels::ITERATE_POINT, logs[3])?;
        Ok([r_a, r_b, r_t])
    }

    /// A virtual remainder: the statement, then the caller's point (b, a, t) split.
    fn start_at<F: FieldOps, S: SpongeOps<F>>(
        &self,
        at: &[F],
        t: &mut Transcript<F, S>,
    ) -> Result<[Vec<F>; 3], Error> {
        let logs = self.absorb_statement(true, t)?;
        let want = logs[1] + logs[0] + logs[3];
        if at.len() != want {
            return Err(Error::ProofShape {
                what: "rescaled contraction remainder point",
                expected: want,
                actual: at.len(),
            });
        }
        let (r_b, rest) = at.split_at(logs[1]);
        let (r_a, r_t) = rest.split_at(logs[0]);
        Ok([r_a.to_vec(), r_b.to_vec(), r_t.to_vec()])
    }

    fn claim<F: FieldOps>(&self, v: &[F]) -> Result<F, Error> {
        let [delta, rem] = v else {
            return Err(Error::ProofShape {
                what: "rescaled contraction values",
                expected: 2,
                actual: v.len(),
            });
        };
        let inv = Fr::from(self.eta_num)
            .inverse()
            .ok_or(Error::ZeroParameter {
                what: "learning-rate numerator η_num",
            })?;
        let half = Fr::from(2u64).pow([u64::from(self.shift - 1)]);
        Ok(delta
            .mul_const(half.double())
            .add(rem)
            .add_const(-half)
            .mul_const(inv))
    }

    fn claims<F: FieldOps>(
        rs: &[Vec<F>; 3],
        v: &[F],
        c: super::iterate::ContractionClaims<F>,
    ) -> NamedClaims<F> {
        let [r_a, r_b, r_t] = rs;
        let r: Vec<F> = r_b.iter().chain(r_a).chain(r_t).cloned().collect();
        let mut out: NamedClaims<F> = vec![("left", c.left), ("right", c.right)];
        for (name, value) in ["delta", "remainder"].into_iter().zip(v) {
            out.push((
                name,
                TensorClaim {
                    point: r.clone(),
                    value: value.clone(),
                },
            ));
        }
        out
    }
}

/// Proves Δ = round(η_num·L·R′ / 2^sh) for every iteration (Δ and its remainder stacked like
/// the product, columns lowest).
pub fn prove_rescaled(
    shape: RescaledContraction,
    left: &[Fr],
    right: &[Fr],
    delta: &[Fr],
    remainder: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(RescaledProof<Fr>, NamedClaims<Fr>), Error> {
    let c = shape.contraction;
    ensure_lens(&[
        (
            "rescaled contraction Δ (t × a × b)",
            c.t * c.a * c.b,
            delta.len(),
        ),
        (
            "rescaled contraction R (t × a × b)",
            c.t * c.a * c.b,
            remainder.len(),
        ),
    ])?;
    let rs = shape.start(t)?;
    let [r_a, r_b, r_t] = &rs;
    let r: Vec<Fr> = r_b.iter().chain(r_a).chain(r_t).copied().collect();
    let values = vec![evaluate_dense(delta, &r)?, evaluate_dense(remainder, &r)?];
    t.absorb(labels::ITERATE_VALUES, &values)?;
    let claim = shape.claim(&values)?;
    let (contraction, cl) = prove_contraction_at(c, left, right, &rs, claim, t)?;
    let claims = RescaledContraction::claims(&rs, &values, cl);
    Ok((
        RescaledProof {
            values,
            contraction,
        },
        claims,
    ))
}

/// Verifies a rescaled contraction; returns the claims on L, R′, Δ and the remainder.
pub fn verify_rescaled<F: FieldOps, S: SpongeOps<F>>(
    shape: RescaledContraction,
    proof: &RescaledProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let rs = shape.start(t)?;
    t.absorb(labels::ITERATE_VALUES, &proof.values)?;
    let claim = shape.claim(&proof.values)?;
    let cl = verify_contraction_at(shape.contraction, &proof.contraction, &rs, claim, t)?;
    Ok(RescaledContraction::claims(&rs, &proof.values, cl))
}

/// Proves Δ = round(η_num·L·R′ / 2^sh) for every iteration at the caller's claim on a
/// *virtual* remainder R (defined by the relation from committed L, R′ and Δ; the caller's
/// range lookup read it and left R̃(r) = v): the prover states Δ̃(r) alone, and the claims
/// handed back are on L, R′ and Δ — the claim on R is the one proven here.
pub fn prove_rescaled_at(
    shape: RescaledContraction,
    left: &[Fr],
    right: &[Fr],
    delta: &[Fr],
    remainder: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
) -> Result<(RescaledProof<Fr>, NamedClaims<Fr>), Error> {
    let c = shape.contraction;
    ensure_lens(&[(
        "rescaled contraction Δ (t × a × b)",
        c.t * c.a * c.b,
        delta.len(),
    )])?;
    let rs = shape.start_at(&remainder.point, t)?;
    let values = vec![evaluate_dense(delta, &remainder.point)?];
    let stated = [values.clone(), vec![remainder.value]].concat();
    t.absorb(labels::ITERATE_VALUES, &stated)?;
    let claim = shape.claim(&stated)?;
    let (contraction, cl) = prove_contraction_at(c, left, right, &rs, claim, t)?;
    let claims = RescaledContraction::claims(&rs, &values, cl);
    Ok((
        RescaledProof {
            values,
            contraction,
        },
        claims,
    ))
}

/// Verifies a rescaled contraction at the caller's claim on its virtual remainder; returns
/// the claims on L, R′ and Δ.
pub fn verify_rescaled_at<F: FieldOps, S: SpongeOps<F>>(
    shape: RescaledContraction,
    proof: &RescaledProof<F>,
    remainder: &TensorClaim<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let rs = shape.start_at(&remainder.point, t)?;
    let [delta] = proof.values.as_slice() else {
        return Err(Error::ProofShape {
            what: "rescaled contraction values at a virtual remainder",
            expected: 1,
            actual: proof.values.len(),
        });
    };
    let stated = vec![delta.clone(), remainder.value.clone()];
    t.absorb(labels::ITERATE_VALUES, &stated)?;
    let claim = shape.claim(&stated)?;
    let cl = verify_contraction_at(shape.contraction, &proof.contraction, &rs, claim, t)?;
    Ok(RescaledContraction::claims(&rs, &proof.values, cl))
}

/// The bias update of every iteration: ΔB[t] = round(η_num·Σ_i G[t, i, ·] / 2^sh) with
/// remainder, for G stacked t×m×n. Linear: at a random (r_n, r_t) the prover states ΔB̃ and R̃,
/// and the row sum is m·G̃(r_n, ½, …, ½, r_t), a claim on G at that half point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BiasUpdate {
    /// Rows per iteration m.
    pub m: usize,
    /// Columns n.
    pub n: usize,
    /// Iterations T.
    pub t: usize,
    /// η_num.
    pub eta_num: u64,
    /// Shift sh.
    pub shift: u32,
}

/// A bias-update proof: ΔB̃ and R̃ at the point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BiasUpdateProof<F> {
    /// ΔB̃, R̃.
    pub values: Vec<F>,
}

/// The statement checks both learning-rate blocks share: power-of-two dimensions of at most
/// 2^24, a nonzero η numerator and a shift in 1..=60.
fn check_update(
    block: &'static str,
    dims: &[usize],
    eta_num: u64,
    shift: u32,
) -> Result<(), Error> {
    ensure(
        dims.iter().all(|d| d.is_power_of_two() && *d <= 1 << 24),
        block,
        "every dimension must be a power of two of at most 2^24",
    )?;
    if eta_num == 0 {
        return Err(Error::ZeroParameter {
            what: "learning-rate numerator η_num",
        });
    }
    ensure(
        (1..=60).contains(&shift),
        block,
        "the shift must be between 1 and 60",
    )
}

impl BiasUpdate {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vec<F>, Vec<F>), Error> {
        let dims = [self.m, self.n, self.t];
        check_update("bias update", &dims, self.eta_num, self.shift)?;
        let logs = dims.map(log2);
        t.absorb_usizes(
            labels::ITERATE_STATEMENT,
            &[logs[0], logs[1], logs[2], self.shift as usize],
        )?;
        t.absorb(
            labels::ITERATE_STATEMENT,
            &[F::constant(Fr::from(self.eta_num))],
        )?;
        let r_n = t.challenges(labels::ITERATE_POINT, logs[1])?;
        let r_t = t.challenges(labels::ITERATE_POINT, logs[2])?;
        Ok((r_n, r_t))
    }

    fn claims<F: FieldOps>(&self, r_n: &[F], r_t: &[F], v: &[F]) -> Result<NamedClaims<F>, Error> {
        let [delta, rem] = v else {
            return Err(Error::ProofShape {
                what: "bias update values",
                expected: 2,
                actual: v.len(),
            });
        };
        let half = Fr::from(2u64).pow([u64::from(self.shift - 1)]);
        let inv = (Fr::from(self.eta_num) * Fr::from(self.m as u64))
            .inverse()
            .ok_or(Error::ZeroParameter {
                what: "learning-rate numerator times rows η_num·m",
            })?;
        // G̃(r_n, ½…, r_t) = (2^sh·ΔB̃ + R̃ − 2^(sh−1)) / (η_num·m).
        let g_value = delta
            .mul_const(half.double())
            .add(rem)
            .add_const(-half)
            .mul_const(inv);
        let halves = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
        let rows = log2(self.m);
        let g_point: Vec<F> = r_n
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(halves, rows))
            .chain(r_t.iter().cloned())
            .collect();
        let point: Vec<F> = r_n.iter().chain(r_t).cloned().collect();
        let at = |p: &[F], value: &F| TensorClaim {
            point: p.to_vec(),
            value: value.clone(),
        };
        Ok(vec![
            ("gradient", at(&g_point, &g_value)),
            ("delta", at(&point, delta)),
            ("remainder", at(&point, rem)),
        ])
    }
}

/// Proves the bias update (ΔB and R stacked t×n).
pub fn prove_bias_update(
    shape: BiasUpdate,
    delta: &[Fr],
    remainder: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(BiasUpdateProof<Fr>, NamedClaims<Fr>), Error> {
    ensure_lens(&[
        ("bias update ΔB (t × n)", shape.t * shape.n, delta.len()),
        ("bias update R (t × n)", shape.t * shape.n, remainder.len()),
    ])?;
    let (r_n, r_t) = shape.start(t)?;
    let point: Vec<Fr> = r_n.iter().chain(&r_t).copied().collect();
    let values = vec![
        evaluate_dense(delta, &point)?,
        evaluate_dense(remainder, &point)?,
    ];
    t.absorb(labels::ITERATE_VALUES, &values)?;
    let claims = shape.claims(&r_n, &r_t, &values)?;
    Ok((BiasUpdateProof { values }, claims))
}

/// Verifies a bias update; returns the claims on G, ΔB and the remainder.
pub fn verify_bias_update<F: FieldOps, S: SpongeOps<F>>(
    shape: BiasUpdate,
    proof: &BiasUpdateProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let (r_n, r_t) = shape.start(t)?;
    t.absorb(labels::ITERATE_VALUES, &proof.values)?;
    shape.claims(&r_n, &r_t, &proof.values)
}
