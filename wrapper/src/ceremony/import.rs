//! Importing a ceremony's final `.zkey` as keys for one architecture.
//!
//! What import checks natively, against the architecture's own circuit (synthesized here, not
//! read from any file) and the Powers-of-Tau file:
//! - the wire, public-input and domain sizes, and **every** A and B coefficient, including
//!   the public-input rows: the key is for this circuit and no other;
//! - [α]₁, [β]₁, [β]₂ are the Powers of Tau's (phase 2 never changes them), and [γ]₂ is the
//!   G2 generator (as snarkjs sets it): the key descends from this Powers of Tau;
//! - [δ]₁ and [δ]₂ agree (one pairing), there is at least one contribution, and [δ]₁ is the δ
//!   the last contribution left.
//!
//! What it leaves to `snarkjs zkey verify`, whose verdict on these exact bytes import requires
//! ([`Verified`]): that the query points are the circuit's polynomials at the Powers of Tau's
//! τ, divided by δ where they must be, and that every contribution's proof of knowledge chains
//! from the initial key. A key that passed both is sound if one contributor and the Powers of
//! Tau were honest — with one repair import makes itself:
//!
//! **The H query's unchecked direction.** snarkjs's check of the H points (a random linear
//! combination, `sameRatioH`) covers the n − 1 dimensions an honest prover uses — the values
//! of Z·q, deg q ≤ n − 2, at the odd 2n-th roots x_j — and not the n-th: the direction
//! c_j = x_j/(2n), orthogonal to them, which the vector u_j = −2·x_j^(n−1) reaches (Σ u_j·c_j
//! = 1). A coordinator who adds c_j·P to the initial key's H_j passes `zkey verify` however
//! honest the later contributors, and a prover using coefficients u then adds P/δ to its
//! proof's C: with P the Lagrange point of one constraint row, that row need not hold — a
//! forgery. Import projects the direction out, H_j ← H_j − c_j·Σ_k u_k·H_k: honest provers
//! never use it (their coefficients are orthogonal to c), and the H query then spans exactly
//! [Z(τ)·q(τ)/δ]₁ for deg q ≤ n − 2, as in Groth16's own setup.

use super::Verified;
use super::zkey::{self, Coefficient};
use crate::error::Error;
use crate::groth16::Keys;
use crate::origin::{CeremonyRecord, KeyOrigin};
use crate::r1cs::synthesize;
use crate::wrap::placeholder;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::BatchMulPreprocessing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{FftField, Field, One};
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain};
use ark_relations::gr1cs::R1CS_PREDICATE_LABEL;
use blake2::{Blake2b512, Digest};
use rayon::prelude::*;
use zkmodel_prover::pcs::ptau;
use zkmodel_prover::proof::statement::Statement;

fn mismatch(check: &'static str, expected: impl ToString, actual: impl ToString) -> Error {
    Error::CeremonyMismatch {
        check,
        expected: expected.to_string(),
        actual: actual.to_string(),
    }
}

fn same<T: PartialEq + ToString>(check: &'static str, expected: T, actual: T) -> Result<(), Error> {
    if expected == actual {
        Ok(())
    } else {
        Err(mismatch(check, expected, actual))
    }
}

/// The circuit's A and B coefficients as snarkjs lists them in a zkey: row by row, A's
/// terms then B's, then the rows putting each public wire (the constant one first) into A.
fn expected_coefficients(
    a: &[Vec<(Fr, usize)>],
    b: &[Vec<(Fr, usize)>],
    constraints: usize,
    public_inputs: usize,
) -> Vec<Coefficient> {
    let term = |matrix: u32, row: usize, &(value, wire): &(Fr, usize)| Coefficient {
        matrix,
        row: row as u32,
        wire: wire as u32,
        value,
    };
    let mut out = Vec::new();
    for row in 0..constraints {
        for (matrix, m) in [(0, a), (1, b)] {
            out.extend(
                m.get(row)
                    .into_iter()
                    .flatten()
                    .map(|t| term(matrix, row, t)),
            );
        }
    }
    out.extend((0..=public_inputs).map(|wire| term(0, constraints + wire, &(Fr::one(), wire))));
    out
}

fn describe(c: Option<&Coefficient>) -> String {
    c.map_or("nothing".into(), |c| {
        format!(
            "{} row {} wire {} value {}",
            ["A", "B"].get(c.matrix as usize).unwrap_or(&"?"),
            c.row,
            c.wire,
            c.value
        )
    })
}

