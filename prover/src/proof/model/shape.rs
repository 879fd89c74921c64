//! The model's public shape: its layers (kind, sizes, activation, source), the scale and bit
//! bound, and what a statement claims about it (the task). Everything here is hashed into the
//! architecture id; [`super::plan`] turns it into tensor placements.

use crate::error::Error;
use crate::graph::quant::{
    ConvGeometry, InputShape, QAdd, QConcat, QConv, QDense, QLayer, QPool, QWindowPool,
    QuantizedModel, Source,
};
use crate::lookup::TableFn;
use crate::pcs::layout::{Layout, Stored, TensorId};
use std::collections::BTreeMap;

use super::plan::{MODEL, ModelArchitecture, Place, names};

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
    /// Concatenation along the width (channels or features) of the previous layer's output
    /// and the model input (`other: None`) or an earlier layer's output `other`, with the
    /// same rows; no activation.
    Concat {
        /// The other operand.
        other: Option<usize>,
        /// Whether the other operand's columns come first.
        other_first: bool,
        /// Real widths of the operands in concatenation order (each laid out over the next
        /// power of two; the output, `n`, over that of their sum).
        widths: [usize; 2],
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
    /// A hidden Softmax over the first `real` of the layer's outputs that follows instead
    /// (dense layers on flat features): the next layer reads its probabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub softmax: Option<usize>,
    /// The tensor the layer reads when it is not the previous layer's output (the model
    /// input for the first layer): a branch, such as a projection shortcut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The channels a convolution or pool really has when fewer than its padded `n` (the
    /// rest are zero): a training statement stores its per-output tensors without them
    /// ([`crate::pcs::layout::AxisSplit`]). `None` for other layers and unpadded channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_c: Option<usize>,
}

impl LayerShape {
    /// The real rows of a convolution's output when its layout pads the map (its dense part
    /// adds the bias there only); `None` for other layers and unpadded maps.
    pub(crate) fn row_mask(&self) -> Option<crate::blocks::dense::RowMask> {
        match self.kind {
            LayerKind::Conv(g) => crate::blocks::dense::RowMask::of(&g),
            _ => None,
        }
    }

    /// The name of the tensor the next layer reads (`last`: the model's last layer, whose
    /// output is the logits).
    pub(crate) fn output_name(&self, last: bool) -> String {
        if self.relu {
            names::pos(&self.name)
        } else if self.has_pre_activation() {
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
        } else if self.has_pre_activation() {
            vec![names::pre(&self.name)]
        } else {
            vec![self.output_name(last)]
        }
    }

    /// Whether a table activation or a hidden Softmax follows: the layer's block states its
    /// output as the pre-activation, and the next layer reads the activation.
    pub(crate) fn has_pre_activation(&self) -> bool {
        self.table.is_some() || self.softmax.is_some()
    }

    /// The tensor a pool block states its output on: the pre-activation when a table
    /// activation follows the pool, else the pool's own output.
    pub(crate) fn pool_output(&self) -> String {
        if self.table.is_some() {
            names::pre(&self.name)
        } else {
            names::output(&self.name)
        }
    }

    /// Whether the layer has weights (dense or convolution).
    pub fn is_dense(&self) -> bool {
        matches!(self.kind, LayerKind::Dense | LayerKind::Conv(_))
    }

