//! A 2×2, stride-2 max pool's backward pass in training: each pooled gradient goes to the
//! *first* maximum of its window (taps in row-major order t = 2·dy + dx), exactly as
//! [`crate::train`] routes it.
//!
//! Tensors in the pool's input layout (channels c, x, y — dx and dy the lowest bits of x and
//! y — then examples and iterations), all committed: the input X, the selection S, the
//! gradient handed down G_in and a slack E; virtual ones whose claims the caller routes with
//! the window bits dropped: UP_G (the pooled gradient repeated over each window) and UP_O (the
//! pooled maximum repeated). Relations:
//!   (1) S(S − 1) = 0, G_in = S·UP_G and S·(UP_O − X) = 0 everywhere (one zerocheck, γ-batched):
//!       S is Boolean, the gradient goes where S is set, and S is set only on maxima;
//!   (2) Σ over each window of S = 1: a multilinear identity over the pooled variables, checked
//!       by one claim S̃(ρ_c, ½, ρ_x′, ½, ρ_y′, ρ_rest) = 1/4 at the zerocheck's point;
//!   (3) E = UP_O − X − B with B = 1 − Σ_{t′ ≤ t} S_{t′} (1 on the taps strictly before the
//!       selected one) and E ≥ 0 range-checked by the caller: taps before the selected one are
//!       strictly below the maximum, so the selected tap is the first maximum. B is linear in
//!       S: B̃(ρ) = 1 − Σ_{t′} L_{t′}(ρ_dx, ρ_dy)·S̃(ρ with the window bits := t′), L_{t′} the MLE of
//!       [t ≥ t′] over the window bits, so the prover states Ẽ(ρ) and the four S̃(ρ | t′) and the
//!       verifier checks Ẽ + B̃ = UP_Õ − X̃ at ρ from the zerocheck's final values.
//!
//! Order: the statement (the layout's sizes) is absorbed, γ drawn, the zerocheck run (its
//! final evaluations absorbed), then the five values absorbed. Every tensor is committed before
//! the statement. Soundness: (1) fails the zerocheck except with probability O(vars)/|Fr|;
//! (2) and (3) are nonzero multilinear polynomials at ρ, drawn after every commitment, except
//! with probability vars/|Fr|; with O the window maximum (the forward max-pool block), S
//! selects exactly the first maximum of every window and G_in is the trainer's gradient.

use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::DenseMle;
use crate::sumcheck::{Composition, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;

/// The public shape: the pool's input map (h × w × c, channel-last) over m examples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPoolGrad {
    /// Examples (every iteration's batch).
    pub m: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Padded channels.
    pub c: usize,
}

/// A proof: the zerocheck and Ẽ(ρ), S̃(ρ | t′) for t′ = 0..4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxPoolGradProof<F> {
    /// The zerocheck of (1).
    pub zerocheck: SumcheckProof<F>,
    /// Ẽ(ρ), then S̃ at ρ with the window bits set to each tap.
    pub values: Vec<F>,
}

/// Tensor names of the zerocheck's inputs, in order.
const INPUTS: [&str; 5] = [
    "select",
    "grad_in",
    "upsampled_grad",
    "upsampled_output",
    "input",
];

/// S(S − 1) + γ(G_in − S·UP_G) + γ²·S·(UP_O − X) over [S, G_in, UP_G, UP_O, X].
struct Relations<F>(F);

impl<F: FieldOps> Composition<F> for Relations<F> {
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        5
    }
    fn evaluate(&self, v: &[F]) -> F {
        let [s, g_in, up_g, up_o, x] = v else {
            return F::zero();
        };
        let boolean = s.mul(s).sub(s);
        let routed = g_in.sub(&s.mul(up_g));
        let on_max = s.mul(&up_o.sub(x));
        boolean.add(&self.0.mul(&routed.add(&self.0.mul(&on_max))))
    }
}

