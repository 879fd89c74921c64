#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Quantized SGD on the digits fixture: the MLP 64-32-10 trained with cross-entropy for 64
//! steps of batch 32 reaches ≥ 90% test accuracy in fixed point, close to the float reference.

use rand::SeedableRng;
use std::path::PathBuf;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::train::float::FloatModel;
use zkmodel_prover::train::{Loss, TrainConfig, initial_model, train};

fn data() -> Dataset {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits");
    Dataset::load(&dir.join("dataset.json")).unwrap()
}

fn accuracy(pred: &[usize], labels: &[usize]) -> f64 {
    pred.iter().zip(labels).filter(|(a, b)| a == b).count() as f64 / labels.len() as f64
}

fn run(cfg: TrainConfig) -> (f64, f64) {
    let d = data();
    let train_idx = &d.train[..1024];
    let q0 = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
    let (xt, yt) = d.batch(train_idx).unwrap();
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let (q, steps) = train(q0.clone(), &cfg, &x, &yt).unwrap();
    assert_eq!(steps.len(), cfg.steps);

    let (xs, ys) = d.batch(&d.test).unwrap();
    let (m, xi) = q.quantize_input(&xs).unwrap();
    let pred = q.predictions(&q.forward(m, xi).unwrap(), ys.len());
    let fixed = accuracy(&pred, &ys);

    let mut f = FloatModel::from_quantized(&q0).unwrap();
    let xf: Vec<f64> = xt.data.iter().map(|v| f64::from(*v)).collect();
    for t in 0..cfg.steps {
        let start = (t % (1024 / cfg.batch)) * cfg.batch;
        f.step(
            &cfg,
            &xf[start * 64..(start + cfg.batch) * 64],
            &yt[start..start + cfg.batch],
        );
    }
    let xsf: Vec<f64> = xs.data.iter().map(|v| f64::from(*v)).collect();
    let float = accuracy(&f.predict(&xsf, ys.len()), &ys);
    (fixed, float)
}

#[test]
fn cross_entropy_reaches_ninety_percent() {
    let cfg = TrainConfig::digits_mlp(64);
    let (fixed, float) = run(cfg);
    println!(
        "T=64, B=32, η=1/2: fixed-point test accuracy {:.2}%, float {:.2}%",
        100.0 * fixed,
        100.0 * float
    );
    assert!(fixed >= 0.90, "fixed-point accuracy {fixed}");
    assert!((fixed - float).abs() <= 0.03);
}

#[test]
#[ignore = "learning-rate probe"]
fn probe() {
    for scale in [8, 10] {
        for (num, shift) in [(1, 0), (1, 1), (3, 2)] {
            for loss in [Loss::CrossEntropy, Loss::MeanSquaredError] {
                let cfg = TrainConfig {
                    scale,
                    bits: 20,
                    batch: 32,
                    steps: 64,
                    lr_num: num,
                    lr_shift: shift,
                    loss,
                };
                println!("s={scale} {loss:?} η={num}/2^{shift}: {:?}", run(cfg));
            }
        }
    }
}

/// The trained model is an ordinary quantized model: its accuracy statement proves and
/// verifies, with the count the trainer's own evaluation gives.
#[test]
fn trained_model_proves_its_accuracy() {
    use zkmodel_prover::pcs::Srs;
    use zkmodel_prover::proof::model::{
        ModelArchitecture, ModelShape, ModelWitness, Task, commit_data, commit_model, prove, verify,
    };
    let cfg = TrainConfig::digits_mlp(64);
    let d = data();
    let q0 = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
    let (xt, yt) = d.batch(&d.train[..1024]).unwrap();
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let (q, _) = train(q0, &cfg, &x, &yt).unwrap();

    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Accuracy {
            examples: d.test.len(),
        },
    };
    let srs =
        Srs::insecure_development(3, arch.vector_lengths().unwrap().into_iter().max().unwrap());
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(4);
    let (xs, ys) = d.batch(&d.test).unwrap();
    let (m, input) = q.quantize_input(&xs).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let expected = q
        .predictions(&trace, ys.len())
        .iter()
        .zip(&ys)
        .filter(|(a, b)| a == b)
        .count();
    let model = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let data = commit_data(&srs, &arch, &input, None, Some(&ys), &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &model,
        data: Some(&data),
        trace: &trace,
        labels: Some(&ys),
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    assert_eq!(
        public.count,
        Some(zkmodel_prover::Fr::from(expected as u64))
    );
    verify(
        &srs,
        &arch,
        model.commitment,
        Some(data.commitment),
        &public,
        &proof,
    )
    .unwrap();
}

