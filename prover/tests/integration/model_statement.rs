#![allow(clippy::unwrap_used, clippy::expect_used)]
//! MLP statements on the digits fixture: inference (public or committed input and output) and
//! test accuracy, honest proofs verify; another input, another model, tampered outputs, a
//! wrong count and tampered block messages are rejected.

use crate::common::digits;

use crate::common;

use ark_ff::{AdditiveGroup, Field};
use std::sync::OnceLock;
use zkmodel_prover::graph::Tensor;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, InputShape, QuantizedModel, calibrate};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::split::CLAIM_REDUCTION;
use zkmodel_prover::proof::model::{
    CommittedData, CommittedModel, LayerProof, ModelArchitecture, ModelProof, ModelShape,
    ModelWitness, PublicValues, Task, Visibility, commit_data, commit_model, prove, verify,
};
use zkmodel_prover::{Error, Fr};

struct Setup {
    srs: Srs,
    mlp: QuantizedModel,
    cnn: QuantizedModel,
    data: Dataset,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let data = Dataset::load(&digits("dataset.json")).unwrap();
        let quantize = |name: &str| {
            let model = import_path(&digits(name)).unwrap();
            let x = shaped(
                &model.input_shape,
                data.batch(&data.train[..256]).unwrap().0,
            );
            calibrate(&model, &x, CalibrationOptions::default())
                .unwrap()
                .0
        };
        Setup {
            srs: Srs::insecure_development(11, 1 << 17),
            mlp: quantize("mlp.onnx"),
            cnn: quantize("cnn.onnx"),
            data,
        }
    })
}

/// A [n, 64] batch reshaped to the model's input shape.
fn shaped(input_shape: &[Option<usize>], x: Tensor) -> Tensor {
    x.with_batch_shape(input_shape).unwrap()
}

struct Proven {
    arch: ModelArchitecture,
    model: CommittedModel,
    data: Option<CommittedData>,
    public: PublicValues,
    proof: ModelProof,
}

impl Proven {
    fn verify(&self) -> Result<(), Error> {
        self.verify_with(&self.public, &self.proof)
    }
    /// Every body message is absorbed before the opening's ρ ([`common::binding`]).
    fn assert_bound(&self, what: &str) {
        let data = self.data.as_ref().map(|d| d.commitment);
        let claim = self.proof.claim(self.model.commitment, data, &self.public);
        common::binding::assert_messages_bound(&self.arch, &setup().srs, &claim, what);
    }
    fn verify_with(&self, public: &PublicValues, proof: &ModelProof) -> Result<(), Error> {
        let s = setup();
        verify(
            &s.srs,
            &self.arch,
            self.model.commitment,
            self.data.as_ref().map(|d| d.commitment),
            public,
            proof,
        )
    }
}

fn prove_task(q: &QuantizedModel, task: Task, indices: &[usize], seed: u64) -> Proven {
    let s = setup();
    let (x, labels) = s.data.batch(indices).unwrap();
    let x = match q.input {
        InputShape::Flat { .. } => x,
        InputShape::Image { c, h, w } => shaped(&[None, Some(c), Some(h), Some(w)], x),
    };
    prove_on(q, task, &x, labels, seed)
}

fn prove_on(q: &QuantizedModel, task: Task, x: &Tensor, labels: Vec<usize>, seed: u64) -> Proven {
    let s = setup();
    let mut rng = common::rng(seed);
    let arch = ModelArchitecture {
        shape: ModelShape::from(q),
        task,
    };
    let (m, input) = q.quantize_input(x).unwrap();
    assert_eq!(m, arch.rows());
    let trace = q.forward(m, input.clone()).unwrap();
    let model = commit_model(&s.srs, &arch, q, &mut rng).unwrap();
    let data = arch.has_data().then(|| {
        let (logits, labels) = match task {
            Task::Inference {
                output: Visibility::Committed,
                ..
            } => (Some(trace.logits()), None),
            Task::Accuracy { .. } => (None, Some(labels.as_slice())),
            _ => (None, None),
        };
        commit_data(&s.srs, &arch, &input, logits, labels, &mut rng).unwrap()
    });
    let w = ModelWitness {
        model: q,
        committed_model: &model,
        data: data.as_ref(),
        trace: &trace,
        labels: Some(&labels),
    };
    let (proof, public) = prove(&s.srs, &arch, &w, &mut rng).unwrap();
    Proven {
        arch,
        model,
        data,
        public,
        proof,
    }
}

fn inference(rows: usize, input: Visibility, output: Visibility) -> Task {
    Task::Inference {
        rows,
        input,
        output,
    }
}

