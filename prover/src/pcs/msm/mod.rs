//! Multi-scalar multiplication for full-width scalars: signed-digit Pippenger whose bucket sums
//! are accumulated in affine coordinates, many additions sharing one batch inversion.
//!
//! Each scalar k is recoded once as k' = k + Σ_j 2^{jc + c − 1}, so that window j's digit is
//! bits [jc, jc + c) of k' minus 2^{c−1}: a signed digit in [−2^{c−1}, 2^{c−1}) read without
//! carries, and 255 bits need ⌈255/c⌉ windows. Per window, points stream through a bucket
//! array of one affine point per bucket (a few MB, cache resident); a point meeting an
//! occupied bucket takes the bucket's point out and schedules their sum in a batch. A full
//! batch shares one Montgomery batch inversion — an addition costs about six multiplications
//! instead of the eleven of a mixed Jacobian addition — and its sums go back into their
//! buckets, pairing again where the bucket refilled meanwhile. Any digit distribution works
//! (every scalar equal puts every point in one bucket: the batches then reduce it pairwise).
//! Bucket sums are combined by the usual running sum; windows run in parallel. The result
//! equals arkworks' `msm` (tested below).

mod glv;

use ark_bn254::{Fr, G2Affine, G2Projective};
use ark_ec::AffineRepr;
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{AdditiveGroup, Field, PrimeField, Zero};
use rayon::prelude::*;

/// Window width for `n` points.
fn window_bits(n: usize) -> usize {
    // Measured with `examples/msm_profile` on 2 cores (2^12 … 2^22 points).
    match n {
        0..=1024 => 8,
        1025..=16384 => 10,
        16385..=131072 => 13,
        131073..=1048576 => 15,
        _ => 16,
    }
}

/// Additions that share one batch inversion.
const BATCH: usize = 2048;

/// Limbs of a recoded scalar: windows·c ≤ 260 bits for every width `window_bits` picks.
const LIMBS: usize = 5;

/// k' = k + Σ_{j < windows} 2^{jc + c − 1} for every scalar (the module doc's recoding).
/// The offset is below 2^{windows·c − 1}·(1 + 1/(2^c − 1)) and k < r < 0.76·2^254 ≤
/// 0.76·2^{windows·c − 1} when windows·c ≥ 255, so k' < 2^{windows·c} for c ≥ 3: the top
/// window's digit absorbs every carry (it would not for k up to 2^254 at windows·c = 255).
fn recode(scalars: &[Fr], c: usize, windows: usize) -> Vec<[u64; LIMBS]> {
    let offset = digit_offset(c, windows);
    scalars
        .par_iter()
        .map(|s| add_offset(s.into_bigint().as_ref(), &offset))
        .collect()
}

/// Σ_{j < windows} 2^{jc + c − 1}: added to a scalar, it makes every window's digit signed.
fn digit_offset(c: usize, windows: usize) -> [u64; LIMBS] {
    let mut offset = [0u64; LIMBS];
    for j in 0..windows {
        let bit = j * c + c - 1;
        offset[bit / 64] |= 1 << (bit % 64);
    }
    offset
}

/// k + offset for k given by its little-endian limbs.
fn add_offset(k: &[u64], offset: &[u64; LIMBS]) -> [u64; LIMBS] {
    let mut out = [0u64; LIMBS];
    let mut carry = 0u128;
    for (i, o) in out.iter_mut().enumerate() {
        let limb = k.get(i).copied().unwrap_or(0);
        let sum = limb as u128 + offset[i] as u128 + carry;
        *o = sum as u64;
        carry = sum >> 64;
    }
    out
}

/// Window j's signed digit of a recoded scalar, in [−2^{c−1}, 2^{c−1}).
fn digit(k: &[u64], j: usize, c: usize) -> i64 {
    let bit = j * c;
    let (limb, off) = (bit / 64, bit % 64);
    let mut v = k.get(limb).copied().unwrap_or(0) >> off;
    if off + c > 64 {
        v |= k.get(limb + 1).copied().unwrap_or(0) << (64 - off);
    }
    (v & ((1u64 << c) - 1)) as i64 - (1i64 << (c - 1))
}

