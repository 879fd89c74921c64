#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The training-statement circuit runs the native training verifier in-circuit: an honest
//! digits training proof (T = 4) satisfies it with the same outputs and wraps into a Groth16
//! proof that verifies as the contract checks it; tampered proofs, public inputs and
//! commitments are rejected. Prints the constraint count and Groth16 timings.

use crate::assignment::satisfied;
use ark_bn254::G1Affine;
use ark_ff::Field;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::Instant;
use zkmodel_prover::Error as ProverError;
use zkmodel_prover::Fr;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{Task, commit_model};
use zkmodel_prover::proof::roles::{CommitmentRole, TrainingCommitments};
use zkmodel_prover::proof::statement::Claim;
use zkmodel_prover::proof::train::{
    PoolGradProof, ProvingInputs, TrainArchitecture, TrainingProof, commit_dataset,
    digits::DigitsTraining, prove,
};
use zkmodel_prover::train::{TrainConfig, train};
use zkmodel_wrapper::Error;
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::groth16::WrappedProof;
use zkmodel_wrapper::groth16::prepare;
use zkmodel_wrapper::wrap::{setup_insecure_dev, verify_wrapped, wrap};

type TrainCircuit = StatementCircuit<TrainArchitecture>;

struct Native {
    arch: TrainArchitecture,
    srs: Srs,
    commitments: TrainingCommitments,
    proof: TrainingProof,
}

impl Native {
    fn claim(&self) -> Claim<TrainArchitecture> {
        let c = &self.commitments;
        self.proof.claim(c.final_model, c.initial_model, c.dataset)
    }
}

/// Trains `q0` on (x, y) as `arch` says, commits the initial model, the trained model (for
/// accuracy statements on `test_examples`) and the dataset, and proves the run.
fn run(
    arch: TrainArchitecture,
    q0: QuantizedModel,
    x: &[i64],
    y: &[usize],
    test_examples: usize,
) -> Native {
    let (q, records) = train(q0.clone(), &arch.config, x, y).unwrap();
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let model_arch = arch.model_architecture(Task::Accuracy {
        examples: test_examples,
    });
    let initial = commit_model(&srs, &model_arch, &q0, &mut rng).unwrap();
    let trained = commit_model(&srs, &model_arch, &q, &mut rng).unwrap();
    let dataset = commit_dataset(&srs, &arch, x, y, &mut rng).unwrap();
    let inputs = ProvingInputs {
        initial: &initial,
        trained: (&q, &trained),
        dataset: (&dataset, x, y),
        steps: &records,
    };
    let proof = prove(&srs, &arch, &inputs, &mut rng).unwrap();
    let commitments = TrainingCommitments {
        final_model: trained.commitment,
        initial_model: initial.commitment,
        dataset: dataset.commitment,
        trace: proof.trace_commitment,
    };
    Native {
        arch,
        srs,
        commitments,
        proof,
    }
}

fn native(steps: usize) -> Native {
    let cfg = TrainConfig::digits_mlp(steps);
    let DigitsTraining {
        initial: q0,
        x,
        y,
        arch,
        ..
    } = DigitsTraining::load(cfg, 1024).unwrap();
    run(arch, q0, &x, &y, 360)
}

#[test]
fn training_circuit_accepts_honest_and_rejects_tampered() {
    let n = native(4);
    let c = StatementCircuit::new(&n.srs, &n.arch, &n.claim()).unwrap();
    let (ok, count) = satisfied(c.clone());
    println!("digits MLP training, T = 4: {count} constraints");
    assert!(ok);
    type Tamper = fn(&mut TrainCircuit);
    let tampers: [(&str, Tamper); 6] = [
        ("salt", |c| c.salt += Fr::ONE),
        ("y_ι", |c| c.public.out.y_inv += Fr::ONE),
        ("s0", |c| c.public.seeds.s0 += Fr::ONE),
        ("range lookup", |c| {
            c.body.lookups[0].column_evals[3] += Fr::ONE
        }),
        ("weight chain", |c| {
            c.body.backward[0].weight_chain.values[1] += Fr::ONE;
        }),
        ("opening", |c| c.opening.evals.s1_at_zeta_inv += Fr::ONE),
    ];
    for (what, tamper) in tampers {
        let mut bad = c.clone();
        tamper(&mut bad);
        assert!(!satisfied(bad).0, "tampered {what} satisfied the circuit");
    }
}

