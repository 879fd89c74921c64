//! Attacks for soundness tests — **not part of the product API**.
//!
//! Compiled only with the `adversary` feature, which only the workspace's dev-dependencies
//! enable. Each attack is an adaptive forgery: the adversary reads a challenge and then picks
//! the values the checks need. The tests assert that the current verifiers reject every one,
//! and that the pre-fix check ([`legacy_group_check`]) accepted them, which shows the tests
//! would have caught the bug they pin.
//!
//! # The forged opening (soundness issue §1)
//! The pre-fix chain challenge was u = keccak(ζ, W₁, W₂): it did not bind y₁, y₂. A prover
//! that owns every commitment but the model's (trace, data) sets them, Q₁, Q₂ and W₂ to the
//! point at infinity, takes W₁ the honest KZG quotient of the model polynomial f₀ at ζ, reads
//! u, and then solves two linear equations for the model evaluation e₀ and for q₂(1/ζ):
//!   L·e₀ − ζ⁻¹·q₂ = Y          (the inner-product identity at ζ, DESIGN §10)
//!   e₀ + u·q₂    = f₀(ζ)       (what the pairing reduces to)
//! with L = Σ_{claims c on the model} ρ^c e_{r_c}(1/ζ) and Y = Σ_c ρ^c y_c, every other
//! evaluation 0. Every claim is then "proven", however false.

use crate::error::Error;
use crate::field::encoding::{fr_to_word, g1_to_words};
use crate::pcs::chain::{keccak_words_mod_r, quotient_digest};
use crate::pcs::laurent::{divide_by_linear, e_eval, evaluate};
use crate::pcs::{
    FieldOutputs, MaskSlots, OpeningClaim, OpeningEvals, OpeningProof, Srs, absorb_claims, commit,
};
use crate::proof::model::{
    CommittedData, CommittedModel, ModelArchitecture, ModelProof, ModelWitness, PublicValues,
    prove_blocks,
};
use crate::proof::roles::ModelCommitments;
use crate::transcript::{NativeTranscript, labels};
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{AdditiveGroup, Field};
use rand::RngCore;

/// The pre-fix pairing challenge u = keccak(ζ, W₁, W₂) mod r (binds neither y₁ nor y₂).
pub fn legacy_pairing_challenge(zeta: &Fr, w1: &G1Affine, w2: &G1Affine) -> Fr {
    let mut words = vec![fr_to_word(zeta)];
    words.extend([w1, w2].iter().flat_map(|p| g1_to_words(p)));
    keccak_words_mod_r(&words)
}

/// The pre-fix group check e(F₁ − y₁G + ζW₁ + u(Q₂ − y₂G + ζ⁻¹W₂), [1]₂) = e(W₁ + uW₂, [τ]₂)
/// with the legacy u. Returns whether it accepts.
pub fn legacy_group_check(
    srs: &Srs,
    commitments: &[G1Affine],
    [q1, q2, w1, w2]: [G1Affine; 4],
    out: &FieldOutputs<Fr>,
) -> bool {
    let mut bases = commitments.to_vec();
    bases.push(q1);
    let scalars: Vec<Fr> = std::iter::successors(Some(Fr::ONE), |g| Some(*g * out.gamma))
        .take(bases.len())
        .collect();
    let f1 = G1Projective::msm_unchecked(&bases, &scalars);
    let g0 = G1Affine::generator();
    let u = legacy_pairing_challenge(&out.zeta, &w1, &w2);
    let a =
        f1 - g0 * out.y1 + w1 * out.zeta + (q2.into_group() - g0 * out.y2 + w2 * out.zeta_inv) * u;
    let b = w1.into_group() + w2 * u;
    Bn254::multi_pairing([a.into_affine(), (-b).into_affine()], [srs.g2, srs.tau_g2])
        == PairingOutput::<Bn254>::default()
}

