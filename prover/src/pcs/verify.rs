//! Opening verification: the field part (generic, runs in-circuit) and the group part
//! (native pairing check; on chain in Solidity).

use super::chain::{pairing_challenge, quotient_digest};
use super::laurent::e_eval;
use super::layout::{Layout, Segment};
use super::open::{OpeningEvals, OpeningProof};
use super::srs::Srs;
use crate::error::Error;
use crate::field::FieldOps;
use crate::sumcheck::check_len;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};

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

/// Coordinates of the fixed point at which the opening claims the mask slots (the first
/// `log2(slots)` of them). Any point whose eq-weights differ across the slots works; (½, …, ½)
/// does not: equal weights leave the mask's share of q₂ a function of its share of f(ζ), and
/// one combination of the chain's values unmasked.
pub const MASK_POINT: [u64; 8] = [2, 3, 5, 7, 11, 13, 17, 19];

/// The slots of one committed vector that hold this proof's fresh randomness (the trace's
/// mask, DESIGN §7). The opening adds one claim on them, their MLE at [`MASK_POINT`]: the
/// mask slots sit at the top of the vector, so without that claim they would reach only q₁
/// (the positive powers of f(X)·E(1/X)); with it, they reach q₂ too, with weights that differ
/// slot by slot, and the linear map from the 8 slots to what the chain sees of the trace
/// (C, Q₁, Q₂, y₁, y₂; W₁ and W₂ follow from those) has full rank, so all of it is masked.
/// The claim is true by construction and proven by the opening like any other, so it cannot
/// weaken soundness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaskSlots {
    /// Index of the vector (in commitment order).
    pub vector: usize,
    /// Where its mask slots are.
    pub segment: Segment,
}

impl MaskSlots {
    /// The mask slots of vector `vector` of a statement whose vectors have `layouts`.
    pub fn of(layouts: &[Layout], vector: usize) -> Result<Self, Error> {
        let layout = layouts.get(vector).ok_or(Error::Opening {
            what: "mask slots on a vector the statement does not have",
        })?;
        Ok(Self {
            vector,
            segment: layout.mask,
        })
    }

    /// The point inside the segment at which the slots are claimed.
    pub fn local_point<F: FieldOps>(&self) -> Result<Vec<F>, Error> {
        let coords = MASK_POINT
            .get(..self.segment.log_len)
            .ok_or(Error::Opening {
                what: "more mask slots than the mask point covers",
            })?;
        Ok(coords.iter().map(|c| F::constant(Fr::from(*c))).collect())
    }

    /// The claim on the mask slots at [`MASK_POINT`] with the prover's `value`.
    pub fn claim<F: FieldOps>(
        &self,
        vector_vars: &[usize],
        value: F,
    ) -> Result<OpeningClaim<F>, Error> {
        let vars = *vector_vars.get(self.vector).ok_or(Error::Opening {
            what: "mask slots on a vector the statement does not have",
        })?;
        if self.segment.log_len > vars
            || self.segment.offset.checked_shr(vars as u32).unwrap_or(0) != 0
        {
            return Err(Error::Opening {
                what: "mask slots outside their vector",
            });
        }
        Ok(OpeningClaim {
            vector: self.vector,
            point: self.segment.point(&self.local_point::<F>()?, vars),
            value,
        })
    }
}

/// What the field part hands to the group part (and, on chain, the Groth16 public inputs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldOutputs<F> {
    /// The evaluation point ζ.
    pub zeta: F,
    /// ζ⁻¹.
    pub zeta_inv: F,
    /// The combination challenge γ.
    pub gamma: F,
    /// y₁ = Σ_k γ^k f_k(ζ) + γ^K q₁(ζ), the value of F₁ at ζ.
    pub y1: F,
    /// y₂ = q₂(ζ⁻¹).
    pub y2: F,
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

