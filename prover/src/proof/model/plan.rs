//! The public plan of an MLP statement: shapes, where every tensor lives (a segment of a
//! committed vector, or public), which range checks run, and how claims reach the opening.
//! Prover and verifier build the same plan from the architecture alone.

use crate::blocks::TensorClaim;
use crate::blocks::argmax::ArgmaxShape;
use crate::blocks::dense::DenseShape;
use crate::blocks::matmul::MatMulDims;
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::field::encoding::from_i128;
use crate::graph::quant::{
    ConvGeometry, InputShape, QAdd, QConv, QDense, QLayer, QPool, QWindowPool, QuantizedModel,
    Source,
};
use crate::lookup::TableFn;
use crate::pcs::layout::{Layout, LayoutBuilder, TensorId};
use crate::pcs::{Accumulator, Srs};
use crate::poly::evaluate_generic;
use crate::proof::bounds::RangeColumns;
use crate::proof::public::PublicGroup;
use crate::proof::roles::CommitmentRole;
use std::collections::BTreeMap;

/// Whether a statement tensor is public or committed in the data vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Visibility {
    /// Part of the statement's public values.
    Public,
    /// Committed in the data vector.
    Committed,
}

/// What a proof claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Task {
    /// The model maps `rows` inputs to their logits.
    Inference {
        /// Batch size.
        rows: usize,
        /// The input's visibility.
        input: Visibility,
        /// The logits' visibility.
        output: Visibility,
    },
    /// The model's first-maximum argmax equals the committed label on `count` of the
    /// `examples` committed test examples (count public).
    Accuracy {
        /// Test-set size.
        examples: usize,
    },
}

/// What a layer computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LayerKind {
    /// Dense on rows of features.
    Dense,
    /// Convolution: im2col gather, then dense.
    Conv(ConvGeometry),
    /// 2×2 average pool on an h×w channel-last image.
    AvgPool {
        /// Input height.
        h: usize,
        /// Input width.
        w: usize,
    },
    /// Max pool over windows gathered as a convolution's.
    MaxPool(ConvGeometry),
    /// Average pool over windows gathered as a convolution's, divided by the window's size.
    AvgPoolWindow(ConvGeometry),
    /// Residual sum: the previous layer's output plus the model input (`skip: None`) or the
    /// output of an earlier layer `skip`, of the same layout.
    Add {
        /// The added tensor.
        skip: Option<usize>,
    },
}

/// One layer's public shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct LayerShape {
    /// Node name (messages only; not part of the architecture id).
    pub name: String,
    /// The computation.
    pub kind: LayerKind,
    /// Output rows per example.
    pub rows: usize,
    /// Padded input width of the dense part (pools: the channels).
    pub k: usize,
    /// Padded output width (pools: the channels).
    pub n: usize,
    /// Whether a ReLU follows.
    pub relu: bool,
    /// A table activation that follows instead.
    pub table: Option<TableFn>,
    /// The tensor the layer reads when it is not the previous layer's output (the model
    /// input for the first layer): a branch, such as a projection shortcut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl LayerShape {
    /// The name of the tensor the next layer reads (`last`: the model's last layer, whose
    /// output is the logits).
    pub(crate) fn output_name(&self, last: bool) -> String {
        if self.relu {
            names::pos(&self.name)
        } else if self.table.is_some() {
            names::act(&self.name)
        } else if last {
            names::LOGITS.to_string()
        } else {
            names::output(&self.name)
        }
    }

    /// The tensors a dense or residual-sum block states claims on, in its output order: the
    /// ReLU parts at its point then at its zerocheck point, a table's pre-activation, or the
    /// output.
    pub(crate) fn block_outputs(&self, last: bool) -> Vec<String> {
        if self.relu {
            [names::pos(&self.name), names::neg(&self.name)]
                .into_iter()
                .cycle()
                .take(4)
                .collect()
        } else if self.table.is_some() {
            vec![names::pre(&self.name)]
        } else {
            vec![self.output_name(last)]
        }
    }

    /// Whether the layer has weights (dense or convolution).
    pub fn is_dense(&self) -> bool {
        matches!(self.kind, LayerKind::Dense | LayerKind::Conv(_))
    }
}

/// The public shape of a quantized model (no weights).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModelShape {
    /// Scale exponent s.
    pub scale: u32,
    /// Bit bound b.
    pub bits: u32,
    /// The input layout.
    pub input: InputShape,
    /// Real classes.
    pub classes: usize,
    /// The layers.
    pub layers: Vec<LayerShape>,
}