/// Every block message — dense, convolution gather, average (2×2 and windowed) and max pools,
/// residual sums, ReLU and table activations, range and activation lookups, argmax — is absorbed before the opening's ρ,
/// which relies on it (`pcs::absorb_claims`).
#[test]
fn every_block_message_is_bound_before_the_opening() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::lookup::TableFn;
    let s = setup();
    let variant = |file: &str, edit: &dyn Fn(&mut Op)| {
        let mut model = import_path(&digits(file)).unwrap();
        model.nodes.iter_mut().for_each(|n| edit(&mut n.op));
        let x = shaped(
            &model.input_shape,
            s.data.batch(&s.data.train[..256]).unwrap().0,
        );
        calibrate(&model, &x, CalibrationOptions::default())
            .unwrap()
            .0
    };
    let max_pools = variant("cnn.onnx", &|op| {
        if matches!(op, Op::AvgPool2d { .. }) {
            *op = Op::MaxPool2d {
                kernel: [3, 3],
                stride: [2, 2],
                pads: [1; 4],
            };
        }
    });
    let windows = variant("cnn.onnx", &|op| {
        if matches!(op, Op::AvgPool2d { .. }) {
            *op = Op::AvgPool2d {
                kernel: [3, 3],
                stride: [2, 2],
                pads: [1; 4],
            };
        }
    });
    let residual = {
        let model = import_path(&common::pytorch("resmlp.onnx")).unwrap();
        let x = s.data.batch(&s.data.train[..256]).unwrap().0;
        calibrate(&model, &x, CalibrationOptions::default())
            .unwrap()
            .0
    };
    let sigmoid = variant("mlp.onnx", &|op| {
        if *op == Op::Relu {
            *op = Op::Activation(TableFn::Sigmoid);
        }
    });
    let test = &s.data.test;
    let committed = inference(4, Visibility::Committed, Visibility::Committed);
    let cases = [
        (
            "MLP inference",
            prove_task(&s.mlp, committed, &test[..4], 41),
        ),
        (
            "MLP accuracy",
            prove_task(&s.mlp, Task::Accuracy { examples: 8 }, &test[..8], 42),
        ),
        (
            "CNN accuracy",
            prove_task(&s.cnn, Task::Accuracy { examples: 4 }, &test[..4], 43),
        ),
        (
            "max-pool CNN",
            prove_task(&max_pools, committed, &test[..4], 44),
        ),
        (
            "sigmoid MLP",
            prove_task(&sigmoid, committed, &test[..4], 45),
        ),
        (
            "3×3/s2 average-pool CNN",
            prove_task(&windows, committed, &test[..4], 46),
        ),
        (
            "residual MLP",
            prove_task(&residual, committed, &test[..4], 47),
        ),
    ];
    for (what, p) in cases {
        p.assert_bound(what);
    }
}

#[test]
fn inference_with_public_input_and_output() {
    let s = setup();
    let p = prove_task(
        &s.mlp,
        inference(1, Visibility::Public, Visibility::Public),
        &s.data.test[..1],
        1,
    );
    p.verify().unwrap();
    // The public logits are the quantized model's logits on that input.
    let logits = p.public.logits.as_ref().unwrap();
    assert_eq!(logits.len(), 10);
    // On chain, 64 pixels and 10 logits of 11 bits pack into 3 + 1 words and read back.
    let words = p.public.chain_values(&p.arch).unwrap();
    assert_eq!(words.len(), 4);
    assert_eq!(PublicValues::from_chain(&p.arch, &words).unwrap(), p.public);

    // Another input, another output, a swapped proof: rejected. Public values are absorbed
    // with the statement, so other ones give other challenges and the first sumcheck fails.
    let mut other = p.public.clone();
    other.input.as_mut().unwrap()[20] += Fr::ONE;
    assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    let mut other = p.public.clone();
    other.logits.as_mut().unwrap()[3] += Fr::ONE;
    assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    let q = prove_task(
        &s.mlp,
        inference(1, Visibility::Public, Visibility::Public),
        &s.data.test[1..2],
        2,
    );
    assert_eq!(
        p.verify_with(&q.public, &p.proof),
        Err(Error::SumcheckFinal)
    );
    assert_eq!(
        q.verify_with(&p.public, &q.proof),
        Err(Error::SumcheckFinal)
    );
}

#[test]
fn inference_batch_with_committed_input() {
    let s = setup();
    let p = prove_task(
        &s.mlp,
        inference(16, Visibility::Committed, Visibility::Public),
        &s.data.test[..16],
        3,
    );
    p.verify().unwrap();
    let mut other = p.public.clone();
    other.logits.as_mut().unwrap()[37] -= Fr::ONE;
    assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    // Committed output too: verifies against the data commitment only.
    let c = prove_task(
        &s.mlp,
        inference(16, Visibility::Committed, Visibility::Committed),
        &s.data.test[..16],
        4,
    );
    c.verify().unwrap();
    assert_eq!(c.public, PublicValues::default());
}

