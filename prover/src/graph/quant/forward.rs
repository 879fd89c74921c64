//! The exact integer forward pass the proofs certify.

use super::{ConvGeometry, InputShape, QDense, QLayer, QuantizedModel, round_scaled};
use crate::blocks::dense::RowMask;
use crate::error::Error;
use crate::graph::tensor::Tensor;
use rayon::prelude::*;

/// The integer witness of one layer on a batch (tensors a layer does not have are empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerTrace {
    /// The layer's input matrix as its dense part reads it (im2col for convolutions); empty
    /// for other layers.
    pub xcol: Vec<i64>,
    /// ⌊P / 2^s⌋ (dense/conv; for the last layer the logits) or the pooled values.
    pub y: Vec<i64>,
    /// Remainders.
    pub r: Vec<i64>,
    /// max(Y, 0) (ReLU layers).
    pub pos: Vec<i64>,
    /// max(−Y, 0) (ReLU layers).
    pub neg: Vec<i64>,
    /// f(Y) (table activations).
    pub act: Vec<i64>,
    /// Max pools: the differences (O + H) − (Xcol + H·M) per tap (see the max-pool block).
    pub diff: Vec<i64>,
}

impl LayerTrace {
    /// The layer's output activation (what the next layer reads).
    pub fn output(&self) -> &[i64] {
        if !self.act.is_empty() {
            &self.act
        } else if !self.pos.is_empty() {
            &self.pos
        } else {
            &self.y
        }
    }
}

/// The tensor `j` names: the model input (`None`) or layer j's output, computed before the
/// layer reading it.
fn operand<'a>(
    input: &'a [i64],
    layers: &'a [LayerTrace],
    j: Option<usize>,
) -> Result<&'a [i64], Error> {
    match j {
        None => Ok(input),
        Some(j) => layers
            .get(j)
            .map(LayerTrace::output)
            .ok_or(Error::BlockShape {
                block: "quantized model",
                reason: "a layer must read the input or an earlier layer's output",
            }),
    }
}

/// The integer forward pass of a padded batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntTrace {
    /// Padded batch size.
    pub m: usize,
    /// The quantized input, (m · rows per example) × width.
    pub input: Vec<i64>,
    /// One entry per layer.
    pub layers: Vec<LayerTrace>,
    /// A Softmax output's probabilities at scale 2^s, m × classes (padded classes 0).
    pub probs: Option<Vec<i64>>,
}

impl IntTrace {
    /// The logits, m × classes (padded).
    pub fn logits(&self) -> &[i64] {
        self.layers.last().map_or(&[], |l| &l.y)
    }

    /// The model's outputs, m × classes (padded): the probabilities of a Softmax output, else
    /// the logits.
    pub fn outputs(&self) -> &[i64] {
        self.probs.as_deref().unwrap_or(self.logits())
    }
}

/// im2col: rows (example, y_out, x_out), columns (tap, channel).
pub(crate) fn im2col<T: Copy + Default + Send + Sync>(
    g: &ConvGeometry,
    m: usize,
    x: &[T],
) -> Vec<T> {
    let (rows, k) = (g.out_positions(), g.taps_pad() * g.in_c);
    let (plane, wp) = (g.in_positions(), g.in_wp());
    let mut out = vec![T::default(); m * rows * k];
    out.par_chunks_mut(k).enumerate().for_each(|(row, dst)| {
        let (n, p) = (row / rows, row % rows);
        let (y, xo) = (p / g.out_wp(), p % g.out_wp());
        for t in 0..g.kh * g.kw {
            if let Some((sy, sx)) = g.source(y, xo, t) {
                let src = (n * plane + sy * wp + sx) * g.in_c;
                dst[t * g.in_c..(t + 1) * g.in_c].copy_from_slice(&x[src..src + g.in_c]);
            }
        }
    });
    out
}