impl From<&QuantizedModel> for ModelShape {
    fn from(q: &QuantizedModel) -> Self {
        let layers = q
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| match l {
                QLayer::Dense(d) => LayerShape {
                    name: d.name.clone(),
                    kind: LayerKind::Dense,
                    rows: 1,
                    k: d.k,
                    n: d.n,
                    relu: d.relu,
                    table: d.table,
                    source: q.branches.get(&i).copied(),
                },
                QLayer::Conv(c) => LayerShape {
                    name: c.dense.name.clone(),
                    kind: LayerKind::Conv(c.geometry),
                    rows: c.geometry.out_positions(),
                    k: c.dense.k,
                    n: c.dense.n,
                    relu: c.dense.relu,
                    table: c.dense.table,
                    source: q.branches.get(&i).copied(),
                },
                QLayer::AvgPool(p) => LayerShape {
                    name: p.name.clone(),
                    kind: LayerKind::AvgPool { h: p.h, w: p.w },
                    rows: p.h * p.w / 4,
                    k: p.c,
                    n: p.c,
                    relu: false,
                    table: None,
                    source: q.branches.get(&i).copied(),
                },
                QLayer::Add(a) => LayerShape {
                    name: a.name.clone(),
                    kind: LayerKind::Add { skip: a.skip },
                    rows: a.rows,
                    k: a.n,
                    n: a.n,
                    relu: a.relu,
                    table: a.table,
                    source: q.branches.get(&i).copied(),
                },
                QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => LayerShape {
                    name: p.name.clone(),
                    kind: if matches!(l, QLayer::MaxPool(_)) {
                        LayerKind::MaxPool(p.geometry)
                    } else {
                        LayerKind::AvgPoolWindow(p.geometry)
                    },
                    rows: p.geometry.out_positions(),
                    k: p.geometry.in_c,
                    n: p.geometry.in_c,
                    relu: false,
                    table: None,
                    source: q.branches.get(&i).copied(),
                },
            })
            .collect();
        Self {
            scale: q.scale,
            bits: q.bits,
            input: q.input,
            classes: q.classes(),
            layers,
        }
    }
}

