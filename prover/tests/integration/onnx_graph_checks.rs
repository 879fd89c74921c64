#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Graphs whose proof would be about something other than what the ONNX model outputs (or
//! the import report says), found by an adversarial review of the label-head import: each is
//! refused, at import or at quantization, naming what is wrong. The graphs are built here from
//! the importer's own protobuf messages.

#[path = "../../src/graph/onnx_pb.rs"]
mod onnx_pb;

use onnx_pb as pb;
use prost::Message;
use zkmodel_prover::Error;
use zkmodel_prover::graph::onnx::import;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::graph::{Op, Tensor};

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
    let mut m = import(&model(graph)).unwrap();
    let x = Tensor::new(vec![1, 2], vec![2.0, 1.0]).unwrap();
    // Float reference: the scores S (class 0, as the ONNX label says).
    assert_eq!(m.eval(&x).unwrap().argmax_rows(), vec![0]);
    // The ReLU would fold into the layer whose output S the graph also returns.
    let e = QuantizedModel::quantize(&m, 6, 16).expect_err("a dangling branch was quantized");
    assert!(
        matches!(&e, Error::Unprovable { op, reason, .. } if op == "Relu" && reason.contains("also read by another node")),
        "{e}"
    );
    // Without the ReLU, the branch Gemm(S) → T chains but does not end at the output.
    let relu = m.nodes.iter().position(|n| n.op == Op::Relu).unwrap();
    let removed = m.nodes.remove(relu);
    m.nodes[relu].inputs = removed.inputs;
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

fn float_attr(name: &str, f: f32) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        f,
        r#type: 1,
        ..Default::default()
    }
}

/// Gemm(X, W1) → `act` (reading S, writing A) → Gemm(A, W2) → Y, with `consts` added.
fn with_activation(act: Vec<pb::NodeProto>, consts: &[(&str, f32)]) -> Vec<u8> {
    let mut nodes = vec![node("Gemm", "", &["X", "W1"], "S")];
    nodes.extend(act);
    nodes.push(node("Gemm", "", &["A", "W2"], "Y"));
    let mut initializer = vec![floats("W1", &[2, 2], &W1), floats("W2", &[2, 2], &W2)];
    initializer.extend(consts.iter().map(|(n, v)| floats(n, &[], &[*v])));
    model(pb::GraphProto {
        node: nodes,
        name: "g".into(),
        initializer,
        input: vec![input("X", 2)],
        output: vec![output("Y")],
    })
}

const GELU_CONSTS: [(&str, f32); 4] = [
    ("sqrt2", std::f32::consts::SQRT_2),
    ("inv_sqrt2", std::f32::consts::FRAC_1_SQRT_2),
    ("one", 1.0),
    ("half", 0.5),
];

/// LeakyRelu, Clip (both opset forms, ReLU6 and Hardtanh), the Gelu operator and the GELU Erf
/// subgraph in the orders exporters write it each import as one table activation, whose float
/// evaluation is the function's.
#[test]
fn table_activations_import_in_the_forms_exporters_write() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::lookup::{Real, TableFn};
    let mut leaky = node("LeakyRelu", "", &["S"], "A");
    leaky.attribute.push(float_attr("alpha", 0.2));
    let mut hardtanh = node("Clip", "", &["S"], "A");
    hardtanh
        .attribute
        .extend([float_attr("min", -1.0), float_attr("max", 1.0)]);
    let gelu = TableFn::Gelu;
    let cases: Vec<(&str, Vec<pb::NodeProto>, Op)> = vec![
        (
            "LeakyRelu",
            vec![leaky],
            Op::Activation(TableFn::LeakyRelu {
                alpha: Real::new(0.2),
            }),
        ),
        (
            "LeakyRelu, default slope",
            vec![node("LeakyRelu", "", &["S"], "A")],
            Op::Activation(TableFn::LeakyRelu {
                alpha: Real::new(0.01),
            }),
        ),
        (
            "ReLU6 (Clip, opset 11 inputs)",
            vec![node("Clip", "", &["S", "zero", "six"], "A")],
            Op::Activation(TableFn::Clip {
                min: Real::new(0.0),
                max: Real::new(6.0),
            }),
        ),
        (
            "Hardtanh (Clip, opset 6 attributes)",
            vec![hardtanh],
            Op::Activation(TableFn::Clip {
                min: Real::new(-1.0),
                max: Real::new(1.0),
            }),
        ),
        (
            "Clip with only min 0 is ReLU",
            vec![node("Clip", "", &["S", "zero", ""], "A")],
            Op::Relu,
        ),
        (
            "Gelu operator",
            vec![node("Gelu", "", &["S"], "A")],
            Op::Activation(gelu),
        ),
        (
            "GELU as PyTorch exports it",
            vec![
                node("Div", "", &["S", "sqrt2"], "d"),
                node("Erf", "", &["d"], "e"),
                node("Add", "", &["e", "one"], "a"),
                node("Mul", "", &["S", "a"], "m"),
                node("Mul", "", &["m", "half"], "A"),
            ],
            Op::Activation(gelu),
        ),
        (
            "GELU, constants first and halved before x",
            vec![
                node("Mul", "", &["inv_sqrt2", "S"], "d"),
                node("Erf", "", &["d"], "e"),
                node("Add", "", &["one", "e"], "a"),
                node("Mul", "", &["a", "half"], "m"),
                node("Mul", "", &["S", "m"], "A"),
            ],
            Op::Activation(gelu),
        ),
        (
            "GELU, 0.5·x first",
            vec![
                node("Mul", "", &["S", "half"], "h"),
                node("Div", "", &["S", "sqrt2"], "d"),
                node("Erf", "", &["d"], "e"),
                node("Add", "", &["e", "one"], "a"),
                node("Mul", "", &["h", "a"], "A"),
            ],
            Op::Activation(gelu),
        ),
    ];
    let mut consts = GELU_CONSTS.to_vec();
    consts.extend([("zero", 0.0), ("six", 6.0)]);
    for (what, act, op) in cases {
        let m = import(&with_activation(act, &consts)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(m.nodes.len(), 3, "{what}");
        assert_eq!(m.nodes[1].op, op, "{what}");
        let x = Tensor::new(vec![1, 2], vec![-1.5, 7.0]).unwrap();
        let y = m.eval(&x).unwrap();
        let f = |v: f32| match &op {
            Op::Activation(f) => f.apply(f64::from(v)) as f32,
            _ => v.max(0.0),
        };
        // W2 swaps the two features.
        assert_eq!(y.data, vec![f(7.0), f(-1.5)], "{what}");
    }
}

