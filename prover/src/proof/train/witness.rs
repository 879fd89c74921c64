//! The training statement's witness: every tensor of the trace, stacked over the T
//! iterations from the trainer's per-step records, and the dataset's tensors.

use super::TrainArchitecture;
use super::plan::{TrainPlan, names};
use super::prove::ProvingInputs;
use crate::blocks::softmax::{SLACK, SoftmaxWitness, TENSORS};
use crate::error::{Error, ensure_lens};
use crate::field::encoding::from_i128;
use crate::graph::quant::QLayer;
use crate::pcs::layout::TensorId;
use crate::pcs::layout::{Stored, block_name};
use crate::proof::model::LayerKind;
use ark_bn254::Fr;
use rand::RngCore;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub(super) type Tensors = BTreeMap<String, Vec<Fr>>;

pub(super) fn ints(v: &[i64]) -> Vec<Fr> {
    v.par_iter().map(|x| from_i128(i128::from(*x))).collect()
}

/// Every step's tensor, concatenated in iteration order (iteration on the high variables),
/// converted in parallel straight into the stack (no intermediate integer copy).
fn stack<'a>(parts: impl Iterator<Item = &'a [i64]>) -> Vec<Fr> {
    stack_with(parts, |x| x)
}

/// [`stack`] of `f` applied to every entry.
fn stack_with<'a>(
    parts: impl Iterator<Item = &'a [i64]>,
    f: impl Fn(i64) -> i64 + Sync,
) -> Vec<Fr> {
    let parts: Vec<&[i64]> = parts.collect();
    let len = parts.first().map_or(0, |p| p.len());
    if len == 0 || parts.iter().any(|p| p.len() != len) {
        let flat: Vec<i64> = parts.iter().flat_map(|p| p.iter().map(|x| f(*x))).collect();
        return ints(&flat);
    }
    let zero = Fr::from(0u64);
    let mut out: Vec<Fr> = (0..len * parts.len())
        .into_par_iter()
        .map(|_| zero)
        .collect();
    out.par_chunks_mut(len)
        .zip(parts.par_iter())
        .for_each(|(o, p)| {
            for (o, x) in o.iter_mut().zip(*p) {
                *o = from_i128(i128::from(f(*x)));
            }
        });
    out
}

/// One-hot rows for `labels`, `c` columns.
fn one_hot(labels: &[usize], c: usize) -> Vec<Fr> {
    let mut v = vec![Fr::from(0u64); labels.len() * c];
    for (i, l) in labels.iter().enumerate() {
        if let Some(x) = v.get_mut(i * c + l) {
            *x = Fr::from(1u64);
        }
    }
    v
}

pub(super) fn get<'a>(t: &'a Tensors, name: &str) -> Result<&'a [Fr], Error> {
    t.get(name)
        .map(Vec::as_slice)
        .ok_or_else(|| Error::MissingTensor {
            name: name.to_string(),
        })
}

pub(super) fn dataset_tensors(
    arch: &TrainArchitecture,
    inputs: &[i64],
    labels: &[usize],
) -> Result<Tensors, Error> {
    let n = arch.examples;
    let (k0, c) = (arch.example_len(), arch.shape.output_width());
    ensure_lens(&[
        (
            "training-set input values (examples × rows × padded width)",
            n * k0,
            inputs.len(),
        ),
        ("training-set labels (one per example)", n, labels.len()),
    ])?;
    if let Some(l) = labels.iter().find(|l| **l >= arch.shape.classes) {
        return Err(Error::TooLarge {
            what: "label (a class index)",
            value: *l,
            max: arch.shape.classes.saturating_sub(1),
        });
    }
    let mut t = Tensors::new();
    t.insert(names::INPUTS.into(), ints(inputs));
    t.insert(names::LABELS.into(), one_hot(labels, c));
    Ok(t)
}

