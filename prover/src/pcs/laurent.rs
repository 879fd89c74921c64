//! The polynomial arithmetic of the opening ([`super::split`]): e_r evaluations and tables,
//! the Laurent product f(X)·E(1/X) split into its constant term and two quotients (the row
//! inner products' S₁, S₂), batching under powers of a challenge, and univariate evaluation /
//! division by (X − z).

use crate::field::FieldOps;
use crate::poly::eq_table;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

/// e_r(x) = Π_j ((1 − r_j) + r_j · x^{2^j}), in O(|r|) (generic: runs in-circuit).
pub fn e_eval<F: FieldOps>(r: &[F], x: &F) -> F {
    let mut acc = F::one();
    let mut pow = x.clone();
    for (j, rj) in r.iter().enumerate() {
        acc = acc.mul(&rj.mul(&pow).add(&rj.one_minus()));
        if j + 1 < r.len() {
            pow = pow.mul(&pow);
        }
    }
    acc
}

/// E = Σ_c w_c · e_{r_c} as a coefficient vector of length 2^n. A point whose high
/// coordinates are Boolean (a claim on an aligned segment) touches only that segment.
pub fn combined_e(num_vars: usize, claims: &[(&[Fr], Fr)]) -> Vec<Fr> {
    let mut e = vec![Fr::ZERO; 1 << num_vars];
    for (point, weight) in claims {
        let boolean_suffix = point
            .iter()
            .rev()
            .take_while(|x| **x == Fr::ZERO || **x == Fr::ONE)
            .count();
        let low = point.len() - boolean_suffix;
        let offset: usize = point[low..]
            .iter()
            .enumerate()
            .map(|(j, b)| {
                if *b == Fr::ONE {
                    1usize << (low + j)
                } else {
                    0
                }
            })
            .sum();
        let table = eq_table(&point[..low]);
        e[offset..offset + table.len()]
            .par_iter_mut()
            .zip(table.par_iter())
            .for_each(|(a, t)| *a += *weight * t);
    }
    e
}

/// E_k = Σ_{c on vector k} w_c·Σ_j s_{c,j}·e_{r_{c,j}} over the claims on vector `k` and
/// their terms ([`combined_e`]): the weight table of one vector.
pub fn vector_weights(
    k: usize,
    num_vars: usize,
    claims: &[crate::pcs::OpeningClaim<Fr>],
    weights: &[Fr],
) -> Vec<Fr> {
    let mine: Vec<(&[Fr], Fr)> = claims
        .iter()
        .zip(weights)
        .filter(|(c, _)| c.vector == k)
        .flat_map(|(c, w)| c.terms.iter().map(|t| (t.point.as_slice(), *w * t.scale)))
        .collect();
    combined_e(num_vars, &mine)
}

/// Σ_k x^k·p_k as coefficients (as long as the longest p_k): how every batch of polynomials
/// under powers of one challenge is formed.
pub fn combine_powers(polys: &[&[Fr]], x: Fr) -> Vec<Fr> {
    let mut out = vec![Fr::ZERO; polys.iter().map(|p| p.len()).max().unwrap_or(0)];
    let mut xk = Fr::ONE;
    for p in polys {
        out.par_iter_mut()
            .zip(p.par_iter())
            .for_each(|(o, y)| *o += xk * y);
        xk *= x;
    }
    out
}

/// Splits f(X)·E(1/X) (both of length N) into its constant term y and the quotients with
/// f(X)·E(1/X) = y + X·q₁(X) + X⁻¹·q₂(1/X); q₁ and q₂ have N − 1 coefficients each.
pub fn laurent_split(f: &[Fr], e: &[Fr]) -> (Fr, Vec<Fr>, Vec<Fr>) {
    let n = f.len();
    if n <= 1 {
        let y = f.first().copied().unwrap_or(Fr::ZERO) * e.first().copied().unwrap_or(Fr::ZERO);
        return (y, vec![], vec![]);
    }
    // c_k = Σ_{i−j=k} f_i e_j is coefficient k + N − 1 of f(X)·rev(E)(X).
    let size = 2 * n;
    let domain = match Radix2EvaluationDomain::<Fr>::new(size) {
        Some(d) => d,
        None => return naive_split(f, e),
    };
    let mut a = f.to_vec();
    a.resize(size, Fr::ZERO);
    let mut b: Vec<Fr> = e.iter().rev().copied().collect();
    b.resize(size, Fr::ZERO);
    let (fa, fb) = rayon::join(|| domain.fft(&a), || domain.fft(&b));
    let prod: Vec<Fr> = fa
        .par_iter()
        .zip(fb.par_iter())
        .map(|(x, y)| *x * y)
        .collect();
    let c = domain.ifft(&prod);
    let y = c[n - 1];
    let q1 = c[n..2 * n - 1].to_vec();
    let q2 = (0..n - 1).map(|m| c[n - 2 - m]).collect();
    (y, q1, q2)
}

