//! The float reference of [`super::train`]: the same initial weights, batches, loss and update
//! rule in f64, to measure what fixed point costs.

use super::{Loss, TrainConfig};
use crate::graph::quant::{QLayer, QuantizedModel, first_max};

/// A float MLP: per layer (k×n weights, n biases, ReLU).
#[derive(Clone, Debug, PartialEq)]
pub struct FloatMlp {
    /// (weights k×n, biases n, k, n, real_n, relu) per layer.
    pub layers: Vec<FloatDense>,
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

impl FloatMlp {
    /// The float model a quantized one stands for.
    pub fn from_quantized(q: &QuantizedModel) -> Self {
        let unit = f64::powi(2.0, q.scale as i32);
        let layers = q
            .layers
            .iter()
            .filter_map(|l| match l {
                QLayer::Dense(d) => Some(FloatDense {
                    weight: d.weight.iter().map(|w| *w as f64 / unit).collect(),
                    bias: d.bias.iter().map(|b| *b as f64 / unit).collect(),
                    k: d.k,
                    n: d.n,
                    real_n: d.real_n,
                    relu: d.relu,
                }),
                _ => None,
            })
            .collect();
        Self { layers }
    }

    /// Activations of every layer for `rows` inputs (rows × k₀).
    fn forward(&self, x: &[f64], rows: usize) -> Vec<Vec<f64>> {
        let mut acts = vec![x.to_vec()];
        for l in &self.layers {
            let a = acts.last().map_or(&[][..], Vec::as_slice);
            let mut out = vec![0.0; rows * l.n];
            for i in 0..rows {
                for j in 0..l.n {
                    let mut acc = l.bias[j];
                    for kk in 0..l.k {
                        acc += a[i * l.k + kk] * l.weight[kk * l.n + j];
                    }
                    out[i * l.n + j] = if l.relu { acc.max(0.0) } else { acc };
                }
            }
            acts.push(out);
        }
        acts
    }

    /// Argmax over the real classes for each row.
    pub fn predict(&self, x: &[f64], rows: usize) -> Vec<usize> {
        let acts = self.forward(x, rows);
        let Some(l) = self.layers.last() else {
            return vec![];
        };
        let logits = acts.last().map_or(&[][..], Vec::as_slice);
        (0..rows)
            .map(|i| {
                let row = &logits[i * l.n..i * l.n + l.real_n];
                first_max(row)
            })
            .collect()
    }

    /// One SGD step (same rule as the quantized trainer, in f64).
    pub fn step(&mut self, cfg: &TrainConfig, x: &[f64], labels: &[usize]) {
        let b = cfg.batch;
        let lr = cfg.lr_num as f64 / f64::powi(2.0, cfg.lr_shift as i32);
        let acts = self.forward(x, b);
        let Some(last) = self.layers.last() else {
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
            let l = &self.layers[li];
            let mut next = vec![0.0; if li > 0 { b * l.k } else { 0 }];
            if li > 0 {
                for i in 0..b {
                    for kk in 0..l.k {
                        let acc: f64 = (0..l.n)
                            .map(|j| g[i * l.n + j] * l.weight[kk * l.n + j])
                            .sum();
                        next[i * l.k + kk] = if a[i * l.k + kk] > 0.0 { acc } else { 0.0 };
                    }
                }
            }
            let l = &mut self.layers[li];
            for kk in 0..l.k {
                for j in 0..l.n {
                    let acc: f64 = (0..b).map(|i| a[i * l.k + kk] * g[i * l.n + j]).sum();
                    l.weight[kk * l.n + j] -= lr * acc / b as f64;
                }
            }
            for j in 0..l.n {
                let acc: f64 = (0..b).map(|i| g[i * l.n + j]).sum();
                l.bias[j] -= lr * acc / b as f64;
            }
            g = next;
        }
    }
}
