//! The MLP prover: witness from the integer forward pass, vectors, blocks on forks, one opening.

use super::lookups::max_pools;
use super::plan::{DATA, MODEL, ModelArchitecture, Place, Plan, Sink, TRACE, names};
use super::shape::{LayerKind, LayerShape, Task};
use super::verify::{LayerClaims, LookupStageClaims, route, start_blocks};
use super::{LayerProof, ModelProof, ModelProofBody, PublicValues, SoftmaxSiteProof};
use crate::blocks::argmax::{ArgmaxWitness, prove_argmax};
use crate::blocks::avgpool::{AvgPoolShape, prove_avgpool};
use crate::blocks::concat::prove_concat;
use crate::blocks::conv::prove_gather;
use crate::blocks::dense::{DenseWitness, prove_dense};
use crate::blocks::maxpool::{prove_maxpool, prove_virtual_diff};
use crate::blocks::pool::PoolClaims;
use crate::blocks::pool::{PoolShape, prove_pool};
use crate::blocks::residual::{ResidualShape, ResidualWitness, prove_residual};
use crate::blocks::softmax::{SLACK, SoftmaxWitness, TENSORS, prove_softmax};
use crate::error::{Error, ensure, ensure_lens};
use crate::field::encoding::from_i128;
use crate::graph::quant::{InputShape, IntTrace, QLayer, QuantizedModel};
use crate::lookup::{LookupColumn, multiplicities, prove_given};
use crate::pcs::{Srs, commit, prove_split_opening};
use crate::proof::bounds::{range_lookup_columns, softmax_columns};
use ark_bn254::{Fr, G1Affine};
use ark_ff::UniformRand;
use rand::RngCore;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A committed model: the masked vector and the commitment registered on chain.
#[derive(Clone, Debug)]
pub struct CommittedModel {
    /// Weights and biases at their segments, random mask slots.
    pub vector: Vec<Fr>,
    /// The model commitment.
    pub commitment: G1Affine,
}

/// A committed data vector (inputs, outputs or labels of a statement).
#[derive(Clone, Debug)]
pub struct CommittedData {
    /// The masked vector.
    pub vector: Vec<Fr>,
    /// Its commitment.
    pub commitment: G1Affine,
}

fn ints(v: &[i64]) -> Vec<Fr> {
    v.par_iter().map(|x| from_i128(i128::from(*x))).collect()
}

