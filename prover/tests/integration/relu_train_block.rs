//! A training ReLU's virtual tensors Pos = M·A, Neg = (1 − M)·A and dY = M ⊙ dA, proven on
//! A = |Y|, the mask M and the incoming gradient dA with M Boolean in one sumcheck — honest
//! claims verify and hand back true claims; every message tampered, a false claim, claims
//! moved between tensors, claims rebalanced after seeing λ, a non-Boolean mask and final
//! values rebalanced at the point are refused with the exact error; final values of the
//! tensors solved to fit the last check pass the block and hand on false claims, which only
//! the opening can refuse.

use crate::common::{random_vec, rng, transcript};
use ark_ff::{AdditiveGroup, Field};
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::relu_train::{ReluClaims, ReluProof, TENSORS, prove_relu, verify_relu};
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::poly::evaluate_dense;
use zkmodel_prover::transcript::labels;
use zkmodel_prover::{Error, Fr};

const VARS: usize = 4;

fn ints(v: &[i64]) -> Vec<Fr> {
    v.iter().map(|x| from_i128(i128::from(*x))).collect()
}

fn eval(v: &[Fr], point: &[Fr]) -> Fr {
    evaluate_dense(v, point).unwrap()
}

/// The block's tensors [A, M, dA] and the virtual [Pos, Neg, dY] they define, for outputs Y
/// with dead and negative units; `mask` overrides the honest M = [Y > 0].
fn tensors(mask: Option<Vec<i64>>) -> ([Vec<Fr>; 3], [Vec<Fr>; 3]) {
    let y: Vec<i64> = (0..16).map(|i| (i * 37 % 23) - 11).collect();
    assert!(y.contains(&0) && y.iter().any(|v| *v < 0));
    let m = mask.unwrap_or_else(|| y.iter().map(|v| i64::from(*v > 0)).collect());
    let a: Vec<i64> = y.iter().map(|v| v.abs()).collect();
    let da: Vec<i64> = (0..16).map(|i| 7 - i).collect();
    let pos: Vec<i64> = m.iter().zip(&a).map(|(m, a)| m * a).collect();
    let neg: Vec<i64> = m.iter().zip(&a).map(|(m, a)| (1 - m) * a).collect();
    let dy: Vec<i64> = m.iter().zip(&da).map(|(m, d)| m * d).collect();
    (
        [ints(&a), ints(&m), ints(&da)],
        [ints(&pos), ints(&neg), ints(&dy)],
    )
}

/// Claims on Pos (three), Neg (two) and dY (two) at random points, with the true values of
/// `virtuals`.
fn claims_on(virtuals: &[Vec<Fr>; 3]) -> [Vec<TensorClaim<Fr>>; 3] {
    let mut r = rng(17);
    let mut at = |v: &[Fr], n: usize| -> Vec<TensorClaim<Fr>> {
        (0..n)
            .map(|_| {
                let point = random_vec(&mut r, VARS);
                TensorClaim {
                    value: eval(v, &point),
                    point,
                }
            })
            .collect()
    };
    [
        at(&virtuals[0], 3),
        at(&virtuals[1], 2),
        at(&virtuals[2], 2),
    ]
}

fn honest() -> ([Vec<Fr>; 3], [Vec<TensorClaim<Fr>>; 3]) {
    let (t, v) = tensors(None);
    (t, claims_on(&v))
}

fn of(c: &[Vec<TensorClaim<Fr>>; 3]) -> ReluClaims<'_, Fr> {
    ReluClaims {
        pos: &c[0],
        neg: &c[1],
        grad: &c[2],
    }
}

fn prove(t: &[Vec<Fr>; 3], c: &[Vec<TensorClaim<Fr>>; 3]) -> ReluProof<Fr> {
    prove_relu([&t[0], &t[1], &t[2]], of(c), &mut transcript())
        .unwrap()
        .0
}

fn verify(
    c: &[Vec<TensorClaim<Fr>>; 3],
    proof: &ReluProof<Fr>,
) -> Result<Vec<(&'static str, TensorClaim<Fr>)>, Error> {
    verify_relu(VARS, of(c), proof, &mut transcript())
}

/// λ and γ from the public transcript, as the block draws them.
fn challenges(c: &[Vec<TensorClaim<Fr>>; 3]) -> (Fr, Fr) {
    let mut t = transcript();
    let counts = [VARS, c[0].len(), c[1].len(), c[2].len()];
    t.absorb_usizes(labels::RELU_STATEMENT, &counts).unwrap();
    let values: Vec<Fr> = c.iter().flatten().map(|c| c.value).collect();
    t.absorb(labels::RELU_CLAIMS, &values).unwrap();
    let lambda = t.challenge(labels::RELU_LAMBDA).unwrap();
    (lambda, t.challenge(labels::RELU_GAMMA).unwrap())
}

