//! Deterministic quantized training by mini-batch SGD, with the exact integer semantics a
//! training proof certifies (DESIGN §9), and a float reference ([`float`]). The trainer takes
//! chains of Dense and convolution layers (ReLU or none), average pools and max pools ending
//! in a Dense layer; training *proofs* ([`crate::proof::train`]) cover the chains with ReLU on
//! every weighted layer but the last and each average pool between two weighted layers.
//!
//! One step on batch t (rows [(t mod N/B)·B, …) of the committed training set — contiguous
//! batches, epochs repeating) at scale 2^s, batch B = 2^k, learning rate η = η_num / 2^lr_shift:
//! - forward exactly as inference ([`crate::graph::quant`]): P = A·W + 2^s·B, Y = ⌊P/2^s⌋,
//!   A = max(Y, 0) on hidden layers, logits L on the last;
//! - loss gradient G (scale 2^s) on the real classes: softmax(L) − onehot for cross-entropy
//!   (the fixed-point softmax of [`softmax`] normalised over the real classes; padded classes
//!   get probability 0), L − onehot for mean squared error; 0 on padded classes,
//!   so padded weights and biases never move;
//! - backward, every rescale rounding to nearest (⌊(x + 2^(sh−1))/2^sh⌋):
//!   ΔW = round(η_num·(Aᵀ·G) / 2^(s + lr_shift + k)), ΔB = round(η_num·Σ_rows G /
//!   2^(lr_shift + k)), and for the layer below G′ = round(G·Wᵀ / 2^s) ⊙ [Y > 0] (with W before
//!   its update);
//! - update W ← W − ΔW, B ← B − ΔB. Every weight and every back-propagated gradient must stay
//!   a signed `bits`-bit integer (an error naming the tensor otherwise).
//!
//! Convolutions are dense layers on their im2col rows (A = Xcol, rows = example × output
//! position): ΔW = round(η_num·(Xcolᵀ·G) / 2^(s + lr_shift + k)) and ΔB summed over every row,
//! the batch mean as for dense layers; the gradient on the input is round(col2im(G·Wᵀ) / 2^s)
//! — summed over the (tap, position) pairs reading each input position, rounded once. A 2×2
//! average pool passes each pooled gradient to the four positions of its window exactly, its
//! 1/4 kept as two more scale bits (the gradient below is at 2^(s + e), e = 2 per pool since
//! the last weighted layer) which the next weighted layer's shifts absorb: ΔW and ΔB shift by
//! e more, its back-propagated gradient by s + e (rounding G/4 at the pool instead lost the
//! first convolution's gradients at s = 8: 23% test accuracy after 64 steps against 43%).
//! An average pool of any other window K = kh·kw (stride, padding, a global average pool)
//! keeps e = ⌈log2 K⌉ bits the same way and hands down round(2^e·col2im(UP_G)/K) — the
//! pooled gradient over every (tap, position) pair reading a position, rounded once (exact
//! when K is a power of two). A max pool hands each pooled gradient to the first maximum of its window (taps in
//! row-major order), exactly: no rounding, no extra bits. The ReLU mask applies where a
//! layer has a ReLU. A convolution's padded layout rows (maps whose sides are not powers of
//! two) get no bias and output 0, so no padded position feeds a gradient, a pool's maximum
//! or a bias sum.

pub mod float;
pub mod softmax;

use crate::error::Error;
use crate::graph::quant::{InputShape, IntTrace, QDense, QLayer, QuantizedModel, col2im};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The training loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// Softmax cross-entropy (fixed-point softmax).
    CrossEntropy,
    /// Mean squared error on the logits.
    MeanSquaredError,
}

/// Public hyperparameters of a training run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
    /// Scale exponent s of every tensor.
    pub scale: u32,
    /// Signed bit bound of weights and activations.
    pub bits: u32,
    /// Batch size B (a power of two).
    pub batch: usize,
    /// Number of SGD steps T.
    pub steps: usize,
    /// Learning rate numerator.
    pub lr_num: i64,
    /// Learning rate shift: η = lr_num / 2^lr_shift.
    pub lr_shift: u32,
    /// The loss.
    pub loss: Loss,
}