/// A CNN training run (T = 4, batch 8) through the circuit — the PyTorch CNN fixture (two 3×3
/// convolutions with ReLU, each followed by a 2×2 average pool, then dense) or `model`
/// ([`max_pool_model`], [`window_pool_model`]): the convolutions' gathers, the pools, the
/// col2im back-propagation and the ReLU mask through a pool run in-circuit as natively;
/// tampered messages are refused. `bits`: 12, or more for pools that keep more scale bits.
fn native_cnn(model: Option<zkmodel_prover::graph::Model>, bits: u32) -> Native {
    use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};
    use zkmodel_prover::graph::tensor::Tensor;
    use zkmodel_prover::proof::model::ModelShape;
    use zkmodel_prover::train::Loss;
    let dir = digits_fixtures_dir();
    let model = model.unwrap_or_else(|| {
        zkmodel_prover::graph::onnx::import_path(&dir.join("../pytorch/cnn.onnx")).unwrap()
    });
    let cfg = TrainConfig {
        scale: 4,
        bits,
        batch: 8,
        steps: 4,
        lr_num: 1,
        lr_shift: 2,
        loss: Loss::CrossEntropy,
    };
    let q0 = QuantizedModel::quantize(&model, cfg.scale, cfg.bits).unwrap();
    let d = Dataset::load(&dir.join("dataset.json")).unwrap();
    let (x, y) = d.batch(&d.train[..32]).unwrap();
    let x = Tensor::new(vec![32, 1, 8, 8], x.data).unwrap();
    let (_, x) = q0.quantize_input(&x).unwrap();
    let arch = TrainArchitecture::new(ModelShape::from(&q0), cfg, 32).unwrap();
    run(arch, q0, &x, &y, 8)
}

/// Small deterministic weights in [−0.4, 0.4) of `shape`.
fn w(shape: Vec<usize>, seed: u64) -> zkmodel_prover::graph::tensor::Tensor {
    let n: usize = shape.iter().product();
    let v = (0..n)
        .map(|i| (((i as u64 * 2654435761 + seed) % 1000) as f32 / 1000.0 - 0.5) * 0.8)
        .collect();
    zkmodel_prover::graph::tensor::Tensor::new(shape, v).unwrap()
}

/// A chain of `ops` on 1×8×8 images, node i reading value i.
fn chain(ops: Vec<zkmodel_prover::graph::Op>) -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::{Model, Node};
    let nodes: Vec<Node> = ops
        .into_iter()
        .enumerate()
        .map(|(i, op)| Node {
            name: format!("n{i}"),
            op,
            inputs: vec![i],
            output: i + 1,
        })
        .collect();
    Model {
        value_names: (0..=nodes.len()).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(1), Some(8), Some(8)],
        output: nodes.len(),
        nodes,
        label_head: None,
    }
}

/// LeNet's shape on maps whose sides are not powers of two, with AlexNet's overlapping pool:
/// conv 3×3 unpadded (1→2, 8 → 6, laid out 8×8) → ReLU → 3×3 stride-2 max pool padded by 1
/// (windows share inputs and read padding; → 3×3, laid out 4×4) → conv 3×3 padded by 1 (2→4) →
/// ReLU → dense 36→10, with small deterministic weights and nonzero biases (which the padded
/// rows' mask keeps off the layout's padding).
fn max_pool_model() -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::tensor::Tensor;
    let biases = |n: usize| Tensor::new(vec![n], vec![0.25; n]).unwrap();
    let conv = |weight, bias, pad| Op::Conv2d {
        weight,
        bias,
        stride: [1, 1],
        pads: [pad; 4],
    };
    let ops = vec![
        conv(w(vec![2, 1, 3, 3], 1), biases(2), 0),
        Op::Relu,
        Op::MaxPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        },
        conv(w(vec![4, 2, 3, 3], 2), biases(4), 1),
        Op::Relu,
        Op::Flatten { axis: 1 },
        Op::Dense {
            weight: w(vec![36, 10], 3),
            bias: Some(biases(10)),
        },
    ];
    chain(ops)
}

