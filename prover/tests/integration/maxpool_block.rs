#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! The max-pool block (and, last, the window average-pool block) on its own: honest windows (2×2 stride 2; 3×3 stride 1 with padding)
//! prove and verify with claims equal to the tensors' true evaluations; an output that is not
//! the maximum is refused by the zerocheck; what the block leaves to its caller (D's range
//! check, the claims' openings) is shown by an output below the maximum that passes the block
//! only with a negative difference, and by adaptive forgeries that satisfy every check the
//! block makes only by stating evaluations the opening refutes.

use crate::common::{field, rng, transcript, true_eval};
use rand::Rng;
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::maxpool::{MaxPoolShape, prove_maxpool, verify_maxpool};
use zkmodel_prover::graph::quant::ConvGeometry;

const BITS: u32 = 8;
const H: i64 = 1 << (BITS - 1);

struct Case {
    shape: MaxPoolShape,
    x: Vec<i64>,
    o: Vec<i64>,
    d: Vec<i64>,
    xcol: Vec<i64>,
}

/// The window gather of `x` (m examples): rows (n, p), columns (t, c), 0 where a tap reads
/// padding.
fn gather(g: &ConvGeometry, m: usize, x: &[i64]) -> Vec<i64> {
    let (p, tp, c) = (g.out_h * g.out_w, g.taps_pad(), g.in_c);
    let mut xcol = vec![0; m * p * tp * c];
    for n in 0..m {
        for pos in 0..p {
            for t in 0..tp {
                if let Some((sy, sx)) = g.source(pos / g.out_w, pos % g.out_w, t) {
                    for ch in 0..c {
                        xcol[((n * p + pos) * tp + t) * c + ch] =
                            x[((n * g.in_h + sy) * g.in_w + sx) * c + ch];
                    }
                }
            }
        }
    }
    xcol
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
        x,
        o,
        d,
        xcol,
    }
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

