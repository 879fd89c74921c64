//! The LogUp-GKR verifier, generic over the field backend.

use super::{
    GkrLayer, LookupClaims, LookupProof, LookupStatement, absorb_statement, fold_challenges,
    fold_leaf, root_challenges,
};
use crate::error::{Error, ensure};
use crate::field::FieldOps;
use crate::poly::eq_eval;
use crate::sumcheck::{Composition, VerifierInstance, check_len, verify_batched_bound};
use crate::transcript::{SpongeOps, Transcript, labels};

const TREES: [&str; 2] = ["witness", "table"];

/// A running claim on one tree's current layer.
struct Claim<F> {
    point: Vec<F>,
    p: F,
    q: F,
}

/// Verifies a LogUp-GKR proof and returns the column and multiplicity claims the caller must
/// discharge against its commitments.
pub fn verify<F: FieldOps, S: SpongeOps<F>>(
    statement: &LookupStatement,
    proof: &LookupProof<F>,
    transcript: &mut Transcript<F, S>,
) -> Result<LookupClaims<F>, Error> {
    let bits = statement.table.bits();
    // A function table reads pairs; a range table single columns or differences.
    let pairs_ok = statement
        .columns
        .iter()
        .all(|c| c.second || !statement.table.is_pair());
    ensure(
        !statement.columns.is_empty(),
        "LogUp",
        "a lookup needs at least one column",
    )?;
    if let Some(c) = statement
        .columns
        .iter()
        .find(|c| c.vars > crate::sumcheck::MAX_VARS)
    {
        return Err(Error::TooLarge {
            what: "lookup column variables",
            value: c.vars,
            max: crate::sumcheck::MAX_VARS,
        });
    }
    ensure(
        pairs_ok,
        "LogUp",
        "a function table takes paired (x, f(x)) columns",
    )?;
    ensure(
        statement.table.is_supported(),
        "LogUp",
        "the table is outside the supported limits (ranges of at most 2^24 entries, function \
         tables of 2^2 to 2^14 entries and scale at most 30, at most 8 exponent chunks)",
    )?;
    ensure(
        statement.witness_depth() != 0,
        "LogUp",
        "a lookup needs at least two witness entries",
    )?;
    if statement.witness_depth() > crate::sumcheck::MAX_VARS {
        return Err(Error::TooLarge {
            what: "LogUp witness tree depth",
            value: statement.witness_depth(),
            max: crate::sumcheck::MAX_VARS,
        });
    }
    let depths = [statement.witness_depth(), bits];
    check_len("LogUp roots", 4, proof.roots.len())?;
    check_len("LogUp layers", statement.num_layers(), proof.layers.len())?;
    let seconds = statement.columns.iter().filter(|c| c.second).count();
    check_len(
        "LogUp column evaluations",
        statement.num_columns() + seconds,
        proof.column_evals.len(),
    )?;

    absorb_statement(transcript, statement)?;
    let alpha = if statement.table.is_pair() {
        transcript.challenge(labels::LOGUP_ALPHA)?
    } else {
        F::zero()
    };
    let beta = transcript.challenge(labels::LOGUP_BETA)?;

    let [pw, qw, pt, qt] = proof.roots.as_slice() else {
        return Err(Error::ProofShape {
            what: "LogUp roots",
            expected: 4,
            actual: proof.roots.len(),
        });
    };
    for (q, tree) in [(qw, TREES[0]), (qt, TREES[1])] {
        if !q.enforce_nonzero()? {
            return Err(Error::ZeroDenominator { tree });
        }
    }
    if !pw.mul(qt).enforce_equal(&pt.mul(qw))? {
        return Err(Error::LookupSumMismatch);
    }
    transcript.absorb(labels::GKR_LAYER, &proof.roots)?;
    let mut claims = [
        Claim {
            point: vec![],
            p: pw.clone(),
            q: qw.clone(),
        },
        Claim {
            point: vec![],
            p: pt.clone(),
            q: qt.clone(),
        },
    ];

    let num_layers = proof.layers.len();
    let (mut lambda, mut batch) = root_challenges(transcript)?;
    for (d, layer) in proof.layers.iter().enumerate() {
        let composition = GkrLayer(lambda.clone());
        let active: Vec<usize> = (0..2).filter(|t| depths[*t] > d).collect();
        let instances: Vec<VerifierInstance<'_, F>> = active
            .iter()
            .filter_map(|t| claims.get(*t))
            .map(|c| VerifierInstance {
                num_vars: d,
                composition: &composition as &dyn Composition<F>,
                claim: c.p.add(&lambda.mul(&c.q)),
            })
            .collect();
        let outs = verify_batched_bound(&instances, layer, Some(batch.clone()), transcript)?;
        let (mu, next) = fold_challenges(transcript, d + 1 < num_layers)?;
        if let Some((next_lambda, next_batch)) = next {
            (lambda, batch) = (next_lambda, next_batch);
        }
        for (t, out) in active.iter().zip(outs) {
            let tree = TREES.get(*t).copied().unwrap_or("?");
            let [eq, p0, p1, q0, q1] = out.evals.as_slice() else {
                return Err(Error::ProofShape {
                    what: "GKR layer evaluations",
                    expected: 5,
                    actual: out.evals.len(),
                });
            };
            let claim = claims
                .get_mut(*t)
                .ok_or(Error::GkrLayer { tree, layer: d })?;
            if !eq.enforce_equal(&eq_eval(&claim.point, &out.point))? {
                return Err(Error::GkrLayer { tree, layer: d });
            }
            let mut point = Vec::with_capacity(out.point.len() + 1);
            point.push(mu.clone());
            point.extend(out.point);
            *claim = Claim {
                point,
                p: p0.add(&mu.mul(&p1.sub(p0))),
                q: q0.add(&mu.mul(&q1.sub(q0))),
            };
        }
    }

    // Table leaves: q = β + t̃(r) is succinct; p is the multiplicities' claim.
    let [witness, table] = claims;
    if !table
        .q
        .enforce_equal(&beta.add(&statement.table.evaluate(&table.point, &alpha)))?
    {
        return Err(Error::SuccinctEvaluation {
            what: "LogUp table denominators β + t̃(r)",
        });
    }

    // Witness leaves: the packed segments; unused slots are the neutral fraction 0/1.
    transcript.absorb(labels::LOGUP_COLUMNS, &proof.column_evals)?;
    let r = &witness.point;
    let mut selected = F::zero();
    let mut q_expect = F::zero();
    let mut evals = proof.column_evals.iter();
    for (shape, offset) in statement.columns.iter().zip(statement.offsets()) {
        let (v, w) = match (evals.next(), shape.second) {
            (Some(v), true) => (v, evals.next()),
            (Some(v), false) => (v, None),
            (None, _) => {
                return Err(Error::ProofShape {
                    what: "LogUp column evaluations",
                    expected: statement.num_columns() + seconds,
                    actual: proof.column_evals.len(),
                });
            }
        };
        // sel = eq(r[vars..], bits(offset / len)).
        let index = offset >> shape.vars.min(usize::BITS as usize - 1);
        let high = r.get(shape.vars..).unwrap_or(&[]);
        let sel = high.iter().enumerate().fold(F::one(), |acc, (j, x)| {
            if (index >> j) & 1 == 1 {
                acc.mul(x)
            } else {
                acc.sub(&acc.mul(x))
            }
        });
        let leaf = fold_leaf(&statement.table, v, w, &alpha)
            .add_const(crate::field::encoding::from_i128(i128::from(shape.offset)));
        selected = selected.add(&sel);
        q_expect = q_expect.add(&sel.mul(&beta.add(&leaf)));
    }
    let p_expect = selected.clone();
    let q_expect = q_expect.add(&F::one().sub(&selected));
    if !witness.p.enforce_equal(&p_expect)? {
        return Err(Error::SuccinctEvaluation {
            what: "LogUp witness numerators",
        });
    }
    if !witness.q.enforce_equal(&q_expect)? {
        return Err(Error::SuccinctEvaluation {
            what: "LogUp witness denominators β + ã(r)",
        });
    }
    Ok(LookupClaims {
        column_point: witness.point.clone(),
        column_evals: proof.column_evals.clone(),
        multiplicity_point: table.point,
        multiplicity_eval: table.p,
    })
}
