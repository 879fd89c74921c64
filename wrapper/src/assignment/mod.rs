//! Proving without a constraint system: the statement circuit's synthesis replayed over plain
//! values.
//!
//! A Groth16 proof needs the circuit's assignment (public inputs and witness) and, for the QAP
//! quotient, every constraint's A·z, B·z and C·z — not the constraints themselves, which the
//! proving key already encodes. arkworks' synthesis builds the whole constraint system to get
//! them: a symbolic linear combination per addition, cached values, the constraint lists (~75
//! ms on one core for the digits MLP inference circuit, a third of everything a wrap does
//! before its MSMs). [`Recorder`] is a [`Builder`] that keeps only values. A variable is its
//! value, tagged constant or variable by the same rules as arkworks' `FpVar` (a constant is
//! only ever combined with constants); each operation that makes arkworks allocate a witness
//! or enforce a constraint appends the witness's value, or the row's three values, in the same
//! order. The transcript's sponge ([`RecordedSponge`]) runs the native permutation and replays
//! [`PoseidonGadget`](crate::poseidon::PoseidonGadget)'s S-box constraints from its S-box inputs.
//!
//! The recorder must reproduce arkworks' synthesis exactly — the same witnesses, in the same
//! order, and the same rows — or its proofs do not verify; tests compare the two on every
//! statement kind, honest and tampered. Nothing here bears on soundness: the keys come from
//! arkworks' constraint system, and a proof made from a wrong assignment does not verify (every
//! wrap is verified before it is written).

use crate::backend::{Builder, check_bits};
use crate::error::Error;
use crate::poseidon::input_dependencies;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, Zero};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, R1CS_PREDICATE_LABEL,
    SynthesisError, SynthesisMode, Variable,
};
use std::cell::RefCell;
use zkmodel_prover::BackendError;
use zkmodel_prover::field::FieldOps;
use zkmodel_prover::transcript::poseidon::{DuplexMode, permute_observed};
use zkmodel_prover::transcript::{POSEIDON_CAPACITY, POSEIDON_RATE, SpongeOps};

const WIDTH: usize = POSEIDON_RATE + POSEIDON_CAPACITY;

/// A circuit's full assignment and every R1CS constraint's A·z, B·z and C·z: all a Groth16
/// proof needs besides the proving key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The public inputs, after the constant one.
    pub instance: Vec<Fr>,
    /// The private witness.
    pub witness: Vec<Fr>,
    /// A·z, B·z and C·z of each constraint, in constraint order.
    pub rows: [Vec<Fr>; 3],
}

/// A synthesis failure while proving, as the crate's error.
pub(crate) fn synthesis_error(e: SynthesisError) -> Error {
    Error::Groth16 {
        stage: "prove",
        reason: e.to_string(),
    }
}

impl Assignment {
    /// The assignment of any circuit through arkworks' synthesis: each row read from the value
    /// synthesis caches for every linear combination (no constraint matrices, no inlining).
    /// Statement circuits record theirs faster with
    /// [`StatementCircuit::assignment`](crate::circuit::StatementCircuit::assignment).
    pub fn synthesize<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Self, Error> {
        let cs = ConstraintSystem::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: true,
            generate_lc_assignments: true,
        });
        {
            let _span = tracing::debug_span!("groth16:synthesis").entered();
            circuit
                .generate_constraints(cs.clone())
                .map_err(synthesis_error)?;
        }
        let system = cs
            .borrow()
            .ok_or_else(|| synthesis_error(SynthesisError::MissingCS))?;
        let r1cs = system
            .predicate_constraint_systems
            .get(R1CS_PREDICATE_LABEL)
            .ok_or_else(|| synthesis_error(SynthesisError::PredicateNotFound))?;
        let [a, b, c] = r1cs.get_constraints().as_slice() else {
            return Err(synthesis_error(SynthesisError::ArityMismatch));
        };
        let values = |lcs: &[Variable]| -> Result<Vec<Fr>, Error> {
            lcs.iter()
                .map(|v| {
                    system
                        .assigned_value(*v)
                        .ok_or_else(|| synthesis_error(SynthesisError::AssignmentMissing))
                })
                .collect()
        };
        let rows = [values(a)?, values(b)?, values(c)?];
        let instance = system.instance_assignment().map_err(synthesis_error)?;
        Ok(Self {
            instance: instance.get(1..).unwrap_or_default().to_vec(),
            witness: system
                .witness_assignment()
                .map_err(synthesis_error)?
                .to_vec(),
            rows,
        })
    }

    /// The first constraint whose A·z · B·z ≠ C·z, if any.
    pub fn first_unsatisfied(&self) -> Option<usize> {
        let [a, b, c] = &self.rows;
        a.iter().zip(b).zip(c).position(|((a, b), c)| *a * b != *c)
    }
}

/// What a [`Recorder`] has recorded so far.
#[derive(Debug, Default)]
struct Tape {
    instance: Vec<Fr>,
    witness: Vec<Fr>,
    rows: [Vec<Fr>; 3],
}