/// eq·(M² − M) + γ·(W_N·A + M·(W_G·dA + D·A)) at the final values [eq, W_G, D, W_N, A, M, dA].
fn composition(gamma: Fr, v: &[Fr]) -> Fr {
    let [eq, wg, d, wn, a, m, da] = v[..] else {
        panic!("seven final values");
    };
    eq * (m * m - m) + gamma * (wn * a + m * (wg * da + d * a))
}

#[test]
fn honest_claims_verify_and_hand_back_true_claims() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let out = verify(&c, &proof).unwrap();
    assert_eq!(out.len(), TENSORS.len());
    for ((name, claim), v) in out.iter().zip(&t) {
        assert_eq!(eval(v, &claim.point), claim.value, "{name}");
    }
    for (round, k) in [(0, 0), (1, 2), (VARS - 1, 1)] {
        let mut bad = proof.clone();
        bad.sumcheck.rounds[round][k] += Fr::ONE;
        assert_eq!(verify(&c, &bad), Err(Error::SumcheckFinal), "round {round}");
    }
    for k in 0..7 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][k] += Fr::ONE;
        assert_eq!(
            verify(&c, &bad),
            Err(Error::SumcheckFinal),
            "final value {k}"
        );
    }
    let mut short = c.clone();
    short[2][1].point.pop();
    assert_eq!(
        verify(&short, &proof),
        Err(Error::ProofShape {
            what: "ReLU claim point",
            expected: VARS,
            actual: VARS - 1,
        })
    );
}

/// Claims moved from one virtual tensor to another are claims on another polynomial.
#[test]
fn claims_moved_between_tensors_are_rejected() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let mut pos_to_neg = c.clone();
    let moved = pos_to_neg[0].pop().unwrap();
    pos_to_neg[1].insert(0, moved);
    assert_eq!(verify(&pos_to_neg, &proof), Err(Error::SumcheckFinal));
    let mut grad_to_pos = c.clone();
    let moved = grad_to_pos[2].remove(0);
    grad_to_pos[0].push(moved);
    assert_eq!(verify(&grad_to_pos, &proof), Err(Error::SumcheckFinal));
}

#[test]
fn a_false_claim_on_pos_neg_or_the_gradient_is_rejected() {
    for (tensor, k) in [(0, 0), (0, 2), (1, 1), (2, 0), (2, 1)] {
        let (t, mut c) = honest();
        c[tensor][k].value += Fr::ONE;
        let proof = prove(&t, &c);
        assert_eq!(
            verify(&c, &proof),
            Err(Error::SumcheckFinal),
            "tensor {tensor}, claim {k}"
        );
    }
}

/// The adversary sees λ and shifts a false Pos claim against a false dY claim so that
/// Σ λ^l·c_l is the honest sum: the values are absorbed before λ, so λ moves with them.
#[test]
fn claims_rebalanced_after_seeing_lambda_are_rejected() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let (l, _) = challenges(&c);
    let delta = Fr::from(5u64);
    let mut forged = c.clone();
    // Pos claim 0 has weight 1, dY claim 0 weight λ⁵ (after three on Pos and two on Neg).
    forged[0][0].value += delta * l.pow([5u64]);
    forged[2][0].value -= delta;
    let sum = |c: &[Vec<TensorClaim<Fr>>; 3]| {
        c.iter()
            .flatten()
            .rev()
            .fold(Fr::ZERO, |acc, c| acc * l + c.value)
    };
    assert_eq!(sum(&forged), sum(&c));
    assert_eq!(verify(&forged, &proof), Err(Error::SumcheckFinal));
}

/// A mask of 2 where Y > 0 defines Pos = 2A, Neg = −A and dY = 2dA consistently — and the
/// claims on them true — but M(M − 1) ≠ 0 there: refused. A mask set where A = 0 is Boolean
/// and consistent here; A − M = −1 is the caller's range column's to refuse (the training
/// plan's column list pins it).
#[test]
fn a_mask_that_is_not_boolean_is_rejected() {
    let (t, _) = tensors(None);
    let honest_mask: Vec<i64> = t[1].iter().map(|m| i64::from(*m == Fr::ONE)).collect();
    let up = honest_mask.iter().position(|m| *m == 1).unwrap();
    let mut two = honest_mask.clone();
    two[up] = 2;
    let (t2, v2) = tensors(Some(two));
    let c2 = claims_on(&v2);
    assert_eq!(verify(&c2, &prove(&t2, &c2)), Err(Error::SumcheckFinal));
    let dead = (0..16).position(|i| t[0][i] == Fr::ZERO).unwrap();
    let mut set = honest_mask;
    set[dead] = 1;
    let (t3, v3) = tensors(Some(set));
    let c3 = claims_on(&v3);
    verify(&c3, &prove(&t3, &c3)).unwrap();
}

