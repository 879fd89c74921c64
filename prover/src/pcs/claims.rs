//! The opening statement: claims f̃_k(r) = y on committed vectors, and how the transcript
//! binds them before the opening's first challenge.

use crate::error::Error;
use crate::field::FieldOps;
use crate::transcript::{SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// Maximum number of variables of one committed vector (2^28 = the largest public ceremony).
pub const MAX_VECTOR_VARS: usize = 28;

/// A claim ṽ_k(point) = value on committed vector k.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningClaim<F> {
    /// Index of the vector (in commitment order).
    pub vector: usize,
    /// The point, one coordinate per variable of the vector.
    pub point: Vec<F>,
    /// The claimed value.
    pub value: F,
}

/// Absorbs the claim structure (vector sizes, claim owners) and values — the opening
/// statement — and returns ρ. Shared by prover and verifier. Claim points must be derived
/// from the same transcript (challenges, public segment bits).
pub fn absorb_claims<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    vector_vars: &[usize],
    claims: &[OpeningClaim<F>],
) -> Result<F, Error> {
    let mut shape = vec![vector_vars.len()];
    shape.extend_from_slice(vector_vars);
    shape.push(claims.len());
    shape.extend(claims.iter().map(|c| c.vector));
    transcript.absorb_usizes(labels::PCS_CLAIMS, &shape)?;
    // Points are not absorbed: each is derived from this transcript (challenges and public
    // segment bits), so the prover cannot choose them; absorbing them again would only cost
    // Poseidon permutations in the circuit.
    let values: Vec<F> = claims.iter().map(|c| c.value.clone()).collect();
    transcript.absorb(labels::PCS_CLAIMS, &values)?;
    Ok(transcript.challenge(labels::PCS_RHO)?)
}

/// Checks the statement's shape before any algebra: every vector within
/// [`MAX_VECTOR_VARS`], every claim on a vector the statement commits to, with one
/// coordinate per variable.
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
        crate::sumcheck::check_len("opening claim point", *vars, c.point.len())?;
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
