//! The training prover: the trainer's per-step records stacked over iterations, the trace
//! committed, blocks on forks in parallel, one opening of every claim.

use super::plan::{DATASET, TRACE, TrainPlan, names};
use super::routing::{
    Routed, avgpool_window_claims, backprop_remainder_claim, backward_names, chain_claims,
    forward_names, layer, lookup_claims, loss_grad, maxpool_claims, one_hot_names, pool_claims,
    relu_names, remainder_claim, rename, take, take_all,
};
use super::sink::TrainSink;
use super::verify::statement;
use super::witness::{Tensors, add_blocks, dataset_tensors, fill, get, witness};
use super::{
    BackpropProof, BackwardProof, ForwardProof, PoolGradProof, TrainArchitecture, TrainingProof,
    TrainingProofBody,
};
use crate::blocks::TensorClaim;
use crate::blocks::avgpool::prove_avgpool;
use crate::blocks::avgpool_grad::prove_avgpool_grad;
use crate::blocks::conv::prove_gather;
use crate::blocks::conv_backprop::prove_conv_backprop;
use crate::blocks::dense_iter::{
    IteratedDenseWitness, prove_bias_update, prove_dense_iterated, prove_rescaled,
    prove_rescaled_at,
};
use crate::blocks::iterate::prove_step;
use crate::blocks::loss_grad::prove_loss_grad;
use crate::blocks::maxpool::prove_maxpool;
use crate::blocks::maxpool_grad::prove_maxpool_grad;
use crate::blocks::one_hot::prove_one_hot;
use crate::blocks::pool::prove_pool_output;
use crate::blocks::relu_train::{ReluClaims, prove_relu};
use crate::blocks::softmax::prove_softmax;
use crate::error::Error;
use crate::graph::quant::QuantizedModel;
use crate::lookup::{LookupColumn, multiplicities, prove_given};
use crate::pcs::{Srs, commit, prove_split_opening};
use crate::proof::bounds::{range_lookup_columns, softmax_columns};
use crate::proof::model::{CommittedData, CommittedModel, LayerKind, ModelShape};
use crate::train::StepTrace;
use crate::transcript::NativeTranscript;
use ark_bn254::Fr;
use ark_ff::UniformRand;
use rand::RngCore;
use rayon::prelude::*;

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

fn lookup_columns<'a>(
    plan: &'a TrainPlan,
    t: &'a Tensors,
    i: usize,
) -> Result<Vec<LookupColumn<'a>>, Error> {
    match i {
        0 => range_lookup_columns(t, &plan.range_columns),
        _ => softmax_columns(t, names::softmax),
    }
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
    // A max or window average pool directly below a layer above the first: its backward pass.
    let below = match arch.handed_to(i) {
        Some(d) => Some(layer(arch, d)?),
        None => None,
    };
    let pool_grad = match below {
        Some(b) if matches!(b.kind, LayerKind::MaxPool(_)) => {
            let name = &b.name;
            let (pg, claims) = prove_maxpool_grad(
                arch.maxpool_grad_shape(b)?,
                [
                    get(t, &names::select(name))?,
                    get(t, &names::diff(name))?,
                    get(t, &names::slack(name))?,
                    get(t, &names::backprop(name))?,
                    get(t, &names::pool_grad_in(name))?,
                ],
                f,
            )?;
            out.extend(rename(claims, &n.pool)?);
            Some(PoolGradProof::Max(pg))
        }
        Some(b) if matches!(b.kind, LayerKind::AvgPoolWindow(_)) => {
            let name = &b.name;
            let (_, shape) = arch.avgpool_window_shapes(b)?;
            let (pg, claims) = prove_avgpool_grad(
                shape,
                [
                    get(t, &names::pool_grad_in(name))?,
                    get(t, &names::pool_grad_rem(name))?,
                    get(t, &names::upsampled(name))?,
                ],
                f,
            )?;
            out.extend(rename(claims, &n.pool)?);
            Some(PoolGradProof::Average(pg))
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
            // Proven after the lookups ([`prove_backprop`]).
            backprop: None,
            pool_grad,
        },
        out,
    ))
}

