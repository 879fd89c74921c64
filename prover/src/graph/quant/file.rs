//! The quantized-model file (`model.zkm`): what `zkmodel import` writes and every later
//! command reads. JSON with a format tag and a version, so a foreign or future file is refused
//! with a clear error instead of being misread; the model is validated on load (its shape
//! must plan as a statement).

use super::QuantizedModel;
use crate::error::Error;
use crate::proof::model::{ModelArchitecture, ModelShape, Task, Visibility};
use std::path::Path;

/// The format tag of a quantized-model file.
pub const MODEL_FORMAT: &str = "zkmodel/quantized-model";
/// The file version this build writes and reads.
pub const MODEL_VERSION: u32 = 1;

const WHAT: &str = "model file";

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    model: QuantizedModel,
}

fn format(reason: impl Into<String>) -> Error {
    Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

impl QuantizedModel {
    /// The file contents (pretty JSON with the format tag and version).
    pub fn to_file_string(&self) -> Result<String, Error> {
        let envelope = Envelope {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            model: self.clone(),
        };
        serde_json::to_string_pretty(&envelope).map_err(|e| format(e.to_string()))
    }

    /// Parses and validates a model file's contents.
    pub fn from_file_str(text: &str) -> Result<Self, Error> {
        let value = crate::artifact::json_envelope(text, MODEL_FORMAT, MODEL_VERSION, WHAT)?;
        let envelope: Envelope =
            serde_json::from_value(value).map_err(|e| format(e.to_string()))?;
        let model = envelope.model;
        model.validate()?;
        Ok(model)
    }

    /// Writes the model file to `path` atomically, readable by its owner only (mode 0600: it
    /// holds the weights in plain text).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        crate::artifact::write_file(
            path,
            self.to_file_string()?.as_bytes(),
            crate::artifact::Access::Private,
            WHAT,
        )
    }

    /// Reads and validates the model file at `path`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format(format!("{}: {e}", path.display())))?;
        Self::from_file_str(&text)
    }

    /// Checks the model is one the proof blocks can state: its shape plans as an inference
    /// statement, and each layer's weights and biases have the sizes of its shape.
    pub fn validate(&self) -> Result<(), Error> {
        let arch = ModelArchitecture {
            shape: ModelShape::from(self),
            task: Task::Inference {
                rows: 1,
                input: Visibility::Public,
                output: Visibility::Public,
            },
        };
        // A branch keyed past the last layer would be ignored: the file would say more than the
        // statement does.
        crate::error::ensure(
            self.branches.keys().all(|i| *i < self.layers.len()),
            "quantized model",
            "a branch names a layer the model does not have",
        )?;
        arch.vector_lengths()?;
        for layer in &self.layers {
            if let Some(d) = layer.dense() {
                crate::error::ensure_lens(&[
                    ("layer weights", d.k * d.n, d.weight.len()),
                    ("layer bias", d.n, d.bias.len()),
                ])?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::dataset::{Dataset, digits_fixtures_dir};
    use crate::graph::onnx::import_path;
    use crate::graph::quant::{CalibrationOptions, calibrate};

    fn digits() -> QuantizedModel {
        let dir = digits_fixtures_dir();
        let model = import_path(&dir.join("mlp.onnx")).unwrap();
        let data = Dataset::load(&dir.join("dataset.json")).unwrap();
        let (x, _) = data.batch(&data.train[..64]).unwrap();
        calibrate(&model, &x, CalibrationOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn a_model_file_round_trips_and_foreign_files_are_refused() {
        let q = digits();
        let text = q.to_file_string().unwrap();
        assert_eq!(QuantizedModel::from_file_str(&text).unwrap(), q);
        let refused = |text: &str| match QuantizedModel::from_file_str(text) {
            Err(Error::Format { what, reason }) => {
                assert_eq!(what, WHAT);
                reason
            }
            other => panic!("accepted: {other:?}"),
        };
        assert!(refused("PK\u{3}\u{4}").contains("not JSON"));
        assert!(refused(r#"{"format":"zkmodel/groth16-keys","version":1}"#).contains("format"));
        let future = text.replace("\"version\": 1", "\"version\": 9");
        assert!(refused(&future).contains("version"));
        let truncated = &text[..text.len() / 2];
        assert!(refused(truncated).contains("not JSON"));
        // A layer whose weights lost an entry.
        let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let weights = value["model"]["layers"][0]["Dense"]["weight"]
            .as_array_mut()
            .unwrap();
        weights.pop();
        let text = serde_json::to_string(&value).unwrap();
        assert!(matches!(
            QuantizedModel::from_file_str(&text),
            Err(Error::StatementShape {
                what: "layer weights",
                ..
            })
        ));
    }
}
