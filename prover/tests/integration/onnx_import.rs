#![allow(clippy::unwrap_used, clippy::expect_used)]
//! ONNX import of the digits fixture models (fixtures/digits, made by `make onnx-fixtures`):
//! the float evaluation of the imported IR reproduces onnxruntime's logits, BatchNormalization
//! is folded away, and malformed or unsupported files fail with errors naming what is wrong.

use crate::common::digits;

use zkmodel_prover::Error;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::{Op, Tensor};

fn json(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(digits(name)).unwrap()).unwrap()
}

/// The test split, scaled to [0, 1], as [N, 64].
fn test_inputs() -> (Vec<f32>, Vec<usize>, usize) {
    let d = json("dataset.json");
    let images = d["images"].as_array().unwrap();
    let labels = d["labels"].as_array().unwrap();
    let test: Vec<usize> = d["test"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let mut x = Vec::with_capacity(test.len() * 64);
    for &i in &test {
        x.extend(
            images[i]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32 / 16.0),
        );
    }
    let y = test
        .iter()
        .map(|&i| labels[i].as_u64().unwrap() as usize)
        .collect();
    (x, y, test.len())
}

fn check_against_onnxruntime(model: &str, shape: &[usize]) {
    let m = import_path(&digits(&format!("{model}.onnx"))).unwrap();
    let (x, y, n) = test_inputs();
    let mut full_shape = vec![n];
    full_shape.extend_from_slice(shape);
    let out = m.eval(&Tensor::new(full_shape, x).unwrap()).unwrap();
    assert_eq!(out.shape, vec![n, 10]);
    let r = &json("reference.json")["models"][model];
    let reference: Vec<f32> = r["logits"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
        })
        .collect();
    let max_err = out
        .data
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(
        max_err < 1e-3,
        "{model}: max |logit − onnxruntime| = {max_err}"
    );
    let argmax: Vec<usize> = r["argmax"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(
        out.argmax_rows(),
        argmax,
        "{model}: argmax differs from onnxruntime"
    );
    let acc = argmax.iter().zip(&y).filter(|(a, b)| a == b).count() as f64 / n as f64;
    assert!((acc - r["float_accuracy"].as_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn mlp_matches_onnxruntime() {
    check_against_onnxruntime("mlp", &[64]);
    let m = import_path(&digits("mlp.onnx")).unwrap();
    let kinds: Vec<&str> = m.nodes.iter().map(|n| n.op.kind()).collect();
    assert_eq!(kinds, ["Dense", "Relu", "Dense"]);
}

#[test]
fn cnn_matches_onnxruntime_with_batchnorm_folded() {
    check_against_onnxruntime("cnn", &[1, 8, 8]);
    let m = import_path(&digits("cnn.onnx")).unwrap();
    let kinds: Vec<&str> = m.nodes.iter().map(|n| n.op.kind()).collect();
    assert_eq!(kinds, ["Conv2d", "Relu", "AvgPool2d", "Flatten", "Dense"]);
    assert!(matches!(&m.nodes[0].op, Op::Conv2d { weight, .. } if weight.shape == [8, 1, 3, 3]));
}

#[test]
fn unsupported_operator_names_op_and_node() {
    let e = import_path(&digits("bad/unsupported_erf.onnx")).unwrap_err();
    match &e {
        Error::OnnxUnsupported { op_type, node, .. } => {
            assert_eq!((op_type.as_str(), node.as_str()), ("Erf", "erf_node"))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        e.to_string().contains("Erf")
            && e.to_string().contains("erf_node")
            && e.to_string().contains("supported: Gemm")
    );
}

#[test]
fn unsupported_attribute_names_node_and_attribute() {
    let e = import_path(&digits("bad/conv_dilations.onnx")).unwrap_err();
    match &e {
        Error::OnnxNode {
            node,
            op_type,
            reason,
        } => {
            assert_eq!((node.as_str(), op_type.as_str()), ("dilated_conv", "Conv"));
            assert!(reason.contains("dilations"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn malformed_files_are_clear_errors() {
    for f in ["bad/truncated.onnx", "bad/not_onnx.onnx"] {
        let e = import_path(&digits(f)).unwrap_err();
        assert!(matches!(e, Error::OnnxMalformed { .. }), "{f}: {e:?}");
    }
    let e = import_path(&digits("does-not-exist.onnx")).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn wrong_input_shape_is_an_error() {
    let m = import_path(&digits("mlp.onnx")).unwrap();
    assert_eq!(
        m.eval(&Tensor::new(vec![2, 63], vec![0.0; 126]).unwrap())
            .map(|_| ()),
        Err(Error::StatementShape {
            what: "input dimension (fixed by the model)",
            expected: 64,
            actual: 63
        })
    );
}
