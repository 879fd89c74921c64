#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Soundness of the batched multilinear KZG opening (DESIGN §10–11): honest openings of many
//! vectors at many points verify; wrong values, points, commitments, quotients, evaluations and
//! replays are rejected; and a prover that moves mass onto any power of X cannot fake a value.

use crate::common::{random_vec, rng};
use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{AdditiveGroup, Field};
use std::sync::OnceLock;
use zkmodel_prover::Error;
use zkmodel_prover::pcs::chain::{quotient_digest, statement_seed};
use zkmodel_prover::pcs::laurent::{combined_e, divide_by_linear, evaluate, laurent_split};
use zkmodel_prover::pcs::layout::Segment;
use zkmodel_prover::pcs::{
    MaskSlots, OpeningClaim, OpeningEvals, OpeningProof, Srs, absorb_claims, commit, prove_opening,
    verify_opening,
};
use zkmodel_prover::poly::DenseMle;
use zkmodel_prover::transcript::{NativeTranscript, labels};

fn srs() -> &'static Srs {
    static S: OnceLock<Srs> = OnceLock::new();
    S.get_or_init(|| Srs::insecure_development(42, 1 << 7))
}

struct Fixture {
    vectors: Vec<Vec<Fr>>,
    commitments: Vec<G1Affine>,
    claims: Vec<OpeningClaim<Fr>>,
}

impl Fixture {
    /// The top 8 entries of vector 1 play the trace's mask slots.
    fn mask(&self) -> MaskSlots {
        MaskSlots {
            vector: 1,
            segment: Segment {
                offset: self.vectors[1].len() - 8,
                log_len: 3,
            },
        }
    }

    fn vars(&self) -> Vec<usize> {
        self.vectors
            .iter()
            .map(|v| v.len().trailing_zeros() as usize)
            .collect()
    }
}

fn fixture(seed: u64) -> Fixture {
    let mut r = rng(seed);
    let vectors: Vec<Vec<Fr>> = [3usize, 7, 4]
        .iter()
        .map(|n| random_vec(&mut r, 1 << n))
        .collect();
    let commitments = vectors.iter().map(|v| commit(srs(), v).unwrap()).collect();
    let mut claims = vec![];
    for (k, v) in vectors.iter().enumerate() {
        let n = v.len().trailing_zeros() as usize;
        for _ in 0..2 {
            let point = random_vec(&mut r, n);
            claims.push(OpeningClaim {
                vector: k,
                value: DenseMle::new(v.clone()).unwrap().evaluate(&point).unwrap(),
                point,
            });
        }
    }
    // A claim on an aligned segment of vector 1: entries 32..48 at a local point.
    let mut seg_point = random_vec(&mut r, 4);
    seg_point.extend([Fr::ZERO, Fr::ONE, Fr::ZERO]);
    let value = DenseMle::new(vectors[1].clone())
        .unwrap()
        .evaluate(&seg_point)
        .unwrap();
    claims.push(OpeningClaim {
        vector: 1,
        point: seg_point,
        value,
    });
    Fixture {
        vectors,
        commitments,
        claims,
    }
}

/// s0 over the test statement, as the chain would compute it.
fn s0(commitments: &[G1Affine]) -> Fr {
    statement_seed(&[7u8; 32], commitments, &[])
}

/// A transcript seeded with s0 over the statement.
fn seeded(commitments: &[G1Affine]) -> NativeTranscript {
    let mut t = NativeTranscript::new_native();
    t.absorb(labels::SEED, &[s0(commitments)]).unwrap();
    t
}

fn prove(f: &Fixture) -> OpeningProof {
    let refs: Vec<&[Fr]> = f.vectors.iter().map(|v| v.as_slice()).collect();
    prove_opening(
        srs(),
        &refs,
        &f.claims,
        &f.mask(),
        &mut seeded(&f.commitments),
    )
    .unwrap()
}

fn check(
    f: &Fixture,
    claims: &[OpeningClaim<Fr>],
    commitments: &[G1Affine],
    p: &OpeningProof,
) -> Result<(), Error> {
    verify_opening(
        srs(),
        &s0(commitments),
        commitments,
        &f.vars(),
        claims,
        &f.mask(),
        p,
        &mut seeded(commitments),
    )
    .map(|_| ())
}

#[test]
fn honest_batched_opening_verifies() {
    let f = fixture(1);
    let p = prove(&f);
    check(&f, &f.claims, &f.commitments, &p).unwrap();
}

