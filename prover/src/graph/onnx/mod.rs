//! ONNX import into the model IR.
//!
//! Parsing decodes the protobuf with prost messages for the subset of the ONNX schema we read
//! (`onnx_pb`; no inference engine in the prover's dependencies); the mapping to our operators
//! is our own, so every error can name the ONNX op type, the node and the attribute, and
//! nothing is silently rewritten. Supported:
//! Gemm, MatMul (constant weights), Add, Relu, Sigmoid, Tanh, LeakyRelu, Clip (ReLU6,
//! Hardtanh), Gelu (the operator, and the Erf subgraph exporters write: [`gelu`]), Conv (2-D,
//! strides, pads),
//! BatchNormalization (folded into the preceding Conv or Gemm), AveragePool, MaxPool,
//! Flatten, Reshape, Softmax and ArgMax (last axis); Identity and Cast to float32 are no-ops,
//! Constant nodes become constants. A classifier's label head (skl2onnx's ArgMax →
//! ArrayFeatureExtractor → Reshape → Cast and ZipMap) is recognised and left out: see [`head`].

mod constants;
mod gelu;
pub mod head;

use super::ir::{Model, Node, Op, ValueId};
use super::onnx_pb as pb;
use super::tensor::Tensor;
use crate::error::Error;
use crate::lookup::{Real, TableFn};
use constants::{Constants, FLOAT};
pub use head::LabelHead;
use prost::Message;
use std::collections::{HashMap, HashSet};

/// The operators the importer accepts (quoted in errors).
pub const SUPPORTED: &str = "Gemm, MatMul, Add, Relu, Sigmoid, Tanh, LeakyRelu, Clip, Gelu \
(or its Erf subgraph), Conv, BatchNormalization, \
AveragePool, GlobalAveragePool, MaxPool, Concat (channels or features), Flatten, Reshape, Softmax, ArgMax, Identity, Dropout \
(inference), Cast (to float32), Constant";

fn malformed(reason: impl Into<String>) -> Error {
    Error::OnnxMalformed {
        reason: reason.into(),
    }
}

/// Imports an ONNX model from its serialized bytes.
pub fn import(bytes: &[u8]) -> Result<Model, Error> {
    let proto = pb::ModelProto::decode(bytes)
        .map_err(|e| malformed(format!("not a valid ONNX protobuf ({e})")))?;
    let graph = proto
        .graph
        .as_ref()
        .ok_or_else(|| malformed("the model has no graph"))?;
    Importer::new(graph)?.run(graph)
}

/// Imports an ONNX model from a file.
pub fn import_path(path: &std::path::Path) -> Result<Model, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| malformed(format!("cannot read {}: {e}", path.display())))?;
    import(&bytes)
}

struct Importer {
    consts: Constants,
    value_ids: HashMap<String, ValueId>,
    value_names: Vec<String>,
    nodes: Vec<Node>,
    /// How many nodes read each value (BatchNormalization folding needs a single reader).
    readers: HashMap<String, usize>,
}

fn attr<'a>(node: &'a pb::NodeProto, name: &str) -> Option<&'a pb::AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn ints(node: &pb::NodeProto, name: &str) -> Option<Vec<i64>> {
    attr(node, name).map(|a| a.ints.clone())
}

fn int(node: &pb::NodeProto, name: &str, default: i64) -> i64 {
    attr(node, name).map_or(default, |a| a.i)
}

fn float(node: &pb::NodeProto, name: &str, default: f32) -> f32 {
    attr(node, name).map_or(default, |a| a.f)
}

pub(crate) fn node_name(node: &pb::NodeProto, index: usize) -> String {
    if node.name.is_empty() {
        format!("#{index} ({})", node.op_type)
    } else {
        node.name.clone()
    }
}

impl Importer {
    fn new(graph: &pb::GraphProto) -> Result<Self, Error> {
        let mut consts = Constants::default();
        for t in &graph.initializer {
            consts.insert(t)?;
        }
        // Graph outputs count as readers: a value the graph outputs cannot be folded away.
        let mut readers = HashMap::new();
        let read = graph.node.iter().flat_map(|n| &n.input);
        for i in read.chain(graph.output.iter().map(|o| &o.name)) {
            *readers.entry(i.clone()).or_insert(0) += 1;
        }
        Ok(Self {
            consts,
            value_ids: HashMap::new(),
            value_names: vec![],
            nodes: vec![],
            readers,
        })
    }

