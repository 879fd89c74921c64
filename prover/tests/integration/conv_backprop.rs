//! A convolution's back-propagated gradient over training iterations,
//! U = round(col2im(G·Wᵀ) / 2^sh), proven at the range lookup's claim on its virtual remainder
//! R: honest claims are the tensors' true evaluations for strided, padded and unequal
//! geometries; each message, the claim on R and its point tampered are refused with their
//! check's error; a prover committing a false U fails the sumchecks against the trainer's R,
//! passes them against the R its relation defines — which then leaves [0, 2^sh), the range
//! column's to refute — and, stating the true U's value after seeing r, leaves a false claim
//! on the committed U (the opening's to refute); a compensated index-map value is refused by
//! the verifier's own evaluation.

use crate::common::{field, random_vec, rng, transcript, true_eval};
use ark_ff::Field;
use rand::Rng;
use zkmodel_prover::blocks::TensorClaim;
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
    /// col2im(G·Wᵀ) + 2^(sh − 1): the remainder of any U is this less 2^sh·U.
    x: Vec<i64>,
    /// The point the range lookup would leave its claim on R at.
    point: Vec<Fr>,
}

impl Case {
    /// The remainder the relation defines for `u`.
    fn remainder_of(&self, u: &[i64]) -> Vec<i64> {
        self.x
            .iter()
            .zip(u)
            .map(|(x, u)| x - (u << self.shape.shift))
            .collect()
    }

    /// The lookup's claim on remainder `r` at the case's point.
    fn at(&self, r: &[i64]) -> TensorClaim<Fr> {
        TensorClaim {
            point: self.point.clone(),
            value: true_eval(r, &self.point),
        }
    }
}

/// Random G and W for `geometry` (m examples, n output channels, t iterations) and the
/// trainer's U and R.
fn case(seed: u64, geometry: ConvGeometry, [m, n, t]: [usize; 3], shift: u32) -> Case {
    let mut r = rng(seed);
    let rows = m * geometry.out_positions();
    let k = geometry.taps_pad() * geometry.in_c;
    let g: Vec<i64> = (0..t * rows * n).map(|_| r.gen_range(-300..300)).collect();
    let w: Vec<i64> = (0..t * k * n).map(|_| r.gen_range(-300..300)).collect();
    let (mut u, mut rem, mut xs) = (Vec::new(), Vec::new(), Vec::new());
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
            let v = i64::try_from(v).unwrap();
            let (q, rr) = round_shift(v, shift);
            u.push(q);
            rem.push(rr);
            xs.push(v + (1 << (shift - 1)));
        }
    }
    let vars = (u.len().trailing_zeros()) as usize;
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
        x: xs,
        point: random_vec(&mut r, vars),
    }
}

/// Proves with committed `u` at the lookup's claim on remainder `r`.
fn prove(c: &Case, u: &[i64], r: &[i64]) -> (ConvBackpropProof<Fr>, Vec<(&'static str, Fr)>) {
    let (proof, claims) = prove_conv_backprop(
        c.shape,
        &field(&c.g),
        &field(&c.w),
        &field(u),
        &c.at(r),
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
        assert_eq!(c.remainder_of(&c.u), c.r);
        let (proof, _) = prove(&c, &c.u, &c.r);
        let claims = verify_conv_backprop(c.shape, &proof, &c.at(&c.r), &mut transcript()).unwrap();
        for (name, claim) in &claims {
            let tensor = match *name {
                "grad" => &c.g,
                "weight" => &c.w,
                "delta" => &c.u,
                other => panic!("unexpected claim {other}"),
            };
            assert_eq!(claim.value, true_eval(tensor, &claim.point), "{i}: {name}");
        }
        // The remainder's claim is the caller's, proven here: nothing is handed on for R.
        assert_eq!(claims.len(), 3);
    }
}

#[test]
fn tampered_convolution_backprop_messages_are_refused() {
    let (g, dims) = geometries().remove(1);
    let c = case(20, g, dims, 9);
    let (proof, _) = prove(&c, &c.u, &c.r);
    let at = c.at(&c.r);
    let verdict = |p: &ConvBackpropProof<Fr>| {
        verify_conv_backprop(c.shape, p, &at, &mut transcript()).map(|_| ())
    };
    assert_eq!(verdict(&proof), Ok(()));
    let mut bad = proof.clone();
    bad.values[0] += Fr::ONE;
    assert_eq!(verdict(&bad), Err(Error::SumcheckFinal), "Ũ");
    // The lookup's claim on R: its value, or its point, off.
    let mut off = at.clone();
    off.value += Fr::ONE;
    assert_eq!(
        verify_conv_backprop(c.shape, &proof, &off, &mut transcript()).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Moved, the point meets the col2im map the verifier evaluates itself.
    let mut off = at.clone();
    off.point[0] += Fr::ONE;
    assert!(matches!(
        verify_conv_backprop(c.shape, &proof, &off, &mut transcript()),
        Err(Error::SuccinctEvaluation { .. })
    ));
    off.point.pop();
    assert!(matches!(
        verify_conv_backprop(c.shape, &proof, &off, &mut transcript()),
        Err(Error::ProofShape { .. })
    ));
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
    // Malformed: the value missing, a second value (R̃, which is the lookup's), a round too
    // many.
    let mut bad = proof.clone();
    bad.values.pop();
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    let mut bad = proof.clone();
    bad.values.push(at.value);
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    let mut bad = proof.clone();
    bad.scatter.rounds.push(bad.scatter.rounds[0].clone());
    assert!(matches!(verdict(&bad), Err(Error::ProofShape { .. })));
    // Another shift is another statement.
    let other = ConvBackprop {
        shift: 8,
        ..c.shape
    };
    assert!(verify_conv_backprop(other, &proof, &at, &mut transcript()).is_err());
}

/// A false U (one entry off by one): against the trainer's remainder it fails a sumcheck;
/// against the remainder its relation defines — what a lookup reading the virtual R sees —
/// every field identity holds and that remainder leaves [0, 2^sh), which only R's range column
/// refutes. The adaptive prover, who sees r before stating Ũ and states the true U's value,
/// passes every check and leaves a claim on the committed U that is false at r.
#[test]
fn a_false_backprop_is_refused_or_leaves_a_false_claim() {
    let (g, dims) = geometries().remove(0);
    let c = case(21, g, dims, 8);
    let mut u = c.u.clone();
    u[7] += 1;
    let (proof, _) = prove(&c, &u, &c.r);
    assert_eq!(
        verify_conv_backprop(c.shape, &proof, &c.at(&c.r), &mut transcript()).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    let r = c.remainder_of(&u);
    let (proof, _) = prove(&c, &u, &r);
    verify_conv_backprop(c.shape, &proof, &c.at(&r), &mut transcript()).unwrap();
    assert!(
        r[7] < 0,
        "the remainder leaves [0, 2^sh): the range check refuses it"
    );
    // Adaptive: the true U's value stated over a false committed U.
    let (proof, _) = prove(&c, &c.u, &c.r);
    let claims = verify_conv_backprop(c.shape, &proof, &c.at(&c.r), &mut transcript()).unwrap();
    let (_, on_u) = claims.iter().find(|(n, _)| *n == "delta").unwrap();
    assert_ne!(on_u.value, true_eval(&u, &on_u.point));
}
