#![allow(missing_docs, clippy::unwrap_used)]
//! Times our MSM against arkworks' on 2^log random scalars (development aid):
//! `cargo run --release -p zkmodel-prover --example msm_profile -- [log] [ours|g2]`.
//! `ours` skips arkworks; `g2` times G2 instead — the plain MSM against the endomorphism split
//! (`msm_glv_g2`, the Groth16 prover's B query) — each the median of three.
use ark_bn254::{Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM, scalar_mul::ScalarMul};
use ark_std::UniformRand;
use rand::SeedableRng;
use std::time::{Duration, Instant};
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::pcs::msm::{msm, msm_glv_g2};

fn median3(mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[1]
}

fn main() {
    let log: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let mode = std::env::args().nth(2);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let s: Vec<Fr> = (0..1 << log).map(|_| Fr::rand(&mut rng)).collect();
    if mode.as_deref() == Some("g2") {
        let k: Vec<Fr> = (0..1 << log).map(|_| Fr::rand(&mut rng)).collect();
        let bases = G2Projective::generator().batch_mul(&k);
        let (a, b) = (msm(&bases, &s), msm_glv_g2(&bases, &s));
        assert_eq!(a.into_affine(), b.into_affine());
        let plain = median3(|| {
            let _ = std::hint::black_box(msm(&bases, &s));
        });
        let split = median3(|| {
            let _ = std::hint::black_box(msm_glv_g2(&bases, &s));
        });
        println!("G2 2^{log}: plain {plain:.2?}, endomorphism split {split:.2?}");
        return;
    }
    let t = Instant::now();
    let srs = Srs::insecure_development(1, 1 << log);
    println!("srs: {:.2?}", t.elapsed());
    let t = Instant::now();
    let a = msm(&srs.g1_powers, &s).into_affine();
    println!("ours:     {:.2?}", t.elapsed());
    if mode.as_deref() == Some("ours") {
        return;
    }
    let t = Instant::now();
    let b = G1Projective::msm_unchecked(&srs.g1_powers, &s).into_affine();
    println!("arkworks: {:.2?}", t.elapsed());
    assert_eq!(a, b);
}
