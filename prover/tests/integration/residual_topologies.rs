#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Residual topologies as whole statements, from an adversarial review of the residual sums:
//! odd but valid chains (an Add first, h + h, a hidden dense without activation, a table
//! activation after a sum, the input as skip) prove what `forward` computes under every
//! visibility; a dishonest trace whose sum is off at one entry (real or padded), with every
//! later layer recomputed from it, is refused; and two completeness regressions — a sum over a
//! max pool to a non-power-of-two map (whose padded positions are now 0, not −2^(b−1)), and
//! a 2×2 average pool after a signed sum (its output now has its input's sign).

use crate::common::{prove_trace, rng};
use rand::Rng;
use zkmodel_prover::Error;
use zkmodel_prover::graph::quant::{
    CalibrationOptions, ConvGeometry, InputShape, IntTrace, QAdd, QDense, QLayer, QWindowPool,
    QuantizedModel, TableFn, calibrate,
};
use zkmodel_prover::graph::{Model, Node, Op, Tensor};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data, commit_model,
    prove, verify,
};

const SCALE: u32 = 4;
const BITS: u32 = 12;

pub(crate) fn dense(
    r: &mut impl Rng,
    name: &str,
    k: usize,
    n: usize,
    real_n: usize,
    relu: bool,
) -> QLayer {
    let mut weight = vec![0i64; k * n];
    for row in 0..k {
        for col in 0..real_n {
            weight[row * n + col] = r.gen_range(-6..=6);
        }
    }
    let mut bias = vec![0i64; n];
    for b in bias.iter_mut().take(real_n) {
        *b = r.gen_range(-8..=8);
    }
    QLayer::Dense(QDense {
        name: name.into(),
        k,
        n,
        real_n,
        weight,
        bias,
        relu,
        table: None,
        softmax: false,
    })
}

fn add(
    name: &str,
    skip: Option<usize>,
    rows: usize,
    n: usize,
    relu: bool,
    table: Option<TableFn>,
) -> QLayer {
    QLayer::Add(QAdd {
        name: name.into(),
        skip,
        rows,
        n,
        relu,
        table,
    })
}

pub(crate) fn finish(mut layers: Vec<QLayer>, input: InputShape, classes: usize) -> QuantizedModel {
    if let Some(QLayer::Dense(last)) = layers.last_mut() {
        last.real_n = classes;
        for c in classes..last.n {
            last.bias[c] = -(1i64 << (BITS - 2));
        }
    }
    QuantizedModel {
        scale: SCALE,
        bits: BITS,
        input,
        layers,
        branches: Default::default(),
        softmax: false,
    }
}

pub(crate) fn inputs(r: &mut impl Rng, q: &QuantizedModel, m: usize) -> Vec<i64> {
    let (rows, width) = (q.input.rows(), q.input.width());
    let real = match q.input {
        InputShape::Flat { features } => features,
        InputShape::Image { c, .. } => c,
    };
    let mut v = vec![0i64; m * rows * width];
    for ex in 0..m {
        for p in 0..q.input.real_rows() {
            let row = ex * rows + q.input.layout_row(p);
            for c in 0..real {
                v[row * width + c] = r.gen_range(-16..=16);
            }
        }
    }
    v
}

/// Odd but check()-valid residual topologies built by hand: an Add as the very first layer
/// (x + x on the input), a hidden Dense without activation, a skip to the layer just before
/// (h + h), a table activation after a sum, and the input as skip after two layers.
fn odd_flat_model(r: &mut impl Rng) -> QuantizedModel {
    let layers = vec![
        add("in2", None, 1, 8, false, None),                  // 0: x + x
        dense(r, "d1", 8, 8, 6, true),                        // 1
        dense(r, "d2", 8, 8, 6, false),                       // 2: hidden, no activation
        add("s1", Some(1), 1, 8, true, None),                 // 3: d2 + relu(d1), ReLU
        add("s2", Some(3), 1, 8, false, Some(TableFn::Tanh)), // 4: s1 + s1, Tanh
        add("s3", None, 1, 8, false, None),                   // 5: + input (features 6 → 8)
        dense(r, "head", 8, 4, 3, false),                     // 6: logits
    ];
    finish(layers, InputShape::Flat { features: 6 }, 3)
}

