#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Iterated blocks for training proofs: contractions over every iteration at once (forward
//! X·W, weight gradient Aᵀ·G, back-propagation G·Wᵀ) and the update chain W[t+1] = W[t] − Δ[t].
//! Honest proofs verify with true claims; a wrong product in one iteration, a skipped, repeated
//! or altered update and a replay with another T are rejected.

use crate::common::{random_vec, rng, transcript};
use ark_ff::Field;
use zkmodel_prover::Error;
use zkmodel_prover::Fr;
use zkmodel_prover::blocks::TensorClaim;
use zkmodel_prover::blocks::iterate::{
    Contraction, Operand, StepChain, StepClaims, prove_contraction, prove_step, verify_contraction,
    verify_step,
};
use zkmodel_prover::poly::DenseMle;

fn holds(t: &[Fr], c: &TensorClaim<Fr>) -> bool {
    DenseMle::new(t.to_vec())
        .unwrap()
        .evaluate(&c.point)
        .unwrap()
        == c.value
}

/// Y[t] = L[t]·R[t] with L, R stored as the shape says.
fn product(s: Contraction, l: &[Fr], r: &[Fr]) -> Vec<Fr> {
    let mut y = vec![Fr::from(0u64); s.t * s.a * s.b];
    for t in 0..s.t {
        for a in 0..s.a {
            for b in 0..s.b {
                let mut acc = Fr::from(0u64);
                for c in 0..s.c {
                    let lv = match s.left {
                        Operand::Plain => l[(t * s.a + a) * s.c + c],
                        Operand::Transposed => l[(t * s.c + c) * s.a + a],
                    };
                    let rv = match s.right {
                        Operand::Plain => r[(t * s.c + c) * s.b + b],
                        Operand::Transposed => r[(t * s.b + b) * s.c + c],
                    };
                    acc += lv * rv;
                }
                y[(t * s.a + a) * s.b + b] = acc;
            }
        }
    }
    y
}

#[test]
fn contractions_in_every_orientation() {
    let mut g = rng(1);
    for (left, right) in [
        (Operand::Plain, Operand::Plain),
        (Operand::Transposed, Operand::Plain),
        (Operand::Plain, Operand::Transposed),
        (Operand::Transposed, Operand::Transposed),
    ] {
        let s = Contraction {
            a: 4,
            b: 2,
            c: 8,
            t: 4,
            left,
            right,
        };
        let l = random_vec(&mut g, s.t * s.a * s.c);
        let r = random_vec(&mut g, s.t * s.c * s.b);
        let y = product(s, &l, &r);
        let (proof, claims) = prove_contraction(s, &l, &r, &y, &mut transcript()).unwrap();
        let v = verify_contraction(s, &proof, &mut transcript()).unwrap();
        assert_eq!(v, claims);
        assert!(holds(&y, &v.y) && holds(&l, &v.left) && holds(&r, &v.right));

        // One wrong entry in one iteration: the honest prover's proof fails at the claim.
        let mut bad = y.clone();
        bad[s.a * s.b * 3 + 1] += Fr::ONE;
        let (proof, _) = prove_contraction(s, &l, &r, &bad, &mut transcript()).unwrap();
        assert!(matches!(
            verify_contraction(s, &proof, &mut transcript()),
            Err(Error::SumcheckFinal)
        ));
        // Another T is another statement.
        let (proof, _) = prove_contraction(s, &l, &r, &y, &mut transcript()).unwrap();
        let other = Contraction { t: 8, ..s };
        assert!(matches!(
            verify_contraction(other, &proof, &mut transcript()),
            Err(Error::ProofShape {
                what: "sumcheck rounds",
                ..
            })
        ));
    }
}

/// W[0..T) stacked, the final W_T and the updates Δ with W[t+1] = W[t] − Δ[t].
fn chain(len: usize, t: usize, seed: u64) -> (Vec<Fr>, Vec<Fr>, Vec<Fr>) {
    let mut g = rng(seed);
    let delta = random_vec(&mut g, t * len);
    let mut w = random_vec(&mut g, len);
    for i in 0..t {
        let next: Vec<Fr> = (0..len)
            .map(|j| w[i * len + j] - delta[i * len + j])
            .collect();
        w.extend(next);
    }
    let last = w.split_off(t * len);
    (w, last, delta)
}

