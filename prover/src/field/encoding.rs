//! Encodings between integers, fixed-point reals, field elements and EVM words (DESIGN §3).
//!
//! * A signed integer v is embedded as v (v ≥ 0) or r − |v| (v < 0).
//! * A real x at scale s is the integer round(x · 2^s), ties away from zero.
//! * EVM words are 32-byte big-endian; G1 is (x, y) and G2 is ((x.c1, x.c0), (y.c1, y.c0)),
//!   the EIP-197 order. This module is the only place that converts points to EVM words.

use crate::error::Error;
pub use ark_bn254::Fr;
use ark_bn254::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField, Zero};
use tiny_keccak::{Hasher, Keccak};

/// Embeds a signed integer into Fr.
pub fn from_i128(v: i128) -> Fr {
    let magnitude = Fr::from(v.unsigned_abs());
    if v < 0 { -magnitude } else { magnitude }
}

/// Embeds a signed integer, checking it fits a signed `bits`-bit bound: −2^(bits−1) ≤ v < 2^(bits−1).
pub fn from_i128_bounded(v: i128, bits: u32) -> Result<Fr, Error> {
    if !fits_signed(v, bits) {
        return Err(Error::OutOfBound { value: v, bits });
    }
    Ok(from_i128(v))
}

/// Whether v fits a signed `bits`-bit two's-complement range (bits in 1..=127).
pub fn fits_signed(v: i128, bits: u32) -> bool {
    if bits == 0 || bits > 127 {
        return false;
    }
    let half = 1i128 << (bits - 1);
    (-half..half).contains(&v)
}

/// Recovers the signed integer a field element embeds, if it fits a signed `bits`-bit bound.
pub fn to_i128(f: &Fr, bits: u32) -> Result<i128, Error> {
    if bits == 0 || bits > 127 {
        return Err(Error::NotSmall { bits });
    }
    let small = |x: &Fr| -> Option<u128> {
        let limbs = x.into_bigint().0;
        if limbs[2] != 0 || limbs[3] != 0 {
            return None;
        }
        Some(u128::from(limbs[0]) | (u128::from(limbs[1]) << 64))
    };
    let half = 1u128 << (bits - 1);
    if let Some(p) = small(f).filter(|p| *p < half) {
        return Ok(p as i128);
    }
    match small(&-*f) {
        Some(n) if n <= half => Ok(-(n as i128)),
        _ => Err(Error::NotSmall { bits }),
    }
}

/// The value of a field element as a u64, if it is one (used for table indices).
pub fn to_u64(f: &Fr) -> Option<u64> {
    let limbs = f.into_bigint().0;
    (limbs[1] == 0 && limbs[2] == 0 && limbs[3] == 0).then_some(limbs[0])
}

/// Quantizes a real at scale `scale`: round(x · 2^scale), ties away from zero, checked against
/// a signed `bits`-bit bound. Non-finite inputs are out of bound.
pub fn quantize(x: f64, scale: u32, bits: u32) -> Result<i128, Error> {
    let scaled = (x * f64::powi(2.0, scale as i32)).round();
    if !scaled.is_finite() || scaled.abs() >= 2f64.powi(126) {
        return Err(Error::OutOfBound {
            value: i128::MAX,
            bits,
        });
    }
    let v = scaled as i128;
    if !fits_signed(v, bits) {
        return Err(Error::OutOfBound { value: v, bits });
    }
    Ok(v)
}

/// The real a quantized integer stands for at scale `scale`.
pub fn dequantize(v: i128, scale: u32) -> f64 {
    v as f64 / f64::powi(2.0, scale as i32)
}

/// A field element as an EVM word (32 bytes, big-endian).
pub fn fr_to_word(f: &Fr) -> [u8; 32] {
    to_word(f.into_bigint().to_bytes_be())
}

