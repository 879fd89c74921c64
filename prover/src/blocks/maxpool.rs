//! Max pooling over windows gathered as a convolution gathers them (im2col, [`super::conv`]),
//! as a zerocheck of a product and one linear relation.
//!
//! X is a channel-last batch of signed b-bit values (range-checked by whoever produced it);
//! Xcol is its window gather: rows (n, p) for the output positions p, columns (t, c) for the
//! taps t < T (the kh·kw real taps padded to a power of two) and channels c, zero where a tap
//! reads padding or t ≥ K = kh·kw. Shift every value by H = 2^(b−1): X' = X + H ∈ [0, 2^b),
//! and X'col = Xcol + H·M with M(t, p) = 1 where tap t of position p reads inside the image.
//! Padding and padded taps then read 0 ≤ every real value, so max(X'col over a window) is
//! the max of its real values, shifted. Every real output position has a real tap (pads are
//! smaller than the kernel); the layout's padded output positions (an output size that is not
//! a power of two) have none, and count their tap 0 — which reads Xcol = 0 there — as real
//! (M = 1): their output is 0, like every padded position of every other layer, so a residual
//! sum or range check over the whole tensor sees no −H ([`mask`]).
//!
//! The output O is committed; the differences D = O' − X'col (O' = O + H, for every tap t < T)
//! are committed by the training statement and virtual in the model statement (below).
//! Relation: O[(n, p), c] = max_t Xcol[(n, p), (t, c)] over the real taps ⇔
//!   (1) D ∈ [0, 2^b) everywhere (range-checked by the caller: O' ≥ every X'col),
//!   (2) Π_{t < K} D[(n, p), (t, c)] = 0 for every (n, p, c) (O' equals one real tap),
//!   (3) D = (O + H) − Xcol − H·M as tensors.
//!
//! Protocol, in transcript order: the statement (m, b, the geometry); a zerocheck of (2) over
//! y = (c, p, n) with the K tap slices of D as inputs (τ drawn after the statement), ending at
//! ρ with the K values D̃(ρ, t); the prover's D̃(ρ, t) for the padded taps K ≤ t < T, absorbed;
//! the tap point r_t; the prover's Õ(ρ) and X̃col(ρ, r_t), absorbed. The verifier checks (3)
//! at (ρ, r_t): Σ_t eq(r_t, t)·D̃(ρ, t) = Õ(ρ) + H − X̃col(ρ, r_t) − H·M̃(r_t, ρ_p), computing
//! M̃ itself in O(K·positions), and emits three claims: D at (ρ, r_t), O at ρ, Xcol at
//! (ρ, r_t) (the caller discharges it through the gather). Every committed tensor is bound
//! before the statement, so each challenge follows every value it combines.
//!
//! Virtual differences (the model statement): D need not be committed. (3) then defines it —
//! D = O + H − Xcol − H·M, a fixed linear function of O and X, both bound before the
//! statement — and the block's D claim is dropped: (3) at (ρ, r_t) already ties the tap values
//! to it, r_t being drawn after every tap value is absorbed. What still needs D is its range
//! check (1): the range lookup's witness holds D's values (the prover computes them), and the
//! lookup's final claim D̃(r) = v on that column is resolved here ([`prove_virtual_diff`]): on
//! the lookup's transcript, the prover sends Õ(r_c, r_p, r_n) and X̃col(r), absorbed; the
//! verifier checks v = Õ + H − X̃col(r) − H·M̃(r_t, r_p) — the MLE of (3)'s right-hand side
//! over the whole (c, t, p, n) hypercube, since Σ_t eq(r_t, t) = 1 — and carries X̃col(r)
//! through a gather proof of its own to a claim on X. As D is fixed by commitments made before
//! the lookup's first challenge, the LogUp-GKR argument is as sound as over a committed column:
//! its final claim is checked against that fixed D (a false Õ or X̃col fails the opening or the
//! gather), so the range check covers exactly (3)'s D, on every entry of its hypercube. A
//! caller dropping the block's D claim relies on [`verify_maxpool`]'s own check of (3).
//!
//! Soundness: a violation of (2) survives the zerocheck with probability ≤ (K + 1)·n/|Fr|
//! plus n/|Fr| for τ; wrong padded-tap values make (3)'s check (hence, with D committed, the D
//! claim) fail except with probability log T/|Fr|; a violation of (3) — a nonzero multilinear polynomial in (ρ, r_t), all of whose
//! coordinates are challenges drawn after the commitments — survives with probability
//! ≤ vars/|Fr|. With (1), (2) and (3), O' is at least every real tap and equals one of them
//! (or 0 = the padding when the window has padding), so O is the window's maximum.