    fn value(&mut self, name: &str) -> ValueId {
        if let Some(id) = self.value_ids.get(name) {
            return *id;
        }
        self.value_names.push(name.to_string());
        self.value_ids
            .insert(name.to_string(), self.value_names.len() - 1);
        self.value_names.len() - 1
    }

    fn run(mut self, graph: &pb::GraphProto) -> Result<Model, Error> {
        let inputs: Vec<&pb::ValueInfoProto> = graph
            .input
            .iter()
            .filter(|i| !self.consts.contains(&i.name))
            .collect();
        let [input] = inputs.as_slice() else {
            return Err(malformed(format!(
                "expected exactly one non-constant graph input, found {}",
                inputs.len()
            )));
        };
        let input_shape = shape_of(input)?;
        let input_id = self.value(&input.name);
        let (mut skip, label_head) = match head::find(graph, &self.consts)? {
            Some((skip, h)) => (skip, Some(h)),
            None => (HashSet::new(), None),
        };
        let mut gelus = HashMap::new();
        for g in gelu::find(graph, &self.consts) {
            skip.extend(&g.skip);
            gelus.insert(g.at, g);
        }
        for (index, node) in graph.node.iter().enumerate() {
            if let Some(g) = gelus.get(&index) {
                let name = format!("{} (GELU)", node_name(node, index));
                let input = self.known(&g.input, &name, "Gelu")?;
                let output = self.value(&g.output);
                self.nodes.push(Node {
                    name,
                    op: Op::Activation(TableFn::Gelu),
                    inputs: vec![input],
                    output,
                });
            } else if !skip.contains(&index) {
                self.node(node, index)?;
            }
        }
        let outputs: Vec<&str> = graph
            .output
            .iter()
            .map(|o| o.name.as_str())
            .filter(|o| {
                label_head
                    .as_ref()
                    .is_none_or(|h| !h.outputs.iter().any(|h| h == o))
            })
            .collect();
        let output = match (outputs.as_slice(), &label_head) {
            ([output], _) => *output,
            ([], Some(h)) => h.scores.as_str(),
            _ => {
                return Err(malformed(format!(
                    "expected exactly one graph output, found {} ({})",
                    outputs.len(),
                    outputs.join(", ")
                )));
            }
        };
        let output_name = output;
        let output = *self.value_ids.get(output).ok_or_else(|| {
            malformed(format!(
                "graph output `{output}` is not produced by any node"
            ))
        })?;
        // What is proven must be what the label head labels: the same value (a final Softmax
        // belongs to both, since it keeps the argmax).
        if let Some(h) = &label_head
            && self.value_ids.get(&h.scores) != Some(&output)
        {
            return Err(malformed(format!(
                "the graph output `{output_name}` is not the scores `{}` its label head reads; the proof would not be about the labels the model outputs",
                h.scores
            )));
        }
        Ok(Model {
            value_names: self.value_names,
            input: input_id,
            input_shape,
            nodes: self.nodes,
            output,
            label_head,
        })
    }

