//! The public plan of an MLP statement: shapes, where every tensor lives (a segment of a
//! committed vector, or public), which range checks run, and how claims reach the opening.
//! Prover and verifier build the same plan from the architecture alone.

use crate::blocks::TensorClaim;
use crate::blocks::argmax::ArgmaxShape;
use crate::blocks::concat::ConcatShape;
use crate::blocks::dense::DenseShape;
use crate::blocks::matmul::MatMulDims;
use crate::blocks::softmax::SoftmaxShape;
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::field::encoding::from_i128;
use crate::graph::quant::InputShape;
use crate::pcs::layout::{AxisSplit, Layout, LayoutBuilder, Stored};
use crate::pcs::{Accumulator, Srs};
use crate::poly::evaluate_generic;
use crate::proof::bounds::{RangeColumn, RangeColumns, softmax_ranges};
use crate::proof::public::PublicGroup;
use crate::proof::roles::CommitmentRole;
use std::collections::{BTreeMap, BTreeSet};

use super::shape::{LayerKind, LayerShape, ModelShape, Task, Visibility};

/// Shape and task: everything the circuit and the verifying key depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModelArchitecture {
    /// The model's shape.
    pub shape: ModelShape,
    /// The claim.
    pub task: Task,
}

/// Where a tensor lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Vector `vector` (0 model, 1 trace, 2 data), whole or without its padded channels.
    Vector { vector: usize, stored: Stored },
    /// The public input.
    PublicInput,
    /// The public outputs (logits, or a Softmax output's probabilities).
    PublicOutput,
}

/// Vector indices in commitment order.
pub(crate) const MODEL: usize = 0;
pub(crate) const TRACE: usize = 1;
pub(crate) const DATA: usize = 2;

/// Names of the statement's tensors.
pub(crate) mod names {
    pub const INPUT: &str = "input";
    pub const LOGITS: &str = "logits";
    pub const LABELS: &str = "labels";
    pub const PREDICTION: &str = "prediction";
    pub const SLACK: &str = "argmax.slack";
    pub const RANGE_MULT: &str = "range.multiplicities";
    /// A softmax site's exponent-chunk multiplicities (by [`softmax_of`]).
    pub const EXP_MULT: &str = "exp.multiplicities";
    /// A Softmax output's tensor by the block's name (its logits are the statement's).
    pub fn softmax(name: &str) -> String {
        softmax_of(None, name)
    }
    /// The tensor of a softmax `site` by the block's name: a hidden Softmax after layer `l`
    /// reads its pre-activation and writes its activation; the statement's Softmax output
    /// reads the logits.
    pub fn softmax_of(site: Option<&str>, name: &str) -> String {
        match (site, name) {
            (None, "logits") => LOGITS.to_string(),
            (None, n) => format!("softmax.{n}"),
            (Some(l), "logits") => pre(l),
            (Some(l), "probs") => act(l),
            (Some(l), n) => format!("{l}.softmax.{n}"),
        }
    }
    pub fn weight(l: &str) -> String {
        format!("{l}.weight")
    }
    pub fn bias(l: &str) -> String {
        format!("{l}.bias")
    }
    pub fn remainder(l: &str) -> String {
        format!("{l}.remainder")
    }
    pub fn pos(l: &str) -> String {
        format!("{l}.relu_pos")
    }
    pub fn neg(l: &str) -> String {
        format!("{l}.relu_neg")
    }
    pub fn output(l: &str) -> String {
        format!("{l}.output")
    }
    pub fn pre(l: &str) -> String {
        format!("{l}.pre_activation")
    }
    pub fn act(l: &str) -> String {
        format!("{l}.activation")
    }
    pub fn act_mult(l: &str) -> String {
        format!("{l}.activation.multiplicities")
    }
    pub fn diff(l: &str) -> String {
        format!("{l}.maxpool_diff")
    }
}

/// A softmax the statement proves: after a hidden dense layer (`layer`), or its output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SoftmaxSite {
    /// The dense layer a hidden Softmax follows; `None` for the Softmax output.
    pub layer: Option<String>,
    /// The block's shape.
    pub shape: SoftmaxShape,
}

impl SoftmaxSite {
    /// The statement's name of the block's tensor `name`.
    pub fn name(&self, name: &str) -> String {
        names::softmax_of(self.layer.as_deref(), name)
    }
}

