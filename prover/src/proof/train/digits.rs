//! The digits training experiment's starting point, shared by the training tests, the
//! `train_report` example and the wrapper's development statements: the fixtures' digits
//! data (`fixtures/digits/dataset.json`), the MLP 64-32-10 initialised with seed 7, and the
//! first `examples` training images quantized at its input scale.

use super::TrainArchitecture;
use crate::error::Error;
use crate::graph::dataset::{Dataset, digits_fixtures_dir};
use crate::graph::quant::QuantizedModel;
use crate::proof::model::ModelShape;
use crate::train::{TrainConfig, initial_model};

/// Layer widths of the digits MLP.
pub const WIDTHS: [usize; 3] = [64, 32, 10];
/// Seed of the initial weights.
pub const INITIAL_SEED: u64 = 7;

/// The data and initial model of a digits training run.
#[derive(Clone, Debug)]
pub struct DigitsTraining {
    /// The whole data set (its test split measures the trained model).
    pub data: Dataset,
    /// The initial model.
    pub initial: QuantizedModel,
    /// The quantized training inputs, `examples` rows of 64.
    pub x: Vec<i64>,
    /// Their labels.
    pub y: Vec<usize>,
    /// The training statement's architecture.
    pub arch: TrainArchitecture,
}

impl DigitsTraining {
    /// Loads the fixtures and builds the run's inputs for `cfg` on the first `examples`
    /// training images.
    pub fn load(cfg: TrainConfig, examples: usize) -> Result<Self, Error> {
        let data = Dataset::load(&digits_fixtures_dir().join("dataset.json"))?;
        let initial = initial_model(&WIDTHS, cfg.scale, cfg.bits, INITIAL_SEED)?;
        let rows = data.train.get(..examples).ok_or_else(|| Error::Format {
            what: "digits training split",
            reason: format!(
                "{examples} examples requested, the split has {}",
                data.train.len()
            ),
        })?;
        let (xt, y) = data.batch(rows)?;
        let (_, x) = initial.quantize_input(&xt)?;
        let arch = TrainArchitecture::new(ModelShape::from(&initial), cfg, examples)?;
        Ok(Self {
            data,
            initial,
            x,
            y,
            arch,
        })
    }
}
