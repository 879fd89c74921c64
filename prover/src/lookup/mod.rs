//! LogUp-GKR lookups (Papini–Haböck; DESIGN §6).
//!
//! Claim: every entry a_c(i) of the witness columns lies in the table t, shown through
//! Σ_{c,i} 1/(β + a_c(i)) = Σ_j m_j/(β + t_j) for a random β drawn after the columns and
//! multiplicities m are bound. Each side is a binary tree of fractions
//! (p₀, q₀) + (p₁, q₁) = (p₀q₁ + p₁q₀, q₀q₁) whose root the prover states; the verifier checks
//! P_w·Q_t = P_t·Q_w with Q_w, Q_t ≠ 0, then walks both trees from the root to the leaves, one
//! degree-3 sumcheck per layer,
//!   Σ_x eq(r, x)·[p₀(x)q₁(x) + p₁(x)q₀(x) + λ·q₀(x)q₁(x)] = p(r) + λ·q(r),
//! folding the two children with a fresh μ into a claim on the next layer at (μ, r′). The
//! child bit is the lowest variable; both trees' layers of equal size share one batched
//! sumcheck. No commitment is added: the protocol ends with claims on the columns (at one
//! point) and on the multiplicities, which the caller discharges against its commitments.
//!
//! Witness layout: the columns are packed into one vector, largest first, each segment at an
//! offset that is a multiple of its length (as trace layouts do, DESIGN §7); unused slots hold
//! the neutral fraction 0/1. A column may carry a public offset, so with sel_c(r) = eq(r_high,
//! bits(offset_c / len_c)) the leaves at r are p̃ = Σ_c sel_c and
//! q̃ = 1 − Σ_c sel_c + Σ_c sel_c·(β + ṽ_c(r_low) + offset_c): callers look tensors of different
//! sizes, and signed values, up in one instance, the tree only as deep as their total size.
//! A column may also carry a second tensor y of its size: with a function table the pair
//! (x, f(x)) is one entry, folded as x + offset + α·y; with a range table y is subtracted, so
//! x − y + offset is range-checked and the difference never committed (both ṽ and ỹ at the
//! leaf point are handed back: the fold is linear, so the leaf's q̃ is β + the same fold of
//! the two evaluations).
//! The table's MLE is succinct: the range table [0, 2^k) has t̃(x) = Σ_j 2^j x_j.
//!
//! Challenge order: the statement (a digest of the table and the column shapes), then α (pair
//! folding) and β; the roots, then λ and the tree-batching challenge (`batch`) of the first layer; each layer's
//! sumcheck rounds; its final evaluations, then μ together with the next layer's λ and batch
//! in one squeeze (they weight the next layer's claims p + λq, which μ and the absorbed
//! evaluations already fix, so drawing them with μ loses nothing and saves a permutation per
//! layer); then the next layer. The column and multiplicity evaluations are absorbed before
//! the caller's next challenge.
//!
//! Soundness assumptions: the columns and multiplicities are bound (committed and absorbed)
//! before [`prove`]/[`verify`] run, so β is independent of them; then a value outside the
//! table leaves the two fraction sums different except with probability
//! ≈ (total lookups + table size)/|Fr|, and the GKR adds the sumchecks' error.

mod gkr;
mod prover;
mod table;
mod verifier;

pub use prover::{
    LookupColumn, ProvenLookup, multiplicities, prove, prove_columns, prove_given,
    prove_with_multiplicities,
};
pub use table::{MAX_FUNCTION_BITS, MAX_TABLE_BITS, Real, Table, TableFn, exp_chunk};
pub use verifier::verify;

use crate::error::Error;
use crate::field::FieldOps;
use crate::sumcheck::{Composition, SumcheckProof};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;

/// The shape of one witness column: a tensor of 2^`vars` entries looked up as `value + offset`,
/// zero-extended to the longest column (0 lies in every table, so the extension is free).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnShape {
    /// log2 of the tensor's length.
    pub vars: usize,
    /// Public constant added to every entry before the lookup (e.g. 2^(b−1) turns a signed
    /// b-bit check into the unsigned range table).
    pub offset: i64,
    /// Whether a second tensor y of the same size comes with it: with a function table the
    /// pair (x, f(x)), folded as x + offset + α·y; with a range table a subtrahend, so
    /// x − y + offset is range-checked without committing the difference.
    pub second: bool,
}

