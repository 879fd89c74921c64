#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Residual sums: the block on its own (honest claims are the tensors' true evaluations; a
//! false sum survives the block only through a claim the opening refutes, even when the
//! adversary picks its values after seeing the point; a ReLU split with both parts nonzero
//! fails the zerocheck), and the residual MLP fixture as a whole statement (proves, verifies,
//! every residual message tampered is refused, another skip connection is another
//! architecture).

use crate::common::{field, pytorch, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::residual::{
    ResidualClaims, ResidualShape, ResidualWitness, prove_residual, verify_residual,
};
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QLayer, calibrate};
use zkmodel_prover::graph::{Model, Tensor};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    LayerKind, LayerProof, ModelArchitecture, ModelProof, ModelShape, ModelWitness, Task,
    Visibility, commit_data, commit_model, prove, verify,
};
use zkmodel_prover::{Error, Fr};

const LEN: usize = 64;

/// Random signed operands, their sum, and its ReLU parts.
struct Case {
    a: Vec<i64>,
    b: Vec<i64>,
    y: Vec<i64>,
    pos: Vec<i64>,
    neg: Vec<i64>,
}

fn case(seed: u64) -> Case {
    let mut r = rng(seed);
    let a: Vec<i64> = (0..LEN).map(|_| r.gen_range(-100..100)).collect();
    let b: Vec<i64> = (0..LEN).map(|_| r.gen_range(-100..100)).collect();
    let y: Vec<i64> = a.iter().zip(&b).map(|(x, z)| x + z).collect();
    Case {
        pos: y.iter().map(|v| (*v).max(0)).collect(),
        neg: y.iter().map(|v| (-*v).max(0)).collect(),
        a,
        b,
        y,
    }
}

fn run(relu: bool, a: &[i64], b: &[i64], outs: &[&[i64]]) -> ResidualClaims<Fr> {
    let shape = ResidualShape { len: LEN, relu };
    let (a, b) = (field(a), field(b));
    let outs: Vec<Vec<Fr>> = outs.iter().map(|o| field(o)).collect();
    let w = ResidualWitness {
        main: &a,
        skip: &b,
        outputs: outs.iter().map(Vec::as_slice).collect(),
    };
    let (proof, claims) = prove_residual(shape, &w, &mut transcript()).unwrap();
    let verified = verify_residual(shape, &proof, &mut transcript()).unwrap();
    assert_eq!(verified, claims);
    claims
}

/// Whether every claim is the true evaluation of its tensor.
fn all_true(c: &ResidualClaims<Fr>, a: &[i64], b: &[i64], outs: &[&[i64]]) -> bool {
    c.main.value == true_eval(a, &c.main.point)
        && c.skip.value == true_eval(b, &c.skip.point)
        && c.outputs
            .iter()
            .zip(outs.iter().cycle())
            .all(|(o, t)| o.value == true_eval(t, &o.point))
}

#[test]
fn honest_sums_leave_true_claims() {
    let c = case(1);
    let claims = run(false, &c.a, &c.b, &[&c.y]);
    assert_eq!(claims.outputs.len(), 1);
    assert!(all_true(&claims, &c.a, &c.b, &[&c.y]));
    let claims = run(true, &c.a, &c.b, &[&c.pos, &c.neg]);
    assert_eq!(claims.outputs.len(), 4);
    assert!(all_true(&claims, &c.a, &c.b, &[&c.pos, &c.neg]));
}

/// A prover with a false sum sees ρ (it depends on the statement only) and states values
/// solving for the output claim the verifier derives; the claim on an operand is then false.
#[test]
fn an_adaptive_forger_of_the_sum_leaves_a_false_operand_claim() {
    let c = case(2);
    let mut y = c.y.clone();
    y[17] += 1;
    let shape = ResidualShape {
        len: LEN,
        relu: false,
    };
    let rho = {
        // The honest run shows the point the verifier draws for this statement.
        let claims = run(false, &c.a, &c.b, &[&c.y]);
        claims.main.point
    };
    let a = true_eval(&c.a, &rho);
    let forged = zkmodel_prover::blocks::residual::ResidualProof {
        values: vec![a, true_eval(&y, &rho) - a],
        zerocheck: None,
    };
    let claims = verify_residual(shape, &forged, &mut transcript()).unwrap();
    assert_eq!(claims.outputs[0].value, true_eval(&y, &rho));
    assert_ne!(claims.skip.value, true_eval(&c.b, &claims.skip.point));
    // The same with the ReLU split: Pos and Neg of a false sum, the Pos value solved for.
    let mut pos = c.pos.clone();
    pos[3] += 1;
    let claims = run(true, &c.a, &c.b, &[&pos, &c.neg]);
    assert!(!all_true(&claims, &c.a, &c.b, &[&pos, &c.neg]));
    assert_ne!(
        claims.outputs[1].value,
        true_eval(&c.neg, &claims.outputs[1].point)
    );
}