    fn node(&mut self, node: &pb::NodeProto, index: usize) -> Result<(), Error> {
        let name = node_name(node, index);
        let err = |reason: String| Error::OnnxNode {
            node: name.clone(),
            op_type: node.op_type.clone(),
            reason,
        };
        if !node.domain.is_empty() && node.domain != "ai.onnx" {
            return Err(Error::OnnxUnsupported {
                op_type: format!("{}::{}", node.domain, node.op_type),
                node: name,
                supported: SUPPORTED,
            });
        }
        // Dropout's optional mask output is left undefined: a node reading it fails naming it.
        let out_name = match (node.op_type.as_str(), node.output.as_slice()) {
            (_, [out]) | ("Dropout", [out, _]) => out,
            (_, outputs) => {
                return Err(err(format!(
                    "has {} outputs; only single-output nodes are supported",
                    outputs.len()
                )));
            }
        };
        match node.op_type.as_str() {
            "Constant" => {
                let mut t = attr(node, "value")
                    .and_then(|a| a.t.clone())
                    .ok_or_else(|| err("only a tensor `value` attribute is supported".into()))?;
                t.name.clone_from(out_name);
                return self.consts.insert(&t);
            }
            "Identity" | "Cast" | "Dropout" => {
                if node.op_type == "Cast" && int(node, "to", 0) != i64::from(FLOAT) {
                    return Err(err(format!(
                        "casts to ONNX data type {}; only casts to float32 (1) are supported",
                        int(node, "to", 0)
                    )));
                }
                // Dropout is the identity at inference: refuse a training-mode flag that is
                // not a constant false, and a mask output something reads.
                let input = match (node.op_type.as_str(), node.input.as_slice()) {
                    ("Dropout", [input, rest @ ..]) => {
                        if let Some(flag) = rest.get(1).filter(|f| !f.is_empty()) {
                            match self.consts.ints(flag) {
                                Some([0]) => {}
                                _ => {
                                    return Err(err(
                                        "training_mode must be absent or a constant false; export the model in eval mode".into(),
                                    ));
                                }
                            }
                        }
                        input
                    }
                    (_, [input]) => input,
                    _ => return Err(err("expects one input".into())),
                };
                // A no-op: the output names the input's value.
                let id = self.known(input, &name, &node.op_type)?;
                self.value_ids.insert(out_name.clone(), id);
                return Ok(());
            }
            _ => {}
        }
        // Dynamic inputs and constant operands, in ONNX input order.
        let dynamic: Vec<&String> = node
            .input
            .iter()
            .filter(|i| !i.is_empty() && !self.consts.contains(i))
            .collect();
        if node.op_type == "Concat" {
            return self.concat(node, &name, &dynamic, out_name);
        }
        let constant = |k: usize| self.constant_input(node, k, &err);
        let op = match node.op_type.as_str() {
            "Gemm" => {
                if int(node, "transA", 0) != 0 {
                    return Err(err(
                        "transA = 1 is not supported; export with the input untransposed".into(),
                    ));
                }
                let (alpha, beta) = (float(node, "alpha", 1.0), float(node, "beta", 1.0));
                let b = constant(1)?;
                let [r, c] = b.shape[..] else {
                    return Err(err(format!("weight has shape {:?}, expected 2-D", b.shape)));
                };
                let weight = if int(node, "transB", 0) != 0 {
                    Tensor::new(
                        vec![c, r],
                        (0..c * r)
                            .map(|i| b.data[(i % r) * c + i / r] * alpha)
                            .collect(),
                    )?
                } else {
                    Tensor::new(vec![r, c], b.data.iter().map(|v| v * alpha).collect())?
                };
                let n = weight.shape[1];
                let bias = match node.input.get(2).filter(|s| !s.is_empty()) {
                    Some(_) => {
                        let t = constant(2)?;
                        if t.len() != n {
                            return Err(err(format!("bias of {} values for {n} outputs", t.len())));
                        }
                        Some(Tensor::new(
                            vec![n],
                            t.data.iter().map(|v| v * beta).collect(),
                        )?)
                    }
                    None => None,
                };
                Op::Dense { weight, bias }
            }
            "MatMul" => {
                let w = constant(1)?;
                if w.shape.len() != 2 {
                    return Err(err(format!(
                        "weight has shape {:?}; only constant 2-D weights are supported",
                        w.shape
                    )));
                }
                Op::Dense {
                    weight: w,
                    bias: None,
                }
            }
            "Add" => match dynamic.len() {
                2 => Op::Add,
                1 => {
                    let k = node
                        .input
                        .iter()
                        .position(|i| self.consts.contains(i))
                        .ok_or_else(|| err("no constant operand".into()))?;
                    let mut c = constant(k)?;
                    while c.shape.first() == Some(&1) && c.shape.len() > 1 {
                        c.shape.remove(0);
                    }
                    Op::AddConst { constant: c }
                }
                _ => {
                    return Err(err(
                        "Add of two constants should be folded before export".into()
                    ));
                }
            },
            "Relu" => Op::Relu,
            "Sigmoid" => Op::Activation(TableFn::Sigmoid),
            "Tanh" => Op::Activation(TableFn::Tanh),
            "LeakyRelu" => {
                let alpha = float(node, "alpha", 0.01);
                if !alpha.is_finite() {
                    return Err(err(format!("alpha = {alpha} is not a finite slope")));
                }
                Op::Activation(TableFn::LeakyRelu {
                    alpha: Real::new(alpha),
                })
            }
            "Gelu" => match attr(node, "approximate").map(|a| a.s.as_slice()) {
                None | Some(b"none") => Op::Activation(TableFn::Gelu),
                Some(other) => {
                    return Err(err(format!(
                        "approximate = \"{}\" is not supported; export the exact GELU \
                         (approximate = \"none\")",
                        String::from_utf8_lossy(other)
                    )));
                }
            },
            "Clip" => {
                // Opset 11 on: optional constant inputs 1 and 2; before: attributes.
                let bound = |k: usize, name: &str, default: f32| -> Result<f32, Error> {
                    if let Some(a) = attr(node, name) {
                        return Ok(a.f);
                    }
                    match node.input.get(k).filter(|s| !s.is_empty()) {
                        None => Ok(default),
                        Some(_) => {
                            let t = constant(k)?;
                            match t.data.as_slice() {
                                [v] => Ok(*v),
                                _ => Err(err(format!(
                                    "{name} has {} values; a scalar is required",
                                    t.len()
                                ))),
                            }
                        }
                    }
                };
                let (min, max) = (
                    bound(1, "min", f32::NEG_INFINITY)?,
                    bound(2, "max", f32::INFINITY)?,
                );
                if min.is_nan() || max.is_nan() || min > max {
                    return Err(err(format!("bounds [{min}, {max}] are not an interval")));
                }
                if min == 0.0 && max == f32::INFINITY {
                    Op::Relu
                } else {
                    Op::Activation(TableFn::Clip {
                        min: Real::new(min),
                        max: Real::new(max),
                    })
                }
            }
            "Conv" => {
                if ints(node, "dilations").is_some_and(|d| d.iter().any(|v| *v != 1)) {
                    return Err(err("dilations other than 1 are not supported".into()));
                }
                if int(node, "group", 1) != 1 {
                    return Err(err("grouped convolutions are not supported".into()));
                }
                if attr(node, "auto_pad").is_some_and(|a| !a.s.is_empty() && a.s != b"NOTSET") {
                    return Err(err("auto_pad is not supported; export explicit pads".into()));
                }
                let weight = constant(1)?;
                let [oc, _, _, _] = weight.shape[..] else {
                    return Err(err(format!(
                        "weight has shape {:?}; only 2-D convolutions are supported",
                        weight.shape
                    )));
                };
                let bias = match node.input.get(2).filter(|s| !s.is_empty()) {
                    Some(_) => constant(2)?,
                    None => Tensor::new(vec![oc], vec![0.0; oc])?,
                };
                let stride = pair(ints(node, "strides"), [1, 1])
                    .map_err(|r| err(format!("strides: {r}")))?;
                let pads = quad(ints(node, "pads")).map_err(|r| err(format!("pads: {r}")))?;
                Op::Conv2d {
                    weight,
                    bias,
                    stride,
                    pads,
                }
            }
            "BatchNormalization" => return self.fold_batchnorm(node, &name),
            "AveragePool" | "MaxPool" => {
                let max = node.op_type == "MaxPool";
                let pads = quad(ints(node, "pads")).map_err(|r| err(format!("pads: {r}")))?;
                if !max && pads.iter().any(|v| *v != 0) && int(node, "count_include_pad", 0) == 0 {
                    return Err(err(
                        "count_include_pad = 0 with padding is not supported (the divisor would \
                         vary by window); export with count_include_pad=True, PyTorch's default"
                            .into(),
                    ));
                }
                if int(node, "ceil_mode", 0) != 0 {
                    return Err(err(
                        "ceil_mode = 1 is not supported; export with ceil_mode = 0".into(),
                    ));
                }
                if attr(node, "auto_pad").is_some_and(|a| !a.s.is_empty() && a.s != b"NOTSET") {
                    return Err(err("auto_pad is not supported; export explicit pads".into()));
                }
                if int(node, "storage_order", 0) != 0 {
                    return Err(err("storage_order = 1 is not supported".into()));
                }
                if ints(node, "dilations").is_some_and(|d| d.iter().any(|v| *v != 1)) {
                    return Err(err("dilations other than 1 are not supported".into()));
                }
                let kernel = pair(ints(node, "kernel_shape"), [0, 0])
                    .map_err(|r| err(format!("kernel_shape: {r}")))?;
                if kernel.contains(&0) {
                    return Err(err("kernel_shape is required".into()));
                }
                let stride = pair(ints(node, "strides"), [1, 1])
                    .map_err(|r| err(format!("strides: {r}")))?;
                if max {
                    Op::MaxPool2d {
                        kernel,
                        stride,
                        pads,
                    }
                } else {
                    Op::AvgPool2d {
                        kernel,
                        stride,
                        pads,
                    }
                }
            }
            "GlobalAveragePool" => Op::GlobalAvgPool,
            "Flatten" => {
                let axis = int(node, "axis", 1);
                Op::Flatten {
                    axis: usize::try_from(axis)
                        .map_err(|_| err(format!("negative axis {axis} is not supported")))?,
                }
            }
            "Reshape" => {
                let s = node.input.get(1).map(String::as_str).unwrap_or_default();
                let shape = match (self.consts.ints(s), self.consts.floats.get(s)) {
                    (Some(v), _) => v.to_vec(),
                    (None, Some(t)) => t.data.iter().map(|v| *v as i64).collect(),
                    (None, None) => {
                        return Err(err("the target shape must be a constant".into()));
                    }
                };
                Op::Reshape { shape }
            }
            "Softmax" => {
                let axis = int(node, "axis", -1);
                if axis != -1 && axis != 1 {
                    return Err(err(format!(
                        "softmax over axis {axis}; only the last axis is supported"
                    )));
                }
                Op::Softmax
            }
            "ArgMax" => {
                let axis = int(node, "axis", 0);
                if axis != -1 && axis != 1 {
                    return Err(err(format!(
                        "argmax over axis {axis}; only the last axis of a 2-D output is supported"
                    )));
                }
                Op::ArgMax {
                    keepdims: int(node, "keepdims", 1) != 0,
                }
            }
            other => {
                return Err(Error::OnnxUnsupported {
                    op_type: other.to_string(),
                    node: name,
                    supported: SUPPORTED,
                });
            }
        };
        let expected = match op {
            Op::Add => 2,
            _ => 1,
        };
        if dynamic.len() != expected {
            return Err(err(format!(
                "expects {expected} non-constant input(s), has {}",
                dynamic.len()
            )));
        }
        let inputs = dynamic
            .iter()
            .map(|n| self.known(n, &name, &node.op_type))
            .collect::<Result<_, _>>()?;
        let output = self.value(out_name);
        self.nodes.push(Node {
            name,
            op,
            inputs,
            output,
        });
        Ok(())
    }

