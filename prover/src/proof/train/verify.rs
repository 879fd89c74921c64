//! The training verifier: the field part (generic; the Groth16 circuit runs it) and the native
//! wrapper that adds s0, d₁, d₂ by Keccak and the pairing check. Also the claim naming both sides
//! share, so prover and verifier route claims in one order.

use super::plan::names;
use super::prove::{ProvingInputs, commit_dataset, prove};
use super::routing::{
    Routed, avgpool_window_claims, backprop_remainder_claim, backward_names, chain_claims,
    forward_names, layer, lookup_claims, loss_grad, maxpool_claims, one_hot_names, pool_claims,
    relu_names, relu_vars, remainder_claim, rename, take, take_all,
};
use super::sink::TrainSink;
use super::{
    BackpropProof, BackwardProof, ForwardProof, PoolGradProof, TrainArchitecture, TrainingProof,
    TrainingProofBody,
};
use crate::blocks::TensorClaim;
use crate::blocks::avgpool::verify_avgpool;
use crate::blocks::avgpool_grad::verify_avgpool_grad;
use crate::blocks::conv::verify_gather;
use crate::blocks::conv_backprop::verify_conv_backprop;
use crate::blocks::dense_iter::{
    verify_bias_update, verify_dense_iterated, verify_rescaled, verify_rescaled_at,
};
use crate::blocks::iterate::verify_step;
use crate::blocks::loss_grad::verify_loss_grad;
use crate::blocks::maxpool::verify_maxpool;
use crate::blocks::maxpool_grad::verify_maxpool_grad;
use crate::blocks::one_hot::verify_one_hot;
use crate::blocks::pool::verify_pool_output;
use crate::blocks::relu_train::{ReluClaims, verify_relu};
use crate::blocks::softmax::verify_softmax;
use crate::error::Error;
use crate::field::FieldOps;
use crate::lookup::verify as verify_lookup;
use crate::pcs::{SplitFieldProof, SplitOutputs, SplitSeeds, Srs, verify_split_field};
use crate::proof::info::{ArchitectureInfo, StatementKind};
use crate::proof::map::MapFields;
use crate::proof::model::{LayerKind, Task, commit_model};
use crate::proof::public::PublicGroup;
use crate::proof::roles::{CommitmentRole, TrainingCommitments};
use crate::proof::statement::{Claim, Statement, ensure_no_public};
use crate::proof::{PublicStatement, start};
use crate::transcript::{SpongeOps, Transcript};
use ark_bn254::G1Affine;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The statement the chain sees: architecture id and [final, initial, dataset, trace].
pub(crate) fn statement(
    srs: &Srs,
    arch: &TrainArchitecture,
    commitments: Vec<G1Affine>,
) -> PublicStatement {
    PublicStatement {
        architecture: arch.id(srs),
        commitments,
        public: vec![],
    }
}

/// Verifies one layer's forward pass (a weighted layer's at the range lookup's claim on its
/// virtual remainder); returns its claims in routing order.
fn verify_forward<F: FieldOps, S: SpongeOps<F>>(
    arch: &TrainArchitecture,
    i: usize,
    p: &ForwardProof<F>,
    remainder: Option<&TensorClaim<F>>,
    f: &mut Transcript<F, S>,
) -> Result<Routed<F>, Error> {
    let l = layer(arch, i)?;
    let at = || {
        remainder.ok_or(Error::Internal {
            what: "a weighted layer's forward block proves its remainder's range claim",
        })
    };
    match (l.kind, p) {
        (LayerKind::Dense, ForwardProof::Dense(d)) => {
            let c = verify_dense_iterated(arch.forward_shape(l), d, at()?, f)?;
            rename(c, &forward_names(arch, i)?)
        }
        (LayerKind::Conv(g), ForwardProof::Conv { dense, gather }) => {
            let mut c = verify_dense_iterated(arch.forward_shape(l), dense, at()?, f)?;
            let xcol = take(&mut c, "input")?;
            let x = verify_gather(&g, gather, &xcol, f)?;
            let mut out = vec![(arch.input_of(i), x)];
            out.extend(rename(c, &forward_names(arch, i)?)?);
            Ok(out)
        }
        (LayerKind::MaxPool(g), ForwardProof::MaxPool { pool, gather }) => {
            let c = verify_maxpool(arch.maxpool_shape(l)?, pool, f)?;
            let x = verify_gather(&g, gather, &c.window, f)?;
            Ok(maxpool_claims(arch, i, x, c))
        }
        (LayerKind::AvgPoolWindow(g), ForwardProof::AvgPoolWindow { pool, gather }) => {
            let (shape, _) = arch.avgpool_window_shapes(l)?;
            let c = verify_avgpool(shape, pool, f)?;
            let x = verify_gather(&g, gather, &c.window, f)?;
            Ok(avgpool_window_claims(arch, i, x, c))
        }
        _ => Err(Error::LayerProofKind { layer: i }),
    }
}