#[test]
fn odd_but_valid_topologies_prove_what_forward_computes() {
    let mut r = rng(1);
    let q = odd_flat_model(&mut r);
    let x = inputs(&mut r, &q, 4);
    let trace = q.forward(4, x).unwrap();
    for (i, o) in [
        (Visibility::Public, Visibility::Public),
        (Visibility::Committed, Visibility::Public),
        (Visibility::Public, Visibility::Committed),
    ] {
        prove_trace(&q, &trace, 4, i, o).unwrap();
    }
}

/// The tail of a flat model after layer `from` (its skips shifted), whose input is layer
/// `from`'s output: recomputes everything downstream of a tampered tensor consistently.
fn retrace_from(q: &QuantizedModel, trace: &IntTrace, from: usize, tampered: Vec<i64>) -> IntTrace {
    let width = match &q.layers[from] {
        QLayer::Add(a) => a.n,
        QLayer::Dense(d) => d.n,
        _ => unreachable!(),
    };
    let tail: Vec<QLayer> = q.layers[from + 1..]
        .iter()
        .map(|l| match l {
            QLayer::Add(a) => {
                assert!(
                    a.skip.is_none_or(|j| j >= from),
                    "tail skips stay in the tail"
                );
                QLayer::Add(QAdd {
                    skip: a.skip.map(|j| j - from - 1),
                    ..a.clone()
                })
            }
            other => other.clone(),
        })
        .collect();
    let tq = QuantizedModel {
        scale: q.scale,
        bits: q.bits,
        input: InputShape::Flat { features: width },
        layers: tail,
        branches: Default::default(),
        softmax: false,
    };
    let t2 = tq.forward(trace.m, tampered).unwrap();
    let mut out = trace.clone();
    out.layers.truncate(from + 1);
    out.layers.extend(t2.layers);
    out
}

/// A dishonest prover: the sum's output is off by one (a real entry, then a padded entry)
/// and every later layer is recomputed from the false value, so only the residual relation
/// is false. The verifier must refuse.
#[test]
fn a_false_sum_with_a_consistent_tail_is_refused() {
    let mut r = rng(2);
    let layers = vec![
        dense(&mut r, "d1", 8, 8, 6, true),
        dense(&mut r, "d2", 8, 8, 6, false),
        add("s", Some(0), 1, 8, false, None),
        dense(&mut r, "head", 8, 4, 3, false),
    ];
    let q = finish(layers, InputShape::Flat { features: 6 }, 3);
    let x = inputs(&mut r, &q, 4);
    let honest = q.forward(4, x).unwrap();
    prove_trace(&q, &honest, 4, Visibility::Public, Visibility::Public).unwrap();
    for at in [1usize, 7, 9] {
        // 7 is a padded column of example 0.
        let mut y = honest.layers[2].y.clone();
        y[at] += 60;
        let mut forged = retrace_from(&q, &honest, 2, y.clone());
        forged.layers[2].y = y;
        let verdict = prove_trace(&q, &forged, 4, Visibility::Public, Visibility::Public);
        assert!(
            matches!(verdict, Err(Error::Opening { .. })),
            "false sum at {at}: {verdict:?}"
        );
    }
    // The same with a ReLU after the sum: Pos and Neg of a false sum.
    let layers = vec![
        dense(&mut r, "d1", 8, 8, 6, true),
        dense(&mut r, "d2", 8, 8, 6, false),
        add("s", Some(0), 1, 8, true, None),
        dense(&mut r, "head", 8, 4, 3, false),
    ];
    let q = finish(layers, InputShape::Flat { features: 6 }, 3);
    let x = inputs(&mut r, &q, 4);
    let honest = q.forward(4, x).unwrap();
    let mut lt = honest.layers[2].clone();
    let at = lt.pos.iter().position(|v| *v > 0).unwrap();
    lt.pos[at] += 60;
    lt.y[at] += 60;
    let mut forged = retrace_from(&q, &honest, 2, lt.pos.clone());
    forged.layers[2] = lt;
    assert_ne!(forged.logits(), honest.logits());
    let verdict = prove_trace(&q, &forged, 4, Visibility::Public, Visibility::Public);
    assert!(
        matches!(verdict, Err(Error::Opening { .. })),
        "false ReLU sum: {verdict:?}"
    );
}

