//! Where a training statement's block claims land: each block's local claim names mapped to
//! the plan's tensors (forward, backward, pools, loss gradient, one-hot batch, update chains),
//! in the routing order prover and verifier share.

use super::TrainArchitecture;
use super::plan::{TrainPlan, names};
use crate::blocks::NamedClaims;
use crate::blocks::TensorClaim;
use crate::blocks::avgpool::AvgPoolClaims;
use crate::blocks::iterate::StepClaims;
use crate::blocks::loss_grad::LossGradShape;
use crate::blocks::maxpool::MaxPoolClaims;
use crate::blocks::pool::PoolClaims;
use crate::blocks::softmax::CHUNK_PAIRS;
use crate::error::Error;
use crate::field::FieldOps;
use crate::lookup::{LookupClaims, LookupStatement};
use crate::proof::model::{LayerKind, LayerShape};
use ark_bn254::Fr;
use ark_ff::Field;

/// Claims named by the plan's tensors, in routing order.
pub(crate) type Routed<F> = Vec<(String, TensorClaim<F>)>;

/// Renames a block's claims to the plan's tensors; every block name must be mapped.
pub(crate) fn rename<F: Clone>(
    claims: NamedClaims<F>,
    map: &[(&str, String)],
) -> Result<Routed<F>, Error> {
    claims
        .into_iter()
        .map(|(local, claim)| {
            let (_, name) = map
                .iter()
                .find(|(n, _)| *n == local)
                .ok_or(Error::Internal {
                    what: "every block claim has a place in the plan",
                })?;
            Ok((name.clone(), claim))
        })
        .collect()
}

/// Removes and returns every routed claim on `tensor`, in order (the claims a virtual
/// tensor's block then proves).
pub(crate) fn take_all<F>(routed: &mut Routed<F>, tensor: &str) -> Vec<TensorClaim<F>> {
    let (taken, kept): (Routed<F>, Routed<F>) = std::mem::take(routed)
        .into_iter()
        .partition(|(name, _)| name == tensor);
    *routed = kept;
    taken.into_iter().map(|(_, claim)| claim).collect()
}

/// Removes the range lookup's one claim on weighted layer `l`'s scaled forward remainder
/// 2^(b − s)·R and returns it as the claim on R that the layer's forward block proves (R is
/// virtual, [`crate::blocks::dense_iter`]).
pub(crate) fn remainder_claim<F: FieldOps>(
    arch: &TrainArchitecture,
    routed: &mut Routed<F>,
    l: &LayerShape,
) -> Result<TensorClaim<F>, Error> {
    unscaled_claim(
        routed,
        &names::remainder_scaled(&l.name),
        arch.remainder_to_table()?,
        "range claims on a forward remainder",
    )
}

/// Removes the range lookup's one claim on the scaled remainder 2^(b − sh)·R of the gradient
/// back-propagated into layer `below` and returns it as the claim on R that the layer above's
/// back-propagation block proves (R is virtual, [`crate::blocks::conv_backprop`] and
/// [`crate::blocks::dense_iter::prove_rescaled_at`]).
pub(crate) fn backprop_remainder_claim<F: FieldOps>(
    arch: &TrainArchitecture,
    routed: &mut Routed<F>,
    below: usize,
) -> Result<TensorClaim<F>, Error> {
    unscaled_claim(
        routed,
        &names::backprop_rem_scaled(&layer(arch, below)?.name),
        arch.backprop_remainder_to_table(below)?,
        "range claims on a back-propagation remainder",
    )
}

/// The one routed claim on `scaled` (a remainder read at `to_table` times its value), taken
/// and divided back to a claim on the remainder.
fn unscaled_claim<F: FieldOps>(
    routed: &mut Routed<F>,
    scaled: &str,
    to_table: Fr,
    what: &'static str,
) -> Result<TensorClaim<F>, Error> {
    let claims = take_all(routed, scaled);
    let count = claims.len();
    let (Some(claim), 1) = (claims.into_iter().next(), count) else {
        return Err(Error::ProofShape {
            what,
            expected: 1,
            actual: count,
        });
    };
    let from_table = to_table.inverse().ok_or(Error::ZeroParameter {
        what: "a remainder's table factor 2^(b − shift)",
    })?;
    Ok(TensorClaim {
        point: claim.point,
        value: claim.value.mul_const(from_table),
    })
}