#[test]
fn cnn_training_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::proof::train::{BackpropProof, ForwardProof};
    let n = native_cnn(None, 12);
    let c = StatementCircuit::new(&n.srs, &n.arch, &n.claim()).unwrap();
    let (ok, count) = satisfied(c.clone());
    println!("PyTorch CNN training, T = 4, batch 8: {count} constraints");
    assert!(ok);
    type Tamper = fn(&mut TrainCircuit);
    let tampers: [(&str, Tamper); 4] = [
        ("pool value", |c| match &mut c.body.forward[1] {
            ForwardProof::Pool(p) => p.values[1] += Fr::ONE,
            _ => unreachable!("layer 1 is the pool"),
        }),
        ("convolution gather", |c| match &mut c.body.forward[0] {
            ForwardProof::Conv { gather, .. } => gather.rounds[0][0] += Fr::ONE,
            _ => unreachable!("layer 0 is the convolution"),
        }),
        ("col2im back-propagation", |c| {
            match &mut c.body.backward[1].backprop.as_mut().unwrap() {
                BackpropProof::Conv(p) => p.scatter.final_evals[0][0] += Fr::ONE,
                BackpropProof::Dense(_) => unreachable!("layer 2 is a convolution"),
            }
        }),
        ("weight-update gather", |c| {
            c.body.backward[0]
                .weight_gather
                .as_mut()
                .unwrap()
                .final_evals[0][1] += Fr::ONE
        }),
    ];
    for (what, tamper) in tampers {
        let mut bad = c.clone();
        tamper(&mut bad);
        assert!(!satisfied(bad).0, "tampered {what} satisfied the circuit");
    }
}

/// A CNN with an overlapping padded max pool on maps whose sides are not powers of two: the
/// max-pool relation, its first-maximum backward (the selection, the slack and the col2im of
/// the selected gradients) and the convolutions' row masks run in-circuit.
#[test]
fn max_pool_cnn_training_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::proof::train::ForwardProof;
    let n = native_cnn(Some(max_pool_model()), 12);
    assert!(matches!(
        n.proof.body.forward[1],
        ForwardProof::MaxPool { .. }
    ));
    let c = StatementCircuit::new(&n.srs, &n.arch, &n.claim()).unwrap();
    let (ok, count) = satisfied(c.clone());
    println!(
        "small CNN with a 3×3 stride-2 max pool on 6×6 and 3×3 maps, training T = 4, batch 8: \
         {count} constraints"
    );
    assert!(ok);
    assert!(n.arch.shape.description().contains(":rowmask"));
    let mut bad = c.clone();
    match &mut bad.body.forward[2] {
        ForwardProof::Conv { dense, .. } => dense.values[2] += Fr::ONE,
        _ => unreachable!("layer 2 is the padded convolution"),
    }
    assert!(
        !satisfied(bad).0,
        "tampered masked remainder satisfied the circuit"
    );
    let max_grad = |p: &mut Option<PoolGradProof<Fr>>| match p {
        Some(PoolGradProof::Max(g)) => g.clone(),
        other => panic!("no max-pool backward proof: {other:?}"),
    };
    let mut bad = c.clone();
    let mut g = max_grad(&mut bad.body.backward[1].pool_grad);
    g.values[0] += Fr::ONE;
    bad.body.backward[1].pool_grad = Some(PoolGradProof::Max(g));
    assert!(!satisfied(bad).0, "tampered slack satisfied the circuit");
    let mut bad = c;
    let mut g = max_grad(&mut bad.body.backward[1].pool_grad);
    g.sumcheck.rounds[0][1] += Fr::ONE;
    bad.body.backward[1].pool_grad = Some(PoolGradProof::Max(g));
    assert!(
        !satisfied(bad).0,
        "tampered max-pool backward sumcheck satisfied the circuit"
    );
}

/// A CNN with window average pools: conv 3×3 (1→2) → ReLU → 3×3 stride-2 average pool padded
/// by 1 (8 → 4) → conv 3×3 (2→4) → ReLU → global average pool → dense 4→10, small
/// deterministic weights.
fn window_pool_model() -> zkmodel_prover::graph::Model {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::tensor::Tensor;
    let conv = |weight, n: usize| Op::Conv2d {
        weight,
        bias: Tensor::new(vec![n], vec![0.25; n]).unwrap(),
        stride: [1, 1],
        pads: [1; 4],
    };
    let ops = vec![
        conv(w(vec![2, 1, 3, 3], 1), 2),
        Op::Relu,
        Op::AvgPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        },
        conv(w(vec![4, 2, 3, 3], 2), 4),
        Op::Relu,
        Op::GlobalAvgPool,
        Op::Flatten { axis: 1 },
        Op::Dense {
            weight: w(vec![4, 10], 3),
            bias: Some(Tensor::new(vec![10], vec![0.0; 10]).unwrap()),
        },
    ];
    chain(ops)
}

