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
use ark_ff::{AdditiveGroup, Field, Zero};

const WIDTH: usize = POSEIDON_RATE + POSEIDON_CAPACITY;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Absorbing(usize),
    Squeezing(usize),
}

/// The duplex bookkeeping of arkworks' `PoseidonSponge`, shared by every sponge of the
/// transcript (native, in-circuit, and the wrapper's witness recorder) so they cannot drift:
/// each element absorbed or squeezed asks for its slot in the rate part, and whether the
/// permutation runs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplexMode(Mode);

impl Default for DuplexMode {
    fn default() -> Self {
        Self(Mode::Absorbing(0))
    }
}

impl DuplexMode {
    /// The next absorbed element's rate index, and whether to permute before adding it: when
    /// a rate block is full. Absorbing after squeezing starts at index 0 without permuting.
    #[inline]
    pub fn absorb_slot(&mut self) -> (bool, usize) {
        let (permute, index) = match self.0 {
            Mode::Absorbing(i) if i == POSEIDON_RATE => (true, 0),
            Mode::Absorbing(i) => (false, i),
            Mode::Squeezing(_) => (false, 0),
        };
        self.0 = Mode::Absorbing(index + 1);
        (permute, index)
    }

    /// The next squeezed element's rate index, and whether to permute before reading it: after
    /// absorbing, or when the squeezed block is used up.
    #[inline]
    pub fn squeeze_slot(&mut self) -> (bool, usize) {
        let (permute, index) = match self.0 {
            Mode::Absorbing(_) => (true, 0),
            Mode::Squeezing(i) if i == POSEIDON_RATE => (true, 0),
            Mode::Squeezing(i) => (false, i),
        };
        self.0 = Mode::Squeezing(index + 1);
        (permute, index)
    }
}

type Matrix = [[Fr; WIDTH]; WIDTH];

/// The permutation's constants, rearranged for speed (Poseidon paper, appendix B):
/// partial rounds after the first add one scalar to word 0 and multiply by a sparse matrix.
#[derive(Debug)]
struct Constants {
    /// Round constants of the first half of the full rounds.
    first_full: Vec<[Fr; WIDTH]>,
    /// The full constant vector of the first partial round (with later rounds' folded in).
    first_partial: [Fr; WIDTH],
    /// The dense matrix of the first partial round.
    first_partial_matrix: Matrix,
    /// For each later partial round: the scalar added to word 0 and its sparse matrix
    /// [[a, vᵀ], [w, I]] stored as (a, v, w).
    later_partial: Vec<(Fr, Sparse)>,
    /// Round constants of the second half of the full rounds.
    last_full: Vec<[Fr; WIDTH]>,
    mds: Matrix,
}

#[derive(Debug, Clone)]
struct Sparse {
    a: Fr,
    v: [Fr; WIDTH - 1],
    w: [Fr; WIDTH - 1],
}

fn mat_mul(x: &Matrix, y: &Matrix) -> Matrix {
    let mut out = [[Fr::ZERO; WIDTH]; WIDTH];
    for i in 0..WIDTH {
        for j in 0..WIDTH {
            out[i][j] = (0..WIDTH).map(|k| x[i][k] * y[k][j]).sum();
        }
    }
    out
}

