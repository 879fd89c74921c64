//! Trace layouts (DESIGN §7): tensors of power-of-two sizes placed at offsets that are
//! multiples of their size inside one committed vector, plus reserved mask slots.
//!
//! Mask slots hold fresh randomness. A vector committed once (a model, a dataset) keeps 8
//! slots after its tensors: they hide it in its commitment. A proof's trace must hide
//! everything the opening shows the chain (H, G, Ĝ, Q, S₁, S₂, y_ζ, y_ι beside C: 8
//! dimensions, [`crate::pcs::split`]); slots reach all of them only from two different rows
//! ≥ 1 and disjoint columns of the opening's row split, so [`LayoutBuilder::build_trace`]
//! places 4 slots in each of two such rows.
//!
//! A claim on a tensor at local point p is a claim on the vector at (p, bits(offset / size)):
//! the low variables index inside the tensor, the high ones select it, so blocks speak of
//! their own tensors and the accumulator sees points on whole vectors.

use crate::error::Error;
use crate::field::FieldOps;
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field, UniformRand};
use rand::RngCore;
use rayon::prelude::*;

/// Slots of every committed vector that hold fresh randomness instead of data (DESIGN §7).
pub const MASK_SLOTS: usize = 8;

/// Slots per row in a trace's two masked rows.
const TRACE_MASK_GROUP: usize = MASK_SLOTS / 2;

/// A trace has at least 2^5 entries: rows of 8, so its two mask groups take disjoint columns.
const MIN_TRACE_VARS: usize = 5;

/// An aligned slice of a committed vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    /// First index; a multiple of the segment's length.
    pub offset: usize,
    /// log2 of the length.
    pub log_len: usize,
}

impl Segment {
    /// Number of entries.
    pub fn len(&self) -> usize {
        1 << self.log_len
    }

    /// Always false: segments hold at least one entry.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The point on the whole vector (of `vector_vars` variables) for a local point.
    pub fn point<F: FieldOps>(&self, local: &[F], vector_vars: usize) -> Vec<F> {
        let index = self.offset >> self.log_len;
        let mut p = local.to_vec();
        p.extend((0..vector_vars.saturating_sub(self.log_len)).map(|j| {
            F::constant(if (index >> j) & 1 == 1 {
                Fr::ONE
            } else {
                Fr::ZERO
            })
        }));
        p
    }
}

/// Handle of a tensor inside a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorId(usize);

/// Collects tensor sizes; [`LayoutBuilder::build`] packs them.
#[derive(Clone, Debug, Default)]
pub struct LayoutBuilder {
    tensors: Vec<(String, usize)>,
}

impl LayoutBuilder {
    /// An empty layout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves a tensor of `len` entries (rounded up to a power of two), without its padding
    /// when `split` says so: one tensor per block, named after the axis positions it holds.
    pub fn add_stored(&mut self, name: &str, len: usize, split: Option<AxisSplit>) -> Stored {
        let Some(split) = split else {
            return Stored::Whole(self.add(name, len));
        };
        let vars = len.max(1).next_power_of_two().trailing_zeros() as usize;
        let blocks = split
            .blocks()
            .into_iter()
            .zip(split.block_lens(vars))
            .map(|((start, e), block_len)| self.add(&block_name(name, (start, e)), block_len))
            .collect();
        Stored::Split { split, blocks }
    }

    /// Reserves a tensor of `len` entries (rounded up to a power of two).
    pub fn add(&mut self, name: &str, len: usize) -> TensorId {
        self.tensors.push((
            name.to_string(),
            len.max(1).next_power_of_two().trailing_zeros() as usize,
        ));
        TensorId(self.tensors.len() - 1)
    }

    /// Places tensors largest first (every offset is then aligned and nothing is wasted),
    /// then the mask slots; the vector's length is the next power of two. For vectors
    /// committed once (models, datasets); a proof's trace takes [`Self::build_trace`].
    pub fn build(self) -> Layout {
        let (names, segments, cursor) = self.place();
        let mask = Segment {
            offset: cursor.next_multiple_of(MASK_SLOTS),
            log_len: MASK_SLOTS.trailing_zeros() as usize,
        };
        let total = (mask.offset + MASK_SLOTS).next_power_of_two();
        Layout {
            names,
            segments,
            masks: vec![mask],
            num_vars: total.trailing_zeros() as usize,
        }
    }