/// A small CNN in PyTorch's layout: Conv(1→4, 3×3, pad 1) → ReLU → AvgPool 2×2 → Conv(4→8,
/// 3×3, pad 1) → ReLU → AvgPool 2×2 → Flatten → Dense(32→10), Glorot-uniform weights, zero
/// biases.
pub(crate) fn small_cnn(seed: u64) -> zkmodel_prover::graph::Model {
    small_cnn_with(seed, [4, 8])
}

/// The small CNN with `c1` and `c2` channels in its convolutions (padded to powers of two
/// when they are not: a training statement then stores their tensors without the padding).
pub(crate) fn small_cnn_with(seed: u64, [c1, c2]: [usize; 2]) -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::{Op, Tensor};
    let mut glorot = glorot(seed);
    let zeros = |n: usize| Tensor::new(vec![n], vec![0.0; n]).unwrap();
    let conv = |weight, bias| Op::Conv2d {
        weight,
        bias,
        stride: [1, 1],
        pads: [1; 4],
    };
    let pool = || Op::AvgPool2d {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
    };
    let ops = vec![
        conv(glorot(vec![c1, 1, 3, 3], 9, 9 * c1), zeros(c1)),
        Op::Relu,
        pool(),
        conv(glorot(vec![c2, c1, 3, 3], 9 * c1, 9 * c2), zeros(c2)),
        Op::Relu,
        pool(),
        Op::Flatten { axis: 1 },
        Op::Dense {
            weight: glorot(vec![4 * c2, 10], 4 * c2, 10),
            bias: Some(zeros(10)),
        },
    ];
    crate::common::chain_model(vec![None, Some(1), Some(8), Some(8)], ops)
}

/// CNN training hyperparameters at scale 2^`scale` (bits = scale + 8), batch 32, η = lr_num/2.
pub(crate) fn cnn_config(scale: u32, steps: usize, lr_num: i64) -> TrainConfig {
    TrainConfig {
        scale,
        bits: scale + 8,
        batch: 32,
        steps,
        lr_num,
        lr_shift: 1,
        loss: Loss::CrossEntropy,
    }
}

/// The digits images [batch, 1, 8, 8] of `rows`.
pub(crate) fn digit_images(
    d: &Dataset,
    rows: &[usize],
) -> (zkmodel_prover::graph::Tensor, Vec<usize>) {
    let (x, y) = d.batch(rows).unwrap();
    let shape = vec![x.shape[0], 1, 8, 8];
    (
        zkmodel_prover::graph::Tensor::new(shape, x.data).unwrap(),
        y,
    )
}

/// The integer CNN step's weight and bias updates are η times the float model's gradient of
/// the batch's mean cross-entropy, measured by central differences on the float graph, for
/// weights of both convolutions (the first one's gradient comes through the second's col2im,
/// a pool and a ReLU mask) and the head's biases. At scale 2^12: at 2^8 the one rounding of the
/// second convolution's back-propagated gradient leaves the first one's smallest updates
/// about 10⁻³ off (measured while writing this), which training tolerates (below) but this
/// comparison would not resolve.
#[test]
fn integer_cnn_gradients_match_float_finite_differences() {
    let d = data();
    let (xt, yt) = digit_images(&d, &d.train[..32]);
    assert_gradients_match_finite_differences(small_cnn(5), &xt, &yt);
}

/// The same with both pools max pools: each pooled gradient goes to its window's first
/// maximum, exactly. On random continuous images: the digits' 17 grey levels make exact ties
/// in a window common, where a central difference straddles two maxima and the derivative is
/// not defined.
#[test]
fn integer_max_pool_cnn_gradients_match_float_finite_differences() {
    let (xt, yt) = random_images(9);
    assert_gradients_match_finite_differences(max_pool_cnn(5), &xt, &yt);
}

/// The same with window average pools (3×3 stride 2 padded by 1, then a global average
/// pool): each position gets the pooled gradients over K of every window reading it.
#[test]
fn integer_window_average_pool_cnn_gradients_match_float_finite_differences() {
    let (xt, yt) = random_images(11);
    assert_gradients_match_finite_differences(window_pool_cnn(5), &xt, &yt);
}

