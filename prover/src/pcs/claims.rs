//! The opening statement: claims Σ_j s_j·f̃_k(r_j) = y on committed vectors — one term of
//! scale 1 for an evaluation, several for a tensor stored in blocks without its padding, the
//! scales the verifier's own — and how the transcript binds them before the opening's first
//! challenge.

use crate::error::Error;
use crate::field::FieldOps;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Maximum number of variables of one committed vector (2^28 = the largest public ceremony).
pub const MAX_VECTOR_VARS: usize = 28;

/// A claim Σ_j s_j·ṽ_k(p_j) = value on committed vector k: one term of scale 1 for an
/// evaluation claim; several for a tensor stored as aligned blocks without its padding
/// ([`crate::pcs::layout::AxisSplit`]), whose padded MLE at a point is such a sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningClaim<F> {
    /// Index of the vector (in commitment order).
    pub vector: usize,
    /// The weighted evaluations whose sum is claimed (at least one).
    pub terms: Vec<ClaimTerm<F>>,
    /// The claimed value.
    pub value: F,
}

/// One weighted evaluation s·ṽ(p) of an [`OpeningClaim`]. The scale is the verifier's own
/// function of public data and challenges (never a prover message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimTerm<F> {
    /// The weight s.
    pub scale: F,
    /// The point p, one coordinate per variable of the vector.
    pub point: Vec<F>,
}

impl<F: FieldOps> OpeningClaim<F> {
    /// The evaluation claim ṽ_k(point) = value.
    pub fn evaluation(vector: usize, point: Vec<F>, value: F) -> Self {
        Self {
            vector,
            terms: vec![ClaimTerm {
                scale: F::one(),
                point,
            }],
            value,
        }
    }
}

/// Binds the opening statement and returns ρ, the challenge that combines the claims. Shared
/// by prover and verifier.
///
/// What is absorbed is one word: a Poseidon digest of the claim structure (vector sizes, claim
/// count, each claim's vector and number of terms), computed natively — the structure is a function of the
/// architecture, which s0 already binds, so in the circuit this is a constant and costs no
/// permutation of its own (absorbing the 150-odd words of a training statement cost ~75).
///
/// Neither points nor values are absorbed, and need not be: every claim a statement opens
/// is a block's output, its point derived from this transcript's challenges and public
/// segment bits, its value a function of messages the blocks already absorbed (sumcheck final
/// evaluations, LogUp column evaluations) or of public values bound by s0. So ρ is drawn after
/// every value it combines is bound. **A caller whose values the transcript has not seen — a
/// standalone opening of claims made up front — must call [`bind_claim_values`] first, on
/// both sides**: otherwise claims shifted along ρ's combination (y₀ + ρδ, y₁ − δ) verify.
pub fn absorb_claims<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    vector_vars: &[usize],
    claims: &[OpeningClaim<F>],
) -> Result<F, Error> {
    let digest = F::constant(structure_digest(vector_vars, claims)?);
    transcript.absorb(labels::PCS_CLAIMS, &[digest])?;
    Ok(transcript.challenge(labels::PCS_RHO)?)
}

/// Absorbs the claim values, for an opening whose claims no earlier message binds (see
/// [`absorb_claims`]). Statements never need it.
pub fn bind_claim_values<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    claims: &[OpeningClaim<F>],
) -> Result<(), Error> {
    let values: Vec<F> = claims.iter().map(|c| c.value.clone()).collect();
    Ok(transcript.absorb(labels::PCS_CLAIMS, &values)?)
}

/// The Poseidon digest of the claim structure: vector count and sizes, claim count, and the
/// vector and number of terms of every claim.
fn structure_digest<F>(vector_vars: &[usize], claims: &[OpeningClaim<F>]) -> Result<Fr, Error> {
    let mut shape = vec![vector_vars.len()];
    shape.extend_from_slice(vector_vars);
    shape.push(claims.len());
    shape.extend(claims.iter().flat_map(|c| [c.vector, c.terms.len()]));
    let mut t = NativeTranscript::new_native();
    t.absorb_usizes(labels::PCS_CLAIMS, &shape)?;
    Ok(t.digest()?)
}

/// Checks the statement's shape before any algebra: every vector within
/// [`MAX_VECTOR_VARS`], every claim on a vector the statement commits to, with at least one
/// term and one coordinate per variable in each.
pub fn check_claims<F>(vector_vars: &[usize], claims: &[OpeningClaim<F>]) -> Result<(), Error> {
    if let Some(n) = vector_vars.iter().find(|n| **n > MAX_VECTOR_VARS) {
        return Err(Error::TooLarge {
            what: "committed vector variables",
            value: *n,
            max: MAX_VECTOR_VARS,
        });
    }
    for c in claims {
        let vars = vector_vars.get(c.vector).ok_or(Error::BlockShape {
            block: "opening",
            reason: "a claim names a vector the statement does not commit to",
        })?;
        if c.terms.is_empty() {
            return Err(Error::BlockShape {
                block: "opening",
                reason: "a claim has no terms",
            });
        }
        for t in &c.terms {
            crate::sumcheck::check_len("opening claim point", *vars, t.point.len())?;
        }
    }
    Ok(())
}

/// log2 of each vector's length (each must be a power of two).
pub fn vector_vars(vectors: &[&[Fr]]) -> Result<Vec<usize>, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::AdditiveGroup;

    fn claim(vector: usize) -> OpeningClaim<Fr> {
        OpeningClaim::evaluation(vector, vec![], Fr::ZERO)
    }

    fn two_terms(vector: usize) -> OpeningClaim<Fr> {
        let mut c = claim(vector);
        c.terms.extend(c.terms.clone());
        c
    }

    #[test]
    fn the_structure_digest_tells_every_structure_apart() {
        let base = structure_digest(&[3, 5], &[claim(0), claim(1)]).unwrap();
        let others = [
            structure_digest(&[4, 5], &[claim(0), claim(1)]),
            structure_digest(&[3, 6], &[claim(0), claim(1)]),
            structure_digest(&[3, 5, 0], &[claim(0), claim(1)]),
            structure_digest(&[3, 5], &[claim(0), claim(0)]),
            structure_digest(&[3, 5], &[claim(1), claim(0)]),
            structure_digest(&[3, 5], &[claim(0), claim(1), claim(1)]),
            structure_digest(&[3, 5], &[claim(0)]),
            structure_digest(&[3, 5], &[claim(0), two_terms(1)]),
        ];
        for (i, d) in others.into_iter().enumerate() {
            assert_ne!(d.unwrap(), base, "structure {i}");
        }
    }
}