/// The plan built from an architecture.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub layouts: Vec<Layout>,
    pub places: BTreeMap<String, Place>,
    /// Columns of the b-bit range check, single tensors only ([`super::lookups`]).
    pub range_columns: Vec<RangeColumn>,
    /// log2 of each tensor's padded size.
    pub vars: BTreeMap<String, usize>,
    /// Range-checked tensors that no vector holds: the max pools' differences, defined by
    /// their relation from committed tensors; the range lookup's claims on them are resolved
    /// by the pool ([`crate::blocks::maxpool`]), never opened.
    pub virtual_tensors: BTreeSet<String>,
}

impl ModelArchitecture {
    /// Padded rows of every activation.
    pub fn rows(&self) -> usize {
        match self.task {
            Task::Inference { rows, .. } => rows,
            Task::Accuracy { examples } => examples,
        }
        .max(1)
        .next_power_of_two()
    }

    /// The canonical description hashed into the architecture id.
    pub fn description(&self) -> String {
        let task = match self.task {
            Task::Inference {
                rows,
                input,
                output,
            } => format!("inference/rows={rows}/input={input:?}/output={output:?}"),
            Task::Accuracy { examples } => format!("accuracy/examples={examples}"),
        };
        format!("zkmodel/model/v2/{}/{task}", self.shape.description())
    }

    /// keccak(description ‖ SRS id ‖ transcript id).
    pub fn id(&self, srs: &Srs) -> [u8; 32] {
        crate::proof::statement::architecture_id(&self.description(), srs)
    }

    pub(crate) fn dense_shape(&self, l: &LayerShape) -> DenseShape {
        DenseShape {
            dims: MatMulDims {
                m: self.rows() * l.rows,
                k: l.k,
                n: l.n,
            },
            scale: self.shape.scale,
            relu: l.relu,
            row_mask: l.row_mask(),
        }
    }

    /// A concatenation layer's block shape (`None` for other layers).
    pub(crate) fn concat_shape(&self, l: &LayerShape) -> Option<ConcatShape> {
        match l.kind {
            LayerKind::Concat { widths, .. } => Some(ConcatShape {
                rows: self.rows() * l.rows,
                real: widths,
                width: widths.map(usize::next_power_of_two),
                out: l.n,
            }),
            _ => None,
        }
    }

    /// The Softmax output's block shape: inference statements about a model ending in a
    /// Softmax (accuracy statements prove the logits' argmax, which the softmax keeps).
    pub(crate) fn softmax_shape(&self) -> Option<SoftmaxShape> {
        match self.task {
            Task::Inference { .. } if self.shape.softmax => Some(SoftmaxShape {
                rows: self.rows(),
                c: self.shape.output_width(),
                real: self.shape.classes,
                scale: self.shape.scale,
            }),
            _ => None,
        }
    }

    /// Every softmax the statement proves, in order: hidden Softmax layers (layer order), then
    /// the Softmax output.
    pub(crate) fn softmax_sites(&self) -> Vec<SoftmaxSite> {
        let s = &self.shape;
        let mut sites: Vec<SoftmaxSite> = s
            .layers
            .iter()
            .filter_map(|l| {
                l.softmax.map(|real| SoftmaxSite {
                    layer: Some(l.name.clone()),
                    shape: SoftmaxShape {
                        rows: self.rows() * l.rows,
                        c: l.n,
                        real,
                        scale: s.scale,
                    },
                })
            })
            .collect();
        sites.extend(
            self.softmax_shape()
                .map(|shape| SoftmaxSite { layer: None, shape }),
        );
        sites
    }

    /// The tensor the statement outputs (public or committed): a Softmax output's
    /// probabilities, else the logits.
    pub(crate) fn output_name(&self) -> String {
        if self.softmax_shape().is_some() {
            names::softmax("probs")
        } else {
            names::LOGITS.to_string()
        }
    }

    /// The value a public output takes on padded classes: a probability of 0, or the padded
    /// logit.
    fn output_fill(&self) -> i64 {
        if self.softmax_shape().is_some() {
            0
        } else {
            self.shape.pad_logit()
        }
    }

    pub(crate) fn argmax_shape(&self) -> Option<ArgmaxShape> {
        match self.task {
            Task::Accuracy { examples } => Some(ArgmaxShape {
                m: self.rows(),
                c: self.shape.output_width(),
                classes: self.shape.classes,
                examples,
            }),
            Task::Inference { .. } => None,
        }
    }