/// col2im, the adjoint of im2col (a convolution's input rows): each input position (example, y, x) of channel c
/// receives Σ cols[(example, p), (t, c)] over the (tap t, output position p) pairs that read
/// it; positions no pair reads (padding, pixels the stride skips) receive 0. A convolution's
/// gradient with respect to its input.
pub fn col2im<T: Copy + Default + std::ops::AddAssign>(
    g: &ConvGeometry,
    m: usize,
    cols: &[T],
) -> Vec<T> {
    let (rows, k) = (g.out_positions(), g.taps_pad() * g.in_c);
    let (plane, wp, c) = (g.in_positions(), g.in_wp(), g.in_c);
    let mut out = vec![T::default(); m * plane * c];
    for (row, src) in cols.chunks(k).enumerate().take(m * rows) {
        let (n, p) = (row / rows, row % rows);
        let (y, xo) = (p / g.out_wp(), p % g.out_wp());
        for t in 0..g.kh * g.kw {
            if let Some((sy, sx)) = g.source(y, xo, t) {
                let dst = (n * plane + sy * wp + sx) * c;
                for (o, v) in out[dst..dst + c].iter_mut().zip(&src[t * c..(t + 1) * c]) {
                    *o += *v;
                }
            }
        }
    }
    out
}

/// Quantizes a float batch (shape [batch, …] as the model takes it) into the padded integer
/// input of a model with this input layout and scale: rows (example, y, x), columns channels.
/// Returns (padded batch, input).
pub fn quantize_examples(
    input: InputShape,
    scale: u32,
    x: &Tensor,
) -> Result<(usize, Vec<i64>), Error> {
    let per = input.real_len();
    let batch = x.shape.first().copied().unwrap_or(0);
    if per == 0 {
        return Err(Error::ZeroParameter {
            what: "model input size per example",
        });
    }
    if x.len() != batch * per {
        return Err(Error::StatementShape {
            what: "input values (batch × the model's input size per example)",
            expected: batch * per,
            actual: x.len(),
        });
    }
    let m = batch.max(1).next_power_of_two();
    let (rows, width) = (input.rows(), input.width());
    let mut out = vec![0i64; m * rows * width];
    for (n, ex) in x.data.chunks(per).enumerate() {
        match input {
            InputShape::Flat { .. } => {
                for (j, v) in ex.iter().enumerate() {
                    out[n * width + j] = round_scaled(*v, scale);
                }
            }
            InputShape::Image { c, h, w } => {
                for ch in 0..c {
                    for p in 0..h * w {
                        let row = n * rows + input.layout_row(p);
                        out[row * width + ch] = round_scaled(ex[ch * h * w + p], scale);
                    }
                }
            }
        }
    }
    Ok((m, out))
}

impl QuantizedModel {
    /// Quantizes a float batch (shape [batch, …] as the model takes it) into the padded
    /// integer input: rows (example, y, x), columns channels. Returns (padded batch, input).
    pub fn quantize_input(&self, x: &Tensor) -> Result<(usize, Vec<i64>), Error> {
        quantize_examples(self.input, self.scale, x)
    }

    /// P = A·W + 2^s·B on every row, except a convolution's padded layout rows (`mask`),
    /// which get no bias and so output 0 (see [`crate::blocks::dense::RowMask`]).
    fn dense_forward(
        &self,
        l: &QDense,
        rows: usize,
        a: &[i64],
        mask: Option<RowMask>,
    ) -> Result<LayerTrace, Error> {
        let s = self.scale;
        let (y, r): (Vec<i64>, Vec<i64>) = (0..rows * l.n)
            .into_par_iter()
            .map(|idx| {
                let (i, j) = (idx / l.n, idx % l.n);
                let real = mask.is_none_or(|m| m.real(i));
                let mut p = if real { l.bias[j] << s } else { 0 };
                for kk in 0..l.k {
                    p += a[i * l.k + kk] * l.weight[kk * l.n + j];
                }
                (p >> s, p & ((1i64 << s) - 1))
            })
            .unzip();
        let mut trace = self.activate(&l.name, y, r, l.relu, l.table)?;
        if l.softmax {
            trace.act = self.softmax_rows(&trace.y, l.n, l.real_n);
        }
        Ok(trace)
    }