    /// The layout of a proof's trace, opened beside vectors of at most `other_vars`
    /// variables. Its 8 fresh slots sit as 4 right after the tensors (at the start of row 1
    /// at the earliest) and 4 in the next row, in the next 4 columns: two different rows ≥ 1
    /// and disjoint columns of the opening's row split (rows of b = 2^⌈n/2⌉ ≥ 8 entries, n the
    /// largest vector's variables). Rows 0 never reach Q, and two groups in the same columns
    /// reach the fold g through one combination only; this placement reaches everything the
    /// chain sees (the rank is pinned in `pcs::split`'s tests). Keeping both groups right
    /// above the tensors leaves the rest of the vector zero, and the opening's fold quotient
    /// Q zero above them: its MSM covers the data, not the power-of-two padding. The vector
    /// is as long as it was when the second group sat at its end (the statement's sizes do
    /// not depend on where the slots are): it grows until a row above the first group fits —
    /// by one doubling past [`Self::build`]'s size at most, when the tensors leave less than a
    /// row free.
    pub fn build_trace(self, other_vars: usize) -> Layout {
        let (names, segments, cursor) = self.place();
        let mut num_vars = ((cursor + MASK_SLOTS).next_power_of_two().trailing_zeros() as usize)
            .max(MIN_TRACE_VARS);
        loop {
            let row = 1usize << crate::pcs::split::row_vars(num_vars.max(other_vars));
            let mut first = cursor.next_multiple_of(TRACE_MASK_GROUP).max(row);
            if first % row == row - TRACE_MASK_GROUP {
                // A row's last columns start the next row (the lengths this gives are the
                // statement's since the second group sat in the last row's last columns).
                first = first.next_multiple_of(row);
            }
            // The first group must sit below the last row, so the next row fits.
            let len = (first + TRACE_MASK_GROUP + row).next_power_of_two();
            let vars = len.trailing_zeros() as usize;
            if vars <= num_vars {
                let group_log = TRACE_MASK_GROUP.trailing_zeros() as usize;
                // The adjustment above keeps the first group off a row's last columns, so the
                // second group's columns follow it in the next row without wrapping.
                debug_assert!(first % row + 2 * TRACE_MASK_GROUP <= row);
                return Layout {
                    names,
                    segments,
                    masks: vec![
                        Segment {
                            offset: first,
                            log_len: group_log,
                        },
                        Segment {
                            offset: first + row + TRACE_MASK_GROUP,
                            log_len: group_log,
                        },
                    ],
                    num_vars,
                };
            }
            num_vars = vars;
        }
    }

    /// Places the tensors largest first; returns their names, segments and the first free
    /// index.
    fn place(self) -> (Vec<String>, Vec<Segment>, usize) {
        let mut order: Vec<usize> = (0..self.tensors.len()).collect();
        order.sort_by_key(|i| std::cmp::Reverse(self.tensors[*i].1));
        let mut segments = vec![
            Segment {
                offset: 0,
                log_len: 0
            };
            self.tensors.len()
        ];
        let mut cursor = 0usize;
        for i in order {
            let log_len = self.tensors[i].1;
            segments[i] = Segment {
                offset: cursor,
                log_len,
            };
            cursor += 1 << log_len;
        }
        (
            self.tensors.into_iter().map(|t| t.0).collect(),
            segments,
            cursor,
        )
    }
}

/// A packed layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    names: Vec<String>,
    segments: Vec<Segment>,
    /// The reserved random slots (one segment of 8, or a trace's two of 4).
    pub masks: Vec<Segment>,
    /// log2 of the vector length.
    pub num_vars: usize,
}

impl Layout {
    /// The segment of a tensor.
    pub fn segment(&self, id: TensorId) -> Segment {
        self.segments[id.0]
    }

    /// Entries the tensors take (their padded lengths; mask slots not counted).
    pub fn tensor_entries(&self) -> usize {
        self.segments.iter().map(Segment::len).sum()
    }

    /// The vector's length.
    pub fn len(&self) -> usize {
        1 << self.num_vars
    }

