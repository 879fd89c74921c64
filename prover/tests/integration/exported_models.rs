#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Models as converters really write them, not built by hand.
//!
//! - PyTorch's `torch.onnx.export` (fixtures/pytorch, `make torch-fixtures`): an MLP with Gemm,
//!   an MLP whose linear layers export as MatMul + Add, a two-convolution CNN with 6 and 12
//!   channels (padded to 8 and 16 inside the statement, then flattened), and a 13-feature,
//!   3-class MLP on standardized wine data, and LeNet-5 (max pools, 28×28 and 10×10 maps).
//! - skl2onnx (fixtures/sklearn, `make sklearn-fixtures`): MLPClassifier graphs with an input
//!   Cast, MatMul + Add layers, a Softmax and the label head (ArgMax → ArrayFeatureExtractor over
//!   int64 `classes` → Reshape → Cast, with or without ZipMap), which the importer leaves out.
//!
//! Each imports, reproduces onnxruntime's scores in float, keeps its accuracy when quantized,
//! and proves and verifies an accuracy statement on part of its test split.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::graph::{Model, Tensor};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{ModelArchitecture, ModelOpening, ModelShape, Task};
use zkmodel_prover::proof::roles::CommitmentRole;

fn fixture(name: &str) -> PathBuf {
    let dir = if name.starts_with("sklearn/") {
        "../fixtures"
    } else {
        "../fixtures/pytorch"
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join(name)
}

fn json(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

/// A data file's examples shaped as the model takes them, and its labels.
fn examples(model: &Model, file: &str, take: usize) -> (Tensor, Vec<usize>) {
    let d = json(file);
    let rows = d["input_data"].as_array().unwrap();
    let n = rows.len().min(take);
    let x: Vec<f32> = rows[..n]
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
        })
        .collect();
    let features = x.len() / n;
    let labels = d["labels"].as_array().unwrap()[..n]
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let t = Tensor::new(vec![n, features], x)
        .unwrap()
        .with_batch_shape(&model.input_shape)
        .unwrap();
    (t, labels)
}

/// `name` is a fixture's path under fixtures/pytorch (or `sklearn/…`); `scores` is the
/// reference file's key for the graph output the importer keeps (logits, or probabilities
/// after a Softmax).
fn check(name: &str, scores: &str, proof_examples: usize) {
    check_with(name, scores, proof_examples, CalibrationOptions::default());
}

/// [`check`] with calibration options of its own.
fn check_with(name: &str, scores: &str, proof_examples: usize, options: CalibrationOptions) {
    let model = import_path(&fixture(&format!("{name}.onnx"))).unwrap();
    // Float evaluation against onnxruntime on the whole test split.
    let (x, labels) = examples(&model, &format!("{name}.test.json"), usize::MAX);
    let float = model.eval(&x).unwrap();
    let reference = json(&format!("{name}.reference.json"));
    let expected: Vec<f32> = reference[scores]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap() as f32)
        })
        .collect();
    assert_eq!(float.data.len(), expected.len(), "{name}");
    let worst = float
        .data
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(
        worst < 1e-3,
        "{name}: float {scores} differ from onnxruntime by {worst}"
    );

    // Quantized on the calibration file: the same predictions as float almost everywhere.
    let (calib, _) = examples(&model, &format!("{name}.calibration.json"), usize::MAX);
    let (q, report) = calibrate(&model, &calib, options).unwrap();
    assert!(report.argmax_agreement >= 0.99, "{name}: {report}");
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    let predicted = q.predictions(&trace, labels.len());
    let agree = predicted
        .iter()
        .zip(float.argmax_rows())
        .filter(|(a, b)| **a == *b)
        .count();
    assert!(
        agree as f64 >= 0.98 * labels.len() as f64,
        "{name}: quantized argmax agrees with float on {agree} of {}",
        labels.len()
    );

    // An accuracy statement on the first examples of the test split, proven and verified.
    let (public, ls) = prove_accuracy(&model, &q, name, proof_examples);
    let count = zkmodel_prover::field::encoding::to_i128(&public.count.unwrap(), 64).unwrap();
    let expected_count = predicted[..proof_examples]
        .iter()
        .zip(&ls)
        .filter(|(p, l)| p == l)
        .count();
    assert_eq!(count as usize, expected_count, "{name}");
}