/// Σ_i scalars[i]·bases[i] over either BN254 group (G1 for commitments, G2 for Groth16's B);
/// an infinity base contributes nothing.
pub fn msm<P: SWCurveConfig<ScalarField = Fr>>(
    bases: &[Affine<P>],
    scalars: &[Fr],
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    if n == 0 {
        return Projective::<P>::default();
    }
    msm_with_window(&bases[..n], &scalars[..n], window_bits(n))
}

/// [`msm`] with window width `c` (3 ≤ c ≤ 16), for equal-length inputs.
fn msm_with_window<P: SWCurveConfig<ScalarField = Fr>>(
    bases: &[Affine<P>],
    scalars: &[Fr],
    c: usize,
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    let windows = (Fr::MODULUS_BIT_SIZE as usize + 1).div_ceil(c);
    let recoded = recode(&scalars[..n], c, windows);
    let sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map(|j| window_sum(&bases[..n], &recoded, j, c))
        .collect();
    combine(&sums, c)
}

/// Σ_j 2^{jc}·sums[j], from the top window down.
fn combine<P: SWCurveConfig>(sums: &[Projective<P>], c: usize) -> Projective<P> {
    let mut acc = Projective::<P>::default();
    for s in sums.iter().rev() {
        for _ in 0..c {
            acc.double_in_place();
        }
        acc += s;
    }
    acc
}

/// [`msm`] in BN254's G2 (Groth16's B query) through the endomorphism split ([`glv`]): each
/// point enters as P and φ(P) with scalars below 2^128, so the MSM needs half the windows —
/// half the bucket sums, the same number of bucket additions — for n more points in memory.
/// Equal to [`msm`] (tested); falls back to it if a scalar's split is not small. (In G1, where
/// a bucket addition costs a third as much, the same split measured no faster inside the
/// Groth16 prover, so G1 keeps [`msm`].)
pub fn msm_glv_g2(bases: &[G2Affine], scalars: &[Fr]) -> G2Projective {
    msm_glv(bases, scalars, &glv::G2_BASIS)
}

fn msm_glv<P: GLVConfig<ScalarField = Fr>>(
    bases: &[Affine<P>],
    scalars: &[Fr],
    basis: &glv::Basis,
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    let (bases, scalars) = (&bases[..n], &scalars[..n]);
    if n == 0 {
        return Projective::<P>::default();
    }
    let c = window_bits(2 * n);
    // Magnitudes below 2^128 with windows·c ≥ 130 keep the recoded value below 2^{windows·c}
    // ≤ 2^192 (the bound of `recode`'s doc, with room to spare): three limbs.
    let windows = 130usize.div_ceil(c);
    let offset = digit_offset(c, windows);
    let recode_half = |(negative, m): (bool, u128)| -> (bool, [u64; 3]) {
        let k = add_offset(&[m as u64, (m >> 64) as u64], &offset);
        (negative, [k[0], k[1], k[2]])
    };
    let Some(recoded) = scalars
        .par_iter()
        .map(|k| glv::split(basis, k).map(|(k1, k2)| (recode_half(k1), recode_half(k2))))
        .collect::<Option<Vec<_>>>()
    else {
        return msm(bases, scalars);
    };
    let endo: Vec<Affine<P>> = bases.par_iter().map(P::endomorphism_affine).collect();
    let sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map(|j| {
            let mut buckets = Buckets::<P>::new(1 << (c - 1));
            for ((p, e), ((neg1, r1), (neg2, r2))) in bases.iter().zip(&endo).zip(&recoded) {
                let d1 = digit(r1, j, c);
                buckets.add_digit(p, if *neg1 { -d1 } else { d1 });
                let d2 = digit(r2, j, c);
                buckets.add_digit(e, if *neg2 { -d2 } else { d2 });
            }
            buckets.finish()
        })
        .collect();
    combine(&sums, c)
}

/// Σ_b (b+1)·(sum of bucket b) for window `j`.
fn window_sum<P: SWCurveConfig>(
    bases: &[Affine<P>],
    recoded: &[[u64; LIMBS]],
    j: usize,
    c: usize,
) -> Projective<P> {
    let mut buckets = Buckets::<P>::new(1 << (c - 1));
    for (p, k) in bases.iter().zip(recoded) {
        buckets.add_digit(p, digit(k, j, c));
    }
    buckets.finish()
}