#[test]
fn accuracy_on_the_test_split() {
    let s = setup();
    let n = s.data.test.len();
    let p = prove_task(&s.mlp, Task::Accuracy { examples: n }, &s.data.test, 5);
    p.verify().unwrap();
    let count = p.public.count.unwrap();
    // 97.22% of 360 = 350.
    assert_eq!(count, Fr::from(350u64));

    for delta in [Fr::ONE, -Fr::ONE] {
        let mut other = p.public.clone();
        other.count = Some(count + delta);
        assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    }
    // Another model commitment.
    let mut other_model = p.model.clone();
    other_model.commitment = (other_model.commitment + s.srs.g1_powers[3]).into();
    let q = Proven {
        model: other_model,
        ..clone_proven(&p)
    };
    assert_eq!(q.verify(), Err(Error::SumcheckFinal));
    // Tampered block messages.
    let mut bad = p.proof.clone();
    match &mut bad.body.layers[0] {
        LayerProof::Dense(d) => d.values[0] += Fr::ONE,
        _ => unreachable!(),
    }
    assert_eq!(p.verify_with(&p.public, &bad), Err(Error::SumcheckFinal));
    let mut bad = p.proof.clone();
    bad.body.argmax.as_mut().unwrap().values[2] += Fr::ONE;
    assert_eq!(
        p.verify_with(&p.public, &bad),
        Err(Error::SuccinctEvaluation {
            what: "argmax slack D + L + 1 − S = M"
        })
    );
    let mut bad = p.proof.clone();
    bad.body.range.column_evals[1] = Fr::ZERO;
    assert_eq!(
        p.verify_with(&p.public, &bad),
        Err(Error::SuccinctEvaluation {
            what: "LogUp witness denominators β + ã(r)"
        })
    );
}

fn clone_proven(p: &Proven) -> Proven {
    Proven {
        arch: p.arch.clone(),
        model: p.model.clone(),
        data: p.data.clone(),
        public: p.public.clone(),
        proof: p.proof.clone(),
    }
}

#[test]
fn cnn_inference_and_tampering() {
    let s = setup();
    let p = prove_task(
        &s.cnn,
        inference(16, Visibility::Committed, Visibility::Public),
        &s.data.test[..16],
        6,
    );
    p.verify().unwrap();
    let mut other = p.public.clone();
    other.logits.as_mut().unwrap()[5] += Fr::ONE;
    assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    // Tamper with each kind of layer message.
    for layer in 0..p.proof.body.layers.len() {
        let mut bad = p.proof.clone();
        // A pool states claims on committed tensors only: the opening consumes them.
        let want = match &mut bad.body.layers[layer] {
            LayerProof::Conv { gather, .. } => {
                gather.rounds[2][1] += Fr::ONE;
                Error::SumcheckFinal
            }
            LayerProof::Pool(pool) => {
                pool.values[1] += Fr::ONE;
                Error::Opening {
                    what: CLAIM_REDUCTION,
                }
            }
            LayerProof::Dense(d) => {
                d.matmul.final_evals[0][0] += Fr::ONE;
                Error::SumcheckFinal
            }
            LayerProof::MaxPool { .. }
            | LayerProof::AvgPoolWindow { .. }
            | LayerProof::Residual(_)
            | LayerProof::Concat(_) => {
                unreachable!("the digits CNN has 2×2 average pools and no branches")
            }
        };
        assert_eq!(p.verify_with(&p.public, &bad), Err(want), "layer {layer}");
    }
    // Batch 1 with a public image.
    let q = prove_task(
        &s.cnn,
        inference(1, Visibility::Public, Visibility::Public),
        &s.data.test[7..8],
        7,
    );
    q.verify().unwrap();
    let mut other = q.public.clone();
    other.input.as_mut().unwrap()[27] += Fr::ONE;
    assert_eq!(q.verify_with(&other, &q.proof), Err(Error::SumcheckFinal));
}

/// Max pools prove: the digits CNN with its average pool replaced by a 3×3, stride-2,
/// padding-1 max pool (ResNet's stem window), and by a 2×2, stride-2 one. The quantized model
/// keeps the float model's predictions; every kind of max-pool message, tampered, is refused
/// with the error its check raises.
#[test]
fn max_pool_cnn_proves_and_tampering_is_caught() {
    for (k, stride, pad) in [(3, 2, 1), (2, 2, 0)] {
        max_pool_variant(k, stride, pad);
    }
}

