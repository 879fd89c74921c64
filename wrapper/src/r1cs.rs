//! Statement circuits in iden3's binary formats, the input of a snarkjs phase-2 ceremony
//! (issue 14): the constraint system as `.r1cs` and an assignment as `.wtns`.
//!
//! Wires: wire 0 is the constant one, then the Groth16 public inputs (s0, d₁, d₂, β, α, ζ, γ,
//! y_ζ, y_ι, then the statement's packed public words), then every witness variable in
//! allocation order — arkworks' instance-then-witness order. The circuit is synthesized exactly
//! as arkworks' Groth16 key generation synthesizes it (constraints optimised, linear
//! combinations inlined), so the constraints written are the rows keys are made from, and a
//! constraint's wire ids are the columns of those matrices. Field elements are 32 bytes,
//! little-endian, in standard (not Montgomery) form, as the formats specify.

use crate::error::Error;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal,
    R1CS_PREDICATE_LABEL, SynthesisMode,
};
use std::io::Write;
use zkmodel_prover::pcs::iden3;

/// Sizes of an exported constraint system, as `snarkjs r1cs info` reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct R1csSummary {
    /// Wires, the constant one included.
    pub wires: usize,
    /// Public inputs (the constant one excluded).
    pub public_inputs: usize,
    /// Constraints.
    pub constraints: usize,
}

fn synthesis(stage: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Groth16 {
        stage,
        reason: e.to_string(),
    }
}

/// Synthesizes `circuit` as Groth16 key generation does (`witness = false`: no assignment) or
/// as its prover does (`witness = true`: with the assignment a `.wtns` file records).
pub fn synthesize<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    witness: bool,
) -> Result<ConstraintSystemRef<Fr>, Error> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(if witness {
        SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: false,
        }
    } else {
        SynthesisMode::Setup
    });
    circuit
        .generate_constraints(cs.clone())
        .map_err(|e| synthesis("synthesis", e))?;
    cs.finalize();
    Ok(cs)
}

fn u32_of(n: usize, what: &'static str) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::Format {
        what: "r1cs export",
        reason: format!("{what} = {n} exceeds the format's 32-bit field"),
    })
}

fn element(v: &Fr) -> Vec<u8> {
    let mut b = v.into_bigint().to_bytes_le();
    b.resize(32, 0);
    b
}

/// The field: element size, then the modulus.
fn field_header(out: &mut Vec<u8>) {
    out.extend_from_slice(&32u32.to_le_bytes());
    let mut p = Fr::MODULUS.to_bytes_le();
    p.resize(32, 0);
    out.extend_from_slice(&p);
}

fn io(e: std::io::Error) -> Error {
    Error::Format {
        what: "r1cs export",
        reason: e.to_string(),
    }
}

/// Writes a synthesized constraint system as an iden3 `.r1cs` file (version 1: header,
/// constraints, wire-to-label map).
pub fn write_r1cs(cs: &ConstraintSystemRef<Fr>, w: &mut impl Write) -> Result<R1csSummary, Error> {
    let matrices = cs.to_matrices().map_err(|e| synthesis("r1cs export", e))?;
    let [a, b, c] = matrices
        .get(R1CS_PREDICATE_LABEL)
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        return Err(synthesis(
            "r1cs export",
            "no R1CS predicate in the constraint system",
        ));
    };
    let instance = cs.num_instance_variables();
    let summary = R1csSummary {
        wires: instance + cs.num_witness_variables(),
        public_inputs: instance - 1,
        constraints: cs.num_constraints(),
    };
    let mut head = Vec::new();
    field_header(&mut head);
    head.extend_from_slice(&u32_of(summary.wires, "wires")?.to_le_bytes());
    head.extend_from_slice(&0u32.to_le_bytes()); // public outputs
    head.extend_from_slice(&u32_of(summary.public_inputs, "public inputs")?.to_le_bytes());
    head.extend_from_slice(&0u32.to_le_bytes()); // private inputs: every witness is internal
    head.extend_from_slice(&(summary.wires as u64).to_le_bytes()); // labels
    head.extend_from_slice(&u32_of(summary.constraints, "constraints")?.to_le_bytes());

    let mut body = Vec::new();
    for row in 0..summary.constraints {
        for m in [a, b, c] {
            let lc = m.get(row).map(Vec::as_slice).unwrap_or_default();
            body.extend_from_slice(&u32_of(lc.len(), "terms")?.to_le_bytes());
            for (coeff, wire) in lc {
                body.extend_from_slice(&u32_of(*wire, "wire")?.to_le_bytes());
                body.extend_from_slice(&element(coeff));
            }
        }
    }
    let map: Vec<u8> = (0..summary.wires as u64)
        .flat_map(u64::to_le_bytes)
        .collect();

    let out = iden3::write(b"r1cs", 1, &[(1, &head), (2, &body), (3, &map)]);
    w.write_all(&out).map_err(io)?;
    Ok(summary)
}

/// Writes the assignment of a constraint system synthesized with its witness as an iden3
/// `.wtns` file (version 2): every wire's value, the constant one first.
pub fn write_wtns(cs: &ConstraintSystemRef<Fr>, w: &mut impl Write) -> Result<(), Error> {
    let instance = cs
        .instance_assignment()
        .map_err(|e| synthesis("wtns export", e))?;
    let witness = cs
        .witness_assignment()
        .map_err(|e| synthesis("wtns export", e))?;
    let mut head = Vec::new();
    field_header(&mut head);
    head.extend_from_slice(&u32_of(instance.len() + witness.len(), "wires")?.to_le_bytes());
    let values: Vec<u8> = instance.iter().chain(&witness).flat_map(element).collect();
    let out = iden3::write(b"wtns", 2, &[(1, &head), (2, &values)]);
    w.write_all(&out).map_err(io)
}
