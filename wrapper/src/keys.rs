//! Groth16 key files: keys are generated once per architecture, saved, and loaded by whoever
//! proves. A file binds the keys to their architecture id and records their origin, so keys of
//! one architecture are never used for another and development keys stay labelled as such.
//!
//! Layout: the magic line `zkmodel/groth16-keys/v3\n`, one origin byte (1: INSECURE
//! single-party development setup; 3: a phase-2 ceremony, followed by its record: the Powers of
//! Tau's blake2b-512, power, how it was authenticated (0 not, 1 a published file, 2 snarkjs
//! powersoftau verify) and phase-1 contribution count, the circuit hash, then each
//! contribution's hash, name and beacon; 2: the same record without the authentication byte,
//! read as not authenticated), the 32-byte architecture id, then the proving key (which
//! contains the verifying key) in arkworks' uncompressed canonical encoding (decompressing
//! tens of thousands of G2 points dominated loading). Loading decodes and validates each point
//! vector on all cores in one pass (points on the curve, in the subgroup where the verifier
//! uses them; see `read_proving_key`). Nothing may follow.

use crate::error::Error;
use crate::groth16::{KeyOrigin, Keys};
use crate::origin::{Beacon, CeremonyRecord, Contribution, PtauTrust};
use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, SerializationError, Valid};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::Path;
use zkmodel_prover::pcs::iden3::Cursor;

const MAGIC: &[u8; 24] = b"zkmodel/groth16-keys/v3\n";
/// Version 2 keys were made for arkworks' own QAP reduction; keys now use snarkjs's.
const MAGIC_V2: &[u8; 24] = b"zkmodel/groth16-keys/v2\n";
const WHAT: &str = "Groth16 key file";

fn format(reason: impl Into<String>) -> Error {
    Error::Format {
        what: WHAT,
        reason: reason.into(),
    }
}

