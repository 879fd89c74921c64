#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Architectures come from files (proof files embed theirs): every field that changes the
//! statement must change the id, and a shape the blocks do not constrain must be refused.
//! Regressions from an adversarial review: a table activation after an average pool kept the
//! honest id while its pre-activation was tied to nothing (an accuracy proof of 16/16 for a
//! model that gets 14/16 verified against the honest pins — pools now take tables, with the
//! pool's output as the pre-activation); duplicate layer names; ONNX dims whose product
//! overflows.

use zkmodel_prover::Error;
use zkmodel_prover::graph::dataset::{Dataset, digits_fixtures_dir};
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::lookup::TableFn;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{LayerKind, ModelArchitecture, ModelShape, Task};

fn cnn_accuracy() -> ModelArchitecture {
    let dir = digits_fixtures_dir();
    let data = Dataset::load(&dir.join("dataset.json")).unwrap();
    let model = import_path(&dir.join("cnn.onnx")).unwrap();
    let x = data
        .batch(&data.train[..128])
        .unwrap()
        .0
        .with_batch_shape(&model.input_shape)
        .unwrap();
    let opts = CalibrationOptions {
        max_bits: 14,
        ..CalibrationOptions::default()
    };
    let (q, _) = calibrate(&model, &x, opts).unwrap();
    ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Accuracy { examples: 16 },
    }
}

fn refused(arch: &ModelArchitecture) -> Error {
    let text = Architecture::Model(arch.clone()).to_file_string().unwrap();
    Architecture::from_file_str(&text).expect_err("accepted")
}

/// A table activation on a pool is a statement of its own since pools take one (the pool
/// block's output is the table's pre-activation): another description, hence another id.
/// The ReLU block on a pool is still refused (a ReLU there is the table max(x, 0)).
#[test]
fn an_activation_after_a_pool_changes_the_description_and_relu_is_refused() {
    let honest = cnn_accuracy();
    let p = honest
        .shape
        .layers
        .iter()
        .position(|l| matches!(l.kind, LayerKind::AvgPool { .. }))
        .unwrap();
    for table in [TableFn::Sigmoid, TableFn::Tanh] {
        let mut other = honest.clone();
        other.shape.layers[p].table = Some(table);
        assert_ne!(other.shape.description(), honest.shape.description());
        let text = Architecture::Model(other.clone()).to_file_string().unwrap();
        Architecture::from_file_str(&text).unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }
    let mut evil = honest.clone();
    evil.shape.layers[p].relu = true;
    assert_ne!(evil.shape.description(), honest.shape.description());
    assert!(matches!(refused(&evil), Error::BlockShape { .. }));
}

#[test]
fn every_activation_field_of_every_layer_is_in_the_description() {
    let honest = cnn_accuracy();
    for i in 0..honest.shape.layers.len() {
        for (relu, table) in [
            (true, None),
            (false, Some(TableFn::Sigmoid)),
            (false, Some(TableFn::Tanh)),
            (false, None),
        ] {
            let mut other = honest.clone();
            other.shape.layers[i].relu = relu;
            other.shape.layers[i].table = table;
            if other != honest {
                assert_ne!(
                    other.shape.description(),
                    honest.shape.description(),
                    "layer {i}: relu {relu}, table {table:?}"
                );
            }
        }
    }
}

#[test]
fn duplicate_layer_names_are_refused() {
    let mut arch = cnn_accuracy();
    let first = arch.shape.layers[0].name.clone();
    let last = arch.shape.layers.len() - 1;
    arch.shape.layers[last].name = first;
    assert!(matches!(refused(&arch), Error::BlockShape { .. }));
}

#[test]
fn initializer_dims_whose_product_overflows_are_a_clean_error() {
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    fn field(tag: u64, wire: u64, body: &[u8], out: &mut Vec<u8>) {
        varint((tag << 3) | wire, out);
        if wire == 2 {
            varint(body.len() as u64, out);
        }
        out.extend_from_slice(body);
    }
    // An initializer of dims [2^32, 2^32] and no data (2^64 wraps to 0 = its length).
    let mut tensor = Vec::new();
    for d in [1u64 << 32, 1u64 << 32] {
        let mut v = Vec::new();
        varint(d, &mut v);
        field(1, 0, &v, &mut tensor);
    }
    field(2, 0, &[1], &mut tensor);
    field(8, 2, b"w", &mut tensor);
    let mut graph = Vec::new();
    field(5, 2, &tensor, &mut graph);
    let mut model = Vec::new();
    field(7, 2, &graph, &mut model);
    let e = zkmodel_prover::graph::onnx::import(&model).expect_err("accepted");
    assert!(e.to_string().contains('w'), "{e}");
}

