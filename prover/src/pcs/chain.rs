//! The Keccak side of split verification (DESIGN §11): values the contract recomputes from
//! group elements, each `keccak256(abi.encodePacked(words…)) mod r`.

use crate::field::encoding::{fr_to_word, g1_to_words, keccak256, word_to_fr_mod_r};
use ark_bn254::{Fr, G1Affine};

/// Domain tag of the statement hash s0.
pub const S0_TAG: &[u8; 32] = b"zkmodel.s0.v1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// keccak256 over 32-byte words, reduced mod r.
pub fn keccak_words_mod_r(words: &[[u8; 32]]) -> Fr {
    let parts: Vec<&[u8]> = words.iter().map(|w| w.as_slice()).collect();
    word_to_fr_mod_r(&keccak256(&parts))
}

/// s0 = keccak(tag, architecture id, commitments (x, y), public values) mod r.
pub fn statement_seed(architecture: &[u8; 32], commitments: &[G1Affine], public: &[Fr]) -> Fr {
    let mut words = vec![*S0_TAG, *architecture];
    words.extend(commitments.iter().flat_map(g1_to_words));
    words.extend(public.iter().map(fr_to_word));
    keccak_words_mod_r(&words)
}

/// kp = keccak(Q₁, Q₂) mod r.
pub fn quotient_digest(q1: &G1Affine, q2: &G1Affine) -> Fr {
    let words: Vec<[u8; 32]> = [q1, q2].iter().flat_map(|p| g1_to_words(p)).collect();
    keccak_words_mod_r(&words)
}

/// u = keccak(ζ, W₁, W₂) mod r.
pub fn pairing_challenge(zeta: &Fr, w1: &G1Affine, w2: &G1Affine) -> Fr {
    let mut words = vec![fr_to_word(zeta)];
    words.extend([w1, w2].iter().flat_map(|p| g1_to_words(p)));
    keccak_words_mod_r(&words)
}
