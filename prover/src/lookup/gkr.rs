//! The LogUp-GKR prover's fraction trees and layer sumchecks, over the real nodes only.
//!
//! The witness columns fill a prefix [0, L) of the 2^n leaves; every other leaf holds the
//! neutral fraction 0/1, and so does every node whose subtree lies past L. A [`Tree`] keeps
//! each layer's prefix of real nodes; a node read past it is 0/1. When L is a little above a
//! power of two (the witness padded to twice its size), this halves the prover's work.
//!
//! A layer's sumcheck proves Σ_x eq(r, x)·G(x) with G = p₀q₁ + p₁q₀ + λ·q₀q₁ over the
//! children (p₀, q₀) = node 2x, (p₁, q₁) = node 2x + 1, fixing the lowest variable first —
//! the same polynomial, rounds and final values as a dense [`crate::sumcheck::ProverInstance`]
//! over [eq(r, ·), p₀, p₁, q₀, q₁] (tested below), computed differently (after Gruen):
//! - eq is never tabulated at full size: with the variables fixed so far at ρ and the current
//!   one x_j, eq(r, ·) = c·eq(r_j, x_j)·eq(r_{>j}, ·), c = Π_{i<j} eq(r_i, ρ_i). Round j's
//!   polynomial is s(t) = c·eq(r_j, t)·h(t) with h(t) = Σ_y eq(r_{>j}, y)·G(t, y) quadratic;
//!   h(0) and h(2) are summed, h(1) follows from the claim s(0) + s(1), h(3) from the three.
//!   eq(r_{>j}, y) is the product of two tables of √ size.
//! - Pairs past the real prefix have G = λ for every t: they add λ·(1 − Σ_{y real} eq(r_{>j}, y))
//!   to h(t) (eq sums to 1 over the hypercube), so they are never visited.
//! - The witness tree's leaves all have numerator 1 (every real leaf is 1/(β + v)): in the
//!   layer above them p = q₀ + q₁, and the leaf layer's sumcheck keeps the numerators' leading
//!   run of ones implicit — a fold of two ones is one — so there G = q₀ + q₁ + λ·q₀q₁ and only
//!   the run's end and the q tables are stored and folded.

use crate::error::Error;
use crate::poly::eq_table;
use crate::sumcheck::RoundProver;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// Below this many real pairs a round or a fold runs on one thread.
const PAR_PAIRS: usize = 1 << 12;

/// One fraction tree, root first: `p[d]`, `q[d]` hold the real prefix of the 2^d nodes at
/// depth d; nodes past it are 0/1.
pub(super) struct Tree {
    p: Vec<Vec<Fr>>,
    q: Vec<Vec<Fr>>,
    /// Every real leaf's numerator is 1 (the leaf layer is `p[depth]`).
    unit_leaves: bool,
}

/// Node i of a layer's prefix, or the neutral fraction 0/1 past it.
fn node(p: &[Fr], q: &[Fr], i: usize) -> (Fr, Fr) {
    match (p.get(i), q.get(i)) {
        (Some(p), Some(q)) => (*p, *q),
        _ => (Fr::ZERO, Fr::ONE),
    }
}

impl Tree {
    /// A tree of 2^`depth` leaves whose first `p_leaves.len()` (= `q_leaves.len()`) are given
    /// and the rest are 0/1.
    pub(super) fn build(p_leaves: Vec<Fr>, q_leaves: Vec<Fr>, depth: usize) -> Self {
        let unit_leaves = p_leaves.par_iter().all(|x| *x == Fr::ONE);
        let mut p = vec![Vec::new(); depth + 1];
        let mut q = vec![Vec::new(); depth + 1];
        p[depth] = p_leaves;
        q[depth] = q_leaves;
        for d in (0..depth).rev() {
            let (pc, qc) = (&p[d + 1], &q[d + 1]);
            let real = pc.len().div_ceil(2);
            let unit = unit_leaves && d + 1 == depth;
            let (pn, qn): (Vec<Fr>, Vec<Fr>) = (0..real)
                .into_par_iter()
                .with_min_len(1 << 10)
                .map(|x| {
                    let (p0, q0) = node(pc, qc, 2 * x);
                    let (p1, q1) = node(pc, qc, 2 * x + 1);
                    if unit && 2 * x + 1 < pc.len() {
                        (q0 + q1, q0 * q1)
                    } else {
                        (p0 * q1 + p1 * q0, q0 * q1)
                    }
                })
                .unzip();
            p[d] = pn;
            q[d] = qn;
        }
        Self { p, q, unit_leaves }
    }

