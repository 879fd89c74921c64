//! The graph's constants: initializers and Constant nodes, decoded from their TensorProtos.

use super::{malformed, pb};
use crate::error::Error;
use crate::graph::tensor::Tensor;
use std::collections::HashMap;

// TensorProto.DataType values.
pub(super) const FLOAT: i32 = 1;
const INT32: i32 = 6;
const INT64: i32 = 7;
const BOOL: i32 = 9;

/// The graph's constants (initializers and Constant nodes), by name: float32 tensors become
/// operands; integer (and boolean) ones serve shapes, flags and label tables; any other type is kept by name so
/// that using it is an error naming its type.
#[derive(Default)]
pub(super) struct Constants {
    pub(super) floats: HashMap<String, Tensor>,
    ints: HashMap<String, Vec<i64>>,
    other: HashMap<String, i32>,
}

impl Constants {
    pub(super) fn insert(&mut self, t: &pb::TensorProto) -> Result<(), Error> {
        match t.data_type {
            FLOAT => {
                self.floats.insert(t.name.clone(), float_tensor(t)?);
            }
            INT32 | INT64 | BOOL => {
                self.ints.insert(t.name.clone(), int_values(t)?);
            }
            other => {
                self.other.insert(t.name.clone(), other);
            }
        }
        Ok(())
    }

    /// Whether `name` is a constant of any type.
    pub(super) fn contains(&self, name: &str) -> bool {
        self.floats.contains_key(name)
            || self.ints.contains_key(name)
            || self.other.contains_key(name)
    }

    /// An integer constant's values.
    pub(super) fn ints(&self, name: &str) -> Option<&[i64]> {
        self.ints.get(name).map(Vec::as_slice)
    }

    /// A float32 constant, or why `name` is not one.
    pub(super) fn float(&self, name: &str) -> Result<&Tensor, String> {
        if let Some(t) = self.floats.get(name) {
            return Ok(t);
        }
        match self
            .other
            .get(name)
            .copied()
            .or(self.ints.contains_key(name).then_some(INT64))
        {
            Some(ty) => Err(format!(
                "input `{name}` is a constant of ONNX data type {ty}; only float32 operands are supported"
            )),
            None => Err(format!("input `{name}` must be a constant initializer")),
        }
    }
}

fn dims(t: &pb::TensorProto) -> Result<Vec<usize>, Error> {
    t.dims
        .iter()
        .map(|d| {
            usize::try_from(*d)
                .map_err(|_| malformed(format!("initializer `{}` has dimension {d}", t.name)))
        })
        .collect()
}

fn float_tensor(t: &pb::TensorProto) -> Result<Tensor, Error> {
    let shape = dims(t)?;
    let data: Vec<f32> = if !t.raw_data.is_empty() {
        if !t.raw_data.len().is_multiple_of(4) {
            return Err(malformed(format!(
                "initializer `{}` raw data is not a whole number of floats",
                t.name
            )));
        }
        t.raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    } else {
        t.float_data.clone()
    };
    Tensor::new(shape, data).map_err(|_| {
        malformed(format!(
            "initializer `{}` has the wrong number of values",
            t.name
        ))
    })
}

fn int_values(t: &pb::TensorProto) -> Result<Vec<i64>, Error> {
    let width = match t.data_type {
        INT64 => 8,
        BOOL => 1,
        _ => 4,
    };
    let values: Vec<i64> = if !t.raw_data.is_empty() {
        if !t.raw_data.len().is_multiple_of(width) {
            return Err(malformed(format!(
                "initializer `{}` raw data is not a whole number of integers",
                t.name
            )));
        }
        t.raw_data
            .chunks_exact(width)
            .map(|c| match *c {
                [a, b, c, d, e, f, g, h] => i64::from_le_bytes([a, b, c, d, e, f, g, h]),
                [a, b, c, d] => i64::from(i32::from_le_bytes([a, b, c, d])),
                [a] => i64::from(a),
                _ => 0,
            })
            .collect()
    } else if t.data_type == INT64 {
        t.int64_data.clone()
    } else {
        t.int32_data.iter().map(|v| i64::from(*v)).collect()
    };
    let expected = dims(t)?
        .iter()
        .try_fold(1usize, |a, d| a.checked_mul(*d))
        .ok_or_else(|| malformed(format!("initializer `{}` is too large", t.name)))?;
    if values.len() != expected {
        return Err(malformed(format!(
            "initializer `{}` has the wrong number of values",
            t.name
        )));
    }
    Ok(values)
}
