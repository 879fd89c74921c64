//! The model IR: a topologically ordered list of nodes over numbered values, with the
//! operators zkmodel can prove. Constant operands (weights, biases, BatchNormalization folded
//! into the preceding layer) are stored inside the ops; values are the dynamic tensors.

use super::tensor::Tensor;
use crate::error::Error;

/// Index of a dynamic value (the model input or a node output).
pub type ValueId = usize;

/// A provable operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// y = x·W (+ b): x [.., k], W [k, n], b [n]. Gemm and MatMul with constant weights.
    Dense {
        /// Weight, k×n (any transpose and alpha already applied).
        weight: Tensor,
        /// Bias of length n (beta already applied).
        bias: Option<Tensor>,
    },
    /// y = x + c for a constant c broadcast over leading dimensions.
    AddConst {
        /// The constant; its shape is a suffix of x's shape.
        constant: Tensor,
    },
    /// y = a + b for two values of one shape.
    Add,
    /// y = [a | b] along `axis` (negative counts from the end), for two values whose other
    /// dimensions agree. ONNX `Concat` of more inputs imports as a chain of these.
    Concat {
        /// The axis, as ONNX states it.
        axis: i64,
    },
    /// max(x, 0).
    Relu,
    /// An elementwise nonlinearity proven by table lookup: sigmoid, tanh, LeakyReLU, Clip
    /// (ReLU6, Hardtanh), GELU.
    Activation(crate::lookup::TableFn),
    /// 2-D convolution, NCHW, no dilation, one group.
    Conv2d {
        /// [out channels, in channels, kh, kw].
        weight: Tensor,
        /// [out channels] (zeros when the ONNX node had none).
        bias: Tensor,
        /// (stride h, stride w).
        stride: [usize; 2],
        /// (top, left, bottom, right) zero padding.
        pads: [usize; 4],
    },
    /// Average pooling, NCHW, dividing by the whole window's size (padding counted as zeros:
    /// ONNX `count_include_pad = 1`, PyTorch's default).
    AvgPool2d {
        /// (kh, kw).
        kernel: [usize; 2],
        /// (sh, sw).
        stride: [usize; 2],
        /// (top, left, bottom, right) zero padding.
        pads: [usize; 4],
    },
    /// The mean of each channel over the whole image (ONNX GlobalAveragePool), NCHW → NC11.
    GlobalAvgPool,
    /// Max pooling, NCHW; padded positions never win (ONNX pads with −∞).
    MaxPool2d {
        /// (kh, kw).
        kernel: [usize; 2],
        /// (sh, sw).
        stride: [usize; 2],
        /// (top, left, bottom, right) padding.
        pads: [usize; 4],
    },
    /// Flattens to 2-D at `axis`.
    Flatten {
        /// Dimensions before `axis` become rows.
        axis: usize,
    },
    /// Reshape (0 copies a dimension, −1 is inferred).
    Reshape {
        /// Target shape as ONNX states it.
        shape: Vec<i64>,
    },
    /// Softmax over the last axis.
    Softmax,
    /// Index of the maximum over the last axis (as a float value).
    ArgMax {
        /// Keep the reduced axis with size 1.
        keepdims: bool,
    },
}

impl Op {
    /// Short name for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Dense { .. } => "Dense",
            Op::AddConst { .. } => "AddConst",
            Op::Add => "Add",
            Op::Concat { .. } => "Concat",
            Op::Relu => "Relu",
            Op::Activation(f) => match f {
                crate::lookup::TableFn::Sigmoid => "Sigmoid",
                crate::lookup::TableFn::Tanh => "Tanh",
                crate::lookup::TableFn::LeakyRelu { .. } => "LeakyRelu",
                crate::lookup::TableFn::Clip { .. } => "Clip",
                crate::lookup::TableFn::Gelu => "Gelu",
            },
            Op::Conv2d { .. } => "Conv2d",
            Op::AvgPool2d { .. } => "AvgPool2d",
            Op::GlobalAvgPool => "GlobalAvgPool",
            Op::MaxPool2d { .. } => "MaxPool2d",
            Op::Flatten { .. } => "Flatten",
            Op::Reshape { .. } => "Reshape",
            Op::Softmax => "Softmax",
            Op::ArgMax { .. } => "ArgMax",
        }
    }
}

