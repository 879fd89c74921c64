//! What several commands share: loading artifacts with errors that name the file, reading a
//! statement's examples, hex formatting, and the progress spinner of a long step.

use crate::data;
use anyhow::{Context, Result};
use ark_bn254::G1Affine;
use std::path::Path;
use tracing_indicatif::span_ext::IndicatifSpanExt;
use zkmodel_prover::artifact;
use zkmodel_prover::graph::quant::{InputShape, QuantizedModel};
use zkmodel_prover::graph::tensor::Tensor;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_prover::proof::model::{
    DataCommitmentRecord, Examples, ModelArchitecture, ModelCommitmentRecord, ModelShape,
};

/// `0x`-prefixed lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A G1 point as the chain sees it: (x, y) as 32-byte big-endian words, hex.
pub fn point_json(p: &G1Affine) -> serde_json::Value {
    let [x, y] = zkmodel_prover::field::encoding::g1_to_words(p);
    serde_json::json!({ "x": hex(&x), "y": hex(&y) })
}

/// Loads an SRS file.
pub fn load_srs(path: &Path) -> Result<Srs> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let srs = Srs::from_bytes(&bytes).with_context(|| {
        format!(
            "{}: not a valid SRS file (write one with `zkmodel srs`)",
            path.display()
        )
    })?;
    if srs.origin.is_development() {
        tracing::warn!(
            "{} is the INSECURE development SRS: proofs under it can be forged",
            path.display()
        );
    }
    Ok(srs)
}

/// Loads an architecture file of any statement kind.
pub fn load_arch(path: &Path) -> Result<Architecture> {
    Architecture::load(path)
        .context("loading the architecture (`zkmodel architecture` or `zkmodel train` write one)")
}

/// Loads an architecture file that must be a model statement's (inference or accuracy).
pub fn load_model_arch(path: &Path) -> Result<ModelArchitecture> {
    match load_arch(path)? {
        Architecture::Model(a) => Ok(a),
        other => anyhow::bail!(
            "{} is a {} architecture; this command needs an inference or accuracy one",
            path.display(),
            other.kind()
        ),
    }
}

/// Loads a model commitment file and checks it is for a model of `shape` under `srs`; a
/// seeded (publicly openable) model is accepted only where `seeded_ok` (an initial model).
pub fn load_model_commitment(
    path: &Path,
    shape: &ModelShape,
    srs: &Srs,
    seeded_ok: bool,
) -> Result<G1Affine> {
    let r: ModelCommitmentRecord = artifact::load(artifact::MODEL_COMMITMENT, path)?;
    anyhow::ensure!(
        seeded_ok || !r.seeded,
        "{}: a seeded initial model's commitment (anyone can open it and prove anything about \
         it), not a model for sale",
        path.display()
    );
    anyhow::ensure!(
        r.shape_id == shape.id(srs),
        "{}: a commitment to a model of another shape (or under another SRS) than the statement's",
        path.display()
    );
    Ok(r.commitment)
}

/// Loads a quantized-model file.
pub fn load_model(path: &Path) -> Result<QuantizedModel> {
    QuantizedModel::load(path).with_context(|| format!("loading the model {}", path.display()))
}

/// Loads a data commitment (a registered test set or training set) and checks it is for
/// `arch` under `srs`.
pub fn load_data_commitment(path: &Path, arch: &Architecture, srs: &Srs) -> Result<G1Affine> {
    let r: DataCommitmentRecord = artifact::load(artifact::DATA_COMMITMENT, path)?;
    anyhow::ensure!(
        r.architecture_id == arch.id(srs),
        "{}: a data commitment for architecture {}, not this one ({})",
        path.display(),
        hex(&r.architecture_id),
        hex(&arch.id(srs))
    );
    Ok(r.commitment)
}

/// Reads a statement's examples from a data file (JSON, .npy, CSV) and quantizes them as the
/// architecture's model reads them.
pub fn read_examples(
    arch: &ModelArchitecture,
    path: &Path,
    label_column: Option<&str>,
) -> Result<Examples> {
    let input = arch.shape.input;
    let features = input.real_len();
    let ex = data::read(path, features, label_column)?;
    let shape = match input {
        InputShape::Flat { .. } => vec![ex.n, features],
        InputShape::Image { c, h, w } => vec![ex.n, c, h, w],
    };
    let x = Tensor::new(shape, ex.values)?;
    arch.examples(&x, ex.labels.as_deref())
        .with_context(|| format!("{} does not fit the architecture", path.display()))
}

/// The async runtime the chain and relayer commands run on (two workers: the machine's cores
/// go to proving).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Runs `f` under a progress spinner named `message` (shown on a terminal, hidden otherwise;
/// logs print above it without tearing it).
pub fn step<T>(message: &str, f: impl FnOnce() -> T) -> T {
    let span = tracing::info_span!(target: "zkmodel", "step", message);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner:.green} {msg} [{elapsed}]")
    {
        span.pb_set_style(&style);
    }
    span.pb_set_message(message);
    let _entered = span.enter();
    let start = std::time::Instant::now();
    let value = f();
    tracing::info!(target: "zkmodel", "{message}: {:.2?}", start.elapsed());
    value
}
