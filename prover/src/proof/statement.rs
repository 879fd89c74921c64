//! One abstraction for every statement kind: [`Statement`] is what an architecture (MatMul,
//! model inference or accuracy, training) implements once — its id and on-chain info, its
//! commitment roles and public layout, its committed vectors, the generic field-part verifier
//! the native verifier and the Groth16 circuit both run, and a placeholder proof for key
//! generation. [`Claim`] is a proof of any kind with its commitments and public values, and
//! its native verification is written once here.
//!
//! Native verification of a claim, in order: the commitment count against the roles (a
//! dropped commitment would change what C_F = Σ β^k C_k combines, DESIGN §11.6) →
//! s0 = keccak(architecture id, commitments, packed public words), as the contract computes
//! it → d₁ = keccak(H), d₂ = keccak(G, Ĝ, Q, S₁, S₂) → the field part on a fresh transcript
//! seeded with s0 and the salt (every challenge after every value it combines, as each kind's
//! module and [`crate::pcs::split`] state) → the pairing check on the opening's group
//! elements. Whether the commitments are the ones the claim is about is the caller's to
//! pin ([`crate::proof::roles::check_pinned`]).

use super::PublicStatement;
use super::info::{ArchitectureInfo, StatementKind};
use super::public::{PublicGroup, pack};
use super::roles::{CommitmentRole, check_pinned};
use crate::error::Error;
use crate::field::FieldOps;
use crate::field::encoding::keccak256;
use crate::pcs::{
    SplitFieldProof, SplitOpeningProof, SplitOutputs, SplitSeeds, Srs, verify_split_group,
};
use crate::transcript::{NativeTranscript, SpongeOps, TRANSCRIPT_ID, Transcript};
use ark_bn254::{Fr, G1Affine};

/// keccak(description ‖ SRS id ‖ transcript id): the id keys, verifiers and the marketplace
/// know an architecture by.
pub fn architecture_id(description: &str, srs: &Srs) -> [u8; 32] {
    keccak256(&[description.as_bytes(), &srs.id(), TRANSCRIPT_ID.as_bytes()])
}

/// A statement kind's architecture: everything keys, verifiers and proofs are made for.
pub trait Statement: Clone + std::fmt::Debug + Send + Sync + Sized + 'static {
    /// The block proofs, generic over the field so that the circuit can allocate them.
    type Body<F: Clone + std::fmt::Debug>: Clone + std::fmt::Debug;

    /// The canonical description hashed into the id.
    fn description(&self) -> String;

    /// keccak(description ‖ SRS id ‖ transcript id).
    fn id(&self, srs: &Srs) -> [u8; 32] {
        architecture_id(&self.description(), srs)
    }

    /// Inference, accuracy or training.
    fn kind(&self) -> StatementKind;

    /// What its verifier reports on chain.
    fn info(&self, srs: &Srs) -> Result<ArchitectureInfo, Error>;

    /// The roles of its commitments, in statement order (the trace among them).
    fn commitment_roles(&self) -> Vec<CommitmentRole>;

    /// How its public values pack into the words the chain hashes into s0 (empty: none).
    fn public_groups(&self) -> Result<Vec<PublicGroup>, Error>;

    /// The committed vectors' lengths, in commitment order; the SRS needs the largest.
    fn vector_lengths(&self) -> Result<Vec<usize>, Error>;

    /// The opening's row width b = 2^⌈n/2⌉, n the largest vector's variables: its verifier
    /// holds [τ^b]₂ ([`crate::pcs::split`]).
    fn opening_row(&self) -> Result<usize, Error> {
        opening_row(&self.vector_lengths()?)
    }

    /// The field part of verification, generic over the backend (native or in-circuit):
    /// from the chain's seeds (s0, d₁, d₂), the salt and the unpacked public values, every
    /// block on its fork, the claims routed to their vectors, and the opening's field part.
    /// Returns β, α, ζ, ζ⁻¹, γ, y_ζ, y_ι for the pairing check.
    fn verify_field_part<F: FieldOps, S: SpongeOps<F>>(
        &self,
        seeds: &SplitSeeds<F>,
        salt: &F,
        public: &[F],
        body: &Self::Body<F>,
        opening: &SplitFieldProof<F>,
        t: &mut Transcript<F, S>,
    ) -> Result<SplitOutputs<F>, Error>;

    /// Maps a body's elements in order, keeping its shape ([`super::map::MapFields`]).
    fn map_body<F: Clone + std::fmt::Debug, G: Clone + std::fmt::Debug, E>(
        body: &Self::Body<F>,
        f: &mut dyn FnMut(&F) -> Result<G, E>,
    ) -> Result<Self::Body<G>, E>;

    /// A valid claim of this architecture's shape about an all-zero witness under `srs`
    /// (the throwaway [`placeholder_srs`]): key generation needs the circuit's shape, never a
    /// real witness.
    fn placeholder(&self, srs: &Srs) -> Result<Claim<Self>, Error>;
}