    /// The activation after a layer's integer output `y` (remainders `r`): a ReLU's two
    /// parts, a table's outputs, or `y` itself — each range-checked as its proof assumes.
    fn activate(
        &self,
        name: &str,
        y: Vec<i64>,
        r: Vec<i64>,
        relu: bool,
        table: Option<super::TableFn>,
    ) -> Result<LayerTrace, Error> {
        let mut trace = LayerTrace {
            y,
            r,
            ..LayerTrace::default()
        };
        let y = &trace.y;
        if relu {
            let unsigned = (0, (1i64 << self.bits) - 1);
            trace.pos = y.iter().map(|v| (*v).max(0)).collect();
            trace.neg = y.iter().map(|v| (-*v).max(0)).collect();
            self.check(&format!("{name}.relu_pos"), &trace.pos, unsigned)?;
            self.check(&format!("{name}.relu_neg"), &trace.neg, unsigned)?;
        } else if let Some(f) = table {
            // The table covers exactly the signed b-bit inputs.
            self.check(&format!("{name}.pre_activation"), y, self.signed_range())?;
            trace.act = y.iter().map(|v| f.quantized(*v, self.scale)).collect();
            self.check(
                &format!("{name}.activation"),
                &trace.act,
                self.signed_range(),
            )?;
        } else {
            self.check(&format!("{name}.output"), y, self.signed_range())?;
        }
        Ok(trace)
    }

