//! A convolution's back-propagated gradient over training iterations,
//! U = round(col2im(G·Wᵀ) / 2^sh): honest claims are the tensors' true evaluations for
//! strided, padded and unequal geometries; each message tampered is refused with its check's
//! error; a prover committing a false U (or R) and stating its value fails the sumchecks, one
//! stating the true tensors' values after seeing r leaves a false claim on the committed one
//! (the opening's to refute); a compensated index-map value is refused by the verifier's own
//! evaluation.

use crate::common::{field, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::conv_backprop::{
    ConvBackprop, ConvBackpropProof, prove_conv_backprop, verify_conv_backprop,
};
use zkmodel_prover::graph::quant::{ConvGeometry, col2im};
use zkmodel_prover::train::round_shift;
use zkmodel_prover::{Error, Fr};

struct Case {
    shape: ConvBackprop,
    g: Vec<i64>,
    w: Vec<i64>,
    u: Vec<i64>,
    r: Vec<i64>,
}

/// Random G and W for `geometry` (m examples, n output channels, t iterations) and the
/// trainer's U and R.
fn case(seed: u64, geometry: ConvGeometry, [m, n, t]: [usize; 3], shift: u32) -> Case {
    let mut r = rng(seed);
    let rows = m * geometry.out_positions();
    let k = geometry.taps_pad() * geometry.in_c;
    let g: Vec<i64> = (0..t * rows * n).map(|_| r.gen_range(-300..300)).collect();
    let w: Vec<i64> = (0..t * k * n).map(|_| r.gen_range(-300..300)).collect();
    let (mut u, mut rem) = (Vec::new(), Vec::new());
    for it in 0..t {
        let gt = &g[it * rows * n..(it + 1) * rows * n];
        let wt = &w[it * k * n..(it + 1) * k * n];
        let p: Vec<i128> = (0..rows * k)
            .map(|i| {
                let (row, col) = (i / k, i % k);
                (0..n)
                    .map(|j| i128::from(gt[row * n + j]) * i128::from(wt[col * n + j]))
                    .sum()
            })
            .collect();
        for v in col2im(&geometry, m, &p) {
            let (q, rr) = round_shift(i64::try_from(v).unwrap(), shift);
            u.push(q);
            rem.push(rr);
        }
    }
    Case {
        shape: ConvBackprop {
            geometry,
            m,
            n,
            t,
            shift,
        },
        g,
        w,
        u,
        r: rem,
    }
}

fn prove(c: &Case, u: &[i64], r: &[i64]) -> (ConvBackpropProof<Fr>, Vec<(&'static str, Fr)>) {
    let (proof, claims) = prove_conv_backprop(
        c.shape,
        &field(&c.g),
        &field(&c.w),
        &field(u),
        &field(r),
        &mut transcript(),
    )
    .unwrap();
    (
        proof,
        claims.into_iter().map(|(n, cl)| (n, cl.value)).collect(),
    )
}

fn geometries() -> Vec<(ConvGeometry, [usize; 3])> {
    let w = |hw: (usize, usize, usize), k, s, p| ConvGeometry::window(hw, k, s, p).unwrap();
    vec![
        (w((4, 4, 2), [3, 3], [1, 1], [1; 4]), [2, 4, 2]),
        (w((8, 8, 1), [3, 3], [2, 2], [1; 4]), [2, 2, 4]),
        (w((4, 8, 2), [2, 3], [1, 2], [1, 0, 0, 2]), [1, 2, 1]),
        (w((4, 4, 4), [1, 1], [1, 1], [0; 4]), [4, 8, 2]),
    ]
}

#[test]
fn honest_convolution_backprop_claims_are_true() {
    for (i, (g, dims)) in geometries().into_iter().enumerate() {
        let c = case(i as u64, g, dims, 8);
        let (proof, _) = prove(&c, &c.u, &c.r);
        let claims = verify_conv_backprop(c.shape, &proof, &mut transcript()).unwrap();
        for (name, claim) in &claims {
            let tensor = match *name {
                "grad" => &c.g,
                "weight" => &c.w,
                "delta" => &c.u,
                "remainder" => &c.r,
                other => panic!("unexpected claim {other}"),
            };
            assert_eq!(claim.value, true_eval(tensor, &claim.point), "{i}: {name}");
        }
        assert_eq!(claims.len(), 4);
    }
}

#[test]
fn tampered_convolution_backprop_messages_are_refused() {
    let (g, dims) = geometries().remove(1);
    let c = case(20, g, dims, 9);
    let (proof, _) = prove(&c, &c.u, &c.r);
    let verdict =
        |p: &ConvBackpropProof<Fr>| verify_conv_backprop(c.shape, p, &mut transcript()).map(|_| ());
    assert_eq!(verdict(&proof), Ok(()));
    for k in 0..2 {
        let mut bad = proof.clone();
        bad.values[k] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "value {k}");
    }
    for round in 0..proof.scatter.rounds.len() {
        let mut bad = proof.clone();
        bad.scatter.rounds[round][1] += Fr::ONE;
        assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "scatter {round}");
    }
    for round in 0..proof.contraction.rounds.len() {
        let mut bad = proof.clone();
        bad.contraction.rounds[round][0] += Fr::ONE;
        assert_eq!(
            verdict(&bad),
            Err(Error::SumcheckFinal),
            "contraction {round}"
        );
    }
    // P's final value changed: the scatter's final check fails; changing the contraction's
    // first operand's final value fails its own.
    let mut bad = proof.clone();
    bad.scatter.final_evals[0][1] += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal));
    let mut bad = proof.clone();
    bad.contraction.final_evals[0][1] += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal));
    // The index map's value doubled and P's halved: the final product holds, the verifier's
    // own G̃ does not.
    let mut bad = proof.clone();
    let [gv, pv] = [bad.scatter.final_evals[0][0], bad.scatter.final_evals[0][1]];
    bad.scatter.final_evals[0] = vec![gv + gv, pv / Fr::from(2u64)];
    assert!(matches!(
        verdict(&bad),
        Err(Error::SuccinctEvaluation { .. })
    ));
    // The iteration eq factor scaled and G's compensated: the product holds, eq(r_t, ρ_t)
    // (the verifier's) does not.
    let mut bad = proof.clone();
    let e = bad.contraction.final_evals[0].clone();
    bad.contraction.final_evals[0] = vec![e[0] + e[0], e[1] / Fr::from(2u64), e[2]];
    assert_eq!(
        verdict(&bad),
        Err(Error::SuccinctEvaluation {
            what: "iteration eq(r_t, ρ_t)"
        })
    );
    // Malformed: a value missing, a round too many.
    let mut bad = proof.clone();
    bad.values.pop();
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    let mut bad = proof.clone();
    bad.scatter.rounds.push(bad.scatter.rounds[0].clone());
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    // Another shift is another statement.
    let other = ConvBackprop {
        shift: 8,
        ..c.shape
    };
    assert!(verify_conv_backprop(other, &proof, &mut transcript()).is_err());
}