impl TrainConfig {
    /// The hyperparameters of the digits MLP experiments (README): scale 2^8, 16-bit values,
    /// batch 32, η = 1/2, cross-entropy, for `steps` steps.
    #[cfg(any(test, feature = "dev-fixtures"))]
    pub const fn digits_mlp(steps: usize) -> Self {
        Self {
            scale: 8,
            bits: 16,
            batch: 32,
            steps,
            lr_num: 1,
            lr_shift: 1,
            loss: Loss::CrossEntropy,
        }
    }

    fn log_batch(&self) -> Result<u32, Error> {
        if self.batch.is_power_of_two() && self.batch > 0 {
            Ok(self.batch.trailing_zeros())
        } else {
            Err(Error::NotPowerOfTwo {
                what: "batch size",
                value: self.batch,
            })
        }
    }
}

/// Deterministic initial weights (Glorot-uniform, quantized) for layer widths
/// `[input, hidden…, classes]`, hidden layers with ReLU; padded as inference expects.
pub fn initial_model(
    widths: &[usize],
    scale: u32,
    bits: u32,
    seed: u64,
) -> Result<QuantizedModel, Error> {
    if widths.len() < 2 {
        return Err(Error::BlockShape {
            block: "initial model",
            reason: "an MLP needs at least an input and an output width",
        });
    }
    if widths.contains(&0) {
        return Err(Error::ZeroParameter { what: "MLP width" });
    }
    if scale + 2 > bits {
        return Err(Error::BlockShape {
            block: "initial model",
            reason: "the bit bound must be at least the scale + 2",
        });
    }
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let unit = f64::powi(2.0, scale as i32);
    let last = widths.len() - 2;
    let layers = widths
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let (k, n) = (w[0], w[1]);
            let (kp, np) = (k.next_power_of_two(), n.next_power_of_two());
            let limit = (6.0 / (k + n) as f64).sqrt();
            let mut weight = vec![0i64; kp * np];
            for r in 0..k {
                for c in 0..n {
                    weight[r * np + c] = (rng.gen_range(-limit..limit) * unit).round() as i64;
                }
            }
            let mut bias = vec![0i64; np];
            if i == last {
                bias[n..].fill(-(1i64 << (bits - 2)));
            }
            QLayer::Dense(QDense {
                name: format!("fc{}", i + 1),
                k: kp,
                n: np,
                real_n: n,
                weight,
                bias,
                relu: i != last,
                table: None,
                softmax: false,
            })
        })
        .collect();
    Ok(QuantizedModel {
        scale,
        bits,
        input: InputShape::Flat {
            features: widths[0],
        },
        layers,
        branches: Default::default(),
        softmax: false,
    })
}

/// What one step computed: every tensor a training proof commits for the iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepTrace {
    /// The batch's rows in the training set.
    pub rows: std::ops::Range<usize>,
    /// Each layer's (weight, bias) before the step (empty for pools).
    pub params: Vec<(Vec<i64>, Vec<i64>)>,
    /// The forward pass on the batch.
    pub forward: IntTrace,
    /// Loss gradient at the logits (B × padded classes, scale 2^s; 0 on padded classes).
    pub logit_grad: Vec<i64>,
    /// The backward pass, per layer (first to last).
    pub layers: Vec<LayerStep>,
}

/// One layer's backward pass in a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerStep {
    /// The gradient at the layer's output (rows × n): the logit gradient for the last layer,
    /// the back-propagated gradient, masked by the layer's ReLU, for the others — at scale
    /// 2^(s + e), e = ⌈log2 K⌉ for every average pool of K taps between it and the next
    /// weighted layer above (0 in an MLP).
    pub grad: Vec<i64>,
    /// ΔW (k × n) and the remainder of its rounding (empty for pools).
    pub weight_delta: (Vec<i64>, Vec<i64>),
    /// ΔB (n) and the remainder of its rounding (empty for pools).
    pub bias_delta: (Vec<i64>, Vec<i64>),
    /// Weighted layers above the first: the gradient handed to the layer below, before its
    /// ReLU mask, and the remainder of its rounding — round(G·Wᵀ / 2^(s + e)) at the input's
    /// size (for a convolution after col2im); a window average pool's round(2^e·col2im(UP_G)
    /// / K) and its remainder. `None` for 2×2 average pools and max pools: theirs is `grad`
    /// given to each window's positions (or its first maximum), unrounded.
    pub backprop: Option<(Vec<i64>, Vec<i64>)>,
}

