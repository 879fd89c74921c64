//! The row-split opening verifier: the field part (generic, to run in-circuit) and the group
//! part (native pairing check; on chain in Solidity).

use super::reduce::{claim_weights, pairs_composition, weight_at};
use super::{SplitEvals, SplitFieldProof, SplitOpeningProof, SplitOutputs, row_vars};
use crate::error::Error;
use crate::field::FieldOps;
use crate::pcs::chain::{rows_digest, split_digest, split_pairing_challenge};
use crate::pcs::claims::{OpeningClaim, absorb_claims, check_claims};
use crate::pcs::laurent::e_eval;
use crate::pcs::srs::Srs;
use crate::sumcheck::{VerifierInstance, check_len, verify_rounds_bound};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};

/// What fails when a claim on a committed vector is false (or a reduction message is): the
/// claim-reduction sumcheck's final check.
pub const CLAIM_REDUCTION: &str =
    "claim-reduction sumcheck (a claim on a committed vector, or a reduction message, is false)";

/// The Keccak values the chain computes from group elements: the field part reads them (in the
/// circuit, as public inputs) and the group part recomputes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitSeeds<F> {
    /// s0 = keccak(tag, architecture, commitments, public values) mod r.
    pub s0: F,
    /// d₁ = keccak(H) mod r.
    pub d1: F,
    /// d₂ = keccak(G, Ĝ, Q, S₁, S₂) mod r.
    pub d2: F,
}

impl SplitSeeds<Fr> {
    /// The seeds of an opening proof under statement seed `s0`.
    pub fn of(s0: Fr, proof: &SplitOpeningProof) -> Self {
        Self {
            s0,
            d1: rows_digest(&proof.h),
            d2: split_digest(&[proof.g, proof.g_rev, proof.q, proof.s1, proof.s2]),
        }
    }
}

/// The evaluations message, in absorption order: g(ζ⁻¹), h(ζ⁻¹), s₁(ζ⁻¹), ĝ(ζ), s₂(ζ).
pub(super) fn evals_message<F: Clone>(evals: &SplitEvals<F>) -> Vec<F> {
    vec![
        evals.g_at_zeta_inv.clone(),
        evals.h_at_zeta_inv.clone(),
        evals.s1_at_zeta_inv.clone(),
        evals.g_rev_at_zeta.clone(),
        evals.s2_at_zeta.clone(),
    ]
}

