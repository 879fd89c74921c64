#![allow(clippy::unwrap_used, clippy::expect_used)]
//! MLP statements on the digits fixture: inference (public or committed input and output) and
//! test accuracy, honest proofs verify; another input, another model, tampered outputs, a
//! wrong count and tampered block messages are rejected.

mod common;

use ark_ff::{AdditiveGroup, Field};
use std::path::PathBuf;
use std::sync::OnceLock;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, QuantizedMlp, calibrate};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::mlp::{
    CommittedData, CommittedModel, MlpArchitecture, MlpProof, MlpPublic, MlpShape, MlpTask,
    MlpWitness, Visibility, commit_data, commit_model, prove, verify,
};
use zkmodel_prover::{Error, Fr};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/digits")
        .join(name)
}

struct Setup {
    srs: Srs,
    q: QuantizedMlp,
    data: Dataset,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let model = import_path(&fixture("mlp.onnx")).unwrap();
        let data = Dataset::load(&fixture("dataset.json")).unwrap();
        let (x, _) = data.batch(&data.train[..256]).unwrap();
        let (q, _) = calibrate(&model, &x, CalibrationOptions::default()).unwrap();
        Setup {
            srs: Srs::insecure_development(11, 1 << 17),
            q,
            data,
        }
    })
}

struct Proven {
    arch: MlpArchitecture,
    model: CommittedModel,
    data: Option<CommittedData>,
    public: MlpPublic,
    proof: MlpProof,
}

impl Proven {
    fn verify(&self) -> Result<(), Error> {
        self.verify_with(&self.public, &self.proof)
    }
    fn verify_with(&self, public: &MlpPublic, proof: &MlpProof) -> Result<(), Error> {
        let s = setup();
        verify(
            &s.srs,
            &self.arch,
            self.model.commitment,
            self.data.as_ref().map(|d| d.commitment),
            public,
            proof,
        )
    }
}

fn prove_task(task: MlpTask, indices: &[usize], seed: u64) -> Proven {
    let s = setup();
    let mut rng = common::rng(seed);
    let arch = MlpArchitecture {
        shape: MlpShape::from(&s.q),
        task,
    };
    let (x, labels) = s.data.batch(indices).unwrap();
    let (m, input) = s.q.quantize_input(&x).unwrap();
    assert_eq!(m, arch.rows());
    let trace = s.q.forward(m, input.clone()).unwrap();
    let model = commit_model(&s.srs, &arch, &s.q, &mut rng).unwrap();
    let data = arch.has_data().then(|| {
        let (logits, labels) = match task {
            MlpTask::Inference {
                output: Visibility::Committed,
                ..
            } => (Some(trace.logits()), None),
            MlpTask::Accuracy { .. } => (None, Some(labels.as_slice())),
            _ => (None, None),
        };
        commit_data(&s.srs, &arch, &input, logits, labels, &mut rng).unwrap()
    });
    let w = MlpWitness {
        model: &s.q,
        committed_model: &model,
        data: data.as_ref(),
        trace: &trace,
        labels: Some(&labels),
    };
    let (proof, public) = prove(&s.srs, &arch, &w, &mut rng).unwrap();
    Proven {
        arch,
        model,
        data,
        public,
        proof,
    }
}

fn inference(rows: usize, input: Visibility, output: Visibility) -> MlpTask {
    MlpTask::Inference {
        rows,
        input,
        output,
    }
}

#[test]
fn inference_with_public_input_and_output() {
    let s = setup();
    let p = prove_task(
        inference(1, Visibility::Public, Visibility::Public),
        &s.data.test[..1],
        1,
    );
    p.verify().unwrap();
    // The public logits are the quantized model's logits on that input.
    let logits = p.public.logits.as_ref().unwrap();
    assert_eq!(logits.len(), 10);

    // Another input, another output, a swapped proof: rejected.
    let mut other = p.public.clone();
    other.input.as_mut().unwrap()[20] += Fr::ONE;
    assert!(p.verify_with(&other, &p.proof).is_err());
    let mut other = p.public.clone();
    other.logits.as_mut().unwrap()[3] += Fr::ONE;
    assert!(p.verify_with(&other, &p.proof).is_err());
    let q = prove_task(
        inference(1, Visibility::Public, Visibility::Public),
        &s.data.test[1..2],
        2,
    );
    assert!(p.verify_with(&q.public, &p.proof).is_err());
    assert!(q.verify_with(&p.public, &q.proof).is_err());
}

#[test]
fn inference_batch_with_committed_input() {
    let s = setup();
    let p = prove_task(
        inference(16, Visibility::Committed, Visibility::Public),
        &s.data.test[..16],
        3,
    );
    p.verify().unwrap();
    let mut other = p.public.clone();
    other.logits.as_mut().unwrap()[37] -= Fr::ONE;
    assert!(p.verify_with(&other, &p.proof).is_err());
    // Committed output too: verifies against the data commitment only.
    let c = prove_task(
        inference(16, Visibility::Committed, Visibility::Committed),
        &s.data.test[..16],
        4,
    );
    c.verify().unwrap();
    assert_eq!(c.public, MlpPublic::default());
}

#[test]
fn accuracy_on_the_test_split() {
    let s = setup();
    let n = s.data.test.len();
    let p = prove_task(MlpTask::Accuracy { examples: n }, &s.data.test, 5);
    p.verify().unwrap();
    let count = p.public.count.unwrap();
    // 97.22% of 360 = 350.
    assert_eq!(count, Fr::from(350u64));

    for delta in [Fr::ONE, -Fr::ONE] {
        let mut other = p.public.clone();
        other.count = Some(count + delta);
        assert!(p.verify_with(&other, &p.proof).is_err());
    }
    // Another model commitment.
    let mut other_model = p.model.clone();
    other_model.commitment = (other_model.commitment + s.srs.g1_powers[3]).into();
    let q = Proven {
        model: other_model,
        ..clone_proven(&p)
    };
    assert!(q.verify().is_err());
    // Tampered block messages.
    let mut bad = p.proof.clone();
    bad.body.layers[0].values[0] += Fr::ONE;
    assert!(p.verify_with(&p.public, &bad).is_err());
    let mut bad = p.proof.clone();
    bad.body.argmax.as_mut().unwrap().values[2] += Fr::ONE;
    assert!(p.verify_with(&p.public, &bad).is_err());
    let mut bad = p.proof.clone();
    bad.body.range.column_evals[1] = Fr::ZERO;
    assert!(p.verify_with(&p.public, &bad).is_err());
}

fn clone_proven(p: &Proven) -> Proven {
    Proven {
        arch: p.arch.clone(),
        model: p.model.clone(),
        data: p.data.clone(),
        public: p.public.clone(),
        proof: p.proof.clone(),
    }
}
