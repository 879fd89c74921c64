//! iden3's binary container (the format of snarkjs's `.ptau` and `.zkey` files, and circom's
//! `.r1cs` and `.wtns`): a 4-byte magic, a u32 version, a u32 section count, then sections of
//! (u32 type, u64 size, data), all little-endian. Curve points are stored "LEM": coordinates
//! little-endian in Montgomery form, G2 as (x.c0, x.c1, y.c0, y.c1), the point at infinity as
//! all zeros. Every point read here is validated (on the curve, in the subgroup) and every
//! coordinate must be canonical.

use super::srs::{fq_from_montgomery_le, g1_checked, g2_checked};
use crate::error::Error;
use ark_bn254::{Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;

/// Bytes of one BN254 base-field element.
pub const N8: usize = 32;

/// Writes a container — magic, `version`, the section count, then each (type, u64 size, data)
/// section in order — the inverse of [`BinFile::parse`] (development `.ptau` files, `.r1cs`
/// and `.wtns` exports).
pub fn write(magic: &[u8; 4], version: u32, sections: &[(u32, &[u8])]) -> Vec<u8> {
    let mut out = magic.to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    for (kind, body) in sections {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(body);
    }
    out
}

/// A parsed container: its version and its sections, borrowed from the file's bytes.
pub struct BinFile<'a> {
    what: &'static str,
    /// The container's version field.
    pub version: u32,
    /// (type, byte offset of the data in the file, data).
    sections: Vec<(u32, usize, &'a [u8])>,
}

impl<'a> BinFile<'a> {
    /// Splits `bytes` into sections, refusing another magic than `magic` (`what` names the
    /// file kind in errors, e.g. "zkey file").
    pub fn parse(bytes: &'a [u8], magic: &[u8; 4], what: &'static str) -> Result<Self, Error> {
        let mut r = Cursor::new(bytes, what);
        if r.take(4, "magic")? != magic {
            return Err(r.bad(format!(
                "missing `{}` magic: not a {what}",
                String::from_utf8_lossy(magic)
            )));
        }
        let version = r.u32("version")?;
        let count = r.u32("section count")?;
        let mut sections = Vec::new();
        for _ in 0..count {
            let kind = r.u32("section type")?;
            let size = usize::try_from(r.u64("section size")?)
                .map_err(|_| r.bad("section size overflows"))?;
            let at = r.pos;
            sections.push((kind, at, r.take(size, &format!("section {kind}"))?));
        }
        if r.remaining() != 0 {
            return Err(r.bad(format!("{} bytes after the last section", r.remaining())));
        }
        Ok(Self {
            what,
            version,
            sections,
        })
    }

    /// The section of type `kind` as (offset in the file, data), if present once; an error if
    /// it appears twice.
    fn find(&self, kind: u32) -> Result<Option<(usize, &'a [u8])>, Error> {
        let mut found = self.sections.iter().filter(|(k, _, _)| *k == kind);
        let first = found.next();
        if found.next().is_some() {
            return Err(Error::Format {
                what: self.what,
                reason: format!("section {kind} appears more than once"),
            });
        }
        Ok(first.map(|(_, at, data)| (*at, *data)))
    }

    /// The section of type `kind`, if present once; an error if it appears twice.
    pub fn optional(&self, kind: u32) -> Result<Option<Cursor<'a>>, Error> {
        Ok(self
            .find(kind)?
            .map(|(_, data)| Cursor::new(data, self.what)))
    }

    /// The byte range of section `kind`'s data in the file, if present once — for tools (and
    /// tests) that patch a file in place.
    pub fn range(&self, kind: u32) -> Result<Option<std::ops::Range<usize>>, Error> {
        Ok(self.find(kind)?.map(|(at, data)| at..at + data.len()))
    }

    /// The section of type `kind` (`name` says what it holds, for the error).
    pub fn section(&self, kind: u32, name: &str) -> Result<Cursor<'a>, Error> {
        self.optional(kind)?.ok_or_else(|| Error::Format {
            what: self.what,
            reason: format!("no {name} section ({kind})"),
        })
    }
}

/// A read position in a section.
pub struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self {
            bytes,
            pos: 0,
            what,
        }
    }

    /// A format error about this file.
    pub fn bad(&self, reason: impl Into<String>) -> Error {
        Error::Format {
            what: self.what,
            reason: reason.into(),
        }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, name: &str) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| {
                self.bad(format!(
                    "truncated while reading {name} at byte {} (of {})",
                    self.pos,
                    self.bytes.len()
                ))
            })?;
        let out = self.bytes.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        Ok(out)
    }

    /// A little-endian u32.
    pub fn u32(&mut self, name: &str) -> Result<u32, Error> {
        let b = self.take(4, name)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap_or_default()))
    }

    /// A little-endian u64.
    pub fn u64(&mut self, name: &str) -> Result<u64, Error> {
        let b = self.take(8, name)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or_default()))
    }

    /// A G1 point in LEM encoding, validated.
    pub fn g1(&mut self, name: &str) -> Result<G1Affine, Error> {
        let b = self.take(2 * N8, name)?;
        g1_from_lem(b).ok_or_else(|| self.bad(format!("{name} is not a valid G1 point")))
    }

    /// A G2 point in LEM encoding, validated.
    pub fn g2(&mut self, name: &str) -> Result<G2Affine, Error> {
        let b = self.take(4 * N8, name)?;
        g2_from_lem(b).ok_or_else(|| self.bad(format!("{name} is not a valid G2 point")))
    }

    /// Ensures the section was read to its end.
    pub fn finish(&self, name: &str) -> Result<(), Error> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(self.bad(format!("{n} unexpected bytes at the end of {name}"))),
        }
    }
}

/// A G1 point from 64 LEM bytes (all zeros: the point at infinity), validated.
pub fn g1_from_lem(b: &[u8]) -> Option<G1Affine> {
    if b.len() != 2 * N8 {
        return None;
    }
    if b.iter().all(|&x| x == 0) {
        return Some(G1Affine::zero());
    }
    g1_checked(
        fq_from_montgomery_le(b.get(..N8)?)?,
        fq_from_montgomery_le(b.get(N8..)?)?,
    )
}

/// A G2 point from 128 LEM bytes (all zeros: the point at infinity), validated.
pub fn g2_from_lem(b: &[u8]) -> Option<G2Affine> {
    if b.len() != 4 * N8 {
        return None;
    }
    if b.iter().all(|&x| x == 0) {
        return Some(G2Affine::zero());
    }
    let c = |k: usize| fq_from_montgomery_le(b.get(k * N8..(k + 1) * N8)?);
    g2_checked(Fq2::new(c(0)?, c(1)?), Fq2::new(c(2)?, c(3)?))
}
