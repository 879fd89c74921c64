//! The witness recorder (`StatementCircuit::assignment`, what proving uses) reproduces
//! arkworks' synthesis exactly — the same public inputs, witness and constraint rows — on
//! every statement kind, honest and tampered: the circuit tests in `model_circuit` and
//! `train_circuit` check every circuit they build through [`satisfied`].

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use zkmodel_prover::Fr;
use zkmodel_prover::proof::statement::Statement;
use zkmodel_wrapper::assignment::Assignment;
use zkmodel_wrapper::circuit::StatementCircuit;

/// Whether arkworks' constraint system for `c` is satisfied, and its constraint count — after
/// checking that the recorded assignment is arkworks' (or that both refuse the circuit) and
/// satisfies exactly the same.
pub(crate) fn satisfied<S: Statement>(c: StatementCircuit<S>) -> (bool, usize) {
    let recorded = c.assignment();
    let reference = Assignment::synthesize(c.clone());
    let cs = ConstraintSystem::<Fr>::new_ref();
    let ok = c.generate_constraints(cs.clone()).is_ok() && cs.is_satisfied().unwrap();
    match (recorded, reference) {
        (Ok(recorded), Ok(reference)) => {
            assert_eq!(recorded.instance, reference.instance, "public inputs");
            assert_eq!(recorded.witness, reference.witness, "witness");
            for (i, (r, a)) in recorded.rows.iter().zip(&reference.rows).enumerate() {
                assert_eq!(r.len(), a.len(), "row count of {}", ["A", "B", "C"][i]);
                if let Some(k) = r.iter().zip(a).position(|(r, a)| r != a) {
                    panic!("{}·z differs first at constraint {k}", ["A", "B", "C"][i]);
                }
            }
            assert_eq!(recorded.rows[0].len(), cs.num_constraints());
            assert_eq!(recorded.witness.len(), cs.num_witness_variables());
            assert_eq!(recorded.instance.len() + 1, cs.num_instance_variables());
            assert_eq!(recorded.first_unsatisfied().is_none(), ok);
        }
        (Err(_), Err(_)) => assert!(!ok),
        (recorded, reference) => panic!(
            "the recorder and arkworks disagree on whether the circuit builds: {:?} / {:?}",
            recorded.err(),
            reference.err()
        ),
    }
    (ok, cs.num_constraints())
}
