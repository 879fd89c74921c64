//! Soundness of the row-split opening (`pcs::split`): honest openings of many vectors at many
//! points verify; every claim, sumcheck message, evaluation, commitment and opening point is
//! bound (tamper tests, exact variants); and adaptive provers who choose values after seeing
//! the challenges — shifting the reduced values after r*, moving the fold by (X^b − α)·t
//! after α, solving for an evaluation after ζ — are refused.

use crate::common::{random_vec, rng};
use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{AdditiveGroup, Field};
use std::sync::OnceLock;
use zkmodel_prover::Error;
use zkmodel_prover::pcs::chain::{rows_digest, split_digest, statement_seed};
use zkmodel_prover::pcs::laurent::{divide_by_linear, evaluate, laurent_split};
use zkmodel_prover::pcs::split::{
    CLAIM_REDUCTION, SplitEvals, SplitFieldProof, SplitOpeningProof, SplitSeeds,
    prove_split_opening, row_vars, verify_split_field, verify_split_group, verify_split_opening,
};
use zkmodel_prover::pcs::{ClaimTerm, OpeningClaim, Srs, absorb_claims, bind_claim_values, commit};
use zkmodel_prover::poly::{DenseMle, eq_eval, eq_table};
use zkmodel_prover::transcript::{NativeTranscript, labels};

fn srs() -> &'static Srs {
    static S: OnceLock<Srs> = OnceLock::new();
    S.get_or_init(|| Srs::insecure_development(43, 1 << 8))
}

struct Fixture {
    vectors: Vec<Vec<Fr>>,
    commitments: Vec<G1Affine>,
    claims: Vec<OpeningClaim<Fr>>,
}

impl Fixture {
    fn vars(&self) -> Vec<usize> {
        self.vectors
            .iter()
            .map(|v| v.len().trailing_zeros() as usize)
            .collect()
    }

    fn refs(&self) -> Vec<&[Fr]> {
        self.vectors.iter().map(Vec::as_slice).collect()
    }
}

fn mle(v: &[Fr], point: &[Fr]) -> Fr {
    DenseMle::new(v.to_vec()).unwrap().evaluate(point).unwrap()
}

/// Three vectors of 2^3, 2^7 (odd: rows of 16, 8 rows) and 2^4 entries, two claims on each,
/// one on an aligned segment and one of two weighted terms on two segments.
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
            let value = mle(v, &point);
            claims.push(OpeningClaim::evaluation(k, point, value));
        }
    }
    let mut seg_point = random_vec(&mut r, 4);
    seg_point.extend([Fr::ZERO, Fr::ONE, Fr::ZERO]);
    let value = mle(&vectors[1], &seg_point);
    claims.push(OpeningClaim::evaluation(1, seg_point, value));
    // A weighted sum of two evaluations on two segments (a tensor stored as blocks).
    let terms: Vec<ClaimTerm<Fr>> = [[Fr::ONE, Fr::ZERO, Fr::ZERO], [Fr::ZERO, Fr::ONE, Fr::ONE]]
        .into_iter()
        .map(|bits| {
            let mut point = random_vec(&mut r, 4);
            point.extend(bits);
            ClaimTerm {
                scale: random_vec(&mut r, 1)[0],
                point,
            }
        })
        .collect();
    let value = terms
        .iter()
        .map(|t| t.scale * mle(&vectors[1], &t.point))
        .sum();
    claims.push(OpeningClaim {
        vector: 1,
        terms,
        value,
    });
    Fixture {
        vectors,
        commitments,
        claims,
    }
}

fn s0(commitments: &[G1Affine]) -> Fr {
    statement_seed(&[9u8; 32], commitments, &[])
}

/// The transcript a standalone opening starts from: s0, then the claim values (nothing else
/// binds them here; in a statement the blocks' messages do).
fn seeded(commitments: &[G1Affine], claims: &[OpeningClaim<Fr>]) -> NativeTranscript {
    let mut t = unbound(commitments);
    bind_claim_values(&mut t, claims).unwrap();
    t
}

/// s0 alone: the claim values unbound.
fn unbound(commitments: &[G1Affine]) -> NativeTranscript {
    let mut t = NativeTranscript::new_native();
    t.absorb(labels::SEED, &[s0(commitments)]).unwrap();
    t
}

