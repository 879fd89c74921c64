//! Groth16 keys the seller cannot subvert: a multi-party phase-2 ceremony over a public
//! Powers of Tau, run with snarkjs, its final key imported into arkworks.
//!
//! The flow (each step a function here, each a `zkmodel ceremony` command):
//! 1. [`new`]: the coordinator exports the architecture's circuit as an iden3 `.r1cs`
//!    ([`crate::r1cs`]) and runs `snarkjs groth16 setup` over a prepared Powers-of-Tau file:
//!    the initial key, whose δ is 1.
//! 2. [`Snarkjs::contribute`]: each participant in turn multiplies δ by a secret they then
//!    forget (`snarkjs zkey contribute`), on their own machine; the zkey records the
//!    contribution's public key and a proof of knowledge of the secret.
//! 3. [`Snarkjs::beacon`] (optional): a last contribution whose secret is derived from a
//!    public random value nobody controlled in advance (a future block hash).
//! 4. [`finalize`]: `snarkjs zkey verify` recomputes the key from the `.r1cs` and the Powers of
//!    Tau and checks every contribution's proof; then [`import::import`] checks the key
//!    against the architecture's circuit natively and records its provenance
//!    ([`KeyOrigin::Ceremony`](crate::origin::KeyOrigin)).
//!
//! Trust: the keys are sound if **one** phase-2 contributor destroyed their secret and the
//! Powers of Tau had one honest participant. Everything else — the coordinator, the other
//! contributors, the file transfers — is checked, not trusted. The Powers of Tau must be
//! public (e.g. the Perpetual Powers of Tau `powersOfTau28_hez_final_<k>.ptau`, whose
//! blake2b-512 hashes snarkjs's README lists); the KZG SRS should be imported from the same
//! file (`zkmodel srs import`), and the architecture id binds that SRS.
//!
//! The proving side uses snarkjs's QAP reduction ([`crate::qap`]), as every key here does.

pub mod import;
pub mod ptau_trust;
pub mod zkey;

pub use import::import;

use crate::error::Error;
use crate::groth16::{Keys, WrappedProof};
use crate::r1cs::{R1csSummary, synthesize, write_r1cs};
use crate::wrap::placeholder;
use std::path::{Path, PathBuf};
use std::process::Command;
use zkmodel_prover::proof::statement::Statement;

/// The snarkjs command line (the npm package `make tools` installs).
#[derive(Clone, Debug)]
pub struct Snarkjs {
    program: PathBuf,
}

