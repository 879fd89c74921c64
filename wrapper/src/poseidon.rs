//! The transcript's Poseidon sponge as R1CS, with flat linear layers.
//!
//! Same permutation (DESIGN §4: width 5, α = 5, 8 full and 60 partial rounds) and the same
//! duplex bookkeeping as the native [`PoseidonDuplex`](zkmodel_prover::transcript::PoseidonDuplex)
//! and arkworks' `PoseidonSpongeVar`; tests pin the outputs to both and the constraint count
//! to arkworks'.
//!
//! Every S-box x ↦ x⁵ costs three constraints, x·x = x², x²·x² = x⁴, x⁴·x = x⁵, with x², x⁴,
//! x⁵ as witnesses — the minimum for a degree-5 map in R1CS, and what `PoseidonSpongeVar`
//! spends too. The difference is in the linear layers. Within one permutation, the input of
//! every S-box is a fixed linear function of the permutation's input words and of the
//! earlier S-box outputs, with coefficients that depend only on the round constants and the
//! MDS matrix. [`Program`] computes those coefficients once; each S-box input then enters the
//! constraint system as one flat linear combination. `PoseidonSpongeVar` instead builds every
//! addition and constant multiplication as a new symbolic linear combination referring to the
//! previous ones, and `ConstraintSystem::finalize` spends most of its time inlining those
//! chains (≈ 1.2 s of a 4 s MLP inference wrap).
//!
//! Soundness: each S-box output is a witness bound to its input by the three constraints
//! above, and the linear layers are exact identities over Fr, so a satisfying assignment
//! computes the permutation. Whether a word is constant is decided from the structure (no
//! variable terms), never from values, so key generation and proving build the same system.

use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use ark_r1cs_std::fields::fp::{AllocatedFp, FpVar};
use ark_relations::gr1cs::{ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use std::sync::OnceLock;
use zkmodel_prover::BackendError;
use zkmodel_prover::transcript::poseidon::DuplexMode;
use zkmodel_prover::transcript::{
    POSEIDON_CAPACITY, POSEIDON_FULL_ROUNDS, POSEIDON_PARTIAL_ROUNDS, POSEIDON_RATE, SpongeOps,
    poseidon_config,
};

use crate::backend::Var;

const WIDTH: usize = POSEIDON_RATE + POSEIDON_CAPACITY;
const SBOXES: usize = POSEIDON_FULL_ROUNDS * WIDTH + POSEIDON_PARTIAL_ROUNDS;
/// Basis of a permutation's linear functions: the constant 1, the input words, S-box outputs.
const BASIS: usize = 1 + WIDTH + SBOXES;

/// A sparse linear function over the permutation basis: (basis index, coefficient).
type Linear = Vec<(usize, Fr)>;

/// The permutation as straight-line code over its basis.
#[derive(Debug)]
struct Program {
    /// The input of each S-box, in evaluation order.
    sboxes: Vec<Linear>,
    /// The output words.
    outputs: Vec<Linear>,
    /// For each S-box, the input words its input depends on (bit i: word i), through the
    /// S-boxes before it: whether it is a constant or costs constraints.
    sbox_inputs: Vec<u8>,
    /// The same for each output word.
    output_inputs: Vec<u8>,
}

/// The input words (bit i: word i) each linear function of `fs` depends on, given the
/// dependencies `known` of the S-box outputs before it; extended with each function's own when
/// `push` (an S-box's output depends on what its input does).
fn dependencies(fs: &[Linear], known: &mut Vec<u8>, push: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(fs.len());
    for f in fs {
        let mut mask = 0u8;
        for (i, _) in f {
            mask |= match *i {
                0 => 0,
                i if i <= WIDTH => 1 << (i - 1),
                // The program only refers to S-boxes before the current one; anything else
                // is a bug, made visible as a variable (the recorder then records rows the
                // gadget would not, and the proof fails) rather than hidden as a constant.
                i => known.get(i - 1 - WIDTH).copied().unwrap_or(u8::MAX),
            };
        }
        if push {
            known.push(mask);
        }
        out.push(mask);
    }
    out
}

fn sparse(dense: &[Fr]) -> Linear {
    dense
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_zero())
        .map(|(i, c)| (i, *c))
        .collect()
}

