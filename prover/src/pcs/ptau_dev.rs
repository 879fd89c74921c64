//! INSECURE development Powers of Tau: a prepared `.ptau` file (snarkjs's format, sections 1–7
//! and 12–15) whose τ is the development SRS's for the same seed, with α and β drawn next from
//! the same seed. Anyone who knows the seed knows τ, α and β: for tests and local demos of the
//! phase-2 ceremony only (snarkjs itself needs minutes on two cores to make and prepare a
//! ceremony of the size a statement circuit needs). A KZG SRS imported from it has the
//! development SRS's id, so development architectures keep their ids. It records no phase-1
//! contribution, so keys from a ceremony over it are labelled development keys.

use super::srs::powers_of;
use ark_bn254::{Fq, Fr, G1Projective, G2Projective};
use ark_ec::{AffineRepr, PrimeGroup, scalar_mul::BatchMulPreprocessing};
use ark_ff::{BigInteger, Field, PrimeField, UniformRand};
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn fq_lem(out: &mut Vec<u8>, x: &Fq) {
    // The internal representation is the Montgomery form.
    out.extend_from_slice(&x.0.to_bytes_le());
}

fn g1s(out: &mut Vec<u8>, scalars: &[Fr]) {
    let table = BatchMulPreprocessing::new(G1Projective::generator(), scalars.len());
    for p in table.batch_mul(scalars) {
        let (x, y) = p.xy().unwrap_or_default();
        fq_lem(out, &x);
        fq_lem(out, &y);
    }
}

fn g2s(out: &mut Vec<u8>, scalars: &[Fr]) {
    let table = BatchMulPreprocessing::new(G2Projective::generator(), scalars.len());
    for p in table.batch_mul(scalars) {
        let (x, y) = p.xy().unwrap_or_default();
        for c in [x.c0, x.c1, y.c0, y.c1] {
            fq_lem(out, &c);
        }
    }
}

/// L_i(τ) over the 2^p-point domain, for every i.
fn lagrange(tau: Fr, p: u32) -> Vec<Fr> {
    match GeneralEvaluationDomain::<Fr>::new(1 << p) {
        Some(d) if p > 0 => d.evaluate_all_lagrange_coefficients(tau),
        _ => vec![Fr::ONE],
    }
}

/// INSECURE: a prepared Powers-of-Tau file of the given power, τ from `seed` exactly as
/// [`Srs::insecure_development`](super::Srs::insecure_development) draws it.
pub fn insecure_development_ptau(seed: u64, power: u32) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let tau = Fr::rand(&mut rng);
    let alpha = Fr::rand(&mut rng);
    let beta = Fr::rand(&mut rng);
    let n = 1usize << power;
    let times = |v: &[Fr], k: Fr| v.iter().map(|x| *x * k).collect::<Vec<_>>();
    let powers = powers_of(tau, 2 * n - 1);

    let mut header = Vec::new();
    header.extend_from_slice(&32u32.to_le_bytes());
    let mut q = Fq::MODULUS.to_bytes_le();
    q.resize(32, 0);
    header.extend_from_slice(&q);
    header.extend_from_slice(&power.to_le_bytes());
    header.extend_from_slice(&power.to_le_bytes());

    let mut sections: Vec<(u32, Vec<u8>)> = vec![(1, header)];
    let mut body = Vec::new();
    g1s(&mut body, &powers);
    sections.push((2, std::mem::take(&mut body)));
    g2s(&mut body, &powers[..n]);
    sections.push((3, std::mem::take(&mut body)));
    g1s(&mut body, &times(&powers[..n], alpha));
    sections.push((4, std::mem::take(&mut body)));
    g1s(&mut body, &times(&powers[..n], beta));
    sections.push((5, std::mem::take(&mut body)));
    g2s(&mut body, &[beta]);
    sections.push((6, std::mem::take(&mut body)));
    sections.push((7, 0u32.to_le_bytes().to_vec())); // no phase-1 contributions recorded

    let levels: Vec<Vec<Fr>> = (0..=power).map(|p| lagrange(tau, p)).collect();
    let flat = |k: Fr| levels.iter().flat_map(|l| times(l, k)).collect::<Vec<_>>();
    // Section 12 has one more level, the 2n-point basis snarkjs derives from the 2n − 1 powers
    // of section 2 with the missing top power taken as zero: L_i(τ) − τ^(2n−1)·ω^i/(2n).
    let mut tau_levels = flat(Fr::ONE);
    let top = GeneralEvaluationDomain::<Fr>::new(2 * n);
    if let (Some(d), Some(inv)) = (top, Fr::from((2 * n) as u64).inverse()) {
        let last = tau.pow([(2 * n - 1) as u64]) * inv;
        let mut w = Fr::ONE;
        for l in d.evaluate_all_lagrange_coefficients(tau) {
            tau_levels.push(l - last * w);
            w *= d.group_gen();
        }
    }
    g1s(&mut body, &tau_levels);
    sections.push((12, std::mem::take(&mut body)));
    g2s(&mut body, &flat(Fr::ONE));
    sections.push((13, std::mem::take(&mut body)));
    g1s(&mut body, &flat(alpha));
    sections.push((14, std::mem::take(&mut body)));
    g1s(&mut body, &flat(beta));
    sections.push((15, std::mem::take(&mut body)));

    let sections: Vec<(u32, &[u8])> = sections.iter().map(|(k, b)| (*k, b.as_slice())).collect();
    super::iden3::write(b"ptau", 1, &sections)
}
