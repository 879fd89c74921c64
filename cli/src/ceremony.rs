//! `zkmodel ceremony`: Groth16 keys from a multi-party phase-2 ceremony (snarkjs) over a
//! public Powers of Tau — the keys a buyer can trust, unlike `zkmodel setup --insecure-dev`.
//! Thin over `zkmodel_wrapper::ceremony`.

use crate::Output;
use crate::common::{hex, load_arch, load_srs, step};
use anyhow::{Context, Result, bail};
use rand::RngCore;
use std::path::{Path, PathBuf};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::architecture::Architecture;
use zkmodel_wrapper::ceremony::{Snarkjs, zkey};
use zkmodel_wrapper::files::{ceremony_keys, ceremony_new};
use zkmodel_wrapper::groth16::Keys;
use zkmodel_wrapper::origin::KeyOrigin;

/// Run a multi-party phase-2 Groth16 ceremony for an architecture (snarkjs underneath).
///
/// The keys are sound if ONE contributor destroyed their secret and the Powers of Tau was
/// honest: the coordinator runs `new`, each participant `contribute`s in turn on their own
/// machine and passes the file on, optionally a `beacon` ends it, and `finalize` verifies the
/// whole chain against the architecture's circuit and writes the keys. Anyone can re-check a
/// published final zkey with `verify`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example (three parties and a beacon):
  zkmodel ceremony new --arch inference.arch.json --srs srs.bin --ptau pot17.ptau -o c0.zkey
  zkmodel ceremony contribute c0.zkey c1.zkey --name alice      # on alice's machine
  zkmodel ceremony contribute c1.zkey c2.zkey --name bob        # on bob's machine
  zkmodel ceremony beacon c2.zkey final.zkey --beacon <block hash>
  zkmodel ceremony finalize --arch inference.arch.json --srs srs.bin --ptau pot17.ptau --zkey final.zkey -o inference.keys")]
pub struct Args {
    /// The snarkjs executable (default: $ZKMODEL_SNARKJS, else snarkjs on the PATH; never a
    /// copy under the current directory). `make tools` installs it as
    /// node_modules/.bin/snarkjs in the checkout.
    #[arg(long, global = true)]
    snarkjs: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    New(NewArgs),
    Contribute(ContributeArgs),
    Beacon(BeaconArgs),
    Verify(VerifyArgs),
    Finalize(FinalizeArgs),
    DevPtau(DevPtauArgs),
}

/// Start a ceremony: export the architecture's circuit (.r1cs) and make the initial key.
///
/// The Powers of Tau must be prepared for phase 2 and large enough (the command says which
/// power the circuit needs), and must be the file the SRS was imported from (`zkmodel srs
/// --ptau`): the architecture id binds that SRS.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel ceremony new --arch inference.arch.json --srs srs.bin --ptau powersOfTau28_hez_final_17.ptau -o c0.zkey"
)]
struct NewArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Where to write the circuit (default: next to the key, `.r1cs`).
    #[arg(long)]
    r1cs: Option<PathBuf>,
    /// Where to write the initial key.
    #[arg(short, long, default_value = "c0.zkey")]
    output: PathBuf,
}

/// Add a contribution: a secret drawn from snarkjs's randomness mixed with --entropy (by
/// default 32 bytes from the OS), used once and forgotten.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  zkmodel ceremony contribute c1.zkey c2.zkey --name bob")]
struct ContributeArgs {
    /// The key so far.
    input: PathBuf,
    /// The key with this contribution.
    output: PathBuf,
    /// Your name, recorded in the key (not authenticated: publish your contribution hash).
    #[arg(long)]
    name: String,
    /// Extra entropy (default: fresh randomness from the OS).
    #[arg(long)]
    entropy: Option<String>,
}