    /// Whether the layer is a pool (average, window average or max).
    pub fn is_pool(&self) -> bool {
        matches!(
            self.kind,
            LayerKind::AvgPool { .. } | LayerKind::AvgPoolWindow(_) | LayerKind::MaxPool(_)
        )
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
    /// Whether the model ends in a Softmax: inference statements then prove and output its
    /// probabilities ([`crate::blocks::softmax`]); accuracy statements prove the logits'
    /// argmax as for any model.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub softmax: bool,
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
                    softmax: d.softmax.then_some(d.real_n),
                    source: q.branches.get(&i).copied(),
                    real_c: None,
                },
                QLayer::Conv(c) => LayerShape {
                    name: c.dense.name.clone(),
                    kind: LayerKind::Conv(c.geometry),
                    rows: c.geometry.out_positions(),
                    k: c.dense.k,
                    n: c.dense.n,
                    relu: c.dense.relu,
                    table: c.dense.table,
                    // The shape says whatever the model does: `check` refuses a convolution's.
                    softmax: c.dense.softmax.then_some(c.dense.real_n),
                    source: q.branches.get(&i).copied(),
                    real_c: (c.dense.real_n < c.dense.n).then_some(c.dense.real_n),
                },
                QLayer::AvgPool(p) => LayerShape {
                    name: p.name.clone(),
                    kind: LayerKind::AvgPool { h: p.h, w: p.w },
                    rows: p.h * p.w / 4,
                    k: p.c,
                    n: p.c,
                    relu: false,
                    table: l.table(),
                    softmax: None,
                    source: q.branches.get(&i).copied(),
                    real_c: None,
                },
                QLayer::Add(a) => LayerShape {
                    name: a.name.clone(),
                    kind: LayerKind::Add { skip: a.skip },
                    rows: a.rows,
                    k: a.n,
                    n: a.n,
                    relu: a.relu,
                    table: a.table,
                    softmax: None,
                    source: q.branches.get(&i).copied(),
                    real_c: None,
                },
                QLayer::Concat(c) => LayerShape {
                    name: c.name.clone(),
                    kind: LayerKind::Concat {
                        other: c.other,
                        other_first: c.other_first,
                        widths: c.widths,
                    },
                    rows: c.rows,
                    k: c.main_and_other_widths()[0],
                    n: c.padded().1,
                    relu: false,
                    table: None,
                    softmax: None,
                    source: q.branches.get(&i).copied(),
                    real_c: None,
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
                    table: l.table(),
                    softmax: None,
                    source: q.branches.get(&i).copied(),
                    real_c: None,
                },
            })
            .collect::<Vec<_>>();
        // A pool reading the layer below keeps its real channels, unless a table activation
        // there makes the padded channels something else than 0.
        let mut layers = layers;
        for i in 1..layers.len() {
            let below = &layers[i - 1];
            if layers[i].is_pool()
                && layers[i].source.is_none()
                && layers[i].n == below.n
                && !below.has_pre_activation()
            {
                layers[i].real_c = below.real_c;
            }
        }
        Self {
            scale: q.scale,
            bits: q.bits,
            input: q.input,
            classes: q.classes(),
            layers,
            softmax: q.softmax,
        }
    }
}

impl ModelShape {
    /// Real channels ([`LayerShape::real_c`]) only where they mean something: on a
    /// convolution, fewer than its padded channels and at least one, and on a pool reading the
    /// layer below, equal to that layer's, when no table activation or Softmax follows that
    /// layer (its padded channels would hold the table's value at 0). A shape file claiming them elsewhere is refused
    /// (it would describe the statement of the padded shape under another id, or no
    /// provable statement).
    pub(crate) fn check_real_channels(&self) -> Result<(), Error> {
        for (i, l) in self.layers.iter().enumerate() {
            let Some(c) = l.real_c else { continue };
            let below = i.checked_sub(1).and_then(|b| self.layers.get(b));
            let ok = match l.kind {
                LayerKind::Conv(_) => (1..l.n).contains(&c),
                _ if l.is_pool() => {
                    l.source.is_none()
                        && below.is_some_and(|b| {
                            b.real_c == Some(c) && b.n == l.n && !b.has_pre_activation()
                        })
                }
                _ => false,
            };
            crate::error::ensure(
                ok,
                "model architecture",
                "real channels are stated on a convolution (fewer than its padded channels) \
                 or on a pool of the layer below (the same as that layer's) only",
            )?;
        }
        Ok(())
    }

