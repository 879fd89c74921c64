//! `zkmodel architecture`: the public description of a statement (model shape and task) that
//! keys, verifiers and proofs are made for.

use crate::Output;
use crate::common::{hex, load_model, load_srs};
use anyhow::{Context, Result};
use std::path::PathBuf;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{ModelArchitecture, ModelShape, Task, Visibility};

/// Which claim a statement makes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// The model maps committed inputs to public logits.
    Inference,
    /// The model classifies `count` of a committed test set's examples correctly.
    Accuracy,
}

/// Write the architecture of a statement about a model: its shape (no weights) and the task.
///
/// The architecture is public: a buyer reads it, keys and the Solidity verifier are generated
/// from it, and its id (under an SRS) is what the marketplace registers.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel architecture model.zkm --task inference -o inference.arch.json\n  \
zkmodel architecture model.zkm --task accuracy --examples 360 -o accuracy.arch.json"
)]
pub struct Args {
    /// The quantized model (from `zkmodel import`).
    pub model: PathBuf,
    /// The claim.
    #[arg(long, value_enum)]
    pub task: TaskKind,
    /// Inference: inputs per proof.
    #[arg(long, default_value_t = 1)]
    pub rows: usize,
    /// Inference: make the input public (default: committed, hidden).
    #[arg(long)]
    pub public_input: bool,
    /// Inference: commit the logits instead of making them public.
    #[arg(long)]
    pub committed_output: bool,
    /// Accuracy: the test set's size.
    #[arg(long, required_if_eq("task", "accuracy"))]
    pub examples: Option<usize>,
    /// Print the architecture id under this SRS.
    #[arg(long)]
    pub srs: Option<PathBuf>,
    /// Where to write the architecture.
    #[arg(short, long, default_value = "arch.json")]
    pub output: PathBuf,
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let q = load_model(&args.model)?;
    let visibility = |public: bool| {
        if public {
            Visibility::Public
        } else {
            Visibility::Committed
        }
    };
    let task = match args.task {
        TaskKind::Inference => Task::Inference {
            rows: args.rows,
            input: visibility(args.public_input),
            output: visibility(!args.committed_output),
        },
        TaskKind::Accuracy => Task::Accuracy {
            examples: args.examples.unwrap_or(0),
        },
    };
    let arch = Architecture::Model(ModelArchitecture {
        shape: ModelShape::from(&q),
        task,
    });
    let lengths = arch
        .vector_lengths()
        .context("this model and task do not form a provable statement")?;
    arch.save(&args.output)?;
    let id = match &args.srs {
        Some(p) => Some(hex(&arch.id(&load_srs(p)?))),
        None => None,
    };
    let needed = lengths.iter().copied().max().unwrap_or(1);
    let mut text = format!(
        "architecture → {}\n  {}\n  commitments: {}\n  SRS powers needed: {needed}",
        args.output.display(),
        arch.description(),
        arch.commitment_roles()
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(id) = &id {
        text.push_str(&format!("\n  id: {id}"));
    }
    out.emit(
        &text,
        serde_json::json!({
            "output": args.output,
            "description": arch.description(),
            "kind": arch.kind().to_string(),
            "roles": arch.commitment_roles().iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "srs_powers_needed": needed,
            "public_values": arch.public_len()?,
            "id": id,
        }),
    );
    Ok(())
}
