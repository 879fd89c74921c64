#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A model ending in a Softmax — skl2onnx's MLPClassifier on the wine data, 3 classes laid out
//! over 4 — proves and outputs its fixed-point probabilities: they agree with onnxruntime's,
//! the padded class takes no part, public or committed outputs verify, and a changed
//! probability, a dropped or altered softmax proof, or a statement without the Softmax is
//! rejected. A hidden Softmax (the digits MLP with its ReLU replaced) proves in inference and
//! accuracy statements beside a Softmax output.

use crate::common::{Proven, field, prove_trace};
use std::path::PathBuf;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QuantizedModel, calibrate};
use zkmodel_prover::graph::{Model, Tensor};
use zkmodel_prover::proof::model::{ModelArchitecture, ModelShape, Task, Visibility};
use zkmodel_prover::{Error, Fr};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/sklearn")
        .join(name)
}

fn json(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn rows(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
        })
        .collect()
}

/// The imported wine classifier, its calibrated quantization and the test split's inputs.
fn wine() -> (Model, QuantizedModel, Tensor) {
    let model = import_path(&fixture("wine_mlp.onnx")).unwrap();
    let shape = model.input_shape.clone();
    let x = |file: &str| {
        let data = rows(&json(file)["input_data"]);
        let n = data.len() / 13;
        Tensor::new(vec![n, 13], data)
            .unwrap()
            .with_batch_shape(&shape)
            .unwrap()
    };
    let (q, report) = calibrate(
        &model,
        &x("wine_mlp.calibration.json"),
        CalibrationOptions::default(),
    )
    .unwrap();
    assert!(q.softmax && report.softmax, "{report}");
    (model, q, x("wine_mlp.test.json"))
}

#[test]
fn probabilities_agree_with_onnxruntime_and_prove() {
    let (_, q, x) = wine();
    assert_eq!((q.classes(), q.output_width()), (3, 4));
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    let probs = trace.probs.as_ref().unwrap();
    let unit = f64::from(1u32 << q.scale);
    let expected = rows(&json("wine_mlp.reference.json")["probabilities"]);
    let n = expected.len() / 3;
    let mut worst = 0f64;
    for i in 0..n {
        let row = &probs[i * 4..i * 4 + 4];
        assert_eq!(row[3], 0, "the padded class takes no part");
        // Floors of a normalised row: the sum loses at most one unit per class.
        let sum: i64 = row.iter().sum();
        assert!((unit as i64 - 3..=unit as i64).contains(&sum), "{row:?}");
        for j in 0..3 {
            worst = worst.max((row[j] as f64 / unit - f64::from(expected[i * 3 + j])).abs());
        }
    }
    // Calibration keeps the probabilities within 0.02 of float (at 2^7 here).
    assert!(
        worst < 0.03,
        "probabilities differ from onnxruntime by {worst}"
    );
    // Public and committed outputs on four examples; every message bound before the opening.
    let first = Tensor::new(vec![4, 13], x.data[..4 * 13].to_vec()).unwrap();
    let (m, input) = q.quantize_input(&first).unwrap();
    let trace = q.forward(m, input).unwrap();
    for output in [Visibility::Public, Visibility::Committed] {
        prove_trace(&q, &trace, 4, Visibility::Committed, output).unwrap();
    }
    prove_trace(&q, &trace, 4, Visibility::Public, Visibility::Public).unwrap();
    // Three examples in four rows: public outputs need a full batch (a padded row's
    // probabilities are not the public zeros), said up front.
    let three = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 3,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    assert!(matches!(
        three.vector_lengths(),
        Err(Error::NotPowerOfTwo { .. })
    ));
    prove_trace(&q, &trace, 3, Visibility::Committed, Visibility::Committed).unwrap();
}