/// Adds the blocks the range check reads ([`TrainPlan::blocks`]) of every tensor stored
/// without its padded channels.
pub(super) fn add_blocks(plan: &TrainPlan, t: &mut Tensors) -> Result<(), Error> {
    let mut blocks = Vec::new();
    for (name, (_, stored)) in &plan.places {
        let Stored::Split { split, .. } = stored else {
            continue;
        };
        let wanted: Vec<String> = split
            .blocks()
            .into_iter()
            .map(|b| block_name(name, b))
            .collect();
        if wanted.iter().all(|b| !plan.blocks.contains_key(b)) {
            continue;
        }
        let values = split.extract(name, get(t, name)?, plan.vars_of(name)?)?;
        blocks.extend(wanted.into_iter().zip(values));
    }
    t.extend(blocks);
    Ok(())
}

pub(super) fn fill(
    plan: &TrainPlan,
    vector: usize,
    t: &Tensors,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Vec<Fr>, Error> {
    let mut parts = Vec::new();
    for (name, (v, stored)) in &plan.places {
        if *v == vector {
            parts.extend(stored.parts(name, get(t, name)?, plan.vars_of(name)?)?);
        }
    }
    let parts: Vec<(TensorId, &[Fr])> = parts.iter().map(|(id, v)| (*id, v.as_ref())).collect();
    let layout = plan.layouts.get(vector).ok_or(Error::Internal {
        what: "every vector the plan places tensors in has a layout",
    })?;
    layout.fill(&parts, rng)
}

/// Every tensor of the statement, from the trainer's records.
pub(super) fn witness(
    arch: &TrainArchitecture,
    w: &ProvingInputs<'_>,
) -> Result<(Tensors, Option<SoftmaxWitness>), Error> {
    let cfg = &arch.config;
    let layers = arch.layers();
    let last = layers.len() - 1;
    let steps = w.steps;
    ensure_lens(&[("recorded training steps", cfg.steps, steps.len())])?;
    for s in steps {
        ensure_lens(&[
            (
                "recorded step parameters (one per layer)",
                layers.len(),
                s.params.len(),
            ),
            ("recorded step layers", layers.len(), s.layers.len()),
            ("recorded step batch", cfg.batch, s.rows.len()),
            ("recorded step batch", cfg.batch, s.forward.m),
        ])?;
    }
    let (_, inputs, labels) = w.dataset;
    let mut t = dataset_tensors(arch, inputs, labels)?;
    // Batches by the public schedule.
    let (b, k0, c) = (cfg.batch, arch.example_len(), arch.shape.output_width());
    let batches = arch.examples / b;
    let rows = |step: usize| (step % batches) * b..(step % batches + 1) * b;
    t.insert(
        names::BATCH_INPUTS.into(),
        stack((0..cfg.steps).map(|s| &inputs[rows(s).start * k0..rows(s).end * k0])),
    );
    let batch_labels: Vec<usize> = (0..cfg.steps)
        .flat_map(|s| labels[rows(s)].to_vec())
        .collect();
    t.insert(names::BATCH_LABELS.into(), one_hot(&batch_labels, c));
    let dense: Vec<_> = w
        .trained
        .0
        .layers
        .iter()
        .filter_map(QLayer::dense)
        .collect();
    let weighted = arch.weighted();
    if dense.len() != weighted.len() {
        return Err(Error::StatementShape {
            what: "trained model's dense and convolution layers",
            expected: weighted.len(),
            actual: dense.len(),
        });
    }
    let mut dense = dense.into_iter();
    // The gradient layer j hands down (`tensor` its name), or its rounding remainder.
    let handed_down = |j: usize, rem: bool, tensor: String| -> Result<Vec<Fr>, Error> {
        let parts = steps
            .iter()
            .map(|s| {
                let (up, r) = s
                    .layers
                    .get(j)
                    .and_then(|l| l.backprop.as_ref())
                    .ok_or_else(|| Error::MissingTensor {
                        name: tensor.clone(),
                    })?;
                Ok(if rem { r.as_slice() } else { up.as_slice() })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(stack(parts.into_iter()))
    };
    // The gradient layer i + 1 hands to layer i, and its rounding remainder.
    let backprop = |i: usize, rem: bool| handed_down(i + 1, rem, names::backprop(&layers[i].name));
    // The remainder is virtual; its range column reads it scaled to the table.
    let backprop_rem_scaled = |i: usize| -> Result<Vec<Fr>, Error> {
        let to_table = arch.backprop_remainder_to_table(i)?;
        let mut scaled = backprop(i, true)?;
        scaled.par_iter_mut().for_each(|v| *v *= to_table);
        Ok(scaled)
    };
    for (i, l) in layers.iter().enumerate() {
        let name = &l.name;
        let fwd = |f: fn(&crate::graph::quant::LayerTrace) -> &[i64]| {
            stack(steps.iter().map(|s| f(&s.forward.layers[i])))
        };
        if let LayerKind::MaxPool(g) = l.kind {
            t.insert(names::output(name), fwd(|x| &x.y));
            t.insert(names::diff(name), fwd(|x| &x.diff));
            t.insert(names::xcol(name), fwd(|x| &x.xcol));
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem_scaled(name), backprop_rem_scaled(i)?);
            let mut parts: [Vec<i64>; 3] = Default::default();
            for s in steps {
                let below = s
                    .forward
                    .layers
                    .get(i.wrapping_sub(1))
                    .ok_or(Error::Internal {
                        what: "a max pool sits above a weighted layer",
                    })?;
                let pool = &s.forward.layers[i];
                let witness = maxpool_backward(
                    &g,
                    b,
                    &pool.diff,
                    below.output(),
                    &pool.y,
                    &s.layers[i].grad,
                );
                for (part, v) in parts.iter_mut().zip(witness) {
                    part.extend(v);
                }
            }
            let [select, slack, g_in] = parts;
            t.insert(names::select(name), ints(&select));
            t.insert(names::slack(name), ints(&slack));
            t.insert(names::pool_grad_in(name), ints(&g_in));
            continue;
        }
        if let LayerKind::AvgPoolWindow(g) = l.kind {
            t.insert(names::output(name), fwd(|x| &x.y));
            t.insert(names::remainder(name), fwd(|x| &x.r));
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem_scaled(name), backprop_rem_scaled(i)?);
            t.insert(
                names::pool_grad_in(name),
                handed_down(i, false, names::pool_grad_in(name))?,
            );
            t.insert(
                names::pool_grad_rem(name),
                handed_down(i, true, names::pool_grad_in(name))?,
            );
            // The pooled gradient repeated over the window's taps (the window layout).
            let (c, taps) = (l.n, g.taps_pad());
            let up: Vec<i64> = steps
                .iter()
                .flat_map(|s| {
                    let grad = &s.layers[i].grad;
                    (0..grad.len() * taps).map(move |k| grad[(k / (c * taps)) * c + k % c])
                })
                .collect();
            t.insert(names::upsampled(name), ints(&up));
            continue;
        }
        if let LayerKind::AvgPool { h, w } = l.kind {
            t.insert(names::output(name), fwd(|x| &x.y));
            t.insert(names::remainder(name), fwd(|x| &x.r));
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem_scaled(name), backprop_rem_scaled(i)?);
            let up: Vec<i64> = steps
                .iter()
                .flat_map(|s| crate::train::upsample([h, w, l.n], b, &s.layers[i].grad))
                .collect();
            t.insert(names::upsampled(name), ints(&up));
            continue;
        }
        let d = dense.next().ok_or(Error::Internal {
            what: "one trained dense part per weighted layer",
        })?;
        t.insert(names::last(&names::weight(name)), ints(&d.weight));
        t.insert(names::last(&names::bias(name)), ints(&d.bias));
        t.insert(
            names::weight(name),
            stack(steps.iter().map(|s| s.params[i].0.as_slice())),
        );
        t.insert(
            names::bias(name),
            stack(steps.iter().map(|s| s.params[i].1.as_slice())),
        );
        // The forward remainder is virtual; its range column reads it scaled to the table.
        let to_table = arch.remainder_to_table()?;
        let mut scaled = fwd(|x| &x.r);
        scaled.par_iter_mut().for_each(|v| *v *= to_table);
        t.insert(names::remainder_scaled(name), scaled);
        if let LayerKind::Conv(_) = l.kind {
            t.insert(names::xcol(name), fwd(|x| &x.xcol));
        }
        let upd = |f: fn(&crate::train::LayerStep) -> &[i64]| {
            stack(steps.iter().map(|s| f(&s.layers[i])))
        };
        t.insert(format!("{name}.weight_update"), upd(|s| &s.weight_delta.0));
        t.insert(names::weight_rem(name), upd(|s| &s.weight_delta.1));
        t.insert(format!("{name}.bias_update"), upd(|s| &s.bias_delta.0));
        t.insert(names::bias_rem(name), upd(|s| &s.bias_delta.1));
        if i == last {
            t.insert(names::LOGITS.into(), fwd(|x| &x.y));
            t.insert(names::GRADIENT.into(), upd(|s| &s.grad));
            continue;
        }
        t.insert(names::pos(name), fwd(|x| &x.pos));
        let pos = || steps.iter().map(|s| s.forward.layers[i].pos.as_slice());
        t.insert(names::mask(name), stack_with(pos(), |p| i64::from(p > 0)));
        t.insert(names::neg(name), fwd(|x| &x.neg));
        let y = || steps.iter().map(|s| s.forward.layers[i].y.as_slice());
        t.insert(names::relu_abs(name), stack_with(y(), i64::abs));
        t.insert(names::grad(name), upd(|s| &s.grad));
        if !layers.get(i + 1).is_some_and(|a| a.is_pool()) {
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem_scaled(name), backprop_rem_scaled(i)?);
        }
    }
    let softmax = match arch.softmax_shape() {
        Some(shape) => {
            let logits: Vec<i64> = steps
                .iter()
                .flat_map(|s| s.forward.logits().iter().copied())
                .collect();
            let sw = SoftmaxWitness::compute(shape, &logits);
            for (name, v) in TENSORS.iter().chain([&SLACK]).zip(&sw.tensors).skip(1) {
                t.insert(names::softmax(name), v.clone());
            }
            Some(sw)
        }
        None => None,
    };
    Ok((t, softmax))
}

