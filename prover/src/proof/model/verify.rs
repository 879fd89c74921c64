//! The MLP verifier: the field part (generic; the Groth16 circuit runs it) and the native
//! wrapper that adds s0, d₁, d₂ by Keccak and the pairing check.

use super::Task;
use super::lookups::max_pools;
use super::plan::{ModelArchitecture, Plan, Sink, names};
use super::prove::{ModelWitness, commit_data, commit_model, prove};
use super::shape::LayerKind;
use super::{LayerProof, ModelProof, ModelProofBody, PublicValues};
use crate::blocks::TensorClaim;
use crate::blocks::argmax::{ArgmaxClaims, verify_argmax};
use crate::blocks::avgpool::{AvgPoolShape, verify_avgpool};
use crate::blocks::concat::{ConcatClaims, verify_concat};
use crate::blocks::conv::verify_gather;
use crate::blocks::dense::{DenseClaims, verify_dense};
use crate::blocks::maxpool::{DiffClaims, verify_maxpool, verify_virtual_diff};
use crate::blocks::pool::{PoolClaims, PoolShape, verify_pool};
use crate::blocks::residual::{ResidualClaims, ResidualShape, verify_residual};
use crate::blocks::softmax::{CHUNK_PAIRS, SoftmaxClaims, verify_softmax};
use crate::error::Error;
use crate::field::FieldOps;
use crate::lookup::{LookupClaims, verify as verify_lookup};
use crate::pcs::{SplitFieldProof, SplitOutputs, SplitSeeds, Srs, verify_split_field};
use crate::proof::info::{ArchitectureInfo, StatementKind};
use crate::proof::map::MapFields;
use crate::proof::public::PublicGroup;
use crate::proof::roles::{CommitmentRole, ModelCommitments};
use crate::proof::statement::{Claim, Statement};
use crate::proof::{PublicStatement, start};
use crate::transcript::{SpongeOps, Transcript};
use ark_bn254::G1Affine;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The statement the chain sees: architecture id, commitments [model, trace, data?], public
/// values packed into words ([`crate::proof::public`]).
pub(crate) fn statement(
    srs: &Srs,
    arch: &ModelArchitecture,
    commitments: Vec<G1Affine>,
    public: &PublicValues,
) -> Result<PublicStatement, Error> {
    Ok(PublicStatement {
        architecture: arch.id(srs),
        commitments,
        public: public.chain_values(arch)?,
    })
}

/// Forks 0..count of the main transcript (block order).
pub(crate) fn start_blocks<F: FieldOps, S: SpongeOps<F>>(
    main: &Transcript<F, S>,
    count: usize,
) -> Result<Vec<Transcript<F, S>>, Error> {
    (0..count).map(|i| Ok(main.fork(i)?)).collect()
}

/// The claims of one layer.
#[derive(Clone, Debug)]
pub(crate) enum LayerClaims<F> {
    /// Dense or convolution (input claim already on the convolution's input).
    Dense(DenseClaims<F>),
    /// Average pool.
    Pool(PoolClaims<F>),
    /// Residual sum.
    Residual(ResidualClaims<F>),
    /// Concatenation.
    Concat(ConcatClaims<F>),
    /// Max pool (the window claim already carried through the gather to the pool's input; the
    /// differences are virtual: no claim on them).
    MaxPool {
        /// On the output.
        output: TensorClaim<F>,
        /// On the input.
        input: TensorClaim<F>,
    },
}

/// The lookups' claims: the range lookup, the activation lookups, and the max pools' resolved
/// difference claims (layer order).
pub(crate) struct LookupStageClaims<'a, F> {
    pub range: &'a LookupClaims<F>,
    pub activations: &'a [LookupClaims<F>],
    /// Each softmax site's exponent-chunk lookup ([`ModelArchitecture::softmax_sites`]).
    pub softmax_chunks: &'a [LookupClaims<F>],
    pub diffs: &'a [DiffClaims<F>],
    /// Each softmax site's relations.
    pub softmax: &'a [SoftmaxClaims<F>],
}

