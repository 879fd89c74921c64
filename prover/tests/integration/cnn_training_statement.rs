//! The training statement on a small CNN (conv 3×3 → ReLU → 2×2 pool → conv 3×3 → ReLU →
//! 2×2 pool → dense, on 8×8 digit images) trained by the quantized trainer: the honest proof
//! verifies and ends in the commitment an accuracy proof of the trained model takes; each new
//! message (the convolutions' gathers, the pools, the col2im back-propagation, the ReLU mask
//! through a pool) tampered is refused with its check's error; a run with a pool's gradient
//! rounded instead of kept exact, an altered convolution update and another learning rate are
//! refused.

use crate::training::{cnn_config, digit_images, small_cnn, small_cnn_with};
use ark_ff::Field;
use std::sync::OnceLock;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::proof::model::{ModelShape, Task};
use zkmodel_prover::proof::train::{
    BackpropProof, ForwardProof, PoolGradProof, TrainArchitecture, TrainingProof,
};
use zkmodel_prover::train::{StepTrace, TrainConfig};
use zkmodel_prover::{Error, Fr};

const EXAMPLES: usize = 64;

use crate::common::training::TrainingSetup as Setup;

struct Run {
    setup: Setup,
    proof: TrainingProof,
}

impl std::ops::Deref for Run {
    type Target = Setup;
    fn deref(&self) -> &Setup {
        &self.setup
    }
}

/// T = 4 steps of batch 8 at scale 2^8 (16-bit values), η = 1/2.
fn config() -> TrainConfig {
    TrainConfig {
        batch: 8,
        ..cnn_config(8, 4, 1)
    }
}

/// `model` quantized, trained as `cfg` says on the first 64 digit images, and its initial
/// model, trained model and dataset committed.
fn setup(model: zkmodel_prover::graph::Model, cfg: TrainConfig) -> Setup {
    let d = Dataset::load(&crate::common::digits("dataset.json")).unwrap();
    let q0 = QuantizedModel::quantize(&model, cfg.scale, cfg.bits).unwrap();
    let (xt, y) = digit_images(&d, &d.train[..EXAMPLES]);
    let (_, x) = q0.quantize_input(&xt).unwrap();
    let arch = TrainArchitecture::new(ModelShape::from(&q0), cfg, EXAMPLES).unwrap();
    Setup::new(arch, q0, x, y, Task::Accuracy { examples: 64 })
}

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        // 3 and 6 channels: the statement stores the convolutions' and pools' tensors
        // without their padded channels.
        let setup = setup(small_cnn_with(5, [3, 6]), config());
        let proof = setup.prove_steps(&setup.steps).unwrap();
        Run { setup, proof }
    })
}

#[test]
fn an_honest_cnn_training_run_verifies() {
    let run = run();
    run.verify(&run.proof).unwrap();
    let kinds: Vec<&str> = run
        .proof
        .body
        .forward
        .iter()
        .map(|f| match f {
            ForwardProof::Dense(_) => "dense",
            ForwardProof::Conv { .. } => "conv",
            ForwardProof::Pool(_) => "pool",
            ForwardProof::MaxPool { .. } => "max pool",
            ForwardProof::AvgPoolWindow { .. } => "window pool",
        })
        .collect();
    assert_eq!(kinds, ["conv", "pool", "conv", "pool", "dense"]);
    // One backward proof per weighted layer; the convolutions' updates gather Xcol.
    let gathers: Vec<bool> = run
        .proof
        .body
        .backward
        .iter()
        .map(|b| b.weight_gather.is_some())
        .collect();
    assert_eq!(gathers, [true, true, false]);
    println!(
        "CNN training proof (T = 4, B = 8): {} bytes",
        run.proof.size_bytes()
    );
}

