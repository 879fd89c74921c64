//! Multilinear polynomials over the Boolean hypercube (DESIGN §5).
//!
//! Index i = Σ b_j 2^j is the point (b_0, …, b_{n−1}): variable 0 is the lowest index bit,
//! as in ark-poly's `DenseMultilinearExtension`. Provers use the dense [`DenseMle`] on Fr;
//! verifiers use the succinct evaluations in [`eq`] and [`shift`], generic over
//! [`crate::field::FieldOps`].

pub mod eq;
pub mod mle;
pub mod shift;

pub use eq::{eq_eval, eq_table, eq_table_generic, less_than_eval};
pub use mle::{DenseMle, evaluate_dense, evaluate_generic};
pub use shift::{shift_table, succ_eval};

/// Rayon is used above this many entries; below it the fork/join overhead dominates.
pub(crate) const PAR_THRESHOLD: usize = 1 << 12;