/// One layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The ONNX node name (for messages).
    pub name: String,
    /// The operator.
    pub op: Op,
    /// Dynamic inputs.
    pub inputs: Vec<ValueId>,
    /// The output value.
    pub output: ValueId,
}

/// An imported model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Names of values, indexed by [`ValueId`].
    pub value_names: Vec<String>,
    /// The model input.
    pub input: ValueId,
    /// Input shape; `None` for the dynamic batch dimension.
    pub input_shape: Vec<Option<usize>>,
    /// Nodes in topological order.
    pub nodes: Vec<Node>,
    /// The model output.
    pub output: ValueId,
    /// A classifier label head the importer left out (it is not proven), if the graph had one.
    pub label_head: Option<super::onnx::LabelHead>,
}

fn bad(node: &Node, reason: String) -> Error {
    Error::OnnxNode {
        node: node.name.clone(),
        op_type: node.op.kind().into(),
        reason,
    }
}

impl Model {
    /// Float reference evaluation on a batch.
    pub fn eval(&self, input: &Tensor) -> Result<Tensor, Error> {
        if input.shape.len() != self.input_shape.len() {
            return Err(Error::StatementShape {
                what: "input dimensions (the model's input rank)",
                expected: self.input_shape.len(),
                actual: input.shape.len(),
            });
        }
        for (d, e) in input.shape.iter().zip(&self.input_shape) {
            if let Some(e) = e
                && e != d
            {
                return Err(Error::StatementShape {
                    what: "input dimension (fixed by the model)",
                    expected: *e,
                    actual: *d,
                });
            }
        }
        let mut values: Vec<Option<Tensor>> = vec![None; self.value_names.len()];
        values[self.input] = Some(input.clone());
        for node in &self.nodes {
            let args: Vec<&Tensor> = node
                .inputs
                .iter()
                .map(|v| {
                    values
                        .get(*v)
                        .and_then(Option::as_ref)
                        .ok_or_else(|| bad(node, format!("input value {v} not computed")))
                })
                .collect::<Result<_, _>>()?;
            let out = eval_node(node, &args)?;
            values[node.output] = Some(out);
        }
        values
            .swap_remove(self.output)
            .ok_or_else(|| Error::OnnxMalformed {
                reason: "output never computed".into(),
            })
    }
}