fn max_pool_variant(k: usize, stride: usize, pad: usize) {
    use zkmodel_prover::graph::Op;
    let s = setup();
    let mut model = import_path(&digits("cnn.onnx")).unwrap();
    for node in model
        .nodes
        .iter_mut()
        .filter(|n| matches!(n.op, Op::AvgPool2d { .. }))
    {
        node.op = Op::MaxPool2d {
            kernel: [k, k],
            stride: [stride, stride],
            pads: [pad; 4],
        };
    }
    let x = shaped(
        &model.input_shape,
        s.data.batch(&s.data.train[..256]).unwrap().0,
    );
    let (q, _) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
    let p = prove_task(
        &q,
        inference(4, Visibility::Committed, Visibility::Public),
        &s.data.test[..4],
        21,
    );
    p.verify().unwrap();
    let pools: Vec<usize> = (0..p.proof.body.layers.len())
        .filter(|i| matches!(p.proof.body.layers[*i], LayerProof::MaxPool { .. }))
        .collect();
    assert!(!pools.is_empty());
    let relation = Error::RelationMismatch {
        relation: "max pool: D = O + H − Xcol − H·M",
    };
    for layer in pools {
        for case in 0..4 {
            let mut bad = p.proof.clone();
            let LayerProof::MaxPool { pool, gather } = &mut bad.body.layers[layer] else {
                unreachable!()
            };
            let want = match case {
                0 => {
                    pool.values[0] += Fr::ONE;
                    relation.clone()
                }
                1 => {
                    pool.zerocheck.rounds[0][0] += Fr::ONE;
                    Error::SumcheckFinal
                }
                2 => match pool.padded_taps.first_mut() {
                    Some(v) => {
                        *v += Fr::ONE;
                        relation.clone()
                    }
                    None => continue,
                },
                _ => {
                    gather.rounds[0][0] += Fr::ONE;
                    Error::SumcheckFinal
                }
            };
            assert_eq!(
                p.verify_with(&p.public, &bad),
                Err(want),
                "{k}x{k} layer {layer} case {case}"
            );
        }
    }
    // The range lookup's claim on the uncommitted differences, resolved on the lookups'
    // transcript: a changed Õ or X̃col breaks the identity, a changed gather message its
    // sumcheck, a missing resolution the proof's shape.
    let diff_relation = Error::RelationMismatch {
        relation: "max pool: the range lookup's D = O + H − Xcol − H·M",
    };
    for case in 0..4 {
        let mut bad = p.proof.clone();
        let want = match case {
            0 | 1 => {
                bad.body.pool_diffs[0].values[case] += Fr::ONE;
                diff_relation.clone()
            }
            2 => {
                bad.body.pool_diffs[0].gather.rounds[0][0] += Fr::ONE;
                Error::SumcheckFinal
            }
            _ => {
                bad.body.pool_diffs.pop();
                Error::ProofShape {
                    what: "max-pool difference proofs",
                    expected: 1,
                    actual: 0,
                }
            }
        };
        assert_eq!(
            p.verify_with(&p.public, &bad),
            Err(want),
            "{k}x{k} difference case {case}"
        );
    }
    // The float model's predictions survive quantization on these inputs.
    let (xt, _) = s.data.batch(&s.data.test[..4]).unwrap();
    let xt = shaped(&model.input_shape, xt);
    let float = model.eval(&xt).unwrap().argmax_rows();
    let (m, input) = q.quantize_input(&xt).unwrap();
    assert_eq!(q.predictions(&q.forward(m, input).unwrap(), 4), float);
}

/// Images whose sizes are not powers of two are laid out over the next powers of two: a CNN
/// on the digits' central 6×6 crop (conv 3×3 pad 1 → 6×6, ReLU, 2×2 max pool → 3×3, flatten,
/// dense) quantizes to logits within a fraction of a unit of the float model's, and proves
/// and verifies with a public input (packed over the real positions only) and with a
/// committed one; a changed public pixel is refused.
#[test]
fn non_power_of_two_images_prove() {
    use zkmodel_prover::graph::Op;
    non_power_of_two_cnn(Op::MaxPool2d {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
    });
    // A 2×2 average pool on a 6×6 map takes the window path (gather, divide by 4).
    non_power_of_two_cnn(Op::AvgPool2d {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
    });
}

fn non_power_of_two_cnn(pool: zkmodel_prover::graph::Op) {
    use rand::Rng;
    use zkmodel_prover::graph::Op;
    let s = setup();
    let mut r = common::rng(31);
    let mut weights =
        |n: usize, scale: f32| -> Vec<f32> { (0..n).map(|_| r.gen_range(-scale..scale)).collect() };
    let conv = Op::Conv2d {
        weight: Tensor::new(vec![4, 1, 3, 3], weights(36, 0.5)).unwrap(),
        bias: Tensor::new(vec![4], weights(4, 0.1)).unwrap(),
        stride: [1, 1],
        pads: [1; 4],
    };
    let dense = Op::Dense {
        weight: Tensor::new(vec![36, 10], weights(360, 0.3)).unwrap(),
        bias: Some(Tensor::new(vec![10], weights(10, 0.1)).unwrap()),
    };
    let ops = vec![conv, Op::Relu, pool, Op::Flatten { axis: 1 }, dense];
    let model = common::chain_model(vec![None, Some(1), Some(6), Some(6)], ops);
    let crop = |indices: &[usize]| {
        let (x, labels) = s.data.batch(indices).unwrap();
        let data: Vec<f32> = x
            .data
            .chunks(64)
            .flat_map(|img| (1..7).flat_map(move |y| (1..7).map(move |x| img[y * 8 + x])))
            .collect();
        (
            Tensor::new(vec![indices.len(), 1, 6, 6], data).unwrap(),
            labels,
        )
    };
    let (calib, _) = crop(&s.data.train[..256]);
    // Random weights make near-ties between logits: ask for 90% argmax agreement.
    let options = CalibrationOptions {
        agreement: 0.9,
        ..CalibrationOptions::default()
    };
    let (q, _) = calibrate(&model, &calib, options).unwrap();
    assert_eq!(q.input.rows(), 64, "6×6 laid out over 8×8");

    let (x, labels) = crop(&s.data.test[..4]);
    let float = model.eval(&x).unwrap();
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    let unit = f32::powi(2.0, q.scale as i32);
    for (row, f) in trace
        .logits()
        .chunks(q.output_width())
        .zip(float.data.chunks(10))
    {
        for (qv, fv) in row.iter().zip(f) {
            assert!((*qv as f32 / unit - fv).abs() < 0.5, "{qv} vs {fv}");
        }
    }

    let public = prove_on(
        &q,
        inference(2, Visibility::Public, Visibility::Public),
        &crop(&s.data.test[..2]).0,
        labels[..2].to_vec(),
        32,
    );
    public.verify().unwrap();
    assert_eq!(public.public.input.as_ref().unwrap().len(), 2 * 36);
    let mut other = public.public.clone();
    other.input.as_mut().unwrap()[40] += Fr::ONE;
    assert_eq!(
        public.verify_with(&other, &public.proof),
        Err(Error::SumcheckFinal)
    );
    let committed = prove_on(
        &q,
        inference(4, Visibility::Committed, Visibility::Public),
        &x,
        labels,
        33,
    );
    committed.verify().unwrap();
    // A changed stated pool output breaks the max pool's linear relation, or moves the
    // average pool's gather claim so that its sumcheck no longer fits.
    let mut bad = committed.proof.clone();
    let want = match &mut bad.body.layers[1] {
        LayerProof::MaxPool { pool, .. } => {
            pool.values[0] += Fr::ONE;
            Error::RelationMismatch {
                relation: "max pool: D = O + H − Xcol − H·M",
            }
        }
        LayerProof::AvgPoolWindow { pool, .. } => {
            pool.values[0] += Fr::ONE;
            Error::SumcheckFinal
        }
        other => panic!("not a window pool: {other:?}"),
    };
    assert_eq!(committed.verify_with(&committed.public, &bad), Err(want));
}