/// What both sides agree on before the proof: the table and the columns' shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupStatement {
    /// The table looked into.
    pub table: Table,
    /// One shape per witness column (≥ 1).
    pub columns: Vec<ColumnShape>,
}

impl LookupStatement {
    /// `num_columns` columns of 2^`column_vars` entries each, without offsets.
    pub fn uniform(table: Table, num_columns: usize, column_vars: usize) -> Self {
        Self {
            table,
            columns: vec![
                ColumnShape {
                    vars: column_vars,
                    offset: 0,
                    second: false,
                };
                num_columns
            ],
        }
    }
    /// Number of witness columns.
    pub fn num_columns(&self) -> usize {
        self.columns.len()
    }
    /// Where each column's segment starts in the packed witness: columns placed largest
    /// first (stable), so every offset is a multiple of the segment's length.
    pub fn offsets(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.columns.len()).collect();
        order.sort_by_key(|c| std::cmp::Reverse(self.columns[*c].vars));
        let mut offsets = vec![0; self.columns.len()];
        let mut cursor = 0usize;
        for c in order {
            offsets[c] = cursor;
            cursor = cursor.saturating_add(1usize << self.columns[c].vars.min(40));
        }
        offsets
    }
    /// Total packed length (before padding to a power of two).
    fn packed_len(&self) -> usize {
        self.columns.iter().fold(0usize, |acc, c| {
            acc.saturating_add(1usize << c.vars.min(40))
        })
    }
    /// Depth of the witness tree: log2 of the packed length, padded to a power of two.
    pub fn witness_depth(&self) -> usize {
        self.packed_len()
            .max(2)
            .checked_next_power_of_two()
            .map_or(usize::BITS as usize, |p| p.trailing_zeros() as usize)
    }
    /// Number of layer sumchecks.
    pub fn num_layers(&self) -> usize {
        self.witness_depth().max(self.table.bits())
    }
}

/// A LogUp-GKR proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupProof<F> {
    /// Roots (P_w, Q_w, P_t, Q_t) of the witness and table trees.
    pub roots: Vec<F>,
    /// One batched sumcheck per layer, root first; instance order: witness, then table.
    pub layers: Vec<SumcheckProof<F>>,
    /// ṽ_c(r[..vars_c]) for each column's tensor at the final column point (two values for a
    /// column with a second tensor).
    pub column_evals: Vec<F>,
}

impl<F> LookupProof<F> {
    /// Field elements the proof carries (its serialized size is 32 bytes each).
    pub fn num_elements(&self) -> usize {
        self.roots.len()
            + self.column_evals.len()
            + self
                .layers
                .iter()
                .map(SumcheckProof::num_elements)
                .sum::<usize>()
    }
}

/// The claims a lookup proof leaves to the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupClaims<F> {
    /// The leaf point r; column c is claimed at its first vars_c coordinates.
    pub column_point: Vec<F>,
    /// ṽ_c(r[..vars_c]) per column: each tensor at the prefix of r its size uses; a column
    /// with a second tensor contributes two values (x, then y).
    pub column_evals: Vec<F>,
    /// The point at which the multiplicities are claimed.
    pub multiplicity_point: Vec<F>,
    /// m̃ at that point.
    pub multiplicity_eval: F,
}

/// The layer composition eq·(p₀q₁ + p₁q₀ + λq₀q₁) over inputs [eq, p₀, p₁, q₀, q₁].
#[derive(Clone, Debug)]
pub(crate) struct GkrLayer<F>(pub F);

impl<F: FieldOps> Composition<F> for GkrLayer<F> {
    fn degree(&self) -> usize {
        3
    }
    fn arity(&self) -> usize {
        5
    }
    #[inline(always)]
    fn evaluate(&self, vals: &[F]) -> F {
        match vals {
            [eq, p0, p1, q0, q1] => {
                let q01 = q0.mul(q1);
                eq.mul(&p0.mul(q1).add(&p1.mul(q0)).add(&self.0.mul(&q01)))
            }
            _ => F::zero(),
        }
    }
}