/// The fold point α and the identity-batching ρ₂, drawn together after d₁ (prover and
/// verifier alike).
pub(super) fn fold_challenges<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
) -> Result<[F; 2], Error> {
    <[F; 2]>::try_from(transcript.challenges(labels::PCS_FOLD, 2)?).map_err(|_| Error::Internal {
        what: "the transcript returns the number of challenges asked for",
    })
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

/// The field part: the claim-reduction sumcheck, then identities (R) and (L) at ζ, deriving
/// β, α, ζ, γ, y_ζ, y_ι for the group part (which checks the fold (D)). `d1` and `d2` must
/// be computed from the commitments by the caller (natively, or by the chain).
///
/// Order: claims → ρ → sumcheck → final values → β → d₁ → α, ρ₂ → d₂ → ζ → evaluations → γ.
/// Precondition: every claim value is already bound by `transcript` (see
/// [`crate::pcs::absorb_claims`]; a standalone opening calls
/// [`crate::pcs::bind_claim_values`] first).
pub fn verify_split_field<F: FieldOps, S: SpongeOps<F>>(
    vector_vars: &[usize],
    claims: &[OpeningClaim<F>],
    proof: &SplitFieldProof<F>,
    d1: &F,
    d2: &F,
    transcript: &mut Transcript<F, S>,
) -> Result<SplitOutputs<F>, Error> {
    let evals = &proof.evals;
    check_claims(vector_vars, claims)?;
    let k = vector_vars.len();
    let rho = absorb_claims(transcript, vector_vars, claims)?;

    // 1. Claims → r*.
    let n = vector_vars.iter().copied().max().unwrap_or(0);
    let weights = claim_weights(&rho, claims.len());
    let sum = claims
        .iter()
        .zip(&weights)
        .fold(F::zero(), |acc, (c, w)| acc.add(&c.value.mul(w)));
    let composition = pairs_composition(k)?;
    let (point, claim, _) = verify_rounds_bound(
        &[VerifierInstance {
            num_vars: n,
            composition: &composition,
            claim: sum,
        }],
        &proof.reduction.rounds,
        Some(F::one()),
        transcript,
    )?;
    // The final message is v_k = f̃_k(r*) per vector, absorbed before β; the weights W_k(r*)
    // are the verifier's own, so the final check Σ W_k(r*)·v_k = claim binds every claim.
    let [values] = proof.reduction.final_evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "claim-reduction final value sets",
            expected: 1,
            actual: proof.reduction.final_evals.len(),
        });
    };
    check_len("claim-reduction final values", k, values.len())?;
    transcript.absorb(labels::SUMCHECK_FINAL, values)?;
    let mut expected = F::zero();
    for (vector, (vars, value)) in vector_vars.iter().zip(values).enumerate() {
        let w = weight_at(vector, *vars, claims, &weights, &point)?;
        expected = expected.add(&w.mul(value));
    }
    require(&expected, &claim, CLAIM_REDUCTION)?;
    let beta = transcript.challenge(labels::PCS_BETA)?;
    let mut v = F::zero();
    let mut bk = F::one();
    for value in values {
        v = v.add(&bk.mul(value));
        bk = bk.mul(&beta);
    }

    // 2–3. Row digest, fold challenges, split digest, ζ.
    transcript.absorb(labels::PCS_ROWS, std::slice::from_ref(d1))?;
    let [alpha, rho2] = fold_challenges(transcript)?;
    transcript.absorb(labels::PCS_SPLIT, std::slice::from_ref(d2))?;
    let zeta = transcript.challenge(labels::PCS_ZETA)?;
    let zeta_inv = zeta
        .checked_inverse()?
        .ok_or(Error::Opening { what: "ζ = 0" })?;

    // 4. (R) and (L).
    let lo = row_vars(n);
    let (r_lo, r_hi) = point.split_at(lo.min(point.len()));
    let zeta_b = pow_two_pow(&zeta, lo);
    let reversed = zeta_b.mul(&zeta_inv).mul(&evals.g_at_zeta_inv);
    require(
        &evals.g_rev_at_zeta,
        &reversed,
        "fold degree (reversal) at ζ",
    )?;
    let a_at = e_eval(r_hi, &zeta).sub(&rho2.mul(&geometric(&alpha.mul(&zeta), n - lo)));
    let lhs = evals
        .h_at_zeta_inv
        .mul(&a_at)
        .add(&rho2.mul(&evals.g_at_zeta_inv).mul(&e_eval(r_lo, &zeta)));
    let rhs = v
        .add(&zeta_inv.mul(&evals.s1_at_zeta_inv))
        .add(&zeta.mul(&evals.s2_at_zeta));
    require(&lhs, &rhs, "row inner-product identity at ζ⁻¹")?;

    // 5. γ, y_ζ, y_ι.
    transcript.absorb(labels::PCS_EVALS, &evals_message(evals))?;
    let gamma = transcript.challenge(labels::PCS_GAMMA)?;
    let y_zeta = evals.g_rev_at_zeta.add(&gamma.mul(&evals.s2_at_zeta));
    let y_inv = evals
        .g_at_zeta_inv
        .add(&gamma.mul(&evals.h_at_zeta_inv.add(&gamma.mul(&evals.s1_at_zeta_inv))));
    Ok(SplitOutputs {
        beta,
        alpha,
        zeta,
        zeta_inv,
        gamma,
        y_zeta,
        y_inv,
        row: 1 << lo,
    })
}

