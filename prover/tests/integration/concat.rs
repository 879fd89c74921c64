//! Concatenations: the block on its own — honest claims are the tensors' true evaluations for
//! every shape (operand padding ignored, output padding zero); each message tampered is refused
//! with the error its check raises; adversaries that pick values after seeing the challenges
//! (a false output stated at its true concatenation value, final evaluations shifted along the
//! last check, a selector value compensated by an operand) pass the block only through a claim
//! the opening refutes, or are refused by the selector check.

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::concat::{
    ConcatClaims, ConcatProof, ConcatShape, prove_concat, verify_concat,
};
use zkmodel_prover::{Error, Fr};

/// Operands with junk in their padded columns, and their concatenation.
struct Case {
    shape: ConcatShape,
    a: Vec<i64>,
    b: Vec<i64>,
    y: Vec<i64>,
}

fn case(seed: u64, rows: usize, real: [usize; 2]) -> Case {
    let mut r = rng(seed);
    let width = real.map(usize::next_power_of_two);
    let out = (real[0] + real[1]).next_power_of_two();
    let mut operand =
        |w: usize| -> Vec<i64> { (0..rows * w).map(|_| r.gen_range(-50..50)).collect() };
    let (a, b) = (operand(width[0]), operand(width[1]));
    let mut y = vec![0i64; rows * out];
    for row in 0..rows {
        for c in 0..real[0] {
            y[row * out + c] = a[row * width[0] + c];
        }
        for c in 0..real[1] {
            y[row * out + real[0] + c] = b[row * width[1] + c];
        }
    }
    Case {
        shape: ConcatShape {
            rows,
            real,
            width,
            out,
        },
        a,
        b,
        y,
    }
}

fn prove(c: &Case, y: &[i64]) -> (ConcatProof<Fr>, ConcatClaims<Fr>) {
    let (a, b, y) = (field(&c.a), field(&c.b), field(y));
    prove_concat(c.shape, [&a, &b], &y, &mut transcript()).unwrap()
}

fn all_true(c: &Case, claims: &ConcatClaims<Fr>, y: &[i64]) -> bool {
    claims.output.value == true_eval(y, &claims.output.point)
        && claims.operands[0].value == true_eval(&c.a, &claims.operands[0].point)
        && claims.operands[1].value == true_eval(&c.b, &claims.operands[1].point)
}

const SHAPES: [[usize; 2]; 6] = [[3, 5], [4, 4], [1, 1], [6, 2], [2, 7], [10, 3]];

#[test]
fn honest_concatenations_leave_true_claims() {
    for (i, real) in SHAPES.into_iter().enumerate() {
        for rows in [1, 8] {
            let c = case(i as u64, rows, real);
            let (proof, claims) = prove(&c, &c.y);
            let verified = verify_concat(c.shape, &proof, &mut transcript()).unwrap();
            assert_eq!(verified, claims, "{real:?} × {rows}");
            assert!(all_true(&c, &claims, &c.y), "{real:?} × {rows}");
        }
    }
}

