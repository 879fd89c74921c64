//! A window average pool's backward pass (training): U = round(2^e·col2im(UP_G)/K) for
//! overlapping padded windows (3×3, stride 2, padded by one), a global average pool and a
//! 2×2 stride-1 window. Honest claims are the tensors' true evaluations; every message
//! tampered is refused with the error of the check it breaks; an adversary who states Ũ(r)
//! and R̃(r) after seeing r with K·Ũ + R̃ unchanged passes the block with false claims on U and
//! R (the opening's to refute); a gradient other than the rounding, with a remainder that
//! makes the relation hold, needs a remainder outside [0, K) (the range check's).

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::avgpool_grad::{
    AvgPoolGrad, AvgPoolGradProof, prove_avgpool_grad, verify_avgpool_grad,
};
use zkmodel_prover::graph::quant::ConvGeometry;
use zkmodel_prover::{Error, Fr};

fn shape(k: usize, s: usize, pad: usize, side: usize) -> AvgPoolGrad {
    AvgPoolGrad {
        m: 2,
        geometry: ConvGeometry::window((side, side, 2), [k, k], [s, s], [pad; 4]).unwrap(),
    }
}

/// U, R (input layout), UP_G (window layout) and the pooled gradient G_out.
struct Case {
    shape: AvgPoolGrad,
    u: Vec<i64>,
    r: Vec<i64>,
    up_g: Vec<i64>,
    g_out: Vec<i64>,
}

impl Case {
    fn new(shape: AvgPoolGrad, seed: u64) -> Self {
        let g = shape.geometry;
        let (c, taps, rows, plane) = (g.in_c, g.taps_pad(), g.out_positions(), g.in_positions());
        let (k, e) = ((g.kh * g.kw) as i64, zkmodel_prover::train::window_bits(&g));
        let mut rg = rng(seed);
        let g_out: Vec<i64> = (0..shape.m * rows * c)
            .map(|_| rg.gen_range(-300..300))
            .collect();
        let up_g: Vec<i64> = (0..g_out.len() * taps)
            .map(|i| g_out[(i / (c * taps)) * c + i % c])
            .collect();
        let mut sum = vec![0i64; shape.m * plane * c];
        for n in 0..shape.m {
            for yo in 0..g.out_h {
                for xo in 0..g.out_w {
                    for (sy, sx) in (0..g.kh * g.kw).filter_map(|t| g.source(yo, xo, t)) {
                        for ch in 0..c {
                            sum[(n * plane + sy * g.in_wp() + sx) * c + ch] +=
                                g_out[(n * rows + yo * g.out_wp() + xo) * c + ch];
                        }
                    }
                }
            }
        }
        let (u, r) = sum
            .iter()
            .map(|v| {
                let x = (v << e) + k / 2;
                (x.div_euclid(k), x.rem_euclid(k))
            })
            .unzip();
        Case {
            shape,
            u,
            r,
            up_g,
            g_out,
        }
    }

    fn prove(&self) -> AvgPoolGradProof<Fr> {
        let t = [&self.u, &self.r, &self.up_g].map(|v| field(v));
        prove_avgpool_grad(self.shape, [&t[0], &t[1], &t[2]], &mut transcript())
            .unwrap()
            .0
    }

    /// Each claim's name and whether it is true.
    fn verify(&self, p: &AvgPoolGradProof<Fr>) -> Result<Vec<(&'static str, bool)>, Error> {
        let claims = verify_avgpool_grad(self.shape, p, &mut transcript())?;
        Ok(claims
            .iter()
            .map(|(name, claim)| {
                let tensor = match *name {
                    "grad_in" => &self.u,
                    "remainder" => &self.r,
                    "upsampled" => &self.up_g,
                    other => panic!("unexpected claim {other}"),
                };
                (*name, claim.value == true_eval(tensor, &claim.point))
            })
            .collect())
    }
}

fn cases() -> [AvgPoolGrad; 3] {
    [shape(3, 2, 1, 5), shape(5, 5, 0, 5), shape(2, 1, 0, 4)]
}

#[test]
fn honest_average_pool_backward_claims_are_true() {
    for (i, s) in cases().into_iter().enumerate() {
        let c = Case::new(s, i as u64);
        let claims = c.verify(&c.prove()).unwrap();
        assert_eq!(claims.len(), 3);
        assert!(claims.iter().all(|(_, ok)| *ok), "{claims:?}");
        // The upsampled gradient's claim is the pooled gradient's without the tap variables.
        let upsampled = verify_avgpool_grad(c.shape, &c.prove(), &mut transcript())
            .unwrap()
            .into_iter()
            .find(|(n, _)| *n == "upsampled")
            .unwrap()
            .1;
        let (lc, lt) = (
            s.geometry.in_c.trailing_zeros() as usize,
            s.geometry.taps_pad().trailing_zeros() as usize,
        );
        let mut point = upsampled.point.clone();
        point.drain(lc..lc + lt);
        assert_eq!(upsampled.value, true_eval(&c.g_out, &point));
    }
}

