//! The LogUp-GKR prover.

use super::gkr::Tree;
use super::{
    ColumnShape, LookupClaims, LookupProof, LookupStatement, Table, absorb_statement,
    fold_challenges, fold_leaf, root_challenges,
};
use crate::error::{Error, ensure};
use crate::field::encoding::from_i128;
use crate::poly::eq_table;
use crate::sumcheck::{RoundProver, prove_batched_bound};
use crate::transcript::{NativeTranscript, labels};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};

use rayon::prelude::*;

/// Running claim on one tree: the point and (p(r), q(r)) at the current layer.
struct Claim {
    point: Vec<Fr>,
    p: Fr,
    q: Fr,
}

/// An honest lookup proof together with what the caller needs next.
#[derive(Clone, Debug)]
pub struct ProvenLookup {
    /// The proof.
    pub proof: LookupProof<Fr>,
    /// The column and multiplicity claims the caller discharges against its commitments.
    pub claims: LookupClaims<Fr>,
    /// The multiplicities, which the caller commits with its trace.
    pub multiplicities: Vec<Fr>,
}

/// One witness column: a tensor looked up as `values[i] + offset`, zero-extended to the
/// longest column of the instance.
#[derive(Clone, Copy, Debug)]
pub struct LookupColumn<'a> {
    /// Name for error messages (the tensor's name).
    pub name: &'a str,
    /// The tensor's entries (a power-of-two count).
    pub values: &'a [Fr],
    /// Public constant added to each entry.
    pub offset: i64,
    /// A second tensor as long as `values`: the paired outputs f(x) of a function table, or
    /// a range table's subtrahend (`values − second + offset` is range-checked).
    pub second: Option<&'a [Fr]>,
}

impl<'a> LookupColumn<'a> {
    /// A column without offset.
    pub fn plain(name: &'a str, values: &'a [Fr]) -> Self {
        Self {
            name,
            values,
            offset: 0,
            second: None,
        }
    }
}

fn plain_columns<'a>(columns: &[(&'a str, &'a [Fr])]) -> Vec<LookupColumn<'a>> {
    columns
        .iter()
        .map(|(n, v)| LookupColumn::plain(n, v))
        .collect()
}

/// Proves that every entry of every column lies in `table`. Columns are `(name, values)`;
/// all must have the same power-of-two length.
///
/// Fails with [`Error::ValueNotInTable`], naming the column and index, if an entry is not in
/// the table.
pub fn prove(
    table: Table,
    columns: &[(&str, &[Fr])],
    transcript: &mut NativeTranscript,
) -> Result<ProvenLookup, Error> {
    prove_columns(table, &plain_columns(columns), transcript)
}