#[test]
fn tampered_messages_are_refused() {
    let c = case(10, 4, [3, 5]);
    let (proof, _) = prove(&c, &c.y);
    let verdict = |p: &ConcatProof<Fr>| verify_concat(c.shape, p, &mut transcript());
    let mut bad = proof.clone();
    bad.value += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal));
    for round in 0..proof.sumcheck.rounds.len() {
        for k in 0..proof.sumcheck.rounds[round].len() {
            let mut bad = proof.clone();
            bad.sumcheck.rounds[round][k] += Fr::ONE;
            assert_eq!(
                verdict(&bad),
                Err(Error::SumcheckFinal),
                "round {round}.{k}"
            );
        }
    }
    for k in 0..4 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][k] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "final {k}");
    }
    // Another statement (the operands' real widths swapped) draws other challenges.
    let other = ConcatShape {
        real: [5, 3],
        width: [8, 4],
        ..c.shape
    };
    assert!(matches!(
        verify_concat(other, &proof, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    let malformed = ConcatShape {
        real: [5, 5],
        ..c.shape
    };
    assert!(matches!(
        verify_concat(malformed, &proof, &mut transcript()),
        Err(Error::BlockShape { .. })
    ));
}

/// A false output (a real entry off by one, then a padded column nonzero): the prover sees ρ
/// and states the value the operands give there, so the block verifies — and the claim on the
/// output is false, which the opening refutes. Stating the false output's own value instead
/// fails the sumcheck.
#[test]
fn an_adaptive_forger_of_the_output_leaves_a_false_output_claim() {
    let c = case(11, 4, [3, 4]);
    for at in [2usize, 8 + 1, 3 * 8 + 7] {
        let mut y = c.y.clone();
        y[at] += 1;
        // The honest run on the true output states the operands' value at ρ (ρ depends on the
        // statement only).
        let (forged, claims) = prove(&c, &c.y);
        let verified = verify_concat(c.shape, &forged, &mut transcript()).unwrap();
        assert_eq!(verified, claims);
        assert_ne!(
            claims.output.value,
            true_eval(&y, &claims.output.point),
            "at {at}"
        );
        let (stated, _) = prove(&c, &y);
        assert_eq!(
            verify_concat(c.shape, &stated, &mut transcript()),
            Err(Error::SumcheckFinal)
        );
    }
}

/// After the last round the prover knows σ and the selectors; it shifts A_ρ(σ) by δ and
/// B_ρ(σ) by −δ·w_A/w_B, keeping the final check: the block verifies, the operand claims are
/// false (the opening refutes them). Shifting a selector instead, compensated through an
/// operand, is refused by the verifier's own selector evaluation.
#[test]
fn final_values_solved_after_the_last_challenge_are_false_claims_or_refused() {
    let c = case(12, 8, [6, 2]);
    let (proof, _) = prove(&c, &c.y);
    let [wa, a, wb, b] = <[Fr; 4]>::try_from(proof.sumcheck.final_evals[0].clone()).unwrap();
    let delta = Fr::from(7u64);
    let mut shifted = proof.clone();
    shifted.sumcheck.final_evals[0] = vec![wa, a + delta, wb, b - delta * wa / wb];
    let claims = verify_concat(c.shape, &shifted, &mut transcript()).unwrap();
    assert!(!all_true(&c, &claims, &c.y));
    assert_ne!(
        claims.operands[0].value,
        true_eval(&c.a, &claims.operands[0].point)
    );

    let mut selector = proof.clone();
    selector.sumcheck.final_evals[0] = vec![wa + delta, a, wb, b - delta * a / wb];
    assert!(matches!(
        verify_concat(c.shape, &selector, &mut transcript()),
        Err(Error::SuccinctEvaluation { .. })
    ));
}

// Whole statements.

use crate::common::prove_trace;
use crate::residual_topologies::{dense, finish, inputs, node};
use zkmodel_prover::graph::quant::{
    CalibrationOptions, InputShape, QConcat, QLayer, QuantizedModel, calibrate,
};
use zkmodel_prover::graph::{Model, Op, Tensor};
use zkmodel_prover::proof::model::{ModelShape, Visibility};

/// A tensor of uniform values in (−bound, bound).
fn random(r: &mut impl Rng, shape: Vec<usize>, bound: f32) -> Tensor {
    let n = shape.iter().product();
    Tensor::new(shape, (0..n).map(|_| r.gen_range(-bound..bound)).collect()).unwrap()
}

fn max_pool_2x2() -> Op {
    Op::MaxPool2d {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
    }
}

/// A 3×3 convolution with "same" padding.
fn conv_same(weight: Tensor, bias: Tensor) -> Op {
    Op::Conv2d {
        weight,
        bias,
        stride: [1, 1],
        pads: [1, 1, 1, 1],
    }
}

fn gemm(weight: Tensor, bias: Tensor) -> Op {
    Op::Dense {
        weight,
        bias: Some(bias),
    }
}

fn concat(name: &str, other: Option<usize>, other_first: bool, widths: [usize; 2]) -> QLayer {
    QLayer::Concat(QConcat {
        name: name.into(),
        other,
        other_first,
        rows: 1,
        widths,
    })
}

/// A two-tower MLP: relu(d1(x)) (4 of 4 columns) and relu(d2(·)) (3 of 4) concatenated into 7
/// of 8 columns, then that with the input in front (6 + 7 of 16), then the head.
fn two_towers(r: &mut impl Rng) -> QuantizedModel {
    let layers = vec![
        dense(r, "d1", 8, 4, 4, true),
        dense(r, "d2", 4, 4, 3, true),
        concat("cat", Some(0), false, [3, 4]),
        concat("wide", None, true, [6, 7]),
        dense(r, "head", 16, 4, 3, false),
    ];
    finish(layers, InputShape::Flat { features: 6 }, 3)
}

#[test]
fn flat_concatenations_prove_what_forward_computes() {
    let mut r = rng(20);
    let q = two_towers(&mut r);
    let x = inputs(&mut r, &q, 4);
    let trace = q.forward(4, x.clone()).unwrap();
    // Row by row: d2's 3 real columns, d1's 4, a zero; then the input's 6, those 7, zeros.
    let (d1, d2) = (&trace.layers[0].pos, &trace.layers[1].pos);
    for row in 0..4 {
        let mut cat: Vec<i64> = d2[row * 4..row * 4 + 3].to_vec();
        cat.extend_from_slice(&d1[row * 4..row * 4 + 4]);
        cat.push(0);
        assert_eq!(
            trace.layers[2].y[row * 8..row * 8 + 8],
            cat[..],
            "row {row}"
        );
        let mut wide: Vec<i64> = x[row * 8..row * 8 + 6].to_vec();
        wide.extend_from_slice(&cat[..7]);
        wide.resize(16, 0);
        assert_eq!(
            trace.layers[3].y[row * 16..row * 16 + 16],
            wide[..],
            "row {row}"
        );
    }
    for (i, o) in [
        (Visibility::Public, Visibility::Public),
        (Visibility::Committed, Visibility::Public),
        (Visibility::Public, Visibility::Committed),
    ] {
        prove_trace(&q, &trace, 4, i, o).unwrap();
    }
}

/// A dishonest prover: the concatenation's output is off by one (a real entry, then the padded
/// column) and the head is recomputed from the false value, so only the concatenation is
/// false. The prover's algorithm states the false output's value at ρ, which the operands'
/// sumcheck refuses (stating the operands' value instead leaves a false claim on the output:
/// `an_adaptive_forger_of_the_output_leaves_a_false_output_claim`).
#[test]
fn a_false_concatenation_with_a_consistent_tail_is_refused() {
    let mut r = rng(21);
    let layers = vec![
        dense(&mut r, "d1", 8, 4, 4, true),
        dense(&mut r, "d2", 4, 4, 3, true),
        concat("cat", Some(0), false, [3, 4]),
        dense(&mut r, "head", 8, 4, 3, false),
    ];
    let q = finish(layers, InputShape::Flat { features: 6 }, 3);
    let x = inputs(&mut r, &q, 4);
    let honest = q.forward(4, x).unwrap();
    prove_trace(&q, &honest, 4, Visibility::Public, Visibility::Public).unwrap();
    let head = QuantizedModel {
        input: InputShape::Flat { features: 8 },
        layers: vec![q.layers[3].clone()],
        ..q.clone()
    };
    for at in [1usize, 7, 8 + 4] {
        let mut y = honest.layers[2].y.clone();
        y[at] += 9;
        let mut forged = honest.clone();
        forged.layers[3] = head.forward(4, y.clone()).unwrap().layers.remove(0);
        forged.layers[2].y = y;
        assert_ne!(forged.logits(), honest.logits(), "at {at}");
        let verdict = prove_trace(&q, &forged, 4, Visibility::Public, Visibility::Public);
        assert_eq!(
            verdict,
            Err(Error::SumcheckFinal),
            "false concatenation at {at}"
        );
    }
}

/// An image graph as an exporter writes it: two convolution branches on a 6×6 map (laid out
/// over 8×8), concatenated along channels with the first branch behind the second, a max pool,
/// Flatten, Gemm: it imports, calibrates close to float and proves.
#[test]
fn concatenated_image_branches_calibrate_and_prove() {
    let mut r = rng(22);
    let mut t = |shape: Vec<usize>| random(&mut r, shape, 0.5);
    // values: 0 x, 1 a, 2 relu a, 3 b, 4 relu b, 5 cat, 6 pool, 7 flat, 8 logits
    let model = Model {
        value_names: (0..9).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(1), Some(6), Some(6)],
        nodes: vec![
            node("a", conv_same(t(vec![3, 1, 3, 3]), t(vec![3])), &[0], 1),
            node("relu_a", Op::Relu, &[1], 2),
            node("b", conv_same(t(vec![2, 3, 3, 3]), t(vec![2])), &[2], 3),
            node("relu_b", Op::Relu, &[3], 4),
            node("cat", Op::Concat { axis: 1 }, &[4, 2], 5),
            node("pool", max_pool_2x2(), &[5], 6),
            node("flat", Op::Flatten { axis: 1 }, &[6], 7),
            node("head", gemm(t(vec![45, 3]), t(vec![3])), &[7], 8),
        ],
        output: 8,
        label_head: None,
    };
    let x = random(&mut rng(23), vec![16, 1, 6, 6], 1.0);
    let (q, report) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
    assert!(report.argmax_agreement >= 0.9, "{report}");
    let QLayer::Concat(cat) = &q.layers[2] else {
        panic!("layer 2 is {:?}", q.layers[2]);
    };
    assert_eq!(
        (cat.other, cat.other_first, cat.widths),
        (Some(0), false, [2, 3])
    );
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    prove_trace(&q, &trace, 16, Visibility::Committed, Visibility::Public).unwrap();
    // Key generation proves a zero model of the shape: it must have exactly this shape.
    let shape = ModelShape::from(&q);
    assert_eq!(ModelShape::from(&shape.zero_model()), shape);

    // What zkmodel does not prove is refused naming the node: an activation after the
    // concatenation, and a concatenation of flattened images.
    let mut relu_after = model.clone();
    relu_after
        .nodes
        .insert(5, node("relu_cat", Op::Relu, &[5], 9));
    relu_after.value_names.push("v9".into());
    relu_after.nodes[6].inputs = vec![9];
    match QuantizedModel::quantize(&relu_after, 4, 12) {
        Err(Error::Unprovable { node, reason, .. }) => {
            assert_eq!(node, "relu_cat");
            assert!(reason.contains("before the Concat"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let mut flat_cat = model.clone();
    flat_cat.nodes[4] = node("cat", Op::Flatten { axis: 1 }, &[4], 5);
    flat_cat.value_names.extend(["v9".into(), "v10".into()]);
    flat_cat
        .nodes
        .insert(5, node("flat_a", Op::Flatten { axis: 1 }, &[2], 9));
    flat_cat
        .nodes
        .insert(6, node("cat_flat", Op::Concat { axis: 1 }, &[5, 9], 10));
    flat_cat.nodes.truncate(7);
    flat_cat.output = 10;
    match QuantizedModel::quantize(&flat_cat, 4, 12) {
        Err(Error::Unprovable { node, reason, .. }) => {
            assert_eq!(node, "cat_flat");
            assert!(reason.contains("before Flatten"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// From the review of the concatenation: a Reshape of feature rows before a Concat would have
/// let the proof certify [d1 | d2] while ONNX interleaves the reshaped rows — feature rows
/// now stay [batch, features]; and a ReLU after Concat → MaxPool is proven after the pool (as
/// its table max(x, 0)) instead of being moved onto the concatenation, which takes none.
#[test]
fn reshaped_rows_are_refused_and_a_relu_after_a_pooled_concatenation_proves() {
    let mut r = rng(24);
    let mut t = |shape: Vec<usize>| random(&mut r, shape, 0.5);
    // values: 0 x, 1 d1, 2 d2, 3 r1, 4 r2, 5 cat, 6 back, 7 logits
    let model = Model {
        value_names: (0..8).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(4)],
        nodes: vec![
            node("d1", gemm(t(vec![4, 4]), t(vec![4])), &[0], 1),
            node("d2", gemm(t(vec![4, 4]), t(vec![4])), &[0], 2),
            node("r1", Op::Reshape { shape: vec![-1, 2] }, &[1], 3),
            node("r2", Op::Reshape { shape: vec![-1, 2] }, &[2], 4),
            node("cat", Op::Concat { axis: 1 }, &[3, 4], 5),
            node("back", Op::Reshape { shape: vec![-1, 8] }, &[5], 6),
            node("head", gemm(t(vec![8, 2]), t(vec![2])), &[6], 7),
        ],
        output: 7,
        label_head: None,
    };
    match QuantizedModel::quantize(&model, 4, 12) {
        Err(Error::Unprovable { node, reason, .. }) => {
            assert_eq!(node, "r1");
            assert!(reason.contains("[batch, 4]"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // Reshapes that keep the rows are the identity.
    let mut kept = model.clone();
    kept.nodes[2].op = Op::Reshape { shape: vec![0, -1] };
    kept.nodes[3].op = Op::Reshape { shape: vec![-1, 4] };
    kept.nodes[4].inputs = vec![3, 4];
    QuantizedModel::quantize(&kept, 4, 12).unwrap();

    // Concat → MaxPool → Relu on images.
    // values: 0 x, 1 a, 2 b, 3 cat, 4 pool, 5 relu, 6 flat, 7 logits
    let images = Model {
        value_names: (0..8).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape: vec![None, Some(1), Some(4), Some(4)],
        nodes: vec![
            node("a", conv_same(t(vec![2, 1, 3, 3]), t(vec![2])), &[0], 1),
            node("b", conv_same(t(vec![3, 1, 3, 3]), t(vec![3])), &[0], 2),
            node("cat", Op::Concat { axis: 1 }, &[1, 2], 3),
            node("pool", max_pool_2x2(), &[3], 4),
            node("relu", Op::Relu, &[4], 5),
            node("flat", Op::Flatten { axis: 1 }, &[5], 6),
            node("head", gemm(t(vec![20, 2]), t(vec![2])), &[6], 7),
        ],
        output: 7,
        label_head: None,
    };
    let x = random(&mut rng(25), vec![8, 1, 4, 4], 1.0);
    let (q, report) = calibrate(&images, &x, CalibrationOptions::default()).unwrap();
    assert!(report.argmax_agreement >= 0.85, "{report}");
    let QLayer::MaxPool(pool) = &q.layers[3] else {
        panic!("layer 3 is {:?}", q.layers[3]);
    };
    assert!(pool.table.is_some(), "the ReLU stays after the pool");
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input).unwrap();
    prove_trace(&q, &trace, 8, Visibility::Committed, Visibility::Public).unwrap();
}