/// Forges an opening of arbitrary `claims` against commitments [C₀, ∞, ∞, …], where C₀
/// commits `model_vector` and the adversary set every other commitment to the point at
/// infinity. `transcript` is the statement's transcript just before the opening (the claims
/// are absorbed here, as the verifier does). The result satisfies the inner-product identity
/// and the legacy group check; the current verifier rejects it.
pub fn forge_opening(
    srs: &Srs,
    model_vector: &[Fr],
    vector_vars: &[usize],
    claims: &[OpeningClaim<Fr>],
    mask: &MaskSlots,
    transcript: &mut NativeTranscript,
) -> Result<OpeningProof, Error> {
    let infinity = G1Affine::identity();
    // The mask claim is on a vector the adversary set to infinity: any value, 0 here.
    let mut claims = claims.to_vec();
    claims.push(mask.claim(vector_vars, Fr::ZERO)?);
    let claims = claims.as_slice();
    let rho = absorb_claims(transcript, vector_vars, claims)?;
    transcript.absorb(labels::PCS_KP, &[quotient_digest(&infinity, &infinity)])?;
    let zeta: Fr = transcript.challenge(labels::PCS_ZETA)?;
    let zeta_inv = zeta.inverse().ok_or(Error::Opening { what: "ζ = 0" })?;
    // W₁ is the honest quotient of f₀ at ζ: fixed before u, as the legacy u requires.
    let a = evaluate(model_vector, zeta);
    let w1 = commit(srs, &divide_by_linear(model_vector, zeta))?;
    let u = legacy_pairing_challenge(&zeta, &w1, &infinity);
    // Solve L·e₀ − ζ⁻¹·q₂ = Y and e₀ + u·q₂ = a for (e₀, q₂), after reading u.
    let (mut l, mut y, mut w) = (Fr::ZERO, Fr::ZERO, Fr::ONE);
    for c in claims {
        if c.vector == 0 {
            l += w * e_eval(&c.point, &zeta_inv);
        }
        y += w * c.value;
        w *= rho;
    }
    let q2 = (l * a - y)
        * (l * u + zeta_inv).inverse().ok_or(Error::Opening {
            what: "degenerate forgery",
        })?;
    let e0 = a - u * q2;
    let mut vector_evals = vec![Fr::ZERO; vector_vars.len()];
    if let Some(first) = vector_evals.first_mut() {
        *first = e0;
    }
    Ok(OpeningProof {
        q1: infinity,
        q2: infinity,
        evals: OpeningEvals {
            vector_evals,
            q1_at_zeta: Fr::ZERO,
            q2_at_zeta_inv: q2,
            mask_eval: Fr::ZERO,
        },
        w1,
        w2: infinity,
    })
}

/// A forged model statement: the commitments it names, its public values and its proof.
pub struct ForgedModelStatement {
    /// The registered model; the trace and data (if any) at infinity.
    pub commitments: ModelCommitments,
    /// The forged public values (e.g. logits the registered model does not compute).
    pub public: PublicValues,
    /// The proof: honest block messages for `fake`'s weights, forged opening.
    pub proof: ModelProof,
}

/// Forges a model statement about the registered model `real` whose every block message is
/// honest for another witness `fake` (other weights, any input): the claims the blocks leave
/// on the model vector are false for `real`, and the forged opening "proves" them. The trace
/// and data commitments are the point at infinity.
pub fn forge_model_statement(
    srs: &Srs,
    arch: &ModelArchitecture,
    real: &CommittedModel,
    fake: &ModelWitness<'_>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<ForgedModelStatement, Error> {
    let infinity = G1Affine::identity();
    let data = fake.data.map(|d| CommittedData {
        vector: d.vector.clone(),
        commitment: infinity,
    });
    let w = ModelWitness {
        model: fake.model,
        committed_model: real,
        data: data.as_ref(),
        trace: fake.trace,
        labels: fake.labels,
    };
    let mut stage = prove_blocks(srs, arch, &w, |_| Ok(infinity), rng)?;
    let opening = forge_opening(
        srs,
        &real.vector,
        &stage.vector_vars,
        &stage.claims,
        &stage.mask,
        &mut stage.transcript,
    )?;
    let commitments = ModelCommitments {
        model: real.commitment,
        trace: stage.trace_commitment,
        data: arch.has_data().then_some(infinity),
    };
    Ok(ForgedModelStatement {
        commitments,
        public: stage.public,
        proof: ModelProof {
            trace_commitment: stage.trace_commitment,
            salt: stage.salt,
            body: stage.body,
            opening,
        },
    })
}
