#![allow(missing_docs, clippy::unwrap_used)]
//! Times our MSM against arkworks' on 2^20 random scalars (development aid).
use ark_bn254::{Fr, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_std::UniformRand;
use rand::SeedableRng;
use std::time::Instant;
use zkmodel_prover::pcs::Srs;

fn main() {
    let log: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let t = Instant::now();
    let srs = Srs::insecure_development(1, 1 << log);
    println!("srs: {:.2?}", t.elapsed());
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let s: Vec<Fr> = (0..1 << log).map(|_| Fr::rand(&mut rng)).collect();
    let t = Instant::now();
    let a = zkmodel_prover::pcs::msm::msm(&srs.g1_powers, &s).into_affine();
    println!("ours:     {:.2?}", t.elapsed());
    if std::env::args().nth(2).as_deref() == Some("ours") {
        return;
    }
    let t = Instant::now();
    let b = G1Projective::msm_unchecked(&srs.g1_powers, &s).into_affine();
    println!("arkworks: {:.2?}", t.elapsed());
    assert_eq!(a, b);
}