/// A scheduled addition: (bucket, x₁, y₁, x₂, y₂), the bucket's point plus an incoming one.
type Pair<F> = (usize, F, F, F, F);

/// One affine point (or nothing) per bucket, and the batch of additions in flight.
struct Buckets<P: SWCurveConfig> {
    /// (x, y) side by side: a bucket visit touches one place in memory.
    points: Vec<(P::BaseField, P::BaseField)>,
    full: Vec<bool>,
    /// (bucket, x₁, y₁, x₂, y₂): the bucket's point plus an incoming one.
    batch: Vec<Pair<P::BaseField>>,
    denominators: Vec<P::BaseField>,
    prefix: Vec<P::BaseField>,
    sums: Vec<(usize, P::BaseField, P::BaseField)>,
}

impl<P: SWCurveConfig> Buckets<P> {
    fn new(count: usize) -> Self {
        Self {
            points: vec![(P::BaseField::ZERO, P::BaseField::ZERO); count],
            full: vec![false; count],
            batch: Vec::with_capacity(BATCH),
            denominators: Vec::with_capacity(BATCH),
            prefix: Vec::with_capacity(BATCH),
            sums: Vec::with_capacity(BATCH),
        }
    }

    /// Adds d·p for a signed digit d (nothing for d = 0 or the point at infinity).
    fn add_digit(&mut self, p: &Affine<P>, d: i64) {
        if d == 0 {
            return;
        }
        let Some((x, y)) = p.xy() else { return };
        // Bucket b holds digit ±(b + 1).
        self.insert(d.unsigned_abs() as usize - 1, x, if d < 0 { -y } else { y });
    }

    /// Adds the affine point (x, y) to bucket `b`.
    fn insert(&mut self, b: usize, x: P::BaseField, y: P::BaseField) {
        self.place(b, x, y);
        while self.batch.len() >= BATCH {
            self.flush();
        }
    }

    /// Stores the point in an empty bucket, or schedules its sum with the bucket's point.
    fn place(&mut self, b: usize, x: P::BaseField, y: P::BaseField) {
        if self.full[b] {
            self.full[b] = false;
            let (x1, y1) = self.points[b];
            self.batch.push((b, x1, y1, x, y));
        } else {
            self.points[b] = (x, y);
            self.full[b] = true;
        }
    }

    /// Performs every scheduled addition with one inversion and places the sums.
    fn flush(&mut self) {
        self.denominators.clear();
        self.denominators
            .extend(self.batch.iter().map(|&(_, x1, y1, x2, y2)| {
                if x1 != x2 {
                    x2 - x1
                } else if y1 == y2 && !y1.is_zero() {
                    y1.double()
                } else {
                    // P + (−P): the sum is the point at infinity; nothing to invert.
                    P::BaseField::ONE
                }
            }));
        invert_nonzero(&mut self.denominators, &mut self.prefix);
        self.sums.clear();
        for (&(b, x1, y1, x2, y2), inv) in self.batch.iter().zip(&self.denominators) {
            let l = if x1 != x2 {
                (y2 - y1) * inv
            } else if y1 == y2 && !y1.is_zero() {
                let x1s = x1.square();
                (x1s.double() + x1s + P::COEFF_A) * inv
            } else {
                continue;
            };
            let x3 = l.square() - x1 - x2;
            self.sums.push((b, x3, l * (x1 - x3) - y1));
        }
        self.batch.clear();
        // At most one new pair per sum: the batch cannot outgrow BATCH here.
        let sums = std::mem::take(&mut self.sums);
        for &(b, x, y) in &sums {
            self.place(b, x, y);
        }
        self.sums = sums;
    }

    /// Completes every addition and returns Σ_b (b+1)·S_b by a running sum from the top.
    fn finish(mut self) -> Projective<P> {
        while !self.batch.is_empty() {
            self.flush();
        }
        let mut running = Projective::<P>::default();
        let mut acc = Projective::<P>::default();
        for b in (0..self.full.len()).rev() {
            if self.full[b] {
                let (x, y) = self.points[b];
                running += Affine::<P>::new_unchecked(x, y);
            }
            acc += running;
        }
        acc
    }
}

