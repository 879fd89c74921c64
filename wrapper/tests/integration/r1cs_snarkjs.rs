#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The statement circuits exported in iden3's formats are read by the real snarkjs (the npm
//! package `make tools` installs): `snarkjs r1cs info` agrees on the wire, public-input and
//! constraint counts (and they agree with the Groth16 keys arkworks makes for the same
//! circuit), `snarkjs wtns check` accepts an honest claim's witness against the `.r1cs`, and
//! refuses the same witness with one value changed. For the MatMul development statement and
//! the digits MLP inference statement (the ceremony's first target, issue 14).

use ark_bn254::Fr;
use ark_ff::Field;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::{Path, PathBuf};
use std::process::Command;
use zkmodel_prover::proof::statement::{Claim, Statement};
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::dev::{DIMS, DigitsTask, digits_mlp_dev, matmul_dev};
use zkmodel_wrapper::r1cs::{R1csSummary, synthesize, write_r1cs, write_wtns};
use zkmodel_wrapper::wrap::placeholder;

fn snarkjs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/snarkjs")
}

fn run(args: &[&Path]) -> (bool, String) {
    let o = Command::new(snarkjs())
        .args(args)
        .output()
        .expect("snarkjs (run `make tools`)");
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    (o.status.success(), text)
}

/// The number snarkjs prints after `label` (e.g. `# of Wires: 123`).
fn count(text: &str, label: &str) -> usize {
    text.lines()
        .find_map(|l| l.split_once(label).map(|(_, v)| v))
        .and_then(|v| v.trim().trim_start_matches(':').trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{label}` in snarkjs output:\n{text}"))
}

fn check<S: Statement>(name: &str, arch: &S, srs: &zkmodel_prover::pcs::Srs, claim: &Claim<S>) {
    let dir = tempfile::tempdir().unwrap();
    let r1cs = dir.path().join(format!("{name}.r1cs"));
    let wtns = dir.path().join(format!("{name}.wtns"));

    let setup_cs = synthesize(placeholder(arch).unwrap(), false).unwrap();
    let summary = write_r1cs(&setup_cs, &mut std::fs::File::create(&r1cs).unwrap()).unwrap();
    let keys = zkmodel_wrapper::wrap::setup_insecure_dev(arch, &mut ChaCha20Rng::seed_from_u64(1))
        .unwrap();
    assert_eq!(
        summary.public_inputs + 1,
        keys.vk.gamma_abc_g1.len(),
        "{name}"
    );

    let (ok, info) = run(&[Path::new("r1cs"), Path::new("info"), &r1cs]);
    assert!(ok, "{info}");
    assert_eq!(
        R1csSummary {
            wires: count(&info, "# of Wires"),
            public_inputs: count(&info, "# of Public Inputs"),
            constraints: count(&info, "# of Constraints"),
        },
        summary,
        "{name}: {info}"
    );

    let circuit = StatementCircuit::new(srs, arch, claim).unwrap();
    let cs = synthesize(circuit, true).unwrap();
    assert!(cs.is_satisfied().unwrap());
    assert_eq!(cs.num_constraints(), summary.constraints);
    write_wtns(&cs, &mut std::fs::File::create(&wtns).unwrap()).unwrap();
    let (ok, text) = run(&[Path::new("wtns"), Path::new("check"), &r1cs, &wtns]);
    assert!(ok && text.contains("WITNESS IS CORRECT"), "{name}: {text}");

    // One witness value changed (the last wire, a private witness): refused.
    let mut bytes = std::fs::read(&wtns).unwrap();
    let last = bytes.len() - 32;
    let mut v = Fr::from_random_bytes(&bytes[last..]).unwrap_or(Fr::ONE);
    v += Fr::ONE;
    let mut le = ark_ff::BigInteger::to_bytes_le(&ark_ff::PrimeField::into_bigint(v));
    le.resize(32, 0);
    bytes[last..].copy_from_slice(&le);
    std::fs::write(&wtns, &bytes).unwrap();
    let (ok, text) = run(&[Path::new("wtns"), Path::new("check"), &r1cs, &wtns]);
    assert!(
        !ok || !text.contains("WITNESS IS CORRECT"),
        "{name}: {text}"
    );
}

#[test]
fn the_matmul_circuit_reads_and_checks_in_snarkjs() {
    let dev = matmul_dev().unwrap();
    let x: Vec<Fr> = (0..8u64).map(|i| Fr::from(3 * i + 1)).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let proof =
        zkmodel_prover::proof::matmul::prove(&dev.srs, DIMS, &dev.model, &dev.w, &x, &mut rng)
            .unwrap();
    check(
        "matmul",
        &DIMS,
        &dev.srs,
        &proof.claim(dev.model.commitment),
    );
}

#[test]
fn the_digits_mlp_inference_circuit_reads_and_checks_in_snarkjs() {
    let dev = digits_mlp_dev(DigitsTask::Inference).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let s = dev.native_proof(0, &mut rng).unwrap();
    check("digits-mlp-inference", &dev.arch, &dev.srs, &s.claim());
}
