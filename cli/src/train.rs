//! `zkmodel train`: quantized SGD on a committed training set with its proof of training.

use crate::Output;
use crate::common::{hex, load_model, load_srs, point_json, step};
use crate::data;
use anyhow::{Context, Result, bail, ensure};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::artifact::{self, Access};
use zkmodel_prover::graph::tensor::Tensor;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{DataCommitmentRecord, ModelOpening, ModelShape};
use zkmodel_prover::proof::train::{
    DATASET_OPENING, DatasetOpening, TrainArchitecture, commit_seeded_initial_model,
};
use zkmodel_prover::train::{Loss, TrainConfig, initial_model};

/// The loss.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum LossArg {
    /// Softmax cross-entropy (fixed-point softmax).
    CrossEntropy,
    /// Mean squared error on the logits.
    Mse,
}

/// Train an MLP or a CNN with quantized SGD on your labelled data and prove the run.
///
/// Trains chains of Dense and convolution layers (ReLU on all but the last, a Dense layer;
/// maps of any size, LeNet-5's included) with average or max pools of any window (a global
/// average pool, AlexNet's overlapping 3×3 max pools) between them — your own
/// ONNX model once imported and committed (`zkmodel import`, `zkmodel commit`). Starts from
/// initial weights derived from a public seed (an MLP; anyone recomputes their commitment)
/// or from a committed model (its opening). Commits the training set (secret
/// opening), trains T steps of batch B (batch t = examples [(t mod N/B)·B, …)), commits the
/// trained model and proves that it is exactly T SGD steps from the initial model on the
/// committed data with the stated hyperparameters. Writes into `--out`: training.arch.json,
/// model.zkm (the trained model), model.commitment and model.opening (SECRET), initial.commitment,
/// dataset.commitment and dataset.opening (SECRET), training.proof.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
zkmodel train --data train.json --widths 64,32,10 --init-seed 7 --batch 32 --steps 16 --lr 1/2 --srs srs.bin --out trained\n  \
zkmodel train --data train.csv --label-column label --initial base.zkm --initial-opening base.opening --steps 64 --lr 1/4 --srs srs.bin --out trained\n  \
zkmodel import cnn.onnx --calibrate train.json -o cnn.zkm && \\\n    \
zkmodel commit cnn.zkm --srs srs.bin -o cnn.commitment --opening cnn.opening && \\\n    \
zkmodel train --data train.json --initial cnn.zkm --initial-opening cnn.opening --batch 16 --steps 4 --lr 1/2 --srs srs.bin --out trained")]
pub struct Args {
    /// The training set with labels (EZKL-style JSON, or CSV with --label-column); the
    /// number of examples must be a power of two.
    #[arg(long)]
    pub data: PathBuf,
    /// CSV only: the label column's header name.
    #[arg(long)]
    pub label_column: Option<String>,
    /// Start from weights derived from this public seed (with --widths).
    #[arg(long, conflicts_with = "initial", requires = "widths")]
    pub init_seed: Option<u64>,
    /// Layer widths for --init-seed: input, hidden…, classes (e.g. 64,32,10).
    #[arg(long, value_delimiter = ',')]
    pub widths: Vec<usize>,
    /// With --init-seed: the fixed-point scale exponent s.
    #[arg(long, default_value_t = 8)]
    pub scale: u32,
    /// With --init-seed: the signed bit bound b of weights and activations.
    #[arg(long, default_value_t = 16)]
    pub bits: u32,
    /// Start from this committed model (an MLP or a CNN: `zkmodel commit` of an imported model).
    #[arg(
        long,
        requires = "initial_opening",
        required_unless_present = "init_seed"
    )]
    pub initial: Option<PathBuf>,
    /// The starting model's opening (from `zkmodel commit`).
    #[arg(long)]
    pub initial_opening: Option<PathBuf>,
    /// Reuse a committed training set (its opening) instead of committing the data afresh.
    #[arg(long)]
    pub dataset_opening: Option<PathBuf>,
    /// Batch size B (a power of two).
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// SGD steps T (a power of two).
    #[arg(long, default_value_t = 16)]
    pub steps: usize,
    /// Learning rate as NUM/2^k (e.g. 1/2, 3/8).
    #[arg(long, default_value = "1/2")]
    pub lr: String,
    /// The loss.
    #[arg(long, value_enum, default_value = "cross-entropy")]
    pub loss: LossArg,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// Output directory.
    #[arg(long, default_value = "trained")]
    pub out: PathBuf,
}