/// Verifies one weighted layer's backward pass; returns its claims in routing order.
fn verify_backward<F: FieldOps, S: SpongeOps<F>>(
    arch: &TrainArchitecture,
    i: usize,
    p: &BackwardProof<F>,
    f: &mut Transcript<F, S>,
) -> Result<Routed<F>, Error> {
    let l = layer(arch, i)?;
    let n = backward_names(arch, i)?;
    let mut w = verify_rescaled(arch.weight_update(i, l), &p.weight, f)?;
    let dw = take(&mut w, "delta")?;
    let mut out = Routed::new();
    match (l.kind, &p.weight_gather) {
        (LayerKind::Conv(g), Some(gather)) => {
            let xcol = take(&mut w, "left")?;
            out.push((arch.input_of(i), verify_gather(&g, gather, &xcol, f)?));
        }
        (LayerKind::Dense, None) => {}
        _ => {
            return Err(Error::ProofShape {
                what: "weight-update gathers (one for a convolution)",
                expected: usize::from(matches!(l.kind, LayerKind::Conv(_))),
                actual: usize::from(p.weight_gather.is_some()),
            });
        }
    }
    let wc = verify_step(
        arch.weight_chain(l),
        &dw.point,
        &dw.value,
        &p.weight_chain,
        f,
    )?;
    let mut b = verify_bias_update(arch.bias_update(i, l), &p.bias, f)?;
    let db = take(&mut b, "delta")?;
    let bc = verify_step(arch.bias_chain(l), &db.point, &db.value, &p.bias_chain, f)?;
    out.extend(rename(w, &n.weight)?);
    out.extend(chain_claims(&names::weight(&l.name), wc));
    out.extend(rename(b, &n.bias)?);
    out.extend(chain_claims(&names::bias(&l.name), bc));
    // A max or window average pool directly below a layer above the first: its backward pass.
    let below = match arch.handed_to(i) {
        Some(d) => Some(layer(arch, d)?),
        None => None,
    };
    match (below.map(|b| (b, b.kind)), &p.pool_grad) {
        (Some((b, LayerKind::MaxPool(_))), Some(PoolGradProof::Max(pg))) => {
            let shape = arch.maxpool_grad_shape(b)?;
            out.extend(rename(verify_maxpool_grad(shape, pg, f)?, &n.pool)?);
        }
        (Some((b, LayerKind::AvgPoolWindow(_))), Some(PoolGradProof::Average(pg))) => {
            let (_, shape) = arch.avgpool_window_shapes(b)?;
            out.extend(rename(verify_avgpool_grad(shape, pg, f)?, &n.pool)?);
        }
        (Some((_, LayerKind::MaxPool(_) | LayerKind::AvgPoolWindow(_))), _) | (_, Some(_)) => {
            return Err(Error::ProofShape {
                what: "pool backward proofs (one of its kind under a max or window average pool)",
                expected: usize::from(below.is_some_and(|b| {
                    matches!(b.kind, LayerKind::MaxPool(_) | LayerKind::AvgPoolWindow(_))
                })),
                actual: usize::from(p.pool_grad.is_some()),
            });
        }
        _ => {}
    }
    Ok(out)
}

/// Verifies the gradient weighted layer `i` hands down (`None` for the first weighted layer:
/// nothing), at the range lookup's claim on its remainder; returns its claims in routing
/// order.
fn verify_backprop<F: FieldOps, S: SpongeOps<F>>(
    arch: &TrainArchitecture,
    i: usize,
    p: Option<&BackpropProof<F>>,
    routed: &mut Routed<F>,
    f: &mut Transcript<F, S>,
) -> Result<Routed<F>, Error> {
    let l = layer(arch, i)?;
    let below = arch.handed_to(i);
    let (d, p) = match (below, p) {
        (Some(d), Some(p)) => (d, p),
        (None, None) => return Ok(Routed::new()),
        (below, _) => {
            return Err(Error::ProofShape {
                what: "back-propagation proofs",
                expected: usize::from(below.is_some()),
                actual: usize::from(p.is_some()),
            });
        }
    };
    let at = backprop_remainder_claim(arch, routed, d)?;
    let claims = match (l.kind, p) {
        (LayerKind::Dense, BackpropProof::Dense(bp)) => {
            verify_rescaled_at(arch.backprop(i, l), bp, &at, f)?
        }
        (LayerKind::Conv(_), BackpropProof::Conv(bp)) => {
            verify_conv_backprop(arch.conv_backprop(i, l)?, bp, &at, f)?
        }
        _ => return Err(Error::LayerProofKind { layer: i }),
    };
    rename(claims, &backward_names(arch, i)?.backprop)
}

