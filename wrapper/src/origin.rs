//! Where Groth16 keys come from, recorded with the keys, in the rendered verifier and in the
//! CLI's output.
//!
//! In this marketplace the seller is the prover, and whoever knows a Groth16 key's toxic waste
//! (τ, α, β, γ, δ) can forge proofs for its circuit. Keys from the single-party development
//! setup are therefore good for tests and local chains only. Keys from a phase-2 ceremony are
//! sound as long as **one** contributor destroyed their secret and the Powers of Tau the
//! ceremony started from had one honest participant too: the record names the Powers-of-Tau
//! file (its blake2b-512, which the public ceremonies publish), the circuit (snarkjs's circuit
//! hash) and every contribution's hash, so anyone can check the chain with `snarkjs zkey
//! verify` and contributors can find their own.
//!
//! The record is self-reported wherever it travels — a key file, a verifier's header or its
//! `keyOrigin()`: whoever holds keys can write any record next to them. What proves it is the
//! published final zkey and Powers of Tau: `zkmodel ceremony verify --keys <file>` checks
//! that a key file holds exactly the keys that zkey verifies to, and a buyer compares a
//! deployed verifier's code hash with the one `export-verifier` renders from those keys. A
//! Powers of Tau's phase-1 contribution count (which marks development files) is likewise only
//! as good as the file: use a public one whose hash is published.

use std::fmt;

/// How a key pair was produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// INSECURE: one party generated the keys and could forge proofs. Development only.
    InsecureSingleParty,
    /// A multi-party phase-2 ceremony (snarkjs) over a public Powers of Tau.
    Ceremony(Box<CeremonyRecord>),
}

/// What a phase-2 ceremony's final key records about its making.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CeremonyRecord {
    /// blake2b-512 of the Powers-of-Tau file the ceremony started from.
    pub ptau_blake2b: [u8; 64],
    /// That file's power (it holds 2^power G2 powers).
    pub ptau_power: u32,
    /// How that file was authenticated when the keys were imported.
    pub ptau_trust: PtauTrust,
    /// The phase-1 contributions with a secret that file records (random beacons excluded:
    /// their τ, α and β follow from public values). Zero marks a file nobody randomised in a
    /// ceremony (e.g. the INSECURE development Powers of Tau, or beacons only): anyone may know
    /// τ, α and β, and with snarkjs's γ = 1 knowing β is enough to forge without δ — such keys
    /// count as development keys whatever the phase-2 contributions.
    pub ptau_contributions: u32,
    /// snarkjs's circuit hash of the initial key (`zkey verify` prints it).
    pub circuit_hash: [u8; 64],
    /// Contributions in order, the beacon (if any) last.
    pub contributions: Vec<Contribution>,
}

impl CeremonyRecord {
    /// Whether any phase-2 contribution drew a secret: a beacon's δ follows from public values,
    /// so a ceremony of beacons alone leaves δ known to anyone and its keys forgeable.
    pub fn has_secret_contribution(&self) -> bool {
        self.contributions.iter().any(|c| c.beacon.is_none())
    }
}

/// How the Powers of Tau a ceremony started from was authenticated (see
/// [`crate::ceremony::ptau_trust`]): only an authenticated file's τ, α and β are the ones its
/// phase-1 contributions made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PtauTrust {
    /// Byte for byte a published Perpetual Powers of Tau file (its blake2b-512 is pinned).
    Published,
    /// `snarkjs powersoftau verify` accepted it.
    Verified,
    /// Not authenticated: a development file that records no contribution, or keys imported
    /// before zkmodel authenticated Powers of Tau files. Such keys are development keys.
    Unverified,
}

/// One phase-2 contribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// The name the contributor gave (may be empty).
    pub name: String,
    /// snarkjs's contribution hash (blake2b-512 of the contribution's public key and
    /// transcript), as `zkey contribute` and `zkey verify` print it.
    pub hash: [u8; 64],
    /// For a beacon: the public random value and the iteration exponent.
    pub beacon: Option<Beacon>,
}

/// A random beacon applied as the last contribution: a public value nobody controlled
/// (e.g. a future block hash), hashed 2^iterations_exp times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beacon {
    /// The beacon value.
    pub value: Vec<u8>,
    /// log₂ of the hash iterations.
    pub iterations_exp: u8,
}

impl KeyOrigin {
    /// Whether these are INSECURE development keys (whoever made them can forge proofs):
    /// refused off local development chains.
    pub fn is_development(&self) -> bool {
        match self {
            KeyOrigin::InsecureSingleParty => true,
            KeyOrigin::Ceremony(r) => {
                r.ptau_contributions == 0
                    || r.ptau_trust == PtauTrust::Unverified
                    || !r.has_secret_contribution()
            }
        }
    }

    /// What the rendered verifier's `keyOrigin()` returns as the ceremony's digest:
    /// keccak256(ptau blake2b ‖ circuit hash ‖ each contribution hash, in order) — anyone can
    /// recompute it from the published final zkey and Powers of Tau (`zkmodel ceremony
    /// verify`); zero for development keys.
    pub fn digest(&self) -> [u8; 32] {
        let Some(r) = self.ceremony() else {
            return [0; 32];
        };
        let mut parts: Vec<&[u8]> = vec![&r.ptau_blake2b, &r.circuit_hash];
        parts.extend(r.contributions.iter().map(|c| c.hash.as_slice()));
        zkmodel_prover::field::encoding::keccak256(&parts)
    }