#[test]
fn changed_probabilities_and_softmax_messages_are_rejected() {
    let (_, q, x) = wine();
    let first = Tensor::new(vec![4, 13], x.data[..4 * 13].to_vec()).unwrap();
    let (m, input) = q.quantize_input(&first).unwrap();
    let trace = q.forward(m, input).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 4,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let p = Proven::new(&q, arch.clone(), &trace, None, 3);
    let (proof, public) = (p.proof.clone(), p.public.clone());
    let probs: Vec<Fr> = trace
        .outputs()
        .chunks(4)
        .flat_map(|row| field(&row[..3]))
        .collect();
    assert_eq!(public.logits.as_deref(), Some(probs.as_slice()));
    let check = |arch: &ModelArchitecture, public: &_, proof: &_| p.verify_as(arch, public, proof);
    check(&arch, &public, &proof).unwrap();

    // A probability moved by one unit: the statement (absorbed first) moves every challenge.
    let mut moved = public.clone();
    moved.logits.as_mut().unwrap()[4] += Fr::from(1u64);
    assert!(matches!(
        check(&arch, &moved, &proof),
        Err(Error::SumcheckFinal)
    ));
    // The softmax proof dropped: the statement asks for it.
    let mut dropped = proof.clone();
    dropped.body.softmax.clear();
    assert!(matches!(
        check(&arch, &public, &dropped),
        Err(Error::ProofShape {
            what: "softmax proofs",
            ..
        })
    ));
    // A stated value of the softmax relations moved.
    let mut bad = proof.clone();
    bad.body.softmax[0].block.values[0] += Fr::from(1u64);
    assert!(matches!(
        check(&arch, &public, &bad),
        Err(Error::SuccinctEvaluation { .. })
    ));
    // The same proof as a statement about the logits (no Softmax): its id, its public width.
    let mut logits_arch = arch.clone();
    logits_arch.shape.softmax = false;
    assert!(check(&logits_arch, &public, &proof).is_err());
}

#[test]
fn a_softmax_output_needs_at_most_16_bits() {
    let model = import_path(&fixture("wine_mlp.onnx")).unwrap();
    let q = QuantizedModel::quantize(&model, 8, 16).unwrap();
    let mut shape = ModelShape::from(&q);
    shape.bits = 18;
    let arch = ModelArchitecture {
        shape,
        task: Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    assert!(matches!(
        arch.vector_lengths(),
        Err(Error::BlockShape { .. })
    ));
}

/// The digits MLP with its hidden ReLU replaced by a Softmax, and a Softmax output: both
/// softmaxes are proven (two sites), inference with public and committed outputs and an
/// accuracy statement verify, quantized predictions agree with float, and a changed message
/// of the hidden softmax is rejected.
#[test]
fn a_hidden_softmax_proves_beside_a_softmax_output() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::graph::dataset::Dataset;
    let digits = |f: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/digits")
            .join(f)
    };
    let mut model = import_path(&digits("mlp.onnx")).unwrap();
    let relu = model.nodes.iter().position(|n| n.op == Op::Relu).unwrap();
    model.nodes[relu].op = Op::Softmax;
    let out = model.nodes.len();
    model.nodes.push(zkmodel_prover::graph::Node {
        name: "probabilities".into(),
        op: Op::Softmax,
        inputs: vec![model.output],
        output: model.value_names.len(),
    });
    model.value_names.push("probabilities".into());
    model.output = model.nodes[out].output;
    let data = Dataset::load(&digits("dataset.json")).unwrap();
    let (calib, _) = data.batch(&data.train[..256]).unwrap();
    let (q, report) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    assert!(
        q.softmax && q.layers[0].dense().unwrap().softmax,
        "{report}"
    );
    let (x, _) = data.batch(&data.test[..64]).unwrap();
    let float = model.eval(&x).unwrap().argmax_rows();
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    let agree = q
        .predictions(&trace, 64)
        .iter()
        .zip(&float)
        .filter(|(a, b)| a == b)
        .count();
    assert!(agree >= 60, "{agree} of 64 ({report})");
    let (x4, labels) = data.batch(&data.test[..4]).unwrap();
    let (m, input) = q.quantize_input(&x4).unwrap();
    let trace = q.forward(m, input).unwrap();
    for output in [Visibility::Public, Visibility::Committed] {
        prove_trace(&q, &trace, 4, Visibility::Committed, output).unwrap();
    }

    // Accuracy: the hidden softmax is proven there too (one site); its messages are bound.
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Accuracy { examples: 4 },
    };
    let p = Proven::new(&q, arch, &trace, Some(&labels), 8);
    let proof = p.proof.clone();
    assert_eq!(proof.body.softmax.len(), 1);
    let check = |proof: &_| p.verify(proof);
    check(&proof).unwrap();
    let mut bad = proof.clone();
    bad.body.softmax[0].block.values[3] += Fr::from(1u64);
    assert!(matches!(check(&bad), Err(Error::SuccinctEvaluation { .. })));
    let mut bad = proof.clone();
    bad.body.softmax[0].block.zerocheck.rounds[1][0] += Fr::from(1u64);
    assert!(matches!(check(&bad), Err(Error::SumcheckFinal)));
    let mut bad = proof;
    bad.body.softmax.clear();
    assert!(matches!(
        check(&bad),
        Err(Error::ProofShape {
            what: "softmax proofs",
            ..
        })
    ));
}
