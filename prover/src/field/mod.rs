//! The field every protocol runs over (the BN254 scalar field, DESIGN §3) and the
//! field-operations trait that lets one verifier run natively and in-circuit.
//!
//! [`FieldOps`] is deliberately small: the arithmetic a verifier needs plus checked equality
//! and inversion. The native implementation on [`Fr`] is a zero-cost shim over arkworks; the
//! wrapper crate implements it for `FpVar<Fr>`, where [`FieldOps::enforce_equal`] adds a
//! constraint instead of only comparing.

pub mod encoding;

use crate::error::BackendError;
pub use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, Zero};
use std::fmt::Debug;

/// Field arithmetic a verifier may use. Implemented for [`Fr`] (native) and, in the wrapper
/// crate, for circuit variables.
pub trait FieldOps: Clone + Debug + Sized {
    /// A public constant.
    fn constant(c: Fr) -> Self;
    /// a + b.
    fn add(&self, other: &Self) -> Self;
    /// a − b.
    fn sub(&self, other: &Self) -> Self;
    /// a · b.
    fn mul(&self, other: &Self) -> Self;
    /// −a.
    fn neg(&self) -> Self;
    /// a · c for a public constant c (free in a circuit).
    fn mul_const(&self, c: Fr) -> Self;
    /// a + c for a public constant c (free in a circuit).
    fn add_const(&self, c: Fr) -> Self;
    /// Checks (natively) or enforces (in-circuit) a = b. Returns whether the values are
    /// equal when they are known; a circuit without witness values returns `Ok(true)`.
    fn enforce_equal(&self, other: &Self) -> Result<bool, BackendError>;
    /// Checks or enforces a ≠ 0; same return convention as [`FieldOps::enforce_equal`].
    fn enforce_nonzero(&self) -> Result<bool, BackendError>;
    /// The value, when known (always natively).
    fn value(&self) -> Option<Fr>;
    /// a⁻¹, or `None` for a = 0 natively; in-circuit the inverse is a witness constrained by
    /// a · a⁻¹ = 1 (unsatisfiable for 0).
    fn checked_inverse(&self) -> Result<Option<Self>, BackendError>;

    /// 0.
    fn zero() -> Self {
        Self::constant(Fr::ZERO)
    }
    /// 1.
    fn one() -> Self {
        Self::constant(Fr::ONE)
    }
    /// 1 − a.
    fn one_minus(&self) -> Self {
        self.neg().add_const(Fr::ONE)
    }
    /// Σ xs.
    fn sum(xs: &[Self]) -> Self {
        xs.iter().fold(Self::zero(), |acc, x| acc.add(x))
    }
}

impl FieldOps for Fr {
    #[inline(always)]
    fn constant(c: Fr) -> Self {
        c
    }
    #[inline(always)]
    fn add(&self, other: &Self) -> Self {
        *self + other
    }
    #[inline(always)]
    fn sub(&self, other: &Self) -> Self {
        *self - other
    }
    #[inline(always)]
    fn mul(&self, other: &Self) -> Self {
        *self * other
    }
    #[inline(always)]
    fn neg(&self) -> Self {
        -*self
    }
    #[inline(always)]
    fn mul_const(&self, c: Fr) -> Self {
        *self * c
    }
    #[inline(always)]
    fn add_const(&self, c: Fr) -> Self {
        *self + c
    }
    #[inline(always)]
    fn enforce_equal(&self, other: &Self) -> Result<bool, BackendError> {
        Ok(self == other)
    }
    #[inline(always)]
    fn enforce_nonzero(&self) -> Result<bool, BackendError> {
        Ok(!self.is_zero())
    }
    #[inline(always)]
    fn value(&self) -> Option<Fr> {
        Some(*self)
    }
    fn checked_inverse(&self) -> Result<Option<Self>, BackendError> {
        Ok(Field::inverse(self))
    }
}

/// Inverse of a small positive integer, for public constants (Lagrange denominators etc.).
pub(crate) fn inverse_of_small(n: i64) -> Fr {
    let f = encoding::from_i128(i128::from(n));
    f.inverse().unwrap_or(Fr::ZERO)
}

/// 1, x, x², … (`n` powers): the weights that batch claims with one challenge.
pub fn powers<F: FieldOps>(x: &F, n: usize) -> Vec<F> {
    let mut out = Vec::with_capacity(n);
    let mut power = F::one();
    for _ in 0..n {
        out.push(power.clone());
        power = power.mul(x);
    }
    out
}