fn hex(id: &[u8; 32]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

impl KeyOrigin {
    fn write(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let Some(r) = self.ceremony() else {
            out.push(1);
            return Ok(());
        };
        out.push(3);
        out.extend_from_slice(&r.ptau_blake2b);
        out.extend_from_slice(&r.ptau_power.to_le_bytes());
        out.push(match r.ptau_trust {
            PtauTrust::Unverified => 0,
            PtauTrust::Published => 1,
            PtauTrust::Verified => 2,
        });
        out.extend_from_slice(&r.ptau_contributions.to_le_bytes());
        out.extend_from_slice(&r.circuit_hash);
        let count =
            u32::try_from(r.contributions.len()).map_err(|_| format("too many contributions"))?;
        out.extend_from_slice(&count.to_le_bytes());
        for c in &r.contributions {
            out.extend_from_slice(&c.hash);
            let name =
                u16::try_from(c.name.len()).map_err(|_| format("contribution name too long"))?;
            out.extend_from_slice(&name.to_le_bytes());
            out.extend_from_slice(c.name.as_bytes());
            match &c.beacon {
                None => out.push(0),
                Some(b) => {
                    out.push(1);
                    out.push(u8::try_from(b.value.len()).map_err(|_| format("beacon too long"))?);
                    out.extend_from_slice(&b.value);
                    out.push(b.iterations_exp);
                }
            }
        }
        Ok(())
    }

    fn read(c: &mut Cursor<'_>) -> Result<Self, Error> {
        let hash = |c: &mut Cursor<'_>, name: &str| -> Result<[u8; 64], Error> {
            Ok(c.take(64, name)?.try_into().unwrap_or([0; 64]))
        };
        let byte = |c: &mut Cursor<'_>, name: &str| -> Result<u8, Error> {
            Ok(c.take(1, name)?.first().copied().unwrap_or_default())
        };
        match byte(c, "key origin")? {
            1 => Ok(KeyOrigin::InsecureSingleParty),
            // 2: a record written before Powers of Tau files were authenticated.
            kind @ (2 | 3) => {
                let ptau_blake2b = hash(c, "ptau hash")?;
                let ptau_power = c.u32("ptau power")?;
                let ptau_trust = match kind {
                    2 => PtauTrust::Unverified,
                    _ => match byte(c, "ptau trust")? {
                        0 => PtauTrust::Unverified,
                        1 => PtauTrust::Published,
                        2 => PtauTrust::Verified,
                        other => return Err(format(format!("unknown ptau trust {other}"))),
                    },
                };
                let ptau_contributions = c.u32("ptau contributions")?;
                let circuit_hash = hash(c, "circuit hash")?;
                let count = c.u32("contribution count")?;
                let contributions = (0..count)
                    .map(|_| {
                        let hash = hash(c, "contribution hash")?;
                        let len = u16::from_le_bytes(
                            c.take(2, "name length")?.try_into().unwrap_or_default(),
                        );
                        let name =
                            String::from_utf8_lossy(c.take(len.into(), "name")?).into_owned();
                        let beacon = match byte(c, "beacon flag")? {
                            0 => None,
                            1 => {
                                let len = byte(c, "beacon length")?;
                                let value = c.take(len.into(), "beacon")?.to_vec();
                                let iterations_exp = byte(c, "beacon iterations")?;
                                Some(Beacon {
                                    value,
                                    iterations_exp,
                                })
                            }
                            other => return Err(format(format!("unknown beacon flag {other}"))),
                        };
                        Ok(Contribution { name, hash, beacon })
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                Ok(KeyOrigin::Ceremony(Box::new(CeremonyRecord {
                    ptau_blake2b,
                    ptau_power,
                    ptau_trust,
                    ptau_contributions,
                    circuit_hash,
                    contributions,
                })))
            }
            other => Err(format(format!("unknown key origin {other}"))),
        }
    }
}

/// The checks of a proving key beyond its points' validity (which [`read_proving_key`] checks
/// point by point as it decodes them).
fn check_key(pk: &ProvingKey<Bn254>) -> Result<(), SerializationError> {
    pk.vk.check()?;
    // With γ₂ = δ₂ = O any inputs verify (A = α, B = β): a verifying key with an identity
    // point is no key.
    if pk.vk.alpha_g1.is_zero()
        || pk.vk.beta_g2.is_zero()
        || pk.vk.gamma_g2.is_zero()
        || pk.vk.delta_g2.is_zero()
    {
        return Err(SerializationError::InvalidData);
    }
    pk.beta_g1.check()?;
    pk.delta_g1.check()?;
    // The proving key's β and δ in G1 belong with the verifying key's in G2 (arkworks draws
    // its own generators G, H: β₁ = βG, δ₁ = δG, β₂ = βH, δ₂ = δH), so
    // e(β₁, δ₂) = e(δ₁, β₂). A proving key made for another verifying key is refused on load
    // instead of producing proofs that never verify.
    let lhs = Bn254::multi_pairing([pk.beta_g1, -pk.delta_g1], [pk.vk.delta_g2, pk.vk.beta_g2]);
    if lhs != PairingOutput::<Bn254>::default() {
        return Err(SerializationError::InvalidData);
    }
    Ok(())
}

/// One of the proving key's point vectors in arkworks' uncompressed encoding (a u64 length,
/// then fixed-size points), decoded and checked with `valid` in parallel: the points are most
/// of a key file, and decoding them one after another was most of its load time.
fn read_points<P: SWCurveConfig>(
    rest: &mut &[u8],
    valid: impl Fn(&Affine<P>) -> bool + Sync,
) -> Result<Vec<Affine<P>>, SerializationError> {
    let len = usize::try_from(u64::deserialize_uncompressed_unchecked(&mut *rest)?)
        .map_err(|_| SerializationError::InvalidData)?;
    let size = Affine::<P>::zero().uncompressed_size();
    let bytes = len
        .checked_mul(size)
        .filter(|n| *n <= rest.len())
        .ok_or(SerializationError::InvalidData)?;
    let (encoded, after) = rest.split_at(bytes);
    let mut points = vec![Affine::<P>::zero(); len];
    points
        .par_iter_mut()
        .zip(encoded.par_chunks_exact(size))
        .try_for_each(|(p, mut c)| {
            *p = Affine::<P>::deserialize_uncompressed_unchecked(&mut c)?;
            if valid(p) {
                Ok(())
            } else {
                Err(SerializationError::InvalidData)
            }
        })?;
    *rest = after;
    Ok(points)
}

/// A proving key in arkworks' uncompressed canonical encoding (the layout of
/// `ProvingKey::serialize_uncompressed`), every point validated: G1 points on the curve (the
/// whole curve is the group), G2 points on the twist and — for the few the verifying key
/// holds — in the subgroup. The B query's tens of thousands of G2 points skip the subgroup
/// check (a scalar multiplication each, most of a load's time): a proving key only shapes the
/// proofs its holder makes, a B outside the subgroup is refused by every verifier (EIP-197's
/// pairing precompile, the native one, the wrapped-proof file loader), and every wrap is
/// verified before it is written; a corrupted point is off the twist with overwhelming
/// probability.
fn read_proving_key(rest: &mut &[u8]) -> Result<ProvingKey<Bn254>, SerializationError> {
    let vk = VerifyingKey::<Bn254>::deserialize_uncompressed_unchecked(&mut *rest)?;
    let beta_g1 = G1Affine::deserialize_uncompressed_unchecked(&mut *rest)?;
    let delta_g1 = G1Affine::deserialize_uncompressed_unchecked(&mut *rest)?;
    let g1 = |p: &G1Affine| p.check().is_ok();
    let a_query = read_points(rest, g1)?;
    let b_g1_query = read_points(rest, g1)?;
    let b_g2_query = read_points(rest, G2Affine::is_on_curve)?;
    let h_query = read_points(rest, g1)?;
    let l_query = read_points(rest, g1)?;
    let pk = ProvingKey {
        vk,
        beta_g1,
        delta_g1,
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    };
    check_key(&pk)?;
    Ok(pk)
}

impl Keys {
    /// Writes the keys for the architecture with id `architecture`.
    pub fn write(&self, architecture: &[u8; 32], w: &mut impl Write) -> Result<(), Error> {
        let io = |e: std::io::Error| format(format!("write failed: {e}"));
        w.write_all(MAGIC).map_err(io)?;
        let mut origin = Vec::new();
        self.origin.write(&mut origin)?;
        w.write_all(&origin).map_err(io)?;
        w.write_all(architecture).map_err(io)?;
        self.pk
            .serialize_uncompressed(&mut *w)
            .map_err(|e| format(format!("encoding the proving key: {e}")))
    }

    /// The origin and architecture id a key file's header records, without decoding the
    /// keys (what `zkmodel inspect` shows).
    pub fn peek(bytes: &[u8]) -> Result<(KeyOrigin, [u8; 32]), Error> {
        let (origin, id, _) = Self::header(bytes)?;
        Ok((origin, *id))
    }

    fn header(bytes: &[u8]) -> Result<(KeyOrigin, &[u8; 32], &[u8]), Error> {
        if bytes.starts_with(MAGIC_V2) {
            return Err(format(
                "a version 2 key file, made for another QAP reduction than this zkmodel \
                 proves with: generate the keys again (`zkmodel setup`, or import the \
                 ceremony's zkey with `zkmodel ceremony finalize`)",
            ));
        }
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| format("not a zkmodel Groth16 key file (bad header)"))?;
        let mut c = Cursor::new(rest, WHAT);
        let origin = KeyOrigin::read(&mut c)?;
        let rest = c.take(c.remaining(), "keys")?;
        let (id, rest) = rest
            .split_first_chunk::<32>()
            .ok_or_else(|| format("truncated before the architecture id"))?;
        Ok((origin, id, rest))
    }

    /// Reads keys, refusing a file for another architecture than `architecture`.
    pub fn read(architecture: &[u8; 32], r: &mut impl Read) -> Result<Self, Error> {
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes)
            .map_err(|e| format(format!("read failed: {e}")))?;
        Self::decode(architecture, &bytes)
    }

    /// Decodes a key file's bytes (see [`Keys::read`]).
    fn decode(architecture: &[u8; 32], bytes: &[u8]) -> Result<Self, Error> {
        let (origin, id, mut rest) = Self::header(bytes)?;
        if id != architecture {
            return Err(format(format!(
                "keys for architecture 0x{} where 0x{} is expected: generate keys for this \
                 architecture",
                hex(id),
                hex(architecture)
            )));
        }
        let pk =
            read_proving_key(&mut rest).map_err(|e| format(format!("corrupt proving key: {e}")))?;
        if !rest.is_empty() {
            return Err(format(format!(
                "{} unexpected bytes after the proving key",
                rest.len()
            )));
        }
        Ok(Keys {
            origin,
            vk: pk.vk.clone(),
            pk,
        })
    }

    /// Saves the keys to `path` (see the module doc for the layout).
    pub fn save(&self, architecture: &[u8; 32], path: &Path) -> Result<(), Error> {
        let mut bytes = Vec::new();
        self.write(architecture, &mut bytes)?;
        // Atomic (temporary file, sync, rename): a crash or a full disk never leaves a
        // truncated key file under the final name.
        Ok(zkmodel_prover::artifact::write_file(
            path,
            &bytes,
            zkmodel_prover::artifact::Access::Public,
            WHAT,
        )?)
    }

    /// Loads keys from `path` for the architecture with id `architecture`.
    pub fn load(architecture: &[u8; 32], path: &Path) -> Result<Self, Error> {
        // One read of the whole file (its size known): tens of MB.
        let bytes = std::fs::read(path)
            .map_err(|e| format(format!("cannot read {}: {e}", path.display())))?;
        Self::decode(architecture, &bytes)
    }
}