/// A max pool to a 3×3 map (laid out over 4×4) added to itself: its padded positions hold 0,
/// so the sum stays in range and proves.
#[test]
fn a_sum_over_a_non_power_of_two_max_pool_proves() {
    let g = ConvGeometry::window((6, 6, 1), [2, 2], [2, 2], [0; 4]).unwrap();
    assert_eq!((g.out_h, g.out_w), (3, 3));
    let mut r = rng(3);
    let layers = vec![
        QLayer::MaxPool(QWindowPool {
            name: "pool".into(),
            geometry: g,
            table: None,
        }),
        add("s", Some(0), 16, 1, true, None), // pool + pool, ReLU
        dense(&mut r, "head", 16, 2, 2, false),
    ];
    let q = finish(layers, InputShape::Image { c: 1, h: 6, w: 6 }, 2);
    let x = inputs(&mut r, &q, 2);
    let trace = q.forward(2, x).unwrap();
    let pooled = &trace.layers[0].y;
    for (row, v) in pooled.iter().enumerate() {
        let p = row % 16;
        if p / 4 >= 3 || p % 4 >= 3 {
            assert_eq!(*v, 0, "padded output position {p}");
        }
    }
    prove_trace(&q, &trace, 2, Visibility::Committed, Visibility::Public).unwrap();
}

pub(crate) fn node(name: &str, op: Op, inputs: &[usize], output: usize) -> Node {
    Node {
        name: name.into(),
        op,
        inputs: inputs.to_vec(),
        output,
    }
}

/// The same from a float graph as a PyTorch ResNet exports it: MaxPool to 3×3, Conv → Relu,
/// Add with the pool's output, Relu, Flatten, Gemm. Calibration (which reads every entry of
/// the sum, padding included) finds a bit bound, and the statement proves.
#[test]
fn a_residual_over_a_non_power_of_two_pool_calibrates_and_proves() {
    let mut r = rng(4);
    let mut t = |shape: Vec<usize>| {
        let n = shape.iter().product();
        Tensor::new(shape, (0..n).map(|_| r.gen_range(-0.5f32..0.5)).collect()).unwrap()
    };
    // values: 0 x, 1 pool, 2 conv, 3 relu, 4 add, 5 relu2, 6 flat, 7 logits
    let model = Model {
        value_names: (0..8).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(1), Some(6), Some(6)],
        nodes: vec![
            node(
                "pool",
                Op::MaxPool2d {
                    kernel: [2, 2],
                    stride: [2, 2],
                    pads: [0; 4],
                },
                &[0],
                1,
            ),
            node(
                "conv",
                Op::Conv2d {
                    weight: t(vec![1, 1, 3, 3]),
                    bias: t(vec![1]),
                    stride: [1, 1],
                    pads: [1, 1, 1, 1],
                },
                &[1],
                2,
            ),
            node("relu", Op::Relu, &[2], 3),
            node("add", Op::Add, &[3, 1], 4),
            node("relu2", Op::Relu, &[4], 5),
            node("flat", Op::Flatten { axis: 1 }, &[5], 6),
            node(
                "head",
                Op::Dense {
                    weight: t(vec![9, 2]),
                    bias: Some(t(vec![2])),
                },
                &[6],
                7,
            ),
        ],
        output: 7,
        label_head: None,
    };
    let mut r = rng(5);
    let x = Tensor::new(
        vec![16, 1, 6, 6],
        (0..16 * 36).map(|_| r.gen_range(-1.0f32..1.0)).collect(),
    )
    .unwrap();
    model.eval(&x).unwrap();
    let (q, report) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
    assert!(report.bits <= 16, "{report}");
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    prove_trace(&q, &trace, 16, Visibility::Committed, Visibility::Public).unwrap();
}

