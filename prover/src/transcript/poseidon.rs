//! A native Poseidon duplex sponge with exactly the semantics of `ark-crypto-primitives`'
//! `PoseidonSponge` (and so of its circuit gadget), without its per-round allocations.
//!
//! The permutation is the textbook one — add round constants, S-box x^5 on all (full rounds)
//! or the first (partial rounds) state word, multiply by the MDS matrix — on a fixed-size
//! state. The duplex bookkeeping mirrors arkworks: absorbing adds into the rate part and
//! permutes when a rate block is full; squeezing from absorbing mode permutes first; absorbing
//! after squeezing starts at rate index 0 without a permutation. A test pins the equality
//! with `PoseidonSponge` on random absorb/squeeze schedules.

use super::{POSEIDON_CAPACITY, POSEIDON_RATE, poseidon_config};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, Field};

const WIDTH: usize = POSEIDON_RATE + POSEIDON_CAPACITY;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Absorbing(usize),
    Squeezing(usize),
}

/// Round constants and MDS matrix as fixed-size arrays.
#[derive(Debug)]
struct Constants {
    ark: Vec<[Fr; WIDTH]>,
    mds: [[Fr; WIDTH]; WIDTH],
    full_rounds: usize,
    partial_rounds: usize,
}

fn constants() -> &'static Constants {
    static C: std::sync::OnceLock<Constants> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        let cfg = poseidon_config();
        let row = |v: &Vec<Fr>| {
            let mut a = [Fr::ZERO; WIDTH];
            a.iter_mut().zip(v).for_each(|(x, y)| *x = *y);
            a
        };
        let mut mds = [[Fr::ZERO; WIDTH]; WIDTH];
        mds.iter_mut().zip(&cfg.mds).for_each(|(m, v)| *m = row(v));
        Constants {
            ark: cfg.ark.iter().map(row).collect(),
            mds,
            full_rounds: cfg.full_rounds,
            partial_rounds: cfg.partial_rounds,
        }
    })
}

#[inline(always)]
fn pow5(x: &mut Fr) {
    let sq = x.square();
    *x *= sq.square();
}

/// Applies the Poseidon permutation of DESIGN §4 to a width-5 state.
pub fn permute(state: &mut [Fr; WIDTH]) {
    let c = constants();
    let half = c.full_rounds / 2;
    for (round, rc) in c.ark.iter().enumerate() {
        state.iter_mut().zip(rc).for_each(|(s, k)| *s += k);
        if round < half || round >= half + c.partial_rounds {
            state.iter_mut().for_each(pow5);
        } else {
            pow5(&mut state[0]);
        }
        let mut next = [Fr::ZERO; WIDTH];
        for (n, m) in next.iter_mut().zip(&c.mds) {
            *n = m.iter().zip(state.iter()).map(|(a, b)| *a * b).sum();
        }
        *state = next;
    }
}

/// The native duplex sponge used by every prover and the native verifier.
#[derive(Clone, Debug)]
pub struct PoseidonDuplex {
    state: [Fr; WIDTH],
    mode: Mode,
}

impl Default for PoseidonDuplex {
    fn default() -> Self {
        Self::new()
    }
}

impl PoseidonDuplex {
    /// A zero state in absorbing mode.
    pub fn new() -> Self {
        Self {
            state: [Fr::ZERO; WIDTH],
            mode: Mode::Absorbing(0),
        }
    }

    /// Absorbs field elements.
    pub fn absorb(&mut self, xs: &[Fr]) {
        if xs.is_empty() {
            return;
        }
        let mut index = match self.mode {
            Mode::Absorbing(i) if i == POSEIDON_RATE => {
                permute(&mut self.state);
                0
            }
            Mode::Absorbing(i) => i,
            Mode::Squeezing(_) => 0,
        };
        for x in xs {
            if index == POSEIDON_RATE {
                permute(&mut self.state);
                index = 0;
            }
            self.state[POSEIDON_CAPACITY + index] += x;
            index += 1;
        }
        self.mode = Mode::Absorbing(index);
    }

    /// Squeezes one field element.
    pub fn squeeze(&mut self) -> Fr {
        let index = match self.mode {
            Mode::Absorbing(_) => {
                permute(&mut self.state);
                0
            }
            Mode::Squeezing(i) if i == POSEIDON_RATE => {
                permute(&mut self.state);
                0
            }
            Mode::Squeezing(i) => i,
        };
        self.mode = Mode::Squeezing(index + 1);
        self.state[POSEIDON_CAPACITY + index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_crypto_primitives::sponge::poseidon::PoseidonSponge;
    use ark_crypto_primitives::sponge::{CryptographicSponge, FieldBasedCryptographicSponge};
    use ark_std::UniformRand;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Identical outputs to arkworks' sponge (and so to its circuit gadget) on random
        /// schedules of absorbs (0..10 elements) and squeezes (1..6 elements).
        #[test]
        fn matches_arkworks_sponge(ops in proptest::collection::vec((any::<bool>(), 0usize..10), 1..24), seed in any::<u64>()) {
            let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(seed);
            let mut ours = PoseidonDuplex::new();
            let mut theirs = PoseidonSponge::<Fr>::new(poseidon_config());
            for (is_absorb, n) in ops {
                if is_absorb {
                    let xs: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
                    ours.absorb(&xs);
                    theirs.absorb(&xs);
                } else {
                    let k = n % 5 + 1;
                    let a: Vec<Fr> = (0..k).map(|_| ours.squeeze()).collect();
                    let b: Vec<Fr> = theirs.squeeze_native_field_elements(k);
                    prop_assert_eq!(a, b);
                }
            }
        }
    }
}
