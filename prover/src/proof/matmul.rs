//! An end-to-end statement through the whole proof API: "the committed model W maps some
//! private input X to some private output Y = X·W". W is committed once in its own vector
//! (the model commitment); X and Y live in the per-proof trace; one MatMul block, one opening.

use super::PublicStatement;
use super::start;
use crate::blocks::matmul::{
    MatMulClaims, MatMulDims, MatMulProof, matmul, prove_matmul, verify_matmul,
};
use crate::error::Error;
use crate::field::FieldOps;
use crate::field::encoding::keccak256;
use crate::pcs::layout::{Layout, LayoutBuilder, TensorId};
use crate::pcs::{
    Accumulator, SplitFieldProof, SplitOpeningProof, SplitOutputs, SplitSeeds, Srs, commit,
    prove_split_opening, verify_split_field,
};
use crate::proof::info::{ArchitectureInfo, StatementKind};
use crate::proof::map::MapFields;
use crate::proof::public::PublicGroup;
use crate::proof::roles::CommitmentRole;
use crate::proof::statement::{Claim, Statement, architecture_id, ensure_no_public};
use crate::transcript::{SpongeOps, TRANSCRIPT_ID, Transcript};
use ark_bn254::{Fr, G1Affine};
use ark_ff::UniformRand;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// The model vector's layout: W and its mask slots.
fn model_layout(dims: MatMulDims) -> (Layout, TensorId) {
    let mut b = LayoutBuilder::new();
    let w = b.add("W", dims.k * dims.n);
    (b.build(), w)
}

/// The trace layout: X, Y and mask slots (opened beside the model vector).
fn trace_layout(dims: MatMulDims) -> (Layout, TensorId, TensorId) {
    let mut b = LayoutBuilder::new();
    let x = b.add("X", dims.m * dims.k);
    let y = b.add("Y", dims.m * dims.n);
    (b.build_trace(model_layout(dims).0.num_vars), x, y)
}

/// The architecture id: keccak of the statement kind and sizes, the SRS id and the
/// transcript parameters — everything the circuit and the verifier key depend on.
pub fn architecture(dims: MatMulDims, srs: &Srs) -> [u8; 32] {
    architecture_id(&description(dims), srs)
}

/// The canonical description hashed into the architecture id.
pub fn description(dims: MatMulDims) -> String {
    format!("zkmodel/matmul/v1/m={}/k={}/n={}", dims.m, dims.k, dims.n)
}

/// What the MatMul verifier reports on chain: an inference-kind statement about the
/// registered W (shape "matmul k×n"), with no public values.
pub fn info(dims: MatMulDims, srs: &Srs) -> ArchitectureInfo {
    let shape = format!("matmul/k={}/n={}", dims.k, dims.n);
    ArchitectureInfo {
        id: architecture(dims, srs),
        model_shape: keccak256(&[super::info::SHAPE_TAG, shape.as_bytes(), &srs.id()]),
        kind: StatementKind::Inference,
        roles: ROLES.to_vec(),
        public_len: 0,
        public_input_words: 0,
        rows: dims.m,
        srs_id: srs.id(),
        development_srs: srs.origin.is_development(),
        description: description(dims),
        transcript: TRANSCRIPT_ID,
    }
}

/// The roles of a MatMul statement's commitments: the registered model, the trace.
pub const ROLES: [CommitmentRole; 2] = [CommitmentRole::Model, CommitmentRole::Trace];

/// A committed model: its masked vector and the commitment registered on chain.
#[derive(Clone, Debug)]
pub struct CommittedModel {
    /// The model vector (W in its segment, random mask slots).
    pub vector: Vec<Fr>,
    /// The model commitment.
    pub commitment: G1Affine,
}

/// Commits W (k×n, row-major) with fresh mask randomness.
pub fn commit_model(
    srs: &Srs,
    dims: MatMulDims,
    w: &[Fr],
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<CommittedModel, Error> {
    let (layout, id) = model_layout(dims);
    let vector = layout.fill(&[(id, w)], rng)?;
    let commitment = commit(srs, &vector)?;
    Ok(CommittedModel { vector, commitment })
}

/// A proof of the MatMul statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatMulStatementProof {
    /// Commitment to this proof's trace (X, Y, mask).
    pub trace_commitment: G1Affine,
    /// Fresh randomness absorbed after s0.
    pub salt: Fr,
    /// The block proof.
    pub block: MatMulProof<Fr>,
    /// The one opening of all claims.
    pub opening: SplitOpeningProof,
}

/// The public statement of a proof: architecture, [model, trace] commitments, no public values.
pub fn statement(dims: MatMulDims, srs: &Srs, model: G1Affine, trace: G1Affine) -> PublicStatement {
    PublicStatement {
        architecture: architecture(dims, srs),
        commitments: vec![model, trace],
        public: vec![],
    }
}