/// Inverts every entry in place with one field inversion (Montgomery's trick, serial: the
/// windows already run in parallel). Every entry must be nonzero; `prefix` is scratch space.
fn invert_nonzero<F: Field>(v: &mut [F], prefix: &mut Vec<F>) {
    prefix.clear();
    let mut acc = F::ONE;
    for x in v.iter() {
        prefix.push(acc);
        acc *= x;
    }
    // A product of nonzero field elements is nonzero.
    debug_assert!(!acc.is_zero(), "every denominator is nonzero");
    let mut inv = acc.inverse().unwrap_or(F::ZERO);
    for (x, before) in v.iter_mut().zip(prefix.iter()).rev() {
        let next = inv * *x;
        *x = inv * before;
        inv = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{CurveGroup, VariableBaseMSM};
    use ark_std::UniformRand;

    use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};

    fn check<P: SWCurveConfig<ScalarField = Fr>>(bases: &[Affine<P>], scalars: &[Fr]) {
        let expect = Projective::<P>::msm_unchecked(bases, scalars).into_affine();
        assert_eq!(
            msm(bases, scalars).into_affine(),
            expect,
            "n = {}",
            bases.len()
        );
    }

    #[test]
    fn matches_arkworks_on_random_and_adversarial_inputs() {
        let mut rng = ark_std::test_rng();
        for n in [1usize, 2, 3, 17, 300, 2000, 70_000] {
            let bases: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            check(&bases, &scalars);
        }
        // Repeated and opposite points, equal scalars (doublings and cancellations inside
        // buckets), zero, one, r − 1.
        let p = G1Projective::rand(&mut rng).into_affine();
        let q = G1Projective::rand(&mut rng).into_affine();
        let neg_p = (-p.into_group()).into_affine();
        let bases = vec![p, p, p, neg_p, q, p, q, neg_p, p];
        let s = Fr::rand(&mut rng);
        let scalars = vec![s, s, s, s, Fr::ZERO, -Fr::ONE, Fr::ONE, -s, s];
        check(&bases, &scalars);
        check(&[p, neg_p], &[s, s]);
        check(&[p, p], &[s, s]);
        check(&[p, p, p, p], &[Fr::from(5u64); 4]);
        check(&[G1Affine::zero(), p], &[s, s]);
        // Every point in one bucket of every window (the batches reduce it pairwise, with
        // doublings and cancellations), and the largest scalar.
        let pool = [p, q, neg_p];
        let bases: Vec<G1Affine> = (0..5000).map(|i| pool[i % 3]).collect();
        check(&bases, &vec![s; 5000]);
        check(&bases, &vec![-Fr::ONE; 5000]);
        let scalars: Vec<Fr> = (0..5000).map(|i| Fr::from((i % 2) as u64 + 1)).collect();
        check(&bases, &scalars);
    }

    /// Every window width the MSM picks (and the narrowest the recoding allows), on inputs
    /// small enough for a unit test: the largest scalar r − 1 (the tightest recoding at
    /// 17 × 15 = 255 bits), −2^k, repeated bases and random scalars.
    #[test]
    fn every_window_width_agrees_with_arkworks() {
        let mut rng = ark_std::test_rng();
        let p = G1Projective::rand(&mut rng).into_affine();
        let bases: Vec<G1Affine> = (0..300)
            .map(|i| {
                if i % 5 == 0 {
                    p
                } else {
                    G1Projective::rand(&mut rng).into_affine()
                }
            })
            .collect();
        let scalars: Vec<Fr> = (0..300)
            .map(|i| match i % 4 {
                0 => -Fr::ONE,
                1 => -Fr::from(2u64).pow([(i % 254) as u64]),
                _ => Fr::rand(&mut rng),
            })
            .collect();
        let expect = G1Projective::msm_unchecked(&bases, &scalars).into_affine();
        for c in [3usize, 4, 7, 8, 10, 13, 15, 16] {
            assert_eq!(
                msm_with_window(&bases, &scalars, c).into_affine(),
                expect,
                "c = {c}"
            );
        }
    }

    /// G2 (Groth16's B query): the same cases over Fq2 coordinates.
    #[test]
    fn g2_matches_arkworks() {
        let mut rng = ark_std::test_rng();
        for n in [1usize, 2, 300, 5000] {
            let bases: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            check(&bases, &scalars);
        }
        let p = G2Projective::rand(&mut rng).into_affine();
        let q = G2Projective::rand(&mut rng).into_affine();
        let neg_p = (-p.into_group()).into_affine();
        let s = Fr::rand(&mut rng);
        check(
            &[p, p, p, neg_p, q, p, q, neg_p, G2Affine::zero()],
            &[s, s, s, s, Fr::ZERO, -Fr::ONE, Fr::ONE, -s, s],
        );
        check(&[p, p, p, p], &[Fr::from(5u64); 4]);
    }

    /// The endomorphism-split G2 MSM against arkworks: random inputs, repeated and opposite
    /// points (P and φ(P) of one base share buckets), the point at infinity, scalars whose
    /// halves are zero or negative (λ, −λ, 1, −1, r − 1), and 2^16 points (2^17 after the split).
    #[test]
    fn g2_endomorphism_split_matches_arkworks() {
        use ark_ec::scalar_mul::glv::GLVConfig;
        let mut rng = ark_std::test_rng();
        let expect = |bases: &[G2Affine], scalars: &[Fr]| {
            G2Projective::msm_unchecked(bases, scalars).into_affine()
        };
        for n in [1usize, 2, 3, 300, 5000] {
            let bases: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            assert_eq!(
                msm_glv_g2(&bases, &scalars).into_affine(),
                expect(&bases, &scalars)
            );
        }
        let p = G2Projective::rand(&mut rng).into_affine();
        let q = G2Projective::rand(&mut rng).into_affine();
        let neg_p = (-p.into_group()).into_affine();
        let phi_p = <ark_bn254::g2::Config as GLVConfig>::endomorphism_affine(&p);
        let s = Fr::rand(&mut rng);
        let lambda = <ark_bn254::g2::Config as GLVConfig>::LAMBDA;
        let bases = [
            p,
            p,
            p,
            neg_p,
            q,
            p,
            q,
            neg_p,
            G2Affine::zero(),
            phi_p,
            phi_p,
            p,
        ];
        let scalars = [
            s,
            s,
            s,
            s,
            Fr::ZERO,
            -Fr::ONE,
            Fr::ONE,
            -s,
            s,
            lambda,
            -lambda,
            -lambda,
        ];
        assert_eq!(
            msm_glv_g2(&bases, &scalars).into_affine(),
            expect(&bases, &scalars)
        );
        assert_eq!(
            msm_glv_g2(&[p, p, p, p], &[Fr::from(5u64); 4]).into_affine(),
            expect(&[p, p, p, p], &[Fr::from(5u64); 4])
        );
        let g = G2Projective::rand(&mut rng);
        let many: Vec<G2Projective> = (0..1u64 << 16).map(|i| g * Fr::from(i + 3)).collect();
        let many = G2Projective::normalize_batch(&many);
        let scalars: Vec<Fr> = (0..many.len()).map(|_| Fr::rand(&mut rng)).collect();
        assert_eq!(
            msm_glv_g2(&many, &scalars).into_affine(),
            expect(&many, &scalars)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]
        /// Random sizes with many repeated bases and scalars (bucket collisions, doublings,
        /// cancellations) agree with arkworks.
        #[test]
        fn agrees_with_arkworks(n in 1usize..200, distinct in 1usize..6, seed in proptest::prelude::any::<u64>()) {
            let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(seed);
            let pool: Vec<G1Affine> = (0..distinct).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
            let spool: Vec<Fr> = (0..distinct).map(|_| Fr::rand(&mut rng)).collect();
            let bases: Vec<G1Affine> = (0..n).map(|i| {
                let p = pool[(i * 7 + seed as usize) % distinct];
                if i % 3 == 0 { (-p.into_group()).into_affine() } else { p }
            }).collect();
            let scalars: Vec<Fr> = (0..n).map(|i| spool[(i * 5) % distinct]).collect();
            let expect = G1Projective::msm_unchecked(&bases, &scalars).into_affine();
            proptest::prop_assert_eq!(msm(&bases, &scalars).into_affine(), expect);
        }
    }
}