use super::conv::{GatherProof, prove_gather, split, verify_gather};
use super::{TensorClaim, concat, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::{DenseMle, eq_table_generic, evaluate_dense};
use crate::sumcheck::{Product, SumcheckProof, prove_zerocheck, verify_zerocheck};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Largest window (taps) a max pool may have: the zerocheck's degree is taps + 1.
pub const MAX_TAPS: usize = crate::sumcheck::MAX_DEGREE - 1;

/// The public shape: examples m, the bit bound b, the window geometry (its in_c the padded
/// channels; output positions out_h·out_w).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPoolShape {
    /// Examples (padded batch).
    pub m: usize,
    /// Signed bit bound of the values.
    pub bits: u32,
    /// The windows.
    pub geometry: ConvGeometry,
}

/// A max-pool proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxPoolProof<F> {
    /// The zerocheck of Π_{t<K} D_t = 0 (its final evaluations are D̃(ρ, t), t < K).
    pub zerocheck: SumcheckProof<F>,
    /// D̃(ρ, t) for the padded taps K ≤ t < T.
    pub padded_taps: Vec<F>,
    /// Õ(ρ) and X̃col(ρ, r_t).
    pub values: Vec<F>,
}

/// The claims a max-pool proof leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxPoolClaims<F> {
    /// On the output O.
    pub output: TensorClaim<F>,
    /// On the differences D.
    pub diff: TensorClaim<F>,
    /// On the window gather Xcol (for the gather proof).
    pub window: TensorClaim<F>,
}

impl MaxPoolShape {
    fn taps(&self) -> usize {
        self.geometry.kh * self.geometry.kw
    }
    fn positions(&self) -> usize {
        self.geometry.out_positions()
    }
    /// Variables of O: channels, positions, examples.
    fn output_vars(&self) -> usize {
        log2(self.geometry.in_c) + log2(self.positions()) + log2(self.m)
    }
    fn half(&self) -> Fr {
        Fr::from(1u64 << self.bits.saturating_sub(1))
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(&self, t: &mut Transcript<F, S>) -> Result<(), Error> {
        let g = &self.geometry;
        let ok = [self.m, g.in_c].iter().all(|d| d.is_power_of_two())
            && (1..=MAX_TAPS).contains(&self.taps())
            && (2..=40).contains(&self.bits);
        ensure(
            ok,
            "max pool",
            "batch, channels and positions must be powers of two, windows 1 to MAX_TAPS taps, \
             and the bit bound 2 to 40",
        )?;
        let mut words = vec![self.m, self.bits as usize];
        words.extend(g.words());
        t.absorb_usizes(labels::MAXPOOL_STATEMENT, &words)?;
        Ok(())
    }

    /// The point (ρ_c, r_t, ρ_p, ρ_n) on D and Xcol from ρ = (ρ_c, ρ_p, ρ_n) on O.
    fn window_point<F: Clone>(&self, rho: &[F], r_t: &[F]) -> Result<Vec<F>, Error> {
        let lc = log2(self.geometry.in_c);
        let (c, rest) = rho.split_at_checked(lc).ok_or(Error::ProofShape {
            what: "max-pool point",
            expected: self.output_vars(),
            actual: rho.len(),
        })?;
        Ok(concat(&[c, r_t, rest]))
    }

    /// The claims, given ρ, r_t, the tap values D̃(ρ, t) for every t < T and [Õ(ρ), X̃col].
    fn claims<F: FieldOps>(
        &self,
        rho: Vec<F>,
        r_t: &[F],
        taps: &[F],
        values: &[F],
    ) -> Result<MaxPoolClaims<F>, Error> {
        let [o, x] = values else {
            return Err(Error::ProofShape {
                what: "max-pool values",
                expected: 2,
                actual: values.len(),
            });
        };
        let eq = eq_table_generic(r_t);
        if taps.len() != eq.len() {
            return Err(Error::ProofShape {
                what: "max-pool tap values",
                expected: eq.len(),
                actual: taps.len(),
            });
        }
        let d = taps
            .iter()
            .zip(&eq)
            .fold(F::zero(), |acc, (v, e)| acc.add(&v.mul(e)));
        let window = self.window_point(&rho, r_t)?;
        Ok(MaxPoolClaims {
            output: TensorClaim {
                point: rho,
                value: o.clone(),
            },
            diff: TensorClaim {
                point: window.clone(),
                value: d,
            },
            window: TensorClaim {
                point: window,
                value: x.clone(),
            },
        })
    }
}

/// The range lookup's claim on virtual differences, resolved (the module doc).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffProof<F> {
    /// Õ(r_c, r_p, r_n) and X̃col(r) at the lookup's point r = (r_c, r_t, r_p, r_n).
    pub values: Vec<F>,
    /// X̃col(r) carried through the window gather to the pool's input.
    pub gather: GatherProof<F>,
}