/// What is not the exact GELU or a well-formed bound is refused naming the node: a lone Erf,
/// a GELU-like subgraph with another constant or an intermediate read elsewhere, the tanh
/// approximation, Clip bounds that are not an interval, a non-finite LeakyRelu slope.
#[test]
fn table_activations_refuse_what_they_are_not() {
    let gelu_like = |div_by: &str, erf_read_elsewhere: bool| {
        let mut consts = GELU_CONSTS.to_vec();
        consts.push(("two", 2.0));
        let mut bytes = with_activation(
            vec![
                node("Div", "", &["S", div_by], "d"),
                node("Erf", "", &["d"], "e"),
                node("Add", "", &["e", "one"], "a"),
                node("Mul", "", &["S", "a"], "m"),
                node("Mul", "", &["m", "half"], "A"),
            ],
            &consts,
        );
        if erf_read_elsewhere {
            let mut m = pb::ModelProto::decode(bytes.as_slice()).unwrap();
            let g = m.graph.as_mut().unwrap();
            g.node.push(node("Identity", "", &["e"], "e2"));
            bytes = m.encode_to_vec();
        }
        bytes
    };
    let unsupported = |bytes: &[u8], op: &str| match import(bytes) {
        Err(Error::OnnxUnsupported { op_type, .. }) => assert_eq!(op_type, op),
        other => panic!("{op}: {:?}", other.map(|m| m.nodes.len())),
    };
    unsupported(
        &with_activation(vec![node("Erf", "", &["S"], "A")], &[]),
        "Erf",
    );
    unsupported(&gelu_like("two", false), "Div");
    unsupported(&gelu_like("sqrt2", true), "Div");
    import(&gelu_like("sqrt2", false)).unwrap();

    let node_error = |act: pb::NodeProto, consts: &[(&str, f32)], says: &str| match import(
        &with_activation(vec![act], consts),
    ) {
        Err(Error::OnnxNode { reason, .. }) => assert!(reason.contains(says), "{reason}"),
        other => panic!("{says}: {:?}", other.map(|m| m.nodes.len())),
    };
    let mut tanh_gelu = node("Gelu", "", &["S"], "A");
    tanh_gelu.attribute.push(pb::AttributeProto {
        name: "approximate".into(),
        s: b"tanh".to_vec(),
        r#type: 3,
        ..Default::default()
    });
    node_error(tanh_gelu, &[], "approximate");
    node_error(
        node("Clip", "", &["S", "six", "zero"], "A"),
        &[("zero", 0.0), ("six", 6.0)],
        "not an interval",
    );
    let mut nan = node("LeakyRelu", "", &["S"], "A");
    nan.attribute.push(float_attr("alpha", f32::NAN));
    node_error(nan, &[], "finite slope");
}

