//! `zkmodel prove`: a native proof of an inference or accuracy statement about a committed
//! model, with its public values.

use crate::Output;
use crate::common::{hex, load_model, load_model_arch, load_srs, point_json, read_examples, step};
use crate::wrap::{KeyLoad, Outputs, wrap_and_save};
use anyhow::{Context, Result, bail};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use zkmodel_prover::artifact::{self, Access};
use zkmodel_prover::field::encoding::to_i128;
use zkmodel_prover::proof::model::{ModelArchitecture, ModelOpening, PublicValues, Task};
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_wrapper::files::prepare_model;

/// Prove what a committed model computes on your data: the architecture's task decides the
/// claim (inference: these inputs give these logits; accuracy: this many of the test set's
/// examples are classified correctly).
///
/// Needs the model, its secret opening (from `zkmodel commit`) and the SRS it was committed
/// under. Writes the proof file (public) and prints the public values. With `--keys` it also
/// wraps the proof for the chain, as `zkmodel wrap` would, in the same process (the SRS is
/// read once and the proof file is not read back).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  zkmodel prove --arch inference.arch.json --model model.zkm --opening model.opening --srs srs.bin --data input.json -o inference.proof\n  \
zkmodel prove --arch accuracy.arch.json --model model.zkm --opening model.opening --srs srs.bin --data test.json -o accuracy.proof\n  \
zkmodel prove --arch inference.arch.json --model model.zkm --opening model.opening --srs srs.bin --data input.json -o inference.proof --keys inference.keys --wrapped inference.wrapped --calldata inference.calldata.json"
)]
pub struct Args {
    /// The statement's architecture (from `zkmodel architecture`).
    #[arg(long)]
    pub arch: PathBuf,
    /// The quantized model.
    #[arg(long)]
    pub model: PathBuf,
    /// The model's secret opening (from `zkmodel commit`).
    #[arg(long)]
    pub opening: PathBuf,
    /// The KZG SRS the model was committed under.
    #[arg(long)]
    pub srs: PathBuf,
    /// The examples: inference inputs, or the labelled test set (JSON, .npy or CSV).
    #[arg(long)]
    pub data: PathBuf,
    /// CSV only: the label column's header name.
    #[arg(long)]
    pub label_column: Option<String>,
    /// Where to write the proof.
    #[arg(short, long, default_value = "statement.proof")]
    pub output: PathBuf,
    /// Also wrap the proof for the chain with the architecture's Groth16 keys (from `zkmodel
    /// setup`), as `zkmodel wrap` does.
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// With --keys: where to write the wrapped proof.
    #[arg(long, requires = "keys", default_value = "statement.wrapped")]
    pub wrapped: PathBuf,
    /// With --keys: also write the verifier's `verify(statement, proof)` calldata as JSON.
    #[arg(long, requires = "keys")]
    pub calldata: Option<PathBuf>,
}