/// The lookup columns of statement `i`, from the plan.
/// A max pool's backward witness for one iteration (`m` examples): in the window layout of
/// its differences `diff`, the selection S (1 on each window's first tap with D = 0 — the
/// first maximum, as taps reading padding have D > 0 above a ReLU; tap 0 of a padded
/// layout position) and the slack E = D − B (B = 1 on the taps before the selected one); and
/// the gradient handed down, the trainer's own [`crate::train::unpool_first_max`] of the
/// pooled gradient `grad` over the input `x` and its maxima `pooled`.
fn maxpool_backward(
    g: &crate::graph::quant::ConvGeometry,
    m: usize,
    diff: &[i64],
    x: &[i64],
    pooled: &[i64],
    grad: &[i64],
) -> [Vec<i64>; 3] {
    let (c, taps) = (g.in_c, g.taps_pad());
    let mut select = vec![0i64; diff.len()];
    let mut slack = diff.to_vec();
    for (window, (s, e)) in diff
        .chunks(c * taps)
        .zip(select.chunks_mut(c * taps).zip(slack.chunks_mut(c * taps)))
    {
        for ch in 0..c {
            let at = |t: usize| t * c + ch;
            if let Some(first) = (0..taps).find(|t| window[at(*t)] == 0) {
                s[at(first)] = 1;
                (0..first).for_each(|t| e[at(t)] -= 1);
            }
        }
    }
    let g_in = crate::train::unpool_first_max(g, m, x, pooled, grad);
    [select, slack, g_in]
}