/// The CNN's accuracy over the whole test split (a 2^20 trace: the heaviest default test).
#[test]
fn cnn_accuracy_on_the_test_split() {
    let s = setup();
    let n = s.data.test.len();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&s.cnn),
        task: Task::Accuracy { examples: n },
    };
    let srs = Srs::insecure_development(
        12,
        arch.vector_lengths().unwrap().into_iter().max().unwrap(),
    );
    let mut rng = common::rng(9);
    let (x, labels) = s.data.batch(&s.data.test).unwrap();
    let (m, input) = s
        .cnn
        .quantize_input(&shaped(&[None, Some(1), Some(8), Some(8)], x))
        .unwrap();
    let trace = s.cnn.forward(m, input.clone()).unwrap();
    let model = commit_model(&srs, &arch, &s.cnn, &mut rng).unwrap();
    let data = commit_data(&srs, &arch, &input, None, Some(&labels), &mut rng).unwrap();
    let w = ModelWitness {
        model: &s.cnn,
        committed_model: &model,
        data: Some(&data),
        trace: &trace,
        labels: Some(&labels),
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    // 95.28% of 360, as onnxruntime's float model.
    assert_eq!(public.count, Some(Fr::from(343u64)));
    let check = |public: &PublicValues| {
        verify(
            &srs,
            &arch,
            model.commitment,
            Some(data.commitment),
            public,
            &proof,
        )
    };
    check(&public).unwrap();
    let mut wrong = public.clone();
    wrong.count = Some(Fr::from(344u64));
    assert_eq!(check(&wrong).map(|_| ()), Err(Error::SumcheckFinal));
}

/// Sigmoid, Tanh, LeakyReLU, ReLU6 (Clip) and GELU hidden layers are proven by function-table
/// lookups: the digits MLP with its ReLU replaced proves and verifies; a tampered activation
/// lookup is rejected.
#[test]
fn table_activations_prove_and_verify() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::lookup::{Real, TableFn};
    let s = setup();
    let functions = [
        TableFn::Sigmoid,
        TableFn::Tanh,
        TableFn::LeakyRelu {
            alpha: Real::new(0.1),
        },
        TableFn::Clip {
            min: Real::new(0.0),
            max: Real::new(6.0),
        },
        TableFn::Gelu,
    ];
    for op in functions.map(Op::Activation) {
        let mut model = import_path(&digits("mlp.onnx")).unwrap();
        let relu = model.nodes.iter_mut().find(|n| n.op == Op::Relu).unwrap();
        relu.op = op.clone();
        let x = shaped(
            &model.input_shape,
            s.data.batch(&s.data.train[..256]).unwrap().0,
        );
        let (q, _) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
        let p = prove_task(
            &q,
            inference(4, Visibility::Committed, Visibility::Public),
            &s.data.test[..4],
            11,
        );
        p.verify().unwrap_or_else(|e| panic!("{op:?}: {e}"));
        assert_eq!(p.proof.body.activations.len(), 1);
        let mut bad = p.proof.clone();
        bad.body.activations[0].column_evals[1] += Fr::ONE;
        assert_eq!(
            p.verify_with(&p.public, &bad),
            Err(Error::SuccinctEvaluation {
                what: "LogUp witness denominators β + ã(r)"
            })
        );
        // The float model's predictions survive quantization on these inputs.
        let (xt, _) = s.data.batch(&s.data.test[..4]).unwrap();
        let float = model.eval(&xt).unwrap().argmax_rows();
        let (m, input) = q.quantize_input(&xt).unwrap();
        let pred = q.predictions(&q.forward(m, input).unwrap(), 4);
        assert_eq!(pred, float, "{op:?}");
    }
}

