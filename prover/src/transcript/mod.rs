//! Fiat–Shamir transcript over a Poseidon sponge (DESIGN §4).
//!
//! The sponge is Poseidon over Fr with width 5 (rate 4, capacity 1), α = 5, 8 full and 60
//! partial rounds, round constants and MDS from the Grain LFSR of `ark-crypto-primitives`
//! (`find_poseidon_ark_and_mds(254, 4, 8, 60, 0)`). [`poseidon_config`] is the one object
//! both the native and the in-circuit transcript are built from.
//!
//! Every message is preceded by a domain-separation [`Label`] and its length, so two
//! messages of different kinds or lengths never absorb the same sequence. Protocols absorb
//! their statement (sizes, degrees, claims) before any prover message.
//!
//! Soundness assumption: Poseidon with these parameters behaves as a random oracle.

pub mod labels;
pub mod poseidon;

use crate::error::BackendError;
use crate::field::FieldOps;
use ark_bn254::Fr;
use ark_crypto_primitives::sponge::poseidon::{PoseidonConfig, find_poseidon_ark_and_mds};
pub use labels::Label;
pub use poseidon::PoseidonDuplex;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// Identifies the transcript construction (sponge parameters, framing, label set); part of
/// every architecture id. Change it whenever a change would alter any challenge.
pub const TRANSCRIPT_ID: &str = "zkmodel/poseidon-bn254/w5-r4-a5-rf8-rp60/grain/header-word/v15";

/// Poseidon rate (field elements absorbed per permutation).
pub const POSEIDON_RATE: usize = 4;
/// Poseidon capacity.
pub const POSEIDON_CAPACITY: usize = 1;
/// S-box exponent.
pub const POSEIDON_ALPHA: u64 = 5;
/// Full rounds.
pub const POSEIDON_FULL_ROUNDS: usize = 8;
/// Partial rounds.
pub const POSEIDON_PARTIAL_ROUNDS: usize = 60;

/// The Poseidon configuration of DESIGN §4, computed once.
pub fn poseidon_config() -> &'static PoseidonConfig<Fr> {
    static CONFIG: OnceLock<PoseidonConfig<Fr>> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let (ark, mds) = find_poseidon_ark_and_mds::<Fr>(
            254,
            POSEIDON_RATE,
            POSEIDON_FULL_ROUNDS as u64,
            POSEIDON_PARTIAL_ROUNDS as u64,
            0,
        );
        PoseidonConfig::new(
            POSEIDON_FULL_ROUNDS,
            POSEIDON_PARTIAL_ROUNDS,
            POSEIDON_ALPHA,
            mds,
            ark,
            POSEIDON_RATE,
            POSEIDON_CAPACITY,
        )
    })
}

/// The duplex sponge a transcript runs on: native Poseidon, or its circuit gadget.
pub trait SpongeOps<F: FieldOps>: Clone {
    /// Absorbs field elements.
    fn absorb(&mut self, xs: &[F]) -> Result<(), BackendError>;
    /// Squeezes one field element.
    fn squeeze(&mut self) -> Result<F, BackendError>;
}

/// The native Poseidon sponge (bit-for-bit arkworks' `PoseidonSponge`, faster).
pub type NativeSponge = PoseidonDuplex;

impl SpongeOps<Fr> for NativeSponge {
    #[inline]
    fn absorb(&mut self, xs: &[Fr]) -> Result<(), BackendError> {
        PoseidonDuplex::absorb(self, xs);
        Ok(())
    }
    #[inline]
    fn squeeze(&mut self) -> Result<Fr, BackendError> {
        Ok(PoseidonDuplex::squeeze(self))
    }
}

/// A Fiat–Shamir transcript, generic over the field backend and sponge so the verifier code
/// runs natively and in-circuit alike.
#[derive(Clone, Debug)]
pub struct Transcript<F: FieldOps, S: SpongeOps<F>> {
    sponge: S,
    _field: PhantomData<F>,
}

/// The native transcript used by provers and the native verifier.
pub type NativeTranscript = Transcript<Fr, NativeSponge>;

impl NativeTranscript {
    /// A fresh native transcript, already separated by [`labels::DOMAIN`].
    pub fn new_native() -> Self {
        let mut t = Self {
            sponge: NativeSponge::new(),
            _field: PhantomData,
        };
        t.sponge.absorb(&[labels::DOMAIN.header(0)]);
        t
    }
}

