#![allow(missing_docs, clippy::unwrap_used)]
//! Sumcheck benches: the degree-2 product over 2^20 entries (issue target ≤ 0.5 s on 2 cores),
//! a degree-3 zerocheck, and native verification.

use ark_std::UniformRand;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::poly::eq_table;
use zkmodel_prover::sumcheck::{
    Product, ProverInstance, SumOfProducts, VerifierInstance, prove, prove_zerocheck, verify,
};
use zkmodel_prover::transcript::NativeTranscript;

fn random(n: usize, seed: u64) -> Vec<Fr> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n).map(|_| Fr::rand(&mut rng)).collect()
}

fn bench_product(c: &mut Criterion) {
    let mut g = c.benchmark_group("sumcheck");
    g.sample_size(10);
    for log in [16usize, 20] {
        let a = random(1 << log, 1);
        let b = random(1 << log, 2);
        let claim: Fr = a.iter().zip(&b).map(|(x, y)| *x * y).sum();
        g.bench_with_input(
            BenchmarkId::new("prove_deg2_product", format!("2^{log}")),
            &log,
            |bch, _| {
                bch.iter(|| {
                    let mut inst =
                        ProverInstance::new(vec![a.clone(), b.clone()], Product(2)).unwrap();
                    prove(&mut inst, claim, &mut NativeTranscript::new_native()).unwrap()
                })
            },
        );
        let mut inst = ProverInstance::new(vec![a.clone(), b.clone()], Product(2)).unwrap();
        let (proof, _) = prove(&mut inst, claim, &mut NativeTranscript::new_native()).unwrap();
        g.bench_with_input(
            BenchmarkId::new("verify_deg2_product", format!("2^{log}")),
            &log,
            |bch, _| {
                bch.iter(|| {
                    let comp = Product(2);
                    verify(
                        VerifierInstance {
                            num_vars: log,
                            composition: &comp,
                            claim,
                        },
                        &proof,
                        &mut NativeTranscript::new_native(),
                    )
                    .unwrap()
                })
            },
        );
    }
    let log = 18;
    let a = random(1 << log, 3);
    let b = random(1 << log, 4);
    let y: Vec<Fr> = a.iter().zip(&b).map(|(x, z)| *x * z).collect();
    let minus_one = -Fr::from(1u64);
    let hadamard =
        SumOfProducts::new(3, vec![(Fr::from(1u64), vec![0, 1]), (minus_one, vec![2])]).unwrap();
    g.bench_function("prove_zerocheck_hadamard/2^18", |bch| {
        bch.iter(|| {
            prove_zerocheck(
                vec![a.clone(), b.clone(), y.clone()],
                hadamard.clone(),
                &mut NativeTranscript::new_native(),
            )
            .unwrap()
        })
    });
    let r = random(20, 5);
    g.bench_function("eq_table/2^20", |bch| bch.iter(|| eq_table(&r)));
    g.finish();
}

criterion_group!(benches, bench_product);
criterion_main!(benches);
