//! Labelled image data sets in the fixture format (`fixtures/digits/dataset.json`): integer
//! pixels in [0, pixel_max], integer labels, and the train/test index split. Model inputs are
//! pixels / pixel_max.

use super::tensor::Tensor;
use crate::error::Error;
use serde::Deserialize;

/// A labelled data set with its split.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Dataset {
    /// Largest pixel value.
    pub pixel_max: u32,
    /// One flat image per example.
    pub images: Vec<Vec<u32>>,
    /// One class per example.
    pub labels: Vec<usize>,
    /// Indices of the training examples.
    pub train: Vec<usize>,
    /// Indices of the test examples.
    pub test: Vec<usize>,
}

fn malformed(reason: String) -> Error {
    Error::Format {
        what: "data set",
        reason,
    }
}

impl Dataset {
    /// Parses and checks a data set file.
    pub fn load(path: &std::path::Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| malformed(format!("cannot read {}: {e}", path.display())))?;
        let d: Self = serde_json::from_str(&text)
            .map_err(|e| malformed(format!("{}: {e}", path.display())))?;
        let width = d.images.first().map_or(0, Vec::len);
        if d.pixel_max == 0
            || width == 0
            || d.images.len() != d.labels.len()
            || d.images.iter().any(|i| i.len() != width)
            || d.images.iter().flatten().any(|p| *p > d.pixel_max)
            || d.train.iter().chain(&d.test).any(|i| *i >= d.images.len())
        {
            return Err(malformed(format!(
                "{}: images, labels, pixel range or split indices are inconsistent",
                path.display()
            )));
        }
        Ok(d)
    }

    /// Pixels per image.
    pub fn width(&self) -> usize {
        self.images.first().map_or(0, Vec::len)
    }

    /// The examples at `indices` as a float batch [n, width] scaled to [0, 1], and their labels.
    pub fn batch(&self, indices: &[usize]) -> Result<(Tensor, Vec<usize>), Error> {
        let mut x = Vec::with_capacity(indices.len() * self.width());
        let mut y = Vec::with_capacity(indices.len());
        for &i in indices {
            let img = self
                .images
                .get(i)
                .ok_or_else(|| malformed(format!("no example {i}")))?;
            x.extend(img.iter().map(|p| *p as f32 / self.pixel_max as f32));
            y.push(self.labels[i]);
        }
        Ok((Tensor::new(vec![indices.len(), self.width()], x)?, y))
    }
}

#[cfg(any(test, feature = "dev-fixtures"))]
/// The repository's digits fixtures (`fixtures/digits`: the data set, the MLP and CNN ONNX
/// models) that tests, reports and development statements use.
pub fn digits_fixtures_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/digits")
}
