#![allow(missing_docs, clippy::unwrap_used)]
//! Groth16 wrap benches on the digits MLP inference statement (issue target: prove ≤ 5 s on
//! 2 cores): circuit synthesis with LC inlining (the part the Poseidon gadget shapes), the
//! whole wrap (synthesis + Groth16 prove), and native verification of the wrapped proof.
//! Keys are the INSECURE development keys of `digits_mlp_dev`.

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_wrapper::circuit::StatementCircuit;
use zkmodel_wrapper::dev::{DigitsTask, digits_mlp_dev};
use zkmodel_wrapper::groth16::prepare;
use zkmodel_wrapper::wrap::{verify_wrapped, wrap};

fn bench_mlp_inference(c: &mut Criterion) {
    let dev = digits_mlp_dev(DigitsTask::Inference).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let s = dev.native_proof(0, &mut rng).unwrap();
    let claim = s.claim();
    let mut g = c.benchmark_group("groth16_mlp_inference");
    g.sample_size(10);
    g.bench_function("synthesize_and_inline", |b| {
        b.iter(|| {
            let circ = StatementCircuit::new(&dev.srs, &dev.arch, &claim).unwrap();
            let cs = ConstraintSystem::<Fr>::new_ref();
            cs.set_optimization_goal(OptimizationGoal::Constraints);
            circ.generate_constraints(cs.clone()).unwrap();
            cs.finalize();
            cs.num_constraints()
        })
    });
    let mut wrap_once = || wrap(&dev.keys, &dev.srs, &dev.arch, &claim, &mut rng).unwrap();
    g.bench_function("wrap", |b| b.iter(&mut wrap_once));
    let wrapped = wrap_once();
    let vk = prepare(&dev.keys.vk);
    g.bench_function("verify_wrapped", |b| {
        b.iter(|| {
            verify_wrapped(
                &vk,
                &dev.srs,
                &dev.arch,
                &[(CommitmentRole::Model, dev.model.commitment)],
                &wrapped,
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_mlp_inference);
criterion_main!(benches);
