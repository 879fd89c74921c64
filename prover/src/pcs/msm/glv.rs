//! BN254 G2's endomorphism split (GLV) for the Groth16 prover's B-query MSM:
//! φ(x, y) = (ω·x, y) acts on G2 as multiplication by a cube root of unity λ, so
//! k·P = k₁·P + k₂·φ(P) whenever k ≡ k₁ + λ·k₂ (mod r). With k₁, k₂ below 2^128 an MSM over
//! 2n points needs half the windows — half the bucket sums — for the same number of bucket
//! additions.
//!
//! The split uses the short lattice basis v₁ = (n₁₁, n₁₂), v₂ = (n₂₁, n₂₂) of
//! {(a, b) : a + λb ≡ 0 (mod r)} (arkworks' `GLVConfig` constants): with
//! m₁ = ⌊k·g₁ / 2^256⌋ and m₂ = ⌊k·g₂ / 2^256⌋, where g₁ = round(2^256·|n₂₂|/r) and
//! g₂ = round(2^256·|n₁₂|/r), k₁ = k − m₁·|n₁₁| − m₂·|n₂₁| and k₂ = m₂·|n₂₂| − m₁·|n₁₂|
//! (G2's signs n₁₁, n₁₂, n₂₂ < 0 < n₂₁ folded in). Whatever m₁, m₂ are, k₁ + λk₂ ≡ k,
//! because each basis vector is in the lattice; the rounding only decides how small k₁, k₂
//! are, and a split that is not below 2^128 is refused ([`split`] returns `None`) so the
//! caller falls back to the full-width MSM. Tests check both properties against λ on random
//! and extreme scalars.

use ark_bn254::Fr;
use ark_ff::PrimeField;

/// A short basis v₁ = (n₁₁, n₁₂), v₂ = (n₂₁, n₂₂) of the lattice {(a, b) : a + λb ≡ 0 (mod r)}
/// as magnitudes, the rounding constants g₁ = round(2^256·|n₂₂|/r) and g₂ = round(2^256·|n₁₂|/r)
/// (little-endian limbs); the basis's signs are folded into [`split`]'s formulas.
pub(super) struct Basis {
    n11: u128,
    n12: u128,
    n21: u128,
    n22: u128,
    g1: [u64; 3],
    g2: [u64; 2],
}

/// BN254 G2 (arkworks' `GLVConfig` for `g2::Config`: n₁₁, n₁₂, n₂₂ < 0 < n₂₁).
pub(super) const G2_BASIS: Basis = Basis {
    n11: 147_946_756_881_789_319_010_696_353_538_189_108_491,
    n12: 9_931_322_734_385_697_763,
    n21: 9_931_322_734_385_697_763,
    n22: 147_946_756_881_789_319_000_765_030_803_803_410_728,
    g1: [0x7a7b_d9d4_391e_b18e, 0x4cce_f014_a773_d2cf, 0x2],
    g2: [0xd91d_232e_c7e0_b3d7, 0x2],
};

/// ⌊k·g / 2^256⌋ for k < 2^256 and g < 2^192 whose quotient is below 2^128.
fn mul_shift(k: &[u64; 4], g: &[u64]) -> u128 {
    let mut product = [0u64; 7];
    for (i, &a) in k.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &b) in g.iter().enumerate() {
            let t = product[i + j] as u128 + (a as u128) * (b as u128) + carry;
            product[i + j] = t as u64;
            carry = t >> 64;
        }
        product[i + g.len()] = carry as u64;
    }
    (product[4] as u128) | ((product[5] as u128) << 64)
}