/// A public, non-power-of-two image input added to itself and to a convolution's output:
/// the verifier pads the public input itself (padded channels and positions zero), so the
/// residual claims on it must match the trace the prover used.
#[test]
fn public_odd_image_input_as_skip() {
    use zkmodel_prover::graph::quant::QConv;
    let mut r = rng(7);
    let g = ConvGeometry::window((3, 3, 4), [3, 3], [1, 1], [1, 1, 1, 1]).unwrap();
    let QLayer::Dense(conv) = dense(&mut r, "conv", g.taps_pad() * 4, 4, 3, false) else {
        unreachable!()
    };
    let layers = vec![
        add("in2", None, 16, 4, false, None),
        QLayer::Conv(QConv {
            dense: conv,
            geometry: g,
        }),
        add("res", None, 16, 4, true, None),
        dense(&mut r, "head", 64, 2, 2, false),
    ];
    let q = finish(layers, InputShape::Image { c: 3, h: 3, w: 3 }, 2);
    let x = inputs(&mut r, &q, 2);
    let trace = q.forward(2, x).unwrap();
    prove_trace(&q, &trace, 2, Visibility::Public, Visibility::Public).unwrap();
    // A prover whose trace puts a nonzero value in a padded position of the public input is
    // refused (the verifier's padding is zero).
    let mut bad = trace.clone();
    bad.input[3] = 1; // padded channel 3 of position (0, 0)
    let bad = q.forward(2, bad.input).unwrap();
    let v = prove_trace(&q, &bad, 2, Visibility::Public, Visibility::Public);
    assert!(
        matches!(v, Err(Error::PublicTensorMismatch { .. })),
        "{v:?}"
    );
}

/// A 2×2 average pool after a sum without activation: negative averages are in range (the
/// pool's output has its input's sign) and prove.
#[test]
fn a_two_by_two_pool_after_a_signed_sum_proves() {
    use zkmodel_prover::graph::quant::QPool;
    let mut r = rng(8);
    let layers = vec![
        add("in2", None, 16, 1, false, None),
        QLayer::AvgPool(QPool {
            name: "pool".into(),
            h: 4,
            w: 4,
            c: 1,
            table: None,
        }),
        dense(&mut r, "head", 4, 2, 2, false),
    ];
    let q = finish(layers, InputShape::Image { c: 1, h: 4, w: 4 }, 2);
    let x = vec![-5i64; 32];
    let trace = q.forward(2, x).unwrap();
    assert!(trace.layers[1].y.iter().all(|v| *v == -10));
    prove_trace(&q, &trace, 2, Visibility::Public, Visibility::Public).unwrap();
}

