//! Step 1 of the row-split opening: one sumcheck reducing every claim on every vector to one
//! point r* over the largest vector's variables, shorter vectors read zero-extended.

use crate::error::Error;
use crate::field::FieldOps;
use crate::pcs::claims::OpeningClaim;
use crate::pcs::laurent::vector_weights;
use crate::poly::eq_eval;
use crate::poly::mle::fix_first_variable_in_place;
use crate::sumcheck::{RoundProver, SumOfProducts};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// Σ_k W_k·f_k over inputs ordered (W_0, f_0, W_1, f_1, …).
pub(super) fn pairs_composition(vectors: usize) -> Result<SumOfProducts, Error> {
    SumOfProducts::new(
        2 * vectors,
        (0..vectors)
            .map(|k| (Fr::ONE, vec![2 * k, 2 * k + 1]))
            .collect(),
    )
}

/// ρ^c per claim, in claim order.
pub(super) fn claim_weights<F: FieldOps>(rho: &F, count: usize) -> Vec<F> {
    crate::field::powers(rho, count)
}

/// W_k(r*) = Σ_{c on k} ρ^c Σ_j s_{c,j}·eq(r_{c,j}, r*_{<n_k}) · Π_{i ≥ n_k} (1 − r*_i): the
/// weight of vector k at the reduced point, computed by the verifier in O(n) per term.
pub(super) fn weight_at<F: FieldOps>(
    vector: usize,
    vector_vars: usize,
    claims: &[OpeningClaim<F>],
    weights: &[F],
    point: &[F],
) -> Result<F, Error> {
    let (low, high) = (
        point.get(..vector_vars).ok_or(Error::Opening {
            what: "reduced point shorter than a vector",
        })?,
        point.get(vector_vars..).unwrap_or_default(),
    );
    let mut w = F::zero();
    for (c, rho_c) in claims.iter().zip(weights) {
        if c.vector == vector {
            let mut sum = F::zero();
            for t in &c.terms {
                sum = sum.add(&t.scale.mul(&eq_eval(&t.point, low)));
            }
            w = w.add(&rho_c.mul(&sum));
        }
    }
    Ok(high.iter().fold(w, |acc, x| acc.mul(&x.one_minus())))
}

/// One vector's weight table W_k and values f_k over its `vars` unfixed variables, both kept
/// only up to their last nonzero pair: entries beyond `w.len()` (= `f.len()`) are zero, which a
/// trace's power-of-two padding makes a third or more of the vector.
struct Pair {
    w: Vec<Fr>,
    f: Vec<Fr>,
    vars: usize,
}

impl Pair {
    fn new(mut w: Vec<Fr>, mut f: Vec<Fr>, vars: usize) -> Self {
        let live = w
            .iter()
            .rposition(|x| *x != Fr::ZERO)
            .max(f.iter().rposition(|x| *x != Fr::ZERO))
            .map_or(0, |i| i + 1);
        let mut pair = Self {
            w: {
                w.truncate(live);
                w
            },
            f: {
                f.truncate(live);
                f
            },
            vars,
        };
        pair.pad();
        pair
    }

    /// Even lengths while a variable is unfixed (the fold reads whole pairs).
    fn pad(&mut self) {
        if self.vars > 0 && self.w.len() % 2 == 1 {
            self.w.push(Fr::ZERO);
            self.f.push(Fr::ZERO);
        }
    }

    /// W_k and f_k once every own variable is fixed (zero when the vector was all zeros).
    fn ends(&self) -> (Fr, Fr) {
        (first(&self.w), first(&self.f))
    }
}

/// A table's first entry; zero for a table whose live prefix is empty.
fn first(v: &[Fr]) -> Fr {
    v.first().copied().unwrap_or(Fr::ZERO)
}

/// The prover's side: per vector its weight table W_k and values f_k, each of its own length;
/// once a vector's own variables are fixed it is one value whose zero-extension contributes
/// (1 − X_j)² per later round.
pub(super) struct ClaimReduction {
    tables: Vec<Pair>,
    num_vars: usize,
}

impl ClaimReduction {
    /// The instance for `vectors` (power-of-two lengths `2^vars[k]`) under weighted claims.
    pub(super) fn new(
        vectors: &[&[Fr]],
        vars: &[usize],
        claims: &[OpeningClaim<Fr>],
        weights: &[Fr],
    ) -> Self {
        let tables = vectors
            .iter()
            .zip(vars)
            .enumerate()
            .map(|(k, (f, n))| Pair::new(vector_weights(k, *n, claims, weights), f.to_vec(), *n))
            .collect();
        Self {
            tables,
            num_vars: vars.iter().copied().max().unwrap_or(0),
        }
    }
}

