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

pub use calibrate::{CalibrationOptions, CalibrationReport, calibrate};
pub use file::{MODEL_FORMAT, MODEL_VERSION};
pub use forward::{IntTrace, LayerTrace, first_max, quantize_examples};

use super::ir::{Model, Op, ValueId};
use crate::error::Error;
pub use crate::lookup::TableFn;
use std::collections::{BTreeMap, HashMap};

/// A quantized dense layer (k×n weights, row-major, padded).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QDense {
    /// The ONNX node name.
    pub name: String,
    /// Padded input width.
    pub k: usize,
    /// Padded output width.
    pub n: usize,
    /// Output units the float model has.
    pub real_n: usize,
    /// Weights at scale 2^s, k×n.
    pub weight: Vec<i64>,
    /// Bias at scale 2^s, length n.
    pub bias: Vec<i64>,
    /// Whether a ReLU follows.
    pub relu: bool,
    /// A table activation (sigmoid, tanh) that follows instead.
    pub table: Option<TableFn>,
}

impl QDense {
    /// Whether an activation (ReLU or table) follows.
    pub fn activated(&self) -> bool {
        self.relu || self.table.is_some()
    }
}

/// Geometry of a 2-D convolution (or pooling window) on channel-last activations. Sizes are
/// the real ones; an image is laid out over its sizes rounded up to powers of two (rows
/// (y, x) with y < the padded height, x < the padded width), and padded positions are read by
/// no gather and weighted zero by a dense layer after a flatten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ConvGeometry {
    /// Input height.
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Padded input channels.
    pub in_c: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
    /// (stride h, stride w).
    pub stride: [usize; 2],
    /// (top, left, bottom, right) zero padding.
    pub pads: [usize; 4],
    /// Output height.
    pub out_h: usize,
    /// Output width.
    pub out_w: usize,
}

impl ConvGeometry {
    /// The largest kernel side and stride a statement admits.
    pub const MAX_WINDOW: usize = 64;
    /// The most terms the verifier's window mask and gather selector may sum per layer
    /// (padded taps × output positions, and input positions).
    pub const MAX_VERIFIER_TERMS: usize = 1 << 24;

    /// Why a statement cannot hold this window, if it cannot: a kernel side or stride above
    /// [`Self::MAX_WINDOW`], or more verifier work than [`Self::MAX_VERIFIER_TERMS`].
    pub fn limit(&self) -> Option<String> {
        let side = [self.kh, self.kw, self.stride[0], self.stride[1]];
        if side.iter().any(|d| *d > Self::MAX_WINDOW) {
            return Some(format!(
                "a {}×{} window with stride {:?} exceeds {} in a dimension",
                self.kh,
                self.kw,
                self.stride,
                Self::MAX_WINDOW
            ));
        }
        let terms = self.taps_pad().saturating_mul(self.out_positions());
        (terms > Self::MAX_VERIFIER_TERMS || self.in_positions() > Self::MAX_VERIFIER_TERMS).then(
            || {
                format!(
                    "a {}×{} window over a {}×{} image is more than 2^24 verifier terms; use \
                     smaller images",
                    self.kh, self.kw, self.in_h, self.in_w
                )
            },
        )
    }

    /// The window `kernel` with `stride` and `pads` on an h×w image of `in_c` (padded)
    /// channels, with the output size it gives; `None` when the window does not fit the
    /// padded image or a stride is zero.
    pub fn window(
        (in_h, in_w, in_c): (usize, usize, usize),
        [kh, kw]: [usize; 2],
        stride: [usize; 2],
        pads: [usize; 4],
    ) -> Option<Self> {
        let (ph, pw) = (in_h + pads[0] + pads[2], in_w + pads[1] + pads[3]);
        let out_h = ph.checked_sub(kh)?.checked_div(stride[0])? + 1;
        let out_w = pw.checked_sub(kw)?.checked_div(stride[1])? + 1;
        Some(Self {
            in_h,
            in_w,
            in_c,
            kh,
            kw,
            stride,
            pads,
            out_h,
            out_w,
        })
    }

