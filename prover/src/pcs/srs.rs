//! The structured reference string: [τ^i]₁ for i < S, and [1]₂, [τ]₂ (DESIGN §10).
//!
//! Two origins. [`Srs::insecure_development`] derives τ from a seed: anyone with the seed can
//! forge proofs, so it exists for tests and local chains only and says so in its origin and
//! its `Display`. [`Srs::from_ptau`] imports a snarkjs Powers-of-Tau file, whose τ nobody knows
//! if one ceremony participant was honest; our scheme needs only the G1 powers and [τ]₂.

use crate::error::Error;
use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::ScalarMul;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{AdditiveGroup, BigInt, Field, PrimeField, UniformRand};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use std::fmt;

/// Where an SRS came from; printed wherever the SRS is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SrsOrigin {
    /// INSECURE: τ derived from a public seed. Development and tests only.
    InsecureDevelopment {
        /// The seed τ was derived from.
        seed: u64,
    },
    /// Imported from a snarkjs Powers-of-Tau ceremony file.
    PowersOfTau {
        /// log2 of the ceremony size the file declares.
        power: u32,
    },
    /// INSECURE: imported from a Powers-of-Tau file that records no contribution with a secret
    /// (snarkjs's `powersoftau new` output, the development file, or beacons only): its τ may
    /// be known.
    UncontributedPowersOfTau {
        /// log2 of the ceremony size the file declares.
        power: u32,
    },
}

/// The SRS of the multilinear KZG scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srs {
    /// Where τ came from.
    pub origin: SrsOrigin,
    /// [τ^i]₁ for i < S.
    pub g1_powers: Vec<G1Affine>,
    /// [1]₂.
    pub g2: G2Affine,
    /// [τ]₂.
    pub tau_g2: G2Affine,
    /// [τ^(2^i)]₂ for i = 0, 1, … while 2^i < S (and, imported, while the ceremony holds the
    /// G2 power): the row-split opening checks its fold quotient against [τ^b]₂.
    pub tau_pow2_g2: Vec<G2Affine>,
}

impl SrsOrigin {
    /// Whether this is an INSECURE development SRS (its τ may be known: anyone who knows it can
    /// forge proofs).
    pub fn is_development(&self) -> bool {
        !matches!(self, SrsOrigin::PowersOfTau { .. })
    }
}

impl fmt::Display for SrsOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SrsOrigin::InsecureDevelopment { seed } => write!(
                f,
                "INSECURE development SRS (τ derived from public seed {seed}; anyone can forge proofs)"
            ),
            SrsOrigin::PowersOfTau { power } => {
                write!(f, "Powers-of-Tau ceremony SRS (2^{power} ceremony)")
            }
            SrsOrigin::UncontributedPowersOfTau { power } => write!(
                f,
                "INSECURE SRS from a 2^{power} Powers-of-Tau file that records no contribution \
                 with a secret (its τ may be known; anyone who knows it can forge proofs)"
            ),
        }
    }
}

/// Magic bytes and version of our SRS file format.
/// The header every SRS file starts with (format and version).
pub const SRS_MAGIC: &[u8; 8] = b"ZKMSRS\x00\x03";

