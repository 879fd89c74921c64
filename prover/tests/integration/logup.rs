#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Completeness and soundness of LogUp-GKR: honest lookups verify and their claims are the
//! true MLE evaluations; values outside the table, wrong multiplicities, and every tampered
//! root, layer message or column evaluation are rejected with typed errors.

use crate::common::{rng, transcript};
use ark_ff::{AdditiveGroup, Field};
use proptest::prelude::*;
use rand::Rng;
use zkmodel_prover::field::encoding::from_i128;
use zkmodel_prover::lookup::{
    ColumnShape, LookupClaims, LookupColumn, LookupProof, LookupStatement, Table, prove,
    prove_columns, prove_with_multiplicities, verify,
};
use zkmodel_prover::{Error, Fr, poly::DenseMle};

fn columns(seed: u64, count: usize, vars: usize, bits: usize) -> Vec<Vec<Fr>> {
    let mut r = rng(seed);
    (0..count)
        .map(|_| {
            (0..1 << vars)
                .map(|_| Fr::from(r.gen_range(0..1u64 << bits)))
                .collect()
        })
        .collect()
}

fn with_names(cols: &[Vec<Fr>]) -> Vec<(String, Vec<Fr>)> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| (format!("col{i}"), c.clone()))
        .collect()
}

fn run_prove(table: Table, cols: &[Vec<Fr>]) -> (LookupProof<Fr>, LookupClaims<Fr>, Vec<Fr>) {
    let named = with_names(cols);
    let refs: Vec<(&str, &[Fr])> = named
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let out = prove(table, &refs, &mut transcript()).unwrap();
    (out.proof, out.claims, out.multiplicities)
}

/// A proof with caller-chosen multiplicities (what a cheating prover controls).
fn prove_given(table: Table, cols: &[Vec<Fr>], mult: &[Fr]) -> LookupProof<Fr> {
    let named = with_names(cols);
    let refs: Vec<(&str, &[Fr])> = named
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    prove_with_multiplicities(table, &refs, mult, &mut transcript())
        .unwrap()
        .0
}

fn statement(table: Table, cols: &[Vec<Fr>]) -> LookupStatement {
    LookupStatement::uniform(table, cols.len(), cols[0].len().trailing_zeros() as usize)
}

/// One column of 2^`vars` entries with a second tensor (a function table's pair, or a range
/// table's subtrahend).
fn with_second(table: Table, vars: usize) -> LookupStatement {
    LookupStatement {
        table,
        columns: vec![ColumnShape {
            vars,
            offset: 0,
            second: true,
        }],
    }
}

fn check(st: &LookupStatement, proof: &LookupProof<Fr>) -> Result<LookupClaims<Fr>, Error> {
    verify(st, proof, &mut transcript())
}

#[test]
fn honest_lookups_verify_with_true_claims() {
    // (columns, column vars, table bits): deeper witness, deeper table, padding columns.
    for (count, vars, bits) in [
        (1, 1, 1),
        (1, 6, 4),
        (3, 4, 8),
        (5, 3, 2),
        (2, 2, 6),
        (4, 8, 8),
    ] {
        let cols = columns(vars as u64 * 31 + bits as u64, count, vars, bits);
        let table = Table::Range { bits };
        let (proof, claims, mult) = run_prove(table, &cols);
        let st = statement(table, &cols);
        let v = check(&st, &proof).unwrap();
        assert_eq!(v, claims);
        for (c, e) in cols.iter().zip(&v.column_evals) {
            assert_eq!(
                DenseMle::new(c.clone())
                    .unwrap()
                    .evaluate(&v.column_point[..vars])
                    .unwrap(),
                *e
            );
        }
        let m = DenseMle::new(mult.clone()).unwrap();
        assert_eq!(
            m.evaluate(&v.multiplicity_point).unwrap(),
            v.multiplicity_eval
        );
        assert_eq!(mult.iter().sum::<Fr>(), Fr::from((count << vars) as u64));
    }
}