/// A proof of one statement with everything its verifier reads besides the architecture.
#[derive(Clone, Debug)]
pub struct Claim<S: Statement> {
    /// Every commitment, in the architecture's role order (the trace included).
    pub commitments: Vec<G1Affine>,
    /// The public values, unpacked (what the field part reads).
    pub public: Vec<Fr>,
    /// Fresh randomness absorbed after s0.
    pub salt: Fr,
    /// The block proofs.
    pub body: S::Body<Fr>,
    /// The one opening of every claim.
    pub opening: SplitOpeningProof,
}

impl<S: Statement> Claim<S> {
    /// The public values as the chain sees them: packed into words.
    pub fn chain_public(&self, arch: &S) -> Result<Vec<Fr>, Error> {
        pack(&arch.public_groups()?, &self.public)
    }

    /// The statement the chain hashes into s0.
    pub fn statement(&self, arch: &S, srs: &Srs) -> Result<PublicStatement, Error> {
        let expected = arch.commitment_roles().len();
        if self.commitments.len() != expected {
            return Err(Error::CommitmentCount {
                expected,
                actual: self.commitments.len(),
            });
        }
        Ok(PublicStatement {
            architecture: arch.id(srs),
            commitments: self.commitments.clone(),
            public: self.chain_public(arch)?,
        })
    }

    /// s0, d₁, d₂ by Keccak, as the chain computes them, and the field part's outputs.
    pub fn native_field_part(
        &self,
        arch: &S,
        srs: &Srs,
    ) -> Result<(SplitSeeds<Fr>, SplitOutputs<Fr>), Error> {
        let seeds = SplitSeeds::of(self.statement(arch, srs)?.seed(), &self.opening);
        let mut t = NativeTranscript::new_native();
        let out = arch.verify_field_part(
            &seeds,
            &self.salt,
            &self.public,
            &self.body,
            &self.opening.field,
            &mut t,
        )?;
        Ok((seeds, out))
    }

    /// Verifies the claim natively with every non-free role of the architecture pinned in
    /// `pins` to its registered value: [`check_pinned`] refuses a missing, extra or
    /// mismatched pin before any algebra.
    pub fn verify_pinned(
        &self,
        arch: &S,
        srs: &Srs,
        pins: &[(CommitmentRole, G1Affine)],
    ) -> Result<(), Error> {
        check_pinned(&arch.commitment_roles(), &self.commitments, pins)?;
        self.verify(arch, srs)
    }

    /// Verifies the claim natively: the field part, then the pairing check. The caller
    /// vouches for every commitment whose role is not free.
    pub fn verify(&self, arch: &S, srs: &Srs) -> Result<(), Error> {
        let (seeds, out) = self.native_field_part(arch, srs)?;
        verify_split_group(srs, &self.commitments, self.opening.points(), &seeds, &out)
    }
}

/// The row width b = 2^⌈n/2⌉ of the opening of vectors of `lengths` (powers of two), n the
/// largest one's variables.
pub fn opening_row(lengths: &[usize]) -> Result<usize, Error> {
    let longest = lengths.iter().copied().max().unwrap_or(1);
    if !longest.is_power_of_two() {
        return Err(Error::NotPowerOfTwo {
            what: "committed vector length",
            value: longest,
        });
    }
    Ok(1 << crate::pcs::split::row_vars(longest.trailing_zeros() as usize))
}

/// The throwaway development SRS placeholder claims are made under: large enough for the
/// architecture's vectors, from a fixed seed (its values never reach a key).
pub fn placeholder_srs<S: Statement>(arch: &S) -> Result<Srs, Error> {
    let len = arch.vector_lengths()?.into_iter().max().unwrap_or(1);
    Ok(Srs::insecure_development(0, len))
}

/// Returns an error unless a statement kind without public values was given none.
pub(crate) fn ensure_no_public<F>(public: &[F]) -> Result<(), Error> {
    if public.is_empty() {
        Ok(())
    } else {
        Err(Error::ProofShape {
            what: "public values",
            expected: 0,
            actual: public.len(),
        })
    }
}

/// Checks that a proof file made under the SRS `srs_id` is being verified under that SRS,
/// and that the SRS holds the file's architecture — before anything is sized from it (file
/// contents are untrusted). `what` names the file kind in the error.
pub fn check_srs<S: Statement>(
    arch: &S,
    srs: &Srs,
    srs_id: &[u8; 32],
    what: &'static str,
) -> Result<(), Error> {
    if &srs.id() != srs_id {
        return Err(Error::Format {
            what,
            reason: "made with another SRS than the one given".into(),
        });
    }
    srs.check_holds(&arch.vector_lengths()?)
}