fn eval_node(node: &Node, args: &[&Tensor]) -> Result<Tensor, Error> {
    let x = args.first().ok_or_else(|| bad(node, "no input".into()))?;
    match &node.op {
        Op::Dense { weight, bias } => {
            let (k, n) = (weight.shape[0], weight.shape[1]);
            if x.shape.last() != Some(&k) {
                return Err(bad(
                    node,
                    format!("input {:?} does not end in {k}", x.shape),
                ));
            }
            let mut out = Vec::with_capacity(x.len() / k * n);
            for row in x.data.chunks(k) {
                for j in 0..n {
                    let mut acc = bias.as_ref().map_or(0.0, |b| b.data[j]);
                    for (i, xv) in row.iter().enumerate() {
                        acc += xv * weight.data[i * n + j];
                    }
                    out.push(acc);
                }
            }
            let mut shape = x.shape.clone();
            *shape.last_mut().unwrap_or(&mut 0) = n;
            Tensor::new(shape, out)
        }
        Op::AddConst { constant } => {
            if !x.shape.ends_with(&constant.shape) {
                return Err(bad(
                    node,
                    format!(
                        "constant {:?} does not broadcast to {:?}",
                        constant.shape, x.shape
                    ),
                ));
            }
            let m = constant.len().max(1);
            Tensor::new(
                x.shape.clone(),
                x.data
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v + constant.data[i % m])
                    .collect(),
            )
        }
        Op::Add => {
            let y = args
                .get(1)
                .ok_or_else(|| bad(node, "Add needs two inputs".into()))?;
            if x.shape != y.shape {
                return Err(bad(
                    node,
                    format!("shapes {:?} and {:?} differ", x.shape, y.shape),
                ));
            }
            Tensor::new(
                x.shape.clone(),
                x.data.iter().zip(&y.data).map(|(a, b)| a + b).collect(),
            )
        }
        Op::Concat { axis } => {
            let y = args
                .get(1)
                .ok_or_else(|| bad(node, "Concat needs two inputs".into()))?;
            concat(node, x, y, *axis)
        }
        Op::Relu => Tensor::new(x.shape.clone(), x.data.iter().map(|v| v.max(0.0)).collect()),
        Op::Activation(f) => Tensor::new(
            x.shape.clone(),
            x.data
                .iter()
                .map(|v| f.apply(f64::from(*v)) as f32)
                .collect(),
        ),
        Op::Conv2d {
            weight,
            bias,
            stride,
            pads,
        } => conv2d(node, x, weight, bias, *stride, *pads),
        Op::AvgPool2d {
            kernel,
            stride,
            pads,
        } => pool(node, x, *kernel, *stride, *pads, false),
        Op::GlobalAvgPool => match x.shape[..] {
            [_, _, h, w] => pool(node, x, [h, w], [1, 1], [0; 4], false),
            _ => Err(bad(node, format!("input {:?} is not NCHW", x.shape))),
        },
        Op::MaxPool2d {
            kernel,
            stride,
            pads,
        } => pool(node, x, *kernel, *stride, *pads, true),
        Op::Flatten { axis } => {
            let a = (*axis).min(x.shape.len());
            let rows: usize = x.shape[..a].iter().product();
            Tensor::new(vec![rows, x.len() / rows.max(1)], x.data.clone())
        }
        Op::Reshape { shape } => {
            let mut out: Vec<usize> = Vec::with_capacity(shape.len());
            let mut infer = None;
            for (i, d) in shape.iter().enumerate() {
                match *d {
                    0 => out.push(
                        *x.shape
                            .get(i)
                            .ok_or_else(|| bad(node, "0 refers past the input rank".into()))?,
                    ),
                    -1 => {
                        infer = Some(i);
                        out.push(1);
                    }
                    d if d > 0 => out.push(d as usize),
                    d => return Err(bad(node, format!("dimension {d}"))),
                }
            }
            if let Some(i) = infer {
                let known: usize = out.iter().product();
                out[i] = x.len() / known.max(1);
            }
            Tensor::new(out, x.data.clone())
        }
        Op::Softmax => {
            let c = x.shape.last().copied().unwrap_or(1).max(1);
            let mut out = Vec::with_capacity(x.len());
            for row in x.data.chunks(c) {
                let m = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let e: Vec<f32> = row.iter().map(|v| (v - m).exp()).collect();
                let s: f32 = e.iter().sum();
                out.extend(e.iter().map(|v| v / s));
            }
            Tensor::new(x.shape.clone(), out)
        }
        Op::ArgMax { keepdims } => {
            let idx: Vec<f32> = x.argmax_rows().into_iter().map(|i| i as f32).collect();
            let mut shape = x.shape.clone();
            if *keepdims {
                *shape.last_mut().unwrap_or(&mut 0) = 1;
            } else {
                shape.pop();
            }
            Tensor::new(shape, idx)
        }
    }
}