/// The attack the review found, on every verifier path that takes an architecture from
/// memory rather than a file: an honest CNN accuracy claim checked against the architecture
/// with a table activation after its pool (the shape whose pre-activation the old plan tied to
/// nothing, so a prover could choose it per example) is refused with the shape error before
/// any algebra — by native verification, by key generation (its placeholder claim) and by
/// the id-bearing info a verifier contract is rendered from.
#[test]
fn the_honest_proof_fails_under_a_pool_with_an_activation() {
    use rand::SeedableRng;
    use zkmodel_prover::pcs::Srs;
    use zkmodel_prover::proof::model::ModelOpening;
    use zkmodel_prover::proof::statement::Statement;

    let honest = cnn_accuracy();
    let dir = digits_fixtures_dir();
    let data = Dataset::load(&dir.join("dataset.json")).unwrap();
    let model = import_path(&dir.join("cnn.onnx")).unwrap();
    let (x, labels) = data.batch(&data.test[..16]).unwrap();
    let x = x.with_batch_shape(&model.input_shape).unwrap();
    let len = honest.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(7, len);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
    let q = {
        let (calib, _) = data.batch(&data.train[..128]).unwrap();
        let calib = calib.with_batch_shape(&model.input_shape).unwrap();
        let opts = CalibrationOptions {
            max_bits: 14,
            ..CalibrationOptions::default()
        };
        calibrate(&model, &calib, opts).unwrap().0
    };
    let opening = ModelOpening::commit(&srs, &honest, &q, &mut rng).unwrap();
    let ex = honest.examples(&x, Some(&labels)).unwrap();
    let (file, _) = honest
        .prove_examples(&srs, &q, &opening, &ex, &mut rng)
        .unwrap();
    let public = file.public().unwrap();
    let claim = file.proof.claim(file.model, file.data, &public);
    claim.verify(&honest, &srs).unwrap();

    let p = honest
        .shape
        .layers
        .iter()
        .position(|l| matches!(l.kind, LayerKind::AvgPool { .. }))
        .unwrap();
    // The review's attack: the honest proof presented under an architecture with a table on
    // the pool. That architecture is valid now (the pool's output is the table's input), but
    // it is another statement: the proof lacks the range column of the table's outputs (and
    // its activation lookup).
    let mut evil = honest.clone();
    evil.shape.layers[p].table = Some(TableFn::Sigmoid);
    assert_ne!(evil.id(&srs), honest.id(&srs));
    assert_eq!(
        claim.verify(&evil, &srs),
        Err(Error::ProofShape {
            what: "LogUp column evaluations",
            expected: 17,
            actual: 16
        })
    );
    Statement::vector_lengths(&evil).unwrap();
    // The ReLU block on a pool stays refused on every path.
    let mut evil = honest.clone();
    evil.shape.layers[p].relu = true;
    assert!(matches!(
        claim.verify(&evil, &srs),
        Err(Error::BlockShape { .. })
    ));
    assert!(matches!(
        evil.placeholder(&srs),
        Err(Error::BlockShape { .. })
    ));
    assert!(matches!(
        Statement::vector_lengths(&evil),
        Err(Error::BlockShape { .. })
    ));
}

/// The public-word count a verifier contract is rendered with (`info().public_len`) is the
/// count s0 hashes and the circuit packs (`public_groups`), for every statement kind.
#[test]
fn info_public_len_is_the_packed_public_groups_for_every_kind() {
    use zkmodel_prover::blocks::matmul::MatMulDims;
    use zkmodel_prover::pcs::Srs;
    use zkmodel_prover::proof::model::Visibility;
    use zkmodel_prover::proof::public::packed_len;
    use zkmodel_prover::proof::statement::Statement;
    use zkmodel_prover::proof::train::TrainArchitecture;
    use zkmodel_prover::train::{TrainConfig, initial_model};

    fn agree<S: Statement>(arch: &S) {
        let srs = Srs::insecure_development(1, 16);
        assert_eq!(
            arch.info(&srs).unwrap().public_len,
            packed_len(&arch.public_groups().unwrap()),
            "{}",
            arch.description()
        );
    }
    let cnn = cnn_accuracy();
    agree(&cnn);
    for (input, output) in [
        (Visibility::Public, Visibility::Public),
        (Visibility::Committed, Visibility::Public),
        (Visibility::Public, Visibility::Committed),
    ] {
        agree(&ModelArchitecture {
            task: Task::Inference {
                rows: 3,
                input,
                output,
            },
            ..cnn.clone()
        });
    }
    agree(&MatMulDims { m: 2, k: 4, n: 2 });
    let q = initial_model(&[64, 32, 10], 8, 16, 7).unwrap();
    agree(&TrainArchitecture::new(ModelShape::from(&q), TrainConfig::digits_mlp(4), 64).unwrap());
}