/// Refuses a model the trainer does not train: a chain (no branch) of Dense and convolution
/// layers (each with ReLU or none, no table activation), average pools and max pools
/// without an activation, ending in a Dense layer. A convolution's padded layout rows output 0
/// (no bias there, as the statement's row mask says), so no padded position feeds a gradient.
fn trainable(q: &QuantizedModel) -> Result<(), Error> {
    let refuse = |l: &QLayer, reason: &str| Error::Unprovable {
        node: l.name().into(),
        op: "layer".into(),
        reason: reason.into(),
    };
    if let Some(l) = q.branches.keys().next().and_then(|i| q.layers.get(*i)) {
        return Err(refuse(
            l,
            "training supports a chain of layers (no branches)",
        ));
    }
    for l in &q.layers {
        let ok = match l {
            QLayer::Dense(d) => d.table.is_none() && !d.softmax,
            QLayer::Conv(c) => c.dense.table.is_none(),
            QLayer::AvgPool(p) => {
                p.table.is_none() && [p.h, p.w].iter().all(|d| d.is_power_of_two() && *d >= 2)
            }
            QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => p.table.is_none(),
            _ => false,
        };
        if !ok {
            return Err(refuse(
                l,
                "training supports Dense and convolution layers (ReLU or none), average pools \
                 and max pools (no table activation or hidden Softmax) only",
            ));
        }
    }
    match q.layers.last() {
        Some(QLayer::Dense(_)) => Ok(()),
        Some(l) => Err(refuse(
            l,
            "a trained model ends in a Dense layer (the logits)",
        )),
        None => Err(Error::ZeroParameter {
            what: "model layers",
        }),
    }
}

/// A 2×2 average pool's gradient on its input (m examples of h × w × c), times 4 (the caller
/// keeps the 1/4 as two more scale bits): each pooled gradient given to the four positions of
/// its window.
pub(crate) fn upsample([h, w, c]: [usize; 3], m: usize, gq: &[i64]) -> Vec<i64> {
    let mut out = vec![0i64; m * h * w * c];
    for (i, o) in out.iter_mut().enumerate() {
        let (ch, pos) = (i % c, i / c);
        let (n, y, x) = (pos / (h * w), (pos / w) % h, pos % w);
        *o = gq[((n * (h / 2) + y / 2) * (w / 2) + x / 2) * c + ch];
    }
    out
}

/// Where each window's first maximum sits (taps in row-major order, padding skipped), per
/// output entry of `m` channel-last examples in the layout (`None` on padded positions).
pub(crate) fn first_max_positions(
    g: &crate::graph::quant::ConvGeometry,
    m: usize,
    a: &[i64],
    pooled: &[i64],
) -> Vec<Option<usize>> {
    let (c, plane, rows) = (g.in_c, g.in_positions(), g.out_positions());
    let mut out = vec![None; m * rows * c];
    for n in 0..m {
        for yo in 0..g.out_h {
            for xo in 0..g.out_w {
                let o = n * rows + yo * g.out_wp() + xo;
                for ch in 0..c {
                    let max = pooled[o * c + ch];
                    out[o * c + ch] = (0..g.kh * g.kw)
                        .filter_map(|t| g.source(yo, xo, t))
                        .map(|(sy, sx)| (n * plane + sy * g.in_wp() + sx) * c + ch)
                        .find(|at| a[*at] == max);
                }
            }
        }
    }
    out
}

/// A max pool's gradient on its input (m examples, channel-last): each pooled gradient goes to
/// the first maximum of its window (taps in row-major order, padding skipped), summed where
/// windows overlap; exact, so no extra scale bits.
pub(crate) fn unpool_first_max(
    g: &crate::graph::quant::ConvGeometry,
    m: usize,
    a: &[i64],
    pooled: &[i64],
    grad: &[i64],
) -> Vec<i64> {
    let mut out = vec![0i64; m * g.in_positions() * g.in_c];
    for (o, at) in first_max_positions(g, m, a, pooled).into_iter().enumerate() {
        if let Some(at) = at {
            out[at] += grad[o];
        }
    }
    out
}

