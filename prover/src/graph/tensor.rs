//! Dense float tensors, row-major.

use crate::error::Error;

/// A row-major f32 tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Values, row-major; `data.len()` is the product of `shape`.
    pub data: Vec<f32>,
}

impl Tensor {
    /// Builds a tensor, checking the element count.
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self, Error> {
        // Shapes come from files: a product that overflows is no shape at all.
        let n = shape
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(*d))
            .ok_or(Error::TooLarge {
                what: "tensor size (the product of its shape)",
                value: usize::MAX,
                max: data.len(),
            })?;
        if n != data.len() {
            return Err(Error::StatementShape {
                what: "tensor values (the product of its shape)",
                expected: n,
                actual: data.len(),
            });
        }
        Ok(Self { shape, data })
    }

    /// This batch reshaped to a model's input shape: the leading (batch) dimension kept, the
    /// others taken from `input_shape` (e.g. [n, 64] → [n, 1, 8, 8]); the element count must
    /// match.
    pub fn with_batch_shape(self, input_shape: &[Option<usize>]) -> Result<Self, Error> {
        let mut shape = vec![self.shape.first().copied().unwrap_or(0)];
        shape.extend(input_shape.iter().skip(1).map(|d| d.unwrap_or(1)));
        Self::new(shape, self.data)
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the tensor has no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Index of the maximum in each row of a 2-D tensor (ties: first).
    pub fn argmax_rows(&self) -> Vec<usize> {
        let cols = self.shape.last().copied().unwrap_or(1).max(1);
        self.data
            .chunks(cols)
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, v)| {
                        if *v > bv { (i, *v) } else { (bi, bv) }
                    })
                    .0
            })
            .collect()
    }
}