#[test]
fn tampered_average_pool_backward_messages_are_refused() {
    let c = Case::new(cases()[0], 7);
    let proof = c.prove();
    let verdict = |p: &AvgPoolGradProof<Fr>| c.verify(p).map(|_| ());
    assert_eq!(verdict(&proof), Ok(()));
    for k in 0..2 {
        let mut bad = proof.clone();
        bad.values[k] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "value {k}");
    }
    for round in 0..proof.scatter.rounds.len() {
        for j in 0..proof.scatter.rounds[round].len() {
            let mut bad = proof.clone();
            bad.scatter.rounds[round][j] += Fr::ONE;
            assert_eq!(
                verdict(&bad),
                Err(Error::SumcheckFinal),
                "round {round}.{j}"
            );
        }
    }
    let mut bad = proof.clone();
    bad.scatter.final_evals[0][0] += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal));
    let mut bad = proof.clone();
    bad.values.pop();
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    for other in [shape(3, 2, 0, 5), AvgPoolGrad { m: 4, ..c.shape }] {
        assert!(verify_avgpool_grad(other, &proof, &mut transcript()).is_err());
    }
}

/// After seeing r the adversary moves one unit of Ũ(r) into R̃(r) (K·Ũ + R̃ unchanged, so
/// the col2im claim is the true one) and runs the scatter on the transcript with those values
/// absorbed: the block passes and both claims are false — the opening's to refute.
#[test]
fn values_moved_after_the_point_leave_false_claims() {
    use zkmodel_prover::blocks::TensorClaim;
    use zkmodel_prover::blocks::conv::prove_scatter;
    use zkmodel_prover::poly::DenseMle;
    use zkmodel_prover::transcript::labels;
    let c = Case::new(cases()[0], 8);
    let g = c.shape.geometry;
    let (k, e) = (
        Fr::from((g.kh * g.kw) as u64),
        zkmodel_prover::train::window_bits(&g),
    );
    let mut t = transcript();
    let mut words = vec![c.shape.m];
    words.extend(g.words());
    t.absorb_usizes(labels::AVGPOOL_GRAD_STATEMENT, &words)
        .unwrap();
    let vars = [g.in_c, g.in_positions(), c.shape.m]
        .iter()
        .map(|d| d.trailing_zeros() as usize)
        .sum();
    let r: Vec<Fr> = t.challenges(labels::AVGPOOL_GRAD_POINT, vars).unwrap();
    let eval = |v: &[i64]| DenseMle::new(field(v)).unwrap().evaluate(&r).unwrap();
    let values = vec![eval(&c.u) + Fr::ONE, eval(&c.r) - k];
    t.absorb(labels::AVGPOOL_GRAD_VALUES, &values).unwrap();
    let half = Fr::from((g.kh * g.kw / 2) as u64);
    let claim = TensorClaim {
        point: r.clone(),
        value: (k * values[0] + values[1] - half) / Fr::from(1u64 << e),
    };
    let (scatter, _) = prove_scatter(&g, &field(&c.up_g), &claim, &mut t).unwrap();
    let claims = c.verify(&AvgPoolGradProof { values, scatter }).unwrap();
    assert_eq!(
        claims,
        vec![
            ("grad_in", false),
            ("remainder", false),
            ("upsampled", true)
        ]
    );
}

/// A gradient handed down one unit off in one entry, its remainder shifted by K so the
/// relation holds: the proof verifies with true claims, and the remainder leaves [0, K) —
/// only the range check refuses it.
#[test]
fn another_rounding_needs_a_remainder_out_of_range() {
    let mut c = Case::new(cases()[1], 9);
    let k = (c.shape.geometry.kh * c.shape.geometry.kw) as i64;
    c.u[0] += 1;
    c.r[0] -= k;
    let claims = c.verify(&c.prove()).unwrap();
    assert!(claims.iter().all(|(_, ok)| *ok));
    assert!(c.r.iter().any(|r| !(0..k).contains(r)));
    // A gradient off without the remainder's compensation fails the sumcheck.
    c.r[0] += k;
    assert_eq!(c.verify(&c.prove()).map(|_| ()), Err(Error::SumcheckFinal));
}
