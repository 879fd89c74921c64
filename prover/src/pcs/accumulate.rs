//! Claim accumulation: blocks report claims on their tensors at local points; the
//! accumulator lifts each onto its committed vector through the layout and keeps them for the
//! one batched opening. A claim on a tensor stored without its padded channels becomes one
//! claim of weighted terms on its blocks ([`super::layout::AxisSplit`]).
//!
//! All claims on all vectors are reduced *inside* the opening ([`super::split`]): one
//! claim-reduction sumcheck over the largest vector's n variables brings every claim to one
//! point, whatever their number (n Poseidon rounds in the circuit, plus O(n) per claim term
//! for its weight at the reduced point).

use super::claims::{ClaimTerm, OpeningClaim};
use super::layout::{Layout, Segment, Stored};
use crate::blocks::TensorClaim;
use crate::error::Error;
use crate::field::FieldOps;

/// Collected claims, in the order blocks reported them (prover and verifier must agree).
#[derive(Clone, Debug, Default)]
pub struct Accumulator<F> {
    vector_vars: Vec<usize>,
    claims: Vec<OpeningClaim<F>>,
}

impl<F: FieldOps> Accumulator<F> {
    /// An accumulator for vectors with these numbers of variables (commitment order).
    pub fn new(vector_vars: &[usize]) -> Self {
        Self {
            vector_vars: vector_vars.to_vec(),
            claims: vec![],
        }
    }

    /// Records a claim on the tensor at `segment` of vector `vector`.
    pub fn add(&mut self, vector: usize, segment: Segment, claim: &TensorClaim<F>) {
        let vars = self.vector_vars.get(vector).copied().unwrap_or(0);
        self.claims.push(OpeningClaim::evaluation(
            vector,
            segment.point(&claim.point, vars),
            claim.value.clone(),
        ));
    }

    /// Records a claim on a tensor stored in vector `vector` (laid out by `layout`) as
    /// `stored` says: one evaluation for a whole tensor, one claim of weighted terms on the
    /// blocks for a split one ([`super::layout::AxisSplit::claim`]).
    pub fn add_stored(
        &mut self,
        vector: usize,
        layout: &Layout,
        stored: &Stored,
        claim: &TensorClaim<F>,
    ) -> Result<(), Error> {
        match stored {
            Stored::Whole(id) => self.add(vector, layout.segment(*id), claim),
            Stored::Split { split, blocks } => {
                let (terms, value) = split.claim(&claim.point, &claim.value)?;
                let terms = terms
                    .into_iter()
                    .zip(blocks)
                    .map(|((scale, local), id)| (layout.segment(*id), scale, local))
                    .collect();
                self.add_terms(vector, terms, value);
            }
        }
        Ok(())
    }

    /// Records the claim Σ_j scale_j·t̃_j(local_j) = `value` on tensors t_j at their segments of
    /// vector `vector` (the blocks of a tensor stored without its padding, [`super::layout::AxisSplit`]).
    pub fn add_terms(&mut self, vector: usize, terms: Vec<(Segment, F, Vec<F>)>, value: F) {
        let vars = self.vector_vars.get(vector).copied().unwrap_or(0);
        self.claims.push(OpeningClaim {
            vector,
            terms: terms
                .into_iter()
                .map(|(segment, scale, local)| ClaimTerm {
                    scale,
                    point: segment.point(&local, vars),
                })
                .collect(),
            value,
        });
    }

    /// The vectors' sizes (log2), for the opening.
    pub fn vector_vars(&self) -> &[usize] {
        &self.vector_vars
    }

    /// The lifted claims, for the opening.
    pub fn claims(&self) -> &[OpeningClaim<F>] {
        &self.claims
    }
}