/// The extra scale bits an average pool of window K = kh·kw keeps on the gradient it hands
/// down: ⌈log2 K⌉ (2 for a 2×2 window), so dividing by K loses at most half a unit at
/// 2^(s + e).
pub fn window_bits(g: &crate::graph::quant::ConvGeometry) -> u32 {
    (g.kh * g.kw).next_power_of_two().trailing_zeros()
}

/// An average pool's gradient on its input (m examples, channel-last) at e = [`window_bits`]
/// more scale bits: round(2^e·col2im(UP_G) / K), each pooled gradient over every (tap,
/// position) pair reading a position, as (U, R) with K·U + R = 2^e·col2im(UP_G) + ⌊K/2⌋ and
/// R ∈ [0, K).
pub(crate) fn unpool_average(
    g: &crate::graph::quant::ConvGeometry,
    m: usize,
    grad: &[i64],
    e: u32,
) -> (Vec<i64>, Vec<i64>) {
    let (c, rows, plane, k) = (
        g.in_c,
        g.out_positions(),
        g.in_positions(),
        (g.kh * g.kw) as i64,
    );
    let mut sum = vec![0i64; m * plane * c];
    for n in 0..m {
        for yo in 0..g.out_h {
            for xo in 0..g.out_w {
                let o = (n * rows + yo * g.out_wp() + xo) * c;
                for (sy, sx) in (0..g.kh * g.kw).filter_map(|t| g.source(yo, xo, t)) {
                    let at = (n * plane + sy * g.in_wp() + sx) * c;
                    for ch in 0..c {
                        sum[at + ch] += grad[o + ch];
                    }
                }
            }
        }
    }
    sum.iter()
        .map(|v| {
            let x = (v << e) + k / 2;
            (x.div_euclid(k), x.rem_euclid(k))
        })
        .unzip()
}

/// ⌊(x + 2^(sh−1)) / 2^sh⌋ and the remainder in [0, 2^sh): rescaling to nearest (ties up),
/// so updates carry no systematic drift; provable as a floor rescale of x plus a public
/// constant (sh ≥ 1).
pub fn round_shift(x: i64, sh: u32) -> (i64, i64) {
    let v = x + (1i64 << sh.saturating_sub(1));
    let q = v >> sh;
    (q, v - (q << sh))
}

/// [`round_shift`] of a wide accumulator, the quotient back in i64 (else a range error naming
/// `tensor`): CNN sums run over every example × position and can leave i64 before the shift.
fn round_shift_wide(x: i128, sh: u32, tensor: &str, index: usize) -> Result<(i64, i64), Error> {
    let v = x + (1i128 << sh.saturating_sub(1));
    let q = v >> sh;
    let r = v - (q << sh);
    match (i64::try_from(q), i64::try_from(r)) {
        (Ok(q), Ok(r)) => Ok((q, r)),
        _ => Err(Error::QuantRange {
            tensor: tensor.into(),
            index,
            value: q,
            min: i128::from(i64::MIN),
            max: i128::from(i64::MAX),
        }),
    }
}

