//! A convolution's back-propagated gradient in every training iteration at once:
//!   2^sh·U[t] + R[t] − 2^(sh−1) = col2im(G[t]·W[t]ᵀ),  t < T,
//! so U = round(col2im(G·Wᵀ) / 2^sh) with R ∈ [0, 2^sh) — the gradient a convolution hands to
//! the layer below ([`crate::train`]: summed over the (tap, position) pairs reading each input
//! position, rounded once). G (rows (n, p, t), the output channels lowest) and W (stacked over
//! t) are committed (G as the virtual M ⊙ dA of committed tensors), and so is U; the product
//! P = G·Wᵀ, its col2im and the remainder R never are. R is *defined* by the relation, and the
//! caller's range lookup reads it (scaled to its table) and leaves the claim R̃(r) = v at a
//! point r on U's variables (c, q, n, t) — the claim this block proves.
//!
//! Order: the statement (geometry, examples, output channels, iterations, shift) is absorbed;
//! the point r and v come from the lookup, run after the trace commitment binds G's tensors,
//! W and U (and with them R); the prover states Ũ(r), absorbed with v before anything else,
//! which fixes the claim col2im(P)~(r) = 2^sh·Ũ + v − 2^(sh−1). The col2im sumcheck
//! ([`super::conv::prove_scatter`]) reduces it to a claim on P at (r_c, ρ_tap, ρ_p, r_n, r_t),
//! and the iterated contraction ([`super::iterate`], R read transposed) reduces that to claims
//! on G and W. Soundness: a false v, or an R the lookup read that is not the relation's,
//! survives only with the lookup's soundness error plus the two sumchecks' O(log)/|Fr|; the
//! caller range-checks U (signed b-bit) and R, and G and W are small, so the field identity is
//! the integer one (|col2im(P)| < 2^(2b + 40) ≪ |Fr|) and R an integer the range column bounds
//! exactly.

use super::conv::{GatherProof, prove_scatter_folded, verify_scatter};
use super::iterate::{Contraction, ContractionClaims, Operand};
use super::iterate::{prove_contraction_at, verify_contraction_at};
use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::evaluate_dense;
use crate::sumcheck::SumcheckProof;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// The public shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvBackprop {
    /// The convolution (in_c its padded input channels).
    pub geometry: ConvGeometry,
    /// Examples per iteration (the batch).
    pub m: usize,
    /// Padded output channels.
    pub n: usize,
    /// Iterations T.
    pub t: usize,
    /// The rescale shift sh (s plus the gradient's extra scale bits).
    pub shift: u32,
}

/// A proof: Ũ(r) at the remainder's point, the col2im sumcheck and the contraction sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvBackpropProof<F> {
    /// Ũ(r).
    pub values: Vec<F>,
    /// col2im: the claim on col2im(P) to one on P.
    pub scatter: GatherProof<F>,
    /// P = G·Wᵀ: the claim on P to claims on G and W.
    pub contraction: SumcheckProof<F>,
}

impl ConvBackprop {
    /// P[t] = G[t]·W[t]ᵀ: rows m·out_positions, columns taps·in_c, contracted over n.
    fn contraction(&self) -> Contraction {
        let g = &self.geometry;
        Contraction {
            a: self.m * g.out_positions(),
            b: g.taps_pad() * g.in_c,
            c: self.n,
            t: self.t,
            left: Operand::Plain,
            right: Operand::Transposed,
        }
    }

    /// log2 of U's size: (in_c, in_positions, m, t).
    fn vars(&self) -> usize {
        let g = &self.geometry;
        log2(g.in_c) + log2(g.in_positions()) + log2(self.m) + log2(self.t)
    }