fn fill(
    plan: &Plan,
    vector: usize,
    tensors: &BTreeMap<String, Vec<Fr>>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<Vec<Fr>, Error> {
    let mut parts = Vec::new();
    for (name, place) in &plan.places {
        if let Place::Vector { vector: v, stored } = place
            && *v == vector
        {
            let values = tensors
                .get(name)
                .ok_or_else(|| Error::MissingTensor { name: name.clone() })?;
            let vars = plan
                .vars
                .get(name)
                .copied()
                .ok_or_else(|| Error::MissingTensor { name: name.clone() })?;
            parts.extend(stored.parts(name, values, vars)?);
        }
    }
    let parts: Vec<_> = parts.iter().map(|(id, v)| (*id, v.as_ref())).collect();
    let layout = plan.layouts.get(vector).ok_or(Error::Internal {
        what: "every vector the plan places tensors in has a layout",
    })?;
    layout.fill(&parts, rng)
}

/// Commits the model's weights and biases in the layout every statement (and training)
/// uses; the architecture's task does not change the model vector.
pub fn commit_model(
    srs: &Srs,
    arch: &ModelArchitecture,
    q: &QuantizedModel,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<CommittedModel, Error> {
    let plan = arch.plan()?;
    let mut t = BTreeMap::new();
    for l in q.layers.iter().filter_map(QLayer::dense) {
        t.insert(names::weight(&l.name), ints(&l.weight));
        t.insert(names::bias(&l.name), ints(&l.bias));
    }
    let vector = fill(&plan, MODEL, &t, rng)?;
    let commitment = commit(srs, &vector)?;
    Ok(CommittedModel { vector, commitment })
}

/// One-hot labels (m rows of c columns), zero rows below the real examples. Labels must be
/// real classes (< `classes` ≤ c) and at most m.
fn one_hot(labels: &[usize], m: usize, c: usize, classes: usize) -> Result<Vec<Fr>, Error> {
    if labels.len() > m {
        return Err(Error::TooLarge {
            what: "labels (at most one per row)",
            value: labels.len(),
            max: m,
        });
    }
    if classes > c {
        return Err(Error::TooLarge {
            what: "classes (at most one per output column)",
            value: classes,
            max: c,
        });
    }
    let mut v = vec![Fr::from(0u64); m * c];
    for (i, l) in labels.iter().enumerate() {
        if *l >= classes {
            return Err(Error::TooLarge {
                what: "label (a class index)",
                value: *l,
                max: classes.saturating_sub(1),
            });
        }
        v[i * c + l] = Fr::from(1u64);
    }
    Ok(v)
}

/// Commits the statement's committed tensors: the input (padded ints, rows × width), the
/// outputs (inference with a committed output: [`IntTrace::outputs`], the logits or a Softmax
/// output's probabilities) and the labels (accuracy).
pub fn commit_data(
    srs: &Srs,
    arch: &ModelArchitecture,
    input: &[i64],
    outputs: Option<&[i64]>,
    labels: Option<&[usize]>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<CommittedData, Error> {
    let plan = arch.plan()?;
    let (m, c) = (arch.rows(), arch.shape.output_width());
    let mut t = BTreeMap::new();
    t.insert(names::INPUT.to_string(), ints(input));
    if let Some(o) = outputs {
        t.insert(arch.output_name(), ints(o));
    }
    if let Some(l) = labels {
        t.insert(
            names::LABELS.to_string(),
            one_hot(l, m, c, arch.shape.classes)?,
        );
    }
    let vector = fill(&plan, DATA, &t, rng)?;
    let commitment = commit(srs, &vector)?;
    Ok(CommittedData { vector, commitment })
}

/// Commits a published test set (inputs and labels) so that anyone holding the published data
/// recomputes the same commitment: the mask slots come from [`crate::proof::public_mask_rng`].
/// An accuracy claim means something only against a test set its publisher registered
/// (DESIGN §11.6); this is the commitment a publisher registers and a buyer recomputes.
pub fn commit_public_test_set(
    srs: &Srs,
    arch: &ModelArchitecture,
    input: &[i64],
    labels: &[usize],
) -> Result<CommittedData, Error> {
    let mut rng = crate::proof::public_mask_rng("test-set", &[]);
    commit_data(srs, arch, input, None, Some(labels), &mut rng)
}

/// Argmax witness: first-maximum one-hot rows, slack D = M − L − 1 + S, and the count.
fn argmax_witness(logits: &[i64], labels: &[usize], c: usize) -> (Vec<i64>, Vec<i64>, u64) {
    let mut pred = vec![0i64; logits.len()];
    let mut slack = vec![0i64; logits.len()];
    let mut count = 0;
    for (i, row) in logits.chunks(c).enumerate() {
        let best = crate::graph::quant::first_max(row);
        pred[i * c + best] = 1;
        for j in 0..c {
            slack[i * c + j] = row[best] - row[j] - 1 + i64::from(j >= best);
        }
        if labels.get(i) == Some(&best) {
            count += 1;
        }
    }
    (pred, slack, count)
}

/// The paired (pre-activation, activation) column of a table-activation layer.
fn activation_column<'a>(
    t: &'a BTreeMap<String, Vec<Fr>>,
    l: &'a LayerShape,
) -> Result<LookupColumn<'a>, Error> {
    let get = |n: String| t.get(&n).ok_or(Error::MissingTensor { name: n });
    Ok(LookupColumn {
        name: &l.name,
        values: get(names::pre(&l.name))?,
        offset: 0,
        second: Some(get(names::act(&l.name))?),
    })
}

/// Everything the prover needs besides the SRS.
pub struct ModelWitness<'a> {
    /// The quantized model.
    pub model: &'a QuantizedModel,
    /// Its committed vector.
    pub committed_model: &'a CommittedModel,
    /// The data vector, when the architecture has one.
    pub data: Option<&'a CommittedData>,
    /// The integer forward pass on the (padded) input.
    pub trace: &'a IntTrace,
    /// Labels of the examples (accuracy).
    pub labels: Option<&'a [usize]>,
}