#[test]
fn wrong_value_or_point_is_rejected() {
    let f = fixture(2);
    let p = prove(&f);
    for i in 0..f.claims.len() {
        let mut claims = f.claims.clone();
        claims[i].value += Fr::ONE;
        assert_eq!(
            check(&f, &claims, &f.commitments, &p).unwrap_err(),
            Error::Opening {
                what: "inner-product identity at ζ"
            },
            "value {i}"
        );
        let mut claims = f.claims.clone();
        claims[i].point[0] += Fr::ONE;
        assert!(
            matches!(
                check(&f, &claims, &f.commitments, &p),
                Err(Error::Opening {
                    what: "inner-product identity at ζ"
                })
            ),
            "point {i}"
        );
    }
}

#[test]
fn wrong_commitment_is_rejected() {
    let f = fixture(3);
    let p = prove(&f);
    for k in 0..f.commitments.len() {
        let mut cs = f.commitments.clone();
        cs[k] = (cs[k] + G1Affine::generator()).into_affine();
        assert!(
            matches!(
                check(&f, &f.claims, &cs, &p),
                Err(Error::Opening {
                    what: "inner-product identity at ζ"
                })
            ),
            "commitment {k}"
        );
    }
}

#[test]
fn tampered_group_elements_and_evaluations_are_rejected() {
    let f = fixture(4);
    let p = prove(&f);
    let g = G1Affine::generator();
    let bump = |x: G1Affine| (x + g).into_affine();
    let variants: Vec<(&str, OpeningProof)> = vec![
        (
            "Q1",
            OpeningProof {
                q1: bump(p.q1),
                ..p.clone()
            },
        ),
        (
            "Q2",
            OpeningProof {
                q2: bump(p.q2),
                ..p.clone()
            },
        ),
        (
            "W1",
            OpeningProof {
                w1: bump(p.w1),
                ..p.clone()
            },
        ),
        (
            "W2",
            OpeningProof {
                w2: bump(p.w2),
                ..p.clone()
            },
        ),
        (
            "q1(ζ)",
            OpeningProof {
                evals: OpeningEvals {
                    q1_at_zeta: p.evals.q1_at_zeta + Fr::ONE,
                    ..p.evals.clone()
                },
                ..p.clone()
            },
        ),
        (
            "q2(1/ζ)",
            OpeningProof {
                evals: OpeningEvals {
                    q2_at_zeta_inv: p.evals.q2_at_zeta_inv + Fr::ONE,
                    ..p.evals.clone()
                },
                ..p.clone()
            },
        ),
        (
            "mask evaluation",
            OpeningProof {
                evals: OpeningEvals {
                    mask_eval: p.evals.mask_eval + Fr::ONE,
                    ..p.evals.clone()
                },
                ..p.clone()
            },
        ),
        (
            "W1 = 0",
            OpeningProof {
                w1: G1Affine::zero(),
                ..p.clone()
            },
        ),
    ];
    // Commitments and evaluations feed the inner-product identity (the commitments through
    // ζ); the witnesses W1, W2 only the pairing.
    for (what, bad) in variants {
        let want = match what {
            "W1" | "W2" | "W1 = 0" => Error::Opening {
                what: "pairing check",
            },
            _ => Error::Opening {
                what: "inner-product identity at ζ",
            },
        };
        assert_eq!(
            check(&f, &f.claims, &f.commitments, &bad).map(|_| ()),
            Err(want),
            "{what}"
        );
    }
    for k in 0..p.evals.vector_evals.len() {
        let mut bad = p.clone();
        bad.evals.vector_evals[k] += Fr::ONE;
        assert!(
            matches!(
                check(&f, &f.claims, &f.commitments, &bad),
                Err(Error::Opening {
                    what: "inner-product identity at ζ"
                })
            ),
            "f_{k}(ζ)"
        );
    }
    let mut short = p.clone();
    short.evals.vector_evals.pop();
    assert!(matches!(
        check(&f, &f.claims, &f.commitments, &short),
        Err(Error::ProofShape { .. })
    ));
}

#[test]
fn replay_against_another_statement_is_rejected() {
    let f = fixture(5);
    let p = prove(&f);
    let other = statement_seed(&[8u8; 32], &f.commitments, &[]);
    let mut t = NativeTranscript::new_native();
    t.absorb(labels::SEED, &[other]).unwrap();
    assert!(matches!(
        verify_opening(
            srs(),
            &other,
            &f.commitments,
            &f.vars(),
            &f.claims,
            &f.mask(),
            &p,
            &mut t
        ),
        Err(Error::Opening { .. })
    ));
}