/// An accuracy statement of `q` on the first `count` examples of `<name>.test.json`, proven and
/// verified against its pinned model and test set: the public values and the labels.
fn prove_accuracy(
    model: &Model,
    q: &zkmodel_prover::graph::quant::QuantizedModel,
    name: &str,
    count: usize,
) -> (zkmodel_prover::proof::model::PublicValues, Vec<usize>) {
    let arch = ModelArchitecture {
        shape: ModelShape::from(q),
        task: Task::Accuracy { examples: count },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let opening = ModelOpening::commit(&srs, &arch, q, &mut rng).unwrap();
    let (xs, ls) = examples(model, &format!("{name}.test.json"), count);
    let ex = arch.examples(&xs, Some(&ls)).unwrap();
    let test_set = arch.commit_test_set(&srs, &ex).unwrap();
    let (file, _) = arch
        .prove_examples(&srs, q, &opening, &ex, &mut rng)
        .unwrap();
    let pins = [
        (CommitmentRole::Model, opening.model.commitment),
        (CommitmentRole::TestSet, test_set.commitment),
    ];
    (file.verify(&srs, &pins).unwrap(), ls)
}

#[test]
fn pytorch_mlp_with_gemm() {
    check("mlp", "logits", 16);
}

#[test]
fn pytorch_mlp_with_matmul_and_add() {
    check("mlp_matmul", "logits", 16);
}

#[test]
fn pytorch_cnn_with_two_convolutions_and_padded_channels() {
    check("cnn", "logits", 8);
}

/// The PyTorch CNN's convolutions have 6 and 12 channels (padded to 8 and 16): its
/// statements store their trace tensors without the padded channels — fewer entries than the
/// padded statement, under another architecture id.
#[test]
fn pytorch_cnn_statements_leave_the_padded_channels_out() {
    let model = import_path(&fixture("cnn.onnx")).unwrap();
    let (calib, _) = examples(&model, "cnn.calibration.json", usize::MAX);
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let shape = ModelShape::from(&q);
    let real: Vec<Option<usize>> = shape.layers.iter().map(|l| l.real_c).collect();
    assert_eq!(real, [Some(6), Some(6), Some(12), Some(12), None]);
    let mut padded = shape.clone();
    for l in &mut padded.layers {
        l.real_c = None;
    }
    let task = Task::Accuracy { examples: 64 };
    let (split, whole) = (
        ModelArchitecture { shape, task },
        ModelArchitecture {
            shape: padded,
            task,
        },
    );
    let (a, b) = (
        split.trace_entries().unwrap(),
        whole.trace_entries().unwrap(),
    );
    println!("CNN accuracy over 64 images: trace {a} entries, {b} with the padded channels");
    assert!(a < b, "{a} {b}");
    let srs = Srs::insecure_development(5, 1 << 10);
    assert_ne!(split.id(&srs), whole.id(&srs));
}

/// The PyTorch CNN with a sigmoid after its first convolution (6 of 8 channels): the
/// sigmoid's padded channels hold sigmoid(0), not 0, so that layer's tensors and the pool
/// after it are stored whole (the pool does not inherit the real channels), while the second
/// convolution and its pool still leave their padding out. An accuracy statement proves and
/// verifies, and the shape survives key generation's zero model.
#[test]
fn a_pool_after_a_table_activation_keeps_its_padded_channels() {
    use zkmodel_prover::graph::Op;
    use zkmodel_prover::lookup::TableFn;
    let mut model = import_path(&fixture("cnn.onnx")).unwrap();
    let relu = model
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::Relu))
        .unwrap();
    model.nodes[relu].op = Op::Activation(TableFn::Sigmoid);
    let (calib, _) = examples(&model, "cnn.calibration.json", usize::MAX);
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let shape = ModelShape::from(&q);
    let real: Vec<Option<usize>> = shape.layers.iter().map(|l| l.real_c).collect();
    assert_eq!(real, [Some(6), None, Some(12), Some(12), None]);
    assert_eq!(ModelShape::from(&shape.zero_model()), shape);
    prove_accuracy(&model, &q, "cnn", 8);
}

#[test]
fn pytorch_wine_mlp_with_13_features_and_3_classes() {
    check("wine_mlp", "logits", 36);
}