/// The window average pools' forward relations, gathers and rescaled col2im backward run
/// in-circuit; their messages tampered leave the circuit unsatisfied.
#[test]
fn window_average_pool_cnn_training_circuit_accepts_honest_and_rejects_tampered() {
    use zkmodel_prover::proof::train::ForwardProof;
    // e = 4 extra bits under each pool (K = 9 and 16): b = 14 leaves the learning rate room.
    let n = native_cnn(Some(window_pool_model()), 14);
    let c = StatementCircuit::new(&n.srs, &n.arch, &n.claim()).unwrap();
    let (ok, count) = satisfied(c.clone());
    println!(
        "small CNN with a 3×3 stride-2 and a global average pool, training T = 4, batch 8: \
         {count} constraints"
    );
    assert!(ok);
    let mut bad = c.clone();
    match &mut bad.body.forward[3] {
        ForwardProof::AvgPoolWindow { pool, .. } => pool.values[0] += Fr::ONE,
        _ => unreachable!("layer 3 is the global average pool"),
    }
    assert!(
        !satisfied(bad).0,
        "tampered pooled output satisfied the circuit"
    );
    let mut bad = c;
    match &mut bad.body.backward[1].pool_grad {
        Some(PoolGradProof::Average(g)) => g.values[1] += Fr::ONE,
        other => panic!("no average-pool backward proof: {other:?}"),
    }
    assert!(
        !satisfied(bad).0,
        "tampered average-pool backward remainder satisfied the circuit"
    );
}

#[test]
fn training_wraps_into_groth16() {
    let n = native(4);
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let t = Instant::now();
    let keys = setup_insecure_dev(&n.arch, &mut rng).unwrap();
    println!(
        "training T = 4 Groth16 setup (INSECURE dev): {:.2?}",
        t.elapsed()
    );
    let t = Instant::now();
    let wrapped = wrap(&keys, &n.srs, &n.arch, &n.claim(), &mut rng).unwrap();
    println!("training T = 4 Groth16 prove: {:.2?}", t.elapsed());
    let vk = prepare(&keys.vk);
    let c = n.commitments;
    let check = |arch: &TrainArchitecture, p: &WrappedProof, pinned: [G1Affine; 3]| {
        let [f, i, d] = pinned;
        let pins = [
            (CommitmentRole::FinalModel, f),
            (CommitmentRole::InitialModel, i),
            (CommitmentRole::Dataset, d),
        ];
        verify_wrapped(&vk, &n.srs, arch, &pins, p)
    };
    let pins = [c.final_model, c.initial_model, c.dataset];
    check(&n.arch, &wrapped, pins).unwrap();

    // Initial and final swapped (pinned as swapped too): the statement changes, Groth16 fails.
    let mut bad = wrapped.clone();
    bad.commitments.swap(0, 1);
    let swapped = [c.initial_model, c.final_model, c.dataset];
    assert_eq!(check(&n.arch, &bad, swapped), Err(Error::Groth16Rejected));
    // Another dataset than the registered one.
    let mut bad = wrapped.clone();
    bad.commitments[2] = bad.commitments[1];
    assert_eq!(
        check(&n.arch, &bad, pins),
        Err(Error::Prover(ProverError::PinnedCommitmentMismatch {
            role: CommitmentRole::Dataset,
            index: 2
        }))
    );
    let mut bad = wrapped.clone();
    bad.y_zeta += Fr::ONE;
    assert_eq!(check(&n.arch, &bad, pins), Err(Error::Groth16Rejected));
    // Pinned against another initial model or another final model.
    assert_eq!(
        check(&n.arch, &wrapped, [c.final_model, c.dataset, c.dataset]),
        Err(Error::Prover(ProverError::PinnedCommitmentMismatch {
            role: CommitmentRole::InitialModel,
            index: 1
        }))
    );
    assert_eq!(
        check(
            &n.arch,
            &wrapped,
            [c.initial_model, c.initial_model, c.dataset]
        ),
        Err(Error::Prover(ProverError::PinnedCommitmentMismatch {
            role: CommitmentRole::FinalModel,
            index: 0
        }))
    );
    // The trace dropped: Q₁ would take its γ-weight; refused by count.
    let mut bad = wrapped.clone();
    bad.commitments.pop();
    assert_eq!(
        check(&n.arch, &bad, pins),
        Err(Error::Prover(ProverError::CommitmentCount {
            expected: 4,
            actual: 3
        }))
    );
    // Replayed under another T.
    let other = TrainArchitecture::new(
        n.arch.shape.clone(),
        TrainConfig {
            steps: 8,
            ..n.arch.config
        },
        1024,
    )
    .unwrap();
    assert_eq!(check(&other, &wrapped, pins), Err(Error::Groth16Rejected));
}
