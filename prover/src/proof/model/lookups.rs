//! The statement's lookups: one b-bit range instance for every bounded tensor, one
//! function-table instance per table activation, and a Softmax output's exponent chunks in
//! their table.
//!
//! Every bound the blocks assume — signed b-bit activations and weights, ReLU parts and max-pool
//! differences in [0, 2^b), rescale remainders in [0, 2^s), pool remainders in [0, K) — is
//! checked in the one table [0, 2^b) ([`crate::proof::bounds`]). The max pools' differences
//! are not committed: the range lookup's claims on them are resolved on the lookups'
//! transcript into claims on each pool's output and input ([`crate::blocks::maxpool`]).

use super::ModelArchitecture;
use super::plan::{Plan, SoftmaxSite, names};
use super::shape::{LayerKind, ModelShape};
use crate::blocks::TensorClaim;
use crate::blocks::maxpool::MaxPoolShape;
use crate::error::Error;
use crate::graph::quant::ConvGeometry;
use crate::lookup::{ColumnShape, LookupClaims, LookupStatement, Table};
use crate::proof::bounds::{range_statement, softmax_lookup};

/// The max-pool layers, in layer order: (layer index, block shape).
pub(crate) fn max_pools(arch: &ModelArchitecture) -> Vec<(usize, MaxPoolShape)> {
    arch.shape
        .layers
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match l.kind {
            LayerKind::MaxPool(g) => Some((i, arch.maxpool_shape(g))),
            _ => None,
        })
        .collect()
}

impl ModelArchitecture {
    /// The max-pool block's shape for a layer with windows `g`.
    pub(crate) fn maxpool_shape(&self, g: ConvGeometry) -> MaxPoolShape {
        MaxPoolShape {
            m: self.rows(),
            bits: self.shape.bits,
            geometry: g,
        }
    }
}

impl Plan {
    /// The range lookup's claim on column `index`: its value at the prefix of the lookup's
    /// point that the column's tensor spans.
    pub(crate) fn range_claim<F: Clone>(
        &self,
        range: &LookupClaims<F>,
        index: usize,
    ) -> Result<TensorClaim<F>, Error> {
        let (column, value) = self
            .range_columns
            .get(index)
            .zip(range.column_evals.get(index))
            .ok_or(Error::ProofShape {
                what: "lookup column evaluations",
                expected: self.range_columns.len(),
                actual: range.column_evals.len(),
            })?;
        let vars = self.vars_of(&column.tensor)?;
        let point = range.column_point.get(..vars).ok_or(Error::ProofShape {
            what: "lookup column point",
            expected: vars,
            actual: range.column_point.len(),
        })?;
        Ok(TensorClaim {
            point: point.to_vec(),
            value: value.clone(),
        })
    }

    /// The range lookup's claims on the max pools' virtual differences, in layer order (one
    /// per entry of [`max_pools`]).
    pub(crate) fn diff_claims<F: Clone>(
        &self,
        arch: &ModelArchitecture,
        range: &LookupClaims<F>,
    ) -> Result<Vec<TensorClaim<F>>, Error> {
        max_pools(arch)
            .into_iter()
            .map(|(i, _)| {
                let name = arch
                    .shape
                    .layers
                    .get(i)
                    .map(|l| names::diff(&l.name))
                    .ok_or(Error::Internal {
                        what: "a max pool's layer exists",
                    })?;
                let index = self
                    .range_columns
                    .iter()
                    .position(|c| c.tensor == name)
                    .ok_or(Error::MissingTensor { name })?;
                self.range_claim(range, index)
            })
            .collect()
    }

    /// The range lookup: every bounded tensor against [0, 2^b).
    pub fn range_statement(&self, shape: &ModelShape) -> Result<LookupStatement, Error> {
        range_statement(shape.bits, &self.range_columns, |n| self.vars_of(n))
    }

    /// A softmax site's exponent-chunk lookup: paired columns (d_k + 16k, U_k) in
    /// `Table::ExpChunks` ([`crate::blocks::softmax`]).
    pub(crate) fn softmax_statement(&self, site: &SoftmaxSite) -> Result<LookupStatement, Error> {
        softmax_lookup(site.shape.scale, |n| self.vars_of(&site.name(n)))
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
                second: true,
            }],
        }))
    }
}
