//! Fixed-point quantization of an imported model, its exact integer semantics, and
//! calibration (DESIGN §3).
//!
//! Every real is an integer at one power-of-two scale 2^s. A dense layer computes
//!   P = A·W + 2^s·1·Bᵀ,  Y = ⌊P / 2^s⌋,  R = P − 2^s·Y ∈ [0, 2^s),
//! and a ReLU layer splits Y = A′ − N with A′ = max(Y, 0), N = max(−Y, 0). Weights, biases,
//! inputs and logits are signed `bits`-bit integers, activation parts A′, N are in
//! [0, 2^bits); all of these are what the proof range-checks, so the integer semantics below is
//! exactly what a verified proof certifies (no value wraps around the field).
//!
//! Every dimension is padded to a power of two (DESIGN §5). Padded hidden units have zero
//! weights and bias; padded *output* units get the bias −2^(bits−2) so their logits can never
//! be the argmax — a padded class is never predicted.
//!
//! Calibration runs the integer model on sample inputs at each candidate scale and keeps the
//! smallest scale whose argmax agrees with the float model on the requested share of samples,
//! with a bit bound one bit above the largest magnitude seen; it reports the quantization error.

use super::ir::{Model, Op};
use super::tensor::Tensor;
use crate::error::Error;
use rayon::prelude::*;

/// A quantized dense layer (k_pad × n_pad weights, row-major).
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

/// A quantized multilayer perceptron: dense layers, ReLU between them, logits out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantizedMlp {
    /// The scale exponent s.
    pub scale: u32,
    /// The bit bound of every range-checked value (the main range table is [0, 2^bits)).
    pub bits: u32,
    /// Input features the float model takes.
    pub real_input: usize,
    /// The layers, input to output.
    pub layers: Vec<QDense>,
}

/// The integer witness of one layer on a batch (m_pad rows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerTrace {
    /// ⌊P / 2^s⌋ (for the last layer: the logits).
    pub y: Vec<i64>,
    /// Remainders P − 2^s·Y.
    pub r: Vec<i64>,
    /// max(Y, 0) (ReLU layers).
    pub pos: Vec<i64>,
    /// max(−Y, 0) (ReLU layers).
    pub neg: Vec<i64>,
}

/// The integer forward pass of a padded batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntTrace {
    /// Padded batch size.
    pub m: usize,
    /// The quantized input, m×k₀.
    pub input: Vec<i64>,
    /// One entry per layer.
    pub layers: Vec<LayerTrace>,
}

impl IntTrace {
    /// The logits, m×n_last (padded).
    pub fn logits(&self) -> &[i64] {
        self.layers.last().map_or(&[], |l| &l.y)
    }
}

/// Options for [`calibrate`].
#[derive(Clone, Copy, Debug)]
pub struct CalibrationOptions {
    /// Candidate scale exponents, tried in increasing order.
    pub scales: (u32, u32),
    /// The largest acceptable bit bound (the range table has 2^bits entries).
    pub max_bits: u32,
    /// Required share of samples whose quantized argmax equals the float argmax.
    pub agreement: f64,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        Self {
            scales: (4, 10),
            max_bits: 16,
            agreement: 0.995,
        }
    }
}

/// What calibration chose and how far the quantized model is from the float one.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationReport {
    /// Chosen scale exponent.
    pub scale: u32,
    /// Chosen bit bound.
    pub bits: u32,
    /// Largest |value| per range-checked tensor on the samples, by name.
    pub max_abs: Vec<(String, i64)>,
    /// Largest |quantized logit − float logit| over the samples (real units).
    pub max_logit_error: f64,
    /// Share of samples whose quantized argmax equals the float argmax.
    pub argmax_agreement: f64,
}

impl std::fmt::Display for CalibrationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "scale 2^{} , bit bound {}: argmax agrees with float on {:.2}% of samples, \
             max logit error {:.4}",
            self.scale,
            self.bits,
            100.0 * self.argmax_agreement,
            self.max_logit_error
        )?;
        for (name, m) in &self.max_abs {
            writeln!(f, "  {name}: max |value| {m}")?;
        }
        Ok(())
    }
}

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