impl Snarkjs {
    /// snarkjs at `program`.
    pub fn at(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
        }
    }

    /// snarkjs from `ZKMODEL_SNARKJS`, else `snarkjs` on the PATH. Never a copy found under
    /// the current directory: a ceremony's files are often unpacked from someone else's
    /// bundle, and a planted `node_modules/.bin/snarkjs` would run with the contributor's
    /// secret.
    pub fn locate() -> Self {
        Self::at(std::env::var_os("ZKMODEL_SNARKJS").unwrap_or_else(|| "snarkjs".into()))
    }

    fn run(&self, command: &str, args: &[&std::ffi::OsStr]) -> Result<String, Error> {
        let mut cmd = Command::new(&self.program);
        cmd.args(command.split(' ')).args(args);
        let out = cmd.output().map_err(|e| Error::Snarkjs {
            command: command.into(),
            output: format!(
                "cannot run {}: {e} (install it with `make tools`, or set ZKMODEL_SNARKJS)",
                self.program.display()
            ),
        })?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        // snarkjs reports some failures only in its log, with exit status 0.
        let failed = !out.status.success() || text.contains("[ERROR]");
        if failed {
            let tail: Vec<&str> = text.lines().rev().take(12).collect();
            return Err(Error::Snarkjs {
                command: command.into(),
                output: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
            });
        }
        Ok(text)
    }

    /// `groth16 setup`: the initial key of the circuit `r1cs` over the prepared `ptau`.
    pub fn setup(&self, r1cs: &Path, ptau: &Path, zkey: &Path) -> Result<(), Error> {
        self.run(
            "groth16 setup",
            &[r1cs.as_os_str(), ptau.as_os_str(), zkey.as_os_str()],
        )
        .map(drop)
    }

    /// `zkey contribute`: `output` is `input` with one more contribution, named `name`, its
    /// secret drawn by snarkjs from its own randomness mixed with `entropy`.
    pub fn contribute(
        &self,
        input: &Path,
        output: &Path,
        name: &str,
        entropy: &str,
    ) -> Result<(), Error> {
        self.run(
            "zkey contribute",
            &[
                input.as_os_str(),
                output.as_os_str(),
                format!("--name={name}").as_ref(),
                format!("-e={entropy}").as_ref(),
            ],
        )
        .map(drop)
    }

    /// `zkey beacon`: the last contribution, from the public random `beacon` (hex), hashed
    /// 2^`iterations_exp` times.
    pub fn beacon(
        &self,
        input: &Path,
        output: &Path,
        name: &str,
        beacon: &str,
        iterations_exp: u8,
    ) -> Result<(), Error> {
        self.run(
            "zkey beacon",
            &[
                input.as_os_str(),
                output.as_os_str(),
                beacon.as_ref(),
                iterations_exp.to_string().as_ref(),
                format!("-n={name}").as_ref(),
            ],
        )
        .map(drop)
    }

    /// `zkey export verificationkey`: the key's verifying key as snarkjs's JSON.
    pub fn export_verification_key(&self, zkey: &Path, json: &Path) -> Result<(), Error> {
        self.run(
            "zkey export verificationkey",
            &[zkey.as_os_str(), json.as_os_str()],
        )
        .map(drop)
    }

    /// `groth16 verify`: snarkjs's own verdict on a Groth16 proof ([`snarkjs_json`]).
    pub fn groth16_verify(&self, vk: &Path, public: &Path, proof: &Path) -> Result<(), Error> {
        let text = self.run(
            "groth16 verify",
            &[vk.as_os_str(), public.as_os_str(), proof.as_os_str()],
        )?;
        if text.contains("OK!") {
            Ok(())
        } else {
            Err(Error::Snarkjs {
                command: "groth16 verify".into(),
                output: text,
            })
        }
    }

    /// `zkey verify r1cs`: the key is the circuit's at the Powers of Tau's τ (snarkjs makes
    /// the initial key again from the `.r1cs`) and every contribution's proof holds. Returns
    /// snarkjs's report.
    pub fn verify(&self, r1cs: &Path, ptau: &Path, zkey: &Path) -> Result<String, Error> {
        self.verified("zkv", "zkey verify r1cs", r1cs, ptau, zkey)
    }

    /// `zkey verify init`: like [`Snarkjs::verify`] against an initial key already checked
    /// (its circuit hash is the one `verify` reports) — seconds instead of a new setup.
    pub fn verify_from_initial(
        &self,
        initial: &Path,
        ptau: &Path,
        zkey: &Path,
    ) -> Result<String, Error> {
        self.verified("zkvi", "zkey verify init", initial, ptau, zkey)
    }

    /// Runs the verification `alias` (snarkjs's short name; `command` is the long one).
    fn verified(
        &self,
        alias: &str,
        command: &str,
        from: &Path,
        ptau: &Path,
        zkey: &Path,
    ) -> Result<String, Error> {
        let text = self.run(
            alias,
            &[from.as_os_str(), ptau.as_os_str(), zkey.as_os_str()],
        )?;
        if text.contains("ZKey Ok!") {
            Ok(text)
        } else {
            Err(Error::Snarkjs {
                command: command.into(),
                output: text,
            })
        }
    }
}

