//! Calibration: pick the scale and bit bound from sample inputs and report the error.

use super::{IntTrace, QLayer, QuantizedModel};
use crate::error::Error;
use crate::graph::ir::Model;
use crate::graph::tensor::Tensor;
use crate::lookup::MAX_FUNCTION_BITS;

/// Options for [`calibrate`].
#[derive(Clone, Copy, Debug)]
pub struct CalibrationOptions {
    /// Candidate scale exponents, tried in increasing order.
    pub scales: (u32, u32),
    /// The largest acceptable bit bound (the range table has 2^bits entries).
    pub max_bits: u32,
    /// Required share of samples whose quantized argmax equals the float argmax.
    pub agreement: f64,
    /// For a model ending in a Softmax: the largest acceptable |quantized − float|
    /// probability (the probabilities are its outputs; a scale whose argmax agrees may still
    /// round them coarsely).
    pub probability_error: f64,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        Self {
            scales: (4, 10),
            max_bits: 16,
            agreement: 0.995,
            probability_error: 0.02,
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
    /// Largest |quantized output − float output| over the samples (real units): logits, or
    /// the probabilities of a model ending in a Softmax.
    pub max_output_error: f64,
    /// Share of samples whose quantized argmax equals the float argmax.
    pub argmax_agreement: f64,
    /// Whether the outputs are a Softmax's probabilities.
    pub softmax: bool,
}

impl std::fmt::Display for CalibrationReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "scale 2^{} , bit bound {}: argmax agrees with float on {:.2}% of samples, \
             max {} error {:.4}",
            self.scale,
            self.bits,
            100.0 * self.argmax_agreement,
            if self.softmax { "probability" } else { "logit" },
            self.max_output_error
        )?;
        for (name, m) in &self.max_abs {
            writeln!(f, "  {name}: max |value| {m}")?;
        }
        Ok(())
    }
}

/// Largest |value| of each range-checked tensor over a trace.
fn magnitudes(q: &QuantizedModel, trace: &IntTrace) -> Vec<(String, i64)> {
    let max = |v: &[i64]| v.iter().map(|x| x.abs()).max().unwrap_or(0);
    let mut out = vec![("input".to_string(), max(&trace.input))];
    for (layer, t) in q.layers.iter().zip(&trace.layers) {
        match layer.dense() {
            Some(l) => {
                out.push((format!("{}.weight", l.name), max(&l.weight)));
                out.push((format!("{}.bias", l.name), max(&l.bias[..l.real_n])));
                let real: Vec<i64> =
                    t.y.chunks(l.n)
                        .flat_map(|row| row[..l.real_n].to_vec())
                        .collect();
                out.push((format!("{}.pre_activation", l.name), max(&real)));
            }
            None => {
                // A max pool's padded positions hold −2^(b−1) (no real tap): not a magnitude.
                let real: Vec<i64> = match layer {
                    QLayer::MaxPool(p) => {
                        let g = &p.geometry;
                        let (positions, wp) = (g.out_positions(), g.out_wp());
                        t.y.chunks(g.in_c)
                            .enumerate()
                            .filter(|(row, _)| {
                                let pos = row % positions;
                                pos / wp < g.out_h && pos % wp < g.out_w
                            })
                            .flat_map(|(_, v)| v.to_vec())
                            .collect()
                    }
                    _ => t.y.clone(),
                };
                out.push((format!("{}.output", layer.name()), max(&real)))
            }
        }
    }
    out
}

/// Picks scale and bit bound from sample inputs (see the module doc) and reports the error.
pub fn calibrate(
    model: &Model,
    samples: &Tensor,
    opts: CalibrationOptions,
) -> Result<(QuantizedModel, CalibrationReport), Error> {
    let float = model.eval(samples)?;
    let rows = samples.shape.first().copied().unwrap_or(0);
    let float_argmax = float.argmax_rows();
    let classes = float.shape.last().copied().unwrap_or(1);
    let mut best: Option<(QuantizedModel, CalibrationReport)> = None;
    for scale in opts.scales.0..=opts.scales.1 {
        // First pass with a generous bound to measure magnitudes, then the tight bound.
        let wide = QuantizedModel::quantize(model, scale, 40)?;
        let (m, input) = wide.quantize_input(samples)?;
        let trace = wide.forward(m, input.clone())?;
        let max_abs = magnitudes(&wide, &trace);
        let peak = max_abs.iter().map(|(_, v)| *v).max().unwrap_or(0);
        let bits = (64 - (peak as u64).leading_zeros()) + 2;
        // A function table has an entry per signed b-bit input: b ≤ 14.
        let tables = wide.layers.iter().any(|l| l.table().is_some());
        let mut limit = if tables {
            opts.max_bits.min(MAX_FUNCTION_BITS as u32)
        } else {
            opts.max_bits
        };
        // A Softmax output's logit gaps split into four 4-bit exponent chunks.
        if wide.softmax {
            limit = limit.min(super::SOFTMAX_MAX_BITS);
        }
        if bits > limit {
            continue;
        }
        let q = QuantizedModel::quantize(model, scale, bits.max(scale + 2))?;
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
                let qv = trace.outputs()[i * n + j] as f64 / f64::powi(2.0, scale as i32);
                err = err.max((qv - f64::from(*v)).abs());
            }
        }
        let report = CalibrationReport {
            scale,
            bits: q.bits,
            max_abs,
            max_output_error: err,
            argmax_agreement: agree as f64 / rows.max(1) as f64,
            softmax: q.softmax,
        };
        let done = report.argmax_agreement >= opts.agreement
            && (!q.softmax || report.max_output_error <= opts.probability_error);
        // Better agreement, or (a Softmax output) as good with closer probabilities.
        let better = |b: &CalibrationReport| {
            report.argmax_agreement > b.argmax_agreement
                || (q.softmax
                    && report.argmax_agreement == b.argmax_agreement
                    && report.max_output_error < b.max_output_error)
        };
        if best.as_ref().is_none_or(|(_, b)| better(b)) {
            best = Some((q, report));
        }
        if done {
            break;
        }
    }
    best.ok_or(Error::BlockShape {
        block: "calibration",
        reason: "no scale in the searched range keeps every value within the bit bound; allow \
                 more bits (a model with table activations — sigmoid, tanh, GELU, LeakyReLU, \
                 Clip, or an activation after a pool — is limited to 14, one ending in a \
                 Softmax to 16: export it without the Softmax to prove its logits instead)",
    })
}
