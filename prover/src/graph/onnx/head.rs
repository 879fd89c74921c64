//! Classifier label heads: the nodes a converter appends after a classifier's scores to turn
//! them into labels — skl2onnx writes ArgMax → ArrayFeatureExtractor over an int64 `classes`
//! initializer → Reshape → Cast for the label, and a ZipMap for per-class probability maps.
//!
//! The head is not imported and not proven. What the proofs cover is the scores it reads:
//! inference statements prove the scores (the probabilities of a final Softmax, else the
//! logits), accuracy statements prove their argmax (the logits', which a Softmax keeps)
//! against the test set's labels as class indices. The label a
//! head outputs is `classes[argmax]`, so it is the proven index exactly when `classes` is
//! 0, 1, …, n − 1; any other `classes` is refused at import, since a data file's labels would
//! otherwise be silently compared with indices they do not name.

use super::constants::Constants;
use super::pb;
use crate::error::Error;
use std::collections::{BTreeSet, HashSet};

/// The domain of ONNX-ML operators (ZipMap, ArrayFeatureExtractor).
const ML_DOMAIN: &str = "ai.onnx.ml";

/// Ops that may format a label after the head (they read the head's outputs only).
const FORMATTING: [&str; 6] = [
    "Cast",
    "Reshape",
    "Identity",
    "Squeeze",
    "Unsqueeze",
    "Flatten",
];

/// A classifier label head found in a graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelHead {
    /// The value the head reads: the scores the proofs speak about.
    pub scores: String,
    /// The head's nodes as `op (name)`, in graph order.
    pub nodes: Vec<String>,
    /// The number of classes its `classes` initializer lists (all 0..n − 1), if it has one.
    pub classes: Option<usize>,
    /// The graph outputs the head produces (labels, probability maps), not imported.
    pub outputs: Vec<String>,
}

impl std::fmt::Display for LabelHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "label head not proven: {} (outputs {}); the proof covers the scores `{}`",
            self.nodes.join(" → "),
            self.outputs.join(", "),
            self.scores
        )?;
        if let Some(n) = self.classes {
            write!(
                f,
                "; classes are 0..{}, so labels are the argmax index",
                n - 1
            )?;
        }
        Ok(())
    }
}

fn node_error(node: &pb::NodeProto, index: usize, reason: String) -> Error {
    Error::OnnxNode {
        node: super::node_name(node, index),
        op_type: node.op_type.clone(),
        reason,
    }
}

fn is_ml(node: &pb::NodeProto, op: &str) -> bool {
    node.domain == ML_DOMAIN && node.op_type == op
}

/// The head's ArgMax must pick what the proofs' argmax picks: over the last axis of the
/// [batch, classes] scores, the first maximum on ties.
fn check_argmax(n: &pb::NodeProto, index: usize) -> Result<(), Error> {
    let int = |name: &str, default: i64| {
        n.attribute
            .iter()
            .find(|a| a.name == name)
            .map_or(default, |a| a.i)
    };
    if !matches!(int("axis", 0), 1 | -1) {
        return Err(node_error(
            n,
            index,
            "the label head's argmax must be over the class axis (1)".into(),
        ));
    }
    if int("select_last_index", 0) != 0 {
        return Err(node_error(
            n,
            index,
            "select_last_index = 1 picks the last maximum on ties; the proofs' argmax picks the first".into(),
        ));
    }
    Ok(())
}

