//! The in-circuit verifier backend.
//!
//! [`Var`] wraps `FpVar<Fr>`; its [`FieldOps::enforce_equal`] adds an equality constraint and,
//! when witness values are known, also reports whether they agree, so a tampered proof fails
//! with the same typed error in-circuit as natively. The transcript runs on
//! [`PoseidonGadget`], the native sponge as R1CS with flat linear layers (outputs and
//! constraint count pinned to arkworks' `PoseidonSpongeVar` by tests).

use crate::poseidon::PoseidonGadget;
use ark_bn254::Fr;
use ark_r1cs_std::GR1CSVar;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};
use zkmodel_prover::BackendError;
use zkmodel_prover::field::FieldOps;
use zkmodel_prover::proof::map::MapFields;
use zkmodel_prover::transcript::{SpongeOps, Transcript};

/// A field element inside the circuit.
#[derive(Clone, Debug)]
pub struct Var(pub FpVar<Fr>);

/// The in-circuit transcript.
pub type CircuitTranscript = Transcript<Var, PoseidonGadget>;

fn backend(e: SynthesisError) -> BackendError {
    BackendError(e.to_string())
}

impl FieldOps for Var {
    fn constant(c: Fr) -> Self {
        Var(FpVar::Constant(c))
    }
    fn add(&self, other: &Self) -> Self {
        Var(&self.0 + &other.0)
    }
    fn sub(&self, other: &Self) -> Self {
        Var(&self.0 - &other.0)
    }
    fn mul(&self, other: &Self) -> Self {
        Var(&self.0 * &other.0)
    }
    fn neg(&self) -> Self {
        Var(FpVar::Constant(Fr::from(0u64)) - &self.0)
    }
    fn mul_const(&self, c: Fr) -> Self {
        Var(&self.0 * c)
    }
    fn add_const(&self, c: Fr) -> Self {
        Var(&self.0 + c)
    }
    fn enforce_equal(&self, other: &Self) -> Result<bool, BackendError> {
        self.0.enforce_equal(&other.0).map_err(backend)?;
        Ok(match (self.0.value(), other.0.value()) {
            (Ok(a), Ok(b)) => a == b,
            _ => true,
        })
    }
    fn enforce_nonzero(&self) -> Result<bool, BackendError> {
        // x ≠ 0 iff x has an inverse: the gadget enforces x · x⁻¹ = 1.
        let _inverse = self.0.inverse().map_err(backend)?;
        Ok(self.0.value().map_or(true, |v| v != Fr::from(0u64)))
    }
    fn value(&self) -> Option<Fr> {
        self.0.value().ok()
    }
    fn checked_inverse(&self) -> Result<Option<Self>, BackendError> {
        if self.0.value().is_ok_and(|v| v == Fr::from(0u64)) {
            return Ok(None);
        }
        self.0.inverse().map(|v| Some(Var(v))).map_err(backend)
    }
}

/// A fresh in-circuit transcript on `cs`, separated exactly like the native one.
pub fn circuit_transcript(cs: ConstraintSystemRef<Fr>) -> Result<CircuitTranscript, BackendError> {
    Transcript::new(PoseidonGadget::new(cs))
}

/// Allocates a private witness.
pub fn witness(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Result<Var, BackendError> {
    FpVar::new_witness(cs.clone(), || Ok(v))
        .map(Var)
        .map_err(backend)
}

/// Allocates a public input.
pub fn public(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Result<Var, BackendError> {
    FpVar::new_input(cs.clone(), || Ok(v))
        .map(Var)
        .map_err(backend)
}

/// Where a circuit's variables are made: arkworks' constraint system (key generation, R1CS
/// export, the reference) or the witness recorder ([`crate::assignment::Recorder`], proving).
/// The statement circuit is written once against this trait, so both build the same system.
pub(crate) trait Builder {
    /// A field element of the circuit.
    type Var: FieldOps;
    /// The transcript's sponge over [`Builder::Var`].
    type Sponge: SpongeOps<Self::Var>;
    /// A new public input.
    fn input(&self, v: Fr) -> Result<Self::Var, BackendError>;
    /// A new private witness.
    fn witness(&self, v: Fr) -> Result<Self::Var, BackendError>;
    /// u as `bits` (at most 64) new boolean witnesses, least significant first, each
    /// constrained (1 − b)·b = 0, and their weighted sum Σ bᵢ2ⁱ (no constraint; arkworks adds a
    /// field-range check only from 254 bits).
    fn bits(&self, u: u64, bits: u32) -> Result<Self::Var, BackendError>;
    /// A fresh sponge for the circuit's transcript.
    fn sponge(&self) -> Self::Sponge;
}

/// [`Builder::bits`]'s bound: a u64 has 64 bits.
pub(crate) fn check_bits(bits: u32) -> Result<(), BackendError> {
    if bits > u64::BITS {
        return Err(BackendError(format!(
            "a {bits}-bit decomposition of a 64-bit value"
        )));
    }
    Ok(())
}

impl Builder for ConstraintSystemRef<Fr> {
    type Var = Var;
    type Sponge = PoseidonGadget;
    fn input(&self, v: Fr) -> Result<Var, BackendError> {
        public(self, v)
    }
    fn witness(&self, v: Fr) -> Result<Var, BackendError> {
        witness(self, v)
    }
    fn bits(&self, u: u64, bits: u32) -> Result<Var, BackendError> {
        check_bits(bits)?;
        let bit_vars = (0..bits)
            .map(|i| {
                Boolean::new_witness(self.clone(), || Ok(u.checked_shr(i).unwrap_or(0) & 1 == 1))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        Boolean::le_bits_to_fp(&bit_vars).map(Var).map_err(backend)
    }
    fn sponge(&self) -> PoseidonGadget {
        PoseidonGadget::new(self.clone())
    }
}

/// Allocates proof data (any [`MapFields`] value: a body, a block proof, the opening's
/// evaluations) as private witnesses, keeping its shape.
pub fn alloc<T: MapFields<Fr>>(
    cs: &ConstraintSystemRef<Fr>,
    value: &T,
) -> Result<T::Out<Var>, BackendError> {
    value.map_fields(&mut |v| witness(cs, *v))
}
