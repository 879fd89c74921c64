#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `make bench` figures for the phase-2 ceremony (ignored in `make test`: minutes of snarkjs):
//! for the MatMul and digits MLP inference circuits, the time of each ceremony step on this
//! machine — `ceremony new` (snarkjs groth16 setup), one `zkey contribute`, `zkey verify init`,
//! and import — and, for the MLP inference circuit, the Groth16 proving time with arkworks'
//! own (libsnark) keys as before issue 14, with development keys in snarkjs's layout, and with
//! the ceremony's imported keys, in one run.
//!
//! Run: `cargo test --release -p zkmodel-wrapper --test integration ceremony_bench:: -- --ignored --nocapture`.
//! The Powers of Tau is the INSECURE development one (snarkjs needs far longer to make one);
//! the ceremony steps cost the same over a public file of the same power.

use ark_bn254::Bn254;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::ptau_dev::insecure_development_ptau;
use zkmodel_prover::proof::statement::{Claim, Statement};
use zkmodel_wrapper::ceremony::{self, Snarkjs, Verified};
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::dev::{DIMS, DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::groth16::{Keys, prove_circuit};
use zkmodel_wrapper::wrap::{placeholder, setup_insecure_dev};

fn snarkjs() -> Snarkjs {
    Snarkjs::at(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/snarkjs"))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs the ceremony steps for `arch`; prints their times; returns the imported keys.
fn ceremony_steps<S: Statement>(name: &str, arch: &S, dir: &Path, power: u32) -> Keys {
    let s = snarkjs();
    let ptau = dir.join(format!("dev{power}.ptau"));
    let bytes = insecure_development_ptau(2026, power);
    std::fs::write(&ptau, &bytes).unwrap();
    let (r1cs, c0, c1) = (
        dir.join(format!("{name}.r1cs")),
        dir.join(format!("{name}0.zkey")),
        dir.join(format!("{name}1.zkey")),
    );
    let (summary, new) = timed(|| ceremony::new(&s, arch, &ptau, &r1cs, &c0).unwrap());
    let ((), contribute) = timed(|| s.contribute(&c0, &c1, "bench", "bench entropy").unwrap());
    let (_, verify) = timed(|| s.verify_from_initial(&c0, &ptau, &c1).unwrap());
    let zkey = std::fs::read(&c1).unwrap();
    // The full `zkey verify r1cs` is `new` again plus `verify init`: not repeated here.
    let verified = Verified::assumed_for_tests(&bytes, &zkey);
    let (keys, import) = timed(|| ceremony::import(arch, &bytes, &zkey, &verified).unwrap());
    println!(
        "| {name} | {} | 2^{power} | {:.1} s | {:.1} s | {:.1} s | {:.1} s | {:.1} MB |",
        summary.constraints,
        new.as_secs_f64(),
        contribute.as_secs_f64(),
        verify.as_secs_f64(),
        import.as_secs_f64(),
        zkey.len() as f64 / 1e6,
    );
    keys
}

fn prove_times<S: Statement>(
    what: &str,
    srs: &Srs,
    arch: &S,
    claim: &Claim<S>,
    prove: impl Fn(StatementCircuit<S>) -> bool,
) -> Duration {
    let times: Vec<Duration> = (0..3)
        .map(|_| {
            let circuit = StatementCircuit::new(srs, arch, claim).unwrap();
            let (ok, t) = timed(|| prove(circuit));
            assert!(ok, "{what}");
            t
        })
        .collect();
    median(times)
}

#[test]
#[ignore = "minutes of snarkjs: make bench"]
fn ceremony_figures() {
    let dir = tempfile::tempdir().unwrap();
    println!(
        "| circuit | constraints | ptau | new (groth16 setup) | contribute | zkey verify init | import | zkey |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    ceremony_steps("MatMul 2x4x2", &DIMS, dir.path(), 13);
    let dev = digits_mlp_dev(DigitsTask::Inference).unwrap();
    let imported = ceremony_steps("digits MLP inference", &dev.arch, dir.path(), 17);

    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let claim = dev.native_proof(0, &mut rng).unwrap().claim();
    let libsnark =
        Groth16::<Bn254>::circuit_specific_setup(placeholder(&dev.arch).unwrap(), &mut rng)
            .unwrap()
            .0;
    let snarkjs_dev = setup_insecure_dev(&dev.arch, &mut rng).unwrap();
    let t_libsnark = prove_times("libsnark", &dev.srs, &dev.arch, &claim, |c| {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        Groth16::<Bn254>::prove(&libsnark, c, &mut rng).is_ok()
    });
    let t_dev = prove_times("dev", &dev.srs, &dev.arch, &claim, |c| {
        prove_circuit(&snarkjs_dev, c, &mut ChaCha20Rng::seed_from_u64(9)).is_ok()
    });
    let t_imported = prove_times("imported", &dev.srs, &dev.arch, &claim, |c| {
        prove_circuit(&imported, c, &mut ChaCha20Rng::seed_from_u64(9)).is_ok()
    });
    println!();
    println!("digits MLP inference Groth16 prove (median of 3, synthesis included):");
    println!("| keys | prove | ratio to arkworks' own |");
    println!("|---|---|---|");
    for (what, t) in [
        ("arkworks libsnark reduction (before issue 14)", t_libsnark),
        ("development, snarkjs layout", t_dev),
        ("ceremony (imported zkey)", t_imported),
    ] {
        println!(
            "| {what} | {:.2} s | {:.2}× |",
            t.as_secs_f64(),
            t.as_secs_f64() / t_libsnark.as_secs_f64()
        );
    }
    assert!(
        t_imported.as_secs_f64() <= 1.2 * t_libsnark.as_secs_f64(),
        "imported keys prove more than 1.2× slower"
    );
}
