#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Forgeries that satisfy every check but one: each test builds the attack, shows a verifier
//! without that check accepts it (so the test would catch the check's removal), and asserts
//! the current verifier rejects it with the typed error. (The opening's adaptive forgeries —
//! values chosen after r*, α, ζ — live in `split_opening.rs`.)

use crate::common::{random_vec, rng};
use ark_bn254::{Fr, G1Affine};
use ark_ff::Field;
use std::path::PathBuf;
use zkmodel_prover::Error;
use zkmodel_prover::adversary::{forge_model_statement, forge_opening, group_check_without_fold};
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QLayer, calibrate};
use zkmodel_prover::pcs::chain::{split_pairing_challenge, statement_seed};
use zkmodel_prover::pcs::{
    OpeningClaim, SplitSeeds, Srs, commit, verify_split_field, verify_split_group,
    verify_split_opening,
};
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_model, verify,
};
use zkmodel_prover::transcript::{NativeTranscript, labels};

fn seeded(s0: Fr) -> NativeTranscript {
    let mut t = NativeTranscript::new_native();
    t.absorb(labels::SEED, &[s0]).unwrap();
    t
}

/// The bare opening: claims true for a substitute of the committed model vector (so false for
/// the committed one) and arbitrary claims on a trace committed at infinity, opened honestly
/// on the substitutes. The field part (what the circuit proves) and both KZG evaluations hold;
/// only the fold equation ties the opening to the commitments.
#[test]
fn a_substituted_vector_passes_the_field_part_and_fails_the_fold() {
    let srs = Srs::insecure_development(3, 64);
    let mut r = rng(77);
    let model = random_vec(&mut r, 32);
    let substitute = random_vec(&mut r, 32);
    let trace = random_vec(&mut r, 16);
    let commitments = [commit(&srs, &model).unwrap(), G1Affine::identity()];
    let vars = [5usize, 4];
    let mut claims = Vec::new();
    for _ in 0..3 {
        let point = random_vec(&mut r, 5);
        let value = DenseMle::new(substitute.clone())
            .unwrap()
            .evaluate(&point)
            .unwrap();
        claims.push(OpeningClaim::evaluation(0, point, value));
    }
    let point = random_vec(&mut r, 4);
    let value = DenseMle::new(trace.clone())
        .unwrap()
        .evaluate(&point)
        .unwrap();
    claims.push(OpeningClaim::evaluation(1, point, value));
    let s0 = statement_seed(&[9u8; 32], &commitments, &[]);
    let proof = forge_opening(&srs, &[&substitute, &trace], &claims, &mut seeded(s0)).unwrap();

    let seeds = SplitSeeds::of(s0, &proof);
    let out = verify_split_field(
        &vars,
        &claims,
        &proof.field,
        &seeds.d1,
        &seeds.d2,
        &mut seeded(s0),
    )
    .unwrap();
    assert!(group_check_without_fold(&srs, proof.points(), &seeds, &out));
    let pairing = Error::Opening {
        what: "pairing check",
    };
    assert_eq!(
        verify_split_group(&srs, &commitments, proof.points(), &seeds, &out).unwrap_err(),
        pairing
    );
    assert_eq!(
        verify_split_opening(
            &srs,
            &s0,
            &commitments,
            &vars,
            &claims,
            &proof,
            &mut seeded(s0)
        )
        .unwrap_err(),
        pairing
    );
    // u moves with every value the pairing combines: none can be solved for after reading it.
    let u = split_pairing_challenge(&s0, &seeds.d1, &seeds.d2, &out, &proof.w_zeta, &proof.w_inv);
    type Pick = fn(&mut zkmodel_prover::pcs::SplitOutputs<Fr>) -> &mut Fr;
    let picks: [(&str, Pick); 7] = [
        ("β", |o| &mut o.beta),
        ("α", |o| &mut o.alpha),
        ("ζ", |o| &mut o.zeta),
        ("ζ⁻¹", |o| &mut o.zeta_inv),
        ("γ", |o| &mut o.gamma),
        ("y_ζ", |o| &mut o.y_zeta),
        ("y_ι", |o| &mut o.y_inv),
    ];
    for (name, pick) in picks {
        let mut moved = out.clone();
        *pick(&mut moved) += Fr::ONE;
        let v = split_pairing_challenge(
            &s0,
            &seeds.d1,
            &seeds.d2,
            &moved,
            &proof.w_zeta,
            &proof.w_inv,
        );
        assert_ne!(u, v, "u binds {name}");
    }
}