/// The convolutions and pools keep 3 of 4 and 6 of 8 channels, and their tensors are stored
/// without the padded ones: the trace is shorter than the padded statement's, whose verifier
/// (another architecture, range-checking whole tensors) refuses the proof.
#[test]
fn padded_channels_are_left_out_of_the_trace() {
    let run = run();
    let real: Vec<Option<usize>> = run.arch.shape.layers.iter().map(|l| l.real_c).collect();
    assert_eq!(real, [Some(3), Some(3), Some(6), Some(6), None]);
    let mut shape = run.arch.shape.clone();
    for l in &mut shape.layers {
        l.real_c = None;
    }
    let padded = TrainArchitecture::new(shape, run.arch.config, EXAMPLES).unwrap();
    let (split, whole) = (
        run.arch.trace_entries().unwrap(),
        padded.trace_entries().unwrap(),
    );
    println!("trace {split} entries, {whole} with the padded channels");
    assert!(split < whole, "{split} {whole}");
    assert_ne!(run.arch.id(&run.srs), padded.id(&run.srs));
    let refused = zkmodel_prover::proof::train::verify(
        &run.srs,
        &padded,
        run.trained.commitment,
        run.initial.commitment,
        run.dataset.commitment,
        &run.proof,
    );
    // The padded statement range-checks whole tensors where this one checks their blocks.
    assert!(
        matches!(
            refused,
            Err(Error::ProofShape {
                what: "LogUp column evaluations",
                ..
            })
        ),
        "{refused:?}"
    );
    // Real channels stated where they mean nothing are refused: on the dense layer, as many
    // as the padded channels, a pool's differing from the layer below's.
    let refusal = Err(Error::BlockShape {
        block: "model architecture",
        reason: "real channels are stated on a convolution (fewer than its padded channels) or \
                 on a pool of the layer below (the same as that layer's) only",
    });
    for (layer, c) in [(4, 5), (0, 4), (1, 2)] {
        let mut shape = run.arch.shape.clone();
        shape.layers[layer].real_c = Some(c);
        let arch = TrainArchitecture::new(shape, run.arch.config, EXAMPLES).map(|_| ());
        assert_eq!(arch, refusal, "layer {layer}, {c} channels");
    }
}

/// Every message of the new blocks is absorbed before the opening's challenges.
#[test]
fn every_cnn_block_message_is_bound_before_the_opening() {
    let run = run();
    let claim = run.proof.claim(
        run.trained.commitment,
        run.initial.commitment,
        run.dataset.commitment,
    );
    crate::common::binding::assert_messages_bound(
        &run.arch,
        &run.srs,
        &claim,
        "CNN training T = 4",
    );
}