/// The same with AlexNet's overlapping, padded max pools: a position in several windows gets
/// the sum of what each routes to it.
#[test]
fn integer_overlapping_max_pool_cnn_gradients_match_float_finite_differences() {
    let (xt, yt) = random_images(10);
    assert_gradients_match_finite_differences(overlapping_pool_cnn(5), &xt, &yt);
}

/// 32 random continuous 8×8 images and labels (no exact ties in a window).
fn random_images(seed: u64) -> (zkmodel_prover::graph::Tensor, Vec<usize>) {
    use rand::Rng;
    let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    let pixels = (0..32 * 64).map(|_| r.gen_range(0.0f32..1.0)).collect();
    let xt = zkmodel_prover::graph::Tensor::new(vec![32, 1, 8, 8], pixels).unwrap();
    (xt, (0..32).map(|_| r.gen_range(0..10)).collect())
}

/// The small CNN with both 2×2 average pools replaced by 2×2 max pools.
pub(crate) fn max_pool_cnn(seed: u64) -> zkmodel_prover::graph::Model {
    let mut model = small_cnn(seed);
    for node in [2, 5] {
        model.nodes[node].op = zkmodel_prover::graph::Op::MaxPool2d {
            kernel: [2, 2],
            stride: [2, 2],
            pads: [0; 4],
        };
    }
    model
}

/// The small CNN with AlexNet's overlapping max pools: 3×3, stride 2, padded by 1 (the maps
/// keep the 2×2 pools' sizes, 8 → 4 → 2).
pub(crate) fn overlapping_pool_cnn(seed: u64) -> zkmodel_prover::graph::Model {
    let mut model = small_cnn(seed);
    for node in [2, 5] {
        model.nodes[node].op = zkmodel_prover::graph::Op::MaxPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        };
    }
    model
}

/// The small CNN with window average pools: its convolutions, a 3×3 stride-2 average pool
/// padded by 1 (8 → 4, K = 9: e = 4 extra bits), a global average pool (4×4, K = 16) and a
/// dense head 8→10.
pub(crate) fn window_pool_cnn(seed: u64) -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::{Op, Tensor};
    let mut model = small_cnn(seed);
    model.nodes[2].op = Op::AvgPool2d {
        kernel: [3, 3],
        stride: [2, 2],
        pads: [1; 4],
    };
    model.nodes[5].op = Op::GlobalAvgPool;
    model.nodes[7].op = Op::Dense {
        weight: glorot(seed + 1)(vec![8, 10], 8, 10),
        bias: Some(Tensor::new(vec![10], vec![0.0; 10]).unwrap()),
    };
    model
}

