//! Reader for snarkjs Powers-of-Tau (`.ptau`) files.
//!
//! Layout: magic `ptau`, version (u32 LE), section count (u32 LE), then sections of
//! (type u32 LE, size u64 LE, data). Section 1 holds n8 (u32), the base-field modulus (n8
//! bytes), power (u32) and ceremony power (u32); section 2 holds 2·2^power − 1 G1 points
//! [τ^i]₁ and section 3 holds 2^power G2 points [τ^i]₂. Coordinates are little-endian in
//! Montgomery form; G2 coordinates are (x.c0, x.c1, y.c0, y.c1). Every point is validated.
//! Sections 4–6 hold [α·τ^i]₁, [β·τ^i]₁ and [β]₂, whose first points a Groth16 phase 2 takes as
//! its α and β; section 12 onwards (the Lagrange bases) exist once `prepare phase2` has run.

use super::iden3::{BinFile, N8, g1_from_lem, g2_from_lem};
use crate::error::Error;
use ark_bn254::{Fq, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};

const WHAT: &str = "ptau file";

fn bad(reason: impl Into<String>) -> Error {
    Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

/// The parts of a `.ptau` file we use, borrowed from the file's bytes.
pub struct Ptau<'a> {
    /// The ceremony's power: 2^power G2 powers, 2·2^power − 1 G1 powers.
    pub power: u32,
    tau_g1: &'a [u8],
    tau_g2: &'a [u8],
    alpha_tau_g1: Option<&'a [u8]>,
    beta_tau_g1: Option<&'a [u8]>,
    beta_g2: Option<&'a [u8]>,
    lagrange: [Option<&'a [u8]>; 3],
    prepared: bool,
    contributions: u32,
    secret_contributions: u32,
}

/// Bytes of one section-7 contribution before its type: τ, α, β points (G1, G2, G1, G1, G2),
/// the public key (three G1 pairs and three G2 points), the partial hash and the next
/// challenge.
const CONTRIBUTION_FIXED: usize = 448 + 768 + 216 + 64;

/// (total, secret) phase-1 contributions of section 7: a contribution of type 1 is a random
/// beacon, whose secret follows from public values; type 0 drew one.
fn read_contributions(mut c: super::iden3::Cursor<'_>) -> Result<(u32, u32), Error> {
    let count = c.u32("contribution count")?;
    let mut secret = 0;
    for i in 0..count {
        c.take(CONTRIBUTION_FIXED, "contribution")?;
        match c.u32("contribution type")? {
            0 => secret += 1,
            1 => {}
            other => {
                return Err(bad(format!(
                    "phase-1 contribution {} has unknown type {other}",
                    i + 1
                )));
            }
        }
        let params = c.u32("contribution parameters length")? as usize;
        c.take(params, "contribution parameters")?;
    }
    if c.remaining() != 0 {
        return Err(bad("trailing bytes after the phase-1 contributions"));
    }
    Ok((count, secret))
}

/// The prepared Lagrange bases in G1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LagrangeG1 {
    /// [ℓ_i(τ)]₁ (section 12).
    Tau,
    /// [α·ℓ_i(τ)]₁ (section 14).
    AlphaTau,
    /// [β·ℓ_i(τ)]₁ (section 15).
    BetaTau,
}

/// Parses a `.ptau` file's header and locates its point sections (validated when read).
pub fn parse(bytes: &[u8]) -> Result<Ptau<'_>, Error> {
    let file = BinFile::parse(bytes, b"ptau", WHAT)?;
    if file.version != 1 {
        return Err(bad(format!(
            "unsupported version {} (expected 1)",
            file.version
        )));
    }
    let mut h = file.section(1, "header")?;
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
    let all = |kind: u32, name: &str| -> Result<&[u8], Error> {
        let mut c = file.section(kind, name)?;
        c.take(c.remaining(), name)
    };
    let some = |kind: u32, name: &str| -> Result<Option<&[u8]>, Error> {
        file.optional(kind)?
            .map(|mut c| c.take(c.remaining(), name))
            .transpose()
    };
    let (contributions, secret_contributions) = match file.optional(7)? {
        Some(c) => read_contributions(c)?,
        None => (0, 0),
    };
    let tau_g1 = all(2, "tauG1")?;
    let tau_g2 = all(3, "tauG2")?;
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
        alpha_tau_g1: some(4, "alphaTauG1")?,
        beta_tau_g1: some(5, "betaTauG1")?,
        beta_g2: some(6, "betaG2")?,
        lagrange: [
            some(12, "lagrange tauG1")?,
            some(14, "lagrange alphaTauG1")?,
            some(15, "lagrange betaTauG1")?,
        ],
        prepared: file.optional(12)?.is_some(),
        contributions,
        secret_contributions,
    })
}