impl QuantizedMlp {
    /// Quantizes a model made of Dense layers with ReLU between them (Flatten/Reshape to
    /// 2-D are identities; a final Softmax or ArgMax is dropped: it does not change the argmax
    /// the proofs speak about). Other operators are an [`Error::Unprovable`] naming the node.
    pub fn quantize(model: &Model, scale: u32, bits: u32) -> Result<Self, Error> {
        if !(2..=40).contains(&bits) || scale == 0 || scale + 2 > bits {
            return Err(Error::InvalidStatement(format!(
                "scale 2^{scale} with a {bits}-bit bound: need 0 < scale ≤ bits − 2 ≤ 38"
            )));
        }
        let mlp_op = |op: &Op| {
            matches!(
                op,
                Op::Dense { .. }
                    | Op::Relu
                    | Op::Flatten { .. }
                    | Op::Reshape { .. }
                    | Op::Softmax
                    | Op::ArgMax { .. }
            )
        };
        if let Some(node) = model.nodes.iter().find(|n| !mlp_op(&n.op)) {
            return Err(unsupported(
                &node.name,
                &node.op,
                "not supported by the MLP prover (Dense and Relu layers); \
                 convolutional models need the CNN prover",
            ));
        }
        let real_input = match model.input_shape.as_slice() {
            [_, Some(k)] => *k,
            s => {
                return Err(Error::Unprovable {
                    node: "input".into(),
                    op: "input".into(),
                    reason: format!("the MLP prover takes [batch, features] inputs, not {s:?}"),
                });
            }
        };
        let mut layers: Vec<QDense> = Vec::new();
        let count = model.nodes.len();
        for (i, node) in model.nodes.iter().enumerate() {
            match &node.op {
                Op::Dense { weight, bias } => {
                    let (k, n) = (weight.shape[0], weight.shape[1]);
                    let expect = layers.last().map_or(real_input, |l| l.real_n);
                    if k != expect {
                        return Err(unsupported(
                            &node.name,
                            &node.op,
                            &format!("takes {k} features, previous layer gives {expect}"),
                        ));
                    }
                    let (kp, np) = (k.next_power_of_two(), n.next_power_of_two());
                    let mut w = vec![0i64; kp * np];
                    for r in 0..k {
                        for c in 0..n {
                            w[r * np + c] = round_scaled(weight.data[r * n + c], scale);
                        }
                    }
                    let mut b = vec![0i64; np];
                    if let Some(bias) = bias {
                        for (c, v) in bias.data.iter().enumerate() {
                            b[c] = round_scaled(*v, scale);
                        }
                    }
                    layers.push(QDense {
                        name: node.name.clone(),
                        k: kp,
                        n: np,
                        real_n: n,
                        weight: w,
                        bias: b,
                        relu: false,
                    });
                }
                Op::Relu => match layers.last_mut() {
                    Some(l) if !l.relu => l.relu = true,
                    _ => {
                        return Err(unsupported(
                            &node.name,
                            &node.op,
                            "ReLU must follow a dense layer",
                        ));
                    }
                },
                Op::Flatten { .. } | Op::Reshape { .. } if layers.is_empty() => {}
                Op::Softmax | Op::ArgMax { .. } if i + 1 == count => {}
                Op::Softmax | Op::ArgMax { .. } => {
                    return Err(unsupported(
                        &node.name,
                        &node.op,
                        "only supported as the model's last operator",
                    ));
                }
                _ => {
                    return Err(unsupported(
                        &node.name,
                        &node.op,
                        "only supported on the model input, before the first dense layer",
                    ));
                }
            }
        }
        if let Some(last) = layers.last().filter(|l| l.relu) {
            return Err(Error::Unprovable {
                node: last.name.clone(),
                op: "Relu".into(),
                reason: "the last dense layer must output logits (no ReLU after it)".into(),
            });
        }
        if let Some(l) = layers.iter().rev().skip(1).find(|l| !l.relu) {
            return Err(Error::Unprovable {
                node: l.name.clone(),
                op: "Dense".into(),
                reason: "hidden dense layers must be followed by a ReLU".into(),
            });
        }
        let Some(last) = layers.last_mut() else {
            return Err(Error::Unprovable {
                node: "model".into(),
                op: "graph".into(),
                reason: "no dense layer".into(),
            });
        };
        let pad_logit = -(1i64 << (bits - 2));
        for c in last.real_n..last.n {
            last.bias[c] = pad_logit;
        }
        let q = Self {
            scale,
            bits,
            real_input,
            layers,
        };
        q.check_weights()?;
        Ok(q)
    }