/// A malicious prover claims y + δ for one claim and tries to absorb the difference into the
/// quotients by putting mass on X^j for j anywhere in 0..2N (including powers beyond the
/// vector's degree and the constant term of q₁/q₂). Without a degree bound the verifier still
/// rejects: X·q₁ and X⁻¹·q₂(1/X) can never supply a constant term.
#[test]
fn mass_on_any_power_of_x_cannot_fake_a_value() {
    let f = fixture(6);
    let mut claims = f.claims.clone();
    let delta = Fr::from(5u64);
    claims[0].value += delta;
    let vars = f.vars();
    // The opening's own claim on the mask slots joins last, as the verifier adds it.
    let mask_eval = DenseMle::new(f.vectors[1][120..].to_vec())
        .unwrap()
        .evaluate(&f.mask().local_point::<Fr>().unwrap())
        .unwrap();
    let with_mask: Vec<_> = claims
        .iter()
        .cloned()
        .chain([f.mask().claim(&vars, mask_eval).unwrap()])
        .collect();
    for target in 0..2 {
        for j in [0usize, 1, 5, 63, 100, 126] {
            let mut t = seeded(&f.commitments);
            let rho = absorb_claims(&mut t, &vars, &with_mask).unwrap();
            let max_len = 1 << 7;
            let (mut q1, mut q2) = (vec![Fr::ZERO; max_len - 1], vec![Fr::ZERO; max_len - 1]);
            let mut w = Fr::ONE;
            for c in &with_mask {
                let e = combined_e(vars[c.vector], &[(&c.point, w)]);
                let (_, a, b) = laurent_split(&f.vectors[c.vector], &e);
                q1.iter_mut().zip(a).for_each(|(x, y)| *x += y);
                q2.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                w *= rho;
            }
            // Mass δ (scaled by ρ^0 = 1) on X^j of q₁ or q₂.
            let q = if target == 0 { &mut q1 } else { &mut q2 };
            if j >= q.len() {
                q.resize(j + 1, Fr::ZERO);
            }
            q[j] += delta;
            let srs_big = Srs::insecure_development(42, 1 << 8);
            let (c1, c2) = (
                commit(&srs_big, &q1).unwrap(),
                commit(&srs_big, &q2).unwrap(),
            );
            t.absorb(labels::PCS_KP, &[quotient_digest(&c1, &c2)])
                .unwrap();
            let zeta: Fr = t.challenge(labels::PCS_ZETA).unwrap();
            let zi = zeta.inverse().unwrap();
            let vector_evals: Vec<Fr> = f.vectors.iter().map(|v| evaluate(v, zeta)).collect();
            let (a1, a2) = (evaluate(&q1, zeta), evaluate(&q2, zi));
            let mut all = vector_evals.clone();
            all.extend([a1, a2]);
            t.absorb(labels::PCS_EVALS, &all).unwrap();
            let gamma: Fr = t.challenge(labels::PCS_GAMMA).unwrap();
            let mut f1 = vec![Fr::ZERO; q1.len().max(max_len)];
            let mut g = Fr::ONE;
            for v in f
                .vectors
                .iter()
                .map(|v| v.as_slice())
                .chain([q1.as_slice()])
            {
                f1.iter_mut().zip(v).for_each(|(x, y)| *x += g * y);
                g *= gamma;
            }
            let w1 = commit(&srs_big, &divide_by_linear(&f1, zeta)).unwrap();
            let w2 = commit(&srs_big, &divide_by_linear(&q2, zi)).unwrap();
            let proof = OpeningProof {
                q1: c1,
                q2: c2,
                evals: OpeningEvals {
                    vector_evals,
                    q1_at_zeta: a1,
                    q2_at_zeta_inv: a2,
                    mask_eval,
                },
                w1,
                w2,
            };
            let r = verify_opening(
                &srs_big,
                &s0(&f.commitments),
                &f.commitments,
                &vars,
                &claims,
                &f.mask(),
                &proof,
                &mut seeded(&f.commitments),
            );
            assert_eq!(
                r.unwrap_err(),
                Error::Opening {
                    what: "inner-product identity at ζ"
                },
                "q{} X^{j}",
                target + 1
            );
        }
    }
}