    /// The lengths of the committed vectors (model, trace, data): the SRS needs as many
    /// powers as the longest.
    pub fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        Ok(self.plan()?.layouts.iter().map(|l| l.len()).collect())
    }

    /// Entries the trace's tensors take (its power-of-two length less the unused tail).
    pub fn trace_entries(&self) -> Result<usize, Error> {
        let plan = self.plan()?;
        let trace = plan.layouts.get(TRACE).ok_or(Error::Internal {
            what: "a model plan lays out a trace",
        })?;
        Ok(trace.tensor_entries())
    }

    /// How the public values are packed for the chain: the public input and the public outputs
    /// (signed b-bit, range-checked by the statement: logits, or a Softmax output's
    /// probabilities in [0, 2^s]) packed, the count plain.
    pub fn public_groups(&self) -> Result<Vec<PublicGroup>, Error> {
        let s = &self.shape;
        let bits = s.bits;
        let mut groups = Vec::new();
        if let Task::Inference {
            rows,
            input,
            output,
        } = self.task
        {
            if input == Visibility::Public {
                groups.push(PublicGroup::Packed {
                    count: rows * s.input.real_len(),
                    bits,
                });
            }
            if output == Visibility::Public {
                groups.push(PublicGroup::Packed {
                    count: rows * s.classes,
                    bits,
                });
            }
        }
        if self.argmax_shape().is_some() {
            groups.push(PublicGroup::Plain { count: 1 });
        }
        Ok(groups)
    }

    /// The roles of the statement's commitments, in order (DESIGN §11.6): the registered
    /// model, the trace, and the data vector when there is one — the test set of an accuracy
    /// statement (registered by its publisher), or data an inference statement's prover
    /// committed for itself or its buyer (free).
    pub fn commitment_roles(&self) -> Vec<CommitmentRole> {
        let mut roles = vec![CommitmentRole::Model, CommitmentRole::Trace];
        if self.has_data() {
            roles.push(match self.task {
                Task::Accuracy { .. } => CommitmentRole::TestSet,
                Task::Inference { .. } => CommitmentRole::Data,
            });
        }
        roles
    }

    /// Number of commitments a statement of this architecture names.
    pub fn num_commitments(&self) -> usize {
        self.commitment_roles().len()
    }

    /// Number of public words the chain sees (packed inputs and logits, the count).
    pub fn public_len(&self) -> Result<usize, Error> {
        Ok(crate::proof::public::packed_len(&self.public_groups()?))
    }

    /// Whether the statement has a data vector.
    pub fn has_data(&self) -> bool {
        !matches!(
            self.task,
            Task::Inference {
                input: Visibility::Public,
                output: Visibility::Public,
                ..
            }
        )
    }

    pub(crate) fn plan(&self) -> Result<Plan, Error> {
        self.check()?;
        let s = &self.shape;
        let m = self.rows();
        let (c, k0) = (s.output_width(), s.input.rows() * s.input_width());
        let mut builders = vec![
            LayoutBuilder::new(),
            LayoutBuilder::new(),
            LayoutBuilder::new(),
        ];
        let mut places = BTreeMap::new();
        let mut vars = BTreeMap::new();
        let mut virtual_diffs = Vec::new();
        // Claims are routed by name: a name two tensors would share refuses the statement.
        // A tensor whose lowest variables are a layer's padded channels is stored without
        // them (`split`).
        let mut put = |name: &str, vector: usize, len: usize, split: Option<AxisSplit>| {
            if places.contains_key(name) {
                return Err(Error::TensorNameCollision { name: name.into() });
            }
            let stored = builders[vector].add_stored(name, len, split);
            places.insert(name.to_string(), Place::Vector { vector, stored });
            vars.insert(name.to_string(), len.trailing_zeros() as usize);
            Ok(())
        };
        let last = s.layers.len() - 1;
        for (i, l) in s.layers.iter().enumerate() {
            let len = m * l.rows * l.n;
            let activated = l.relu || l.has_pre_activation();
            // A convolution's or pool's padded channels hold 0 in its trace tensors unless a
            // table activation or Softmax follows (the pre-activation's table value there is
            // not 0): those layers' tensors are stored whole.
            let split = match l.real_c {
                Some(c) if !l.has_pre_activation() => AxisSplit::new(
                    0,
                    l.n.trailing_zeros() as usize,
                    c,
                    ark_ff::AdditiveGroup::ZERO,
                )?,
                _ => None,
            };
            // Sums and concatenations are exact; max pools have no remainder (their
            // differences stand in for it).
            let exact = matches!(
                l.kind,
                LayerKind::Add { .. } | LayerKind::Concat { .. } | LayerKind::MaxPool(_)
            );
            if !exact {
                put(&names::remainder(&l.name), TRACE, len, split)?;
            }
            if l.is_dense() {
                put(&names::weight(&l.name), MODEL, l.k * l.n, None)?;
                put(&names::bias(&l.name), MODEL, l.n, None)?;
            }
            // Hidden dense layers, sums and pools without an activation output a tensor of
            // their own (the last layer's output is the logits; a table's pre-activation and
            // activation replace it).
            let own_output = match l.kind {
                LayerKind::Dense | LayerKind::Conv(_) => !activated && i != last,
                _ => !activated,
            };
            if own_output {
                put(&names::output(&l.name), TRACE, len, split)?;
            }
            if l.relu {
                put(&names::pos(&l.name), TRACE, len, split)?;
                put(&names::neg(&l.name), TRACE, len, split)?;
            }
            if l.has_pre_activation() {
                put(&names::pre(&l.name), TRACE, len, None)?;
                put(&names::act(&l.name), TRACE, len, None)?;
            }
            if l.table.is_some() {
                put(&names::act_mult(&l.name), TRACE, 1 << s.bits, None)?;
            }
            if let LayerKind::MaxPool(g) = l.kind {
                virtual_diffs.push((names::diff(&l.name), len * g.taps_pad()));
            }
            debug_assert!(i < last || l.is_dense());
        }
        put(names::RANGE_MULT, TRACE, 1 << s.bits, None)?;
        let (input, output) = match self.task {
            Task::Inference { input, output, .. } => (input, output),
            Task::Accuracy { .. } => {
                put(names::LABELS, DATA, m * c, None)?;
                put(names::PREDICTION, TRACE, m * c, None)?;
                put(names::SLACK, TRACE, m * c, None)?;
                (Visibility::Committed, Visibility::Committed)
            }
        };
        if input == Visibility::Committed {
            put(names::INPUT, DATA, m * k0, None)?;
        }
        // The logits are the trace's when something reads them inside the statement (the
        // argmax, a Softmax output); otherwise they are the output.
        if self.argmax_shape().is_some() || self.softmax_shape().is_some() {
            put(names::LOGITS, TRACE, m * c, None)?;
        }
        // Each softmax's own tensors (its logits and probabilities are placed as the layer's
        // pre-activation and activation, or the statement's logits and output).
        let sites = self.softmax_sites();
        for site in &sites {
            for (name, len) in site.shape.tensor_lens().skip(1) {
                if name != "probs" {
                    put(&site.name(name), TRACE, len, None)?;
                }
            }
            put(&site.name(names::EXP_MULT), TRACE, 64, None)?;
        }
        let output_name = self.output_name();
        if output == Visibility::Committed && self.argmax_shape().is_none() {
            put(&output_name, DATA, m * c, None)?;
        }
        let mut virtual_tensors = BTreeSet::new();
        for (name, len) in virtual_diffs {
            if places.contains_key(&name) || !virtual_tensors.insert(name.clone()) {
                return Err(Error::TensorNameCollision { name });
            }
            vars.insert(name, len.trailing_zeros() as usize);
        }
        for (public, is) in [(names::INPUT, input), (output_name.as_str(), output)] {
            if is == Visibility::Public && places.contains_key(public) {
                return Err(Error::TensorNameCollision {
                    name: public.into(),
                });
            }
        }
        if input == Visibility::Public {
            places.insert(names::INPUT.into(), Place::PublicInput);
            vars.insert(names::INPUT.into(), (m * k0).trailing_zeros() as usize);
        }
        if output == Visibility::Public {
            places.insert(output_name.clone(), Place::PublicOutput);
            vars.insert(output_name, (m * c).trailing_zeros() as usize);
        }
        let vectors = if self.has_data() { 3 } else { 2 };
        // The model and data vectors first: the trace's mask rows follow the largest vector.
        let trace_builder = std::mem::take(&mut builders[TRACE]);
        let mut layouts: Vec<Layout> = builders
            .into_iter()
            .take(vectors)
            .map(LayoutBuilder::build)
            .collect();
        let other_vars = layouts
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != TRACE)
            .map(|(_, l)| l.num_vars)
            .max()
            .unwrap_or(0);
        layouts[TRACE] = trace_builder.build_trace(other_vars);

        let mut range = RangeColumns::new(s.bits);
        range.signed(names::INPUT);
        let non_negative = s.non_negative();
        for (i, l) in s.layers.iter().enumerate() {
            let rem = names::remainder(&l.name);
            let activated = l.relu || l.has_pre_activation();
            // A concatenation's entries are its operands' (or zero), checked where they were
            // produced.
            if let LayerKind::Concat { .. } = l.kind {
                continue;
            }
            if let LayerKind::MaxPool(_) = l.kind {
                // The output is signed like its input; the differences lie in [0, 2^b).
                range.signed(l.pool_output());
                range.unsigned(names::diff(&l.name));
                if l.table.is_some() {
                    range.signed(names::act(&l.name));
                }
                continue;
            }
            if l.is_dense() {
                range.signed(names::weight(&l.name));
                range.signed(names::bias(&l.name));
                range.below(rem, 1i64 << s.scale);
                // A hidden layer's own output is the next layer's input: signed b-bit.
                if !activated && i != last {
                    range.signed(names::output(&l.name));
                }
            } else if let LayerKind::Add { .. } = l.kind {
                if !activated {
                    range.signed(names::output(&l.name));
                }
            } else if let LayerKind::AvgPoolWindow(g) = l.kind {
                // Signed averages; remainders in [0, K) (`check` keeps K ≤ 2^b).
                range.signed(l.pool_output());
                range.below(rem, (g.kh * g.kw) as i64);
            } else {
                // 2×2 pool remainders lie in [0, 4). The average has its input's sign:
                // unsigned of a non-negative tensor, else signed.
                if non_negative.get(i).copied().unwrap_or(false) {
                    range.unsigned(l.pool_output());
                } else {
                    range.signed(l.pool_output());
                }
                range.below(rem, 4);
            }
            if l.relu {
                range.unsigned(names::pos(&l.name));
                range.unsigned(names::neg(&l.name));
            }
            // A table's outputs are the next layer's inputs, which every block assumes signed
            // b-bit (a LeakyReLU slope above 1 or wide Clip bounds would leave the range).
            if l.table.is_some() {
                range.signed(names::act(&l.name));
            }
            // A hidden Softmax's logits: signed b-bit (its probabilities, in [0, 2^s], with
            // the block's checks below).
            if l.softmax.is_some() {
                range.signed(names::pre(&l.name));
            }
        }
        range.signed(names::LOGITS);
        if self.argmax_shape().is_some() {
            range.unsigned(names::SLACK);
        }
        for site in &sites {
            softmax_ranges(&mut range, s.scale, |n| site.name(n));
        }
        let range_columns = range.into_columns()?;
        // One claim per column: `range_claim` reads column i's evaluation at index i.
        if range_columns.iter().any(|c| c.minus.is_some()) {
            return Err(Error::Internal {
                what: "an inference statement's range columns are single tensors",
            });
        }
        // A virtual tensor's one range claim is resolved by its pool; a second column (a
        // shifted twin) would have no resolution.
        for name in &virtual_tensors {
            let columns: Vec<_> = range_columns.iter().filter(|c| c.tensor == *name).collect();
            if columns.len() != 1 || columns.iter().any(|c| c.offset != 0) {
                return Err(Error::Internal {
                    what: "a virtual tensor has exactly one unshifted range column",
                });
            }
        }
        Ok(Plan {
            layouts,
            places,
            range_columns,
            vars,
            virtual_tensors,
        })
    }
}

