//! Reader for snarkjs Groth16 `.zkey` files (iden3 container, magic `zkey`, version 1).
//!
//! Sections: 1 the protocol (1 = Groth16); 2 the header (n8q, q, n8r, r, wires, public inputs,
//! domain size, [α]₁, [β]₁, [β]₂, [γ]₂, [δ]₁, [δ]₂); 3 IC, one G1 point per public input and
//! the constant one; 4 the A and B matrices' coefficients as (matrix, row, wire, value) with
//! the value stored as value·R² (R = 2²⁵⁶ mod r), including the rows `constraints + i` that
//! put wire i into A; 5 A, 6 B in G1 and 7 B in G2, one point per wire; 8 C (the L query),
//! one point per private wire; 9 H, one point per domain element (see [`crate::qap`]); 10 the
//! ceremony: the circuit hash and each contribution (δ after it, the proof of knowledge of
//! its secret, the transcript, its kind and parameters).
//!
//! Every point is validated on all cores (on the curve and in its subgroup).

use crate::origin::{Beacon, Contribution};
use ark_bn254::{Bn254, Fr, G1Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use blake2::{Blake2b512, Digest};
use rayon::prelude::*;
use zkmodel_prover::pcs::iden3::{BinFile, Cursor, N8, g1_from_lem, g2_from_lem};

const WHAT: &str = "zkey file";

/// One coefficient of section 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coefficient {
    /// 0 for A, 1 for B.
    pub matrix: u32,
    /// The constraint row (rows past the constraints are the public-input rows).
    pub row: u32,
    /// The wire.
    pub wire: u32,
    /// The coefficient.
    pub value: Fr,
}

/// A parsed Groth16 zkey.
pub struct Zkey {
    /// Wires, the constant one included.
    pub wires: usize,
    /// Public inputs (the constant one excluded).
    pub public_inputs: usize,
    /// The QAP domain's size.
    pub domain_size: usize,
    /// The keys, in arkworks' layout (snarkjs's QAP reduction: [`crate::qap`]).
    pub pk: ProvingKey<Bn254>,
    /// The A and B coefficients the key was made from.
    pub coefficients: Vec<Coefficient>,
    /// snarkjs's circuit hash.
    pub circuit_hash: [u8; 64],
    /// The contributions, in order, with the δ each left.
    pub contributions: Vec<(Contribution, G1Affine)>,
}

