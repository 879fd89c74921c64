//! 2×2, stride-2 average pooling on a channel-last batch, as one linear check.
//!
//! A has rows (n, y, x) and columns c; the output O and remainder R have rows (n, y', x').
//! Relation: 4·O + R = S with S[(n, y', x'), c] = Σ_{dy, dx} A[(n, 2y' + dy, 2x' + dx), c]. As
//! dy and dx are the lowest bits of y and x, S̃(r_c, r_x', r_y', r_n) = 4·Ã(r_c, ½, r_x', ½,
//! r_y', r_n) by multilinearity, so at a random r the prover states Õ(r) and R̃(r) and the
//! claim on A is Ã(r_c, ½, r_x', ½, r_y', r_n) = Õ(r) + R̃(r)/4. With R ∈ [0, 4) and O
//! range-checked by the caller, O = ⌊S/4⌋ exactly; a false relation survives with
//! probability ≤ log|O|/|Fr|.

use super::{TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::DenseMle;
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::Field;

/// The public shape: examples m, input h×w, channels c (all powers of two, h, w ≥ 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolShape {
    /// Examples.
    pub m: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Channels.
    pub c: usize,
}

/// A pool proof: Õ(r), R̃(r).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolProof<F> {
    /// The two stated values.
    pub values: Vec<F>,
}

/// The claims: on O and R at r, on A at the half point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolClaims<F> {
    /// On the output.
    pub output: TensorClaim<F>,
    /// On the remainder.
    pub remainder: TensorClaim<F>,
    /// On the input.
    pub input: TensorClaim<F>,
}

impl PoolShape {
    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        let ok = [self.m, self.h, self.w, self.c]
            .iter()
            .all(|d| d.is_power_of_two())
            && self.h >= 2
            && self.w >= 2;
        ensure(
            ok,
            "average pool",
            "all dimensions must be powers of two, the spatial ones at least 2",
        )?;
        t.absorb_usizes(labels::POOL_STATEMENT, &[self.m, self.h, self.w, self.c])?;
        let vars = log2(self.m * self.h * self.w * self.c / 4);
        Ok(t.challenges(labels::POOL_POINT, vars)?)
    }

    fn claims<F: FieldOps>(&self, r: Vec<F>, values: &[F]) -> Result<PoolClaims<F>, Error> {
        let [o, rem] = values else {
            return Err(Error::ProofShape {
                what: "pool values",
                expected: 2,
                actual: values.len(),
            });
        };
        let half = F::constant(Fr::from(2u64).inverse().unwrap_or_default());
        let quarter = Fr::from(4u64).inverse().unwrap_or_default();
        let (lc, lx) = (log2(self.c), log2(self.w) - 1);
        let mut input = r[..lc].to_vec();
        input.push(half.clone());
        input.extend_from_slice(&r[lc..lc + lx]);
        input.push(half);
        input.extend_from_slice(&r[lc + lx..]);
        Ok(PoolClaims {
            output: TensorClaim {
                point: r.clone(),
                value: o.clone(),
            },
            remainder: TensorClaim {
                point: r,
                value: rem.clone(),
            },
            input: TensorClaim {
                point: input,
                value: o.add(&rem.mul_const(quarter)),
            },
        })
    }
}

/// Proves the pool relation for output `o` and remainder `r` (each m·(h/2)·(w/2)·c).
pub fn prove_pool(
    shape: PoolShape,
    o: &[Fr],
    r: &[Fr],
    t: &mut NativeTranscript,
) -> Result<(PoolProof<Fr>, PoolClaims<Fr>), Error> {
    let point = shape.start(t)?;
    let values = vec![
        DenseMle::new(o.to_vec())?.evaluate(&point)?,
        DenseMle::new(r.to_vec())?.evaluate(&point)?,
    ];
    t.absorb(labels::POOL_VALUES, &values)?;
    let claims = shape.claims(point, &values)?;
    Ok((PoolProof { values }, claims))
}

/// Verifies a pool proof; returns the claims.
pub fn verify_pool<F: FieldOps, S: SpongeOps<F>>(
    shape: PoolShape,
    proof: &PoolProof<F>,
    t: &mut Transcript<F, S>,
) -> Result<PoolClaims<F>, Error> {
    let point = shape.start(t)?;
    if proof.values.len() != 2 {
        return Err(Error::ProofShape {
            what: "pool values",
            expected: 2,
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::POOL_VALUES, &proof.values)?;
    shape.claims(point, &proof.values)
}