#[test]
fn tampered_cnn_training_messages_are_refused() {
    let run = run();
    type Tamper = Box<dyn Fn(&mut TrainingProof)>;
    let tampers: Vec<(&str, Tamper, Error)> = vec![
        (
            "forward gather",
            Box::new(|p| match &mut p.body.forward[2] {
                ForwardProof::Conv { gather, .. } => gather.rounds[0][0] += Fr::ONE,
                _ => unreachable!(),
            }),
            Error::SumcheckFinal,
        ),
        (
            "convolution value",
            Box::new(|p| match &mut p.body.forward[0] {
                ForwardProof::Conv { dense, .. } => dense.values[2] += Fr::ONE,
                _ => unreachable!(),
            }),
            Error::SumcheckFinal,
        ),
        (
            "pool value",
            Box::new(|p| match &mut p.body.forward[1] {
                ForwardProof::Pool(pp) => pp.values[0] += Fr::ONE,
                _ => unreachable!(),
            }),
            // The pool's output is virtual: it states the remainder at each claim on it, and
            // a wrong one moves the claim on the ReLU's virtual Pos, which the ReLU block's
            // sumcheck refuses.
            Error::SumcheckFinal,
        ),
        (
            "pool value missing",
            Box::new(|p| match &mut p.body.forward[1] {
                ForwardProof::Pool(pp) => {
                    pp.values.pop();
                }
                _ => unreachable!(),
            }),
            // One per claim on the output: the range lookup's, the next convolution's forward
            // gather and its weight update's gather.
            Error::ProofShape {
                what: "pool output remainders (one per claim on the output)",
                expected: 3,
                actual: 2,
            },
        ),
        (
            "ReLU sumcheck",
            Box::new(|p| p.body.relus[0].sumcheck.rounds[3][1] += Fr::ONE),
            Error::SumcheckFinal,
        ),
        (
            "ReLU final value",
            Box::new(|p| p.body.relus[1].sumcheck.final_evals[0][4] += Fr::ONE),
            Error::SumcheckFinal,
        ),
        (
            "missing ReLU",
            Box::new(|p| {
                p.body.relus.pop();
            }),
            Error::ProofShape {
                what: "ReLU proofs (one per hidden layer)",
                expected: 2,
                actual: 1,
            },
        ),
        (
            "weight-update gather",
            Box::new(|p| {
                p.body.backward[1].weight_gather.as_mut().unwrap().rounds[1][0] += Fr::ONE
            }),
            Error::SumcheckFinal,
        ),
        (
            "convolution back-propagation value",
            Box::new(
                |p| match &mut p.body.backward[1].backprop.as_mut().unwrap() {
                    BackpropProof::Conv(c) => c.values[0] += Fr::ONE,
                    BackpropProof::Dense(_) => unreachable!(),
                },
            ),
            Error::SumcheckFinal,
        ),
        (
            "col2im sumcheck",
            Box::new(
                |p| match &mut p.body.backward[1].backprop.as_mut().unwrap() {
                    BackpropProof::Conv(c) => c.scatter.rounds[0][1] += Fr::ONE,
                    BackpropProof::Dense(_) => unreachable!(),
                },
            ),
            Error::SumcheckFinal,
        ),
        (
            "ReLU proofs swapped",
            Box::new(|p| p.body.relus.swap(0, 1)),
            // The layers' outputs differ in size: the first's sumcheck is one round longer.
            Error::ProofShape {
                what: "sumcheck rounds",
                expected: 13,
                actual: 12,
            },
        ),
        (
            "missing weight gather",
            Box::new(|p| p.body.backward[0].weight_gather = None),
            Error::ProofShape {
                what: "weight-update gathers (one for a convolution)",
                expected: 1,
                actual: 0,
            },
        ),
        (
            "pool proof for a convolution",
            Box::new(|p| p.body.forward.swap(0, 1)),
            Error::LayerProofKind { layer: 0 },
        ),
        (
            "dense back-propagation for a convolution",
            Box::new(|p| {
                let dense = p.body.backward[2].backprop.clone();
                p.body.backward[1].backprop = dense;
            }),
            Error::LayerProofKind { layer: 2 },
        ),
    ];
    for (what, tamper, expected) in &tampers {
        let mut bad = run.proof.clone();
        tamper(&mut bad);
        assert_eq!(run.verify(&bad), Err(expected.clone()), "tampered {what}");
    }
}

/// Runs that are not the integer trainer's: the first convolution's gradient a quarter of
/// the statement's (what rounding each pool's 1/4 at the pool would hand it), one entry of the
/// second convolution's update off by one, another learning rate.
#[test]
fn runs_other_than_the_statement_are_refused() {
    let run = run();
    let refused = |steps: &[StepTrace]| {
        let proof = run.prove_steps(steps).unwrap();
        run.verify(&proof)
    };
    let mut steps = run.steps.clone();
    for s in &mut steps {
        for g in &mut s.layers[0].grad {
            *g = (*g + 2) >> 2;
        }
    }
    assert_eq!(refused(&steps), Err(Error::SumcheckFinal));
    let mut steps = run.steps.clone();
    steps[0].layers[2].weight_delta.0[3] += 1;
    assert_eq!(refused(&steps), Err(Error::SumcheckFinal));
    // The same records proven under η = 1/4.
    let cfg = TrainConfig {
        lr_shift: 2,
        ..config()
    };
    let arch = TrainArchitecture::new(run.arch.shape.clone(), cfg, EXAMPLES).unwrap();
    let other = Setup {
        arch,
        srs: run.srs.clone(),
        x: run.x.clone(),
        y: run.y.clone(),
        q0: run.q0.clone(),
        q: run.q.clone(),
        steps: run.steps.clone(),
        initial: run.initial.clone(),
        trained: run.trained.clone(),
        dataset: run.dataset.clone(),
    };
    // The records' rounding remainders do not fit η = 1/4's statement: in the padded
    // channels they are the remainder of rounding zero at η = 1/2's shift, not η = 1/4's.
    assert!(matches!(
        other.prove_steps(&run.steps),
        Err(Error::PaddedEntry { tensor, .. }) if tensor.ends_with("update.remainder")
    ));
    assert_eq!(other.verify(&run.proof), Err(Error::SumcheckFinal));
}

