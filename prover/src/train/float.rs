//! The float reference of [`super::train`]: the same initial weights, batches, loss and update
//! rule in f64, to measure what fixed point costs — for the chains the quantized trainer
//! takes: Dense and convolution layers (ReLU or none), average pools (2×2 or any window) and max
//! pools. Inputs are in the
//! quantized model's layout (examples × rows × padded width, channel-last for images).

use super::{Loss, TrainConfig};
use crate::blocks::dense::RowMask;
use crate::error::Error;
use crate::graph::quant::{ConvGeometry, QLayer, QuantizedModel, col2im, first_max, im2col};

/// A float model: its layers, first to last.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatModel {
    /// The layers.
    pub layers: Vec<FloatLayer>,
}

/// One float layer.
#[derive(Clone, Debug, PartialEq)]
pub enum FloatLayer {
    /// Dense on rows of features.
    Dense(FloatDense),
    /// A convolution: the dense part on im2col rows.
    Conv {
        /// The windows.
        geometry: ConvGeometry,
        /// The dense part (k = padded taps × input channels).
        dense: FloatDense,
    },
    /// A max pool over a convolution's windows (padding never the maximum).
    MaxPool(ConvGeometry),
    /// An average pool over a convolution's windows (padding counted as zeros in the divisor
    /// kh·kw, PyTorch's default), a global average pool included.
    AvgPoolWindow(ConvGeometry),
    /// A 2×2, stride-2 average pool on an h × w × c channel-last map.
    Pool {
        /// Input height.
        h: usize,
        /// Input width.
        w: usize,
        /// Channels.
        c: usize,
    },
}

/// One float dense layer (padded like its quantized counterpart).
#[derive(Clone, Debug, PartialEq)]
pub struct FloatDense {
    /// Weights, k×n.
    pub weight: Vec<f64>,
    /// Biases.
    pub bias: Vec<f64>,
    /// Input width.
    pub k: usize,
    /// Output width.
    pub n: usize,
    /// Real outputs.
    pub real_n: usize,
    /// ReLU after.
    pub relu: bool,
}

impl FloatDense {
    fn from_quantized(d: &crate::graph::quant::QDense, unit: f64) -> Self {
        Self {
            weight: d.weight.iter().map(|w| *w as f64 / unit).collect(),
            bias: d.bias.iter().map(|b| *b as f64 / unit).collect(),
            k: d.k,
            n: d.n,
            real_n: d.real_n,
            relu: d.relu,
        }
    }

    /// A·W + B on the rows of `a` (no bias on a convolution's padded layout rows, as the
    /// quantized model), then the ReLU if any.
    fn forward(&self, a: &[f64], mask: Option<RowMask>) -> Vec<f64> {
        let rows = a.len() / self.k.max(1);
        let mut out = vec![0.0; rows * self.n];
        for i in 0..rows {
            let real = mask.is_none_or(|m| m.real(i));
            for j in 0..self.n {
                let mut acc = if real { self.bias[j] } else { 0.0 };
                for kk in 0..self.k {
                    acc += a[i * self.k + kk] * self.weight[kk * self.n + j];
                }
                out[i * self.n + j] = if self.relu { acc.max(0.0) } else { acc };
            }
        }
        out
    }

    /// Updates by the batch-mean gradient (G at the output over `a`'s rows) and returns G·Wᵀ
    /// (with the weights before the update) when `back` is set.
    fn backward(&mut self, a: &[f64], g: &[f64], batch: usize, lr: f64, back: bool) -> Vec<f64> {
        let (k, n) = (self.k, self.n);
        let rows = a.len() / k.max(1);
        let mut up = vec![0.0; if back { rows * k } else { 0 }];
        if back {
            for i in 0..rows {
                for kk in 0..k {
                    up[i * k + kk] = (0..n).map(|j| g[i * n + j] * self.weight[kk * n + j]).sum();
                }
            }
        }
        for kk in 0..k {
            for j in 0..n {
                let acc: f64 = (0..rows).map(|i| a[i * k + kk] * g[i * n + j]).sum();
                self.weight[kk * n + j] -= lr * acc / batch as f64;
            }
        }
        for j in 0..n {
            let acc: f64 = (0..rows).map(|i| g[i * n + j]).sum();
            self.bias[j] -= lr * acc / batch as f64;
        }
        up
    }
}