/// a·b as a 256-bit integer.
fn mul_wide(a: u128, b: u128) -> [u64; 4] {
    let (a0, a1) = (a as u64 as u128, a >> 64);
    let (b0, b1) = (b as u64 as u128, b >> 64);
    let mut out = [0u64; 4];
    let mut add = |at: usize, v: u128| {
        let mut carry = v;
        for limb in out.iter_mut().skip(at) {
            let t = *limb as u128 + (carry as u64 as u128);
            *limb = t as u64;
            carry = (carry >> 64) + (t >> 64);
            if carry == 0 {
                break;
            }
        }
    };
    add(0, a0 * b0);
    add(1, a0 * b1);
    add(1, a1 * b0);
    add(2, a1 * b1);
    out
}

/// a − b modulo 2^256.
fn sub(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow as u64);
        out[i] = d;
        borrow = b1 || b2;
    }
    out
}

/// A 256-bit two's-complement value as (negative, magnitude) if its magnitude is below 2^128.
fn small(v: [u64; 4]) -> Option<(bool, u128)> {
    let negative = v[3] >> 63 == 1;
    let m = if negative { sub([0; 4], v) } else { v };
    (m[2] == 0 && m[3] == 0).then(|| (negative, (m[0] as u128) | ((m[1] as u128) << 64)))
}

/// k = k₁ + λ·k₂ (mod r) with |k₁|, |k₂| < 2^128, each as (negative, magnitude); `None` if
/// the rounding did not make both that small (it always does for BN254 G2's basis; the caller
/// then uses the full-width MSM).
pub(super) fn split(basis: &Basis, k: &Fr) -> Option<((bool, u128), (bool, u128))> {
    let k = k.into_bigint().0;
    let m1 = mul_shift(&k, &basis.g1);
    let m2 = mul_shift(&k, &basis.g2);
    let k1 = sub(sub(k, mul_wide(m1, basis.n11)), mul_wide(m2, basis.n21));
    let k2 = sub(mul_wide(m2, basis.n22), mul_wide(m1, basis.n12));
    Some((small(k1)?, small(k2)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::g2::Config;
    use ark_ec::scalar_mul::glv::GLVConfig;
    use ark_ff::{Field, One, Zero};
    use ark_std::UniformRand;

    fn signed(n: (bool, u128)) -> Fr {
        let v = Fr::from(n.1);
        if n.0 { -v } else { v }
    }

    fn check<P: GLVConfig<ScalarField = Fr>>(basis: &Basis, k: Fr) {
        let (k1, k2) = split(basis, &k).expect("BN254's splits are always below 2^128");
        assert_eq!(signed(k1) + P::LAMBDA * signed(k2), k, "k = {k}");
        assert!(k1.1 < 1 << 127 && k2.1 < 1 << 127, "k = {k}");
    }

    fn splits_recombine_and_are_small<P: GLVConfig<ScalarField = Fr>>(basis: &Basis) {
        let mut rng = ark_std::test_rng();
        for _ in 0..20_000 {
            check::<P>(basis, Fr::rand(&mut rng));
        }
        let two = Fr::from(2u64);
        for k in [
            Fr::zero(),
            Fr::one(),
            -Fr::one(),
            -two,
            two.pow([253u64]),
            two.pow([128u64]),
            two.pow([127u64]) - Fr::one(),
            P::LAMBDA,
            -P::LAMBDA,
        ] {
            check::<P>(basis, k);
        }
    }

    #[test]
    fn g2_splits_recombine_and_are_small() {
        splits_recombine_and_are_small::<Config>(&G2_BASIS);
    }

    #[test]
    fn the_constants_are_g2s_basis_and_lambda_is_its_endomorphism() {
        // Each basis vector (a, b) satisfies a + λb ≡ 0 with the group's signs.
        let l = Config::LAMBDA;
        let b = &G2_BASIS;
        assert!((-Fr::from(b.n11) - l * Fr::from(b.n12)).is_zero());
        assert!((Fr::from(b.n21) - l * Fr::from(b.n22)).is_zero());
        let p = ark_bn254::G2Projective::rand(&mut ark_std::test_rng());
        let expect: ark_bn254::G2Affine = (p * l).into();
        assert_eq!(Config::endomorphism_affine(&p.into()), expect);
    }
}