/// [`prove`] for columns of any power-of-two sizes and offsets.
pub fn prove_columns(
    table: Table,
    columns: &[LookupColumn<'_>],
    transcript: &mut NativeTranscript,
) -> Result<ProvenLookup, Error> {
    check_shape(table, columns)?;
    let multiplicities = count(table, columns)?;
    let (proof, claims) = prove_given(table, columns, &multiplicities, transcript)?;
    Ok(ProvenLookup {
        proof,
        claims,
        multiplicities,
    })
}

/// Proves with caller-supplied multiplicities (e.g. counted once across many blocks). Wrong
/// multiplicities, or values outside the table, yield a proof the verifier rejects.
pub fn prove_with_multiplicities(
    table: Table,
    columns: &[(&str, &[Fr])],
    multiplicities: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(LookupProof<Fr>, LookupClaims<Fr>), Error> {
    prove_given(table, &plain_columns(columns), multiplicities, transcript)
}

/// The multiplicities of `columns` in `table` (zero extensions included), failing with
/// [`Error::ValueNotInTable`] on the first entry outside it.
pub fn multiplicities(table: Table, columns: &[LookupColumn<'_>]) -> Result<Vec<Fr>, Error> {
    check_shape(table, columns)?;
    count(table, columns)
}

/// The prover with given multiplicities, for columns of any sizes and offsets.
pub fn prove_given(
    table: Table,
    columns: &[LookupColumn<'_>],
    multiplicities: &[Fr],
    transcript: &mut NativeTranscript,
) -> Result<(LookupProof<Fr>, LookupClaims<Fr>), Error> {
    let statement = check_shape(table, columns)?;
    if multiplicities.len() != 1 << table.bits() {
        return Err(Error::StatementShape {
            what: "LogUp multiplicities (one per table entry)",
            expected: 1 << table.bits(),
            actual: multiplicities.len(),
        });
    }
    absorb_statement(transcript, &statement)?;
    let alpha: Fr = if table.is_pair() {
        transcript.challenge(labels::LOGUP_ALPHA)?
    } else {
        Fr::ZERO
    };
    let beta: Fr = transcript.challenge(labels::LOGUP_BETA)?;

    // The leaves' real prefix: the columns, packed from 0; every leaf past them is 0/1.
    let n = statement.witness_depth();
    let offsets = statement.offsets();
    let real = columns
        .iter()
        .zip(&offsets)
        .map(|(col, base)| base + col.values.len())
        .max()
        .unwrap_or(0);
    let sp = tracing::debug_span!("leaves").entered();
    // Written in parallel from the first touch: the leaves are the prover's largest buffers,
    // and faulting their pages in on one thread cost as much as the whole leaf layer's work.
    let fresh = |v: Fr| -> Vec<Fr> { (0..real).into_par_iter().map(|_| v).collect() };
    let (mut p_w, mut q_w) = rayon::join(|| fresh(Fr::ZERO), || fresh(Fr::ONE));
    for (col, base) in columns.iter().zip(offsets) {
        let shift = beta + from_i128(i128::from(col.offset));
        let range = base..base + col.values.len();
        p_w[range.clone()].par_iter_mut().for_each(|p| *p = Fr::ONE);
        q_w[range].par_iter_mut().enumerate().for_each(|(i, q)| {
            let y = col.second.and_then(|p| p.get(i));
            *q = shift + fold_leaf(&table, &col.values[i], y, &alpha);
        });
    }
    let q_t: Vec<Fr> = (0..1usize << table.bits())
        .into_par_iter()
        .map(|j| beta + table.entry(j, alpha))
        .collect();
    drop(sp);
    let sp = tracing::debug_span!("trees").entered();
    let trees = [
        Tree::build(p_w, q_w, n),
        Tree::build(multiplicities.to_vec(), q_t, table.bits()),
    ];
    drop(sp);
    let sp = tracing::debug_span!("layers").entered();

    let tops = trees.each_ref().map(Tree::root);
    let roots: Vec<Fr> = tops.iter().flat_map(|(p, q)| [*p, *q]).collect();
    transcript.absorb(labels::GKR_LAYER, &roots)?;
    let mut claims: Vec<Claim> = tops
        .iter()
        .map(|&(p, q)| Claim {
            point: vec![],
            p,
            q,
        })
        .collect();

    let num_layers = statement.num_layers();
    let mut layers = Vec::with_capacity(num_layers);
    // λ and the batching challenge of the root layer; deeper layers' come with the fold.
    let (mut lambda, mut batch) = root_challenges(transcript)?;
    for d in 0..num_layers {
        let active: Vec<usize> = (0..2).filter(|t| trees[*t].depth() > d).collect();
        let mut instances = Vec::with_capacity(active.len());
        let mut sums = Vec::with_capacity(active.len());
        for t in &active {
            instances.push(trees[*t].layer_prover(d, &claims[*t].point, lambda)?);
            sums.push(claims[*t].p + lambda * claims[*t].q);
        }
        let mut refs: Vec<&mut dyn RoundProver> = instances
            .iter_mut()
            .map(|i| i as &mut dyn RoundProver)
            .collect();
        let (proof, outs) = prove_batched_bound(&mut refs, &sums, Some(batch), transcript)?;
        let (mu, next) = fold_challenges(transcript, d + 1 < num_layers)?;
        if let Some((next_lambda, next_batch)) = next {
            (lambda, batch) = (next_lambda, next_batch);
        }
        for (t, out) in active.iter().zip(outs) {
            let [_, p0, p1, q0, q1] = out.evals[..] else {
                return Err(Error::Internal {
                    what: "a GKR layer instance has five inputs",
                });
            };
            let mut point = Vec::with_capacity(out.point.len() + 1);
            point.push(mu);
            point.extend(out.point);
            claims[*t] = Claim {
                point,
                p: p0 + mu * (p1 - p0),
                q: q0 + mu * (q1 - q0),
            };
        }
        layers.push(proof);
    }

    drop(sp);
    let _sp = tracing::debug_span!("column evals").entered();
    let column_point = claims[0].point.clone();
    // Columns of one size share their point, so each size's eq table is built once.
    let vars_of = |col: &LookupColumn<'_>| col.values.len().trailing_zeros() as usize;
    let sizes: std::collections::BTreeSet<usize> = columns.iter().map(vars_of).collect();
    let eqs: std::collections::BTreeMap<usize, Vec<Fr>> = sizes
        .into_iter()
        .map(|v| (v, eq_table(&column_point[..v])))
        .collect();
    let column_evals: Vec<Fr> = columns
        .iter()
        .flat_map(|col| {
            let eq = eqs.get(&vars_of(col)).map_or(&[][..], Vec::as_slice);
            let eval =
                |v: &[Fr]| -> Fr { v.par_iter().zip(eq.par_iter()).map(|(a, e)| *a * e).sum() };
            std::iter::once(eval(col.values)).chain(col.second.map(eval))
        })
        .collect();
    transcript.absorb(labels::LOGUP_COLUMNS, &column_evals)?;
    let claims_out = LookupClaims {
        column_point,
        column_evals: column_evals.clone(),
        multiplicity_point: claims[1].point.clone(),
        multiplicity_eval: claims[1].p,
    };
    Ok((
        LookupProof {
            roots,
            layers,
            column_evals,
        },
        claims_out,
    ))
}

fn check_shape(table: Table, columns: &[LookupColumn<'_>]) -> Result<LookupStatement, Error> {
    // A function table reads pairs; a range table single columns or differences.
    let pairs_ok = columns.iter().all(|c| {
        (c.second.is_some() || !table.is_pair())
            && c.second.is_none_or(|p| p.len() == c.values.len())
    });
    ensure(
        pairs_ok,
        "LogUp",
        "a function table takes paired (x, f(x)) columns, and a second tensor is as long as its \
         column",
    )?;
    ensure(
        !columns.is_empty(),
        "LogUp",
        "a lookup needs at least one column",
    )?;
    if let Some(c) = columns.iter().find(|c| !c.values.len().is_power_of_two()) {
        return Err(Error::NotPowerOfTwo {
            what: "lookup column length",
            value: c.values.len(),
        });
    }
    ensure(
        table.is_supported(),
        "LogUp",
        "the table is outside the supported limits (ranges of at most 2^24 entries, function \
         tables of 2^2 to 2^14 entries and scale at most 30, at most 8 exponent chunks)",
    )?;
    let statement = LookupStatement {
        table,
        columns: columns
            .iter()
            .map(|c| ColumnShape {
                vars: c.values.len().trailing_zeros() as usize,
                offset: c.offset,
                second: c.second.is_some(),
            })
            .collect(),
    };
    if statement.witness_depth() == 0 {
        return Err(Error::BlockShape {
            block: "LogUp",
            reason: "a lookup needs at least two witness entries",
        });
    }
    Ok(statement)
}

/// Multiplicities m_j = #{(c, i) : a_c(i) = t_j}, failing on the first value not in the table.
fn count(table: Table, columns: &[LookupColumn<'_>]) -> Result<Vec<Fr>, Error> {
    let size = 1usize << table.bits();
    let mut counts = vec![0u64; size];
    for col in columns {
        let offset = from_i128(i128::from(col.offset));
        let name = col.name;
        let partial = col
            .values
            .par_chunks(1 << 14)
            .enumerate()
            .try_fold(
                || vec![0u64; size],
                |mut acc, (chunk, vals)| {
                    for (k, v) in vals.iter().enumerate() {
                        let at = (chunk << 14) + k;
                        let y = col.second.and_then(|p| p.get(at));
                        // A range table's subtrahend folds into the value it checks.
                        let (v, pair) = match y {
                            Some(y) if !table.is_pair() => (*v - y, None),
                            _ => (*v, y),
                        };
                        let Some(j) = table.index_of(&(v + offset), pair) else {
                            return Err(Error::ValueNotInTable {
                                column: name.to_string(),
                                index: at,
                                value: crate::field::encoding::to_i128(&v, 127)
                                    .map_or_else(|_| v.to_string(), |x| x.to_string()),
                                table: table.to_string(),
                            });
                        };
                        acc[j] += 1;
                    }
                    Ok(acc)
                },
            )
            .try_reduce(
                || vec![0u64; size],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    Ok(a)
                },
            )?;
        counts.iter_mut().zip(partial).for_each(|(x, y)| *x += y);
    }
    Ok(counts.into_par_iter().map(Fr::from).collect())
}
