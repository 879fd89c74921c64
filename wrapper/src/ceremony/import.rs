//! Importing a ceremony's final `.zkey` as keys for one architecture.
//!
//! Import takes the Powers of Tau as authenticated by [`super::ptau_trust`] (recorded in the
//! keys; unauthenticated files make development keys) and snarkjs's verdict for this exact
//! circuit. What import checks natively, against the architecture's own circuit (synthesized
//! here, not read from any file) and the Powers-of-Tau file:
//! - the wire, public-input and domain sizes, and **every** A and B coefficient, including
//!   the public-input rows: the key is for this circuit and no other;
//! - [α]₁, [β]₁, [β]₂ are the Powers of Tau's (phase 2 never changes them), and [γ]₂ is the
//!   G2 generator (as snarkjs sets it): the key descends from this Powers of Tau;
//! - [δ]₁ and [δ]₂ agree (one pairing), there is at least one contribution, and [δ]₁ is the δ
//!   the last contribution left.
//!
//! - the H query is **exactly** the Powers of Tau's odd Lagrange points over the 2n-th roots
//!   divided by δ, as `groth16 setup` derives it, and the L query and IC are exactly
//!   (β·u(τ) + α·v(τ) + w(τ)) over δ and over γ = 1 for every wire, from the Powers of Tau's
//!   Lagrange bases (each one random combination with full-size coefficients, drawn from both
//!   files' hashes, and one pairing) — snarkjs checks L with 32-bit coefficients only.
//!
//! What it leaves to `snarkjs zkey verify`, whose verdict on these exact bytes import requires
//! ([`Verified`]): that the A, B and L query points are the circuit's polynomials at the Powers
//! of Tau's τ, divided by δ where they must be, and that every contribution's proof of
//! knowledge chains from the initial key. A key that passed both is sound if one contributor
//! and the Powers of Tau were honest.
//!
//! **Why import checks H itself.** snarkjs's check of the H points (a random linear
//! combination, `sameRatioH`) covers the n − 1 dimensions an honest prover uses — the values
//! of Z·q, deg q ≤ n − 2, at the odd 2n-th roots x_j — and not the n-th: the direction
//! c_j = x_j/(2n), orthogonal to them, which the vector u_j = −2·x_j^(n−1) reaches (Σ u_j·c_j
//! = 1). A coordinator who adds c_j·P to the initial key's H_j passes `zkey verify` however
//! honest the later contributors, and a prover using coefficients u then adds P/δ to its
//! proof's C: with P the Lagrange point of one constraint row, that row need not hold — a
//! forgery. The verifying key does not change, so repairing the proving key would not help
//! (the seller proves with the published zkey); import refuses such a key instead, and so do
//! `zkmodel ceremony verify` and `finalize`, which import.

use super::Verified;
use super::zkey::{self, Coefficient};
use crate::error::Error;
use crate::groth16::Keys;
use crate::origin::{CeremonyRecord, KeyOrigin};
use crate::r1cs::{synthesize, write_r1cs};
use crate::wrap::placeholder;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, VariableBaseMSM};
use ark_ff::{One, UniformRand, Zero};
use ark_poly::{EvaluationDomain, GeneralEvaluationDomain, Radix2EvaluationDomain};
use ark_relations::gr1cs::R1CS_PREDICATE_LABEL;
use blake2::{Blake2b512, Digest};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
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

/// Checks that the H query is exactly what `groth16 setup` derives from this Powers of Tau,
/// divided by δ: the odd points of the Lagrange basis over the 2n-th roots, with τ^(2n−1)
/// taken as zero when the file stops before it (as snarkjs does). One random combination
/// (seeded by both files' hashes, drawn after both are fixed) and one multi-pairing.
fn check_h(
    h: &[G1Affine],
    ptau: &ptau::Ptau<'_>,
    delta_g2: G2Affine,
    seed: [u8; 32],
) -> Result<(), Error> {
    let n = h.len();
    let unsupported = || mismatch("a QAP domain", "a power of two below 2^28", n);
    let domain = Radix2EvaluationDomain::<Fr>::new(2 * n)
        .filter(|d| d.size() == 2 * n)
        .ok_or_else(unsupported)?;
    let mut rng = ChaCha20Rng::from_seed(seed);
    let r: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let values: Vec<Fr> = r.iter().flat_map(|rj| [Fr::zero(), *rj]).collect();
    let mut coefficients = domain.ifft(&values);
    coefficients.truncate(ptau.tau_g1_count());
    let powers = (0..coefficients.len())
        .into_par_iter()
        .map(|i| ptau.g1(i))
        .collect::<Result<Vec<_>, _>>()?;
    let expected = G1Projective::msm(&powers, &coefficients).map_err(|_| unsupported())?;
    let actual = G1Projective::msm(h, &r).map_err(|_| unsupported())?;
    if Bn254::multi_pairing([actual, -expected], [delta_g2, G2Affine::generator()]).is_zero() {
        Ok(())
    } else {
        Err(mismatch(
            "the Powers of Tau's H query",
            "the odd Lagrange points over δ that `groth16 setup` derives",
            "other points (a planted direction `zkey verify` does not check)",
        ))
    }
}

