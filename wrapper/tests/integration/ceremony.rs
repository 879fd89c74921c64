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

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{BigInteger, FftField, Field, Zero};
use ark_groth16::r1cs_to_qap::R1CSToQAP;
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::R1CS_PREDICATE_LABEL;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::pcs::ptau_dev::insecure_development_ptau;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_prover::proof::statement::Statement;
use zkmodel_wrapper::Error;
use zkmodel_wrapper::calldata::verify_calldata;
use zkmodel_wrapper::ceremony::zkey;
use zkmodel_wrapper::ceremony::{self, Snarkjs, Verified};
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::dev::{DIMS, DigitsTask, digits_mlp_dev, matmul_dev};
use zkmodel_wrapper::groth16::WrappedProof;
use zkmodel_wrapper::groth16::prepare;
use zkmodel_wrapper::origin::{KeyOrigin, PtauTrust};
use zkmodel_wrapper::qap::SnarkjsQap;
use zkmodel_wrapper::r1cs::synthesize;
use zkmodel_wrapper::solidity::{VerifierSpec, render};
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
fn tampered_final(zkey: &[u8]) -> Vec<u8> {
    let mut bytes = zkey.to_vec();
    let at = bytes.len() / 3;
    bytes[at] ^= 1;
    bytes
}

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

/// The Powers of Tau and the initial key (`ceremony new`, the slow step), made once and shared
/// by the tests.
struct Initial {
    dir: tempfile::TempDir,
    ptau: Vec<u8>,
}

impl Initial {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn initial() -> &'static Initial {
    static INITIAL: OnceLock<Initial> = OnceLock::new();
    INITIAL.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let ptau = timed("development ptau 2^14", || {
            insecure_development_ptau(2026, 14)
        });
        std::fs::write(dir.path().join("pot14.ptau"), &ptau).unwrap();
        let i = Initial { dir, ptau };
        timed("ceremony new (r1cs export + groth16 setup)", || {
            ceremony::new(
                &snarkjs(),
                &DIMS,
                &i.path("pot14.ptau"),
                &i.path("c.r1cs"),
                &i.path("c0.zkey"),
            )
            .unwrap()
        });
        i
    })
}

/// `contribute` from `from` through each of `names` in turn (in `i`'s directory); returns the
/// last key's path.
fn contributions(i: &Initial, from: &str, names: &[&str]) -> PathBuf {
    let s = snarkjs();
    let mut at = i.path(from);
    for name in names {
        let next = i.path(&format!("{from}.{name}.zkey"));
        timed(&format!("contribution {name}"), || {
            s.contribute(&at, &next, name, &format!("{name}'s entropy"))
                .unwrap()
        });
        at = next;
    }
    at
}

