//! The row-split opening verifier: the field part (generic, to run in-circuit) and the group
//! part (native pairing check; on chain in Solidity).

use super::reduce::{claim_weights, pairs_composition, weight_at};
use super::{SplitEvals, SplitFieldProof, SplitOpeningProof, row_vars};
use crate::error::Error;
use crate::field::FieldOps;
use crate::pcs::chain::{rows_digest, split_digest, split_pairing_challenge};
use crate::pcs::laurent::e_eval;
use crate::pcs::srs::Srs;
use crate::pcs::verify::{FieldOutputs, MAX_VECTOR_VARS, MaskSlots, OpeningClaim, absorb_claims};
use crate::sumcheck::{VerifierInstance, check_len, verify_batched_bound};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};

/// The Keccak values the chain computes before the group part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitSeeds {
    /// s0 = keccak(tag, architecture, commitments, public values) mod r.
    pub s0: Fr,
    /// d₁ = keccak(H) mod r.
    pub d1: Fr,
    /// d₂ = keccak(Ĝ, Q, S₁, S₂) mod r.
    pub d2: Fr,
}

/// The evaluations message, in absorption order: f_k(ζ)…, Q(ζ), h(ζ), s₁(ζ), ĝ(ζ⁻¹), s₂(ζ⁻¹).
pub(super) fn evals_message<F: Clone>(evals: &SplitEvals<F>) -> Vec<F> {
    let mut all = evals.vector_evals.clone();
    all.extend([
        evals.q_at_zeta.clone(),
        evals.h_at_zeta.clone(),
        evals.s1_at_zeta.clone(),
        evals.g_rev_at_zeta_inv.clone(),
        evals.s2_at_zeta_inv.clone(),
    ]);
    all
}

/// x^(2^k) by k squarings.
fn pow_two_pow<F: FieldOps>(x: &F, k: usize) -> F {
    (0..k).fold(x.clone(), |acc, _| acc.mul(&acc))
}

/// Σ_{a < 2^k} x^a = Π_{j<k} (1 + x^(2^j)).
fn geometric<F: FieldOps>(x: &F, k: usize) -> F {
    let mut acc = F::one();
    let mut pow = x.clone();
    for j in 0..k {
        acc = acc.mul(&pow.add(&F::one()));
        if j + 1 < k {
            pow = pow.mul(&pow);
        }
    }
    acc
}

/// Checks an equality on the backend, failing with `what`.
fn require<F: FieldOps>(lhs: &F, rhs: &F, what: &'static str) -> Result<(), Error> {
    if lhs.enforce_equal(rhs)? {
        Ok(())
    } else {
        Err(Error::Opening { what })
    }
}