/// The field part of verification, generic over the backend: from s0, d₁, d₂ and the salt, run
/// every block on its fork, route the claims and check the opening's field identity.
pub fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
    arch: &TrainArchitecture,
    seeds: &SplitSeeds<F>,
    salt: &F,
    body: &TrainingProofBody<F>,
    opening: &SplitFieldProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<SplitOutputs<F>, Error> {
    let plan = arch.plan()?;
    let layers = arch.layers();
    let weighted = arch.weighted();
    let pools = arch.pools();
    start(t, &seeds.s0, salt)?;
    let count = 2 + pools.len() + weighted.len();
    let mut forks = (0..count)
        .map(|i| Ok(t.fork(i)?))
        .collect::<Result<Vec<_>, Error>>()?
        .into_iter();
    let mut next = || {
        forks.next().ok_or(Error::Internal {
            what: "the transcript forks once per block",
        })
    };
    let mut digests = Vec::with_capacity(count);
    let mut routed: Routed<F> = Vec::new();

    let statements = plan.lookup_statements(arch)?;
    if body.lookups.len() != statements.len() {
        return Err(Error::ProofShape {
            what: "lookup proofs",
            expected: statements.len(),
            actual: body.lookups.len(),
        });
    }
    if body.forward.len() != layers.len() || body.backward.len() != weighted.len() {
        return Err(Error::ProofShape {
            what: "layer proofs (forward per layer, backward per weighted layer)",
            expected: layers.len() + weighted.len(),
            actual: body.forward.len() + body.backward.len(),
        });
    }
    let forward = |i: usize| {
        body.forward.get(i).ok_or(Error::ProofShape {
            what: "layer proofs (forward per layer)",
            expected: layers.len(),
            actual: body.forward.len(),
        })
    };
    let mut f = next()?;
    for (i, (st, p)) in statements.iter().zip(&body.lookups).enumerate() {
        let c = verify_lookup(st, p, &mut f)?;
        routed.extend(lookup_claims(&plan, i, st, &c)?);
    }
    // Each weighted layer's forward block, at the lookup's claim on its remainder.
    for &i in &weighted {
        let at = remainder_claim(arch, &mut routed, layer(arch, i)?)?;
        let claims = verify_forward(arch, i, forward(i)?, Some(&at), &mut f)?;
        routed.extend(claims);
    }
    // Each back-propagation, at the lookup's claim on the remainder it hands down.
    for (&i, p) in weighted.iter().zip(&body.backward) {
        let claims = verify_backprop(arch, i, p.backprop.as_ref(), &mut routed, &mut f)?;
        routed.extend(claims);
    }
    digests.push(f.digest()?);
    for &i in &pools {
        let mut f = next()?;
        routed.extend(verify_forward(arch, i, forward(i)?, None, &mut f)?);
        digests.push(f.digest()?);
    }

    let mut f = next()?;
    match (arch.softmax_shape(), &body.softmax) {
        (Some(shape), Some(p)) => {
            let c = verify_softmax(shape, p, &mut f)?;
            routed.extend(c.into_iter().map(|(n, c)| (names::softmax(n), c)));
        }
        (None, None) => {}
        (shape, _) => {
            return Err(Error::ProofShape {
                what: "softmax proof",
                expected: usize::from(shape.is_some()),
                actual: usize::from(body.softmax.is_some()),
            });
        }
    }
    let (shape, map) = loss_grad(arch);
    routed.extend(rename(
        verify_loss_grad(shape, &body.gradient, &mut f)?,
        &map,
    )?);
    let c = verify_one_hot(arch.one_hot_shape(), &body.one_hot, &mut f)?;
    routed.extend(rename(c, &one_hot_names())?);
    digests.push(f.digest()?);

    for (i, p) in weighted.iter().zip(&body.backward) {
        let mut f = next()?;
        routed.extend(verify_backward(arch, *i, p, &mut f)?);
        digests.push(f.digest()?);
    }
    t.join(&digests)?;
    // Every claim on a 2×2 pool's virtual output is in: resolve them into claims on its
    // remainder and input.
    for i in arch.virtual_pools() {
        let l = layer(arch, i)?;
        let claims = take_all(&mut routed, &names::output(&l.name));
        let ForwardProof::Pool(p) = forward(i)? else {
            return Err(Error::LayerProofKind { layer: i });
        };
        let c = verify_pool_output(arch.pool_shape(l)?, p, &claims, t)?;
        routed.extend(c.into_iter().flat_map(|c| pool_claims(arch, i, c)));
    }
    // Every claim on a hidden layer's Pos, Neg and output gradient is in: prove them on |Y|,
    // M and dA.
    let hidden: Vec<usize> = (0..layers.len())
        .filter(|i| arch.has_relu_derivative(*i))
        .collect();
    if body.relus.len() != hidden.len() {
        return Err(Error::ProofShape {
            what: "ReLU proofs (one per hidden layer)",
            expected: hidden.len(),
            actual: body.relus.len(),
        });
    }
    for (i, p) in hidden.into_iter().zip(&body.relus) {
        let l = layer(arch, i)?;
        let pos = take_all(&mut routed, &names::pos(&l.name));
        let neg = take_all(&mut routed, &names::neg(&l.name));
        let grad = take_all(&mut routed, &arch.grad_of(i));
        let claims = ReluClaims {
            pos: &pos,
            neg: &neg,
            grad: &grad,
        };
        let c = verify_relu(relu_vars(arch, i)?, claims, p, t)?;
        routed.extend(rename(c, &relu_names(arch, i)?)?);
    }
    let mut sink = TrainSink::new(arch, &plan);
    for (name, claim) in &routed {
        sink.add(name, claim)?;
    }
    verify_split_field(
        sink.acc.vector_vars(),
        sink.acc.claims(),
        opening,
        &seeds.d1,
        &seeds.d2,
        t,
    )
}