    /// ONNX `Concat` of k ≥ 2 dynamic inputs: a chain of binary concatenations (the
    /// intermediate values named after the node), the last one writing the node's output.
    fn concat(
        &mut self,
        node: &pb::NodeProto,
        name: &str,
        dynamic: &[&String],
        out_name: &str,
    ) -> Result<(), Error> {
        let err = |reason: String| Error::OnnxNode {
            node: name.to_string(),
            op_type: node.op_type.clone(),
            reason,
        };
        if dynamic.len() != node.input.len() {
            return Err(err(
                "concatenates a constant; zkmodel concatenates tensors the model computes".into(),
            ));
        }
        let axis = attr(node, "axis")
            .map(|a| a.i)
            .ok_or_else(|| err("the `axis` attribute is required".into()))?;
        let inputs = dynamic
            .iter()
            .map(|n| self.known(n, name, &node.op_type))
            .collect::<Result<Vec<_>, _>>()?;
        let [first, rest @ ..] = inputs.as_slice() else {
            return Err(err("has no inputs".into()));
        };
        if rest.is_empty() {
            return Err(err(
                "has one input; a concatenation needs at least two".into()
            ));
        }
        let (mut acc, count) = (*first, rest.len());
        for (k, next) in rest.iter().enumerate() {
            let output = if k + 1 == count {
                self.value(out_name)
            } else {
                // A fresh value, whatever names the graph uses.
                let mut part = format!("{out_name}#concat{k}");
                while self.value_ids.contains_key(&part) {
                    part.push('#');
                }
                self.value(&part)
            };
            let part = if count == 1 {
                name.to_string()
            } else {
                format!("{name}#{k}")
            };
            self.nodes.push(Node {
                name: part,
                op: Op::Concat { axis },
                inputs: vec![acc, *next],
                output,
            });
            acc = output;
        }
        Ok(())
    }