    /// The exact integer forward pass the proofs certify, with every range check; a value
    /// outside its range is an [`Error::QuantRange`] naming the tensor.
    pub fn forward(&self, m: usize, input: Vec<i64>) -> Result<IntTrace, Error> {
        let (rows, width) = (self.input.rows(), self.input.width());
        if !m.is_power_of_two() {
            return Err(Error::NotPowerOfTwo {
                what: "forward-pass batch",
                value: m,
            });
        }
        if input.len() != m * rows * width {
            return Err(Error::StatementShape {
                what: "integer input values (batch × rows × padded width)",
                expected: m * rows * width,
                actual: input.len(),
            });
        }
        self.check("input", &input, self.signed_range())?;
        let mut layers: Vec<LayerTrace> = Vec::with_capacity(self.layers.len());
        let non_negative = self.non_negative();
        for (i, layer) in self.layers.iter().enumerate() {
            let a = operand(&input, &layers, self.source(i))?;
            // A model built in code (files are validated on load) may point a layer at a
            // tensor of another size.
            let wanted = match layer {
                QLayer::Dense(d) => m * d.k,
                QLayer::Conv(c) => m * c.geometry.in_positions() * c.geometry.in_c,
                QLayer::AvgPool(p) => m * p.h * p.w * p.c,
                QLayer::MaxPool(p) | QLayer::AvgPoolWindow(p) => {
                    m * p.geometry.in_positions() * p.geometry.in_c
                }
                QLayer::Add(l) => m * l.rows * l.n,
                QLayer::Concat(c) => m * c.rows * c.main_and_other_widths()[0],
            };
            if a.len() != wanted {
                return Err(Error::StatementShape {
                    what: "layer input (the tensor its source names)",
                    expected: wanted,
                    actual: a.len(),
                });
            }
            let trace = match layer {
                QLayer::Dense(l) => self.dense_forward(l, a.len() / l.k, a, None)?,
                QLayer::Conv(c) => {
                    let g = &c.geometry;
                    let xcol = im2col(g, m, a);
                    let rows = m * g.out_positions();
                    let mut t = self.dense_forward(&c.dense, rows, &xcol, RowMask::of(g))?;
                    t.xcol = xcol;
                    t
                }
                QLayer::AvgPool(p) => {
                    let (oh, ow) = (p.h / 2, p.w / 2);
                    let mut y = vec![0i64; m * oh * ow * p.c];
                    let mut r = vec![0i64; y.len()];
                    for n in 0..m {
                        for yo in 0..oh {
                            for xo in 0..ow {
                                for ch in 0..p.c {
                                    let at = |dy: usize, dx: usize| {
                                        a[((n * p.h + 2 * yo + dy) * p.w + 2 * xo + dx) * p.c + ch]
                                    };
                                    let sum = at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1);
                                    let o = ((n * oh + yo) * ow + xo) * p.c + ch;
                                    y[o] = sum >> 2;
                                    r[o] = sum & 3;
                                }
                            }
                        }
                    }
                    // The average has its input's sign: [0, 2^b) of a non-negative tensor. A
                    // table's pre-activation is checked by `activate` below.
                    let range = if non_negative.get(i).copied().unwrap_or(false) {
                        (0, (1i64 << self.bits) - 1)
                    } else {
                        self.signed_range()
                    };
                    if p.table.is_none() {
                        self.check(&format!("{}.output", p.name), &y, range)?;
                    }
                    LayerTrace {
                        y,
                        r,
                        ..LayerTrace::default()
                    }
                }
                QLayer::MaxPool(p) => self.maxpool_forward(p, m, a)?,
                QLayer::AvgPoolWindow(p) => self.avgpool_forward(p, m, a)?,
                QLayer::Add(l) => {
                    let b = operand(&input, &layers, l.skip)?;
                    if a.len() != b.len() || a.len() != m * l.rows * l.n {
                        return Err(Error::StatementShape {
                            what: "residual-sum operand (batch × rows × padded width)",
                            expected: m * l.rows * l.n,
                            actual: b.len(),
                        });
                    }
                    let y = a.iter().zip(b).map(|(x, z)| x + z).collect();
                    self.activate(&l.name, y, vec![], l.relu, l.table)?
                }
                QLayer::Concat(c) => concat_forward(c, m, a, operand(&input, &layers, c.other)?)?,
            };
            let trace = match (layer, layer.table()) {
                // A pool's table activation reads the pooled values (its pre-activation, which
                // `activate` range-checks; the pool's own check is skipped then).
                (QLayer::AvgPool(_) | QLayer::MaxPool(_) | QLayer::AvgPoolWindow(_), Some(f)) => {
                    let act =
                        self.activate(layer.name(), trace.y.clone(), vec![], false, Some(f))?;
                    LayerTrace {
                        act: act.act,
                        ..trace
                    }
                }
                _ => trace,
            };
            layers.push(trace);
        }
        let mut trace = IntTrace {
            m,
            input,
            layers,
            probs: None,
        };
        if self.softmax {
            trace.probs = Some(self.softmax_output(trace.logits()));
        }
        Ok(trace)
    }

    /// The fixed-point softmax of each row of logits over the real classes
    /// ([`crate::train::softmax::softmax_row`], what [`crate::blocks::softmax`] proves).
    fn softmax_output(&self, logits: &[i64]) -> Vec<i64> {
        self.softmax_rows(logits, self.output_width(), self.classes())
    }

    /// The fixed-point softmax of each `n`-wide row over its first `real` entries.
    fn softmax_rows(&self, y: &[i64], n: usize, real: usize) -> Vec<i64> {
        let tables = crate::train::softmax::chunk_tables(self.scale);
        y.chunks(n.max(1))
            .flat_map(|row| crate::train::softmax::softmax_row(row, real, self.scale, &tables))
            .collect()
    }

    /// A max pool: the maximum of each window's real taps (0 at the layout's padded output
    /// positions), and the differences its proof commits.
    fn maxpool_forward(
        &self,
        p: &super::QWindowPool,
        m: usize,
        a: &[i64],
    ) -> Result<LayerTrace, Error> {
        let g = &p.geometry;
        let xcol = im2col(g, m, a);
        let (positions, tp, c) = (g.out_positions(), g.taps_pad(), g.in_c);
        let half = 1i64 << (self.bits - 1);
        let mut y = vec![0i64; m * positions * c];
        let mut diff = vec![0i64; m * positions * tp * c];
        for row in 0..m * positions {
            let (yo, xo) = ((row % positions) / g.out_wp(), row % g.out_wp());
            for ch in 0..c {
                let at = |t: usize| (row * tp + t) * c + ch;
                // Every position has a tap the mask counts (padded positions: tap 0, reading 0).
                let counted = |t: &usize| crate::blocks::maxpool::mask(g, yo, xo, *t);
                let best = (0..tp)
                    .filter(counted)
                    .map(|t| xcol[at(t)])
                    .max()
                    .unwrap_or(0);
                y[row * c + ch] = best;
                for t in 0..tp {
                    let shift = if counted(&t) { half } else { 0 };
                    diff[at(t)] = best + half - xcol[at(t)] - shift;
                }
            }
        }
        if p.table.is_none() {
            self.check(&format!("{}.output", p.name), &y, self.signed_range())?;
        }
        Ok(LayerTrace {
            xcol,
            y,
            diff,
            ..LayerTrace::default()
        })
    }

    /// A window average pool: ⌊Σ window / K⌋ (K = kh·kw, padding counted as zeros) with its
    /// remainder in [0, K).
    fn avgpool_forward(
        &self,
        p: &super::QWindowPool,
        m: usize,
        a: &[i64],
    ) -> Result<LayerTrace, Error> {
        let g = &p.geometry;
        let xcol = im2col(g, m, a);
        let (tp, c, k) = (g.taps_pad(), g.in_c, (g.kh * g.kw) as i64);
        let rows = m * g.out_positions();
        let mut y = vec![0i64; rows * c];
        let mut r = vec![0i64; rows * c];
        for row in 0..rows {
            for ch in 0..c {
                let sum: i64 = (0..tp).map(|t| xcol[(row * tp + t) * c + ch]).sum();
                y[row * c + ch] = sum.div_euclid(k);
                r[row * c + ch] = sum.rem_euclid(k);
            }
        }
        if p.table.is_none() {
            self.check(&format!("{}.output", p.name), &y, self.signed_range())?;
        }
        Ok(LayerTrace {
            xcol,
            y,
            r,
            ..LayerTrace::default()
        })
    }

    /// Quantized argmax per real row (ties: the first maximum, as ONNX ArgMax).
    pub fn predictions(&self, trace: &IntTrace, rows: usize) -> Vec<usize> {
        let n = self.output_width();
        trace.logits().chunks(n).take(rows).map(first_max).collect()
    }
}