/// The field part: checks the batched inner-product identity at ζ and derives γ, y₁, y₂.
/// `kp` must be computed from Q₁, Q₂ by the caller (natively, or by the chain). The claim on
/// `mask` (value `evals.mask_eval`) joins `claims` last.
///
/// Order: the claims (with the mask claim) are absorbed, then ρ is drawn; then kp, then ζ;
/// then every evaluation at ζ and ζ⁻¹, then γ.
pub fn verify_field<F: FieldOps, S: SpongeOps<F>>(
    vector_vars: &[usize],
    claims: &[OpeningClaim<F>],
    mask: &MaskSlots,
    kp: &F,
    evals: &OpeningEvals<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<FieldOutputs<F>, Error> {
    // Sizes first: the mask claim shifts by them.
    if let Some(n) = vector_vars.iter().find(|n| **n > MAX_VECTOR_VARS) {
        return Err(Error::TooLarge {
            what: "committed vector variables",
            value: *n,
            max: MAX_VECTOR_VARS,
        });
    }
    let mut claims = claims.to_vec();
    claims.push(mask.claim(vector_vars, evals.mask_eval.clone())?);
    let claims = claims.as_slice();
    for c in claims {
        let vars = vector_vars.get(c.vector).ok_or(Error::BlockShape {
            block: "opening",
            reason: "a claim names a vector the statement does not commit to",
        })?;
        check_len("opening claim point", *vars, c.point.len())?;
    }
    check_len(
        "opening vector evaluations",
        vector_vars.len(),
        evals.vector_evals.len(),
    )?;

    let rho = absorb_claims(transcript, vector_vars, claims)?;
    transcript.absorb(labels::PCS_KP, std::slice::from_ref(kp))?;
    let zeta = transcript.challenge(labels::PCS_ZETA)?;
    let zeta_inv = zeta
        .checked_inverse()?
        .ok_or(Error::Opening { what: "ζ = 0" })?;

    // Σ_c ρ^c f_{k_c}(ζ) e_{r_c}(1/ζ) = Σ_c ρ^c y_c + ζ q₁(ζ) + ζ⁻¹ q₂(1/ζ)
    let mut lhs = F::zero();
    let mut rhs = zeta
        .mul(&evals.q1_at_zeta)
        .add(&zeta_inv.mul(&evals.q2_at_zeta_inv));
    let mut weight = F::one();
    for c in claims {
        let v = evals.vector_evals.get(c.vector).ok_or(Error::Opening {
            what: "claim vector",
        })?;
        lhs = lhs.add(&weight.mul(v).mul(&e_eval(&c.point, &zeta_inv)));
        rhs = rhs.add(&weight.mul(&c.value));
        weight = weight.mul(&rho);
    }
    if !lhs.enforce_equal(&rhs)? {
        return Err(Error::Opening {
            what: "inner-product identity at ζ",
        });
    }

    let mut all = evals.vector_evals.clone();
    all.push(evals.q1_at_zeta.clone());
    all.push(evals.q2_at_zeta_inv.clone());
    transcript.absorb(labels::PCS_EVALS, &all)?;
    let gamma = transcript.challenge(labels::PCS_GAMMA)?;
    let mut y1 = F::zero();
    let mut g = F::one();
    for v in evals
        .vector_evals
        .iter()
        .chain(std::iter::once(&evals.q1_at_zeta))
    {
        y1 = y1.add(&g.mul(v));
        g = g.mul(&gamma);
    }
    Ok(FieldOutputs {
        zeta,
        zeta_inv,
        gamma,
        y1,
        y2: evals.q2_at_zeta_inv.clone(),
    })
}

/// The Keccak values the chain computes before the group part: s0 over the statement and
/// kp = keccak(Q₁, Q₂). u is derived from them, so the group check knows what it binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainSeeds {
    /// s0 = keccak(tag, architecture, commitments, public values) mod r.
    pub s0: Fr,
    /// kp = keccak(Q₁, Q₂) mod r.
    pub kp: Fr,
}

/// The group part: e(F₁ − y₁G + ζW₁ + u(Q₂ − y₂G + ζ⁻¹W₂), [1]₂) = e(W₁ + uW₂, [τ]₂) with
/// F₁ = Σ_k γ^k C_k + γ^K Q₁ and u = keccak(U_TAG, s0, kp, W₁, W₂, ζ, ζ⁻¹, γ, y₁, y₂) mod r.
pub fn verify_group(
    srs: &Srs,
    commitments: &[G1Affine],
    proof: &OpeningProof,
    seeds: &ChainSeeds,
    out: &FieldOutputs<Fr>,
) -> Result<(), Error> {
    verify_group_points(
        srs,
        commitments,
        [proof.q1, proof.q2, proof.w1, proof.w2],
        seeds,
        out,
    )
}

/// [`verify_group`] on the four opening points (Q₁, Q₂, W₁, W₂) alone — what the chain holds.
///
/// u is drawn after y₁, y₂, W₁ and W₂ are all fixed (and after s0, kp, ζ, γ): the check is a
/// random combination of two KZG openings, sound only if neither claimed value can be chosen
/// after u is known. kp is recomputed here from Q₁, Q₂ and must equal `seeds.kp`.
pub fn verify_group_points(
    srs: &Srs,
    commitments: &[G1Affine],
    [q1, q2, w1, w2]: [G1Affine; 4],
    seeds: &ChainSeeds,
    out: &FieldOutputs<Fr>,
) -> Result<(), Error> {
    if out.zeta * out.zeta_inv != Fr::from(1u64) {
        return Err(Error::Opening {
            what: "ζ⁻¹ is not the inverse of ζ",
        });
    }
    if quotient_digest(&q1, &q2) != seeds.kp {
        return Err(Error::Opening {
            what: "kp is not keccak(Q₁, Q₂)",
        });
    }
    let mut bases: Vec<G1Affine> = commitments.to_vec();
    bases.push(q1);
    let mut scalars = Vec::with_capacity(bases.len());
    let mut g = Fr::from(1u64);
    for _ in 0..bases.len() {
        scalars.push(g);
        g *= out.gamma;
    }
    let f1 = G1Projective::msm_unchecked(&bases, &scalars);
    let g0 = G1Affine::generator();
    let u = pairing_challenge(&seeds.s0, &seeds.kp, out, &w1, &w2);
    let a =
        f1 - g0 * out.y1 + w1 * out.zeta + (q2.into_group() - g0 * out.y2 + w2 * out.zeta_inv) * u;
    let b = w1.into_group() + w2 * u;
    let check = Bn254::multi_pairing([a.into_affine(), (-b).into_affine()], [srs.g2, srs.tau_g2]);
    if check != PairingOutput::<Bn254>::default() {
        return Err(Error::Opening {
            what: "pairing check",
        });
    }
    Ok(())
}

/// The whole native verification of an opening: kp from Q₁, Q₂, the field part, the group part.
/// `s0` is the statement seed the transcript started from.
pub fn verify_opening(
    srs: &Srs,
    s0: &Fr,
    commitments: &[G1Affine],
    vector_vars: &[usize],
    claims: &[OpeningClaim<Fr>],
    mask: &MaskSlots,
    proof: &OpeningProof,
    transcript: &mut NativeTranscript,
) -> Result<FieldOutputs<Fr>, Error> {
    check_len("commitments", vector_vars.len(), commitments.len())?;
    let kp = quotient_digest(&proof.q1, &proof.q2);
    let out = verify_field(vector_vars, claims, mask, &kp, &proof.evals, transcript)?;
    verify_group(srs, commitments, proof, &ChainSeeds { s0: *s0, kp }, &out)?;
    Ok(out)
}