/// The whole-statement forgery: public logits that the registered model does not compute.
/// Every block message is honest for other weights (the last layer's bias moved), and the
/// opening opens those weights' vector in place of the registered one.
#[test]
fn forged_logits_for_a_registered_model_are_rejected() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits");
    let data = Dataset::load(&dir.join("dataset.json")).unwrap();
    let onnx = import_path(&dir.join("mlp.onnx")).unwrap();
    let (calib, _) = data.batch(&data.train[..128]).unwrap();
    let (q, _) = calibrate(&onnx, &calib, CalibrationOptions::default()).unwrap();
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 1,
            input: Visibility::Public,
            output: Visibility::Public,
        },
    };
    let srs = Srs::insecure_development(5, 1 << 15);
    let mut r = rng(79);
    let real = commit_model(&srs, &arch, &q, &mut r).unwrap();

    // The adversary's weights: the last layer's bias for class 0 raised by 40 units.
    let mut fake_q = q.clone();
    let Some(QLayer::Dense(last)) = fake_q.layers.last_mut() else {
        panic!("the MLP ends in a dense layer")
    };
    last.bias[0] += 40 << q.scale;
    let fake_model = commit_model(&srs, &arch, &fake_q, &mut r).unwrap();
    let (x, _) = data.batch(&data.test[..1]).unwrap();
    let (m, input) = q.quantize_input(&x).unwrap();
    let honest = q.forward(m, input.clone()).unwrap();
    let fake_trace = fake_q.forward(m, input).unwrap();
    assert_ne!(
        honest.logits(),
        fake_trace.logits(),
        "the forged logits differ"
    );
    let fake = ModelWitness {
        model: &fake_q,
        committed_model: &fake_model,
        data: None,
        trace: &fake_trace,
        labels: None,
    };
    let forged = forge_model_statement(&srs, &arch, real.commitment, &fake, &mut r).unwrap();
    assert_eq!(forged.commitments.model, real.commitment);

    let c = &forged.commitments;
    let (seeds, out) = forged
        .proof
        .claim(c.model, c.data, &forged.public)
        .native_field_part(&arch, &srs)
        .unwrap();
    assert!(
        group_check_without_fold(&srs, forged.proof.opening.points(), &seeds, &out),
        "a verifier without the fold equation accepts forged logits"
    );
    assert_eq!(
        verify(
            &srs,
            &arch,
            real.commitment,
            None,
            &forged.public,
            &forged.proof
        )
        .unwrap_err(),
        Error::Opening {
            what: "pairing check"
        }
    );
}

/// Soundness issue §2: the training softmax splits a logit gap into four 4-bit chunks and
/// looks each up in one combined table at offset 16k. An adversary splits a gap of 256 at
/// s = 8 as (0, 16, 0, 0) instead of (0, 0, 1, 0): chunk 1 = 16 reads entry 32, chunk 2's
/// e⁰ = 2^s, instead of e⁻¹. The pair lookup alone accepts that; the per-chunk range columns
/// the training plan now adds (d and d + 2^s − 16 in [0, 2^s)) reject it, even with the
/// multiplicities an adversary picks after seeing the columns.
#[test]
fn a_softmax_chunk_cannot_read_a_neighbours_entries() {
    use zkmodel_prover::field::encoding::{from_i128, to_u64};
    use zkmodel_prover::lookup::{
        ColumnShape, LookupColumn, LookupStatement, Table, exp_chunk, prove_columns, prove_given,
        verify as verify_lookup,
    };
    let scale = 8u32;
    let pairs = Table::ExpChunks { chunks: 4, scale };
    let mut d: Vec<Fr> = (0..16u64).map(Fr::from).collect();
    let mut e: Vec<Fr> = (0..16i64)
        .map(|v| from_i128(i128::from(exp_chunk(1, v, scale))))
        .collect();
    d[5] = Fr::from(16u64);
    e[5] = from_i128(i128::from(exp_chunk(2, 0, scale)));
    assert_eq!(
        e[5],
        Fr::from(1u64 << scale),
        "e⁰ read through chunk 2's entry"
    );

    // The gap: the pair lookup alone proves and verifies.
    let cols = [LookupColumn {
        name: "chunk1",
        values: &d,
        offset: 16,
        second: Some(&e),
    }];
    let proven = prove_columns(pairs, &cols, &mut NativeTranscript::new_native()).unwrap();
    let st = LookupStatement {
        table: pairs,
        columns: vec![ColumnShape {
            vars: 4,
            offset: 16,
            second: true,
        }],
    };
    verify_lookup(&st, &proven.proof, &mut NativeTranscript::new_native()).unwrap();

    // The fix: chunk 1 in [0, 2^s) and chunk 1 + 2^s − 16 in [0, 2^s).
    let range = Table::Range {
        bits: scale as usize,
    };
    let upper = (1i64 << scale) - 16;
    let cols = [
        LookupColumn {
            name: "chunk1",
            values: &d,
            offset: 0,
            second: None,
        },
        LookupColumn {
            name: "chunk1",
            values: &d,
            offset: upper,
            second: None,
        },
    ];
    assert!(matches!(
        prove_columns(range, &cols, &mut NativeTranscript::new_native()),
        Err(Error::ValueNotInTable { index: 5, .. })
    ));
    // The adversary's best multiplicities: every in-range value counted, the out-of-range
    // one attributed to the top entry.
    let mut mult = vec![Fr::from(0u64); 1 << scale];
    for c in &cols {
        for v in c.values {
            let j = (to_u64(v).unwrap() as i64 + c.offset).min((1 << scale) - 1) as usize;
            mult[j] += Fr::from(1u64);
        }
    }
    let (proof, _) = prove_given(range, &cols, &mult, &mut NativeTranscript::new_native()).unwrap();
    let st = LookupStatement {
        table: range,
        columns: [0, upper]
            .map(|offset| ColumnShape {
                vars: 4,
                offset,
                second: false,
            })
            .to_vec(),
    };
    assert_eq!(
        verify_lookup(&st, &proof, &mut NativeTranscript::new_native()).unwrap_err(),
        Error::LookupSumMismatch
    );
}
