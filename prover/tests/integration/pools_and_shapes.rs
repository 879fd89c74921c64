#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Pools and shapes under adversarial review (of the max-pool padding mask, window-pool
//! remainders, pool signs and the architecture check): the max-pool block over random
//! admitted geometries accepts exactly the window maximum (0 at the layout's padded
//! positions); padded-position forgeries feeding a dense head or a residual sum are refused;
//! the two-column remainder check is exact; global-pool remainder forgeries are refused;
//! random architectures that pass the check prove and verify what `forward` computes; and
//! regressions for the review's findings (a hostile bit bound does not panic the check; a
//! pool of a pool of a ReLU, and a pool reading a branch source, take their source's sign).

use crate::common::{field, prove_trace, rng, transcript, true_eval};
use rand::Rng;
use zkmodel_prover::Error;
use zkmodel_prover::blocks::maxpool::{MaxPoolShape, mask, prove_maxpool, verify_maxpool};
use zkmodel_prover::graph::quant::{
    ConvGeometry, InputShape, IntTrace, QAdd, QDense, QLayer, QPool, QWindowPool, QuantizedModel,
};
use zkmodel_prover::proof::model::{LayerKind, ModelArchitecture, ModelShape, Task, Visibility};

fn head(r: &mut impl Rng, name: &str, k: usize, n: usize) -> QLayer {
    // Random weights on EVERY row, padded positions included: the head reads them.
    QLayer::Dense(QDense {
        name: name.into(),
        k,
        n,
        real_n: n,
        weight: (0..k * n).map(|_| r.gen_range(-6..=6)).collect(),
        bias: (0..n).map(|_| r.gen_range(-8..=8)).collect(),
        relu: false,
        table: None,
        softmax: false,
    })
}

fn image_input(r: &mut impl Rng, q: &QuantizedModel, m: usize, lo: i64, hi: i64) -> Vec<i64> {
    let (rows, width) = (q.input.rows(), q.input.width());
    let InputShape::Image { c, .. } = q.input else {
        unreachable!()
    };
    let mut v = vec![0i64; m * rows * width];
    for ex in 0..m {
        for p in 0..q.input.real_rows() {
            let row = ex * rows + q.input.layout_row(p);
            for ch in 0..c {
                v[row * width + ch] = r.gen_range(lo..hi);
            }
        }
    }
    v
}

/// Proves `trace` with public logits and a committed input.
fn prove_committed(q: &QuantizedModel, trace: &IntTrace, rows: usize) -> Result<(), Error> {
    prove_trace(q, trace, rows, Visibility::Committed, Visibility::Public)
}

// ---------------------------------------------------------------------------------------
// 1. Max pool mask: every admitted geometry; exhaustive output values per window.
// ---------------------------------------------------------------------------------------

const MB: u32 = 6;
const MH: i64 = 1 << (MB - 1);

