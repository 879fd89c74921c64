//! Dense multilinear extensions, stored as their 2^n evaluations on the hypercube.

use super::{PAR_THRESHOLD, eq_table};
use crate::error::Error;
use crate::field::FieldOps;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// A multilinear polynomial given by its evaluations; `evals[i]` is the value at the point
/// whose coordinate j is bit j of i.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseMle {
    num_vars: usize,
    evals: Vec<Fr>,
}

impl DenseMle {
    /// Wraps evaluations; their number must be a power of two.
    pub fn new(evals: Vec<Fr>) -> Result<Self, Error> {
        if !evals.len().is_power_of_two() {
            return Err(Error::NotPowerOfTwo {
                what: "MLE evaluations",
                value: evals.len(),
            });
        }
        Ok(Self {
            num_vars: evals.len().trailing_zeros() as usize,
            evals,
        })
    }

    /// Pads with zeros to the next power of two (DESIGN §5: pad value 0).
    pub fn from_padded(mut evals: Vec<Fr>) -> Self {
        let len = evals.len().max(1).next_power_of_two();
        evals.resize(len, Fr::ZERO);
        Self {
            num_vars: len.trailing_zeros() as usize,
            evals,
        }
    }

    /// Number of variables n.
    pub fn num_vars(&self) -> usize {
        self.num_vars
    }

    /// The 2^n evaluations.
    pub fn evals(&self) -> &[Fr] {
        &self.evals
    }

    /// Consumes the polynomial, returning its evaluations.
    pub fn into_evals(self) -> Vec<Fr> {
        self.evals
    }

    /// Evaluates at `point` (length n) in O(2^n).
    pub fn evaluate(&self, point: &[Fr]) -> Result<Fr, Error> {
        if point.len() != self.num_vars {
            return Err(Error::StatementShape {
                what: "MLE evaluation point coordinates",
                expected: self.num_vars,
                actual: point.len(),
            });
        }
        evaluate_dense(&self.evals, point)
    }

    /// Fixes variable 0 to `r`, halving the table: f'(x_1, …) = f(r, x_1, …).
    pub fn fix_first_variable(&mut self, r: Fr) {
        fix_first_variable_in_place(&mut self.evals, r);
        self.num_vars = self.num_vars.saturating_sub(1);
    }

    /// Fixes the lowest `point.len()` variables to `point`.
    pub fn fix_low_variables(&mut self, point: &[Fr]) {
        for r in point {
            self.fix_first_variable(*r);
        }
    }

    /// Σ over the hypercube.
    pub fn sum(&self) -> Fr {
        self.evals.par_iter().sum()
    }
}

/// f(r, x) = f(0, x) + r·(f(1, x) − f(0, x)) on a table whose pairs (2i, 2i+1) differ in x_0.
pub(crate) fn fix_first_variable_in_place(evals: &mut Vec<Fr>, r: Fr) {
    *evals = fold_first_variable(evals, r);
}

/// The table with its lowest variable fixed to r (half the length), written in parallel from
/// the first touch for large tables.
pub(crate) fn fold_first_variable(evals: &[Fr], r: Fr) -> Vec<Fr> {
    let half = evals.len() / 2;
    if half == 0 {
        evals.to_vec()
    } else if half >= PAR_THRESHOLD {
        evals
            .par_chunks_exact(2)
            .map(|p| p[0] + r * (p[1] - p[0]))
            .collect()
    } else {
        evals
            .chunks_exact(2)
            .map(|p| p[0] + r * (p[1] - p[0]))
            .collect()
    }
}

/// Evaluates the MLE of `values` (2^n entries) at `point` (n coordinates) in place: eq(point, ·)
/// is the product of two tables of √ size, so no buffer of the values' size is made (a witness
/// tensor's evaluation neither copies it nor tabulates eq over it).
pub fn evaluate_dense(values: &[Fr], point: &[Fr]) -> Result<Fr, Error> {
    if !values.len().is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "MLE evaluations",
            value: values.len(),
        });
    }
    let n = values.len().trailing_zeros() as usize;
    if point.len() != n {
        return Err(Error::StatementShape {
            what: "MLE evaluation point coordinates",
            expected: n,
            actual: point.len(),
        });
    }
    let (lo, hi) = point.split_at(n / 2);
    let (eq_lo, eq_hi) = (eq_table(lo), eq_table(hi));
    let row = |(chunk, h): (&[Fr], &Fr)| -> Fr {
        *h * chunk.iter().zip(&eq_lo).map(|(a, b)| *a * b).sum::<Fr>()
    };
    Ok(if values.len() >= PAR_THRESHOLD {
        values
            .par_chunks(eq_lo.len())
            .zip(eq_hi.par_iter())
            .map(row)
            .sum()
    } else {
        values.chunks(eq_lo.len()).zip(&eq_hi).map(row).sum()
    })
}

/// Evaluates the MLE of public values (a small table) at a point, generic over the backend:
/// O(2^n) constant multiplications, which are free in a circuit.
pub fn evaluate_public<F: FieldOps>(values: &[Fr], point: &[F]) -> F {
    let constants: Vec<F> = values.iter().map(|v| F::constant(*v)).collect();
    evaluate_generic(&constants, point)
}

/// Evaluates the MLE of values already in backend form (e.g. public inputs of a circuit) at
/// a point, folding the lowest variable first: O(2^n) multiplications. Missing trailing
/// values are zero.
pub fn evaluate_generic<F: FieldOps>(values: &[F], point: &[F]) -> F {
    let mut layer: Vec<F> = values.to_vec();
    for r in point {
        layer = layer
            .chunks(2)
            .map(|p| match p {
                [a, b] => a.add(&r.mul(&b.sub(a))),
                [a] => a.sub(&r.mul(a)),
                _ => F::zero(),
            })
            .collect();
    }
    layer.into_iter().next().unwrap_or_else(F::zero)
}

/// 2^n · f̃(½, …, ½) — equals the hypercube sum (DESIGN §5); used in tests and docs.
pub fn sum_via_half(f: &DenseMle) -> Result<Fr, Error> {
    let half = Fr::from(2u64).inverse().unwrap_or(Fr::ZERO);
    let point = vec![half; f.num_vars()];
    Ok(f.evaluate(&point)? * Fr::from(2u64).pow([f.num_vars() as u64]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;

    #[test]
    fn fixing_all_variables_is_evaluation() {
        let mut rng = ark_std::test_rng();
        let f = DenseMle::new((0..16).map(|_| Fr::rand(&mut rng)).collect()).unwrap();
        let p: Vec<Fr> = (0..4).map(|_| Fr::rand(&mut rng)).collect();
        let mut g = f.clone();
        g.fix_low_variables(&p);
        assert_eq!(g.evals(), &[f.evaluate(&p).unwrap()]);
        assert_eq!(
            evaluate_public::<Fr>(f.evals(), &p),
            f.evaluate(&p).unwrap()
        );
    }

    #[test]
    fn rejects_non_power_of_two() {
        assert_eq!(
            DenseMle::new(vec![Fr::ZERO; 3]).map(|_| ()),
            Err(Error::NotPowerOfTwo {
                what: "MLE evaluations",
                value: 3
            })
        );
        assert_eq!(DenseMle::from_padded(vec![Fr::ZERO; 3]).num_vars(), 2);
    }
}
