//! Multi-scalar multiplication for full-width scalars: signed-digit Pippenger whose buckets
//! are summed in affine coordinates by pairwise tree reduction, one batch inversion per round.
//!
//! Per window, points are counting-sorted into buckets by digit (negated for negative
//! digits); then every bucket halves in parallel — all pairwise additions of a round share one
//! Montgomery batch inversion, so an addition costs about six multiplications instead of the
//! eleven of a mixed Jacobian addition. Bucket sums are combined by the usual running sum.
//! Windows run in parallel. The result equals arkworks' `msm` (tested below).

use ark_bn254::Fr;
use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{AdditiveGroup, Field, PrimeField, Zero};
use rayon::prelude::*;

/// Window width for `n` points.
fn window_bits(n: usize) -> usize {
    match n {
        0..=1024 => 8,
        1025..=65536 => 12,
        65537..=1048576 => 15,
        _ => 16,
    }
}

/// Signed digits of every scalar for every window: digit j of scalar i at `digits[j * n + i]`,
/// each in [−2^(c−1), 2^(c−1)].
fn signed_digits(scalars: &[Fr], c: usize, windows: usize) -> Vec<i32> {
    let n = scalars.len();
    let mut digits = vec![0i32; n * windows];
    let mask = (1u64 << c) - 1;
    let half = 1i64 << (c - 1);
    let per_scalar: Vec<Vec<i32>> = scalars
        .par_iter()
        .map(|s| {
            let bits = s.into_bigint();
            let limbs = bits.as_ref();
            let mut out = Vec::with_capacity(windows);
            let mut carry = 0i64;
            for j in 0..windows {
                let bit = j * c;
                let (limb, off) = (bit / 64, bit % 64);
                let mut v = limbs.get(limb).map_or(0, |l| l >> off);
                if off + c > 64 {
                    v |= limbs.get(limb + 1).map_or(0, |l| l << (64 - off));
                }
                let mut d = (v & mask) as i64 + carry;
                carry = 0;
                if d > half {
                    d -= 1 << c;
                    carry = 1;
                }
                out.push(d as i32);
            }
            out
        })
        .collect();
    for (i, ds) in per_scalar.into_iter().enumerate() {
        for (j, d) in ds.into_iter().enumerate() {
            digits[j * n + i] = d;
        }
    }
    digits
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
    let c = window_bits(n);
    let windows = (Fr::MODULUS_BIT_SIZE as usize).div_ceil(c) + 1;
    let digits = signed_digits(&scalars[..n], c, windows);
    let sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map(|j| window_sum(&bases[..n], &digits[j * n..(j + 1) * n], c))
        .collect();
    let mut acc = Projective::<P>::default();
    for s in sums.iter().rev() {
        for _ in 0..c {
            acc.double_in_place();
        }
        acc += s;
    }
    acc
}

/// Σ_b (b+1)·(sum of bucket b) for one window.
fn window_sum<P: SWCurveConfig>(bases: &[Affine<P>], digits: &[i32], c: usize) -> Projective<P> {
    let buckets = 1usize << (c - 1);
    // Counting sort into buckets; bucket b holds digit ±(b+1).
    let mut counts = vec![0usize; buckets + 1];
    for (p, d) in bases.iter().zip(digits) {
        if *d != 0 && !p.is_zero() {
            counts[d.unsigned_abs() as usize] += 1;
        }
    }
    let mut start = vec![0usize; buckets + 1];
    for b in 1..=buckets {
        start[b] = start[b - 1] + counts[b - 1];
    }
    let total = start[buckets] + counts[buckets];
    let mut xs = vec![P::BaseField::ZERO; total];
    let mut ys = vec![P::BaseField::ZERO; total];
    let mut fill = start.clone();
    for (p, d) in bases.iter().zip(digits) {
        if *d == 0 {
            continue;
        }
        let Some((x, y)) = p.xy() else { continue };
        let b = d.unsigned_abs() as usize;
        xs[fill[b]] = x;
        ys[fill[b]] = if *d < 0 { -y } else { y };
        fill[b] += 1;
    }
    let mut inf = vec![false; total];
    let mut len: Vec<usize> = counts.clone();
    // Pairwise reduction rounds until every bucket holds at most one point.
    let mut denom = Vec::new();
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new(); // (left, right, destination)
    loop {
        pairs.clear();
        let mut moves: Vec<(usize, usize)> = Vec::new();
        for b in 1..=buckets {
            let (s, l) = (start[b], len[b]);
            if l < 2 {
                continue;
            }
            for i in 0..l / 2 {
                pairs.push((s + 2 * i, s + 2 * i + 1, s + i));
            }
            if l % 2 == 1 {
                moves.push((s + l - 1, s + l / 2));
            }
            len[b] = l.div_ceil(2);
        }
        if pairs.is_empty() {
            break;
        }
        // Denominators: x2 − x1, or 2·y1 for a doubling; 1 where no inversion is needed.
        denom.clear();
        denom.extend(pairs.iter().map(|&(a, b, _)| {
            if inf[a] || inf[b] {
                P::BaseField::ONE
            } else if xs[a] != xs[b] {
                xs[b] - xs[a]
            } else if ys[a] == ys[b] && !ys[a].is_zero() {
                ys[a].double()
            } else {
                P::BaseField::ONE
            }
        }));
        ark_ff::batch_inversion(&mut denom);
        for (&(a, b, dst), inv) in pairs.iter().zip(&denom) {
            let (x1, y1, x2, y2) = (xs[a], ys[a], xs[b], ys[b]);
            let (x3, y3, i3) = if inf[a] {
                (x2, y2, inf[b])
            } else if inf[b] {
                (x1, y1, false)
            } else if x1 != x2 {
                let l = (y2 - y1) * inv;
                let x3 = l.square() - x1 - x2;
                (x3, l * (x1 - x3) - y1, false)
            } else if y1 == y2 && !y1.is_zero() {
                let x1s = x1.square();
                let l = (x1s.double() + x1s + P::COEFF_A) * inv;
                let x3 = l.square() - x1.double();
                (x3, l * (x1 - x3) - y1, false)
            } else {
                (P::BaseField::ZERO, P::BaseField::ZERO, true)
            };
            xs[dst] = x3;
            ys[dst] = y3;
            inf[dst] = i3;
        }
        for (from, to) in &moves {
            xs[*to] = xs[*from];
            ys[*to] = ys[*from];
            inf[*to] = inf[*from];
        }
    }
    // Σ_b (b+1)·S_b = Σ_b (running sum from the top).
    let mut running = Projective::<P>::default();
    let mut acc = Projective::<P>::default();
    for b in (1..=buckets).rev() {
        if len[b] == 1 && !inf[start[b]] {
            running += Affine::<P>::new_unchecked(xs[start[b]], ys[start[b]]);
        }
        acc += running;
    }
    acc
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