/// Proves the gradient weighted layer `i` (above the first) hands down, at the range lookup's
/// claim on its (virtual) remainder; returns its claims on the layer's output gradient, its
/// weights and the handed-down gradient.
fn prove_backprop(
    arch: &TrainArchitecture,
    t: &Tensors,
    i: usize,
    remainder: &TensorClaim<Fr>,
    f: &mut NativeTranscript,
) -> Result<(BackpropProof<Fr>, Routed<Fr>), Error> {
    let l = layer(arch, i)?;
    let n = backward_names(arch, i)?;
    let d = arch.handed_to(i).ok_or(Error::Internal {
        what: "a back-propagating layer sits above another",
    })?;
    let below = &layer(arch, d)?.name;
    let (grad, weight, delta) = (
        get(t, &arch.grad_of(i))?,
        get(t, &names::weight(&l.name))?,
        get(t, &names::backprop(below))?,
    );
    let (p, c) = match l.kind {
        LayerKind::Conv(_) => {
            let shape = arch.conv_backprop(i, l)?;
            let (p, c) = prove_conv_backprop(shape, grad, weight, delta, remainder, f)?;
            (BackpropProof::Conv(p), c)
        }
        _ => {
            let shape = arch.backprop(i, l);
            let (p, c) = prove_rescaled_at(shape, grad, weight, delta, remainder, f)?;
            (BackpropProof::Dense(p), c)
        }
    };
    Ok((p, rename(c, &n.backprop)?))
}

