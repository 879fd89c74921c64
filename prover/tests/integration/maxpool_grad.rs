//! A max pool's backward pass (training), for overlapping padded windows (3×3, stride 2,
//! padded by one) and LeNet's 2×2 stride-2 ones: honest claims are the tensors' true
//! evaluations; every message tampered is refused with the error of the check it breaks; the
//! forgeries — routing a gradient to a later tied maximum, selecting two taps or none,
//! selecting a non-maximum, a wrong gradient handed down, tap values solved after seeing ρ —
//! each leave exactly one thing false: a negative slack (the range check's), a claim (the
//! opening's), or a check here.

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::{AdditiveGroup, Field, One};
use rand::Rng;
use zkmodel_prover::blocks::maxpool_grad::{
    MaxPoolGrad, MaxPoolGradProof, prove_maxpool_grad, verify_maxpool_grad,
};
use zkmodel_prover::graph::quant::ConvGeometry;
use zkmodel_prover::{Error, Fr};

const H: i64 = 128;

fn shape(k: usize, s: usize, pad: usize, side: usize) -> MaxPoolGrad {
    MaxPoolGrad {
        m: 2,
        geometry: ConvGeometry::window((side, side, 2), [k, k], [s, s], [pad; 4]).unwrap(),
    }
}

/// 3×3, stride 2, padded by 1, on a 5×5 map: windows overlap and read padding.
fn overlapping() -> MaxPoolGrad {
    shape(3, 2, 1, 5)
}

/// The tensors: the input X (input layout), the differences D, selection S and slack E
/// (window layout), the pooled gradient G_out and the gradient handed down G_in = col2im(S ⊙
/// UP_G), for `choose` (which of a window's zero-difference taps get the gradient).
struct Case {
    shape: MaxPoolGrad,
    x: Vec<i64>,
    d: Vec<i64>,
    s: Vec<i64>,
    e: Vec<i64>,
    g_out: Vec<i64>,
    g_in: Vec<i64>,
}

impl Case {
    fn new(shape: MaxPoolGrad, seed: u64, choose: impl Fn(&[usize]) -> Vec<usize>) -> Self {
        let g = shape.geometry;
        let (c, taps, rows) = (g.in_c, g.taps_pad(), g.out_positions());
        let mut r = rng(seed);
        // Small non-negative values (a ReLU's output) so windows have ties.
        let mut x = vec![0i64; shape.m * g.in_positions() * c];
        for n in 0..shape.m {
            for y in 0..g.in_h {
                for xx in 0..g.in_w {
                    for ch in 0..c {
                        x[((n * g.in_hp() + y) * g.in_wp() + xx) * c + ch] = r.gen_range(0..4);
                    }
                }
            }
        }
        let len = shape.m * rows * taps * c;
        let mut case = Case {
            shape,
            d: vec![0; len],
            s: vec![0; len],
            e: vec![0; len],
            g_out: (0..shape.m * rows * c)
                .map(|_| r.gen_range(-50..50))
                .collect(),
            g_in: vec![0; x.len()],
            x,
        };
        for n in 0..shape.m {
            for p in 0..rows {
                let (yo, xo) = (p / g.out_wp(), p % g.out_wp());
                for ch in 0..c {
                    let read = |t: usize| {
                        g.source(yo, xo, t).map(|(sy, sx)| {
                            (
                                ((n * g.in_hp() + sy) * g.in_wp() + sx) * c + ch,
                                case.x[((n * g.in_hp() + sy) * g.in_wp() + sx) * c + ch],
                            )
                        })
                    };
                    let real = yo < g.out_h && xo < g.out_w;
                    let max = (0..taps).filter_map(|t| read(t).map(|v| v.1)).max();
                    let o = max.unwrap_or(0);
                    let at = |t: usize| ((n * rows + p) * taps + t) * c + ch;
                    for t in 0..taps {
                        // D = O + H − Xcol − H·M; a padded position counts tap 0 as real.
                        case.d[at(t)] = match read(t) {
                            Some((_, v)) => o - v,
                            None if !real && t == 0 => o,
                            None => o + H,
                        };
                    }
                    let zeros: Vec<usize> = (0..taps).filter(|t| case.d[at(*t)] == 0).collect();
                    let chosen = choose(&zeros);
                    for t in 0..taps {
                        case.s[at(t)] = i64::from(chosen.contains(&t));
                    }
                    for t in 0..taps {
                        let after: i64 = (t + 1..taps).map(|u| case.s[at(u)]).sum();
                        case.e[at(t)] = case.d[at(t)] - after;
                        if let Some((i, _)) = read(t) {
                            case.g_in[i] += case.s[at(t)] * case.g_out[(n * rows + p) * c + ch];
                        }
                    }
                }
            }
        }
        case
    }

