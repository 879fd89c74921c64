#![allow(missing_docs, clippy::unwrap_used)]
//! Poseidon throughput: one absorb of a full rate (4 elements) per permutation.

use ark_crypto_primitives::sponge::CryptographicSponge;
use ark_crypto_primitives::sponge::poseidon::PoseidonSponge;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zkmodel_prover::Fr;
use zkmodel_prover::transcript::{
    NativeSponge, NativeTranscript, SpongeOps, labels, poseidon_config,
};

fn bench_poseidon(c: &mut Criterion) {
    let mut g = c.benchmark_group("poseidon");
    const PERMS: u64 = 1000;
    g.throughput(Throughput::Elements(PERMS));
    let block = [
        Fr::from(1u64),
        Fr::from(2u64),
        Fr::from(3u64),
        Fr::from(4u64),
    ];
    g.bench_function("permutations_x1000", |b| {
        b.iter(|| {
            let mut s = NativeSponge::new();
            // Each full-rate absorb after the first triggers one permutation.
            for _ in 0..=PERMS {
                SpongeOps::<Fr>::absorb(&mut s, &block).unwrap();
            }
            s
        })
    });
    g.bench_function("arkworks_sponge_permutations_x1000", |b| {
        b.iter(|| {
            let mut s = PoseidonSponge::<Fr>::new(poseidon_config());
            for _ in 0..=PERMS {
                s.absorb(&block.as_slice());
            }
            s
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("transcript_challenge", |b| {
        let mut t = NativeTranscript::new_native();
        b.iter(|| t.challenge(labels::SUMCHECK_CHALLENGE).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_poseidon);
criterion_main!(benches);
