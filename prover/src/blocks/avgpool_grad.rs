//! An average pool's backward pass in training, for any window K = kh·kw (stride, padding, a
//! global average pool): the pooled gradient over K to every (tap, position) pair reading an
//! input position, summed, kept at e = ⌈log2 K⌉ more scale bits and rounded once —
//!   K·U + R = 2^e·col2im(UP_G) + ⌊K/2⌋,  R ∈ [0, K),
//! so U = round(2^e·col2im(UP_G) / K), exactly as [`crate::train`] hands it down.
//!
//! Tensors: U (the gradient handed down) and R in the pool's input layout (variables c, q, n),
//! committed and range-checked by the caller (U signed b-bit, R below K); UP_G, the pooled
//! gradient G_out repeated over the window's taps in the forward block's window layout
//! (variables c, t, p, n), virtual — its multilinear extension ignores the tap variables, so
//! the caller routes a claim on it to G_out with them dropped.
//!
//! Protocol, in transcript order: the statement (m, the geometry); the point r on U's
//! variables; the prover's Ũ(r) and R̃(r), absorbed; then col2im's sumcheck
//! ([`super::conv::prove_scatter`]) for the claim col2im(UP_G)~(r) = (K·Ũ(r) + R̃(r) −
//! ⌊K/2⌋)/2^e, which leaves a claim on UP_G at (r_c, ρ_t, ρ_p, r_n). Claims: `grad_in` (U at
//! r), `remainder` (R at r), `upsampled` (UP_G). Every tensor is committed before the
//! statement. Soundness: K·U + R − ⌊K/2⌋ − 2^e·col2im(UP_G) is multilinear; if it is not zero
//! it vanishes at r with probability ≤ vars/|Fr|, plus the scatter sumcheck's
//! 2·log2(taps·positions)/|Fr|. With the caller's range checks the field identity is the
//! integer one (|2^e·col2im(UP_G)| ≤ 2^(e + b + log K) ≪ |Fr|), so U is the trainer's rounding.

use super::conv::{GatherProof, prove_scatter, verify_scatter};
use super::{NamedClaims, TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::evaluate_dense;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;

/// The public shape: the pool's windows over m examples (every iteration's batch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgPoolGrad {
    /// Examples (every iteration's batch).
    pub m: usize,
    /// The windows (in_c the padded channels).
    pub geometry: ConvGeometry,
}

/// A proof: Ũ(r), R̃(r), and col2im's sumcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvgPoolGradProof<F> {
    /// Ũ(r), R̃(r).
    pub values: Vec<F>,
    /// col2im: the claim on col2im(UP_G) to one on UP_G.
    pub scatter: GatherProof<F>,
}

impl AvgPoolGrad {
    /// The window size K and the extra bits e.
    fn window(&self) -> (u64, u32) {
        let g = &self.geometry;
        ((g.kh * g.kw) as u64, crate::train::window_bits(g))
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        let g = &self.geometry;
        ensure(
            [self.m, g.in_c]
                .iter()
                .all(|d| d.is_power_of_two() && *d <= 1 << 24)
                && g.kh * g.kw > 0
                && g.limit().is_none(),
            "average-pool backward",
            "examples and channels must be powers of two of at most 2^24 and the window \
             non-empty, within the geometry's limits",
        )?;
        let vars = log2(g.in_c) + log2(g.in_positions()) + log2(self.m);
        if vars > crate::sumcheck::MAX_VARS {
            return Err(Error::TooLarge {
                what: "average-pool backward variables",
                value: vars,
                max: crate::sumcheck::MAX_VARS,
            });
        }
        let mut words = vec![self.m];
        words.extend(g.words());
        t.absorb_usizes(labels::AVGPOOL_GRAD_STATEMENT, &words)?;
        Ok(t.challenges(labels::AVGPOOL_GRAD_POINT, vars)?)
    }

    /// The claim on col2im(UP_G) at r: (K·Ũ(r) + R̃(r) − ⌊K/2⌋)/2^e.
    fn scatter_claim<F: FieldOps>(&self, r: &[F], values: &[F]) -> Result<TensorClaim<F>, Error> {
        let [u, rem] = values else {
            return Err(Error::ProofShape {
                what: "average-pool backward values",
                expected: 2,
                actual: values.len(),
            });
        };
        let (k, e) = self.window();
        let unscale = Fr::from(1u64 << e).inverse().unwrap_or_default();
        let value = u
            .mul_const(Fr::from(k))
            .add(rem)
            .sub(&F::constant(Fr::from(k / 2)))
            .mul_const(unscale);
        Ok(TensorClaim {
            point: r.to_vec(),
            value,
        })
    }
}

fn claims<F: Clone>(r: Vec<F>, values: &[F], upsampled: TensorClaim<F>) -> NamedClaims<F> {
    let value = |i: usize| values.get(i).cloned();
    let mut out = Vec::with_capacity(3);
    if let (Some(u), Some(rem)) = (value(0), value(1)) {
        out.push((
            "grad_in",
            TensorClaim {
                point: r.clone(),
                value: u,
            },
        ));
        out.push((
            "remainder",
            TensorClaim {
                point: r,
                value: rem,
            },
        ));
    }
    out.push(("upsampled", upsampled));
    out
}

/// Proves the average pool's backward pass from U and R (the pool's input layout) and UP_G
/// (the window layout); returns the proof and the claims named `grad_in`, `remainder`,
/// `upsampled`.
pub fn prove_avgpool_grad(
    shape: AvgPoolGrad,
    [u, rem, up_g]: [&[Fr]; 3],
    t: &mut NativeTranscript,
) -> Result<(AvgPoolGradProof<Fr>, NamedClaims<Fr>), Error> {
    let r = shape.start(t)?;
    if u.len() != 1 << r.len() || rem.len() != u.len() {
        return Err(Error::StatementShape {
            what: "average-pool backward gradient and remainder (the pool's input layout)",
            expected: 1 << r.len(),
            actual: u.len().max(rem.len()),
        });
    }
    let values = vec![evaluate_dense(u, &r)?, evaluate_dense(rem, &r)?];
    t.absorb(labels::AVGPOOL_GRAD_VALUES, &values)?;
    let claim = shape.scatter_claim(&r, &values)?;
    let (scatter, upsampled) = prove_scatter(&shape.geometry, up_g, &claim, t)?;
    Ok((
        AvgPoolGradProof {
            values: values.clone(),
            scatter,
        },
        claims(r, &values, upsampled),
    ))
}

/// Verifies an average pool's backward pass; returns the claims on U (`grad_in`), R
/// (`remainder`) and UP_G (`upsampled`), for the caller to route (UP_G's to the pooled
/// gradient with the tap variables dropped). Sound given the caller's range checks on U and R.
pub fn verify_avgpool_grad<F: FieldOps, S: SpongeOps<F>>(
    shape: AvgPoolGrad,
    proof: &AvgPoolGradProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<NamedClaims<F>, Error> {
    let r = shape.start(t)?;
    if proof.values.len() != 2 {
        return Err(Error::ProofShape {
            what: "average-pool backward values",
            expected: 2,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::AVGPOOL_GRAD_VALUES, &proof.values)?;
    let claim = shape.scatter_claim(&r, &proof.values)?;
    let upsampled = verify_scatter(&shape.geometry, &proof.scatter, &claim, t)?;
    Ok(claims(r, &proof.values, upsampled))
}