#[test]
fn value_outside_the_table_names_column_and_index() {
    let mut cols = columns(1, 3, 5, 4);
    cols[2][19] = Fr::from(16u64);
    let named = with_names(&cols);
    let refs: Vec<(&str, &[Fr])> = named
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    let err = prove(Table::Range { bits: 4 }, &refs, &mut transcript()).unwrap_err();
    match &err {
        Error::ValueNotInTable {
            column,
            index,
            table,
            ..
        } => {
            assert_eq!(
                (column.as_str(), *index, table.as_str()),
                ("col2", 19, "range [0, 2^4)")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("col2") && err.to_string().contains("19"));
    // Negative numbers are huge field elements, also outside.
    cols[2][19] = -Fr::ONE;
    let named2 = with_names(&cols);
    let refs: Vec<(&str, &[Fr])> = named2
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    assert!(matches!(
        prove(Table::Range { bits: 4 }, &refs, &mut transcript()),
        Err(Error::ValueNotInTable { .. })
    ));
}

#[test]
fn cheating_prover_with_a_value_outside_the_table_is_rejected() {
    let table = Table::Range { bits: 4 };
    let mut cols = columns(2, 2, 4, 4);
    cols[0][3] = Fr::from(16u64); // out of range
    // The best multiplicities a cheater can state: counts of the in-range values, plus a
    // guess for the out-of-range one attributed to the nearest entry.
    let mut mult = vec![Fr::ZERO; 16];
    for c in &cols {
        for v in c {
            let j = zkmodel_prover::field::encoding::to_u64(v).unwrap().min(15) as usize;
            mult[j] += Fr::ONE;
        }
    }
    let proof = prove_given(table, &cols, &mult);
    assert_eq!(
        check(&statement(table, &cols), &proof).unwrap_err(),
        Error::LookupSumMismatch
    );

    // Forging the roots to balance moves the failure into the first GKR layer.
    let mut forged = proof.clone();
    let (pt, qt, qw) = (forged.roots[2], forged.roots[3], forged.roots[1]);
    forged.roots[0] = pt * qw * qt.inverse().unwrap();
    assert!(matches!(
        check(&statement(table, &cols), &forged),
        Err(Error::SumcheckFinal)
    ));
}

#[test]
fn wrong_multiplicities_are_rejected() {
    let table = Table::Range { bits: 3 };
    let cols = columns(3, 2, 4, 3);
    let (_, _, mut mult) = run_prove(table, &cols);
    mult[0] += Fr::ONE;
    mult[1] -= Fr::ONE; // same total count, wrong distribution
    let proof = prove_given(table, &cols, &mult);
    assert_eq!(
        check(&statement(table, &cols), &proof).unwrap_err(),
        Error::LookupSumMismatch
    );
}

#[test]
fn every_tampered_message_is_rejected() {
    let table = Table::Range { bits: 3 };
    let cols = columns(4, 3, 3, 3);
    let st = statement(table, &cols);
    let (proof, _, _) = run_prove(table, &cols);
    for i in 0..proof.roots.len() {
        let mut bad = proof.clone();
        bad.roots[i] += Fr::ONE;
        assert!(
            matches!(check(&st, &bad), Err(Error::LookupSumMismatch)),
            "root {i}"
        );
    }
    for (l, layer) in proof.layers.iter().enumerate() {
        for r in 0..layer.rounds.len() {
            for j in 0..layer.rounds[r].len() {
                let mut bad = proof.clone();
                bad.layers[l].rounds[r][j] += Fr::ONE;
                assert!(
                    matches!(check(&st, &bad), Err(Error::SumcheckFinal)),
                    "layer {l} round {r} eval {j}"
                );
            }
        }
        for t in 0..layer.final_evals.len() {
            for j in 0..layer.final_evals[t].len() {
                let mut bad = proof.clone();
                bad.layers[l].final_evals[t][j] += Fr::ONE;
                assert!(
                    matches!(check(&st, &bad), Err(Error::SumcheckFinal)),
                    "layer {l} tree {t} eval {j}"
                );
            }
        }
    }
    for c in 0..proof.column_evals.len() {
        let mut bad = proof.clone();
        bad.column_evals[c] += Fr::ONE;
        assert!(
            matches!(check(&st, &bad), Err(Error::SuccinctEvaluation { .. })),
            "column {c}"
        );
    }
    // A zero denominator at a root is refused outright.
    let mut bad = proof.clone();
    bad.roots[1] = Fr::ZERO;
    assert_eq!(
        check(&st, &bad).unwrap_err(),
        Error::ZeroDenominator { tree: "witness" }
    );
}

/// An adversary that, after every challenge of the last GKR layer is known, rewrites that
/// layer's child values so its sumcheck still balances: p₀ += δ·q₀ and p₁ −= δ·q₁ leave
/// p₀q₁ + p₁q₀ + λq₀q₁ unchanged for any δ. Only the fold μ — drawn after the rewritten
/// values are absorbed — separates the forged leaf claim from the true one. The witness
/// tree's rewrite is refused at its succinct numerator leaves; the table tree's moves μ (both
/// trees end at the same point here), so the column evaluations the proof carries no longer
/// sit at the leaf point and the denominator leaves refuse it.
#[test]
fn a_balanced_rewrite_of_the_last_layer_is_caught_by_the_fold() {
    let table = Table::Range { bits: 3 };
    let cols = columns(8, 2, 2, 3); // witness depth 3 = table depth 3: both trees reach the end
    let st = statement(table, &cols);
    let (proof, _, _) = run_prove(table, &cols);
    let last = proof.layers.len() - 1;
    assert_eq!(proof.layers[last].final_evals.len(), 2);
    for (tree, delta, what) in [
        (0, Fr::from(5u64), "LogUp witness numerators"),
        (1, Fr::from(7u64), "LogUp witness denominators β + ã(r)"),
    ] {
        let mut forged = proof.clone();
        let evals = &mut forged.layers[last].final_evals[tree];
        let (q0, q1) = (evals[3], evals[4]);
        evals[1] += delta * q0;
        evals[2] -= delta * q1;
        assert_eq!(
            check(&st, &forged).unwrap_err(),
            Error::SuccinctEvaluation { what },
            "tree {tree}"
        );
    }
}

#[test]
fn proof_is_bound_to_its_statement() {
    let table = Table::Range { bits: 3 };
    let cols = columns(5, 2, 3, 3);
    let (proof, _, _) = run_prove(table, &cols);
    let st = statement(table, &cols);
    let with_offset = |c: usize, offset: i64| {
        let mut s = st.clone();
        s.columns[c].offset = offset;
        s
    };
    let with_vars = |c: usize, vars: usize| {
        let mut s = st.clone();
        s.columns[c].vars = vars;
        s
    };
    // A statement with another tree depth has another number of layers; any other statement
    // is absorbed first and gives other challenges.
    let layers = |expected| Error::ProofShape {
        what: "LogUp layers",
        expected,
        actual: 4,
    };
    for (other, want) in [
        (
            LookupStatement {
                table: Table::Range { bits: 4 },
                ..st.clone()
            },
            Error::SumcheckFinal,
        ),
        (LookupStatement::uniform(table, 1, 3), layers(3)),
        (LookupStatement::uniform(table, 3, 3), layers(5)),
        (LookupStatement::uniform(table, 2, 2), layers(3)),
        (with_offset(1, 1), Error::SumcheckFinal),
        (with_offset(0, -1), Error::SumcheckFinal),
        (with_vars(1, 2), Error::SumcheckFinal),
    ] {
        assert_eq!(check(&other, &proof).map(|_| ()), Err(want), "{other:?}");
    }
    let unsupported = Error::BlockShape {
        block: "LogUp",
        reason: "the table is outside the supported limits (ranges of at most 2^24 entries, \
                 function tables of 2^2 to 2^14 entries and scale at most 30, at most 8 \
                 exponent chunks)",
    };
    for (bad, want) in [
        (
            LookupStatement::uniform(table, 0, 3),
            Error::BlockShape {
                block: "LogUp",
                reason: "a lookup needs at least one column",
            },
        ),
        (
            LookupStatement {
                table: Table::Range { bits: 0 },
                ..st.clone()
            },
            unsupported.clone(),
        ),
        (
            LookupStatement {
                table: Table::Range { bits: 99 },
                ..st.clone()
            },
            unsupported,
        ),
        (
            LookupStatement::uniform(table, 2, 1000),
            Error::TooLarge {
                what: "lookup column variables",
                value: 1000,
                max: 40,
            },
        ),
    ] {
        assert_eq!(check(&bad, &proof).map(|_| ()), Err(want), "{bad:?}");
    }
}

/// Columns of different sizes and signed values with offsets share one instance: the claims
/// are each tensor's MLE at its prefix of the column point, and a value that only fits without
/// the offset is rejected.
#[test]
fn mixed_sizes_and_offsets() {
    let table = Table::Range { bits: 4 };
    let signed: Vec<Fr> = (0..8i64)
        .map(|i| from_i128(i128::from(2 * i - 8)))
        .collect();
    let small: Vec<Fr> = (0..2u64).map(|i| Fr::from(15 - i)).collect();
    let big: Vec<Fr> = (0..32u64).map(|i| Fr::from(i % 16)).collect();
    let cols = [
        LookupColumn {
            name: "signed",
            values: &signed,
            offset: 8,
            second: None,
        },
        LookupColumn::plain("small", &small),
        LookupColumn::plain("big", &big),
    ];
    let proven = prove_columns(table, &cols, &mut transcript()).unwrap();
    let st = LookupStatement {
        table,
        columns: vec![
            ColumnShape {
                vars: 3,
                offset: 8,
                second: false,
            },
            ColumnShape {
                vars: 1,
                offset: 0,
                second: false,
            },
            ColumnShape {
                vars: 5,
                offset: 0,
                second: false,
            },
        ],
    };
    let v = check(&st, &proven.proof).unwrap();
    assert_eq!(v, proven.claims);
    for (c, e) in cols.iter().zip(&v.column_evals) {
        let vars = c.values.len().trailing_zeros() as usize;
        let mle = DenseMle::new(c.values.to_vec()).unwrap();
        assert_eq!(mle.evaluate(&v.column_point[..vars]).unwrap(), *e);
    }
    // Only real entries are counted: the packed witness pads with neutral fractions.
    assert_eq!(
        proven.multiplicities.iter().sum::<Fr>(),
        Fr::from(8 + 2 + 32u64)
    );
    // A wrong offset in the statement is rejected.
    let mut other = st.clone();
    other.columns[0].offset = 7;
    assert!(matches!(
        check(&other, &proven.proof),
        Err(Error::SumcheckFinal)
    ));
    // −9 + 8 is outside [0, 16): the prover names the tensor and the signed value.
    let mut bad = signed.clone();
    bad[3] = from_i128(-9);
    let cols = [LookupColumn {
        name: "signed",
        values: &bad,
        offset: 8,
        second: None,
    }];
    match prove_columns(table, &cols, &mut transcript()).unwrap_err() {
        Error::ValueNotInTable {
            column,
            index,
            value,
            ..
        } => assert_eq!(
            (column.as_str(), index, value.as_str()),
            ("signed", 3, "-9")
        ),
        e => panic!("{e:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Truncated, extended or garbage proofs never panic the verifier.
    #[test]
    fn verifier_never_panics_on_malformed_proofs(
        drop_layer in any::<bool>(),
        layer_idx in 0usize..8,
        push_round in any::<bool>(),
        truncate_final in any::<bool>(),
        extra_cols in 0usize..3,
        roots_len in 0usize..6,
        seed in any::<u64>(),
    ) {
        let table = Table::Range { bits: 3 };
        let cols = columns(6, 2, 3, 3);
        let st = statement(table, &cols);
        let (mut proof, _, _) = run_prove(table, &cols);
        let l = layer_idx % proof.layers.len();
        if drop_layer { proof.layers.remove(l); }
        else if let Some(layer) = proof.layers.get_mut(l) {
            if push_round { layer.rounds.push(vec![Fr::from(seed); 4]); }
            if truncate_final && let Some(f) = layer.final_evals.last_mut() { f.pop(); }
        }
        proof.column_evals.extend((0..extra_cols).map(|i| Fr::from(seed + i as u64)));
        proof.roots.resize(roots_len, Fr::from(seed));
        let changed = drop_layer || push_round || truncate_final || extra_cols > 0 || roots_len != 4;
        let result = check(&st, &proof);
        prop_assert!(!changed || result.is_err());
    }
}

/// Function tables: (x, f(x)) pairs folded with α. Honest pairs verify with true claims on both
/// tensors; a wrong output is refused by the prover (naming the column) and, forced through,
/// rejected by the verifier.
#[test]
fn function_table_pairs() {
    use zkmodel_prover::lookup::{Real, TableFn};
    let leaky = |a: f32| TableFn::LeakyRelu {
        alpha: Real::new(a),
    };
    let clip = |lo: f32, hi: f32| TableFn::Clip {
        min: Real::new(lo),
        max: Real::new(hi),
    };
    for (f, other) in [
        (TableFn::Sigmoid, TableFn::Tanh),
        (TableFn::Tanh, TableFn::Sigmoid),
        (leaky(0.1), leaky(0.2)),
        (clip(0.0, 6.0), clip(0.0, 2.0)),
        (TableFn::Gelu, TableFn::Sigmoid),
    ] {
        function_table_pairs_for(f, other);
    }
}

/// [`function_table_pairs`] for `f`, with `other` a function whose statement must not verify
/// `f`'s proof.
fn function_table_pairs_for(
    f: zkmodel_prover::lookup::TableFn,
    other_f: zkmodel_prover::lookup::TableFn,
) {
    use zkmodel_prover::lookup::prove_given;
    let table = Table::Function {
        bits: 6,
        f,
        scale: 3,
    };
    let xs: Vec<i64> = (0..16).map(|i| (i * 7) % 64 - 32).collect();
    let x: Vec<Fr> = xs.iter().map(|v| from_i128(i128::from(*v))).collect();
    let fx: Vec<Fr> = xs
        .iter()
        .map(|v| from_i128(i128::from(f.quantized(*v, 3))))
        .collect();
    let cols = [LookupColumn {
        name: "pre",
        values: &x,
        offset: 0,
        second: Some(&fx),
    }];
    let proven = prove_columns(table, &cols, &mut transcript()).unwrap();
    let st = with_second(table, 4);
    let v = check(&st, &proven.proof).unwrap();
    assert_eq!(v.column_evals.len(), 2);
    for (t, e) in [&x, &fx].iter().zip(&v.column_evals) {
        let mle = DenseMle::new(t.to_vec()).unwrap();
        assert_eq!(mle.evaluate(&v.column_point).unwrap(), *e);
    }
    // The same statement unpaired, or over another function, does not verify.
    let mut other = st.clone();
    other.table = Table::Function {
        bits: 6,
        f: other_f,
        scale: 3,
    };
    assert!(matches!(
        check(&other, &proven.proof),
        Err(Error::SumcheckFinal)
    ));

    // A wrong output: the prover names it; forced with the honest multiplicities, rejected.
    let mut bad = fx.clone();
    bad[5] += Fr::ONE;
    let cols = [LookupColumn {
        name: "pre",
        values: &x,
        offset: 0,
        second: Some(&bad),
    }];
    match prove_columns(table, &cols, &mut transcript()).unwrap_err() {
        Error::ValueNotInTable { column, index, .. } => {
            assert_eq!((column.as_str(), index), ("pre", 5))
        }
        e => panic!("{e:?}"),
    }
    let (forged, _) = prove_given(table, &cols, &proven.multiplicities, &mut transcript()).unwrap();
    assert!(matches!(check(&st, &forged), Err(Error::LookupSumMismatch)));
}

/// A range table's column with a second tensor checks the difference a − b + offset without
/// it being committed: honest claims are both tensors' evaluations; a difference outside the
/// table is named by the prover and, forced through with the honest multiplicities, rejected;
/// a tampered evaluation is rejected at the leaves. The lookup binds only ã − b̃ at the leaf
/// point: shifting both claims by the same δ passes the lookup, so each claim must be
/// discharged against the commitment (as every lookup claim is).
#[test]
fn a_difference_column_checks_the_difference_without_committing_it() {
    use zkmodel_prover::lookup::prove_given;
    let table = Table::Range { bits: 4 };
    let a_int: Vec<i64> = (0..16).map(|i| (i * 5) % 16).collect();
    let b_int: Vec<i64> = a_int.iter().map(|a| i64::from(*a > 0)).collect();
    let ints = |v: &[i64]| -> Vec<Fr> { v.iter().map(|x| from_i128(i128::from(*x))).collect() };
    let (a, b) = (ints(&a_int), ints(&b_int));
    fn column<'a>(a: &'a [Fr], b: &'a [Fr]) -> LookupColumn<'a> {
        LookupColumn {
            name: "a",
            values: a,
            offset: 0,
            second: Some(b),
        }
    }
    let st = with_second(table, 4);
    let proven = prove_columns(table, &[column(&a, &b)], &mut transcript()).unwrap();
    let v = check(&st, &proven.proof).unwrap();
    assert_eq!(v.column_evals.len(), 2);
    for (t, e) in [&a, &b].iter().zip(&v.column_evals) {
        let mle = DenseMle::new(t.to_vec()).unwrap();
        assert_eq!(mle.evaluate(&v.column_point).unwrap(), *e);
    }
    // The multiplicities count the differences.
    let diffs: Vec<i64> = a_int.iter().zip(&b_int).map(|(x, y)| x - y).collect();
    for (j, m) in proven.multiplicities.iter().enumerate() {
        let count = diffs.iter().filter(|d| **d == j as i64).count() as u64;
        assert_eq!(*m, Fr::from(count), "entry {j}");
    }
    // Read as a single column, the proof does not verify.
    let mut single = st.clone();
    single.columns[0].second = false;
    assert!(matches!(
        check(&single, &proven.proof),
        Err(Error::ProofShape { .. })
    ));
    // Either evaluation tampered: the leaves' denominators disagree.
    for k in 0..2 {
        let mut bad = proven.proof.clone();
        bad.column_evals[k] += Fr::ONE;
        assert_eq!(
            check(&st, &bad).unwrap_err(),
            Error::SuccinctEvaluation {
                what: "LogUp witness denominators β + ã(r)"
            }
        );
    }
    // Both shifted by δ: the lookup's leaves hold (only the difference is looked up), and the
    // claims it hands back are no longer the tensors' evaluations — the commitment opening's
    // to refuse.
    let mut shifted = proven.proof.clone();
    shifted.column_evals[0] += Fr::from(5u64);
    shifted.column_evals[1] += Fr::from(5u64);
    let w = check(&st, &shifted).unwrap();
    assert_ne!(
        DenseMle::new(a.clone())
            .unwrap()
            .evaluate(&w.column_point)
            .unwrap(),
        w.column_evals[0]
    );
    // b > a at index 4 (a = 4, b = 5): a − b = −1 is outside [0, 16).
    let mut b_bad = b.clone();
    b_bad[4] = Fr::from(5u64);
    match prove_columns(table, &[column(&a, &b_bad)], &mut transcript()).unwrap_err() {
        Error::ValueNotInTable {
            column,
            index,
            value,
            ..
        } => assert_eq!((column.as_str(), index, value.as_str()), ("a", 4, "-1")),
        e => panic!("{e:?}"),
    }
    // Forced with the honest multiplicities: the fraction sums differ.
    let (forged, _) = prove_given(
        table,
        &[column(&a, &b_bad)],
        &proven.multiplicities,
        &mut transcript(),
    )
    .unwrap();
    assert_eq!(check(&st, &forged).unwrap_err(), Error::LookupSumMismatch);
}

/// The softmax's exponential chunk tables as lookup tables: honest (chunk, e) pairs verify, a
/// wrong exponential is refused, and the trainer reads the very same entries.
#[test]
fn exp_chunk_tables() {
    use zkmodel_prover::lookup::exp_chunk;
    use zkmodel_prover::train::softmax::chunk_tables;
    let scale = 8;
    for (c, row) in chunk_tables(scale).iter().enumerate() {
        for (v, e) in row.iter().enumerate() {
            assert_eq!(*e, exp_chunk(c as u32, v as i64, scale));
        }
    }
    let table = Table::ExpChunks { chunks: 4, scale };
    // Chunk 1's column, looked up with offset 16.
    let d: Vec<Fr> = (0..32u64).map(|i| Fr::from((i * 5) % 16)).collect();
    let e: Vec<Fr> = (0..32i64)
        .map(|i| from_i128(i128::from(exp_chunk(1, (i * 5) % 16, scale))))
        .collect();
    let cols = [LookupColumn {
        name: "d1",
        values: &d,
        offset: 16,
        second: Some(&e),
    }];
    let proven = prove_columns(table, &cols, &mut transcript()).unwrap();
    let st = LookupStatement {
        table,
        columns: vec![ColumnShape {
            vars: 5,
            offset: 16,
            second: true,
        }],
    };
    check(&st, &proven.proof).unwrap();
    // Read as chunk 2's column (another offset), the same pairs are rejected.
    let mut other = st.clone();
    other.columns[0].offset = 32;
    assert!(matches!(
        check(&other, &proven.proof),
        Err(Error::SumcheckFinal)
    ));
    // Without the offset the pairs are not chunk 0's entries: the prover refuses.
    let cols0 = [LookupColumn {
        offset: 0,
        ..cols[0]
    }];
    assert!(matches!(
        prove_columns(table, &cols0, &mut transcript()),
        Err(Error::ValueNotInTable { .. })
    ));
    let mut bad = e.clone();
    bad[7] += Fr::ONE;
    let cols = [LookupColumn {
        name: "d1",
        values: &d,
        offset: 16,
        second: Some(&bad),
    }];
    assert!(matches!(
        prove_columns(table, &cols, &mut transcript()),
        Err(Error::ValueNotInTable { index: 7, .. })
    ));
}