    /// Comment lines for the rendered verifier's header: the origin, then for a ceremony each
    /// contribution's name and hash.
    pub fn header_lines(&self) -> Vec<String> {
        let mut lines = vec![self.to_string()];
        if let Some(r) = self.ceremony() {
            for (i, c) in r.contributions.iter().enumerate() {
                let kind = match &c.beacon {
                    Some(b) => format!(
                        "beacon 0x{} (2^{} iterations)",
                        hex(&b.value),
                        b.iterations_exp
                    ),
                    None => "contribution".into(),
                };
                lines.push(format!(
                    "  #{} {kind} {:?}: {}",
                    i + 1,
                    c.name,
                    hex(&c.hash)
                ));
            }
            lines.push(format!("  ceremony digest: 0x{}", hex(&self.digest())));
        }
        lines
    }

    /// The ceremony record, for ceremony keys.
    pub fn ceremony(&self) -> Option<&CeremonyRecord> {
        match self {
            KeyOrigin::InsecureSingleParty => None,
            KeyOrigin::Ceremony(record) => Some(record),
        }
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyOrigin::InsecureSingleParty => write!(
                f,
                "INSECURE single-party development Groth16 setup (the key generator can forge proofs)"
            ),
            KeyOrigin::Ceremony(r) => {
                let n = r.contributions.len();
                let beacon = match r.contributions.iter().position(|c| c.beacon.is_some()) {
                    None => " (no beacon)".to_string(),
                    Some(i) if i + 1 == n => ", the last a random beacon".to_string(),
                    Some(i) => format!(
                        ", #{} a random beacon followed by {} more (not beacon-bound)",
                        i + 1,
                        n - i - 1
                    ),
                };
                if r.ptau_contributions == 0 {
                    write!(
                        f,
                        "INSECURE: phase-2 ceremony over a Powers of Tau that records no \
                         contribution with a secret (a development file, or beacons only: its \
                         τ, α and β may be known, and anyone who knows them can forge); "
                    )?;
                }
                if r.ptau_trust == PtauTrust::Unverified && r.ptau_contributions > 0 {
                    write!(
                        f,
                        "INSECURE: over a Powers of Tau nobody authenticated (neither a \
                         published file nor checked by snarkjs powersoftau verify); "
                    )?;
                }
                if !r.has_secret_contribution() {
                    write!(
                        f,
                        "INSECURE: no secret contribution (a beacon's δ follows from public \
                         values: anyone can forge); "
                    )?;
                }
                write!(
                    f,
                    "multi-party phase-2 ceremony: {n} contribution(s){beacon}, over the Powers \
                     of Tau with blake2b {} (power {}, {} secret phase-1 contributions, {}); circuit \
                     hash {}",
                    hex(&r.ptau_blake2b),
                    r.ptau_power,
                    r.ptau_contributions,
                    match r.ptau_trust {
                        PtauTrust::Published => "a published Perpetual Powers of Tau file",
                        PtauTrust::Verified => "verified by snarkjs powersoftau verify",
                        PtauTrust::Unverified => "not authenticated",
                    },
                    hex(&r.circuit_hash)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ptau_contributions: u32, beacons: &[bool]) -> KeyOrigin {
        KeyOrigin::Ceremony(Box::new(CeremonyRecord {
            ptau_blake2b: [1; 64],
            ptau_power: 17,
            ptau_trust: PtauTrust::Published,
            ptau_contributions,
            circuit_hash: [2; 64],
            contributions: beacons
                .iter()
                .map(|&b| Contribution {
                    name: String::new(),
                    hash: [3; 64],
                    beacon: b.then(|| Beacon {
                        value: vec![4; 32],
                        iterations_exp: 10,
                    }),
                })
                .collect(),
        }))
    }

    /// Keys count as development keys when anyone may know the secret: a single party made
    /// them, the Powers of Tau records no contribution or was never authenticated, or no
    /// phase-2 contribution drew one.
    #[test]
    fn only_a_secret_contribution_over_a_contributed_ptau_makes_keys_non_development() {
        assert!(KeyOrigin::InsecureSingleParty.is_development());
        assert!(!record(71, &[false, true]).is_development());
        assert!(!record(71, &[false]).is_development());
        assert!(record(0, &[false, true]).is_development());
        let beacons_only = record(71, &[true, true]);
        assert!(beacons_only.is_development());
        assert!(
            beacons_only
                .to_string()
                .contains("INSECURE: no secret contribution")
        );
        assert!(!record(71, &[false, true]).to_string().contains("INSECURE"));
        let KeyOrigin::Ceremony(mut unauthenticated) = record(71, &[false, true]) else {
            unreachable!()
        };
        unauthenticated.ptau_trust = PtauTrust::Unverified;
        let unauthenticated = KeyOrigin::Ceremony(unauthenticated);
        assert!(unauthenticated.is_development());
        assert!(unauthenticated.to_string().contains("nobody authenticated"));
    }
}