    fn tensors(&self) -> [Vec<Fr>; 5] {
        [&self.s, &self.d, &self.e, &self.g_out, &self.g_in].map(|v| field(v))
    }

    fn prove(&self) -> MaxPoolGradProof<Fr> {
        self.prove_at().0
    }

    /// The proof and the sumcheck's point ρ (the prover's `diff` claim point).
    fn prove_at(&self) -> (MaxPoolGradProof<Fr>, Vec<Fr>) {
        let t = self.tensors();
        let (proof, claims) = prove_maxpool_grad(
            self.shape,
            [&t[0], &t[1], &t[2], &t[3], &t[4]],
            &mut transcript(),
        )
        .unwrap();
        let rho = claims
            .into_iter()
            .find(|(n, _)| *n == "diff")
            .unwrap()
            .1
            .point;
        (proof, rho)
    }

    fn verify(&self, p: &MaxPoolGradProof<Fr>) -> Result<Vec<(&'static str, bool)>, Error> {
        let claims = verify_maxpool_grad(self.shape, p, &mut transcript())?;
        Ok(claims
            .iter()
            .map(|(name, claim)| {
                let tensor = match *name {
                    "select" => &self.s,
                    "diff" => &self.d,
                    "slack" => &self.e,
                    "grad_out" => &self.g_out,
                    "grad_in" => &self.g_in,
                    other => panic!("unexpected claim {other}"),
                };
                (*name, claim.value == true_eval(tensor, &claim.point))
            })
            .collect())
    }
}

fn first(zeros: &[usize]) -> Vec<usize> {
    vec![zeros[0]]
}

fn all_true(claims: &[(&str, bool)]) -> bool {
    claims.len() == 5 && claims.iter().all(|(_, ok)| *ok)
}

#[test]
fn honest_max_pool_backward_claims_are_true() {
    for (shape, seed) in [
        (overlapping(), 1),
        (shape(2, 2, 0, 4), 2),
        (shape(2, 2, 0, 6), 3),
    ] {
        let c = Case::new(shape, seed, first);
        assert!(c.e.iter().all(|e| *e >= 0));
        let claims = c.verify(&c.prove()).unwrap();
        assert!(all_true(&claims), "{claims:?}");
    }
}

#[test]
fn tampered_max_pool_backward_messages_are_refused() {
    let c = Case::new(overlapping(), 2, first);
    let proof = c.prove();
    let verdict = |p: &MaxPoolGradProof<Fr>| c.verify(p).map(|_| ());
    assert_eq!(verdict(&proof), Ok(()));
    let mut bad = proof.clone();
    bad.grad_in += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "G̃_in(r)");
    let mut bad = proof.clone();
    bad.values[0] += Fr::ONE;
    assert_eq!(
        verdict(&bad),
        Err(Error::SuccinctEvaluation {
            what: "max-pool first maximum E = D − B"
        }),
        "Ẽ(ρ)"
    );
    for k in 1..proof.values.len() {
        let mut bad = proof.clone();
        bad.values[k] += Fr::ONE;
        assert_eq!(
            verdict(&bad),
            Err(Error::SuccinctEvaluation {
                what: "max-pool window sum Σ_t S = 1"
            }),
            "tap value {k}"
        );
        // Moving weight between two taps keeps the window sum.
        bad.values[1 + (k % (proof.values.len() - 1))] -= Fr::ONE;
        assert_eq!(
            verdict(&bad),
            Err(Error::SuccinctEvaluation {
                what: "max-pool selection S̃(ρ) from its taps"
            }),
            "tap values {k} and {}",
            1 + (k % (proof.values.len() - 1))
        );
    }
    for round in 0..proof.sumcheck.rounds.len() {
        for j in 0..proof.sumcheck.rounds[round].len() {
            let mut bad = proof.clone();
            bad.sumcheck.rounds[round][j] += Fr::ONE;
            assert_eq!(
                verdict(&bad),
                Err(Error::SumcheckFinal),
                "round {round}.{j}"
            );
        }
    }
    for k in 0..5 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][k] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "final {k}");
    }
    let mut bad = proof.clone();
    bad.values.pop();
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    let mut bad = proof.clone();
    bad.values.push(Fr::ZERO);
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    // Another statement: the same proof under other windows or more examples.
    for other in [shape(3, 2, 0, 5), MaxPoolGrad { m: 4, ..c.shape }] {
        assert!(verify_maxpool_grad(other, &proof, &mut transcript()).is_err());
    }
}