#[test]
fn a_three_party_ceremony_proves_in_rust_and_snarkjs_and_import_refuses_foreign_keys() {
    let c = initial();
    let s = snarkjs();
    let ptau = c.path("pot14.ptau");
    let bytes = &c.ptau;
    let bob = contributions(c, "c0.zkey", &["alice", "bob"]);
    timed("beacon", || {
        s.beacon(
            &bob,
            &c.path("final.zkey"),
            "beacon",
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
            10,
        )
        .unwrap()
    });

    // zkey verify against the circuit exported afresh, then import, with the hashes snarkjs
    // reports.
    let ceremony::Finalized { keys, report } =
        timed("finalize (zkey verify r1cs + import)", || {
            ceremony::finalize(&s, &DIMS, &ptau, &c.path("final.zkey")).unwrap()
        });
    let KeyOrigin::Ceremony(record) = &keys.origin else {
        panic!("not a ceremony origin: {}", keys.origin)
    };
    // Over the development Powers of Tau (no phase-1 contribution: its τ, α, β are known),
    // ceremony keys are development keys all the same.
    assert!(keys.origin.is_development());
    assert!(
        keys.origin.to_string().starts_with("INSECURE"),
        "{}",
        keys.origin
    );
    assert_eq!(record.ptau_contributions, 0);
    assert_eq!(record.ptau_trust, PtauTrust::Unverified);
    let mut public_ptau = record.as_ref().clone();
    public_ptau.ptau_contributions = 1;
    public_ptau.ptau_trust = PtauTrust::Published;
    assert!(!KeyOrigin::Ceremony(Box::new(public_ptau)).is_development());

    // The development Powers of Tau relabelled as contributed (a 4-byte edit of its section 7):
    // its record of contributions does not hold one, and finalize refuses it before anything
    // else runs.
    let mut relabelled = bytes.clone();
    let (count_at, _) = section(&relabelled, 7);
    relabelled[count_at..count_at + 4].copy_from_slice(&1u32.to_le_bytes());
    std::fs::write(c.path("relabelled.ptau"), &relabelled).unwrap();
    match ceremony::finalize(&s, &DIMS, &c.path("relabelled.ptau"), &c.path("final.zkey")) {
        Err(Error::Prover(zkmodel_prover::Error::Format { what, reason })) => {
            assert_eq!(what, "ptau file", "{reason}")
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("a relabelled development Powers of Tau was accepted"),
    }
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

    // The rendered Solidity verifier accepts it on Anvil, says where its keys come from, and
    // reverts on a changed public output.
    on_anvil(&keys, &dev.srs, &wrapped);

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

    // Import refuses bytes snarkjs did not verify…
    let verdict = Verified::assumed_for_tests(bytes, &final_zkey);
    let other_ptau = insecure_development_ptau(7, 14);
    assert!(matches!(
        ceremony::import(&DIMS, &other_ptau, &final_zkey, &verdict),
        Err(Error::CeremonyMismatch {
            check: "the Powers of Tau snarkjs verified it against",
            ..
        })
    ));
    assert!(matches!(
        ceremony::import(&DIMS, bytes, &tampered_final(&final_zkey), &verdict),
        Err(Error::CeremonyMismatch {
            check: "the zkey snarkjs verified",
            ..
        })
    ));
    // … and, its own checks reached directly, a key for a circuit with another constraint
    // count, another public-input count, from another Powers of Tau (another τ, α, β), or
    // without any contribution.
    let bigger = MatMulDims { m: 2, k: 4, n: 4 };
    assert!(matches!(
        ceremony::import(&bigger, bytes, &final_zkey, &verdict),
        Err(Error::CeremonyMismatch {
            check: "the circuit's wire count",
            ..
        })
    ));
    let mlp = digits_mlp_dev(DigitsTask::Inference).unwrap();
    assert!(matches!(
        ceremony::import(&mlp.arch, bytes, &final_zkey, &verdict),
        Err(Error::CeremonyMismatch {
            check: "the circuit's public-input count",
            ..
        })
    ));
    let verdict = Verified::assumed_for_tests(&other_ptau, &final_zkey);
    assert!(matches!(
        ceremony::import(&DIMS, &other_ptau, &final_zkey, &verdict),
        Err(Error::CeremonyMismatch {
            check: "the Powers of Tau's α₁",
            ..
        })
    ));
    let c0 = std::fs::read(c.path("c0.zkey")).unwrap();
    let verdict = Verified::assumed_for_tests(bytes, &c0);
    assert!(matches!(
        ceremony::import(&DIMS, bytes, &c0, &verdict),
        Err(Error::CeremonyMismatch {
            check: "a ceremony",
            ..
        })
    ));

    // A query point snarkjs checks only with 32-bit random coefficients (L) or by equality
    // (IC), moved by one generator: import's own full-rank checks refuse it.
    for (kind, at, check) in [
        (8, 0, "the Powers of Tau's L query"),
        (3, 1, "the Powers of Tau's IC"),
    ] {
        let mut moved = final_zkey.clone();
        let (start, _) = section(&moved, kind);
        let p = start + 64 * at;
        let point = zkmodel_prover::pcs::iden3::g1_from_lem(&moved[p..p + 64]).unwrap();
        let shifted = (point.into_group() + G1Projective::generator()).into_affine();
        moved[p..p + 64].copy_from_slice(&lem(&shifted));
        let verdict = Verified::assumed_for_tests(bytes, &moved);
        match ceremony::import(&DIMS, bytes, &moved, &verdict) {
            Err(Error::CeremonyMismatch { check: c, .. }) => assert_eq!(c, check),
            Err(e) => panic!("{check}: refused for another reason: {e}"),
            Ok(_) => panic!("{check}: accepted"),
        }
    }
}

/// The odd 2n-th roots x_j, and the vectors u (Σ u_j·H_j reaches the unchecked direction) and
/// c (that direction) of the H query (see `ceremony::import`).
fn h_directions(n: usize) -> (Vec<Fr>, Vec<Fr>, Vec<Fr>) {
    let step = Fr::get_root_of_unity(2 * n as u64).unwrap();
    let inv_2n = Fr::from(2 * n as u64).inverse().unwrap();
    let mut x = vec![step];
    for _ in 1..n {
        x.push(*x.last().unwrap() * step.square());
    }
    let u = x
        .iter()
        .map(|x| -(x.pow([n as u64 - 1]) * Fr::from(2u64)))
        .collect();
    let c = x.iter().map(|x| *x * inv_2n).collect();
    (x, u, c)
}

/// Byte offset and size of section `kind` of an iden3 file (of whichever magic it has).
fn section(bytes: &[u8], kind: u32) -> (usize, usize) {
    let magic: &[u8; 4] = bytes[..4].try_into().unwrap();
    let file = zkmodel_prover::pcs::iden3::BinFile::parse(bytes, magic, "iden3 file").unwrap();
    let range = file.range(kind).unwrap().unwrap();
    (range.start, range.len())
}

fn lem(p: &G1Affine) -> Vec<u8> {
    let (x, y) = p.xy().unwrap();
    [x.0.to_bytes_le(), y.0.to_bytes_le()].concat()
}

/// A Groth16 proof made by hand with r = s = 0 from a full assignment and H coefficients.
fn prove_by_hand(pk: &ProvingKey<Bn254>, full: &[Fr], inputs: usize, h: &[Fr]) -> Proof<Bn254> {
    let a = G1Projective::msm(&pk.a_query, full).unwrap() + pk.vk.alpha_g1;
    let b = G2Projective::msm(&pk.b_g2_query, full).unwrap() + pk.vk.beta_g2;
    let c = G1Projective::msm(&pk.l_query, &full[inputs..]).unwrap()
        + G1Projective::msm(&pk.h_query, h).unwrap();
    Proof {
        a: a.into_affine(),
        b: b.into_affine(),
        c: c.into_affine(),
    }
}

/// The adaptive forgery the H check of `snarkjs zkey verify` allows: the coordinator plants
/// one constraint row's Lagrange point (read from the public Powers of Tau) along the H
/// query's unchecked direction of the initial key; two honest contributors follow, snarkjs
/// verifies the result, and a prover with a witness violating that row makes a proof that
/// verifies under the zkey's own keys. Import refuses that zkey (its H query is not the
/// Powers of Tau's), imports the honest chain from the same initial key, and the forgery
/// fails under those keys.
#[test]
fn a_coordinator_planting_a_row_in_h_is_refused_on_import() {
    let i = initial();
    let c0 = std::fs::read(i.path("c0.zkey")).unwrap();
    let honest_h = zkey::read(&c0).unwrap().pk.h_query;
    let n = honest_h.len();
    let (x, u, c) = h_directions(n);

    // The claim and a wire to falsify: one whose change breaks exactly one constraint row.
    let dev = matmul_dev().unwrap();
    let xs: Vec<Fr> = (0..8u64).map(|i| Fr::from(i + 1)).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let native =
        zkmodel_prover::proof::matmul::prove(&dev.srs, DIMS, &dev.model, &dev.w, &xs, &mut rng)
            .unwrap();
    let claim = native.claim(dev.model.commitment);
    let cs = synthesize(
        StatementCircuit::new(&dev.srs, &DIMS, &claim).unwrap(),
        true,
    )
    .unwrap();
    let matrices = cs.to_matrices().unwrap()[R1CS_PREDICATE_LABEL].clone();
    let inputs = cs.num_instance_variables();
    let rows = cs.num_constraints();
    let honest: Vec<Fr> = [
        cs.instance_assignment().unwrap(),
        cs.witness_assignment().unwrap(),
    ]
    .concat();
    let eval = |m: usize, row: usize, w: &[Fr]| -> Fr {
        matrices[m][row].iter().map(|(k, i)| *k * w[*i]).sum()
    };
    let violated = |w: &[Fr]| -> Vec<(usize, Fr)> {
        (0..rows)
            .map(|r| (r, eval(0, r, w) * eval(1, r, w) - eval(2, r, w)))
            .filter(|(_, t)| !t.is_zero())
            .collect()
    };
    let mut uses = vec![Vec::new(); honest.len()];
    for (r, m) in (0..rows).flat_map(|r| (0..3).map(move |m| (r, m))) {
        for (_, wire) in &matrices[m][r] {
            if uses[*wire].last() != Some(&r) {
                uses[*wire].push(r);
            }
        }
    }
    let wire = (1..honest.len()).find(|w| uses[*w].len() == 1).unwrap();
    let mut forged = honest.clone();
    forged[wire] += Fr::ONE;
    let [(row, t)] = violated(&forged)[..] else {
        panic!("the change of wire {wire} breaks more than one row")
    };
    eprintln!(
        "falsifying wire {wire} (public: {}), row {row}",
        wire < inputs
    );

    // The coordinator's initial key: H + c·(ℓ_row(τ)·G − Σ u_j·H_j).
    let (start, _) = section(&i.ptau, 12);
    let level = n.trailing_zeros() as usize;
    let at = start + (n - 1 + row) * 64;
    let lagrange_point = zkmodel_prover::pcs::iden3::g1_from_lem(&i.ptau[at..at + 64]).unwrap();
    let along = G1Projective::msm(&honest_h, &u).unwrap();
    let shift = (lagrange_point.into_group() - along).into_affine();
    assert_eq!(level as u32, n.ilog2());
    let mut planted = c0.clone();
    let (h_at, h_size) = section(&planted, 9);
    assert_eq!(h_size, 64 * n);
    for (j, (h, cj)) in honest_h.iter().zip(&c).enumerate() {
        let p = (h.into_group() + shift * cj).into_affine();
        planted[h_at + 64 * j..h_at + 64 * (j + 1)].copy_from_slice(&lem(&p));
    }
    std::fs::write(i.path("planted.zkey"), &planted).unwrap();

    // Two honest contributors, and snarkjs verifies the result.
    let last = contributions(i, "planted.zkey", &["carol", "dave"]);
    let final_bytes = std::fs::read(&last).unwrap();
    let s = snarkjs();
    let verdict = timed("zkey verify of the planted key", || {
        ceremony::verify(&s, &DIMS, &i.ptau, &final_bytes).unwrap()
    });

    // H coefficients of the forged witness: the natural ones minus the row's share, plus t·u.
    let natural = SnarkjsQap::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
        &matrices, inputs, rows, &forged,
    )
    .unwrap();
    let omega_row = Fr::get_root_of_unity(n as u64).unwrap().pow([row as u64]);
    let scale = omega_row * Fr::from(n as u64).inverse().unwrap() * Fr::from(-2i64);
    let h_forged: Vec<Fr> = natural
        .iter()
        .zip(&x)
        .zip(&u)
        .map(|((h, xj), uj)| *h - t * scale * (*xj - omega_row).inverse().unwrap() + t * uj)
        .collect();
    let public = |w: &[Fr]| w[1..inputs].to_vec();

    let raw = zkey::read(&final_bytes).unwrap().pk;
    let pvk = prepare(&raw.vk);
    let forgery = prove_by_hand(&raw, &forged, inputs, &h_forged);
    assert!(
        Groth16::<Bn254>::verify_proof(&pvk, &forgery, &public(&forged)).unwrap(),
        "the planted key lets the forgery through (snarkjs accepted it)"
    );

    match ceremony::import(&DIMS, &i.ptau, &final_bytes, &verdict) {
        Err(Error::CeremonyMismatch { check, .. }) => {
            assert_eq!(check, "the Powers of Tau's H query")
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("import accepted a key with a planted H query"),
    }

    // The honest chain from the same initial key imports, and the forgery fails under it.
    let honest_last = contributions(i, "c0.zkey", &["carol", "dave"]);
    let honest_bytes = std::fs::read(&honest_last).unwrap();
    let verdict = ceremony::verify(&s, &DIMS, &i.ptau, &honest_bytes).unwrap();
    let keys = ceremony::import(&DIMS, &i.ptau, &honest_bytes, &verdict).unwrap();
    // snarkjs's verdict is for this circuit only.
    let other = MatMulDims { m: 2, k: 4, n: 4 };
    assert!(matches!(
        ceremony::import(&other, &i.ptau, &honest_bytes, &verdict),
        Err(Error::CeremonyMismatch {
            check: "the circuit snarkjs verified it against",
            ..
        })
    ));
    let pvk = prepare(&keys.vk);
    let forgery = prove_by_hand(&keys.pk, &forged, inputs, &h_forged);
    assert!(!Groth16::<Bn254>::verify_proof(&pvk, &forgery, &public(&forged)).unwrap());
    let honest_h_coeffs = SnarkjsQap::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
        &matrices, inputs, rows, &honest,
    )
    .unwrap();
    let proof = prove_by_hand(&keys.pk, &honest, inputs, &honest_h_coeffs);
    assert!(Groth16::<Bn254>::verify_proof(&pvk, &proof, &public(&honest)).unwrap());
}