    pub(super) fn depth(&self) -> usize {
        self.p.len() - 1
    }

    /// (p, q) at the root.
    pub(super) fn root(&self) -> (Fr, Fr) {
        match (self.p.first(), self.q.first()) {
            (Some(p), Some(q)) => node(p, q, 0),
            _ => (Fr::ZERO, Fr::ONE),
        }
    }

    /// The sumcheck reducing a claim on layer `d` at `r` (d variables) to layer `d + 1`. Its
    /// first round reads the children's layer in place; the first fold makes its own tables.
    pub(super) fn layer_prover(
        &self,
        d: usize,
        r: &[Fr],
        lambda: Fr,
    ) -> Result<LayerProver<'_>, Error> {
        let (Some(pc), Some(qc)) = (self.p.get(d + 1), self.q.get(d + 1)) else {
            return Err(Error::Internal {
                what: "a GKR layer has children",
            });
        };
        if r.len() != d {
            return Err(Error::Internal {
                what: "a GKR layer's claim point has one variable per level",
            });
        }
        if pc.len() != qc.len() {
            return Err(Error::Internal {
                what: "a GKR layer's numerators and denominators have one real prefix",
            });
        }
        // The leaf layer of unit numerators: pairs of two real leaves are implicit ones.
        let ones = if self.unit_leaves && d + 1 == self.depth() {
            pc.len() / 2
        } else {
            0
        };
        Ok(LayerProver {
            tables: Children::Layer { p: pc, q: qc },
            ones,
            r: r.to_vec(),
            fixed: 0,
            scale: Fr::ONE,
            lambda,
        })
    }
}

/// The value a table holds past its real prefix: p = 0, q = 1.
const PADS: [Fr; 4] = [Fr::ZERO, Fr::ZERO, Fr::ONE, Fr::ONE];

/// A layer sumcheck's tables p₀, p₁, q₀, q₁ over the unfixed variables (real prefix only).
enum Children<'a> {
    /// Before the first fold: the children's layer itself, entry x of table t being node
    /// 2x + (t mod 2) of `p` (t < 2) or `q`. Splitting it into four tables would copy the
    /// largest buffers of the lookup only to read them once.
    Layer { p: &'a [Fr], q: &'a [Fr] },
    /// After a fold; p₀ and p₁ from entry `ones` on (before it both are 1).
    Folded([Vec<Fr>; 4]),
}

/// One layer's sumcheck over the real prefix (module doc).
pub(super) struct LayerProver<'a> {
    tables: Children<'a>,
    /// The numerators' leading run of implicit ones (0 but in a unit-numerator leaf layer).
    ones: usize,
    /// The claim point; `r[fixed..]` are the unfixed variables' coordinates.
    r: Vec<Fr>,
    fixed: usize,
    /// Π eq(r_i, ρ_i) over the fixed variables.
    scale: Fr,
    lambda: Fr,
}