/// Proves the chain at a random point of Δ with the true Δ̃ there, and verifies it.
fn check_chain(
    shape: StepChain,
    w: &[Fr],
    last: &[Fr],
    delta: &[Fr],
) -> Result<StepClaims<Fr>, Error> {
    let point = random_vec(&mut rng(9), (shape.len * shape.t).trailing_zeros() as usize);
    let d = DenseMle::new(delta.to_vec())
        .unwrap()
        .evaluate(&point)
        .unwrap();
    let (p, claims) = prove_step(shape, w, last, &point, d, &mut transcript()).unwrap();
    let v = verify_step(shape, &point, &d, &p, &mut transcript())?;
    assert_eq!(v, claims);
    // The prover's claims are true MLE values, so only the relation can fail.
    assert!(v.stack.iter().all(|c| holds(w, c)) && holds(last, &v.last));
    Ok(v)
}

#[test]
fn update_chain_verifies_and_binds_every_step() {
    let shape = StepChain { len: 8, t: 8 };
    let (w, last, delta) = chain(8, 8, 2);
    let v = check_chain(shape, &w, &last, &delta).unwrap();
    assert!(holds(&w[..8], &v.first));

    // An altered update in iteration 5.
    let mut d = delta.clone();
    d[5 * 8 + 3] += Fr::ONE;
    assert!(matches!(
        check_chain(shape, &w, &last, &d),
        Err(Error::SumcheckFinal)
    ));
    // An altered final value (the last update not applied as stated).
    let mut l = last.clone();
    l[2] += Fr::ONE;
    assert!(matches!(
        check_chain(shape, &w, &l, &delta),
        Err(Error::SumcheckFinal)
    ));
    // A skipped iteration: W[4] = W[3] (Δ[3] not applied).
    let mut ws = w.clone();
    let mut ls = last.clone();
    for j in 0..8 {
        let diff = ws[4 * 8 + j] - ws[3 * 8 + j];
        for t in 4..8 {
            ws[t * 8 + j] -= diff;
        }
        ls[j] -= diff;
    }
    assert!(matches!(
        check_chain(shape, &ws, &ls, &delta),
        Err(Error::SumcheckFinal)
    ));
    // A repeated iteration: Δ[2] applied twice.
    let mut wr = w.clone();
    let mut lr = last.clone();
    for j in 0..8 {
        for t in 3..8 {
            wr[t * 8 + j] -= delta[2 * 8 + j];
        }
        lr[j] -= delta[2 * 8 + j];
    }
    assert!(matches!(
        check_chain(shape, &wr, &lr, &delta),
        Err(Error::SumcheckFinal)
    ));
}