/// One SGD step on a batch (B × padded input width, quantized) with its labels; updates `q`
/// and returns everything the step computed.
pub fn step(
    q: &mut QuantizedModel,
    cfg: &TrainConfig,
    x: &[i64],
    labels: &[usize],
) -> Result<StepTrace, Error> {
    let k = cfg.log_batch()?;
    let b = cfg.batch;
    let s = q.scale;
    if s == 0 {
        return Err(Error::ZeroParameter {
            what: "training scale",
        });
    }
    if cfg.lr_shift + k == 0 {
        return Err(Error::ZeroParameter {
            what: "learning-rate shift lr_shift + log2(batch)",
        });
    }
    trainable(q)?;
    let tables = softmax::chunk_tables(s);
    let forward = q.forward(b, x.to_vec())?;
    let params: Vec<(Vec<i64>, Vec<i64>)> = q
        .layers
        .iter()
        .map(|l| {
            l.dense()
                .map_or((vec![], vec![]), |d| (d.weight.clone(), d.bias.clone()))
        })
        .collect();
    let Some(QLayer::Dense(head)) = q.layers.last() else {
        return Err(Error::Internal {
            what: "a trainable model ends in a Dense layer",
        });
    };
    let (c, real) = (head.n, head.real_n);
    // Loss gradient at the logits; the softmax normalises over the real classes, the gradient
    // is 0 on padded classes.
    let logits = forward.logits();
    let mut g = vec![0i64; b * c];
    for i in 0..b {
        let row = &logits[i * c..(i + 1) * c];
        let target = labels.get(i).copied().unwrap_or(usize::MAX);
        let pred: Vec<i64> = match cfg.loss {
            Loss::CrossEntropy => softmax::softmax_row(row, real, s, &tables),
            Loss::MeanSquaredError => row.to_vec(),
        };
        for j in 0..real {
            g[i * c + j] = pred[j] - if j == target { 1i64 << s } else { 0 };
        }
    }
    let logit_grad = g.clone();
    let mut steps: Vec<Option<LayerStep>> = vec![None; q.layers.len()];
    // Extra scale bits of `g` (2^(s + extra)): a pool's 1/4 is kept exact as two more bits,
    // rounded away only by the next weighted layer's shifts.
    let mut extra = 0u32;
    for l in (0..q.layers.len()).rev() {
        let layer = &q.layers[l];
        let grad = g.clone();
        // (ΔW, ΔB, the stored backprop, the gradient at the input before the mask below).
        let (weight_delta, bias_delta, backprop, up) = match layer {
            QLayer::AvgPool(p) => {
                extra += 2;
                let up = upsample([p.h, p.w, p.c], b, &g);
                ((vec![], vec![]), (vec![], vec![]), None, up)
            }
            QLayer::AvgPoolWindow(p) => {
                let e = window_bits(&p.geometry);
                extra += e;
                let tensor = format!("{}.grad_in", p.name);
                let (up, rem) = unpool_average(&p.geometry, b, &g, e);
                // The training statement range-checks it as a signed `bits`-bit value.
                q.check(&tensor, &up, q.signed_range())?;
                (
                    (vec![], vec![]),
                    (vec![], vec![]),
                    Some((up.clone(), rem)),
                    up,
                )
            }
            QLayer::MaxPool(p) => {
                let a: &[i64] = match l.checked_sub(1) {
                    None => &forward.input,
                    Some(below) => forward.layers[below].output(),
                };
                let up = unpool_first_max(&p.geometry, b, a, &forward.layers[l].y, &g);
                ((vec![], vec![]), (vec![], vec![]), None, up)
            }
            _ => {
                let d = layer.dense().ok_or(Error::Internal {
                    what: "a trainable layer is a pool or has weights",
                })?;
                // The rows the dense part reads: im2col rows for a convolution.
                let a: &[i64] = match layer {
                    QLayer::Conv(_) => &forward.layers[l].xcol,
                    _ if l == 0 => &forward.input,
                    _ => forward.layers[l - 1].output(),
                };
                let rows = a.len() / d.k;
                let shift_w = s + cfg.lr_shift + k + extra;
                let (lr, name) = (i128::from(cfg.lr_num), layer.name());
                let wide = |x: i64| i128::from(x);
                let (mut dw, mut rw) = (vec![0i64; d.k * d.n], vec![0i64; d.k * d.n]);
                for kk in 0..d.k {
                    for j in 0..d.n {
                        let at = kk * d.n + j;
                        let acc: i128 = (0..rows)
                            .map(|i| wide(a[i * d.k + kk]) * wide(g[i * d.n + j]))
                            .sum();
                        (dw[at], rw[at]) = round_shift_wide(
                            lr * acc,
                            shift_w,
                            &format!("{name}.weight_update"),
                            at,
                        )?;
                    }
                }
                let (db, rb): (Vec<i64>, Vec<i64>) = (0..d.n)
                    .map(|j| {
                        let acc: i128 = (0..rows).map(|i| wide(g[i * d.n + j])).sum();
                        let sh = cfg.lr_shift + k + extra;
                        round_shift_wide(lr * acc, sh, &format!("{name}.bias_update"), j)
                    })
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .unzip();
                let (backprop, up) = if l > 0 {
                    // G·Wᵀ over the rows, gathered back to the input positions (col2im) for a
                    // convolution, then rounded: round(·/2^s) after the sum.
                    let mut p = vec![0i128; rows * d.k];
                    for i in 0..rows {
                        for kk in 0..d.k {
                            p[i * d.k + kk] = (0..d.n)
                                .map(|j| wide(g[i * d.n + j]) * wide(d.weight[kk * d.n + j]))
                                .sum();
                        }
                    }
                    if let QLayer::Conv(cv) = layer {
                        p = col2im(&cv.geometry, b, &p);
                    }
                    let tensor = format!("{name}.backprop");
                    let (up, rem): (Vec<i64>, Vec<i64>) = p
                        .iter()
                        .enumerate()
                        .map(|(i, v)| round_shift_wide(*v, s + extra, &tensor, i))
                        .collect::<Result<Vec<_>, _>>()?
                        .into_iter()
                        .unzip();
                    // The training statement range-checks it as a signed `bits`-bit value.
                    q.check(&tensor, &up, q.signed_range())?;
                    (Some((up.clone(), rem)), up)
                } else {
                    (None, vec![])
                };
                extra = 0;
                ((dw, rw), (db, rb), backprop, up)
            }
        };
        // The gradient at the layer below's pre-activation: masked by its ReLU.
        if l > 0 {
            let below = &forward.layers[l - 1].y;
            g = if q.layers[l - 1].has_relu() {
                up.iter()
                    .zip(below)
                    .map(|(u, y)| u * i64::from(*y > 0))
                    .collect()
            } else {
                up
            };
        }
        steps[l] = Some(LayerStep {
            grad,
            weight_delta,
            bias_delta,
            backprop,
        });
    }
    let steps: Vec<LayerStep> = steps.into_iter().flatten().collect();
    for (layer, st) in q.layers.iter_mut().zip(&steps) {
        let d = match layer {
            QLayer::Dense(d) => d,
            QLayer::Conv(c) => &mut c.dense,
            _ => continue,
        };
        for (w, u) in d.weight.iter_mut().zip(&st.weight_delta.0) {
            *w -= u;
        }
        for (v, u) in d.bias.iter_mut().zip(&st.bias_delta.0) {
            *v -= u;
        }
    }
    q.check_weights()?;
    Ok(StepTrace {
        rows: 0..b,
        params,
        forward,
        logit_grad,
        layers: steps,
    })
}

