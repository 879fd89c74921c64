//! Reader for snarkjs Powers-of-Tau (`.ptau`) files.
//!
//! Layout: magic `ptau`, version (u32 LE), section count (u32 LE), then sections of
//! (type u32 LE, size u64 LE, data). Section 1 holds n8 (u32), the base-field modulus (n8
//! bytes), power (u32) and ceremony power (u32); section 2 holds 2·2^power − 1 G1 points
//! [τ^i]₁ and section 3 holds 2^power G2 points [τ^i]₂. Coordinates are little-endian in
//! Montgomery form; G2 coordinates are (x.c0, x.c1, y.c0, y.c1). Every point is validated.

use super::srs::{fq_from_montgomery_le, g1_checked, g2_checked};
use crate::error::Error;
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};

const N8: usize = 32;

fn bad(reason: impl Into<String>) -> Error {
    Error::Format {
        what: "ptau file",
        reason: reason.into(),
    }
}

/// The parts of a `.ptau` file we use, borrowed from the file's bytes.
pub(crate) struct Ptau<'a> {
    pub power: u32,
    tau_g1: &'a [u8],
    tau_g2: &'a [u8],
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| {
                bad(format!(
                    "truncated while reading {what} at byte {} (file has {})",
                    self.pos,
                    self.bytes.len()
                ))
            })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn u32(&mut self, what: &str) -> Result<u32, Error> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self, what: &str) -> Result<u64, Error> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Ptau<'_>, Error> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4, "magic")? != b"ptau" {
        return Err(bad("missing `ptau` magic: not a Powers-of-Tau file"));
    }
    let version = r.u32("version")?;
    if version != 1 {
        return Err(bad(format!("unsupported version {version} (expected 1)")));
    }
    let sections = r.u32("section count")?;
    let (mut header, mut g1, mut g2) = (None, None, None);
    for _ in 0..sections {
        let kind = r.u32("section type")?;
        let size =
            usize::try_from(r.u64("section size")?).map_err(|_| bad("section size overflows"))?;
        let data = r.take(size, &format!("section {kind}"))?;
        match kind {
            1 => header = Some(data),
            2 => g1 = Some(data),
            3 => g2 = Some(data),
            _ => {}
        }
    }
    let mut h = Reader {
        bytes: header.ok_or_else(|| bad("no header section (1)"))?,
        pos: 0,
    };
    let n8 = h.u32("field size")? as usize;
    if n8 != N8 {
        return Err(bad(format!(
            "field element size {n8}, expected {N8} (BN254)"
        )));
    }
    let q = h.take(N8, "modulus")?;
    if q != Fq::MODULUS.to_bytes_le().as_slice() {
        return Err(bad(
            "base-field modulus is not BN254's (is this a bls12-381 ceremony?)",
        ));
    }
    let power = h.u32("power")?;
    if power == 0 || power > 28 {
        return Err(bad(format!("power {power} outside 1..=28")));
    }
    let tau_g1 = g1.ok_or_else(|| bad("no tauG1 section (2)"))?;
    let tau_g2 = g2.ok_or_else(|| bad("no tauG2 section (3)"))?;
    let g1_expected = ((2usize << power) - 1) * 2 * N8;
    let g2_expected = (1usize << power) * 4 * N8;
    if tau_g1.len() != g1_expected || tau_g2.len() != g2_expected {
        return Err(bad(format!(
            "section sizes {}/{} do not match power {power} ({g1_expected}/{g2_expected} expected)",
            tau_g1.len(),
            tau_g2.len()
        )));
    }
    Ok(Ptau {
        power,
        tau_g1,
        tau_g2,
    })
}

impl Ptau<'_> {
    /// Number of G1 powers in the file.
    pub fn tau_g1_count(&self) -> usize {
        self.tau_g1.len() / (2 * N8)
    }

    fn fq(bytes: &[u8], what: &str, i: usize) -> Result<Fq, Error> {
        fq_from_montgomery_le(bytes)
            .ok_or_else(|| bad(format!("{what} point {i}: coordinate not reduced")))
    }

    /// [τ^i]₁.
    pub fn g1(&self, i: usize) -> Result<G1Affine, Error> {
        let p = self
            .tau_g1
            .get(i * 2 * N8..(i + 1) * 2 * N8)
            .ok_or_else(|| bad(format!("tauG1 point {i} missing")))?;
        let (x, y) = (
            Self::fq(&p[..N8], "tauG1", i)?,
            Self::fq(&p[N8..], "tauG1", i)?,
        );
        g1_checked(x, y).ok_or_else(|| bad(format!("tauG1 point {i} is not on the curve")))
    }

    /// [τ^i]₂.
    pub fn g2(&self, i: usize) -> Result<G2Affine, Error> {
        let p = self
            .tau_g2
            .get(i * 4 * N8..(i + 1) * 4 * N8)
            .ok_or_else(|| bad(format!("tauG2 point {i} missing")))?;
        let c = |k: usize| Self::fq(&p[k * N8..(k + 1) * N8], "tauG2", i);
        let (x, y) = (Fq2::new(c(0)?, c(1)?), Fq2::new(c(2)?, c(3)?));
        g2_checked(x, y)
            .ok_or_else(|| bad(format!("tauG2 point {i} is not on the twist or not in G2")))
    }
}
