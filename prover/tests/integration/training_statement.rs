#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The training statement on the digits fixture: the MLP 64-32-10 trained by quantized SGD on
//! the first 1024 training examples. The honest proof verifies and its final commitment is the
//! model commitment an accuracy proof of the trained model verifies against; a different
//! learning rate, a skipped or repeated iteration, a swapped batch, altered initial or final
//! weights, another dataset and a replay with another T are rejected.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;
use zkmodel_prover::Error;
use zkmodel_prover::graph::dataset::Dataset;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{CommittedModel, ModelArchitecture, Task, commit_model};
use zkmodel_prover::proof::train::{
    BackpropProof, ForwardProof, TrainArchitecture, TrainingProof, commit_dataset,
    digits::DigitsTraining, verify,
};
use zkmodel_prover::train::{Loss, StepTrace, TrainConfig, step};

const EXAMPLES: usize = 1024;

fn config(steps: usize) -> TrainConfig {
    TrainConfig::digits_mlp(steps)
}

use crate::common::training::TrainingSetup as Setup;

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
        let setup = digits_setup(cfg);
        let proof = setup.prove_steps(&setup.steps).unwrap();
        Self { setup, proof }
    }
}

/// The digits MLP trained as `cfg` says on the first 1024 examples, committed.
fn digits_setup(cfg: TrainConfig) -> Setup {
    let DigitsTraining {
        initial,
        x,
        y,
        arch,
        ..
    } = DigitsTraining::load(cfg, EXAMPLES).unwrap();
    Setup::new(arch, initial, x, y, Task::Accuracy { examples: 360 })
}

impl Setup {
    fn model_arch(&self) -> ModelArchitecture {
        self.arch
            .model_architecture(Task::Accuracy { examples: 360 })
    }

    fn commit(&self, q: &QuantizedModel) -> CommittedModel {
        commit_model(
            &self.srs,
            &self.model_arch(),
            q,
            &mut ChaCha20Rng::seed_from_u64(11),
        )
        .unwrap()
    }

    /// A dishonest run from the initial model: `schedule[t]` = (batch index, times the
    /// update is applied), with learning rate `cfg`. Returns the records and the model.
    fn dishonest(
        &self,
        cfg: &TrainConfig,
        schedule: &[(usize, usize)],
    ) -> (Vec<StepTrace>, QuantizedModel) {
        let (b, w) = (cfg.batch, 64);
        let mut q = self.q0.clone();
        let mut records = Vec::new();
        for &(batch, times) in schedule {
            let rows = batch * b..(batch + 1) * b;
            let xb = &self.x[rows.start * w..rows.end * w];
            let yb = &self.y[rows];
            let mut scratch = q.clone();
            let target = if times == 0 { &mut scratch } else { &mut q };
            records.push(step(target, cfg, xb, yb).unwrap());
            for _ in 1..times {
                step(&mut q, cfg, xb, yb).unwrap();
            }
        }
        (records, q)
    }