/// A lookup column's claim on `name`: its value at the prefix of the lookup's point the
/// tensor spans.
fn column_claim<F: FieldOps>(
    plan: &Plan,
    name: &str,
    point: &[F],
    value: &F,
) -> Result<TensorClaim<F>, Error> {
    let vars = plan.vars_of(name)?;
    let point = point.get(..vars).ok_or(Error::ProofShape {
        what: "lookup column point",
        expected: vars,
        actual: point.len(),
    })?;
    Ok(TensorClaim {
        point: point.to_vec(),
        value: value.clone(),
    })
}

/// Routes every block claim to its tensor, in a fixed order.
pub(crate) fn route<F: FieldOps>(
    arch: &ModelArchitecture,
    plan: &Plan,
    sink: &mut Sink<'_, F>,
    lookups: LookupStageClaims<'_, F>,
    claims: &[LayerClaims<F>],
    argmax: Option<&ArgmaxClaims<F>>,
) -> Result<(), Error> {
    let LookupStageClaims {
        range,
        activations,
        softmax_chunks,
        diffs,
        softmax,
    } = lookups;
    if range.column_evals.len() != plan.range_columns.len() {
        return Err(Error::ProofShape {
            what: "lookup column evaluations",
            expected: plan.range_columns.len(),
            actual: range.column_evals.len(),
        });
    }
    for (index, column) in plan.range_columns.iter().enumerate() {
        // A virtual tensor's claim was resolved into the `diffs` claims.
        if !plan.virtual_tensors.contains(&column.tensor) {
            sink.add(&column.tensor, &plan.range_claim(range, index)?)?;
        }
    }
    let pools = max_pools(arch);
    if diffs.len() != pools.len() {
        return Err(Error::ProofShape {
            what: "max-pool difference claims",
            expected: pools.len(),
            actual: diffs.len(),
        });
    }
    for ((i, _), c) in pools.iter().zip(diffs) {
        let l = arch.shape.layers.get(*i).ok_or(Error::Internal {
            what: "a max pool's layer exists",
        })?;
        sink.add(
            &arch.shape.source_name(arch.shape.layer_source(*i)),
            &c.input,
        )?;
        sink.add(&l.pool_output(), &c.output)?;
    }
    sink.add(
        names::RANGE_MULT,
        &TensorClaim {
            point: range.multiplicity_point.clone(),
            value: range.multiplicity_eval.clone(),
        },
    )?;
    let layers = &arch.shape.layers;
    let table_layers: Vec<_> = layers.iter().filter(|l| l.table.is_some()).collect();
    if activations.len() != table_layers.len() {
        return Err(Error::ProofShape {
            what: "activation lookups",
            expected: table_layers.len(),
            actual: activations.len(),
        });
    }
    for (l, c) in table_layers.iter().zip(activations) {
        let [pre, act] = c.column_evals.as_slice() else {
            return Err(Error::ProofShape {
                what: "activation lookup evaluations",
                expected: 2,
                actual: c.column_evals.len(),
            });
        };
        for (name, value) in [(names::pre(&l.name), pre), (names::act(&l.name), act)] {
            sink.add(&name, &column_claim(plan, &name, &c.column_point, value)?)?;
        }
        sink.add(
            &names::act_mult(&l.name),
            &TensorClaim {
                point: c.multiplicity_point.clone(),
                value: c.multiplicity_eval.clone(),
            },
        )?;
    }
    let sites = arch.softmax_sites();
    for actual in [softmax_chunks.len(), softmax.len()] {
        if actual != sites.len() {
            return Err(Error::ProofShape {
                what: "softmax proofs",
                expected: sites.len(),
                actual,
            });
        }
    }
    for ((site, c), block) in sites.iter().zip(softmax_chunks).zip(softmax) {
        if c.column_evals.len() != 2 * CHUNK_PAIRS.len() {
            return Err(Error::ProofShape {
                what: "softmax chunk lookup evaluations",
                expected: 2 * CHUNK_PAIRS.len(),
                actual: c.column_evals.len(),
            });
        }
        let pairs = CHUNK_PAIRS.iter().flat_map(|(d, u)| [d, u]);
        for (name, value) in pairs.zip(&c.column_evals) {
            let name = site.name(name);
            sink.add(&name, &column_claim(plan, &name, &c.column_point, value)?)?;
        }
        sink.add(
            &site.name(names::EXP_MULT),
            &TensorClaim {
                point: c.multiplicity_point.clone(),
                value: c.multiplicity_eval.clone(),
            },
        )?;
        for (name, claim) in block {
            sink.add(&site.name(name), claim)?;
        }
    }
    if claims.len() != layers.len() {
        return Err(Error::ProofShape {
            what: "layers",
            expected: layers.len(),
            actual: claims.len(),
        });
    }
    let outputs = |sink: &mut Sink<'_, F>, names: Vec<String>, claims: &[TensorClaim<F>]| {
        if names.len() != claims.len() {
            return Err(Error::ProofShape {
                what: "layer output claims",
                expected: names.len(),
                actual: claims.len(),
            });
        }
        names
            .iter()
            .zip(claims)
            .try_for_each(|(name, claim)| sink.add(name, claim))
    };
    for (i, (l, c)) in layers.iter().zip(claims).enumerate() {
        let input = arch.shape.source_name(arch.shape.layer_source(i));
        let last = i + 1 == layers.len();
        match c {
            LayerClaims::Dense(c) => {
                sink.add(&input, &c.input)?;
                sink.add(&names::weight(&l.name), &c.weight)?;
                sink.add(&names::bias(&l.name), &c.bias)?;
                sink.add(&names::remainder(&l.name), &c.remainder)?;
                outputs(sink, l.block_outputs(last), &c.outputs)?;
            }
            LayerClaims::Residual(c) => {
                let LayerKind::Add { skip } = l.kind else {
                    return Err(Error::LayerProofKind { layer: i });
                };
                sink.add(&input, &c.main)?;
                sink.add(&arch.shape.source_name(skip), &c.skip)?;
                outputs(sink, l.block_outputs(last), &c.outputs)?;
            }
            LayerClaims::Concat(c) => {
                let LayerKind::Concat {
                    other, other_first, ..
                } = l.kind
                else {
                    return Err(Error::LayerProofKind { layer: i });
                };
                let other = arch.shape.source_name(other);
                let [first, second] = if other_first {
                    [&other, &input]
                } else {
                    [&input, &other]
                };
                sink.add(first, &c.operands[0])?;
                sink.add(second, &c.operands[1])?;
                sink.add(&names::output(&l.name), &c.output)?;
            }
            LayerClaims::Pool(c) => {
                sink.add(&input, &c.input)?;
                sink.add(&l.pool_output(), &c.output)?;
                sink.add(&names::remainder(&l.name), &c.remainder)?;
            }
            LayerClaims::MaxPool { output, input: x } => {
                sink.add(&input, x)?;
                sink.add(&l.pool_output(), output)?;
            }
        }
    }
    if let Some(a) = argmax {
        for (name, claims) in [
            (names::PREDICTION, &a.prediction),
            (names::LABELS, &a.labels),
            (names::LOGITS, &a.logits),
            (names::SLACK, &a.slack),
        ] {
            for c in claims {
                sink.add(name, c)?;
            }
        }
    }
    Ok(())
}