#[test]
fn update_chain_rejects_replay_and_tampering() {
    let shape = StepChain { len: 4, t: 4 };
    let (w, last, delta) = chain(4, 4, 4);
    let point = random_vec(&mut rng(5), 4);
    let d = DenseMle::new(delta.clone())
        .unwrap()
        .evaluate(&point)
        .unwrap();
    let (proof, _) = prove_step(shape, &w, &last, &point, d, &mut transcript()).unwrap();
    assert!(verify_step(shape, &point, &d, &proof, &mut transcript()).is_ok());
    // Replayed with another T (the point no longer fits, or the statement differs).
    let other = StepChain { len: 8, t: 2 };
    assert!(matches!(
        verify_step(other, &point, &d, &proof, &mut transcript()),
        Err(Error::ProofShape {
            what: "sumcheck rounds",
            expected: 1,
            actual: 2
        })
    ));
    assert!(matches!(
        verify_step(shape, &point, &(d + Fr::ONE), &proof, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    for i in 0..3 {
        let mut bad = proof.clone();
        bad.values[i] += Fr::ONE;
        // Every value is absorbed before the sumcheck's challenges.
        assert!(matches!(
            verify_step(shape, &point, &d, &bad, &mut transcript()),
            Err(Error::SumcheckFinal)
        ));
    }
    for i in 0..2 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][i] += Fr::ONE;
        assert!(matches!(
            verify_step(shape, &point, &d, &bad, &mut transcript()),
            Err(Error::SumcheckFinal)
        ));
    }
}

#[test]
fn tampered_messages_are_rejected() {
    let mut g = rng(3);
    let s = Contraction {
        a: 2,
        b: 4,
        c: 4,
        t: 2,
        left: Operand::Plain,
        right: Operand::Transposed,
    };
    let l = random_vec(&mut g, 16);
    let r = random_vec(&mut g, 32);
    let y = product(s, &l, &r);
    let (proof, _) = prove_contraction(s, &l, &r, &y, &mut transcript()).unwrap();
    let mut bad = proof.clone();
    bad.y_value += Fr::ONE;
    assert!(matches!(
        verify_contraction(s, &bad, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    for i in 0..3 {
        let mut bad = proof.clone();
        bad.sumcheck.final_evals[0][i] += Fr::ONE;
        assert!(matches!(
            verify_contraction(s, &bad, &mut transcript()),
            Err(Error::SumcheckFinal)
        ));
    }
}

/// The remainder's claim at a point the range lookup would draw: (col, row, t) variables.
fn remainder_at(r: &[Fr], point: &[Fr]) -> TensorClaim<Fr> {
    TensorClaim {
        point: point.to_vec(),
        value: DenseMle::new(r.to_vec()).unwrap().evaluate(point).unwrap(),
    }
}

/// The dense layer of every iteration at once, on integer witnesses as training produces them,
/// at the remainder's claim the range lookup hands it: honest stacks verify with true claims;
/// the claim of a remainder changed in one iteration, a tampered stated value, a short point,
/// or two iterations' weights swapped are rejected with the error each meets first.
#[test]
fn iterated_dense_layer() {
    use rand::Rng;
    use zkmodel_prover::blocks::dense_iter::{
        IteratedDense, IteratedDenseProof, IteratedDenseWitness, prove_dense_iterated,
        verify_dense_iterated,
    };
    use zkmodel_prover::field::encoding::from_i128;
    let shape = IteratedDense {
        m: 4,
        k: 8,
        n: 4,
        t: 4,
        scale: 4,
        relu: true,
        row_mask: None,
    };
    let mut g = rng(9);
    let (m, k, n, tt) = (4usize, 8usize, 4usize, 4usize);
    let a: Vec<i64> = (0..tt * m * k).map(|_| g.gen_range(0..40)).collect();
    let w: Vec<i64> = (0..tt * k * n).map(|_| g.gen_range(-20..20)).collect();
    let b: Vec<i64> = (0..tt * n).map(|_| g.gen_range(-10..10)).collect();
    let fr = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    let (y, r) = iterated_forward(&shape, &a, &w, &b, |_| true);
    let pos: Vec<i64> = y.iter().map(|v| (*v).max(0)).collect();
    let neg: Vec<i64> = y.iter().map(|v| (-*v).max(0)).collect();
    let (af, wf, bf, rf, pf, nf) = (fr(&a), fr(&w), fr(&b), fr(&r), fr(&pos), fr(&neg));
    let point = random_vec(&mut g, 2 + 2 + 2);
    let prove = |wf: &[Fr]| {
        let wit = IteratedDenseWitness {
            input: &af,
            weight: wf,
            bias: &bf,
            outputs: vec![&pf, &nf],
        };
        prove_dense_iterated(shape, &wit, &remainder_at(&rf, &point), &mut transcript()).unwrap()
    };
    let (proof, claims) = prove(&wf);
    let verify = |proof: &IteratedDenseProof<Fr>, at: &TensorClaim<Fr>| {
        verify_dense_iterated(shape, proof, at, &mut transcript())
    };
    let v = verify(&proof, &remainder_at(&rf, &point)).unwrap();
    assert_eq!(v, claims);
    assert!(v.iter().all(|(name, c)| {
        let t: &[Fr] = match *name {
            "input" => &af,
            "weight" => &wf,
            "bias" => &bf,
            "pos" => &pf,
            "neg" => &nf,
            other => panic!("unexpected claim on {other}"),
        };
        holds(t, c)
    }));
    // The remainder's claim is the caller's: it is proven here, never handed on.
    assert!(v.iter().all(|(name, _)| *name != "remainder"));
    // The lookup read a remainder with one entry changed: its claim is not the relation's.
    let mut r2 = rf.clone();
    r2[2 * m * n + 3] += Fr::ONE;
    assert_eq!(
        verify(&proof, &remainder_at(&r2, &point)).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // The point the lookup drew, one coordinate short.
    assert!(matches!(
        verify(&proof, &remainder_at(&rf[..rf.len() / 2], &point[..5])),
        Err(Error::ProofShape { .. })
    ));
    // Every stated value tampered.
    for i in 0..proof.values.len() {
        let mut bad = proof.clone();
        bad.values[i] += Fr::ONE;
        assert_eq!(
            verify(&bad, &remainder_at(&rf, &point)).map(|_| ()),
            Err(Error::SumcheckFinal),
            "value {i}"
        );
    }
    // Iterations 1 and 2 use each other's weights: the honest remainder's claim fails.
    let mut w2 = wf.clone();
    for c in 0..k * n {
        w2.swap(k * n + c, 2 * k * n + c);
    }
    let (swapped, _) = prove(&w2);
    assert!(verify(&swapped, &remainder_at(&rf, &point)).is_err());
}

/// Y and R of A[t]·W[t] + 2^s·B[t] on the rows `biased` says get the bias (the rest: A·W).
fn iterated_forward(
    shape: &zkmodel_prover::blocks::dense_iter::IteratedDense,
    a: &[i64],
    w: &[i64],
    b: &[i64],
    biased: impl Fn(usize) -> bool,
) -> (Vec<i64>, Vec<i64>) {
    let (m, k, n, s) = (shape.m, shape.k, shape.n, shape.scale);
    let mut y = vec![0i64; shape.t * m * n];
    let mut r = vec![0i64; shape.t * m * n];
    for t in 0..shape.t {
        for i in 0..m {
            for j in 0..n {
                let mut p = if biased(i) { b[t * n + j] << s } else { 0 };
                for c in 0..k {
                    p += a[(t * m + i) * k + c] * w[(t * k + c) * n + j];
                }
                y[(t * m + i) * n + j] = p >> s;
                r[(t * m + i) * n + j] = p & ((1 << s) - 1);
            }
        }
    }
    (y, r)
}

/// The dense part of a convolution on a 3×3 map laid out 4×4 (2 examples × 16 rows, 4
/// iterations): with the statement's row mask the padded rows get no bias. Honest stacks verify
/// with true claims; padded rows carrying the bias are refused; a proof under the mask does
/// not verify as the unmasked statement, nor the unmasked one as the masked; an adaptive
/// forger hiding the bias in one remainder entry chosen after the point needs that entry out
/// of its range.
#[test]
fn iterated_dense_layer_with_a_row_mask() {
    use rand::Rng;
    use zkmodel_prover::blocks::dense::RowMask;
    use zkmodel_prover::blocks::dense_iter::{
        IteratedDense, IteratedDenseWitness, prove_dense_iterated, verify_dense_iterated,
    };
    use zkmodel_prover::field::encoding::from_i128;
    let mask = RowMask {
        height: 3,
        width: 3,
        padded_height: 4,
        padded_width: 4,
    };
    let masked = IteratedDense {
        m: 32,
        k: 4,
        n: 2,
        t: 4,
        scale: 3,
        relu: true,
        row_mask: Some(mask),
    };
    let plain = IteratedDense {
        row_mask: None,
        ..masked
    };
    let mut g = rng(10);
    let (m, k, n, tt) = (32usize, 4usize, 2usize, 4usize);
    // Padded im2col rows are 0.
    let a: Vec<i64> = (0..tt * m * k)
        .map(|i| {
            if mask.real((i / k) % m) {
                g.gen_range(0..40)
            } else {
                0
            }
        })
        .collect();
    let w: Vec<i64> = (0..tt * k * n).map(|_| g.gen_range(-20..20)).collect();
    let b: Vec<i64> = (0..tt * n).map(|_| g.gen_range(5..30)).collect();
    let fr = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    // The range lookup's point on R's (col, row, t) variables.
    let point = random_vec(&mut g, 1 + 5 + 2);
    // Proves the stack `biased` says at the claim of its remainder passed through `adjust`
    // first; returns the proof, whether every claim holds on the tables proven, the claims and
    // the remainder's claim.
    let prove_as = |shape: IteratedDense,
                    biased: &dyn Fn(usize) -> bool,
                    adjust: &dyn Fn(&mut [Fr])| {
        let (y, r) = iterated_forward(&shape, &a, &w, &b, biased);
        let pos: Vec<Fr> = fr(&y.iter().map(|v| (*v).max(0)).collect::<Vec<_>>());
        let neg: Vec<Fr> = fr(&y.iter().map(|v| (-*v).max(0)).collect::<Vec<_>>());
        let (af, wf, bf, mut rf) = (fr(&a), fr(&w), fr(&b), fr(&r));
        adjust(&mut rf);
        let wit = IteratedDenseWitness {
            input: &af,
            weight: &wf,
            bias: &bf,
            outputs: vec![&pos, &neg],
        };
        let at = remainder_at(&rf, &point);
        let (proof, claims) = prove_dense_iterated(shape, &wit, &at, &mut transcript()).unwrap();
        let tables = [("input", af), ("weight", wf), ("bias", bf)];
        let true_claims = claims.iter().all(|(name, c)| match *name {
            "pos" => holds(&pos, c),
            "neg" => holds(&neg, c),
            _ => tables.iter().any(|(t, v)| t == name && holds(v, c)),
        });
        (proof, true_claims, claims, at)
    };
    let verify =
        |shape, proof: &_, at: &_| verify_dense_iterated(shape, proof, at, &mut transcript());
    let keep = |_: &mut [Fr]| {};
    let (proof, true_claims, _, at) = prove_as(masked, &|i| mask.real(i), &keep);
    assert!(true_claims);
    verify(masked, &proof, &at).unwrap();
    assert!(verify(plain, &proof, &at).is_err());
    let (biased, _, claims, at) = prove_as(masked, &|_| true, &keep);
    assert_eq!(
        verify(masked, &biased, &at).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    let (unmasked, _, _, at) = prove_as(plain, &|_| true, &keep);
    verify(plain, &unmasked, &at).unwrap();
    assert!(verify(masked, &unmasked, &at).is_err());

    // Adaptive forgery: the padded rows keep their bias, and after seeing the lookup's point r
    // the prover moves one padded remainder entry so that R̃'(r) = R̃(r) − 2^s·B̃·(1 − M̃(r_row))
    // absorbs the bias the mask removes. The block then verifies with true claims — on a
    // remainder entry that is no longer in [0, 2^s), which the statement's range lookup (whose
    // claim this is) refuses.
    let bias = claims.iter().find(|(n, _)| *n == "bias").unwrap().1.clone();
    let r_row = &point[1..6];
    let mask_table: Vec<Fr> = (0..m).map(|i| Fr::from(u64::from(mask.real(i)))).collect();
    let m_at = DenseMle::new(mask_table).unwrap().evaluate(r_row).unwrap();
    let delta = -Fr::from(1u64 << masked.scale) * bias.value * (Fr::ONE - m_at);
    let at = 3 * n; // iteration 0, row 3 (x = 3: padding), column 0
    assert!(!mask.real(3));
    let step = delta
        * zkmodel_prover::poly::eq_table(&point)[at]
            .inverse()
            .unwrap();
    let forge = |r: &mut [Fr]| r[at] += step;
    let (forged, true_claims, _, forged_at) = prove_as(masked, &|_| true, &forge);
    verify(masked, &forged, &forged_at).unwrap();
    assert!(
        true_claims,
        "the forged block's claims hold on the forged remainder"
    );
    let (_, r) = iterated_forward(&masked, &a, &w, &b, |_| true);
    let mut forged_rem = fr(&r);
    forge(&mut forged_rem);
    assert!(
        (0..1u64 << masked.scale).all(|v| forged_rem[at] != Fr::from(v)),
        "the forgery needs a remainder outside [0, 2^s)"
    );
}

/// The SGD update of every iteration, Δ = round(η·Aᵀ·G / 2^sh): honest updates verify with true
/// claims; a changed update in one iteration, or the statement read with another learning rate,
/// are rejected.
#[test]
fn rescaled_weight_update() {
    use rand::Rng;
    use zkmodel_prover::blocks::dense_iter::{
        RescaledContraction, prove_rescaled, verify_rescaled,
    };
    use zkmodel_prover::field::encoding::from_i128;
    let (m, k, n, tt) = (8usize, 4usize, 2usize, 4usize);
    let (eta, sh) = (3u64, 6u32);
    let shape = RescaledContraction {
        contraction: Contraction {
            a: k,
            b: n,
            c: m,
            t: tt,
            left: Operand::Transposed,
            right: Operand::Plain,
        },
        eta_num: eta,
        shift: sh,
    };
    let mut g = rng(10);
    let a: Vec<i64> = (0..tt * m * k).map(|_| g.gen_range(0..50)).collect();
    let gr: Vec<i64> = (0..tt * m * n).map(|_| g.gen_range(-30..30)).collect();
    let mut delta = vec![0i64; tt * k * n];
    let mut rem = vec![0i64; tt * k * n];
    for t in 0..tt {
        for kk in 0..k {
            for j in 0..n {
                let x: i64 = (0..m)
                    .map(|i| a[(t * m + i) * k + kk] * gr[(t * m + i) * n + j])
                    .sum();
                let num = eta as i64 * x + (1 << (sh - 1));
                delta[(t * k + kk) * n + j] = num >> sh;
                rem[(t * k + kk) * n + j] = num & ((1 << sh) - 1);
            }
        }
    }
    let fr = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    let (af, gf, df, rf) = (fr(&a), fr(&gr), fr(&delta), fr(&rem));
    let (proof, claims) = prove_rescaled(shape, &af, &gf, &df, &rf, &mut transcript()).unwrap();
    let v = verify_rescaled(shape, &proof, &mut transcript()).unwrap();
    assert_eq!(v, claims);
    for (name, c) in &v {
        let t: &[Fr] = match *name {
            "left" => &af,
            "right" => &gf,
            "delta" => &df,
            _ => &rf,
        };
        assert!(holds(t, c), "{name}");
    }
    let other = RescaledContraction {
        eta_num: 2,
        ..shape
    };
    assert!(matches!(
        verify_rescaled(other, &proof, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
    let mut d2 = df.clone();
    d2[k * n + 1] += Fr::ONE;
    let (proof, _) = prove_rescaled(shape, &af, &gf, &d2, &rf, &mut transcript()).unwrap();
    assert!(matches!(
        verify_rescaled(shape, &proof, &mut transcript()),
        Err(Error::SumcheckFinal)
    ));
}

/// The bias update ΔB = round(η·Σ_rows G / 2^sh) per iteration: the claims hold on honest
/// tensors, and a changed update makes the claim on G false.
#[test]
fn bias_update() {
    use rand::Rng;
    use zkmodel_prover::blocks::dense_iter::{BiasUpdate, prove_bias_update, verify_bias_update};
    use zkmodel_prover::field::encoding::from_i128;
    let shape = BiasUpdate {
        m: 8,
        n: 4,
        t: 4,
        eta_num: 1,
        shift: 4,
    };
    let mut g = rng(11);
    let gr: Vec<i64> = (0..4 * 8 * 4).map(|_| g.gen_range(-100..100)).collect();
    let mut delta = vec![0i64; 16];
    let mut rem = vec![0i64; 16];
    for t in 0..4 {
        for j in 0..4 {
            let sum: i64 = (0..8).map(|i| gr[(t * 8 + i) * 4 + j]).sum();
            let num = sum + 8;
            delta[t * 4 + j] = num >> 4;
            rem[t * 4 + j] = num & 15;
        }
    }
    let fr = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    let (gf, df, rf) = (fr(&gr), fr(&delta), fr(&rem));
    let check = |d: &[Fr]| {
        let (proof, _) = prove_bias_update(shape, d, &rf, &mut transcript()).unwrap();
        let v = verify_bias_update(shape, &proof, &mut transcript()).unwrap();
        v.iter().all(|(name, c)| {
            let t: &[Fr] = match *name {
                "gradient" => &gf,
                "delta" => d,
                _ => &rf,
            };
            holds(t, c)
        })
    };
    assert!(check(&df));
    let mut d2 = df.clone();
    d2[6] += Fr::ONE;
    assert!(!check(&d2));
}

/// The gradient back-propagated through a dense layer, Δ = round(G·Wᵀ / 2^sh), at the range
/// lookup's claim on its *virtual* remainder: honest claims hold and none is handed on for R;
/// a false claim on R, a tampered Δ̃, a point of another size or a second stated value are
/// refused with the error each meets first. Adaptive: a prover committing a false Δ and
/// letting the lookup read the remainder its relation then defines passes the block — and that
/// remainder leaves [0, 2^sh), which is what the caller's range column refutes.
#[test]
fn rescaled_backprop_at_a_virtual_remainder() {
    use rand::Rng;
    use zkmodel_prover::blocks::dense_iter::{
        RescaledContraction, RescaledProof, prove_rescaled_at, verify_rescaled_at,
    };
    use zkmodel_prover::field::encoding::from_i128;
    let (m, k, n, tt) = (4usize, 8usize, 4usize, 4usize);
    let sh = 7u32;
    let shape = RescaledContraction {
        contraction: Contraction {
            a: m,
            b: k,
            c: n,
            t: tt,
            left: Operand::Plain,
            right: Operand::Transposed,
        },
        eta_num: 1,
        shift: sh,
    };
    let mut g = rng(11);
    let gr: Vec<i64> = (0..tt * m * n).map(|_| g.gen_range(-300..300)).collect();
    let w: Vec<i64> = (0..tt * k * n).map(|_| g.gen_range(-300..300)).collect();
    // The relation's remainder for a given Δ: X + 2^(sh − 1) − 2^sh·Δ, X = G·Wᵀ.
    let x: Vec<i64> = (0..tt * m * k)
        .map(|i| {
            let (t, row, col) = (i / (m * k), (i / k) % m, i % k);
            (0..n)
                .map(|j| gr[(t * m + row) * n + j] * w[(t * k + col) * n + j])
                .sum()
        })
        .collect();
    let delta: Vec<i64> = x.iter().map(|v| (v + (1 << (sh - 1))) >> sh).collect();
    let remainder_of = |d: &[i64]| -> Vec<i64> {
        x.iter()
            .zip(d)
            .map(|(v, d)| v + (1 << (sh - 1)) - (d << sh))
            .collect()
    };
    let rem = remainder_of(&delta);
    assert!(rem.iter().all(|r| (0..1 << sh).contains(r)));
    let fr = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    let (gf, wf, df, rf) = (fr(&gr), fr(&w), fr(&delta), fr(&rem));
    let point = random_vec(&mut g, 3 + 2 + 2);
    let prove = |d: &[Fr], r: &[Fr]| {
        prove_rescaled_at(
            shape,
            &gf,
            &wf,
            d,
            &remainder_at(r, &point),
            &mut transcript(),
        )
        .unwrap()
    };
    let verify = |p: &RescaledProof<Fr>, at: &TensorClaim<Fr>| {
        verify_rescaled_at(shape, p, at, &mut transcript())
    };
    let (proof, claims) = prove(&df, &rf);
    let v = verify(&proof, &remainder_at(&rf, &point)).unwrap();
    assert_eq!(v, claims);
    assert_eq!(
        v.len(),
        3,
        "left, right and delta: the remainder's claim is proven here"
    );
    for (name, c) in &v {
        let t: &[Fr] = match *name {
            "left" => &gf,
            "right" => &wf,
            "delta" => &df,
            other => panic!("unexpected claim on {other}"),
        };
        assert!(holds(t, c), "{name}");
    }
    // The lookup read a remainder with one entry changed.
    let mut r2 = rf.clone();
    r2[5] += Fr::ONE;
    assert_eq!(
        verify(&proof, &remainder_at(&r2, &point)).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    // Δ̃ tampered; a second stated value (the committed form's R̃); a short point.
    let mut bad = proof.clone();
    bad.values[0] += Fr::ONE;
    assert_eq!(
        verify(&bad, &remainder_at(&rf, &point)).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
    let mut bad = proof.clone();
    bad.values.push(remainder_at(&rf, &point).value);
    assert!(matches!(
        verify(&bad, &remainder_at(&rf, &point)),
        Err(Error::ProofShape { .. })
    ));
    assert!(matches!(
        verify(&proof, &remainder_at(&rf[..rf.len() / 2], &point[..6])),
        Err(Error::ProofShape { .. })
    ));
    // Adaptive: Δ off by one in iteration 2, the remainder the relation then defines read by
    // the lookup. Every field identity holds; the remainder's entry is 2^sh too low.
    let mut d3 = delta.clone();
    d3[2 * m * k + 3] += 1;
    let r3 = remainder_of(&d3);
    let (forged, _) = prove(&fr(&d3), &fr(&r3));
    verify(&forged, &remainder_at(&fr(&r3), &point)).unwrap();
    assert!(
        !(0..1 << sh).contains(&r3[2 * m * k + 3]),
        "the range column refuses the remainder a false Δ defines"
    );
    // With the trainer's remainder instead, the false Δ fails the contraction.
    let (forged, _) = prove(&fr(&d3), &rf);
    assert_eq!(
        verify(&forged, &remainder_at(&rf, &point)).map(|_| ()),
        Err(Error::SumcheckFinal)
    );
}
