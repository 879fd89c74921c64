//! A 2×2 max pool's backward pass (training): honest claims are the tensors' true evaluations;
//! every message tampered is refused; the adaptive forgeries — routing a gradient to a later
//! tied maximum, selecting two taps of a window, selecting a non-maximum — each leave exactly
//! one thing false: a negative slack (the range check's), the window-sum claim (the
//! opening's), or the zerocheck.

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::maxpool_grad::{
    MaxPoolGrad, MaxPoolGradProof, prove_maxpool_grad, verify_maxpool_grad,
};
use zkmodel_prover::{Error, Fr};

const SHAPE: MaxPoolGrad = MaxPoolGrad {
    m: 2,
    h: 4,
    w: 4,
    c: 2,
};

/// The tensors over the input layout (c, x, y, n): X, the pooled O and G repeated, and the
/// selection, gradient and slack for `choose` (which of a window's maxima gets the gradient).
struct Case {
    x: Vec<i64>,
    up_o: Vec<i64>,
    up_g: Vec<i64>,
    s: Vec<i64>,
    g_in: Vec<i64>,
    e: Vec<i64>,
}

/// Input index of tap t (t = 2·dy + dx) of window (n, y', x', ch).
fn at(n: usize, yo: usize, xo: usize, ch: usize, t: usize) -> usize {
    let (h, w, c) = (SHAPE.h, SHAPE.w, SHAPE.c);
    ((n * h + 2 * yo + (t >> 1)) * w + 2 * xo + (t & 1)) * c + ch
}

fn case(seed: u64, choose: impl Fn(&[usize]) -> Vec<usize>) -> Case {
    let mut r = rng(seed);
    let len = SHAPE.m * SHAPE.h * SHAPE.w * SHAPE.c;
    // Small values so windows have ties.
    let x: Vec<i64> = (0..len).map(|_| r.gen_range(0..4)).collect();
    let mut c = Case {
        up_o: vec![0; len],
        up_g: vec![0; len],
        s: vec![0; len],
        g_in: vec![0; len],
        e: vec![0; len],
        x,
    };
    for n in 0..SHAPE.m {
        for yo in 0..SHAPE.h / 2 {
            for xo in 0..SHAPE.w / 2 {
                for ch in 0..SHAPE.c {
                    let taps: Vec<usize> = (0..4).map(|t| at(n, yo, xo, ch, t)).collect();
                    let max = taps.iter().map(|i| c.x[*i]).max().unwrap();
                    let g = r.gen_range(-50i64..50);
                    let maxima: Vec<usize> = (0..4).filter(|t| c.x[taps[*t]] == max).collect();
                    let chosen = choose(&maxima);
                    for (t, i) in taps.iter().enumerate() {
                        c.up_o[*i] = max;
                        c.up_g[*i] = g;
                        let selected = i64::from(chosen.contains(&t));
                        c.s[*i] = selected;
                        c.g_in[*i] = selected * g;
                    }
                    for (t, i) in taps.iter().enumerate() {
                        let upto: i64 = taps[..=t].iter().map(|j| c.s[*j]).sum();
                        c.e[*i] = max - c.x[*i] - (1 - upto);
                    }
                }
            }
        }
    }
    c
}

fn first(maxima: &[usize]) -> Vec<usize> {
    vec![maxima[0]]
}

fn prove(c: &Case) -> MaxPoolGradProof<Fr> {
    let t = [&c.s, &c.g_in, &c.up_g, &c.up_o, &c.x, &c.e].map(|v| field(v));
    prove_maxpool_grad(
        SHAPE,
        [&t[0], &t[1], &t[2], &t[3], &t[4], &t[5]],
        &mut transcript(),
    )
    .unwrap()
    .0
}

fn tensor<'a>(c: &'a Case, name: &str) -> &'a [i64] {
    match name {
        "select" => &c.s,
        "grad_in" => &c.g_in,
        "upsampled_grad" => &c.up_g,
        "upsampled_output" => &c.up_o,
        "input" => &c.x,
        "slack" => &c.e,
        other => panic!("unexpected claim {other}"),
    }
}

#[test]
fn honest_max_pool_backward_claims_are_true() {
    let c = case(1, first);
    assert!(c.e.iter().all(|e| *e >= 0));
    let proof = prove(&c);
    let claims = verify_maxpool_grad(SHAPE, &proof, &mut transcript()).unwrap();
    assert_eq!(claims.len(), 11);
    for (name, claim) in &claims {
        assert_eq!(
            claim.value,
            true_eval(tensor(&c, name), &claim.point),
            "{name}"
        );
    }
}