/// The small CNN with 2×2 max pools (LeNet's pooling) trains with a proof: each pooled
/// gradient goes to its window's first maximum. Its max-pool messages tampered are refused.
#[test]
fn a_max_pool_cnn_training_run_verifies() {
    use zkmodel_prover::blocks::maxpool_grad::MaxPoolGradProof;
    let setup = setup(crate::training::max_pool_cnn(5), config());
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();
    assert!(matches!(
        proof.body.forward[1],
        ForwardProof::MaxPool { .. }
    ));
    type Tamper = Box<dyn Fn(&mut MaxPoolGradProof<Fr>)>;
    let tampers: Vec<(&str, Tamper, Error)> = vec![
        (
            "slack value",
            Box::new(|p| p.values[0] += Fr::ONE),
            Error::SuccinctEvaluation {
                what: "max-pool first maximum E = D − B",
            },
        ),
        (
            "selection at a tap",
            Box::new(|p| p.values[3] += Fr::ONE),
            Error::SuccinctEvaluation {
                what: "max-pool window sum Σ_t S = 1",
            },
        ),
        (
            "gradient handed down",
            Box::new(|p| p.grad_in += Fr::ONE),
            Error::SumcheckFinal,
        ),
        (
            "sumcheck",
            Box::new(|p| p.sumcheck.rounds[0][0] += Fr::ONE),
            Error::SumcheckFinal,
        ),
    ];
    for (what, tamper, expected) in tampers {
        let mut bad = proof.clone();
        tamper(max_grad(&mut bad, 1));
        assert_eq!(setup.verify(&bad), Err(expected), "tampered {what}");
    }
    let mut bad = proof.clone();
    bad.body.backward[1].pool_grad = None;
    assert_eq!(
        setup.verify(&bad),
        Err(Error::ProofShape {
            what: "pool backward proofs (one of its kind under a max or window average pool)",
            expected: 1,
            actual: 0,
        })
    );
    // The gradient sent to the last of tied maxima instead of the first: the recorded
    // gradient below differs from the statement's rule and the proof fails.
    let mut steps = setup.steps.clone();
    let mut moved = false;
    for s in &mut steps {
        let (x, pooled) = (
            s.forward.layers[0].pos.clone(),
            s.forward.layers[1].y.clone(),
        );
        let c = 4usize;
        for (o, m) in pooled.iter().enumerate() {
            let (ch, pos) = (o % c, o / c);
            let (n, yo, xo) = (pos / 16, (pos / 4) % 4, pos % 4);
            let at = |dy: usize, dx: usize| ((n * 8 + 2 * yo + dy) * 8 + 2 * xo + dx) * c + ch;
            let ties: Vec<usize> = [(0, 0), (0, 1), (1, 0), (1, 1)]
                .iter()
                .map(|(dy, dx)| at(*dy, *dx))
                .filter(|a| x[*a] == *m && *m > 0)
                .collect();
            if let [first, .., last] = ties.as_slice() {
                let g = s.layers[0].grad[*first];
                if g != 0 {
                    s.layers[0].grad[*first] = 0;
                    s.layers[0].grad[*last] = g;
                    moved = true;
                }
            }
        }
    }
    assert!(moved, "the run has windows with tied positive maxima");
    let verdict = setup.verify(&setup.prove_steps(&steps).unwrap());
    println!("gradient moved to the last tied maximum: {verdict:?}");
    assert_eq!(verdict, Err(Error::SumcheckFinal));
}

