//! The QAP's one transform: polynomials given by their values on the 2^k-point domain H,
//! re-evaluated on the coset g·H. It is an inverse FFT, a scaling of the coefficients by
//! gⁱ/n and a forward FFT; here the inverse runs decimation-in-frequency (natural order in,
//! bit-reversed out) and the forward one decimation-in-time (bit-reversed in, natural out), so
//! no bit-reversal pass is needed, the scaling is one table shared by every polynomial, and
//! the twiddles are computed once. Both recurse depth-first, so the halves below a few
//! thousand entries stay in cache, and split across cores with `rayon::join`.
//!
//! Nothing here is a soundness assumption: it is the prover's arithmetic, tested against
//! arkworks' transforms.

use ark_ff::FftField;
use rayon::prelude::*;

/// Below this many entries a transform's halves run on the current thread.
const PARALLEL_FROM: usize = 1 << 12;
/// Butterflies per parallel task of one layer.
const CHUNK: usize = 1 << 10;

/// What the transforms of one domain size share.
pub(crate) struct CosetTransform<F> {
    /// ωʲ for j < n/2.
    forward: Vec<F>,
    /// ω⁻ʲ for j < n/2.
    inverse: Vec<F>,
    /// g^bitrev(i)/n for i < n: the coefficient scaling, in the order the inverse leaves them.
    scale: Vec<F>,
}

/// x, x·r, x·r², … (`len` entries), computed in parallel chunks.
fn powers<F: FftField>(r: F, x: F, len: usize) -> Vec<F> {
    let mut out = vec![F::zero(); len];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut p = x * r.pow([(c * CHUNK) as u64]);
            for v in chunk {
                *v = p;
                p *= r;
            }
        });
    out
}

impl<F: FftField> CosetTransform<F> {
    /// The tables for n = 2^`log_n` points and the coset g·H; `None` if the field has no
    /// n-th root of unity.
    pub(crate) fn new(log_n: u32, g: F) -> Option<Self> {
        let n = 1usize.checked_shl(log_n)?;
        let omega = F::get_root_of_unity(n as u64)?;
        let omega_inv = omega.inverse()?;
        let n_inv = F::from(n as u64).inverse()?;
        let natural = powers(g, n_inv, n);
        let scale = (0..n)
            .into_par_iter()
            .map(|i| natural[bit_reverse(i, log_n)])
            .collect();
        Some(Self {
            forward: powers(omega, F::one(), n / 2),
            inverse: powers(omega_inv, F::one(), n / 2),
            scale,
        })
    }

    /// The domain's size n.
    pub(crate) fn len(&self) -> usize {
        self.scale.len()
    }

    /// Replaces the values of a polynomial of degree < n on H (natural order) by its values
    /// on g·H. `values.len()` must be n.
    pub(crate) fn to_coset(&self, values: &mut [F]) {
        debug_assert_eq!(values.len(), self.len());
        dif(values, &self.inverse, 1);
        values
            .par_chunks_mut(CHUNK)
            .zip(self.scale.par_chunks(CHUNK))
            .for_each(|(v, s)| v.iter_mut().zip(s).for_each(|(v, s)| *v *= s));
        dit(values, &self.forward, 1);
    }
}

fn bit_reverse(i: usize, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS - bits)
    }
}

/// One layer's butterflies over the halves `lo`, `hi`, the j-th pair with twiddle
/// `twiddles[j·stride]`.
fn layer<F: FftField>(
    lo: &mut [F],
    hi: &mut [F],
    twiddles: &[F],
    stride: usize,
    butterfly: impl Fn(&mut F, &mut F, &F) + Sync,
) {
    let run = |offset: usize, lo: &mut [F], hi: &mut [F]| {
        for (j, (x, y)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
            if offset + j == 0 {
                // ω⁰ = 1, where both kinds of butterfly are (x + y, x − y): every block's
                // first pair and the whole last layer, an eighth of a 2^16 transform's
                // multiplications.
                let d = *x - *y;
                *x += *y;
                *y = d;
            } else {
                butterfly(x, y, &twiddles[(offset + j) * stride]);
            }
        }
    };
    if lo.len() >= PARALLEL_FROM {
        lo.par_chunks_mut(CHUNK)
            .zip(hi.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(c, (lo, hi))| run(c * CHUNK, lo, hi));
    } else {
        run(0, lo, hi);
    }
}

/// `f` on both halves, side by side when they are large enough to pay for it.
fn on_halves<F: Send>(lo: &mut [F], hi: &mut [F], f: impl Fn(&mut [F]) + Sync) {
    if lo.len() >= PARALLEL_FROM {
        rayon::join(|| f(lo), || f(hi));
    } else {
        f(lo);
        f(hi);
    }
}

/// Decimation in frequency: natural order in, the transform bit-reversed out.
fn dif<F: FftField>(a: &mut [F], twiddles: &[F], stride: usize) {
    let half = a.len() / 2;
    if half == 0 {
        return;
    }
    let (lo, hi) = a.split_at_mut(half);
    layer(lo, hi, twiddles, stride, |x, y, w| {
        let d = *x - *y;
        *x += *y;
        *y = d * w;
    });
    on_halves(lo, hi, |h| dif(h, twiddles, stride * 2));
}

/// Decimation in time: bit-reversed order in, the transform in natural order out.
fn dit<F: FftField>(a: &mut [F], twiddles: &[F], stride: usize) {
    let half = a.len() / 2;
    if half == 0 {
        return;
    }
    let (lo, hi) = a.split_at_mut(half);
    on_halves(lo, hi, |h| dit(h, twiddles, stride * 2));
    layer(lo, hi, twiddles, stride, |x, y, w| {
        let t = *y * w;
        *y = *x - t;
        *x += t;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ff::UniformRand;
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// arkworks' way: interpolate on H, evaluate on g·H.
    fn reference(values: &[Fr], g: Fr) -> Vec<Fr> {
        let domain = Radix2EvaluationDomain::<Fr>::new(values.len()).unwrap();
        let coeffs = domain.ifft(values);
        domain.get_coset(g).unwrap().fft(&coeffs)
    }

    #[test]
    fn equals_arkworks_interpolate_then_evaluate_on_the_coset() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        for log_n in [0, 1, 2, 3, 5, 12, 13, 15] {
            let n = 1usize << log_n;
            let g = Fr::rand(&mut rng);
            let t = CosetTransform::new(log_n, g).unwrap();
            assert_eq!(t.len(), n);
            let values: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let mut ours = values.clone();
            t.to_coset(&mut ours);
            assert_eq!(ours, reference(&values, g), "n = 2^{log_n}");
        }
    }

    #[test]
    fn a_constant_stays_constant_and_x_becomes_g_x() {
        let log_n = 13;
        let n = 1usize << log_n;
        let g = Fr::from(7u64);
        let t = CosetTransform::new(log_n, g).unwrap();
        let mut c = vec![Fr::from(5u64); n];
        t.to_coset(&mut c);
        assert!(c.iter().all(|v| *v == Fr::from(5u64)));
        let omega = Fr::get_root_of_unity(n as u64).unwrap();
        let mut x = powers(omega, Fr::from(1u64), n);
        t.to_coset(&mut x);
        assert_eq!(x, powers(omega, g, n));
    }
}