fn prove(f: &Fixture) -> SplitOpeningProof {
    prove_split_opening(
        srs(),
        &f.refs(),
        &f.claims,
        &mut seeded(&f.commitments, &f.claims),
    )
    .unwrap()
}

fn check(
    f: &Fixture,
    claims: &[OpeningClaim<Fr>],
    commitments: &[G1Affine],
    p: &SplitOpeningProof,
) -> Result<(), Error> {
    verify_split_opening(
        srs(),
        &s0(commitments),
        commitments,
        &f.vars(),
        claims,
        p,
        &mut seeded(commitments, claims),
    )
    .map(|_| ())
}

#[test]
fn honest_split_opening_verifies() {
    for seed in 1..4 {
        let f = fixture(seed);
        check(&f, &f.claims, &f.commitments, &prove(&f)).unwrap();
    }
}

#[test]
fn a_single_entry_vector_and_a_lone_vector_open() {
    let mut r = rng(11);
    for vars in [vec![0usize, 4], vec![6], vec![5, 5]] {
        let vectors: Vec<Vec<Fr>> = vars.iter().map(|n| random_vec(&mut r, 1 << n)).collect();
        let commitments: Vec<G1Affine> =
            vectors.iter().map(|v| commit(srs(), v).unwrap()).collect();
        let claims: Vec<OpeningClaim<Fr>> = vectors
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let point = random_vec(&mut r, vars[k]);
                let value = mle(v, &point);
                OpeningClaim::evaluation(k, point, value)
            })
            .collect();
        let f = Fixture {
            vectors,
            commitments,
            claims,
        };
        let p = prove_split_opening(
            srs(),
            &f.refs(),
            &f.claims,
            &mut seeded(&f.commitments, &f.claims),
        )
        .unwrap();
        verify_split_opening(
            srs(),
            &s0(&f.commitments),
            &f.commitments,
            &f.vars(),
            &f.claims,
            &p,
            &mut seeded(&f.commitments, &f.claims),
        )
        .unwrap();
    }
}

/// The claim-reduction sumcheck's final check fails (a false claim or a false message).
fn reduction_fails() -> Error {
    Error::Opening {
        what: CLAIM_REDUCTION,
    }
}

#[test]
fn wrong_value_point_or_commitment_is_rejected() {
    let f = fixture(5);
    let p = prove(&f);
    for i in 0..f.claims.len() {
        let mut claims = f.claims.clone();
        claims[i].value += Fr::ONE;
        assert_eq!(
            check(&f, &claims, &f.commitments, &p),
            Err(reduction_fails()),
            "value {i}"
        );
        let mut claims = f.claims.clone();
        claims[i].terms[0].point[0] += Fr::ONE;
        // Points are derived, not absorbed: the rounds still balance, the verifier's own
        // weights at r* do not.
        assert_eq!(
            check(&f, &claims, &f.commitments, &p),
            Err(reduction_fails()),
            "point {i}"
        );
        for j in 0..f.claims[i].terms.len() {
            let mut claims = f.claims.clone();
            claims[i].terms[j].scale += Fr::ONE;
            assert_eq!(
                check(&f, &claims, &f.commitments, &p),
                Err(reduction_fails()),
                "scale {i}, term {j}"
            );
            let mut claims = f.claims.clone();
            let last = claims[i].terms[j].point.len() - 1;
            claims[i].terms[j].point[last] += Fr::ONE;
            assert_eq!(
                check(&f, &claims, &f.commitments, &p),
                Err(reduction_fails()),
                "point {i}, term {j}"
            );
        }
        let mut claims = f.claims.clone();
        if claims[i].terms.len() > 1 {
            // Dropping a term changes the structure the opening binds.
            claims[i].terms.pop();
            assert_eq!(
                check(&f, &claims, &f.commitments, &p),
                Err(reduction_fails()),
                "terms {i}"
            );
        }
    }
    for k in 0..f.commitments.len() {
        let mut cs = f.commitments.clone();
        cs[k] = (cs[k] + G1Affine::generator()).into_affine();
        // s0 binds the commitments, so every challenge moves; the sumcheck fails first.
        assert_eq!(
            check(&f, &f.claims, &cs, &p),
            Err(reduction_fails()),
            "commitment {k}"
        );
    }
}

