//! Commitments Σ v_i [τ^i]₁, with small-scalar MSMs when the values are small integers.

use super::srs::Srs;
use crate::error::Error;
use crate::field::encoding::to_i128;
use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{AdditiveGroup, Zero};
use rayon::prelude::*;

/// A commitment to a vector.
pub type Commitment = G1Affine;

/// Commits to `values` with the first `values.len()` SRS powers. Vectors whose entries are
/// all signed 8/16/32/64-bit integers use the matching small-scalar MSM on their positive and
/// negative parts; anything else uses the full MSM. Trailing zeros (a trace's power-of-two
/// padding, the opening's fold quotient above the data) cost nothing.
pub fn commit(srs: &Srs, values: &[Fr]) -> Result<Commitment, Error> {
    let bases = srs.powers(values.len())?;
    let values = &values[..values
        .iter()
        .rposition(|v| !v.is_zero())
        .map_or(0, |i| i + 1)];
    // Quantized data with a few full-size entries (the mask slots): a small-scalar MSM over
    // the data plus a full MSM over the few large entries.
    let large: Vec<usize> = values
        .par_iter()
        .enumerate()
        .filter(|(_, v)| to_i128(v, 65).is_err())
        .map(|(i, _)| i)
        .collect();
    if large.len() <= values.len() / 16 {
        let mut small: Vec<Fr> = values.par_iter().copied().collect();
        for i in &large {
            small[*i] = Fr::ZERO;
        }
        if let Some(c) = commit_small(bases, &small) {
            let (lb, lv): (Vec<G1Affine>, Vec<Fr>) =
                large.iter().map(|i| (bases[*i], values[*i])).unzip();
            return Ok((c + G1Projective::msm_unchecked(&lb, &lv)).into_affine());
        }
    }
    Ok(super::msm::msm(bases, values).into_affine())
}

fn commit_small(bases: &[G1Affine], values: &[Fr]) -> Option<G1Projective> {
    let ints: Vec<i128> = values
        .par_iter()
        .map(|v| to_i128(v, 65).ok())
        .collect::<Option<_>>()?;
    let max = ints.par_iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
    let split = |f: fn(u128) -> Option<u64>| -> Option<(Vec<u64>, Vec<u64>)> {
        let pos = ints
            .par_iter()
            .map(|v| if *v > 0 { f(v.unsigned_abs()) } else { Some(0) })
            .collect::<Option<_>>()?;
        let neg = ints
            .par_iter()
            .map(|v| if *v < 0 { f(v.unsigned_abs()) } else { Some(0) })
            .collect::<Option<_>>()?;
        Some((pos, neg))
    };
    let (pos, neg) = split(|m| u64::try_from(m).ok())?;
    let any_neg = neg.par_iter().any(|x| *x != 0);
    let msm = |s: &[u64]| -> G1Projective {
        if max < 1 << 8 {
            G1Projective::msm_u8(bases, &s.par_iter().map(|x| *x as u8).collect::<Vec<_>>())
        } else if max < 1 << 16 {
            G1Projective::msm_u16(bases, &s.par_iter().map(|x| *x as u16).collect::<Vec<_>>())
        } else if max < 1 << 32 {
            G1Projective::msm_u32(bases, &s.par_iter().map(|x| *x as u32).collect::<Vec<_>>())
        } else {
            G1Projective::msm_u64(bases, s)
        }
    };
    let p = msm(&pos);
    Some(if any_neg { p - msm(&neg) } else { p })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::encoding::from_i128;
    use ark_std::UniformRand;

    #[test]
    fn small_and_full_msm_agree() {
        let srs = Srs::insecure_development(3, 64);
        let mut rng = ark_std::test_rng();
        for bound in [100i128, 30_000, 1 << 31, 1 << 62] {
            let vals: Vec<Fr> = (0..64)
                .map(|i| from_i128(((i * 7919) % (2 * bound)) - bound))
                .collect();
            let full = G1Projective::msm_unchecked(&srs.g1_powers, &vals).into_affine();
            assert_eq!(commit(&srs, &vals).unwrap(), full, "bound {bound}");
        }
        // Small data with a few full-size (mask) entries.
        let mut vals: Vec<Fr> = (0..64).map(|i| from_i128(i - 20)).collect();
        vals[3] = Fr::rand(&mut rng);
        vals[60] = Fr::rand(&mut rng);
        let full = G1Projective::msm_unchecked(&srs.g1_powers, &vals).into_affine();
        assert_eq!(commit(&srs, &vals).unwrap(), full);
        let vals: Vec<Fr> = (0..64).map(|_| Fr::rand(&mut rng)).collect();
        let full = G1Projective::msm_unchecked(&srs.g1_powers, &vals).into_affine();
        assert_eq!(commit(&srs, &vals).unwrap(), full);
        // Trailing zeros change nothing; a vector of zeros commits to the identity; the SRS
        // must still cover the whole length.
        let mut vals: Vec<Fr> = (0..40).map(|i| from_i128(i - 20)).collect();
        vals[7] = Fr::rand(&mut rng);
        vals.resize(64, Fr::ZERO);
        let full = G1Projective::msm_unchecked(&srs.g1_powers, &vals).into_affine();
        assert_eq!(commit(&srs, &vals).unwrap(), full);
        assert_eq!(commit(&srs, &[Fr::ZERO; 64]).unwrap(), G1Affine::identity());
        assert!(matches!(
            commit(&srs, &[Fr::ZERO; 65]),
            Err(Error::SrsTooSmall { .. })
        ));
        assert!(matches!(
            commit(&srs, &vec![Fr::from(1u64); 65]),
            Err(Error::SrsTooSmall { .. })
        ));
    }
}
