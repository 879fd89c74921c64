//! Claim accumulation: blocks report claims on their tensors at local points; the
//! accumulator lifts each onto its committed vector through the layout and keeps them for the
//! one batched opening.
//!
//! All claims on a vector are reduced *inside* the opening (DESIGN §10): the prover combines
//! their e_r polynomials with powers of ρ into one E and computes a single Laurent product
//! f(X)·E(1/X), and the verifier evaluates each e_r at 1/ζ in O(log N). This replaces a
//! separate claim-reduction sumcheck: it costs the circuit O(log N) multiplications per claim
//! instead of log N sumcheck rounds of Poseidon, and the prover one FFT product per vector.

use super::claims::OpeningClaim;
use super::layout::Segment;
use crate::blocks::TensorClaim;
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
        self.claims.push(OpeningClaim {
            vector,
            point: segment.point(&claim.point, vars),
            value: claim.value.clone(),
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
