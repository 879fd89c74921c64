//! Lookup tables: the range [0, 2^bits) (MLE Σ_j 2^j x_j, O(bits)) and fixed-point function
//! tables of (x, f(x)) pairs over the signed b-bit inputs, folded with a challenge α as
//! x + α·f(x). A function table's MLE is (Σ_j 2^j x_j − 2^(b−1)) + α·F̃(x), where F̃ is the MLE
//! of the 2^b quantized outputs; the verifier evaluates it directly in O(2^b) (b ≤
//! [`MAX_FUNCTION_BITS`]), which the circuit pays in constant multiplications.

use crate::field::FieldOps;
use crate::field::encoding::from_i128;
use crate::poly::mle::evaluate_public;
use ark_bn254::Fr;

/// Largest table the protocol accepts, as log2 of its size.
pub const MAX_TABLE_BITS: usize = 24;
/// Largest function table, as log2 of its size (its MLE is evaluated entry by entry).
pub const MAX_FUNCTION_BITS: usize = 14;

/// A real parameter of a table function (a slope, a bound), kept as its f32 bits so that
/// functions compare, hash and enter the statement exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Real(u32);

impl Real {
    /// The parameter `v` as ONNX stores it (f32).
    pub fn new(v: f32) -> Self {
        Self(v.to_bits())
    }
    /// Its value.
    pub fn get(self) -> f64 {
        f64::from(self.as_f32())
    }
    /// Its value as stored.
    pub fn as_f32(self) -> f32 {
        f32::from_bits(self.0)
    }
}

/// A nonlinear function proven by table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TableFn {
    /// 1 / (1 + e^−x).
    Sigmoid,
    /// tanh x.
    Tanh,
    /// x for x ≥ 0, alpha·x below.
    LeakyRelu {
        /// The negative slope.
        alpha: Real,
    },
    /// x clamped to [min, max] (ReLU6, Hardtanh).
    Clip {
        /// Lower bound.
        min: Real,
        /// Upper bound.
        max: Real,
    },
    /// x·Φ(x) = ½·x·(1 + erf(x/√2)), PyTorch's exact GELU.
    Gelu,
}

impl TableFn {
    /// f at a real x.
    pub fn apply(self, r: f64) -> f64 {
        match self {
            TableFn::Sigmoid => 1.0 / (1.0 + (-r).exp()),
            TableFn::Tanh => r.tanh(),
            TableFn::LeakyRelu { alpha } => {
                if r >= 0.0 {
                    r
                } else {
                    alpha.get() * r
                }
            }
            TableFn::Clip { min, max } => r.max(min.get()).min(max.get()),
            TableFn::Gelu => 0.5 * r * (1.0 + libm::erf(r / std::f64::consts::SQRT_2)),
        }
    }

    /// f(x) at fixed point: round(f(x / 2^s) · 2^s) for the integer x. Against the float
    /// function at the same (quantized) input the error is at most half a unit, 2^−(s+1).
    pub fn quantized(self, x: i64, scale: u32) -> i64 {
        let unit = f64::powi(2.0, scale as i32);
        (self.apply(x as f64 / unit) * unit).round() as i64
    }

    /// Words identifying the function in the statement: its code, then its parameters.
    fn words(self) -> Vec<u64> {
        match self {
            TableFn::Sigmoid => vec![1],
            TableFn::Tanh => vec![2],
            TableFn::LeakyRelu { alpha } => vec![3, u64::from(alpha.0)],
            TableFn::Clip { min, max } => vec![4, u64::from(min.0), u64::from(max.0)],
            TableFn::Gelu => vec![5],
        }
    }

    /// Short name with parameters, for descriptions and messages.
    pub fn name(self) -> String {
        match self {
            TableFn::Sigmoid => "sigmoid".into(),
            TableFn::Tanh => "tanh".into(),
            TableFn::LeakyRelu { alpha } => format!("leakyrelu({})", alpha.as_f32()),
            TableFn::Clip { min, max } => format!("clip({},{})", min.as_f32(), max.as_f32()),
            TableFn::Gelu => "gelu".into(),
        }
    }
}

/// A lookup table whose MLE the verifier evaluates itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// The integers [0, 2^bits).
    Range {
        /// log2 of the table size, 1..=[`MAX_TABLE_BITS`].
        bits: usize,
    },
    /// Pairs (x, f(x)) for the signed integers x ∈ [−2^(bits−1), 2^(bits−1)).
    Function {
        /// log2 of the table size, 2..=[`MAX_FUNCTION_BITS`].
        bits: usize,
        /// The function.
        f: TableFn,
        /// The fixed-point scale exponent.
        scale: u32,
    },
    /// The chunk tables of the fixed-point softmax in one table: entry 16·c + v is the pair
    /// (16·c + v, round(e^{−v·16^c / 2^s}·2^s)) for chunk c < `chunks` and v ∈ [0, 16). An
    /// exponent split in 4-bit chunks is a product of these; chunk c's column is looked up
    /// with offset 16·c, so one lookup serves every chunk. The lookup does not confine a
    /// column to its own chunk's 16 entries: callers range-check each chunk to [0, 16).
    ExpChunks {
        /// Number of 4-bit chunks (a power of two).
        chunks: u32,
        /// The fixed-point scale exponent.
        scale: u32,
    },
}