/// The opening binds its claim structure, not its values (a statement's blocks bind those):
/// claims moved along ρ's combination after ρ is known, y₀ + ρδ and y₁ − δ, verify against
/// the honest proof unless the caller binds the values first — which every standalone
/// opening must do (`bind_claim_values`).
#[test]
fn claim_values_are_bound_by_the_caller() {
    let f = fixture(8);
    let mut t = unbound(&f.commitments);
    let rho = absorb_claims(&mut t, &f.vars(), &f.claims).unwrap();
    let delta = Fr::from(7u64);
    let mut shifted = f.claims.clone();
    shifted[0].value += rho * delta;
    shifted[1].value -= delta;
    let verify = |claims: &[OpeningClaim<Fr>], p: &SplitOpeningProof, bound: bool| {
        let mut t = if bound {
            seeded(&f.commitments, claims)
        } else {
            unbound(&f.commitments)
        };
        verify_split_opening(
            srs(),
            &s0(&f.commitments),
            &f.commitments,
            &f.vars(),
            claims,
            p,
            &mut t,
        )
        .map(|_| ())
    };
    let honest_unbound =
        prove_split_opening(srs(), &f.refs(), &f.claims, &mut unbound(&f.commitments)).unwrap();
    assert_eq!(verify(&f.claims, &honest_unbound, false), Ok(()));
    assert_eq!(
        verify(&shifted, &honest_unbound, false),
        Ok(()),
        "unbound values: the shift is invisible (the documented precondition)"
    );
    assert_eq!(verify(&shifted, &prove(&f), true), Err(reduction_fails()));
}

#[test]
fn every_field_message_is_bound() {
    let f = fixture(6);
    let p = prove(&f);
    let bump = |x: &mut Fr| *x += Fr::ONE;
    let rounds = p.field.reduction.rounds.len();
    for round in 0..rounds {
        for i in 0..2 {
            let mut q = p.clone();
            bump(&mut q.field.reduction.rounds[round][i]);
            assert_eq!(
                check(&f, &f.claims, &f.commitments, &q),
                Err(reduction_fails()),
                "round {round} value {i}"
            );
        }
    }
    assert_eq!(p.field.reduction.final_evals[0].len(), f.vectors.len());
    for i in 0..f.vectors.len() {
        let mut q = p.clone();
        bump(&mut q.field.reduction.final_evals[0][i]);
        assert_eq!(
            check(&f, &f.claims, &f.commitments, &q),
            Err(reduction_fails()),
            "final value {i}"
        );
    }
    // Only the values are sent: a weight slipped in, or a value missing, is a shape error.
    for len in [
        f.vectors.len() - 1,
        f.vectors.len() + 1,
        2 * f.vectors.len(),
    ] {
        let mut q = p.clone();
        q.field.reduction.final_evals[0].resize(len, Fr::ONE);
        assert_eq!(
            check(&f, &f.claims, &f.commitments, &q),
            Err(Error::ProofShape {
                what: "claim-reduction final values",
                expected: f.vectors.len(),
                actual: len
            }),
            "{len} final values"
        );
    }
    type Pick = fn(&mut SplitEvals<Fr>) -> &mut Fr;
    let reversal = "fold degree (reversal) at ζ";
    let inner = "row inner-product identity at ζ⁻¹";
    let fields: [(&str, Pick, &str); 5] = [
        ("g(ζ⁻¹)", |e| &mut e.g_at_zeta_inv, reversal),
        ("h(ζ⁻¹)", |e| &mut e.h_at_zeta_inv, inner),
        ("s₁(ζ⁻¹)", |e| &mut e.s1_at_zeta_inv, inner),
        ("ĝ(ζ)", |e| &mut e.g_rev_at_zeta, reversal),
        ("s₂(ζ)", |e| &mut e.s2_at_zeta, inner),
    ];
    for (name, pick, what) in fields {
        let mut q = p.clone();
        bump(pick(&mut q.field.evals));
        let got = check(&f, &f.claims, &f.commitments, &q);
        assert_eq!(got, Err(Error::Opening { what }), "{name}");
    }
}

