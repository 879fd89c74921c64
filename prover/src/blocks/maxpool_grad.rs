//! A max pool's backward pass in training, for any window (k×k, stride, padding, overlapping
//! or not): each pooled gradient goes to the *first* maximum of its window (taps in row-major
//! order t = ky·kw + kx, taps reading padding skipped) and the input gradient sums what every
//! window hands each position — exactly as [`crate::train`] routes it.
//!
//! Tensors. In the forward block's window layout (rows (n, p) for the output positions p,
//! columns (t, c) for the padded taps t < T and channels c; variables c, t, p, n from the
//! lowest): the differences D = O + H − Xcol − H·M ≥ 0 (committed and range-checked by the
//! forward block, [`super::maxpool`]), the selection S and the slack E (committed here). The
//! pooled gradient G_out (variables c, p, n) and the gradient handed down G_in (the pool's
//! input layout, variables c, q, n) are committed. Relations:
//!   (1) S(S − 1) = 0 and S·D = 0 everywhere: S is Boolean and set only where D = 0, on a
//!       maximum;
//!   (2) Σ_t S = 1 for every (c, p, n): one tap per window;
//!   (3) E = D − B with B(t) = Σ_{t′ > t} S(t′) (1 on the taps strictly before the selected
//!       one) and E ≥ 0, range-checked by the caller: every tap before the selected one has
//!       D ≥ 1, so the selected tap is the first with D = 0;
//!   (4) G_in = col2im(S ⊙ UP_G), UP_G(c, t, p, n) = G_out(c, p, n): the window's gradient on
//!       its selected tap, summed over the (tap, position) pairs reading each input position.
//!
//! Protocol, in transcript order: the statement (m, the geometry); the point r on G_in's
//! variables; the prover's G̃_in(r), absorbed; γ and τ; one sumcheck over the window layout of
//!   eq(τ, x)·(S² − S + γ·S·D) + γ²·W(x)·S·UP_G = γ²·G̃_in(r),
//! W(c, t, p, n) = eq(r_c, c)·eq(r_n, n)·[src(t, p) = ·]~(r_q) — its final values at ρ absorbed,
//! eq(τ, ρ) and W̃(ρ) checked by the verifier itself (the index map in O(K·positions), as the
//! gather's); the prover's Ẽ(ρ) and S̃(ρ | t′) for every padded tap t′, absorbed; the tap
//! point r′. The verifier checks Σ_t′ S̃(ρ | t′) = 1 (relation (2)'s MLE at (ρ_c, ρ_p, ρ_n)),
//! Σ_t′ eq(ρ_t, t′)·S̃(ρ | t′) = S̃(ρ) (the sumcheck's value) and Ẽ(ρ) = D̃(ρ) −
//! Σ_t′ L(ρ_t, t′)·S̃(ρ | t′) with L(x, t′) = Σ_{t < t′} eq(x, t) (relation (3)), and emits
//! claims on S at (ρ_c, r′, ρ_p, ρ_n) (value Σ_t′ eq(r′, t′)·S̃(ρ | t′)), D and E at ρ, G_out at
//! (ρ_c, ρ_p, ρ_n) and G_in at r. Every tensor is committed before the statement, so each
//! challenge follows every value it combines.
//!
//! Soundness: the batched claim is a polynomial of degree 2 in γ and multilinear in τ whose
//! coefficients are the MLEs of (1)'s two terms at τ and col2im(S ⊙ UP_G)~(r) − G̃_in(r): if
//! (1) or (4) fails somewhere it vanishes with probability ≤ (vars + 2)/|Fr| (plus the
//! sumcheck's 3·vars/|Fr|; (4) at a random r, log|G_in|/|Fr|); (2) and (3) are multilinear
//! identities checked at ρ, drawn after every commitment (vars/|Fr|), and wrong tap values make
//! the S claim false except with probability log T/|Fr|. With (1)–(3), S selects the first tap
//! with D = 0. That is the trainer's first maximum when every tap reading padding has D > 0:
//! there D = O + H, so it needs O > −H = −2^(b−1), which holds when the pool's input is
//! non-negative (a ReLU's output, range-checked by the caller — the training statement puts a
//! ReLU layer under every pool): O is then the maximum of real values ≥ 0. Padded taps
//! (t ≥ kh·kw) and the layout's padded output positions read no input, so col2im drops them.