/// round(e^{−v·16^chunk / 2^s} · 2^s): entry v of the exponential chunk table.
pub fn exp_chunk(chunk: u32, v: i64, scale: u32) -> i64 {
    let unit = f64::powi(2.0, scale as i32);
    let arg = v as f64 * 16f64.powi(chunk as i32) / unit;
    ((-arg).exp() * unit).round() as i64
}

impl Table {
    /// log2 of the table size.
    pub fn bits(&self) -> usize {
        match self {
            Table::Range { bits } | Table::Function { bits, .. } => *bits,
            Table::ExpChunks { chunks, .. } => 4 + chunks.trailing_zeros() as usize,
        }
    }

    /// Whether entries are (x, f(x)) pairs.
    pub fn is_pair(&self) -> bool {
        matches!(self, Table::Function { .. } | Table::ExpChunks { .. })
    }

    /// Whether the size is within the protocol's limits.
    pub fn is_supported(&self) -> bool {
        match self {
            Table::Range { bits } => (1..=MAX_TABLE_BITS).contains(bits),
            Table::Function { bits, scale, .. } => {
                (2..=MAX_FUNCTION_BITS).contains(bits) && *scale <= 30
            }
            Table::ExpChunks { chunks, scale } => {
                chunks.is_power_of_two() && *chunks <= 8 && *scale <= 30
            }
        }
    }

    /// The offset of the first component: function tables are over signed inputs.
    fn half(&self) -> i64 {
        match self {
            Table::Function { .. } => 1i64 << (self.bits().saturating_sub(1)),
            _ => 0,
        }
    }

    /// f(x) of entry j (function tables).
    fn output(&self, j: usize) -> i64 {
        match self {
            Table::Range { .. } => 0,
            Table::Function { f, scale, .. } => f.quantized(j as i64 - self.half(), *scale),
            Table::ExpChunks { scale, .. } => exp_chunk((j / 16) as u32, (j % 16) as i64, *scale),
        }
    }

    /// Index of the entry `v` (with its pair `w` for function tables), if present.
    pub fn index_of(&self, v: &Fr, w: Option<&Fr>) -> Option<usize> {
        match self {
            Table::Range { bits } => crate::field::encoding::to_u64(v)
                .filter(|x| *x < (1u64 << bits) && w.is_none())
                .map(|x| x as usize),
            Table::ExpChunks { .. } => {
                let x =
                    crate::field::encoding::to_u64(v).filter(|x| *x < 1 << self.bits())? as usize;
                let fx = from_i128(i128::from(self.output(x)));
                (w? == &fx).then_some(x)
            }
            Table::Function { bits, .. } => {
                let x = crate::field::encoding::to_i128(v, *bits as u32).ok()?;
                let j = usize::try_from(x + i128::from(self.half())).ok()?;
                let fx = from_i128(i128::from(self.output(j)));
                (w? == &fx).then_some(j)
            }
        }
    }

    /// The j-th entry, folded with α for function tables.
    pub fn entry(&self, j: usize, alpha: Fr) -> Fr {
        match self {
            Table::Range { .. } => Fr::from(j as u64),
            Table::Function { .. } | Table::ExpChunks { .. } => {
                from_i128(i128::from(j as i64 - self.half()))
                    + alpha * from_i128(i128::from(self.output(j)))
            }
        }
    }

    /// t̃(x) (generic: runs in-circuit); α folds function tables.
    pub fn evaluate<F: FieldOps>(&self, point: &[F], alpha: &F) -> F {
        let index = point.iter().enumerate().fold(F::zero(), |acc, (j, x)| {
            acc.add(&x.mul_const(Fr::from(1u64 << j)))
        });
        match self {
            Table::Range { .. } => index,
            Table::Function { .. } | Table::ExpChunks { .. } => {
                let outputs: Vec<Fr> = (0..1usize << self.bits())
                    .map(|j| from_i128(i128::from(self.output(j))))
                    .collect();
                index
                    .add_const(-Fr::from(self.half() as u64))
                    .add(&alpha.mul(&evaluate_public(&outputs, point)))
            }
        }
    }

    /// Words that identify the table in the statement.
    pub(crate) fn parameters(&self) -> Vec<u64> {
        match self {
            Table::Range { bits } => vec![1, *bits as u64],
            // The function's code before the scale, its parameters (if any) after it.
            Table::Function { bits, f, scale } => {
                let words = f.words();
                let mut out = vec![2, *bits as u64];
                out.extend(words.first());
                out.push(u64::from(*scale));
                out.extend(words.iter().skip(1));
                out
            }
            Table::ExpChunks { chunks, scale } => vec![3, u64::from(*chunks), u64::from(*scale)],
        }
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Table::Range { bits } => write!(f, "range [0, 2^{bits})"),
            Table::Function {
                bits,
                f: func,
                scale,
            } => write!(
                f,
                "{} at scale 2^{scale} on signed {bits}-bit inputs",
                func.name()
            ),
            Table::ExpChunks { chunks, scale } => {
                write!(f, "{chunks} exp chunks at scale 2^{scale}")
            }
        }
    }
}