    /// Absorbs the statement and checks the remainder's point `at` is on U's variables.
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        at: &[F],
        t: &mut Transcript<F, S>,
    ) -> Result<(), Error> {
        let g = &self.geometry;
        const BLOCK: &str = "convolution back-propagation";
        ensure(
            [g.in_c, g.in_positions(), self.m, self.n, self.t]
                .iter()
                .all(|d| d.is_power_of_two() && *d <= 1 << 24),
            BLOCK,
            "channels, positions, examples and iterations must be powers of two of at most 2^24",
        )?;
        ensure(
            (1..=60).contains(&self.shift),
            BLOCK,
            "the shift must be between 1 and 60",
        )?;
        ensure(
            g.limit().is_none(),
            BLOCK,
            "the window exceeds what a statement admits",
        )?;
        let mut words = g.words().to_vec();
        words.extend([
            log2(self.m),
            log2(self.n),
            log2(self.t),
            self.shift as usize,
        ]);
        t.absorb_usizes(labels::CONV_BACKPROP_STATEMENT, &words)?;
        if at.len() != self.vars() {
            return Err(Error::ProofShape {
                what: "convolution back-propagation remainder point",
                expected: self.vars(),
                actual: at.len(),
            });
        }
        Ok(())
    }

    /// The stated Ũ with the remainder's value v: what the transcript absorbs and the
    /// relation reads.
    fn stated<F: Clone>(values: &[F], remainder: &F) -> Result<[F; 2], Error> {
        let [u] = values else {
            return Err(Error::ProofShape {
                what: "convolution back-propagation values",
                expected: 1,
                actual: values.len(),
            });
        };
        Ok([u.clone(), remainder.clone()])
    }

    /// col2im(P)~(r) = 2^sh·Ũ + R̃ − 2^(sh−1).
    fn claim<F: FieldOps>(&self, r: &[F], [u, rem]: &[F; 2]) -> Result<TensorClaim<F>, Error> {
        let half = Fr::from(2u64).pow([u64::from(self.shift - 1)]);
        Ok(TensorClaim {
            point: r.to_vec(),
            value: u.mul_const(half.double()).add(rem).add_const(-half),
        })
    }

    /// The contraction's point (r_a, r_b, r_t) from the claim on P at (c, tap, p, n, t).
    fn contraction_point<F: Clone>(&self, point: &[F]) -> Result<[Vec<F>; 3], Error> {
        let c = self.contraction();
        let (lb, la, lt) = (log2(c.b), log2(c.a), log2(c.t));
        if point.len() != lb + la + lt {
            return Err(Error::ProofShape {
                what: "col2im claim point on G·Wᵀ",
                expected: lb + la + lt,
                actual: point.len(),
            });
        }
        let (r_b, rest) = point.split_at(lb);
        let (r_a, r_t) = rest.split_at(la);
        Ok([r_a.to_vec(), r_b.to_vec(), r_t.to_vec()])
    }

    /// The claims on G, W and U (the remainder's claim is the caller's, proven here).
    fn claims<F: Clone>(r: &[F], u: &F, c: ContractionClaims<F>) -> NamedClaims<F> {
        vec![
            ("grad", c.left),
            ("weight", c.right),
            (
                "delta",
                TensorClaim {
                    point: r.to_vec(),
                    value: u.clone(),
                },
            ),
        ]
    }
}

/// Proves U = round(col2im(G·Wᵀ) / 2^sh) in every iteration at the caller's claim on the
/// virtual remainder R (`remainder`, from the range lookup); returns the claims on G
/// (`grad`), W (`weight`) and U (`delta`).
pub fn prove_conv_backprop(
    shape: ConvBackprop,
    grad: &[Fr],
    weight: &[Fr],
    delta: &[Fr],
    remainder: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
) -> Result<(ConvBackpropProof<Fr>, NamedClaims<Fr>), Error> {
    let c = shape.contraction();
    let u_len = 1usize << shape.vars();
    ensure_lens(&[
        ("back-propagated gradient U", u_len, delta.len()),
        ("gradient G (t × rows × n)", c.t * c.a * c.c, grad.len()),
        ("weights W (t × k × n)", c.t * c.b * c.c, weight.len()),
    ])?;
    let r = &remainder.point;
    shape.start(r, t)?;
    let values = vec![evaluate_dense(delta, r)?];
    let stated = ConvBackprop::stated(&values, &remainder.value)?;
    t.absorb(labels::CONV_BACKPROP_VALUES, &stated)?;
    let claim = shape.claim(r, &stated)?;
    // P = G·Wᵀ per iteration (rows (n, p, t), columns (tap, c)) is never committed, nor
    // materialized: the scatter reads only its fold, which factors ([`fold_product`]).
    let (scatter, on_p) = prove_scatter_folded(&shape.geometry, &claim, t, |ec, en| {
        fold_product(&shape, grad, weight, ec, en)
    })?;
    let rs = shape.contraction_point(&on_p.point)?;
    let (contraction, cl) = prove_contraction_at(c, grad, weight, &rs, on_p.value, t)?;
    let [u, _] = &stated;
    let claims = ConvBackprop::claims(r, u, cl);
    Ok((
        ConvBackpropProof {
            values,
            scatter,
            contraction,
        },
        claims,
    ))
}

