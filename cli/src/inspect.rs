//! `zkmodel inspect`: what an artifact is.

use crate::Output;
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use zkmodel_prover::graph::quant::{MODEL_FORMAT, QLayer, QuantizedModel};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::srs::SRS_MAGIC;
use zkmodel_prover::proof::model::ModelShape;

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
        Some(other) => bail!(
            "{}: a `{other}` file, which this version of zkmodel cannot inspect",
            args.file.display()
        ),
        None => bail!(
            "{}: not a zkmodel artifact (no format tag); `zkmodel inspect` reads model files \
             written by `zkmodel import` and SRS files written by `zkmodel srs`",
            args.file.display()
        ),
    }
}