    /// Every parameter, in a fixed order (statements and descriptions).
    pub fn words(&self) -> [usize; 13] {
        [
            self.in_h,
            self.in_w,
            self.in_c,
            self.kh,
            self.kw,
            self.stride[0],
            self.stride[1],
            self.pads[0],
            self.pads[1],
            self.pads[2],
            self.pads[3],
            self.out_h,
            self.out_w,
        ]
    }

    /// Kernel taps padded to a power of two.
    pub fn taps_pad(&self) -> usize {
        (self.kh * self.kw).next_power_of_two()
    }

    /// The input's padded width (its layout's row stride).
    pub fn in_wp(&self) -> usize {
        self.in_w.next_power_of_two()
    }
    /// Input positions in the layout (padded height × padded width).
    pub fn in_positions(&self) -> usize {
        self.in_h.next_power_of_two() * self.in_wp()
    }
    /// The output's padded width.
    pub fn out_wp(&self) -> usize {
        self.out_w.next_power_of_two()
    }
    /// Output positions in the layout.
    pub fn out_positions(&self) -> usize {
        self.out_h.next_power_of_two() * self.out_wp()
    }

    /// The input position tap `t` reads for output position (y, x), if both are real and the
    /// tap reads inside the image.
    pub fn source(&self, y: usize, x: usize, t: usize) -> Option<(usize, usize)> {
        if t >= self.kh * self.kw || y >= self.out_h || x >= self.out_w {
            return None;
        }
        let sy = (y * self.stride[0] + t / self.kw).checked_sub(self.pads[0])?;
        let sx = (x * self.stride[1] + t % self.kw).checked_sub(self.pads[1])?;
        (sy < self.in_h && sx < self.in_w).then_some((sy, sx))
    }
}

/// A quantized convolution: im2col, then a dense layer whose rows are the kernel taps × input
/// channels (tap-major) and whose columns are the output channels.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QConv {
    /// The dense part (k = taps_pad · in_c, n = padded output channels).
    pub dense: QDense,
    /// The gather.
    pub geometry: ConvGeometry,
}

/// A 2×2, stride-2 average pool on channel-last activations.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QPool {
    /// The ONNX node name.
    pub name: String,
    /// Input height (a power of two ≥ 2).
    pub h: usize,
    /// Input width (a power of two ≥ 2).
    pub w: usize,
    /// Padded channels.
    pub c: usize,
}

/// A max pool or a window average pool on channel-last activations: windows gathered as a
/// convolution's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QWindowPool {
    /// The ONNX node name.
    pub name: String,
    /// The windows (in_c the padded channels).
    pub geometry: ConvGeometry,
}

/// A residual sum: the previous layer's output plus an earlier tensor of the same layout (a
/// skip connection), optionally through an activation. Both operands are at scale 2^s, so the
/// sum is exact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QAdd {
    /// The ONNX node name.
    pub name: String,
    /// The added tensor: `None` the model input, `Some(j)` layer j's output (j before this
    /// layer).
    pub skip: Option<usize>,
    /// Rows per example of both operands (image positions over the padded layout, or 1).
    pub rows: usize,
    /// Padded width (channels or features).
    pub n: usize,
    /// Whether a ReLU follows.
    pub relu: bool,
    /// A table activation that follows instead.
    pub table: Option<TableFn>,
}

/// One quantized layer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QLayer {
    /// Dense (Gemm/MatMul), optionally followed by ReLU.
    Dense(QDense),
    /// Convolution, optionally followed by ReLU.
    Conv(QConv),
    /// 2×2 average pool.
    AvgPool(QPool),
    /// Max pool (any window up to 9 taps, stride, padding).
    MaxPool(QWindowPool),
    /// Average pool over any window and stride, divided by the window's size.
    AvgPoolWindow(QWindowPool),
    /// Residual sum (skip connection).
    Add(QAdd),
}

