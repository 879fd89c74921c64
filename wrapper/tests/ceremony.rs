#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A real three-party phase-2 ceremony with snarkjs (the npm package `make tools` installs) on
//! the MatMul development statement: the initial key from the circuit's `.r1cs` and a
//! prepared Powers of Tau, two contributions, a random beacon, `zkey verify`, then the final
//! key imported into arkworks. A claim wrapped with the imported keys verifies natively and in
//! `snarkjs groth16 verify`; the provenance records every contribution with the hashes snarkjs
//! prints. A tampered contribution fails `zkey verify`, and import refuses a key of another
//! circuit, another public-input count, or another Powers of Tau.
//!
//! The Powers of Tau is the INSECURE development one (τ of the development SRS, written in
//! snarkjs's prepared format natively: snarkjs needs minutes to make one of 2^14 on two cores).

use ark_bn254::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::{Path, PathBuf};
use std::time::Instant;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::pcs::ptau_dev::insecure_development_ptau;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::statement::Statement;
use zkmodel_wrapper::Error;
use zkmodel_wrapper::ceremony::{self, Snarkjs};
use zkmodel_wrapper::dev::{DIMS, matmul_dev};
use zkmodel_wrapper::groth16::prepare;
use zkmodel_wrapper::origin::KeyOrigin;
use zkmodel_wrapper::wrap::{verify_wrapped, wrap};