/// The gradient routed to the last of tied maxima (selection, slack and gradient handed down
/// all consistent with that choice): every check and claim holds, and the slack is −1 at the
/// first maximum — the range check (E ≥ 0) is what refuses it.
#[test]
fn a_later_tied_maximum_leaves_a_negative_slack() {
    let c = Case::new(overlapping(), 3, |zeros| vec![*zeros.last().unwrap()]);
    assert!(c.e.iter().any(|e| *e < 0), "the case has ties");
    assert!(all_true(&c.verify(&c.prove()).unwrap()));
}

/// Two taps selected where maxima tie, or none at all: the honest tap values break the
/// window sum; an adversary who solves three tap values after seeing ρ so that every check
/// passes leaves a false claim on S — the opening's to refute.
#[test]
fn a_window_sum_other_than_one_fails_or_leaves_a_false_selection_claim() {
    for (seed, choose) in [
        (4, (|z: &[usize]| z.to_vec()) as fn(&[usize]) -> Vec<usize>),
        (5, |_: &[usize]| vec![]),
    ] {
        let c = Case::new(overlapping(), seed, choose);
        let proof = c.prove();
        assert_eq!(
            c.verify(&proof).map(|_| ()),
            Err(Error::SuccinctEvaluation {
                what: "max-pool window sum Σ_t S = 1"
            })
        );
        let forged = solve_tap_values(&c);
        let claims = c.verify(&forged).unwrap();
        assert!(
            claims.iter().all(|(n, ok)| *ok == (*n != "select")),
            "{claims:?}"
        );
    }
}

/// The adversary's tap values: the honest ones plus a change on taps 0, 1, 2 solving the three
/// linear checks at ρ (window sum 1, consistency with S̃(ρ), the first-maximum identity).
fn solve_tap_values(c: &Case) -> MaxPoolGradProof<Fr> {
    let (proof, rho) = c.prove_at();
    let g = c.shape.geometry;
    let (vc, vt) = (
        g.in_c.trailing_zeros() as usize,
        g.taps_pad().trailing_zeros() as usize,
    );
    let rho_t = &rho[vc..vc + vt];
    let eq = |t: usize| -> Fr {
        (0..vt)
            .map(|b| {
                if t >> b & 1 == 1 {
                    rho_t[b]
                } else {
                    Fr::one() - rho_t[b]
                }
            })
            .product()
    };
    let (e0, e1, e2) = (eq(0), eq(1), eq(2));
    let sum: Fr = proof.values[1..].iter().sum();
    // Changes (a, b, c) on taps 0, 1, 2: a + b + c = 1 − Σv (the sum), a·e0 + b·e1 + c·e2 = 0
    // (S̃(ρ) unchanged), b·e0 + c·(e0 + e1) = 0 (B̃(ρ) unchanged, L(ρ_t, ·) = 0, e0, e0 + e1).
    let b_per_c = -(e0 + e1) / e0;
    let a_per_c = -(b_per_c * e1 + e2) / e0;
    let c_change = (Fr::one() - sum) / (a_per_c + b_per_c + Fr::one());
    let mut forged = proof;
    forged.values[1] += a_per_c * c_change;
    forged.values[2] += b_per_c * c_change;
    forged.values[3] += c_change;
    forged
}

/// A non-maximum selected (slack and gradient consistent with it): S·D ≠ 0 fails the batched
/// sumcheck.
#[test]
fn a_selected_non_maximum_fails_the_sumcheck() {
    let c = Case::new(overlapping(), 6, |zeros| vec![zeros[0] + 1]);
    assert!(c.s.iter().zip(&c.d).any(|(s, d)| *s == 1 && *d != 0));
    assert_eq!(c.verify(&c.prove()).map(|_| ()), Err(Error::SumcheckFinal));
}

/// A gradient handed down other than col2im(S ⊙ UP_G) in one entry: the adversary, seeing r,
/// states the true col2im at r (the sumcheck then passes) — the claim on the committed G_in
/// is false; stating G_in's own value fails the sumcheck.
#[test]
fn a_wrong_gradient_handed_down_leaves_a_false_claim_or_fails() {
    let honest = Case::new(overlapping(), 8, first);
    let mut c = Case::new(overlapping(), 8, first);
    let at = c.g_in.iter().position(|v| *v != 0).unwrap();
    c.g_in[at] += 1;
    // The adversary's proof: the honest one (its G̃_in(r) is the true col2im's).
    let claims = c.verify(&honest.prove()).unwrap();
    assert!(
        claims.iter().all(|(n, ok)| *ok == (*n != "grad_in")),
        "{claims:?}"
    );
    // Stating the committed G_in's value at r.
    assert_eq!(c.verify(&c.prove()).map(|_| ()), Err(Error::SumcheckFinal));
}
