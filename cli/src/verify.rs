//! `zkmodel verify`: check a native or wrapped proof against the commitments the verifier
//! pins (the registered model; for accuracy, the registered test set).

use crate::Output;
use crate::common::{hex, load_arch, load_data_commitment, load_srs};
use crate::prove::{public_json, public_text};
use anyhow::{Context, Result, bail, ensure};
use ark_bn254::G1Affine;
use std::path::{Path, PathBuf};
use zkmodel_prover::artifact;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelCommitmentRecord, ModelProofFile, PublicValues, Task,
};
use zkmodel_wrapper::files::{WRAPPED_MODEL_PROOF, WrappedModelProofFile};
use zkmodel_wrapper::groth16::Keys;

/// Verify a proof file (from `zkmodel prove`) or a wrapped proof (from `zkmodel wrap`).
///
/// A proof means something only about commitments someone you trust registered: pass the
/// model commitment the seller registered, and for an accuracy claim the test-set commitment
/// its publisher registered. Exit status 0 when the proof verifies, 1 (with the reason) when
/// it does not.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel verify inference.proof --srs srs.bin --commitment model.commitment\n  \
zkmodel verify accuracy.proof --srs srs.bin --commitment model.commitment --test-set test-set.commitment\n  \
zkmodel verify accuracy.wrapped --srs srs.bin --keys accuracy.keys --commitment model.commitment --test-set test-set.commitment"
)]
pub struct Args {
    /// The proof or wrapped proof.
    pub proof: PathBuf,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// The registered model commitment (from `zkmodel commit`).
    #[arg(long)]
    pub commitment: PathBuf,
    /// Accuracy: the registered test-set commitment (from `zkmodel commit-test-set`).
    #[arg(long)]
    pub test_set: Option<PathBuf>,
    /// Require this architecture (the proof names its own; this checks it is the one you
    /// expect).
    #[arg(long)]
    pub arch: Option<PathBuf>,
    /// Wrapped proofs: the Groth16 keys of the architecture (from `zkmodel setup`).
    #[arg(long)]
    pub keys: Option<PathBuf>,
}

fn pins(args: &Args, arch: &ModelArchitecture, srs: &Srs) -> Result<(G1Affine, Option<G1Affine>)> {
    if let Some(expected) = &args.arch {
        let expected = load_arch(expected)?;
        ensure!(
            &expected == arch,
            "the proof is for another architecture than {}:\n  proof:    {}\n  expected: {}",
            args.arch
                .as_deref()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            arch.description(),
            expected.description()
        );
    }
    let record: ModelCommitmentRecord =
        artifact::load(artifact::MODEL_COMMITMENT, &args.commitment)?;
    ensure!(
        record.shape_id == arch.shape.id(srs),
        "{}: a commitment to a model of another shape (or under another SRS) than the proof's",
        args.commitment.display()
    );
    let data = match (&args.test_set, arch.task) {
        (Some(p), _) => Some(load_data_commitment(p, arch, srs)?),
        (None, Task::Accuracy { .. }) => bail!(
            "an accuracy claim means something only against a registered test set: pass \
             --test-set with its publisher's commitment"
        ),
        (None, Task::Inference { .. }) => None,
    };
    Ok((record.commitment, data))
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let srs = load_srs(&args.srs)?;
    let bytes =
        std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
    let kind = artifact::sniff(&bytes).map(|(k, _)| k);
    let (arch, public, wrapped) = match kind.as_deref() {
        Some(k) if k == artifact::MODEL_PROOF.name => {
            let file: ModelProofFile = artifact::load(artifact::MODEL_PROOF, &args.proof)?;
            let (model, data) = pins(args, &file.architecture, &srs)?;
            let public = file
                .verify(&srs, Some(model), data)
                .with_context(|| format!("{} does not verify", args.proof.display()))?;
            (file.architecture, public, false)
        }
        Some(k) if k == WRAPPED_MODEL_PROOF.name => {
            let file = WrappedModelProofFile::load(&args.proof)?;
            let arch = &file.architecture;
            let (model, data) = pins(args, arch, &srs)?;
            let keys_path = args
                .keys
                .as_ref()
                .context("a wrapped proof needs --keys (the architecture's Groth16 keys)")?;
            let keys = Keys::load(&arch.id(&srs), keys_path)
                .with_context(|| format!("loading {}", keys_path.display()))?;
            file.verify(&keys, &srs, model, data)
                .with_context(|| format!("{} does not verify", args.proof.display()))?;
            let public = PublicValues::from_chain(arch, &file.wrapped.public_values)?;
            (file.architecture, public, true)
        }
        Some(other) => bail!(
            "{}: a `{other}` file, not a proof (verify reads `zkmodel prove` and `zkmodel wrap` output)",
            args.proof.display()
        ),
        None => bail!("{}: not a zkmodel proof file", args.proof.display()),
    };
    let values = public_json(&arch, &public)?;
    out.emit(
        &format!(
            "VALID {}{} proof\n{}\n  architecture {}",
            if wrapped { "wrapped " } else { "" },
            arch.kind(),
            public_text(&values),
            hex(&arch.id(&srs)),
        ),
        serde_json::json!({
            "valid": true,
            "wrapped": wrapped,
            "kind": arch.kind().to_string(),
            "architecture_id": hex(&arch.id(&srs)),
            "public": values,
        }),
    );
    Ok(())
}