impl Ptau<'_> {
    /// Number of G1 powers in the file.
    pub fn tau_g1_count(&self) -> usize {
        self.tau_g1.len() / (2 * N8)
    }

    /// Number of [τ^i]₂ points in section 3 (2^power).
    pub fn tau_g2_count(&self) -> usize {
        self.tau_g2.len() / (4 * N8)
    }

    fn point<P: AffineRepr>(
        section: Option<&[u8]>,
        name: &str,
        i: usize,
        size: usize,
        decode: impl Fn(&[u8]) -> Option<P>,
    ) -> Result<P, Error> {
        let bytes = section
            .ok_or_else(|| bad(format!("no {name} section")))?
            .get(i * size..(i + 1) * size)
            .ok_or_else(|| bad(format!("{name} point {i} missing")))?;
        decode(bytes)
            .filter(|p| !p.is_zero())
            .ok_or_else(|| bad(format!("{name} point {i} is not a valid group element")))
    }

    /// [τ^i]₁.
    pub fn g1(&self, i: usize) -> Result<G1Affine, Error> {
        Self::point(Some(self.tau_g1), "tauG1", i, 2 * N8, g1_from_lem)
    }

    /// [τ^i]₂.
    pub fn g2(&self, i: usize) -> Result<G2Affine, Error> {
        Self::point(Some(self.tau_g2), "tauG2", i, 4 * N8, g2_from_lem)
    }

    /// [α]₁, [β]₁ and [β]₂: the phase-1 values a Groth16 phase 2 takes as its α and β.
    pub fn alpha_beta(&self) -> Result<(G1Affine, G1Affine, G2Affine), Error> {
        Ok((
            Self::point(self.alpha_tau_g1, "alphaTauG1", 0, 2 * N8, g1_from_lem)?,
            Self::point(self.beta_tau_g1, "betaTauG1", 0, 2 * N8, g1_from_lem)?,
            Self::point(self.beta_g2, "betaG2", 0, 4 * N8, g2_from_lem)?,
        ))
    }

    /// Point `i` of a prepared Lagrange basis over the 2^level-point domain: [ℓ_i(τ)]₁,
    /// [α·ℓ_i(τ)]₁ or [β·ℓ_i(τ)]₁ (sections 12, 14, 15; level ≤ power, and power + 1 in
    /// section 12).
    pub fn lagrange_g1(&self, basis: LagrangeG1, level: u32, i: usize) -> Result<G1Affine, Error> {
        if level > 28 || i >> level != 0 {
            return Err(bad(format!("no Lagrange point {i} at level {level}")));
        }
        let (k, name) = match basis {
            LagrangeG1::Tau => (0, "lagrange tauG1"),
            LagrangeG1::AlphaTau => (1, "lagrange alphaTauG1"),
            LagrangeG1::BetaTau => (2, "lagrange betaTauG1"),
        };
        let section = self.lagrange.get(k).copied().flatten();
        Self::point(
            section,
            name,
            (1usize << level) - 1 + i,
            2 * N8,
            g1_from_lem,
        )
    }

    /// How many phase-1 contributions the file records (section 7). None means τ was never
    /// randomised by a ceremony (snarkjs's `powersoftau new` starts from τ = 1) or the file
    /// was made by one party, like [`super::ptau_dev`]'s: its τ, α and β may be known.
    pub fn contributions(&self) -> u32 {
        self.contributions
    }

    /// The phase-1 contributions that drew a secret (random beacons excluded: a beacon's τ,
    /// α and β follow from its public value). None means anyone may know τ, α and β.
    pub fn secret_contributions(&self) -> u32 {
        self.secret_contributions
    }

    /// Whether `powersoftau prepare phase2` has run (the Lagrange sections a Groth16 phase 2
    /// starts from are present).
    pub fn prepared(&self) -> bool {
        self.prepared
    }
}