#[test]
fn tampered_max_pool_backward_messages_are_refused() {
    let c = case(2, first);
    let proof = prove(&c);
    let verdict =
        |p: &MaxPoolGradProof<Fr>| verify_maxpool_grad(SHAPE, p, &mut transcript()).map(|_| ());
    assert_eq!(verdict(&proof), Ok(()));
    for k in 0..5 {
        let mut bad = proof.clone();
        bad.values[k] += Fr::ONE;
        assert_eq!(
            verdict(&bad),
            Err(Error::SuccinctEvaluation {
                what: "max-pool first maximum E = UP_O − X − B"
            }),
            "value {k}"
        );
    }
    for round in 0..proof.zerocheck.rounds.len() {
        let mut bad = proof.clone();
        bad.zerocheck.rounds[round][0] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "round {round}");
    }
    for k in 0..5 {
        let mut bad = proof.clone();
        bad.zerocheck.final_evals[0][k] += Fr::ONE;
        assert!(verdict(&bad).is_err(), "final {k}");
    }
    let mut bad = proof.clone();
    bad.values.pop();
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    let other = MaxPoolGrad { c: 4, ..SHAPE };
    assert!(verify_maxpool_grad(other, &proof, &mut transcript()).is_err());
}

/// The gradient routed to the last of tied maxima (selection, gradient and slack all made
/// consistent with that choice): every field identity holds, and the slack is −1 at the
/// first maximum — the range check (E ≥ 0) is what refuses it.
#[test]
fn a_later_tied_maximum_leaves_a_negative_slack() {
    let c = case(3, |maxima| vec![*maxima.last().unwrap()]);
    assert!(c.e.iter().any(|e| *e < 0), "the case has ties");
    let proof = prove(&c);
    let claims = verify_maxpool_grad(SHAPE, &proof, &mut transcript()).unwrap();
    for (name, claim) in &claims {
        assert_eq!(
            claim.value,
            true_eval(tensor(&c, name), &claim.point),
            "{name}"
        );
    }
}

/// Two taps selected in windows with tied maxima (gradient to both): the zerocheck and the
/// slack identity hold; the window-sum claim S̃(…½…½…) = 1/4 is false — the opening's to
/// refute.
#[test]
fn two_selected_taps_leave_a_false_window_sum_claim() {
    let c = case(4, |maxima| maxima.to_vec());
    assert!(
        c.s.iter().sum::<i64>() > (c.s.len() / 4) as i64,
        "the case has ties"
    );
    let proof = prove(&c);
    let claims = verify_maxpool_grad(SHAPE, &proof, &mut transcript()).unwrap();
    let (_, sum) = claims.last().unwrap();
    assert_eq!(sum.value, Fr::from(4u64).inverse().unwrap());
    assert_ne!(sum.value, true_eval(&c.s, &sum.point));
}

/// A non-maximum selected (and its slack kept consistent): S·(UP_O − X) ≠ 0 fails the
/// zerocheck.
#[test]
fn a_selected_non_maximum_fails_the_zerocheck() {
    let mut c = case(5, first);
    let window = [0, 1, 2, 3].map(|t| at(0, 0, 0, 0, t));
    let low = *window
        .iter()
        .find(|i| c.x[**i] < c.up_o[**i])
        .expect("the first window has a non-maximum");
    for i in window {
        c.s[i] = i64::from(i == low);
        c.g_in[i] = c.s[i] * c.up_g[i];
    }
    for (t, i) in window.iter().enumerate() {
        let upto: i64 = window[..=t].iter().map(|j| c.s[*j]).sum();
        c.e[*i] = c.up_o[*i] - c.x[*i] - (1 - upto);
    }
    let proof = prove(&c);
    assert_eq!(
        verify_maxpool_grad(SHAPE, &proof, &mut transcript()).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
}

/// No tap selected in a window (and no gradient handed down there): the window-sum claim is
/// false, and the slack is −1 at the maximum (B = 1 on every tap) — both the opening and the
/// range check refute it.
#[test]
fn an_unselected_window_leaves_a_negative_slack_and_a_false_sum() {
    let c = case(6, |_| vec![]);
    assert!(c.e.iter().any(|e| *e < 0));
    let proof = prove(&c);
    let claims = verify_maxpool_grad(SHAPE, &proof, &mut transcript()).unwrap();
    let (_, sum) = claims.last().unwrap();
    assert_ne!(sum.value, true_eval(&c.s, &sum.point));
}
