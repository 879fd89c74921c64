//! Whole proofs: statements bound by the chain's s0, blocks on forked transcripts, every
//! claim accumulated into one batched opening (DESIGN §7, §10–11).
//!
//! The flow every statement follows:
//! 1. Commit the private vectors (trace with mask slots) and compute
//!    s0 = keccak(tag, architecture, commitments, public values) mod r — the chain's value.
//! 2. Seed the transcript with s0 and a fresh salt; run each block on `fork(i)` and join the
//!    forks' digests in block order.
//! 3. Lift every block claim onto its vector through the layout ([`crate::pcs::layout`]) and
//!    prove them all with one opening.
//!
//! Challenge order of a whole proof: every committed vector (trace with multiplicities and
//! mask) → s0 (statement) → salt → per block, on its fork, the block's own order → the forks'
//! digests joined in block order → the opening's ρ, ζ, γ ([`crate::pcs`]) → on chain u and
//! the multi-pairing scalar ([`crate::pcs::chain`]).

pub mod architecture;
mod bounds;
pub mod info;
pub mod map;
pub mod matmul;
pub mod model;
pub mod public;
pub mod roles;
pub mod statement;
pub mod train;

use crate::error::Error;
use crate::field::FieldOps;
use crate::pcs::chain::statement_seed;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::{Fr, G1Affine};

/// The public part of a statement, as the chain sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicStatement {
    /// Hash of the circuit description (architecture, sizes, SRS and transcript parameters).
    pub architecture: [u8; 32],
    /// Every commitment the proof is about, in a fixed order.
    pub commitments: Vec<G1Affine>,
    /// Public values (counts, hyperparameters).
    pub public: Vec<Fr>,
}

impl PublicStatement {
    /// s0, as the contract computes it.
    pub fn seed(&self) -> Fr {
        statement_seed(&self.architecture, &self.commitments, &self.public)
    }

    /// The transcript every proof of this statement starts from: s0, then the proof's salt.
    pub fn transcript(&self, salt: Fr) -> Result<NativeTranscript, Error> {
        let mut t = NativeTranscript::new_native();
        start(&mut t, &self.seed(), &salt)?;
        Ok(t)
    }
}

/// A deterministic RNG for the mask slots of commitments anyone must be able to recompute: a
/// seed-derived initial model, a published test set (DESIGN §11.6). Their contents are public,
/// so their masks hide nothing; deriving the masks from public values makes the commitment a
/// function of the public data alone.
pub fn public_mask_rng(domain: &str, seed: &[u8]) -> rand_chacha::ChaCha20Rng {
    use rand::SeedableRng;
    rand_chacha::ChaCha20Rng::from_seed(crate::field::encoding::keccak256(&[
        b"zkmodel.public-mask.v1",
        domain.as_bytes(),
        seed,
    ]))
}

/// Absorbs s0 and the salt into a fresh transcript (native or in-circuit).
pub fn start<F: FieldOps, S: SpongeOps<F>>(
    t: &mut Transcript<F, S>,
    s0: &F,
    salt: &F,
) -> Result<(), Error> {
    t.absorb(labels::SEED, std::slice::from_ref(s0))?;
    t.absorb(labels::SALT, std::slice::from_ref(salt))?;
    Ok(())
}