impl ModelShape {
    /// The canonical description of the shape (scale, bits, input, classes, layers), part of
    /// every architecture id that involves the model.
    pub fn description(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| {
                let relu = match (l.relu, l.table) {
                    (true, _) => "+relu".to_string(),
                    (false, Some(f)) => format!("+{}", f.name()),
                    (false, None) => String::new(),
                };
                // A branch names its source (a chain's descriptions are unchanged).
                let relu = match l.source {
                    None => relu,
                    Some(Source::Input) => format!("{relu}<input"),
                    Some(Source::Layer(j)) => format!("{relu}<layer{j}"),
                };
                match l.kind {
                    LayerKind::Dense => format!("dense:{}x{}{relu}", l.k, l.n),
                    LayerKind::Conv(g) => {
                        let [ih, iw, ic, kh, kw, sh, sw, pt, pl, pb, pr, oh, ow] = g.words();
                        format!(
                            "conv:{ih}x{iw}x{ic}:k{kh}x{kw}:s{sh}x{sw}:p{pt}-{pl}-{pb}-{pr}:o{oh}x{ow}x{}{relu}",
                            l.n
                        )
                    }
                    // Pools take no activation (`check` refuses one); the suffix keeps the
                    // description a function of every field regardless.
                    LayerKind::AvgPool { h, w } => format!("avgpool2:{h}x{w}x{}{relu}", l.n),
                    LayerKind::Add { skip } => {
                        let from = skip.map_or("input".to_string(), |j| format!("layer{j}"));
                        format!("add:{from}:{}x{}{relu}", l.rows, l.n)
                    }
                    LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) => {
                        let [ih, iw, ic, kh, kw, sh, sw, pt, pl, pb, pr, oh, ow] = g.words();
                        let kind = if matches!(l.kind, LayerKind::MaxPool(_)) {
                            "maxpool"
                        } else {
                            "avgpool"
                        };
                        format!(
                            "{kind}:{ih}x{iw}x{ic}:k{kh}x{kw}:s{sh}x{sw}:p{pt}-{pl}-{pb}-{pr}:o{oh}x{ow}x{}{relu}",
                            l.n
                        )
                    }
                }
            })
            .collect();
        let input = match self.input {
            InputShape::Flat { features } => format!("flat:{features}"),
            InputShape::Image { c, h, w } => format!("image:{c}x{h}x{w}"),
        };
        format!(
            "scale={}/bits={}/in={input}/classes={}/layers={}",
            self.scale,
            self.bits,
            self.classes,
            layers.join(",")
        )
    }

    /// The model vector's layout — the same for every statement about the model and for
    /// training — and the ids of each dense layer's weight and bias in it.
    pub(crate) fn model_layout(&self) -> Result<(Layout, BTreeMap<String, TensorId>), Error> {
        let arch = ModelArchitecture {
            shape: self.clone(),
            task: Task::Inference {
                rows: 1,
                input: Visibility::Public,
                output: Visibility::Public,
            },
        };
        let plan = arch.plan()?;
        let ids = plan
            .places
            .iter()
            .filter_map(|(name, place)| match place {
                Place::Vector { vector: MODEL, id } => Some((name.clone(), *id)),
                _ => None,
            })
            .collect();
        let layout = plan.layouts.into_iter().next().ok_or(Error::Internal {
            what: "a model plan has a model vector",
        })?;
        Ok((layout, ids))
    }

    /// Whether each layer's output is range-checked non-negative (the rule of
    /// [`crate::graph::quant::non_negative_outputs`], as the quantized model's forward pass).
    pub(crate) fn non_negative(&self) -> Vec<bool> {
        crate::graph::quant::non_negative_outputs(self.layers.iter().enumerate().map(|(i, l)| {
            crate::graph::quant::LayerSign {
                relu: l.relu,
                two_by_two_pool: matches!(l.kind, LayerKind::AvgPool { .. }),
                source: self.layer_source(i),
            }
        }))
    }

    /// The tensor layer `i` reads: `None` the model input, `Some(j)` layer j's output.
    pub fn layer_source(&self, i: usize) -> Option<usize> {
        match self.layers.get(i).and_then(|l| l.source) {
            Some(s) => s.layer(),
            None => i.checked_sub(1),
        }
    }

    /// The name of the tensor `source` denotes: the model input (`None`) or layer j's output.
    pub(crate) fn source_name(&self, source: Option<usize>) -> String {
        match source.and_then(|j| self.layers.get(j).map(|l| (j, l))) {
            None => names::INPUT.to_string(),
            Some((j, l)) => l.output_name(j + 1 == self.layers.len()),
        }
    }

    /// Padded input width.
    pub fn input_width(&self) -> usize {
        self.input.width()
    }
    /// Padded class count.
    pub fn output_width(&self) -> usize {
        self.layers.last().map_or(1, |l| l.n)
    }
    /// The fixed logit of padded classes.
    pub fn pad_logit(&self) -> i64 {
        -(1i64 << self.bits.saturating_sub(2))
    }

    /// A model of this shape with every weight and bias zero. Its proofs have exactly the
    /// shape of any other model's, which is all circuit key generation needs (no secret).
    pub fn zero_model(&self) -> QuantizedModel {
        let dense = |l: &LayerShape| QDense {
            name: l.name.clone(),
            k: l.k,
            n: l.n,
            real_n: l.n,
            weight: vec![0; l.k * l.n],
            bias: vec![0; l.n],
            relu: l.relu,
            table: l.table,
        };
        let mut q = QuantizedModel {
            scale: self.scale,
            bits: self.bits,
            input: self.input,
            layers: self
                .layers
                .iter()
                .map(|l| match l.kind {
                    LayerKind::Dense => QLayer::Dense(dense(l)),
                    LayerKind::Conv(geometry) => QLayer::Conv(QConv {
                        dense: dense(l),
                        geometry,
                    }),
                    LayerKind::AvgPool { h, w } => QLayer::AvgPool(QPool {
                        name: l.name.clone(),
                        h,
                        w,
                        c: l.n,
                    }),
                    LayerKind::MaxPool(geometry) => QLayer::MaxPool(QWindowPool {
                        name: l.name.clone(),
                        geometry,
                    }),
                    LayerKind::AvgPoolWindow(geometry) => QLayer::AvgPoolWindow(QWindowPool {
                        name: l.name.clone(),
                        geometry,
                    }),
                    LayerKind::Add { skip } => QLayer::Add(QAdd {
                        name: l.name.clone(),
                        skip,
                        rows: l.rows,
                        n: l.n,
                        relu: l.relu,
                        table: l.table,
                    }),
                })
                .collect(),
            branches: self
                .layers
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.source.map(|s| (i, s)))
                .collect(),
        };
        // Padded classes keep their fixed logit, as in every quantized model.
        if let Some(QLayer::Dense(last)) = q.layers.last_mut() {
            last.real_n = self.classes.min(last.n);
            for b in last.bias.iter_mut().skip(self.classes) {
                *b = self.pad_logit();
            }
        }
        q
    }
}