/// Proves the statement; returns the proof and its public values.
pub fn prove(
    srs: &Srs,
    arch: &ModelArchitecture,
    w: &ModelWitness<'_>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<(ModelProof, PublicValues), Error> {
    let mut stage = tracing::debug_span!("blocks").in_scope(|| {
        prove_blocks(
            srs,
            arch,
            w,
            |trace| tracing::debug_span!("trace commitment").in_scope(|| commit(srs, trace)),
            rng,
        )
    })?;
    let mut vectors: Vec<&[Fr]> = vec![&w.committed_model.vector, &stage.trace];
    if let Some(d) = w.data.filter(|_| arch.has_data()) {
        vectors.push(&d.vector);
    }
    let _opening = tracing::debug_span!("opening").entered();
    let opening = prove_split_opening(srs, &vectors, &stage.claims, &mut stage.transcript)?;
    Ok((
        ModelProof {
            trace_commitment: stage.trace_commitment,
            salt: stage.salt,
            body: stage.body,
            opening,
        },
        stage.public,
    ))
}

/// A statement proven up to its opening: the block messages, the claims they leave on the
/// committed vectors, and the transcript the opening continues.
pub(crate) struct BlockStage {
    /// The trace vector (mask slots filled).
    pub trace: Vec<Fr>,
    /// The commitment `commit_trace` returned for it.
    pub trace_commitment: G1Affine,
    /// The proof's salt.
    pub salt: Fr,
    /// Every block's messages.
    pub body: ModelProofBody<Fr>,
    /// The statement's public values.
    pub public: PublicValues,
    /// The claims on [model, trace, data?] the opening must prove.
    pub claims: Vec<crate::pcs::OpeningClaim<Fr>>,
    /// The main transcript after the blocks' digests are joined.
    pub transcript: crate::transcript::NativeTranscript,
}