impl QLayer {
    /// The layer's node name.
    pub fn name(&self) -> &str {
        match self {
            QLayer::Dense(d) => &d.name,
            QLayer::Conv(c) => &c.dense.name,
            QLayer::AvgPool(p) => &p.name,
            QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => &p.name,
            QLayer::Add(a) => &a.name,
        }
    }
    /// The dense part, if any.
    pub fn dense(&self) -> Option<&QDense> {
        match self {
            QLayer::Dense(d) => Some(d),
            QLayer::Conv(c) => Some(&c.dense),
            QLayer::AvgPool(_) | QLayer::MaxPool(_) | QLayer::AvgPoolWindow(_) | QLayer::Add(_) => {
                None
            }
        }
    }
    fn dense_mut(&mut self) -> Option<&mut QDense> {
        match self {
            QLayer::Dense(d) => Some(d),
            QLayer::Conv(c) => Some(&mut c.dense),
            QLayer::AvgPool(_) | QLayer::MaxPool(_) | QLayer::AvgPoolWindow(_) | QLayer::Add(_) => {
                None
            }
        }
    }
    /// A residual sum's skip operand (`None` the model input); `None` for other layers.
    pub fn skip(&self) -> Option<usize> {
        match self {
            QLayer::Add(a) => a.skip,
            _ => None,
        }
    }

    /// Whether a ReLU follows the layer (its output is then in [0, 2^b)).
    pub fn has_relu(&self) -> bool {
        match self {
            QLayer::Add(a) => a.relu,
            other => other.dense().is_some_and(|d| d.relu),
        }
    }

    /// The activation that follows the layer (ReLU flag, table), for layers that take one.
    fn activation_mut(&mut self) -> Option<(&mut bool, &mut Option<TableFn>)> {
        match self {
            QLayer::Add(a) => Some((&mut a.relu, &mut a.table)),
            other => other.dense_mut().map(|d| (&mut d.relu, &mut d.table)),
        }
    }
}

/// The model input's layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum InputShape {
    /// [batch, features].
    Flat {
        /// Real features.
        features: usize,
    },
    /// [batch, channels, height, width] (NCHW), laid out channel-last.
    Image {
        /// Real channels.
        c: usize,
        /// Height (laid out over the next power of two).
        h: usize,
        /// Width (laid out over the next power of two).
        w: usize,
    },
}