    /// A dishonest prover commits its own final model and proves; the verifier must reject
    /// (or the prover cannot even produce a proof).
    fn rejects(&self, records: &[StepTrace], q: &QuantizedModel) {
        let trained = self.commit(q);
        match self.prove_with(records, q, &trained) {
            Err(e) => println!("prover refused: {e}"),
            Ok(p) => {
                let r = self.verify_against(&p, trained.commitment, self.initial.commitment);
                println!("verifier: {r:?}");
                // The step chains tie the committed final model to the recorded updates.
                assert_eq!(r.map(|_| ()), Err(Error::SumcheckFinal));
            }
        }
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

/// Every message of every training block (forward, loss, backward, updates, lookups) is
/// absorbed before the opening's ρ, which relies on it.
#[test]
fn every_block_message_is_bound_before_the_opening() {
    let run = small();
    let claim = run.proof.claim(
        run.trained.commitment,
        run.initial.commitment,
        run.dataset.commitment,
    );
    crate::common::binding::assert_messages_bound(&run.arch, &run.srs, &claim, "training T = 4");
}

#[test]
fn schedule_deviations_are_rejected() {
    let run = small();
    let cfg = run.arch.config;
    let honest = [(0, 1), (1, 1), (2, 1), (3, 1)];
    // The honest schedule through the same helper verifies (the helper itself is sound).
    let (records, q) = run.dishonest(&cfg, &honest);
    assert_eq!(q, run.q);
    // A skipped iteration: step 2 computed but not applied.
    let (records_s, q_s) = run.dishonest(&cfg, &[(0, 1), (1, 1), (2, 0), (3, 1)]);
    run.rejects(&records_s, &q_s);
    // A repeated iteration: step 1 applied twice.
    let (records_r, q_r) = run.dishonest(&cfg, &[(0, 1), (1, 2), (2, 1), (3, 1)]);
    run.rejects(&records_r, &q_r);
    // A swapped batch: iteration 1 trains on batch 5.
    let (records_b, q_b) = run.dishonest(&cfg, &[(0, 1), (5, 1), (2, 1), (3, 1)]);
    run.rejects(&records_b, &q_b);
    // Batches in another order.
    let (records_o, q_o) = run.dishonest(&cfg, &[(1, 1), (0, 1), (2, 1), (3, 1)]);
    run.rejects(&records_o, &q_o);
    // Different learning rates under the η = 1/2 statement: 3/2 (same shift, so only the
    // rescale identity can catch it) and 3/4 (its remainders exceed the statement's range).
    for (lr_num, lr_shift) in [(3, 1), (3, 2)] {
        let other = TrainConfig {
            lr_num,
            lr_shift,
            ..cfg
        };
        let (records_e, q_e) = run.dishonest(&other, &honest);
        run.rejects(&records_e, &q_e);
    }
    // Honest records but a final model with one weight changed.
    let mut q_f = run.q.clone();
    if let zkmodel_prover::graph::quant::QLayer::Dense(d) = &mut q_f.layers[0] {
        d.weight[5] += 1;
    }
    run.rejects(&records, &q_f);
}

#[test]
fn other_commitments_and_replays_are_rejected() {
    let run = small();
    let p = &run.proof;
    // Altered final or initial weights: the proof is about the committed ones only.
    let mut q_other = run.q.clone();
    if let zkmodel_prover::graph::quant::QLayer::Dense(d) = &mut q_other.layers[1] {
        d.bias[0] += 1;
    }
    let other = run.commit(&q_other).commitment;
    // Commitments are absorbed first: other ones give other challenges.
    assert_eq!(
        run.verify_against(p, other, run.initial.commitment)
            .map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    assert_eq!(
        run.verify_against(p, run.trained.commitment, other)
            .map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Initial and final swapped.
    assert_eq!(
        run.verify_against(p, run.initial.commitment, run.trained.commitment)
            .map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Another dataset.
    let mut y = run.y.clone();
    y[3] = (y[3] + 1) % 10;
    let data = commit_dataset(
        &run.srs,
        &run.arch,
        &run.x,
        &y,
        &mut ChaCha20Rng::seed_from_u64(3),
    )
    .unwrap();
    assert_eq!(
        verify(
            &run.srs,
            &run.arch,
            run.trained.commitment,
            run.initial.commitment,
            data.commitment,
            p
        )
        .map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Replayed under another T or another learning rate: an error, never a panic.
    for (cfg, want) in [
        (
            config(8),
            Error::ProofShape {
                what: "LogUp layers",
                expected: 19,
                actual: 18,
            },
        ),
        (config(2), Error::SumcheckFinal),
        (
            TrainConfig {
                lr_num: 3,
                lr_shift: 2,
                ..config(4)
            },
            Error::SumcheckFinal,
        ),
        (
            TrainConfig {
                loss: Loss::MeanSquaredError,
                ..config(4)
            },
            Error::ProofShape {
                what: "lookup proofs",
                expected: 1,
                actual: 2,
            },
        ),
    ] {
        let arch = TrainArchitecture::new(run.arch.shape.clone(), cfg, EXAMPLES).unwrap();
        let r = verify(
            &run.srs,
            &arch,
            run.trained.commitment,
            run.initial.commitment,
            run.dataset.commitment,
            p,
        );
        assert_eq!(r.map(|_| ()), Err(want), "{cfg:?}");
    }
}

type Tamper = Box<dyn Fn(&mut TrainingProof)>;

/// Every message of the proof, perturbed one at a time, is rejected.
#[test]
fn tampered_messages_are_rejected() {
    use ark_ff::Field;
    use zkmodel_prover::Fr;
    let run = small();
    let mut tampers: Vec<(&str, Tamper)> = vec![
        ("salt", Box::new(|p| p.salt += Fr::ONE)),
        (
            "trace commitment",
            Box::new(|p| p.trace_commitment = run.initial.commitment),
        ),
        (
            "gradient",
            Box::new(|p| p.body.gradient.final_evals[0][0] += Fr::ONE),
        ),
        (
            "opening",
            Box::new(|p| p.opening.field.evals.s2_at_zeta += Fr::ONE),
        ),
    ];
    for i in 0..run.proof.body.lookups.len() {
        tampers.push((
            "lookup column",
            Box::new(move |p| p.body.lookups[i].column_evals[0] += Fr::ONE),
        ));
        tampers.push((
            "lookup root",
            Box::new(move |p| p.body.lookups[i].roots[0] += Fr::ONE),
        ));
    }
    for i in 0..2 {
        tampers.push((
            "forward value",
            Box::new(move |p| dense(&mut p.body.forward[i]).values[1] += Fr::ONE),
        ));
        tampers.push((
            "forward sumcheck",
            Box::new(move |p| dense(&mut p.body.forward[i]).contraction.rounds[0][0] += Fr::ONE),
        ));
        tampers.push((
            "weight update",
            Box::new(move |p| p.body.backward[i].weight.values[0] += Fr::ONE),
        ));
        tampers.push((
            "weight chain",
            Box::new(move |p| p.body.backward[i].weight_chain.values[2] += Fr::ONE),
        ));
        tampers.push((
            "bias update",
            Box::new(move |p| p.body.backward[i].bias.values[1] += Fr::ONE),
        ));
        tampers.push((
            "bias chain",
            Box::new(move |p| p.body.backward[i].bias_chain.sumcheck.rounds[0][0] += Fr::ONE),
        ));
    }
    tampers.push((
        "softmax",
        Box::new(|p| p.body.softmax.as_mut().unwrap().values[4] += Fr::ONE),
    ));
    tampers.push((
        "back-propagation",
        Box::new(
            |p| match &mut p.body.backward[1].backprop.as_mut().unwrap() {
                BackpropProof::Dense(d) => d.values[0] += Fr::ONE,
                BackpropProof::Conv(_) => {
                    unreachable!("an MLP back-propagates through dense layers")
                }
            },
        ),
    ));
    tampers.push((
        "ReLU",
        Box::new(|p| p.body.relus[0].sumcheck.rounds[0][1] += Fr::ONE),
    ));
    tampers.push((
        "ReLU final value",
        Box::new(|p| p.body.relus[0].sumcheck.final_evals[0][5] += Fr::ONE),
    ));
    tampers.push((
        "an extra ReLU proof",
        Box::new(|p| p.body.relus.push(p.body.relus[0].clone())),
    ));
    // The remainder is the lookup's: a proof stating R̃ as well is malformed.
    tampers.push((
        "back-propagation remainder stated",
        Box::new(
            |p| match &mut p.body.backward[1].backprop.as_mut().unwrap() {
                BackpropProof::Dense(d) => d.values.push(Fr::ONE),
                BackpropProof::Conv(_) => {
                    unreachable!("an MLP back-propagates through dense layers")
                }
            },
        ),
    ));
    tampers.push((
        "missing backprop",
        Box::new(|p| p.body.backward[1].backprop = None),
    ));
    tampers.push((
        "missing layer",
        Box::new(|p| {
            p.body.backward.pop();
        }),
    ));
    // Each tamper fails at the check that consumes the tampered message; most messages feed
    // a sumcheck claim (or are absorbed before one), so they fail its final check.
    let expected = |what: &str| match what {
        "opening" => Error::Opening {
            what: "row inner-product identity at ζ⁻¹",
        },
        "lookup column" => Error::SuccinctEvaluation {
            what: "LogUp witness denominators β + ã(r)",
        },
        "lookup root" => Error::LookupSumMismatch,
        "softmax" => Error::SuccinctEvaluation {
            what: "softmax chunks D = Σ 16^k d_k",
        },
        "an extra ReLU proof" => Error::ProofShape {
            what: "ReLU proofs (one per hidden layer)",
            expected: 1,
            actual: 2,
        },
        "back-propagation remainder stated" => Error::ProofShape {
            what: "rescaled contraction values at a virtual remainder",
            expected: 1,
            actual: 2,
        },
        "missing backprop" => Error::ProofShape {
            what: "back-propagation proofs",
            expected: 1,
            actual: 0,
        },
        "missing layer" => Error::ProofShape {
            what: "layer proofs (forward per layer, backward per weighted layer)",
            expected: 4,
            actual: 3,
        },
        _ => Error::SumcheckFinal,
    };
    for (what, tamper) in &tampers {
        let mut bad = run.proof.clone();
        tamper(&mut bad);
        assert_eq!(
            run.verify(&bad).map(|_| ()),
            Err(expected(what)),
            "tampered {what}"
        );
    }
}

/// The dense block of a dense or convolution layer's forward proof.
fn dense(
    p: &mut ForwardProof<zkmodel_prover::Fr>,
) -> &mut zkmodel_prover::blocks::dense_iter::IteratedDenseProof<zkmodel_prover::Fr> {
    match p {
        ForwardProof::Dense(d) | ForwardProof::Conv { dense: d, .. } => d,
        _ => unreachable!("an MLP has no pools"),
    }
}

/// Proves the trained model's accuracy on the 360 test images against `trained`, the very
/// commitment the training proof ends in; returns the proven count.
fn accuracy_against(run: &Setup, trained: &CommittedModel) -> usize {
    use zkmodel_prover::proof::model::{ModelWitness, commit_data, prove as prove_model};
    let d =
        Dataset::load(&zkmodel_prover::graph::dataset::digits_fixtures_dir().join("dataset.json"))
            .unwrap();
    let arch = run.model_arch();
    let srs =
        Srs::insecure_development(5, arch.vector_lengths().unwrap().into_iter().max().unwrap());
    assert_eq!(srs.id(), run.srs.id());
    let (xs, ys) = d.batch(&d.test).unwrap();
    let (m, input) = run.q.quantize_input(&xs).unwrap();
    let trace = run.q.forward(m, input.clone()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let data = commit_data(&srs, &arch, &input, None, Some(&ys), &mut rng).unwrap();
    let w = ModelWitness {
        model: &run.q,
        committed_model: trained,
        data: Some(&data),
        trace: &trace,
        labels: Some(&ys),
    };
    let (proof, public) = prove_model(&srs, &arch, &w, &mut rng).unwrap();
    zkmodel_prover::proof::model::verify(
        &srs,
        &arch,
        trained.commitment,
        Some(data.commitment),
        &public,
        &proof,
    )
    .unwrap();
    let count = public.count.unwrap();
    (0..=ys.len())
        .find(|c| zkmodel_prover::Fr::from(*c as u64) == count)
        .unwrap()
}

#[test]
fn trained_commitment_is_the_model_commitment_of_accuracy_proofs() {
    let run = small();
    let count = accuracy_against(run, &run.trained);
    println!("T = 4: proven accuracy {count}/360");
}

/// The acceptance run: T = 64 steps of batch 32 (two epochs over 1024 examples) reach ≥ 90%
/// test accuracy in fixed point, the training proof verifies, and the accuracy proof of the
/// trained model verifies against the training proof's final commitment.
#[test]
fn digits_sixty_four_steps_reach_ninety_percent_provably() {
    let run = Run::new(config(64));
    run.verify(&run.proof).unwrap();
    let count = accuracy_against(&run, &run.trained);
    println!(
        "T = 64: training proof {} bytes, proven accuracy {count}/360",
        run.proof.size_bytes()
    );
    assert!(count * 10 >= 360 * 9, "accuracy {count}/360");
}

/// Mean squared error (no softmax: the gradient reads the logits) proves and verifies too, and
/// its proof does not verify as a cross-entropy statement.
#[test]
fn mean_squared_error_training_proves() {
    let cfg = TrainConfig {
        loss: Loss::MeanSquaredError,
        lr_shift: 2,
        ..config(4)
    };
    let run = Run::new(cfg);
    run.verify(&run.proof).unwrap();
    assert!(run.proof.body.softmax.is_none());
    let ce = TrainArchitecture::new(
        run.arch.shape.clone(),
        TrainConfig {
            loss: Loss::CrossEntropy,
            ..cfg
        },
        EXAMPLES,
    )
    .unwrap();
    let r = verify(
        &run.srs,
        &ce,
        run.trained.commitment,
        run.initial.commitment,
        run.dataset.commitment,
        &run.proof,
    );
    assert_eq!(
        r.map(|_| ()),
        Err(Error::ProofShape {
            what: "lookup proofs",
            expected: 2,
            actual: 1
        })
    );
}
