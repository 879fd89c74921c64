#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! Average pools beyond the 2×2 one, as whole statements on the digits CNN: a padded 3×3,
//! stride-2 window (PyTorch's `count_include_pad = True`: padding counts as zeros in the
//! divisor) and a global average pool over the 8×8 map, whose 64-tap remainder is checked in
//! the b-bit table (it exceeds 2^s). Each quantizes to the float model's predictions, proves
//! and verifies, and refuses a tampered pool value.

use crate::common::digits;

use crate::common;

use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QLayer, calibrate};
use zkmodel_prover::graph::{Model, Op, Tensor};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    LayerProof, ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data,
    commit_model, prove, verify,
};
use zkmodel_prover::{Error, Fr};

/// Calibrates `model`, checks its quantized predictions against float on 16 test images,
/// proves inference on 4 (committed input, public logits), verifies, and tampers each window
/// average pool's stated output value. Returns the quantized model's window pools' tap counts
/// and its scale exponent.
fn prove_and_tamper(model: &Model) -> (Vec<usize>, u32) {
    let data = Dataset::load(&digits("dataset.json")).unwrap();
    let shaped = |x: Tensor| x.with_batch_shape(&model.input_shape).unwrap();
    let calib = shaped(data.batch(&data.train[..256]).unwrap().0);
    let (q, _) = calibrate(model, &calib, CalibrationOptions::default()).unwrap();
    let taps: Vec<usize> = q
        .layers
        .iter()
        .filter_map(|l| match l {
            QLayer::AvgPoolWindow(p) => Some(p.geometry.kh * p.geometry.kw),
            _ => None,
        })
        .collect();

    let xt = shaped(data.batch(&data.test[..16]).unwrap().0);
    let float = model.eval(&xt).unwrap().argmax_rows();
    let (m, input) = q.quantize_input(&xt).unwrap();
    let predicted = q.predictions(&q.forward(m, input).unwrap(), 16);
    let agree = predicted.iter().zip(&float).filter(|(a, b)| a == b).count();
    assert!(agree >= 15, "quantized agrees with float on {agree} of 16");

    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 4,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(3, len);
    let mut rng = common::rng(4);
    let x = shaped(data.batch(&data.test[..4]).unwrap().0);
    let (m, input) = q.quantize_input(&x).unwrap();
    let trace = q.forward(m, input.clone()).unwrap();
    let committed = commit_model(&srs, &arch, &q, &mut rng).unwrap();
    let d = commit_data(&srs, &arch, &input, None, None, &mut rng).unwrap();
    let w = ModelWitness {
        model: &q,
        committed_model: &committed,
        data: Some(&d),
        trace: &trace,
        labels: None,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut rng).unwrap();
    let check = |p: &zkmodel_prover::proof::model::ModelProof| {
        verify(
            &srs,
            &arch,
            committed.commitment,
            Some(d.commitment),
            &public,
            p,
        )
    };
    check(&proof).unwrap();
    for (i, l) in proof.body.layers.iter().enumerate() {
        if let LayerProof::AvgPoolWindow { .. } = l {
            let mut bad = proof.clone();
            let LayerProof::AvgPoolWindow { pool, .. } = &mut bad.body.layers[i] else {
                unreachable!()
            };
            pool.values[0] += Fr::ONE;
            // The stated output moves the gather's claim: its sumcheck no longer fits.
            assert_eq!(check(&bad), Err(Error::SumcheckFinal), "layer {i}");
        }
    }
    (taps, q.scale)
}

#[test]
fn a_padded_three_by_three_average_pool_proves() {
    let mut model = import_path(&digits("cnn.onnx")).unwrap();
    for node in model
        .nodes
        .iter_mut()
        .filter(|n| matches!(n.op, Op::AvgPool2d { .. }))
    {
        node.op = Op::AvgPool2d {
            kernel: [3, 3],
            stride: [2, 2],
            pads: [1; 4],
        };
    }
    assert_eq!(prove_and_tamper(&model).0, vec![9]);
}

/// The CNN with a global average pool over its 8×8 convolution output for its 2×2 pool, then
/// a dense head from the channels (random weights: the statement, not the accuracy, is under
/// test).
#[test]
fn a_global_average_pool_over_sixty_four_taps_proves() {
    let mut model = import_path(&digits("cnn.onnx")).unwrap();
    let channels = model
        .nodes
        .iter()
        .find_map(|n| match &n.op {
            Op::Conv2d { weight, .. } => Some(weight.shape[0]),
            _ => None,
        })
        .unwrap();
    let pool = model
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::AvgPool2d { .. }))
        .unwrap();
    model.nodes[pool].op = Op::GlobalAvgPool;
    let mut r = common::rng(5);
    let head = model
        .nodes
        .iter_mut()
        .find(|n| matches!(n.op, Op::Dense { .. }))
        .unwrap();
    head.op = Op::Dense {
        weight: Tensor::new(
            vec![channels, 10],
            (0..channels * 10).map(|_| r.gen_range(-1.0..1.0)).collect(),
        )
        .unwrap(),
        bias: None,
    };
    let (taps, scale) = prove_and_tamper(&model);
    assert_eq!(taps, vec![64]);
    assert!(64 > 1 << scale, "the remainder goes to the b-bit table");
}
