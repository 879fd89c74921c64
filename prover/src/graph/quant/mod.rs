//! Fixed-point quantization of an imported model, its exact integer semantics, and
//! calibration (DESIGN §3).
//!
//! Every real is an integer at one power-of-two scale 2^s. A dense (or convolution, after
//! im2col) layer computes
//!   P = A·W + 2^s·1·Bᵀ,  Y = ⌊P / 2^s⌋,  R = P − 2^s·Y ∈ [0, 2^s),
//! and a ReLU splits Y = Pos − Neg with Pos = max(Y, 0), Neg = max(−Y, 0). A 2×2 average pool
//! computes ⌊(a + b + c + d)/4⌋ with remainder in [0, 4). Weights, biases, inputs and logits
//! are signed `bits`-bit integers; ReLU parts and pooled values lie in [0, 2^bits). These are
//! what the proofs range-check, so the integer semantics of [`forward`] is exactly what a
//! verified proof certifies (no value wraps around the field).
//!
//! Layout: activations are matrices whose rows are (example, y, x) — one row per example for
//! flat features — and whose columns are channels, every dimension padded to a power of two
//! (DESIGN §5). Flatten after a pool keeps the memory order (y, x, channel); the next dense
//! layer's weight rows are permuted from ONNX's (channel, y, x) order at quantization, so the
//! committed model is in the layout the proof reads. Padded hidden units have zero weights and
//! bias; padded *output* units get the bias −2^(bits−2), so a padded class is never predicted.

mod calibrate;
mod file;
mod forward;
mod layers;

pub use calibrate::{CalibrationOptions, CalibrationReport, calibrate};
pub use file::{MODEL_FORMAT, MODEL_VERSION};
pub use forward::col2im;
pub(crate) use forward::im2col;
pub use forward::{IntTrace, LayerTrace, first_max, quantize_examples};
pub use layers::*;

use super::ir::{Model, Op, ValueId};
use crate::error::Error;
use crate::lookup::Real;
pub use crate::lookup::TableFn;
use std::collections::{BTreeMap, HashMap};

/// A quantized model: a chain of layers ending in a dense layer that outputs logits.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuantizedModel {
    /// The scale exponent s.
    pub scale: u32,
    /// The bit bound of every range-checked value (the main range table is [0, 2^bits)).
    pub bits: u32,
    /// The input layout.
    pub input: InputShape,
    /// The layers, input to output.
    pub layers: Vec<QLayer>,
    /// Layers that read another tensor than the previous layer's output (the model input
    /// for the first layer): layer index → its source. A projection shortcut, for instance.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub branches: BTreeMap<usize, Source>,
    /// Whether the model ends in a Softmax over its classes: its outputs are then the
    /// fixed-point probabilities ([`crate::train::softmax::softmax_row`]) at scale 2^s, not
    /// the logits (predictions stay the logits' argmax, which the softmax keeps).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub softmax: bool,
}

/// The largest bit bound a Softmax output takes: its logit gaps lie in [0, 2^b) and split
/// into four 4-bit exponent chunks ([`crate::blocks::softmax`]).
pub const SOFTMAX_MAX_BITS: u32 = 16;

/// The tensor a layer reads, when it is not the previous layer's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Source {
    /// The model input.
    Input,
    /// Layer j's output (j before the reading layer).
    Layer(usize),
}

impl Source {
    /// As an index into the committed tensors: `None` the input, `Some(j)` layer j.
    pub fn layer(self) -> Option<usize> {
        match self {
            Source::Input => None,
            Source::Layer(j) => Some(j),
        }
    }
}

/// round(x · 2^s), the fixed-point value of a real.
fn round_scaled(x: f32, scale: u32) -> i64 {
    (f64::from(x) * f64::powi(2.0, scale as i32)).round() as i64
}

fn unsupported(name: &str, op: &Op, reason: &str) -> Error {
    Error::Unprovable {
        node: name.into(),
        op: op.kind().into(),
        reason: reason.into(),
    }
}