/// A false U (one entry off by one, its remainder kept): stating its own evaluation fails a
/// sumcheck; the adaptive prover, who sees r before stating values and states the true
/// tensors' evaluations instead, passes every check and leaves a claim on the committed U that
/// is false at r.
#[test]
fn a_false_backprop_is_refused_or_leaves_a_false_claim() {
    let (g, dims) = geometries().remove(0);
    let c = case(21, g, dims, 8);
    let mut u = c.u.clone();
    u[7] += 1;
    let (proof, _) = prove(&c, &u, &c.r);
    assert_eq!(
        verify_conv_backprop(c.shape, &proof, &mut transcript()).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Trading a unit of U for 2^sh of R keeps every field identity, which only R's range
    // check refutes.
    let mut r = c.r.clone();
    r[7] -= 1 << c.shape.shift;
    let (proof, _) = prove(&c, &u, &r);
    verify_conv_backprop(c.shape, &proof, &mut transcript()).unwrap();
    assert!(
        r[7] < 0,
        "the remainder leaves [0, 2^sh): the range check refuses it"
    );
    // Adaptive: the true values stated over a false committed U.
    let (proof, _) = prove(&c, &c.u, &c.r);
    let claims = verify_conv_backprop(c.shape, &proof, &mut transcript()).unwrap();
    let (_, on_u) = claims.iter().find(|(n, _)| *n == "delta").unwrap();
    assert_ne!(on_u.value, true_eval(&u, &on_u.point));
}