fn snarkjs() -> Snarkjs {
    Snarkjs::at(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/snarkjs"))
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    eprintln!("{what}: {:.2?}", t.elapsed());
    out
}

/// The 64-byte hashes snarkjs prints under `label` (four lines of four 8-digit groups).
fn printed_hash(report: &str, label: &str) -> [u8; 64] {
    let lines: Vec<&str> = report.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no `{label}` in:\n{report}"));
    let hex: String = lines[at + 1..at + 5]
        .iter()
        .flat_map(|l| l.split_whitespace().filter(|w| w.len() == 8))
        .collect();
    hex::decode(&hex).unwrap().try_into().unwrap()
}

/// The size of the zkey's last section (10, the contributions), read from its section table.
fn contributions_len(zkey: &[u8]) -> usize {
    let mut pos = 12;
    let mut last = 0;
    while pos < zkey.len() {
        let size = u64::from_le_bytes(zkey[pos + 4..pos + 12].try_into().unwrap()) as usize;
        last = size;
        pos += 12 + size;
    }
    last
}

struct Ceremony {
    dir: tempfile::TempDir,
}

impl Ceremony {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs new → contribute (alice) → contribute (bob) → beacon over `ptau`.
fn run_ceremony(arch: &MatMulDims, ptau: &Path) -> Ceremony {
    let c = Ceremony {
        dir: tempfile::tempdir().unwrap(),
    };
    let s = snarkjs();
    timed("ceremony new (r1cs export + groth16 setup)", || {
        ceremony::new(&s, arch, ptau, &c.path("c.r1cs"), &c.path("c0.zkey")).unwrap()
    });
    timed("contribution 1", || {
        s.contribute(
            &c.path("c0.zkey"),
            &c.path("c1.zkey"),
            "alice",
            "alice's entropy",
        )
        .unwrap()
    });
    timed("contribution 2", || {
        s.contribute(
            &c.path("c1.zkey"),
            &c.path("c2.zkey"),
            "bob",
            "bob's entropy",
        )
        .unwrap()
    });
    timed("beacon", || {
        s.beacon(
            &c.path("c2.zkey"),
            &c.path("final.zkey"),
            "beacon",
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
            10,
        )
        .unwrap()
    });
    c
}

#[test]
fn a_three_party_ceremony_proves_in_rust_and_snarkjs_and_import_refuses_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let ptau = dir.path().join("pot14.ptau");
    let bytes = timed("development ptau 2^14", || {
        insecure_development_ptau(2026, 14)
    });
    std::fs::write(&ptau, &bytes).unwrap();
    let c = run_ceremony(&DIMS, &ptau);
    let s = snarkjs();

    // zkey verify against the circuit exported afresh, then import, with the hashes snarkjs
    // reports.
    let ceremony::Finalized { keys, report } =
        timed("finalize (zkey verify r1cs + import)", || {
            ceremony::finalize(&s, &DIMS, &ptau, &c.path("final.zkey")).unwrap()
        });
    let KeyOrigin::Ceremony(record) = &keys.origin else {
        panic!("not a ceremony origin: {}", keys.origin)
    };
    assert!(!keys.origin.is_development());
    let names: Vec<&str> = record
        .contributions
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["alice", "bob", "beacon"]);
    assert!(record.contributions[..2].iter().all(|c| c.beacon.is_none()));
    let beacon = record.contributions[2].beacon.as_ref().unwrap();
    assert_eq!((beacon.value.len(), beacon.iterations_exp), (32, 10));
    assert_eq!(record.circuit_hash, printed_hash(&report, "Circuit Hash"));
    for (i, c) in record.contributions.iter().enumerate() {
        let label = format!("contribution #{} {}:", i + 1, c.name);
        assert_eq!(c.hash, printed_hash(&report, &label), "{label}");
    }
    assert_eq!(record.ptau_power, 14);

    // A claim wrapped with the imported keys verifies natively and in snarkjs.
    let dev = matmul_dev().unwrap();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(5 * i + 2)).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let native =
        zkmodel_prover::proof::matmul::prove(&dev.srs, DIMS, &dev.model, &dev.w, &x, &mut rng)
            .unwrap();
    let claim = native.claim(dev.model.commitment);
    let wrapped = timed("wrap with ceremony keys", || {
        wrap(&keys, &dev.srs, &DIMS, &claim, &mut rng).unwrap()
    });
    let pins = [(CommitmentRole::Model, dev.model.commitment)];
    verify_wrapped(&prepare(&keys.vk), &dev.srs, &DIMS, &pins, &wrapped).unwrap();

    let (public, proof) = ceremony::snarkjs_json(&wrapped, &DIMS.id(&dev.srs));
    let write = |name: &str, v: &serde_json::Value| {
        let p = c.path(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p
    };
    let (public_path, proof_path) = (write("public.json", &public), write("proof.json", &proof));
    s.export_verification_key(&c.path("final.zkey"), &c.path("vk.json"))
        .unwrap();
    timed("snarkjs groth16 verify", || {
        s.groth16_verify(&c.path("vk.json"), &public_path, &proof_path)
            .unwrap()
    });
    // snarkjs refuses the same proof for another statement.
    let mut other = public.clone();
    other[0] = serde_json::json!("1");
    let other_path = write("other.json", &other);
    assert!(matches!(
        s.groth16_verify(&c.path("vk.json"), &other_path, &proof_path),
        Err(Error::Snarkjs { .. })
    ));

    // The keys survive a save and load with their provenance.
    let file = c.path("keys.bin");
    let id = DIMS.id(&dev.srs);
    keys.save(&id, &file).unwrap();
    let loaded = zkmodel_wrapper::groth16::Keys::load(&id, &file).unwrap();
    assert_eq!(loaded.origin, keys.origin);

    // A contribution whose bytes were altered fails zkey verify (from the initial key, whose
    // circuit hash the full verification above reported).
    s.verify_from_initial(&c.path("c0.zkey"), &ptau, &c.path("final.zkey"))
        .unwrap();
    let final_zkey = std::fs::read(c.path("final.zkey")).unwrap();
    let tamper = |at: usize, name: &str| {
        let mut bytes = final_zkey.clone();
        bytes[at] ^= 1;
        let p = c.path(name);
        std::fs::write(&p, &bytes).unwrap();
        p
    };
    // A byte of bob's δ (after the circuit hash, the count and alice's 399-byte record: four
    // G1/G2 points, the transcript, type, parameters), and one in the key's points.
    let section10 = final_zkey.len() - contributions_len(&final_zkey);
    let bob = section10 + 64 + 4 + 399 + 10;
    for (at, name) in [(bob, "bob.zkey"), (final_zkey.len() / 2, "points.zkey")] {
        assert!(
            matches!(
                s.verify_from_initial(&c.path("c0.zkey"), &ptau, &tamper(at, name)),
                Err(Error::Snarkjs { .. })
            ),
            "{name}"
        );
    }

    // Import refuses the key for a circuit with another constraint count…
    let bigger = MatMulDims { m: 2, k: 4, n: 4 };
    assert!(matches!(
        ceremony::import(&bigger, &bytes, &final_zkey),
        Err(Error::CeremonyMismatch { .. })
    ));
    // … against another Powers of Tau (another τ, α, β) …
    let other_ptau = insecure_development_ptau(7, 14);
    assert!(matches!(
        ceremony::import(&DIMS, &other_ptau, &final_zkey),
        Err(Error::CeremonyMismatch {
            check: "the Powers of Tau's α₁",
            ..
        })
    ));
    // … and a key without any contribution.
    assert!(matches!(
        ceremony::import(&DIMS, &bytes, &std::fs::read(c.path("c0.zkey")).unwrap()),
        Err(Error::CeremonyMismatch {
            check: "a ceremony",
            ..
        })
    ));
}