/// The group part on the eight opening points (H, G, Ĝ, Q, S₁, S₂, W_ζ, W_ι) — what the chain
/// holds: e(P, [1]₂)·e(−(W_ζ + uW_ι), [τ]₂)·e(−u²Q, [τ^b]₂) = 1 with
/// P = F_ζ − y_ζG + ζW_ζ + u(F_ι − y_ιG + ζ⁻¹W_ι) + u²(C_F − G + αQ), F_ζ = Ĝ + γS₂,
/// F_ι = G + γH + γ²S₁, C_F = Σ_k β^k C_k, and u drawn after every value of the three
/// equations. d₁, d₂ are recomputed here and must equal the seeds the field part used; the
/// caller must have bound `commitments` into s0.
pub fn verify_split_group(
    srs: &Srs,
    commitments: &[G1Affine],
    points: [G1Affine; 8],
    seeds: &SplitSeeds<Fr>,
    out: &SplitOutputs<Fr>,
) -> Result<(), Error> {
    let [h, g, g_rev, q, s1, s2, w_zeta, w_inv] = points;
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
    if split_digest(&[g, g_rev, q, s1, s2]) != seeds.d2 {
        return Err(Error::Opening {
            what: "d₂ is not keccak(G, Ĝ, Q, S₁, S₂)",
        });
    }
    let tau_b = srs.tau_power_g2(out.row)?;
    let mut beta_powers = Vec::with_capacity(commitments.len());
    let mut bk = Fr::from(1u64);
    for _ in commitments {
        beta_powers.push(bk);
        bk *= out.beta;
    }
    let c_f = G1Projective::msm_unchecked(commitments, &beta_powers);
    let gamma = out.gamma;
    let f_zeta = g_rev.into_group() + s2 * gamma;
    let f_inv = g.into_group() + (h.into_group() + s1 * gamma) * gamma;
    let g0 = G1Affine::generator();
    let u = split_pairing_challenge(&seeds.s0, &seeds.d1, &seeds.d2, out, &w_zeta, &w_inv);
    let u2 = u * u;
    let p = f_zeta - g0 * out.y_zeta
        + w_zeta * out.zeta
        + (f_inv - g0 * out.y_inv + w_inv * out.zeta_inv) * u
        + (c_f - g + q * out.alpha) * u2;
    let w = w_zeta.into_group() + w_inv * u;
    let check = Bn254::multi_pairing(
        [
            p.into_affine(),
            (-w).into_affine(),
            (-(q * u2)).into_affine(),
        ],
        [srs.g2, srs.tau_g2, tau_b],
    );
    if check != PairingOutput::<Bn254>::default() {
        return Err(Error::Opening {
            what: "pairing check",
        });
    }
    Ok(())
}

/// The whole native verification: d₁, d₂ from the points, the field part, the group part.
/// `s0` is the statement seed the transcript started from.
/// Precondition: every claim value is already bound by `transcript` (see
/// [`crate::pcs::absorb_claims`]; a standalone opening calls
/// [`crate::pcs::bind_claim_values`] first).
pub fn verify_split_opening(
    srs: &Srs,
    s0: &Fr,
    commitments: &[G1Affine],
    vector_vars: &[usize],
    claims: &[OpeningClaim<Fr>],
    proof: &SplitOpeningProof,
    transcript: &mut NativeTranscript,
) -> Result<SplitOutputs<Fr>, Error> {
    check_len("commitments", vector_vars.len(), commitments.len())?;
    let seeds = SplitSeeds::of(*s0, proof);
    let out = verify_split_field(
        vector_vars,
        claims,
        &proof.field,
        &seeds.d1,
        &seeds.d2,
        transcript,
    )?;
    verify_split_group(srs, commitments, proof.points(), &seeds, &out)?;
    Ok(out)
}