    /// Always false.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Builds the vector: every tensor's values at its segment (zero padded), fresh randomness
    /// in the mask slots. Fails if a tensor is missing or too long.
    pub fn fill(
        &self,
        tensors: &[(TensorId, &[Fr])],
        rng: &mut (impl RngCore + rand::CryptoRng),
    ) -> Result<Vec<Fr>, Error> {
        // Touched first in parallel: faulting a large vector's pages in on one thread costs
        // more than the copies below.
        let mut v: Vec<Fr> = (0..self.len()).into_par_iter().map(|_| Fr::ZERO).collect();
        let mut seen = vec![false; self.segments.len()];
        for (id, values) in tensors {
            let seg = self.segments.get(id.0).ok_or(Error::Internal {
                what: "a tensor id belongs to the layout that issued it",
            })?;
            if values.len() > seg.len() {
                return Err(Error::TooLarge {
                    what: "tensor values for its layout segment",
                    value: values.len(),
                    max: seg.len(),
                });
            }
            // Copied in parallel: the trace's tensors run to millions of entries.
            v[seg.offset..seg.offset + values.len()]
                .par_chunks_mut(1 << 14)
                .zip(values.par_chunks(1 << 14))
                .for_each(|(to, from)| to.copy_from_slice(from));
            seen[id.0] = true;
        }
        if let Some(missing) = seen.iter().position(|s| !s) {
            return Err(Error::MissingTensor {
                name: self.names.get(missing).cloned().unwrap_or_default(),
            });
        }
        for mask in &self.masks {
            for slot in &mut v[mask.offset..mask.offset + mask.len()] {
                *slot = Fr::rand(rng);
            }
        }
        Ok(v)
    }
}

/// A tensor stored without the padding of one axis. The axis sits at variables
/// [low, low + axis_vars) of the tensor's index (below it `low` inner variables, above it the
/// outer ones) and only its positions below `real` hold data; the rest holds the public
/// constant `fill` by the statement's construction (a layer's padded output channels: zero,
/// or a rounding remainder's offset) and is not stored. The data is stored as one tensor per
/// set bit 2^e of `real`, high to low: block (start, e) holds axis positions
/// [start, start + 2^e) with the same inner and outer variables, so it is a power-of-two
/// tensor that packs like any other.
///
/// The padded tensor's MLE at (r_in, r_axis, r_out) is
/// Σ_b s_b·B̃_b(r_in, r_axis[..e_b], r_out) + fill·(1 − Σ_b s_b), s_b = eq(r_axis[e_b..],
/// bits(start_b / 2^e_b)): the padded positions' eq weights sum to 1 − Σ_b s_b. The padding
/// is the constant by construction rather than by a check, and a claim on the padded tensor
/// is one opening claim with a term per block, scales and constant computed by the verifier
/// ([`Self::claim`], [`crate::pcs::Accumulator::add_terms`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxisSplit {
    /// Variables below the axis.
    pub low: usize,
    /// The axis's variables (its padded length is 2^axis_vars).
    pub axis_vars: usize,
    /// Positions of the axis that hold data.
    pub real: usize,
    /// The value of every entry at a padded position.
    pub fill: Fr,
}

impl AxisSplit {
    /// The split of an axis with `real` of 2^axis_vars positions in use, the rest holding
    /// `fill`; `None` when the axis has no padding (nothing to leave out).
    pub fn new(low: usize, axis_vars: usize, real: usize, fill: Fr) -> Result<Option<Self>, Error> {
        let padded = 1usize << axis_vars;
        if real == 0 || real > padded {
            return Err(Error::TooLarge {
                what: "positions in use of a padded axis (1 to its padded length)",
                value: real,
                max: padded,
            });
        }
        Ok((real < padded).then_some(Self {
            low,
            axis_vars,
            real,
            fill,
        }))
    }

    /// The blocks (first axis position, log2 of their width), largest first.
    pub fn blocks(&self) -> Vec<(usize, usize)> {
        let mut start = 0;
        (0..self.axis_vars)
            .rev()
            .filter(|e| (self.real >> e) & 1 == 1)
            .map(|e| {
                let block = (start, e);
                start += 1 << e;
                block
            })
            .collect()
    }

    /// Each block's length for a padded tensor of 2^vars entries (vars ≥ low + axis_vars).
    pub fn block_lens(&self, vars: usize) -> Vec<usize> {
        self.blocks()
            .into_iter()
            .map(|(_, e)| 1 << (vars.saturating_sub(self.axis_vars) + e))
            .collect()
    }