#[test]
fn sklearn_mlp_classifier_with_two_hidden_layers_and_its_label_head_left_out() {
    check("sklearn/digits_mlp", "probabilities", 16);
    let model = import_path(&fixture("sklearn/digits_mlp.onnx")).unwrap();
    let head = model.label_head.as_ref().unwrap();
    assert_eq!(head.classes, Some(10));
    assert_eq!(head.outputs, ["label"]);
    assert_eq!(head.scores, "probabilities");
    let ops: Vec<&str> = head
        .nodes
        .iter()
        .map(|n| n.split(' ').next().unwrap())
        .collect();
    assert_eq!(ops, ["ArgMax", "ArrayFeatureExtractor", "Reshape", "Cast"]);
    // The proven part: three dense layers (48, 24, 10 wide) and the final Softmax.
    let kinds: Vec<&str> = model.nodes.iter().map(|n| n.op.kind()).collect();
    assert_eq!(
        kinds,
        [
            "Dense", "AddConst", "Relu", "Dense", "AddConst", "Relu", "Dense", "AddConst",
            "Softmax"
        ]
    );
}

#[test]
fn sklearn_mlp_classifier_with_zipmap_proves_its_scores() {
    check("sklearn/wine_mlp", "probabilities", 36);
    let model = import_path(&fixture("sklearn/wine_mlp.onnx")).unwrap();
    let head = model.label_head.as_ref().unwrap();
    assert_eq!(head.outputs, ["output_label", "output_probability"]);
    assert_eq!(head.scores, "out_activations_result");
    assert!(head.nodes.iter().any(|n| n.starts_with("ZipMap")));
    assert!(head.to_string().contains("classes are 0..2"), "{head}");
}

