//! The im2col gather of a convolution, as a sumcheck against the index map's MLE.
//!
//! X is a channel-last image batch (rows (n, y, x), columns c); Xcol has rows
//! (n, y_out, x_out) and columns (tap, c), with Xcol[(n, p), (t, c)] = X[(n, src(t, p)), c]
//! when the tap reads inside the image and 0 otherwise. For a claim on Xcol at
//! (r_c, r_t, r_p, r_n) the prover shows
//!   Xcol̃(r_c, r_t, r_p, r_n) = Σ_q G(r_t, r_p, q)·X̃(r_c, q, r_n),
//!   G(r_t, r_p, q) = Σ_{t, p : src(t, p) = q} eq(r_t, t)·eq(r_p, p),
//! by a degree-2 sumcheck over the input positions q. The verifier evaluates G̃(r_t, r_p, ρ)
//! itself by enumerating the kh·kw·out_h·out_w (tap, position) pairs — the gather's own size,
//! independent of the batch — and keeps one claim on X. Soundness: the sumcheck's
//! 2·log2(in_h·in_w)/|Fr|.
//!
//! The transpose, col2im (a convolution's gradient on its input, for training): for
//! Y = col2im(P), Y[(n, q), c] = Σ_{(t, p) : src(t, p) = q} P[(n, p), (t, c)], a claim on Y at
//! (r_c, r_q, r_n) is
//!   Ỹ(r_c, r_q, r_n) = Σ_{t, p} G(t, p, r_q)·P̃(r_c, t, p, r_n),
//! a degree-2 sumcheck over the (tap, position) variables, G̃(ρ_t, ρ_p, r_q) again evaluated by
//! the verifier (the same index map, its other variables bound), leaving one claim on P.
//! Soundness: 2·log2(taps_pad·out_positions)/|Fr|. Both absorb their geometry first; the
//! claim's value is absorbed by the sumcheck's statement before its first challenge. The
//! verifier's work is kh·kw·out_h·out_w plus an eq table over the input positions: a statement
//! using either must bound the geometry first (`ConvGeometry::limit`, as the model
//! statement's architecture check does).

use super::{TensorClaim, log2};
use crate::error::Error;
use crate::field::FieldOps;
use crate::graph::quant::ConvGeometry;
use crate::poly::{eq_table, eq_table_generic};
use crate::sumcheck::{Product, ProverInstance, SumcheckProof, VerifierInstance, prove, verify};
use crate::transcript::{NativeTranscript, SpongeOps, Transcript, labels};
use ark_bn254::Fr;
use ark_ff::AdditiveGroup;
use rayon::prelude::*;

/// Splits a claim point on Xcol into (r_c, r_t, r_p, r_n).
pub(super) fn split<F: Clone>(g: &ConvGeometry, point: &[F]) -> Result<[Vec<F>; 4], Error> {
    let sizes = [log2(g.in_c), log2(g.taps_pad()), log2(g.out_positions())];
    let fixed: usize = sizes.iter().sum();
    if point.len() < fixed {
        return Err(Error::ProofShape {
            what: "gather claim point",
            expected: fixed,
            actual: point.len(),
        });
    }
    let (c, rest) = point.split_at(sizes[0]);
    let (t, rest) = rest.split_at(sizes[1]);
    let (p, n) = rest.split_at(sizes[2]);
    Ok([c.to_vec(), t.to_vec(), p.to_vec(), n.to_vec()])
}

fn start<F: FieldOps, S: SpongeOps<F>>(
    g: &ConvGeometry,
    t: &mut Transcript<F, S>,
) -> Result<(), Error> {
    t.absorb_usizes(labels::GATHER_STATEMENT, &g.words())?;
    Ok(())
}

/// G̃(r_t, r_p, ρ), generic: Σ over valid (tap, position) pairs.
pub(super) fn gather_eval<F: FieldOps>(g: &ConvGeometry, r_t: &[F], r_p: &[F], rho: &[F]) -> F {
    let (et, ep, eq) = (
        eq_table_generic(r_t),
        eq_table_generic(r_p),
        eq_table_generic(rho),
    );
    let mut acc = F::zero();
    for tap in 0..g.kh * g.kw {
        let mut inner = F::zero();
        for y in 0..g.out_h {
            for x in 0..g.out_w {
                if let Some((sy, sx)) = g.source(y, x, tap)
                    && let (Some(a), Some(b)) =
                        (ep.get(y * g.out_wp() + x), eq.get(sy * g.in_wp() + sx))
                {
                    inner = inner.add(&a.mul(b));
                }
            }
        }
        if let Some(w) = et.get(tap) {
            acc = acc.add(&w.mul(&inner));
        }
    }
    acc
}

/// A gather proof.
pub type GatherProof<F> = SumcheckProof<F>;