/// The public values as a person reads them: outputs dequantized (logits, or the probabilities
/// of a model ending in a Softmax), predicted classes, the count.
pub fn public_json(arch: &ModelArchitecture, p: &PublicValues) -> Result<serde_json::Value> {
    let scale = f64::from(1u32 << arch.shape.scale.min(30));
    let classes = arch.shape.classes;
    let ints = |v: &[ark_bn254::Fr]| -> Result<Vec<i128>> {
        v.iter()
            .map(|x| to_i128(x, 126).context("a public value is not a small integer"))
            .collect()
    };
    let mut out = serde_json::Map::new();
    if let Some(l) = &p.logits {
        let l = ints(l)?;
        let rows: Vec<Vec<f64>> = l
            .chunks(classes.max(1))
            .map(|r| r.iter().map(|v| *v as f64 / scale).collect())
            .collect();
        let predicted: Vec<usize> = l
            .chunks(classes.max(1))
            .map(|r| {
                r.iter()
                    .enumerate()
                    .fold(
                        (0, i128::MIN),
                        |best, (i, v)| if *v > best.1 { (i, *v) } else { best },
                    )
                    .0
            })
            .collect();
        let key = if arch.shape.softmax {
            "probabilities"
        } else {
            "logits"
        };
        out.insert(key.into(), serde_json::json!(rows));
        out.insert(
            format!("{key}_quantized"),
            serde_json::json!(l.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
        );
        out.insert("predicted".into(), serde_json::json!(predicted));
    }
    if let Some(i) = &p.input {
        out.insert(
            "input_quantized".into(),
            serde_json::json!(ints(i)?.iter().map(|v| v.to_string()).collect::<Vec<_>>()),
        );
    }
    if let (Some(c), Task::Accuracy { examples }) = (&p.count, arch.task) {
        let count = to_i128(c, 126).context("the count is not a small integer")?;
        out.insert("correct".into(), serde_json::json!(count as u64));
        out.insert("examples".into(), serde_json::json!(examples));
        out.insert(
            "accuracy".into(),
            serde_json::json!(count as f64 / examples.max(1) as f64),
        );
    }
    Ok(serde_json::Value::Object(out))
}

/// One line per public value group, for people.
pub fn public_text(v: &serde_json::Value) -> String {
    let mut lines = Vec::new();
    if let Some(p) = v.get("predicted") {
        lines.push(format!("  predicted classes: {p}"));
    }
    for key in ["logits", "probabilities"] {
        if let Some(l) = v.get(key) {
            lines.push(format!("  {key}: {l}"));
        }
    }
    if let (Some(c), Some(n), Some(a)) = (v.get("correct"), v.get("examples"), v.get("accuracy")) {
        lines.push(format!(
            "  correct: {c} of {n} ({:.2}%)",
            100.0 * a.as_f64().unwrap_or(0.0)
        ));
    }
    lines.join("\n")
}

/// Runs the command.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let arch = load_model_arch(&args.arch)?;
    let q = load_model(&args.model)?;
    let srs = load_srs(&args.srs)?;
    if let Some(path) = &args.keys {
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        let outputs = [
            Some(&args.output),
            Some(&args.wrapped),
            args.calldata.as_ref(),
        ];
        let named = outputs.iter().flatten().collect::<Vec<_>>();
        if (1..named.len()).any(|i| named[..i].contains(&named[i])) {
            bail!("-o, --wrapped and --calldata must name different files");
        }
    }
    let opening: ModelOpening = artifact::load(artifact::MODEL_OPENING, &args.opening)?;
    step("checking the opening against the architecture", || {
        opening.check(&srs, &arch)
    })
    .with_context(|| format!("{} cannot prove this statement", args.opening.display()))?;
    let ex = read_examples(&arch, &args.data, args.label_column.as_deref())?;
    let mut rng = ChaCha20Rng::from_entropy();
    let start = std::time::Instant::now();
    let (file, _) = step("proving", || {
        arch.prove_examples(&srs, &q, &opening, &ex, &mut rng)
    })?;
    let prove_s = start.elapsed().as_secs_f64();
    // Check the proof before writing it: a model file that is not the one behind the opening
    // yields a proof that cannot verify.
    let mut pins = vec![(CommitmentRole::Model, file.model)];
    if let Some(d) = file.data {
        pins.push((
            arch.commitment_roles()
                .get(2)
                .copied()
                .unwrap_or(CommitmentRole::Data),
            d,
        ));
    }
    let check = || {
        file.verify(&srs, &pins).with_context(|| {
            format!(
                "the proof does not verify: is {} the model committed in {}?",
                args.model.display(),
                args.opening.display()
            )
        })
    };
    // A wrap checks the native proof too (the circuit is its verifier, and the wrapped proof
    // is verified before it is written): the native check then runs only to explain a failure.
    let wrapped = match &args.keys {
        None => {
            check()?;
            None
        }
        Some(keys) => {
            // The keys are read while the wrap's assignment and QAP quotient are computed
            // (reading them during the native proof only slows it down).
            let report = wrap_and_save(
                &srs,
                || prepare_model(&srs, &file),
                KeyLoad::start(arch.id(&srs), keys),
                &Outputs {
                    wrapped: &args.wrapped,
                    calldata: args.calldata.as_deref(),
                },
            );
            match report {
                Ok(report) => Some(report),
                Err(e) => {
                    // Keep a sound native proof whatever failed in the wrap: it can be
                    // wrapped again once that is fixed.
                    check()?;
                    artifact::save(artifact::MODEL_PROOF, &file, &args.output, Access::Public)?;
                    return Err(e.context(format!(
                        "the native proof is written to {}: `zkmodel wrap` it once the cause \
                         below is fixed",
                        args.output.display()
                    )));
                }
            }
        }
    };
    artifact::save(artifact::MODEL_PROOF, &file, &args.output, Access::Public)?;
    let public = public_json(&arch, &file.public()?)?;
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    let mut text = format!(
        "{} proof → {} ({size} bytes, {prove_s:.2} s)\n{}\n  model commitment {}",
        arch.kind(),
        args.output.display(),
        public_text(&public),
        point_json(&file.model)["x"].as_str().unwrap_or_default(),
    );
    let mut json = serde_json::json!({
        "output": args.output,
        "kind": arch.kind().to_string(),
        "architecture_id": hex(&arch.id(&srs)),
        "public": public,
        "model_commitment": point_json(&file.model),
        "data_commitment": file.data.as_ref().map(point_json),
        "bytes": size,
        "prove_seconds": prove_s,
    });
    if let Some((wrap_text, wrap_json)) = wrapped {
        text = format!("{text}\n{wrap_text}");
        json["wrapped"] = wrap_json;
    }
    out.emit(&text, json);
    Ok(())
}