#[test]
fn every_opening_point_is_bound() {
    let f = fixture(7);
    let p = prove(&f);
    let g = G1Affine::generator();
    for i in 0..8 {
        let mut points = p.points();
        points[i] = (points[i] + g).into_affine();
        let [h, g_fold, g_rev, q, s1, s2, w_zeta, w_inv] = points;
        let tampered = SplitOpeningProof {
            h,
            g: g_fold,
            g_rev,
            q,
            s1,
            s2,
            w_zeta,
            w_inv,
            ..p.clone()
        };
        // H … S₂ move d₁ or d₂ and with them every later challenge; W_ζ, W_ι move u.
        let got = check(&f, &f.claims, &f.commitments, &tampered).unwrap_err();
        let allowed: &[&str] = if i < 6 {
            &[
                "fold degree (reversal) at ζ",
                "row inner-product identity at ζ⁻¹",
            ]
        } else {
            &["pairing check"]
        };
        assert!(
            matches!(got, Error::Opening { what } if allowed.contains(&what)),
            "point {i}: {got:?}"
        );
    }
    // Q (and G) enter the pairing's fold equation too: a Q consistent with d₂ but not with F
    // is the adaptive fold test's business; here a wrong C_k in the group part alone (the
    // field part run on the right s0) is refused by the fold equation.
    let d1 = rows_digest(&p.h);
    let d2 = split_digest(&[p.g, p.g_rev, p.q, p.s1, p.s2]);
    let out = verify_split_field(
        &f.vars(),
        &f.claims,
        &p.field,
        &d1,
        &d2,
        &mut seeded(&f.commitments, &f.claims),
    )
    .unwrap();
    let seeds = SplitSeeds {
        s0: s0(&f.commitments),
        d1,
        d2,
    };
    verify_split_group(srs(), &f.commitments, p.points(), &seeds, &out).unwrap();
    for k in 0..f.commitments.len() {
        let mut cs = f.commitments.clone();
        cs[k] = (cs[k] + g).into_affine();
        assert_eq!(
            verify_split_group(srs(), &cs, p.points(), &seeds, &out),
            Err(Error::Opening {
                what: "pairing check"
            }),
            "C_{k} in the group part"
        );
    }
    for (name, tweak) in [("β", 0usize), ("α", 1), ("y_ζ", 2), ("y_ι", 3), ("γ", 4)] {
        let mut o = out.clone();
        let x = match tweak {
            0 => &mut o.beta,
            1 => &mut o.alpha,
            2 => &mut o.y_zeta,
            3 => &mut o.y_inv,
            _ => &mut o.gamma,
        };
        *x += Fr::ONE;
        assert_eq!(
            verify_split_group(srs(), &f.commitments, p.points(), &seeds, &o),
            Err(Error::Opening {
                what: "pairing check"
            }),
            "{name}"
        );
    }
}

/// The transcript of an honest run replayed through the claim-reduction sumcheck's rounds
/// (the final values not yet absorbed), with r* and each vector's weight W_k(r*) — what the
/// verifier computes and the adversary can compute too.
fn replay_rounds(f: &Fixture, rounds: &[Vec<Fr>]) -> (NativeTranscript, Vec<Fr>, Vec<Fr>) {
    let mut t = seeded(&f.commitments, &f.claims);
    let vars = f.vars();
    let rho = absorb_claims(&mut t, &vars, &f.claims).unwrap();
    let point: Vec<Fr> = rounds
        .iter()
        .map(|g| t.absorb_challenge(labels::SUMCHECK_ROUND, g).unwrap())
        .collect();
    let mut weights = vec![Fr::ZERO; vars.len()];
    let mut rho_c = Fr::ONE;
    for c in &f.claims {
        let n_k = vars[c.vector];
        let tail: Fr = point[n_k..].iter().map(|x| Fr::ONE - x).product();
        for term in &c.terms {
            weights[c.vector] += rho_c * term.scale * eq_eval(&term.point, &point[..n_k]) * tail;
        }
        rho_c *= rho;
    }
    (t, point, weights)
}