/// End the contributions with a random beacon: a public value nobody could predict when the
/// last contribution was made (e.g. a future block hash), hashed 2^iterations times.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel ceremony beacon c2.zkey final.zkey --beacon 0x8f2c…(32 bytes) --iterations-exp 10"
)]
struct BeaconArgs {
    /// The key so far.
    input: PathBuf,
    /// The key with the beacon applied.
    output: PathBuf,
    /// The beacon value, hex.
    #[arg(long)]
    beacon: String,
    /// log₂ of the hash iterations.
    #[arg(long, default_value_t = 10)]
    iterations_exp: u8,
    /// The name recorded for the beacon.
    #[arg(long, default_value = "beacon")]
    name: String,
}

/// Check a ceremony's key: snarkjs `zkey verify` against the architecture's circuit (exported
/// afresh) and the Powers of Tau, then zkmodel's own import checks; prints the circuit hash,
/// every contribution's hash and the digest the verifier's `keyOrigin()` reports. With --keys,
/// also check that a key file holds exactly these keys.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel ceremony verify --arch inference.arch.json --srs srs.bin --ptau pot17.ptau --zkey final.zkey --keys inference.keys"
)]
struct VerifyArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// A key file to compare with the ceremony's keys.
    #[arg(long)]
    keys: Option<PathBuf>,
}

/// Verify the final key (as `verify`) and write it as the architecture's Groth16 keys.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel ceremony finalize --arch inference.arch.json --srs srs.bin --ptau pot17.ptau --zkey final.zkey -o inference.keys"
)]
struct FinalizeArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Where to write the keys.
    #[arg(short, long, default_value = "keys.bin")]
    output: PathBuf,
}

/// What a ceremony is for and over: the architecture, its SRS and the Powers of Tau.
#[derive(clap::Args, Debug)]
struct SourceArgs {
    /// The architecture.
    #[arg(long)]
    arch: PathBuf,
    /// The KZG SRS (imported from the same Powers of Tau).
    #[arg(long)]
    srs: PathBuf,
    /// The Powers of Tau (prepared for phase 2) the ceremony starts from.
    #[arg(long)]
    ptau: PathBuf,
}

#[derive(clap::Args, Debug)]
struct KeyArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The ceremony's final key.
    #[arg(long)]
    zkey: PathBuf,
}