/// Integer updates of one step of `model` (the small CNN's layout: convolutions at graph
/// nodes 0 and 3, quantized layers 0 and 2, the head at node 7, layer 4) against η × central
/// differences of the float graph's loss.
fn assert_gradients_match_finite_differences(
    model: zkmodel_prover::graph::Model,
    xt: &zkmodel_prover::graph::Tensor,
    yt: &[usize],
) {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::quant::{QLayer, QuantizedModel};
    use zkmodel_prover::train::step;
    // η = 32: updates large enough that their rounding is far below the gradients compared.
    let cfg = cnn_config(12, 1, 64);
    let (eta, unit) = (32.0, f64::powi(2.0, cfg.scale as i32));
    let mut q = QuantizedModel::quantize(&model, cfg.scale, cfg.bits).unwrap();
    let layers = q.layers.clone();
    let (_, x) = q.quantize_input(xt).unwrap();
    let st = step(&mut q, &cfg, &x, yt).unwrap();
    let loss = |m: &zkmodel_prover::graph::Model| -> f64 {
        let out = m.eval(xt).unwrap();
        let total: f64 = out
            .data
            .chunks(10)
            .zip(yt)
            .map(|(row, y)| {
                let row: Vec<f64> = row.iter().map(|v| f64::from(*v)).collect();
                let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = row.iter().map(|v| (v - max).exp()).sum();
                max + z.ln() - row[*y]
            })
            .sum();
        total / 32.0
    };
    let derivative = |node: usize, bias: bool, at: usize| -> f64 {
        let eps = 1e-3f32;
        let mut shifted = [model.clone(), model.clone()];
        for (m, e) in shifted.iter_mut().zip([eps, -eps]) {
            let t = match (&mut m.nodes[node].op, bias) {
                (Op::Conv2d { weight, .. }, false) => weight,
                (Op::Dense { bias: Some(b), .. }, true) => b,
                _ => unreachable!(),
            };
            t.data[at] += e;
        }
        (loss(&shifted[0]) - loss(&shifted[1])) / (2.0 * f64::from(eps))
    };
    let close = |what: &str, int: f64, float: f64| {
        assert!(
            (int - float).abs() <= 0.1 * float.abs() + 6e-4,
            "{what}: integer {int:+.5}, float {float:+.5}"
        );
    };
    // (graph node, quantized layer, input channels) of the two convolutions.
    for (node, layer, ic) in [(0usize, 0usize, 1usize), (3, 2, 4)] {
        let QLayer::Conv(c) = &layers[layer] else {
            panic!("layer {layer} is a convolution")
        };
        let (cp, np) = (c.geometry.in_c, c.dense.n);
        for (o, ci, t) in [(0, 0, 4), (1, 0, 0), (2, ic - 1, 8), (3, 0, 3)] {
            let float = derivative(node, false, (o * ic + ci) * 9 + t);
            let int = st.layers[layer].weight_delta.0[(t * cp + ci) * np + o] as f64 / unit / eta;
            close(&format!("conv layer {layer} ({o}, {ci}, {t})"), int, float);
        }
    }
    for j in [0usize, 4, 9] {
        let float = derivative(7, true, j);
        let int = st.layers[4].bias_delta.0[j] as f64 / unit / eta;
        close(&format!("head bias {j}"), int, float);
    }
}

/// `model` trained 64 steps of batch 32 at s = 8 on the first 1024 digit images, with its
/// float reference on the same (dequantized) inputs and batches.
struct CnnRun {
    q0: zkmodel_prover::graph::quant::QuantizedModel,
    q: zkmodel_prover::graph::quant::QuantizedModel,
    steps: Vec<zkmodel_prover::train::StepTrace>,
    /// Test accuracy before and after, and the float reference's after.
    before: f64,
    after: f64,
    float: f64,
}

fn train_cnn_against_float(model: &zkmodel_prover::graph::Model) -> CnnRun {
    use zkmodel_prover::graph::quant::QuantizedModel;
    let d = data();
    let cfg = cnn_config(8, 64, 1);
    let q0 = QuantizedModel::quantize(model, cfg.scale, cfg.bits).unwrap();
    let (xt, yt) = digit_images(&d, &d.train[..1024]);
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let (xs, ys) = digit_images(&d, &d.test);
    let (m, xi) = q0.quantize_input(&xs).unwrap();
    let acc = |q: &QuantizedModel| {
        accuracy(
            &q.predictions(&q.forward(m, xi.clone()).unwrap(), ys.len()),
            &ys,
        )
    };
    let (q, steps) = train(q0.clone(), &cfg, &x, &yt).unwrap();
    let unit = f64::powi(2.0, cfg.scale as i32);
    let dequantize = |v: &[i64]| -> Vec<f64> { v.iter().map(|x| *x as f64 / unit).collect() };
    let mut f = FloatModel::from_quantized(&q0).unwrap();
    let (xf, width) = (dequantize(&x), x.len() / yt.len());
    for t in 0..cfg.steps {
        let start = (t % (yt.len() / cfg.batch)) * cfg.batch;
        let rows = start * width..(start + cfg.batch) * width;
        f.step(&cfg, &xf[rows], &yt[start..start + cfg.batch]);
    }
    let float = accuracy(&f.predict(&dequantize(&xi), ys.len()), &ys);
    CnnRun {
        before: acc(&q0),
        after: acc(&q),
        float,
        q0,
        q,
        steps,
    }
}