impl InputShape {
    /// Float values per example.
    pub fn real_len(&self) -> usize {
        match *self {
            InputShape::Flat { features } => features,
            InputShape::Image { c, h, w } => c * h * w,
        }
    }
    /// Activation rows per example: the image's positions over its padded layout.
    pub fn rows(&self) -> usize {
        match *self {
            InputShape::Flat { .. } => 1,
            InputShape::Image { h, w, .. } => h.next_power_of_two() * w.next_power_of_two(),
        }
    }
    /// Real rows (positions) per example: those the values of an example fill.
    pub fn real_rows(&self) -> usize {
        match *self {
            InputShape::Flat { .. } => 1,
            InputShape::Image { h, w, .. } => h * w,
        }
    }
    /// The layout row of real row `p` (y·w + x) of an example.
    pub fn layout_row(&self, p: usize) -> usize {
        match *self {
            InputShape::Flat { .. } => p,
            InputShape::Image { w, .. } => (p / w) * w.next_power_of_two() + p % w,
        }
    }
    /// Padded columns.
    pub fn width(&self) -> usize {
        match *self {
            InputShape::Flat { features } => features.next_power_of_two(),
            InputShape::Image { c, .. } => c.next_power_of_two(),
        }
    }
}

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
}

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
    /// table activation), average, global-average and max pools, Flatten, and residual sums
    /// (Add of the previous output and the input or an earlier layer's output) — a final
    /// Softmax or ArgMax is dropped: it does not change the argmax the proofs speak about.
    /// Other operators and topologies are an [`Error::Unprovable`] naming the node.
    pub fn quantize(model: &Model, scale: u32, bits: u32) -> Result<Self, Error> {
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
            let arity = if node.op == Op::Add { 2 } else { 1 };
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
            if matches!(node.op, Op::Relu | Op::Activation(_) | Op::AddConst { .. }) {
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
                    let geometry = ConvGeometry::window((h, w, cp), [kh, kw], *stride, *pads)
                        .ok_or_else(|| bad(&format!("a {kh}×{kw} kernel on a {h}×{w} image")))?;
                    if let Some(why) = geometry.limit() {
                        return Err(bad(&why));
                    }
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
                (Op::Relu, _) => match layers.last_mut().and_then(QLayer::activation_mut) {
                    Some((relu, table)) if !*relu && table.is_none() => *relu = true,
                    _ => {
                        return Err(bad(
                            "ReLU must follow a dense, convolution or residual-sum (Add) layer without an activation",
                        ));
                    }
                },
                (Op::Activation(f), _) => {
                    match layers.last_mut().and_then(QLayer::activation_mut) {
                        Some((relu, table)) if !*relu && table.is_none() => *table = Some(*f),
                        _ => {
                            return Err(bad(
                                "a table activation must follow a dense, convolution or residual-sum (Add) layer without an activation",
                            ));
                        }
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
                        let geometry = ConvGeometry::window((h, w, cp), kernel, stride, pads)
                            .ok_or_else(|| {
                                bad(&format!("a {kh}×{kw} window on a {h}×{w} image"))
                            })?;
                        if let Some(why) = geometry.limit() {
                            return Err(bad(&why));
                        }
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
                    let geometry = ConvGeometry::window((h, w, cp), [kh, kw], *stride, *pads)
                        .ok_or_else(|| bad(&format!("a {kh}×{kw} window on a {h}×{w} image")))?;
                    if let Some(why) = geometry.limit() {
                        return Err(bad(&why));
                    }
                    layers.push(QLayer::MaxPool(QWindowPool {
                        name: node.name.clone(),
                        geometry,
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
                (Op::Flatten { .. } | Op::Reshape { .. }, Act::Flat { .. }) => {}
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
                (Op::Softmax | Op::ArgMax { .. }, _) if i + 1 == count => {}
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
            source: self.source(i),
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

/// The first layer but the last whose output no later layer reads, given each layer's
/// `[source, skip]` (the tensor it reads, and a residual sum's skip operand; `None` the model
/// input or no skip). A dead layer would be proven while the model's output ignores it, and
/// would give one function several architecture ids: quantization and the architecture check
/// both refuse it by this rule.
pub fn first_unread(layers: impl IntoIterator<Item = [Option<usize>; 2]>) -> Option<usize> {
    let mut read: Vec<bool> = Vec::new();
    for reads in layers {
        read.push(false);
        for j in reads.into_iter().flatten() {
            if let Some(r) = read.get_mut(j) {
                *r = true;
            }
        }
    }
    let last = read.len().saturating_sub(1);
    read.iter().take(last).position(|r| !r)
}

/// What decides the sign of a layer's output: its ReLU, whether it is a 2×2 average pool, and
/// the tensor it reads (`None` the model input, `Some(j)` layer j's output).
#[derive(Clone, Copy, Debug)]
pub struct LayerSign {
    /// The layer ends in a ReLU.
    pub relu: bool,
    /// The layer is a 2×2 average pool (its output keeps its source's sign).
    pub two_by_two_pool: bool,
    /// The tensor the layer reads.
    pub source: Option<usize>,
}

/// Whether each layer's output is range-checked non-negative, in [0, 2^b): a ReLU's, or a
/// 2×2 average pool's of such a tensor; every other output is signed b-bit. The one rule the
/// quantized model's forward pass and the architecture's plan both follow.
pub fn non_negative_outputs(layers: impl IntoIterator<Item = LayerSign>) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::new();
    for l in layers {
        let pooled =
            l.two_by_two_pool && l.source.and_then(|j| out.get(j).copied()).unwrap_or(false);
        out.push(l.relu || pooled);
    }
    out
}