/// P(r_c, tap, p, r_n) over (tap, position), tap lowest, for P = G·Wᵀ, without materializing
/// P: Σ_t Σ_j Ĝ[t, p, j]·Ŵ[t, tap, j] with G folded over the examples,
/// Ĝ[t, p, j] = Σ_e eq(r_n, (e, t))·G[(e, t), p, j], and W over the input channels,
/// Ŵ[t, tap, j] = Σ_c eq(r_c, c)·W[t, (tap, c), j] (`ec`, `en` those eq tables).
fn fold_product(
    shape: &ConvBackprop,
    grad: &[Fr],
    weight: &[Fr],
    ec: &[Fr],
    en: &[Fr],
) -> Result<Vec<Fr>, Error> {
    let (c, geometry) = (shape.contraction(), shape.geometry);
    let n = c.c;
    let (rows, taps, in_c) = (geometry.out_positions(), geometry.taps_pad(), geometry.in_c);
    let (m, b) = (shape.m, c.b);
    if en.len() != m * c.t || ec.len() != in_c {
        return Err(Error::StatementShape {
            what: "col2im fold tables (examples × iterations, input channels)",
            expected: m * c.t + in_c,
            actual: en.len() + ec.len(),
        });
    }
    let g_hat: Vec<Fr> = (0..c.t * rows * n)
        .into_par_iter()
        .map(|i| {
            let (it, pos, j) = (i / (rows * n), (i / n) % rows, i % n);
            (0..m)
                .map(|e| {
                    let row = (it * m + e) * rows + pos;
                    en[it * m + e] * grad[row * n + j]
                })
                .sum()
        })
        .collect();
    let w_hat: Vec<Fr> = (0..c.t * taps * n)
        .into_par_iter()
        .map(|i| {
            let (it, tap, j) = (i / (taps * n), (i / n) % taps, i % n);
            ec.iter()
                .enumerate()
                .map(|(ch, e)| *e * weight[(it * b + tap * in_c + ch) * n + j])
                .sum()
        })
        .collect();
    Ok((0..rows * taps)
        .into_par_iter()
        .map(|i| {
            let (tap, pos) = (i % taps, i / taps);
            (0..c.t)
                .map(|it| {
                    let gh = &g_hat[(it * rows + pos) * n..(it * rows + pos + 1) * n];
                    let wh = &w_hat[(it * taps + tap) * n..(it * taps + tap + 1) * n];
                    gh.iter().zip(wh).map(|(x, y)| *x * y).sum::<Fr>()
                })
                .sum()
        })
        .collect())
}

/// Verifies a convolution back-propagation proof at the caller's claim on the virtual
/// remainder; returns the claims on G, W and U.
pub fn verify_conv_backprop<F: FieldOps, S: SpongeOps<F>>(
    shape: ConvBackprop,
    proof: &ConvBackpropProof<F>,
    remainder: &TensorClaim<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let r = &remainder.point;
    shape.start(r, t)?;
    let stated = ConvBackprop::stated(&proof.values, &remainder.value)?;
    t.absorb(labels::CONV_BACKPROP_VALUES, &stated)?;
    let claim = shape.claim(r, &stated)?;
    let on_p = verify_scatter(&shape.geometry, &proof.scatter, &claim, t)?;
    let rs = shape.contraction_point(&on_p.point)?;
    let cl = verify_contraction_at(shape.contraction(), &proof.contraction, &rs, on_p.value, t)?;
    let [u, _] = &stated;
    Ok(ConvBackprop::claims(r, u, cl))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;

    /// The factored fold is the fold of the materialized P = G·Wᵀ, (Σ_n eq(r_n, n)·Σ_c
    /// eq(r_c, c)·P[(n, p), (tap, c)]), on a strided, padded geometry.
    #[test]
    fn the_factored_fold_is_the_fold_of_the_product() {
        let geometry = ConvGeometry::window((4, 4, 2), [3, 3], [2, 1], [1, 0, 1, 1]).unwrap();
        let shape = ConvBackprop {
            geometry,
            m: 2,
            n: 4,
            t: 2,
            shift: 8,
        };
        let c = shape.contraction();
        let mut rng = ark_std::test_rng();
        let mut random = |len: usize| -> Vec<Fr> { (0..len).map(|_| Fr::rand(&mut rng)).collect() };
        let (grad, weight) = (random(c.t * c.a * c.c), random(c.t * c.b * c.c));
        let (ec, en) = (random(geometry.in_c), random(shape.m * c.t));
        let (rows, taps, in_c) = (geometry.out_positions(), geometry.taps_pad(), geometry.in_c);
        let p = |grow: usize, col: usize| -> Fr {
            let it = grow / c.a;
            (0..c.c)
                .map(|j| grad[grow * c.c + j] * weight[(it * c.b + col) * c.c + j])
                .sum()
        };
        let naive: Vec<Fr> = (0..rows * taps)
            .map(|i| {
                let (tap, pos) = (i % taps, i / taps);
                (0..en.len())
                    .map(|n| {
                        en[n]
                            * (0..in_c)
                                .map(|ch| ec[ch] * p(n * rows + pos, tap * in_c + ch))
                                .sum::<Fr>()
                    })
                    .sum()
            })
            .collect();
        assert_eq!(
            fold_product(&shape, &grad, &weight, &ec, &en).unwrap(),
            naive
        );
    }

    /// The contraction's point splits the claim on P at (c, tap | p, n | t).
    #[test]
    fn the_point_on_p_splits_into_columns_rows_and_iterations() {
        let geometry = ConvGeometry::window((4, 4, 2), [3, 3], [1, 1], [1; 4]).unwrap();
        let shape = ConvBackprop {
            geometry,
            m: 2,
            n: 4,
            t: 4,
            shift: 8,
        };
        // in_c 2 (1 var) + taps 16 (4) | positions 16 (4) + examples 2 (1) | iterations (2).
        let point: Vec<usize> = (0..12).collect();
        let [r_a, r_b, r_t] = shape.contraction_point(&point).unwrap();
        assert_eq!(r_b, (0..5).collect::<Vec<_>>());
        assert_eq!(r_a, (5..10).collect::<Vec<_>>());
        assert_eq!(r_t, vec![10, 11]);
        assert!(shape.contraction_point(&point[1..]).is_err());
    }
}