/// A wrapped proof's Groth16 part in snarkjs's JSON: the public signals (s0, d₁, d₂, β, α, ζ,
/// γ, y_ζ, y_ι, then the statement's public words, as decimal strings) and the proof (`pi_a`, `pi_b`,
/// `pi_c` in projective form with z = 1), for `snarkjs groth16 verify`.
pub fn snarkjs_json(
    proof: &WrappedProof,
    architecture: &[u8; 32],
) -> (serde_json::Value, serde_json::Value) {
    use ark_ec::AffineRepr;
    let dec = |v: &dyn std::fmt::Display| v.to_string();
    let public: Vec<String> = proof
        .groth16_inputs(architecture)
        .iter()
        .map(|v| dec(&ark_ff::PrimeField::into_bigint(*v)))
        .collect();
    let g = &proof.groth16;
    let g1 = |p: &ark_bn254::G1Affine| {
        let (x, y) = p.xy().unwrap_or_default();
        serde_json::json!([dec(&x), dec(&y), "1"])
    };
    let (bx, by) = g.b.xy().unwrap_or_default();
    let body = serde_json::json!({
        "pi_a": g1(&g.a),
        "pi_b": [[dec(&bx.c0), dec(&bx.c1)], [dec(&by.c0), dec(&by.c1)], ["1", "0"]],
        "pi_c": g1(&g.c),
        "protocol": "groth16",
        "curve": "bn128",
    });
    (serde_json::json!(public), body)
}

/// Writes the architecture's circuit as an iden3 `.r1cs` file.
pub fn export_r1cs<S: Statement>(arch: &S, path: &Path) -> Result<R1csSummary, Error> {
    let cs = synthesize(placeholder(arch)?, false)?;
    let mut bytes = Vec::new();
    let summary = write_r1cs(&cs, &mut bytes)?;
    std::fs::write(path, bytes).map_err(|e| Error::Format {
        what: "r1cs export",
        reason: format!("cannot write {}: {e}", path.display()),
    })?;
    Ok(summary)
}

/// Starts a ceremony: writes the circuit to `r1cs` and the initial key to `zkey`, after
/// checking that the Powers of Tau is prepared for phase 2 and large enough for the circuit.
pub fn new<S: Statement>(
    snarkjs: &Snarkjs,
    arch: &S,
    ptau: &Path,
    r1cs: &Path,
    zkey: &Path,
) -> Result<R1csSummary, Error> {
    let summary = export_r1cs(arch, r1cs)?;
    let bytes = read(ptau, "ptau file")?;
    let header = zkmodel_prover::pcs::ptau::parse(&bytes)?;
    let power = required_power(&summary);
    if header.power < power {
        return Err(Error::CeremonyMismatch {
            check: "the circuit's size",
            expected: format!(
                "a Powers of Tau of power ≥ {power} ({} constraints + {} public inputs)",
                summary.constraints, summary.public_inputs
            ),
            actual: format!("power {}", header.power),
        });
    }
    if !header.prepared() {
        return Err(Error::CeremonyMismatch {
            check: "phase 2",
            expected: "a prepared Powers of Tau (`snarkjs powersoftau prepare phase2`)".into(),
            actual: "an unprepared one".into(),
        });
    }
    snarkjs.setup(r1cs, ptau, zkey)?;
    Ok(summary)
}

/// The Powers-of-Tau power a circuit's phase 2 needs: its QAP domain holds the constraints,
/// the public inputs and the constant one.
pub fn required_power(summary: &R1csSummary) -> u32 {
    (summary.constraints + summary.public_inputs + 1)
        .next_power_of_two()
        .trailing_zeros()
}

fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Format {
        what,
        reason: format!("cannot read {}: {e}", path.display()),
    })
}

/// snarkjs's `zkey verify r1cs` verdict on exact bytes: the blake2b-512 of the Powers of Tau
/// and of the zkey it accepted against an architecture's circuit. [`import`] requires it for
/// the bytes it imports, so nothing reaches [`KeyOrigin::Ceremony`](crate::origin::KeyOrigin)
/// unverified, and a file swapped after verification is refused.
#[derive(Clone, Debug)]
pub struct Verified {
    ptau: [u8; 64],
    zkey: [u8; 64],
    /// blake2b-512 of the `.r1cs` snarkjs verified against: binds the verdict to one circuit
    /// (`None` only for [`Verified::assumed_for_tests`]).
    r1cs: Option<[u8; 64]>,
    /// How the Powers of Tau was authenticated.
    ptau_trust: crate::origin::PtauTrust,
    /// What `snarkjs zkey verify` printed (the circuit hash and every contribution's hash).
    pub report: String,
}

