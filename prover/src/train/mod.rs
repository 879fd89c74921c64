//! Deterministic quantized training of MLPs (Dense + ReLU layers) by mini-batch SGD, with the
//! exact integer semantics a training proof certifies (DESIGN §9), and a float reference.
//!
//! One step on batch t (rows [(t mod N/B)·B, …) of the committed training set — contiguous
//! batches, epochs repeating) at scale 2^s, batch B = 2^k, learning rate η = η_num / 2^lr_shift:
//! - forward exactly as inference ([`crate::graph::quant`]): P = A·W + 2^s·B, Y = ⌊P/2^s⌋,
//!   A = max(Y, 0) on hidden layers, logits L on the last;
//! - loss gradient G (scale 2^s) on the real classes: softmax(L) − onehot for cross-entropy
//!   (the fixed-point softmax of [`softmax`]), L − onehot for mean squared error; 0 on padded
//!   classes, so padded weights and biases never move;
//! - backward, every rescale rounding to nearest (⌊(x + 2^(sh−1))/2^sh⌋):
//!   ΔW = round(η_num·(Aᵀ·G) / 2^(s + lr_shift + k)), ΔB = round(η_num·Σ_rows G /
//!   2^(lr_shift + k)), and for the layer below G′ = round(G·Wᵀ / 2^s) ⊙ [Y > 0] (with W before
//!   its update);
//! - update W ← W − ΔW, B ← B − ΔB. Every weight must stay a signed `bits`-bit integer.

pub mod float;
pub mod softmax;

use crate::error::Error;
use crate::graph::quant::{InputShape, QDense, QLayer, QuantizedModel};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The training loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Softmax cross-entropy (fixed-point softmax).
    CrossEntropy,
    /// Mean squared error on the logits.
    MeanSquaredError,
}

/// Public hyperparameters of a training run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    fn log_batch(&self) -> Result<u32, Error> {
        if self.batch.is_power_of_two() && self.batch > 0 {
            Ok(self.batch.trailing_zeros())
        } else {
            Err(Error::InvalidStatement(format!(
                "batch size {} is not a power of two",
                self.batch
            )))
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
    if widths.len() < 2 || widths.contains(&0) || scale + 2 > bits {
        return Err(Error::InvalidStatement(format!(
            "MLP widths {widths:?} at scale 2^{scale} with {bits} bits"
        )));
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
    })
}

/// What one step computed (the witness a training proof commits per iteration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepTrace {
    /// The batch's rows in the training set.
    pub rows: std::ops::Range<usize>,
    /// Loss gradient at the logits (B × classes, scale 2^s).
    pub logit_grad: Vec<i64>,
}

fn dense_layers(q: &QuantizedModel) -> Result<Vec<&QDense>, Error> {
    q.layers
        .iter()
        .map(|l| match l {
            QLayer::Dense(d) if d.table.is_none() => Ok(d),
            other => Err(Error::Unprovable {
                node: other.name().into(),
                op: "layer".into(),
                reason: "training supports Dense + ReLU layers only".into(),
            }),
        })
        .collect()
}

/// ⌊(x + 2^(sh−1)) / 2^sh⌋: rescaling to nearest (ties up), so updates carry no systematic
/// drift; provable as a floor rescale of x plus a public constant.
fn round_shift(x: i64, sh: u32) -> i64 {
    if sh == 0 {
        x
    } else {
        (x + (1i64 << (sh - 1))) >> sh
    }
}