/// Inverse of the lower-right (WIDTH−1)×(WIDTH−1) block, by Gauss–Jordan elimination. MDS
/// matrices (and products of their blocks) have invertible square submatrices.
fn inverse_of_lower_block(m: &Matrix) -> [[Fr; WIDTH - 1]; WIDTH - 1] {
    const N: usize = WIDTH - 1;
    let mut a = [[Fr::ZERO; 2 * N]; N];
    for i in 0..N {
        for j in 0..N {
            a[i][j] = m[i + 1][j + 1];
        }
        a[i][N + i] = Fr::ONE;
    }
    for col in 0..N {
        let pivot = (col..N).find(|r| !a[*r][col].is_zero()).unwrap_or(col);
        a.swap(col, pivot);
        let inv = a[col][col].inverse().unwrap_or(Fr::ZERO);
        a[col].iter_mut().for_each(|x| *x *= inv);
        for r in 0..N {
            if r != col && !a[r][col].is_zero() {
                let f = a[r][col];
                let pivot_row = a[col];
                a[r].iter_mut()
                    .zip(pivot_row)
                    .for_each(|(x, p)| *x -= f * p);
            }
        }
    }
    let mut out = [[Fr::ZERO; N]; N];
    for i in 0..N {
        out[i].copy_from_slice(&a[i][N..]);
    }
    out
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
        let ark: Vec<[Fr; WIDTH]> = cfg.ark.iter().map(row).collect();
        let half = cfg.full_rounds / 2;
        let partial = cfg.partial_rounds;
        let mut pc: Vec<[Fr; WIDTH]> = ark[half..half + partial].to_vec();
        let m_hat_inv = inverse_of_lower_block(&mds);

        // Constants: write c_r = k_r·e0 + M·u with u_0 = 0, and fold u into round r − 1
        // (S-boxes only touch word 0, so u passes through them).
        let mut scalars = vec![Fr::ZERO; partial];
        for r in (1..partial).rev() {
            let c = pc[r];
            let mut u = [Fr::ZERO; WIDTH];
            for i in 1..WIDTH {
                u[i] = (1..WIDTH).map(|j| m_hat_inv[i - 1][j - 1] * c[j]).sum();
            }
            scalars[r] = c[0] - (1..WIDTH).map(|j| mds[0][j] * u[j]).sum::<Fr>();
            for i in 1..WIDTH {
                pc[r - 1][i] += u[i];
            }
        }

        // Matrices: factor A = A''·A' with A' = diag(1, Â) applied first and
        // A'' = [[a, vᵀÂ⁻¹], [w, I]]. A' commutes with the next word-0 operations, so it moves
        // back into the previous round's matrix: A_{r−1} = A'_r·M.
        let mut sparse = Vec::with_capacity(partial);
        let mut a = mds;
        for _ in 1..partial {
            let inv = inverse_of_lower_block(&a);
            let mut u = [Fr::ZERO; WIDTH - 1];
            for j in 0..WIDTH - 1 {
                u[j] = (0..WIDTH - 1).map(|i| a[0][i + 1] * inv[i][j]).sum();
            }
            let mut w = [Fr::ZERO; WIDTH - 1];
            for i in 0..WIDTH - 1 {
                w[i] = a[i + 1][0];
            }
            sparse.push(Sparse {
                a: a[0][0],
                v: u,
                w,
            });
            let mut a_prime = [[Fr::ZERO; WIDTH]; WIDTH];
            a_prime[0][0] = Fr::ONE;
            for i in 1..WIDTH {
                a_prime[i][1..].copy_from_slice(&a[i][1..]);
            }
            a = mat_mul(&a_prime, &mds);
        }
        Constants {
            first_full: ark[..half].to_vec(),
            first_partial: pc[0],
            first_partial_matrix: a,
            // `sparse` was built from the last round backwards.
            later_partial: scalars
                .into_iter()
                .skip(1)
                .zip(sparse.into_iter().rev())
                .collect(),
            last_full: ark[half + partial..].to_vec(),
            mds,
        }
    })
}

#[inline(always)]
fn pow5(x: &mut Fr) {
    let sq = x.square();
    *x *= sq.square();
}

#[inline(always)]
fn dense(m: &Matrix, state: &mut [Fr; WIDTH]) {
    let mut next = [Fr::ZERO; WIDTH];
    for (n, row) in next.iter_mut().zip(m) {
        *n = row.iter().zip(state.iter()).map(|(a, b)| *a * b).sum();
    }
    *state = next;
}

#[inline(always)]
fn full_round(
    state: &mut [Fr; WIDTH],
    rc: &[Fr; WIDTH],
    mds: &Matrix,
    sbox_input: &mut impl FnMut(Fr),
) {
    state.iter_mut().zip(rc).for_each(|(s, k)| *s += k);
    state.iter_mut().for_each(|x| {
        sbox_input(*x);
        pow5(x);
    });
    dense(mds, state);
}

/// Applies the Poseidon permutation of DESIGN §4 to a width-5 state.
pub fn permute(state: &mut [Fr; WIDTH]) {
    permute_observed(state, |_| {});
}