/// A CNN with window average pools — 3×3 stride 2 padded by 1, then a global average pool
/// (ResNet's head) — trains with a proof: each hands down round(2^e·col2im(UP_G)/K) with e =
/// ⌈log2 K⌉ extra bits. Its pools' messages tampered are refused, and a run whose gradient
/// handed down is rounded the other way (remainder out of [0, K)) is refused.
#[test]
fn a_window_average_pool_cnn_training_run_verifies() {
    let setup = setup(crate::training::window_pool_cnn(5), config());
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();
    let kinds: Vec<bool> = proof
        .body
        .forward
        .iter()
        .map(|f| matches!(f, ForwardProof::AvgPoolWindow { .. }))
        .collect();
    assert_eq!(kinds, [false, true, false, true, false]);
    let average =
        |p: &mut TrainingProof, layer: usize| match p.body.backward[layer].pool_grad.as_mut() {
            Some(PoolGradProof::Average(g)) => g.clone(),
            other => panic!("no average-pool backward proof: {other:?}"),
        };
    for layer in [1, 2] {
        let mut bad = proof.clone();
        let mut g = average(&mut bad, layer);
        g.values[0] += Fr::ONE;
        bad.body.backward[layer].pool_grad = Some(PoolGradProof::Average(g));
        assert_eq!(
            setup.verify(&bad),
            Err(Error::SumcheckFinal),
            "layer {layer}"
        );
    }
    let mut bad = proof.clone();
    match &mut bad.body.forward[3] {
        ForwardProof::AvgPoolWindow { pool, .. } => pool.values[1] += Fr::ONE,
        _ => unreachable!("layer 3 is the global average pool"),
    }
    assert_eq!(setup.verify(&bad), Err(Error::SumcheckFinal));
    // A max-pool backward proof in the average pool's place.
    let mut bad = proof.clone();
    bad.body.backward[2].pool_grad = max_pool_proof().body.backward[1].pool_grad.clone();
    assert!(matches!(
        setup.verify(&bad),
        Err(Error::ProofShape {
            what: "pool backward proofs (one of its kind under a max or window average pool)",
            ..
        })
    ));
    // The 3×3 pool's gradient one unit up where the ReLU below is off (so nothing else
    // changes), its remainder K lower: the relation holds, the remainder leaves [0, 9).
    let mut steps = setup.steps.clone();
    let off = steps[0].forward.layers[0]
        .y
        .iter()
        .position(|y| *y <= 0)
        .unwrap();
    let (u, r) = steps[0].layers[1].backprop.as_mut().unwrap();
    u[off] += 1;
    r[off] -= 9;
    assert!(matches!(
        setup.prove_steps(&steps),
        Err(Error::ValueNotInTable { column, .. }) if column == "n2.grad_in_rem"
    ));
}

fn max_pool_proof() -> TrainingProof {
    let setup = setup(crate::training::max_pool_cnn(5), config());
    setup.prove_steps(&setup.steps).unwrap()
}

/// The max-pool backward proof under weighted layer `layer` (its pool directly below).
fn max_grad(
    p: &mut TrainingProof,
    layer: usize,
) -> &mut zkmodel_prover::blocks::maxpool_grad::MaxPoolGradProof<Fr> {
    match p.body.backward[layer].pool_grad.as_mut() {
        Some(PoolGradProof::Max(g)) => g,
        other => panic!("no max-pool backward proof: {other:?}"),
    }
}

/// The small CNN trained with mean squared error on the logits proves too.
#[test]
fn a_cnn_trained_with_mean_squared_error_proves() {
    let cfg = TrainConfig {
        loss: zkmodel_prover::train::Loss::MeanSquaredError,
        lr_shift: 3,
        ..config()
    };
    let setup = setup(small_cnn(5), cfg);
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();
    assert!(proof.body.softmax.is_none());
}