impl FloatLayer {
    fn relu(&self) -> bool {
        match self {
            FloatLayer::Dense(d) | FloatLayer::Conv { dense: d, .. } => d.relu,
            FloatLayer::Pool { .. } | FloatLayer::MaxPool(_) | FloatLayer::AvgPoolWindow(_) => {
                false
            }
        }
    }

    /// The layer's output for `m` examples of input `a`.
    fn forward(&self, a: &[f64], m: usize) -> Vec<f64> {
        match self {
            FloatLayer::Dense(d) => d.forward(a, None),
            FloatLayer::Conv { geometry, dense } => {
                dense.forward(&im2col(geometry, m, a), RowMask::of(geometry))
            }
            FloatLayer::MaxPool(g) => window_max(g, m, a).into_iter().map(|(v, _)| v).collect(),
            FloatLayer::AvgPoolWindow(g) => {
                let (taps, c, k) = (g.taps_pad(), g.in_c, (g.kh * g.kw) as f64);
                let cols = im2col(g, m, a);
                (0..m * g.out_positions() * c)
                    .map(|o| {
                        let (row, ch) = (o / c, o % c);
                        (0..taps)
                            .map(|t| cols[(row * taps + t) * c + ch])
                            .sum::<f64>()
                            / k
                    })
                    .collect()
            }
            &FloatLayer::Pool { h, w, c } => {
                let (oh, ow) = (h / 2, w / 2);
                let mut out = vec![0.0; m * oh * ow * c];
                for (o, v) in out.iter_mut().enumerate() {
                    let (ch, pos) = (o % c, o / c);
                    let (n, y, x) = (pos / (oh * ow), (pos / ow) % oh, pos % ow);
                    let at =
                        |dy: usize, dx: usize| a[((n * h + 2 * y + dy) * w + 2 * x + dx) * c + ch];
                    *v = (at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4.0;
                }
                out
            }
        }
    }
}

impl FloatModel {
    /// The float model a quantized one stands for; layers the trainer does not take are
    /// refused by name.
    pub fn from_quantized(q: &QuantizedModel) -> Result<Self, Error> {
        let unit = f64::powi(2.0, q.scale as i32);
        let layers = q
            .layers
            .iter()
            .map(|l| match l {
                QLayer::Dense(d) => Ok(FloatLayer::Dense(FloatDense::from_quantized(d, unit))),
                QLayer::Conv(c) => Ok(FloatLayer::Conv {
                    geometry: c.geometry,
                    dense: FloatDense::from_quantized(&c.dense, unit),
                }),
                QLayer::MaxPool(p) if p.table.is_none() => Ok(FloatLayer::MaxPool(p.geometry)),
                QLayer::AvgPoolWindow(p) if p.table.is_none() => {
                    Ok(FloatLayer::AvgPoolWindow(p.geometry))
                }
                QLayer::AvgPool(p) => Ok(FloatLayer::Pool {
                    h: p.h,
                    w: p.w,
                    c: p.c,
                }),
                other => Err(Error::Unprovable {
                    node: other.name().into(),
                    op: "layer".into(),
                    reason: "the float reference trains Dense and convolution layers, average \
                             and max pools (no table activation) only"
                        .into(),
                }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { layers })
    }

    /// Activations: the input, then every layer's output, for `m` examples.
    fn forward(&self, x: &[f64], m: usize) -> Vec<Vec<f64>> {
        let mut acts = vec![x.to_vec()];
        for l in &self.layers {
            let a = acts.last().map_or(&[][..], Vec::as_slice);
            let out = l.forward(a, m);
            acts.push(out);
        }
        acts
    }

    fn head(&self) -> Option<&FloatDense> {
        match self.layers.last() {
            Some(FloatLayer::Dense(d)) => Some(d),
            _ => None,
        }
    }

    /// Argmax over the real classes for each of `m` examples.
    pub fn predict(&self, x: &[f64], m: usize) -> Vec<usize> {
        let acts = self.forward(x, m);
        let Some(l) = self.head() else {
            return vec![];
        };
        let logits = acts.last().map_or(&[][..], Vec::as_slice);
        (0..m)
            .map(|i| first_max(&logits[i * l.n..i * l.n + l.real_n]))
            .collect()
    }

    /// One SGD step (same rule as the quantized trainer, in f64).
    pub fn step(&mut self, cfg: &TrainConfig, x: &[f64], labels: &[usize]) {
        let b = cfg.batch;
        let lr = cfg.lr_num as f64 / f64::powi(2.0, cfg.lr_shift as i32);
        let acts = self.forward(x, b);
        let Some(last) = self.head() else {
            return;
        };
        let (c, real) = (last.n, last.real_n);
        let logits = acts.last().map_or(&[][..], Vec::as_slice);
        let mut g = vec![0.0; b * c];
        for i in 0..b {
            let row = &logits[i * c..i * c + real];
            let pred: Vec<f64> = match cfg.loss {
                Loss::CrossEntropy => {
                    let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let e: Vec<f64> = row.iter().map(|v| (v - m).exp()).collect();
                    let total: f64 = e.iter().sum();
                    e.iter().map(|v| v / total).collect()
                }
                Loss::MeanSquaredError => row.to_vec(),
            };
            for j in 0..real {
                g[i * c + j] = pred[j] - if labels.get(i) == Some(&j) { 1.0 } else { 0.0 };
            }
        }
        for li in (0..self.layers.len()).rev() {
            let a = &acts[li];
            let back = li > 0;
            // The gradient at the layer's input.
            let mut next = match &mut self.layers[li] {
                FloatLayer::Dense(d) => d.backward(a, &g, b, lr, back),
                FloatLayer::Conv { geometry, dense } => {
                    let up = dense.backward(&im2col(geometry, b, a), &g, b, lr, back);
                    if back { col2im(geometry, b, &up) } else { up }
                }
                FloatLayer::MaxPool(geometry) => {
                    let mut up = vec![0.0; a.len()];
                    for (o, (_, at)) in window_max(geometry, b, a).into_iter().enumerate() {
                        if let Some(at) = at {
                            up[at] += g[o];
                        }
                    }
                    up
                }
                FloatLayer::AvgPoolWindow(geometry) => {
                    // Each pooled gradient over K to every tap of its window, summed.
                    let (taps, c, k) = (
                        geometry.taps_pad(),
                        geometry.in_c,
                        geometry.kh * geometry.kw,
                    );
                    let cols: Vec<f64> = (0..g.len() * taps)
                        .map(|i| {
                            let (row, t, ch) = (i / (taps * c), (i / c) % taps, i % c);
                            if t < k {
                                g[row * c + ch] / k as f64
                            } else {
                                0.0
                            }
                        })
                        .collect();
                    col2im(geometry, b, &cols)
                }
                &mut FloatLayer::Pool { h, w, c } => {
                    let (ow, oh) = (w / 2, h / 2);
                    (0..b * h * w * c)
                        .map(|i| {
                            let (ch, pos) = (i % c, i / c);
                            let (n, y, x) = (pos / (h * w), (pos / w) % h, pos % w);
                            g[((n * oh + y / 2) * ow + x / 2) * c + ch] / 4.0
                        })
                        .collect()
                }
            };
            if back && self.layers.get(li - 1).is_some_and(FloatLayer::relu) {
                for (v, x) in next.iter_mut().zip(a) {
                    if *x <= 0.0 {
                        *v = 0.0;
                    }
                }
            }
            g = next;
        }
    }
}

/// Each window's maximum over its real taps and where its first maximum sits (taps in
/// row-major order), per output entry of `m` channel-last examples in the layout (padded
/// positions: 0 and nowhere).
fn window_max(g: &ConvGeometry, m: usize, a: &[f64]) -> Vec<(f64, Option<usize>)> {
    let (c, plane) = (g.in_c, g.in_positions());
    let mut out = Vec::with_capacity(m * g.out_positions() * c);
    for n in 0..m {
        for yo in 0..g.out_positions() / g.out_wp() {
            for xo in 0..g.out_wp() {
                for ch in 0..c {
                    let mut best: (f64, Option<usize>) = (0.0, None);
                    for (sy, sx) in (0..g.kh * g.kw).filter_map(|t| g.source(yo, xo, t)) {
                        let at = (n * plane + sy * g.in_wp() + sx) * c + ch;
                        if best.1.is_none() || a[at] > best.0 {
                            best = (a[at], Some(at));
                        }
                    }
                    out.push(best);
                }
            }
        }
    }
    out
}