#[test]
fn a_classifier_whose_classes_are_not_indices_is_refused_naming_them() {
    let e = import_path(&fixture("sklearn/wine_classes_1_3.onnx")).unwrap_err();
    match &e {
        zkmodel_prover::Error::OnnxNode {
            op_type, reason, ..
        } => {
            assert_eq!(op_type, "ArrayFeatureExtractor");
            assert!(reason.contains("`classes` = [1, 2, 3]"), "{reason}");
            assert!(reason.contains("LabelEncoder"), "{reason}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// An escrowed request's input words for a public-input inference statement: they unpack to
/// the very examples they were made from, and a proof on those examples starts its public
/// words with them (what the marketplace compares), for a flat and an image input.
fn request_round_trip(name: &str) {
    let model = import_path(&fixture(&format!("{name}.onnx"))).unwrap();
    let (calib, _) = examples(&model, &format!("{name}.calibration.json"), usize::MAX);
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 2,
            input: zkmodel_prover::proof::model::Visibility::Public,
            output: zkmodel_prover::proof::model::Visibility::Public,
        },
    };
    let (x, _) = examples(&model, &format!("{name}.test.json"), 2);
    let ex = arch.examples(&x, None).unwrap();
    let words = arch.request_input_words(&ex).unwrap();
    assert_eq!(arch.request_examples(&words).unwrap(), ex, "{name}");
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let opening = ModelOpening::commit(&srs, &arch, &q, &mut rng).unwrap();
    let (file, _) = arch
        .prove_examples(&srs, &q, &opening, &ex, &mut rng)
        .unwrap();
    assert_eq!(file.public_words[..words.len()], words[..], "{name}");
    // A committed-input architecture takes no request words.
    let committed = ModelArchitecture {
        task: Task::Inference {
            rows: 2,
            input: zkmodel_prover::proof::model::Visibility::Committed,
            output: zkmodel_prover::proof::model::Visibility::Public,
        },
        ..arch
    };
    assert!(matches!(
        committed.request_input_words(&ex),
        Err(zkmodel_prover::Error::BlockShape {
            block: "inference request",
            ..
        })
    ));
}

#[test]
fn request_words_round_trip_for_a_flat_input() {
    request_round_trip("mlp");
}

#[test]
fn request_words_round_trip_for_an_image_input() {
    request_round_trip("cnn");
}

/// LeNet-5 as PyTorch exports it, on digits upsampled to 32×32: 5×5 convolutions to 28×28 and
/// 10×10 maps (not powers of two: laid out over 32×32 and 16×16), 2×2 max pools to 14×14 and
/// 5×5, then three dense layers (400 → 120 → 84 → 10).
#[test]
fn pytorch_lenet5_with_max_pools_and_non_power_of_two_maps() {
    check("lenet", "logits", 4);
}

/// A residual MLP as PyTorch exports it: the block's Add reads its second branch's Gemm
/// (no activation) and the stem's ReLU output, two layers back.
#[test]
fn pytorch_residual_mlp() {
    check("resmlp", "logits", 16);
}

/// A ResNet basic block (no batch norm) on 8×8 images: Conv → ReLU → Conv, added to the
/// block's input, then ReLU and a max pool.
#[test]
fn pytorch_residual_cnn() {
    check("rescnn", "logits", 4);
}

/// A small ResNet with a downsampling block: its 1×1, stride-2 projection shortcut reads the
/// stem's output (a branch, not the previous layer's), the sum adds it to the block's second
/// convolution, and a global average pool (AdaptiveAvgPool2d(1)) feeds the head.
#[test]
fn pytorch_resnet_with_a_projection_shortcut_and_global_average_pool() {
    use zkmodel_prover::graph::quant::{QLayer, Source};
    let model = import_path(&fixture("resnet.onnx")).unwrap();
    let (calib, _) = examples(&model, "resnet.calibration.json", usize::MAX);
    // The deeper model needs a finer scale than the default search's first fit (2^4 leaves
    // its test split at 97.8% agreement with float).
    let options = CalibrationOptions {
        scales: (6, 10),
        max_bits: 20,
        ..CalibrationOptions::default()
    };
    let (q, _) = calibrate(&model, &calib, options).unwrap();
    let shortcut = q.layers.iter().position(|l| l.name().contains("shortcut"));
    let shortcut = shortcut.expect("the shortcut convolution is a layer");
    assert_eq!(q.branches.get(&shortcut), Some(&Source::Layer(0)));
    assert!(
        q.layers
            .iter()
            .any(|l| matches!(l, QLayer::Add(a) if a.skip == Some(shortcut - 1)))
    );
    check_with("resnet", "logits", 4, options);
}

/// Sigmoid and Tanh hidden layers through their function tables.
/// Activations written after the max pools, as PyTorch's MNIST example writes them
/// (`relu(max_pool2d(conv(x)))`, then tanh after the second pool): the quantizer moves each
/// before its pool (exact for non-decreasing functions) and the statement proves that model.
#[test]
fn pytorch_activations_after_max_pools() {
    let model = import_path(&fixture("poolact.onnx")).unwrap();
    let kinds: Vec<&str> = model.nodes.iter().map(|n| n.op.kind()).collect();
    assert_eq!(kinds[..3], ["Conv2d", "MaxPool2d", "Relu"], "as exported");
    check("poolact", "logits", 4);
}

/// Inception-style branches: `torch.cat` of three tensors (two branch convolutions and the
/// stem's output) imports as a chain of two binary concatenations along channels.
#[test]
fn pytorch_concatenated_branches() {
    let model = import_path(&fixture("catcnn.onnx")).unwrap();
    let cats = model
        .nodes
        .iter()
        .filter(|n| n.op.kind() == "Concat")
        .count();
    assert_eq!(cats, 2, "a three-input Concat is two binary ones");
    check("catcnn", "logits", 4);
}

/// A deep tower concatenated with the input features (the input as a concatenation operand).
#[test]
fn pytorch_wide_and_deep_concatenation() {
    check("widedeep", "logits", 8);
}

#[test]
fn pytorch_sigmoid_and_tanh_mlp() {
    check("smooth_mlp", "logits", 16);
}

/// LeNet-5 inference on a batch of 64 (committed input, public logits): prove and verify
/// times (`cargo test --release -p zkmodel-prover --test integration
/// exported_models::lenet_batch -- --ignored --nocapture`).
#[test]
#[ignore = "timing: run by hand or make bench"]
fn lenet_batch_64_inference_timing() {
    use zkmodel_prover::proof::model::Visibility;
    let model = import_path(&fixture("lenet.onnx")).unwrap();
    let (calib, _) = examples(&model, "lenet.calibration.json", usize::MAX);
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 64,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let opening = ModelOpening::commit(&srs, &arch, &q, &mut rng).unwrap();
    let (xs, _) = examples(&model, "lenet.test.json", 64);
    let ex = arch.examples(&xs, None).unwrap();
    let start = std::time::Instant::now();
    let (file, _) = arch
        .prove_examples(&srs, &q, &opening, &ex, &mut rng)
        .unwrap();
    let prove = start.elapsed();
    let start = std::time::Instant::now();
    let pins = [(CommitmentRole::Model, opening.model.commitment)];
    let verified = file.verify(&srs, &pins);
    println!(
        "LeNet-5 inference, batch 64: largest vector 2^{}, prove {:.2} s, verify {:.2} s ({})",
        len.trailing_zeros(),
        prove.as_secs_f64(),
        start.elapsed().as_secs_f64(),
        if verified.is_ok() { "ok" } else { "FAILED" }
    );
    assert!(verified.is_ok(), "{verified:?}");
}