/// Shapes the statement does not prove are refused with the training architecture's error: a
/// pool first, two pools in a row, a hidden convolution without ReLU, a pool with a ReLU.
#[test]
fn cnn_shapes_outside_the_statement_are_refused() {
    let base = run().arch.shape.clone();
    let refused = |shape: ModelShape| {
        matches!(
            TrainArchitecture::new(shape, config(), EXAMPLES),
            Err(Error::BlockShape {
                block: "training architecture",
                ..
            })
        )
    };
    assert!(TrainArchitecture::new(base.clone(), config(), EXAMPLES).is_ok());
    let mut pool_first = base.clone();
    pool_first.layers.remove(0);
    assert!(refused(pool_first));
    let mut two_pools = base.clone();
    two_pools.layers.remove(2);
    assert!(refused(two_pools));
    let mut linear_conv = base.clone();
    linear_conv.layers[2].relu = false;
    assert!(refused(linear_conv));
    let mut relu_pool = base.clone();
    relu_pool.layers[1].relu = true;
    assert!(refused(relu_pool));
}

/// A CNN with AlexNet's overlapping max pools (3×3, stride 2, padded by 1: windows share
/// inputs and read padding) trains with a proof: the gradient handed down sums what every
/// window routes to each position. Its max-pool messages tampered are refused, and a run
/// whose gradient below went to a later tied maximum is refused.
#[test]
fn an_overlapping_max_pool_cnn_training_run_verifies() {
    let setup = setup(crate::training::overlapping_pool_cnn(5), config());
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();
    for layer in [1, 3] {
        assert!(matches!(
            setup.arch.shape.layers[layer].kind,
            zkmodel_prover::proof::model::LayerKind::MaxPool(g) if g.kh == 3 && g.pads == [1; 4]
        ));
    }
    let mut bad = proof.clone();
    max_grad(&mut bad, 1).values[0] += Fr::ONE;
    assert_eq!(
        setup.verify(&bad),
        Err(Error::SuccinctEvaluation {
            what: "max-pool first maximum E = D − B",
        })
    );
    let mut bad = proof.clone();
    max_grad(&mut bad, 2).grad_in += Fr::ONE;
    assert_eq!(setup.verify(&bad), Err(Error::SumcheckFinal));
    // The first convolution's gradient moved to the next position (another channel's or
    // window's): the recorded gradient below no longer matches the first-maximum routing
    // (G = M ⊙ G_in, the ReLU derivative's relation).
    let mut steps = setup.steps.clone();
    let grad = &mut steps[0].layers[0].grad;
    let at = grad.iter().position(|g| *g != 0).unwrap();
    let moved = grad[at];
    grad[at] = 0;
    grad[at + 4] += moved;
    let verdict = setup.prove_steps(&steps).and_then(|p| setup.verify(&p));
    assert_eq!(verdict, Err(Error::SumcheckFinal));
}

/// A CNN without pools — a convolution, a strided convolution (e = 0: no extra bits), then a
/// dense head on the flattened map — trains and proves; its strided convolution's
/// back-propagation tampered is refused.
#[test]
fn a_strided_cnn_without_pools_proves() {
    use zkmodel_prover::graph::{Op, Tensor};
    let w = deterministic;
    let zeros = |n: usize| Tensor::new(vec![n], vec![0.0; n]).unwrap();
    let ops = vec![
        Op::Conv2d {
            weight: w(vec![2, 1, 3, 3], 1),
            bias: zeros(2),
            stride: [1, 1],
            pads: [1; 4],
        },
        Op::Relu,
        Op::Conv2d {
            weight: w(vec![4, 2, 3, 3], 2),
            bias: zeros(4),
            stride: [2, 2],
            pads: [1; 4],
        },
        Op::Relu,
        Op::Flatten { axis: 1 },
        Op::Dense {
            weight: w(vec![64, 10], 3),
            bias: Some(zeros(10)),
        },
    ];
    let setup = setup(
        crate::common::chain_model(vec![None, Some(1), Some(8), Some(8)], ops),
        config(),
    );
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();
    assert!(
        proof
            .body
            .forward
            .iter()
            .all(|f| !matches!(f, ForwardProof::Pool(_)))
    );
    let mut bad = proof.clone();
    match &mut bad.body.backward[1].backprop.as_mut().unwrap() {
        BackpropProof::Conv(c) => c.contraction.rounds[0][0] += Fr::ONE,
        BackpropProof::Dense(_) => unreachable!("layer 1 is the strided convolution"),
    }
    assert_eq!(setup.verify(&bad), Err(Error::SumcheckFinal));
}