impl Srs {
    /// INSECURE development SRS with `size` G1 powers, τ derived from `seed`.
    /// Powers of τ are computed in parallel, then one batched fixed-base multiplication.
    pub fn insecure_development(seed: u64, size: usize) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let tau = Fr::rand(&mut rng);
        let powers = powers_of(tau, size);
        let g1_powers = G1Projective::generator().batch_mul(&powers);
        let g2 = G2Affine::generator();
        let tau_g2 = (g2 * tau).into();
        let mut tau_pow2 = vec![];
        let mut t = tau;
        while 1usize
            .checked_shl(tau_pow2.len() as u32)
            .is_some_and(|p| p < size)
        {
            tau_pow2.push(t);
            t.square_in_place();
        }
        let tau_pow2_g2 = G2Projective::from(g2).batch_mul(&tau_pow2);
        Self {
            origin: SrsOrigin::InsecureDevelopment { seed },
            g1_powers,
            g2,
            tau_g2,
            tau_pow2_g2,
        }
    }

    /// The SRS's identity: keccak of [τ]₁, [1]₂ and [τ]₂ as EVM words. Two SRSs with the same
    /// τ share it; it enters every architecture id.
    pub fn id(&self) -> [u8; 32] {
        use crate::field::encoding::{g1_to_words, g2_to_words, keccak256};
        let tau_g1 = self.g1_powers.get(1).copied().unwrap_or_default();
        let mut words: Vec<[u8; 32]> = g1_to_words(&tau_g1).to_vec();
        words.extend(g2_to_words(&self.g2));
        words.extend(g2_to_words(&self.tau_g2));
        let parts: Vec<&[u8]> = words.iter().map(|w| w.as_slice()).collect();
        keccak256(&parts)
    }

    /// [τ^b]₂ for a power of two b, or [`Error::SrsTooSmall`].
    pub fn tau_power_g2(&self, b: usize) -> Result<G2Affine, Error> {
        let missing = Error::SrsTooSmall {
            needed: b,
            available: 1usize << self.tau_pow2_g2.len().min(63),
        };
        if !b.is_power_of_two() {
            return Err(missing);
        }
        self.tau_pow2_g2
            .get(b.trailing_zeros() as usize)
            .copied()
            .ok_or(missing)
    }

    /// Number of G1 powers.
    pub fn size(&self) -> usize {
        self.g1_powers.len()
    }

    /// Refuses, before anything is sized from them, vectors this SRS cannot commit to.
    pub fn check_holds(&self, lengths: &[usize]) -> Result<(), Error> {
        let needed = lengths.iter().copied().max().unwrap_or(1);
        if needed > self.size() {
            return Err(Error::SrsTooSmall {
                needed,
                available: self.size(),
            });
        }
        Ok(())
    }

    /// The first `n` powers, or [`Error::SrsTooSmall`].
    pub fn powers(&self, n: usize) -> Result<&[G1Affine], Error> {
        self.g1_powers.get(..n).ok_or(Error::SrsTooSmall {
            needed: n,
            available: self.g1_powers.len(),
        })
    }

    /// Checks that the first powers are the standard generators and that every G1 power is τ
    /// times the previous one: with a random ρ,
    /// e(Σ_i ρ^i [τ^(i+1)]₁, [1]₂) = e(Σ_i ρ^i [τ^i]₁, [τ]₂) — one pairing check for the whole
    /// SRS. Every imported SRS must pass it.
    pub fn check_consistency(&self) -> Result<(), Error> {
        let bad = |reason: &str| Error::Format {
            what: "SRS",
            reason: reason.into(),
        };
        let n = self.g1_powers.len();
        if n < 2 {
            return Err(bad("fewer than two G1 powers"));
        }
        if self.g1_powers[0] != G1Affine::generator() || self.g2 != G2Affine::generator() {
            return Err(bad("first powers are not the standard generators"));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&crate::field::encoding::fr_to_word(&Fr::from(n as u64)));
        let rho = Fr::rand(&mut ChaCha20Rng::from_seed(seed)) + Fr::rand(&mut rand::thread_rng());
        let weights = powers_of(rho, n - 1);
        let (shifted, base) = rayon::join(
            || G1Projective::msm_unchecked(&self.g1_powers[1..], &weights),
            || G1Projective::msm_unchecked(&self.g1_powers[..n - 1], &weights),
        );
        let lhs = Bn254::pairing(shifted, self.g2);
        let rhs = Bn254::pairing(base, self.tau_g2);
        if lhs != rhs {
            return Err(bad(
                "the G1 powers are not successive powers of the τ in [τ]₂",
            ));
        }
        self.check_g2_powers()?;
        Ok(())
    }

    /// Checks the G2 powers [τ^(2^i)]₂ by induction from [τ]₁, [1]₂ and [τ]₂ — the points
    /// [`Srs::id`] covers — so a file whose id matches cannot carry a wrong [τ^b]₂: level i
    /// trusted gives [τ^(2^i)]₁ through e([τ^(2^i)]₁, [1]₂) = e([1]₁, [τ^(2^i)]₂), and then
    /// level i + 1 through e([τ^(2^i)]₁, [τ^(2^i)]₂) = e([1]₁, [τ^(2^(i+1))]₂). Run on every
    /// load, so all 2·levels equations are checked as one: raised to fresh random 128-bit
    /// exponents ρ_i, σ_i (drawn after the file is read) and multiplied, they collect into one
    /// pairing per G2 point, e(Σ_i ρ_i[τ^(2^i)]₁, [1]₂)·Π_k e(A_k, [τ^(2^k)]₂) = 1 with
    /// A_k = σ_k[τ^(2^k)]₁ − (ρ_k + σ_(k−1))[1]₁. G_T has prime order r, so a false
    /// equation survives the product with probability at most 2^−128.
    pub fn check_g2_powers(&self) -> Result<(), Error> {
        let bad = |reason: &str| Error::Format {
            what: "SRS",
            reason: reason.into(),
        };
        let Some(first) = self.tau_pow2_g2.first() else {
            return Ok(());
        };
        if *first != self.tau_g2 {
            return Err(bad("[τ^(2^0)]₂ is not [τ]₂"));
        }
        let levels = self.tau_pow2_g2.len() - 1;
        if levels == 0 {
            return Ok(());
        }
        let g1_levels = (0..levels)
            .map(|i| self.g1_powers.get(1usize << i).copied())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("a G2 power of τ beyond the G1 powers"))?;
        let mut rng = rand::thread_rng();
        let mut exponent = || Fr::from(rand::Rng::r#gen::<u128>(&mut rng));
        let rho: Vec<Fr> = (0..levels).map(|_| exponent()).collect();
        let sigma: Vec<Fr> = (0..levels).map(|_| exponent()).collect();
        let one = G1Projective::generator();
        let mut g1 = Vec::with_capacity(levels + 2);
        let mut g2 = Vec::with_capacity(levels + 2);
        g1.push(G1Projective::msm_unchecked(&g1_levels, &rho));
        g2.push(self.g2);
        for (k, q) in self.tau_pow2_g2.iter().enumerate() {
            let mut a = G1Projective::default();
            if let (Some(p), Some(s)) = (g1_levels.get(k), sigma.get(k)) {
                a += *p * s;
            }
            let mut c = Fr::ZERO;
            if let Some(r) = rho.get(k) {
                c += r;
            }
            if let Some(s) = k.checked_sub(1).and_then(|j| sigma.get(j)) {
                c += s;
            }
            a -= one * c;
            g1.push(a);
            g2.push(*q);
        }
        let g1 = G1Projective::normalize_batch(&g1);
        if Bn254::multi_pairing(g1, g2) != ark_ec::pairing::PairingOutput::default() {
            return Err(bad(
                "the G2 powers [τ^(2^i)]₂ are not successive squares of the τ in [τ]₂",
            ));
        }
        Ok(())
    }

    /// Serializes with a versioned header: origin (kind byte, u64), then the G1 powers
    /// uncompressed (decompressing millions of points cost seconds on every load), [1]₂ and
    /// [τ]₂ compressed.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut out = SRS_MAGIC.to_vec();
        let (kind, value) = match self.origin {
            SrsOrigin::InsecureDevelopment { seed } => (0u8, seed),
            SrsOrigin::PowersOfTau { power } => (1u8, u64::from(power)),
            SrsOrigin::UncontributedPowersOfTau { power } => (2u8, u64::from(power)),
        };
        out.push(kind);
        out.extend_from_slice(&value.to_le_bytes());
        let ser = |e: ark_serialize::SerializationError| Error::Format {
            what: "SRS file",
            reason: e.to_string(),
        };
        self.g1_powers
            .serialize_uncompressed(&mut out)
            .map_err(ser)?;
        self.g2.serialize_compressed(&mut out).map_err(ser)?;
        self.tau_g2.serialize_compressed(&mut out).map_err(ser)?;
        self.tau_pow2_g2
            .serialize_compressed(&mut out)
            .map_err(ser)?;
        Ok(out)
    }

    /// Deserializes, validating every point (on curve, in subgroup; the G1 powers on all
    /// cores) and rejecting trailing bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bad = |reason: String| Error::Format {
            what: "SRS file",
            reason,
        };
        if bytes.starts_with(b"ZKMSRS\x00\x02") {
            return Err(bad(
                "format version 2, written before SRS files carried the G2 powers [τ^(2^i)]₂; \
                 write it again from its ceremony file or seed"
                    .into(),
            ));
        }
        let body = bytes
            .strip_prefix(SRS_MAGIC.as_slice())
            .ok_or_else(|| bad("missing zkmodel SRS header or unsupported version".into()))?;
        let (kind, rest) = body
            .split_first()
            .ok_or_else(|| bad("truncated origin".into()))?;
        let (value, mut reader) = rest
            .split_at_checked(8)
            .ok_or_else(|| bad("truncated origin".into()))?;
        let mut v = [0u8; 8];
        v.copy_from_slice(value);
        let value = u64::from_le_bytes(v);
        let origin = match kind {
            0 => SrsOrigin::InsecureDevelopment { seed: value },
            1 => SrsOrigin::PowersOfTau {
                power: u32::try_from(value).map_err(|_| bad(format!("power {value}")))?,
            },
            2 => SrsOrigin::UncontributedPowersOfTau {
                power: u32::try_from(value).map_err(|_| bad(format!("power {value}")))?,
            },
            k => return Err(bad(format!("unknown origin kind {k}"))),
        };
        let de = |e: ark_serialize::SerializationError| bad(e.to_string());
        let g1_powers = read_g1_powers(&mut reader).map_err(de)?;
        let g2 = G2Affine::deserialize_compressed(&mut reader).map_err(de)?;
        let tau_g2 = G2Affine::deserialize_compressed(&mut reader).map_err(de)?;
        let tau_pow2_g2 = Vec::<G2Affine>::deserialize_compressed(&mut reader).map_err(de)?;
        if !reader.is_empty() {
            return Err(bad(format!("{} trailing bytes", reader.len())));
        }
        let srs = Self {
            origin,
            g1_powers,
            g2,
            tau_g2,
            tau_pow2_g2,
        };
        srs.check_g2_powers()?;
        Ok(srs)
    }

    /// Imports a snarkjs `.ptau` file (any phase; only sections 1–3 are read), keeping up to
    /// `max_size` G1 powers, and checks its consistency.
    pub fn from_ptau(bytes: &[u8], max_size: usize) -> Result<Self, Error> {
        let ptau = super::ptau::parse(bytes)?;
        let n = ptau.tau_g1_count().min(max_size);
        let g1_powers: Vec<G1Affine> = (0..n)
            .into_par_iter()
            .map(|i| ptau.g1(i))
            .collect::<Result<_, _>>()?;
        let g2 = ptau.g2(0)?;
        let tau_g2 = ptau.g2(1)?;
        let tau_pow2_g2 = (0..usize::BITS)
            .map(|i| 1usize << i)
            .take_while(|p| *p < n && *p < ptau.tau_g2_count())
            .map(|p| ptau.g2(p))
            .collect::<Result<Vec<_>, _>>()?;
        let srs = Self {
            origin: if ptau.secret_contributions() == 0 {
                SrsOrigin::UncontributedPowersOfTau { power: ptau.power }
            } else {
                SrsOrigin::PowersOfTau { power: ptau.power }
            },
            g1_powers,
            g2,
            tau_g2,
            tau_pow2_g2,
        };
        srs.check_consistency()?;
        Ok(srs)
    }
}