fn image_input(name: &str, c: i64, h: i64, w: i64) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{Dimension, dimension::Value as Dim};
    let dim = |v: Dim| Dimension { value: Some(v) };
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: 1,
                shape: Some(pb::TensorShapeProto {
                    dim: vec![
                        dim(Dim::DimParam("N".into())),
                        dim(Dim::DimValue(c)),
                        dim(Dim::DimValue(h)),
                        dim(Dim::DimValue(w)),
                    ],
                }),
            })),
        }),
    }
}

fn ints_attr(name: &str, v: &[i64]) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        r#type: 7,
        ..Default::default()
    }
}

/// A pool node on a 1×4×4 image with the given attributes.
fn pool_graph(op: &str, attrs: Vec<pb::AttributeProto>) -> Vec<u8> {
    let mut n = node(op, "", &["X"], "Y");
    n.attribute = attrs;
    model(pb::GraphProto {
        node: vec![n],
        name: "g".into(),
        initializer: vec![],
        input: vec![image_input("X", 1, 4, 4)],
        output: vec![output("Y")],
    })
}

/// MaxPool imports with its padding (padded positions never win, as ONNX pads with −∞); the
/// float evaluation matches a hand computation; AveragePool with padding, ceil_mode and
/// storage_order are refused naming the attribute.
#[test]
fn max_pool_padding_imports_and_unsupported_pool_attributes_are_named() {
    use zkmodel_prover::graph::Op;
    let m = import(&pool_graph(
        "MaxPool",
        vec![
            ints_attr("kernel_shape", &[3, 3]),
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
        ],
    ))
    .unwrap();
    assert_eq!(
        m.nodes[0].op,
        Op::MaxPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        }
    );
    // All-negative values: a padded zero would win if padding took part.
    let x: Vec<f32> = (0..16).map(|i| -1.0 - i as f32).collect();
    let y = m.eval(&Tensor::new(vec![1, 1, 4, 4], x).unwrap()).unwrap();
    assert_eq!(y.shape, vec![1, 1, 2, 2]);
    // Windows rows/cols {0,1}×{0,1}, {0,1}×{1,2,3}, {1,2,3}×{0,1}, {1,2,3}×{1,2,3}.
    assert_eq!(y.data, vec![-1.0, -2.0, -5.0, -6.0]);

    for (op, attr, says) in [
        ("AveragePool", ints_attr("pads", &[1, 1, 1, 1]), "padding"),
        ("MaxPool", ints_attr("ceil_mode", &[]), "ceil_mode"),
        ("MaxPool", ints_attr("storage_order", &[]), "storage_order"),
    ] {
        let mut attr = attr;
        if attr.ints.is_empty() {
            attr.r#type = 2;
            attr.i = 1;
        }
        let bytes = pool_graph(op, vec![ints_attr("kernel_shape", &[2, 2]), attr]);
        match import(&bytes) {
            Err(Error::OnnxNode { reason, .. }) => assert!(reason.contains(says), "{reason}"),
            other => panic!("{op} {says}: {:?}", other.map(|m| m.nodes.len())),
        }
    }
}

/// AveragePool with padding imports when padding counts in the divisor (PyTorch's
/// `count_include_pad = True`), GlobalAveragePool is the mean over the map, and Dropout is the
/// identity when it cannot be in training mode; the float evaluation matches hand computations.
#[test]
fn padded_and_global_average_pools_and_inference_dropout_import() {
    use zkmodel_prover::graph::Op;
    let mut count = ints_attr("count_include_pad", &[]);
    count.r#type = 2;
    count.i = 1;
    let m = import(&pool_graph(
        "AveragePool",
        vec![
            ints_attr("kernel_shape", &[3, 3]),
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
            count,
        ],
    ))
    .unwrap();
    assert_eq!(
        m.nodes[0].op,
        Op::AvgPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        }
    );
    let ones = Tensor::new(vec![1, 1, 4, 4], vec![1.0; 16]).unwrap();
    // Windows hold 4, 6, 6 and 9 real ones; the divisor is always 9.
    assert_eq!(
        m.eval(&ones).unwrap().data,
        vec![4.0 / 9.0, 6.0 / 9.0, 6.0 / 9.0, 1.0]
    );

    let m = import(&pool_graph("GlobalAveragePool", vec![])).unwrap();
    assert_eq!(m.nodes[0].op, Op::GlobalAvgPool);
    let x = Tensor::new(vec![1, 1, 4, 4], (0..16).map(|i| i as f32).collect()).unwrap();
    let y = m.eval(&x).unwrap();
    assert_eq!((y.shape, y.data), (vec![1, 1, 1, 1], vec![7.5]));

    let flag = |v: i32| pb::TensorProto {
        dims: vec![],
        data_type: 9,
        int32_data: vec![v],
        name: "training".into(),
        ..Default::default()
    };
    let dropout = |training: Option<i32>, mask: bool| {
        let mut n = node("Dropout", "", &["X", "ratio", "training"], "Y");
        if training.is_none() {
            n.input.truncate(1);
        }
        if mask {
            n.output.push("mask".into());
        }
        let mut initializer = vec![floats("ratio", &[], &[0.5])];
        initializer.extend(training.map(flag));
        model(pb::GraphProto {
            node: vec![n],
            name: "g".into(),
            initializer,
            input: vec![input("X", 3)],
            output: vec![output("Y")],
        })
    };
    // An unread mask output is allowed (it is never defined: a reader would fail naming it).
    for (training, mask) in [(None, false), (Some(0), false), (None, true)] {
        let m = import(&dropout(training, mask)).unwrap();
        assert!(m.nodes.is_empty(), "Dropout is the identity");
        let x = Tensor::new(vec![1, 3], vec![1.0, -2.0, 3.0]).unwrap();
        assert_eq!(m.eval(&x).unwrap().data, x.data);
    }
    match import(&dropout(Some(1), false)) {
        Err(Error::OnnxNode {
            op_type, reason, ..
        }) => {
            assert_eq!(op_type, "Dropout");
            assert!(reason.contains("training_mode"), "{reason}");
        }
        other => panic!("training mode: {:?}", other.map(|m| m.nodes.len())),
    }
}

