//! `zkmodel import`: ONNX model + calibration data → quantized model file, with the report.

use crate::{Output, data};
use anyhow::{Context, Result, ensure};
use std::path::PathBuf;
use zkmodel_prover::graph::onnx::import_path;
use zkmodel_prover::graph::quant::{CalibrationOptions, calibrate};
use zkmodel_prover::graph::tensor::Tensor;

/// Import an ONNX model, calibrate its fixed-point form on your data and write a model file.
///
/// Prints the chosen scale and bit bound, the float and quantized accuracy (when the data has
/// labels), how often the quantized argmax agrees with the float one, and the largest logit
/// error.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel import model.onnx --calibrate data.json -o model.zkm\n  \
zkmodel import model.onnx --calibrate samples.csv --label-column label -o model.zkm --json"
)]
pub struct Args {
    /// The ONNX model (a PyTorch or scikit-learn export).
    pub model: PathBuf,
    /// Calibration examples: EZKL-style JSON (`{"input_data": [[…]], "labels": […]}`), .npy or
    /// .csv.
    #[arg(long, value_name = "DATA")]
    pub calibrate: PathBuf,
    /// CSV only: the header name of the label column.
    #[arg(long)]
    pub label_column: Option<String>,
    /// Largest bit bound to accept (range tables have 2^bits entries).
    #[arg(long, default_value_t = 16)]
    pub max_bits: u32,
    /// Where to write the quantized model.
    #[arg(short, long, default_value = "model.zkm")]
    pub output: PathBuf,
}

fn accuracy(pred: &[usize], labels: &[usize]) -> f64 {
    let hits = pred.iter().zip(labels).filter(|(p, l)| p == l).count();
    hits as f64 / labels.len().max(1) as f64
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let model =
        import_path(&args.model).with_context(|| format!("importing {}", args.model.display()))?;
    let features: usize = model
        .input_shape
        .iter()
        .skip(1)
        .map(|d| d.unwrap_or(1))
        .product();
    let examples = data::read(&args.calibrate, features, args.label_column.as_deref())?;
    let x = Tensor::new(vec![examples.n, features], examples.values)?
        .with_batch_shape(&model.input_shape)?;
    tracing::info!(examples = examples.n, features, "calibrating");
    let opts = CalibrationOptions {
        max_bits: args.max_bits,
        ..CalibrationOptions::default()
    };
    let (q, report) = calibrate(&model, &x, opts).context("calibration")?;
    if let Some(n) = model.label_head.as_ref().and_then(|h| h.classes) {
        ensure!(
            n == q.classes(),
            "the classifier's label head lists {n} classes but its scores have {}",
            q.classes()
        );
    }
    let (float_acc, quant_acc) = match &examples.labels {
        Some(labels) => {
            ensure!(
                labels.iter().all(|l| *l < q.classes()),
                "a label is ≥ the model's {} classes",
                q.classes()
            );
            let float_pred = model.eval(&x)?.argmax_rows();
            let (m, input) = q.quantize_input(&x)?;
            let trace = q.forward(m, input)?;
            let quant_pred = q.predictions(&trace, examples.n);
            (
                Some(accuracy(&float_pred, labels)),
                Some(accuracy(&quant_pred, labels)),
            )
        }
        None => (None, None),
    };
    q.save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let layers: Vec<String> = q.layers.iter().map(|l| l.name().to_string()).collect();
    let pct = |v: Option<f64>| {
        v.map_or("n/a (no labels)".to_string(), |a| {
            format!("{:.2}%", 100.0 * a)
        })
    };
    let head = model
        .label_head
        .as_ref()
        .map_or(String::new(), |h| format!("\n{h}"));
    let text = format!(
        "imported {} ({} layers, {} classes) → {}\n{report}float accuracy {}, quantized accuracy {} on {} examples{head}",
        args.model.display(),
        layers.len(),
        q.classes(),
        args.output.display(),
        pct(float_acc),
        pct(quant_acc),
        examples.n,
    );
    out.emit(
        text.trim_end(),
        serde_json::json!({
            "output": args.output,
            "layers": layers,
            "classes": q.classes(),
            "scale": report.scale,
            "bits": report.bits,
            "examples": examples.n,
            "argmax_agreement": report.argmax_agreement,
            "max_output_error": report.max_output_error,
            "outputs": if q.softmax { "probabilities" } else { "logits" },
            "float_accuracy": float_acc,
            "quantized_accuracy": quant_acc,
            "label_head": model.label_head.as_ref().map(|h| serde_json::json!({
                "proven": false,
                "nodes": h.nodes,
                "outputs": h.outputs,
                "scores": h.scores,
                "classes": h.classes,
            })),
        }),
    );
    Ok(())
}
