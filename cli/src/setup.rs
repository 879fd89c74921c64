//! `zkmodel setup` (Groth16 keys for an architecture) and `zkmodel export-verifier` (its
//! Solidity verifier).

use crate::Output;
use crate::common::{hex, load_arch, load_srs, step};
use anyhow::{Context, Result, bail};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_wrapper::groth16::Keys;
use zkmodel_wrapper::solidity::{VerifierSpec, render};

/// Generate INSECURE development Groth16 keys for an architecture's wrapper circuit.
///
/// This is the single-party development setup (`--insecure-dev`): whoever runs it knows the
/// toxic waste and can forge any proof under these keys. Use it on local chains and in tests;
/// a buyer must never trust a verifier with such keys. Keys a buyer can trust come from
/// `zkmodel ceremony`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel setup --arch inference.arch.json --srs srs.bin --insecure-dev -o inference.keys"
)]
pub struct SetupArgs {
    /// The architecture (from `zkmodel architecture`).
    #[arg(long)]
    pub arch: PathBuf,
    /// The KZG SRS (the keys are bound to the architecture id under it).
    #[arg(long)]
    pub srs: PathBuf,
    /// Acknowledge the INSECURE single-party development setup (for trusted keys: `zkmodel
    /// ceremony`).
    #[arg(long)]
    pub insecure_dev: bool,
    /// Seed of the development setup (default: fresh randomness).
    #[arg(long, requires = "insecure_dev")]
    pub seed: Option<u64>,
    /// Where to write the keys.
    #[arg(short, long, default_value = "keys.bin")]
    pub output: PathBuf,
}

/// Runs `zkmodel setup`.
pub fn run_setup(args: &SetupArgs, out: &Output) -> Result<()> {
    if !args.insecure_dev {
        bail!(
            "`zkmodel setup` is the INSECURE single-party development setup: pass \
             --insecure-dev to generate keys that whoever runs this can forge proofs with \
             (local chains and tests only); keys a buyer can trust come from `zkmodel ceremony`"
        );
    }
    let arch = load_arch(&args.arch)?;
    let srs = load_srs(&args.srs)?;
    let mut rng = match args.seed {
        Some(s) => ChaCha20Rng::seed_from_u64(s),
        None => ChaCha20Rng::from_entropy(),
    };
    let keys = step(
        "generating Groth16 keys (INSECURE development setup)",
        || zkmodel_wrapper::files::setup_insecure_dev(&arch, &mut rng),
    )?;
    let id = arch.id(&srs);
    keys.save(&id, &args.output)?;
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    out.emit(
        &format!(
            "Groth16 keys → {} ({size} bytes)\n  architecture {}\n  origin: {}\nWARNING: INSECURE development keys — anyone holding the setup's randomness can forge proofs; local chains and tests only",
            args.output.display(),
            hex(&id),
            keys.origin,
        ),
        serde_json::json!({
            "output": args.output,
            "architecture_id": hex(&id),
            "origin": keys.origin.to_string(),
            "insecure_development": keys.origin.is_development(),
            "bytes": size,
        }),
    );
    Ok(())
}

/// Write the Solidity verifier of an architecture: its verifying key, SRS point, commitment
/// roles and public layout, all derived from the architecture and the keys.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel export-verifier --arch inference.arch.json --srs srs.bin --keys inference.keys --name MyModelInferenceVerifier -o MyModelInferenceVerifier.sol"
)]
pub struct ExportArgs {
    /// The architecture.
    #[arg(long)]
    pub arch: PathBuf,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// The architecture's Groth16 keys (from `zkmodel setup`).
    #[arg(long)]
    pub keys: PathBuf,
    /// The contract's name (a Solidity identifier).
    #[arg(long, default_value = "ZkmodelVerifier")]
    pub name: String,
    /// A one-line description for the contract's NatSpec (default: the architecture's).
    #[arg(long)]
    pub description: Option<String>,
    /// Where to write the contract.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Runs `zkmodel export-verifier`.
pub fn run_export(args: &ExportArgs, out: &Output) -> Result<()> {
    let valid_name = args
        .name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && args
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        bail!(
            "--name `{}` is not a Solidity identifier (letters, digits, _; not starting with a digit)",
            args.name
        );
    }
    let arch = load_arch(&args.arch)?;
    let srs = load_srs(&args.srs)?;
    let id = arch.id(&srs);
    let keys =
        Keys::load(&id, &args.keys).with_context(|| format!("loading {}", args.keys.display()))?;
    let default_description = format!(
        "{} {}{}",
        arch.kind(),
        arch.description(),
        if keys.origin.is_development() {
            " (development keys)"
        } else {
            ""
        }
    );
    let description = args.description.clone().unwrap_or(default_description);
    let source = render(&VerifierSpec {
        name: &args.name,
        description: &description,
        info: arch.info(&srs)?,
        vk: &keys.vk,
        key_origin: &keys.origin,
        srs: &srs,
        opening_row: arch.opening_row()?,
    })?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.sol", args.name)));
    zkmodel_prover::artifact::write_file(
        &output,
        source.as_bytes(),
        zkmodel_prover::artifact::Access::Public,
        "Solidity verifier",
    )?;
    let mut text = format!(
        "verifier {} → {}\n  architecture {}\n  commitments: {}",
        args.name,
        output.display(),
        hex(&id),
        arch.commitment_roles()
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if keys.origin.is_development() {
        text.push_str("\nWARNING: INSECURE development keys — the marketplace accepts this verifier only on a local development chain");
    }
    out.emit(
        &text,
        serde_json::json!({
            "output": output,
            "name": args.name,
            "architecture_id": hex(&id),
            "insecure_development_keys": keys.origin.is_development(),
            "insecure_development_srs": srs.origin.is_development(),
        }),
    );
    Ok(())
}