    /// The blocks' values from the padded tensor `name`'s (zero-extended to 2^vars entries).
    /// Fails if an entry the split leaves out is not `fill`: such a tensor is not the
    /// statement's.
    pub fn extract(&self, name: &str, values: &[Fr], vars: usize) -> Result<Vec<Vec<Fr>>, Error> {
        let (inner, axis) = (1usize << self.low, 1usize << self.axis_vars);
        let outer_vars = vars
            .checked_sub(self.low + self.axis_vars)
            .ok_or(Error::Internal {
                what: "a split axis lies inside its tensor's variables",
            })?;
        let outer = 1usize << outer_vars;
        let at = |i: usize| values.get(i).copied().unwrap_or(Fr::ZERO);
        let stray = (0..outer).into_par_iter().find_map_first(|o| {
            ((o * axis + self.real) * inner..(o + 1) * axis * inner).find(|i| at(*i) != self.fill)
        });
        if let Some(index) = stray {
            return Err(Error::PaddedEntry {
                tensor: name.to_string(),
                index,
            });
        }
        Ok(self
            .blocks()
            .into_iter()
            .map(|(start, e)| {
                let width = inner << e;
                (0..outer)
                    .into_par_iter()
                    .flat_map_iter(|o| {
                        let from = (o * axis + start) * inner;
                        (from..from + width).map(at)
                    })
                    .collect()
            })
            .collect())
    }

    /// The claim P̃(point) = value on the padded tensor as Σ_b s_b·B̃_b(local_b) = value′: the
    /// terms (s_b, local_b) in [`Self::blocks`]' order and value′ = value − fill·(1 − Σ_b s_b).
    pub fn claim<F: FieldOps>(&self, point: &[F], value: &F) -> Result<(BlockTerms<F>, F), Error> {
        let axis_end = self.low + self.axis_vars;
        if point.len() < axis_end {
            return Err(Error::ProofShape {
                what: "claim point on a tensor stored without its padding",
                expected: axis_end,
                actual: point.len(),
            });
        }
        let (inner, rest) = point.split_at(self.low);
        let (axis, outer) = rest.split_at(self.axis_vars);
        let terms: BlockTerms<F> = self
            .blocks()
            .into_iter()
            .map(|(start, e)| {
                let scale = axis
                    .iter()
                    .enumerate()
                    .skip(e)
                    .fold(F::one(), |acc, (j, r)| {
                        acc.mul(&if (start >> j) & 1 == 1 {
                            r.clone()
                        } else {
                            r.one_minus()
                        })
                    });
                let local = inner
                    .iter()
                    .chain(axis.iter().take(e))
                    .chain(outer)
                    .cloned()
                    .collect();
                (scale, local)
            })
            .collect();
        let covered = terms.iter().fold(F::zero(), |acc, (s, _)| acc.add(s));
        let padded = F::constant(self.fill).mul(&covered.one_minus());
        Ok((terms, value.sub(&padded)))
    }
}

/// The name of block (start, e) of a split tensor: `{tensor}[start..start + 2^e)`.
pub fn block_name(tensor: &str, (start, e): (usize, usize)) -> String {
    format!("{tensor}[{start}..{})", start + (1 << e))
}

/// A tensor's values for [`Layout::fill`], borrowed when stored whole.
pub type Part<'a> = (TensorId, std::borrow::Cow<'a, [Fr]>);

/// A claim's terms (scale, block-local point) on the blocks of a split tensor.
pub type BlockTerms<F> = Vec<(F, Vec<F>)>;

/// How a tensor is stored in its vector: whole, or without its padding ([`AxisSplit`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stored {
    /// As one segment.
    Whole(TensorId),
    /// As one segment per block of the split.
    Split {
        /// The split.
        split: AxisSplit,
        /// The blocks' tensors, in [`AxisSplit::blocks`]' order.
        blocks: Vec<TensorId>,
    },
}

