//! The training prover: the trainer's per-step records stacked over iterations, the trace
//! committed, blocks on forks in parallel, one opening of every claim.

use super::plan::{DATASET, TRACE, TrainPlan, TrainSink, names};
use super::verify::{
    Routed, backward_names, chain_claims, forward_names, layer, lookup_claims, loss_grad,
    maxpool_claims, one_hot_names, pool_claims, rename, statement, take,
};
use super::{
    BackpropProof, BackwardProof, ForwardProof, TrainArchitecture, TrainingProof, TrainingProofBody,
};
use crate::blocks::conv::prove_gather;
use crate::blocks::conv_backprop::prove_conv_backprop;
use crate::blocks::dense_iter::{
    IteratedDenseWitness, prove_bias_update, prove_dense_iterated, prove_rescaled,
};
use crate::blocks::iterate::prove_step;
use crate::blocks::loss_grad::prove_loss_grad;
use crate::blocks::maxpool::prove_maxpool;
use crate::blocks::maxpool_grad::prove_maxpool_grad;
use crate::blocks::one_hot::prove_one_hot;
use crate::blocks::pool::prove_pool;
use crate::blocks::relu_grad::prove_relu_grad;
use crate::blocks::softmax::{SLACK, SoftmaxWitness, TENSORS, prove_softmax};
use crate::error::{Error, ensure_lens};
use crate::field::encoding::from_i128;
use crate::graph::quant::{QLayer, QuantizedModel};
use crate::lookup::{LookupColumn, multiplicities, prove_given};
use crate::pcs::{Srs, commit, prove_split_opening};
use crate::proof::model::{CommittedData, CommittedModel, LayerKind, ModelShape};
use crate::train::StepTrace;
use crate::transcript::NativeTranscript;
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::RngCore;
use rayon::prelude::*;
use std::collections::BTreeMap;

type Tensors = BTreeMap<String, Vec<Fr>>;

fn ints(v: &[i64]) -> Vec<Fr> {
    v.par_iter().map(|x| from_i128(i128::from(*x))).collect()
}

/// Every step's tensor, concatenated in iteration order (iteration on the high variables).
fn stack<'a>(parts: impl Iterator<Item = &'a [i64]>) -> Vec<Fr> {
    let flat: Vec<i64> = parts.flat_map(|p| p.iter().copied()).collect();
    ints(&flat)
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

fn get<'a>(t: &'a Tensors, name: &str) -> Result<&'a [Fr], Error> {
    t.get(name)
        .map(Vec::as_slice)
        .ok_or_else(|| Error::MissingTensor {
            name: name.to_string(),
        })
}