impl RoundProver for ClaimReduction {
    fn num_vars(&self) -> usize {
        self.num_vars
    }
    fn degree(&self) -> usize {
        2
    }
    fn arity(&self) -> usize {
        2 * self.tables.len()
    }
    fn round_evals(&self, claim: Fr) -> Vec<Fr> {
        let mut at0 = Fr::ZERO;
        let mut at2 = Fr::ZERO;
        for Pair { w, f, vars } in &self.tables {
            if *vars == 0 {
                // (1 − t)²·w·f at t = 0 and t = 2 alike.
                let c = first(w) * first(f);
                at0 += c;
                at2 += c;
                continue;
            }
            // Pairs past the live prefix are zero and add nothing.
            let (a, b) = w
                .par_chunks(2)
                .zip(f.par_chunks(2))
                .with_min_len(1 << 10)
                .map(|(w, f)| {
                    let (w0, w1, f0, f1) = (w[0], w[1], f[0], f[1]);
                    (w0 * f0, (w1.double() - w0) * (f1.double() - f0))
                })
                .reduce(|| (Fr::ZERO, Fr::ZERO), |x, y| (x.0 + y.0, x.1 + y.1));
            at0 += a;
            at2 += b;
        }
        vec![at0, claim - at0, at2]
    }
    fn fix(&mut self, r: Fr) {
        let keep = Fr::ONE - r;
        self.tables.par_iter_mut().for_each(|t| {
            if t.vars == 0 {
                t.w.iter_mut().chain(&mut t.f).for_each(|x| *x *= keep);
            } else {
                fix_first_variable_in_place(&mut t.w, r);
                fix_first_variable_in_place(&mut t.f, r);
                t.vars -= 1;
                t.pad();
            }
        });
        self.num_vars = self.num_vars.saturating_sub(1);
    }
    fn final_evals(&self) -> Vec<Fr> {
        self.tables
            .iter()
            .flat_map(|t| {
                let (w, f) = t.ends();
                [w, f]
            })
            .collect()
    }
}

impl ClaimReduction {
    /// Once every variable is fixed: v_k = f̃_k(r*) per vector (zero-extension included), the
    /// reduction's final message. The weights W_k(r*) are not sent: the verifier computes them.
    pub(super) fn values(&self) -> Vec<Fr> {
        self.tables.iter().map(|t| t.ends().1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcs::claims::ClaimTerm;
    use crate::poly::DenseMle;
    use crate::sumcheck::{VerifierInstance, prove, verify};
    use crate::transcript::NativeTranscript;
    use ark_std::UniformRand;

    #[test]
    fn zero_extended_vectors_reduce_to_one_point() {
        // Dense vectors and claims.
        reduce_and_check(&[5, 2, 0, 5], &[32, 4, 1, 32], &[0, 0, 0, 0]);
        // Zero tails (odd and even live prefixes, an all-zero vector) under claims on
        // segments (a Boolean suffix): the prover keeps only the live prefix.
        reduce_and_check(&[5, 2, 0, 5, 4], &[13, 0, 1, 32, 6], &[2, 1, 0, 3, 0]);
    }

    /// Vectors of 2^vars[k] entries, the first `live[k]` random and the rest zero, with two
    /// claims each whose last `fixed[k]` coordinates are 0 (claims on the first segment).
    fn reduce_and_check(vars: &[usize], live: &[usize], fixed: &[usize]) {
        let mut rng = ark_std::test_rng();
        let vectors: Vec<Vec<Fr>> = vars
            .iter()
            .zip(live)
            .map(|(n, l)| {
                (0..1usize << n)
                    .map(|i| if i < *l { Fr::rand(&mut rng) } else { Fr::ZERO })
                    .collect()
            })
            .collect();
        let mut claims = vec![];
        for (k, v) in vectors.iter().enumerate() {
            // Two evaluation claims, then one of two weighted terms.
            for terms in [1, 1, 2] {
                let mut claim = OpeningClaim {
                    vector: k,
                    terms: vec![],
                    value: Fr::ZERO,
                };
                for _ in 0..terms {
                    let point: Vec<Fr> = (0..vars[k])
                        .map(|j| {
                            if j + fixed[k] >= vars[k] {
                                Fr::ZERO
                            } else {
                                Fr::rand(&mut rng)
                            }
                        })
                        .collect();
                    let scale = if terms == 1 {
                        Fr::ONE
                    } else {
                        Fr::rand(&mut rng)
                    };
                    claim.value +=
                        scale * DenseMle::new(v.clone()).unwrap().evaluate(&point).unwrap();
                    claim.terms.push(ClaimTerm { scale, point });
                }
                claims.push(claim);
            }
        }
        let rho = Fr::rand(&mut rng);
        let weights = claim_weights(&rho, claims.len());
        let sum: Fr = claims.iter().zip(&weights).map(|(c, w)| c.value * w).sum();
        let refs: Vec<&[Fr]> = vectors.iter().map(Vec::as_slice).collect();
        let mut inst = ClaimReduction::new(&refs, vars, &claims, &weights);
        let (proof, out) = prove(&mut inst, sum, &mut NativeTranscript::new_native()).unwrap();
        let composition = pairs_composition(vectors.len()).unwrap();
        let checked = verify(
            VerifierInstance {
                num_vars: *vars.iter().max().unwrap(),
                composition: &composition,
                claim: sum,
            },
            &proof,
            &mut NativeTranscript::new_native(),
        )
        .unwrap();
        assert_eq!(checked, out);
        for (k, v) in vectors.iter().enumerate() {
            let n = vars[k];
            let tail: Fr = out.point[n..].iter().map(|x| Fr::ONE - x).product();
            let expect = DenseMle::new(v.clone())
                .unwrap()
                .evaluate(&out.point[..n])
                .unwrap()
                * tail;
            assert_eq!(out.evals[2 * k + 1], expect);
            assert_eq!(
                out.evals[2 * k],
                weight_at(k, n, &claims, &weights, &out.point).unwrap()
            );
        }
    }
}