/// Final values rewritten to keep the last check true at ρ (γ from the public transcript):
/// each of eq(τ, ρ), W̃_G(ρ), W̃_N(ρ) and D̃(ρ) changed with a tensor's value solved for —
/// the verifier's own evaluations refuse each.
#[test]
fn weights_rebalanced_at_the_point_are_refused_by_the_verifiers_own_evaluations() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let (_, gamma) = challenges(&c);
    let v = proof.sumcheck.final_evals[0].clone();
    let target = composition(gamma, &v);
    let [eq, wg, d, wn, a, m, da] = v[..] else {
        panic!("seven final values");
    };
    let two = Fr::from(2u64);
    // A solved for a changed eq, D or W_N: target = eq·(M² − M) + γ·(A·(W_N + M·D) + M·W_G·dA).
    let solve_a = |eq: Fr, d: Fr, wn: Fr| {
        (target - eq * (m * m - m) - gamma * m * wg * da)
            * (gamma * (wn + m * d)).inverse().unwrap()
    };
    let cases = [
        (
            vec![eq * two, wg, d, wn, solve_a(eq * two, d, wn), m, da],
            "ReLU eq(τ, ρ)",
        ),
        (
            vec![eq, wg * two, d, wn, a, m, da * two.inverse().unwrap()],
            "ReLU output-gradient weights W̃_G(ρ)",
        ),
        (
            vec![eq, wg, d, wn * two, solve_a(eq, d, wn * two), m, da],
            "ReLU Neg weights W̃_N(ρ)",
        ),
        (
            vec![eq, wg, d * two, wn, solve_a(eq, d * two, wn), m, da],
            "ReLU weight difference W̃_P(ρ) − W̃_N(ρ)",
        ),
    ];
    for (values, what) in cases {
        assert_eq!(composition(gamma, &values), target, "{what}");
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0] = values;
        assert_eq!(
            verify(&c, &bad),
            Err(Error::SuccinctEvaluation { what }),
            "{what}"
        );
    }
}

/// Ã(ρ) replaced and dÃ(ρ) solved so the last check holds: the block accepts — it cannot see
/// the committed tensors — and hands on claims on |Y| and dA that are false. The training
/// verifier adds them to the opening, whose claim reduction refuses false claims on committed
/// vectors (`split_opening` pins that).
#[test]
fn tensors_rebalanced_at_the_point_pass_on_false_claims() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let (_, gamma) = challenges(&c);
    let v = proof.sumcheck.final_evals[0].clone();
    let target = composition(gamma, &v);
    let [eq, wg, d, wn, a, m, _] = v[..] else {
        panic!("seven final values");
    };
    let a2 = a + Fr::from(7u64);
    let da2 = (target - eq * (m * m - m) - gamma * a2 * (wn + m * d))
        * (gamma * m * wg).inverse().unwrap();
    let forged = vec![eq, wg, d, wn, a2, m, da2];
    assert_eq!(composition(gamma, &forged), target);
    let mut bad = proof.clone();
    bad.sumcheck.final_evals[0] = forged;
    let out = verify(&c, &bad).unwrap();
    for ((name, claim), v) in out.iter().zip(&t) {
        if *name != "mask" {
            assert_ne!(eval(v, &claim.point), claim.value, "{name}");
        }
    }
}

/// Every hidden layer's forward relation reads Pos and Neg and its updates read dY: without
/// claims on all three a block upstream lost its claims, and both sides refuse to run.
#[test]
fn claims_on_pos_neg_and_the_gradient_are_required() {
    let (t, c) = honest();
    let proof = prove(&t, &c);
    let refused = Err(Error::Internal {
        what: "a training ReLU has claims on Pos, Neg and its output gradient to prove",
    });
    for empty in 0..3 {
        let mut none = c.clone();
        none[empty].clear();
        let proved = prove_relu([&t[0], &t[1], &t[2]], of(&none), &mut transcript());
        assert_eq!(proved.map(|_| ()), refused, "prover, group {empty}");
        assert_eq!(
            verify(&none, &proof).map(|_| ()),
            refused,
            "verifier, group {empty}"
        );
    }
}