fn blake2b(bytes: &[u8]) -> [u8; 64] {
    use blake2::Digest;
    blake2::Blake2b512::digest(bytes).into()
}

impl Verified {
    fn covers(&self, ptau: &[u8], zkey: &[u8]) -> Result<(), Error> {
        if blake2b(ptau) != self.ptau {
            return Err(Error::CeremonyMismatch {
                check: "the Powers of Tau snarkjs verified it against",
                expected: crate::origin::hex(&self.ptau),
                actual: crate::origin::hex(&blake2b(ptau)),
            });
        }
        if blake2b(zkey) != self.zkey {
            return Err(Error::CeremonyMismatch {
                check: "the zkey snarkjs verified",
                expected: crate::origin::hex(&self.zkey),
                actual: crate::origin::hex(&blake2b(zkey)),
            });
        }
        Ok(())
    }

    /// TEST ONLY: a verdict snarkjs never gave, for no circuit in particular over an
    /// unauthenticated Powers of Tau, to reach import's own checks directly.
    #[cfg(feature = "dev-fixtures")]
    pub fn assumed_for_tests(ptau: &[u8], zkey: &[u8]) -> Self {
        Self {
            ptau: blake2b(ptau),
            zkey: blake2b(zkey),
            r1cs: None,
            ptau_trust: crate::origin::PtauTrust::Unverified,
            report: String::new(),
        }
    }

    /// How the Powers of Tau was authenticated.
    pub fn ptau_trust(&self) -> crate::origin::PtauTrust {
        self.ptau_trust
    }
}

fn io(e: impl std::fmt::Display) -> Error {
    Error::Format {
        what: "ceremony files",
        reason: e.to_string(),
    }
}

/// Authenticates the Powers of Tau ([`ptau_trust::authenticate`]: a published file, or
/// `snarkjs powersoftau verify`), then runs `snarkjs zkey verify r1cs` on these bytes (copied
/// to a private temporary directory, with the architecture's circuit exported afresh — not
/// taken from the coordinator), which recomputes the initial key: as long as `new` took.
pub fn verify<S: Statement>(
    snarkjs: &Snarkjs,
    arch: &S,
    ptau: &[u8],
    zkey: &[u8],
) -> Result<Verified, Error> {
    let dir = tempfile::tempdir().map_err(io)?;
    let (r1cs, ptau_path, zkey_path) = (
        dir.path().join("circuit.r1cs"),
        dir.path().join("pot.ptau"),
        dir.path().join("final.zkey"),
    );
    export_r1cs(arch, &r1cs)?;
    std::fs::write(&ptau_path, ptau).map_err(io)?;
    std::fs::write(&zkey_path, zkey).map_err(io)?;
    let ptau_trust = ptau_trust::authenticate(snarkjs, ptau, &ptau_path)?;
    let report = snarkjs.verify(&r1cs, &ptau_path, &zkey_path)?;
    Ok(Verified {
        ptau: blake2b(ptau),
        zkey: blake2b(zkey),
        r1cs: Some(blake2b(&std::fs::read(&r1cs).map_err(io)?)),
        ptau_trust,
        report,
    })
}

/// A finalized ceremony: the imported keys and snarkjs's verification report (the circuit
/// hash and every contribution's hash, for participants to find theirs).
pub struct Finalized {
    /// The keys, with their [`KeyOrigin::Ceremony`](crate::origin::KeyOrigin) record.
    pub keys: Keys,
    /// What `snarkjs zkey verify` printed.
    pub report: String,
}

/// Ends a ceremony: reads the Powers of Tau and the final zkey once, has snarkjs verify those
/// bytes ([`verify`]), then imports them ([`import`]).
pub fn finalize<S: Statement>(
    snarkjs: &Snarkjs,
    arch: &S,
    ptau: &Path,
    zkey: &Path,
) -> Result<Finalized, Error> {
    let (ptau, zkey) = (read(ptau, "ptau file")?, read(zkey, "zkey file")?);
    let verified = verify(snarkjs, arch, &ptau, &zkey)?;
    let keys = import(arch, &ptau, &zkey, &verified)?;
    Ok(Finalized {
        keys,
        report: verified.report,
    })
}
