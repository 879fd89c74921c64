//! col2im, the im2col gather's transpose (a convolution's gradient on its input, for CNN
//! training proofs): honest claims are the tensors' true evaluations for strided, padded and
//! odd geometries; each message tampered is refused with its check's error; a prover stating
//! a false output's value fails the sumcheck, one stating the true value leaves a false claim
//! on the output (the opening's to refute); an index-map value compensated through P is
//! refused by the verifier's own evaluation.

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::conv::{prove_scatter, verify_scatter};
use zkmodel_prover::graph::quant::ConvGeometry;
use zkmodel_prover::sumcheck::SumcheckProof;
use zkmodel_prover::{Error, Fr};

/// col2im written directly from its definition: each output position (y, x) and tap reads
/// input position (y·s + dy − pad, x·s + dx − pad) when inside the image.
fn naive_col2im(g: &ConvGeometry, m: usize, p: &[i64]) -> Vec<i64> {
    let (k, c) = (g.taps_pad() * g.in_c, g.in_c);
    let mut out = vec![0i64; m * g.in_positions() * c];
    for n in 0..m {
        for y in 0..g.out_h {
            for x in 0..g.out_w {
                let row = n * g.out_positions() + y * g.out_wp() + x;
                for dy in 0..g.kh {
                    for dx in 0..g.kw {
                        let sy = (y * g.stride[0] + dy) as i64 - g.pads[0] as i64;
                        let sx = (x * g.stride[1] + dx) as i64 - g.pads[1] as i64;
                        if sy < 0 || sx < 0 || sy >= g.in_h as i64 || sx >= g.in_w as i64 {
                            continue;
                        }
                        let q = n * g.in_positions() + sy as usize * g.in_wp() + sx as usize;
                        let t = dy * g.kw + dx;
                        for ch in 0..c {
                            out[q * c + ch] += p[row * k + t * c + ch];
                        }
                    }
                }
            }
        }
    }
    out
}

struct Case {
    g: ConvGeometry,
    p: Vec<i64>,
    y: Vec<i64>,
    point: Vec<Fr>,
}

fn case(seed: u64, (hw, k, stride, pads, c, m): Geometry) -> Case {
    let mut r = rng(seed);
    let g = ConvGeometry::window((hw.0, hw.1, c), k, stride, pads).unwrap();
    let p: Vec<i64> = (0..m * g.out_positions() * g.taps_pad() * c)
        .map(|_| r.gen_range(-40..40))
        .collect();
    let y = naive_col2im(&g, m, &p);
    let vars = (y.len()).trailing_zeros() as usize;
    let point = (0..vars)
        .map(|_| Fr::from(r.gen_range(1u64..1 << 40)))
        .collect();
    Case { g, p, y, point }
}

/// (input h × w, kernel, stride, padding (top, left, bottom, right), channels, examples).
type Geometry = (
    (usize, usize),
    [usize; 2],
    [usize; 2],
    [usize; 4],
    usize,
    usize,
);

const GEOMETRIES: [Geometry; 7] = [
    ((4, 4), [3, 3], [1, 1], [1; 4], 2, 2),
    ((6, 5), [3, 3], [2, 2], [1; 4], 1, 2),
    ((8, 8), [2, 2], [2, 2], [0; 4], 4, 2),
    ((7, 7), [5, 5], [1, 1], [0; 4], 1, 2),
    // Unequal kernel sides, strides and pads: a swapped index would show.
    ((5, 6), [2, 3], [1, 2], [1, 0, 0, 2], 2, 2),
    // 1×1 with stride 2: no tap variables, skipped pixels get exactly 0.
    ((6, 6), [1, 1], [2, 2], [0; 4], 2, 2),
    // One example: no example variables.
    ((4, 4), [3, 3], [1, 1], [1; 4], 2, 1),
];

fn claim_on(c: &Case, y: &[i64]) -> TensorClaim<Fr> {
    TensorClaim {
        point: c.point.clone(),
        value: true_eval(y, &c.point),
    }
}

