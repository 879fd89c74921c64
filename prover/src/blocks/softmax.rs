//! The fixed-point softmax ([`crate::train::softmax`]) as relations between committed tensors,
//! for `rows` rows of `c` logits at scale 2^s of which the first `real` columns are classes
//! (the rest pad the row to a power of two); rows may stack iterations. Training's
//! cross-entropy and the inference statement's Softmax output both run it.
//!
//! Tensors (rows × c unless noted), with μ_j = [j < real] the public real-class mask: logits
//! L and their real part L′ = μ ⊙ L; a one-hot Q marking a row maximum among the real
//! classes; the gap D = μ ⊙ (M·1ᵀ − L) with M_i = Σ_j Q_ij L_ij; its 4-bit chunks d_0..d_3;
//! the chunk exponentials U_k = T_k[d_k]; the running products E_1..E_3 with remainders
//! R_1..R_3; the real exponentials X = μ ⊙ E_3; the row sums S (rows); the probabilities P
//! with remainder R_p and slack Z = S − 1 − R_p. Relations:
//! - Q Boolean with Q = μ·Q (zerocheck) and rows summing to 1 (claim at (½, …, ½, r_row));
//! - D + L′ = μ̃(r_col)·M̃(r_row) at a random point r, M̃(r_row) by a sumcheck of
//!   eq(r_row, i)·Q·L;
//! - D = Σ_k 16^k d_k at the same point;
//! - U_0·U_1 = 2^s E_1 + R_1, E_1·U_2 = 2^s E_2 + R_2, E_2·U_3 = 2^s E_3 + R_3,
//!   L′ = μ·L, X = μ·E_3 and 2^s X = P·S + R_p (S broadcast over columns), all in one
//!   zerocheck with powers of γ; the verifier evaluates μ itself;
//! - S_i = Σ_j X[i, j] (claim on X at (½, …, ½, r_row)) and Z = S − 1 − R_p at r.
//!
//! Challenge order: the statement (rows, c, s, real), the point r = (r_col, r_row), the values
//! at r, the max sumcheck, γ, the zerocheck.
//!
//! The caller discharges the claims and checks ([`BOUNDS`], [`CHUNK_PAIRS`]): each chunk
//! d_k ∈ [0, 16) by its own range check (d_k and d_k + 2^b − 16 in [0, 2^b)), (d_k + 16k, U_k)
//! pairs in `Table::ExpChunks`, R_1..R_3 ∈ [0, 2^s), and E_1..E_3, P, R_p, Z in the b-bit
//! range, which makes every identity an integer identity: D ∈ [0, 2^16), U_k = e_k(d_k), E_k
//! and P are the floors the trainer computes and 0 ≤ R_p < S. Padded columns take no part:
//! Q is zero there, so M is a real logit ≥ every real logit (D ≥ 0 on real columns) — the
//! maximum over the real classes, whatever the padded logits are (the model's padded output
//! units are the prover's); D is 0 there, and X is 0, so 0 = P·S + R_p with P, R_p ≥ 0 and
//! S ≥ 1 forces P = 0. (Which maximum Q marks does not matter: M is the same. The maximum's
//! own exponential is exactly 2^s, so S ≥ 2^s.)
//!
//! The per-chunk range check is needed: the combined table holds every chunk's entries, so
//! the pair lookup alone only gives d_k + 16k ∈ [0, 64), i.e. d_k ∈ [−16k, 64 − 16k). A gap
//! of 256 at s = 8 could then be split as (0, 16, 0, 0) — chunk 1 reading chunk 2's entry
//! e⁰ — instead of (0, 0, 1, 0), and the prover would steer the probabilities.

