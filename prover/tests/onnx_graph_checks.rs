#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Graphs whose proof would be about something other than what the ONNX model outputs (or
//! the import report says), found by an adversarial review of the label-head import: each is
//! refused, at import or at quantization, naming what is wrong. The graphs are built here from
//! the importer's own protobuf messages.

#[path = "../src/graph/onnx_pb.rs"]
mod onnx_pb;

use onnx_pb as pb;
use prost::Message;
use zkmodel_prover::Error;
use zkmodel_prover::graph::Tensor;
use zkmodel_prover::graph::onnx::import;
use zkmodel_prover::graph::quant::QuantizedModel;

fn floats(name: &str, dims: &[i64], data: &[f32]) -> pb::TensorProto {
    pb::TensorProto {
        dims: dims.to_vec(),
        data_type: 1,
        float_data: data.to_vec(),
        name: name.into(),
        ..Default::default()
    }
}

fn int64s(name: &str, data: &[i64]) -> pb::TensorProto {
    pb::TensorProto {
        dims: vec![data.len() as i64],
        data_type: 7,
        int64_data: data.to_vec(),
        name: name.into(),
        ..Default::default()
    }
}

fn node(op: &str, domain: &str, inputs: &[&str], output: &str) -> pb::NodeProto {
    pb::NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: output.into(),
        op_type: op.into(),
        domain: domain.into(),
        ..Default::default()
    }
}

fn argmax(input: &str, output: &str) -> pb::NodeProto {
    let mut n = node("ArgMax", "", &[input], output);
    n.attribute.push(pb::AttributeProto {
        name: "axis".into(),
        i: 1,
        r#type: 2,
        ..Default::default()
    });
    n
}

fn input(name: &str, features: i64) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{Dimension, dimension::Value as Dim};
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: 1,
                shape: Some(pb::TensorShapeProto {
                    dim: vec![
                        Dimension {
                            value: Some(Dim::DimParam("N".into())),
                        },
                        Dimension {
                            value: Some(Dim::DimValue(features)),
                        },
                    ],
                }),
            })),
        }),
    }
}

fn output(name: &str) -> pb::ValueInfoProto {
    pb::ValueInfoProto {
        name: name.into(),
        r#type: None,
    }
}

fn model(graph: pb::GraphProto) -> Vec<u8> {
    pb::ModelProto {
        ir_version: 8,
        producer_name: "review".into(),
        graph: Some(graph),
        opset_import: vec![],
    }
    .encode_to_vec()
}

/// W1 (2×2): S = X·W1 is the identity; W2 (2×2) swaps the classes: Y = relu(S)·W2.
const W1: [f32; 4] = [1.0, 0.0, 0.0, 1.0];
const W2: [f32; 4] = [0.0, 1.0, 1.0, 0.0];

/// The ONNX label output is classes[argmax(S)] (an early value) while the other output is Y
/// (a later value): proving Y would say nothing about the labels.
#[test]
fn an_output_other_than_the_labelled_scores_is_refused() {
    let graph = pb::GraphProto {
        node: vec![
            node("Gemm", "", &["X", "W1"], "S"),
            argmax("S", "idx"),
            node(
                "ArrayFeatureExtractor",
                "ai.onnx.ml",
                &["classes", "idx"],
                "label",
            ),
            node("Relu", "", &["S"], "R"),
            node("Gemm", "", &["R", "W2"], "Y"),
        ],
        name: "g".into(),
        initializer: vec![
            floats("W1", &[2, 2], &W1),
            floats("W2", &[2, 2], &W2),
            int64s("classes", &[0, 1]),
        ],
        input: vec![input("X", 2)],
        output: vec![output("label"), output("Y")],
    };
    let e = import(&model(graph)).expect_err("accepted");
    assert!(
        matches!(&e, Error::OnnxMalformed { reason } if reason.contains("not the scores `S`")),
        "{e}"
    );
}

/// The graph's only non-head output is the head itself, so the model output is the scores
/// `S`; a dangling branch after `S` (Relu, Gemm → T, read by nothing) must not become the
/// proven logits (quantization used to walk the nodes in order, ignoring data flow).
#[test]
fn a_dangling_branch_is_refused_at_quantization() {
    let graph = pb::GraphProto {
        node: vec![
            node("Gemm", "", &["X", "W1"], "S"),
            argmax("S", "idx"),
            node(
                "ArrayFeatureExtractor",
                "ai.onnx.ml",
                &["classes", "idx"],
                "label",
            ),
            node("Relu", "", &["S"], "R"),
            node("Gemm", "", &["R", "W2"], "T"),
        ],
        name: "g".into(),
        initializer: vec![
            floats("W1", &[2, 2], &W1),
            floats("W2", &[2, 2], &W2),
            int64s("classes", &[0, 1]),
        ],
        input: vec![input("X", 2)],
        output: vec![output("label")],
    };
    let m = import(&model(graph)).unwrap();
    let x = Tensor::new(vec![1, 2], vec![2.0, 1.0]).unwrap();
    // Float reference: the scores S (class 0, as the ONNX label says).
    assert_eq!(m.eval(&x).unwrap().argmax_rows(), vec![0]);
    let e = QuantizedModel::quantize(&m, 6, 16).expect_err("a dangling branch was quantized");
    assert!(
        matches!(&e, Error::Unprovable { op, reason, .. } if op == "graph" && reason.contains("not the end of its chain")),
        "{e}"
    );
}

/// Folding BatchNormalization into the Gemm producing A rewrites A; when A is itself a graph
/// output (here beside the head reading BN(A)), that would silently change it.
#[test]
fn a_batchnorm_whose_input_is_a_graph_output_is_not_folded() {
    let graph = pb::GraphProto {
        node: vec![
            node("Gemm", "", &["X", "W1"], "A"),
            node(
                "BatchNormalization",
                "",
                &["A", "scale", "bias", "mean", "var"],
                "B",
            ),
            argmax("B", "idx"),
            node(
                "ArrayFeatureExtractor",
                "ai.onnx.ml",
                &["classes", "idx"],
                "label",
            ),
        ],
        name: "g".into(),
        initializer: vec![
            floats("W1", &[2, 2], &W1),
            // BN negates class 0 and keeps class 1: argmax flips for X = [2, 1].
            floats("scale", &[2], &[-1.0, 1.0]),
            floats("bias", &[2], &[0.0, 0.0]),
            floats("mean", &[2], &[0.0, 0.0]),
            floats("var", &[2], &[1.0, 1.0]),
            int64s("classes", &[0, 1]),
        ],
        input: vec![input("X", 2)],
        output: vec![output("label"), output("A")],
    };
    let e = import(&model(graph)).expect_err("folded a graph output away");
    assert!(
        matches!(&e, Error::OnnxNode { op_type, reason, .. } if op_type == "BatchNormalization" && reason.contains("read elsewhere")),
        "{e}"
    );
}
