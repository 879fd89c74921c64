#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Quantization of the digits fixture models: calibration picks a scale and bit bound, the
//! integer model agrees with onnxruntime's argmax on ≥ 99% of the test split and its accuracy
//! is within one point of float; values outside the range name their tensor.

use crate::common::digits;

use zkmodel_prover::Error;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QuantizedModel, calibrate};
use zkmodel_prover::graph::{Op, Tensor};

fn check_model(name: &str, layers: usize) {
    let model = import_path(&digits(name)).unwrap();
    let data = Dataset::load(&digits("dataset.json")).unwrap();
    let (train_x, _) = data.batch(&data.train[..256]).unwrap();
    let shaped = |x: Tensor| x.with_batch_shape(&model.input_shape).unwrap();
    let (q, report) = calibrate(&model, &shaped(train_x), CalibrationOptions::default()).unwrap();
    println!("{name}: {report}");

    let (test_x, labels) = data.batch(&data.test).unwrap();
    let test_x = shaped(test_x);
    let float_pred = model.eval(&test_x).unwrap().argmax_rows();
    let (m, input) = q.quantize_input(&test_x).unwrap();
    let trace = q.forward(m, input).unwrap();
    let pred = q.predictions(&trace, labels.len());
    let n = labels.len() as f64;
    let agree = pred.iter().zip(&float_pred).filter(|(a, b)| a == b).count() as f64 / n;
    let acc = |p: &[usize]| p.iter().zip(&labels).filter(|(a, b)| a == b).count() as f64 / n;
    println!(
        "{name} test split: argmax agreement {:.2}%, quantized accuracy {:.2}%, float {:.2}%",
        100.0 * agree,
        100.0 * acc(&pred),
        100.0 * acc(&float_pred)
    );
    assert!(agree >= 0.99, "agreement {agree}");
    assert!((acc(&pred) - acc(&float_pred)).abs() <= 0.01);
    assert!(q.bits <= 16);
    assert_eq!(q.layers.len(), layers);
}

#[test]
fn mlp_quantizes_within_a_point_of_float() {
    check_model("mlp.onnx", 2);
}

#[test]
fn cnn_quantizes_within_a_point_of_float() {
    check_model("cnn.onnx", 3);
}

#[test]
fn out_of_range_values_name_their_tensor() {
    let model = import_path(&digits("mlp.onnx")).unwrap();
    let q = QuantizedModel::quantize(&model, 6, 14).unwrap();
    let mut input = vec![0i64; q.input.width()];
    input[5] = 1 << 20;
    match q.forward(1, input).unwrap_err() {
        Error::QuantRange { tensor, index, .. } => {
            assert_eq!((tensor.as_str(), index), ("input", 5))
        }
        e => panic!("{e:?}"),
    }
    // Large but in-range inputs overflow a hidden layer: its name is in the error.
    let input = vec![(1 << 13) - 1; q.input.width()];
    let err = q.forward(1, input).unwrap_err();
    assert!(
        matches!(&err, Error::QuantRange { tensor, .. } if tensor.starts_with("fc1")),
        "{err}"
    );
}

#[test]
fn layers_without_a_proof_block_are_refused_by_name() {
    let mut model = import_path(&digits("cnn.onnx")).unwrap();
    let pool = model.nodes.iter_mut().find(|n| n.name == "pool1").unwrap();
    pool.op = Op::Add;
    match QuantizedModel::quantize(&model, 6, 14).unwrap_err() {
        Error::Unprovable { node, op, .. } => {
            assert_eq!((node.as_str(), op.as_str()), ("pool1", "Add"))
        }
        e => panic!("{e:?}"),
    }
}

/// A hidden Softmax after a dense layer becomes that layer's activation; after an image it is
/// refused naming the node and saying why.
#[test]
fn a_hidden_softmax_folds_into_its_dense_layer_and_elsewhere_is_refused_by_name() {
    let mut model = import_path(&digits("mlp.onnx")).unwrap();
    let first = model
        .nodes
        .iter()
        .position(|n| n.op == Op::Relu)
        .expect("the MLP has a hidden ReLU");
    model.nodes[first].op = Op::Softmax;
    model.nodes[first].name = "hidden_softmax".into();
    let q = QuantizedModel::quantize(&model, 6, 14).unwrap();
    let hidden = q.layers[0].dense().unwrap();
    assert!(hidden.softmax && !hidden.relu && hidden.table.is_none());
    // After an image (the CNN's first convolution) it is refused, naming the node.
    let mut cnn = import_path(&digits("cnn.onnx")).unwrap();
    let relu = cnn.nodes.iter().position(|n| n.op == Op::Relu).unwrap();
    cnn.nodes[relu].op = Op::Softmax;
    cnn.nodes[relu].name = "image_softmax".into();
    match QuantizedModel::quantize(&cnn, 6, 14).unwrap_err() {
        Error::Unprovable { node, op, reason } => {
            assert_eq!((node.as_str(), op.as_str()), ("image_softmax", "Softmax"));
            assert!(reason.contains("dense layer"), "{reason}");
        }
        e => panic!("{e:?}"),
    }
    // A model file claiming a Softmax after a convolution: its shape says so and is refused.
    let mut q =
        QuantizedModel::quantize(&import_path(&digits("cnn.onnx")).unwrap(), 6, 14).unwrap();
    if let zkmodel_prover::graph::quant::QLayer::Conv(c) = &mut q.layers[0] {
        c.dense.relu = false;
        c.dense.softmax = true;
    }
    assert!(matches!(q.validate(), Err(Error::BlockShape { .. })));
}