/// The field part of verification, generic over the backend: from s0, d₁, d₂ and the salt, run
/// every block on its fork, route the claims and check the opening's field identity.
/// `public` holds the statement's public values in [`PublicValues::values`] order.
pub fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
    arch: &ModelArchitecture,
    seeds: &SplitSeeds<F>,
    salt: &F,
    public: &[F],
    body: &ModelProofBody<F>,
    opening: &SplitFieldProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<SplitOutputs<F>, Error> {
    let plan = arch.plan()?;
    let s = &arch.shape;
    let (input, logits, count) = split_public(arch, &plan, public)?;
    start(t, &seeds.s0, salt)?;
    let argmax_shape = arch.argmax_shape();
    let sites = arch.softmax_sites();
    if body.softmax.len() != sites.len() {
        return Err(Error::ProofShape {
            what: "softmax proofs",
            expected: sites.len(),
            actual: body.softmax.len(),
        });
    }
    let mut forks = start_blocks(t, s.layers.len() + 1 + usize::from(argmax_shape.is_some()))?;
    let mut digests = Vec::with_capacity(forks.len());
    let range_st = plan.range_statement(s)?;
    let mut fork_iter = forks.drain(..);
    let mut next = || {
        fork_iter.next().ok_or(Error::Internal {
            what: "the transcript forks once per block",
        })
    };
    let mut f = next()?;
    let range = verify_lookup(&range_st, &body.range, &mut f)?;
    let table_layers: Vec<_> = s.layers.iter().filter(|l| l.table.is_some()).collect();
    if body.activations.len() != table_layers.len() {
        return Err(Error::ProofShape {
            what: "activation lookups",
            expected: table_layers.len(),
            actual: body.activations.len(),
        });
    }
    let mut acts = Vec::with_capacity(table_layers.len());
    for (l, p) in table_layers.iter().zip(&body.activations) {
        let st = plan.activation_statement(s, l)?.ok_or(Error::Internal {
            what: "a table-activation layer has a lookup statement",
        })?;
        acts.push(verify_lookup(&st, p, &mut f)?);
    }
    let mut chunks = Vec::with_capacity(sites.len());
    for (site, p) in sites.iter().zip(&body.softmax) {
        chunks.push(verify_lookup(
            &plan.softmax_statement(site)?,
            &p.chunks,
            &mut f,
        )?);
    }
    let pools = max_pools(arch);
    let diff_claims = plan.diff_claims(arch, &range)?;
    if body.pool_diffs.len() != pools.len() {
        return Err(Error::ProofShape {
            what: "max-pool difference proofs",
            expected: pools.len(),
            actual: body.pool_diffs.len(),
        });
    }
    let mut diffs = Vec::with_capacity(pools.len());
    for (((_, shape), d), p) in pools.iter().zip(&diff_claims).zip(&body.pool_diffs) {
        diffs.push(verify_virtual_diff(*shape, d, p, &mut f)?);
    }
    let mut softmax = Vec::with_capacity(sites.len());
    for (site, p) in sites.iter().zip(&body.softmax) {
        softmax.push(verify_softmax(site.shape, &p.block, &mut f)?);
    }
    digests.push(f.digest()?);
    if body.layers.len() != s.layers.len() {
        return Err(Error::ProofShape {
            what: "layer proofs",
            expected: s.layers.len(),
            actual: body.layers.len(),
        });
    }
    let mut layers = Vec::with_capacity(s.layers.len());
    for (layer, (l, p)) in s.layers.iter().zip(&body.layers).enumerate() {
        let mut f = next()?;
        let claims = match (l.kind, p) {
            (LayerKind::Dense, LayerProof::Dense(d)) => {
                LayerClaims::Dense(verify_dense(arch.dense_shape(l), d, &mut f)?)
            }
            (LayerKind::Conv(g), LayerProof::Conv { dense, gather }) => {
                let mut c = verify_dense(arch.dense_shape(l), dense, &mut f)?;
                c.input = verify_gather(&g, gather, &c.input, &mut f)?;
                LayerClaims::Dense(c)
            }
            (LayerKind::AvgPool { h, w }, LayerProof::Pool(p)) => {
                let shape = PoolShape {
                    m: arch.rows(),
                    h,
                    w,
                    c: l.n,
                };
                LayerClaims::Pool(verify_pool(shape, p, &mut f)?)
            }
            (LayerKind::AvgPoolWindow(g), LayerProof::AvgPoolWindow { pool, gather }) => {
                let shape = AvgPoolShape {
                    m: arch.rows(),
                    geometry: g,
                };
                let c = verify_avgpool(shape, pool, &mut f)?;
                LayerClaims::Pool(PoolClaims {
                    input: verify_gather(&g, gather, &c.window, &mut f)?,
                    output: c.output,
                    remainder: c.remainder,
                })
            }
            (LayerKind::MaxPool(g), LayerProof::MaxPool { pool, gather }) => {
                // The differences are virtual: the block's own check of relation (3) ties
                // its tap values to O and Xcol, so its D claim is dropped here.
                let c = verify_maxpool(arch.maxpool_shape(g), pool, &mut f)?;
                LayerClaims::MaxPool {
                    input: verify_gather(&g, gather, &c.window, &mut f)?,
                    output: c.output,
                }
            }
            (LayerKind::Add { .. }, LayerProof::Residual(p)) => {
                let shape = ResidualShape {
                    len: arch.rows() * l.rows * l.n,
                    relu: l.relu,
                };
                LayerClaims::Residual(verify_residual(shape, p, &mut f)?)
            }
            (LayerKind::Concat { .. }, LayerProof::Concat(p)) => {
                let shape = arch
                    .concat_shape(l)
                    .ok_or(Error::LayerProofKind { layer })?;
                LayerClaims::Concat(verify_concat(shape, p, &mut f)?)
            }
            _ => {
                return Err(Error::LayerProofKind { layer });
            }
        };
        layers.push(claims);
        digests.push(f.digest()?);
    }
    let argmax = match (argmax_shape, &body.argmax, count) {
        (Some(shape), Some(p), Some(count)) => {
            let mut f = next()?;
            let c = verify_argmax(shape, p, count, &mut f)?;
            digests.push(f.digest()?);
            Some(c)
        }
        (None, None, None) => None,
        _ => {
            return Err(Error::ProofShape {
                what: "argmax proof",
                expected: usize::from(argmax_shape.is_some()),
                actual: usize::from(body.argmax.is_some()),
            });
        }
    };
    t.join(&digests)?;
    let mut sink = Sink::new(arch, &plan, input, logits)?;
    let lookups = LookupStageClaims {
        range: &range,
        activations: &acts,
        softmax_chunks: &chunks,
        diffs: &diffs,
        softmax: &softmax,
    };
    route(arch, &plan, &mut sink, lookups, &layers, argmax.as_ref())?;
    verify_split_field(
        sink.acc.vector_vars(),
        sink.acc.claims(),
        opening,
        &seeds.d1,
        &seeds.d2,
        t,
    )
}