/// The digits CNN with `act` inserted after each of its pools (replaced by `pool` when
/// given), and the number of pools.
fn cnn_with_activation_after_pools(
    pool: Option<&zkmodel_prover::graph::Op>,
    act: &zkmodel_prover::graph::Op,
) -> (zkmodel_prover::graph::Model, usize) {
    use zkmodel_prover::graph::{Node, Op};
    let mut model = import_path(&digits("cnn.onnx")).unwrap();
    let pools: Vec<usize> = (0..model.nodes.len())
        .filter(|i| matches!(model.nodes[*i].op, Op::AvgPool2d { .. }))
        .collect();
    let count = pools.len();
    assert!(count > 0);
    for i in pools.into_iter().rev() {
        if let Some(op) = pool {
            model.nodes[i].op = op.clone();
        }
        // pool → act → (the pool's readers), through a fresh value.
        let (old, new) = (model.nodes[i].output, model.value_names.len());
        model
            .value_names
            .push(format!("{}_activated", model.value_names[old]));
        for n in &mut model.nodes {
            n.inputs
                .iter_mut()
                .filter(|v| **v == old)
                .for_each(|v| *v = new);
        }
        let node = Node {
            name: format!("{}_act", model.nodes[i].name),
            op: act.clone(),
            inputs: vec![old],
            output: new,
        };
        model.nodes.insert(i + 1, node);
    }
    (model, count)
}

/// A tabled pool's activation read twice — by a 1×1 convolution and, as a residual skip, by
/// the sum after it — proves and verifies; the architecture's placeholder model (what keys
/// are made from) has the same shape for every tabled pool kind.
#[test]
fn a_tabled_pool_feeds_a_residual_sum() {
    use zkmodel_prover::graph::quant::QLayer;
    use zkmodel_prover::graph::{Node, Op, Tensor};
    use zkmodel_prover::lookup::TableFn;
    let s = setup();
    let (mut model, _) = cnn_with_activation_after_pools(None, &Op::Activation(TableFn::Tanh));
    // pool → tanh (value a) → [conv 1×1 → (value b)] + a → flatten → gemm.
    let at = model
        .nodes
        .iter()
        .position(|n| n.op == Op::Activation(TableFn::Tanh))
        .unwrap();
    let a = model.nodes[at].output;
    let channels = 8;
    let weight: Vec<f32> = (0..channels * channels)
        .map(|i| if i % (channels + 1) == 0 { 0.5 } else { 0.05 })
        .collect();
    let (b, sum) = (model.value_names.len(), model.value_names.len() + 1);
    model
        .value_names
        .extend(["mix".to_string(), "sum".to_string()]);
    for n in &mut model.nodes {
        n.inputs
            .iter_mut()
            .filter(|v| **v == a)
            .for_each(|v| *v = sum);
    }
    let conv = Node {
        name: "mix".into(),
        op: Op::Conv2d {
            weight: Tensor::new(vec![channels, channels, 1, 1], weight).unwrap(),
            bias: Tensor::new(vec![channels], vec![0.0; channels]).unwrap(),
            stride: [1, 1],
            pads: [0; 4],
        },
        inputs: vec![a],
        output: b,
    };
    let add = Node {
        name: "residual".into(),
        op: Op::Add,
        inputs: vec![b, a],
        output: sum,
    };
    model.nodes.splice(at + 1..at + 1, [conv, add]);
    let calib = shaped(
        &model.input_shape,
        s.data.batch(&s.data.train[..256]).unwrap().0,
    );
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    assert!(q.layers.iter().any(|l| matches!(l, QLayer::Add(_))));
    let p = prove_task(
        &q,
        inference(4, Visibility::Committed, Visibility::Public),
        &s.data.test[..4],
        17,
    );
    p.verify().unwrap();
    p.assert_bound("tabled pool skip");

    let window = Op::AvgPool2d {
        kernel: [3, 3],
        stride: [2, 2],
        pads: [1; 4],
    };
    let max = Op::MaxPool2d {
        kernel: [3, 3],
        stride: [2, 2],
        pads: [1; 4],
    };
    for pool in [None, Some(window), Some(max)] {
        let (model, _) =
            cnn_with_activation_after_pools(pool.as_ref(), &Op::Activation(TableFn::Gelu));
        let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
        let shape = ModelShape::from(&q);
        assert!(
            shape
                .layers
                .iter()
                .any(|l| !l.is_dense() && l.table.is_some())
        );
        assert_eq!(ModelShape::from(&shape.zero_model()), shape, "{pool:?}");
    }
}

