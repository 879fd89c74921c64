//! Helpers shared by the integration tests.
#![allow(dead_code, missing_docs)]

use ark_std::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use zkmodel_prover::Fr;
use zkmodel_prover::transcript::NativeTranscript;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn random_vec(rng: &mut ChaCha20Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

pub fn transcript() -> NativeTranscript {
    NativeTranscript::new_native()
}
