//! The quantized layers a [`super::QuantizedModel`] is a chain of, their geometry, and the
//! rules the quantizer and the proof plan share (which layers are read, which outputs are
//! non-negative).

use crate::lookup::TableFn;

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
    /// A hidden Softmax over the real outputs that follows instead (flat features only): the
    /// next layer reads the fixed-point probabilities ([`crate::blocks::softmax`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub softmax: bool,
}

impl QDense {
    /// Whether an activation (ReLU, table or Softmax) follows.
    pub fn activated(&self) -> bool {
        self.relu || self.table.is_some() || self.softmax
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
    /// The input's padded height.
    pub fn in_hp(&self) -> usize {
        self.in_h.next_power_of_two()
    }
    /// Input positions in the layout (padded height × padded width).
    pub fn in_positions(&self) -> usize {
        self.in_hp() * self.in_wp()
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
    /// A table activation applied to the averages (`None` in files from before it existed).
    #[serde(default)]
    pub table: Option<TableFn>,
}

/// A max pool or a window average pool on channel-last activations: windows gathered as a
/// convolution's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QWindowPool {
    /// The ONNX node name.
    pub name: String,
    /// The windows (in_c the padded channels).
    pub geometry: ConvGeometry,
    /// A table activation applied to the pooled values (`None` in files from before it
    /// existed).
    #[serde(default)]
    pub table: Option<TableFn>,
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

/// A concatenation along the width (channels or features): the previous layer's output and
/// an earlier tensor, in the order `other_first` says. Values are copied, so no rounding and
/// no range check of its own: each entry was range-checked where it was produced.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QConcat {
    /// The ONNX node name.
    pub name: String,
    /// The other operand: `None` the model input, `Some(j)` layer j's output (j before this
    /// layer).
    pub other: Option<usize>,
    /// Whether the other operand's columns come first.
    pub other_first: bool,
    /// Rows per example of both operands and the output (image positions over the padded
    /// layout, or 1).
    pub rows: usize,
    /// Real widths (channels or features) of the two operands, in concatenation order; each
    /// operand is laid out over the next power of two, the output over that of their sum.
    pub widths: [usize; 2],
}

impl QConcat {
    /// Padded widths of the operands in concatenation order, and of the output.
    /// A width whose padding overflows gives 0, which no layer has (the architecture check
    /// refuses it).
    pub fn padded(&self) -> ([usize; 2], usize) {
        let pad = |x: usize| x.checked_next_power_of_two().unwrap_or(0);
        let [a, b] = self.widths;
        ([pad(a), pad(b)], a.checked_add(b).map_or(0, pad))
    }
    /// Padded widths of (the previous layer's output, the other operand).
    pub fn main_and_other_widths(&self) -> [usize; 2] {
        let ([a, b], _) = self.padded();
        if self.other_first { [b, a] } else { [a, b] }
    }
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
    /// Concatenation along the width.
    Concat(QConcat),
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
            QLayer::Concat(c) => &c.name,
        }
    }
    /// The dense part, if any.
    pub fn dense(&self) -> Option<&QDense> {
        match self {
            QLayer::Dense(d) => Some(d),
            QLayer::Conv(c) => Some(&c.dense),
            QLayer::AvgPool(_)
            | QLayer::MaxPool(_)
            | QLayer::AvgPoolWindow(_)
            | QLayer::Add(_)
            | QLayer::Concat(_) => None,
        }
    }
    fn dense_mut(&mut self) -> Option<&mut QDense> {
        match self {
            QLayer::Dense(d) => Some(d),
            QLayer::Conv(c) => Some(&mut c.dense),
            QLayer::AvgPool(_)
            | QLayer::MaxPool(_)
            | QLayer::AvgPoolWindow(_)
            | QLayer::Add(_)
            | QLayer::Concat(_) => None,
        }
    }
    /// The second operand of a residual sum or a concatenation (`None` the model input);
    /// `None` for other layers.
    pub fn skip(&self) -> Option<usize> {
        match self {
            QLayer::Add(a) => a.skip,
            QLayer::Concat(c) => c.other,
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
    pub(super) fn activation_mut(&mut self) -> Option<(&mut bool, &mut Option<TableFn>)> {
        match self {
            QLayer::Add(a) => Some((&mut a.relu, &mut a.table)),
            other => other.dense_mut().map(|d| (&mut d.relu, &mut d.table)),
        }
    }

    /// A pool's table activation slot (pools take a table, never the ReLU block: a ReLU
    /// after a pool is the table max(x, 0)).
    pub(super) fn pool_table_mut(&mut self) -> Option<&mut Option<TableFn>> {
        match self {
            QLayer::AvgPool(p) => Some(&mut p.table),
            QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => Some(&mut p.table),
            _ => None,
        }
    }

    /// The table activation that follows the layer, if any.
    pub fn table(&self) -> Option<TableFn> {
        match self {
            QLayer::AvgPool(p) => p.table,
            QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => p.table,
            QLayer::Add(a) => a.table,
            other => other.dense().and_then(|d| d.table),
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
    /// A table activation follows (its outputs are range-checked signed).
    pub table: bool,
    /// The tensor the layer reads.
    pub source: Option<usize>,
    /// A concatenation's other operand (`Some(None)` the model input): its output is
    /// non-negative when both operands are.
    pub concat: Option<Option<usize>>,
}

/// Whether each layer's output is range-checked non-negative, in [0, 2^b): a ReLU's, a 2×2
/// average pool's of such a tensor without a table activation, or a concatenation's of two
/// such tensors (whose entries they are); every other output is signed b-bit. The one rule
/// the quantized model's forward pass and the architecture's plan both follow.
pub fn non_negative_outputs(layers: impl IntoIterator<Item = LayerSign>) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::new();
    for l in layers {
        let pooled =
            l.two_by_two_pool && l.source.and_then(|j| out.get(j).copied()).unwrap_or(false);
        let joined = l.concat.is_some_and(|other| {
            [l.source, other]
                .iter()
                .all(|j| j.and_then(|j| out.get(j).copied()).unwrap_or(false))
        });
        out.push(l.relu || (pooled && !l.table) || joined);
    }
    out
}