fn program() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        let cfg = poseidon_config();
        let half = cfg.full_rounds / 2;
        let mut state: Vec<Vec<Fr>> = (0..WIDTH)
            .map(|i| {
                let mut v = vec![Fr::zero(); BASIS];
                v[1 + i] = Fr::ONE;
                v
            })
            .collect();
        let mut sboxes = Vec::with_capacity(SBOXES);
        for (round, rc) in cfg.ark.iter().enumerate() {
            for (word, k) in state.iter_mut().zip(rc) {
                word[0] += k;
            }
            let full = round < half || round >= half + cfg.partial_rounds;
            let words = if full { WIDTH } else { 1 };
            for word in state.iter_mut().take(words) {
                sboxes.push(sparse(word));
                let mut out = vec![Fr::zero(); BASIS];
                out[1 + WIDTH + sboxes.len() - 1] = Fr::ONE;
                *word = out;
            }
            state = cfg
                .mds
                .iter()
                .map(|row| {
                    let mut next = vec![Fr::zero(); BASIS];
                    for (m, word) in row.iter().zip(&state) {
                        for (n, w) in next.iter_mut().zip(word) {
                            *n += *m * w;
                        }
                    }
                    next
                })
                .collect();
        }
        let outputs: Vec<Linear> = state.iter().map(|w| sparse(w)).collect();
        let mut known = Vec::with_capacity(SBOXES);
        let sbox_inputs = dependencies(&sboxes, &mut known, true);
        let output_inputs = dependencies(&outputs, &mut known, false);
        Program {
            sboxes,
            outputs,
            sbox_inputs,
            output_inputs,
        }
    })
}

/// For each S-box in evaluation order, then for each output word, the input words it depends
/// on (bit i: word i). In [`PoseidonGadget`] a word is a variable exactly when it depends on an
/// input word that is one, and an S-box costs its three constraints exactly then: what the
/// witness recorder ([`crate::assignment`]) replays without the linear combinations.
pub(crate) fn input_dependencies() -> (&'static [u8], &'static [u8]) {
    let p = program();
    (&p.sbox_inputs, &p.output_inputs)
}

/// One state word: constant + Σ coefficient · variable, with its value when known.
#[derive(Clone, Debug)]
struct Word {
    constant: Fr,
    terms: Vec<(Fr, Variable)>,
    value: Option<Fr>,
}

impl Word {
    fn constant(c: Fr) -> Self {
        Word {
            constant: c,
            terms: Vec::new(),
            value: Some(c),
        }
    }

    fn add(&mut self, x: &FpVar<Fr>) {
        match x {
            FpVar::Constant(c) => {
                self.constant += c;
                self.value = self.value.map(|v| v + c);
            }
            FpVar::Var(a) => {
                self.terms.push((Fr::ONE, a.variable));
                self.value = self.value.zip(a.value().ok()).map(|(v, w)| v + w);
            }
        }
    }

    fn lc(&self) -> LinearCombination<Fr> {
        let mut terms = self.terms.clone();
        if !self.constant.is_zero() {
            terms.push((self.constant, Variable::One));
        }
        LinearCombination(terms)
    }

    /// The word as a circuit value (a symbolic linear combination, no constraint).
    fn to_var(&self, cs: &ConstraintSystemRef<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
        if self.terms.is_empty() {
            return Ok(FpVar::Constant(self.constant));
        }
        let variable = cs.new_lc(|| self.lc())?;
        Ok(FpVar::Var(AllocatedFp::new(
            self.value,
            variable,
            cs.clone(),
        )))
    }
}

/// Evaluates a linear function of the basis as a word. The program only refers to basis
/// entries already computed; anything else is a bug, reported rather than skipped.
fn combine(basis: &[Word], f: &Linear) -> Result<Word, SynthesisError> {
    let mut out = Word::constant(Fr::zero());
    for (i, c) in f {
        let b = basis.get(*i).ok_or(SynthesisError::Unsatisfiable)?;
        out.constant += *c * b.constant;
        out.terms.extend(b.terms.iter().map(|(d, v)| (*c * d, *v)));
        out.value = out.value.zip(b.value).map(|(o, v)| o + *c * v);
    }
    Ok(out)
}