use super::conv::{gather_eval, scatter_table};
use super::{NamedClaims, TensorClaim, concat, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::{eq_eval, eq_table, eq_table_generic, evaluate_dense};
use crate::sumcheck::{
    Composition, ProverInstance, SumcheckProof, VerifierInstance, prove, verify,
};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use rayon::prelude::*;
use std::borrow::Cow;

/// The public shape: the pool's windows over m examples (every iteration's batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPoolGrad {
    /// Examples (every iteration's batch).
    pub m: usize,
    /// The windows (in_c the padded channels).
    pub geometry: ConvGeometry,
}

/// A proof: G̃_in(r), the batched sumcheck, and Ẽ(ρ), S̃(ρ | t′) for each padded tap t′.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxPoolGradProof<F> {
    /// G̃_in at the block's point r.
    pub grad_in: F,
    /// Relations (1) and (4) in one sumcheck.
    pub sumcheck: SumcheckProof<F>,
    /// Ẽ(ρ), then S̃ at ρ with the tap variables set to each padded tap.
    pub values: Vec<F>,
}

/// eq·(S² − S + γ·S·D) + γ²·W·S·UP_G over [eq(τ, ·), W, S, D, UP_G].
struct Relations<F> {
    gamma: F,
    gamma2: F,
}

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        5
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [eq, w, s, d, up_g] = v else {
            return F::zero();
        };
        let zero = s.mul(s).sub(s).add(&self.gamma.mul(&s.mul(d)));
        eq.mul(&zero).add(&self.gamma2.mul(&w.mul(&s.mul(up_g))))
    }
}

/// Variable counts of the window layout's parts and of G_in.
struct Vars {
    c: usize,
    t: usize,
    p: usize,
    n: usize,
    q: usize,
}

impl Vars {
    fn window(&self) -> usize {
        self.c + self.t + self.p + self.n
    }
    fn grad_in(&self) -> usize {
        self.c + self.q + self.n
    }
}