/// The model statement's virtual differences: the range lookup's claim on D at a point r
/// drawn after D is fixed resolves to claims on O and X equal to their true evaluations;
/// changing the claim or any message is refused with the error of the check it breaks.
#[test]
fn virtual_difference_claims_resolve_and_every_message_is_bound() {
    use zkmodel_prover::blocks::TensorClaim;
    use zkmodel_prover::blocks::maxpool::{DiffProof, prove_virtual_diff, verify_virtual_diff};
    for (g, seed) in [(geometry(2, 2, 0), 7), (geometry(3, 1, 1), 8)] {
        let c = case(g, seed);
        assert_eq!(c.xcol, gather(&g, c.shape.m, &c.x));
        let vars = c.d.len().trailing_zeros() as usize;
        let mut r = rng(seed + 100);
        let point: Vec<Fr> = (0..vars).map(|_| Fr::from(r.r#gen::<u64>())).collect();
        let d = TensorClaim {
            value: true_eval(&c.d, &point),
            point,
        };
        let (proof, claims) = prove_virtual_diff(
            c.shape,
            &d,
            &field(&c.o),
            &field(&c.xcol),
            &field(&c.x),
            &mut transcript(),
        )
        .unwrap();
        let verified = verify_virtual_diff(c.shape, &d, &proof, &mut transcript()).unwrap();
        assert_eq!(verified, claims);
        assert_eq!(claims.output.value, true_eval(&c.o, &claims.output.point));
        assert_eq!(claims.input.value, true_eval(&c.x, &claims.input.point));

        let verify = |d: &TensorClaim<Fr>, p: &DiffProof<Fr>| {
            verify_virtual_diff(c.shape, d, p, &mut transcript())
        };
        let mut wrong = d.clone();
        wrong.value += Fr::from(1u64);
        assert!(matches!(
            verify(&wrong, &proof),
            Err(Error::RelationMismatch { .. })
        ));
        let mut short = d.clone();
        short.point.pop();
        assert!(matches!(
            verify(&short, &proof),
            Err(Error::ProofShape { .. })
        ));
        for i in 0..2 {
            let mut forged = proof.clone();
            forged.values[i] += Fr::from(1u64);
            assert!(matches!(
                verify(&d, &forged),
                Err(Error::RelationMismatch { .. })
            ));
        }
        let mut forged = proof.clone();
        forged.values.push(Fr::from(0u64));
        assert!(matches!(verify(&d, &forged), Err(Error::ProofShape { .. })));
        // A gather message changed: the sumcheck's final check fails.
        for round in 0..proof.gather.rounds.len() {
            let mut forged = proof.clone();
            forged.gather.rounds[round][0] += Fr::from(1u64);
            assert_eq!(
                verify(&d, &forged).map(|_| ()),
                Err(Error::SumcheckFinal),
                "round {round}"
            );
        }
        let mut forged = proof.clone();
        forged.gather.final_evals[0][0] += Fr::from(1u64);
        assert_eq!(verify(&d, &forged).map(|_| ()), Err(Error::SumcheckFinal));
    }
}

/// Adaptive forgery of the virtual differences: the range lookup saw a column D' other than
/// (3)'s D (an in-range stand-in for a negative difference). Every challenge seen, the
/// adversary keeps Õ true, solves the relation for X̃col(r), and proves the gather from an X'
/// changed in one entry to reach that value. Every check passes; the claim it leaves on X is
/// false, so the opening of the committed input refuses the proof.
#[test]
fn a_difference_column_other_than_the_relation_leaves_a_false_input_claim() {
    use zkmodel_prover::blocks::TensorClaim;
    use zkmodel_prover::blocks::maxpool::{prove_virtual_diff, verify_virtual_diff};
    use zkmodel_prover::poly::DenseMle;
    let c = case(geometry(3, 1, 1), 9);
    let g = c.shape.geometry;
    let vars = c.d.len().trailing_zeros() as usize;
    let mut r = rng(109);
    let point: Vec<Fr> = (0..vars).map(|_| Fr::from(r.r#gen::<u64>())).collect();
    let mut d_forged = c.d.clone();
    d_forged[3] += 1;
    let d = TensorClaim {
        value: true_eval(&d_forged, &point),
        point: point.clone(),
    };
    // The value the relation needs: X̃col(r) lower by D̃'(r) − D̃(r).
    let target = true_eval(&c.xcol, &point) - (d.value - true_eval(&c.d, &point));
    // X' = X + δ·e_j, with e_j's gather nonzero at r.
    let j = 5;
    let mut e = vec![0; c.x.len()];
    e[j] = 1;
    let slope = true_eval(&gather(&g, c.shape.m, &e), &point);
    assert_ne!(slope, Fr::from(0u64));
    let delta = (target - true_eval(&c.xcol, &point)) / slope;
    let mut x = field(&c.x);
    x[j] += delta;
    let xcol: Vec<Fr> = field(&c.xcol)
        .iter()
        .zip(field(&gather(&g, c.shape.m, &e)))
        .map(|(a, b)| *a + delta * b)
        .collect();
    let (proof, _) =
        prove_virtual_diff(c.shape, &d, &field(&c.o), &xcol, &x, &mut transcript()).unwrap();
    let claims = verify_virtual_diff(c.shape, &d, &proof, &mut transcript()).unwrap();
    assert_eq!(claims.output.value, true_eval(&c.o, &claims.output.point));
    let honest_x = DenseMle::new(field(&c.x))
        .unwrap()
        .evaluate(&claims.input.point)
        .unwrap();
    assert_ne!(claims.input.value, honest_x);
}

/// Review finding (helper-15): a table activation with outputs below −2^(b−1) (LeakyReLU with
/// slope 4) fed a padded max pool, whose product check then accepted the clamped −H instead
/// of the window's true maximum. Table outputs are now range-checked like every other block
/// input: the forward pass names the activation, and a prover given the clamped trace cannot
/// build the proof (its activation column is not in the range table).
#[test]
fn a_table_activation_below_the_range_cannot_feed_a_clamped_max_pool() {
    use zkmodel_prover::graph::quant::{
        InputShape, IntTrace, LayerTrace, QConv, QDense, QLayer, QWindowPool, QuantizedModel,
    };
    use zkmodel_prover::lookup::{Real, TableFn};
    use zkmodel_prover::pcs::Srs;
    use zkmodel_prover::proof::model::{
        ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_model, prove,
    };
    const S: u32 = 2;
    const B: u32 = 6;
    const HALF: i64 = 1 << (B - 1);
    let empty = || LayerTrace {
        xcol: vec![],
        y: vec![],
        r: vec![],
        pos: vec![],
        neg: vec![],
        act: vec![],
        diff: vec![],
    };
    let conv_g = ConvGeometry {
        in_h: 2,
        in_w: 2,
        in_c: 1,
        kh: 1,
        kw: 1,
        stride: [1, 1],
        pads: [0; 4],
        out_h: 2,
        out_w: 2,
    };
    let pool_g = ConvGeometry {
        kh: 2,
        kw: 2,
        stride: [2, 2],
        pads: [1; 4],
        ..conv_g
    };
    let conv = QConv {
        dense: QDense {
            name: "conv".into(),
            k: 1,
            n: 1,
            real_n: 1,
            weight: vec![1 << S],
            bias: vec![0],
            relu: false,
            table: Some(TableFn::LeakyRelu {
                alpha: Real::new(4.0),
            }),
            softmax: false,
        },
        geometry: conv_g,
    };
    let mut fc_w = vec![0i64; 8];
    fc_w[0] = 1 << S;
    fc_w[3] = 1 << S;
    let fc = QDense {
        name: "fc".into(),
        k: 4,
        n: 2,
        real_n: 2,
        weight: fc_w.clone(),
        bias: vec![0, 0],
        relu: false,
        table: None,
        softmax: false,
    };
    let q = QuantizedModel {
        scale: S,
        bits: B,
        input: InputShape::Image { c: 1, h: 2, w: 2 },
        layers: vec![
            QLayer::Conv(conv.clone()),
            QLayer::MaxPool(QWindowPool {
                name: "pool".into(),
                geometry: pool_g,
                table: None,
            }),
            QLayer::Dense(fc),
        ],
        branches: Default::default(),
        softmax: false,
    };
    let input = vec![-20i64, 5, -3, 7];
    match q.forward(1, input.clone()).unwrap_err() {
        Error::QuantRange { tensor, .. } => assert_eq!(tensor, "conv.activation"),
        e => panic!("{e:?}"),
    }
    // The clamped trace an adversary would prove: conv output −80 (below −32), pool −32.
    let conv_only = QuantizedModel {
        layers: vec![QLayer::Conv(conv)],
        ..q.clone()
    };
    let mut conv_trace = empty();
    {
        let c = &conv_only.layers[0];
        let QLayer::Conv(c) = c else { unreachable!() };
        conv_trace.xcol = input.clone();
        conv_trace.y = input.iter().map(|v| (v * c.dense.weight[0]) >> S).collect();
        conv_trace.r = vec![0; 4];
        conv_trace.act = conv_trace
            .y
            .iter()
            .map(|v| {
                TableFn::LeakyRelu {
                    alpha: Real::new(4.0),
                }
                .quantized(*v, S)
            })
            .collect();
    }
    assert_eq!(conv_trace.act, vec![-80, 5, -12, 7]);
    let x = conv_trace.act.clone();
    let tp = pool_g.taps_pad();
    let mut pool = empty();
    pool.xcol = vec![0; 4 * tp];
    pool.y = vec![0; 4];
    pool.diff = vec![0; 4 * tp];
    for p in 0..4 {
        let (yo, xo) = (p / 2, p % 2);
        let o = (0..tp)
            .filter_map(|t| pool_g.source(yo, xo, t).map(|(sy, sx)| x[sy * 2 + sx]))
            .max()
            .unwrap()
            .max(-HALF);
        pool.y[p] = o;
        for t in 0..tp {
            let (xv, valid) = match pool_g.source(yo, xo, t) {
                Some((sy, sx)) => (x[sy * 2 + sx], true),
                None => (0, false),
            };
            pool.xcol[p * tp + t] = xv;
            pool.diff[p * tp + t] = o + HALF - xv - if valid { HALF } else { 0 };
        }
    }
    let mut dense = empty();
    for j in 0..2 {
        let p: i64 = (0..4).map(|k| pool.y[k] * fc_w[k * 2 + j]).sum();
        dense.y.push(p >> S);
        dense.r.push(p & ((1 << S) - 1));
    }
    let trace = IntTrace {
        m: 1,
        input,
        layers: vec![conv_trace, pool, dense],
        probs: None,
    };
    let srs = Srs::insecure_development(7, 1 << 12);
    let mut r = rng(5);
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    let model = commit_model(&srs, &arch, &q, &mut r).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &model,
        data: None,
        trace: &trace,
        labels: None,
    };
    match prove(&srs, &arch, &w, &mut r) {
        Err(Error::ValueNotInTable { column, .. }) => assert_eq!(column, "conv.activation"),
        Err(e) => panic!("{e:?}"),
        Ok(_) => panic!("the clamped trace proved"),
    }
}

/// The window average pool's block (the same gathered windows): honest claims are the
/// tensors' true evaluations; an adaptive adversary who sees ρ and states another Õ(ρ), then
/// solves R̃(ρ) so that K·Õ + R̃ — the only value the gather checks — is unchanged, passes the
/// block with false claims on O and R, which the opening refutes.
#[test]
fn window_average_pool_claims_and_an_adaptive_forgery() {
    use zkmodel_prover::blocks::avgpool::{AvgPoolShape, prove_avgpool, verify_avgpool};
    let c = case(geometry(3, 1, 1), 6);
    let g = c.shape.geometry;
    let (tp, ch, k) = (g.taps_pad(), g.in_c, (g.kh * g.kw) as i64);
    let rows = c.o.len() / ch;
    let (mut o, mut r) = (vec![0i64; rows * ch], vec![0i64; rows * ch]);
    for row in 0..rows {
        for j in 0..ch {
            let sum: i64 = (0..tp).map(|t| c.xcol[(row * tp + t) * ch + j]).sum();
            o[row * ch + j] = sum.div_euclid(k);
            r[row * ch + j] = sum.rem_euclid(k);
        }
    }
    let shape = AvgPoolShape {
        m: c.shape.m,
        geometry: g,
    };
    let (proof, _) = prove_avgpool(shape, &field(&o), &field(&r), &mut transcript()).unwrap();
    let claims = verify_avgpool(shape, &proof, &mut transcript()).unwrap();
    assert_eq!(claims.output.value, true_eval(&o, &claims.output.point));
    assert_eq!(
        claims.remainder.value,
        true_eval(&r, &claims.remainder.point)
    );
    assert_eq!(
        claims.window.value,
        true_eval(&c.xcol, &claims.window.point)
    );

    let mut forged = proof.clone();
    forged.values[0] += Fr::from(1u64);
    forged.values[1] -= Fr::from(k as u64);
    let claims = verify_avgpool(shape, &forged, &mut transcript()).unwrap();
    assert_eq!(
        claims.window.value,
        true_eval(&c.xcol, &claims.window.point)
    );
    assert_ne!(claims.output.value, true_eval(&o, &claims.output.point));
    assert_ne!(
        claims.remainder.value,
        true_eval(&r, &claims.remainder.point)
    );
}