/// Commits the training set: inputs (N × padded width, quantized) and one-hot labels.
pub fn commit_dataset(
    srs: &Srs,
    arch: &TrainArchitecture,
    inputs: &[i64],
    labels: &[usize],
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<CommittedData, Error> {
    let plan = arch.plan()?;
    let t = dataset_tensors(arch, inputs, labels)?;
    let vector = fill(&plan, DATASET, &t, rng)?;
    let commitment = commit(srs, &vector)?;
    Ok(CommittedData { vector, commitment })
}

/// The initial model of a training run derived from a public seed: the weights of
/// [`crate::train::initial_model`] for `widths` and `seed`, committed with mask slots derived
/// from the seed too, so anyone recomputes the commitment from (widths, seed) alone
/// (DESIGN §11.6). Fails if those widths do not give the architecture's model shape.
pub fn commit_seeded_initial_model(
    srs: &Srs,
    arch: &TrainArchitecture,
    widths: &[usize],
    seed: u64,
) -> Result<(QuantizedModel, CommittedModel), Error> {
    let q = crate::train::initial_model(widths, arch.config.scale, arch.config.bits, seed)?;
    if ModelShape::from(&q) != arch.shape {
        return Err(Error::BlockShape {
            block: "initial model",
            reason: "the widths do not give the training architecture's model shape",
        });
    }
    let mut rng = crate::proof::public_mask_rng("initial-model", &seed.to_le_bytes());
    let model_arch = arch.model_architecture(crate::proof::model::Task::Accuracy { examples: 1 });
    let committed = crate::proof::model::commit_model(srs, &model_arch, &q, &mut rng)?;
    Ok((q, committed))
}

fn dataset_tensors(
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

fn fill(
    plan: &TrainPlan,
    vector: usize,
    t: &Tensors,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Vec<Fr>, Error> {
    let mut parts = Vec::new();
    for (name, (v, id)) in &plan.places {
        if *v == vector {
            parts.push((*id, get(t, name)?));
        }
    }
    let layout = plan.layouts.get(vector).ok_or(Error::Internal {
        what: "every vector the plan places tensors in has a layout",
    })?;
    layout.fill(&parts, rng)
}

/// What the training prover needs besides the SRS.
pub struct ProvingInputs<'a> {
    /// The committed initial model (W_0).
    pub initial: &'a CommittedModel,
    /// The trained model and its commitment (W_T, the model vector of inference statements).
    pub trained: (&'a QuantizedModel, &'a CommittedModel),
    /// The committed training set, its quantized inputs (N × padded width) and labels.
    pub dataset: (&'a CommittedData, &'a [i64], &'a [usize]),
    /// The trainer's record of every step ([`crate::train::train`]).
    pub steps: &'a [StepTrace],
}

/// Every tensor of the statement, from the trainer's records.
fn witness(
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
    // The gradient layer i + 1 hands to layer i, and its rounding remainder.
    let backprop = |i: usize, rem: bool| -> Result<Vec<Fr>, Error> {
        let parts = steps
            .iter()
            .map(|s| {
                let (up, r) = s
                    .layers
                    .get(i + 1)
                    .and_then(|l| l.backprop.as_ref())
                    .ok_or_else(|| Error::MissingTensor {
                        name: names::backprop(&layers[i].name),
                    })?;
                Ok(if rem { r.as_slice() } else { up.as_slice() })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(stack(parts.into_iter()))
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
            t.insert(names::backprop_rem(name), backprop(i, true)?);
            let mut parts: [Vec<i64>; 5] = Default::default();
            for s in steps {
                let below = s
                    .forward
                    .layers
                    .get(i.wrapping_sub(1))
                    .ok_or(Error::Internal {
                        what: "a max pool sits above a weighted layer",
                    })?;
                let (x, pooled) = (below.output(), &s.forward.layers[i].y);
                let witness = maxpool_backward(&g, l.n, b, x, pooled, &s.layers[i].grad);
                for (part, v) in parts.iter_mut().zip(witness) {
                    part.extend(v);
                }
            }
            let [select, g_in, slack, up_g, up_o] = parts;
            t.insert(names::select(name), ints(&select));
            t.insert(names::pool_grad_in(name), ints(&g_in));
            t.insert(names::slack(name), ints(&slack));
            t.insert(names::upsampled(name), ints(&up_g));
            t.insert(names::upsampled_output(name), ints(&up_o));
            continue;
        }
        if let LayerKind::AvgPool { h, w } = l.kind {
            t.insert(names::output(name), fwd(|x| &x.y));
            t.insert(names::remainder(name), fwd(|x| &x.r));
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem(name), backprop(i, true)?);
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
        t.insert(names::remainder(name), fwd(|x| &x.r));
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
        let pos: Vec<i64> = steps
            .iter()
            .flat_map(|s| s.forward.layers[i].pos.iter().copied())
            .collect();
        let mask: Vec<i64> = pos.iter().map(|p| i64::from(*p > 0)).collect();
        let gap: Vec<i64> = pos.iter().zip(&mask).map(|(p, m)| p - m).collect();
        t.insert(names::pos(name), ints(&pos));
        t.insert(names::mask(name), ints(&mask));
        t.insert(names::mask_gap(name), ints(&gap));
        t.insert(names::neg(name), fwd(|x| &x.neg));
        t.insert(names::grad(name), upd(|s| &s.grad));
        if !matches!(
            layers.get(i + 1).map(|a| a.kind),
            Some(LayerKind::AvgPool { .. } | LayerKind::MaxPool(_))
        ) {
            t.insert(names::backprop(name), backprop(i, false)?);
            t.insert(names::backprop_rem(name), backprop(i, true)?);
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
fn lookup_columns<'a>(
    plan: &'a TrainPlan,
    t: &'a Tensors,
    i: usize,
) -> Result<Vec<LookupColumn<'a>>, Error> {
    let list = match i {
        0 => &plan.range_columns,
        _ => {
            const CHUNKS: [&str; 4] = [
                "softmax.chunk0",
                "softmax.chunk1",
                "softmax.chunk2",
                "softmax.chunk3",
            ];
            return (0..4)
                .map(|k| {
                    Ok(LookupColumn {
                        name: CHUNKS[k],
                        values: get(t, &names::softmax(&format!("chunk{k}")))?,
                        offset: 16 * k as i64,
                        pair: Some(get(t, &names::softmax(&format!("exp{k}")))?),
                    })
                })
                .collect();
        }
    };
    list.iter()
        .map(|(n, offset)| {
            Ok(LookupColumn {
                name: n.as_str(),
                values: get(t, n)?,
                offset: *offset,
                pair: None,
            })
        })
        .collect()
}

type Block<P> = Result<(P, Routed<Fr>, Fr), Error>;

fn prove_backward(
    arch: &TrainArchitecture,
    t: &Tensors,
    i: usize,
    f: &mut NativeTranscript,
) -> Result<(BackwardProof<Fr>, Routed<Fr>), Error> {
    let l = layer(arch, i)?;
    let n = backward_names(arch, i)?;
    let (weight, bias) = (names::weight(&l.name), names::bias(&l.name));
    let grad = get(t, &arch.grad_of(i))?;
    let conv = match l.kind {
        LayerKind::Conv(g) => Some(g),
        _ => None,
    };
    // The update's left operand: the layer's input, or its im2col rows for a convolution.
    let left = match conv {
        Some(_) => get(t, &names::xcol(&l.name))?,
        None => get(t, &arch.input_of(i))?,
    };
    let (wp, mut w) = prove_rescaled(
        arch.weight_update(i, l),
        left,
        grad,
        get(t, &format!("{}.weight_update", l.name))?,
        get(t, &names::weight_rem(&l.name))?,
        f,
    )?;
    let dw = take(&mut w, "delta")?;
    let mut out = Routed::new();
    let weight_gather = match conv {
        Some(g) => {
            let xcol = take(&mut w, "left")?;
            let (gp, x) = prove_gather(&g, get(t, &arch.input_of(i))?, &xcol, f)?;
            out.push((arch.input_of(i), x));
            Some(gp)
        }
        None => None,
    };
    let last_w = get(t, &names::last(&weight))?;
    let (wc, wcc) = prove_step(
        arch.weight_chain(l),
        get(t, &weight)?,
        last_w,
        &dw.point,
        dw.value,
        f,
    )?;
    let (bp, mut b) = prove_bias_update(
        arch.bias_update(i, l),
        get(t, &format!("{}.bias_update", l.name))?,
        get(t, &names::bias_rem(&l.name))?,
        f,
    )?;
    let db = take(&mut b, "delta")?;
    let last_b = get(t, &names::last(&bias))?;
    let (bc, bcc) = prove_step(
        arch.bias_chain(l),
        get(t, &bias)?,
        last_b,
        &db.point,
        db.value,
        f,
    )?;
    out.extend(rename(w, &n.weight)?);
    out.extend(chain_claims(&weight, wcc));
    out.extend(rename(b, &n.bias)?);
    out.extend(chain_claims(&bias, bcc));
    let mut pool_grad = None;
    let backprop = match (arch.weighted_below(i), i.checked_sub(1)) {
        (Some(j), Some(d)) => {
            let (directly_below, below) = (&layer(arch, d)?.name, &layer(arch, j)?.name);
            let (delta, rem) = (
                get(t, &names::backprop(directly_below))?,
                get(t, &names::backprop_rem(directly_below))?,
            );
            let (pp, pc) = match conv {
                Some(_) => {
                    let (p, c) = prove_conv_backprop(
                        arch.conv_backprop(i, l)?,
                        grad,
                        get(t, &weight)?,
                        delta,
                        rem,
                        f,
                    )?;
                    (BackpropProof::Conv(p), c)
                }
                None => {
                    let (p, c) =
                        prove_rescaled(arch.backprop(i, l), grad, get(t, &weight)?, delta, rem, f)?;
                    (BackpropProof::Dense(p), c)
                }
            };
            out.extend(rename(pc, &n.backprop)?);
            let directly = layer(arch, d)?;
            if let LayerKind::MaxPool(_) = directly.kind {
                let name = &directly.name;
                let (pg, claims) = prove_maxpool_grad(
                    arch.maxpool_grad_shape(directly)?,
                    [
                        get(t, &names::select(name))?,
                        get(t, &names::pool_grad_in(name))?,
                        get(t, &names::upsampled(name))?,
                        get(t, &names::upsampled_output(name))?,
                        get(t, &arch.input_of(d))?,
                        get(t, &names::slack(name))?,
                    ],
                    f,
                )?;
                out.extend(rename(claims, &n.pool)?);
                pool_grad = Some(pg);
            }
            let (rp, rc) = prove_relu_grad(
                [
                    get(t, &names::pos(below))?,
                    get(t, &names::mask(below))?,
                    get(t, &names::mask_gap(below))?,
                    get(t, &arch.grad_in_of(j)?)?,
                    get(t, &names::grad(below))?,
                ],
                f,
            )?;
            out.extend(rename(rc, &n.relu)?);
            Some((pp, rp))
        }
        _ => None,
    };
    Ok((
        BackwardProof {
            weight: wp,
            weight_gather,
            weight_chain: wc,
            bias: bp,
            bias_chain: bc,
            backprop,
            pool_grad,
        },
        out,
    ))
}

/// Proves one layer's forward pass of every iteration.
fn prove_forward(
    arch: &TrainArchitecture,
    t: &Tensors,
    i: usize,
    f: &mut NativeTranscript,
) -> Result<(ForwardProof<Fr>, Routed<Fr>), Error> {
    let l = layer(arch, i)?;
    if let LayerKind::MaxPool(g) = l.kind {
        let (pool, c) = prove_maxpool(
            arch.maxpool_shape(l)?,
            get(t, &names::output(&l.name))?,
            get(t, &names::diff(&l.name))?,
            get(t, &names::xcol(&l.name))?,
            f,
        )?;
        let (gather, x) = prove_gather(&g, get(t, &arch.input_of(i))?, &c.window, f)?;
        return Ok((
            ForwardProof::MaxPool { pool, gather },
            maxpool_claims(arch, i, x, c),
        ));
    }
    if let LayerKind::AvgPool { .. } = l.kind {
        let (p, c) = prove_pool(
            arch.pool_shape(l)?,
            get(t, &names::output(&l.name))?,
            get(t, &names::remainder(&l.name))?,
            f,
        )?;
        return Ok((ForwardProof::Pool(p), pool_claims(arch, i, c)));
    }
    let outputs = if l.relu {
        vec![get(t, &names::pos(&l.name))?, get(t, &names::neg(&l.name))?]
    } else {
        vec![get(t, names::LOGITS)?]
    };
    let input = get(t, &arch.input_of(i))?;
    let conv = match l.kind {
        LayerKind::Conv(g) => Some(g),
        _ => None,
    };
    let dw = IteratedDenseWitness {
        input: match conv {
            Some(_) => get(t, &names::xcol(&l.name))?,
            None => input,
        },
        weight: get(t, &names::weight(&l.name))?,
        bias: get(t, &names::bias(&l.name))?,
        remainder: get(t, &names::remainder(&l.name))?,
        outputs,
    };
    let (p, mut c) = prove_dense_iterated(arch.forward_shape(l), &dw, f)?;
    match conv {
        Some(g) => {
            let xcol = take(&mut c, "input")?;
            let (gather, x) = prove_gather(&g, input, &xcol, f)?;
            let mut out = vec![(arch.input_of(i), x)];
            out.extend(rename(c, &forward_names(arch, i)?)?);
            Ok((ForwardProof::Conv { dense: p, gather }, out))
        }
        None => Ok((ForwardProof::Dense(p), rename(c, &forward_names(arch, i)?)?)),
    }
}

/// Proves that `w.trained` is the result of the architecture's training run from
/// `w.initial` on `w.dataset`.
pub fn prove(
    srs: &Srs,
    arch: &TrainArchitecture,
    w: &ProvingInputs<'_>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<TrainingProof, Error> {
    let plan = arch.plan()?;
    let layers = arch.layers();
    let phase = tracing::debug_span!("witness").entered();
    let (mut t, softmax) = witness(arch, w)?;
    let statements = plan.lookup_statements(arch)?;
    for (i, st) in statements.iter().enumerate() {
        let m = multiplicities(st.table, &lookup_columns(&plan, &t, i)?)?;
        t.insert(TrainPlan::multiplicity_name(i), m);
    }
    let trace = fill(&plan, TRACE, &t, rng)?;
    drop(phase);
    let trace_commitment =
        tracing::debug_span!("trace commitment").in_scope(|| commit(srs, &trace))?;
    let salt = Fr::rand(rng);
    let blocks = tracing::debug_span!("blocks").entered();
    let commitments = vec![
        w.trained.1.commitment,
        w.initial.commitment,
        w.dataset.0.commitment,
        trace_commitment,
    ];
    let mut main = statement(srs, arch, commitments).transcript(salt)?;
    let weighted = arch.weighted();
    let mut forks: Vec<NativeTranscript> = (0..2 + layers.len() + weighted.len())
        .map(|i| Ok(main.fork(i)?))
        .collect::<Result<_, Error>>()?;
    let backward_forks = forks.split_off(2 + layers.len());
    let loss_fork = forks.pop();
    let forward_forks = forks.split_off(1);
    let lookup_fork = forks.pop();

    let lookups = || -> Block<Vec<_>> {
        let mut f = lookup_fork.ok_or(Error::Internal {
            what: "the transcript forks once per block",
        })?;
        let mut proofs = Vec::with_capacity(statements.len());
        let mut routed = Vec::new();
        for (i, st) in statements.iter().enumerate() {
            let cols = lookup_columns(&plan, &t, i)?;
            let mult = get(&t, &TrainPlan::multiplicity_name(i))?;
            let (p, c) = prove_given(st.table, &cols, mult, &mut f)?;
            routed.extend(lookup_claims(&plan, i, st, &c)?);
            proofs.push(p);
        }
        Ok((proofs, routed, f.digest()?))
    };
    let forward = || -> Vec<Block<_>> {
        forward_forks
            .into_par_iter()
            .enumerate()
            .map(|(i, mut f)| {
                let (p, r) = prove_forward(arch, &t, i, &mut f)?;
                Ok((p, r, f.digest()?))
            })
            .collect()
    };
    let loss = || -> Block<_> {
        let mut f = loss_fork.ok_or(Error::Internal {
            what: "the transcript forks once per block",
        })?;
        let mut routed = Vec::new();
        let sp = match (arch.softmax_shape(), &softmax) {
            (Some(shape), Some(sw)) => {
                let (p, c) = prove_softmax(shape, sw, &mut f)?;
                routed.extend(c.into_iter().map(|(n, c)| (names::softmax(n), c)));
                Some(p)
            }
            _ => None,
        };
        let (shape, map) = loss_grad(arch);
        let tensors = [
            get(&t, names::GRADIENT)?,
            get(&t, &map[1].1)?,
            get(&t, names::BATCH_LABELS)?,
        ];
        let (gp, gc) = prove_loss_grad(shape, tensors, &mut f)?;
        routed.extend(rename(gc, &map)?);
        let (op, oc) = prove_one_hot(arch.one_hot_shape(), get(&t, names::LABELS)?, &mut f)?;
        routed.extend(rename(oc, &one_hot_names())?);
        Ok(((sp, gp, op), routed, f.digest()?))
    };
    let backward = || -> Vec<Block<_>> {
        backward_forks
            .into_par_iter()
            .zip(weighted.par_iter())
            .map(|(mut f, i)| {
                let (p, r) = prove_backward(arch, &t, *i, &mut f)?;
                Ok((p, r, f.digest()?))
            })
            .collect()
    };
    let (lk, (fw, (ls, bw))) = rayon::join(lookups, || {
        rayon::join(forward, || rayon::join(loss, backward))
    });
    let (lookup_proofs, mut routed, d0) = lk?;
    let mut digests = vec![d0];
    let mut forward_proofs = Vec::with_capacity(layers.len());
    for b in fw {
        let (p, r, d) = b?;
        forward_proofs.push(p);
        routed.extend(r);
        digests.push(d);
    }
    let ((softmax_proof, gradient, one_hot), r, d) = ls?;
    routed.extend(r);
    digests.push(d);
    let mut backward_proofs = Vec::with_capacity(weighted.len());
    for b in bw {
        let (p, r, d) = b?;
        backward_proofs.push(p);
        routed.extend(r);
        digests.push(d);
    }
    main.join(&digests)?;
    let mut sink = TrainSink::new(arch, &plan);
    for (name, claim) in &routed {
        sink.add(name, claim)?;
    }
    let vectors: Vec<&[Fr]> = vec![
        &w.trained.1.vector,
        &w.initial.vector,
        &w.dataset.0.vector,
        &trace,
    ];
    drop(blocks);
    let _opening = tracing::debug_span!("opening").entered();
    let opening = prove_split_opening(srs, &vectors, sink.acc.claims(), &mut main)?;
    Ok(TrainingProof {
        trace_commitment,
        salt,
        body: TrainingProofBody {
            lookups: lookup_proofs,
            forward: forward_proofs,
            softmax: softmax_proof,
            gradient,
            one_hot,
            backward: backward_proofs,
        },
        opening,
    })
}

/// A 2×2 stride-2 max pool's backward witness over its input layout (`m` examples, `c`
/// channels, input `x`, pooled output `pooled`, pooled gradient `grad`): the first-max
/// selection S, G_in = S ⊙ UP_G, the slack E = UP_O − X − B (B = 1 on the taps strictly before
/// the selected one; taps in row-major order (dx, dy) = (0, 0), (1, 0), (0, 1), (1, 1)), UP_G
/// and UP_O. A window of the layout's padding (inputs and output 0) selects its first tap, as
/// the block's window sum asks of every window.
fn maxpool_backward(
    g: &crate::graph::quant::ConvGeometry,
    c: usize,
    m: usize,
    x: &[i64],
    pooled: &[i64],
    grad: &[i64],
) -> [Vec<i64>; 5] {
    let (hp, wp) = (g.in_hp(), g.in_wp());
    let up_g = crate::train::upsample([hp, wp, c], m, grad);
    let up_o = crate::train::upsample([hp, wp, c], m, pooled);
    let mut select = vec![0i64; x.len()];
    for at in crate::train::first_max_positions(g, m, x, pooled)
        .into_iter()
        .flatten()
    {
        select[at] = 1;
    }
    for n in 0..m {
        for yo in 0..hp / 2 {
            for xo in 0..wp / 2 {
                if yo >= g.out_h || xo >= g.out_w {
                    let at = ((n * hp + 2 * yo) * wp + 2 * xo) * c;
                    select[at..at + c].fill(1);
                }
            }
        }
    }
    let g_in: Vec<i64> = select.iter().zip(&up_g).map(|(s, u)| s * u).collect();
    let taps = [0, c, wp * c, (wp + 1) * c];
    let slack: Vec<i64> = (0..x.len())
        .map(|at| {
            let pos = at / c;
            let (xx, yy) = (pos % wp, (pos / wp) % hp);
            let base = at - ((xx & 1) + (yy & 1) * wp) * c;
            let tap = (xx & 1) + 2 * (yy & 1);
            let chosen: i64 = taps[..=tap].iter().map(|o| select[base + o]).sum();
            up_o[at] - x[at] - (1 - chosen)
        })
        .collect();
    [select, g_in, slack, up_g, up_o]
}