    /// The canonical description of the shape (scale, bits, input, classes, layers), part of
    /// every architecture id that involves the model.
    pub fn description(&self) -> String {
        let layers: Vec<String> = self
            .layers
            .iter()
            .map(|l| {
                let relu = match (l.relu, l.table, l.softmax) {
                    (true, _, _) => "+relu".to_string(),
                    (false, Some(f), _) => format!("+{}", f.name()),
                    (false, None, Some(real)) => format!("+softmax{real}"),
                    (false, None, None) => String::new(),
                };
                // A branch names its source (a chain's descriptions are unchanged).
                let relu = match l.source {
                    None => relu,
                    Some(Source::Input) => format!("{relu}<input"),
                    Some(Source::Layer(j)) => format!("{relu}<layer{j}"),
                };
                // Real channels are named last (unpadded layers' descriptions are unchanged).
                let real = l.real_c.map_or(String::new(), |c| format!(":c{c}"));
                let kind = match l.kind {
                    LayerKind::Dense => format!("dense:{}x{}{relu}", l.k, l.n),
                    LayerKind::Conv(g) => {
                        let [ih, iw, ic, kh, kw, sh, sw, pt, pl, pb, pr, oh, ow] = g.words();
                        // Padded output rows carry no bias (since the row mask; an older
                        // statement's id for the same shape meant bias there).
                        let mask = if l.row_mask().is_some() { ":rowmask" } else { "" };
                        format!(
                            "conv:{ih}x{iw}x{ic}:k{kh}x{kw}:s{sh}x{sw}:p{pt}-{pl}-{pb}-{pr}:o{oh}x{ow}x{}{mask}{relu}",
                            l.n
                        )
                    }
                    // Pools take a table activation, never the ReLU block (`check` refuses
                    // one); the suffix keeps the description a function of every field.
                    LayerKind::AvgPool { h, w } => format!("avgpool2:{h}x{w}x{}{relu}", l.n),
                    LayerKind::Add { skip } => {
                        let from = skip.map_or("input".to_string(), |j| format!("layer{j}"));
                        format!("add:{from}:{}x{}{relu}", l.rows, l.n)
                    }
                    LayerKind::Concat {
                        other,
                        other_first,
                        widths: [a, b],
                    } => {
                        let from = other.map_or("input".to_string(), |j| format!("layer{j}"));
                        let order = if other_first { "first" } else { "second" };
                        format!("concat:{from}:{order}:{a}+{b}:{}x{}{relu}", l.rows, l.n)
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
                };
                format!("{kind}{real}")
            })
            .collect();
        let input = match self.input {
            InputShape::Flat { features } => format!("flat:{features}"),
            InputShape::Image { c, h, w } => format!("image:{c}x{h}x{w}"),
        };
        // A Softmax output is named last (the descriptions of other models are unchanged).
        format!(
            "scale={}/bits={}/in={input}/classes={}/layers={}{}",
            self.scale,
            self.bits,
            self.classes,
            layers.join(","),
            if self.softmax { "/softmax" } else { "" }
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
                Place::Vector {
                    vector: MODEL,
                    stored: Stored::Whole(id),
                } => Some((name.clone(), *id)),
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
                table: l.table.is_some(),
                source: self.layer_source(i),
                concat: match l.kind {
                    LayerKind::Concat { other, .. } => Some(other),
                    _ => None,
                },
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
            real_n: l.softmax.or(l.real_c).unwrap_or(l.n),
            weight: vec![0; l.k * l.n],
            bias: vec![0; l.n],
            relu: l.relu,
            table: l.table,
            softmax: l.softmax.is_some(),
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
                        table: l.table,
                    }),
                    LayerKind::MaxPool(geometry) => QLayer::MaxPool(QWindowPool {
                        name: l.name.clone(),
                        geometry,
                        table: l.table,
                    }),
                    LayerKind::AvgPoolWindow(geometry) => QLayer::AvgPoolWindow(QWindowPool {
                        name: l.name.clone(),
                        geometry,
                        table: l.table,
                    }),
                    LayerKind::Concat {
                        other,
                        other_first,
                        widths,
                    } => QLayer::Concat(QConcat {
                        name: l.name.clone(),
                        other,
                        other_first,
                        rows: l.rows,
                        widths,
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
            softmax: self.softmax,
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