/// Removes and returns the block's claim named `local`.
pub(crate) fn take<F>(claims: &mut NamedClaims<F>, local: &str) -> Result<TensorClaim<F>, Error> {
    let i = claims
        .iter()
        .position(|(n, _)| *n == local)
        .ok_or(Error::ProofShape {
            what: "block claims",
            expected: 1,
            actual: 0,
        })?;
    Ok(claims.remove(i).1)
}

/// The claims of lookup `i`: each column at its prefix of the column point, then the
/// multiplicities.
pub(crate) fn lookup_claims<F: FieldOps>(
    plan: &TrainPlan,
    i: usize,
    statement: &LookupStatement,
    claims: &LookupClaims<F>,
) -> Result<Routed<F>, Error> {
    // Per column, the tensors whose evaluations it contributes (two for a paired column).
    let names: Vec<Vec<String>> = match i {
        0 => plan
            .range_columns
            .iter()
            .map(|c| c.tensors().cloned().collect())
            .collect(),
        _ => CHUNK_PAIRS
            .iter()
            .map(|(chunk, exp)| vec![names::softmax(chunk), names::softmax(exp)])
            .collect(),
    };
    let total: usize = names.iter().map(Vec::len).sum();
    if claims.column_evals.len() != total || names.len() != statement.columns.len() {
        return Err(Error::ProofShape {
            what: "lookup column evaluations",
            expected: total,
            actual: claims.column_evals.len(),
        });
    }
    let mut out = Vec::with_capacity(total + 1);
    let mut evals = claims.column_evals.iter();
    for (tensors, column) in names.iter().zip(&statement.columns) {
        let point = claims
            .column_point
            .get(..column.vars)
            .ok_or(Error::ProofShape {
                what: "lookup column point",
                expected: column.vars,
                actual: claims.column_point.len(),
            })?;
        for (name, value) in tensors.iter().zip(evals.by_ref()) {
            out.push((
                name.clone(),
                TensorClaim {
                    point: point.to_vec(),
                    value: value.clone(),
                },
            ));
        }
    }
    out.push((
        TrainPlan::multiplicity_name(i),
        TensorClaim {
            point: claims.multiplicity_point.clone(),
            value: claims.multiplicity_eval.clone(),
        },
    ));
    Ok(out)
}

/// The forward layer's claims on the plan's tensors.
pub(crate) fn forward_names(
    arch: &TrainArchitecture,
    i: usize,
) -> Result<Vec<(&'static str, String)>, Error> {
    let l = layer(arch, i)?;
    let mut map = vec![
        ("input", arch.input_of(i)),
        ("weight", names::weight(&l.name)),
        ("bias", names::bias(&l.name)),
        ("pos", names::pos(&l.name)),
        ("neg", names::neg(&l.name)),
    ];
    if !l.relu {
        map.push(("output", names::LOGITS.to_string()));
    }
    Ok(map)
}

/// Layer `i` of the architecture.
pub(crate) fn layer(arch: &TrainArchitecture, i: usize) -> Result<&LayerShape, Error> {
    arch.layers().get(i).ok_or(Error::ProofShape {
        what: "layer index",
        expected: arch.layers().len(),
        actual: i,
    })
}

