//! `zkmodel wrap`: compress a native proof of any statement kind into the constant-size
//! Groth16-wrapped proof the chain verifies, with its calldata.

use crate::Output;
use crate::common::{hex, load_srs, step};
use anyhow::{Context, Result, bail};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::{Path, PathBuf};
use zkmodel_prover::artifact;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::ModelProofFile;
use zkmodel_prover::proof::train::TrainingProofFile;
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::files::{PreparedFile, prepare_model, prepare_training};
use zkmodel_wrapper::groth16::Keys;

/// Wrap a proof (from `zkmodel prove` or `zkmodel train`) for the chain: a Groth16 proof of
/// its field part plus the opening's group elements, ~1 KB of calldata whatever the model.
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

enum Native {
    Model(ModelProofFile),
    Training(TrainingProofFile),
}

/// The architecture's Groth16 keys, read and checked on another thread: they are tens of MB,
/// and nothing before the proving key's MSMs needs them (the circuit's assignment and QAP
/// quotient are computed meanwhile).
pub struct KeyLoad {
    path: PathBuf,
    thread: std::thread::JoinHandle<Result<Keys, zkmodel_wrapper::error::Error>>,
}

impl KeyLoad {
    /// Starts reading the keys at `path`, which must be those of the architecture `id`.
    pub fn start(id: [u8; 32], path: &Path) -> Self {
        let owned = path.to_path_buf();
        Self {
            path: path.to_path_buf(),
            thread: std::thread::spawn(move || Keys::load(&id, &owned)),
        }
    }

    fn join(self) -> Result<Keys> {
        let keys = self
            .thread
            .join()
            .map_err(|_| anyhow::anyhow!("the thread loading the keys panicked"))?
            .with_context(|| format!("loading {}", self.path.display()))?;
        if keys.origin.is_development() {
            tracing::warn!("wrapping with INSECURE development keys: local chains and tests only");
        }
        Ok(keys)
    }
}

/// Where a wrap writes its results.
pub struct Outputs<'a> {
    /// The wrapped proof.
    pub wrapped: &'a Path,
    /// The `verify(statement, proof)` calldata, if wanted.
    pub calldata: Option<&'a Path>,
}

/// Wraps the native proof `prepare` synthesizes, under the keys `keys` is reading; checks the
/// result as a verifier will and writes it. Returns the report (text, JSON).
pub fn wrap_and_save(
    srs: &Srs,
    prepare: impl FnOnce() -> Result<PreparedFile, zkmodel_wrapper::error::Error>,
    keys: KeyLoad,
    to: &Outputs<'_>,
) -> Result<(String, serde_json::Value)> {
    let mut rng = ChaCha20Rng::from_entropy();
    let start = std::time::Instant::now();
    let (file, keys) = step("wrapping (Groth16)", || -> Result<_> {
        let prepared = prepare();
        let keys = keys.join()?;
        Ok((prepared?.finish(&keys, &mut rng)?, keys))
    })?;
    let wrap_s = start.elapsed().as_secs_f64();
    // Check the result as a verifier will (Groth16 against the key's verifying key, the KZG
    // pairing, the commitments as stated): a proving key that does not match its verifying
    // key, or any other fault, is caught here rather than on chain.
    let pins: Vec<_> = file
        .architecture
        .commitment_roles()
        .into_iter()
        .zip(&file.wrapped.commitments)
        .filter(|(r, _)| !r.is_free())
        .map(|(r, c)| (r, *c))
        .collect();
    file.verify(&keys, srs, &pins).context(
        "the wrapped proof does not verify with these keys (corrupt or mismatched key file?)",
    )?;
    let id = file.architecture.id(srs);
    let calldata = verify_calldata(&file.wrapped, &file.wrapped.public_values);
    file.save(to.wrapped)?;
    if let Some(path) = to.calldata {
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
    Ok((
        format!(
            "wrapped {} proof → {} ({:.2} s; verify() calldata {} bytes)\n  architecture {}",
            file.architecture.kind(),
            to.wrapped.display(),
            wrap_s,
            calldata.len(),
            hex(&id),
        ),
        serde_json::json!({
            "output": to.wrapped,
            "kind": file.architecture.kind().to_string(),
            "architecture_id": hex(&id),
            "calldata_bytes": calldata.len(),
            "calldata": to.calldata,
            "wrap_seconds": wrap_s,
            "insecure_development_keys": keys.origin.is_development(),
        }),
    ))
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let bytes =
        std::fs::read(&args.proof).with_context(|| format!("reading {}", args.proof.display()))?;
    let native = match artifact::sniff(&bytes).map(|(k, _)| k).as_deref() {
        Some(k) if k == artifact::MODEL_PROOF.name => Native::Model(
            artifact::from_bytes(artifact::MODEL_PROOF, &bytes)
                .with_context(|| format!("{}", args.proof.display()))?,
        ),
        Some(k) if k == artifact::TRAINING_PROOF.name => Native::Training(
            artifact::from_bytes(artifact::TRAINING_PROOF, &bytes)
                .with_context(|| format!("{}", args.proof.display()))?,
        ),
        _ => bail!(
            "{}: not a native proof (wrap reads `zkmodel prove` and `zkmodel train` output)",
            args.proof.display()
        ),
    };
    let srs = load_srs(&args.srs)?;
    let arch = match &native {
        Native::Model(f) => Architecture::Model(f.architecture.clone()),
        Native::Training(f) => Architecture::Training(f.architecture.clone()),
    };
    let keys = KeyLoad::start(arch.id(&srs), &args.keys);
    let (text, json) = wrap_and_save(
        &srs,
        || match &native {
            Native::Model(f) => prepare_model(&srs, f),
            Native::Training(f) => prepare_training(&srs, f),
        },
        keys,
        &Outputs {
            wrapped: &args.output,
            calldata: args.calldata.as_deref(),
        },
    )?;
    out.emit(&text, json);
    Ok(())
}
