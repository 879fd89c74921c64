//! Groth16 key files: keys are generated once per architecture, saved, and loaded by whoever
//! proves. A file binds the keys to their architecture id and records their origin, so keys of
//! one architecture are never used for another and development keys stay labelled as such.
//!
//! Layout: the magic line `zkmodel/groth16-keys/v2\n`, one origin byte (1: INSECURE
//! single-party development setup), the 32-byte architecture id, then the proving key (which
//! contains the verifying key) in arkworks' uncompressed canonical encoding (decompressing
//! tens of thousands of G2 points dominated loading), validated on load on all cores (points on
//! the curve and in the subgroup). Nothing may follow.

use crate::error::Error;
use crate::groth16::{KeyOrigin, Keys};
use ark_bn254::Bn254;
use ark_groth16::ProvingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use std::io::{Read, Write};
use std::path::Path;

const MAGIC: &[u8; 24] = b"zkmodel/groth16-keys/v2\n";
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
    fn tag(&self) -> u8 {
        match self {
            KeyOrigin::InsecureSingleParty => 1,
        }
    }

    fn from_tag(tag: u8) -> Result<Self, Error> {
        match tag {
            1 => Ok(KeyOrigin::InsecureSingleParty),
            other => Err(format(format!("unknown key origin {other}"))),
        }
    }
}

/// Validates a loaded key on all cores: the verifying key in full (on the curve and in the
/// prime-order subgroup), every G1 point of the proving key in full (BN254's G1 has cofactor
/// 1: on the curve is in the group), and the proving key's G2 points on the twist. Their G2
/// subgroup check — a scalar multiplication each, 80% of loading time — is skipped: a proving
/// key can only shape the proofs its holder makes, and a B outside the subgroup is rejected
/// by every verifier that reads it (EIP-197's pairing precompile; the wrapped-proof file loader
/// validates it), so it cannot make anything verify; `zkmodel wrap` verifies what it made; a corrupted point is off the twist with overwhelming probability.
fn check_points(pk: &ProvingKey<Bn254>) -> Result<(), ark_serialize::SerializationError> {
    use ark_serialize::{SerializationError, Valid};
    use rayon::prelude::*;
    pk.vk.check()?;
    // With γ₂ = δ₂ = O any inputs verify (A = α, B = β): a verifying key with an identity
    // point is no key.
    use ark_ec::AffineRepr;
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
    {
        use ark_ec::pairing::{Pairing, PairingOutput};
        let lhs = Bn254::multi_pairing([pk.beta_g1, -pk.delta_g1], [pk.vk.delta_g2, pk.vk.beta_g2]);
        if lhs != PairingOutput::<Bn254>::default() {
            return Err(SerializationError::InvalidData);
        }
    }
    for query in [&pk.a_query, &pk.b_g1_query, &pk.h_query, &pk.l_query] {
        query.par_iter().try_for_each(Valid::check)?;
    }
    pk.b_g2_query.par_iter().try_for_each(|p| {
        if p.is_on_curve() {
            Ok(())
        } else {
            Err(SerializationError::InvalidData)
        }
    })
}

impl Keys {
    /// Writes the keys for the architecture with id `architecture`.
    pub fn write(&self, architecture: &[u8; 32], w: &mut impl Write) -> Result<(), Error> {
        let io = |e: std::io::Error| format(format!("write failed: {e}"));
        w.write_all(MAGIC).map_err(io)?;
        w.write_all(&[self.origin.tag()]).map_err(io)?;
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
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| format("not a zkmodel Groth16 key file (bad header)"))?;
        let (&tag, rest) = rest
            .split_first()
            .ok_or_else(|| format("truncated before the key origin"))?;
        let origin = KeyOrigin::from_tag(tag)?;
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
        let (origin, id, mut rest) = Self::header(&bytes)?;
        if id != architecture {
            return Err(format(format!(
                "keys for architecture 0x{} where 0x{} is expected: generate keys for this \
                 architecture",
                hex(id),
                hex(architecture)
            )));
        }
        let pk = ProvingKey::<Bn254>::deserialize_uncompressed_unchecked(&mut rest)
            .map_err(|e| format(format!("corrupt proving key: {e}")))?;
        check_points(&pk).map_err(|e| format(format!("corrupt proving key: {e}")))?;
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
        let file = std::fs::File::open(path)
            .map_err(|e| format(format!("cannot open {}: {e}", path.display())))?;
        Self::read(architecture, &mut std::io::BufReader::new(file))
    }
}