use super::{TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::{eq_table, evaluate_dense};
use crate::sumcheck::{
    Composition, InstanceOutput, Product, ProverInstance, SumcheckProof, VerifierInstance, prove,
    prove_zerocheck, verify, verify_zerocheck,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;
use rayon::prelude::*;

/// Names of the block's tensors, in the order of [`SoftmaxWitness::tensors`].
pub const TENSORS: [&str; 22] = [
    "logits",
    "max_onehot",
    "gap",
    "chunk0",
    "chunk1",
    "chunk2",
    "chunk3",
    "exp0",
    "exp1",
    "exp2",
    "exp3",
    "prod1",
    "prod2",
    "prod3",
    "prod_rem1",
    "prod_rem2",
    "prod_rem3",
    "real_exp",
    "sums",
    "probs",
    "prob_rem",
    "real_logits",
];
/// The slack Z = S − 1 − R_p (the last tensor).
pub const SLACK: &str = "prob_slack";

/// A bound the caller's range check puts on one of the block's tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// In [0, 2^b).
    Unsigned,
    /// In [0, 2^s), the rescale remainders.
    BelowScale,
    /// In [0, 16), the exponent chunks.
    BelowChunk,
}

/// Every range check the block's soundness rests on (module doc), by tensor name.
pub const BOUNDS: [(&str, Bound); 13] = [
    ("prod1", Bound::Unsigned),
    ("prod2", Bound::Unsigned),
    ("prod3", Bound::Unsigned),
    ("probs", Bound::Unsigned),
    ("prob_rem", Bound::Unsigned),
    (SLACK, Bound::Unsigned),
    ("prod_rem1", Bound::BelowScale),
    ("prod_rem2", Bound::BelowScale),
    ("prod_rem3", Bound::BelowScale),
    ("chunk0", Bound::BelowChunk),
    ("chunk1", Bound::BelowChunk),
    ("chunk2", Bound::BelowChunk),
    ("chunk3", Bound::BelowChunk),
];

/// The (chunk, exponential) pairs the caller looks up in `Table::ExpChunks { chunks: 4, scale }`,
/// chunk k at offset 16k.
pub const CHUNK_PAIRS: [(&str, &str); 4] = [
    ("chunk0", "exp0"),
    ("chunk1", "exp1"),
    ("chunk2", "exp2"),
    ("chunk3", "exp3"),
];

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoftmaxShape {
    /// Rows (a power of two).
    pub rows: usize,
    /// Columns (a power of two ≥ 2).
    pub c: usize,
    /// Real columns (classes), 1 ≤ real ≤ c: only they are normalised over.
    pub real: usize,
    /// Scale exponent s.
    pub scale: u32,
}

/// The witness: every tensor of the module doc, named by [`TENSORS`] then [`SLACK`].
pub struct SoftmaxWitness {
    /// The tensors as field elements.
    pub tensors: Vec<Vec<Fr>>,
}

/// A softmax proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftmaxProof<F> {
    /// At r: D̃, L̃′, M̃(r_row), d̃_0..d̃_3, S̃(r_row), R̃_p, Z̃.
    pub values: Vec<F>,
    /// M̃(r_row) = Σ eq(r_row, i)·Q·L.
    pub max: SumcheckProof<F>,
    /// The products, the masking, the division and Q's Booleanity.
    pub zerocheck: SumcheckProof<F>,
}

/// Claims, by tensor name.
pub type SoftmaxClaims<F> = super::NamedClaims<F>;

fn index(name: &str) -> usize {
    if name == SLACK {
        return TENSORS.len();
    }
    TENSORS
        .iter()
        .position(|n| *n == name)
        .unwrap_or(TENSORS.len() + 1)
}

impl SoftmaxWitness {
    /// Computes every tensor from the logits (rows × c, scale 2^s) as the trainer does
    /// ([`crate::train::softmax::softmax_row`]).
    pub fn compute(shape: SoftmaxShape, logits: &[i64]) -> Self {
        let (rows, c, s) = (shape.rows, shape.c, shape.scale);
        let n = rows * c;
        let mut t: Vec<Vec<i64>> = vec![vec![0; n]; TENSORS.len() + 1];
        let mut sums = vec![0i64; rows];
        let at = index;
        for i in 0..rows {
            let row = logits.get(i * c..(i + 1) * c).unwrap_or(&[]);
            let real = row.get(..shape.real).unwrap_or(row);
            let best = crate::graph::quant::first_max(real);
            let m = real.get(best).copied().unwrap_or(0);
            for (j, l) in row.iter().enumerate() {
                let ij = i * c + j;
                let is_real = j < shape.real;
                t[at("logits")][ij] = *l;
                t[at("max_onehot")][ij] = i64::from(j == best);
                if !is_real {
                    // No gap: chunks 0, every exponential 2^s, masked out of X.
                    for k in 0..4 {
                        t[at("exp0") + k][ij] = crate::lookup::exp_chunk(k as u32, 0, s);
                    }
                    for k in 0..3 {
                        t[at("prod1") + k][ij] = 1 << s;
                    }
                    continue;
                }
                t[at("real_logits")][ij] = *l;
                t[at("gap")][ij] = m - l;
                let d = (m - l).clamp(0, (1 << 16) - 1);
                let mut e = 0;
                for k in 0..4 {
                    let dk = (d >> (4 * k)) & 15;
                    let u = crate::lookup::exp_chunk(k as u32, dk, s);
                    t[at("chunk0") + k][ij] = dk;
                    t[at("exp0") + k][ij] = u;
                    if k == 0 {
                        e = u;
                    } else {
                        let p = e * u;
                        e = p >> s;
                        t[at("prod1") + k - 1][ij] = e;
                        t[at("prod_rem1") + k - 1][ij] = p & ((1 << s) - 1);
                    }
                }
                t[at("real_exp")][ij] = e;
                sums[i] += e;
            }
        }
        for i in 0..rows {
            let sum = sums[i].max(1);
            for j in 0..c {
                let ij = i * c + j;
                let num = t[at("real_exp")][ij] << s;
                t[at("probs")][ij] = num / sum;
                t[at("prob_rem")][ij] = num % sum;
                t[at(SLACK)][ij] = sum - 1 - t[at("prob_rem")][ij];
            }
        }
        t[at("sums")] = sums;
        let to_fr = |v: &[i64]| -> Vec<Fr> {
            v.iter()
                .map(|x| crate::field::encoding::from_i128(i128::from(*x)))
                .collect()
        };
        Self {
            tensors: t.iter().map(|v| to_fr(v)).collect(),
        }
    }