fn tool(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../node_modules/@foundry-rs/{name}-linux-amd64/bin/{name}"
    ))
}

fn output(cmd: &mut std::process::Command) -> (bool, String) {
    let o = cmd.output().expect("foundry tool (run `make tools`)");
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    (o.status.success(), text)
}

/// Kills the Anvil child when the test ends, passing or not.
struct Anvil(std::process::Child);
impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Renders the verifier for `keys`, compiles it with the project's forge and solcjs, deploys it
/// on a fresh Anvil with cast and calls it.
fn on_anvil(
    keys: &zkmodel_wrapper::groth16::Keys,
    srs: &zkmodel_prover::pcs::Srs,
    wrapped: &WrappedProof,
) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path();
    for f in ["lib/BN254.sol", "lib/SplitHash.sol", "IZkmodelVerifier.sol"] {
        let to = v.join("src").join(f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root.join("contracts/src").join(f), to).unwrap();
    }
    let name = "CeremonyMatMulVerifier";
    let source = render(&VerifierSpec {
        name,
        description: "MatMul statement under ceremony keys (test)",
        info: zkmodel_prover::proof::matmul::info(DIMS, srs),
        vk: &keys.vk,
        key_origin: &keys.origin,
        srs,
        opening_row: DIMS.opening_row().unwrap(),
    })
    .unwrap();
    assert!(source.contains("multi-party phase-2 ceremony"));
    std::fs::create_dir_all(v.join("src/user")).unwrap();
    std::fs::write(v.join(format!("src/user/{name}.sol")), source).unwrap();
    std::fs::write(
        v.join("foundry.toml"),
        format!(
            "[profile.default]\nsrc = \"src\"\nout = \"out\"\nlibs = []\nsolc = \"{}\"\nevm_version = \"prague\"\noptimizer = true\noptimizer_runs = 200\noffline = true\n",
            root.join("scripts/solc").display()
        ),
    )
    .unwrap();
    let (ok, text) = timed("forge build", || {
        output(
            std::process::Command::new(tool("forge"))
                .args(["build", "--quiet", "--root"])
                .arg(v),
        )
    });
    assert!(ok, "{text}");
    let artifact: serde_json::Value = serde_json::from_slice(
        &std::fs::read(v.join(format!("out/{name}.sol/{name}.json"))).unwrap(),
    )
    .unwrap();
    let code = artifact["bytecode"]["object"].as_str().unwrap().to_string();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let _anvil = Anvil(
        std::process::Command::new(tool("anvil"))
            .args([
                "--port",
                &port.to_string(),
                "--host",
                "127.0.0.1",
                "--silent",
            ])
            .spawn()
            .unwrap(),
    );
    let cast = || {
        let mut c = std::process::Command::new(tool("cast"));
        c.env("ETH_RPC_URL", &url);
        c
    };
    let t = Instant::now();
    while !output(cast().arg("chain-id")).0 {
        assert!(t.elapsed().as_secs() < 30, "anvil did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Anvil's first development account.
    let key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    let (ok, text) =
        output(cast().args(["send", "--json", "--private-key", key, "--create", &code]));
    assert!(ok, "{text}");
    let receipt: serde_json::Value = serde_json::from_str(&text).unwrap();
    let address = receipt["contractAddress"].as_str().unwrap().to_string();

    let call =
        |data: &[u8]| output(cast().args(["call", &address, &format!("0x{}", hex::encode(data))]));
    let (ok, text) = call(&verify_calldata(wrapped, &wrapped.public_values));
    assert!(ok, "the verifier refused the ceremony-key proof: {text}");
    let mut changed = wrapped.clone();
    changed.y_zeta += Fr::ONE;
    let (ok, text) = call(&verify_calldata(&changed, &changed.public_values));
    assert!(!ok, "a changed y_ζ verified: {text}");

    let (ok, text) = output(cast().args(["call", &address, "keyOrigin()(bool,bytes32)"]));
    assert!(ok, "{text}");
    let digest = format!("0x{}", hex::encode(keys.origin.digest()));
    assert!(text.contains("true") && text.contains(&digest), "{text}");
}
