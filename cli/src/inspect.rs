//! `zkmodel inspect`: what an artifact is.

use crate::Output;
use crate::common::{hex, point_json};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use zkmodel_prover::artifact;
use zkmodel_prover::graph::quant::{MODEL_FORMAT, QLayer, QuantizedModel};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::srs::SRS_MAGIC;
use zkmodel_prover::proof::architecture::{
    ARCHITECTURE_FORMAT, ARCHITECTURE_VERSION, Architecture,
};
use zkmodel_prover::proof::model::{
    DataCommitmentRecord, ModelCommitmentRecord, ModelOpening, ModelProofFile, ModelShape,
};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::train::{DATASET_OPENING, DatasetOpening, TrainingProofFile};
use zkmodel_wrapper::files::{WRAPPED_PROOF, WrappedProofFile};
use zkmodel_wrapper::groth16::Keys;

fn roles(r: &[CommitmentRole]) -> String {
    r.iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The binary artifacts (header `zkmodel/<kind>/v<N>`): commitments, openings, proofs, keys.
fn binary(args: &Args, bytes: &[u8], kind: &str, version: u32, out: &Output) -> Result<()> {
    let file = args.file.display();
    let size = bytes.len();
    let (text, json) = if kind == artifact::MODEL_COMMITMENT.name {
        let r: ModelCommitmentRecord = artifact::from_bytes(artifact::MODEL_COMMITMENT, bytes)
            .with_context(|| format!("{file}"))?;
        let c = point_json(&r.commitment);
        (
            format!(
                "{}model commitment (public)\n  x {}\n  y {}\n  model shape id {}\n  SRS id {}",
                if r.seeded { "seeded initial " } else { "" },
                c["x"].as_str().unwrap_or_default(),
                c["y"].as_str().unwrap_or_default(),
                hex(&r.shape_id),
                hex(&r.srs_id)
            ),
            serde_json::json!({ "commitment": c, "shape_id": hex(&r.shape_id), "srs_id": hex(&r.srs_id), "seeded": r.seeded }),
        )
    } else if kind == artifact::MODEL_OPENING.name {
        let o: ModelOpening = artifact::from_bytes(artifact::MODEL_OPENING, bytes)
            .with_context(|| format!("{file}"))?;
        let c = point_json(&o.model.commitment);
        (
            format!(
                "model opening (SECRET: the weights and mask randomness; never publish it)\n  {} vector entries\n  commitment x {}\n  model shape id {}",
                o.model.vector.len(),
                c["x"].as_str().unwrap_or_default(),
                hex(&o.shape_id)
            ),
            serde_json::json!({ "secret": true, "entries": o.model.vector.len(), "commitment": c, "shape_id": hex(&o.shape_id), "srs_id": hex(&o.srs_id) }),
        )
    } else if kind == artifact::DATA_COMMITMENT.name {
        let r: DataCommitmentRecord = artifact::from_bytes(artifact::DATA_COMMITMENT, bytes)
            .with_context(|| format!("{file}"))?;
        let c = point_json(&r.commitment);
        (
            format!(
                "data commitment (public)\n  x {}\n  y {}\n  architecture {}",
                c["x"].as_str().unwrap_or_default(),
                c["y"].as_str().unwrap_or_default(),
                hex(&r.architecture_id)
            ),
            serde_json::json!({ "commitment": c, "architecture_id": hex(&r.architecture_id) }),
        )
    } else if kind == artifact::MODEL_PROOF.name {
        let p: ModelProofFile = artifact::from_bytes(artifact::MODEL_PROOF, bytes)
            .with_context(|| format!("{file}"))?;
        let public = crate::prove::public_json(&p.architecture, &p.public()?)?;
        (
            format!(
                "{} proof (native, not verified by inspect)\n  {}\n{}\n  SRS id {}",
                p.architecture.kind(),
                p.architecture.description(),
                crate::prove::public_text(&public),
                hex(&p.srs_id)
            ),
            serde_json::json!({ "statement": p.architecture.kind().to_string(), "description": p.architecture.description(), "public": public, "srs_id": hex(&p.srs_id) }),
        )
    } else if kind == artifact::TRAINING_PROOF.name {
        let p: TrainingProofFile = artifact::from_bytes(artifact::TRAINING_PROOF, bytes)
            .with_context(|| format!("{file}"))?;
        (
            format!(
                "training proof (native, not verified by inspect)\n  {}\n  SRS id {}",
                p.architecture.description(),
                hex(&p.srs_id)
            ),
            serde_json::json!({ "statement": "training", "description": p.architecture.description(), "final_model": point_json(&p.final_model), "initial_model": point_json(&p.initial_model), "dataset": point_json(&p.dataset), "srs_id": hex(&p.srs_id) }),
        )
    } else if kind == DATASET_OPENING.name {
        let o: DatasetOpening =
            artifact::from_bytes(DATASET_OPENING, bytes).with_context(|| format!("{file}"))?;
        (
            format!(
                "dataset opening (SECRET: the training data and mask randomness; never publish it)\n  {} vector entries\n  architecture {}",
                o.data.vector.len(),
                hex(&o.architecture_id)
            ),
            serde_json::json!({ "secret": true, "entries": o.data.vector.len(), "architecture_id": hex(&o.architecture_id), "commitment": point_json(&o.data.commitment) }),
        )
    } else if kind == WRAPPED_PROOF.name {
        let p = WrappedProofFile::load(&args.file)?;
        (
            format!(
                "wrapped {} proof (not verified by inspect)\n  {}\n  {} commitments, {} public words",
                p.architecture.kind(),
                p.architecture.description(),
                p.wrapped.commitments.len(),
                p.wrapped.public_values.len()
            ),
            serde_json::json!({ "statement": p.architecture.kind().to_string(), "description": p.architecture.description(), "commitments": p.wrapped.commitments.len(), "public_words": p.wrapped.public_values.len() }),
        )
    } else if kind == "groth16-keys" {
        let (origin, id) = Keys::peek(bytes).with_context(|| format!("{file}"))?;
        let mut text = format!(
            "Groth16 keys\n  architecture {}\n  origin: {origin}",
            hex(&id)
        );
        if origin.is_development() {
            text.push_str("\nWARNING: INSECURE development keys");
        }
        (
            text,
            serde_json::json!({ "architecture_id": hex(&id), "origin": origin.to_string(), "insecure_development": origin.is_development() }),
        )
    } else {
        bail!(
            "{file}: a `{kind}` file (version {version}), which this version of zkmodel cannot inspect"
        );
    };
    let mut json = json;
    if let Some(map) = json.as_object_mut() {
        map.insert("kind".into(), serde_json::json!(kind));
        map.insert("version".into(), serde_json::json!(version));
        map.insert("bytes".into(), serde_json::json!(size));
    }
    out.emit(
        &format!("{text}\n  ({kind} v{version}, {size} bytes)"),
        json,
    );
    Ok(())
}

/// Say what a zkmodel file is: its kind, version and contents.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel inspect model.zkm\n  zkmodel inspect model.zkm --json")]
pub struct Args {
    /// The file.
    pub file: PathBuf,
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    if bytes.starts_with(SRS_MAGIC) {
        let srs = Srs::from_bytes(&bytes).with_context(|| format!("{}", args.file.display()))?;
        let id: String = srs.id().iter().map(|b| format!("{b:02x}")).collect();
        let development = srs.origin.is_development();
        out.emit(
            &format!(
                "KZG SRS: {} G1 powers, id 0x{id}\norigin: {}",
                srs.size(),
                srs.origin
            ),
            serde_json::json!({
                "kind": "srs",
                "size": srs.size(),
                "id": format!("0x{id}"),
                "origin": srs.origin.to_string(),
                "insecure_development": development,
            }),
        );
        return Ok(());
    }
    if let Some((kind, version)) = artifact::sniff(&bytes) {
        return binary(args, &bytes, &kind, version, out);
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    let format = json
        .as_ref()
        .and_then(|j| j.get("format"))
        .and_then(|f| f.as_str())
        .map(str::to_string);
    match format.as_deref() {
        Some(MODEL_FORMAT) => {
            let text = String::from_utf8_lossy(&bytes);
            let q = QuantizedModel::from_file_str(&text)
                .with_context(|| format!("{}", args.file.display()))?;
            let layers: Vec<serde_json::Value> = q
                .layers
                .iter()
                .map(|l| {
                    let (kind, params) = match l {
                        QLayer::Dense(d) => ("dense", d.weight.len() + d.bias.len()),
                        QLayer::Conv(c) => ("conv", c.dense.weight.len() + c.dense.bias.len()),
                        QLayer::AvgPool(_) => ("avgpool", 0),
                        QLayer::MaxPool(_) => ("maxpool", 0),
                        QLayer::AvgPoolWindow(_) => ("avgpool", 0),
                        QLayer::Add(_) => ("add", 0),
                        QLayer::Concat(_) => ("concat", 0),
                    };
                    serde_json::json!({ "name": l.name(), "kind": kind, "parameters": params })
                })
                .collect();
            let shape = ModelShape::from(&q).description();
            let text = format!(
                "quantized model (format {MODEL_FORMAT}, version {})\n  scale 2^{}, bit bound {}, {} classes, {} layers\n  shape: {shape}",
                zkmodel_prover::graph::quant::MODEL_VERSION,
                q.scale,
                q.bits,
                q.classes(),
                q.layers.len(),
            );
            out.emit(
                &text,
                serde_json::json!({
                    "kind": "quantized-model",
                    "format": MODEL_FORMAT,
                    "version": zkmodel_prover::graph::quant::MODEL_VERSION,
                    "scale": q.scale,
                    "bits": q.bits,
                    "classes": q.classes(),
                    "layers": layers,
                    "shape": shape,
                }),
            );
            Ok(())
        }
        Some(ARCHITECTURE_FORMAT) => {
            let arch = Architecture::from_file_str(&String::from_utf8_lossy(&bytes))
                .with_context(|| format!("{}", args.file.display()))?;
            out.emit(
                &format!(
                    "architecture (format {ARCHITECTURE_FORMAT}, version {ARCHITECTURE_VERSION})\n  {} statement: {}\n  commitments: {}\n  public values: {}",
                    arch.kind(),
                    arch.description(),
                    roles(&arch.commitment_roles()),
                    arch.public_len()?,
                ),
                serde_json::json!({
                    "kind": "architecture",
                    "statement": arch.kind().to_string(),
                    "description": arch.description(),
                    "roles": arch.commitment_roles().iter().map(|r| r.to_string()).collect::<Vec<_>>(),
                    "public_values": arch.public_len()?,
                }),
            );
            Ok(())
        }
        Some(other) => bail!(
            "{}: a `{other}` file, which this version of zkmodel cannot inspect",
            args.file.display()
        ),
        None => bail!(
            "{}: not a zkmodel artifact (no format tag); `zkmodel inspect` reads the files \
             zkmodel writes (models, architectures, SRS, commitments, proofs, keys)",
            args.file.display()
        ),
    }
}