    /// Padded input width.
    pub fn input_width(&self) -> usize {
        self.real_input.next_power_of_two()
    }

    /// Padded number of classes (the last layer's width).
    pub fn output_width(&self) -> usize {
        self.layers.last().map_or(1, |l| l.n)
    }

    /// Real number of classes.
    pub fn classes(&self) -> usize {
        self.layers.last().map_or(1, |l| l.real_n)
    }

    fn signed_range(&self) -> (i64, i64) {
        let half = 1i64 << (self.bits - 1);
        (-half, half - 1)
    }

    fn check(&self, tensor: &str, values: &[i64], (min, max): (i64, i64)) -> Result<(), Error> {
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

    fn check_weights(&self) -> Result<(), Error> {
        for l in &self.layers {
            self.check(
                &format!("{}.weight", l.name),
                &l.weight,
                self.signed_range(),
            )?;
            self.check(&format!("{}.bias", l.name), &l.bias, self.signed_range())?;
        }
        Ok(())
    }

    /// Quantizes a float batch [m, real_input] into the padded integer input.
    pub fn quantize_input(&self, x: &Tensor) -> Result<(usize, Vec<i64>), Error> {
        let k = self.real_input;
        if x.shape.last() != Some(&k) || !x.len().is_multiple_of(k.max(1)) {
            return Err(Error::InvalidStatement(format!(
                "input of shape {:?}: the model takes [batch, {k}]",
                x.shape
            )));
        }
        let rows = x.len() / k;
        let (m, kp) = (rows.max(1).next_power_of_two(), self.input_width());
        let mut out = vec![0i64; m * kp];
        for (r, row) in x.data.chunks(k).enumerate() {
            for (c, v) in row.iter().enumerate() {
                out[r * kp + c] = round_scaled(*v, self.scale);
            }
        }
        Ok((m, out))
    }

    /// The exact integer forward pass the proofs certify, with every range check; a value
    /// outside its range is an [`Error::QuantRange`] naming the tensor.
    pub fn forward(&self, m: usize, input: Vec<i64>) -> Result<IntTrace, Error> {
        if !m.is_power_of_two() || input.len() != m * self.input_width() {
            return Err(Error::InvalidStatement(format!(
                "integer input of {} values for {m} rows of {}",
                input.len(),
                self.input_width()
            )));
        }
        self.check("input", &input, self.signed_range())?;
        let s = self.scale;
        let unsigned = (0, (1i64 << self.bits) - 1);
        let mut layers: Vec<LayerTrace> = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let a: &[i64] = layers.last().map_or(&input, |t: &LayerTrace| &t.pos);
            let (y, r): (Vec<i64>, Vec<i64>) = (0..m * l.n)
                .into_par_iter()
                .map(|idx| {
                    let (i, j) = (idx / l.n, idx % l.n);
                    let mut p = l.bias[j] << s;
                    for kk in 0..l.k {
                        p += a[i * l.k + kk] * l.weight[kk * l.n + j];
                    }
                    (p >> s, p & ((1i64 << s) - 1))
                })
                .unzip();
            let trace = if l.relu {
                let pos: Vec<i64> = y.iter().map(|v| (*v).max(0)).collect();
                let neg: Vec<i64> = y.iter().map(|v| (-*v).max(0)).collect();
                self.check(&format!("{}.relu_pos", l.name), &pos, unsigned)?;
                self.check(&format!("{}.relu_neg", l.name), &neg, unsigned)?;
                LayerTrace { y, r, pos, neg }
            } else {
                self.check(&format!("{}.output", l.name), &y, self.signed_range())?;
                LayerTrace {
                    y,
                    r,
                    pos: vec![],
                    neg: vec![],
                }
            };
            layers.push(trace);
        }
        Ok(IntTrace { m, input, layers })
    }