/// Lifts the block's claims onto (model = vector 0, trace = vector 1).
fn accumulate<F: FieldOps>(dims: MatMulDims, c: &MatMulClaims<F>) -> Accumulator<F> {
    let (ml, wid) = model_layout(dims);
    let (tl, xid, yid) = trace_layout(dims);
    let mut acc = Accumulator::new(&[ml.num_vars, tl.num_vars]);
    acc.add(0, ml.segment(wid), &c.w);
    acc.add(1, tl.segment(xid), &c.x);
    acc.add(1, tl.segment(yid), &c.y);
    acc
}

/// Proves that the committed model maps the private input `x` (m×k) to x·W.
pub fn prove(
    srs: &Srs,
    dims: MatMulDims,
    model: &CommittedModel,
    w: &[Fr],
    x: &[Fr],
    rng: &mut (impl RngCore + rand::CryptoRng),
) -> Result<MatMulStatementProof, Error> {
    let y = matmul(dims, x, w);
    let (tl, xid, yid) = trace_layout(dims);
    let trace = tl.fill(&[(xid, x), (yid, &y)], rng)?;
    let trace_commitment = commit(srs, &trace)?;
    let salt = Fr::rand(rng);
    let mut t = statement(dims, srs, model.commitment, trace_commitment).transcript(salt)?;

    let mut fork = t.fork(0)?;
    let (block, c) = prove_matmul(dims, x, w, &y, &mut fork)?;
    t.join(&[fork.digest()?])?;

    let acc = accumulate(dims, &c);
    let opening = prove_split_opening(srs, &[&model.vector, &trace], acc.claims(), &mut t)?;
    Ok(MatMulStatementProof {
        trace_commitment,
        salt,
        block,
        opening,
    })
}

/// The field part of verification (generic: the Groth16 circuit runs exactly this). Starts
/// from a fresh transcript and the chain-computed s0, d₁, d₂; returns the opening's outputs for the pairing check.
pub fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
    dims: MatMulDims,
    seeds: &SplitSeeds<F>,
    salt: &F,
    block: &MatMulProof<F>,
    opening: &SplitFieldProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<SplitOutputs<F>, Error> {
    start(t, &seeds.s0, salt)?;
    let mut fork = t.fork(0)?;
    let c = verify_matmul(dims, block, &mut fork)?;
    t.join(&[fork.digest()?])?;
    let acc = accumulate(dims, &c);
    verify_split_field(
        acc.vector_vars(),
        acc.claims(),
        opening,
        &seeds.d1,
        &seeds.d2,
        t,
    )
}

impl MatMulStatementProof {
    /// The proof as a [`Claim`] about (`model`, this proof's trace).
    pub fn claim(&self, model: G1Affine) -> Claim<MatMulDims> {
        Claim {
            commitments: vec![model, self.trace_commitment],
            public: vec![],
            salt: self.salt,
            body: self.block.clone(),
            opening: self.opening.clone(),
        }
    }
}

/// Verifies a MatMul statement proof against the model commitment: s0, d₁, d₂ by Keccak as
/// the chain computes them, the field part, then the pairing check.
pub fn verify(
    srs: &Srs,
    dims: MatMulDims,
    model_commitment: G1Affine,
    proof: &MatMulStatementProof,
) -> Result<(), Error> {
    proof.claim(model_commitment).verify(&dims, srs)
}

impl Statement for MatMulDims {
    type Body<F: Clone + std::fmt::Debug> = MatMulProof<F>;

    fn description(&self) -> String {
        description(*self)
    }

    fn kind(&self) -> StatementKind {
        StatementKind::Inference
    }

    fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error> {
        Ok(info(*self, srs))
    }

    fn commitment_roles(&self) -> Vec<CommitmentRole> {
        ROLES.to_vec()
    }

    fn public_groups(&self) -> Result<Vec<PublicGroup>, Error> {
        Ok(vec![])
    }

    fn vector_lengths(&self) -> Result<Vec<usize>, Error> {
        Ok(vec![
            model_layout(*self).0.len(),
            trace_layout(*self).0.len(),
        ])
    }

    fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
        &self,
        seeds: &SplitSeeds<F>,
        salt: &F,
        public: &[F],
        body: &MatMulProof<F>,
        opening: &SplitFieldProof<F>,
        t: &mut Transcript<F, S>,
    ) -> Result<SplitOutputs<F>, Error> {
        ensure_no_public(public)?;
        verify_field_part(*self, seeds, salt, body, opening, t)
    }

    fn map_body<F: Clone + std::fmt::Debug, G: Clone + std::fmt::Debug, E>(
        body: &MatMulProof<F>,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<MatMulProof<G>, E> {
        body.map_fields(f)
    }

    /// A proof that the zero matrix maps the zero input to zero.
    fn placeholder(&self, srs: &Srs) -> Result<Claim<Self>, Error> {
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        let w = vec![Fr::from(0u64); self.k * self.n];
        let x = vec![Fr::from(0u64); self.m * self.k];
        let model = commit_model(srs, *self, &w, &mut rng)?;
        Ok(prove(srs, *self, &model, &w, &x, &mut rng)?.claim(model.commitment))
    }
}