/// Everything before the opening. `commit_trace` commits the trace vector (the honest prover
/// commits it; the soundness tests' adversary substitutes what it needs).
pub(crate) fn prove_blocks(
    srs: &Srs,
    arch: &ModelArchitecture,
    w: &ModelWitness<'_>,
    commit_trace: impl FnOnce(&[Fr]) -> Result<G1Affine, Error>,
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<BlockStage, Error> {
    let plan = arch.plan()?;
    let s = &arch.shape;
    let (m, c) = (arch.rows(), s.output_width());
    ensure_lens(&[
        ("forward-pass rows", m, w.trace.m),
        ("forward-pass layers", s.layers.len(), w.trace.layers.len()),
    ])?;
    let mut t: BTreeMap<String, Vec<Fr>> = BTreeMap::new();
    t.insert(names::INPUT.into(), ints(&w.trace.input));
    let mut xcols: Vec<Vec<Fr>> = Vec::with_capacity(s.layers.len());
    for (i, ((l, lt), q)) in s
        .layers
        .iter()
        .zip(&w.trace.layers)
        .zip(&w.model.layers)
        .enumerate()
    {
        ensure(
            q.name() == l.name,
            "model witness",
            "the model's layers are not the architecture's (their names differ); prove with the \
             model the architecture was built from",
        )?;
        ensure(
            w.model.branches.get(&i) == l.source.as_ref(),
            "model witness",
            "the model's branches are not the architecture's (a layer reads another tensor); \
             prove with the model the architecture was built from",
        )?;
        if let Some(d) = q.dense() {
            t.insert(names::weight(&l.name), ints(&d.weight));
            t.insert(names::bias(&l.name), ints(&d.bias));
        }
        // The plan says which of the layer's own tensors the statement commits.
        for (name, values) in [
            (names::output(&l.name), &lt.y),
            (names::remainder(&l.name), &lt.r),
            (names::diff(&l.name), &lt.diff),
        ] {
            if plan.places.contains_key(&name) || plan.virtual_tensors.contains(&name) {
                t.insert(name, ints(values));
            }
        }
        if l.relu {
            t.insert(names::pos(&l.name), ints(&lt.pos));
            t.insert(names::neg(&l.name), ints(&lt.neg));
        }
        if l.has_pre_activation() {
            t.insert(names::pre(&l.name), ints(&lt.y));
            t.insert(names::act(&l.name), ints(&lt.act));
        }
        xcols.push(ints(&lt.xcol));
    }
    let logits = w.trace.logits();
    t.insert(names::LOGITS.into(), ints(logits));
    // Every softmax: the block's tensors from its logits (a hidden layer's pre-activation,
    // or the statement's logits), its probabilities exactly the forward pass's.
    let mut softmaxes = Vec::new();
    for site in arch.softmax_sites() {
        let input = match &site.layer {
            None => logits,
            Some(name) => s
                .layers
                .iter()
                .position(|l| l.name == *name)
                .and_then(|i| w.trace.layers.get(i))
                .map(|lt| lt.y.as_slice())
                .ok_or(Error::Internal {
                    what: "a hidden softmax's layer has a trace",
                })?,
        };
        let sw = SoftmaxWitness::compute(site.shape, input);
        for (name, v) in TENSORS.iter().chain([&SLACK]).zip(&sw.tensors).skip(1) {
            t.insert(site.name(name), v.clone());
        }
        softmaxes.push((site, sw));
    }
    let mut public = PublicValues::default();
    let mut count = None;
    match arch.task {
        Task::Accuracy { examples } => {
            let labels = w.labels.unwrap_or(&[]);
            ensure_lens(&[("labels (one per example)", examples, labels.len())])?;
            let (pred, slack, n) = argmax_witness(logits, labels, c);
            t.insert(names::PREDICTION.into(), ints(&pred));
            t.insert(names::SLACK.into(), ints(&slack));
            t.insert(names::LABELS.into(), one_hot(labels, m, c, s.classes)?);
            public.count = Some(Fr::from(n));
            count = public.count;
        }
        Task::Inference { rows, .. } => {
            let real = |v: &[Fr], w_pad: usize, w: usize| -> Vec<Fr> {
                v.chunks(w_pad)
                    .take(rows)
                    .flat_map(|r| r[..w].to_vec())
                    .collect()
            };
            if plan.places.get(names::INPUT) == Some(&Place::PublicInput) {
                let real_w = match s.input {
                    InputShape::Flat { features } => features,
                    InputShape::Image { c, .. } => c,
                };
                let (per, real_rows, width) =
                    (s.input.rows(), s.input.real_rows(), s.input_width());
                let input = &t[names::INPUT];
                public.input = Some(
                    (0..rows * real_rows)
                        .flat_map(|i| {
                            let row = (i / real_rows) * per + s.input.layout_row(i % real_rows);
                            input[row * width..row * width + real_w].to_vec()
                        })
                        .collect(),
                );
            }
            let output = arch.output_name();
            if plan.places.get(&output) == Some(&Place::PublicOutput) {
                public.logits = Some(real(&t[&output], c, s.classes));
            }
        }
    }

    // Multiplicities, then the trace commitment: every column is bound before any challenge.
    let range_st = plan.range_statement(s)?;
    let range_mult = multiplicities(
        range_st.table,
        &range_lookup_columns(&t, &plan.range_columns)?,
    )?;
    t.insert(names::RANGE_MULT.into(), range_mult.clone());
    // Table activations: one paired lookup (pre-activation, activation) per layer.
    let mut act_lookups = Vec::new();
    for l in &s.layers {
        if let Some(st) = plan.activation_statement(s, l)? {
            let col = activation_column(&t, l)?;
            let mult = multiplicities(st.table, &[col])?;
            act_lookups.push((l.clone(), st, mult));
        }
    }
    for (l, _, mult) in &act_lookups {
        t.insert(names::act_mult(&l.name), mult.clone());
    }
    let mut softmax_lookups = Vec::with_capacity(softmaxes.len());
    for (site, _) in &softmaxes {
        let st = plan.softmax_statement(site)?;
        let mult = multiplicities(st.table, &softmax_columns(&t, |n| site.name(n))?)?;
        t.insert(site.name(names::EXP_MULT), mult.clone());
        softmax_lookups.push((st, mult));
    }
    let trace = fill(&plan, TRACE, &t, rng)?;
    let trace_commitment = commit_trace(&trace)?;
    let salt = Fr::rand(rng);

    let mut commitments = vec![w.committed_model.commitment, trace_commitment];
    if arch.has_data() {
        let d = w.data.ok_or(Error::BlockShape {
            block: "model witness",
            reason: "the architecture commits its input data; pass the committed data",
        })?;
        commitments.push(d.commitment);
    }
    let statement = super::verify::statement(srs, arch, commitments, &public)?;
    let mut main = statement.transcript(salt)?;
    let forks = start_blocks(&main, s.layers.len() + 1 + usize::from(count.is_some()))?;

    // Blocks in parallel on their forks.
    let range_cols = range_lookup_columns(&t, &plan.range_columns)?;
    let mut forks = forks.into_iter();
    let mut lookup_fork = forks.next().ok_or(Error::Internal {
        what: "the transcript forks once per block",
    })?;
    let layer_forks: Vec<_> = forks.by_ref().take(s.layers.len()).collect();
    let argmax_fork = forks.next();
    let (lookups, (layers, argmax)) = rayon::join(
        || -> Result<_, Error> {
            let _span = tracing::debug_span!("lookups").entered();
            let range = prove_given(range_st.table, &range_cols, &range_mult, &mut lookup_fork)?;
            let mut acts = Vec::with_capacity(act_lookups.len());
            for (l, st, mult) in &act_lookups {
                let col = activation_column(&t, l)?;
                acts.push(prove_given(st.table, &[col], mult, &mut lookup_fork)?);
            }
            let mut chunks = Vec::with_capacity(softmaxes.len());
            for ((site, _), (st, mult)) in softmaxes.iter().zip(&softmax_lookups) {
                let cols = softmax_columns(&t, |n| site.name(n))?;
                chunks.push(prove_given(st.table, &cols, mult, &mut lookup_fork)?);
            }
            // The max pools' differences are virtual: resolve the range lookup's claims on them.
            let mut diffs = Vec::new();
            for ((i, shape), d) in max_pools(arch)
                .into_iter()
                .zip(plan.diff_claims(arch, &range.1)?)
            {
                let l = &s.layers[i];
                let (p, c) = prove_virtual_diff(
                    shape,
                    &d,
                    &t[&l.pool_output()],
                    &xcols[i],
                    &t[&s.source_name(s.layer_source(i))],
                    &mut lookup_fork,
                )?;
                diffs.push((p, c));
            }
            let mut blocks = Vec::with_capacity(softmaxes.len());
            for (site, sw) in &softmaxes {
                blocks.push(prove_softmax(site.shape, sw, &mut lookup_fork)?);
            }
            Ok((range, acts, chunks, diffs, blocks, lookup_fork.digest()?))
        },
        || {
            let layers = s
                .layers
                .par_iter()
                .zip(layer_forks)
                .enumerate()
                .map(|(i, (l, mut fork))| -> Result<_, Error> {
                    let _span = tracing::debug_span!("layer", name = %l.name).entered();
                    let input = &t[&s.source_name(s.layer_source(i))];
                    let out = match l.kind {
                        LayerKind::AvgPool { h, w } => {
                            let shape = PoolShape { m, h, w, c: l.n };
                            let o = &t[&l.pool_output()];
                            let r = &t[&names::remainder(&l.name)];
                            let (p, c) = prove_pool(shape, o, r, &mut fork)?;
                            (LayerProof::Pool(p), LayerClaims::Pool(c))
                        }
                        LayerKind::AvgPoolWindow(g) => {
                            let shape = AvgPoolShape { m, geometry: g };
                            let (pool, c) = prove_avgpool(
                                shape,
                                &t[&l.pool_output()],
                                &t[&names::remainder(&l.name)],
                                &mut fork,
                            )?;
                            let (gather, input) = prove_gather(&g, input, &c.window, &mut fork)?;
                            (
                                LayerProof::AvgPoolWindow { pool, gather },
                                LayerClaims::Pool(PoolClaims {
                                    output: c.output,
                                    remainder: c.remainder,
                                    input,
                                }),
                            )
                        }
                        LayerKind::MaxPool(g) => {
                            let (pool, c) = prove_maxpool(
                                arch.maxpool_shape(g),
                                &t[&l.pool_output()],
                                &t[&names::diff(&l.name)],
                                &xcols[i],
                                &mut fork,
                            )?;
                            let (gather, input) = prove_gather(&g, input, &c.window, &mut fork)?;
                            (
                                LayerProof::MaxPool { pool, gather },
                                LayerClaims::MaxPool {
                                    output: c.output,
                                    input,
                                },
                            )
                        }
                        LayerKind::Add { skip } => {
                            let outputs = l.block_outputs(false);
                            let w = ResidualWitness {
                                main: input,
                                skip: &t[&s.source_name(skip)],
                                outputs: outputs.iter().take(2).map(|o| &t[o][..]).collect(),
                            };
                            let shape = ResidualShape {
                                len: m * l.rows * l.n,
                                relu: l.relu,
                            };
                            let (p, c) = prove_residual(shape, &w, &mut fork)?;
                            (LayerProof::Residual(p), LayerClaims::Residual(c))
                        }
                        LayerKind::Concat {
                            other, other_first, ..
                        } => {
                            let shape = arch.concat_shape(l).ok_or(Error::Internal {
                                what: "a concatenation layer has a concatenation shape",
                            })?;
                            let other = &t[&s.source_name(other)][..];
                            let operands = if other_first {
                                [other, &input[..]]
                            } else {
                                [&input[..], other]
                            };
                            let output = &t[&names::output(&l.name)];
                            let (p, c) = prove_concat(shape, operands, output, &mut fork)?;
                            (LayerProof::Concat(p), LayerClaims::Concat(c))
                        }
                        kind => {
                            let outputs: Vec<&[Fr]> = l
                                .block_outputs(i + 1 == s.layers.len())
                                .iter()
                                .take(2)
                                .map(|o| &t[o][..])
                                .collect();
                            let dense_input = match kind {
                                LayerKind::Conv(_) => &xcols[i],
                                _ => input,
                            };
                            let dw = DenseWitness {
                                input: dense_input,
                                weight: &t[&names::weight(&l.name)],
                                bias: &t[&names::bias(&l.name)],
                                remainder: &t[&names::remainder(&l.name)],
                                outputs,
                            };
                            let (p, mut c) = prove_dense(arch.dense_shape(l), &dw, &mut fork)?;
                            if let LayerKind::Conv(g) = kind {
                                let (gather, x) = prove_gather(&g, input, &c.input, &mut fork)?;
                                c.input = x;
                                (LayerProof::Conv { dense: p, gather }, LayerClaims::Dense(c))
                            } else {
                                (LayerProof::Dense(p), LayerClaims::Dense(c))
                            }
                        }
                    };
                    Ok((out.0, out.1, fork.digest()?))
                })
                .collect::<Result<Vec<_>, Error>>();
            let argmax = match (arch.argmax_shape(), argmax_fork, count) {
                (Some(shape), Some(mut fork), Some(count)) => {
                    let aw = ArgmaxWitness {
                        logits: &t[names::LOGITS],
                        prediction: &t[names::PREDICTION],
                        labels: &t[names::LABELS],
                        slack: &t[names::SLACK],
                    };
                    prove_argmax(shape, &aw, count, &mut fork)
                        .and_then(|(p, c)| Ok(Some((p, c, fork.digest()?))))
                }
                _ => Ok(None),
            };
            (layers, argmax)
        },
    );
    let ((range, range_claims), acts, chunks, diffs, blocks, lookup_digest) = lookups?;
    let (activations, act_claims): (Vec<_>, Vec<_>) = acts.into_iter().unzip();
    let (pool_diffs, diff_claims): (Vec<_>, Vec<_>) = diffs.into_iter().unzip();
    let (chunk_proofs, chunk_claims): (Vec<_>, Vec<_>) = chunks.into_iter().unzip();
    let (block_proofs, block_claims): (Vec<_>, Vec<_>) = blocks.into_iter().unzip();
    let (layers, argmax) = (layers?, argmax?);
    let mut digests = vec![lookup_digest];
    digests.extend(layers.iter().map(|x| x.2));
    digests.extend(argmax.iter().map(|x| x.2));
    main.join(&digests)?;

    let dense_claims: Vec<_> = layers.iter().map(|x| x.1.clone()).collect();
    let mut sink = Sink::new(
        arch,
        &plan,
        public.input.as_deref(),
        public.logits.as_deref(),
    )?;
    let lookup_claims = LookupStageClaims {
        range: &range_claims,
        activations: &act_claims,
        softmax_chunks: &chunk_claims,
        diffs: &diff_claims,
        softmax: &block_claims,
    };
    route(
        arch,
        &plan,
        &mut sink,
        lookup_claims,
        &dense_claims,
        argmax.as_ref().map(|x| &x.1),
    )?;
    Ok(BlockStage {
        trace,
        trace_commitment,
        salt,
        body: ModelProofBody {
            range,
            activations,
            layers: layers.into_iter().map(|x| x.0).collect(),
            argmax: argmax.map(|x| x.0),
            pool_diffs,
            softmax: chunk_proofs
                .into_iter()
                .zip(block_proofs)
                .map(|(chunks, block)| SoftmaxSiteProof { chunks, block })
                .collect(),
        },
        public,
        claims: sink.acc.claims().to_vec(),
        transcript: main,
    })
}