/// Parses NUM/DEN with DEN a power of two into (num, log2 den).
fn learning_rate(s: &str) -> Result<(i64, u32)> {
    let (num, den) = s
        .split_once('/')
        .with_context(|| format!("--lr `{s}`: write it as NUM/DEN, e.g. 1/2"))?;
    let num: i64 = num
        .trim()
        .parse()
        .with_context(|| format!("--lr `{s}`: bad numerator"))?;
    let den: u64 = den
        .trim()
        .parse()
        .with_context(|| format!("--lr `{s}`: bad denominator"))?;
    ensure!(
        den.is_power_of_two(),
        "--lr `{s}`: the denominator must be a power of two (the update is a shift)"
    );
    Ok((num, den.trailing_zeros()))
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let (lr_num, lr_shift) = learning_rate(&args.lr)?;
    let srs = load_srs(&args.srs)?;
    // The initial model: seeded (public) or a committed one.
    let (q0, seeded) = match (args.init_seed, &args.initial) {
        (Some(seed), _) => (
            initial_model(&args.widths, args.scale, args.bits, seed)?,
            Some(seed),
        ),
        (None, Some(path)) => (load_model(path)?, None),
        (None, None) => {
            bail!("pass --init-seed SEED --widths … or --initial MODEL --initial-opening OPENING")
        }
    };
    let config = TrainConfig {
        scale: q0.scale,
        bits: q0.bits,
        batch: args.batch,
        steps: args.steps,
        lr_num,
        lr_shift,
        loss: match args.loss {
            LossArg::CrossEntropy => Loss::CrossEntropy,
            LossArg::Mse => Loss::MeanSquaredError,
        },
    };
    let features = q0.input.real_len();
    let ex = data::read(&args.data, features, args.label_column.as_deref())?;
    let labels = ex
        .labels
        .clone()
        .context("training needs labels: add `labels` to the JSON, or --label-column for CSV")?;
    ensure!(
        ex.n.is_power_of_two(),
        "{} has {} examples; a training statement needs a power of two (use the first {})",
        args.data.display(),
        ex.n,
        1usize << (usize::BITS - 1 - ex.n.leading_zeros())
    );
    let arch = TrainArchitecture::new(ModelShape::from(&q0), config, ex.n)
        .context("these model, data and hyperparameters do not form a training statement")?;
    let x = Tensor::new(vec![ex.n, features], ex.values)?;
    let (_, inputs) = arch.shape.quantize_input(&x)?;
    let mut rng = ChaCha20Rng::from_entropy();
    let initial = match (seeded, &args.initial_opening) {
        (Some(seed), _) => commit_seeded_initial_model(&srs, &arch, &args.widths, seed)?.1,
        (None, Some(path)) => {
            let o: ModelOpening = artifact::load(artifact::MODEL_OPENING, path)?;
            o.check(
                &srs,
                &arch.model_architecture(zkmodel_prover::proof::model::Task::Accuracy {
                    examples: 1,
                }),
            )
            .with_context(|| {
                format!(
                    "{} is not the opening of {}",
                    path.display(),
                    args.initial
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                )
            })?;
            o.model
        }
        (None, None) => bail!("--initial needs --initial-opening"),
    };
    let needed = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    ensure!(
        srs.size() >= needed,
        "the SRS has {} G1 powers; this training statement needs {needed} (e.g. `zkmodel srs \
         --ptau FILE --size {needed}`, or for development `zkmodel srs --dev --size {needed}`)",
        srs.size()
    );
    let path = |name: &str| args.out.join(name);
    for secret in ["model.opening", "dataset.opening"] {
        ensure!(
            !path(secret).exists(),
            "{} exists; secrets are never overwritten: choose another --out",
            path(secret).display()
        );
    }
    let (dataset, fresh_dataset) = match &args.dataset_opening {
        Some(p) => (artifact::load::<DatasetOpening>(DATASET_OPENING, p)?, false),
        None => (
            step("committing the training set", || {
                arch.commit_dataset(&srs, &inputs, &labels, &mut rng)
            })?,
            true,
        ),
    };
    let architecture = Architecture::Training(arch.clone());
    let start = std::time::Instant::now();
    let run = step(
        &format!("training {} steps and proving", arch.config.steps),
        || {
            arch.train_and_prove(
                &srs,
                (&q0, &initial),
                (&dataset, &inputs, &labels),
                &mut rng,
            )
        },
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let trace = run.model.forward(arch.examples, inputs.clone())?;
    let predicted = run.model.predictions(&trace, arch.examples);
    let correct = predicted
        .iter()
        .zip(&labels)
        .filter(|(p, l)| p == l)
        .count();
    // Every output is written after the run succeeded, secrets first.
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    if fresh_dataset {
        artifact::save(
            DATASET_OPENING,
            &dataset,
            &path("dataset.opening"),
            Access::Secret,
        )
        .context("writing the dataset opening")?;
    }
    architecture.save(&path("training.arch.json"))?;
    run.model.save(&path("model.zkm"))?;
    artifact::save(
        artifact::MODEL_OPENING,
        &run.opening,
        &path("model.opening"),
        Access::Secret,
    )
    .context("writing the trained model's opening")?;
    artifact::save(
        artifact::MODEL_COMMITMENT,
        &run.opening.record(),
        &path("model.commitment"),
        Access::Public,
    )?;
    let initial_record = zkmodel_prover::proof::model::ModelCommitmentRecord {
        shape_id: arch.shape.id(&srs),
        srs_id: srs.id(),
        commitment: initial.commitment,
        seeded: seeded.is_some(),
    };
    artifact::save(
        artifact::MODEL_COMMITMENT,
        &initial_record,
        &path("initial.commitment"),
        Access::Public,
    )?;
    let dataset_record = DataCommitmentRecord {
        architecture_id: architecture.id(&srs),
        commitment: dataset.data.commitment,
    };
    artifact::save(
        artifact::DATA_COMMITMENT,
        &dataset_record,
        &path("dataset.commitment"),
        Access::Public,
    )?;
    artifact::save(
        artifact::TRAINING_PROOF,
        &run.proof,
        &path("training.proof"),
        Access::Public,
    )?;
    let accuracy = correct as f64 / arch.examples as f64;
    out.emit(
        &format!(
            "trained {} steps of batch {} on {} examples ({seconds:.2} s with the proof) → {}\n  training-set accuracy (fixed point) {:.2}%\n  trained model commitment x {}\n  initial model: {}\n  SECRET: model.opening, dataset.opening (mode 0600)",
            arch.config.steps,
            arch.config.batch,
            arch.examples,
            args.out.display(),
            100.0 * accuracy,
            point_json(&run.opening.model.commitment)["x"].as_str().unwrap_or_default(),
            match seeded {
                Some(s) => format!("seed {s}, widths {:?} (anyone recomputes its commitment)", args.widths),
                None => "a committed model".into(),
            },
        ),
        serde_json::json!({
            "out": args.out,
            "architecture_id": hex(&architecture.id(&srs)),
            "steps": arch.config.steps,
            "batch": arch.config.batch,
            "examples": arch.examples,
            "training_accuracy": accuracy,
            "seconds": seconds,
            "final_model": point_json(&run.opening.model.commitment),
            "initial_model": point_json(&initial.commitment),
            "dataset": point_json(&dataset.data.commitment),
            "initial_seed": seeded,
        }),
    );
    Ok(())
}
