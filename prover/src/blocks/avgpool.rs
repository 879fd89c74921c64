//! Average pooling over windows gathered as a convolution gathers them (im2col,
//! [`super::conv`]), as one linear check — any window, stride and (zero) padding, with the
//! divisor the window's full size K = kh·kw (ONNX `count_include_pad = 1`, PyTorch's default).
//!
//! Xcol has rows (n, p) and columns (t, c), zero where a tap reads padding or t ≥ K; the output
//! O and remainder R have rows (n, p) and columns c. Relation: K·O + R = S with
//! S[(n, p), c] = Σ_t Xcol[(n, p), (t, c)]. As the padded taps are zero, S̃(ρ) = T·X̃col(ρ_c,
//! ½…½, ρ_p, ρ_n) for T taps padded to a power of two, so at a random ρ the prover states Õ(ρ)
//! and R̃(ρ) and the claim on Xcol is X̃col(ρ_c, ½…, ρ_p, ρ_n) = (K·Õ(ρ) + R̃(ρ))/T, which the
//! caller carries through the gather to the input. With R range-checked to [0, K) and O to
//! the signed b-bit range by the caller, O = ⌊S/K⌋ exactly; a false relation survives with
//! probability ≤ vars/|Fr| (ρ is drawn after the statement, every tensor committed before).

use super::{TensorClaim, concat, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::evaluate_dense;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;

/// The public shape: examples m and the window geometry (in_c the padded channels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AvgPoolShape {
    /// Examples (padded batch).
    pub m: usize,
    /// The windows.
    pub geometry: ConvGeometry,
}

/// An average-pool proof: Õ(ρ), R̃(ρ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvgPoolProof<F> {
    /// The two stated values.
    pub values: Vec<F>,
}

/// The claims: on O and R at ρ, on the window gather at (ρ_c, ½…, ρ_p, ρ_n).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvgPoolClaims<F> {
    /// On the output.
    pub output: TensorClaim<F>,
    /// On the remainder.
    pub remainder: TensorClaim<F>,
    /// On the window gather Xcol (for the gather proof).
    pub window: TensorClaim<F>,
}

impl AvgPoolShape {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        let g = &self.geometry;
        ensure(
            self.m.is_power_of_two() && g.in_c.is_power_of_two() && g.kh * g.kw > 0,
            "average pool",
            "batch and channels must be powers of two and the window non-empty",
        )?;
        let mut words = vec![self.m];
        words.extend(g.words());
        t.absorb_usizes(labels::AVGPOOL_STATEMENT, &words)?;
        let vars = log2(g.in_c) + log2(g.out_positions()) + log2(self.m);
        Ok(t.challenges(labels::AVGPOOL_POINT, vars)?)
    }

    fn claims<F: FieldOps>(&self, rho: Vec<F>, values: &[F]) -> Result<AvgPoolClaims<F>, Error> {
        let [o, rem] = values else {
            return Err(Error::ProofShape {
                what: "average-pool values",
                expected: 2,
                actual: values.len(),
            });
        };
        let g = &self.geometry;
        let taps = g.taps_pad();
        let inv_taps = Fr::from(taps as u64).inverse().unwrap_or_default();
        let half = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
        let lc = log2(g.in_c);
        let (c, rest) = rho.split_at_checked(lc).ok_or(Error::ProofShape {
            what: "average-pool point",
            expected: lc,
            actual: rho.len(),
        })?;
        let halves = vec![half; log2(taps)];
        let window = concat(&[c, &halves, rest]);
        let sum = o.mul_const(Fr::from((g.kh * g.kw) as u64)).add(rem);
        Ok(AvgPoolClaims {
            output: TensorClaim {
                point: rho.clone(),
                value: o.clone(),
            },
            remainder: TensorClaim {
                point: rho,
                value: rem.clone(),
            },
            window: TensorClaim {
                point: window,
                value: sum.mul_const(inv_taps),
            },
        })
    }
}

/// Proves the average pool for output `o` and remainder `r` (rows (n, p), columns c).
pub fn prove_avgpool(
    shape: AvgPoolShape,
    o: &[Fr],
    r: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(AvgPoolProof<Fr>, AvgPoolClaims<Fr>), Error> {
    let rho = shape.start(t)?;
    let values = vec![evaluate_dense(o, &rho)?, evaluate_dense(r, &rho)?];
    t.absorb(labels::AVGPOOL_VALUES, &values)?;
    let claims = shape.claims(rho, &values)?;
    Ok((AvgPoolProof { values }, claims))
}

/// Verifies an average-pool proof; returns the claims.
pub fn verify_avgpool<F: FieldOps, S: SpongeOps<F>>(
    shape: AvgPoolShape,
    proof: &AvgPoolProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<AvgPoolClaims<F>, Error> {
    let rho = shape.start(t)?;
    if proof.values.len() != 2 {
        return Err(Error::ProofShape {
            what: "average-pool values",
            expected: 2,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::AVGPOOL_VALUES, &proof.values)?;
    shape.claims(rho, &proof.values)
}
