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
        let mut v = vec![Fr::ZERO; self.len()];
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
            v[seg.offset..seg.offset + values.len()].copy_from_slice(values);
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
}
