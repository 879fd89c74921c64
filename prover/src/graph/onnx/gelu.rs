//! The exact GELU as exporters write it without a Gelu operator: PyTorch's classic exporter
//! (opsets before 20) emits `nn.GELU()` as the Erf subgraph
//!   Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5),
//! and other writers reorder the products (0.5·x first, or the constant before x) or multiply
//! by 1/√2. Every such form computes ½·x·(1 + erf(x/√2)) and imports as one GELU activation.
//!
//! A match requires the intermediate values to have no other reader (the subgraph is replaced
//! whole) and each constant to be a scalar within 10⁻⁵ of its exact value; anything else is
//! left alone, so a lone Erf is refused by the importer naming the node.

use super::constants::Constants;
use super::pb;
use std::collections::{HashMap, HashSet};

/// One GELU subgraph: its input, its output, and the node indices it spans.
pub(super) struct GeluMatch {
    /// The value x.
    pub input: String,
    /// The value ½·x·(1 + erf(x/√2)).
    pub output: String,
    /// The index of the node producing the output: the GELU is emitted there.
    pub at: usize,
    /// The other nodes of the subgraph (skipped).
    pub skip: Vec<usize>,
}

struct Graph<'a> {
    nodes: &'a [pb::NodeProto],
    consts: &'a Constants,
    producer: HashMap<&'a str, usize>,
    readers: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Graph<'a> {
    fn node(&self, i: usize, op: &str) -> Option<&'a pb::NodeProto> {
        self.nodes
            .get(i)
            .filter(|n| n.op_type == op && (n.domain.is_empty() || n.domain == "ai.onnx"))
    }

    /// The only node reading `value`, if it is of type `op` (graph outputs count as readers).
    fn sole_reader(&self, value: &str, op: &str) -> Option<(usize, &'a pb::NodeProto)> {
        match self.readers.get(value).map(Vec::as_slice) {
            Some([i]) => self.node(*i, op).map(|n| (*i, n)),
            _ => None,
        }
    }

    fn scalar(&self, name: &str, want: f32) -> bool {
        self.consts.float(name).ok().is_some_and(|t| {
            t.len() == 1 && t.data.first().is_some_and(|v| (v - want).abs() < 1e-5)
        })
    }

    /// For a binary node with one operand `known`, the other operand.
    fn other<'n>(node: &'n pb::NodeProto, known: &str) -> Option<&'n str> {
        match node.input.as_slice() {
            [a, b] if a == known => Some(b),
            [a, b] if b == known => Some(a),
            _ => None,
        }
    }

    /// x for a node computing x/√2 (Div by √2, or Mul by 1/√2 in either order).
    fn scaled_input(&self, i: usize) -> Option<&'a str> {
        let sqrt2 = std::f32::consts::SQRT_2;
        if let Some(n) = self.node(i, "Div") {
            return match n.input.as_slice() {
                [x, c] if self.scalar(c, sqrt2) => Some(x),
                _ => None,
            };
        }
        let n = self.node(i, "Mul")?;
        match n.input.as_slice() {
            [x, c] | [c, x] if self.scalar(c, 1.0 / sqrt2) && !self.consts.contains(x) => Some(x),
            _ => None,
        }
    }

    fn matches(&self, erf: usize) -> Option<GeluMatch> {
        let e = self.node(erf, "Erf")?;
        let [e_in] = e.input.as_slice() else {
            return None;
        };
        let [e_out] = e.output.as_slice() else {
            return None;
        };
        let div = *self.producer.get(e_in.as_str())?;
        let x = self.scaled_input(div)?;
        if self.readers.get(e_in.as_str()).map(Vec::len) != Some(1) {
            return None;
        }
        let (add, a) = self.sole_reader(e_out, "Add")?;
        if !self.scalar(Self::other(a, e_out)?, 1.0) {
            return None;
        }
        let a_out = a.output.first()?;
        let (m1, first) = self.sole_reader(a_out, "Mul")?;
        let o1 = Self::other(first, a_out)?;
        let m1_out = first.output.first()?;
        let mut skip = vec![div, erf, add];
        let (at, output) = if o1 == x || self.scalar(o1, 0.5) {
            // (1 + erf)·x then ·0.5, or (1 + erf)·0.5 then ·x.
            let (m2, second) = self.sole_reader(m1_out, "Mul")?;
            let o2 = Self::other(second, m1_out)?;
            let ok = if o1 == x {
                self.scalar(o2, 0.5)
            } else {
                o2 == x
            };
            if !ok {
                return None;
            }
            skip.push(m1);
            (m2, second.output.first()?)
        } else {
            // (0.5·x)·(1 + erf).
            let h = *self.producer.get(o1)?;
            let half = self.node(h, "Mul")?;
            let ok = matches!(half.input.as_slice(),
                [a, b] if (a == x && self.scalar(b, 0.5)) || (b == x && self.scalar(a, 0.5)));
            if !ok || self.readers.get(o1).map(Vec::len) != Some(1) {
                return None;
            }
            skip.push(h);
            (m1, m1_out)
        };
        // Every skipped node has one output, read only inside the subgraph.
        let inside: HashSet<usize> = skip.iter().copied().chain([at]).collect();
        let closed = skip.iter().all(|i| {
            self.nodes.get(*i).is_some_and(|n| {
                n.output.len() == 1
                    && n.output.iter().all(|o| {
                        self.readers
                            .get(o.as_str())
                            .is_some_and(|r| r.iter().all(|j| inside.contains(j)))
                    })
            })
        });
        closed.then(|| GeluMatch {
            input: x.to_string(),
            output: output.clone(),
            at,
            skip,
        })
    }
}

/// Every GELU subgraph of `graph`.
pub(super) fn find(graph: &pb::GraphProto, consts: &Constants) -> Vec<GeluMatch> {
    let mut producer = HashMap::new();
    let mut readers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, n) in graph.node.iter().enumerate() {
        for o in &n.output {
            producer.insert(o.as_str(), i);
        }
        for v in n.input.iter().filter(|v| !v.is_empty()) {
            readers.entry(v.as_str()).or_default().push(i);
        }
    }
    // A graph output is read from outside: usize::MAX is no node.
    for o in &graph.output {
        readers.entry(o.name.as_str()).or_default().push(usize::MAX);
    }
    let g = Graph {
        nodes: &graph.node,
        consts,
        producer,
        readers,
    };
    (0..graph.node.len()).filter_map(|i| g.matches(i)).collect()
}