/// Removes from the H query the direction `zkey verify` does not check (module doc).
fn project_h(h: &mut [G1Affine]) -> Result<(), Error> {
    let n = h.len();
    let unsupported = || mismatch("a QAP domain", "a power of two ≤ 2^27", n);
    let step = Fr::get_root_of_unity(2 * n as u64).ok_or_else(unsupported)?;
    let inv_2n = Fr::from(2 * n as u64).inverse().ok_or_else(unsupported)?;
    let omega = step.square();
    let mut x = step;
    let (mut u, mut c) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        u.push(-(x.pow([n as u64 - 1]) * Fr::from(2u64)));
        c.push(x * inv_2n);
        x *= omega;
    }
    let along: G1Projective = VariableBaseMSM::msm(h, &u).map_err(|_| unsupported())?;
    let shifts = BatchMulPreprocessing::new(along, n).batch_mul(&c);
    h.par_iter_mut()
        .zip(shifts.par_iter())
        .for_each(|(p, s)| *p = (*p - s).into_affine());
    Ok(())
}

/// Imports a ceremony's final zkey as keys for `arch`, checking it against the
/// architecture's circuit and the Powers-of-Tau file `ptau_bytes`, which snarkjs must have
/// verified (`verified`, for these exact bytes; see the module doc).
pub fn import<S: Statement>(
    arch: &S,
    ptau_bytes: &[u8],
    zkey_bytes: &[u8],
    verified: &Verified,
) -> Result<Keys, Error> {
    verified.covers(ptau_bytes, zkey_bytes)?;
    let ptau = ptau::parse(ptau_bytes)?;
    let mut key = zkey::read(zkey_bytes)?;

    let cs = synthesize(placeholder(arch)?, false)?;
    let constraints = cs.num_constraints();
    let public_inputs = cs.num_instance_variables() - 1;
    let wires = cs.num_instance_variables() + cs.num_witness_variables();
    let domain = GeneralEvaluationDomain::<Fr>::new(constraints + public_inputs + 1)
        .ok_or_else(|| mismatch("a QAP domain", "≤ 2^28 rows", constraints))?
        .size();
    same(
        "the circuit's public-input count",
        public_inputs,
        key.public_inputs,
    )?;
    same("the circuit's wire count", wires, key.wires)?;
    same("the circuit's QAP domain size", domain, key.domain_size)?;

    let matrices = cs
        .to_matrices()
        .map_err(|e| mismatch("the circuit", "matrices", e))?;
    let [a, b, _] = matrices
        .get(R1CS_PREDICATE_LABEL)
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        return Err(mismatch("the circuit", "an R1CS predicate", "none"));
    };
    let expected = expected_coefficients(a, b, constraints, public_inputs);
    if let Some(i) = (0..expected.len().max(key.coefficients.len()))
        .find(|&i| expected.get(i) != key.coefficients.get(i))
    {
        return Err(mismatch(
            "the circuit's constraint coefficients",
            format!("coefficient {i}: {}", describe(expected.get(i))),
            describe(key.coefficients.get(i)),
        ));
    }

    let (alpha, beta1, beta2) = ptau.alpha_beta()?;
    let vk = &key.pk.vk;
    same("the Powers of Tau's α₁", alpha, vk.alpha_g1)?;
    same("the Powers of Tau's β₁", beta1, key.pk.beta_g1)?;
    same("the Powers of Tau's β₂", beta2, vk.beta_g2)?;
    same(
        "snarkjs's γ₂ (the generator)",
        G2Affine::generator(),
        vk.gamma_g2,
    )?;
    if Bn254::pairing(key.pk.delta_g1, G2Affine::generator())
        != Bn254::pairing(G1Affine::generator(), vk.delta_g2)
    {
        return Err(mismatch(
            "itself",
            "δ₁ and δ₂ with one δ",
            "two different δ",
        ));
    }
    let (last, last_delta) = key
        .contributions
        .last()
        .ok_or_else(|| mismatch("a ceremony", "at least one contribution", "none"))?;
    if *last_delta != key.pk.delta_g1 {
        return Err(mismatch(
            "its last contribution",
            format!("the δ contribution {} left", last.name),
            "another δ",
        ));
    }

    project_h(&mut key.pk.h_query)?;

    let record = CeremonyRecord {
        ptau_blake2b: Blake2b512::digest(ptau_bytes).into(),
        ptau_power: ptau.power,
        ptau_contributions: ptau.contributions(),
        circuit_hash: key.circuit_hash,
        contributions: key.contributions.into_iter().map(|(c, _)| c).collect(),
    };
    Ok(Keys {
        origin: KeyOrigin::Ceremony(Box::new(record)),
        vk: key.pk.vk.clone(),
        pk: key.pk,
    })
}