fn admitted(q: &QuantizedModel) -> bool {
    let arch = ModelArchitecture {
        shape: ModelShape::from(q),
        task: Task::Inference {
            rows: 2,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    arch.vector_lengths().is_ok()
}

#[test]
fn maxpool_mask_sound_and_complete_over_admitted_geometries() {
    let mut r = rng(11);
    let (mut tried, mut padded_geoms) = (0, 0);
    let mut attempts = 0;
    while tried < 60 && attempts < 20000 {
        attempts += 1;
        let (kh, kw) = (r.gen_range(1..=3usize), r.gen_range(1..=3usize));
        if kh * kw > 9 {
            continue;
        }
        let c = r.gen_range(1..=3usize);
        let cp = c.next_power_of_two();
        let (ih, iw) = (r.gen_range(1..=7usize), r.gen_range(1..=7usize));
        let stride = [r.gen_range(1..=4usize), r.gen_range(1..=4usize)];
        let pads = [
            r.gen_range(0..kh),
            r.gen_range(0..kw),
            r.gen_range(0..kh),
            r.gen_range(0..kw),
        ];
        let Some(g) = ConvGeometry::window((ih, iw, cp), [kh, kw], stride, pads) else {
            continue;
        };
        let q = QuantizedModel {
            branches: Default::default(),
            softmax: false,
            scale: 2,
            bits: MB,
            input: InputShape::Image { c, h: ih, w: iw },
            layers: vec![
                QLayer::MaxPool(QWindowPool {
                    name: "pool".into(),
                    geometry: g,
                    table: None,
                }),
                head(&mut r, "head", g.out_positions() * cp, 2),
            ],
        };
        if !admitted(&q) {
            continue;
        }
        tried += 1;
        if !g.out_h.is_power_of_two() || !g.out_w.is_power_of_two() {
            padded_geoms += 1;
        }
        let m = 2;
        let x = image_input(&mut r, &q, m, -MH, MH);
        let pool_only = QuantizedModel {
            layers: vec![q.layers[0].clone()],
            ..q.clone()
        };
        let trace = pool_only.forward(m, x).unwrap();
        let lt = &trace.layers[0];
        // Block: honest proof verifies, claims true.
        let shape = MaxPoolShape {
            m,
            bits: MB,
            geometry: g,
        };
        assert!(lt.diff.iter().all(|d| (0..1 << MB).contains(d)), "{g:?}");
        let (proof, _) = prove_maxpool(
            shape,
            &field(&lt.y),
            &field(&lt.diff),
            &field(&lt.xcol),
            &mut transcript(),
        )
        .unwrap();
        let cl = verify_maxpool(shape, &proof, &mut transcript()).unwrap_or_else(|e| {
            panic!("honest max pool refused for {g:?}: {e:?}");
        });
        assert_eq!(cl.output.value, true_eval(&lt.y, &cl.output.point));
        assert_eq!(cl.diff.value, true_eval(&lt.diff, &cl.diff.point));
        assert_eq!(cl.window.value, true_eval(&lt.xcol, &cl.window.point));
        // Exhaustive: at every (row, channel), the only O with D = O + H − Xcol − H·M in
        // [0, 2^b) for all taps and Π_{t<K} D_t = 0 is the forward's value; and that value is
        // the float max over real taps (0 at padded positions).
        let (pos, tp, k) = (g.out_positions(), g.taps_pad(), g.kh * g.kw);
        for row in 0..m * pos {
            let (yo, xo) = ((row % pos) / g.out_wp(), row % g.out_wp());
            let real = yo < g.out_h && xo < g.out_w;
            for ch in 0..cp {
                let xc = |t: usize| lt.xcol[(row * tp + t) * cp + ch];
                let mut ok = vec![];
                for o in -MH..MH {
                    let d: Vec<i64> = (0..tp)
                        .map(|t| o + MH - xc(t) - if mask(&g, yo, xo, t) { MH } else { 0 })
                        .collect();
                    let in_range = d.iter().all(|v| (0..1 << MB).contains(v));
                    let prod_zero = d[..k].contains(&0);
                    if in_range && prod_zero {
                        ok.push(o);
                    }
                }
                assert_eq!(ok, vec![lt.y[row * cp + ch]], "{g:?} row {row} ch {ch}");
                let expect = if real {
                    (0..k)
                        .filter(|t| g.source(yo, xo, *t).is_some())
                        .map(xc)
                        .max()
                        .expect("a real position has a real tap")
                } else {
                    0
                };
                assert_eq!(lt.y[row * cp + ch], expect, "{g:?}");
            }
        }
    }
    assert!(tried >= 60, "only {tried} admitted");
    assert!(padded_geoms > 10, "{padded_geoms}");
}

/// End to end: a padded pool position forged to −H (the old value) or another value, read by
/// the head directly (weights at padded positions nonzero) or through a residual sum. Each
/// forged trace has a consistent tail and satisfies relation (3); it must be refused.
#[test]
fn maxpool_padded_position_forgery_e2e() {
    let h = 1i64 << 11;
    for (geom, ih) in [
        (([2, 2], [2, 2], [0; 4]), 6),
        (([3, 3], [2, 2], [1, 1, 1, 1]), 5),
    ] {
        let g = ConvGeometry::window((ih, ih, 1), geom.0, geom.1, geom.2).unwrap();
        assert_eq!((g.out_h, g.out_w), (3, 3));
        for with_sum in [false, true] {
            let mut r = rng(21);
            let pool = QLayer::MaxPool(QWindowPool {
                name: "pool".into(),
                geometry: g,
                table: None,
            });
            let sum = QLayer::Add(QAdd {
                name: "s".into(),
                skip: Some(0),
                rows: 16,
                n: 1,
                relu: true,
                table: None,
            });
            let hd = head(&mut r, "head", 16, 2);
            let layers = if with_sum {
                vec![pool, sum, hd.clone()]
            } else {
                vec![pool, hd.clone()]
            };
            let q = QuantizedModel {
                branches: Default::default(),
                softmax: false,
                scale: 4,
                bits: 12,
                input: InputShape::Image { c: 1, h: ih, w: ih },
                layers,
            };
            let x = image_input(&mut r, &q, 2, -16, 17);
            let honest = q.forward(2, x).unwrap();
            prove_committed(&q, &honest, 2).unwrap();
            let values: &[i64] = if with_sum {
                &[5, -3, -100]
            } else {
                &[-h, 5, -3, h - 1]
            };
            for &forged_val in values {
                let mut t = honest.clone();
                let tp = g.taps_pad();
                let row = 15; // padded position (3, 3) of example 0
                t.layers[0].y[row] = forged_val;
                for tap in 0..tp {
                    let shift = if mask(&g, 3, 3, tap) { h } else { 0 };
                    t.layers[0].diff[row * tp + tap] = forged_val + h - shift; // Xcol is 0 at a padded position
                }
                let mut tail_layers = vec![];
                if with_sum {
                    tail_layers.push(QLayer::Add(QAdd {
                        name: "s".into(),
                        skip: None,
                        rows: 1,
                        n: 16,
                        relu: true,
                        table: None,
                    }));
                }
                tail_layers.push(hd.clone());
                let tail = QuantizedModel {
                    branches: Default::default(),
                    softmax: false,
                    scale: 4,
                    bits: 12,
                    input: InputShape::Flat { features: 16 },
                    layers: tail_layers,
                };
                let tt = tail.forward(2, t.layers[0].y.clone()).unwrap();
                t.layers.truncate(1);
                t.layers.extend(tt.layers);
                let changed = t.logits() != honest.logits();
                let v = prove_committed(&q, &t, 2);
                eprintln!("logits changed: {changed}");
                eprintln!("sum {with_sum} padded={forged_val}: {v:?}");
                assert!(v.is_err(), "forged padded value {forged_val} accepted");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Window average pools with K > 2^s: remainder in the b-bit table.
// ---------------------------------------------------------------------------------------

#[test]
fn remainder_two_column_check_is_exact() {
    for b in [4u32, 6, 12] {
        for k in 1..=(1i64 << b) {
            for rem in 0..(1i64 << b) {
                let both = (0..1i64 << b).contains(&(rem + (1i64 << b) - k));
                assert_eq!(both, rem < k, "b {b} k {k} r {rem}");
            }
        }
    }
}

fn gap_model(r: &mut impl Rng, side: usize, scale: u32, bits: u32) -> QuantizedModel {
    let g = ConvGeometry::window((side, side, 1), [side, side], [1, 1], [0; 4]).unwrap();
    QuantizedModel {
        branches: Default::default(),
        softmax: false,
        scale,
        bits,
        input: InputShape::Image {
            c: 1,
            h: side,
            w: side,
        },
        layers: vec![
            QLayer::AvgPoolWindow(QWindowPool {
                name: "gap".into(),
                geometry: g,
                table: None,
            }),
            head(r, "head", 1, 2),
        ],
    }
}

#[test]
fn global_average_pool_remainder_forgeries_refused() {
    // (side, scale, bits): K = 64 > 2^4 (b = 12), K = 64 = 2^b (b = 6), K = 49 (odd map).
    for (side, scale, bits) in [(8usize, 4u32, 12u32), (8, 4, 6), (7, 2, 6)] {
        let mut r = rng(31);
        let q = gap_model(&mut r, side, scale, bits);
        let half = 1i64 << (bits - 1);
        let x = image_input(&mut r, &q, 2, -half, half);
        let honest = q.forward(2, x).unwrap();
        prove_committed(&q, &honest, 2).unwrap();
        let k = (side * side) as i64;
        for delta in [-1i64, 1] {
            let mut t = honest.clone();
            t.layers[0].y[0] += delta;
            t.layers[0].r[0] -= delta * k;
            let tail = QuantizedModel {
                branches: Default::default(),
                softmax: false,
                scale,
                bits,
                input: InputShape::Flat { features: 1 },
                layers: vec![q.layers[1].clone()],
            };
            let tt = tail.forward(2, t.layers[0].y.clone());
            let Ok(tt) = tt else { continue };
            t.layers.truncate(1);
            t.layers.extend(tt.layers);
            let v = prove_committed(&q, &t, 2);
            assert!(
                v.is_err(),
                "GAP forgery delta {delta} accepted ({side},{scale},{bits})"
            );
            eprintln!("GAP {side}/{scale}/{bits} delta {delta}: {v:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3. 2×2 average pool sign.
// ---------------------------------------------------------------------------------------

/// Conv+ReLU (values in [2^(b−1), 2^b)) → 2×2 pool (unsigned) → 2×2 pool: the second pool's
/// input is non-negative and up to 2^b − 1, but it is checked signed: honest forward refuses.
/// Review finding: a 2×2 pool of a 2×2 pool of a ReLU output in [2^(b−1), 2^b) was checked
/// signed; it now takes its source's sign, in the plan and in `forward`.
#[test]
fn a_pool_of_a_pool_of_a_relu_is_unsigned() {
    use zkmodel_prover::graph::quant::QConv;
    let g = ConvGeometry::window((4, 4, 1), [1, 1], [1, 1], [0; 4]).unwrap();
    let (s, b) = (2u32, 8u32);
    let conv = QConv {
        dense: QDense {
            name: "conv".into(),
            k: 1,
            n: 1,
            real_n: 1,
            weight: vec![4 << s], // ×4
            bias: vec![0],
            relu: true,
            table: None,
            softmax: false,
        },
        geometry: g,
    };
    let pool = |name: &str, h| {
        QLayer::AvgPool(QPool {
            name: name.into(),
            h,
            w: h,
            c: 1,
            table: None,
        })
    };
    let mut r = rng(41);
    let q = QuantizedModel {
        branches: Default::default(),
        softmax: false,
        scale: s,
        bits: b,
        input: InputShape::Image { c: 1, h: 4, w: 4 },
        layers: vec![
            QLayer::Conv(conv),
            pool("p1", 4),
            pool("p2", 2),
            head(&mut r, "head", 1, 2),
        ],
    };
    let x = vec![40i64; 16]; // conv → 160 ≥ 128 = 2^(b−1), < 256
    let trace = q.forward(1, x).unwrap();
    assert_eq!(trace.layers[2].y, vec![160]);
    prove_committed(&q, &trace, 1).unwrap();
}

// ---------------------------------------------------------------------------------------
// 4. Hostile architectures.
// ---------------------------------------------------------------------------------------

fn arch_json_with_bits(bits: u32) -> String {
    let mut r = rng(51);
    let q = gap_model(&mut r, 4, 2, 6);
    let mut shape = ModelShape::from(&q);
    shape.bits = bits;
    let arch = ModelArchitecture {
        shape,
        task: Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    serde_json::to_string(&arch).unwrap()
}

/// Review finding: a bit bound of 64 or more in an architecture file overflowed a shift in
/// the layer checks; scale and bits are now checked first.
#[test]
fn hostile_bits_do_not_panic_in_check() {
    for bits in [63u32, 64, 200, u32::MAX] {
        let json = arch_json_with_bits(bits);
        let arch: ModelArchitecture = serde_json::from_str(&json).unwrap();
        assert!(matches!(
            arch.shape.layers[0].kind,
            LayerKind::AvgPoolWindow(_)
        ));
        let res = std::panic::catch_unwind(|| arch.vector_lengths().is_err());
        assert_eq!(res.ok(), Some(true), "bits {bits}: check() panicked");
    }
}

// ---------------------------------------------------------------------------------------
// 4b. Random check()-valid architectures (including topologies the quantizer never emits):
//     random small weights and inputs; forward, prove, verify; no panic, honest accepted.
// ---------------------------------------------------------------------------------------

use zkmodel_prover::lookup::TableFn;
use zkmodel_prover::proof::model::LayerShape;

fn random_shape(r: &mut impl Rng, scale: u32, bits: u32) -> Option<ModelShape> {
    let input = if r.gen_bool(0.8) {
        InputShape::Image {
            c: r.gen_range(1..=3),
            h: r.gen_range(1..=6),
            w: r.gen_range(1..=6),
        }
    } else {
        InputShape::Flat {
            features: r.gen_range(1..=9),
        }
    };
    let mut per = input.rows() * input.width();
    let mut image = match input {
        InputShape::Image { c, h, w } => Some((h, w, c.next_power_of_two())),
        InputShape::Flat { .. } => None,
    };
    let mut outputs = vec![(per, image)];
    let mut layers: Vec<LayerShape> = vec![];
    let depth = r.gen_range(1..=5);
    let act = |r: &mut dyn rand::RngCore| -> (bool, Option<TableFn>) {
        match r.next_u32() % 4 {
            0 => (true, None),
            1 => (false, Some(TableFn::Tanh)),
            _ => (false, None),
        }
    };
    for i in 0..depth {
        let name = format!("l{i}");
        let choice = r.gen_range(0..6);
        let l = match (choice, image) {
            (0, Some((h, w, cp))) => {
                let (kh, kw) = (r.gen_range(1..=3), r.gen_range(1..=3));
                let pads = [
                    r.gen_range(0..kh),
                    r.gen_range(0..kw),
                    r.gen_range(0..kh),
                    r.gen_range(0..kw),
                ];
                let g = ConvGeometry::window(
                    (h, w, cp),
                    [kh, kw],
                    [r.gen_range(1..=2), r.gen_range(1..=2)],
                    pads,
                )?;
                let n = 1 << r.gen_range(0..3);
                let (relu, table) = act(r);
                image = Some((g.out_h, g.out_w, n));
                LayerShape {
                    source: None,
                    name,
                    kind: LayerKind::Conv(g),
                    rows: g.out_positions(),
                    k: g.taps_pad() * cp,
                    n,
                    relu,
                    table,
                    softmax: None,
                    real_c: None,
                }
            }
            (1, Some((h, w, cp))) | (2, Some((h, w, cp))) => {
                let max = choice == 1;
                let (kh, kw) = (r.gen_range(1..=3), r.gen_range(1..=3));
                let pads = [
                    r.gen_range(0..kh),
                    r.gen_range(0..kw),
                    r.gen_range(0..kh),
                    r.gen_range(0..kw),
                ];
                let g = ConvGeometry::window(
                    (h, w, cp),
                    [kh, kw],
                    [r.gen_range(1..=3), r.gen_range(1..=3)],
                    pads,
                )?;
                image = Some((g.out_h, g.out_w, cp));
                LayerShape {
                    source: None,
                    name,
                    kind: if max {
                        LayerKind::MaxPool(g)
                    } else {
                        LayerKind::AvgPoolWindow(g)
                    },
                    rows: g.out_positions(),
                    k: cp,
                    n: cp,
                    relu: false,
                    table: None,
                    softmax: None,
                    real_c: None,
                }
            }
            (3, Some((h, w, cp)))
                if h >= 2 && w >= 2 && h.is_power_of_two() && w.is_power_of_two() =>
            {
                image = Some((h / 2, w / 2, cp));
                LayerShape {
                    source: None,
                    name,
                    kind: LayerKind::AvgPool { h, w },
                    rows: h * w / 4,
                    k: cp,
                    n: cp,
                    relu: false,
                    table: None,
                    softmax: None,
                    real_c: None,
                }
            }
            (4, img) => {
                let read = (per, img);
                let cands: Vec<Option<usize>> = outputs
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| **o == read)
                    .map(|(k, _)| k.checked_sub(1))
                    .collect();
                let skip = cands[r.gen_range(0..cands.len())];
                let (rows, n) = match img {
                    Some((h, w, c)) => (h.next_power_of_two() * w.next_power_of_two(), c),
                    None => (1, per),
                };
                let (relu, table) = act(r);
                LayerShape {
                    source: None,
                    name,
                    kind: LayerKind::Add { skip },
                    rows,
                    k: n,
                    n,
                    relu,
                    table,
                    softmax: None,
                    real_c: None,
                }
            }
            _ => {
                let n = 1 << r.gen_range(0..4);
                let (relu, table) = act(r);
                image = None;
                LayerShape {
                    source: None,
                    name,
                    kind: LayerKind::Dense,
                    rows: 1,
                    k: per,
                    n,
                    relu,
                    table,
                    softmax: None,
                    real_c: None,
                }
            }
        };
        per = l.rows * l.n;
        outputs.push((per, image));
        layers.push(l);
    }
    layers.push(LayerShape {
        source: None,
        name: "head".into(),
        kind: LayerKind::Dense,
        rows: 1,
        k: per,
        n: 4,
        relu: false,
        table: None,
        softmax: None,
        real_c: None,
    });
    if per > 1 << 12 {
        return None;
    }
    Some(ModelShape {
        scale,
        bits,
        input,
        classes: 4,
        layers,
        softmax: false,
    })
}

#[test]
fn random_valid_architectures_prove_and_verify() {
    let mut r = rng(61);
    let (scale, bits) = (3u32, 12u32);
    let (mut proved, mut refused_fwd, mut generated) = (0, 0, 0);
    let mut failures = vec![];
    for iter in 0..40 {
        let Some(shape) = random_shape(&mut r, scale, bits) else {
            continue;
        };
        generated += 1;
        let arch = ModelArchitecture {
            shape: shape.clone(),
            task: Task::Inference {
                rows: 2,
                input: Visibility::Committed,
                output: Visibility::Public,
            },
        };
        if let Err(e) = arch.vector_lengths() {
            failures.push(format!(
                "iter {iter}: check refused generated arch: {e:?}\n{}",
                shape.description()
            ));
            continue;
        }
        let mut q = shape.zero_model();
        for l in q.layers.iter_mut() {
            let d = match l {
                QLayer::Dense(d) => d,
                QLayer::Conv(c) => &mut c.dense,
                _ => continue,
            };
            for w in d.weight.iter_mut() {
                *w = r.gen_range(-3..=3);
            }
            for b in d.bias.iter_mut() {
                *b = r.gen_range(-4..=4);
            }
        }
        if ModelShape::from(&q) != shape {
            failures.push(format!("iter {iter}: shape roundtrip differs"));
            continue;
        }
        let m = 2;
        let x: Vec<i64> = match q.input {
            InputShape::Image { .. } => image_input(&mut r, &q, m, -20, 21),
            InputShape::Flat { features } => {
                let w = q.input.width();
                (0..m * w)
                    .map(|i| {
                        if i % w < features {
                            r.gen_range(-20..21)
                        } else {
                            0
                        }
                    })
                    .collect()
            }
        };
        let trace = match q.forward(m, x) {
            Ok(t) => t,
            Err(_) => {
                refused_fwd += 1;
                continue;
            }
        };
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            prove_committed(&q, &trace, 2)
        }));
        match res {
            Ok(Ok(())) => proved += 1,
            Ok(Err(e)) => failures.push(format!(
                "iter {iter}: honest refused: {e:?}\n{}",
                shape.description()
            )),
            Err(p) => failures.push(format!(
                "iter {iter}: PANIC {:?}\n{}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())),
                shape.description()
            )),
        }
    }
    eprintln!("generated {generated}, proved {proved}, forward refused {refused_fwd}");
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(failures.is_empty(), "{} failures", failures.len());
}

/// Review finding: a 2×2 pool's sign followed layer i − 1, not the tensor it reads (its branch
/// source); a pool reading the signed input right after a ReLU layer refused honest negative
/// averages.
#[test]
fn a_pool_reading_a_branch_takes_its_sources_sign() {
    use zkmodel_prover::graph::quant::Source;
    let mut r = rng(71);
    let pool = |name: &str| {
        QLayer::AvgPool(QPool {
            name: name.into(),
            h: 4,
            w: 4,
            c: 1,
            table: None,
        })
    };
    // a = relu(x + x); p1 = pool(x) (a branch to the signed input, right after a ReLU layer);
    // p2 = pool(a) (unsigned); p2 + p1; head.
    let mut branches = std::collections::BTreeMap::new();
    branches.insert(1usize, Source::Input);
    branches.insert(2usize, Source::Layer(0));
    let q = QuantizedModel {
        branches,
        softmax: false,
        scale: 4,
        bits: 12,
        input: InputShape::Image { c: 1, h: 4, w: 4 },
        layers: vec![
            QLayer::Add(QAdd {
                name: "a".into(),
                skip: None,
                rows: 16,
                n: 1,
                relu: true,
                table: None,
            }),
            pool("p1"),
            pool("p2"),
            QLayer::Add(QAdd {
                name: "sum".into(),
                skip: Some(1),
                rows: 4,
                n: 1,
                relu: false,
                table: None,
            }),
            head(&mut r, "head", 4, 2),
        ],
    };
    let arch_ok = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    }
    .vector_lengths();
    assert!(arch_ok.is_ok(), "{arch_ok:?}");
    let trace = q.forward(1, vec![-5i64; 16]).unwrap();
    assert!(trace.layers[1].y.iter().all(|v| *v == -5));
    assert!(trace.layers[2].y.iter().all(|v| *v == 0));
    prove_trace(&q, &trace, 1, Visibility::Public, Visibility::Public).unwrap();
}