    /// The constant initializer feeding input `k` of `node`.
    fn constant_input(
        &self,
        node: &pb::NodeProto,
        k: usize,
        err: &dyn Fn(String) -> Error,
    ) -> Result<Tensor, Error> {
        let n = node
            .input
            .get(k)
            .ok_or_else(|| err(format!("missing input {k}")))?;
        self.consts.float(n).cloned().map_err(err)
    }

    fn known(&self, value: &str, node: &str, op_type: &str) -> Result<ValueId, Error> {
        self.value_ids.get(value).copied().ok_or_else(|| Error::OnnxNode {
            node: node.to_string(),
            op_type: op_type.to_string(),
            reason: format!("input `{value}` is not produced before this node (graph not topologically sorted?)"),
        })
    }

    /// Folds y = scale·(x − mean)/√(var + ε) + bias into the Conv or Gemm producing x.
    fn fold_batchnorm(&mut self, node: &pb::NodeProto, name: &str) -> Result<(), Error> {
        let err = |reason: String| Error::OnnxNode {
            node: name.to_string(),
            op_type: "BatchNormalization".into(),
            reason,
        };
        let get = |k: usize| self.constant_input(node, k, &err);
        let (scale, bias, mean, var) = (get(1)?, get(2)?, get(3)?, get(4)?);
        let eps = float(node, "epsilon", 1e-5);
        let x = node.input.first().ok_or_else(|| err("no input".into()))?;
        let [out_name] = node.output.as_slice() else {
            return Err(err(
                "only the inference form with one output is supported".into()
            ));
        };
        if self.readers.get(x).copied().unwrap_or(0) != 1 {
            return Err(err(format!(
                "its input `{x}` is also read elsewhere, so it cannot be folded"
            )));
        }
        let producer = self
            .nodes
            .last_mut()
            .filter(|n| self.value_names.get(n.output).is_some_and(|v| v == x))
            .ok_or_else(|| err("must directly follow the Conv or Gemm it normalizes".into()))?;
        let channels = scale.len();
        let factor: Vec<f32> = (0..channels)
            .map(|c| scale.data[c] / (var.data[c] + eps).sqrt())
            .collect();
        let shift: Vec<f32> = (0..channels)
            .map(|c| bias.data[c] - mean.data[c] * factor[c])
            .collect();
        match &mut producer.op {
            Op::Conv2d {
                weight, bias: b, ..
            } if weight.shape[0] == channels => {
                let per = weight.len() / channels;
                for (c, chunk) in weight.data.chunks_mut(per).enumerate() {
                    chunk.iter_mut().for_each(|v| *v *= factor[c]);
                }
                for c in 0..channels {
                    b.data[c] = b.data[c] * factor[c] + shift[c];
                }
            }
            Op::Dense { weight, bias: b } if weight.shape[1] == channels => {
                for row in weight.data.chunks_mut(channels) {
                    row.iter_mut().zip(&factor).for_each(|(v, f)| *v *= f);
                }
                let old = b.take().map_or(vec![0.0; channels], |t| t.data);
                *b = Some(Tensor::new(
                    vec![channels],
                    (0..channels)
                        .map(|c| old[c] * factor[c] + shift[c])
                        .collect(),
                )?);
            }
            _ => {
                return Err(err(
                    "must follow a Conv or Gemm with matching channels".into()
                ));
            }
        }
        // The BatchNormalization's output is now the producer's output.
        let produced = producer.output;
        self.value_names[produced] = out_name.clone();
        self.value_ids.insert(out_name.clone(), produced);
        Ok(())
    }
}