    fn get(&self, name: &str) -> &[Fr] {
        self.tensors.get(index(name)).map_or(&[], Vec::as_slice)
    }
}

/// The zerocheck composition over [`ZC_INPUTS`] then the public mask μ.
struct Relations<F> {
    gamma: F,
    two_s: Fr,
}

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        ZC_INPUTS.len() + 1
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [
            u0,
            u1,
            e1,
            r1,
            u2,
            e2,
            r2,
            u3,
            e3,
            r3,
            x,
            p,
            sb,
            rp,
            q,
            l,
            lr,
            mu,
        ] = v
        else {
            return F::zero();
        };
        let terms = [
            u0.mul(u1).sub(&e1.mul_const(self.two_s)).sub(r1),
            e1.mul(u2).sub(&e2.mul_const(self.two_s)).sub(r2),
            e2.mul(u3).sub(&e3.mul_const(self.two_s)).sub(r3),
            x.mul_const(self.two_s).sub(&p.mul(sb)).sub(rp),
            q.mul(q).sub(q),
            x.sub(&mu.mul(e3)),
            lr.sub(&mu.mul(l)),
            q.sub(&mu.mul(q)),
        ];
        let mut acc = F::zero();
        let mut g = F::one();
        for t in &terms {
            acc = acc.add(&g.mul(t));
            g = g.mul(&self.gamma);
        }
        acc
    }
}

/// The committed tensors the zerocheck reads (the mask μ follows them).
const ZC_INPUTS: [&str; 17] = [
    "exp0",
    "exp1",
    "prod1",
    "prod_rem1",
    "exp2",
    "prod2",
    "prod_rem2",
    "exp3",
    "prod3",
    "prod_rem3",
    "real_exp",
    "probs",
    "sums",
    "prob_rem",
    "max_onehot",
    "logits",
    "real_logits",
];