/// [x | y] along `axis`: per index of the dimensions before it, x's block then y's.
fn concat(node: &Node, x: &Tensor, y: &Tensor, axis: i64) -> Result<Tensor, Error> {
    let rank = x.shape.len();
    let a = usize::try_from(if axis < 0 { axis + rank as i64 } else { axis })
        .ok()
        .filter(|a| *a < rank)
        .ok_or_else(|| bad(node, format!("axis {axis} of a rank-{rank} tensor")))?;
    let same_but_axis =
        y.shape.len() == rank && (0..rank).all(|d| d == a || x.shape[d] == y.shape[d]);
    if !same_but_axis {
        return Err(bad(
            node,
            format!("shapes {:?} and {:?} differ off axis {a}", x.shape, y.shape),
        ));
    }
    let outer: usize = x.shape[..a].iter().product();
    let (bx, by) = (x.len() / outer.max(1), y.len() / outer.max(1));
    let mut data = Vec::with_capacity(x.len() + y.len());
    for i in 0..outer {
        data.extend_from_slice(&x.data[i * bx..(i + 1) * bx]);
        data.extend_from_slice(&y.data[i * by..(i + 1) * by]);
    }
    let mut shape = x.shape.clone();
    shape[a] += y.shape[a];
    Tensor::new(shape, data)
}

fn conv2d(
    node: &Node,
    x: &Tensor,
    w: &Tensor,
    b: &Tensor,
    s: [usize; 2],
    p: [usize; 4],
) -> Result<Tensor, Error> {
    let [n, c, h, wd] = x.shape[..] else {
        return Err(bad(node, format!("input {:?} is not NCHW", x.shape)));
    };
    let [oc, ic, kh, kw] = w.shape[..] else {
        return Err(bad(node, "weight is not 4-D".into()));
    };
    if ic != c {
        return Err(bad(
            node,
            format!("input has {c} channels, weight expects {ic}"),
        ));
    }
    let oh = (h + p[0] + p[2] - kh) / s[0] + 1;
    let ow = (wd + p[1] + p[3] - kw) / s[1] + 1;
    let mut out = vec![0f32; n * oc * oh * ow];
    for bi in 0..n {
        for o in 0..oc {
            for y in 0..oh {
                for xo in 0..ow {
                    let mut acc = b.data[o];
                    for ci in 0..c {
                        for dy in 0..kh {
                            for dx in 0..kw {
                                let iy = (y * s[0] + dy) as isize - p[0] as isize;
                                let ix = (xo * s[1] + dx) as isize - p[1] as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                                    continue;
                                }
                                let xv =
                                    x.data[((bi * c + ci) * h + iy as usize) * wd + ix as usize];
                                acc += xv * w.data[((o * ic + ci) * kh + dy) * kw + dx];
                            }
                        }
                    }
                    out[((bi * oc + o) * oh + y) * ow + xo] = acc;
                }
            }
        }
    }
    Tensor::new(vec![n, oc, oh, ow], out)
}

fn pool(
    node: &Node,
    x: &Tensor,
    k: [usize; 2],
    s: [usize; 2],
    pads: [usize; 4],
    max: bool,
) -> Result<Tensor, Error> {
    let [n, c, h, w] = x.shape[..] else {
        return Err(bad(node, format!("input {:?} is not NCHW", x.shape)));
    };
    let (ph, pw) = (h + pads[0] + pads[2], w + pads[1] + pads[3]);
    if k[0] > ph || k[1] > pw {
        return Err(bad(node, format!("kernel {k:?} larger than input {h}×{w}")));
    }
    let oh = (ph - k[0]) / s[0] + 1;
    let ow = (pw - k[1]) / s[1] + 1;
    let mut out = Vec::with_capacity(n * c * oh * ow);
    for plane in x.data.chunks(h * w) {
        for y in 0..oh {
            for xo in 0..ow {
                let vals = (0..k[0]).flat_map(|dy| {
                    (0..k[1]).filter_map(move |dx| {
                        let sy = (y * s[0] + dy).checked_sub(pads[0]).filter(|v| *v < h)?;
                        let sx = (xo * s[1] + dx).checked_sub(pads[1]).filter(|v| *v < w)?;
                        Some(plane[sy * w + sx])
                    })
                });
                out.push(if max {
                    vals.fold(f32::NEG_INFINITY, f32::max)
                } else {
                    vals.sum::<f32>() / (k[0] * k[1]) as f32
                });
            }
        }
    }
    Tensor::new(vec![n, c, oh, ow], out)
}