/// A concatenation: per row, the real columns of the first operand, then the second's, then
/// zeros (`main` the previous layer's output, `other` the other operand).
fn concat_forward(
    c: &super::QConcat,
    m: usize,
    main: &[i64],
    other: &[i64],
) -> Result<LayerTrace, Error> {
    let ([wa, wb], out) = c.padded();
    let (first, second) = if c.other_first {
        (other, main)
    } else {
        (main, other)
    };
    let [ra, rb] = c.widths;
    if ra > wa || rb > wb || wa == 0 || wb == 0 || ra + rb > out {
        return Err(Error::BlockShape {
            block: "concatenation",
            reason: "real widths must be positive and fit their padded layouts",
        });
    }
    let rows = m * c.rows;
    for (x, w) in [(first, wa), (second, wb)] {
        if x.len() != rows * w {
            return Err(Error::StatementShape {
                what: "concatenation operand (batch × rows × padded width)",
                expected: rows * w,
                actual: x.len(),
            });
        }
    }
    let mut y = vec![0i64; rows * out];
    for ((dst, a), b) in y
        .chunks_mut(out)
        .zip(first.chunks(wa))
        .zip(second.chunks(wb))
    {
        dst[..ra].copy_from_slice(&a[..ra]);
        dst[ra..ra + rb].copy_from_slice(&b[..rb]);
    }
    Ok(LayerTrace {
        y,
        ..LayerTrace::default()
    })
}

/// Index of the first maximum of a non-empty row (ONNX ArgMax's tie rule); 0 when empty.
pub fn first_max<T: PartialOrd>(row: &[T]) -> usize {
    (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rand::{Rng, SeedableRng};

    /// col2im is im2col's adjoint: ⟨col2im(P), X⟩ = ⟨P, im2col(X)⟩ for every geometry the
    /// gather supports (strides, padding, odd maps, several channels).
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        for (hw, k, stride, pad, c) in [
            ((4, 4), [3, 3], [1, 1], 1, 1),
            ((6, 5), [3, 3], [2, 2], 1, 2),
            ((8, 8), [2, 2], [2, 2], 0, 4),
            ((7, 7), [5, 5], [1, 1], 0, 3),
            ((5, 9), [1, 3], [1, 2], 0, 2),
        ] {
            let g = ConvGeometry::window((hw.0, hw.1, c), k, stride, [pad; 4]).unwrap();
            let m = 2;
            let x: Vec<i64> = (0..m * g.in_positions() * c)
                .map(|_| r.gen_range(-9..9))
                .collect();
            let p: Vec<i64> = (0..m * g.out_positions() * g.taps_pad() * c)
                .map(|_| r.gen_range(-9..9))
                .collect();
            let left: i64 = col2im(&g, m, &p).iter().zip(&x).map(|(a, b)| a * b).sum();
            let right: i64 = p.iter().zip(&im2col(&g, m, &x)).map(|(a, b)| a * b).sum();
            assert_eq!(left, right, "{hw:?} {k:?} {stride:?} {pad}");
        }
    }
}