impl SoftmaxShape {
    /// Each tensor's name ([`TENSORS`], then [`SLACK`]) with its length: `rows` for the row
    /// sums, `rows × c` for every other.
    pub fn tensor_lens(&self) -> impl Iterator<Item = (&'static str, usize)> + '_ {
        TENSORS.iter().copied().chain([SLACK]).map(move |name| {
            let len = if name == "sums" {
                self.rows
            } else {
                self.rows * self.c
            };
            (name, len)
        })
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vec<F>, Vec<F>), Error> {
        let ok = self.rows.is_power_of_two()
            && self.c.is_power_of_two()
            && self.c >= 2
            && (1..=self.c).contains(&self.real)
            && (1..=30).contains(&self.scale);
        ensure(
            ok,
            "softmax",
            "rows and columns must be powers of two, with at least two columns of which 1 to c \
             are real, and the scale between 1 and 30",
        )?;
        t.absorb_usizes(
            labels::SOFTMAX_STATEMENT,
            &[
                log2(self.rows),
                log2(self.c),
                self.scale as usize,
                self.real,
            ],
        )?;
        let r_col = t.challenges(labels::SOFTMAX_POINT, log2(self.c))?;
        let r_row = t.challenges(labels::SOFTMAX_POINT, log2(self.rows))?;
        Ok((r_col, r_row))
    }

    /// The linear checks at r = (r_col, r_row), on the stated values.
    fn linear<F: FieldOps>(&self, r_col: &[F], v: &[F]) -> Result<(), Error> {
        let [d, l, m, c0, c1, c2, c3, s, rp, z] = v else {
            return Err(Error::ProofShape {
                what: "softmax values",
                expected: 10,
                actual: v.len(),
            });
        };
        let chunks = [c0, c1, c2, c3]
            .iter()
            .enumerate()
            .fold(F::zero(), |acc, (k, x)| {
                acc.add(&x.mul_const(Fr::from(1u64 << (4 * k))))
            });
        let checks = [
            (
                d.add(l),
                m.mul(&super::prefix_mask(self.c, self.real, r_col)),
                "softmax gap D + L′ = μ·M",
            ),
            (d.clone(), chunks, "softmax chunks D = Σ 16^k d_k"),
            (
                z.clone(),
                s.sub(rp).add_const(-Fr::ONE),
                "softmax slack Z = S − 1 − R_p",
            ),
        ];
        for (a, b, what) in checks {
            if !a.enforce_equal(&b)? {
                return Err(Error::SuccinctEvaluation { what });
            }
        }
        Ok(())
    }

    fn claims<F: FieldOps>(
        &self,
        r_col: &[F],
        r_row: &[F],
        v: &[F],
        max: &InstanceOutput<F>,
        zc: &InstanceOutput<F>,
    ) -> Result<SoftmaxClaims<F>, Error> {
        let [d, l, _, c0, c1, c2, c3, s, rp, z] = v else {
            return Err(Error::ProofShape {
                what: "softmax values",
                expected: 10,
                actual: v.len(),
            });
        };
        let [_, q_m, l_m] = max.evals.as_slice() else {
            return Err(Error::ProofShape {
                what: "softmax max evaluations",
                expected: 3,
                actual: max.evals.len(),
            });
        };
        let (Some((mu, evals)), true) =
            (zc.evals.split_last(), zc.evals.len() == ZC_INPUTS.len() + 1)
        else {
            return Err(Error::ProofShape {
                what: "softmax zerocheck evaluations",
                expected: ZC_INPUTS.len() + 1,
                actual: zc.evals.len(),
            });
        };
        let zc_col = zc.point.get(..log2(self.c)).unwrap_or(&[]);
        if !mu.enforce_equal(&super::prefix_mask(self.c, self.real, zc_col))? {
            return Err(Error::SuccinctEvaluation {
                what: "softmax real-class mask",
            });
        }
        let r: Vec<F> = r_col.iter().chain(r_row).cloned().collect();
        let half = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
        let halves: Vec<F> = r_col
            .iter()
            .map(|_| half.clone())
            .chain(r_row.iter().cloned())
            .collect();
        let inv_c = Fr::from(self.c as u64).inverse().unwrap_or_default();
        let at = |point: &[F], value: &F| TensorClaim {
            point: point.to_vec(),
            value: value.clone(),
        };
        let mut out: SoftmaxClaims<F> = vec![
            ("gap", at(&r, d)),
            ("real_logits", at(&r, l)),
            ("chunk0", at(&r, c0)),
            ("chunk1", at(&r, c1)),
            ("chunk2", at(&r, c2)),
            ("chunk3", at(&r, c3)),
            ("sums", at(r_row, s)),
            ("prob_rem", at(&r, rp)),
            (SLACK, at(&r, z)),
            ("max_onehot", at(&max.point, q_m)),
            ("logits", at(&max.point, l_m)),
            // Rows of Q sum to 1; rows of X sum to S.
            ("max_onehot", at(&halves, &F::constant(inv_c))),
            ("real_exp", at(&halves, &s.mul_const(inv_c))),
        ];
        let zc_row = zc.point.get(log2(self.c)..).unwrap_or(&[]);
        for (name, value) in ZC_INPUTS.iter().zip(evals) {
            if *name == "sums" {
                // S broadcast over columns: its MLE ignores the column variables.
                out.push(("sums", at(zc_row, value)));
            } else {
                out.push((name, at(&zc.point, value)));
            }
        }
        Ok(out)
    }
}

/// Proves the softmax relations; returns the proof and the claims by tensor.
pub fn prove_softmax(
    shape: SoftmaxShape,
    w: &SoftmaxWitness,
    t: &mut NativeTranscript,
) -> Result<(SoftmaxProof<Fr>, SoftmaxClaims<Fr>), Error> {
    let (rows, c) = (shape.rows, shape.c);
    if w.tensors.len() != TENSORS.len() + 1 {
        return Err(Error::StatementShape {
            what: "softmax witness tensors",
            expected: TENSORS.len() + 1,
            actual: w.tensors.len(),
        });
    }
    for ((_, expected), v) in shape.tensor_lens().zip(&w.tensors) {
        if v.len() != expected {
            return Err(Error::StatementShape {
                what: "softmax witness tensor (rows, or rows × columns)",
                expected,
                actual: v.len(),
            });
        }
    }
    let (r_col, r_row) = shape.start(t)?;
    let r: Vec<Fr> = r_col.iter().chain(&r_row).copied().collect();
    let eval = |name: &str, p: &[Fr]| evaluate_dense(w.get(name), p);
    let eq_row = eq_table(&r_row);
    let m_val: Fr = (0..rows)
        .into_par_iter()
        .map(|i| {
            let q = &w.get("max_onehot")[i * c..(i + 1) * c];
            let l = &w.get("logits")[i * c..(i + 1) * c];
            eq_row[i] * q.iter().zip(l).map(|(a, b)| *a * b).sum::<Fr>()
        })
        .sum();
    let values = vec![
        eval("gap", &r)?,
        eval("real_logits", &r)?,
        m_val,
        eval("chunk0", &r)?,
        eval("chunk1", &r)?,
        eval("chunk2", &r)?,
        eval("chunk3", &r)?,
        eval("sums", &r_row)?,
        eval("prob_rem", &r)?,
        eval(SLACK, &r)?,
    ];
    t.absorb(labels::SOFTMAX_VALUES, &values)?;
    shape.linear(&r_col, &values)?;

    let eq_full: Vec<Fr> = (0..rows * c).map(|idx| eq_row[idx / c]).collect();
    let mut inst = ProverInstance::new(
        vec![
            eq_full,
            w.get("max_onehot").to_vec(),
            w.get("logits").to_vec(),
        ],
        Product(3),
    )?;
    let (max, max_out) = prove(&mut inst, m_val, t)?;
    let gamma = t.challenge(labels::SOFTMAX_POINT)?;
    let mut tables: Vec<Vec<Fr>> = ZC_INPUTS
        .iter()
        .map(|name| {
            if *name == "sums" {
                (0..rows * c).map(|idx| w.get("sums")[idx / c]).collect()
            } else {
                w.get(name).to_vec()
            }
        })
        .collect();
    tables.push(
        (0..rows * c)
            .map(|idx| Fr::from(u64::from(idx % c < shape.real)))
            .collect(),
    );
    let rel = Relations {
        gamma,
        two_s: Fr::from(1u64 << shape.scale),
    };
    let (zerocheck, zc_out) = prove_zerocheck(tables, rel, t)?;
    let claims = shape.claims(&r_col, &r_row, &values, &max_out, &zc_out)?;
    Ok((
        SoftmaxProof {
            values,
            max,
            zerocheck,
        },
        claims,
    ))
}

/// Verifies the softmax relations; returns the claims by tensor.
pub fn verify_softmax<F: FieldOps, S: SpongeOps<F>>(
    shape: SoftmaxShape,
    proof: &SoftmaxProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<SoftmaxClaims<F>, Error> {
    let (r_col, r_row) = shape.start(t)?;
    t.absorb(labels::SOFTMAX_VALUES, &proof.values)?;
    shape.linear(&r_col, &proof.values)?;
    let m_val = proof.values.get(2).cloned().ok_or(Error::ProofShape {
        what: "softmax values",
        expected: 10,
        actual: proof.values.len(),
    })?;
    let max = verify(
        VerifierInstance {
            num_vars: r_col.len() + r_row.len(),
            composition: &Product(3),
            claim: m_val,
        },
        &proof.max,
        t,
    )?;
    let Some(e) = max.evals.first() else {
        return Err(Error::ProofShape {
            what: "softmax max evaluations",
            expected: 3,
            actual: 0,
        });
    };
    let row_point = max.point.get(r_col.len()..).unwrap_or(&[]);
    if !e.enforce_equal(&crate::poly::eq_eval(&r_row, row_point))? {
        return Err(Error::SuccinctEvaluation {
            what: "softmax eq(r_row, ·)",
        });
    }
    let gamma = t.challenge(labels::SOFTMAX_POINT)?;
    let rel = Relations {
        gamma,
        two_s: Fr::from(1u64 << shape.scale),
    };
    let zc = verify_zerocheck(r_col.len() + r_row.len(), &rel, &proof.zerocheck, t)?;
    shape.claims(&r_col, &r_row, &proof.values, &max, &zc)
}