/// The loss gradient's shape and its tensors' names.
pub(crate) fn loss_grad(arch: &TrainArchitecture) -> (LossGradShape, Vec<(&'static str, String)>) {
    let shape = LossGradShape {
        rows: arch.config.steps * arch.config.batch,
        c: arch.shape.output_width(),
        classes: arch.shape.classes,
        scale: arch.config.scale,
    };
    let prediction = if arch.softmax_shape().is_some() {
        names::softmax("probs")
    } else {
        names::LOGITS.to_string()
    };
    let map = vec![
        ("gradient", names::GRADIENT.to_string()),
        ("prediction", prediction),
        ("labels", names::BATCH_LABELS.to_string()),
    ];
    (shape, map)
}

/// The one-hot check's tensor: the dataset's labels.
pub(crate) fn one_hot_names() -> Vec<(&'static str, String)> {
    vec![("labels", names::LABELS.to_string())]
}

/// A chain's claims on the stack, on the final and on the initial vector.
pub(crate) fn chain_claims<F>(tensor: &str, c: StepClaims<F>) -> Routed<F> {
    let mut out: Routed<F> = c
        .stack
        .into_iter()
        .map(|claim| (tensor.to_string(), claim))
        .collect();
    out.push((names::last(tensor), c.last));
    out.push((names::first(tensor), c.first));
    out
}

/// Names for the weight update, bias update and back-propagation of weighted layer i (the
/// back-propagation's into the layer directly below, through a pool if one sits between).
pub(crate) struct BackwardNames {
    pub weight: Vec<(&'static str, String)>,
    pub bias: Vec<(&'static str, String)>,
    pub backprop: Vec<(&'static str, String)>,
    /// A max pool directly below: its backward block's tensors.
    pub pool: Vec<(&'static str, String)>,
}

pub(crate) fn backward_names(arch: &TrainArchitecture, i: usize) -> Result<BackwardNames, Error> {
    let l = layer(arch, i)?;
    let grad = arch.grad_of(i);
    let below = i
        .checked_sub(1)
        .and_then(|p| arch.layers().get(p))
        .map_or(String::new(), |b| b.name.clone());
    let pool = match i.checked_sub(1).map(|p| (p, layer(arch, p))) {
        Some((_, Ok(b))) if matches!(b.kind, LayerKind::MaxPool(_)) => vec![
            ("select", names::select(&b.name)),
            ("diff", names::diff(&b.name)),
            ("slack", names::slack(&b.name)),
            ("grad_out", names::backprop(&b.name)),
            ("grad_in", names::pool_grad_in(&b.name)),
        ],
        Some((_, Ok(b))) if matches!(b.kind, LayerKind::AvgPoolWindow(_)) => vec![
            ("grad_in", names::pool_grad_in(&b.name)),
            ("remainder", names::pool_grad_rem(&b.name)),
            ("upsampled", names::upsampled(&b.name)),
        ],
        _ => vec![],
    };
    Ok(BackwardNames {
        weight: vec![
            ("left", arch.input_of(i)),
            ("right", grad.clone()),
            ("remainder", names::weight_rem(&l.name)),
        ],
        bias: vec![
            ("gradient", grad.clone()),
            ("remainder", names::bias_rem(&l.name)),
        ],
        backprop: vec![
            ("left", grad.clone()),
            ("grad", grad),
            ("right", names::weight(&l.name)),
            ("weight", names::weight(&l.name)),
            ("delta", names::backprop(&below)),
        ],
        pool,
    })
}

/// The tensors hidden layer `i`'s ReLU block reads, in [`crate::blocks::relu_train::TENSORS`]
/// order: |Y|, the mask and the incoming gradient.
pub(crate) fn relu_names(
    arch: &TrainArchitecture,
    i: usize,
) -> Result<Vec<(&'static str, String)>, Error> {
    let l = layer(arch, i)?;
    Ok(vec![
        ("abs", names::relu_abs(&l.name)),
        ("mask", names::mask(&l.name)),
        ("grad_in", arch.grad_in_of(i)?),
    ])
}

/// The ReLU tensors' variables of weighted layer `j` (all its output's).
pub(crate) fn relu_vars(arch: &TrainArchitecture, j: usize) -> Result<usize, Error> {
    let l = layer(arch, j)?;
    let len = arch.config.steps * arch.rows_of(l) * l.n;
    if !len.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "ReLU tensor length",
            value: len,
        });
    }
    Ok(len.trailing_zeros() as usize)
}

/// A 2×2 pool's claims from resolving one claim on its virtual output: on its input (the
/// layer below's Pos) and its remainder.
pub(crate) fn pool_claims<F>(arch: &TrainArchitecture, i: usize, c: PoolClaims<F>) -> Routed<F> {
    let name = arch.layers().get(i).map_or("", |l| l.name.as_str());
    vec![
        (arch.input_of(i), c.input),
        (names::remainder(name), c.remainder),
    ]
}

/// A window average pool's claims on the plan's tensors: its input (through the gather),
/// output and remainder.
pub(crate) fn avgpool_window_claims<F>(
    arch: &TrainArchitecture,
    i: usize,
    input: TensorClaim<F>,
    c: AvgPoolClaims<F>,
) -> Routed<F> {
    let name = arch.layers().get(i).map_or("", |l| l.name.as_str());
    vec![
        (arch.input_of(i), input),
        (names::output(name), c.output),
        (names::remainder(name), c.remainder),
    ]
}

/// A max pool's claims on the plan's tensors: its input (through the gather), output and
/// differences.
pub(crate) fn maxpool_claims<F>(
    arch: &TrainArchitecture,
    i: usize,
    input: TensorClaim<F>,
    c: MaxPoolClaims<F>,
) -> Routed<F> {
    let name = arch.layers().get(i).map_or("", |l| l.name.as_str());
    vec![
        (arch.input_of(i), input),
        (names::output(name), c.output),
        (names::diff(name), c.diff),
    ]
}