/// A malicious prover: the tabled pool's pre-activation moved off the pool's average at one
/// entry — a padded channel, so every later layer stays consistent — with its activation
/// recomputed: the lookup holds, the pool relation does not, and the opening refuses the
/// claim the pool block derives on its input.
#[test]
fn a_pre_activation_off_the_pool_is_refused() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::quant::QLayer;
    use zkmodel_prover::lookup::TableFn;
    use zkmodel_prover::pcs::split::CLAIM_REDUCTION;
    let s = setup();
    let (model, _) = cnn_with_activation_after_pools(None, &Op::Activation(TableFn::Sigmoid));
    let calib = shaped(
        &model.input_shape,
        s.data.batch(&s.data.train[..256]).unwrap().0,
    );
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: inference(4, Visibility::Committed, Visibility::Public),
    };
    let (x, labels) = s.data.batch(&s.data.test[..4]).unwrap();
    let (m, input) = q.quantize_input(&shaped(&model.input_shape, x)).unwrap();
    let mut trace = q.forward(m, input.clone()).unwrap();
    let (i, c) = q
        .layers
        .iter()
        .enumerate()
        .find_map(|(i, l)| match l {
            QLayer::AvgPool(p) => Some((i, p.c)),
            _ => None,
        })
        .unwrap();
    let lt = &mut trace.layers[i];
    // Channel c − 1 is padding (6 real channels padded to 8): the next layer's weights on it
    // are zero.
    lt.y[c - 1] += 1;
    lt.act[c - 1] = TableFn::Sigmoid.quantized(lt.y[c - 1], q.scale);
    let mut rng = common::rng(19);
    let model_c = commit_model(&s.srs, &arch, &q, &mut rng).unwrap();
    let data = commit_data(&s.srs, &arch, &input, None, None, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &model_c,
        data: Some(&data),
        trace: &trace,
        labels: Some(&labels),
    };
    let (proof, public) = prove(&s.srs, &arch, &w, &mut rng).unwrap();
    assert_eq!(
        verify(
            &s.srs,
            &arch,
            model_c.commitment,
            Some(data.commitment),
            &public,
            &proof
        ),
        Err(Error::Opening {
            what: CLAIM_REDUCTION
        })
    );
}

/// Activations after pools: the digits CNN with a table activation inserted after its pool
/// — 2×2 average pools with sigmoid, with ReLU (proven as the table max(x, 0)), windowed
/// average pools with tanh, max pools with GELU (not monotone, so it stays after the pool; a
/// ReLU there would move before it) — proves and verifies with one activation lookup per
/// pool; a tampered activation lookup is rejected; the float model's predictions survive.
#[test]
fn activations_after_pools_prove_and_verify() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::lookup::TableFn;
    let s = setup();
    let window = Op::AvgPool2d {
        kernel: [3, 3],
        stride: [2, 2],
        pads: [1; 4],
    };
    let max = Op::MaxPool2d {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
    };
    let cases = [
        (None, Op::Activation(TableFn::Sigmoid)),
        (None, Op::Relu),
        (Some(window), Op::Activation(TableFn::Tanh)),
        (Some(max), Op::Activation(TableFn::Gelu)),
    ];
    for (pool, act) in cases {
        let (model, count) = cnn_with_activation_after_pools(pool.as_ref(), &act);
        let x = shaped(
            &model.input_shape,
            s.data.batch(&s.data.train[..256]).unwrap().0,
        );
        let (q, _) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
        let pooled_tables = q
            .layers
            .iter()
            .filter(|l| l.dense().is_none() && l.table().is_some())
            .count();
        assert_eq!(pooled_tables, count, "{act:?}: a table on each pool");
        let p = prove_task(
            &q,
            inference(4, Visibility::Committed, Visibility::Public),
            &s.data.test[..4],
            13,
        );
        p.verify().unwrap_or_else(|e| panic!("{act:?}: {e}"));
        p.assert_bound(&format!("{act:?}"));
        assert_eq!(p.proof.body.activations.len(), count);
        for k in 0..count {
            let mut bad = p.proof.clone();
            bad.body.activations[k].column_evals[1] += Fr::ONE;
            assert_eq!(
                p.verify_with(&p.public, &bad),
                Err(Error::SuccinctEvaluation {
                    what: "LogUp witness denominators β + ã(r)"
                }),
                "{act:?}: activation lookup {k}"
            );
        }
        let (xt, _) = s.data.batch(&s.data.test[..4]).unwrap();
        let float = model.eval(&shaped(&model.input_shape, xt.clone())).unwrap();
        let (m, input) = q.quantize_input(&shaped(&model.input_shape, xt)).unwrap();
        let pred = q.predictions(&q.forward(m, input).unwrap(), 4);
        assert_eq!(pred, float.argmax_rows(), "{act:?}");
    }
}

/// Batch 64 for both fixture models (committed input, public logits), and the logits are the
/// quantized model's.
#[test]
fn batch_64_for_both_models() {
    let s = setup();
    for q in [&s.mlp, &s.cnn] {
        let p = prove_task(
            q,
            inference(64, Visibility::Committed, Visibility::Public),
            &s.data.test[100..164],
            12,
        );
        p.verify().unwrap();
        assert_eq!(p.public.logits.as_ref().unwrap().len(), 64 * 10);
        let mut other = p.public.clone();
        other.logits.as_mut().unwrap()[639] += Fr::ONE;
        assert_eq!(p.verify_with(&other, &p.proof), Err(Error::SumcheckFinal));
    }
}

