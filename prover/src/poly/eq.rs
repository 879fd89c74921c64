//! The equality polynomial eq(r, x) = Π_j (r_j x_j + (1 − r_j)(1 − x_j)).

use super::PAR_THRESHOLD;
use crate::field::FieldOps;
use ark_bn254::Fr;
use ark_ff::Field;
use rayon::prelude::*;

/// eq(a, b) for two points of the same dimension, in O(n) (generic: runs in-circuit).
/// Points of different lengths are a caller bug and evaluate over the shorter prefix; callers
/// that handle untrusted shapes check lengths first.
pub fn eq_eval<F: FieldOps>(a: &[F], b: &[F]) -> F {
    a.iter().zip(b).fold(F::one(), |acc, (x, y)| {
        // x·y + (1 − x)(1 − y) = 1 − x − y + 2xy
        let xy = x.mul(y);
        let term = xy.add(&xy).sub(x).sub(y).add_const(Fr::ONE);
        acc.mul(&term)
    })
}

/// The table eq(r, i) for all i in {0,1}^n, in O(2^n) field multiplications. A large table is
/// the product of two √-size ones, eq(r_lo, i_lo)·eq(r_hi, i_hi), written in one parallel pass
/// from the first touch (faulting a table's pages in on one thread cost more than its
/// multiplications).
pub fn eq_table(r: &[Fr]) -> Vec<Fr> {
    if (1usize << r.len()) < PAR_THRESHOLD {
        return eq_table_serial(r);
    }
    let (lo, hi) = r.split_at(r.len() / 2);
    let (bits, lo, hi) = (lo.len(), eq_table_serial(lo), eq_table_serial(hi));
    let mask = lo.len() - 1;
    (0..lo.len() * hi.len())
        .into_par_iter()
        .with_min_len(1 << 10)
        .map(|i| hi[i >> bits] * lo[i & mask])
        .collect()
}

/// [`eq_table`] by doubling, variable by variable, on one thread.
fn eq_table_serial(r: &[Fr]) -> Vec<Fr> {
    let mut table = vec![Fr::ONE; 1usize << r.len()];
    let mut size = 1usize;
    // After step j the first 2^(j+1) entries hold eq over variables 0..=j. Variable j is index
    // bit j, so entry i + 2^j is entry i with bit j set.
    for rj in r {
        let (lo, hi) = table.split_at_mut(size);
        for (l, h) in lo.iter_mut().zip(hi[..size].iter_mut()) {
            *h = *l * rj;
            *l -= *h;
        }
        size *= 2;
    }
    table
}

/// eq(r, ·) over the hypercube of r's dimension, generic over the backend (for small r:
/// O(2^n) multiplications).
pub fn eq_table_generic<F: FieldOps>(r: &[F]) -> Vec<F> {
    let mut table = vec![F::one()];
    for rj in r {
        let hi: Vec<F> = table.iter().map(|t| t.mul(rj)).collect();
        table = table
            .iter()
            .zip(&hi)
            .map(|(t, h)| t.sub(h))
            .chain(hi.iter().cloned())
            .collect();
    }
    table
}

/// The MLE of the prefix indicator i ↦ [i < n] at r, in O(len r) (generic): the sum over the
/// set bits k of n of (1 − r_k)·Π_{j>k} eq(r_j, n_j) — below bit k every value counts.
/// Indices are those of r's hypercube, so n ≥ 2^len(r) gives 1.
pub fn less_than_eval<F: FieldOps>(r: &[F], n: usize) -> F {
    if r.len() < usize::BITS as usize && n >= 1usize << r.len() {
        return F::one();
    }
    let mut acc = F::zero();
    let mut high = F::one(); // Π_{j>k} eq(r_j, n_j)
    for (k, rk) in r.iter().enumerate().rev() {
        if (n >> k) & 1 == 1 {
            acc = acc.add(&high.sub(&high.mul(rk)));
            high = high.mul(rk);
        } else {
            high = high.sub(&high.mul(rk));
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;

    #[test]
    fn table_matches_pointwise_eval() {
        let mut rng = ark_std::test_rng();
        // Below and above the size the table is built from two halves, odd and even n.
        for n in [5, 13, 14] {
            let r: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let t = eq_table(&r);
            assert_eq!(t, eq_table_serial(&r), "{n} variables");
            for i in [0, 1, (1 << n) / 3, (1 << n) - 1] {
                let bits: Vec<Fr> = (0..n).map(|j| Fr::from(((i >> j) & 1) as u64)).collect();
                assert_eq!(t[i], eq_eval(&r, &bits), "{n} variables, entry {i}");
            }
            assert_eq!(t.iter().sum::<Fr>(), Fr::ONE);
        }
        let r: Vec<Fr> = (0..5).map(|_| Fr::rand(&mut rng)).collect();
        for (i, v) in eq_table_serial(&r).iter().enumerate() {
            let bits: Vec<Fr> = (0..5).map(|j| Fr::from(((i >> j) & 1) as u64)).collect();
            assert_eq!(*v, eq_eval(&r, &bits));
        }
    }

    #[test]
    fn less_than_matches_the_table() {
        let mut rng = ark_std::test_rng();
        let r: Vec<Fr> = (0..4).map(|_| Fr::rand(&mut rng)).collect();
        let t = eq_table(&r);
        for n in 0..=17 {
            let expect: Fr = t.iter().take(n).sum();
            assert_eq!(less_than_eval(&r, n), expect, "n = {n}");
        }
        assert_eq!(eq_table_generic(&r), t);
    }
}