/// A branch: a layer may read an earlier layer's output, not only the previous one (a
/// projection shortcut); but a layer whose output nothing reads is refused — it would be
/// proven while the model's output ignores it.
#[test]
fn a_layer_read_by_nothing_is_refused_and_a_branch_is_recorded() {
    use zkmodel_prover::graph::quant::Source;
    let graph = |nodes: Vec<pb::NodeProto>| pb::GraphProto {
        node: nodes,
        name: "g".into(),
        initializer: vec![floats("W1", &[2, 2], &W1), floats("W2", &[2, 2], &W2)],
        input: vec![input("X", 2)],
        output: vec![output("S")],
    };
    // R feeds a dead Gemm C and the output Gemm S.
    let dead = graph(vec![
        node("Gemm", "", &["X", "W1"], "A"),
        node("Relu", "", &["A"], "R"),
        node("Gemm", "", &["R", "W2"], "C"),
        node("Gemm", "", &["R", "W2"], "S"),
    ]);
    let m = import(&model(dead)).unwrap();
    let e = QuantizedModel::quantize(&m, 6, 16).expect_err("a dead layer was quantized");
    assert!(
        matches!(&e, Error::Unprovable { node, reason, .. } if node == "C" && reason.contains("read by no later layer")),
        "{e}"
    );
    // S = Gemm(C) + Gemm(R): the second Gemm reads R, two layers back (a branch).
    let branch = graph(vec![
        node("Gemm", "", &["X", "W1"], "A"),
        node("Relu", "", &["A"], "R"),
        node("Gemm", "", &["R", "W2"], "C"),
        node("Gemm", "", &["R", "W2"], "D"),
        node("Add", "", &["C", "D"], "S"),
    ]);
    let m = import(&model(branch)).unwrap();
    let q = QuantizedModel::quantize(&m, 6, 16);
    // The sum is the last layer, which must be a dense layer's logits: refused, naming it.
    assert!(
        matches!(&q, Err(Error::Unprovable { reason, .. }) if reason.contains("must end in a dense layer")),
        "{q:?}"
    );
    let with_head = |nodes: Vec<pb::NodeProto>| pb::GraphProto {
        node: nodes,
        name: "g".into(),
        initializer: vec![floats("W1", &[2, 2], &W1), floats("W2", &[2, 2], &W2)],
        input: vec![input("X", 2)],
        output: vec![output("T")],
    };
    let m = import(&model(with_head(vec![
        node("Gemm", "", &["X", "W1"], "A"),
        node("Relu", "", &["A"], "R"),
        node("Gemm", "", &["R", "W2"], "C"),
        node("Gemm", "", &["R", "W2"], "D"),
        node("Add", "", &["C", "D"], "S"),
        node("Gemm", "", &["S", "W1"], "T"),
    ])))
    .unwrap();
    let q = QuantizedModel::quantize(&m, 6, 16).unwrap();
    assert_eq!(q.branches.get(&2), Some(&Source::Layer(0)));
    let x = Tensor::new(vec![1, 2], vec![0.5, -0.25]).unwrap();
    let float = m.eval(&x).unwrap();
    let (n, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(n, input).unwrap();
    let logits: Vec<f32> = trace.logits()[..2]
        .iter()
        .map(|v| *v as f32 / 64.0)
        .collect();
    for (a, b) in logits.iter().zip(&float.data) {
        assert!((a - b).abs() < 0.1, "{logits:?} vs {:?}", float.data);
    }
}