impl LayerProver<'_> {
    /// G at the four children's values.
    #[inline(always)]
    fn g(&self, v: [Fr; 4]) -> Fr {
        let [p0, p1, q0, q1] = v;
        p0 * q1 + p1 * q0 + self.lambda * (q0 * q1)
    }

    /// G where both numerators are 1.
    #[inline(always)]
    fn g_unit(&self, q0: Fr, q1: Fr) -> Fr {
        q0 + q1 + self.lambda * (q0 * q1)
    }

    /// Entries over the unfixed variables (the q tables hold them all).
    fn len(&self) -> usize {
        match &self.tables {
            Children::Layer { q, .. } => q.len().div_ceil(2),
            Children::Folded(t) => t[2].len(),
        }
    }

    /// Entry i of table t, or its pad past the prefix.
    #[inline(always)]
    fn at(&self, t: usize, i: usize) -> Fr {
        if t < 2 && i < self.ones {
            return Fr::ONE;
        }
        let entry = match &self.tables {
            Children::Layer { p, q } => {
                let layer = if t < 2 { p } else { q };
                layer.get(2 * i + (t & 1))
            }
            Children::Folded(tables) => {
                let from = if t < 2 { self.ones } else { 0 };
                tables.get(t).and_then(|v| v.get(i - from))
            }
        };
        entry.copied().unwrap_or(PADS[t & 3])
    }

    /// Σ_y eq(r_{>j}, y)·G(t, y) over the real pairs for t in `ts` (each 0, 1 or 2), and
    /// Σ_y eq(r_{>j}, y) over them.
    fn sums(&self, ts: &[usize]) -> (Vec<Fr>, Fr) {
        let real = self.len().div_ceil(2);
        let rest = self.r.get(self.fixed + 1..).unwrap_or(&[]);
        let lo_vars = rest.len() / 2;
        let (eq_lo, eq_hi) = (eq_table(&rest[..lo_vars]), eq_table(&rest[lo_vars..]));
        let block = eq_lo.len();
        let blocks = real.div_ceil(block);
        let block_sum = |h: usize| -> (Vec<Fr>, Fr) {
            let mut inner = vec![Fr::ZERO; ts.len()];
            let mut weight = Fr::ZERO;
            for (l, w) in eq_lo.iter().enumerate() {
                let i = h * block + l;
                if i >= real {
                    break;
                }
                weight += w;
                if 2 * i + 1 < self.ones {
                    // Every numerator is 1, at t = 0, 1 and 2 alike.
                    let (a0, a1, b0, b1) = (
                        self.at(2, 2 * i),
                        self.at(3, 2 * i),
                        self.at(2, 2 * i + 1),
                        self.at(3, 2 * i + 1),
                    );
                    for (acc, t) in inner.iter_mut().zip(ts) {
                        let g = match t {
                            0 => self.g_unit(a0, a1),
                            1 => self.g_unit(b0, b1),
                            _ => self.g_unit(b0.double() - a0, b1.double() - a1),
                        };
                        *acc += *w * g;
                    }
                    continue;
                }
                let a: [Fr; 4] = std::array::from_fn(|t| self.at(t, 2 * i));
                let b: [Fr; 4] = std::array::from_fn(|t| self.at(t, 2 * i + 1));
                for (acc, t) in inner.iter_mut().zip(ts) {
                    let v = match t {
                        0 => a,
                        1 => b,
                        _ => std::array::from_fn(|k| b[k].double() - a[k]),
                    };
                    *acc += *w * self.g(v);
                }
            }
            let e = eq_hi.get(h).copied().unwrap_or(Fr::ZERO);
            (inner.into_iter().map(|x| x * e).collect(), weight * e)
        };
        let add = |mut a: (Vec<Fr>, Fr), b: (Vec<Fr>, Fr)| {
            a.0.iter_mut().zip(b.0).for_each(|(x, y)| *x += y);
            a.1 += b.1;
            a
        };
        let zero = || (vec![Fr::ZERO; ts.len()], Fr::ZERO);
        if real >= PAR_PAIRS {
            (0..blocks).into_par_iter().map(block_sum).reduce(zero, add)
        } else {
            (0..blocks).map(block_sum).fold(zero(), add)
        }
    }
}

