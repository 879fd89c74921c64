#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! The max-pool block on its own: honest windows (2×2 stride 2; 3×3 stride 1 with padding)
//! prove and verify with claims equal to the tensors' true evaluations; an output that is not
//! the maximum is refused by the zerocheck; what the block leaves to its caller (D's range
//! check, the claims' openings) is shown by an output below the maximum that passes the block
//! only with a negative difference, and by adaptive forgeries that satisfy every check the
//! block makes only by stating evaluations the opening refutes.

mod common;

use common::{rng, transcript};
use rand::Rng;
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::maxpool::{MaxPoolShape, prove_maxpool, verify_maxpool};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::graph::quant::ConvGeometry;
use zkmodel_prover::poly::DenseMle;

const BITS: u32 = 8;
const H: i64 = 1 << (BITS - 1);

struct Case {
    shape: MaxPoolShape,
    o: Vec<i64>,
    d: Vec<i64>,
    xcol: Vec<i64>,
}

fn geometry(k: usize, s: usize, pad: usize) -> ConvGeometry {
    let (in_h, in_c) = (4, 2);
    let out = (in_h + 2 * pad - k) / s + 1;
    ConvGeometry {
        in_h,
        in_w: in_h,
        in_c,
        kh: k,
        kw: k,
        stride: [s, s],
        pads: [pad; 4],
        out_h: out,
        out_w: out,
    }
}

/// Random signed b-bit inputs and the honest O, D and window gather.
fn case(g: ConvGeometry, seed: u64) -> Case {
    let m = 2;
    let mut r = rng(seed);
    let x: Vec<i64> = (0..m * g.in_h * g.in_w * g.in_c)
        .map(|_| r.gen_range(-H..H))
        .collect();
    let (p, tp, c) = (g.out_h * g.out_w, g.taps_pad(), g.in_c);
    let mut xcol = vec![0; m * p * tp * c];
    let mut o = vec![0; m * p * c];
    let mut d = vec![0; m * p * tp * c];
    for n in 0..m {
        for pos in 0..p {
            let (y, xo) = (pos / g.out_w, pos % g.out_w);
            for ch in 0..c {
                let mut best = -H;
                for t in 0..tp {
                    if let Some((sy, sx)) = g.source(y, xo, t) {
                        let v = x[((n * g.in_h + sy) * g.in_w + sx) * c + ch];
                        xcol[((n * p + pos) * tp + t) * c + ch] = v;
                        best = best.max(v);
                    }
                }
                o[(n * p + pos) * c + ch] = best;
                for t in 0..tp {
                    let valid = g.source(y, xo, t).is_some();
                    let shifted =
                        xcol[((n * p + pos) * tp + t) * c + ch] + if valid { H } else { 0 };
                    d[((n * p + pos) * tp + t) * c + ch] = best + H - shifted;
                }
            }
        }
    }
    Case {
        shape: MaxPoolShape {
            m,
            bits: BITS,
            geometry: g,
        },
        o,
        d,
        xcol,
    }
}

