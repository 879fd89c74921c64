//! Range checks of bounded tensors against one b-bit table.
//!
//! A statement asserts many bounds — signed b-bit values, values in [0, 2^b), remainders in
//! [0, 2^s) or [0, K) — and checks them all in one LogUp instance over the table [0, 2^b): a
//! bound k < 2^b takes two columns of the same tensor, x and x + 2^b − k. Both in [0, 2^b)
//! means x < k: x < 2^b is far below the field's modulus, so the shifted value cannot wrap.
//! One instance instead of one per bound keeps a statement to a single LogUp-GKR, whose
//! rounds are most of the wrapper circuit (a second table would add a tree of its own depth).

use crate::blocks::softmax::{BOUNDS, Bound, CHUNK_PAIRS};
use crate::error::Error;
use crate::lookup::{ColumnShape, LookupColumn, LookupStatement, Table};
use ark_bn254::Fr;
use std::collections::BTreeMap;

/// One column of the range instance: every entry of `tensor` (minus the same entry of
/// `minus`, if any) plus `offset` lies in [0, 2^b).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RangeColumn {
    /// The checked tensor.
    pub tensor: String,
    /// A tensor of the same shape subtracted entrywise: the difference is checked without
    /// being committed (the lookup hands back a claim on each of the two tensors).
    pub minus: Option<String>,
    /// Public constant added before the check.
    pub offset: i64,
}

impl RangeColumn {
    /// The tensors whose evaluations the column's lookup claims carry, in order.
    pub fn tensors(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.tensor).chain(&self.minus)
    }
}

/// The range instance's columns under construction.
#[derive(Clone, Debug)]
pub(crate) struct RangeColumns {
    bits: u32,
    columns: Vec<RangeColumn>,
    /// A bound the table cannot check (the first asked), refused by [`Self::into_columns`].
    outside: Option<(String, i64)>,
}

impl RangeColumns {
    /// An empty column list for the table [0, 2^`bits`).
    pub fn new(bits: u32) -> Self {
        Self {
            bits,
            columns: Vec::new(),
            outside: None,
        }
    }

    /// Signed b-bit values: x + 2^(b−1) ∈ [0, 2^b).
    pub fn signed(&mut self, name: impl Into<String>) {
        self.push(name.into(), 1i64 << (self.bits - 1));
    }

    /// Values in [0, 2^b).
    pub fn unsigned(&mut self, name: impl Into<String>) {
        self.push(name.into(), 0);
    }

    /// a − b ∈ [0, 2^b) entrywise as field elements, for tensors of one shape, without
    /// committing a − b. It says the same of the integers only when a and b are themselves
    /// bounded (training's ReLU bound |Y| − M: |Y| range-checked, M ∈ {0, 1} by its block); with an
    /// unbounded b the difference could wrap around the modulus.
    pub fn difference(&mut self, a: impl Into<String>, b: impl Into<String>) {
        self.columns.push(RangeColumn {
            tensor: a.into(),
            minus: Some(b.into()),
            offset: 0,
        });
    }

    fn push(&mut self, tensor: String, offset: i64) {
        self.columns.push(RangeColumn {
            tensor,
            minus: None,
            offset,
        });
    }

    /// Values in [0, k) for 1 ≤ k ≤ 2^b: x and x + 2^b − k, one column when k = 2^b. A
    /// bound outside [1, 2^b] cannot be checked by the table: it is recorded and the column
    /// list refused (architecture checks keep every bound a plan asks for within the table;
    /// this fails closed should one not).
    pub fn below(&mut self, name: impl Into<String>, k: i64) {
        let name = name.into();
        if !(1..=1i64 << self.bits).contains(&k) {
            self.outside.get_or_insert((name, k));
            return;
        }
        let shift = (1i64 << self.bits) - k;
        self.push(name.clone(), 0);
        if shift > 0 {
            self.push(name, shift);
        }
    }

    /// The finished list, or the error naming the first bound the table cannot check.
    pub fn into_columns(self) -> Result<Vec<RangeColumn>, Error> {
        match self.outside {
            Some((tensor, bound)) => Err(Error::RangeBound {
                tensor,
                bound,
                bits: self.bits,
            }),
            None => Ok(self.columns),
        }
    }
}

/// The fixed-point softmax's range checks ([`crate::blocks::softmax`]'s [`BOUNDS`]), its
/// tensors named by `name` (the statement's prefix).
pub(crate) fn softmax_ranges(range: &mut RangeColumns, scale: u32, name: impl Fn(&str) -> String) {
    for (tensor, bound) in BOUNDS {
        match bound {
            Bound::Unsigned => range.unsigned(name(tensor)),
            Bound::BelowScale => range.below(name(tensor), 1i64 << scale),
            // The ExpChunks pair lookup alone (chunk k at offset 16k) would let d_k land on
            // another chunk's entries, d_k ∈ [−16k, 64 − 16k).
            Bound::BelowChunk => range.below(name(tensor), 16),
        }
    }
}