/// The circuit's A, B and C in snarkjs's layout: the constraint rows, then row
/// `constraints + i` putting public wire i into A.
struct Matrices<'m> {
    a: &'m [Vec<(Fr, usize)>],
    b: &'m [Vec<(Fr, usize)>],
    c: &'m [Vec<(Fr, usize)>],
    constraints: usize,
    /// Wires with a public-input row: the constant one and the public inputs.
    public: usize,
}

/// Checks that `points[j]` is [(β·u_w(τ) + α·v_w(τ) + w_w(τ))/δ]₁ for each wire w = first + j
/// (u, v, w the wire's A, B, C polynomials over the n-point domain): the L query (private
/// wires, divided by δ) or IC (public wires, δ = γ = the G2 generator). One random
/// combination against the Powers of Tau's Lagrange bases and one multi-pairing.
fn check_query(
    m: &Matrices<'_>,
    first: usize,
    points: &[G1Affine],
    ptau: &ptau::Ptau<'_>,
    (level, delta_g2): (u32, G2Affine),
    (check, seed): (&'static str, [u8; 32]),
) -> Result<(), Error> {
    let n = 1usize << level;
    let unsupported = || mismatch("a QAP domain", "at most 2^28 rows", n);
    let mut rng = ChaCha20Rng::from_seed(seed);
    let r: Vec<Fr> = (0..points.len()).map(|_| Fr::rand(&mut rng)).collect();
    let weight = |wire: usize| wire.checked_sub(first).and_then(|j| r.get(j));
    let fold = |rows: &[Vec<(Fr, usize)>]| -> Vec<Fr> {
        let mut out = vec![Fr::zero(); n];
        for (o, row) in out.iter_mut().zip(rows) {
            *o = row
                .iter()
                .filter_map(|(k, w)| weight(*w).map(|r| *k * r))
                .sum();
        }
        out
    };
    let (mut ca, cb, cc) = (fold(m.a), fold(m.b), fold(m.c));
    for wire in first..first + points.len() {
        if let (Some(slot), Some(r)) = (ca.get_mut(m.constraints + wire), weight(wire))
            && wire < m.public
        {
            *slot += r;
        }
    }
    let basis = |which: ptau::LagrangeG1| {
        (0..n)
            .into_par_iter()
            .map(|i| ptau.lagrange_g1(which, level, i))
            .collect::<Result<Vec<_>, _>>()
    };
    let msm = |bases: &[G1Affine], scalars: &[Fr]| {
        G1Projective::msm(bases, scalars).map_err(|_| unsupported())
    };
    let expected = msm(&basis(ptau::LagrangeG1::BetaTau)?, &ca)?
        + msm(&basis(ptau::LagrangeG1::AlphaTau)?, &cb)?
        + msm(&basis(ptau::LagrangeG1::Tau)?, &cc)?;
    let actual = msm(points, &r)?;
    if Bn254::multi_pairing([actual, -expected], [delta_g2, G2Affine::generator()]).is_zero() {
        Ok(())
    } else {
        Err(mismatch(
            check,
            "(β·u(τ) + α·v(τ) + w(τ))/δ from the Powers of Tau for every wire",
            "other points",
        ))
    }
}

/// A challenge seed for one check, drawn from both files' hashes (fixed before any check).
fn seed(verified: &Verified, check: &[u8]) -> [u8; 32] {
    let digest = Blake2b512::new()
        .chain_update(verified.ptau)
        .chain_update(verified.zkey)
        .chain_update(check)
        .finalize();
    digest
        .get(..32)
        .and_then(|s| s.try_into().ok())
        .unwrap_or_default()
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
    let key = zkey::read(zkey_bytes)?;

    let cs = synthesize(placeholder(arch)?, false)?;
    if let Some(verified_r1cs) = verified.r1cs {
        let mut r1cs = Vec::new();
        write_r1cs(&cs, &mut r1cs)?;
        if Blake2b512::digest(&r1cs).as_slice() != verified_r1cs.as_slice() {
            return Err(mismatch(
                "the circuit snarkjs verified it against",
                "this architecture's circuit",
                "another circuit",
            ));
        }
    }
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
    let [a, b, c] = matrices
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
    if key.pk.delta_g1.is_zero() {
        return Err(mismatch("itself", "a nonzero δ", "δ = 0"));
    }
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

    check_h(
        &key.pk.h_query,
        &ptau,
        key.pk.vk.delta_g2,
        seed(verified, b"H"),
    )?;
    let m = Matrices {
        a,
        b,
        c,
        constraints,
        public: public_inputs + 1,
    };
    let level = domain.trailing_zeros();
    check_query(
        &m,
        public_inputs + 1,
        &key.pk.l_query,
        &ptau,
        (level, key.pk.vk.delta_g2),
        ("the Powers of Tau's L query", seed(verified, b"L")),
    )?;
    check_query(
        &m,
        0,
        &key.pk.vk.gamma_abc_g1,
        &ptau,
        (level, G2Affine::generator()),
        ("the Powers of Tau's IC", seed(verified, b"IC")),
    )?;

    let record = CeremonyRecord {
        ptau_blake2b: verified.ptau,
        ptau_power: ptau.power,
        ptau_trust: verified.ptau_trust,
        ptau_contributions: ptau.secret_contributions(),
        circuit_hash: key.circuit_hash,
        contributions: key.contributions.into_iter().map(|(c, _)| c).collect(),
    };
    Ok(Keys {
        origin: KeyOrigin::Ceremony(Box::new(record)),
        vk: key.pk.vk.clone(),
        pk: key.pk,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::ceremony::Snarkjs;
    use crate::r1cs::write_r1cs;
    use ark_r1cs_std::alloc::AllocVar;
    use ark_r1cs_std::eq::EqGadget;
    use ark_r1cs_std::fields::fp::FpVar;
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
    use zkmodel_prover::pcs::ptau_dev::insecure_development_ptau;

    /// x_i² = y for a few witnesses x_i and one public y.
    struct Squares;

    impl ConstraintSynthesizer<Fr> for Squares {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let y = FpVar::new_input(cs.clone(), || Ok(Fr::from(4u64)))?;
            for _ in 0..9 {
                let x = FpVar::new_witness(cs.clone(), || Ok(Fr::from(2u64)))?;
                (&x * &x).enforce_equal(&y)?;
            }
            Ok(())
        }
    }

    /// The H query `groth16 setup` writes passes, over a Powers of Tau one power above the
    /// circuit's (the top power present) and of exactly its power (the top power taken as
    /// zero); one point moved fails.
    #[test]
    fn the_h_query_groth16_setup_derives_passes_and_a_moved_point_fails() {
        let snarkjs = Snarkjs::at(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../node_modules/.bin/snarkjs"),
        );
        let dir = tempfile::tempdir().unwrap();
        let r1cs = dir.path().join("squares.r1cs");
        let cs = synthesize(Squares, false).unwrap();
        let summary = write_r1cs(&cs, &mut std::fs::File::create(&r1cs).unwrap()).unwrap();
        let power = crate::ceremony::required_power(&summary);
        for p in [power, power + 1] {
            let ptau_bytes = insecure_development_ptau(5, p);
            let ptau_path = dir.path().join(format!("pot{p}.ptau"));
            let zkey_path = dir.path().join(format!("squares{p}.zkey"));
            std::fs::write(&ptau_path, &ptau_bytes).unwrap();
            snarkjs.setup(&r1cs, &ptau_path, &zkey_path).unwrap();
            let key = zkey::read(&std::fs::read(&zkey_path).unwrap()).unwrap();
            let ptau = ptau::parse(&ptau_bytes).unwrap();
            let mut h = key.pk.h_query;
            assert_eq!(h.len(), 1 << power);
            for seed in [[0; 32], [7; 32]] {
                check_h(&h, &ptau, key.pk.vk.delta_g2, seed).unwrap();
            }
            h[1] = (h[1] + G1Affine::generator()).into();
            assert!(matches!(
                check_h(&h, &ptau, key.pk.vk.delta_g2, [0; 32]),
                Err(Error::CeremonyMismatch {
                    check: "the Powers of Tau's H query",
                    ..
                })
            ));
        }
    }
}