fn field(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

fn true_eval(v: &[i64], point: &[Fr]) -> Fr {
    DenseMle::new(field(v)).unwrap().evaluate(point).unwrap()
}

fn prove(c: &Case) -> Result<zkmodel_prover::blocks::maxpool::MaxPoolProof<Fr>, Error> {
    prove_maxpool(
        c.shape,
        &field(&c.o),
        &field(&c.d),
        &field(&c.xcol),
        &mut transcript(),
    )
    .map(|(p, _)| p)
}

#[test]
fn honest_windows_prove_with_true_claims() {
    for (g, seed) in [(geometry(2, 2, 0), 1), (geometry(3, 1, 1), 2)] {
        let c = case(g, seed);
        assert!(c.d.iter().all(|v| (0..1 << BITS).contains(v)));
        let proof = prove(&c).unwrap();
        let claims = verify_maxpool(c.shape, &proof, &mut transcript()).unwrap();
        assert_eq!(claims.output.value, true_eval(&c.o, &claims.output.point));
        assert_eq!(claims.diff.value, true_eval(&c.d, &claims.diff.point));
        assert_eq!(
            claims.window.value,
            true_eval(&c.xcol, &claims.window.point)
        );
    }
}

/// An output above the window's maximum (differences recomputed to stay consistent) leaves
/// no zero difference in that window: the zerocheck refuses it.
#[test]
fn an_output_above_the_maximum_fails_the_zerocheck() {
    let mut c = case(geometry(3, 1, 1), 3);
    let tp = c.shape.geometry.taps_pad();
    let ch = c.shape.geometry.in_c;
    c.o[5] += 1;
    let (row, chan) = (5 / ch, 5 % ch);
    for t in 0..tp {
        c.d[(row * tp + t) * ch + chan] += 1;
    }
    let proof = prove(&c).unwrap();
    assert_eq!(
        verify_maxpool(c.shape, &proof, &mut transcript()).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
}

/// An output equal to another, smaller tap keeps a zero difference and a consistent relation:
/// the block accepts it, and the only trace of the lie is a negative difference — which the
/// caller's range check on D refuses (the model statement always range-checks D).
#[test]
fn an_output_below_the_maximum_needs_the_range_check() {
    let mut c = case(geometry(2, 2, 0), 4);
    let (tp, ch) = (c.shape.geometry.taps_pad(), c.shape.geometry.in_c);
    // A window whose taps differ: lower its output to its smallest tap.
    let (row, chan, low) = (0..c.o.len())
        .find_map(|i| {
            let (row, chan) = (i / ch, i % ch);
            let taps: Vec<i64> = (0..4).map(|t| c.xcol[(row * tp + t) * ch + chan]).collect();
            let low = *taps.iter().min().unwrap();
            (low < c.o[i]).then_some((row, chan, low))
        })
        .unwrap();
    let delta = c.o[row * ch + chan] - low;
    c.o[row * ch + chan] = low;
    for t in 0..tp {
        c.d[(row * tp + t) * ch + chan] -= delta;
    }
    assert!(c.d.iter().any(|v| *v < 0));
    let proof = prove(&c).unwrap();
    verify_maxpool(c.shape, &proof, &mut transcript()).unwrap();
}

/// Adaptive forgeries: the adversary changes a padded tap's difference (before r_t) or the
/// stated Õ(ρ) (after it), then — every challenge seen — solves relation (3) for X̃col(ρ, r_t).
/// Every check the block makes passes; the claims it leaves are false, so the opening of the
/// committed tensors refuses the proof.
#[test]
fn adaptive_forgeries_leave_false_claims() {
    use zkmodel_prover::blocks::maxpool::relation_residual;
    let c = case(geometry(3, 1, 1), 5);
    let honest = prove(&c).unwrap();
    for which in 0..2 {
        let mut forged = honest.clone();
        match which {
            0 => forged.padded_taps[0] += Fr::from(1u64),
            _ => forged.values[0] += Fr::from(1u64),
        }
        assert!(matches!(
            verify_maxpool(c.shape, &forged, &mut transcript()),
            Err(Error::RelationMismatch { .. })
        ));
        // The residual is X̃col plus a constant: subtracting it solves the relation.
        let residual = relation_residual(c.shape, &forged, &mut transcript()).unwrap();
        forged.values[1] -= residual;
        let claims = verify_maxpool(c.shape, &forged, &mut transcript()).unwrap();
        let false_claims = [
            claims.output.value != true_eval(&c.o, &claims.output.point),
            claims.diff.value != true_eval(&c.d, &claims.diff.point),
            claims.window.value != true_eval(&c.xcol, &claims.window.point),
        ];
        assert!(false_claims.iter().any(|f| *f), "case {which}");
    }
}