/// The claims a resolved difference claim leaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffClaims<F> {
    /// On the output O.
    pub output: TensorClaim<F>,
    /// On the pool's input X.
    pub input: TensorClaim<F>,
}

impl MaxPoolShape {
    /// Variables of D and Xcol: channels, taps, positions, examples.
    fn window_vars(&self) -> usize {
        self.output_vars() + log2(self.geometry.taps_pad())
    }

    /// [O's point (r_c, r_p, r_n), r_t, r_p] from a point r on D (the gather's split, D
    /// having Xcol's layout, with r's length checked exactly).
    fn split_window<F: Clone>(&self, r: &[F]) -> Result<[Vec<F>; 3], Error> {
        if r.len() != self.window_vars() {
            return Err(Error::ProofShape {
                what: "max-pool difference point",
                expected: self.window_vars(),
                actual: r.len(),
            });
        }
        let [c, t, p, n] = split(&self.geometry, r)?;
        Ok([concat(&[&c, &p, &n]), t, p])
    }

    /// Õ + H − X̃col − H·M̃(r_t, r_p): (3)'s right-hand side.
    fn virtual_diff<F: FieldOps>(&self, o: &F, xcol: &F, r_t: &[F], r_p: &[F]) -> F {
        let h = self.half();
        o.add_const(h)
            .sub(xcol)
            .sub(&mask_eval(&self.geometry, r_t, r_p).mul_const(h))
    }
}

