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
pub mod relu_train;
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

/// Σ_k weights_k·eq(point_k, ·) over 2^`vars` entries: the table a sumcheck proving batched
/// claims on a virtual tensor multiplies it with.
///
/// Each eq(point_k, ·) is the product of two √-size tables, the high one scaled by weight_k,
/// so an entry costs one multiplication per claim and no table of full size is made but the
/// result, written in parallel from the first touch.
pub(crate) fn eq_weights(
    vars: usize,
    weights: &[ark_bn254::Fr],
    claims: &[TensorClaim<ark_bn254::Fr>],
) -> Vec<ark_bn254::Fr> {
    use ark_bn254::Fr;
    use rayon::prelude::*;
    let bits = vars / 2;
    let halves: Vec<(Vec<Fr>, Vec<Fr>)> = weights
        .iter()
        .zip(claims)
        .map(|(weight, c)| {
            let (lo, hi) = c.point.split_at(bits.min(c.point.len()));
            let hi: Vec<Fr> = crate::poly::eq_table(hi)
                .into_iter()
                .map(|e| e * weight)
                .collect();
            (crate::poly::eq_table(lo), hi)
        })
        .collect();
    let mask = (1usize << bits) - 1;
    (0..1usize << vars)
        .into_par_iter()
        .with_min_len(1 << 10)
        .map(|i| {
            halves
                .iter()
                .map(|(lo, hi)| match (hi.get(i >> bits), lo.get(i & mask)) {
                    (Some(h), Some(l)) => *h * l,
                    _ => Fr::from(0u64),
                })
                .sum()
        })
        .collect()
}

/// Checks the claims a virtual tensor's block batches before it binds them: the block's `vars`
/// within what a sumcheck takes and every claim point of that many variables. `what` names
/// the variables and the claim point in the errors.
pub(crate) fn check_claim_points<'a, F: 'a>(
    vars: usize,
    claims: impl IntoIterator<Item = &'a TensorClaim<F>>,
    what: [&'static str; 2],
) -> Result<(), crate::error::Error> {
    use crate::error::Error;
    if vars > crate::sumcheck::MAX_VARS {
        return Err(Error::TooLarge {
            what: what[0],
            value: vars,
            max: crate::sumcheck::MAX_VARS,
        });
    }
    match claims.into_iter().find(|c| c.point.len() != vars) {
        Some(c) => Err(Error::ProofShape {
            what: what[1],
            expected: vars,
            actual: c.point.len(),
        }),
        None => Ok(()),
    }
}

/// Σ_k weights_k·value_k: the sum a batched claim sumcheck starts from.
pub(crate) fn weighted_values<'a, F: crate::field::FieldOps + 'a>(
    weights: &[F],
    claims: impl IntoIterator<Item = &'a TensorClaim<F>>,
) -> F {
    weights
        .iter()
        .zip(claims)
        .fold(F::zero(), |acc, (w, c)| acc.add(&w.mul(&c.value)))
}

/// The claims a batched claim sumcheck hands on: its final evaluations after the first `skip`
/// (tables the verifier evaluates itself), one per name in `names`, all at its point `rho`.
/// `what` names the evaluations in the shape error.
pub(crate) fn claims_at<F: Clone>(
    rho: &[F],
    evals: &[F],
    skip: usize,
    names: &[&'static str],
    what: &'static str,
) -> Result<NamedClaims<F>, crate::error::Error> {
    let values = evals.get(skip..).filter(|v| v.len() == names.len()).ok_or(
        crate::error::Error::ProofShape {
            what,
            expected: skip + names.len(),
            actual: evals.len(),
        },
    )?;
    Ok(names
        .iter()
        .zip(values)
        .map(|(name, v)| {
            (
                *name,
                TensorClaim {
                    point: rho.to_vec(),
                    value: v.clone(),
                },
            )
        })
        .collect())
}

/// That table's multilinear extension at `rho`, in O(K·n): what the verifier checks the
/// sumcheck's final value of it against.
pub(crate) fn eq_weights_at<F: crate::field::FieldOps>(
    weights: &[F],
    claims: &[TensorClaim<F>],
    rho: &[F],
) -> F {
    weights.iter().zip(claims).fold(F::zero(), |acc, (w, c)| {
        acc.add(&w.mul(&crate::poly::eq_eval(&c.point, rho)))
    })
}

/// The concatenation of point parts (low variables first).
pub(crate) fn concat<F: Clone>(parts: &[&[F]]) -> Vec<F> {
    parts.iter().flat_map(|p| p.iter().cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_std::UniformRand;

    /// The √-split weights equal Σ_k weight_k·eq(point_k, ·) tabulated whole, for odd and even
    /// sizes.
    #[test]
    fn eq_weights_match_the_weighted_sum_of_eq_tables() {
        let mut rng = ark_std::test_rng();
        for vars in [0, 1, 6, 13] {
            let claims: Vec<TensorClaim<Fr>> = (0..3)
                .map(|_| TensorClaim {
                    point: (0..vars).map(|_| Fr::rand(&mut rng)).collect(),
                    value: Fr::rand(&mut rng),
                })
                .collect();
            let weights: Vec<Fr> = (0..3).map(|_| Fr::rand(&mut rng)).collect();
            let mut want = vec![Fr::from(0u64); 1 << vars];
            for (w, c) in weights.iter().zip(&claims) {
                for (x, e) in want.iter_mut().zip(crate::poly::eq_table(&c.point)) {
                    *x += *w * e;
                }
            }
            assert_eq!(
                eq_weights(vars, &weights, &claims),
                want,
                "{vars} variables"
            );
        }
    }
}