#[test]
fn honest_col2im_claims_are_true() {
    for (i, geometry) in GEOMETRIES.into_iter().enumerate() {
        let c = case(i as u64, geometry);
        let hw = geometry.0;
        let claim = claim_on(&c, &c.y);
        let (proof, on_p) = prove_scatter(&c.g, &field(&c.p), &claim, &mut transcript()).unwrap();
        let verified = verify_scatter(&c.g, &proof, &claim, &mut transcript()).unwrap();
        assert_eq!(verified, on_p, "{hw:?}");
        assert_eq!(on_p.value, true_eval(&c.p, &on_p.point), "{hw:?}");
    }
}

#[test]
fn tampered_col2im_messages_are_refused() {
    let c = case(10, GEOMETRIES[1]);
    let claim = claim_on(&c, &c.y);
    let (proof, _) = prove_scatter(&c.g, &field(&c.p), &claim, &mut transcript()).unwrap();
    let verdict = |p: &SumcheckProof<Fr>, cl: &TensorClaim<Fr>| {
        verify_scatter(&c.g, p, cl, &mut transcript())
    };
    let mut other = claim.clone();
    other.value += Fr::ONE;
    assert_eq!(verdict(&proof, &other), Err(Error::SumcheckFinal));
    for round in 0..proof.rounds.len() {
        let mut bad = proof.clone();
        bad.rounds[round][0] += Fr::ONE;
        assert_eq!(
            verdict(&bad, &claim),
            Err(Error::SumcheckFinal),
            "round {round}"
        );
    }
    for k in 0..2 {
        let mut bad = proof.clone();
        bad.final_evals[0][k] += Fr::ONE;
        assert_eq!(
            verdict(&bad, &claim),
            Err(Error::SumcheckFinal),
            "final {k}"
        );
    }
    // The index map's value shifted and P's compensated, after the last challenge: the final
    // check holds, the verifier's own G̃ does not.
    let mut bad = proof.clone();
    let [gv, pv] = [bad.final_evals[0][0], bad.final_evals[0][1]];
    bad.final_evals[0] = vec![gv + gv, pv / Fr::from(2u64)];
    assert!(matches!(
        verdict(&bad, &claim),
        Err(Error::SuccinctEvaluation { .. })
    ));
    // Malformed: a point one variable short, a proof with a round too many.
    let mut short = claim.clone();
    short.point.truncate(c.g.in_c.trailing_zeros() as usize + 1);
    assert!(matches!(
        verdict(&proof, &short),
        Err(Error::ProofShape { .. })
    ));
    let mut long = proof.clone();
    long.rounds.push(long.rounds[0].clone());
    assert!(matches!(
        verdict(&long, &claim),
        Err(Error::ProofShape { .. })
    ));
    // Another geometry is another statement.
    let g2 = ConvGeometry::window((6, 5, 2), [3, 3], [2, 2], [0; 4]).unwrap();
    assert!(verify_scatter(&g2, &proof, &claim, &mut transcript()).is_err());
}

/// A false gradient (one entry of col2im(P) off by one): stating its value fails the
/// sumcheck; stating the true one (known before any challenge of the block) passes it and
/// leaves the claim on the false tensor untrue.
#[test]
fn a_false_col2im_output_is_refused_or_leaves_a_false_claim() {
    let c = case(11, GEOMETRIES[0]);
    let mut y = c.y.clone();
    y[5] += 1;
    let pf = field(&c.p);
    let stated = claim_on(&c, &y);
    let (proof, _) = prove_scatter(&c.g, &pf, &stated, &mut transcript()).unwrap();
    assert_eq!(
        verify_scatter(&c.g, &proof, &stated, &mut transcript()),
        Err(Error::SumcheckFinal)
    );
    let true_claim = claim_on(&c, &c.y);
    let (proof, _) = prove_scatter(&c.g, &pf, &true_claim, &mut transcript()).unwrap();
    verify_scatter(&c.g, &proof, &true_claim, &mut transcript()).unwrap();
    assert_ne!(true_claim.value, true_eval(&y, &true_claim.point));
}
