//! Packing a statement's public values for the chain. Small signed integers (logits, pixels:
//! b bits each, range-checked by the statement) are packed ⌊248/b⌋ to a field element, so a
//! statement with ten public logits costs the contract one public input (one IC term, one
//! calldata word) instead of ten. The field-part verifier reads the unpacked values; the
//! chain, s0 and the Groth16 public inputs see the packed words; the circuit unpacks with a
//! b-bit decomposition per value, so each word has exactly one unpacking.
//!
//! Word layout: value j of a group sits at bits [b·(j mod k), b·(j mod k) + b) of the group's
//! word ⌊j/k⌋ (k = ⌊248/b⌋), offset by 2^(b−1) to be non-negative. Groups follow each other;
//! a plain group passes its values through.

use crate::error::Error;
use crate::field::encoding::{from_i128, to_i128};
use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, PrimeField};

/// Bits of a word that hold packed values (below the field's 254).
pub const WORD_BITS: u32 = 248;

/// One group of consecutive public values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublicGroup {
    /// `count` signed `bits`-bit integers, packed.
    Packed {
        /// Number of values.
        count: usize,
        /// Signed bit bound of each value (1..=62).
        bits: u32,
    },
    /// `count` field elements, as they are.
    Plain {
        /// Number of values.
        count: usize,
    },
}

impl PublicGroup {
    /// Values per word of a packed group.
    pub fn per_word(bits: u32) -> usize {
        (WORD_BITS / bits.max(1)) as usize
    }

    /// Number of values in the group.
    pub fn count(&self) -> usize {
        match *self {
            PublicGroup::Packed { count, .. } | PublicGroup::Plain { count } => count,
        }
    }

    /// Number of chain words the group takes.
    pub fn words(&self) -> usize {
        match *self {
            PublicGroup::Packed { count, bits } => count.div_ceil(Self::per_word(bits)),
            PublicGroup::Plain { count } => count,
        }
    }

    fn check(&self) -> Result<(), Error> {
        match *self {
            PublicGroup::Packed { bits: 0, .. } => Err(Error::ZeroParameter {
                what: "packed public value bits",
            }),
            PublicGroup::Packed { bits, .. } if bits > 62 => Err(Error::TooLarge {
                what: "packed public value bits",
                value: bits as usize,
                max: 62,
            }),
            _ => Ok(()),
        }
    }
}

/// Number of chain words for the groups.
pub fn packed_len(groups: &[PublicGroup]) -> usize {
    groups.iter().map(PublicGroup::words).sum()
}

/// Packs `values` (the groups' values in order, field encodings of signed integers for packed
/// groups) into chain words. Fails if a packed value exceeds its bit bound.
pub fn pack(groups: &[PublicGroup], values: &[Fr]) -> Result<Vec<Fr>, Error> {
    let total: usize = groups.iter().map(PublicGroup::count).sum();
    if values.len() != total {
        return Err(Error::ProofShape {
            what: "public values",
            expected: total,
            actual: values.len(),
        });
    }
    let mut out = Vec::with_capacity(packed_len(groups));
    let mut rest = values;
    for g in groups {
        g.check()?;
        let (mine, tail) = rest.split_at(g.count());
        rest = tail;
        match *g {
            PublicGroup::Plain { .. } => out.extend_from_slice(mine),
            PublicGroup::Packed { bits, .. } => {
                let half = 1i128 << (bits - 1);
                for chunk in mine.chunks(PublicGroup::per_word(bits)) {
                    let mut word = Fr::from(0u64);
                    let mut shift = Fr::from(1u64);
                    let step = Fr::from(2u64).pow([u64::from(bits)]);
                    for v in chunk {
                        let x = to_i128(v, bits)?;
                        word += from_i128(x + half) * shift;
                        shift *= step;
                    }
                    out.push(word);
                }
            }
        }
    }
    Ok(out)
}

/// Unpacks chain words into the groups' values. Fails, naming the word, if a word is not a
/// valid packing (bits above its last value set).
pub fn unpack(groups: &[PublicGroup], words: &[Fr]) -> Result<Vec<Fr>, Error> {
    if words.len() != packed_len(groups) {
        return Err(Error::ProofShape {
            what: "public words",
            expected: packed_len(groups),
            actual: words.len(),
        });
    }
    let mut out = Vec::new();
    let mut rest = words;
    for g in groups {
        g.check()?;
        let (mine, tail) = rest.split_at(g.words());
        rest = tail;
        match *g {
            PublicGroup::Plain { .. } => out.extend_from_slice(mine),
            PublicGroup::Packed { count, bits } => {
                let k = PublicGroup::per_word(bits);
                let half = 1i128 << (bits - 1);
                for (w, word) in mine.iter().enumerate() {
                    let n = (count - w * k).min(k);
                    let le = word.into_bigint().to_bits_le();
                    let used = n * bits as usize;
                    if le.iter().skip(used).any(|b| *b) {
                        return Err(Error::PublicPacking {
                            word: w,
                            values: n,
                            bits,
                        });
                    }
                    for j in 0..n {
                        let u = le
                            .iter()
                            .skip(j * bits as usize)
                            .take(bits as usize)
                            .rev()
                            .fold(0i128, |acc, b| 2 * acc + i128::from(*b));
                        out.push(from_i128(u - half));
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_unpack_round_trip_and_bounds() {
        let groups = [
            PublicGroup::Packed {
                count: 25,
                bits: 11,
            },
            PublicGroup::Plain { count: 1 },
        ];
        let values: Vec<Fr> = (0..25i128)
            .map(|i| from_i128(i * 83 - 1024))
            .chain([Fr::from(350u64)])
            .collect();
        let words = pack(&groups, &values).unwrap();
        // 22 values of 11 bits per word: two words, then the plain value.
        assert_eq!(words.len(), 3);
        assert_eq!(unpack(&groups, &words).unwrap(), values);
        let mut bad = values.clone();
        bad[3] = from_i128(1024);
        assert_eq!(pack(&groups, &bad), Err(Error::NotSmall { bits: 11 }));
        let mut high = words.clone();
        high[1] += Fr::from(2u64).pow([3 * 11 + 1]);
        assert_eq!(
            unpack(&groups, &high),
            Err(Error::PublicPacking {
                word: 1,
                values: 3,
                bits: 11
            })
        );
        assert_eq!(
            unpack(&groups, &words[..2]),
            Err(Error::ProofShape {
                what: "public words",
                expected: 3,
                actual: 2
            })
        );
    }
}