/// The field part: the claim-reduction sumcheck, then identities (D) and (L) at ζ, deriving
/// γ, y₁, y₂. `d1` and `d2` must be computed from the commitments by the caller (natively, or
/// by the chain). The claim on `mask` (value `evals.mask_eval`) joins `claims` last.
///
/// Order: claims → ρ → sumcheck → final values → β → d₁ → α, ρ₂ → d₂ → ζ → evaluations → γ.
pub fn verify_split_field<F: FieldOps, S: SpongeOps<F>>(
    vector_vars: &[usize],
    claims: &[OpeningClaim<F>],
    mask: &MaskSlots,
    proof: &SplitFieldProof<F>,
    d1: &F,
    d2: &F,
    transcript: &mut Transcript<F, S>,
) -> Result<FieldOutputs<F>, Error> {
    let evals = &proof.evals;
    let mut claims = claims.to_vec();
    claims.push(mask.claim(vector_vars, evals.mask_eval.clone())?);
    if let Some(n) = vector_vars.iter().find(|n| **n > MAX_VECTOR_VARS) {
        return Err(Error::TooLarge {
            what: "committed vector variables",
            value: *n,
            max: MAX_VECTOR_VARS,
        });
    }
    for c in &claims {
        let vars = vector_vars.get(c.vector).ok_or(Error::BlockShape {
            block: "opening",
            reason: "a claim names a vector the statement does not commit to",
        })?;
        check_len("opening claim point", *vars, c.point.len())?;
    }
    let k = vector_vars.len();
    check_len("opening vector evaluations", k, evals.vector_evals.len())?;
    let rho = absorb_claims(transcript, vector_vars, &claims)?;

    // 1. Claims → r*.
    let n = vector_vars.iter().copied().max().unwrap_or(0);
    let weights = claim_weights(&rho, claims.len());
    let sum = claims
        .iter()
        .zip(&weights)
        .fold(F::zero(), |acc, (c, w)| acc.add(&c.value.mul(w)));
    let composition = pairs_composition(k)?;
    let out = verify_batched_bound(
        &[VerifierInstance {
            num_vars: n,
            composition: &composition,
            claim: sum,
        }],
        &proof.reduction,
        Some(F::one()),
        transcript,
    )?
    .into_iter()
    .next()
    .ok_or(Error::Internal {
        what: "a batch of one instance has one output",
    })?;
    let point = out.point;
    check_len("claim-reduction final values", 2 * k, out.evals.len())?;
    // (W_k(r*), v_k) per vector; the weights are recomputed, the values combined with β.
    let mut values = Vec::with_capacity(k);
    for (vector, (vars, pair)) in vector_vars
        .iter()
        .zip(out.evals.chunks_exact(2))
        .enumerate()
    {
        let [sent_weight, value] = pair else {
            return Err(Error::ProofShape {
                what: "claim-reduction final values per vector",
                expected: 2,
                actual: pair.len(),
            });
        };
        let w = weight_at(vector, *vars, &claims, &weights, &point)?;
        require(sent_weight, &w, "claim-reduction weight of a vector")?;
        values.push(value);
    }
    let beta = transcript.challenge(labels::PCS_BETA)?;
    let mut v = F::zero();
    let mut f_zeta = F::zero();
    let mut bk = F::one();
    for (value, at_zeta) in values.into_iter().zip(&evals.vector_evals) {
        v = v.add(&bk.mul(value));
        f_zeta = f_zeta.add(&bk.mul(at_zeta));
        bk = bk.mul(&beta);
    }

    // 2–3. Row digest, fold challenges, split digest, ζ.
    transcript.absorb(labels::PCS_ROWS, std::slice::from_ref(d1))?;
    let fold = transcript.challenges(labels::PCS_FOLD, 2)?;
    let [alpha, rho2] = <[F; 2]>::try_from(fold).map_err(|_| Error::Internal {
        what: "the transcript returns the number of challenges asked for",
    })?;
    transcript.absorb(labels::PCS_SPLIT, std::slice::from_ref(d2))?;
    let zeta = transcript.challenge(labels::PCS_ZETA)?;
    let zeta_inv = zeta
        .checked_inverse()?
        .ok_or(Error::Opening { what: "ζ = 0" })?;

    // 4. (D) and (L) at ζ.
    let lo = row_vars(n);
    let (r_lo, r_hi) = point.split_at(lo.min(point.len()));
    let zeta_b = pow_two_pow(&zeta, lo);
    let g_at_zeta = zeta_b.mul(&zeta_inv).mul(&evals.g_rev_at_zeta_inv);
    let quotient_side = zeta_b.sub(&alpha).mul(&evals.q_at_zeta).add(&g_at_zeta);
    require(&f_zeta, &quotient_side, "fold identity at ζ")?;
    let a_at = e_eval(r_hi, &zeta_inv).sub(&rho2.mul(&geometric(&alpha.mul(&zeta_inv), n - lo)));
    let lhs = evals
        .h_at_zeta
        .mul(&a_at)
        .add(&rho2.mul(&g_at_zeta).mul(&e_eval(r_lo, &zeta_inv)));
    let rhs = v
        .add(&zeta.mul(&evals.s1_at_zeta))
        .add(&zeta_inv.mul(&evals.s2_at_zeta_inv));
    require(&lhs, &rhs, "row inner-product identity at ζ")?;

    // 5. γ, y₁, y₂.
    transcript.absorb(labels::PCS_EVALS, &evals_message(evals))?;
    let gamma = transcript.challenge(labels::PCS_GAMMA)?;
    let mut y1 = F::zero();
    let mut g = F::one();
    for e in
        evals
            .vector_evals
            .iter()
            .chain([&evals.q_at_zeta, &evals.h_at_zeta, &evals.s1_at_zeta])
    {
        y1 = y1.add(&g.mul(e));
        g = g.mul(&gamma);
    }
    let y2 = evals
        .g_rev_at_zeta_inv
        .add(&gamma.mul(&evals.s2_at_zeta_inv));
    Ok(FieldOutputs {
        zeta,
        zeta_inv,
        gamma,
        y1,
        y2,
    })
}