/// Deterministic weights in [−0.3, 0.3) of `shape`.
fn deterministic(shape: Vec<usize>, seed: u64) -> zkmodel_prover::graph::Tensor {
    let n: usize = shape.iter().product();
    let v = (0..n)
        .map(|i| (((i as u64 * 2654435761 + seed) % 1000) as f32 / 1000.0 - 0.5) * 0.6)
        .collect();
    zkmodel_prover::graph::Tensor::new(shape, v).unwrap()
}

/// A LeNet-shaped CNN on maps whose sides are not powers of two — a 3×3 unpadded convolution
/// (8 → 6, laid out 8×8), a 2×2 max pool (6 → 3, laid out 4×4), a 3×3 convolution padded by 1
/// (3 → 3) and a dense head — with nonzero biases trains with a proof: the layout's padded
/// rows get no bias (the statement's row mask), so they output 0 and feed no gradient, window
/// maximum or bias sum. A run whose padded rows carry the bias, as if they were real outputs,
/// is refused.
#[test]
fn a_cnn_on_maps_whose_sides_are_not_powers_of_two_trains_with_a_proof() {
    // Deterministic weights (seeds 1, 2, 3 in layer order) and positive biases.
    let mut seed = 0;
    let weights = |shape: Vec<usize>, _: usize, _: usize| {
        seed += 1;
        deterministic(shape, seed)
    };
    let biases = |n: usize| {
        zkmodel_prover::graph::Tensor::new(vec![n], (0..n).map(|i| 0.1 + 0.05 * i as f32).collect())
            .unwrap()
    };
    let setup = setup(
        crate::training::padded_map_cnn_with(weights, biases),
        config(),
    );
    // Both convolutions pad their output layout: their descriptions (the architecture id)
    // say the bias is masked there; the small CNN's power-of-two maps do not.
    let description = setup.arch.shape.description();
    assert_eq!(description.matches(":rowmask").count(), 2, "{description}");
    assert!(!run().arch.shape.description().contains(":rowmask"));
    // Layer 0's layout is 8×8 for a 6×6 map: rows with y ≥ 6 or x ≥ 6 are padding.
    let padded = |row: usize| (row % 64) / 8 >= 6 || row % 8 >= 6;
    let first = &setup.steps[0];
    let c = first.params[0].1.len();
    assert_eq!(c, 4);
    assert!(
        first.params[0].1[..4].iter().all(|b| *b > 0),
        "positive biases"
    );
    let conv = &first.forward.layers[0];
    assert!(
        conv.y
            .iter()
            .enumerate()
            .all(|(i, y)| !padded(i / c) || *y == 0),
        "padded rows output 0"
    );
    let proof = setup.prove_steps(&setup.steps).unwrap();
    setup.verify(&proof).unwrap();

    // The padded rows computed as real ones (P = 2^s·B there): the verifier's forward
    // relation (the row mask) refuses, under the max pool (whose windows read no padded row)
    // as under the dense head.
    let with_biased_padding = |layer: usize, side: usize, real: usize| {
        let mut steps = setup.steps.clone();
        for st in &mut steps {
            let bias = st.params[layer].1.clone();
            let c = bias.len();
            let l = &mut st.forward.layers[layer];
            for i in 0..l.y.len() {
                let row = i / c;
                if (row % (side * side)) / side >= real || row % side >= real {
                    let b = bias[i % c];
                    (l.y[i], l.r[i], l.pos[i], l.neg[i]) = (b, 0, b.max(0), (-b).max(0));
                }
            }
        }
        setup.prove_steps(&steps).and_then(|p| setup.verify(&p))
    };
    assert_eq!(with_biased_padding(0, 8, 6), Err(Error::SumcheckFinal));
    assert_eq!(with_biased_padding(2, 4, 3), Err(Error::SumcheckFinal));
}