/// The quantized trainer trains CNNs: from random weights, 64 steps of batch 32 at the MLP's
/// scale 2^8 take test accuracy from chance to well above it (42.8% when written — a tiny CNN
/// learns slower than the MLP; 23% when pools rounded G/4 instead of keeping it as two scale
/// bits), close to the float reference, every weight staying in range; every layer's weights
/// moved.
#[test]
fn the_quantized_trainer_trains_a_cnn() {
    use zkmodel_prover::graph::quant::QLayer;
    let CnnRun {
        q0,
        q,
        steps,
        before,
        after,
        float,
    } = train_cnn_against_float(&small_cnn(5));
    println!(
        "CNN, T=64, B=32, η=1/2: test accuracy {:.2}% → {:.2}% (float reference {:.2}%)",
        100.0 * before,
        100.0 * after,
        100.0 * float
    );
    assert_eq!(steps.len(), 64);
    assert!(after >= 0.35 && after >= before + 0.2, "{before} → {after}");
    // Fixed point at s = 8 costs a few points against float on this short run (42.78% vs
    // 46.67% when written).
    assert!(
        (after - float).abs() <= 0.08,
        "fixed {after}, float {float}"
    );
    for (l0, l1) in q0.layers.iter().zip(&q.layers) {
        if let (Some(a), Some(b)) = (l0.dense(), l1.dense()) {
            assert_ne!(a.weight, b.weight, "{} did not move", l1.name());
        }
    }
    // Pools hand their gradient on exactly (no rounding); weighted layers above the first hand
    // back a gradient at their input's size.
    let st = &steps[0];
    for (l, (layer, ls)) in q.layers.iter().zip(&st.layers).enumerate() {
        match (layer, &ls.backprop) {
            (QLayer::AvgPool(_), None) => {}
            (_, Some((up, _))) => {
                assert_eq!(up.len(), st.forward.layers[l - 1].y.len(), "layer {l}");
            }
            (_, None) => assert_eq!(l, 0),
        }
    }
}

/// A CNN with max pools trains too, close to its float reference; models the trainer does not
/// train are refused naming the layer: a table activation on a pool.
#[test]
fn a_max_pool_cnn_trains_and_a_table_activation_is_refused_by_name() {
    use zkmodel_prover::Error;
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::quant::QuantizedModel;
    let CnnRun { after, float, .. } = train_cnn_against_float(&max_pool_cnn(5));
    println!(
        "max-pool CNN, T=64, B=32, η=1/2: test accuracy {:.2}% (float reference {:.2}%)",
        100.0 * after,
        100.0 * float
    );
    // 58.89% against 69.72% when written: at s = 8 distinct activations round to equal
    // values, and a window's gradient then goes to the first of the tied maxima, not to the
    // float maximum (the gradients agree with float where there are no ties: above).
    assert!(after >= 0.3, "{after}");
    assert!(
        (after - float).abs() <= 0.15,
        "fixed {after}, float {float}"
    );

    let mut model = max_pool_cnn(6);
    model.nodes[1].op = Op::Activation(zkmodel_prover::lookup::TableFn::Sigmoid);
    let q = QuantizedModel::quantize(&model, 8, 16).unwrap();
    let cfg = TrainConfig {
        batch: 2,
        steps: 1,
        ..cnn_config(8, 1, 1)
    };
    let (_, x) = q
        .quantize_input(
            &zkmodel_prover::graph::Tensor::new(vec![2, 1, 8, 8], vec![0.5; 128]).unwrap(),
        )
        .unwrap();
    match train(q, &cfg, &x, &[1, 2]) {
        Err(Error::Unprovable { node, .. }) => assert_eq!(node, "n0"),
        other => panic!("{other:?}"),
    }
}

/// LeNet's shape on maps whose sides are not powers of two — conv 3×3 unpadded (1→4, 8 → 6,
/// laid out 8×8) → ReLU → 2×2 max pool (→ 3×3, laid out 4×4) → conv 3×3 padded (4→8) → ReLU →
/// dense 72→10, Glorot-uniform weights, zero biases — trains close to its float reference:
/// both leave the layout's padded rows at 0 (no bias there), which the biases the run learns
/// would otherwise fill.
#[test]
fn a_cnn_on_maps_whose_sides_are_not_powers_of_two_trains_close_to_float() {
    let CnnRun {
        q,
        before,
        after,
        float,
        ..
    } = train_cnn_against_float(&padded_map_cnn(6));
    println!(
        "CNN on 6×6 and 3×3 maps, T=64, B=32, η=1/2: test accuracy {:.2}% → {:.2}% (float \
         reference {:.2}%)",
        100.0 * before,
        100.0 * after,
        100.0 * float
    );
    let conv = q.layers[0].dense().unwrap();
    assert!(conv.bias.iter().any(|b| *b != 0), "the biases moved");
    // 82.22% against 82.78% when written (seeds 7–9: 83.06/80.56, 76.94/79.44, 79.17/71.94;
    // seed 5's float run lagged at 64.17% against 78.89%: η = 1/2 makes short runs noisy).
    assert!(after >= before + 0.5, "{before} → {after}");
    assert!((after - float).abs() <= 0.1, "fixed {after}, float {float}");
}