fn naive_split(f: &[Fr], e: &[Fr]) -> (Fr, Vec<Fr>, Vec<Fr>) {
    let n = f.len();
    let mut c = vec![Fr::ZERO; 2 * n - 1];
    for (i, fi) in f.iter().enumerate() {
        for (j, ej) in e.iter().enumerate() {
            c[i + n - 1 - j] += *fi * ej;
        }
    }
    (
        c[n - 1],
        c[n..].to_vec(),
        (0..n - 1).map(|m| c[n - 2 - m]).collect(),
    )
}

/// p(x) for coefficients p, parallel Horner over chunks.
pub fn evaluate(p: &[Fr], x: Fr) -> Fr {
    const CHUNK: usize = 1 << 12;
    if p.len() <= CHUNK {
        return p.iter().rev().fold(Fr::ZERO, |acc, c| acc * x + c);
    }
    let step = x.pow([CHUNK as u64]);
    let partial: Vec<Fr> = p
        .par_chunks(CHUNK)
        .map(|ch| ch.iter().rev().fold(Fr::ZERO, |acc, c| acc * x + c))
        .collect();
    partial.iter().rev().fold(Fr::ZERO, |acc, v| acc * step + v)
}

/// The quotient (p(X) − p(z)) / (X − z), by synthetic division.
pub fn divide_by_linear(p: &[Fr], z: Fr) -> Vec<Fr> {
    if p.len() <= 1 {
        return vec![];
    }
    let mut q = vec![Fr::ZERO; p.len() - 1];
    let mut carry = Fr::ZERO;
    for i in (1..p.len()).rev() {
        carry = p[i] + carry * z;
        q[i - 1] = carry;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::DenseMle;
    use ark_std::UniformRand;

    #[test]
    fn laurent_split_matches_naive_and_the_mle() {
        let mut rng = ark_std::test_rng();
        for n in [1usize, 2, 8, 64] {
            let f: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let r: Vec<Fr> = (0..n.trailing_zeros())
                .map(|_| Fr::rand(&mut rng))
                .collect();
            let e = eq_table(&r);
            let (y, q1, q2) = laurent_split(&f, &e);
            assert_eq!(y, DenseMle::new(f.clone()).unwrap().evaluate(&r).unwrap());
            if n > 1 {
                assert_eq!((y, q1.clone(), q2.clone()), naive_split(&f, &e));
            }
            // The identity at a random point.
            let z = Fr::rand(&mut rng);
            let zi = z.inverse().unwrap();
            let lhs = evaluate(&f, z) * e_eval(&r, &zi);
            assert_eq!(lhs, y + z * evaluate(&q1, z) + zi * evaluate(&q2, zi));
        }
    }

    #[test]
    fn segment_claims_place_their_tables() {
        let mut rng = ark_std::test_rng();
        let local: Vec<Fr> = (0..3).map(|_| Fr::rand(&mut rng)).collect();
        let mut full = local.clone();
        full.extend([Fr::ONE, Fr::ZERO, Fr::ONE]); // segment 5 of size 8
        let e = combined_e(6, &[(&full, Fr::from(3u64))]);
        assert_eq!(
            e,
            eq_table(&full)
                .iter()
                .map(|x| *x * Fr::from(3u64))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn division_and_evaluation() {
        let mut rng = ark_std::test_rng();
        let p: Vec<Fr> = (0..10_000).map(|_| Fr::rand(&mut rng)).collect();
        let (z, x) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let q = divide_by_linear(&p, z);
        assert_eq!(evaluate(&p, x) - evaluate(&p, z), evaluate(&q, x) * (x - z));
        assert_eq!(
            evaluate(&p, x),
            p.iter().rev().fold(Fr::ZERO, |a, c| a * x + c)
        );
    }
}