/// The in-circuit Poseidon duplex sponge of the transcript.
#[derive(Clone, Debug)]
pub struct PoseidonGadget {
    cs: ConstraintSystemRef<Fr>,
    state: Vec<Word>,
    mode: DuplexMode,
}

fn backend(e: SynthesisError) -> BackendError {
    BackendError(e.to_string())
}

impl PoseidonGadget {
    /// A zero state in absorbing mode on `cs`.
    pub fn new(cs: ConstraintSystemRef<Fr>) -> Self {
        Self {
            cs,
            state: vec![Word::constant(Fr::zero()); WIDTH],
            mode: DuplexMode::default(),
        }
    }

    /// x ↦ x⁵: a constant for a constant input, else three constraints.
    fn sbox(&self, x: Word) -> Result<Word, SynthesisError> {
        if x.terms.is_empty() {
            return Ok(Word::constant(x.constant.pow([5u64])));
        }
        let cs = &self.cs;
        let x2v = x.value.map(|v| v.square());
        let x4v = x2v.map(|v| v.square());
        let x5v = x4v.zip(x.value).map(|(a, b)| a * b);
        let missing = SynthesisError::AssignmentMissing;
        let xv = cs.new_lc(|| x.lc())?;
        let x2 = cs.new_witness_variable(|| x2v.ok_or(missing))?;
        let x4 = cs.new_witness_variable(|| x4v.ok_or(missing))?;
        let x5 = cs.new_witness_variable(|| x5v.ok_or(missing))?;
        let single = |v: Variable| LinearCombination(vec![(Fr::ONE, v)]);
        cs.enforce_r1cs_constraint(|| single(xv), || single(xv), || single(x2))?;
        cs.enforce_r1cs_constraint(|| single(x2), || single(x2), || single(x4))?;
        cs.enforce_r1cs_constraint(|| single(x4), || single(xv), || single(x5))?;
        Ok(Word {
            constant: Fr::zero(),
            terms: vec![(Fr::ONE, x5)],
            value: x5v,
        })
    }

    fn permute(&mut self) -> Result<(), SynthesisError> {
        let p = program();
        let mut basis = Vec::with_capacity(BASIS);
        basis.push(Word::constant(Fr::ONE));
        basis.append(&mut self.state);
        for input in &p.sboxes {
            let out = self.sbox(combine(&basis, input)?)?;
            basis.push(out);
        }
        self.state = p
            .outputs
            .iter()
            .map(|f| combine(&basis, f))
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    fn absorb_vars(&mut self, xs: &[Var]) -> Result<(), SynthesisError> {
        for x in xs {
            let (permute, index) = self.mode.absorb_slot();
            if permute {
                self.permute()?;
            }
            self.state
                .get_mut(POSEIDON_CAPACITY + index)
                .ok_or(SynthesisError::Unsatisfiable)?
                .add(&x.0);
        }
        Ok(())
    }

    fn squeeze_var(&mut self) -> Result<Var, SynthesisError> {
        let (permute, index) = self.mode.squeeze_slot();
        if permute {
            self.permute()?;
        }
        let word = self
            .state
            .get(POSEIDON_CAPACITY + index)
            .ok_or(SynthesisError::Unsatisfiable)?;
        word.to_var(&self.cs).map(Var)
    }
}

impl SpongeOps<Var> for PoseidonGadget {
    fn absorb(&mut self, xs: &[Var]) -> Result<(), BackendError> {
        self.absorb_vars(xs).map_err(backend)
    }
    fn squeeze(&mut self) -> Result<Var, BackendError> {
        self.squeeze_var().map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_has_one_input_per_sbox_and_a_dense_output() {
        let p = program();
        assert_eq!(p.sboxes.len(), SBOXES);
        assert_eq!(p.outputs.len(), WIDTH);
        // Round 0 S-box i reads input word i and the constant only.
        assert!(p.sboxes[0].iter().all(|(i, _)| *i == 0 || *i == 1));
        // The outputs depend on the last full round's S-boxes only.
        assert!(
            p.outputs
                .iter()
                .flatten()
                .all(|(i, _)| *i == 0 || *i >= BASIS - WIDTH)
        );
    }
}
