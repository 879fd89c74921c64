//! `zkmodel commit` and `zkmodel commit-test-set`: the commitments that go on chain.

use crate::Output;
use crate::common::{hex, load_model, load_model_arch, load_srs, point_json, read_examples, step};
use anyhow::{Context, Result, ensure};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::artifact::{self, Access};
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{
    DataCommitmentRecord, ModelArchitecture, ModelOpening, ModelShape, Task, Visibility,
};

/// Commit a quantized model: the public commitment to register, and the secret opening that
/// every later proof about this model needs.
///
/// The opening holds the weights and the commitment's mask randomness: it is written with
/// mode 0600, never over an existing file, and must never be published. Commit once; prove
/// as often as you like with the same opening.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel commit model.zkm --srs srs.bin -o model.commitment --opening model.opening"
)]
pub struct Args {
    /// The quantized model (from `zkmodel import`).
    pub model: PathBuf,
    /// The KZG SRS (from `zkmodel srs`).
    #[arg(long)]
    pub srs: PathBuf,
    /// Where to write the public commitment.
    #[arg(short, long, default_value = "model.commitment")]
    pub output: PathBuf,
    /// Where to write the SECRET opening (mode 0600; never overwritten).
    #[arg(long, default_value = "model.opening")]
    pub opening: PathBuf,
}

/// Runs `zkmodel commit`.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    ensure!(
        args.output != args.opening,
        "the public commitment and the secret opening must be different files"
    );
    let q = load_model(&args.model)?;
    let srs = load_srs(&args.srs)?;
    // The model vector's layout does not depend on the task.
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task: Task::Inference {
            rows: 1,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let mut rng = ChaCha20Rng::from_entropy();
    let opening = step("committing the model", || {
        ModelOpening::commit(&srs, &arch, &q, &mut rng)
    })?;
    artifact::save(
        artifact::MODEL_OPENING,
        &opening,
        &args.opening,
        Access::Secret,
    )
    .context("writing the opening")?;
    artifact::save(
        artifact::MODEL_COMMITMENT,
        &opening.record(),
        &args.output,
        Access::Public,
    )
    .context("writing the commitment")?;
    let c = point_json(&opening.model.commitment);
    out.emit(
        &format!(
            "model commitment → {} (public: register it)\n  x {}\n  y {}\n  shape id {}\nopening → {} (SECRET, mode 0600: keep it, never publish it)",
            args.output.display(),
            c["x"].as_str().unwrap_or_default(),
            c["y"].as_str().unwrap_or_default(),
            hex(&opening.shape_id),
            args.opening.display(),
        ),
        serde_json::json!({
            "commitment": c,
            "shape_id": hex(&opening.shape_id),
            "srs_id": hex(&opening.srs_id),
            "output": args.output,
            "opening": args.opening,
        }),
    );
    Ok(())
}

/// Commit a published test set for an accuracy architecture: the commitment its publisher
/// registers and any buyer recomputes from the same data (the mask randomness is public, so
/// the commitment hides nothing — a test set is published data).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel commit-test-set test.json --arch accuracy.arch.json --srs srs.bin -o test-set.commitment"
)]
pub struct TestSetArgs {
    /// The test set: EZKL-style JSON with labels, .npy (no labels: use JSON or CSV) or CSV.
    pub data: PathBuf,
    /// The accuracy architecture (from `zkmodel architecture --task accuracy`).
    #[arg(long)]
    pub arch: PathBuf,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// CSV only: the label column's header name.
    #[arg(long)]
    pub label_column: Option<String>,
    /// Where to write the commitment.
    #[arg(short, long, default_value = "test-set.commitment")]
    pub output: PathBuf,
}

/// Runs `zkmodel commit-test-set`.
pub fn run_test_set(args: &TestSetArgs, out: &Output) -> Result<()> {
    let arch = load_model_arch(&args.arch)?;
    ensure!(
        matches!(arch.task, Task::Accuracy { .. }),
        "{} is not an accuracy architecture; only accuracy statements read a test set",
        args.arch.display()
    );
    let srs = load_srs(&args.srs)?;
    let ex = read_examples(&arch, &args.data, args.label_column.as_deref())?;
    let d = step("committing the test set", || {
        arch.commit_test_set(&srs, &ex)
    })?;
    let record = DataCommitmentRecord {
        architecture_id: arch.id(&srs),
        commitment: d.commitment,
    };
    artifact::save(
        artifact::DATA_COMMITMENT,
        &record,
        &args.output,
        Access::Public,
    )?;
    let c = point_json(&record.commitment);
    out.emit(
        &format!(
            "test-set commitment ({} examples) → {}\n  x {}\n  y {}\n  architecture {}",
            ex.count,
            args.output.display(),
            c["x"].as_str().unwrap_or_default(),
            c["y"].as_str().unwrap_or_default(),
            hex(&record.architecture_id),
        ),
        serde_json::json!({
            "commitment": c,
            "examples": ex.count,
            "architecture_id": hex(&record.architecture_id),
            "output": args.output,
        }),
    );
    Ok(())
}

/// Recompute the commitment of a training run's seeded initial model from its public seed and
/// layer widths, as any buyer can: the weights and the mask slots both derive from the seed,
/// so the same (architecture, widths, seed, SRS) always gives the same commitment. Pass the
/// result to `zkmodel verify --initial` instead of trusting the seller's file.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel commit-seeded --arch trained/training.arch.json --widths 64,32,10 --seed 7 --srs srs.bin -o initial.commitment"
)]
pub struct SeededArgs {
    /// The training architecture (from `zkmodel train`).
    #[arg(long)]
    pub arch: PathBuf,
    /// The layer widths the seller published: input, hidden…, classes.
    #[arg(long, value_delimiter = ',', required = true)]
    pub widths: Vec<usize>,
    /// The seed the seller published.
    #[arg(long)]
    pub seed: u64,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// Where to write the commitment.
    #[arg(short, long, default_value = "initial.commitment")]
    pub output: PathBuf,
}

/// Runs `zkmodel commit-seeded`.
pub fn run_seeded(args: &SeededArgs, out: &Output) -> Result<()> {
    let arch = match crate::common::load_arch(&args.arch)? {
        Architecture::Training(a) => a,
        other => anyhow::bail!(
            "{} is a {} architecture; seeded initial models belong to training statements",
            args.arch.display(),
            other.kind()
        ),
    };
    let srs = load_srs(&args.srs)?;
    let (_, committed) = step("committing the seeded initial model", || {
        zkmodel_prover::proof::train::commit_seeded_initial_model(
            &srs,
            &arch,
            &args.widths,
            args.seed,
        )
    })
    .with_context(|| format!("widths {:?} and seed {}", args.widths, args.seed))?;
    let record = zkmodel_prover::proof::model::ModelCommitmentRecord {
        shape_id: arch.shape.id(&srs),
        srs_id: srs.id(),
        commitment: committed.commitment,
        seeded: true,
    };
    artifact::save(
        artifact::MODEL_COMMITMENT,
        &record,
        &args.output,
        Access::Public,
    )?;
    let c = point_json(&record.commitment);
    out.emit(
        &format!(
            "seeded initial model (widths {:?}, seed {}) commitment → {}\n  x {}\n  y {}",
            args.widths,
            args.seed,
            args.output.display(),
            c["x"].as_str().unwrap_or_default(),
            c["y"].as_str().unwrap_or_default(),
        ),
        serde_json::json!({
            "commitment": c,
            "widths": args.widths,
            "seed": args.seed,
            "shape_id": hex(&record.shape_id),
            "output": args.output,
        }),
    );
    Ok(())
}