/// Malformed proofs (missing or extra layers, empty messages, truncated lookups, a proof of
/// another layer kind, extra argmax) are typed errors, never panics.
#[test]
fn malformed_model_proofs_are_errors_not_panics() {
    let s = setup();
    let p = prove_task(
        &s.cnn,
        inference(1, Visibility::Committed, Visibility::Public),
        &s.data.test[..1],
        13,
    );
    let mut cases: Vec<ModelProof> = Vec::new();
    let base = p.proof.clone();
    let mut m = base.clone();
    m.body.layers.pop();
    cases.push(m);
    let mut m = base.clone();
    m.body.layers.push(m.body.layers[0].clone());
    cases.push(m);
    let mut m = base.clone();
    m.body.layers.swap(0, 1);
    cases.push(m);
    let mut m = base.clone();
    m.body.range.layers.truncate(2);
    cases.push(m);
    let mut m = base.clone();
    m.body.range.column_evals.clear();
    cases.push(m);
    let mut m = base.clone();
    m.body.range.roots.pop();
    cases.push(m);
    let mut m = base.clone();
    m.opening.field.reduction.final_evals[0].pop();
    cases.push(m);
    let mut m = base.clone();
    if let LayerProof::Conv { dense, gather } = &mut m.body.layers[0] {
        dense.values.clear();
        gather.rounds.pop();
    }
    cases.push(m);
    let mut m = base.clone();
    if let LayerProof::Pool(pool) = &mut m.body.layers[1] {
        pool.values.push(Fr::ONE);
    }
    cases.push(m);
    let mut m = base.clone();
    if let LayerProof::Dense(d) = &mut m.body.layers[2] {
        d.zerocheck = Some(d.matmul.clone());
        d.matmul.final_evals.clear();
    }
    cases.push(m);
    let mut m = base.clone();
    m.body.activations.push(base.body.range.clone());
    cases.push(m);
    let shape = |what, expected, actual| Error::ProofShape {
        what,
        expected,
        actual,
    };
    let expected = [
        shape("layer proofs", 3, 2),
        shape("layer proofs", 3, 4),
        Error::LayerProofKind { layer: 0 },
        shape("LogUp layers", 13, 2),
        shape("LogUp column evaluations", 15, 0),
        shape("LogUp roots", 4, 3),
        shape("claim-reduction final values", 3, 2),
        shape("dense layer values", 4, 0),
        shape("pool values", 2, 3),
        shape("sumcheck final evaluation sets", 1, 0),
        shape("activation lookups", 0, 1),
    ];
    assert_eq!(cases.len(), expected.len());
    for (i, (bad, want)) in cases.iter().zip(expected).enumerate() {
        let r = std::panic::catch_unwind(|| p.verify_with(&p.public, bad));
        match r {
            Ok(result) => assert_eq!(result, Err(want), "malformed case {i}"),
            Err(_) => panic!("malformed case {i} panicked the verifier"),
        }
    }
    let mut short = p.public.clone();
    short.logits.as_mut().unwrap().pop();
    assert_eq!(
        p.verify_with(&short, &p.proof),
        Err(shape("public values", 10, 9))
    );
}

/// Zero knowledge of what the chain sees: two proofs of the same statement (same model
/// commitment, same public input and logits) with fresh randomness share no commitment,
/// quotient or opening value.
#[test]
fn two_proofs_of_one_statement_share_no_opening_value() {
    let s = setup();
    let task = inference(1, Visibility::Public, Visibility::Public);
    let p = prove_task(&s.mlp, task, &s.data.test[..1], 21);
    let mut q = prove_task(&s.mlp, task, &s.data.test[..1], 22);
    // The same registered model: re-prove the second statement against the first's commitment.
    let trace = s
        .mlp
        .forward(p.arch.rows(), {
            let (x, _) = s.data.batch(&s.data.test[..1]).unwrap();
            s.mlp.quantize_input(&x).unwrap().1
        })
        .unwrap();
    let w = ModelWitness {
        model: &s.mlp,
        committed_model: &p.model,
        data: None,
        trace: &trace,
        labels: None,
    };
    (q.proof, q.public) = prove(&s.srs, &p.arch, &w, &mut common::rng(23)).unwrap();
    q.model = p.model.clone();
    q.verify().unwrap();
    assert_eq!(p.public, q.public, "one statement");
    let (a, b) = (&p.proof, &q.proof);
    assert_ne!(a.trace_commitment, b.trace_commitment);
    let names = ["H", "G", "Ĝ", "Q", "S₁", "S₂", "W_ζ", "W_ι"];
    for (what, (x, y)) in names
        .iter()
        .zip(a.opening.points().into_iter().zip(b.opening.points()))
    {
        assert_ne!(x, y, "{what}");
    }
    let out = |x: &Proven| {
        x.proof
            .claim(x.model.commitment, None, &x.public)
            .native_field_part(&x.arch, &s.srs)
            .unwrap()
            .1
    };
    let (oa, ob) = (out(&p), out(&q));
    assert_ne!(oa.y_zeta, ob.y_zeta, "y_ζ");
    assert_ne!(oa.y_inv, ob.y_inv, "y_ι");
    assert_ne!(oa.alpha, ob.alpha, "α");
    assert_ne!(oa.beta, ob.beta, "β");
    assert_ne!(oa.zeta, ob.zeta, "ζ");
    assert_ne!(oa.gamma, ob.gamma, "γ");
}