/// 1, x, x², …, x^(n−1), computed in parallel chunks.
pub fn powers_of(x: Fr, n: usize) -> Vec<Fr> {
    const CHUNK: usize = 1 << 12;
    let mut out = vec![Fr::ONE; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut cur = x.pow([(c * CHUNK) as u64]);
            for v in chunk {
                *v = cur;
                cur *= x;
            }
        });
    out
}

/// An Fq element from its Montgomery-form little-endian bytes (snarkjs' "LEM" encoding),
/// rejecting non-canonical values.
pub(crate) fn fq_from_montgomery_le(bytes: &[u8]) -> Option<Fq> {
    let limbs: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|c| c.try_into().map(u64::from_le_bytes))
        .collect::<Result<_, _>>()
        .ok()?;
    let limbs: [u64; 4] = limbs.try_into().ok()?;
    let big = BigInt(limbs);
    (big < Fq::MODULUS).then(|| Fq::new_unchecked(big))
}

/// A G1 point from x, y coordinates, validated on curve and in subgroup.
pub(crate) fn g1_checked(x: Fq, y: Fq) -> Option<G1Affine> {
    let p = G1Affine::new_unchecked(x, y);
    (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
}

/// A G2 point from coordinates, validated on curve and in subgroup.
pub(crate) fn g2_checked(x: Fq2, y: Fq2) -> Option<G2Affine> {
    let p = G2Affine::new_unchecked(x, y);
    (p.is_on_curve() && p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
}

/// A length-prefixed vector of uncompressed G1 points (arkworks' layout), each validated on
/// the curve (BN254's G1 has cofactor 1: that is the subgroup) on all cores.
fn read_g1_powers(reader: &mut &[u8]) -> Result<Vec<G1Affine>, ark_serialize::SerializationError> {
    use ark_serialize::SerializationError;
    use rayon::prelude::*;
    let len = u64::deserialize_compressed(&mut *reader)?;
    let size = G1Affine::default().uncompressed_size();
    let total = usize::try_from(len)
        .ok()
        .and_then(|n| n.checked_mul(size))
        .filter(|t| *t <= reader.len())
        .ok_or(SerializationError::NotEnoughSpace)?;
    let (points, rest) = reader.split_at(total);
    let out = points
        .par_chunks(size)
        .map(|mut c| G1Affine::deserialize_uncompressed(&mut c))
        .collect::<Result<Vec<_>, _>>()?;
    *reader = rest;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_srs_is_consistent_and_labelled() {
        let srs = Srs::insecure_development(7, 16);
        srs.check_consistency().unwrap();
        assert!(srs.origin.to_string().starts_with("INSECURE"));
        let tau = Fr::rand(&mut ChaCha20Rng::seed_from_u64(7));
        let expect: G1Affine = (G1Projective::generator() * tau.pow([3u64])).into();
        assert_eq!(srs.g1_powers[3], expect);
        assert_eq!(srs.tau_pow2_g2.len(), 4);
        let expect: G2Affine = (G2Affine::generator() * tau.pow([8u64])).into();
        assert_eq!(srs.tau_power_g2(8).unwrap(), expect);
        assert!(srs.tau_power_g2(16).is_err() && srs.tau_power_g2(3).is_err());
        // A G2 power swapped for another keeps the id; loading refuses it.
        let mut forged = srs.clone();
        forged.tau_pow2_g2[3] = (G2Affine::generator() * Fr::from(5u64)).into();
        assert_eq!(forged.id(), srs.id());
        assert!(matches!(
            Srs::from_bytes(&forged.to_bytes().unwrap()),
            Err(Error::Format { what: "SRS", .. })
        ));
        let mut wrong = srs.clone();
        wrong.tau_pow2_g2[2] = wrong.tau_pow2_g2[1];
        assert!(matches!(
            wrong.check_consistency(),
            Err(Error::Format { what: "SRS", .. })
        ));
    }

    /// Every level of the G2 powers is checked: one wrong point anywhere (or two errors that
    /// would cancel in an unweighted sum) fails the combined pairing.
    #[test]
    fn every_wrong_g2_power_is_refused() {
        let srs = Srs::insecure_development(3, 64);
        srs.check_g2_powers().unwrap();
        let g2 = G2Projective::generator();
        for k in 0..srs.tau_pow2_g2.len() {
            let mut wrong = srs.clone();
            wrong.tau_pow2_g2[k] = (wrong.tau_pow2_g2[k] + g2).into_affine();
            assert!(matches!(
                wrong.check_g2_powers(),
                Err(Error::Format { what: "SRS", .. })
            ));
        }
        // Errors δ at the last two levels with δ_L = δ_(L−1)·(τ^(2^(L−1)) − 2) cancel when
        // every equation has weight 1 (the product of the unweighted equations still holds):
        // only the random exponents catch them.
        let tau = Fr::rand(&mut ChaCha20Rng::seed_from_u64(3));
        let last = srs.tau_pow2_g2.len() - 1;
        let delta = Fr::from(5u64);
        let mut cancel = srs.clone();
        cancel.tau_pow2_g2[last - 1] = (cancel.tau_pow2_g2[last - 1] + g2 * delta).into_affine();
        let factor = tau.pow([1u64 << (last - 1)]) - Fr::from(2u64);
        cancel.tau_pow2_g2[last] = (cancel.tau_pow2_g2[last] + g2 * (delta * factor)).into_affine();
        let unweighted = {
            let e = |a: G1Affine, b: G2Affine| Bn254::pairing(a, b);
            let one = G1Affine::generator();
            (0..last)
                .map(|i| {
                    let p = cancel.g1_powers[1 << i];
                    let (q, next) = (cancel.tau_pow2_g2[i], cancel.tau_pow2_g2[i + 1]);
                    e(p, cancel.g2) - e(one, q) + e(p, q) - e(one, next)
                })
                .sum::<ark_ec::pairing::PairingOutput<Bn254>>()
        };
        assert_eq!(unweighted, ark_ec::pairing::PairingOutput::default());
        assert!(matches!(
            cancel.check_g2_powers(),
            Err(Error::Format { what: "SRS", .. })
        ));
        // The G2 powers of another τ, consistent among themselves above level 0.
        let other = Srs::insecure_development(4, 64);
        let mut foreign = srs.clone();
        foreign.tau_pow2_g2[1..].copy_from_slice(&other.tau_pow2_g2[1..]);
        assert!(foreign.check_g2_powers().is_err());
    }

    #[test]
    fn serialization_roundtrips_and_rejects_corruption() {
        let srs = Srs::insecure_development(1, 8);
        let bytes = srs.to_bytes().unwrap();
        assert_eq!(Srs::from_bytes(&bytes).unwrap(), srs);
        let mut old = bytes.clone();
        old[7] = 2;
        assert!(matches!(
            Srs::from_bytes(&old),
            Err(Error::Format { reason, .. }) if reason.contains("version 2")
        ));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(
            Srs::from_bytes(&trailing),
            Err(Error::Format { .. })
        ));
        assert!(matches!(
            Srs::from_bytes(&bytes[..bytes.len() - 1]),
            Err(Error::Format { .. })
        ));
        assert!(matches!(
            Srs::from_bytes(&bytes[1..]),
            Err(Error::Format { .. })
        ));
        // An x coordinate above the modulus is rejected, as is a G2 point off the subgroup.
        let mut flipped = bytes.clone();
        let at = SRS_MAGIC.len() + 9 + 8;
        flipped[at..at + 31].fill(0xff);
        flipped[at + 31] |= 0x3f; // x = 2^254 − 1 > q, flags untouched
        assert!(matches!(
            Srs::from_bytes(&flipped),
            Err(Error::Format {
                what: "SRS file",
                ..
            })
        ));
        // A y coordinate changed: off the curve.
        let mut off = bytes.clone();
        off[at + 32 + 3] ^= 1;
        assert!(matches!(Srs::from_bytes(&off), Err(Error::Format { .. })));
        let doublings = 8 + 64 * srs.tau_pow2_g2.len();
        let mut g2_bad = bytes;
        let g2_at = g2_bad.len() - doublings - 64 - 64 + 5;
        g2_bad[g2_at] ^= 1;
        assert!(matches!(
            Srs::from_bytes(&g2_bad),
            Err(Error::Format {
                what: "SRS file",
                ..
            })
        ));
    }

    #[test]
    fn powers_match_sequential() {
        let x = Fr::from(3u64);
        let p = powers_of(x, 10_000);
        assert_eq!(p[9_999], x.pow([9_999u64]));
    }
}