/// A branch (a layer reading an earlier layer's output than the previous one) proves what
/// `forward` computes; the same trace under the chain architecture (the layer reading the
/// previous output) is another statement and does not verify; and a trace computed along the
/// chain, proven under the branched architecture, is refused by the opening.
#[test]
fn a_branch_is_bound_to_its_source() {
    use zkmodel_prover::graph::quant::Source;
    let mut r = rng(9);
    let layers = vec![
        dense(&mut r, "d1", 8, 8, 6, true),
        dense(&mut r, "d2", 8, 8, 6, true),
        dense(&mut r, "d3", 8, 8, 6, false), // reads d1: a projection-like branch
        add("s", Some(1), 1, 8, true, None), // d3 + d2
        dense(&mut r, "head", 8, 4, 3, false),
    ];
    let mut branched = finish(layers, InputShape::Flat { features: 6 }, 3);
    branched.branches.insert(2, Source::Layer(0));
    let mut chain = branched.clone();
    chain.branches.clear();
    let x = inputs(&mut r, &branched, 4);
    let trace = branched.forward(4, x.clone()).unwrap();
    let chain_trace = chain.forward(4, x).unwrap();
    assert_ne!(trace.logits(), chain_trace.logits());
    prove_trace(
        &branched,
        &trace,
        4,
        Visibility::Committed,
        Visibility::Public,
    )
    .unwrap();

    let arch = |q: &QuantizedModel| ModelArchitecture {
        shape: ModelShape::from(q),
        task: Task::Inference {
            rows: 4,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let (a_branch, a_chain) = (arch(&branched), arch(&chain));
    assert_ne!(a_branch.shape.description(), a_chain.shape.description());
    let len = a_branch
        .vector_lengths()
        .unwrap()
        .into_iter()
        .max()
        .unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rr = rng(10);
    let committed = commit_model(&srs, &a_branch, &branched, &mut rr).unwrap();
    let data = commit_data(&srs, &a_branch, &trace.input, None, None, &mut rr).unwrap();
    let run = |arch: &ModelArchitecture, t: &IntTrace| -> Result<(), Error> {
        let w = ModelWitness {
            model: &branched,
            committed_model: &committed,
            data: Some(&data),
            trace: t,
            labels: None,
        };
        let (proof, public) = prove(&srs, &a_branch, &w, &mut rng(11))?;
        verify(
            &srs,
            arch,
            committed.commitment,
            Some(data.commitment),
            &public,
            &proof,
        )
    };
    run(&a_branch, &trace).unwrap();
    assert!(run(&a_chain, &trace).is_err(), "another architecture");
    let v = run(&a_branch, &chain_trace);
    assert!(
        matches!(v, Err(Error::SumcheckFinal | Error::Opening { .. })),
        "a chain trace under the branched architecture: {v:?}"
    );
}

/// Review findings (helper-18) on branches: a model file whose branch names a layer it does
/// not have is refused on load; an architecture with a dead layer (read by no later layer) is
/// refused like the quantizer refuses the graph; `forward` on a model built in code whose
/// branch names a tensor of another size is an error, not a panic; and proving with a model
/// whose branches are not the architecture's is refused up front.
#[test]
fn branch_inconsistencies_are_refused_naming_them() {
    use zkmodel_prover::graph::quant::Source;
    use zkmodel_prover::proof::model::LayerKind;
    let mut r = rng(12);
    let layers = vec![
        dense(&mut r, "d1", 8, 8, 6, true),
        dense(&mut r, "d2", 8, 8, 6, true),
        dense(&mut r, "d3", 8, 8, 6, false),
        add("s", Some(1), 1, 8, true, None),
        dense(&mut r, "head", 8, 4, 3, false),
    ];
    let mut branched = finish(layers, InputShape::Flat { features: 6 }, 3);
    branched.branches.insert(2, Source::Layer(0));

    let mut evil = branched.clone();
    evil.branches.insert(99, Source::Layer(3));
    let loaded = QuantizedModel::from_file_str(&evil.to_file_string().unwrap());
    assert!(
        matches!(loaded, Err(Error::BlockShape { reason, .. }) if reason.contains("branch")),
        "out-of-range branch key"
    );

    let mut dead = ModelShape::from(&branched);
    dead.layers[3].kind = LayerKind::Add { skip: Some(2) }; // d3 + d3: d2 is read by nothing
    let arch = ModelArchitecture {
        shape: dead,
        task: Task::Inference {
            rows: 2,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    assert!(matches!(
        arch.vector_lengths(),
        Err(Error::BlockShape { reason, .. }) if reason.contains("read by a later layer")
    ));

    let mut narrow = finish(
        vec![
            dense(&mut r, "d1", 4, 8, 6, true),
            dense(&mut r, "head", 8, 4, 3, false),
        ],
        InputShape::Flat { features: 3 },
        3,
    );
    narrow.branches.insert(1, Source::Input); // the head (k = 8) reading the 4-wide input
    assert!(matches!(
        narrow.forward(2, vec![1; 8]),
        Err(Error::StatementShape {
            expected: 16,
            actual: 8,
            ..
        })
    ));

    let mut chain = branched.clone();
    chain.branches.clear();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&branched),
        task: Task::Inference {
            rows: 2,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let committed = commit_model(&srs, &arch, &branched, &mut rng(13)).unwrap();
    let x = inputs(&mut r, &chain, 2);
    let trace = chain.forward(2, x).unwrap();
    let w = ModelWitness {
        model: &chain,
        committed_model: &committed,
        data: None,
        trace: &trace,
        labels: None,
    };
    assert!(matches!(
        prove(&srs, &arch, &w, &mut rng(14)),
        Err(Error::BlockShape {
            block: "model witness",
            ..
        })
    ));
}

/// From the pool-table review: a padded 3×3/s2 max pool with a sigmoid table, added to itself.
/// The table maps the layout's padded output positions (pooled value 0) to f(0) = 2^(s−1), so
/// the sum's padded positions are 2^s — in forward and in the proof alike, which proves.
#[test]
fn a_padded_tabled_max_pool_feeding_a_sum_proves() {
    let g = ConvGeometry::window((6, 6, 1), [3, 3], [2, 2], [1, 1, 1, 1]).unwrap();
    assert_eq!((g.out_h, g.out_w), (3, 3));
    let mut r = rng(7);
    let layers = vec![
        QLayer::MaxPool(QWindowPool {
            name: "pool".into(),
            geometry: g,
            table: Some(TableFn::Sigmoid),
        }),
        add("s", Some(0), 16, 1, false, None),
        dense(&mut r, "head", 16, 2, 2, false),
    ];
    let q = finish(layers, InputShape::Image { c: 1, h: 6, w: 6 }, 2);
    let x = inputs(&mut r, &q, 2);
    let trace = q.forward(2, x).unwrap();
    let half = 1i64 << (SCALE - 1);
    for (row, v) in trace.layers[0].act.iter().enumerate() {
        let p = row % 16;
        if p / 4 >= 3 || p % 4 >= 3 {
            assert_eq!(*v, half, "padded output position {p}");
            assert_eq!(trace.layers[1].y[row], 2 * half);
        }
    }
    prove_trace(&q, &trace, 2, Visibility::Committed, Visibility::Public).unwrap();
}

/// From the pool-table review: a 2×2 average pool with a tanh table after a ReLU. The pooled
/// values are the table's pre-activation, which the table covers for signed b-bit inputs
/// only; an average of ReLU outputs above 2^(b−1) is an error naming the pre-activation.
#[test]
fn a_tabled_pool_of_large_relu_outputs_is_a_named_range_error() {
    let one = |v: f32| Tensor::new(vec![1, 1, 1, 1], vec![v]).unwrap();
    // values: 0 x, 1 conv, 2 relu, 3 pool, 4 tanh, 5 flat, 6 logits
    let model = Model {
        value_names: (0..7).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(1), Some(4), Some(4)],
        nodes: vec![
            node(
                "conv",
                Op::Conv2d {
                    weight: one(2.0),
                    bias: Tensor::new(vec![1], vec![0.0]).unwrap(),
                    stride: [1, 1],
                    pads: [0; 4],
                },
                &[0],
                1,
            ),
            node("relu", Op::Relu, &[1], 2),
            node(
                "pool",
                Op::AvgPool2d {
                    kernel: [2, 2],
                    stride: [2, 2],
                    pads: [0; 4],
                },
                &[2],
                3,
            ),
            node("tanh", Op::Activation(TableFn::Tanh), &[3], 4),
            node("flat", Op::Flatten { axis: 1 }, &[4], 5),
            node(
                "head",
                Op::Dense {
                    weight: Tensor::new(vec![4, 2], vec![0.1; 8]).unwrap(),
                    bias: None,
                },
                &[5],
                6,
            ),
        ],
        output: 6,
        label_head: None,
    };
    // Scale 2^4, 8 bits: the input 127/16 is the largest signed value; the ReLU output 254
    // fits [0, 2^8), its average does not fit the table's [−128, 128).
    let q = QuantizedModel::quantize(&model, 4, 8).unwrap();
    let x = Tensor::new(vec![1, 1, 4, 4], vec![127.0 / 16.0; 16]).unwrap();
    let (m, input) = q.quantize_input(&x).unwrap();
    match q.forward(m, input) {
        Err(Error::QuantRange { tensor, value, .. }) => {
            assert_eq!(tensor, "pool.pre_activation");
            assert_eq!(value, 254);
        }
        other => panic!("{other:?}"),
    }
}