/// A base-field element as an EVM word (32 bytes, big-endian).
pub fn fq_to_word(f: &Fq) -> [u8; 32] {
    to_word(f.into_bigint().to_bytes_be())
}

fn to_word(be: Vec<u8>) -> [u8; 32] {
    let mut w = [0u8; 32];
    let start = 32usize.saturating_sub(be.len());
    w[start..].copy_from_slice(&be[be.len().saturating_sub(32)..]);
    w
}

/// A G1 point as EVM words (x, y); the point at infinity is (0, 0) as the precompiles expect.
pub fn g1_to_words(p: &G1Affine) -> [[u8; 32]; 2] {
    match p.xy() {
        Some((x, y)) => [fq_to_word(&x), fq_to_word(&y)],
        None => [[0u8; 32]; 2],
    }
}

/// A G2 point as EVM words in EIP-197 order: (x.c1, x.c0, y.c1, y.c0); infinity is all zero.
pub fn g2_to_words(p: &G2Affine) -> [[u8; 32]; 4] {
    match p.xy() {
        Some((x, y)) => [
            fq_to_word(&x.c1),
            fq_to_word(&x.c0),
            fq_to_word(&y.c1),
            fq_to_word(&y.c0),
        ],
        None => [[0u8; 32]; 4],
    }
}

/// Keccak-256 of the concatenation of `parts`, as the EVM's `keccak256(abi.encodePacked(...))`.
pub fn keccak256(parts: &[&[u8]]) -> [u8; 32] {
    let mut k = Keccak::v256();
    for p in parts {
        k.update(p);
    }
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    out
}

/// A 32-byte big-endian word reduced mod r, as Solidity's `uint256(h) % R`.
pub fn word_to_fr_mod_r(word: &[u8; 32]) -> Fr {
    Fr::from_be_bytes_mod_order(word)
}

/// Whether a field element is zero (convenience for callers without `ark_ff` in scope).
pub fn is_zero(f: &Fr) -> bool {
    f.is_zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_roundtrip_and_bounds() {
        for v in [-128i128, -1, 0, 1, 127] {
            let f = from_i128_bounded(v, 8).unwrap();
            assert_eq!(to_i128(&f, 8).unwrap(), v);
        }
        assert_eq!(
            from_i128_bounded(128, 8),
            Err(Error::OutOfBound {
                value: 128,
                bits: 8
            })
        );
        assert_eq!(
            from_i128_bounded(-129, 8),
            Err(Error::OutOfBound {
                value: -129,
                bits: 8
            })
        );
        assert_eq!(
            to_i128(&from_i128(128), 8),
            Err(Error::NotSmall { bits: 8 })
        );
        assert_eq!(
            to_i128(&from_i128(-129), 8),
            Err(Error::NotSmall { bits: 8 })
        );
        assert!(is_zero(&(from_i128(-5) + from_i128(5))));
    }

    #[test]
    fn quantize_rounds_and_checks() {
        assert_eq!(quantize(1.5, 2, 8).unwrap(), 6);
        assert_eq!(quantize(-0.126, 3, 8).unwrap(), -1);
        assert_eq!(
            quantize(100.0, 4, 8),
            Err(Error::OutOfBound {
                value: 1600,
                bits: 8
            })
        );
        assert_eq!(
            quantize(f64::NAN, 4, 8),
            Err(Error::OutOfBound {
                value: i128::MAX,
                bits: 8
            })
        );
        assert_eq!(dequantize(6, 2), 1.5);
    }

    #[test]
    fn evm_words_are_big_endian() {
        let w = fr_to_word(&Fr::from(0x0102u64));
        assert_eq!(w[30..], [1, 2]);
        assert!(w[..30].iter().all(|b| *b == 0));
        assert_eq!(word_to_fr_mod_r(&w), Fr::from(0x0102u64));
        // keccak256("") is the well-known empty hash.
        assert_eq!(keccak256(&[])[..4], [0xc5, 0xd2, 0x46, 0x01],);
    }
}