/// Shape and task: everything the circuit and the verifying key depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModelArchitecture {
    /// The model's shape.
    pub shape: ModelShape,
    /// The claim.
    pub task: Task,
}

/// Where a tensor lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// A segment of vector `vector` (0 model, 1 trace, 2 data).
    Vector { vector: usize, id: TensorId },
    /// The public input.
    PublicInput,
    /// The public logits.
    PublicLogits,
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

/// The plan built from an architecture.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub layouts: Vec<Layout>,
    pub places: BTreeMap<String, Place>,
    /// Columns of the b-bit range check: (tensor, offset) ([`super::lookups`]).
    pub range_columns: Vec<(String, i64)>,
    /// log2 of each tensor's padded size.
    pub vars: BTreeMap<String, usize>,
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

    /// Values per example a layer reads (its input tensor's size per example).
    fn input_len(l: &LayerShape) -> usize {
        match l.kind {
            LayerKind::Dense => l.k,
            LayerKind::Conv(g) => g.in_positions() * g.in_c,
            LayerKind::AvgPool { h, w } => h.saturating_mul(w).saturating_mul(l.n),
            LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) => g.in_positions() * g.in_c,
            LayerKind::Add { .. } => l.rows.saturating_mul(l.n),
        }
    }

    /// keccak(description ‖ SRS id ‖ transcript id).
    pub fn id(&self, srs: &Srs) -> [u8; 32] {
        crate::proof::statement::architecture_id(&self.description(), srs)
    }

    fn check(&self) -> Result<(), Error> {
        let s = &self.shape;
        // Before anything rounds the row count up (a hostile count would overflow).
        let requested = match self.task {
            Task::Inference { rows, .. } => rows,
            Task::Accuracy { examples } => examples,
        };
        if requested > 1 << 20 {
            return Err(Error::TooLarge {
                what: "statement rows",
                value: requested,
                max: 1 << 20,
            });
        }
        // Scale and bits before the layers: their checks shift by them.
        ensure(
            (2..=30).contains(&s.scale),
            "model architecture",
            "the scale must be between 2^2 and 2^30",
        )?;
        ensure(
            s.scale + 2 <= s.bits && s.bits <= 24,
            "model architecture",
            "the bit bound must be between scale + 2 and 24",
        )?;
        let input_ok = match s.input {
            InputShape::Flat { features } => features <= 1 << 24,
            InputShape::Image { c, h, w } => [c, h, w].iter().all(|d| *d <= 1 << 14),
        };
        ensure(
            input_ok,
            "model architecture",
            "the input must have at most 2^24 features, or images of at most 2^14 channels, \
             rows and columns",
        )?;
        let pow2 = |x: usize| x.is_power_of_two();
        let mut per_example = s.input.rows() * s.input.width();
        let mut chained = true;
        // The image each layer reads (real height, width, padded channels): a window layer's
        // geometry must describe exactly the image before it.
        let mut image = match s.input {
            InputShape::Image { c, h, w } => Some((h, w, c.next_power_of_two())),
            InputShape::Flat { .. } => None,
        };
        // Each layer's output (per-example size, image), after the input's: what a residual
        // sum may add.
        let mut outputs = vec![(per_example, image)];
        for (i, l) in s.layers.iter().enumerate() {
            // Bounds first: the sizes below are computed from the geometry.
            if let LayerKind::Conv(g) | LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) = l.kind
                && !geometry_ok(&g)
            {
                chained = false;
                break;
            }
            // The tensor it reads: a branch's source is earlier and not the default one (one
            // architecture, one description).
            let default = i.checked_sub(1);
            let source = match l.source {
                None => Some(default),
                Some(src) => (src.layer() != default && src.layer().is_none_or(|j| j < i))
                    .then_some(src.layer()),
            };
            let Some(&read) = source.and_then(|j| outputs.get(j.map_or(0, |j| j + 1))) else {
                chained = false;
                break;
            };
            (per_example, image) = read;
            chained &= Self::input_len(l) == per_example;
            image = match l.kind {
                LayerKind::Add { .. } => image,
                LayerKind::Dense => None,
                LayerKind::Conv(g) | LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) => {
                    chained &= geometry_ok(&g) && image == Some((g.in_h, g.in_w, g.in_c));
                    Some((g.out_h, g.out_w, l.n))
                }
                LayerKind::AvgPool { h, w } => {
                    chained &= image == Some((h, w, l.n));
                    Some((h / 2, w / 2, l.n))
                }
            };
            chained &= match l.kind {
                LayerKind::Dense => l.rows == 1,
                LayerKind::Conv(g) => {
                    l.rows == g.out_positions()
                        && l.k == g.taps_pad() * g.in_c
                        && [g.in_h, g.in_w, g.out_h, g.out_w].iter().all(|d| *d > 0)
                        && g.kh * g.kw > 0
                        && g.stride.iter().all(|d| *d > 0)
                }
                // No activation after a pool: its output is the next layer's input, and an
                // activation's pre-activation would be tied to nothing.
                LayerKind::AvgPool { h, w } => {
                    h >= 2
                        && w >= 2
                        && pow2(h)
                        && pow2(w)
                        && l.rows.saturating_mul(4) == h.saturating_mul(w)
                        && !l.relu
                        && l.table.is_none()
                }
                LayerKind::AvgPoolWindow(g) => {
                    l.rows == g.out_positions()
                        && l.k == g.in_c
                        && l.n == g.in_c
                        && [g.in_h, g.in_w, g.out_h, g.out_w].iter().all(|d| *d > 0)
                        && g.kh * g.kw > 0
                        && (g.kh * g.kw) as u64 <= 1u64 << s.bits
                        && g.stride.iter().all(|d| *d > 0)
                        && !l.relu
                        && l.table.is_none()
                }
                LayerKind::MaxPool(g) => {
                    l.rows == g.out_positions()
                        && l.k == g.in_c
                        && l.n == g.in_c
                        && [g.in_h, g.in_w, g.out_h, g.out_w].iter().all(|d| *d > 0)
                        && (1..=crate::blocks::maxpool::MAX_TAPS).contains(&(g.kh * g.kw))
                        && g.stride.iter().all(|d| *d > 0)
                        && !l.relu
                        && l.table.is_none()
                }
                // The added tensor is the input or an earlier layer's output, laid out as the
                // previous output is.
                LayerKind::Add { skip } => {
                    let source = skip.map_or(Some(0), |j| (j < i).then_some(j + 1));
                    let layout = match read.1 {
                        Some((h, w, c)) => {
                            l.rows == h.next_power_of_two() * w.next_power_of_two() && l.n == c
                        }
                        None => l.rows == 1 && l.n == read.0,
                    };
                    source.and_then(|k| outputs.get(k)) == Some(&read) && layout && l.k == l.n
                }
            };
            per_example = l.rows.saturating_mul(l.n);
            outputs.push((per_example, image));
            // Later layers' sizes derive from this one's: stop at the first inconsistency.
            if !chained {
                break;
            }
        }
        const ARCH: &str = "model architecture";
        ensure(
            s.layers.last().is_some_and(|l| l.kind == LayerKind::Dense),
            ARCH,
            "the last layer must be Dense",
        )?;
        ensure(
            chained,
            ARCH,
            "each layer's input must be the previous layer's output, with the geometry it has \
             (pools without an activation; a residual sum adding the input or an earlier \
             output of the same layout)",
        )?;
        // Every layer but the last is read by a later one (as its source or a sum's skip).
        let reads = s.layers.iter().enumerate().map(|(i, l)| {
            let skip = match l.kind {
                LayerKind::Add { skip } => skip,
                _ => None,
            };
            [s.layer_source(i), skip]
        });
        ensure(
            crate::graph::quant::first_unread(reads).is_none(),
            ARCH,
            "every layer but the last must be read by a later layer",
        )?;
        // Names key the plan's tensors; two layers of one name would share segments.
        let mut names: Vec<&str> = s.layers.iter().map(|l| l.name.as_str()).collect();
        names.sort_unstable();
        ensure(
            names.windows(2).all(|w| w[0] != w[1]),
            ARCH,
            "layer names must be unique",
        )?;
        const MAX_WIDTH: usize = 1 << 24;
        ensure(
            s.layers
                .iter()
                .all(|l| l.k <= MAX_WIDTH && l.n <= MAX_WIDTH && l.rows <= MAX_WIDTH),
            ARCH,
            "layer widths and rows must be at most 2^24",
        )?;
        ensure(
            s.layers.iter().all(|l| pow2(l.k) && pow2(l.n)),
            ARCH,
            "every layer's padded widths must be powers of two",
        )?;
        // Every tensor the plan lays out (rows × width, windows × taps, weights) fits the
        // sumcheck's variables, so no size computation overflows.
        let fits = |x: Option<usize>| x.is_some_and(|v| v <= 1 << crate::sumcheck::MAX_VARS);
        let m = self.rows();
        ensure(
            s.layers.iter().all(|l| {
                let taps = match l.kind {
                    LayerKind::Conv(g) | LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) => {
                        g.taps_pad() * g.in_c
                    }
                    _ => 1,
                };
                fits(
                    m.checked_mul(l.rows)
                        .and_then(|v| v.checked_mul(l.n.max(l.k)))
                        .and_then(|v| v.checked_mul(taps)),
                ) && fits(l.k.checked_mul(l.n))
            }),
            ARCH,
            "every tensor must have at most 2^40 entries",
        )?;
        ensure(
            s.layers.iter().all(|l| !(l.relu && l.table.is_some())),
            ARCH,
            "a layer has either ReLU or a table activation, not both",
        )?;
        ensure(
            s.layers.iter().all(|l| l.table.is_none())
                || s.bits as usize <= crate::lookup::MAX_FUNCTION_BITS,
            ARCH,
            "table activations need a bit bound of at most 14",
        )?;
        ensure(
            s.layers
                .last()
                .is_some_and(|l| !l.relu && l.table.is_none() && l.n >= 2),
            ARCH,
            "the last layer must have no activation and at least two outputs",
        )?;
        if s.input.real_len() == 0 {
            return Err(Error::ZeroParameter {
                what: "model input size",
            });
        }
        ensure(
            s.classes <= s.output_width(),
            ARCH,
            "there are more classes than output columns",
        )?;
        if self.rows() > 1 << 20 {
            return Err(Error::TooLarge {
                what: "statement rows",
                value: self.rows(),
                max: 1 << 20,
            });
        }
        if let Task::Inference {
            rows,
            output: Visibility::Public,
            ..
        } = self.task
            && !rows.is_power_of_two()
        {
            return Err(Error::NotPowerOfTwo {
                what: "batch with public logits (commit the output or pad the batch)",
                value: rows,
            });
        }
        Ok(())
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

    /// How the public values are packed for the chain: the public input and the public logits
    /// (signed b-bit, range-checked by the statement) packed, the count plain.
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
        let mut put = |name: &str, vector: usize, len: usize| {
            let id = builders[vector].add(name, len);
            places.insert(name.to_string(), Place::Vector { vector, id });
            vars.insert(name.to_string(), len.trailing_zeros() as usize);
        };
        let last = s.layers.len() - 1;
        for (i, l) in s.layers.iter().enumerate() {
            let len = m * l.rows * l.n;
            if let LayerKind::MaxPool(g) = l.kind {
                put(&names::output(&l.name), TRACE, len);
                put(&names::diff(&l.name), TRACE, len * g.taps_pad());
                continue;
            }
            let activated = l.relu || l.table.is_some();
            let is_add = matches!(l.kind, LayerKind::Add { .. });
            if !is_add {
                put(&names::remainder(&l.name), TRACE, len);
            }
            if l.is_dense() {
                put(&names::weight(&l.name), MODEL, l.k * l.n);
                put(&names::bias(&l.name), MODEL, l.n);
            }
            // Pools, and hidden dense layers and sums without an activation, output a tensor
            // of their own (the last layer's output is the logits).
            let own_output = match l.kind {
                LayerKind::Dense | LayerKind::Conv(_) => !activated && i != last,
                LayerKind::Add { .. } => !activated,
                _ => true,
            };
            if own_output {
                put(&names::output(&l.name), TRACE, len);
            }
            if l.relu {
                put(&names::pos(&l.name), TRACE, len);
                put(&names::neg(&l.name), TRACE, len);
            }
            if l.table.is_some() {
                put(&names::pre(&l.name), TRACE, len);
                put(&names::act(&l.name), TRACE, len);
                put(&names::act_mult(&l.name), TRACE, 1 << s.bits);
            }
            debug_assert!(i < last || l.is_dense());
        }
        put(names::RANGE_MULT, TRACE, 1 << s.bits);
        let (input, output) = match self.task {
            Task::Inference { input, output, .. } => (input, output),
            Task::Accuracy { .. } => {
                put(names::LABELS, DATA, m * c);
                put(names::PREDICTION, TRACE, m * c);
                put(names::SLACK, TRACE, m * c);
                (Visibility::Committed, Visibility::Committed)
            }
        };
        if input == Visibility::Committed {
            put(names::INPUT, DATA, m * k0);
        }
        let logits_vector = if self.argmax_shape().is_some() {
            TRACE
        } else {
            DATA
        };
        if output == Visibility::Committed {
            put(names::LOGITS, logits_vector, m * c);
        }
        if input == Visibility::Public {
            places.insert(names::INPUT.into(), Place::PublicInput);
            vars.insert(names::INPUT.into(), (m * k0).trailing_zeros() as usize);
        }
        if output == Visibility::Public {
            places.insert(names::LOGITS.into(), Place::PublicLogits);
            vars.insert(names::LOGITS.into(), (m * c).trailing_zeros() as usize);
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
            let activated = l.relu || l.table.is_some();
            if let LayerKind::MaxPool(_) = l.kind {
                // The output is signed like its input; the differences lie in [0, 2^b).
                range.signed(names::output(&l.name));
                range.unsigned(names::diff(&l.name));
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
                range.signed(names::output(&l.name));
                range.below(rem, (g.kh * g.kw) as i64);
            } else {
                // 2×2 pool remainders lie in [0, 4). The average has its input's sign:
                // unsigned of a non-negative tensor, else signed.
                if non_negative.get(i).copied().unwrap_or(false) {
                    range.unsigned(names::output(&l.name));
                } else {
                    range.signed(names::output(&l.name));
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
        }
        range.signed(names::LOGITS);
        if self.argmax_shape().is_some() {
            range.unsigned(names::SLACK);
        }
        Ok(Plan {
            layouts,
            places,
            range_columns: range.into_columns(),
            vars,
        })
    }
}