fn bad(reason: impl Into<String>) -> zkmodel_prover::Error {
    zkmodel_prover::Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

/// `count` points of `size` bytes filling a whole section, decoded and validated in parallel.
fn points<P: Send>(
    file: &BinFile<'_>,
    kind: u32,
    name: &str,
    count: usize,
    size: usize,
    decode: impl Fn(&[u8]) -> Option<P> + Sync,
) -> Result<Vec<P>, zkmodel_prover::Error> {
    let mut c = file.section(kind, name)?;
    let bytes = c.take(c.remaining(), name)?;
    if bytes.len() != count * size {
        return Err(bad(format!(
            "section {kind} ({name}) holds {} bytes where {count} points of {size} are expected",
            bytes.len()
        )));
    }
    bytes
        .par_chunks_exact(size)
        .enumerate()
        .map(|(i, b)| decode(b).ok_or_else(|| bad(format!("{name} point {i} is not valid"))))
        .collect()
}

fn u32_field(c: &mut Cursor<'_>, name: &str) -> Result<usize, zkmodel_prover::Error> {
    Ok(c.u32(name)? as usize)
}

/// The field element of a coefficient, stored as value·R² in standard little-endian form.
fn coefficient_value(bytes: &[u8]) -> Option<Fr> {
    let stored = Fr::from_bigint(ark_ff::BigInt::<4>(
        bytes
            .chunks_exact(8)
            .map(|c| c.try_into().map(u64::from_le_bytes))
            .collect::<Result<Vec<_>, _>>()
            .ok()?
            .try_into()
            .ok()?,
    ))?;
    let r = Fr::from(2u64).pow([256]);
    Some(stored * (r * r).inverse()?)
}

/// snarkjs's uncompressed encoding of a point for hashing: big-endian coordinates (G2 as
/// x.c1, x.c0, y.c1, y.c0), the point at infinity as zeros with 0x40 in its first byte.
fn encode<P: AffineRepr>(p: &P) -> Vec<u8> {
    let Some((x, y)) = p.xy() else {
        let mut out = vec![0u8; 2 * P::BaseField::extension_degree() as usize * N8];
        if let Some(b) = out.first_mut() {
            *b = 0x40;
        }
        return out;
    };
    let mut out = Vec::new();
    for coord in [x, y] {
        // arkworks writes (c0, c1), each little-endian.
        let mut le = Vec::new();
        coord.serialize_uncompressed(&mut le).unwrap_or_default();
        for chunk in le.chunks(N8).rev() {
            out.extend(chunk.iter().rev());
        }
    }
    out
}

fn contribution(c: &mut Cursor<'_>) -> Result<(Contribution, G1Affine), zkmodel_prover::Error> {
    let delta_after = c.g1("contribution δ")?;
    let g1_s = c.g1("contribution g1_s")?;
    let g1_sx = c.g1("contribution g1_sx")?;
    let g2_spx = c.g2("contribution g2_spx")?;
    let transcript = c.take(64, "contribution transcript")?;
    let kind = c.u32("contribution type")?;
    let params_len = u32_field(c, "contribution parameters length")?;
    let mut p = Cursor::new(c.take(params_len, "contribution parameters")?, WHAT);
    let (mut name, mut exp, mut value) = (String::new(), None, None);
    let mut last = 0u8;
    while p.remaining() > 0 {
        let [tag] = p.take(1, "parameter type")? else {
            return Err(bad("parameter type"));
        };
        let tag = *tag;
        if tag <= last {
            return Err(bad("contribution parameters out of order"));
        }
        last = tag;
        match tag {
            1 => {
                let len = p.take(1, "name length")?.first().copied().unwrap_or(0);
                name = String::from_utf8_lossy(p.take(len.into(), "name")?).into_owned();
            }
            2 => exp = p.take(1, "iterations")?.first().copied(),
            3 => {
                let len = p.take(1, "beacon length")?.first().copied().unwrap_or(0);
                value = Some(p.take(len.into(), "beacon")?.to_vec());
            }
            other => return Err(bad(format!("unknown contribution parameter {other}"))),
        }
    }
    let mut h = Blake2b512::new();
    for part in [
        encode(&delta_after),
        encode(&g1_s),
        encode(&g1_sx),
        encode(&g2_spx),
    ] {
        h.update(part);
    }
    h.update(transcript);
    let hash: [u8; 64] = h.finalize().into();
    let beacon = match (kind, value, exp) {
        (0, None, None) => None,
        (1, Some(value), Some(iterations_exp)) => Some(Beacon {
            value,
            iterations_exp,
        }),
        _ => return Err(bad(format!("malformed contribution of type {kind}"))),
    };
    Ok((Contribution { name, hash, beacon }, delta_after))
}

/// Parses a Groth16 zkey over BN254, validating every point.
pub fn read(bytes: &[u8]) -> Result<Zkey, zkmodel_prover::Error> {
    let file = BinFile::parse(bytes, b"zkey", WHAT)?;
    if file.version != 1 {
        return Err(bad(format!("unsupported version {}", file.version)));
    }
    let mut s1 = file.section(1, "protocol")?;
    let protocol = s1.u32("protocol")?;
    if protocol != 1 {
        return Err(bad(format!(
            "protocol {protocol} is not Groth16 (1): PLONK and FFLONK keys are not supported"
        )));
    }
    let mut h = file.section(2, "Groth16 header")?;
    for (name, modulus) in [
        ("base field", ark_bn254::Fq::MODULUS.to_bytes_le()),
        ("scalar field", Fr::MODULUS.to_bytes_le()),
    ] {
        let n8 = u32_field(&mut h, name)?;
        if n8 != N8 || h.take(n8, name)? != modulus.as_slice() {
            return Err(bad(format!("the {name} is not BN254's")));
        }
    }
    let wires = u32_field(&mut h, "wires")?;
    let public_inputs = u32_field(&mut h, "public inputs")?;
    let domain_size = u32_field(&mut h, "domain size")?;
    let alpha_g1 = h.g1("α₁")?;
    let beta_g1 = h.g1("β₁")?;
    let beta_g2 = h.g2("β₂")?;
    let gamma_g2 = h.g2("γ₂")?;
    let delta_g1 = h.g1("δ₁")?;
    let delta_g2 = h.g2("δ₂")?;
    h.finish("the Groth16 header")?;
    let private = wires
        .checked_sub(public_inputs + 1)
        .ok_or_else(|| bad("more public inputs than wires"))?;

    let g1 = 2 * N8;
    let g2 = 4 * N8;
    let gamma_abc_g1 = points(&file, 3, "IC", public_inputs + 1, g1, g1_from_lem)?;
    let a_query = points(&file, 5, "A", wires, g1, g1_from_lem)?;
    let b_g1_query = points(&file, 6, "B1", wires, g1, g1_from_lem)?;
    let b_g2_query = points(&file, 7, "B2", wires, g2, g2_from_lem)?;
    let l_query = points(&file, 8, "C", private, g1, g1_from_lem)?;
    let h_query = points(&file, 9, "H", domain_size, g1, g1_from_lem)?;

    let mut s4 = file.section(4, "coefficients")?;
    let n = u32_field(&mut s4, "coefficient count")?;
    let entry = 12 + N8;
    if s4.remaining() != n * entry {
        return Err(bad(format!(
            "section 4 holds {} bytes for {n} coefficients",
            s4.remaining()
        )));
    }
    let raw = s4.take(n * entry, "coefficients")?;
    let coefficients = raw
        .par_chunks_exact(entry)
        .map(|e| {
            let word = |i: usize| {
                e.get(4 * i..4 * i + 4)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_le_bytes)
            };
            Some(Coefficient {
                matrix: word(0)?,
                row: word(1)?,
                wire: word(2)?,
                value: coefficient_value(e.get(12..)?)?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("a coefficient is not a reduced field element"))?;

    let mut s10 = file.section(10, "contributions")?;
    let circuit_hash: [u8; 64] = s10
        .take(64, "circuit hash")?
        .try_into()
        .map_err(|_| bad("circuit hash"))?;
    let count = u32_field(&mut s10, "contribution count")?;
    let contributions = (0..count)
        .map(|_| contribution(&mut s10))
        .collect::<Result<Vec<_>, _>>()?;
    s10.finish("the contributions section")?;

    let vk = VerifyingKey {
        alpha_g1,
        beta_g2,
        gamma_g2,
        delta_g2,
        gamma_abc_g1,
    };
    Ok(Zkey {
        wires,
        public_inputs,
        domain_size,
        pk: ProvingKey {
            vk,
            beta_g1,
            delta_g1,
            a_query,
            b_g1_query,
            b_g2_query,
            h_query,
            l_query,
        },
        coefficients,
        circuit_hash,
        contributions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::PrimeGroup;

    #[test]
    fn coefficients_undo_the_double_montgomery_factor() {
        let v = Fr::from(12345u64);
        let r = Fr::from(2u64).pow([256]);
        let stored = (v * r * r).into_bigint().to_bytes_le();
        assert_eq!(coefficient_value(&stored), Some(v));
    }

    #[test]
    fn uncompressed_encoding_is_big_endian_with_an_infinity_flag() {
        let g = ark_bn254::G1Projective::generator();
        let bytes = encode(&ark_ec::CurveGroup::into_affine(g));
        assert_eq!(bytes.len(), 64);
        assert_eq!(bytes[31], 1); // x = 1, big-endian
        assert_eq!(bytes[63], 2); // y = 2
        let zero = encode(&ark_bn254::G2Affine::zero());
        assert_eq!((zero.len(), zero[0]), (128, 0x40));
    }
}