/// The public values split as (input, logits, count).
type PublicParts<'a, F> = (Option<&'a [F]>, Option<&'a [F]>, Option<&'a F>);

/// Splits the public values into (input, logits, count) as the plan expects them.
fn split_public<'a, F: FieldOps>(
    arch: &ModelArchitecture,
    plan: &Plan,
    public: &'a [F],
) -> Result<PublicParts<'a, F>, Error> {
    use super::plan::Place;
    let s = &arch.shape;
    let rows = match arch.task {
        Task::Inference { rows, .. } => rows,
        Task::Accuracy { .. } => 0,
    };
    let n_in = if plan.places.get(names::INPUT) == Some(&Place::PublicInput) {
        rows * s.input.real_len()
    } else {
        0
    };
    let n_out = if plan.places.get(&arch.output_name()) == Some(&Place::PublicOutput) {
        rows * s.classes
    } else {
        0
    };
    let n_count = usize::from(arch.argmax_shape().is_some());
    if public.len() != n_in + n_out + n_count {
        return Err(Error::ProofShape {
            what: "public values",
            expected: n_in + n_out + n_count,
            actual: public.len(),
        });
    }
    let (input, rest) = public.split_at(n_in);
    let (logits, rest) = rest.split_at(n_out);
    Ok((
        (n_in > 0).then_some(input),
        (n_out > 0).then_some(logits),
        rest.first(),
    ))
}

