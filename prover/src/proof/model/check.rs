//! The architecture's well-formedness check: every size bounded, every layer reading a tensor
//! of the shape it expects, every window geometry consistent. Prover and verifier run it
//! before building the plan, so a hostile architecture is an error, never an overflow.

use crate::error::{Error, ensure};
use crate::graph::quant::{ConvGeometry, InputShape};

use super::plan::ModelArchitecture;
use super::shape::{LayerKind, LayerShape, Task, Visibility};

impl ModelArchitecture {
    /// Values per example a layer reads (its input tensor's size per example).
    fn input_len(l: &LayerShape) -> usize {
        match l.kind {
            LayerKind::Dense => l.k,
            LayerKind::Conv(g) => g.in_positions() * g.in_c,
            LayerKind::AvgPool { h, w } => h.saturating_mul(w).saturating_mul(l.n),
            LayerKind::MaxPool(g) | LayerKind::AvgPoolWindow(g) => g.in_positions() * g.in_c,
            LayerKind::Add { .. } => l.rows.saturating_mul(l.n),
            LayerKind::Concat { .. } => l.rows.saturating_mul(l.k),
        }
    }

    /// Refuses an architecture whose sizes, sources or geometries no quantized model has.
    pub(super) fn check(&self) -> Result<(), Error> {
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
        s.check_real_channels()?;
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
        // Only inference statements run a Softmax output (accuracy proves the logits' argmax).
        if s.softmax && matches!(self.task, Task::Inference { .. }) {
            ensure(
                s.bits <= crate::graph::quant::SOFTMAX_MAX_BITS,
                "model architecture",
                "a Softmax output needs a bit bound of at most 16 (its logit gaps' four 4-bit \
                 exponent chunks)",
            )?;
            ensure(
                s.output_width() >= 2,
                "model architecture",
                "a Softmax output needs at least two classes",
            )?;
        }
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
                LayerKind::Concat { .. } => image.map(|(h, w, _)| (h, w, l.n)),
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
            // A window pool keeps its channels and reads a non-empty image through a stride;
            // it takes a table activation (its pooled values are the table's pre-activation),
            // never the ReLU block.
            let window_pool = |g: &ConvGeometry| {
                l.rows == g.out_positions()
                    && l.k == g.in_c
                    && l.n == g.in_c
                    && [g.in_h, g.in_w, g.out_h, g.out_w].iter().all(|d| *d > 0)
                    && g.stride.iter().all(|d| *d > 0)
                    && !l.relu
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
                // Like the window pools: a table activation, never the ReLU block.
                LayerKind::AvgPool { h, w } => {
                    h >= 2
                        && w >= 2
                        && pow2(h)
                        && pow2(w)
                        && l.rows.saturating_mul(4) == h.saturating_mul(w)
                        && !l.relu
                }
                LayerKind::AvgPoolWindow(g) => {
                    window_pool(&g) && g.kh * g.kw > 0 && (g.kh * g.kw) as u64 <= 1u64 << s.bits
                }
                LayerKind::MaxPool(g) => {
                    window_pool(&g)
                        && (1..=crate::blocks::maxpool::MAX_TAPS).contains(&(g.kh * g.kw))
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
                // The other operand is the input or an earlier output with the rows (and image
                // size) of the previous one; each operand is laid out over the next power of
                // two of its real width, the output over that of their sum.
                LayerKind::Concat {
                    other,
                    other_first,
                    widths,
                } => {
                    let pad = |x: usize| x.checked_next_power_of_two().unwrap_or(0);
                    let [a, b] = widths;
                    let (main, second) = if other_first { (b, a) } else { (a, b) };
                    let (mw, ow) = (pad(main), pad(second));
                    let other_read = other
                        .map_or(Some(0), |j| (j < i).then_some(j + 1))
                        .and_then(|k| outputs.get(k));
                    let layout = match read.1 {
                        Some((h, w, c)) => {
                            l.rows == h.next_power_of_two() * w.next_power_of_two()
                                && c == mw
                                && other_read
                                    == Some(&(l.rows.saturating_mul(ow), Some((h, w, ow))))
                        }
                        None => l.rows == 1 && read.0 == mw && other_read == Some(&(ow, None)),
                    };
                    // Concatenating a tensor with itself has one order (one function, one
                    // description).
                    let canonical = !(other_first && other == s.layer_source(i));
                    a > 0
                        && b > 0
                        && canonical
                        && layout
                        && l.k == mw
                        && a.checked_add(b).map(pad) == Some(l.n)
                        && !l.relu
                        && l.table.is_none()
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
             (pools with at most a table activation; a residual sum adding the input or an \
             earlier output of the same layout; a concatenation, without activation, of the \
             input or an earlier output with the same rows)",
        )?;
        // Every layer but the last is read by a later one (as its source or a sum's skip).
        let reads = s.layers.iter().enumerate().map(|(i, l)| {
            let skip = match l.kind {
                LayerKind::Add { skip } | LayerKind::Concat { other: skip, .. } => skip,
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
                .is_some_and(|l| !l.relu && !l.has_pre_activation() && l.n >= 2),
            ARCH,
            "the last layer must have no activation and at least two outputs",
        )?;
        // A hidden Softmax: over a dense layer's flat outputs (at least two, 1 ≤ real ≤ n),
        // instead of any other activation, its logit gaps in four 4-bit chunks (b ≤ 16).
        ensure(
            s.layers.iter().all(|l| match l.softmax {
                None => true,
                Some(real) => {
                    l.kind == LayerKind::Dense
                        && !l.relu
                        && l.table.is_none()
                        && l.n >= 2
                        && (1..=l.n).contains(&real)
                        && s.bits <= crate::graph::quant::SOFTMAX_MAX_BITS
                }
            }),
            ARCH,
            "a hidden Softmax follows a dense layer without another activation, over 1 to n of \
             its at least two outputs, with a bit bound of at most 16",
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
