//! Attacks for soundness tests — **not part of the product API**.
//!
//! Compiled only with the `adversary` feature, which only the workspace's dev-dependencies
//! enable. Each attack satisfies every check but one, and the tests assert that the current
//! verifiers reject it at that check, and that a verifier without it ([`group_check_without_fold`])
//! accepts — which shows the tests would catch that check's removal.
//!
//! # The substituted model
//! The row-split opening's field part (what the Groth16 circuit proves) never sees a
//! commitment: a prover can run it honestly on any vectors it likes. Only the fold equation
//! (D) C_F − G + αQ = τ^b·Q in the pairing ties the opened F = Σ β^k f_k to the listed
//! commitments C_k. The adversary below keeps the registered model's commitment in the
//! statement, proves every block honestly for *other* weights, and opens those other weights:
//! the field part and both KZG evaluations hold, the fold does not.

use crate::error::Error;
use crate::pcs::chain::split_pairing_challenge;
use crate::pcs::{OpeningClaim, SplitOpeningProof, SplitOutputs, SplitSeeds, Srs, commit};
use crate::proof::model::{
    CommittedModel, ModelArchitecture, ModelProof, ModelWitness, PublicValues, prove_blocks,
};
use crate::proof::roles::ModelCommitments;
use crate::transcript::NativeTranscript;
use ark_bn254::{Bn254, Fr, G1Affine};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup};
use rand::RngCore;

/// The opening's pairing check without the fold (D): both KZG evaluations,
/// e(F_ζ − y_ζG + ζW_ζ + u(F_ι − y_ιG + ζ⁻¹W_ι), [1]₂) = e(W_ζ + uW_ι, [τ]₂), with the
/// current u. It never reads a commitment. Returns whether it accepts.
pub fn group_check_without_fold(
    srs: &Srs,
    points: [G1Affine; 8],
    seeds: &SplitSeeds<Fr>,
    out: &SplitOutputs<Fr>,
) -> bool {
    let [h, g, g_rev, _q, s1, s2, w_zeta, w_inv] = points;
    let gamma = out.gamma;
    let f_zeta = g_rev.into_group() + s2 * gamma;
    let f_inv = g.into_group() + (h.into_group() + s1 * gamma) * gamma;
    let g0 = G1Affine::generator();
    let u = split_pairing_challenge(&seeds.s0, &seeds.d1, &seeds.d2, out, &w_zeta, &w_inv);
    let p = f_zeta - g0 * out.y_zeta
        + w_zeta * out.zeta
        + (f_inv - g0 * out.y_inv + w_inv * out.zeta_inv) * u;
    let w = w_zeta.into_group() + w_inv * u;
    Bn254::multi_pairing([p.into_affine(), (-w).into_affine()], [srs.g2, srs.tau_g2])
        == PairingOutput::<Bn254>::default()
}

/// Opens `substitutes` — vectors other than the committed ones — honestly: the proof
/// satisfies the field part and both KZG evaluations for any commitments listed beside it.
pub fn forge_opening(
    srs: &Srs,
    substitutes: &[&[Fr]],
    claims: &[OpeningClaim<Fr>],
    transcript: &mut NativeTranscript,
) -> Result<SplitOpeningProof, Error> {
    crate::pcs::prove_split_opening(srs, substitutes, claims, transcript)
}

/// A forged model statement: the commitments it names, its public values and its proof.
pub struct ForgedModelStatement {
    /// The registered model, the honest trace and data commitments.
    pub commitments: ModelCommitments,
    /// The forged public values (e.g. logits the registered model does not compute).
    pub public: PublicValues,
    /// The proof: honest block messages for `fake`'s weights, the opening of `fake`'s model
    /// vector in place of the registered one.
    pub proof: ModelProof,
}

/// Forges a model statement about the registered model commitment `real` whose every block
/// message is honest for another witness `fake` (other weights, committed as
/// `fake.committed_model`, any input): the claims the blocks leave on the model vector are
/// true for the fake weights and false for the registered ones, and the opening opens the
/// fake model vector.
pub fn forge_model_statement(
    srs: &Srs,
    arch: &ModelArchitecture,
    real: G1Affine,
    fake: &ModelWitness<'_>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<ForgedModelStatement, Error> {
    let listed = CommittedModel {
        vector: fake.committed_model.vector.clone(),
        commitment: real,
    };
    let w = ModelWitness {
        committed_model: &listed,
        ..*fake
    };
    let mut stage = prove_blocks(srs, arch, &w, |trace| commit(srs, trace), rng)?;
    let mut vectors: Vec<&[Fr]> = vec![&fake.committed_model.vector, &stage.trace];
    if let Some(d) = fake.data.filter(|_| arch.has_data()) {
        vectors.push(&d.vector);
    }
    let opening = forge_opening(srs, &vectors, &stage.claims, &mut stage.transcript)?;
    let commitments = ModelCommitments {
        model: real,
        trace: stage.trace_commitment,
        data: fake.data.filter(|_| arch.has_data()).map(|d| d.commitment),
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