/// The softmax's exponent chunks in their table: paired columns (d_k + 16k, U_k), each
/// tensor's size from `vars_of` (by the block's own names).
pub(crate) fn softmax_lookup(
    scale: u32,
    vars_of: impl Fn(&str) -> Result<usize, Error>,
) -> Result<LookupStatement, Error> {
    let columns = CHUNK_PAIRS
        .iter()
        .enumerate()
        .map(|(k, (chunk, _))| {
            Ok(ColumnShape {
                vars: vars_of(chunk)?,
                offset: 16 * k as i64,
                second: true,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(LookupStatement {
        table: Table::ExpChunks { chunks: 4, scale },
        columns,
    })
}

/// The softmax's (chunk, exponential) columns for its `Table::ExpChunks` lookup, each tensor
/// named by `name` (the statement's prefix) in `t`.
pub(crate) fn softmax_columns<'a>(
    t: &'a BTreeMap<String, Vec<Fr>>,
    name: impl Fn(&str) -> String,
) -> Result<Vec<LookupColumn<'a>>, Error> {
    let get = |n: String| {
        t.get_key_value(&n)
            .ok_or(Error::MissingTensor { name: n.clone() })
    };
    CHUNK_PAIRS
        .iter()
        .enumerate()
        .map(|(k, (chunk, exp))| {
            let (name_ref, values) = get(name(chunk))?;
            Ok(LookupColumn {
                name: name_ref,
                values,
                offset: 16 * k as i64,
                second: Some(get(name(exp))?.1),
            })
        })
        .collect()
}

/// The range lookup over [0, 2^`bits`) of a plan's (tensor, offset) columns, each tensor's
/// size from `vars_of`.
pub(crate) fn range_statement(
    bits: u32,
    columns: &[RangeColumn],
    vars_of: impl Fn(&str) -> Result<usize, Error>,
) -> Result<LookupStatement, Error> {
    let columns = columns
        .iter()
        .map(|c| {
            let vars = vars_of(&c.tensor)?;
            if let Some(b) = &c.minus
                && vars_of(b)? != vars
            {
                return Err(Error::Internal {
                    what: "a range-checked difference subtracts a tensor of its own size",
                });
            }
            Ok(ColumnShape {
                vars,
                offset: c.offset,
                second: c.minus.is_some(),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(LookupStatement {
        table: Table::Range {
            bits: bits as usize,
        },
        columns,
    })
}

/// The range lookup's witness columns, each tensor (and subtrahend) read from `t`.
pub(crate) fn range_lookup_columns<'a>(
    t: &'a BTreeMap<String, Vec<Fr>>,
    list: &'a [RangeColumn],
) -> Result<Vec<LookupColumn<'a>>, Error> {
    let get = |n: &String| {
        t.get(n)
            .map(Vec::as_slice)
            .ok_or_else(|| Error::MissingTensor { name: n.clone() })
    };
    list.iter()
        .map(|c| {
            Ok(LookupColumn {
                name: c.tensor.as_str(),
                values: get(&c.tensor)?,
                offset: c.offset,
                second: c.minus.as_ref().map(get).transpose()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{RangeColumn, RangeColumns};
    use crate::error::Error;

    #[test]
    fn a_bound_below_the_table_takes_a_shifted_twin_and_the_full_table_one_column() {
        let mut c = RangeColumns::new(8);
        c.signed("a");
        c.unsigned("b");
        c.below("r", 16);
        c.below("w", 256);
        assert_eq!(
            c.into_columns().unwrap(),
            [("a", 128), ("b", 0), ("r", 0), ("r", 240), ("w", 0)]
                .map(|(tensor, offset)| RangeColumn {
                    tensor: tensor.into(),
                    minus: None,
                    offset
                })
                .to_vec()
        );
    }

    /// A bound the table cannot check refuses the column list, naming the tensor.
    #[test]
    fn a_bound_outside_the_table_is_refused() {
        for k in [0, 257] {
            let mut c = RangeColumns::new(8);
            c.unsigned("a");
            c.below("r", k);
            assert_eq!(
                c.into_columns(),
                Err(Error::RangeBound {
                    tensor: "r".into(),
                    bound: k,
                    bits: 8
                })
            );
        }
    }

    #[test]
    fn the_two_columns_admit_exactly_the_values_below_the_bound() {
        // x ∈ [0, 2^b) and x + 2^b − k ∈ [0, 2^b) ⟺ 0 ≤ x < k, for every k the plan uses.
        let bits = 6;
        let table = 0i64..1 << bits;
        for k in [1i64, 4, 16, 63, 64] {
            for x in -200i64..200 {
                let shift = (1i64 << bits) - k;
                let accepted = table.contains(&x) && table.contains(&(x + shift));
                assert_eq!(accepted, (0..k).contains(&x), "k = {k}, x = {x}");
            }
        }
    }
}