/// Trains for `cfg.steps` steps on `x` (N × padded width, quantized; N a multiple of B) with
/// `labels`; batch t is rows [(t mod N/B)·B, …). Returns the final model and each step's
/// trace.
pub fn train(
    mut q: QuantizedModel,
    cfg: &TrainConfig,
    x: &[i64],
    labels: &[usize],
) -> Result<(QuantizedModel, Vec<StepTrace>), Error> {
    // Values per example: rows (image positions, or 1) × padded width.
    let width = q.input.rows() * q.input.width();
    let n = labels.len();
    if n == 0 {
        return Err(Error::ZeroParameter {
            what: "training examples",
        });
    }
    if !n.is_multiple_of(cfg.batch) {
        return Err(Error::BlockShape {
            block: "training",
            reason: "the number of examples must be a multiple of the batch size",
        });
    }
    if x.len() != n * width {
        return Err(Error::StatementShape {
            what: "training input values (examples × rows × padded input width)",
            expected: n * width,
            actual: x.len(),
        });
    }
    let batches = n / cfg.batch;
    let mut steps = Vec::with_capacity(cfg.steps);
    for t in 0..cfg.steps {
        let start = (t % batches) * cfg.batch;
        let rows = start..start + cfg.batch;
        let xb = &x[rows.start * width..rows.end * width];
        let mut st = step(&mut q, cfg, xb, &labels[rows.clone()])?;
        st.rows = rows;
        steps.push(st);
    }
    Ok((q, steps))
}