impl<F: FieldOps, S: SpongeOps<F>> Transcript<F, S> {
    /// Starts a transcript on `sponge`, absorbing the zkmodel domain separator.
    pub fn new(sponge: S) -> Result<Self, BackendError> {
        let mut t = Self {
            sponge,
            _field: PhantomData,
        };
        t.absorb(labels::DOMAIN, &[])?;
        Ok(t)
    }

    /// Absorbs one message: a header word binding its label and length, then its elements.
    pub fn absorb(&mut self, label: Label, xs: &[F]) -> Result<(), BackendError> {
        self.sponge.absorb(&[F::constant(label.header(xs.len()))])?;
        self.sponge.absorb(xs)
    }

    /// Absorbs public integers (sizes, degrees, indices) under a label.
    pub fn absorb_usizes(&mut self, label: Label, xs: &[usize]) -> Result<(), BackendError> {
        let fs: Vec<F> = xs
            .iter()
            .map(|x| F::constant(Fr::from(*x as u64)))
            .collect();
        self.absorb(label, &fs)
    }

    /// Derives one challenge, separated by its label.
    pub fn challenge(&mut self, label: Label) -> Result<F, BackendError> {
        self.absorb(label, &[])?;
        self.sponge.squeeze()
    }

    /// Absorbs one message and derives one challenge from it, without a second header: the
    /// message's label already separates the challenge. One permutation when the header and
    /// the message fit the rate (≤ 3 elements) — the sumcheck round's shape.
    pub fn absorb_challenge(&mut self, label: Label, xs: &[F]) -> Result<F, BackendError> {
        self.absorb(label, xs)?;
        self.sponge.squeeze()
    }

    /// Derives `n` challenges under one label.
    pub fn challenges(&mut self, label: Label, n: usize) -> Result<Vec<F>, BackendError> {
        self.absorb(label, &[])?;
        (0..n).map(|_| self.sponge.squeeze()).collect()
    }

    /// A transcript for sub-protocol `index`, forked from the current state so sub-protocols
    /// can run in parallel; fold the forks back with [`Transcript::join`].
    pub fn fork(&self, index: usize) -> Result<Self, BackendError> {
        let mut forked = self.clone();
        forked.absorb_usizes(labels::FORK, &[index])?;
        Ok(forked)
    }

    /// The digest a forked transcript contributes when it is joined back.
    pub fn digest(mut self) -> Result<F, BackendError> {
        self.challenge(labels::DIGEST)
    }

    /// Absorbs fork digests, in fork-index order, so the result does not depend on which
    /// fork finished first.
    pub fn join(&mut self, digests: &[F]) -> Result<(), BackendError> {
        self.absorb(labels::JOIN, digests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_has_the_designed_shape() {
        let c = poseidon_config();
        assert_eq!((c.rate, c.capacity, c.alpha), (4, 1, 5));
        assert_eq!((c.full_rounds, c.partial_rounds), (8, 60));
        assert_eq!(c.ark.len(), 68);
        assert_eq!(c.mds.len(), 5);
    }

    #[test]
    fn native_constructor_matches_generic_one() {
        let mut a = NativeTranscript::new_native();
        let mut b: NativeTranscript = Transcript::new(NativeSponge::new()).unwrap();
        assert_eq!(
            a.challenge(labels::DIGEST).unwrap(),
            b.challenge(labels::DIGEST).unwrap()
        );
    }

    #[test]
    fn forks_are_independent_and_deterministic() {
        let t = NativeTranscript::new_native();
        let a = t.fork(0).unwrap().digest().unwrap();
        let b = t.fork(1).unwrap().digest().unwrap();
        assert_ne!(a, b);
        assert_eq!(a, t.fork(0).unwrap().digest().unwrap());
        let mut j1 = t.clone();
        j1.join(&[a, b]).unwrap();
        let mut j2 = t.clone();
        j2.join(&[b, a]).unwrap();
        assert_ne!(
            j1.challenge(labels::DIGEST).unwrap(),
            j2.challenge(labels::DIGEST).unwrap()
        );
    }

    #[test]
    fn labels_and_lengths_separate_messages() {
        let x = Fr::from(7u64);
        let mut a = NativeTranscript::new_native();
        a.absorb(labels::STATEMENT, &[x]).unwrap();
        let mut b = NativeTranscript::new_native();
        b.absorb(labels::SUMCHECK_ROUND, &[x]).unwrap();
        let mut c = NativeTranscript::new_native();
        c.absorb(labels::STATEMENT, &[x, Fr::from(0u64)]).unwrap();
        let ca = a.challenge(labels::DIGEST).unwrap();
        assert_ne!(ca, b.challenge(labels::DIGEST).unwrap());
        assert_ne!(ca, c.challenge(labels::DIGEST).unwrap());
    }
}