/// Resolves the range lookup's claim `d` on the virtual differences (the module doc) from the
/// output `o`, the window gather `xcol` and the pool's input `x`; returns the claims on O and X.
pub fn prove_virtual_diff(
    shape: MaxPoolShape,
    d: &TensorClaim<Fr>,
    o: &[Fr],
    xcol: &[Fr],
    x: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(DiffProof<Fr>, DiffClaims<Fr>), Error> {
    shape.start(t)?;
    let [rho, _, _] = shape.split_window(&d.point)?;
    let values = vec![evaluate_dense(o, &rho)?, evaluate_dense(xcol, &d.point)?];
    t.absorb(labels::MAXPOOL_DIFF_VALUES, &values)?;
    let window = TensorClaim {
        point: d.point.clone(),
        value: values[1],
    };
    let (gather, input) = prove_gather(&shape.geometry, x, &window, t)?;
    let output = TensorClaim {
        point: rho,
        value: values[0],
    };
    Ok((DiffProof { values, gather }, DiffClaims { output, input }))
}

/// Verifies the resolution of the range lookup's claim `d` on the virtual differences; returns
/// the claims on O and on the pool's input X.
pub fn verify_virtual_diff<F: FieldOps, S: SpongeOps<F>>(
    shape: MaxPoolShape,
    d: &TensorClaim<F>,
    proof: &DiffProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<DiffClaims<F>, Error> {
    shape.start(t)?;
    let [rho, r_t, r_p] = shape.split_window(&d.point)?;
    let [o, x] = proof.values.as_slice() else {
        return Err(Error::ProofShape {
            what: "max-pool difference values",
            expected: 2,
            actual: proof.values.len(),
        });
    };
    t.absorb(labels::MAXPOOL_DIFF_VALUES, &proof.values)?;
    if !d
        .value
        .enforce_equal(&shape.virtual_diff(o, x, &r_t, &r_p))?
    {
        return Err(Error::RelationMismatch {
            relation: "max pool: the range lookup's D = O + H − Xcol − H·M",
        });
    }
    let window = TensorClaim {
        point: d.point.clone(),
        value: x.clone(),
    };
    let input = verify_gather(&shape.geometry, &proof.gather, &window, t)?;
    Ok(DiffClaims {
        output: TensorClaim {
            point: rho,
            value: o.clone(),
        },
        input,
    })
}

/// M(t, (y, x)): whether tap t of output position (y, x) counts as real — it reads inside the
/// image, or it is tap 0 of a padded output position of the layout (which reads Xcol = 0, so
/// the output there is 0).
pub fn mask(g: &ConvGeometry, y: usize, x: usize, t: usize) -> bool {
    g.source(y, x, t).is_some() || (t == 0 && (y >= g.out_h || x >= g.out_w))
}

/// M̃(r_t, r_p) = Σ over (tap, position) pairs with M = 1 of eq(r_t, t)·eq(r_p, p).
fn mask_eval<F: FieldOps>(g: &ConvGeometry, r_t: &[F], r_p: &[F]) -> F {
    let (et, ep) = (eq_table_generic(r_t), eq_table_generic(r_p));
    let (rows, wp) = (g.out_positions() / g.out_wp(), g.out_wp());
    let mut acc = F::zero();
    for (tap, wt) in et.iter().enumerate().take(g.kh * g.kw) {
        let mut inner = F::zero();
        for y in 0..rows {
            for x in 0..wp {
                if mask(g, y, x, tap)
                    && let Some(w) = ep.get(y * wp + x)
                {
                    inner = inner.add(w);
                }
            }
        }
        acc = acc.add(&wt.mul(&inner));
    }
    acc
}

/// Proves the max pool for output `o` (rows (n, p), columns c), differences `d` and the window
/// gather `xcol` (both rows (n, p), columns (t, c)).
pub fn prove_maxpool(
    shape: MaxPoolShape,
    o: &[Fr],
    d: &[Fr],
    xcol: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(MaxPoolProof<Fr>, MaxPoolClaims<Fr>), Error> {
    shape.start(t)?;
    let (c, tp, k) = (shape.geometry.in_c, shape.geometry.taps_pad(), shape.taps());
    let rows = shape.m * shape.positions();
    for (what, len, want) in [
        ("max-pool output", o.len(), rows * c),
        ("max-pool differences", d.len(), rows * tp * c),
        ("max-pool windows", xcol.len(), rows * tp * c),
    ] {
        if len != want {
            return Err(Error::StatementShape {
                what,
                expected: want,
                actual: len,
            });
        }
    }
    let column = |tap: usize| -> Vec<Fr> {
        (0..rows)
            .flat_map(|row| {
                d[(row * tp + tap) * c..(row * tp + tap + 1) * c]
                    .iter()
                    .copied()
            })
            .collect()
    };
    let (zerocheck, out) = prove_zerocheck((0..k).map(column).collect(), Product(k), t)?;
    let padded_taps = (k..tp)
        .map(|tap| DenseMle::new(column(tap))?.evaluate(&out.point))
        .collect::<Result<Vec<_>, _>>()?;
    t.absorb(labels::MAXPOOL_TAPS, &padded_taps)?;
    let r_t = t.challenges(labels::MAXPOOL_TAP_POINT, log2(tp))?;
    let window = shape.window_point(&out.point, &r_t)?;
    let values = vec![
        evaluate_dense(o, &out.point)?,
        evaluate_dense(xcol, &window)?,
    ];
    t.absorb(labels::MAXPOOL_VALUES, &values)?;
    let taps = concat(&[&out.evals, &padded_taps]);
    let claims = shape.claims(out.point, &r_t, &taps, &values)?;
    Ok((
        MaxPoolProof {
            zerocheck,
            padded_taps,
            values,
        },
        claims,
    ))
}

/// Runs the verifier's checks up to relation (3); returns the claims and the relation's
/// right-hand side Õ(ρ) + H − X̃col(ρ, r_t) − H·M̃(r_t, ρ_p).
fn claims_and_relation<F: FieldOps, S: SpongeOps<F>>(
    shape: MaxPoolShape,
    proof: &MaxPoolProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<(MaxPoolClaims<F>, F), Error> {
    shape.start(t)?;
    let (tp, k) = (shape.geometry.taps_pad(), shape.taps());
    let out = verify_zerocheck(shape.output_vars(), &Product(k), &proof.zerocheck, t)?;
    if proof.padded_taps.len() != tp - k {
        return Err(Error::ProofShape {
            what: "max-pool padded taps",
            expected: tp - k,
            actual: proof.padded_taps.len(),
        });
    }
    t.absorb(labels::MAXPOOL_TAPS, &proof.padded_taps)?;
    let r_t = t.challenges(labels::MAXPOOL_TAP_POINT, log2(tp))?;
    if proof.values.len() != 2 {
        return Err(Error::ProofShape {
            what: "max-pool values",
            expected: 2,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::MAXPOOL_VALUES, &proof.values)?;
    let lc = log2(shape.geometry.in_c);
    let rho_p = out
        .point
        .get(lc..lc + log2(shape.positions()))
        .ok_or(Error::ProofShape {
            what: "max-pool point",
            expected: shape.output_vars(),
            actual: out.point.len(),
        })?
        .to_vec();
    let taps = concat(&[&out.evals, &proof.padded_taps]);
    let claims = shape.claims(out.point, &r_t, &taps, &proof.values)?;
    let expected = shape.virtual_diff(&claims.output.value, &claims.window.value, &r_t, &rho_p);
    Ok((claims, expected))
}

/// Verifies a max-pool proof; returns the claims on O, D and Xcol.
pub fn verify_maxpool<F: FieldOps, S: SpongeOps<F>>(
    shape: MaxPoolShape,
    proof: &MaxPoolProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<MaxPoolClaims<F>, Error> {
    let (claims, expected) = claims_and_relation(shape, proof, t)?;
    if !claims.diff.value.enforce_equal(&expected)? {
        return Err(Error::RelationMismatch {
            relation: "max pool: D = O + H − Xcol − H·M",
        });
    }
    Ok(claims)
}

/// ATTACK HELPER (soundness tests only): relation (3)'s residual D̃ − (Õ + H − X̃col − H·M̃)
/// for a proof — an adversary solving for X̃col zeroes it after seeing every challenge.
#[cfg(feature = "adversary")]
pub fn relation_residual(
    shape: MaxPoolShape,
    proof: &MaxPoolProof<Fr>,
    t: &mut NativeTranscript,
) -> Result<Fr, Error> {
    let (claims, expected) = claims_and_relation(shape, proof, t)?;
    Ok(claims.diff.value - expected)
}