/// Glorot-uniform weights drawn from `seed`: (shape, fan in, fan out) → tensor.
fn glorot(seed: u64) -> impl FnMut(Vec<usize>, usize, usize) -> zkmodel_prover::graph::Tensor {
    use rand::Rng;
    let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    move |shape: Vec<usize>, fan_in: usize, fan_out: usize| {
        let limit = (6.0 / (fan_in + fan_out) as f32).sqrt();
        let n = shape.iter().product();
        zkmodel_prover::graph::Tensor::new(
            shape,
            (0..n).map(|_| r.gen_range(-limit..limit)).collect(),
        )
        .unwrap()
    }
}

/// See [`a_cnn_on_maps_whose_sides_are_not_powers_of_two_trains_close_to_float`]: Glorot
/// weights from `seed`, zero biases.
pub(crate) fn padded_map_cnn(seed: u64) -> zkmodel_prover::graph::Model {
    let zeros = |n: usize| zkmodel_prover::graph::Tensor::new(vec![n], vec![0.0; n]).unwrap();
    padded_map_cnn_with(glorot(seed), zeros)
}

/// LeNet's shape on 8×8 inputs with maps whose sides are not powers of two: conv 3×3
/// unpadded (1→4, 8 → 6) → ReLU → 2×2 max pool (→ 3×3) → conv 3×3 padded by 1 (4→8) → ReLU →
/// dense 72→10, with weights from `weight(shape, fan in, fan out)` (in that layer order) and
/// biases from `bias(n)`.
pub(crate) fn padded_map_cnn_with(
    mut weight: impl FnMut(Vec<usize>, usize, usize) -> zkmodel_prover::graph::Tensor,
    bias: impl Fn(usize) -> zkmodel_prover::graph::Tensor,
) -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::Op;
    let ops = vec![
        Op::Conv2d {
            weight: weight(vec![4, 1, 3, 3], 9, 36),
            bias: bias(4),
            stride: [1, 1],
            pads: [0; 4],
        },
        Op::Relu,
        Op::MaxPool2d {
            kernel: [2, 2],
            stride: [2, 2],
            pads: [0; 4],
        },
        Op::Conv2d {
            weight: weight(vec![8, 4, 3, 3], 36, 72),
            bias: bias(8),
            stride: [1, 1],
            pads: [1; 4],
        },
        Op::Relu,
        Op::Flatten { axis: 1 },
        Op::Dense {
            weight: weight(vec![72, 10], 72, 10),
            bias: Some(bias(10)),
        },
    ];
    crate::common::chain_model(vec![None, Some(1), Some(8), Some(8)], ops)
}

/// From the trainer's review: an update too large for i64 is a range error naming the tensor
/// (CNN sums run over every example × position), not an overflow; a hand-built 2×2 pool on an
/// odd map is refused by name, not indexed out of bounds.
#[test]
fn oversized_updates_and_odd_pools_are_errors() {
    use zkmodel_prover::Error;
    use zkmodel_prover::graph::quant::{QLayer, QPool, QuantizedModel};
    let d = data();
    let q = QuantizedModel::quantize(&small_cnn(7), 8, 16).unwrap();
    let (xt, yt) = digit_images(&d, &d.train[..32]);
    let (_, x) = q.quantize_input(&xt).unwrap();
    let huge = TrainConfig {
        lr_num: 1 << 62,
        ..cnn_config(8, 1, 1)
    };
    match train(q.clone(), &huge, &x, &yt) {
        Err(Error::QuantRange { tensor, .. }) => assert!(tensor.ends_with("_update"), "{tensor}"),
        other => panic!("{other:?}"),
    }
    let mut odd = q;
    if let QLayer::AvgPool(p) = &mut odd.layers[1] {
        *p = QPool { h: 3, ..p.clone() };
    }
    match train(odd, &cnn_config(8, 1, 1), &x, &yt) {
        Err(Error::Unprovable { node, .. }) => assert_eq!(node, "n2"),
        other => panic!("{other:?}"),
    }
}