/// How the adaptive prover builds the fold.
#[derive(Clone, Copy, PartialEq)]
enum Fold {
    /// The honest fold g (deg < b): only the row values lie.
    Honest,
    /// g' = g + (X^b − α)·t over 2b coefficients, Ĝ the reversal of its low b coefficients.
    Shifted,
    /// As `Shifted`, and after ζ it claims ĝ(ζ) = ζ^{b−1}·g'(ζ⁻¹), solved so (R) holds.
    ShiftedSolvedAfterZeta,
}

/// An adaptive prover for a false value: after r* it shifts the reduced values of vectors 0
/// and 1 along the sumcheck's kernel (W₁, −W₀), so the sumcheck still balances; it commits row
/// values h' consistent with the false v'; after α and ρ₂ it may move the fold to
/// g' = g + (X^b − α)·t and Q' = Q − t with t solving ⟨g'_{<b}, e_lo⟩ = h'(α) — then the fold
/// equation F − g' = (X^b − α)·Q' and the identity (L) both hold with g' — and it must still
/// commit a reversal Ĝ for (R).
fn adaptive_fold_forgery(f: &Fixture, mode: Fold) -> Result<(), Error> {
    let honest = prove(f);
    let mut reduction = honest.field.reduction.clone();
    let (mut t, point, w) = replay_rounds(f, &reduction.rounds);
    let delta = Fr::from(5u64);
    let sent = &mut reduction.final_evals[0];
    sent[0] += delta * w[1];
    sent[1] -= delta * w[0];
    t.absorb(labels::SUMCHECK_FINAL, sent).unwrap();
    let sent = sent.clone();
    let beta: Fr = t.challenge(labels::PCS_BETA).unwrap();

    let n = point.len();
    let len = 1usize << n;
    let mut big_f = vec![Fr::ZERO; len];
    let mut bk = Fr::ONE;
    let mut v_false = Fr::ZERO;
    for (k, v) in f.vectors.iter().enumerate() {
        big_f.iter_mut().zip(v).for_each(|(x, y)| *x += bk * y);
        v_false += bk * sent[k];
        bk *= beta;
    }
    let lo = row_vars(n);
    let (row, rows) = (1usize << lo, len >> lo);
    let (r_lo, r_hi) = point.split_at(lo);
    let eq_lo = eq_table(r_lo);
    let eq_hi = eq_table(r_hi);
    let mut h: Vec<Fr> = big_f
        .chunks(row)
        .map(|c| c.iter().zip(&eq_lo).map(|(x, e)| *x * e).sum())
        .collect();
    // h' = h + ε·X⁰ with ⟨h', e_hi⟩ = v'.
    let true_v: Fr = h.iter().zip(&eq_hi).map(|(x, e)| *x * e).sum();
    let eps = (v_false - true_v) * eq_hi[0].inverse().unwrap();
    assert_ne!(eps, Fr::ZERO, "the shifted values make a false v");
    h[0] += eps;
    let h_commit = commit(srs(), &h).unwrap();
    t.absorb(labels::PCS_ROWS, &[rows_digest(&h_commit)])
        .unwrap();
    let fold = t.challenges(labels::PCS_FOLD, 2).unwrap();
    let (alpha, rho2) = (fold[0], fold[1]);

    let mut q = vec![Fr::ZERO; len - row];
    let mut carry = vec![Fr::ZERO; row];
    for a in (1..rows).rev() {
        for (c, x) in carry.iter_mut().zip(&big_f[a * row..(a + 1) * row]) {
            *c = *x + alpha * *c;
        }
        q[(a - 1) * row..a * row].copy_from_slice(&carry);
    }
    let mut g: Vec<Fr> = big_f[..row]
        .iter()
        .zip(&carry)
        .map(|(x, c)| *x + alpha * c)
        .collect();
    let mut e_lo = eq_lo.clone();
    if mode != Fold::Honest {
        // t = c·X⁰ with −α·c·eq_lo[0] = h'(α) − h(α) = ε.
        let c = -eps * (alpha * eq_lo[0]).inverse().unwrap();
        g.resize(2 * row, Fr::ZERO);
        g[0] -= alpha * c;
        g[row] += c;
        q[0] -= c;
        e_lo.resize(2 * row, Fr::ZERO);
    }
    let mut a_poly: Vec<Fr> = eq_hi.clone();
    let mut pow = Fr::ONE;
    for x in &mut a_poly {
        *x -= rho2 * pow;
        pow *= alpha;
    }
    let (c_h, q1h, q2h) = laurent_split(&h, &a_poly);
    let (c_g, q1g, q2g) = laurent_split(&g, &e_lo);
    if mode != Fold::Honest {
        assert_eq!(c_h + rho2 * c_g, v_false, "the shifted fold balances (L)");
    }
    let combine = |x: &[Fr], y: &[Fr]| -> Vec<Fr> {
        let mut s = vec![Fr::ZERO; x.len().max(y.len())];
        s.iter_mut().zip(x).for_each(|(s, x)| *s += x);
        s.iter_mut().zip(y).for_each(|(s, y)| *s += rho2 * y);
        s
    };
    let (s1, s2) = (combine(&q1h, &q1g), combine(&q2h, &q2g));
    let g_rev: Vec<Fr> = g[..row].iter().rev().copied().collect();
    let [gc, grc, qc, s1c, s2c] = [&g, &g_rev, &q, &s1, &s2].map(|p| commit(srs(), p).unwrap());
    t.absorb(labels::PCS_SPLIT, &[split_digest(&[gc, grc, qc, s1c, s2c])])
        .unwrap();
    let zeta: Fr = t.challenge(labels::PCS_ZETA).unwrap();
    let zi = zeta.inverse().unwrap();
    let g_rev_at_zeta = match mode {
        Fold::ShiftedSolvedAfterZeta => zeta.pow([row as u64 - 1]) * evaluate(&g, zi),
        _ => evaluate(&g_rev, zeta),
    };
    let evals = SplitEvals {
        g_at_zeta_inv: evaluate(&g, zi),
        h_at_zeta_inv: evaluate(&h, zi),
        s1_at_zeta_inv: evaluate(&s1, zi),
        g_rev_at_zeta,
        s2_at_zeta: evaluate(&s2, zeta),
    };
    let msg = vec![
        evals.g_at_zeta_inv,
        evals.h_at_zeta_inv,
        evals.s1_at_zeta_inv,
        evals.g_rev_at_zeta,
        evals.s2_at_zeta,
    ];
    t.absorb(labels::PCS_EVALS, &msg).unwrap();
    let gamma: Fr = t.challenge(labels::PCS_GAMMA).unwrap();
    let combination = |polys: &[&[Fr]]| -> Vec<Fr> {
        let mut out = vec![Fr::ZERO; polys.iter().map(|p| p.len()).max().unwrap()];
        let mut gk = Fr::ONE;
        for p in polys {
            out.iter_mut().zip(p.iter()).for_each(|(x, y)| *x += gk * y);
            gk *= gamma;
        }
        out
    };
    let f_zeta = combination(&[&g_rev, &s2]);
    let f_inv = combination(&[&g, &h, &s1]);
    let forged = SplitOpeningProof {
        field: SplitFieldProof { reduction, evals },
        h: h_commit,
        g: gc,
        g_rev: grc,
        q: qc,
        s1: s1c,
        s2: s2c,
        w_zeta: commit(srs(), &divide_by_linear(&f_zeta, zeta)).unwrap(),
        w_inv: commit(srs(), &divide_by_linear(&f_inv, zi)).unwrap(),
    };
    check(f, &f.claims, &f.commitments, &forged)
}

#[test]
fn a_fold_moved_after_alpha_cannot_pass_the_degree_bound() {
    let f = fixture(8);
    // False row values with the true fold: (L)'s constant term misses by ρ₂(h(α) − T(α)).
    assert_eq!(
        adaptive_fold_forgery(&f, Fold::Honest),
        Err(Error::Opening {
            what: "row inner-product identity at ζ⁻¹"
        })
    );
    // The moved fold balances (L) and the fold equation; its reversal is not a polynomial.
    assert_eq!(
        adaptive_fold_forgery(&f, Fold::Shifted),
        Err(Error::Opening {
            what: "fold degree (reversal) at ζ"
        })
    );
    // Solving ĝ(ζ) after ζ satisfies (R) and (L) — and leaves the value off Ĝ.
    assert_eq!(
        adaptive_fold_forgery(&f, Fold::ShiftedSolvedAfterZeta),
        Err(Error::Opening {
            what: "pairing check"
        })
    );
}