impl ModelProof {
    /// The proof as a [`Claim`] about `commitments` (model, this proof's trace, data) and
    /// `public`.
    pub fn claim(
        &self,
        model: G1Affine,
        data: Option<G1Affine>,
        public: &PublicValues,
    ) -> Claim<ModelArchitecture> {
        Claim {
            commitments: ModelCommitments {
                model,
                trace: self.trace_commitment,
                data,
            }
            .to_vec(),
            public: public.values(),
            salt: self.salt,
            body: self.body.clone(),
            opening: self.opening.clone(),
        }
    }
}

/// Verifies a model proof against the model commitment, the data commitment (when the
/// architecture has one) and the public values. The caller vouches for `model` (the
/// registered one) and, for accuracy, for `data` (the test set its publisher registered).
pub fn verify(
    srs: &Srs,
    arch: &ModelArchitecture,
    model: G1Affine,
    data: Option<G1Affine>,
    public: &PublicValues,
    proof: &ModelProof,
) -> Result<(), Error> {
    proof.claim(model, data, public).verify(arch, srs)
}

impl Statement for ModelArchitecture {
    type Body<F: Clone + std::fmt::Debug> = ModelProofBody<F>;

    fn description(&self) -> String {
        ModelArchitecture::description(self)
    }

    fn kind(&self) -> StatementKind {
        ModelArchitecture::kind(self)
    }

    fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error> {
        ModelArchitecture::info(self, srs)
    }

    fn commitment_roles(&self) -> Vec<CommitmentRole> {
        ModelArchitecture::commitment_roles(self)
    }

    fn public_groups(&self) -> Result<Vec<PublicGroup>, Error> {
        ModelArchitecture::public_groups(self)
    }

    fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        ModelArchitecture::vector_lengths(self)
    }

    fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
        &self,
        seeds: &SplitSeeds<F>,
        salt: &F,
        public: &[F],
        body: &ModelProofBody<F>,
        opening: &SplitFieldProof<F>,
        t: &mut Transcript<F, S>,
    ) -> Result<SplitOutputs<F>, Error> {
        verify_field_part(self, seeds, salt, public, body, opening, t)
    }

    fn map_body<F: Clone + std::fmt::Debug, G: Clone + std::fmt::Debug, E>(
        body: &ModelProofBody<F>,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<ModelProofBody<G>, E> {
        body.map_fields(f)
    }

    /// A proof about the all-zero model on zero inputs (labels all class 0).
    fn placeholder(&self, srs: &Srs) -> Result<Claim<Self>, Error> {
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        let q = self.shape.zero_model();
        let m = self.rows();
        let input = vec![0i64; m * q.input.rows() * q.input.width()];
        let trace = q.forward(m, input.clone())?;
        let model = commit_model(srs, self, &q, &mut rng)?;
        let labels = match self.task {
            Task::Accuracy { examples } => Some(vec![0usize; examples]),
            Task::Inference { .. } => None,
        };
        let outputs = (!matches!(self.task, Task::Accuracy { .. })).then_some(trace.outputs());
        let data = self
            .has_data()
            .then(|| commit_data(srs, self, &input, outputs, labels.as_deref(), &mut rng))
            .transpose()?;
        let w = ModelWitness {
            model: &q,
            committed_model: &model,
            data: data.as_ref(),
            trace: &trace,
            labels: labels.as_deref(),
        };
        let (proof, public) = prove(srs, self, &w, &mut rng)?;
        Ok(proof.claim(model.commitment, data.map(|d| d.commitment), &public))
    }
}