/// A layer's source is part of the statement: naming one changes the description, and a
/// source that is the default (the previous layer), a later layer, or a tensor of another
/// shape is refused — one architecture has one description.
#[test]
fn branch_sources_are_described_and_checked() {
    use zkmodel_prover::graph::quant::Source;
    let honest = cnn_accuracy();
    let dense = honest.shape.layers.len() - 1;
    let pool = dense - 1;
    // The pool reads the convolution's output by default; naming it is not canonical.
    for (layer, source) in [
        (pool, Source::Layer(pool - 1)),
        (0, Source::Input),
        (pool, Source::Layer(pool)),
        (pool, Source::Layer(dense)),
        // The dense layer cannot read the convolution's image (it reads the pool's size).
        (dense, Source::Layer(0)),
    ] {
        let mut evil = honest.clone();
        evil.shape.layers[layer].source = Some(source);
        assert_ne!(evil.shape.description(), honest.shape.description());
        assert!(
            matches!(
                refused(&evil),
                Error::BlockShape {
                    block: "model architecture",
                    ..
                }
            ),
            "layer {layer} reading {source:?}"
        );
    }
}

/// A concatenation's operands, order and widths are part of the statement, and a shape the
/// block would not tie to the tensors it names is refused: another width changes the
/// description; the second order of a tensor with itself (the same function), widths that do
/// not lay out as the operands are, an operand that is not earlier, a different row count and
/// an activation on the concatenation are refused. A quantized-model file with overflowing
/// widths is an error, not a panic.
#[test]
fn concatenation_shapes_are_described_and_checked() {
    use zkmodel_prover::graph::quant::{QConcat, QLayer};
    let mut honest = cnn_accuracy();
    // conv(0) relu → pool(1) → conv(2) relu → pool(3) → dense: concatenate the second pool's
    // output with itself (same rows and channels) before the dense layer.
    let layers = &mut honest.shape.layers;
    let dense = layers.len() - 1;
    let pool = dense - 1;
    let (rows, c) = (layers[pool].rows, layers[pool].n);
    // Real widths may be below the padded ones; these fill them.
    let real = c;
    let q = QLayer::Concat(QConcat {
        name: "cat".into(),
        other: Some(pool),
        other_first: false,
        rows,
        widths: [real, real],
    });
    let zero = honest.shape.zero_model();
    let mut cat_model = zero.clone();
    cat_model.layers.insert(dense, q);
    let QLayer::Dense(d) = &mut cat_model.layers[dense + 1] else {
        panic!("the last layer is dense");
    };
    // The dense layer now reads 32 channels per position.
    d.k *= 2;
    d.weight = vec![0; d.k * d.n];
    let good = ModelArchitecture {
        shape: ModelShape::from(&cat_model),
        task: honest.task,
    };
    let text = Architecture::Model(good.clone()).to_file_string().unwrap();
    Architecture::from_file_str(&text).expect("a consistent concatenation loads");
    let at = dense;
    let set = |f: &dyn Fn(&mut LayerKind)| {
        let mut evil = good.clone();
        f(&mut evil.shape.layers[at].kind);
        evil
    };
    // Fewer real columns in the same layout: another statement, described apart.
    let narrower = set(&|k| {
        if let LayerKind::Concat { widths, .. } = k {
            widths[0] = real / 2 + 1;
        }
    });
    assert_ne!(narrower.shape.description(), good.shape.description());
    let check = |what: &str, evil: ModelArchitecture| {
        assert!(
            matches!(
                refused(&evil),
                Error::BlockShape {
                    block: "model architecture",
                    ..
                }
            ),
            "{what}"
        );
    };
    // The pool's output concatenated with itself has one order.
    check(
        "the other order of a tensor with itself",
        set(&|k| {
            if let LayerKind::Concat { other_first, .. } = k {
                *other_first = true;
            }
        }),
    );
    // The first convolution's output has more rows (a larger map).
    check(
        "operand of other rows",
        set(&|k| {
            if let LayerKind::Concat { other, .. } = k {
                *other = Some(0);
            }
        }),
    );
    check(
        "a later operand",
        set(&|k| {
            if let LayerKind::Concat { other, .. } = k {
                *other = Some(at);
            }
        }),
    );
    for widths in [
        [real, real + 1],
        [real / 2, real],
        [0, real],
        [usize::MAX, 2],
    ] {
        check(
            &format!("widths {widths:?}"),
            set(&|k| {
                if let LayerKind::Concat { widths: w, .. } = k {
                    *w = widths;
                }
            }),
        );
    }
    let mut relu = good.clone();
    relu.shape.layers[at].relu = true;
    check("relu", relu);
    let mut table = good.clone();
    table.shape.layers[at].table = Some(TableFn::Tanh);
    check("table", table);

    let mut hostile = cat_model.clone();
    if let QLayer::Concat(c) = &mut hostile.layers[dense] {
        c.widths = [usize::MAX, 2];
    }
    let text = hostile.to_file_string().unwrap();
    assert!(zkmodel_prover::graph::quant::QuantizedModel::from_file_str(&text).is_err());
}
