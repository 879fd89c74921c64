//! `zkmodel srs`: the KZG structured reference string a statement needs.

use crate::Output;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use zkmodel_prover::graph::quant::QuantizedModel;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{ModelArchitecture, ModelShape, Task, Visibility};
use zkmodel_wrapper::ceremony::Snarkjs;
use zkmodel_wrapper::ceremony::ptau_trust::authenticate;
use zkmodel_wrapper::origin::PtauTrust;

/// Write the KZG SRS a statement needs: imported from a public Powers-of-Tau file, or the
/// INSECURE development one (its τ comes from a public seed: anyone can forge proofs with it;
/// local chains and tests only).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel srs --ptau powersOfTau28_hez_final_20.ptau --model model.zkm --examples 360 -o srs.bin\n  \
zkmodel srs --dev --size 65536 -o dev-srs.bin\n  \
zkmodel srs --ptau powersOfTau28_hez_final_20.ptau --arch trained/training.arch.json -o srs.bin"
)]
pub struct Args {
    /// Import from this snarkjs / Perpetual Powers of Tau file. A published Perpetual Powers
    /// of Tau file is recognised by its hash; any other file that records contributions must
    /// pass `snarkjs powersoftau verify` (run here).
    #[arg(long, conflicts_with = "dev", required_unless_present = "dev")]
    pub ptau: Option<PathBuf>,
    /// The snarkjs executable for `powersoftau verify` (default: $ZKMODEL_SNARKJS, else snarkjs
    /// on the PATH).
    #[arg(long, requires = "ptau")]
    pub snarkjs: Option<PathBuf>,
    /// The INSECURE development SRS (seeded τ).
    #[arg(long)]
    pub dev: bool,
    /// Seed of the development SRS.
    #[arg(long, default_value_t = 2026, requires = "dev")]
    pub seed: u64,
    /// G1 powers to keep. Default: what `--model` needs, else all of the .ptau file.
    #[arg(long)]
    pub size: Option<usize>,
    /// Size the SRS for this model's statements.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// With `--model`: accuracy over this many test examples (default: inference on one input).
    #[arg(long, requires = "model")]
    pub examples: Option<usize>,
    /// Size the SRS for this architecture (any statement kind, training included).
    #[arg(long, conflicts_with = "model")]
    pub arch: Option<PathBuf>,
    /// Where to write the SRS.
    #[arg(short, long, default_value = "srs.bin")]
    pub output: PathBuf,
}

/// G1 powers the model's inference (batch 1) or accuracy (`examples`) statement needs.
fn needed(model: &std::path::Path, examples: Option<usize>) -> Result<usize> {
    let q = QuantizedModel::load(model).with_context(|| format!("{}", model.display()))?;
    let task = match examples {
        Some(examples) => Task::Accuracy { examples },
        None => Task::Inference {
            rows: 1,
            input: Visibility::Committed,
            output: Visibility::Public,
        },
    };
    let arch = ModelArchitecture {
        shape: ModelShape::from(&q),
        task,
    };
    Ok(arch.vector_lengths()?.into_iter().max().unwrap_or(1))
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let needed = match (&args.model, &args.arch) {
        (Some(m), _) => Some(needed(m, args.examples)?),
        (None, Some(a)) => Some(
            crate::common::load_arch(a)?
                .vector_lengths()?
                .into_iter()
                .max()
                .unwrap_or(1),
        ),
        (None, None) => None,
    };
    let size = args.size.or(needed);
    let mut trust = None;
    let srs = match (&args.ptau, args.dev) {
        (Some(path), _) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let srs = Srs::from_ptau(&bytes, size.unwrap_or(usize::MAX))
                .with_context(|| format!("importing {}", path.display()))?;
            let snarkjs = args
                .snarkjs
                .clone()
                .map_or_else(Snarkjs::locate, Snarkjs::at);
            trust = Some(authenticate(&snarkjs, &bytes, path).with_context(|| {
                format!(
                    "{} is not a published Perpetual Powers of Tau file and snarkjs does not \
                     verify it: its τ cannot be trusted",
                    path.display()
                )
            })?);
            srs
        }
        (None, true) => match size {
            Some(n) => Srs::insecure_development(args.seed, n),
            None => bail!("--dev needs --size, --model or --arch"),
        },
        (None, false) => bail!("pass --ptau FILE or --dev"),
    };
    if let Some(n) = needed
        && srs.size() < n
    {
        bail!(
            "the SRS has {} G1 powers but the statement needs {n}: use a Powers-of-Tau file of \
             a higher power",
            srs.size()
        );
    }
    zkmodel_prover::artifact::write_file(
        &args.output,
        &srs.to_bytes()?,
        zkmodel_prover::artifact::Access::Public,
        "SRS file",
    )
    .with_context(|| format!("writing {}", args.output.display()))?;
    let development = srs.origin.is_development();
    let trust_text = match trust {
        Some(PtauTrust::Published) => "a published Perpetual Powers of Tau file",
        Some(PtauTrust::Verified) => "verified by snarkjs powersoftau verify",
        Some(PtauTrust::Unverified) => "records no contribution (development)",
        None => "seeded (development)",
    };
    let id = srs.id();
    let id_hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let mut text = format!(
        "SRS → {}: {} G1 powers, id 0x{id_hex}\norigin: {} ({trust_text})",
        args.output.display(),
        srs.size(),
        srs.origin
    );
    if development {
        text.push_str("\nWARNING: INSECURE development SRS — for tests and local chains only");
    }
    out.emit(
        &text,
        serde_json::json!({
            "output": args.output,
            "size": srs.size(),
            "id": format!("0x{id_hex}"),
            "origin": srs.origin.to_string(),
            "ptau": trust_text,
            "insecure_development": development,
        }),
    );
    Ok(())
}