/// The windows of a convolution or pool on an h×w image of `cp` (padded) channels, within
/// the gather's limits; otherwise the reason, for the node's error.
fn windows(
    (h, w, cp): (usize, usize, usize),
    [kh, kw]: [usize; 2],
    stride: [usize; 2],
    pads: [usize; 4],
) -> Result<ConvGeometry, String> {
    let g = ConvGeometry::window((h, w, cp), [kh, kw], stride, pads)
        .ok_or_else(|| format!("a {kh}×{kw} window on a {h}×{w} image"))?;
    match g.limit() {
        Some(why) => Err(why),
        None => Ok(g),
    }
}

/// The activation shape while walking the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// Flat features, in our (possibly permuted) order, with the spatial origin if any.
    Flat {
        real: usize,
        from: Option<(usize, usize, usize, usize)>,
    },
    /// Channel-last image: real channels, padded channels, h, w.
    Image {
        c: usize,
        cp: usize,
        h: usize,
        w: usize,
    },
}

impl Act {
    fn describe(&self) -> String {
        match *self {
            Act::Flat { real, from: None } => format!("{real} features"),
            Act::Flat {
                real,
                from: Some(_),
            } => format!("{real} flattened image values"),
            Act::Image { c, h, w, .. } => format!("{c}×{h}×{w} images"),
        }
    }
}

