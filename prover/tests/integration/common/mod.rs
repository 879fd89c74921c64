//! Helpers shared by the integration tests.
#![allow(dead_code, missing_docs)]

pub mod binding;
pub mod training;

use ark_std::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::graph::quant::{IntTrace, QuantizedModel};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, ModelWitness, Task, Visibility, commit_data, commit_model,
    prove, verify,
};
use zkmodel_prover::transcript::NativeTranscript;
use zkmodel_prover::{Error, Fr};

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn random_vec(rng: &mut ChaCha20Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

pub fn transcript() -> NativeTranscript {
    NativeTranscript::new_native()
}

/// Signed integers as field elements.
pub fn field(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

/// The MLE of `v` at `point`: what an honest claim on `v` says.
pub fn true_eval(v: &[i64], point: &[Fr]) -> Fr {
    DenseMle::new(field(v)).unwrap().evaluate(point).unwrap()
}

/// A file of the digits fixtures (`fixtures/digits`).
pub fn digits(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/digits")
        .join(name)
}

/// A file of the PyTorch exports (`fixtures/pytorch`).
pub fn pytorch(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/pytorch")
        .join(name)
}

/// Proves `trace` (honest or not) for `q` as an inference over `rows` examples with the given
/// visibilities, and returns the verifier's verdict. With public logits, the proof's logits
/// must be the trace's.
pub fn prove_trace(
    q: &QuantizedModel,
    trace: &IntTrace,
    rows: usize,
    input: Visibility,
    output: Visibility,
) -> Result<(), Error> {
    let arch = ModelArchitecture {
        shape: ModelShape::from(q),
        task: Task::Inference {
            rows,
            input,
            output,
        },
    };
    let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(5, len);
    let mut r = rng(6);
    let committed = commit_model(&srs, &arch, q, &mut r).unwrap();
    let outputs = (output == Visibility::Committed).then_some(trace.outputs());
    let data = arch
        .has_data()
        .then(|| commit_data(&srs, &arch, &trace.input, outputs, None, &mut r).unwrap());
    let w = ModelWitness {
        model: q,
        committed_model: &committed,
        data: data.as_ref(),
        trace,
        labels: None,
    };
    let (proof, public) = prove(&srs, &arch, &w, &mut r)?;
    if output == Visibility::Public {
        let n = q.output_width();
        let expected: Vec<Fr> = trace
            .outputs()
            .chunks(n)
            .take(rows)
            .flat_map(|row| field(&row[..q.classes()]))
            .collect();
        assert_eq!(public.logits.as_deref(), Some(expected.as_slice()));
    }
    let data = data.as_ref().map(|d| d.commitment);
    verify(&srs, &arch, committed.commitment, data, &public, &proof)?;
    let claim = proof.claim(committed.commitment, data, &public);
    binding::assert_messages_bound(&arch, &srs, &claim, "prove_trace");
    Ok(())
}

/// A statement proven on a trace, with what its verifier needs (tamper tests change `proof`).
pub struct Proven {
    pub srs: Srs,
    pub arch: ModelArchitecture,
    pub model: zkmodel_prover::proof::model::CommittedModel,
    pub data: Option<zkmodel_prover::proof::model::CommittedData>,
    pub proof: zkmodel_prover::proof::model::ModelProof,
    pub public: zkmodel_prover::proof::model::PublicValues,
}

impl Proven {
    /// Proves `arch` on `trace` (its committed input, labels for accuracy; committed outputs
    /// are the trace's).
    pub fn new(
        q: &QuantizedModel,
        arch: ModelArchitecture,
        trace: &IntTrace,
        labels: Option<&[usize]>,
        seed: u64,
    ) -> Self {
        let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
        let srs = Srs::insecure_development(5, len);
        let mut r = rng(seed);
        let model = commit_model(&srs, &arch, q, &mut r).unwrap();
        let outputs = matches!(
            arch.task,
            Task::Inference {
                output: Visibility::Committed,
                ..
            }
        )
        .then_some(trace.outputs());
        let data = arch
            .has_data()
            .then(|| commit_data(&srs, &arch, &trace.input, outputs, labels, &mut r).unwrap());
        let w = ModelWitness {
            model: q,
            committed_model: &model,
            data: data.as_ref(),
            trace,
            labels,
        };
        let (proof, public) = prove(&srs, &arch, &w, &mut r).unwrap();
        Self {
            srs,
            arch,
            model,
            data,
            proof,
            public,
        }
    }

    /// Verifies `proof` (this one or a tampered copy) with `public` against the commitments,
    /// as a statement of `arch` (this one, or another to show it is refused).
    pub fn verify_as(
        &self,
        arch: &ModelArchitecture,
        public: &zkmodel_prover::proof::model::PublicValues,
        proof: &zkmodel_prover::proof::model::ModelProof,
    ) -> Result<(), Error> {
        let data = self.data.as_ref().map(|d| d.commitment);
        verify(&self.srs, arch, self.model.commitment, data, public, proof)
    }

    /// [`Self::verify_as`] this statement's architecture with its public values.
    pub fn verify(&self, proof: &zkmodel_prover::proof::model::ModelProof) -> Result<(), Error> {
        self.verify_as(&self.arch, &self.public, proof)
    }
}

/// A chain of `ops` (node i reads value i, writes value i + 1; nodes named n0, n1, …) on an
/// input of `input_shape`.
pub fn chain_model(
    input_shape: Vec<Option<usize>>,
    ops: Vec<zkmodel_prover::graph::Op>,
) -> zkmodel_prover::graph::Model {
    let nodes: Vec<zkmodel_prover::graph::Node> = ops
        .into_iter()
        .enumerate()
        .map(|(i, op)| zkmodel_prover::graph::Node {
            name: format!("n{i}"),
            op,
            inputs: vec![i],
            output: i + 1,
        })
        .collect();
    zkmodel_prover::graph::Model {
        value_names: (0..=nodes.len()).map(|i| format!("v{i}")).collect(),
        input: 0,
        input_shape,
        output: nodes.len(),
        nodes,
        label_head: None,
    }
}