/// Proves the claim on Xcol from X (m examples, rows (n, y, x), columns in_c); returns the
/// claim on X.
pub fn prove_gather(
    g: &ConvGeometry,
    x: &[Fr],
    claim: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
) -> Result<(GatherProof<Fr>, TensorClaim<Fr>), Error> {
    start(g, t)?;
    let [r_c, r_t, r_p, r_n] = split(g, &claim.point)?;
    let plane = g.in_positions();
    let (ec, en) = (eq_table(&r_c), eq_table(&r_n));
    if x.len() != plane * g.in_c * en.len() {
        return Err(Error::StatementShape {
            what: "gather input (examples × height × width × channels)",
            expected: plane * g.in_c * en.len(),
            actual: x.len(),
        });
    }
    // X(r_c, ·, r_n): fold channels and examples.
    let folded: Vec<Fr> = (0..plane)
        .into_par_iter()
        .map(|q| {
            let mut acc = Fr::ZERO;
            for (n, wn) in en.iter().enumerate() {
                let row = &x[(n * plane + q) * g.in_c..(n * plane + q + 1) * g.in_c];
                let v: Fr = row.iter().zip(&ec).map(|(a, b)| *a * b).sum();
                acc += *wn * v;
            }
            acc
        })
        .collect();
    let (et, ep) = (eq_table(&r_t), eq_table(&r_p));
    let mut gv = vec![Fr::ZERO; plane];
    for tap in 0..g.kh * g.kw {
        for y in 0..g.out_h {
            for xo in 0..g.out_w {
                if let Some((sy, sx)) = g.source(y, xo, tap) {
                    gv[sy * g.in_wp() + sx] += et[tap] * ep[y * g.out_wp() + xo];
                }
            }
        }
    }
    prove_index_sum(gv, folded, claim.value, r_c, r_n, t)
}

/// The sumcheck both directions run: Σ_x G(x)·V(x) = `claim` with G the index map's table and
/// V the folded tensor; returns the proof and the claim on the tensor at r_c ‖ ρ ‖ r_n.
fn prove_index_sum(
    gv: Vec<Fr>,
    folded: Vec<Fr>,
    claim: Fr,
    r_c: Vec<Fr>,
    r_n: Vec<Fr>,
    t: &mut NativeTranscript,
) -> Result<(GatherProof<Fr>, TensorClaim<Fr>), Error> {
    let mut inst = ProverInstance::new(vec![gv, folded], Product(2))?;
    let (proof, out) = prove(&mut inst, claim, t)?;
    let value = out.evals.get(1).copied().unwrap_or_default();
    let point = super::concat(&[&r_c, &out.point, &r_n]);
    Ok((proof, TensorClaim { point, value }))
}

/// The verifier's side of [`prove_index_sum`]: checks the index map's final value against its
/// own evaluation `index_map(ρ)` (`what` names it) and returns the claim on the tensor.
#[allow(clippy::too_many_arguments)]
fn verify_index_sum<F: FieldOps, S: SpongeOps<F>>(
    num_vars: usize,
    proof: &GatherProof<F>,
    claim: &F,
    index_map: impl FnOnce(&[F]) -> F,
    what: &'static str,
    r_c: &[F],
    r_n: &[F],
    t: &mut Transcript<F, S>,
) -> Result<TensorClaim<F>, Error> {
    let out = verify(
        VerifierInstance {
            num_vars,
            composition: &Product(2),
            claim: claim.clone(),
        },
        proof,
        t,
    )?;
    let [gv, value] = out.evals.as_slice() else {
        return Err(Error::ProofShape {
            what: "index-map sumcheck evaluations",
            expected: 2,
            actual: out.evals.len(),
        });
    };
    if !gv.enforce_equal(&index_map(&out.point))? {
        return Err(Error::SuccinctEvaluation { what });
    }
    Ok(TensorClaim {
        point: super::concat(&[r_c, &out.point, r_n]),
        value: value.clone(),
    })
}

/// Verifies a gather proof for a claim on Xcol; returns the claim on X.
pub fn verify_gather<F: FieldOps, S: SpongeOps<F>>(
    g: &ConvGeometry,
    proof: &GatherProof<F>,
    claim: &TensorClaim<F>,
    t: &mut Transcript<F, S>,
) -> Result<TensorClaim<F>, Error> {
    start(g, t)?;
    let [r_c, r_t, r_p, r_n] = split(g, &claim.point)?;
    verify_index_sum(
        log2(g.in_positions()),
        proof,
        &claim.value,
        |rho| gather_eval(g, &r_t, &r_p, rho),
        "im2col index map G̃(r_t, r_p, ρ)",
        &r_c,
        &r_n,
        t,
    )
}

fn start_scatter<F: FieldOps, S: SpongeOps<F>>(
    g: &ConvGeometry,
    t: &mut Transcript<F, S>,
) -> Result<(), Error> {
    t.absorb_usizes(labels::SCATTER_STATEMENT, &g.words())?;
    Ok(())
}