impl RoundProver for LayerProver<'_> {
    fn num_vars(&self) -> usize {
        self.r.len() - self.fixed
    }
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        5
    }
    fn round_evals(&self, claim: Fr) -> Vec<Fr> {
        let rj = self.r.get(self.fixed).copied().unwrap_or(Fr::ZERO);
        // eq(r_j, t) = 1 − r_j + t·(2r_j − 1).
        let l = |t: u64| Fr::ONE - rj + Fr::from(t) * (rj.double() - Fr::ONE);
        let (sums, real_weight) = self.sums(&[0, 2]);
        let pad = self.lambda * (Fr::ONE - real_weight);
        let (h0, h2) = (sums[0] + pad, sums[1] + pad);
        let s0 = self.scale * l(0) * h0;
        let s1 = claim - s0;
        // h(1) from the claim; directly in the (negligible) case c·r_j = 0.
        let h1 = match (self.scale * l(1)).inverse() {
            Some(inv) => s1 * inv,
            None => self.sums(&[1]).0[0] + pad,
        };
        let h3 = h0 - (h1 - h2).double() - (h1 - h2);
        vec![s0, s1, self.scale * l(2) * h2, self.scale * l(3) * h3]
    }
    fn fix(&mut self, rho: Fr) {
        let rj = self.r.get(self.fixed).copied().unwrap_or(Fr::ZERO);
        self.scale *= Fr::ONE - rj - rho + (rj * rho).double();
        self.fixed += 1;
        let real = self.len().div_ceil(2);
        // Two implicit ones fold to one.
        let ones = self.ones / 2;
        // p₀ and p₁ in one pass, q₀ and q₁ in another: each reads its children once.
        let pair = |t: usize, from: usize| -> (Vec<Fr>, Vec<Fr>) {
            let fold = |i: usize| {
                let f = |t: usize| {
                    let (a, b) = (self.at(t, 2 * i), self.at(t, 2 * i + 1));
                    a + rho * (b - a)
                };
                (f(t), f(t + 1))
            };
            if real - from >= PAR_PAIRS {
                (from..real).into_par_iter().map(fold).unzip()
            } else {
                (from..real).map(fold).unzip()
            }
        };
        let ((p0, p1), (q0, q1)) = (pair(0, ones.min(real)), pair(2, 0));
        let folded = [p0, p1, q0, q1];
        self.tables = Children::Folded(folded);
        self.ones = ones;
    }
    fn final_evals(&self) -> Vec<Fr> {
        let mut out = vec![self.scale];
        out.extend((0..4).map(|t| self.at(t, 0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lookup::GkrLayer;
    use crate::sumcheck::{ProverInstance, prove_batched_bound};
    use crate::transcript::NativeTranscript;
    use ark_ff::UniformRand;
    use rand::SeedableRng;

    /// The dense tree of the same leaves (padding materialized).
    fn dense_layer(p: &[Fr], q: &[Fr], depth: usize) -> (Vec<Fr>, Vec<Fr>) {
        let mut pd = p.to_vec();
        let mut qd = q.to_vec();
        pd.resize(1 << depth, Fr::ZERO);
        qd.resize(1 << depth, Fr::ONE);
        (pd, qd)
    }

    /// Rounds and final values equal the dense prover's over [eq, p₀, p₁, q₀, q₁], for real
    /// prefixes of every length, odd and even, at every layer, with random numerators and
    /// with the witness tree's unit ones (the leaf layer's implicit run).
    #[test]
    fn layer_prover_matches_the_dense_instance() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let depth = 6;
        let cases = [1usize, 2, 3, 5, 17, 33, 40, 63, 64];
        for (real, unit) in cases.iter().flat_map(|r| [(*r, false), (*r, true)]) {
            let p: Vec<Fr> = (0..real)
                .map(|_| if unit { Fr::ONE } else { Fr::rand(&mut rng) })
                .collect();
            let q: Vec<Fr> = (0..real).map(|_| Fr::rand(&mut rng)).collect();
            let tree = Tree::build(p.clone(), q.clone(), depth);
            let (mut pd, mut qd) = dense_layer(&p, &q, depth);
            for d in (0..depth).rev() {
                let r: Vec<Fr> = (0..d).map(|_| Fr::rand(&mut rng)).collect();
                let lambda = Fr::rand(&mut rng);
                let even = |v: &[Fr], b: usize| -> Vec<Fr> {
                    v.iter().skip(b).step_by(2).copied().collect()
                };
                let tables = vec![
                    eq_table(&r),
                    even(&pd, 0),
                    even(&pd, 1),
                    even(&qd, 0),
                    even(&qd, 1),
                ];
                let mut dense = ProverInstance::new(tables, GkrLayer(lambda)).unwrap();
                let claim = dense.claimed_sum();
                let mut ours = tree.layer_prover(d, &r, lambda).unwrap();
                let mut t1 = NativeTranscript::new_native();
                let mut t2 = NativeTranscript::new_native();
                let a = prove_batched_bound(&mut [&mut dense], &[claim], None, &mut t1).unwrap();
                let b = prove_batched_bound(&mut [&mut ours], &[claim], None, &mut t2).unwrap();
                assert_eq!(a.0, b.0, "real {real}, layer {d}");
                assert_eq!(a.1, b.1, "real {real}, layer {d}");
                // The next layer up, densely.
                let (pn, qn): (Vec<Fr>, Vec<Fr>) = (0..1 << d)
                    .map(|x| {
                        let (p0, p1, q0, q1) = (pd[2 * x], pd[2 * x + 1], qd[2 * x], qd[2 * x + 1]);
                        (p0 * q1 + p1 * q0, q0 * q1)
                    })
                    .unzip();
                (pd, qd) = (pn, qn);
            }
            assert_eq!(tree.root(), (pd[0], qd[0]), "real {real}");
        }
    }
}
