//! The statement's lookups: one b-bit range instance for every bounded tensor, and one
//! function-table instance per table activation.
//!
//! Every bound the blocks assume — signed b-bit activations and weights, ReLU parts and max-pool
//! differences in [0, 2^b), rescale remainders in [0, 2^s), pool remainders in [0, K) — is
//! checked in the one table [0, 2^b) ([`crate::proof::bounds`]).

use super::plan::{Plan, names};
use super::shape::ModelShape;
use crate::error::Error;
use crate::lookup::{ColumnShape, LookupStatement, Table};
use crate::proof::bounds::range_statement;

impl Plan {
    /// The range lookup: every bounded tensor against [0, 2^b).
    pub fn range_statement(&self, shape: &ModelShape) -> Result<LookupStatement, Error> {
        range_statement(shape.bits, &self.range_columns, |n| self.vars_of(n))
    }

    /// The function-table lookup of a table-activation layer: one paired column (pre, act).
    pub fn activation_statement(
        &self,
        shape: &ModelShape,
        l: &super::shape::LayerShape,
    ) -> Result<Option<LookupStatement>, Error> {
        let Some(f) = l.table else {
            return Ok(None);
        };
        Ok(Some(LookupStatement {
            table: Table::Function {
                bits: shape.bits as usize,
                f,
                scale: shape.scale,
            },
            columns: vec![ColumnShape {
                vars: self.vars_of(&names::pre(&l.name))?,
                offset: 0,
                paired: true,
            }],
        }))
    }
}
