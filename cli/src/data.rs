//! Reading the example files users already have: EZKL-style JSON, NumPy `.npy` and CSV.
//!
//! - JSON: `{"input_data": [[…], …], "labels": […]}`. `input_data` is either one flat list
//!   holding every example back to back (EZKL's single-input layout) or one list per example.
//!   `labels` (integers) is optional.
//! - `.npy`: a float or integer array whose first axis is the example; the rest is flattened.
//! - CSV: one example per row, numeric columns; with `--label-column NAME` (needs a header
//!   row) that column is the label and is excluded from the features.

use anyhow::{Context, Result, bail, ensure};
use std::path::Path;

/// Examples read from a file: `n` rows of `features` values, row-major, and labels if given.
#[derive(Debug)]
pub struct Examples {
    /// Number of examples.
    pub n: usize,
    /// Row-major values, n × features.
    pub values: Vec<f32>,
    /// Labels, one per example.
    pub labels: Option<Vec<usize>>,
}

/// Reads `path` by its extension (`.json`, `.npy`, `.csv`) as examples of `features` values.
pub fn read(path: &Path, features: usize, label_column: Option<&str>) -> Result<Examples> {
    ensure!(features > 0, "the model's input has no features");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let examples = match ext.as_deref() {
        Some("json") => read_json(path, features),
        Some("npy") => read_npy(path, features),
        Some("csv") => read_csv(path, features, label_column),
        _ => bail!(
            "{}: unknown data format; use a .json (EZKL input_data), .npy or .csv file",
            path.display()
        ),
    }
    .with_context(|| format!("reading examples from {}", path.display()))?;
    ensure!(examples.n > 0, "{}: no examples", path.display());
    if let Some(l) = &examples.labels {
        ensure!(
            l.len() == examples.n,
            "{} examples but {} labels",
            examples.n,
            l.len()
        );
    }
    Ok(examples)
}

fn split(values: Vec<f32>, features: usize) -> Result<Examples> {
    ensure!(
        values.len().is_multiple_of(features),
        "{} values is not a whole number of examples of {features} features (the model's \
         input size)",
        values.len()
    );
    Ok(Examples {
        n: values.len() / features,
        values,
        labels: None,
    })
}

fn read_json(path: &Path, features: usize) -> Result<Examples> {
    let text = std::fs::read_to_string(path)?;
    let json: serde_json::Value = serde_json::from_str(&text).context("not valid JSON")?;
    let rows = json
        .get("input_data")
        .and_then(|v| v.as_array())
        .context("no `input_data` array (expected {\"input_data\": [[…]], \"labels\": […]})")?;
    let mut values = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .with_context(|| format!("input_data[{i}] is not a list of numbers"))?;
        // One list per example: each must be one example long.
        ensure!(
            rows.len() == 1 || row.len() == features,
            "input_data[{i}] has {} values; the model takes {features} features per example",
            row.len()
        );
        for (j, v) in row.iter().enumerate() {
            let x = v
                .as_f64()
                .with_context(|| format!("input_data[{i}][{j}] = {v} is not a number"))?;
            values.push(x as f32);
        }
    }
    let mut examples = split(values, features)?;
    if let Some(labels) = json.get("labels") {
        let labels = labels.as_array().context("`labels` is not a list")?;
        let parsed: Result<Vec<usize>> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.as_u64()
                    .map(|v| v as usize)
                    .with_context(|| format!("labels[{i}] = {l} is not a class index"))
            })
            .collect();
        examples.labels = Some(parsed?);
    }
    Ok(examples)
}

fn read_npy(path: &Path, features: usize) -> Result<Examples> {
    let bytes = std::fs::read(path)?;
    let npy = npyz::NpyFile::new(&bytes[..]).context("not a NumPy .npy file")?;
    let dtype = npy.dtype();
    let values: Vec<f32> = match &dtype {
        npyz::DType::Plain(t) => match (t.type_char(), t.size_field()) {
            (npyz::TypeChar::Float, 4) => npy.into_vec::<f32>()?,
            (npyz::TypeChar::Float, 8) => npy
                .into_vec::<f64>()?
                .into_iter()
                .map(|v| v as f32)
                .collect(),
            (npyz::TypeChar::Int, 8) => npy
                .into_vec::<i64>()?
                .into_iter()
                .map(|v| v as f32)
                .collect(),
            (npyz::TypeChar::Int, 4) => npy
                .into_vec::<i32>()?
                .into_iter()
                .map(|v| v as f32)
                .collect(),
            (npyz::TypeChar::Uint, 1) => npy.into_vec::<u8>()?.into_iter().map(f32::from).collect(),
            _ => bail!(
                "unsupported .npy dtype {dtype:?}; use float32, float64, int32, int64 or uint8"
            ),
        },
        _ => bail!("unsupported .npy dtype {dtype:?} (structured arrays are not examples)"),
    };
    split(values, features)
}

fn read_csv(path: &Path, features: usize, label_column: Option<&str>) -> Result<Examples> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(label_column.is_some())
        .from_path(path)?;
    let label_index = match label_column {
        Some(name) => Some(
            reader
                .headers()?
                .iter()
                .position(|h| h.trim() == name)
                .with_context(|| format!("no column named `{name}` in the header row"))?,
        ),
        None => None,
    };
    let (mut values, mut labels) = (Vec::new(), Vec::new());
    for (row, record) in reader.records().enumerate() {
        let record = record?;
        let width = record.len() - usize::from(label_index.is_some());
        ensure!(
            width == features,
            "row {} has {width} feature columns; the model takes {features} features",
            row + 1
        );
        for (col, field) in record.iter().enumerate() {
            let field = field.trim();
            if Some(col) == label_index {
                labels.push(field.parse::<usize>().with_context(|| {
                    format!("row {}: label `{field}` is not a class index", row + 1)
                })?);
            } else {
                values.push(field.parse::<f32>().with_context(|| {
                    format!(
                        "row {}, column {}: `{field}` is not a number",
                        row + 1,
                        col + 1
                    )
                })?);
            }
        }
    }
    let mut examples = split(values, features)?;
    if label_index.is_some() {
        examples.labels = Some(labels);
    }
    Ok(examples)
}
