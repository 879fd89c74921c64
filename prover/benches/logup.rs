#![allow(missing_docs, clippy::unwrap_used)]
//! LogUp-GKR benches: 2^20 lookups into a 2^16 range table (issue target ≤ 2 s on 2 cores),
//! as one column and as 16 columns, plus native verification.

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::lookup::{LookupStatement, Table, prove, verify};
use zkmodel_prover::transcript::NativeTranscript;

fn columns(count: usize, len: usize, bits: usize) -> Vec<(String, Vec<Fr>)> {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    (0..count)
        .map(|c| {
            (
                format!("c{c}"),
                (0..len)
                    .map(|_| Fr::from(rng.gen_range(0..1u64 << bits)))
                    .collect(),
            )
        })
        .collect()
}

fn bench_logup(c: &mut Criterion) {
    let mut g = c.benchmark_group("logup_gkr");
    g.sample_size(10);
    let table = Table::Range { bits: 16 };
    for (count, len) in [(1usize, 1usize << 20), (16, 1 << 16)] {
        let cols = columns(count, len, 16);
        let refs: Vec<(&str, &[Fr])> = cols
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let name = format!("2^20_lookups_{count}x{len}_into_2^16");
        g.bench_function(format!("prove/{name}"), |b| {
            b.iter(|| prove(table, &refs, &mut NativeTranscript::new_native()).unwrap())
        });
        let out = prove(table, &refs, &mut NativeTranscript::new_native()).unwrap();
        let st = LookupStatement::uniform(table, count, len.trailing_zeros() as usize);
        g.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| verify(&st, &out.proof, &mut NativeTranscript::new_native()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_logup);
criterion_main!(benches);