impl MaxPoolGrad {
    /// (variables, index of dx, index of dy).
    fn layout(&self) -> Result<(usize, usize, usize), Error> {
        let dims = [self.m, self.h, self.w, self.c];
        ensure(
            dims.iter().all(|d| d.is_power_of_two() && *d <= 1 << 24) && self.h >= 2 && self.w >= 2,
            "max-pool backward",
            "examples, height, width and channels must be powers of two (the map at least 2×2)",
        )?;
        let vars = dims.iter().map(|d| log2(*d)).sum::<usize>();
        if vars > crate::sumcheck::MAX_VARS {
            return Err(Error::TooLarge {
                what: "max-pool backward variables",
                value: vars,
                max: crate::sumcheck::MAX_VARS,
            });
        }
        let dx = log2(self.c);
        Ok((vars, dx, dx + log2(self.w)))
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(&self, t: &mut Transcript<F, S>) -> Result<F, Error> {
        let (vars, dx, dy) = self.layout()?;
        t.absorb_usizes(labels::MAXPOOL_GRAD_STATEMENT, &[vars, dx, dy])?;
        Ok(t.challenge(labels::MAXPOOL_GRAD_POINT)?)
    }

    /// ρ with the window bits set to tap t′ (t′ = 2·dy + dx) or to ½.
    fn at_tap<F: FieldOps>(&self, rho: &[F], bits: [F; 2]) -> Result<Vec<F>, Error> {
        let (_, dx, dy) = self.layout()?;
        let mut p = rho.to_vec();
        for (i, b) in [dx, dy].into_iter().zip(bits) {
            *p.get_mut(i).ok_or(Error::ProofShape {
                what: "max-pool backward point",
                expected: dy + 1,
                actual: rho.len(),
            })? = b;
        }
        Ok(p)
    }

    fn claims<F: FieldOps>(
        &self,
        rho: &[F],
        evals: &[F],
        values: &[F],
    ) -> Result<NamedClaims<F>, Error> {
        let (_, dx, dy) = self.layout()?;
        let ([s, g_in, up_g, up_o, x], [e, taps @ ..]) = (evals, values) else {
            return Err(Error::ProofShape {
                what: "max-pool backward evaluations",
                expected: 10,
                actual: evals.len() + values.len(),
            });
        };
        if taps.len() != 4 {
            return Err(Error::ProofShape {
                what: "max-pool backward tap values",
                expected: 4,
                actual: taps.len(),
            });
        }
        let (u_dx, u_dy) = match (rho.get(dx), rho.get(dy)) {
            (Some(a), Some(b)) => (a.clone(), b.clone()),
            _ => {
                return Err(Error::ProofShape {
                    what: "max-pool backward point",
                    expected: dy + 1,
                    actual: rho.len(),
                });
            }
        };
        // B̃(ρ) = 1 − Σ_{t′} L_{t′}(u)·S̃(ρ | t′), L_{t′}(u) = Σ_{t ≥ t′} eq(u, t).
        let (one, zero) = (F::one(), F::zero());
        let eq = |u: &F, bit: usize| if bit == 1 { u.clone() } else { one.sub(u) };
        let mut b = one.clone();
        for (tp, s_tp) in taps.iter().enumerate() {
            let mut l = zero.clone();
            for tap in tp..4 {
                l = l.add(&eq(&u_dx, tap & 1).mul(&eq(&u_dy, tap >> 1)));
            }
            b = b.sub(&l.mul(s_tp));
        }
        if !e.add(&b).enforce_equal(&up_o.sub(x))? {
            return Err(Error::SuccinctEvaluation {
                what: "max-pool first maximum E = UP_O − X − B",
            });
        }
        let at = |p: Vec<F>, v: &F| TensorClaim {
            point: p,
            value: v.clone(),
        };
        let mut out: NamedClaims<F> = INPUTS
            .iter()
            .zip([s, g_in, up_g, up_o, x])
            .map(|(n, v)| (*n, at(rho.to_vec(), v)))
            .collect();
        out.push(("slack", at(rho.to_vec(), e)));
        for (tp, v) in taps.iter().enumerate() {
            let bits = [tp & 1, tp >> 1].map(|b| if b == 1 { one.clone() } else { zero.clone() });
            out.push(("select", at(self.at_tap(rho, bits)?, v)));
        }
        // Σ over each window of S = 1: S̃ at the window's half point is 1/4.
        let half = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
        let quarter = F::constant(Fr::from(4u64).inverse().unwrap_or_default());
        out.push((
            "select",
            at(self.at_tap(rho, [half.clone(), half])?, &quarter),
        ));
        Ok(out)
    }
}

/// Proves the max pool's backward pass; `tensors` are S, G_in, UP_G, UP_O, X (in [`INPUTS`]
/// order) and E, each over the pool's input layout.
pub fn prove_maxpool_grad(
    shape: MaxPoolGrad,
    tensors: [&[Fr]; 6],
    t: &mut NativeTranscript,
) -> Result<(MaxPoolGradProof<Fr>, NamedClaims<Fr>), Error> {
    let (vars, _, _) = shape.layout()?;
    if let Some(v) = tensors.iter().find(|v| v.len() != 1 << vars) {
        return Err(Error::StatementShape {
            what: "max-pool backward tensor (the pool's input layout)",
            expected: 1 << vars,
            actual: v.len(),
        });
    }
    let gamma = shape.start(t)?;
    let [s, g_in, up_g, up_o, x, e] = tensors;
    let (zerocheck, out) = prove_zerocheck(
        vec![
            s.to_vec(),
            g_in.to_vec(),
            up_g.to_vec(),
            up_o.to_vec(),
            x.to_vec(),
        ],
        Relations(gamma),
        t,
    )?;
    let rho = out.point;
    let s_mle = DenseMle::new(s.to_vec())?;
    let mut values = vec![DenseMle::new(e.to_vec())?.evaluate(&rho)?];
    for tp in 0..4usize {
        let bits = [tp & 1, tp >> 1].map(|b| Fr::from(b as u64));
        values.push(s_mle.evaluate(&shape.at_tap(&rho, bits)?)?);
    }
    t.absorb(labels::MAXPOOL_GRAD_VALUES, &values)?;
    let claims = shape.claims(&rho, &out.evals, &values)?;
    Ok((MaxPoolGradProof { zerocheck, values }, claims))
}

/// Verifies a max pool's backward pass; returns the claims on S (`select`, seven), G_in,
/// UP_G, UP_O, X (`input`) and E (`slack`).
pub fn verify_maxpool_grad<F: FieldOps, S: SpongeOps<F>>(
    shape: MaxPoolGrad,
    proof: &MaxPoolGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let (vars, _, _) = shape.layout()?;
    let gamma = shape.start(t)?;
    let out = verify_zerocheck(vars, &Relations(gamma), &proof.zerocheck, t)?;
    if proof.values.len() != 5 {
        return Err(Error::ProofShape {
            what: "max-pool backward values",
            expected: 5,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::MAXPOOL_GRAD_VALUES, &proof.values)?;
    shape.claims(&out.point, &out.evals, &proof.values)
}
