//! 2×2, stride-2 average pooling on a channel-last batch, as one linear check.
//!
//! A has rows (n, y, x) and columns c; the output O and remainder R have rows (n, y', x').
//! Relation: 4·O + R = S with S[(n, y', x'), c] = Σ_{dy, dx} A[(n, 2y' + dy, 2x' + dx), c]. As
//! dy and dx are the lowest bits of y and x, S̃(r_c, r_x', r_y', r_n) = 4·Ã(r_c, ½, r_x', ½,
//! r_y', r_n) by multilinearity, so at a random r the prover states Õ(r) and R̃(r) and the
//! claim on A is Ã(r_c, ½, r_x', ½, r_y', r_n) = Õ(r) + R̃(r)/4. With R ∈ [0, 4) and O
//! range-checked by the caller, O = ⌊S/4⌋ exactly; a false relation survives with
//! probability ≤ log|O|/|Fr|.
//!
//! Training keeps O virtual instead ([`prove_pool_output`]): O is *defined* as (S − R)/4 from
//! the committed R and the input, so no relation is left to check at a point of the block's
//! own; every claim Õ(r) = v made elsewhere (the range lookup's, the next layer's) is resolved
//! by the prover stating u = R̃(r), into the claims R̃(r) = u and Ã(r_c, ½, r_x', ½, r_y', r_n)
//! = v + u/4. Transcript order: the statement, then every u, absorbed before any later
//! challenge; no challenge is drawn. A false v survives only with a false u (the remainder's
//! claim) or a false claim on A. With R ∈ [0, 4) and the range check on O (a claim like any
//! other), the field definition is the integer O = ⌊S/4⌋.

use super::{TensorClaim, log2};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::{DenseMle, evaluate_dense};
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

/// A pool proof: Õ(r), R̃(r) at the block's point; for a virtual output
/// ([`prove_pool_output`]), R̃ at each claim on O, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolProof<F> {
    /// The stated values.
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
    /// Checks the shape and absorbs it.
    fn statement<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<(), Error> {
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
        Ok(())
    }

    /// Variables of the output.
    fn output_vars(&self) -> usize {
        log2(self.m * self.h * self.w * self.c / 4)
    }

    fn start<F: FieldOps, S: SpongeOps<F>>(
        &self,
        t: &mut Transcript<F, S>,
    ) -> Result<Vec<F>, Error> {
        self.statement(t)?;
        Ok(t.challenges(labels::POOL_POINT, self.output_vars())?)
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
        if r.len() != self.output_vars() {
            return Err(Error::ProofShape {
                what: "pool output point",
                expected: self.output_vars(),
                actual: r.len(),
            });
        }
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
    let values = vec![evaluate_dense(o, &point)?, evaluate_dense(r, &point)?];
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

/// Resolves every claim on a virtual pool output O = (S − R)/4 (module doc): states R̃ at
/// each claim's point; returns the proof and, per claim, the claims on R and on the input.
pub fn prove_pool_output(
    shape: PoolShape,
    r: &[Fr],
    output_claims: &[TensorClaim<Fr>],
    t: &mut NativeTranscript,
) -> Result<(PoolProof<Fr>, Vec<PoolClaims<Fr>>), Error> {
    shape.statement(t)?;
    let r = DenseMle::new(r.to_vec())?;
    let values = output_claims
        .iter()
        .map(|c| r.evaluate(&c.point))
        .collect::<Result<Vec<_>, _>>()?;
    t.absorb(labels::POOL_VALUES, &values)?;
    let claims = resolve_output(shape, output_claims, &values)?;
    Ok((PoolProof { values }, claims))
}

/// Verifies the resolution of every claim on a virtual pool output; returns, per claim, the
/// claims on R and on the input.
pub fn verify_pool_output<F: FieldOps, S: SpongeOps<F>>(
    shape: PoolShape,
    proof: &PoolProof<F>,
    output_claims: &[TensorClaim<F>],
    t: &mut Transcript<F, S>,
) -> Result<Vec<PoolClaims<F>>, Error> {
    shape.statement(t)?;
    if proof.values.len() != output_claims.len() {
        return Err(Error::ProofShape {
            what: "pool output remainders (one per claim on the output)",
            expected: output_claims.len(),
            actual: proof.values.len(),
        });
    }
    t.absorb(labels::POOL_VALUES, &proof.values)?;
    resolve_output(shape, output_claims, &proof.values)
}

fn resolve_output<F: FieldOps>(
    shape: PoolShape,
    output_claims: &[TensorClaim<F>],
    remainders: &[F],
) -> Result<Vec<PoolClaims<F>>, Error> {
    output_claims
        .iter()
        .zip(remainders)
        .map(|(c, u)| shape.claims(c.point.clone(), &[c.value.clone(), u.clone()]))
        .collect()
}