fn pair(v: Option<Vec<i64>>, default: [usize; 2]) -> Result<[usize; 2], String> {
    match v.as_deref() {
        None => Ok(default),
        Some([a, b]) if *a > 0 && *b > 0 => Ok([*a as usize, *b as usize]),
        Some(other) => Err(format!("{other:?} (expected two positive values)")),
    }
}

fn quad(v: Option<Vec<i64>>) -> Result<[usize; 4], String> {
    match v.as_deref() {
        None => Ok([0; 4]),
        // ONNX order: (top, left, bottom, right) = (x1_begin, x2_begin, x1_end, x2_end).
        Some([t, l, b, r]) if [*t, *l, *b, *r].iter().all(|x| *x >= 0) => {
            Ok([*t as usize, *l as usize, *b as usize, *r as usize])
        }
        Some(other) => Err(format!("{other:?} (expected four non-negative values)")),
    }
}

fn shape_of(v: &pb::ValueInfoProto) -> Result<Vec<Option<usize>>, Error> {
    use pb::tensor_shape_proto::dimension::Value as Dim;
    use pb::type_proto::Value;
    let Some(Value::TensorType(t)) = v.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return Err(malformed(format!("input `{}` is not a tensor", v.name)));
    };
    if t.elem_type != FLOAT {
        return Err(malformed(format!(
            "input `{}` has element type {}, only float32 is supported",
            v.name, t.elem_type
        )));
    }
    let dims = t
        .shape
        .as_ref()
        .map(|s| s.dim.as_slice())
        .unwrap_or_default();
    Ok(dims
        .iter()
        .map(|d| match d.value {
            Some(Dim::DimValue(n)) if n > 0 => Some(n as usize),
            _ => None,
        })
        .collect())
}