/// Proves one layer's forward pass of every iteration; a weighted layer's at the range lookup's
/// claim on its (virtual) remainder.
fn prove_forward(
    arch: &TrainArchitecture,
    t: &Tensors,
    i: usize,
    remainder: Option<&TensorClaim<Fr>>,
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
    if let LayerKind::AvgPoolWindow(g) = l.kind {
        let (shape, _) = arch.avgpool_window_shapes(l)?;
        let (pool, c) = prove_avgpool(
            shape,
            get(t, &names::output(&l.name))?,
            get(t, &names::remainder(&l.name))?,
            f,
        )?;
        let (gather, x) = prove_gather(&g, get(t, &arch.input_of(i))?, &c.window, f)?;
        return Ok((
            ForwardProof::AvgPoolWindow { pool, gather },
            avgpool_window_claims(arch, i, x, c),
        ));
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
        outputs,
    };
    let remainder = remainder.ok_or(Error::Internal {
        what: "a weighted layer's forward block proves its remainder's range claim",
    })?;
    let (p, mut c) = prove_dense_iterated(arch.forward_shape(l), &dw, remainder, f)?;
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
    let (mut t, softmax) = tracing::debug_span!("tensors").in_scope(|| witness(arch, w))?;
    add_blocks(&plan, &mut t)?;
    let statements = plan.lookup_statements(arch)?;
    let _span = tracing::debug_span!("multiplicities").entered();
    for (i, st) in statements.iter().enumerate() {
        let m = multiplicities(st.table, &lookup_columns(&plan, &t, i)?)?;
        t.insert(TrainPlan::multiplicity_name(i), m);
    }
    drop(_span);
    let trace = tracing::debug_span!("fill").in_scope(|| fill(&plan, TRACE, &t, rng))?;
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
    let pools = arch.pools();
    let mut forks: Vec<NativeTranscript> = (0..2 + pools.len() + weighted.len())
        .map(|i| Ok(main.fork(i)?))
        .collect::<Result<_, Error>>()?;
    let backward_forks = forks.split_off(2 + pools.len());
    let loss_fork = forks.pop();
    let pool_forks = forks.split_off(1);
    let lookup_fork = forks.pop();

    let lookups = || -> Block<(Vec<_>, Vec<_>, Vec<_>)> {
        let _span = tracing::debug_span!("lookups, weighted forward, back-propagation").entered();
        let mut f = lookup_fork.ok_or(Error::Internal {
            what: "the transcript forks once per block",
        })?;
        let mut proofs = Vec::with_capacity(statements.len());
        let mut routed = Vec::new();
        for (i, st) in statements.iter().enumerate() {
            let cols = lookup_columns(&plan, &t, i)?;
            let mult = get(&t, &TrainPlan::multiplicity_name(i))?;
            let (p, c) = tracing::debug_span!("lookup", i)
                .in_scope(|| prove_given(st.table, &cols, mult, &mut f))?;
            routed.extend(lookup_claims(&plan, i, st, &c)?);
            proofs.push(p);
        }
        // Each weighted layer's forward block, at the lookup's claim on its remainder.
        let mut forward = Vec::with_capacity(weighted.len());
        for &i in &weighted {
            let at = remainder_claim(arch, &mut routed, layer(arch, i)?)?;
            let (p, r) = tracing::debug_span!("forward", i)
                .in_scope(|| prove_forward(arch, &t, i, Some(&at), &mut f))?;
            forward.push(p);
            routed.extend(r);
        }
        // Each back-propagation, at the lookup's claim on the remainder it hands down.
        let mut backprop = Vec::with_capacity(weighted.len());
        for &i in &weighted {
            let below = arch.handed_to(i);
            backprop.push(match below {
                Some(d) => {
                    let at = backprop_remainder_claim(arch, &mut routed, d)?;
                    let (p, r) = tracing::debug_span!("backprop", i)
                        .in_scope(|| prove_backprop(arch, &t, i, &at, &mut f))?;
                    routed.extend(r);
                    Some(p)
                }
                None => None,
            });
        }
        Ok(((proofs, forward, backprop), routed, f.digest()?))
    };
    let forward = || -> Vec<Block<_>> {
        pool_forks
            .into_par_iter()
            .zip(pools.par_iter())
            .map(|(mut f, i)| {
                let (p, r) = tracing::debug_span!("pool forward", i)
                    .in_scope(|| prove_forward(arch, &t, *i, None, &mut f))?;
                Ok((p, r, f.digest()?))
            })
            .collect()
    };
    let loss = || -> Block<_> {
        let _span = tracing::debug_span!("loss").entered();
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
                let (p, r) = tracing::debug_span!("backward", i)
                    .in_scope(|| prove_backward(arch, &t, *i, &mut f))?;
                Ok((p, r, f.digest()?))
            })
            .collect()
    };
    let (lk, (fw, (ls, bw))) = rayon::join(lookups, || {
        rayon::join(forward, || rayon::join(loss, backward))
    });
    let ((lookup_proofs, weighted_forward, backprops), mut routed, d0) = lk?;
    let mut digests = vec![d0];
    let mut pool_forward = Vec::with_capacity(pools.len());
    for b in fw {
        let (p, r, d) = b?;
        pool_forward.push(p);
        routed.extend(r);
        digests.push(d);
    }
    let ((softmax_proof, gradient, one_hot), r, d) = ls?;
    routed.extend(r);
    digests.push(d);
    let mut backward_proofs = Vec::with_capacity(weighted.len());
    for (b, backprop) in bw.into_iter().zip(backprops) {
        let (mut p, r, d) = b?;
        p.backprop = backprop;
        backward_proofs.push(p);
        routed.extend(r);
        digests.push(d);
    }
    main.join(&digests)?;
    let after_join = tracing::debug_span!("pool outputs, ReLUs").entered();
    // Every claim on a 2×2 pool's virtual output is in: resolve them into claims on its
    // remainder and input (the layer below's Pos, proven next).
    let mut virtual_forward = Vec::new();
    for i in arch.virtual_pools() {
        let l = layer(arch, i)?;
        let _span = tracing::debug_span!("pool output", i).entered();
        let claims = take_all(&mut routed, &names::output(&l.name));
        let (p, c) = prove_pool_output(
            arch.pool_shape(l)?,
            get(&t, &names::remainder(&l.name))?,
            &claims,
            &mut main,
        )?;
        routed.extend(c.into_iter().flat_map(|c| pool_claims(arch, i, c)));
        virtual_forward.push(ForwardProof::Pool(p));
    }
    let forward_proofs = arch.in_layer_order([weighted_forward, pool_forward, virtual_forward])?;
    // Every claim on a hidden layer's Pos, Neg and output gradient is in (the forward blocks',
    // the pools', its updates' and its back-propagation's): prove them on |Y|, M and dA.
    let mut relus = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        if !arch.has_relu_derivative(i) {
            continue;
        }
        let _span = tracing::debug_span!("ReLU", i).entered();
        let pos = take_all(&mut routed, &names::pos(&l.name));
        let neg = take_all(&mut routed, &names::neg(&l.name));
        let grad = take_all(&mut routed, &arch.grad_of(i));
        let (p, c) = prove_relu(
            [
                get(&t, &names::relu_abs(&l.name))?,
                get(&t, &names::mask(&l.name))?,
                get(&t, &arch.grad_in_of(i)?)?,
            ],
            ReluClaims {
                pos: &pos,
                neg: &neg,
                grad: &grad,
            },
            &mut main,
        )?;
        routed.extend(rename(c, &relu_names(arch, i)?)?);
        relus.push(p);
    }
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
    drop(after_join);
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
            relus,
        },
        opening,
    })
}