#[test]
fn commitments_are_binding_to_small_values() {
    let a: Vec<Fr> = (0..16).map(|i| Fr::from(i as u64)).collect();
    let mut b = a.clone();
    b[3] = -Fr::from(3u64);
    assert_ne!(commit(srs(), &a).unwrap(), commit(srs(), &b).unwrap());
    let direct: G1Projective = srs().g1_powers[..16]
        .iter()
        .zip(&b)
        .map(|(g, v)| *g * v)
        .sum();
    assert_eq!(commit(srs(), &b).unwrap(), direct.into_affine());
}

/// Rank over Fr of a matrix given by rows (Gaussian elimination).
fn rank(mut rows: Vec<Vec<Fr>>) -> usize {
    let cols = rows.first().map_or(0, |r| r.len());
    let mut rank = 0;
    for c in 0..cols {
        let Some(p) = (rank..rows.len()).find(|i| rows[*i][c] != Fr::ZERO) else {
            continue;
        };
        rows.swap(rank, p);
        let inv = rows[rank][c].inverse().unwrap();
        let pivot = rows[rank].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != rank && row[c] != Fr::ZERO {
                let f = row[c] * inv;
                row.iter_mut().zip(&pivot).for_each(|(x, y)| *x -= f * y);
            }
        }
        rank += 1;
    }
    rank
}

/// Zero knowledge of the whole opening (DESIGN §7): what the chain sees of the trace —
/// C = f(τ), Q₁ = q₁(τ), Q₂ = q₂(τ), y₁ = f(ζ) + γ·q₁(ζ) + …, y₂ = q₂(1/ζ), with W₁, W₂
/// determined by these — is, for fixed challenges, an affine function of the 8 fresh mask
/// slots. It is masked only if that map has full rank 5. The mask slots sit at the top of
/// the vector: without the opening's claim on them they never reach q₂ (rank 2); claimed at
/// (½, ½, ½) with equal weights, one combination stays unmasked (rank 4); at the protocol's
/// [`MASK_POINT`] the rank is 5.
#[test]
fn the_fresh_mask_masks_every_value_the_chain_sees() {
    let mut r = rng(41);
    let [tau, zeta, gamma, rho] = [0; 4].map(|_| random_vec(&mut r, 1)[0]);
    // Two claims on the data segment [0, 16) of a 32-entry vector; mask slots at [24, 32).
    let data_points: Vec<Vec<Fr>> = (0..2)
        .map(|_| {
            let mut p = random_vec(&mut r, 4);
            p.push(Fr::ZERO);
            p
        })
        .collect();
    let mask = MaskSlots {
        vector: 0,
        segment: Segment {
            offset: 24,
            log_len: 3,
        },
    };
    let half = Fr::from(2u64).inverse().unwrap();
    let rank_with = |mask_point: Option<Vec<Fr>>| {
        let mut claims: Vec<(&[Fr], Fr)> = data_points
            .iter()
            .zip([Fr::ONE, rho])
            .map(|(p, w)| (p.as_slice(), w))
            .collect();
        let lifted = mask_point.map(|p| mask.segment.point(&p, 5));
        if let Some(p) = &lifted {
            claims.push((p, rho * rho));
        }
        let e = combined_e(5, &claims);
        let columns: Vec<Vec<Fr>> = (0..8)
            .map(|i| {
                let mut unit = vec![Fr::ZERO; 32];
                unit[24 + i] = Fr::ONE;
                let (_, q1, q2) = laurent_split(&unit, &e);
                vec![
                    evaluate(&unit, tau),
                    evaluate(&q1, tau),
                    evaluate(&q2, tau),
                    evaluate(&unit, zeta) + gamma * evaluate(&q1, zeta),
                    evaluate(&q2, zeta.inverse().unwrap()),
                ]
            })
            .collect();
        let rows: Vec<Vec<Fr>> = (0..5)
            .map(|j| columns.iter().map(|c| c[j]).collect())
            .collect();
        rank(rows)
    };
    assert_eq!(rank_with(None), 2, "no mask claim: Q₂ and y₂ unmasked");
    assert_eq!(
        rank_with(Some(vec![half; 3])),
        4,
        "equal weights leave one value"
    );
    assert_eq!(
        rank_with(Some(mask.local_point::<Fr>().unwrap())),
        5,
        "the protocol's mask point masks all five"
    );
}
