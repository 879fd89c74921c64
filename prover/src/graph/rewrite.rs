//! Exact graph rewrites the quantizer applies before it reads a model: each replaces a pattern
//! zkmodel cannot prove by one it can that computes the same function, in float and after
//! quantization alike.
//!
//! **Activations before max pools.** PyTorch code often writes `relu(max_pool2d(conv(x)))`
//! (the official MNIST example does); the statement proves an activation folded into the
//! layer that computes its input, so it needs `max_pool2d(relu(conv(x)))`. For a
//! non-decreasing f, f(max_i x_i) = max_i f(x_i): the maximum's argument is one of the taps and
//! f keeps their order. That holds for ReLU, sigmoid, tanh, LeakyReLU with a slope ≥ 0 and Clip,
//! for float and for their quantized tables (rounding a non-decreasing function keeps it
//! non-decreasing), and for padded taps (they never win a max pool). GELU is not monotone and
//! stays where it is (and is refused after a pool).

use super::ir::{Model, Op};
use crate::lookup::TableFn;

/// Whether f is non-decreasing on the whole real line.
fn non_decreasing(op: &Op) -> bool {
    match op {
        Op::Relu => true,
        Op::Activation(f) => match f {
            TableFn::Sigmoid | TableFn::Tanh => true,
            TableFn::LeakyRelu { alpha } => alpha.get() >= 0.0,
            TableFn::Clip { min, max } => min.get() <= max.get(),
            TableFn::Gelu => false,
        },
        _ => false,
    }
}

impl Model {
    /// The same model with every non-decreasing activation that reads a max pool's output
    /// moved before the pool (see the module doc), when the pool's input and output have no
    /// other reader, neither is the graph output and the pool does not read a concatenation
    /// (which takes no activation; the pool takes it as a table instead). Repeats until no
    /// such pair is left.
    pub fn with_activations_before_max_pools(&self) -> Model {
        let mut model = self.clone();
        while let Some((pool, act)) = model.pool_then_activation() {
            let (pool_in, pool_out) = (model.nodes[pool].inputs[0], model.nodes[pool].output);
            let act_out = model.nodes[act].output;
            // act(pool_in) → pool_out at the pool's place, pool(pool_out) → act_out at the
            // activation's: no node between them reads pool_out (the activation was its only
            // reader) and none can read act_out before the activation's place.
            let (mut p, mut a) = (model.nodes[pool].clone(), model.nodes[act].clone());
            a.inputs = vec![pool_in];
            a.output = pool_out;
            p.inputs = vec![pool_out];
            p.output = act_out;
            model.nodes[pool] = a;
            model.nodes[act] = p;
        }
        model
    }

    /// The first (max pool, activation) pair the rewrite applies to, as node indices.
    fn pool_then_activation(&self) -> Option<(usize, usize)> {
        let readers = |v: usize| {
            self.nodes.iter().filter(|n| n.inputs.contains(&v)).count()
                + usize::from(v == self.output)
        };
        self.nodes.iter().enumerate().find_map(|(i, pool)| {
            let [input] = pool.inputs.as_slice() else {
                return None;
            };
            // A concatenation takes no activation: after one, the pool keeps it (as a table).
            let after_concat = self
                .nodes
                .iter()
                .any(|n| n.output == *input && matches!(n.op, Op::Concat { .. }));
            if !matches!(pool.op, Op::MaxPool2d { .. })
                || readers(*input) != 1
                || *input == self.input
                || readers(pool.output) != 1
                || after_concat
            {
                return None;
            }
            let act = self
                .nodes
                .iter()
                .position(|n| n.inputs.as_slice() == [pool.output])?;
            non_decreasing(&self.nodes[act].op).then_some((i, act))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ir::Node;
    use crate::graph::tensor::Tensor;
    use crate::lookup::Real;

    fn node(name: &str, op: Op, input: usize, output: usize) -> Node {
        Node {
            name: name.into(),
            op,
            inputs: vec![input],
            output,
        }
    }

    fn pool() -> Op {
        Op::MaxPool2d {
            kernel: [2, 2],
            stride: [2, 2],
            pads: [0, 0, 0, 0],
        }
    }

    /// x → conv → pool → act → flatten, over a 1×1×4×4 input.
    fn model(act: Op) -> Model {
        let conv = Op::Conv2d {
            weight: Tensor::new(vec![2, 1, 1, 1], vec![1.5, -0.75]).unwrap(),
            bias: Tensor::new(vec![2], vec![0.25, -0.5]).unwrap(),
            stride: [1, 1],
            pads: [0, 0, 0, 0],
        };
        Model {
            value_names: (0..5).map(|i| format!("v{i}")).collect(),
            input: 0,
            input_shape: vec![None, Some(1), Some(4), Some(4)],
            nodes: vec![
                node("conv", conv, 0, 1),
                node("pool", pool(), 1, 2),
                node("act", act, 2, 3),
                node("flat", Op::Flatten { axis: 1 }, 3, 4),
            ],
            output: 4,
            label_head: None,
        }
    }

    fn input() -> Tensor {
        let data = (0..32).map(|i| ((i * 7 % 13) as f32 - 6.0) / 3.0).collect();
        Tensor::new(vec![2, 1, 4, 4], data).unwrap()
    }

    #[test]
    fn monotone_activations_move_before_the_pool_and_compute_the_same() {
        let acts = [
            Op::Relu,
            Op::Activation(TableFn::Sigmoid),
            Op::Activation(TableFn::Tanh),
            Op::Activation(TableFn::LeakyRelu {
                alpha: Real::new(0.1),
            }),
            Op::Activation(TableFn::Clip {
                min: Real::new(0.0),
                max: Real::new(6.0),
            }),
        ];
        for act in acts {
            let m = model(act.clone());
            let r = m.with_activations_before_max_pools();
            let ops: Vec<&str> = r.nodes.iter().map(|n| n.name.as_str()).collect();
            assert_eq!(ops, ["conv", "act", "pool", "flat"], "{act:?}");
            assert_eq!(r.nodes[1].inputs, [1]);
            assert_eq!(r.nodes[2].output, 3);
            assert_eq!(m.eval(&input()).unwrap(), r.eval(&input()).unwrap());
        }
    }

    #[test]
    fn other_patterns_stay_as_they_are() {
        // GELU is not monotone; a negative LeakyReLU slope reverses order below zero.
        for act in [
            Op::Activation(TableFn::Gelu),
            Op::Activation(TableFn::LeakyRelu {
                alpha: Real::new(-0.5),
            }),
        ] {
            let m = model(act);
            assert_eq!(m.with_activations_before_max_pools(), m);
        }
        // The pool's input is read elsewhere too: moving the ReLU would change that reader.
        let mut m = model(Op::Relu);
        m.nodes.push(Node {
            name: "skip".into(),
            op: Op::Add,
            inputs: vec![1, 1],
            output: 5,
        });
        m.value_names.push("v5".into());
        assert_eq!(m.with_activations_before_max_pools(), m);
        // The pool's output is the graph output as well as the activation's input.
        let mut m = model(Op::Relu);
        m.output = 2;
        assert_eq!(m.with_activations_before_max_pools(), m);
    }
}