/// A [`Builder`] that records the assignment and the rows' values, nothing symbolic.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    tape: RefCell<Tape>,
}

impl Recorder {
    fn witness_value(&self, v: Fr) -> Val<'_> {
        self.tape.borrow_mut().witness.push(v);
        Val::Var(v, self)
    }

    fn row(&self, a: Fr, b: Fr, c: Fr) {
        let mut tape = self.tape.borrow_mut();
        let [ra, rb, rc] = &mut tape.rows;
        ra.push(a);
        rb.push(b);
        rc.push(c);
    }

    /// A new witness w = a·b with the row (a, b, w), as arkworks' `AllocatedFp::mul` makes
    /// them.
    fn product(&self, a: Fr, b: Fr) -> Val<'_> {
        let w = a * b;
        self.row(a, b, w);
        self.witness_value(w)
    }

    /// Everything recorded.
    pub(crate) fn finish(self) -> Assignment {
        let tape = self.tape.into_inner();
        Assignment {
            instance: tape.instance,
            witness: tape.witness,
            rows: tape.rows,
        }
    }
}

/// A circuit value: a constant, or a variable (a witness, an input or a linear combination of
/// them) on its recorder. Constant exactly where arkworks' `FpVar` is `Constant`.
#[derive(Clone, Copy)]
pub(crate) enum Val<'a> {
    Const(Fr),
    Var(Fr, &'a Recorder),
}

impl std::fmt::Debug for Val<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Const(c) => write!(f, "Const({c})"),
            Val::Var(v, _) => write!(f, "Var({v})"),
        }
    }
}

impl<'a> Val<'a> {
    fn get(&self) -> Fr {
        match self {
            Val::Const(v) | Val::Var(v, _) => *v,
        }
    }

    /// `v` on the recorder of whichever of `self`, `other` is a variable; a constant if
    /// neither is (arkworks' rule for sums and differences).
    fn combined(&self, other: &Self, v: Fr) -> Self {
        match (self, other) {
            (Val::Var(_, r), _) | (_, Val::Var(_, r)) => Val::Var(v, r),
            _ => Val::Const(v),
        }
    }

    /// The same kind of value as `self`, with value `v`.
    fn like(&self, v: Fr) -> Self {
        match self {
            Val::Const(_) => Val::Const(v),
            Val::Var(_, r) => Val::Var(v, r),
        }
    }
}

/// arkworks' error for the inverse of a constant zero.
fn constant_zero_inverse() -> BackendError {
    BackendError(SynthesisError::AssignmentMissing.to_string())
}

impl FieldOps for Val<'_> {
    fn constant(c: Fr) -> Self {
        Val::Const(c)
    }
    fn add(&self, other: &Self) -> Self {
        self.combined(other, self.get() + other.get())
    }
    fn sub(&self, other: &Self) -> Self {
        self.combined(other, self.get() - other.get())
    }
    fn mul(&self, other: &Self) -> Self {
        match (self, other) {
            // Only a product of two variables costs a witness and a constraint.
            (Val::Var(a, r), Val::Var(b, _)) => r.product(*a, *b),
            _ => self.combined(other, self.get() * other.get()),
        }
    }
    fn neg(&self) -> Self {
        self.like(-self.get())
    }
    fn mul_const(&self, c: Fr) -> Self {
        // arkworks' `FpVar * F` is the constant zero for c = 0, even on a variable.
        if c.is_zero() {
            Val::Const(Fr::ZERO)
        } else {
            self.like(self.get() * c)
        }
    }
    fn add_const(&self, c: Fr) -> Self {
        self.like(self.get() + c)
    }
    fn enforce_equal(&self, other: &Self) -> Result<bool, BackendError> {
        let equal = self.get() == other.get();
        match (self, other) {
            (Val::Const(_), Val::Const(_)) => {}
            // A constant is always the left side: arkworks allocates it as a linear
            // combination and enforces (c − v)·1 = 0 in either order.
            (Val::Const(c), Val::Var(v, r)) | (Val::Var(v, r), Val::Const(c)) => {
                r.row(*c - v, Fr::ONE, Fr::ZERO);
            }
            (Val::Var(a, r), Val::Var(b, _)) => r.row(*a - b, Fr::ONE, Fr::ZERO),
        }
        Ok(equal)
    }
    fn enforce_nonzero(&self) -> Result<bool, BackendError> {
        match self {
            Val::Const(c) if c.is_zero() => Err(constant_zero_inverse()),
            Val::Const(_) => Ok(true),
            Val::Var(v, r) => {
                let inverse = v.inverse().unwrap_or_default();
                r.row(*v, inverse, Fr::ONE);
                r.witness_value(inverse);
                Ok(!v.is_zero())
            }
        }
    }
    fn value(&self) -> Option<Fr> {
        Some(self.get())
    }
    fn checked_inverse(&self) -> Result<Option<Self>, BackendError> {
        let Some(inverse) = self.get().inverse() else {
            return Ok(None);
        };
        Ok(Some(match self {
            Val::Const(_) => Val::Const(inverse),
            Val::Var(v, r) => {
                r.row(*v, inverse, Fr::ONE);
                r.witness_value(inverse)
            }
        }))
    }
}