impl MaxPoolGrad {
    fn vars(&self) -> Result<Vars, Error> {
        let g = &self.geometry;
        ensure(
            [self.m, g.in_c]
                .iter()
                .all(|d| d.is_power_of_two() && *d <= 1 << 24)
                && g.kh * g.kw <= super::maxpool::MAX_TAPS
                && g.pads[0].max(g.pads[2]) < g.kh
                && g.pads[1].max(g.pads[3]) < g.kw
                && g.limit().is_none(),
            "max-pool backward",
            "examples and channels must be powers of two of at most 2^24, the window at most \
             the forward block's taps, its pads below the kernel and within the geometry's \
             limits",
        )?;
        let v = Vars {
            c: log2(g.in_c),
            t: log2(g.taps_pad()),
            p: log2(g.out_positions()),
            n: log2(self.m),
            q: log2(g.in_positions()),
        };
        if v.window() > crate::sumcheck::MAX_VARS {
            return Err(Error::TooLarge {
                what: "max-pool backward variables",
                value: v.window(),
                max: crate::sumcheck::MAX_VARS,
            });
        }
        Ok(v)
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(Vars, Vec<F>), Error> {
        let v = self.vars()?;
        let mut words = vec![self.m];
        words.extend(self.geometry.words());
        t.absorb_usizes(labels::MAXPOOL_GRAD_STATEMENT, &words)?;
        let r = t.challenges(labels::MAXPOOL_GRAD_POINT, v.grad_in())?;
        Ok((v, r))
    }

    /// γ, γ² and τ, drawn after G̃_in(r) is absorbed.
    fn batch<F: FieldOps, S: SpongeOps<F>>(
        v: &Vars,
        grad_in: &F,
        t: &mut Transcript<F, S>,
    ) -> Result<(Relations<F>, Vec<F>), Error> {
        t.absorb(labels::MAXPOOL_GRAD_VALUES, std::slice::from_ref(grad_in))?;
        let gamma: F = t.challenge(labels::MAXPOOL_GRAD_BATCH)?;
        let tau = t.challenges(labels::MAXPOOL_GRAD_BATCH, v.window())?;
        let gamma2 = gamma.mul(&gamma);
        Ok((Relations { gamma, gamma2 }, tau))
    }

    /// Absorbs Ẽ(ρ) and the tap values, draws r′ and returns the block's claims; with
    /// `check` (the verifier), first checks (2) and (3) at ρ and the tap values against the
    /// sumcheck's S̃(ρ).
    #[allow(clippy::too_many_arguments)]
    fn claims<F: FieldOps, S: SpongeOps<F>>(
        v: &Vars,
        r: &[F],
        grad_in: &F,
        rho: &[F],
        evals: &[F],
        values: &[F],
        check: bool,
        t: &mut Transcript<F, S>,
    ) -> Result<NamedClaims<F>, Error> {
        let taps = 1usize << v.t;
        let ([_, _, s, d, up_g], [e, tap_values @ ..]) = (evals, values) else {
            return Err(Error::ProofShape {
                what: "max-pool backward evaluations",
                expected: 6 + taps,
                actual: evals.len() + values.len(),
            });
        };
        if tap_values.len() != taps {
            return Err(Error::ProofShape {
                what: "max-pool backward tap values",
                expected: taps,
                actual: tap_values.len(),
            });
        }
        if rho.len() != v.window() {
            return Err(Error::ProofShape {
                what: "max-pool backward point",
                expected: v.window(),
                actual: rho.len(),
            });
        }
        let (rho_c, rest) = rho.split_at(v.c);
        let (rho_t, rho_pn) = rest.split_at(v.t);
        let dot = |weights: &[F]| {
            weights
                .iter()
                .zip(tap_values)
                .fold(F::zero(), |acc, (w, s)| acc.add(&w.mul(s)))
        };
        if check {
            let sum = tap_values.iter().fold(F::zero(), |acc, s| acc.add(s));
            if !sum.enforce_equal(&F::one())? {
                return Err(Error::SuccinctEvaluation {
                    what: "max-pool window sum Σ_t S = 1",
                });
            }
            let at_rho = eq_table_generic(rho_t);
            if !dot(&at_rho).enforce_equal(s)? {
                return Err(Error::SuccinctEvaluation {
                    what: "max-pool selection S̃(ρ) from its taps",
                });
            }
            // B̃(ρ) = Σ_t′ L(ρ_t, t′)·S̃(ρ | t′), L(x, t′) = Σ_{t < t′} eq(x, t).
            let mut before = Vec::with_capacity(taps);
            let mut acc = F::zero();
            for w in &at_rho {
                before.push(acc.clone());
                acc = acc.add(w);
            }
            if !e.add(&dot(&before)).enforce_equal(d)? {
                return Err(Error::SuccinctEvaluation {
                    what: "max-pool first maximum E = D − B",
                });
            }
        }
        t.absorb(labels::MAXPOOL_GRAD_VALUES, values)?;
        let r_tap = t.challenges(labels::MAXPOOL_GRAD_POINT, v.t)?;
        let at = |point: Vec<F>, value: F| TensorClaim { point, value };
        Ok(vec![
            (
                "select",
                at(
                    concat(&[rho_c, r_tap.as_slice(), rho_pn]),
                    dot(&eq_table_generic(&r_tap)),
                ),
            ),
            ("diff", at(rho.to_vec(), d.clone())),
            ("slack", at(rho.to_vec(), e.clone())),
            ("grad_out", at(concat(&[rho_c, rho_pn]), up_g.clone())),
            ("grad_in", at(r.to_vec(), grad_in.clone())),
        ])
    }
}

/// The window tensors' values per padded tap at ρ with the tap variables left free:
/// Σ_{c, p, n} eq(ρ_c, c)·eq(ρ_pn, (p, n))·S(c, t, p, n) for each t.
fn at_taps(s: &[Fr], v: &Vars, rho: &[Fr]) -> Vec<Fr> {
    let (rho_c, rest) = rho.split_at(v.c.min(rho.len()));
    let rho_pn = rest.get(v.t..).unwrap_or_default();
    let (ec, epn) = (eq_table(rho_c), eq_table(rho_pn));
    let (c, taps) = (ec.len(), 1usize << v.t);
    s.par_chunks(c * taps)
        .zip(&epn)
        .map(|(block, w)| {
            let mut out = vec![Fr::ZERO; taps];
            for (o, row) in out.iter_mut().zip(block.chunks(c)) {
                *o = *w * row.iter().zip(&ec).map(|(a, b)| *a * b).sum::<Fr>();
            }
            out
        })
        .reduce(
            || vec![Fr::ZERO; taps],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// Proves the max pool's backward pass from S, D, E (window layout), G_out and G_in;
/// returns the proof and the claims named `select`, `diff`, `slack`, `grad_out`, `grad_in`.
pub fn prove_maxpool_grad(
    shape: MaxPoolGrad,
    [s, d, e, g_out, g_in]: [&[Fr]; 5],
    t: &mut NativeTranscript,
) -> Result<(MaxPoolGradProof<Fr>, NamedClaims<Fr>), Error> {
    let (v, r) = shape.start(t)?;
    let g = &shape.geometry;
    for (what, tensor, vars) in [
        ("max-pool selection (window layout)", s, v.window()),
        ("max-pool differences (window layout)", d, v.window()),
        ("max-pool slack (window layout)", e, v.window()),
        ("max-pool output gradient", g_out, v.c + v.p + v.n),
        ("max-pool input gradient", g_in, v.grad_in()),
    ] {
        if tensor.len() != 1 << vars {
            return Err(Error::StatementShape {
                what,
                expected: 1 << vars,
                actual: tensor.len(),
            });
        }
    }
    let grad_in = evaluate_dense(g_in, &r)?;
    let (relations, tau) = MaxPoolGrad::batch(&v, &grad_in, t)?;
    let (r_c, rest) = r.split_at(v.c);
    let (r_q, r_n) = rest.split_at(v.q);
    let (ec, en, index) = (
        eq_table(r_c),
        eq_table(r_n),
        scatter_table(g, &eq_table(r_q)),
    );
    let (c, taps, tp) = (ec.len(), 1usize << v.t, index.len());
    let w: Vec<Fr> = (0..1usize << v.window())
        .into_par_iter()
        .map(|i| ec[i % c] * index[(i / c) % tp] * en[i / (c * tp)])
        .collect();
    let up_g: Vec<Fr> = (0..1usize << v.window())
        .into_par_iter()
        .map(|i| g_out[(i / (c * taps)) * c + i % c])
        .collect();
    let claim = relations.gamma2 * grad_in;
    let mut instance = ProverInstance::with_tables(
        vec![
            Cow::Owned(eq_table(&tau)),
            Cow::Owned(w),
            Cow::Borrowed(s),
            Cow::Borrowed(d),
            Cow::Owned(up_g),
        ],
        relations,
    )?;
    let (sumcheck, out) = prove(&mut instance, claim, t)?;
    let rho = out.point;
    let mut values = vec![evaluate_dense(e, &rho)?];
    values.extend(at_taps(s, &v, &rho));
    let claims = MaxPoolGrad::claims(&v, &r, &grad_in, &rho, &out.evals, &values, false, t)?;
    Ok((
        MaxPoolGradProof {
            grad_in,
            sumcheck,
            values,
        },
        claims,
    ))
}

/// Verifies a max pool's backward pass; returns the claims on S (`select`), D (`diff`),
/// E (`slack`), G_out (`grad_out`) and G_in (`grad_in`), for the caller to route.
///
/// Sound only as the module doc's argument says, so the caller must: route `diff` to the
/// forward block's committed, unsigned range-checked differences; range-check E unsigned;
/// and feed the pool a non-negative input (range-checked). With a signed input a window of
/// −H values whose tap 0 reads padding has D = 0 there too, and a selection of that padding
/// tap — dropping the gradient — would pass every check here.
pub fn verify_maxpool_grad<F: FieldOps, S: SpongeOps<F>>(
    shape: MaxPoolGrad,
    proof: &MaxPoolGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let (v, r) = shape.start(t)?;
    let (relations, tau) = MaxPoolGrad::batch(&v, &proof.grad_in, t)?;
    let claim = relations.gamma2.mul(&proof.grad_in);
    let out = verify(
        VerifierInstance {
            num_vars: v.window(),
            composition: &relations,
            claim,
        },
        &proof.sumcheck,
        t,
    )?;
    let rho = &out.point;
    let [eq, w, ..] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "max-pool backward evaluations",
            expected: 5,
            actual: out.evals.len(),
        });
    };
    if !eq.enforce_equal(&eq_eval(&tau, rho))? {
        return Err(Error::SuccinctEvaluation {
            what: "max-pool backward eq(τ, ρ)",
        });
    }
    if rho.len() != v.window() {
        return Err(Error::ProofShape {
            what: "max-pool backward point",
            expected: v.window(),
            actual: rho.len(),
        });
    }
    let (r_c, rest) = r.split_at(v.c);
    let (r_q, r_n) = rest.split_at(v.q);
    let (rho_c, rest) = rho.split_at(v.c);
    let (rho_t, rest) = rest.split_at(v.t);
    let (rho_p, rho_n) = rest.split_at(v.p);
    let index = gather_eval(&shape.geometry, rho_t, rho_p, r_q);
    let expected = eq_eval(r_c, rho_c).mul(&eq_eval(r_n, rho_n)).mul(&index);
    if !w.enforce_equal(&expected)? {
        return Err(Error::SuccinctEvaluation {
            what: "max-pool col2im weight W̃(ρ)",
        });
    }
    MaxPoolGrad::claims(
        &v,
        &r,
        &proof.grad_in,
        rho,
        &out.evals,
        &proof.values,
        true,
        t,
    )
}