/// Finds the label head of `graph`: the node indices to skip and what they are. `None` when
/// the graph has no ONNX-ML label node (ZipMap or ArrayFeatureExtractor).
pub(super) fn find(
    graph: &pb::GraphProto,
    consts: &Constants,
) -> Result<Option<(HashSet<usize>, LabelHead)>, Error> {
    let nodes = &graph.node;
    let producer = |value: &str| {
        nodes
            .iter()
            .position(|n| n.output.iter().any(|o| o == value))
    };
    let mut head: BTreeSet<usize> = BTreeSet::new();
    let mut classes = None;
    for (i, n) in nodes.iter().enumerate() {
        if is_ml(n, "ZipMap") {
            let labels = n
                .attribute
                .iter()
                .find(|a| a.name == "classlabels_int64s")
                .map(|a| a.ints.as_slice());
            match labels {
                Some(l) if l.iter().copied().eq(0..l.len() as i64) => {}
                _ => {
                    return Err(node_error(
                        n,
                        i,
                        "its class labels are not the integers 0..n − 1; proofs compare argmax indices with labels, so encode the labels 0..n − 1 (e.g. scikit-learn's LabelEncoder) before training".into(),
                    ));
                }
            }
            head.insert(i);
        } else if is_ml(n, "ArrayFeatureExtractor") {
            let [table, index] = n.input.as_slice() else {
                return Err(node_error(n, i, "expects two inputs".into()));
            };
            let values = consts.ints(table).ok_or_else(|| {
                node_error(n, i, format!("its table `{table}` is not an integer initializer; only a classifier's label lookup is supported"))
            })?;
            if !values.iter().copied().eq(0..values.len() as i64) {
                return Err(node_error(
                    n,
                    i,
                    format!(
                        "the classifier's `{table}` = {values:?}: labels other than 0, 1, …, n − 1 are not supported, since proofs compare argmax indices with labels; encode the labels as 0..n − 1 (e.g. scikit-learn's LabelEncoder) before training"
                    ),
                ));
            }
            classes = Some(values.len());
            let argmax = producer(index)
                .filter(|&p| nodes.get(p).is_some_and(|a| a.op_type == "ArgMax"))
                .ok_or_else(|| {
                    node_error(n, i, format!("its index `{index}` is not an ArgMax of the scores; only a classifier's label lookup is supported"))
                })?;
            if let Some(a) = nodes.get(argmax) {
                check_argmax(a, argmax)?;
            }
            head.insert(i);
            head.insert(argmax);
        }
    }
    if head.is_empty() {
        return Ok(None);
    }
    // Everything downstream of the head only formats labels.
    loop {
        let produced: HashSet<&String> = head.iter().flat_map(|&i| &nodes[i].output).collect();
        let next = nodes
            .iter()
            .enumerate()
            .find(|(i, n)| !head.contains(i) && n.input.iter().any(|v| produced.contains(v)));
        let Some((i, n)) = next else { break };
        if !n.domain.is_empty() && n.domain != "ai.onnx"
            || !FORMATTING.contains(&n.op_type.as_str())
        {
            return Err(node_error(
                n,
                i,
                "reads the classifier's label head; only label formatting (Cast, Reshape, Identity, Squeeze, Unsqueeze, Flatten) may follow it".into(),
            ));
        }
        head.insert(i);
    }
    let produced: HashSet<&String> = head.iter().flat_map(|&i| &nodes[i].output).collect();
    let read: BTreeSet<&String> = head
        .iter()
        .flat_map(|&i| &nodes[i].input)
        .filter(|v| !v.is_empty() && !produced.contains(v) && !consts.contains(v))
        .collect();
    let [scores] = read.into_iter().collect::<Vec<_>>()[..] else {
        return Err(Error::OnnxMalformed {
            reason: "the classifier's label head reads more than one computed value; expected one score tensor".into(),
        });
    };
    let outputs = graph
        .output
        .iter()
        .filter(|o| produced.contains(&o.name))
        .map(|o| o.name.clone())
        .collect();
    let described = head
        .iter()
        .map(|&i| format!("{} ({})", nodes[i].op_type, super::node_name(&nodes[i], i)))
        .collect();
    let head_nodes = head.into_iter().collect();
    Ok(Some((
        head_nodes,
        LabelHead {
            scores: scores.clone(),
            nodes: described,
            classes,
            outputs,
        },
    )))
}