/// Pos = Y + δ and Neg = δ satisfy Pos − Neg = A + B; the zerocheck refuses the overlap.
#[test]
fn a_relu_split_with_both_parts_nonzero_fails_the_zerocheck() {
    let c = case(3);
    let pos: Vec<i64> = c.pos.iter().map(|p| p + 5).collect();
    let neg: Vec<i64> = c.neg.iter().map(|n| n + 5).collect();
    let shape = ResidualShape {
        len: LEN,
        relu: true,
    };
    let (a, b, p, n) = (field(&c.a), field(&c.b), field(&pos), field(&neg));
    let w = ResidualWitness {
        main: &a,
        skip: &b,
        outputs: vec![&p, &n],
    };
    let (proof, _) = prove_residual(shape, &w, &mut transcript()).unwrap();
    assert_eq!(
        verify_residual(shape, &proof, &mut transcript()),
        Err(Error::SumcheckFinal)
    );
}

fn rows(model: &Model, file: &str, take: usize) -> Tensor {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pytorch(file)).unwrap()).unwrap();
    let data: Vec<f32> = v["input_data"]
        .as_array()
        .unwrap()
        .iter()
        .take(take)
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect::<Vec<_>>()
        })
        .collect();
    let per: usize = model
        .input_shape
        .iter()
        .skip(1)
        .map(|d| d.unwrap())
        .product();
    let batch = data.len() / per;
    let mut shape = vec![batch];
    shape.extend(model.input_shape.iter().skip(1).map(|d| d.unwrap()));
    Tensor::new(shape, data).unwrap()
}

/// The residual MLP fixture (stem → block → Add of the block's output and the stem's ReLU →
/// ReLU → head) as an inference statement with a committed input and public logits.
#[test]
fn residual_mlp_statement_proves_and_every_residual_message_is_bound() {
    let model = import_path(&pytorch("resmlp.onnx")).unwrap();
    let calib = rows(&model, "resmlp.calibration.json", usize::MAX);
    let (q, _) = calibrate(&model, &calib, CalibrationOptions::default()).unwrap();
    let add = q
        .layers
        .iter()
        .position(|l| matches!(l, QLayer::Add(_)))
        .expect("the fixture has a residual sum");
    let QLayer::Add(sum) = &q.layers[add] else {
        unreachable!()
    };
    assert_eq!(sum.skip, Some(0), "the skip adds the stem's output");
    assert!(sum.relu);

    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 8,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(11, len);
    let mut r = rng(12);
    let x = rows(&model, "resmlp.test.json", 8);
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let committed = commit_model(&srs, &arch, &q, &mut r).unwrap();
    let data = commit_data(&srs, &arch, &input, None, None, &mut r).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &committed,
        data: Some(&data),
        trace: &trace,
        labels: None,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut r).unwrap();
    let check = |arch: &ModelArchitecture, proof: &ModelProof| {
        verify(
            &srs,
            arch,
            committed.commitment,
            Some(data.commitment),
            &public,
            proof,
        )
    };
    check(&arch, &proof).unwrap();
    // The public logits are the quantized forward pass's.
    let width = q.output_width();
    let logits: Vec<Fr> = trace
        .logits()
        .chunks(width)
        .take(8)
        .flat_map(|row| field(&row[..q.classes()]))
        .collect();
    assert_eq!(public.logits.as_deref(), Some(logits.as_slice()));

    // Each stated value is absorbed before the ReLU zerocheck's challenges: changing one moves
    // them, and the zerocheck's messages no longer fit (the block test above shows the
    // opening refuting an adaptively chosen value).
    for i in 0..3 {
        let mut bad = proof.clone();
        let LayerProof::Residual(p) = &mut bad.body.layers[add] else {
            panic!("layer {add} is the residual sum")
        };
        p.values[i] += Fr::ONE;
        assert_eq!(check(&arch, &bad), Err(Error::SumcheckFinal), "value {i}");
    }
    let mut bad = proof.clone();
    let LayerProof::Residual(p) = &mut bad.body.layers[add] else {
        unreachable!()
    };
    p.zerocheck.as_mut().unwrap().rounds[1][0] += Fr::ONE;
    assert_eq!(check(&arch, &bad), Err(Error::SumcheckFinal));
    // A proof without the zerocheck is malformed for a ReLU sum.
    let mut bad = proof.clone();
    let LayerProof::Residual(p) = &mut bad.body.layers[add] else {
        unreachable!()
    };
    p.zerocheck = None;
    assert!(matches!(
        check(&arch, &bad),
        Err(Error::ProofShape {
            what: "residual ReLU zerocheck",
            ..
        })
    ));
    // Another skip source (the input has another width; the first block layer's output
    // has this one) is another architecture: the proof does not verify under it.
    let mut other = arch.clone();
    other.shape.layers[add].kind = LayerKind::Add { skip: Some(1) };
    assert!(matches!(
        check(&other, &proof),
        Err(Error::SumcheckFinal | Error::Opening { .. })
    ));
    let mut other = arch.clone();
    other.shape.layers[add].kind = LayerKind::Add { skip: None };
    assert!(matches!(
        check(&other, &proof),
        Err(Error::BlockShape {
            block: "model architecture",
            ..
        })
    ));
}