/// Binds the statement, shared by both sides: one word, a Poseidon digest of the table
/// parameters, the column count, then each column's size, offset (as a field element, so
/// negative offsets stay distinct) and whether it has a second tensor. The statement is a
/// public function of the caller's statement (in zkmodel's, of the architecture s0 binds): in the circuit the digest
/// is a constant, so binding it costs one word instead of three per column (a range lookup
/// over a training statement's columns absorbed ~200 words, ~50 permutations).
pub(crate) fn absorb_statement<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    s: &LookupStatement,
) -> Result<(), Error> {
    let mut words: Vec<Fr> = s.table.parameters().iter().map(|p| Fr::from(*p)).collect();
    words.push(Fr::from(s.columns.len() as u64));
    for c in &s.columns {
        words.push(Fr::from(c.vars as u64));
        words.push(crate::field::encoding::from_i128(i128::from(c.offset)));
        words.push(Fr::from(u64::from(c.second)));
    }
    let mut t = NativeTranscript::new_native();
    t.absorb(labels::LOGUP_STATEMENT, &words)?;
    let digest = F::constant(t.digest()?);
    Ok(transcript.absorb(labels::LOGUP_STATEMENT, &[digest])?)
}

/// A column entry's leaf value before β and its offset: x, then + α·y for a function table's
/// pair or − y for a range table's subtrahend (the same fold for the prover's entries and the
/// verifier's evaluations at the leaf point: it is linear).
pub(crate) fn fold_leaf<F: FieldOps>(table: &Table, x: &F, y: Option<&F>, alpha: &F) -> F {
    match y {
        Some(y) if table.is_pair() => x.add(&alpha.mul(y)),
        Some(y) => x.sub(y),
        None => x.clone(),
    }
}

/// The root layer's λ and tree-batching challenge, drawn after the roots are absorbed.
pub(crate) fn root_challenges<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
) -> Result<(F, F), Error> {
    let mut drawn = transcript.challenges(labels::GKR_LAMBDA, 2)?.into_iter();
    drawn.next().zip(drawn.next()).ok_or(Error::Internal {
        what: "the transcript returns the number of challenges asked for",
    })
}

/// The challenges drawn after a layer's final evaluations: the fold μ and, unless the layer
/// is the last, the next layer's λ and tree-batching challenge — one label, one squeeze.
pub(crate) fn fold_challenges<F: FieldOps, S: SpongeOps<F>>(
    transcript: &mut Transcript<F, S>,
    another_layer: bool,
) -> Result<(F, Option<(F, F)>), Error> {
    let n = if another_layer { 3 } else { 1 };
    let mut drawn = transcript.challenges(labels::GKR_FOLD, n)?.into_iter();
    let mu = drawn.next().ok_or(Error::Internal {
        what: "the transcript returns the number of challenges asked for",
    })?;
    Ok((mu, drawn.next().zip(drawn.next())))
}

#[cfg(test)]
mod tests {
    use super::{ColumnShape, LookupStatement, Table, absorb_statement};
    use crate::transcript::{NativeTranscript, labels};

    fn challenge_after(s: &LookupStatement) -> ark_bn254::Fr {
        let mut t = NativeTranscript::new_native();
        absorb_statement(&mut t, s).unwrap();
        t.challenge(labels::LOGUP_BETA).unwrap()
    }

    /// The one-word digest still tells every statement apart: a change to the table, the column
    /// count or any column's size, offset or second tensor changes the challenges that follow.
    #[test]
    fn the_statement_digest_tells_every_statement_apart() {
        let column = |vars, offset, second| ColumnShape {
            vars,
            offset,
            second,
        };
        let base = LookupStatement {
            table: Table::Range { bits: 8 },
            columns: vec![column(4, 0, false), column(6, 128, false)],
        };
        let mut variants = vec![];
        let mut v = base.clone();
        v.table = Table::Range { bits: 9 };
        variants.push(v);
        let mut v = base.clone();
        v.columns.pop();
        variants.push(v);
        for edit in [
            column(5, 0, false),
            column(4, -128, false),
            column(4, 1, false),
            column(4, 0, true),
        ] {
            let mut v = base.clone();
            v.columns[0] = edit;
            variants.push(v);
        }
        let b = challenge_after(&base);
        assert_eq!(b, challenge_after(&base.clone()));
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(challenge_after(v), b, "variant {i}");
        }
    }
}