    /// Quantized argmax per real row (ties: the first maximum, as ONNX ArgMax).
    pub fn predictions(&self, trace: &IntTrace, rows: usize) -> Vec<usize> {
        let n = self.output_width();
        trace
            .logits()
            .chunks(n)
            .take(rows)
            .map(|row| {
                let mut best = 0;
                for (j, v) in row.iter().enumerate() {
                    if *v > row[best] {
                        best = j;
                    }
                }
                best
            })
            .collect()
    }
}

/// Largest |value| of each range-checked tensor over a trace.
fn magnitudes(q: &QuantizedMlp, trace: &IntTrace) -> Vec<(String, i64)> {
    let max = |v: &[i64]| v.iter().map(|x| x.abs()).max().unwrap_or(0);
    let mut out = vec![("input".to_string(), max(&trace.input))];
    for (l, t) in q.layers.iter().zip(&trace.layers) {
        out.push((format!("{}.weight", l.name), max(&l.weight)));
        out.push((format!("{}.bias", l.name), max(&l.bias[..l.real_n])));
        let real: Vec<i64> =
            t.y.chunks(l.n)
                .flat_map(|row| row[..l.real_n].to_vec())
                .collect();
        out.push((format!("{}.pre_activation", l.name), max(&real)));
    }
    out
}

/// Picks scale and bit bound from sample inputs (see the module doc) and reports the error.
pub fn calibrate(
    model: &Model,
    samples: &Tensor,
    opts: CalibrationOptions,
) -> Result<(QuantizedMlp, CalibrationReport), Error> {
    let float = model.eval(samples)?;
    let rows = samples.len() / samples.shape.last().copied().unwrap_or(1).max(1);
    let float_argmax = float.argmax_rows();
    let classes = float.shape.last().copied().unwrap_or(1);
    let mut best: Option<(QuantizedMlp, CalibrationReport)> = None;
    for scale in opts.scales.0..=opts.scales.1 {
        // First pass with a generous bound to measure magnitudes, then the tight bound.
        let wide = QuantizedMlp::quantize(model, scale, 40)?;
        let (m, input) = wide.quantize_input(samples)?;
        let trace = wide.forward(m, input.clone())?;
        let max_abs = magnitudes(&wide, &trace);
        let peak = max_abs.iter().map(|(_, v)| *v).max().unwrap_or(0);
        let bits = (64 - (peak as u64).leading_zeros()) + 2;
        if bits > opts.max_bits {
            continue;
        }
        let q = QuantizedMlp::quantize(model, scale, bits.max(scale + 2))?;
        let trace = q.forward(m, input)?;
        let pred = q.predictions(&trace, rows);
        let agree = pred
            .iter()
            .zip(&float_argmax)
            .filter(|(a, b)| a == b)
            .count();
        let n = q.output_width();
        let mut err = 0f64;
        for (i, row) in float.data.chunks(classes).enumerate() {
            for (j, v) in row.iter().enumerate() {
                let qv = trace.logits()[i * n + j] as f64 / f64::powi(2.0, scale as i32);
                err = err.max((qv - f64::from(*v)).abs());
            }
        }
        let report = CalibrationReport {
            scale,
            bits: q.bits,
            max_abs,
            max_logit_error: err,
            argmax_agreement: agree as f64 / rows.max(1) as f64,
        };
        let done = report.argmax_agreement >= opts.agreement;
        if best
            .as_ref()
            .is_none_or(|(_, b)| report.argmax_agreement > b.argmax_agreement)
        {
            best = Some((q, report));
        }
        if done {
            break;
        }
    }
    best.ok_or_else(|| {
        Error::InvalidStatement(format!(
            "no scale in 2^{}..=2^{} keeps every value within {} bits; allow more bits",
            opts.scales.0, opts.scales.1, opts.max_bits
        ))
    })
}
