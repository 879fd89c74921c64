//! Blocks (DESIGN §8): each proves one relation between committed tensors and emits
//! evaluation claims on them, at points local to each tensor. The caller lifts the claims
//! onto its committed vectors through their layouts and accumulates them for one opening.
//!
//! Challenge order, the same in every block: the block's statement (shape, public values) is
//! absorbed first, then its random points are drawn; every value the prover states at those
//! points is absorbed before the batching challenge (γ, α) that combines them and before any
//! sumcheck over them; sumcheck final evaluations are absorbed before the caller continues.
//! Tensors the blocks speak of are committed before s0, so before every challenge.

pub mod argmax;
pub mod avgpool;
pub mod avgpool_grad;
pub mod concat;
pub mod conv;
pub mod conv_backprop;
pub mod dense;
pub mod dense_iter;
pub mod iterate;
pub mod loss_grad;
pub mod matmul;
pub mod maxpool;
pub mod maxpool_grad;
pub mod one_hot;
pub mod pool;
pub mod relu_grad;
pub mod residual;
pub mod softmax;

/// A claim t̃(point) = value on one tensor, at a point local to the tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorClaim<F> {
    /// The point (low variables first, as in DESIGN §5).
    pub point: Vec<F>,
    /// The claimed value.
    pub value: F,
}

/// Claims keyed by the block's own tensor names (for blocks with many tensors).
pub type NamedClaims<F> = Vec<(&'static str, TensorClaim<F>)>;

/// log2 of a power of two (block shapes are checked to be powers of two first).
pub(crate) fn log2(x: usize) -> usize {
    x.trailing_zeros() as usize
}

/// The multilinear extension at `point` of the length-`len` vector [j < real] (the mask of a
/// padded axis's real entries), which the verifier evaluates itself.
pub(crate) fn prefix_mask<F: crate::field::FieldOps>(len: usize, real: usize, point: &[F]) -> F {
    let mask: Vec<F> = (0..len)
        .map(|j| if j < real { F::one() } else { F::zero() })
        .collect();
    crate::poly::evaluate_generic(&mask, point)
}

/// The concatenation of point parts (low variables first).
pub(crate) fn concat<F: Clone>(parts: &[&[F]]) -> Vec<F> {
    parts.iter().flat_map(|p| p.iter().cloned()).collect()
}
