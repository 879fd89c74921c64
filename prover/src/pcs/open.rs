//! The opening prover.

use super::chain::quotient_digest;
use super::commit::commit;
use super::laurent::{combine_powers, divide_by_linear, evaluate, laurent_split, vector_weights};
use super::srs::Srs;
use super::srs::powers_of;
use super::verify::{MaskSlots, OpeningClaim, absorb_claims};
use crate::error::Error;
use crate::poly::DenseMle;
use crate::transcript::{NativeTranscript, labels};
use ark_bn254::{Fr, G1Affine};
use ark_ff::{AdditiveGroup, Field};
use rayon::prelude::*;

/// The evaluations an opening reveals to the field part of verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningEvals<F> {
    /// f_k(ζ) per committed vector.
    pub vector_evals: Vec<F>,
    /// q₁(ζ).
    pub q1_at_zeta: F,
    /// q₂(ζ⁻¹).
    pub q2_at_zeta_inv: F,
    /// The MLE of the masked vector's fresh mask slots at their claim point ([`MaskSlots`]).
    pub mask_eval: F,
}

/// A batched opening proof: two quotient commitments, the evaluations, two KZG quotients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningProof {
    /// Q₁ = [q₁(τ)]₁.
    pub q1: G1Affine,
    /// Q₂ = [q₂(τ)]₁.
    pub q2: G1Affine,
    /// f_k(ζ), q₁(ζ), q₂(ζ⁻¹).
    pub evals: OpeningEvals<Fr>,
    /// W₁ = [(F₁(X) − y₁)/(X − ζ)]₁.
    pub w1: G1Affine,
    /// W₂ = [(q₂(X) − y₂)/(X − ζ⁻¹)]₁.
    pub w2: G1Affine,
}

/// The MLE of the mask slots at their claim point.
pub(super) fn mask_eval(vectors: &[&[Fr]], mask: &MaskSlots) -> Result<Fr, Error> {
    let slots = vectors
        .get(mask.vector)
        .and_then(|v| v.get(mask.segment.offset..mask.segment.offset + mask.segment.len()))
        .ok_or(Error::Opening {
            what: "mask slots outside their vector",
        })?;
    DenseMle::new(slots.to_vec())?.evaluate(&mask.local_point::<Fr>()?)
}

/// log2 of each vector's length (each must be a power of two).
pub(super) fn vector_vars(vectors: &[&[Fr]]) -> Result<Vec<usize>, Error> {
    vectors
        .iter()
        .map(|v| {
            if v.len().is_power_of_two() {
                Ok(v.len().trailing_zeros() as usize)
            } else {
                Err(Error::NotPowerOfTwo {
                    what: "committed vector length",
                    value: v.len(),
                })
            }
        })
        .collect()
}

/// Proves every claim on the committed `vectors` (each of power-of-two length) at once, plus
/// the claim on `mask`, the slots of fresh randomness that must reach both quotients.
pub fn prove_opening(
    srs: &Srs,
    vectors: &[&[Fr]],
    claims: &[OpeningClaim<Fr>],
    mask: &MaskSlots,
    transcript: &mut NativeTranscript,
) -> Result<OpeningProof, Error> {
    let vars = vector_vars(vectors)?;
    let max_len = vectors.iter().map(|v| v.len()).max().unwrap_or(1);
    srs.powers(max_len)?;
    let mask_eval = mask_eval(vectors, mask)?;
    let mut claims = claims.to_vec();
    claims.push(mask.claim(&vars, mask_eval)?);
    let claims = claims.as_slice();
    let rho = absorb_claims(transcript, &vars, claims)?;

    // Per vector, E_k = Σ_{c on k} ρ^c e_{r_c}, then the Laurent split of f_k(X)·E_k(1/X).
    let weights = powers_of(rho, claims.len());
    let split = tracing::debug_span!("laurent split").entered();
    let mut q1 = vec![Fr::ZERO; max_len.saturating_sub(1)];
    let mut q2 = vec![Fr::ZERO; max_len.saturating_sub(1)];
    for (k, f) in vectors.iter().enumerate() {
        if !claims.iter().any(|c| c.vector == k) {
            continue;
        }
        let e = vector_weights(k, vars[k], claims, &weights);
        let (_, a, b) = laurent_split(f, &e);
        q1.par_iter_mut()
            .zip(a.par_iter())
            .for_each(|(x, y)| *x += y);
        q2.par_iter_mut()
            .zip(b.par_iter())
            .for_each(|(x, y)| *x += y);
    }
    drop(split);
    let (cq1, cq2) = tracing::debug_span!("commit Q1, Q2")
        .in_scope(|| rayon::join(|| commit(srs, &q1), || commit(srs, &q2)));
    let (cq1, cq2) = (cq1?, cq2?);
    let kp = quotient_digest(&cq1, &cq2);
    transcript.absorb(labels::PCS_KP, &[kp])?;
    let zeta: Fr = transcript.challenge(labels::PCS_ZETA)?;
    let zeta_inv = zeta.inverse().ok_or(Error::Opening { what: "ζ = 0" })?;

    let vector_evals: Vec<Fr> = vectors.iter().map(|f| evaluate(f, zeta)).collect();
    let (a1, a2) = (evaluate(&q1, zeta), evaluate(&q2, zeta_inv));
    let mut all = vector_evals.clone();
    all.extend([a1, a2]);
    transcript.absorb(labels::PCS_EVALS, &all)?;
    let gamma: Fr = transcript.challenge(labels::PCS_GAMMA)?;

    // F₁ = Σ_k γ^k f_k + γ^K q₁ as coefficients.
    let mut polys = vectors.to_vec();
    polys.push(&q1);
    let f1 = combine_powers(&polys, gamma);
    let _kzg = tracing::debug_span!("commit W1, W2").entered();
    let (w1, w2) = rayon::join(
        || commit(srs, &divide_by_linear(&f1, zeta)),
        || commit(srs, &divide_by_linear(&q2, zeta_inv)),
    );
    Ok(OpeningProof {
        q1: cq1,
        q2: cq2,
        evals: OpeningEvals {
            vector_evals,
            q1_at_zeta: a1,
            q2_at_zeta_inv: a2,
            mask_eval,
        },
        w1: w1?,
        w2: w2?,
    })
}