/// A window geometry within bounds (no arithmetic on it can overflow) whose output size is
/// the one its input, padding, kernel and stride give, with every pad smaller than the kernel.
fn geometry_ok(g: &ConvGeometry) -> bool {
    const MAX_SIDE: usize = 1 << 14;
    let bounded = [g.in_h, g.in_w, g.in_c, g.out_h, g.out_w]
        .iter()
        .all(|d| (1..=MAX_SIDE).contains(d))
        && [g.kh, g.kw, g.stride[0], g.stride[1]]
            .iter()
            .all(|d| (1..=ConvGeometry::MAX_WINDOW).contains(d))
        && g.pads[0] < g.kh
        && g.pads[2] < g.kh
        && g.pads[1] < g.kw
        && g.pads[3] < g.kw;
    if !bounded || g.limit().is_some() {
        return false;
    }
    ConvGeometry::window((g.in_h, g.in_w, g.in_c), [g.kh, g.kw], g.stride, g.pads)
        .is_some_and(|expected| expected == *g)
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
    public_logits: Option<Vec<F>>,
}

impl<'a, F: FieldOps> Sink<'a, F> {
    /// `input`/`logits`: the public tensors' real entries (rows × real width), padded here.
    pub fn new(
        arch: &ModelArchitecture,
        plan: &'a Plan,
        input: Option<&[F]>,
        logits: Option<&[F]>,
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
        let want_logits = plan.places.get(names::LOGITS) == Some(&Place::PublicLogits);
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
        check_len(logits, want_logits, s.classes, "public logits values")?;
        Ok(Self {
            plan,
            acc: Accumulator::new(&plan.vector_vars()),
            public_input: input
                .map(|v| pad(&layout(v), in_real, s.input_width(), 0, m * in_rows))
                .transpose()?,
            public_logits: logits
                .map(|v| pad(v, s.classes, s.output_width(), s.pad_logit(), m))
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
            Place::Vector { vector, id } => {
                let layout = self.plan.layouts.get(*vector).ok_or(Error::Internal {
                    what: "every vector the plan places tensors in has a layout",
                })?;
                self.acc.add(*vector, layout.segment(*id), claim);
                return Ok(());
            }
            Place::PublicInput => &self.public_input,
            Place::PublicLogits => &self.public_logits,
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
