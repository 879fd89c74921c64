#![allow(missing_docs, clippy::unwrap_used)]
//! Groth16 wrap benches on the digits MLP inference statement (issue target: prove ≤ 5 s on
//! 2 cores): circuit synthesis with LC inlining (the part the Poseidon gadget shapes), the
//! assignment proving needs (recorded, and through arkworks' synthesis), the whole wrap
//! (assignment + Groth16 prove), and native verification of the wrapped proof; and
//! the QAP reduction at the MLP inference circuit's size (2^16 rows), beside the same
//! reduction through arkworks' interpolate-then-evaluate transforms.
//! Keys are the INSECURE development keys of `digits_mlp_dev`.

use ark_ff::FftField;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, OptimizationGoal};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::proof::roles::CommitmentRole;
use zkmodel_wrapper::assignment::Assignment;
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
    // What proving needs from the circuit: recorded without a constraint system, against
    // arkworks' synthesis reading the same rows from its cached values.
    let circuit = StatementCircuit::new(&dev.srs, &dev.arch, &claim).unwrap();
    g.bench_function("assignment_recorded", |b| {
        b.iter(|| circuit.assignment().unwrap())
    });
    g.bench_function("assignment_arkworks", |b| {
        b.iter(|| Assignment::synthesize(circuit.clone()).unwrap())
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

/// snarkjs's reduction on 52,395 random constraint rows (the MLP inference circuit's count),
/// its domain 2^16: zkmodel's coset transform against the same steps through arkworks' iFFT
/// and coset FFT.
fn bench_qap(c: &mut Criterion) {
    use ark_ff::UniformRand;
    use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
    use rayon::prelude::*;
    use zkmodel_wrapper::qap::witness_map_from_rows;
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let rows = 52_395;
    let row = |rng: &mut ChaCha20Rng| (0..rows).map(|_| Fr::rand(rng)).collect::<Vec<_>>();
    let abc = [row(&mut rng), row(&mut rng), row(&mut rng)];
    let inputs: Vec<Fr> = (0..11).map(|_| Fr::rand(&mut rng)).collect();
    let mut g = c.benchmark_group("qap_2^16");
    g.sample_size(10);
    g.bench_function("coset_transform", |b| {
        b.iter(|| {
            witness_map_from_rows::<Fr, GeneralEvaluationDomain<Fr>>(abc.clone(), &inputs).unwrap()
        })
    });
    g.bench_function("arkworks_ifft_coset_fft", |b| {
        b.iter(|| {
            let domain = GeneralEvaluationDomain::<Fr>::new(rows + inputs.len()).unwrap();
            let shift = Fr::get_root_of_unity(2 * domain.size() as u64).unwrap();
            let coset = domain.get_coset(shift).unwrap();
            let mut v = abc.clone();
            v[0].extend_from_slice(&inputs);
            v.par_iter_mut().for_each(|v| {
                v.resize(domain.size(), Fr::from(0u64));
                domain.ifft_in_place(v);
                coset.fft_in_place(v);
            });
            let [mut a, b, c] = v;
            a.par_iter_mut()
                .zip(b.par_iter())
                .zip(c.par_iter())
                .for_each(|((a, b), c)| *a = *a * b - c);
            a
        })
    });
    g.finish();
}

criterion_group!(benches, bench_mlp_inference, bench_qap);
criterion_main!(benches);