/// Splits a claim point on col2im's output into (r_c, r_q, r_n).
fn split_scatter<F: Clone>(g: &ConvGeometry, point: &[F]) -> Result<[Vec<F>; 3], Error> {
    let (c, q) = (log2(g.in_c), log2(g.in_positions()));
    if point.len() < c + q {
        return Err(Error::ProofShape {
            what: "col2im claim point",
            expected: c + q,
            actual: point.len(),
        });
    }
    let (r_c, rest) = point.split_at(c);
    let (r_q, r_n) = rest.split_at(q);
    Ok([r_c.to_vec(), r_q.to_vec(), r_n.to_vec()])
}

/// Proves a claim on col2im(P) (P with rows (n, y_out, x_out), columns (tap, c)); returns the
/// claim on P.
pub fn prove_scatter(
    g: &ConvGeometry,
    p: &[Fr],
    claim: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
) -> Result<(GatherProof<Fr>, TensorClaim<Fr>), Error> {
    prove_scatter_folded(g, claim, t, |ec, en| {
        let (taps, rows) = (g.taps_pad(), g.out_positions());
        let width = taps * g.in_c;
        if p.len() != rows * width * en.len() {
            return Err(Error::StatementShape {
                what: "col2im input (examples × output positions × taps × channels)",
                expected: rows * width * en.len(),
                actual: p.len(),
            });
        }
        Ok((0..rows * taps)
            .into_par_iter()
            .map(|i| {
                let (tap, pos) = (i % taps, i / taps);
                let mut acc = Fr::ZERO;
                for (n, wn) in en.iter().enumerate() {
                    let at = (n * rows + pos) * width + tap * g.in_c;
                    let v: Fr = p[at..at + g.in_c].iter().zip(ec).map(|(a, b)| *a * b).sum();
                    acc += *wn * v;
                }
                acc
            })
            .collect())
    })
}

/// [`prove_scatter`] for a caller that folds P itself (without materializing it):
/// `fold(eq(r_c, ·), eq(r_n, ·))` returns P(r_c, ·, ·, r_n) over (tap, position), tap lowest.
/// The proof is the same.
pub fn prove_scatter_folded(
    g: &ConvGeometry,
    claim: &TensorClaim<Fr>,
    t: &mut NativeTranscript,
    fold: impl FnOnce(&[Fr], &[Fr]) -> Result<Vec<Fr>, Error>,
) -> Result<(GatherProof<Fr>, TensorClaim<Fr>), Error> {
    start_scatter(g, t)?;
    let [r_c, r_q, r_n] = split_scatter(g, &claim.point)?;
    let (ec, en, eq) = (eq_table(&r_c), eq_table(&r_n), eq_table(&r_q));
    let folded = fold(&ec, &en)?;
    if folded.len() != g.out_positions() * g.taps_pad() {
        return Err(Error::StatementShape {
            what: "col2im input folded over channels and examples (positions × taps)",
            expected: g.out_positions() * g.taps_pad(),
            actual: folded.len(),
        });
    }
    prove_index_sum(scatter_table(g, &eq), folded, claim.value, r_c, r_n, t)
}

/// The col2im index map with its input positions bound, G(t, p, r_q) = eq(r_q, src(t, p))
/// (0 where tap t of position p reads no input), over (tap, position), tap lowest; `eq` is
/// eq(r_q, ·) over the input positions.
pub(super) fn scatter_table(g: &ConvGeometry, eq: &[Fr]) -> Vec<Fr> {
    let taps = g.taps_pad();
    let mut gv = vec![Fr::ZERO; g.out_positions() * taps];
    for tap in 0..g.kh * g.kw {
        for y in 0..g.out_h {
            for xo in 0..g.out_w {
                if let Some((sy, sx)) = g.source(y, xo, tap)
                    && let (Some(v), Some(slot)) = (
                        eq.get(sy * g.in_wp() + sx),
                        gv.get_mut((y * g.out_wp() + xo) * taps + tap),
                    )
                {
                    *slot = *v;
                }
            }
        }
    }
    gv
}

/// Verifies a col2im proof for a claim on its output; returns the claim on P.
pub fn verify_scatter<F: FieldOps, S: SpongeOps<F>>(
    g: &ConvGeometry,
    proof: &GatherProof<F>,
    claim: &TensorClaim<F>,
    t: &mut Transcript<F, S>,
) -> Result<TensorClaim<F>, Error> {
    start_scatter(g, t)?;
    let [r_c, r_q, r_n] = split_scatter(g, &claim.point)?;
    let taps = log2(g.taps_pad());
    verify_index_sum(
        taps + log2(g.out_positions()),
        proof,
        &claim.value,
        |rho| {
            let (rho_t, rho_p) = rho.split_at(taps.min(rho.len()));
            gather_eval(g, rho_t, rho_p, &r_q)
        },
        "col2im index map G̃(ρ_t, ρ_p, r_q)",
        &r_c,
        &r_n,
        t,
    )
}