/// One SGD step on a batch (B × padded input width, quantized) with its labels; updates `q`.
pub fn step(
    q: &mut QuantizedModel,
    cfg: &TrainConfig,
    x: &[i64],
    labels: &[usize],
) -> Result<Vec<i64>, Error> {
    let k = cfg.log_batch()?;
    let b = cfg.batch;
    let s = q.scale;
    let tables = softmax::chunk_tables(s);
    let trace = q.forward(b, x.to_vec())?;
    let layers = dense_layers(q)?;
    let last = layers.len() - 1;
    let (c, real) = (layers[last].n, layers[last].real_n);
    // Loss gradient at the logits.
    let logits = trace.logits();
    let mut g = vec![0i64; b * c];
    for i in 0..b {
        let row = &logits[i * c..i * c + real];
        let target = labels.get(i).copied().unwrap_or(usize::MAX);
        let pred: Vec<i64> = match cfg.loss {
            Loss::CrossEntropy => softmax::softmax_row(row, s, &tables),
            Loss::MeanSquaredError => row.to_vec(),
        };
        for j in 0..real {
            g[i * c + j] = pred[j] - if j == target { 1i64 << s } else { 0 };
        }
    }
    let logit_grad = g.clone();
    let mut updates: Vec<(Vec<i64>, Vec<i64>)> = vec![(vec![], vec![]); layers.len()];
    for l in (0..layers.len()).rev() {
        let d = layers[l];
        let a: &[i64] = if l == 0 {
            &trace.input
        } else {
            trace.layers[l - 1].output()
        };
        let shift_w = s + cfg.lr_shift + k;
        let mut dw = vec![0i64; d.k * d.n];
        for kk in 0..d.k {
            for j in 0..d.n {
                let mut acc = 0i64;
                for i in 0..b {
                    acc += a[i * d.k + kk] * g[i * d.n + j];
                }
                dw[kk * d.n + j] = round_shift(cfg.lr_num * acc, shift_w);
            }
        }
        let db: Vec<i64> = (0..d.n)
            .map(|j| {
                let acc: i64 = (0..b).map(|i| g[i * d.n + j]).sum();
                round_shift(cfg.lr_num * acc, cfg.lr_shift + k)
            })
            .collect();
        if l > 0 {
            let below = &trace.layers[l - 1];
            let mut next = vec![0i64; b * d.k];
            for i in 0..b {
                for kk in 0..d.k {
                    let mut acc = 0i64;
                    for j in 0..d.n {
                        acc += g[i * d.n + j] * d.weight[kk * d.n + j];
                    }
                    let mask = i64::from(below.y[i * d.k + kk] > 0);
                    next[i * d.k + kk] = round_shift(acc, s) * mask;
                }
            }
            g = next;
        }
        updates[l] = (dw, db);
    }
    for (layer, (dw, db)) in q.layers.iter_mut().zip(updates) {
        if let QLayer::Dense(d) = layer {
            for (w, u) in d.weight.iter_mut().zip(dw) {
                *w -= u;
            }
            for (v, u) in d.bias.iter_mut().zip(db) {
                *v -= u;
            }
        }
    }
    q.check_weights()?;
    Ok(logit_grad)
}

/// Trains for `cfg.steps` steps on `x` (N × padded width, quantized; N a multiple of B) with
/// `labels`; batch t is rows [(t mod N/B)·B, …). Returns the final model and each step's
/// logit gradient.
pub fn train(
    mut q: QuantizedModel,
    cfg: &TrainConfig,
    x: &[i64],
    labels: &[usize],
) -> Result<(QuantizedModel, Vec<StepTrace>), Error> {
    let width = q.input.width();
    let n = labels.len();
    if n == 0 || !n.is_multiple_of(cfg.batch) || x.len() != n * width {
        return Err(Error::InvalidStatement(format!(
            "{n} training examples ({} values) for batches of {}",
            x.len(),
            cfg.batch
        )));
    }
    let batches = n / cfg.batch;
    let mut steps = Vec::with_capacity(cfg.steps);
    for t in 0..cfg.steps {
        let start = (t % batches) * cfg.batch;
        let rows = start..start + cfg.batch;
        let xb = &x[rows.start * width..rows.end * width];
        let grad = step(&mut q, cfg, xb, &labels[rows.clone()])?;
        steps.push(StepTrace {
            rows,
            logit_grad: grad,
        });
    }
    Ok((q, steps))
}
