//! `zkmodel verify`: check a native or wrapped proof of any statement kind against the
//! commitments the verifier pins, role by role.

use crate::Output;
use crate::common::{hex, load_arch, load_data_commitment, load_model_commitment, load_srs};
use crate::prove::{public_json, public_text};
use anyhow::{Context, Result, bail, ensure};
use ark_bn254::G1Affine;
use std::path::PathBuf;
use zkmodel_prover::artifact;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{ModelProofFile, PublicValues};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::train::TrainingProofFile;
use zkmodel_wrapper::files::{WRAPPED_PROOF, WrappedProofFile};
use zkmodel_wrapper::groth16::Keys;

/// Verify a proof (from `zkmodel prove` or `zkmodel train`) or a wrapped proof (from
/// `zkmodel wrap`).
///
/// A proof means something only about commitments someone you trust registered: pass the
/// model commitment the seller registered; for an accuracy claim the test-set commitment its
/// publisher registered; for a training claim the initial model and the dataset. Exit status
/// 0 when the proof verifies, 1 (with the reason) when it does not.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel verify inference.proof --arch inference.arch.json --srs srs.bin --commitment model.commitment\n  \
zkmodel verify accuracy.proof --arch accuracy.arch.json --srs srs.bin --commitment model.commitment --test-set test-set.commitment\n  \
zkmodel verify trained/training.proof --arch trained/training.arch.json --srs srs.bin --commitment trained/model.commitment --initial initial.commitment --dataset trained/dataset.commitment\n  \
zkmodel verify accuracy.wrapped --arch accuracy.arch.json --srs srs.bin --keys accuracy.keys --commitment model.commitment --test-set test-set.commitment"
)]
pub struct Args {
    /// The proof or wrapped proof.
    pub proof: PathBuf,
    /// The KZG SRS.
    #[arg(long)]
    pub srs: PathBuf,
    /// The registered model commitment (for training: the trained model's).
    #[arg(long)]
    pub commitment: PathBuf,
    /// Accuracy: the registered test-set commitment (from `zkmodel commit-test-set`).
    #[arg(long)]
    pub test_set: Option<PathBuf>,
    /// Inference with a committed input: your own input's commitment (optional).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Training: the initial model's registered commitment.
    #[arg(long)]
    pub initial: Option<PathBuf>,
    /// Training: the registered dataset commitment.
    #[arg(long)]
    pub dataset: Option<PathBuf>,
    /// The architecture you expect (the one registered with the verifier you trust): the proof
    /// names its own, and what a proof claims — task, batch, which values are public — is its
    /// architecture's to say.
    #[arg(long)]
    pub arch: PathBuf,
    /// Wrapped proofs: the Groth16 keys of the architecture (from `zkmodel setup`).
    #[arg(long)]
    pub keys: Option<PathBuf>,
}