impl QuantizedModel {
    /// Quantizes a model: a chain of Dense/Conv layers (each optionally followed by ReLU or a
    /// table activation), average, global-average and max pools (each optionally followed by
    /// a table activation; a ReLU there is the table max(x, 0)), Flatten, residual sums
    /// (Add of the previous output and the input or an earlier layer's output) and
    /// concatenations along channels or features (of the same operands, no activation). A
    /// final Softmax is kept as the model's output ([`QuantizedModel::softmax`]; statements
    /// prove it for bit bounds up to [`SOFTMAX_MAX_BITS`]); a final ArgMax is dropped: the accuracy statements prove
    /// the argmax of the scores. Other operators and topologies are an [`Error::Unprovable`]
    /// naming the node.
    ///
    /// A non-decreasing activation written after a max pool is moved before it first (an
    /// exact rewrite: [`Model::with_activations_before_max_pools`]).
    pub fn quantize(model: &Model, scale: u32, bits: u32) -> Result<Self, Error> {
        let model = &model.with_activations_before_max_pools();
        if !(2..=40).contains(&bits) || scale == 0 || scale + 2 > bits {
            return Err(Error::BlockShape {
                block: "quantization",
                reason: "the scale 2^s and the bit bound b need 0 < s ≤ b − 2 ≤ 38",
            });
        }
        let input = match model.input_shape.as_slice() {
            [_, Some(k)] => InputShape::Flat { features: *k },
            [_, Some(c), Some(h), Some(w)] => InputShape::Image {
                c: *c,
                h: *h,
                w: *w,
            },
            s => {
                return Err(Error::Unprovable {
                    node: "input".into(),
                    op: "input".into(),
                    reason: format!("inputs must be [batch, features] or NCHW, not {s:?}"),
                });
            }
        };
        let mut act = match input {
            InputShape::Flat { features } => Act::Flat {
                real: features,
                from: None,
            },
            InputShape::Image { c, h, w } => Act::Image {
                c,
                cp: c.next_power_of_two(),
                h,
                w,
            },
        };
        let mut layers: Vec<QLayer> = Vec::new();
        let count = model.nodes.len();
        // How many nodes read each value (the graph output counts as a reader).
        let mut readers = vec![0usize; model.value_names.len()];
        for v in model.nodes.iter().flat_map(|n| &n.inputs) {
            if let Some(r) = readers.get_mut(*v) {
                *r += 1;
            }
        }
        if let Some(r) = readers.get_mut(model.output) {
            *r += 1;
        }
        // The tensors the statement commits: value → (the layer whose output it is, `None` for
        // the input; its shape). A layer reads one (the previous layer's output, or any other
        // through a branch); a residual sum adds two.
        let mut tensors: HashMap<ValueId, (Option<usize>, Act)> = HashMap::new();
        tensors.insert(model.input, (None, act));
        let mut branches: BTreeMap<usize, Source> = BTreeMap::new();
        let mut softmax = false;
        for (i, node) in model.nodes.iter().enumerate() {
            let bad = |reason: &str| unsupported(&node.name, &node.op, reason);
            let operands = node
                .inputs
                .iter()
                .map(|v| tensors.get(v).copied())
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    bad("reads a value the statement does not commit: a layer's output before the activation or bias folded into it, or a value computed by no provable node")
                })?;
            let arity = if matches!(node.op, Op::Add | Op::Concat { .. }) {
                2
            } else {
                1
            };
            if operands.len() != arity {
                return Err(bad(&format!(
                    "has {} dynamic inputs; zkmodel proves it with {arity}",
                    operands.len()
                )));
            }
            // A sum's main operand is the one computed last (the other is its skip).
            let main = usize::from(operands.len() == 2 && operands[1].0 > operands[0].0);
            let (src, operand_act) = operands[main];
            let input = node.inputs[main];
            act = operand_act;
            let last = layers.len().checked_sub(1);
            // An activation or bias folds into the layer before it: that layer's output is then
            // the folded value, and the value before folding exists nowhere in the statement.
            let hidden_softmax = matches!(node.op, Op::Softmax) && i + 1 < count;
            if hidden_softmax
                || matches!(node.op, Op::Relu | Op::Activation(_) | Op::AddConst { .. })
            {
                if src.is_none() || src != last {
                    return Err(bad(
                        "must read the output of the layer just before it (activations and biases fold into that layer)",
                    ));
                }
                if readers.get(input).copied().unwrap_or(0) > 1 {
                    return Err(bad(
                        "its input is also read by another node; zkmodel commits a layer's output after its activation and bias, so the value before them cannot feed a second branch",
                    ));
                }
                tensors.retain(|_, (layer, _)| *layer != last);
            }
            let before = layers.len();
            match (&node.op, act) {
                (Op::Dense { weight, bias }, Act::Flat { real, from }) => {
                    let (k, n) = (weight.shape[0], weight.shape[1]);
                    if k != real {
                        return Err(bad(&format!("takes {k} features, input has {real}")));
                    }
                    // After a flattened image the input rows are (y, x, padded channel) over the
                    // image's padded layout.
                    let rows = match from {
                        None => k,
                        Some((_, cp, h, wd)) => h.next_power_of_two() * wd.next_power_of_two() * cp,
                    };
                    let (kp, np) = (rows.next_power_of_two(), n.next_power_of_two());
                    let mut w = vec![0i64; kp * np];
                    for r in 0..k {
                        // Our feature order is (y, x, channel); ONNX's is (channel, y, x).
                        let row = match from {
                            None => r,
                            Some((c, cp, h, wd)) => {
                                let (ch, rest) = (r / (h * wd), r % (h * wd));
                                debug_assert!(ch < c);
                                let (y, x) = (rest / wd, rest % wd);
                                (y * wd.next_power_of_two() + x) * cp + ch
                            }
                        };
                        for col in 0..n {
                            w[row * np + col] = round_scaled(weight.data[r * n + col], scale);
                        }
                    }
                    let mut b = vec![0i64; np];
                    if let Some(bias) = bias {
                        for (col, v) in bias.data.iter().enumerate() {
                            b[col] = round_scaled(*v, scale);
                        }
                    }
                    layers.push(QLayer::Dense(QDense {
                        name: node.name.clone(),
                        k: kp,
                        n: np,
                        real_n: n,
                        weight: w,
                        bias: b,
                        relu: false,
                        table: None,
                        softmax: false,
                    }));
                    act = Act::Flat {
                        real: n,
                        from: None,
                    };
                }
                (
                    Op::Conv2d {
                        weight,
                        bias,
                        stride,
                        pads,
                    },
                    Act::Image { c, cp, h, w },
                ) => {
                    let [oc, ic, kh, kw] = weight.shape[..] else {
                        return Err(bad("weight is not 4-D"));
                    };
                    if ic != c {
                        return Err(bad(&format!("expects {ic} channels, input has {c}")));
                    }
                    let geometry =
                        windows((h, w, cp), [kh, kw], *stride, *pads).map_err(|e| bad(&e))?;
                    let (out_h, out_w) = (geometry.out_h, geometry.out_w);
                    let (k, np) = (geometry.taps_pad() * cp, oc.next_power_of_two());
                    let mut wq = vec![0i64; k * np];
                    for o in 0..oc {
                        for ci in 0..ic {
                            for t in 0..kh * kw {
                                let v = weight.data[((o * ic + ci) * kh + t / kw) * kw + t % kw];
                                wq[(t * cp + ci) * np + o] = round_scaled(v, scale);
                            }
                        }
                    }
                    let mut b = vec![0i64; np];
                    for (o, v) in bias.data.iter().enumerate() {
                        b[o] = round_scaled(*v, scale);
                    }
                    layers.push(QLayer::Conv(QConv {
                        dense: QDense {
                            name: node.name.clone(),
                            k,
                            n: np,
                            real_n: oc,
                            weight: wq,
                            bias: b,
                            relu: false,
                            table: None,
                            softmax: false,
                        },
                        geometry,
                    }));
                    act = Act::Image {
                        c: oc,
                        cp: np,
                        h: out_h,
                        w: out_w,
                    };
                }
                (Op::Relu | Op::Activation(_), _) => {
                    let last = layers.last_mut().ok_or_else(|| {
                        bad("an activation must follow a layer, not the model input")
                    })?;
                    if last.dense().is_some_and(|d| d.softmax) {
                        return Err(bad("the layer it follows already has an activation"));
                    }
                    if let Some((relu, table)) = last.activation_mut() {
                        match (&node.op, *relu || table.is_some()) {
                            (Op::Relu, false) => *relu = true,
                            (Op::Activation(f), false) => *table = Some(*f),
                            _ => return Err(bad("the layer it follows already has an activation")),
                        }
                    } else if let QLayer::Concat(c) = last {
                        return Err(bad(&format!(
                            "follows the concatenation `{}`; zkmodel proves a concatenation \
                             without an activation — apply the activation to each input \
                             before the Concat (it is elementwise, so the result is the same)",
                            c.name
                        )));
                    } else if let Some(table @ None) = last.pool_table_mut() {
                        // A pool takes a table: ReLU is the table max(x, 0) there.
                        *table = Some(match &node.op {
                            Op::Activation(f) => *f,
                            _ => TableFn::LeakyRelu {
                                alpha: Real::new(0.0),
                            },
                        });
                    } else {
                        return Err(bad("the pool it follows already has an activation"));
                    }
                }
                (Op::Add, _) => {
                    let other = node.inputs[1 - main];
                    let Some(&(skip, skip_act)) = tensors.get(&other) else {
                        return Err(bad(
                            "its second operand is neither the model input nor a layer's output (zkmodel adds tensors the statement commits: the input, or a layer's output after its activation)",
                        ));
                    };
                    if skip_act != act {
                        return Err(bad(&format!(
                            "adds tensors of different shapes ({} and {})",
                            act.describe(),
                            skip_act.describe()
                        )));
                    }
                    let (rows, n) = match act {
                        Act::Image { cp, h, w, .. } => {
                            (h.next_power_of_two() * w.next_power_of_two(), cp)
                        }
                        Act::Flat { real, from: None } => (1, real.next_power_of_two()),
                        Act::Flat { from: Some(_), .. } => {
                            return Err(bad(
                                "adds flattened images; add the images before Flatten",
                            ));
                        }
                    };
                    layers.push(QLayer::Add(QAdd {
                        name: node.name.clone(),
                        skip,
                        rows,
                        n,
                        relu: false,
                        table: None,
                    }));
                }
                (Op::Concat { axis }, _) => {
                    let other = node.inputs[1 - main];
                    let Some(&(other_src, other_act)) = tensors.get(&other) else {
                        return Err(bad(
                            "its other operand is neither the model input nor a layer's output (zkmodel concatenates tensors the statement commits: the input, or a layer's output after its activation)",
                        ));
                    };
                    let (first, second) = if main == 0 {
                        (act, other_act)
                    } else {
                        (other_act, act)
                    };
                    let (rows, widths, joined) = match (first, second) {
                        (
                            Act::Image { c, h, w, .. },
                            Act::Image {
                                c: c2,
                                h: h2,
                                w: w2,
                                ..
                            },
                        ) if (h, w) == (h2, w2) && matches!(axis, 1 | -3) => (
                            h.next_power_of_two() * w.next_power_of_two(),
                            [c, c2],
                            Act::Image {
                                c: c + c2,
                                cp: (c + c2).next_power_of_two(),
                                h,
                                w,
                            },
                        ),
                        (
                            Act::Flat {
                                real: a,
                                from: None,
                            },
                            Act::Flat {
                                real: b,
                                from: None,
                            },
                        ) if matches!(axis, 1 | -1) => (
                            1,
                            [a, b],
                            Act::Flat {
                                real: a + b,
                                from: None,
                            },
                        ),
                        _ => {
                            return Err(bad(&format!(
                                "concatenates {} and {} along axis {axis}; zkmodel concatenates \
                                 images of one size along channels (axis 1) or feature rows \
                                 along features (axis 1) — concatenate images before Flatten",
                                first.describe(),
                                second.describe()
                            )));
                        }
                    };
                    layers.push(QLayer::Concat(QConcat {
                        name: node.name.clone(),
                        other: other_src,
                        other_first: main == 1,
                        rows,
                        widths,
                    }));
                    act = joined;
                }
                (Op::AvgPool2d { .. } | Op::GlobalAvgPool, Act::Image { c, cp, h, w }) => {
                    let (kernel, stride, pads) = match &node.op {
                        Op::AvgPool2d {
                            kernel,
                            stride,
                            pads,
                        } => (*kernel, *stride, *pads),
                        _ => ([h, w], [1, 1], [0; 4]),
                    };
                    if kernel == [2, 2]
                        && stride == [2, 2]
                        && pads == [0; 4]
                        && h.is_power_of_two()
                        && w.is_power_of_two()
                    {
                        layers.push(QLayer::AvgPool(QPool {
                            name: node.name.clone(),
                            h,
                            w,
                            c: cp,
                            table: None,
                        }));
                        act = Act::Image {
                            c,
                            cp,
                            h: h / 2,
                            w: w / 2,
                        };
                    } else {
                        // Any other window: gathered as a convolution's, divided by its size.
                        let [kh, kw] = kernel;
                        let geometry =
                            windows((h, w, cp), kernel, stride, pads).map_err(|e| bad(&e))?;
                        if (kh * kw) as u64 > 1u64 << bits {
                            return Err(bad(&format!(
                                "a {kh}×{kw} window needs a bit bound of at least {} (its \
                                 remainder is range-checked against 2^b)",
                                (kh * kw).next_power_of_two().trailing_zeros()
                            )));
                        }
                        layers.push(QLayer::AvgPoolWindow(QWindowPool {
                            name: node.name.clone(),
                            geometry,
                            table: None,
                        }));
                        act = Act::Image {
                            c,
                            cp,
                            h: geometry.out_h,
                            w: geometry.out_w,
                        };
                    }
                }
                (
                    Op::MaxPool2d {
                        kernel,
                        stride,
                        pads,
                    },
                    Act::Image { c, cp, h, w },
                ) => {
                    let [kh, kw] = *kernel;
                    if kh * kw > crate::blocks::maxpool::MAX_TAPS {
                        return Err(bad(&format!(
                            "a {kh}×{kw} window has more than {} taps",
                            crate::blocks::maxpool::MAX_TAPS
                        )));
                    }
                    let geometry =
                        windows((h, w, cp), [kh, kw], *stride, *pads).map_err(|e| bad(&e))?;
                    layers.push(QLayer::MaxPool(QWindowPool {
                        name: node.name.clone(),
                        geometry,
                        table: None,
                    }));
                    act = Act::Image {
                        c,
                        cp,
                        h: geometry.out_h,
                        w: geometry.out_w,
                    };
                }
                (Op::Flatten { axis: 1 }, Act::Image { c, cp, h, w }) => {
                    act = Act::Flat {
                        real: c * h * w,
                        from: Some((c, cp, h, w)),
                    };
                }
                // Feature rows stay [batch, features]: anything else would change what a
                // later concatenation (or dense layer) reads as a row.
                (Op::Flatten { axis: 1 }, Act::Flat { .. }) => {}
                (Op::Reshape { shape }, Act::Flat { real, .. })
                    if matches!(shape.as_slice(), [_, f] if *f == real as i64)
                        || matches!(shape.as_slice(), [0, -1]) => {}
                (Op::Flatten { .. } | Op::Reshape { .. }, Act::Flat { real, .. }) => {
                    return Err(bad(&format!(
                        "reshapes rows of {real} features to another layout; zkmodel keeps \
                         feature rows as [batch, {real}]"
                    )));
                }
                // PyTorch exports a linear layer on a non-2-D input (and hand-written
                // `x @ W + b`) as MatMul then Add: the Add is the dense layer's bias.
                (Op::AddConst { constant }, Act::Flat { real, from: None })
                    if i > 0
                        && matches!(model.nodes[i - 1].op, Op::Dense { .. })
                        && constant.len() == real =>
                {
                    match layers.last_mut() {
                        Some(QLayer::Dense(l)) if !l.activated() => {
                            for (col, v) in constant.data.iter().enumerate() {
                                l.bias[col] += round_scaled(*v, scale);
                            }
                        }
                        _ => return Err(bad("an added constant must be a dense layer's bias")),
                    }
                }
                (Op::Softmax, Act::Flat { from: None, .. }) if i + 1 == count => {
                    softmax = true;
                }
                // A hidden Softmax: the activation of the dense layer it reads.
                (Op::Softmax, Act::Flat { from: None, .. }) if hidden_softmax => {
                    match layers.last_mut() {
                        Some(QLayer::Dense(d)) if !d.activated() => d.softmax = true,
                        _ => {
                            return Err(bad(
                                "a hidden Softmax must follow a dense layer without an \
                                 activation (zkmodel proves it over that layer's outputs)",
                            ));
                        }
                    }
                }
                (Op::ArgMax { .. }, _) if i + 1 == count => {}
                (Op::Softmax | Op::ArgMax { .. }, _) => {
                    return Err(bad(
                        "a Softmax is proven over the last axis of a dense layer's outputs \
                         (hidden, or the model's output); an ArgMax only as the model's last \
                         node, where it is dropped (the accuracy statements prove the \
                         scores' argmax)",
                    ));
                }
                _ => return Err(bad("not provable at this position of the graph")),
            }
            let producer = if layers.len() > before {
                // A new layer: record where it reads from when that is not the default.
                let new = layers.len() - 1;
                if src != new.checked_sub(1) {
                    branches.insert(new, src.map_or(Source::Input, Source::Layer));
                }
                Some(new)
            } else {
                src
            };
            tensors.insert(node.output, (producer, act));
        }
        let last = layers.len().checked_sub(1);
        let reads = layers.iter().enumerate().map(|(i, l)| {
            let source = branches.get(&i).map_or(i.checked_sub(1), |s| s.layer());
            [source, l.skip()]
        });
        if let Some(j) = first_unread(reads) {
            return Err(Error::Unprovable {
                node: layers[j].name().to_string(),
                op: "graph".into(),
                reason: "its output is read by no later layer (a dangling branch would be proven while the model's output ignores it)".into(),
            });
        }
        if tensors.get(&model.output).map(|t| t.0) != Some(last) || last.is_none() {
            return Err(Error::Unprovable {
                node: model
                    .value_names
                    .get(model.output)
                    .cloned()
                    .unwrap_or_default(),
                op: "graph".into(),
                reason: "the graph output is not the end of its chain of layers".into(),
            });
        }
        let mut q = Self::finish(scale, bits, input, layers)?;
        q.branches = branches;
        q.softmax = softmax;
        Ok(q)
    }

    fn finish(
        scale: u32,
        bits: u32,
        input: InputShape,
        mut layers: Vec<QLayer>,
    ) -> Result<Self, Error> {
        let graph_err = |node: &str, op: &str, reason: &str| Error::Unprovable {
            node: node.into(),
            op: op.into(),
            reason: reason.into(),
        };
        let Some(QLayer::Dense(last)) = layers.last_mut() else {
            return Err(graph_err(
                "model",
                "graph",
                "the model must end in a dense layer (logits)",
            ));
        };
        if last.activated() {
            return Err(graph_err(
                &last.name,
                "Relu",
                "the last dense layer must output logits (no ReLU after it)",
            ));
        }
        let pad_logit = -(1i64 << (bits - 2));
        for c in last.real_n..last.n {
            last.bias[c] = pad_logit;
        }
        let q = Self {
            scale,
            bits,
            input,
            layers,
            branches: BTreeMap::new(),
            softmax: false,
        };
        q.check_weights()?;
        Ok(q)
    }

    /// Every weight and bias within the signed bit bound, else the tensor named.
    pub(crate) fn check_weights(&self) -> Result<(), Error> {
        for l in self.layers.iter().filter_map(QLayer::dense) {
            self.check(
                &format!("{}.weight", l.name),
                &l.weight,
                self.signed_range(),
            )?;
            self.check(&format!("{}.bias", l.name), &l.bias, self.signed_range())?;
        }
        Ok(())
    }

    /// Padded number of classes (the last layer's width).
    pub fn output_width(&self) -> usize {
        self.layers
            .last()
            .and_then(QLayer::dense)
            .map_or(1, |l| l.n)
    }

    /// Whether each layer's output is range-checked non-negative (see [`non_negative_outputs`]).
    pub fn non_negative(&self) -> Vec<bool> {
        non_negative_outputs(self.layers.iter().enumerate().map(|(i, l)| LayerSign {
            relu: l.has_relu(),
            two_by_two_pool: matches!(l, QLayer::AvgPool(_)),
            table: l.table().is_some(),
            source: self.source(i),
            concat: match l {
                QLayer::Concat(c) => Some(c.other),
                _ => None,
            },
        }))
    }

    /// The tensor layer `i` reads: `None` the model input, `Some(j)` layer j's output.
    pub fn source(&self, i: usize) -> Option<usize> {
        match self.branches.get(&i) {
            Some(s) => s.layer(),
            None => i.checked_sub(1),
        }
    }

    /// Real number of classes.
    pub fn classes(&self) -> usize {
        self.layers
            .last()
            .and_then(QLayer::dense)
            .map_or(1, |l| l.real_n)
    }

    pub(crate) fn signed_range(&self) -> (i64, i64) {
        let half = 1i64 << (self.bits - 1);
        (-half, half - 1)
    }

    pub(crate) fn check(
        &self,
        tensor: &str,
        values: &[i64],
        (min, max): (i64, i64),
    ) -> Result<(), Error> {
        match values.iter().position(|v| !(min..=max).contains(v)) {
            None => Ok(()),
            Some(index) => Err(Error::QuantRange {
                tensor: tensor.into(),
                index,
                value: i128::from(values[index]),
                min: i128::from(min),
                max: i128::from(max),
            }),
        }
    }
}
