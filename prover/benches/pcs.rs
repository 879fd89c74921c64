#![allow(missing_docs, clippy::unwrap_used)]
//! Polynomial-commitment benches (issue targets on 2 cores): commit 2^20 16-bit values
//! (≤ 0.5 s), open one 2^20 vector with the row-split opening (≤ 2× the full-scalar commit),
//! native verification (≤ 20 ms), and the MatMul statement proof for 256×256 · 256×256.

use ark_bn254::Fr;
use ark_std::UniformRand;
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::time::Instant;
use zkmodel_prover::blocks::matmul::MatMulDims;
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::pcs::{OpeningClaim, Srs, commit, prove_split_opening, verify_split_opening};
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::proof::matmul;
use zkmodel_prover::transcript::NativeTranscript;

fn bench_pcs(c: &mut Criterion) {
    let log = 20;
    let t = Instant::now();
    let srs = Srs::insecure_development(1, 1 << log);
    eprintln!(
        "insecure development SRS with 2^{log} G1 powers: {:.2?}",
        t.elapsed()
    );
    let mut rng = ChaCha20Rng::seed_from_u64(3);

    let mut g = c.benchmark_group("pcs");
    g.sample_size(10);
    let small: Vec<Fr> = (0..1 << log)
        .map(|_| from_i128(rng.gen_range(-(1 << 15)..(1 << 15))))
        .collect();
    g.bench_function("commit_2^20_16bit_signed", |b| {
        b.iter(|| commit(&srs, &small).unwrap())
    });
    let full: Vec<Fr> = (0..1 << log).map(|_| Fr::rand(&mut rng)).collect();
    g.bench_function("commit_2^20_full_scalars", |b| {
        b.iter(|| commit(&srs, &full).unwrap())
    });

    let point: Vec<Fr> = (0..log).map(|_| Fr::rand(&mut rng)).collect();
    let value = DenseMle::new(small.clone())
        .unwrap()
        .evaluate(&point)
        .unwrap();
    let claims = [OpeningClaim::evaluation(0, point, value)];
    let cm = commit(&srs, &small).unwrap();
    // The row-split opening (issue 18: ≤ 2× one full-scalar commit of the same size).
    g.measurement_time(std::time::Duration::from_secs(40));
    g.bench_function("open_one_2^20_vector", |b| {
        b.iter(|| {
            prove_split_opening(
                &srs,
                &[&small],
                &claims,
                &mut NativeTranscript::new_native(),
            )
            .unwrap()
        })
    });
    let proof = prove_split_opening(
        &srs,
        &[&small],
        &claims,
        &mut NativeTranscript::new_native(),
    )
    .unwrap();
    g.measurement_time(std::time::Duration::from_secs(5));
    g.bench_function("verify_opening_2^20", |b| {
        b.iter(|| {
            verify_split_opening(
                &srs,
                &Fr::from(0u64),
                &[cm],
                &[log],
                &claims,
                &proof,
                &mut NativeTranscript::new_native(),
            )
            .unwrap()
        })
    });

    let dims = MatMulDims {
        m: 256,
        k: 256,
        n: 256,
    };
    let w: Vec<Fr> = (0..dims.k * dims.n)
        .map(|_| from_i128(rng.gen_range(-128..128)))
        .collect();
    let x: Vec<Fr> = (0..dims.m * dims.k)
        .map(|_| from_i128(rng.gen_range(-128..128)))
        .collect();
    let model = matmul::commit_model(&srs, dims, &w, &mut rng).unwrap();
    g.measurement_time(std::time::Duration::from_secs(30));
    g.bench_function("matmul_statement_prove_256^3", |b| {
        b.iter(|| matmul::prove(&srs, dims, &model, &w, &x, &mut rng).unwrap())
    });
    let p = matmul::prove(&srs, dims, &model, &w, &x, &mut rng).unwrap();
    g.measurement_time(std::time::Duration::from_secs(5));
    g.bench_function("matmul_statement_verify_256^3", |b| {
        b.iter(|| matmul::verify(&srs, dims, model.commitment, &p).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_pcs);
criterion_main!(benches);