impl Stored {
    /// The parts [`Layout::fill`] takes for tensor `name` of 2^vars padded entries.
    pub fn parts<'a>(
        &self,
        name: &str,
        values: &'a [Fr],
        vars: usize,
    ) -> Result<Vec<Part<'a>>, Error> {
        Ok(match self {
            Stored::Whole(id) => vec![(*id, std::borrow::Cow::Borrowed(values))],
            Stored::Split { split, blocks } => blocks
                .iter()
                .copied()
                .zip(split.extract(name, values, vars)?)
                .map(|(id, v)| (id, std::borrow::Cow::Owned(v)))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::DenseMle;
    use rand::SeedableRng;

    #[test]
    fn segments_are_aligned_and_claims_lift() {
        let mut b = LayoutBuilder::new();
        let x = b.add("x", 12); // → 16
        let y = b.add("y", 64);
        let z = b.add("z", 2);
        let layout = b.build();
        for id in [x, y, z] {
            let s = layout.segment(id);
            assert_eq!(s.offset % s.len(), 0);
        }
        assert_eq!(layout.len(), 128);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let xs: Vec<Fr> = (0..12).map(|i| Fr::from(i as u64 + 1)).collect();
        let ys: Vec<Fr> = (0..64).map(|i| Fr::from(i as u64 * 3)).collect();
        let v = layout
            .fill(&[(x, &xs), (y, &ys), (z, &[Fr::ONE])], &mut rng)
            .unwrap();
        let local = vec![
            Fr::from(5u64),
            Fr::from(7u64),
            Fr::from(11u64),
            Fr::from(13u64),
        ];
        let mut padded = xs.clone();
        padded.resize(16, Fr::ZERO);
        let expect = DenseMle::new(padded).unwrap().evaluate(&local).unwrap();
        let lifted = layout.segment(x).point(&local, layout.num_vars);
        assert_eq!(DenseMle::new(v).unwrap().evaluate(&lifted).unwrap(), expect);
        assert_eq!(
            layout.fill(&[(x, &xs)], &mut rng),
            Err(Error::MissingTensor { name: "y".into() })
        );
        assert_eq!(
            layout.fill(&[(x, &ys), (y, &ys), (z, &[Fr::ONE])], &mut rng),
            Err(Error::TooLarge {
                what: "tensor values for its layout segment",
                value: 64,
                max: 16
            })
        );
    }
    /// The blocks' MLEs under the split's scales, plus the fill's share, give the padded
    /// tensor's MLE, for channel axes at the bottom (6 of 8, 12 of 16, 5 of 8) and in the
    /// middle (3 of 4 above 4 inner entries), zero and nonzero fills; the extraction refuses
    /// padding that is not the fill.
    #[test]
    fn a_split_tensor_evaluates_as_its_padded_tensor() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(2);
        let cases = [
            (0, 3, 6, 7, 0u64),
            (0, 4, 12, 6, 8),
            (0, 3, 5, 5, 0),
            (2, 2, 3, 7, 2),
        ];
        for (low, axis_vars, real, vars, fill) in cases {
            let fill = Fr::from(fill);
            let split = AxisSplit::new(low, axis_vars, real, fill).unwrap().unwrap();
            let padded: Vec<Fr> = (0..1usize << vars)
                .map(|i| {
                    let a = (i >> low) & ((1 << axis_vars) - 1);
                    if a < real { Fr::rand(&mut rng) } else { fill }
                })
                .collect();
            let blocks = split.extract("t", &padded, vars).unwrap();
            let lens: Vec<usize> = blocks.iter().map(Vec::len).collect();
            assert_eq!(lens, split.block_lens(vars));
            assert_eq!(
                lens.iter().sum::<usize>(),
                (padded.len() >> axis_vars) * real
            );
            let point: Vec<Fr> = (0..vars).map(|_| Fr::rand(&mut rng)).collect();
            let value = DenseMle::new(padded.clone())
                .unwrap()
                .evaluate(&point)
                .unwrap();
            let (terms, rest) = split.claim(&point, &value).unwrap();
            let got: Fr = terms
                .into_iter()
                .zip(&blocks)
                .map(|((scale, local), b)| {
                    scale * DenseMle::new(b.clone()).unwrap().evaluate(&local).unwrap()
                })
                .sum();
            assert_eq!(got, rest, "{low} {axis_vars} {real}");
            let mut dirty = padded;
            let last = dirty.len() - 1;
            dirty[last] += Fr::ONE;
            assert_eq!(
                split.extract("t", &dirty, vars),
                Err(Error::PaddedEntry {
                    tensor: "t".into(),
                    index: last
                })
            );
        }
        assert_eq!(AxisSplit::new(0, 3, 8, Fr::ZERO), Ok(None));
        assert!(AxisSplit::new(0, 3, 9, Fr::ZERO).is_err());
        assert!(AxisSplit::new(0, 3, 0, Fr::ZERO).is_err());
    }
}
