#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The training statement on the digits fixture: the MLP 64-32-10 trained by quantized SGD on
//! the first 1024 training examples. The honest proof verifies and its final commitment is the
//! model commitment an accuracy proof of the trained model verifies against; a different
//! learning rate, a skipped or repeated iteration, a swapped batch, altered initial or final
//! weights, another dataset and a replay with another T are rejected.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use std::sync::OnceLock;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{CommittedData, CommittedModel, ModelShape, commit_model};
use zkmodel_prover::proof::train::{
    ProvingInputs, TrainArchitecture, TrainingProof, commit_dataset, prove, verify,
};
use zkmodel_prover::train::{Loss, StepTrace, TrainConfig, initial_model, train};

const EXAMPLES: usize = 1024;

fn config(steps: usize) -> TrainConfig {
    TrainConfig {
        scale: 8,
        bits: 16,
        batch: 32,
        steps,
        lr_num: 1,
        lr_shift: 1,
        loss: Loss::CrossEntropy,
    }
}

/// Everything one honest run produces.
struct Setup {
    arch: TrainArchitecture,
    srs: Srs,
    x: Vec<i64>,
    y: Vec<usize>,
    q0: QuantizedModel,
    q: QuantizedModel,
    steps: Vec<StepTrace>,
    initial: CommittedModel,
    trained: CommittedModel,
    dataset: CommittedData,
}

struct Run {
    setup: Setup,
    proof: TrainingProof,
}

impl std::ops::Deref for Run {
    type Target = Setup;
    fn deref(&self) -> &Setup {
        &self.setup
    }
}

impl Run {
    fn new(cfg: TrainConfig) -> Self {
        let setup = Setup::new(cfg);
        let proof = setup.prove_with(&setup.steps, &setup.q).unwrap();
        Self { setup, proof }
    }
}

impl Setup {
    fn new(cfg: TrainConfig) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits");
        let d = Dataset::load(&dir.join("dataset.json")).unwrap();
        let q0 = initial_model(&[64, 32, 10], cfg.scale, cfg.bits, 7).unwrap();
        let (xt, y) = d.batch(&d.train[..EXAMPLES]).unwrap();
        let (_, x) = q0.quantize_input(&xt).unwrap();
        let (q, steps) = train(q0.clone(), &cfg, &x, &y).unwrap();
        let arch = TrainArchitecture::new(ModelShape::from(&q0), cfg, EXAMPLES).unwrap();
        let len = arch.vector_lengths().unwrap().into_iter().max().unwrap();
        let srs = Srs::insecure_development(5, len);
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let model_arch =
            arch.model_architecture(zkmodel_prover::proof::model::Task::Accuracy { examples: 360 });
        let initial = commit_model(&srs, &model_arch, &q0, &mut rng).unwrap();
        let trained = commit_model(&srs, &model_arch, &q, &mut rng).unwrap();
        let dataset = commit_dataset(&srs, &arch, &x, &y, &mut rng).unwrap();
        Self {
            arch,
            srs,
            x,
            y,
            q0,
            q,
            steps,
            initial,
            trained,
            dataset,
        }
    }

    fn prove_with(
        &self,
        steps: &[StepTrace],
        q: &QuantizedModel,
    ) -> Result<TrainingProof, zkmodel_prover::Error> {
        let inputs = ProvingInputs {
            initial: &self.initial,
            trained: (q, &self.trained),
            dataset: (&self.dataset, &self.x, &self.y),
            steps,
        };
        prove(
            &self.srs,
            &self.arch,
            &inputs,
            &mut ChaCha20Rng::seed_from_u64(8),
        )
    }

    fn verify(&self, proof: &TrainingProof) -> Result<(), zkmodel_prover::Error> {
        verify(
            &self.srs,
            &self.arch,
            self.trained.commitment,
            self.initial.commitment,
            self.dataset.commitment,
            proof,
        )
    }
}

fn small() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| Run::new(config(4)))
}

#[test]
fn honest_training_proof_verifies() {
    let run = small();
    run.verify(&run.proof).unwrap();
    println!("T = 4: proof {} bytes", run.proof.size_bytes());
}