impl Plan {
    pub(super) fn vars_of(&self, name: &str) -> Result<usize, Error> {
        self.vars
            .get(name)
            .copied()
            .ok_or_else(|| Error::MissingTensor {
                name: name.to_string(),
            })
    }

    pub fn vector_vars(&self) -> Vec<usize> {
        self.layouts.iter().map(|l| l.num_vars).collect()
    }
}

/// Routes block claims to the accumulator, or checks them against public tensors.
pub(crate) struct Sink<'a, F: FieldOps> {
    plan: &'a Plan,
    pub acc: Accumulator<F>,
    public_input: Option<Vec<F>>,
    public_output: Option<Vec<F>>,
}

impl<'a, F: FieldOps> Sink<'a, F> {
    /// `input`/`output`: the public tensors' real entries (rows × real width), padded here.
    pub fn new(
        arch: &ModelArchitecture,
        plan: &'a Plan,
        input: Option<&[F]>,
        output: Option<&[F]>,
    ) -> Result<Self, Error> {
        let s = &arch.shape;
        let m = arch.rows();
        let pad =
            |vals: &[F], real_w: usize, w: usize, fill: i64, m: usize| -> Result<Vec<F>, Error> {
                ensure(
                    vals.len().is_multiple_of(real_w.max(1)),
                    "public values",
                    "the public values do not fill whole rows",
                )?;
                if vals.len() / real_w.max(1) > m {
                    return Err(Error::TooLarge {
                        what: "public rows",
                        value: vals.len() / real_w.max(1),
                        max: m,
                    });
                }
                let mut out = vec![F::zero(); m * w];
                for (i, row) in vals.chunks(real_w.max(1)).enumerate() {
                    for (j, v) in row.iter().enumerate() {
                        out[i * w + j] = v.clone();
                    }
                    for o in out.iter_mut().skip(i * w + real_w).take(w - real_w) {
                        *o = F::constant(from_i128(i128::from(fill)));
                    }
                }
                Ok(out)
            };
        let want_input = plan.places.get(names::INPUT) == Some(&Place::PublicInput);
        let want_output = plan.places.get(&arch.output_name()) == Some(&Place::PublicOutput);
        let rows = match arch.task {
            Task::Inference { rows, .. } => rows,
            Task::Accuracy { .. } => 0,
        };
        let check_len =
            |v: Option<&[F]>, want: bool, width: usize, what: &'static str| match (v, want) {
                (Some(v), true) if v.len() == rows * width => Ok(()),
                (None, false) => Ok(()),
                (v, _) => Err(Error::StatementShape {
                    what,
                    expected: if want { rows * width } else { 0 },
                    actual: v.map_or(0, <[F]>::len),
                }),
            };
        let (in_rows, in_real) = match s.input {
            InputShape::Flat { features } => (1, features),
            InputShape::Image { c, .. } => (s.input.rows(), c),
        };
        // Real input rows (example, y·w + x) placed at their layout rows.
        let layout = |v: &[F]| -> Vec<F> {
            let (real_rows, w) = (s.input.real_rows().max(1), in_real.max(1));
            let examples = (v.len() / w).div_ceil(real_rows);
            let mut out = vec![F::zero(); examples * in_rows * w];
            for (i, row) in v.chunks(w).enumerate() {
                let at = (i / real_rows) * in_rows + s.input.layout_row(i % real_rows);
                if let Some(dst) = out.get_mut(at * w..(at + 1) * w) {
                    dst.clone_from_slice(row);
                }
            }
            out
        };
        check_len(input, want_input, s.input.real_len(), "public input values")?;
        check_len(output, want_output, s.classes, "public output values")?;
        Ok(Self {
            plan,
            acc: Accumulator::new(&plan.vector_vars()),
            public_input: input
                .map(|v| pad(&layout(v), in_real, s.input_width(), 0, m * in_rows))
                .transpose()?,
            public_output: output
                .map(|v| pad(v, s.classes, s.output_width(), arch.output_fill(), m))
                .transpose()?,
        })
    }

    /// Records a claim on the named tensor.
    pub fn add(&mut self, name: &str, claim: &TensorClaim<F>) -> Result<(), Error> {
        let place = self
            .plan
            .places
            .get(name)
            .ok_or_else(|| Error::MissingTensor {
                name: name.to_string(),
            })?;
        let public = match place {
            Place::Vector { vector, stored } => {
                let layout = self.plan.layouts.get(*vector).ok_or(Error::Internal {
                    what: "every vector the plan places tensors in has a layout",
                })?;
                return self.acc.add_stored(*vector, layout, stored, claim);
            }
            Place::PublicInput => &self.public_input,
            Place::PublicOutput => &self.public_output,
        };
        let values = public.as_ref().ok_or_else(|| Error::MissingTensor {
            name: name.to_string(),
        })?;
        let vars = self.plan.vars_of(name)?;
        if claim.point.len() != vars {
            return Err(Error::ProofShape {
                what: "claim point on a public tensor",
                expected: vars,
                actual: claim.point.len(),
            });
        }
        if !evaluate_generic(values, &claim.point).enforce_equal(&claim.value)? {
            return Err(Error::PublicTensorMismatch {
                tensor: name.to_string(),
            });
        }
        Ok(())
    }
}