impl TrainingProof {
    /// The proof as a [`Claim`] about (final model, initial model, dataset, this proof's
    /// trace).
    pub fn claim(
        &self,
        final_model: G1Affine,
        initial: G1Affine,
        dataset: G1Affine,
    ) -> Claim<TrainArchitecture> {
        Claim {
            commitments: TrainingCommitments {
                final_model,
                initial_model: initial,
                dataset,
                trace: self.trace_commitment,
            }
            .to_vec(),
            public: vec![],
            salt: self.salt,
            body: self.body.clone(),
            opening: self.opening.clone(),
        }
    }
}

/// Verifies a training proof: the model committed as `final_model` is the result of the
/// architecture's training run from `initial` on `dataset`. The caller vouches for all three
/// (DESIGN §11.6): the registered model, a registered or seed-derived initial model, and the
/// dataset its publisher registered.
pub fn verify(
    srs: &Srs,
    arch: &TrainArchitecture,
    final_model: G1Affine,
    initial: G1Affine,
    dataset: G1Affine,
    proof: &TrainingProof,
) -> Result<(), Error> {
    proof.claim(final_model, initial, dataset).verify(arch, srs)
}

impl Statement for TrainArchitecture {
    type Body<F: Clone + std::fmt::Debug> = TrainingProofBody<F>;

    fn description(&self) -> String {
        TrainArchitecture::description(self)
    }

    fn kind(&self) -> StatementKind {
        StatementKind::Training
    }

    fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error> {
        Ok(TrainArchitecture::info(self, srs))
    }

    fn commitment_roles(&self) -> Vec<CommitmentRole> {
        TrainArchitecture::commitment_roles(self)
    }

    /// None: the hyperparameters are bound by the architecture id.
    fn public_groups(&self) -> Result<Vec<PublicGroup>, Error> {
        Ok(vec![])
    }

    fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        TrainArchitecture::vector_lengths(self)
    }

    fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
        &self,
        seeds: &SplitSeeds<F>,
        salt: &F,
        public: &[F],
        body: &TrainingProofBody<F>,
        opening: &SplitFieldProof<F>,
        t: &mut Transcript<F, S>,
    ) -> Result<SplitOutputs<F>, Error> {
        ensure_no_public(public)?;
        verify_field_part(self, seeds, salt, body, opening, t)
    }

    fn map_body<F: Clone + std::fmt::Debug, G: Clone + std::fmt::Debug, E>(
        body: &TrainingProofBody<F>,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<TrainingProofBody<G>, E> {
        body.map_fields(f)
    }

    /// The training run of the all-zero model on an all-zero dataset (every label class 0).
    fn placeholder(&self, srs: &Srs) -> Result<Claim<Self>, Error> {
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        let q0 = self.shape.zero_model();
        let x = vec![0i64; self.examples * self.shape.input_width()];
        let y = vec![0usize; self.examples];
        let (q, steps) = crate::train::train(q0.clone(), &self.config, &x, &y)?;
        let model_arch = self.model_architecture(Task::Accuracy { examples: 1 });
        let initial = commit_model(srs, &model_arch, &q0, &mut rng)?;
        let trained = commit_model(srs, &model_arch, &q, &mut rng)?;
        let dataset = commit_dataset(srs, self, &x, &y, &mut rng)?;
        let inputs = ProvingInputs {
            initial: &initial,
            trained: (&q, &trained),
            dataset: (&dataset, &x, &y),
            steps: &steps,
        };
        let proof = prove(srs, self, &inputs, &mut rng)?;
        Ok(proof.claim(trained.commitment, initial.commitment, dataset.commitment))
    }
}