/// The group part on the seven opening points (H, Ĝ, Q, S₁, S₂, W₁, W₂) — what the chain holds:
/// e(F₁ − y₁G + ζW₁ + u(F₂ − y₂G + ζ⁻¹W₂), [1]₂) = e(W₁ + uW₂, [τ]₂) with
/// F₁ = Σ_k γ^k C_k + γ^K Q + γ^{K+1} H + γ^{K+2} S₁, F₂ = Ĝ + γS₂ and u drawn after y₁, y₂,
/// W₁, W₂ (and s0, d₁, d₂, ζ, γ) are fixed. d₁, d₂ are recomputed here and must equal the
/// seeds the field part used.
pub fn verify_split_group(
    srs: &Srs,
    commitments: &[G1Affine],
    [h, g_rev, q, s1, s2, w1, w2]: [G1Affine; 7],
    seeds: &SplitSeeds,
    out: &FieldOutputs<Fr>,
) -> Result<(), Error> {
    if out.zeta * out.zeta_inv != Fr::from(1u64) {
        return Err(Error::Opening {
            what: "ζ⁻¹ is not the inverse of ζ",
        });
    }
    if rows_digest(&h) != seeds.d1 {
        return Err(Error::Opening {
            what: "d₁ is not keccak(H)",
        });
    }
    if split_digest(&g_rev, &q, &s1, &s2) != seeds.d2 {
        return Err(Error::Opening {
            what: "d₂ is not keccak(Ĝ, Q, S₁, S₂)",
        });
    }
    let mut bases: Vec<G1Affine> = commitments.to_vec();
    bases.extend([q, h, s1]);
    let mut scalars = Vec::with_capacity(bases.len());
    let mut g = Fr::from(1u64);
    for _ in 0..bases.len() {
        scalars.push(g);
        g *= out.gamma;
    }
    let f1 = G1Projective::msm_unchecked(&bases, &scalars);
    let f2 = g_rev.into_group() + s2 * out.gamma;
    let g0 = G1Affine::generator();
    let u = split_pairing_challenge(&seeds.s0, &seeds.d1, &seeds.d2, out, &w1, &w2);
    let a = f1 - g0 * out.y1 + w1 * out.zeta + (f2 - g0 * out.y2 + w2 * out.zeta_inv) * u;
    let b = w1.into_group() + w2 * u;
    let check = Bn254::multi_pairing([a.into_affine(), (-b).into_affine()], [srs.g2, srs.tau_g2]);
    if check != PairingOutput::<Bn254>::default() {
        return Err(Error::Opening {
            what: "pairing check",
        });
    }
    Ok(())
}

/// The whole native verification: d₁, d₂ from the points, the field part, the group part.
/// `s0` is the statement seed the transcript started from.
#[allow(clippy::too_many_arguments)]
pub fn verify_split_opening(
    srs: &Srs,
    s0: &Fr,
    commitments: &[G1Affine],
    vector_vars: &[usize],
    claims: &[OpeningClaim<Fr>],
    mask: &MaskSlots,
    proof: &SplitOpeningProof,
    transcript: &mut NativeTranscript,
) -> Result<FieldOutputs<Fr>, Error> {
    check_len("commitments", vector_vars.len(), commitments.len())?;
    let d1 = rows_digest(&proof.h);
    let d2 = split_digest(&proof.g_rev, &proof.q, &proof.s1, &proof.s2);
    let out = verify_split_field(
        vector_vars,
        claims,
        mask,
        &proof.field,
        &d1,
        &d2,
        transcript,
    )?;
    verify_split_group(
        srs,
        commitments,
        proof.points(),
        &SplitSeeds { s0: *s0, d1, d2 },
        &out,
    )?;
    Ok(out)
}
