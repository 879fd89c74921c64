//! The Keccak side of split verification (DESIGN §11): values the contract recomputes from
//! group elements, each `keccak256(abi.encodePacked(words…)) mod r`.
//!
//! Order of the chain's challenges (each drawn after every value it combines is fixed):
//! 1. s0 = keccak(S0_TAG, architecture, commitments, public values) — the statement, before
//!    any proof message; it seeds the Poseidon transcript.
//! 2. d₁ = keccak(H) — the row values, after the claims are reduced to one point; the circuit
//!    absorbs it before drawing the fold point α.
//! 3. d₂ = keccak(G, Ĝ, Q, S₁, S₂) — the fold and the inner-product quotients, which depend
//!    on α; the circuit absorbs it before drawing ζ.
//! 4. u = keccak(SPLIT_U_TAG, s0, d₁, d₂, W_ζ, W_ι, β, α, ζ, ζ⁻¹, γ, y_ζ, y_ι) — batches the
//!    opening's three pairing equations, so it binds both claimed values, both quotients and
//!    every value of the fold equation. (A u that left the claimed values out let a prover
//!    read u and then solve for them — the soundness issue's forgery.)
//! 5. On chain only: the scalar that batches the Groth16 equation and the opening's equations
//!    into one multi-pairing, keccak(BATCH_TAG, u, A, B, C), after every value both consume
//!    (u binds the opening and every Groth16 public input; A, B, C the proof).

use super::split::SplitOutputs;
use crate::field::encoding::{fr_to_word, g1_to_words, g2_to_words, keccak256, word_to_fr_mod_r};
use ark_bn254::{Fr, G1Affine, G2Affine};

/// Domain tag of the statement hash s0.
pub const S0_TAG: &[u8; 32] = b"zkmodel.s0.v1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// Domain tag of the row-split opening's pairing challenge u.
pub const SPLIT_U_TAG: &[u8; 32] = b"zkmodel.u.v3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// Domain tag of the scalar batching the Groth16 and KZG pairing equations on chain.
pub const BATCH_TAG: &[u8; 32] = b"zkmodel.batch.v2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

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

/// d₁ = keccak(H) mod r: the row-split opening's row-value commitment.
pub fn rows_digest(h: &G1Affine) -> Fr {
    keccak_words_mod_r(&g1_to_words(h))
}

/// d₂ = keccak(G, Ĝ, Q, S₁, S₂) mod r: the row-split opening's fold, reversed fold, quotient
/// and inner-product commitments.
pub fn split_digest(points: &[G1Affine; 5]) -> Fr {
    let words: Vec<[u8; 32]> = points.iter().flat_map(g1_to_words).collect();
    keccak_words_mod_r(&words)
}

/// The row-split opening's u = keccak(SPLIT_U_TAG, s0, d₁, d₂, W_ζ, W_ι, β, α, ζ, ζ⁻¹, γ,
/// y_ζ, y_ι) mod r: drawn after both claimed values, both quotients and every value of the
/// fold equation (α, β here; C_k through s0; G, Q through d₂).
pub fn split_pairing_challenge(
    s0: &Fr,
    d1: &Fr,
    d2: &Fr,
    out: &SplitOutputs<Fr>,
    w_zeta: &G1Affine,
    w_inv: &G1Affine,
) -> Fr {
    let mut words = vec![*SPLIT_U_TAG, fr_to_word(s0), fr_to_word(d1), fr_to_word(d2)];
    words.extend([w_zeta, w_inv].iter().flat_map(|p| g1_to_words(p)));
    words.extend(
        [
            &out.beta,
            &out.alpha,
            &out.zeta,
            &out.zeta_inv,
            &out.gamma,
            &out.y_zeta,
            &out.y_inv,
        ]
        .map(fr_to_word),
    );
    keccak_words_mod_r(&words)
}

/// keccak(BATCH_TAG, u, A, B, C) mod r: the scalar by which the contract raises the KZG
/// equation before multiplying it into the Groth16 equation, so that one multi-pairing checks
/// both. u binds every Groth16 public input and every KZG value; A, B, C the Groth16 proof.
pub fn batching_challenge(u: &Fr, a: &G1Affine, b: &G2Affine, c: &G1Affine) -> Fr {
    let mut words = vec![*BATCH_TAG, fr_to_word(u)];
    words.extend(g1_to_words(a));
    words.extend(g2_to_words(b));
    words.extend(g1_to_words(c));
    keccak_words_mod_r(&words)
}