/// Runs `zkmodel ceremony`.
pub fn run(args: &Args, out: &Output) -> Result<()> {
    let snarkjs = args
        .snarkjs
        .as_ref()
        .map_or_else(Snarkjs::locate, Snarkjs::at);
    match &args.command {
        Command::New(a) => new(&snarkjs, a, out),
        Command::Contribute(a) => contribute(&snarkjs, a, out),
        Command::Beacon(a) => beacon(&snarkjs, a, out),
        Command::Verify(a) => verify(&snarkjs, a, out),
        Command::Finalize(a) => finalize(&snarkjs, a, out),
        Command::DevPtau(a) => dev_ptau(a, out),
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading the {what} {}", path.display()))
}

/// The architecture and its SRS, which must be the Powers of Tau's: the architecture id binds
/// the SRS, and the ceremony's τ should be the same public one.
fn arch_and_srs(source: &SourceArgs, ptau: &[u8]) -> Result<(Architecture, [u8; 32])> {
    let arch = load_arch(&source.arch)?;
    let srs = load_srs(&source.srs)?;
    let from_ptau = Srs::from_ptau(ptau, 2).context("reading the Powers of Tau")?;
    if from_ptau.id() != srs.id() {
        bail!(
            "the SRS ({}) is not this Powers of Tau's: import the SRS from the same file \
             (`zkmodel srs --ptau <file>`), then make the architecture under it",
            srs.origin
        );
    }
    let id = arch.id(&srs);
    Ok((arch, id))
}

fn new(snarkjs: &Snarkjs, a: &NewArgs, out: &Output) -> Result<()> {
    let ptau = read(&a.source.ptau, "Powers of Tau")?;
    let (arch, id) = arch_and_srs(&a.source, &ptau)?;
    drop(ptau);
    let r1cs = a
        .r1cs
        .clone()
        .unwrap_or_else(|| a.output.with_extension("r1cs"));
    let summary = step(
        "exporting the circuit and making the initial key (snarkjs groth16 setup)",
        || ceremony_new(snarkjs, &arch, &a.source.ptau, &r1cs, &a.output),
    )?;
    out.emit(
        &format!(
            "initial key → {}\n  circuit → {} ({} constraints, {} public inputs, {} wires; needs a Powers of Tau of power ≥ {})\n  architecture {}\nNext: each participant runs `zkmodel ceremony contribute` in turn.",
            a.output.display(),
            r1cs.display(),
            summary.constraints,
            summary.public_inputs,
            summary.wires,
            zkmodel_wrapper::ceremony::required_power(&summary),
            hex(&id),
        ),
        serde_json::json!({
            "zkey": a.output,
            "r1cs": r1cs,
            "constraints": summary.constraints,
            "public_inputs": summary.public_inputs,
            "wires": summary.wires,
            "architecture_id": hex(&id),
        }),
    );
    Ok(())
}

/// The last contribution recorded in a zkey (its name and hash).
fn last_contribution(path: &Path) -> Result<(String, String)> {
    let key = zkey::read(&read(path, "zkey")?).with_context(|| path.display().to_string())?;
    let (c, _) = key
        .contributions
        .last()
        .context("the key records no contribution")?;
    Ok((c.name.clone(), hex(&c.hash)))
}

fn contribute(snarkjs: &Snarkjs, a: &ContributeArgs, out: &Output) -> Result<()> {
    let entropy = a.entropy.clone().unwrap_or_else(|| {
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex(&b)
    });
    step("contributing (snarkjs zkey contribute)", || {
        snarkjs.contribute(&a.input, &a.output, &a.name, &entropy)
    })?;
    let (name, hash) = last_contribution(&a.output)?;
    out.emit(
        &format!(
            "contribution {name:?} → {}\n  contribution hash {hash}\nPublish this hash; pass {} to the next participant.",
            a.output.display(),
            a.output.display()
        ),
        serde_json::json!({ "zkey": a.output, "name": name, "contribution_hash": hash }),
    );
    Ok(())
}

fn beacon(snarkjs: &Snarkjs, a: &BeaconArgs, out: &Output) -> Result<()> {
    let value = a.beacon.trim_start_matches("0x");
    if value.is_empty()
        || !value.len().is_multiple_of(2)
        || !value.chars().all(|c| c.is_ascii_hexdigit())
    {
        bail!(
            "--beacon must be hex bytes (e.g. a block hash), got `{}`",
            a.beacon
        );
    }
    step("applying the beacon (snarkjs zkey beacon)", || {
        snarkjs.beacon(&a.input, &a.output, &a.name, value, a.iterations_exp)
    })?;
    let (name, hash) = last_contribution(&a.output)?;
    out.emit(
        &format!(
            "beacon {name:?} → {}\n  contribution hash {hash}",
            a.output.display()
        ),
        serde_json::json!({ "zkey": a.output, "name": name, "contribution_hash": hash }),
    );
    Ok(())
}

/// Verifies and imports the final key.
fn ceremony(snarkjs: &Snarkjs, k: &KeyArgs) -> Result<(Keys, [u8; 32])> {
    let ptau = read(&k.source.ptau, "Powers of Tau")?;
    let (arch, id) = arch_and_srs(&k.source, &ptau)?;
    let zkey = read(&k.zkey, "zkey")?;
    let done = step(
        "verifying the ceremony (snarkjs zkey verify, then zkmodel's import checks)",
        || ceremony_keys(snarkjs, &arch, &ptau, &zkey),
    )
    .with_context(|| {
        format!(
            "{} is not a valid ceremony key for this architecture",
            k.zkey.display()
        )
    })?;
    Ok((done.keys, id))
}

fn report(origin: &KeyOrigin) -> (String, serde_json::Value) {
    let lines = origin.header_lines().join("\n  ");
    let json = match origin.ceremony() {
        Some(r) => serde_json::json!({
            "ceremony": true,
            "ptau_blake2b": hex(&r.ptau_blake2b),
            "ptau_power": r.ptau_power,
            "ptau_secret_contributions": r.ptau_contributions,
            "ptau_trust": format!("{:?}", r.ptau_trust),
            "insecure_development": origin.is_development(),
            "circuit_hash": hex(&r.circuit_hash),
            "contributions": r.contributions.iter().map(|c| serde_json::json!({
                "name": c.name,
                "hash": hex(&c.hash),
                "beacon": c.beacon.as_ref().map(|b| serde_json::json!({
                    "value": hex(&b.value),
                    "iterations_exp": b.iterations_exp,
                })),
            })).collect::<Vec<_>>(),
            "digest": hex(&origin.digest()),
        }),
        None => serde_json::json!({ "ceremony": false, "insecure_development": true }),
    };
    (lines, json)
}

fn verify(snarkjs: &Snarkjs, a: &VerifyArgs, out: &Output) -> Result<()> {
    let (keys, id) = ceremony(snarkjs, &a.key)?;
    let mut matches = None;
    if let Some(path) = &a.keys {
        let file = Keys::load(&id, path).with_context(|| format!("loading {}", path.display()))?;
        // The whole proving key (it contains the verifying key), the verifying key beside it,
        // and the record: a key file that proves with other points would make proofs that do
        // not verify, or that leak.
        if file.pk != keys.pk || file.vk != keys.vk || file.origin != keys.origin {
            bail!(
                "{} does not hold this ceremony's keys (its origin: {})",
                path.display(),
                file.origin
            );
        }
        matches = Some(path);
    }
    let (text, json) = report(&keys.origin);
    out.emit(
        &format!(
            "ceremony key {} verified for architecture {}\n  {text}{}",
            a.key.zkey.display(),
            hex(&id),
            matches.map_or(String::new(), |p| format!(
                "\n  {} holds exactly these keys",
                p.display()
            )),
        ),
        serde_json::json!({ "architecture_id": hex(&id), "origin": json, "keys_match": matches.is_some() }),
    );
    Ok(())
}

fn finalize(snarkjs: &Snarkjs, a: &FinalizeArgs, out: &Output) -> Result<()> {
    let (keys, id) = ceremony(snarkjs, &a.key)?;
    keys.save(&id, &a.output)?;
    let (text, json) = report(&keys.origin);
    out.emit(
        &format!(
            "Groth16 keys → {}\n  architecture {}\n  {text}",
            a.output.display(),
            hex(&id)
        ),
        serde_json::json!({ "output": a.output, "architecture_id": hex(&id), "origin": json }),
    );
    Ok(())
}

/// INSECURE: write a development Powers of Tau (prepared for phase 2) whose τ, α and β come
/// from a public seed — the τ of `zkmodel srs --dev --seed <seed>` — to rehearse a ceremony on
/// a local chain. Keys from a ceremony over it are labelled development keys.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  zkmodel ceremony dev-ptau --power 17 -o dev17.ptau   # INSECURE: local rehearsals only"
)]
struct DevPtauArgs {
    /// The power (2^power G2 powers; the circuit needs `ceremony new`'s figure).
    #[arg(long)]
    power: u32,
    /// The public seed (the development SRS's).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Where to write it.
    #[arg(short, long)]
    output: PathBuf,
}

fn dev_ptau(a: &DevPtauArgs, out: &Output) -> Result<()> {
    if !(1..=20).contains(&a.power) {
        bail!("--power {} outside 1..=20", a.power);
    }
    let bytes = step("writing the INSECURE development Powers of Tau", || {
        zkmodel_prover::pcs::ptau_dev::insecure_development_ptau(a.seed, a.power)
    });
    zkmodel_prover::artifact::write_file(
        &a.output,
        &bytes,
        zkmodel_prover::artifact::Access::Public,
        "Powers of Tau",
    )?;
    out.emit(
        &format!(
            "INSECURE development Powers of Tau (seed {}, power {}) → {}\nWARNING: its τ, α and β follow from the public seed: keys from a ceremony over it can be forged by anyone; local chains and rehearsals only",
            a.seed,
            a.power,
            a.output.display()
        ),
        serde_json::json!({ "output": a.output, "power": a.power, "seed": a.seed, "insecure_development": true }),
    );
    Ok(())
}