/// The transcript's sponge on a [`Recorder`]: the native permutation's values, with
/// [`PoseidonGadget`](crate::poseidon::PoseidonGadget)'s witnesses and rows — x², x⁴, x⁵ and
/// (x, x, x²), (x², x², x⁴), (x⁴, x, x⁵) for every S-box whose input depends on a variable.
#[derive(Clone, Debug)]
pub(crate) struct RecordedSponge<'a> {
    recorder: &'a Recorder,
    state: [Fr; WIDTH],
    /// Which state words are variables.
    variable: [bool; WIDTH],
    mode: DuplexMode,
}

impl RecordedSponge<'_> {
    fn permute(&mut self) -> Result<(), BackendError> {
        let inputs = self
            .variable
            .iter()
            .enumerate()
            .fold(0u8, |m, (i, v)| if *v { m | (1 << i) } else { m });
        if inputs == 0 {
            // A permutation of constants is a constant: no witness, no constraint.
            permute_observed(&mut self.state, |_| {});
            return Ok(());
        }
        let (sboxes, outputs) = input_dependencies();
        let mut sbox = sboxes.iter();
        let mut observed = 0usize;
        let recorder = self.recorder;
        permute_observed(&mut self.state, |x| {
            observed += 1;
            if sbox.next().is_some_and(|d| d & inputs != 0) {
                let x2 = x.square();
                let x4 = x2.square();
                let x5 = x4 * x;
                let mut tape = recorder.tape.borrow_mut();
                tape.witness.extend([x2, x4, x5]);
                let [ra, rb, rc] = &mut tape.rows;
                ra.extend([x, x2, x4]);
                rb.extend([x, x2, x]);
                rc.extend([x2, x4, x5]);
            }
        });
        // The gadget's program and the native permutation must agree S-box for S-box; a
        // mismatch would record another circuit's rows.
        if observed != sboxes.len() || outputs.len() != WIDTH {
            return Err(BackendError(format!(
                "the permutation ran {observed} S-boxes where the gadget's program has {}",
                sboxes.len()
            )));
        }
        for (v, d) in self.variable.iter_mut().zip(outputs) {
            *v = d & inputs != 0;
        }
        Ok(())
    }
}

impl<'a> SpongeOps<Val<'a>> for RecordedSponge<'a> {
    fn absorb(&mut self, xs: &[Val<'a>]) -> Result<(), BackendError> {
        for x in xs {
            let (permute, index) = self.mode.absorb_slot();
            if permute {
                self.permute()?;
            }
            let word = POSEIDON_CAPACITY + index;
            let (Some(s), Some(v)) = (self.state.get_mut(word), self.variable.get_mut(word)) else {
                return Err(BackendError("sponge index out of range".into()));
            };
            *s += x.get();
            *v |= matches!(x, Val::Var(..));
        }
        Ok(())
    }

    fn squeeze(&mut self) -> Result<Val<'a>, BackendError> {
        let (permute, index) = self.mode.squeeze_slot();
        if permute {
            self.permute()?;
        }
        let word = POSEIDON_CAPACITY + index;
        match (self.state.get(word), self.variable.get(word)) {
            (Some(s), Some(true)) => Ok(Val::Var(*s, self.recorder)),
            (Some(s), Some(false)) => Ok(Val::Const(*s)),
            _ => Err(BackendError("sponge index out of range".into())),
        }
    }
}

impl<'r> Builder for &'r Recorder {
    type Var = Val<'r>;
    type Sponge = RecordedSponge<'r>;
    fn input(&self, v: Fr) -> Result<Val<'r>, BackendError> {
        let recorder: &'r Recorder = self;
        recorder.tape.borrow_mut().instance.push(v);
        Ok(Val::Var(v, recorder))
    }
    fn witness(&self, v: Fr) -> Result<Val<'r>, BackendError> {
        let recorder: &'r Recorder = self;
        Ok(recorder.witness_value(v))
    }
    fn bits(&self, u: u64, bits: u32) -> Result<Val<'r>, BackendError> {
        check_bits(bits)?;
        let recorder: &'r Recorder = self;
        for i in 0..bits {
            let b = Fr::from(u.checked_shr(i).unwrap_or(0) & 1);
            recorder.witness_value(b);
            recorder.row(Fr::ONE - b, b, Fr::ZERO);
        }
        let low = match bits {
            0 => 0,
            64.. => u,
            _ => u & ((1u64 << bits) - 1),
        };
        Ok(match bits {
            // arkworks' sum of no bits is the constant zero.
            0 => Val::Const(Fr::ZERO),
            _ => Val::Var(Fr::from(low), recorder),
        })
    }
    fn sponge(&self) -> RecordedSponge<'r> {
        RecordedSponge {
            recorder: self,
            state: [Fr::ZERO; WIDTH],
            variable: [false; WIDTH],
            mode: DuplexMode::default(),
        }
    }
}

#[cfg(test)]
mod tests;
