//! `zkmodel wrap`: compress a native proof into the constant-size Groth16-wrapped proof the
//! chain verifies, with its calldata.

use crate::Output;
use crate::common::{hex, load_srs, step};
use anyhow::{Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::artifact;
use zkmodel_prover::proof::model::ModelProofFile;
use zkmodel_prover::proof::roles::ModelCommitments;
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::files::WrappedModelProofFile;
use zkmodel_wrapper::groth16::Keys;

/// Wrap a proof (from `zkmodel prove`) for the chain: a Groth16 proof of its field part plus
/// the opening's group elements, ~1 KB of calldata whatever the model.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel wrap inference.proof --keys inference.keys --srs srs.bin -o inference.wrapped --calldata inference.calldata.json"
)]
pub struct Args {
    /// The native proof.
    pub proof: PathBuf,
    /// The architecture's Groth16 keys (from `zkmodel setup`).
    #[arg(long)]
    pub keys: PathBuf,
    /// The KZG SRS the proof was made under.
    #[arg(long)]
    pub srs: PathBuf,
    /// Where to write the wrapped proof.
    #[arg(short, long, default_value = "statement.wrapped")]
    pub output: PathBuf,
    /// Also write the verifier's `verify(statement, proof)` calldata as JSON.
    #[arg(long)]
    pub calldata: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let file: ModelProofFile = artifact::load(artifact::MODEL_PROOF, &args.proof)?;
    let srs = load_srs(&args.srs)?;
    let arch = &file.architecture;
    let id = arch.id(&srs);
    let keys =
        Keys::load(&id, &args.keys).with_context(|| format!("loading {}", args.keys.display()))?;
    if keys.origin.is_development() {
        tracing::warn!("wrapping with INSECURE development keys: local chains and tests only");
    }
    let public = file.public()?;
    let commitments = ModelCommitments {
        model: file.model,
        trace: file.proof.trace_commitment,
        data: file.data,
    };
    let mut rng = ChaCha20Rng::from_entropy();
    let start = std::time::Instant::now();
    let wrapped = step("wrapping (Groth16)", || {
        zkmodel_wrapper::model::wrap(
            &keys,
            &srs,
            arch,
            &commitments,
            &public,
            &file.proof,
            &mut rng,
        )
    })?;
    let wrap_s = start.elapsed().as_secs_f64();
    let calldata = verify_calldata(&wrapped, &wrapped.public_values);
    let wrapped_file = WrappedModelProofFile {
        architecture: arch.clone(),
        wrapped,
    };
    wrapped_file.save(&args.output)?;
    if let Some(path) = &args.calldata {
        let json = serde_json::json!({
            "architecture_id": hex(&id),
            "verify_calldata": hex(&calldata),
        });
        artifact::write_file(
            path,
            json.to_string().as_bytes(),
            artifact::Access::Public,
            "calldata file",
        )?;
    }
    out.emit(
        &format!(
            "wrapped proof → {} ({:.2} s; verify() calldata {} bytes)\n  architecture {}",
            args.output.display(),
            wrap_s,
            calldata.len(),
            hex(&id),
        ),
        serde_json::json!({
            "output": args.output,
            "architecture_id": hex(&id),
            "calldata_bytes": calldata.len(),
            "calldata": args.calldata,
            "wrap_seconds": wrap_s,
            "insecure_development_keys": keys.origin.is_development(),
        }),
    );
    Ok(())
}