/// The pins for every role of `arch`, from the flags; a required one missing says which flag.
fn pins(args: &Args, arch: &Architecture, srs: &Srs) -> Result<Vec<(CommitmentRole, G1Affine)>> {
    let expected = load_arch(&args.arch)?;
    ensure!(
        &expected == arch,
        "the proof is for another architecture than {}:\n  proof:    {}\n  expected: {}",
        args.arch.display(),
        arch.description(),
        expected.description()
    );
    // A pin for a role the statement does not have would be silently unchecked: refuse it.
    let roles = arch.commitment_roles();
    for (flag, given, role) in [
        ("--test-set", &args.test_set, CommitmentRole::TestSet),
        ("--data", &args.data, CommitmentRole::Data),
        ("--initial", &args.initial, CommitmentRole::InitialModel),
        ("--dataset", &args.dataset, CommitmentRole::Dataset),
    ] {
        ensure!(
            given.is_none() || roles.contains(&role),
            "{flag} was given but this {} statement has no {role} commitment: it is not the \
             claim you expected",
            arch.kind()
        );
    }
    let shape = match arch {
        Architecture::Model(a) => &a.shape,
        Architecture::Training(a) => &a.shape,
    };
    let required = |flag: &Option<PathBuf>, name: &str, why: &str| -> Result<PathBuf> {
        flag.clone()
            .with_context(|| format!("this {} claim needs --{name}: {why}", arch.kind()))
    };
    let mut pins = Vec::new();
    for role in arch.commitment_roles() {
        let value = match role {
            CommitmentRole::Model | CommitmentRole::FinalModel => {
                load_model_commitment(&args.commitment, shape, srs, false)?
            }
            CommitmentRole::TestSet => load_data_commitment(
                &required(
                    &args.test_set,
                    "test-set",
                    "an accuracy count means something only against a test set its publisher registered",
                )?,
                arch,
                srs,
            )?,
            CommitmentRole::InitialModel => load_model_commitment(
                &required(
                    &args.initial,
                    "initial",
                    "the registered (or seed-derived) initial model's commitment",
                )?,
                shape,
                srs,
                true,
            )?,
            CommitmentRole::Dataset => load_data_commitment(
                &required(
                    &args.dataset,
                    "dataset",
                    "the registered training set's commitment",
                )?,
                arch,
                srs,
            )?,
            CommitmentRole::Data => match &args.data {
                Some(p) => load_data_commitment(p, arch, srs)?,
                None => continue,
            },
            CommitmentRole::Trace => continue,
        };
        pins.push((role, value));
    }
    Ok(pins)
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let srs = load_srs(&args.srs)?;
    let bytes =
        std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
    let kind = artifact::sniff(&bytes).map(|(k, _)| k);
    let not_valid = || format!("{} does not verify", args.proof.display());
    let mut key_origin: Option<String> = None;
    let (arch, public, wrapped) = match kind.as_deref() {
        Some(k) if k == artifact::MODEL_PROOF.name => {
            let file: ModelProofFile = artifact::load(artifact::MODEL_PROOF, &args.proof)?;
            let arch = Architecture::Model(file.architecture.clone());
            let public = file
                .verify(&srs, &pins(args, &arch, &srs)?)
                .with_context(not_valid)?;
            (arch, Some(public), false)
        }
        Some(k) if k == artifact::TRAINING_PROOF.name => {
            let file: TrainingProofFile = artifact::load(artifact::TRAINING_PROOF, &args.proof)?;
            let arch = Architecture::Training(file.architecture.clone());
            file.verify(&srs, &pins(args, &arch, &srs)?)
                .with_context(not_valid)?;
            (arch, None, false)
        }
        Some(k) if k == WRAPPED_PROOF.name => {
            let file = WrappedProofFile::load(&args.proof)?;
            let arch = file.architecture.clone();
            let pins = pins(args, &arch, &srs)?;
            let keys_path = args
                .keys
                .as_ref()
                .context("a wrapped proof needs --keys (the architecture's Groth16 keys)")?;
            let keys = Keys::load(&arch.id(&srs), keys_path)
                .with_context(|| format!("loading {}", keys_path.display()))?;
            file.verify(&keys, &srs, &pins).with_context(not_valid)?;
            key_origin = Some(keys.origin.to_string());
            let public = match &arch {
                Architecture::Model(a) => {
                    Some(PublicValues::from_chain(a, &file.wrapped.public_values)?)
                }
                Architecture::Training(_) => None,
            };
            (arch, public, true)
        }
        Some(other) => bail!(
            "{}: a `{other}` file, not a proof (verify reads `zkmodel prove`, `zkmodel train` and `zkmodel wrap` output)",
            args.proof.display()
        ),
        None => bail!("{}: not a zkmodel proof file", args.proof.display()),
    };
    let values = match (&arch, &public) {
        (Architecture::Model(a), Some(p)) => public_json(a, p)?,
        _ => serde_json::json!({}),
    };
    let mut text = format!(
        "VALID {}{} proof\n  architecture {}\n  SRS {} ({})",
        if wrapped { "wrapped " } else { "" },
        arch.kind(),
        hex(&arch.id(&srs)),
        hex(&srs.id()),
        srs.origin,
    );
    if let Some(origin) = &key_origin {
        text.push_str(&format!("\n  keys: {origin}"));
    }
    let lines = public_text(&values);
    if !lines.is_empty() {
        text.push('\n');
        text.push_str(&lines);
    }
    out.emit(
        &text,
        serde_json::json!({
            "valid": true,
            "wrapped": wrapped,
            "kind": arch.kind().to_string(),
            "architecture_id": hex(&arch.id(&srs)),
            "srs_id": hex(&srs.id()),
            "srs_origin": srs.origin.to_string(),
            "insecure_development_srs": srs.origin.is_development(),
            "key_origin": key_origin,
            "public": values,
        }),
    );
    Ok(())
}