/// [`permute`], calling `sbox_input` with the input of every S-box in evaluation order (a full
/// round's words 0 to 4, then each partial round's word 0): the textbook permutation's S-box
/// inputs, which the rearranged partial rounds leave unchanged (tested). The wrapper computes
/// a circuit's witness from them without building the circuit.
#[inline]
pub fn permute_observed(state: &mut [Fr; WIDTH], mut sbox_input: impl FnMut(Fr)) {
    let c = constants();
    for rc in &c.first_full {
        full_round(state, rc, &c.mds, &mut sbox_input);
    }
    state
        .iter_mut()
        .zip(&c.first_partial)
        .for_each(|(s, k)| *s += k);
    sbox_input(state[0]);
    pow5(&mut state[0]);
    dense(&c.first_partial_matrix, state);
    for (k, m) in &c.later_partial {
        state[0] += k;
        sbox_input(state[0]);
        pow5(&mut state[0]);
        let x0 = state[0];
        state[0] = m.a * x0 + m.v.iter().zip(&state[1..]).map(|(v, x)| *v * x).sum::<Fr>();
        for (s, w) in state[1..].iter_mut().zip(&m.w) {
            *s += *w * x0;
        }
    }
    for rc in &c.last_full {
        full_round(state, rc, &c.mds, &mut sbox_input);
    }
}

/// The textbook permutation, kept as the reference the optimized one is tested against.
#[cfg(test)]
fn permute_reference(state: &mut [Fr; WIDTH], mut sbox_input: impl FnMut(Fr)) {
    let cfg = poseidon_config();
    let half = cfg.full_rounds / 2;
    for (round, rc) in cfg.ark.iter().enumerate() {
        state.iter_mut().zip(rc).for_each(|(s, k)| *s += k);
        let full = round < half || round >= half + cfg.partial_rounds;
        for x in state.iter_mut().take(if full { WIDTH } else { 1 }) {
            sbox_input(*x);
            pow5(x);
        }
        let mut next = [Fr::ZERO; WIDTH];
        for (n, m) in next.iter_mut().zip(&cfg.mds) {
            *n = m.iter().zip(state.iter()).map(|(a, b)| *a * b).sum();
        }
        *state = next;
    }
}

/// The native duplex sponge used by every prover and the native verifier.
#[derive(Clone, Debug)]
pub struct PoseidonDuplex {
    state: [Fr; WIDTH],
    mode: DuplexMode,
    permutations: u64,
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
            mode: DuplexMode::default(),
            permutations: 0,
        }
    }

    /// Permutations run so far: what the same schedule costs in a circuit (diagnostics, e.g.
    /// the wrapper's `transcript_profile` example).
    pub fn permutations(&self) -> u64 {
        self.permutations
    }

    fn permute(&mut self) {
        permute(&mut self.state);
        self.permutations += 1;
    }

    /// Absorbs field elements.
    pub fn absorb(&mut self, xs: &[Fr]) {
        for x in xs {
            let (permute, index) = self.mode.absorb_slot();
            if permute {
                self.permute();
            }
            self.state[POSEIDON_CAPACITY + index] += x;
        }
    }

    /// Squeezes one field element.
    pub fn squeeze(&mut self) -> Fr {
        let (permute, index) = self.mode.squeeze_slot();
        if permute {
            self.permute();
        }
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

    /// The same output and the same S-box inputs, in the same order, as the textbook
    /// permutation.
    #[test]
    fn optimized_permutation_matches_reference() {
        let mut rng = <rand_chacha::ChaCha20Rng as rand::SeedableRng>::seed_from_u64(9);
        let cfg = poseidon_config();
        for _ in 0..20 {
            let mut a = [Fr::ZERO; WIDTH];
            a.iter_mut().for_each(|x| *x = Fr::rand(&mut rng));
            let mut b = a;
            let mut c = a;
            let (mut ours, mut textbook) = (Vec::new(), Vec::new());
            permute_observed(&mut a, |x| ours.push(x));
            permute_reference(&mut b, |x| textbook.push(x));
            permute(&mut c);
            assert_eq!(a, b);
            assert_eq!(c, b);
            assert_eq!(ours, textbook);
            assert_eq!(ours.len(), cfg.full_rounds * WIDTH + cfg.partial_rounds);
        }
    }

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
