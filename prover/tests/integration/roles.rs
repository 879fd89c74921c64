#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Commitment roles (DESIGN §11.6): every architecture names its commitments' roles and
//! counts, and the commitments a caller must pin can be recomputed from public data — an
//! initial model from its public seed, a published test set from its data.

use zkmodel_prover::Error;
use zkmodel_prover::pcs::Srs;
use zkmodel_prover::proof::model::{
    ModelArchitecture, ModelShape, Task, Visibility, commit_public_test_set,
};
use zkmodel_prover::proof::roles::CommitmentRole::{self, *};
use zkmodel_prover::proof::train::{TrainArchitecture, commit_seeded_initial_model};
use zkmodel_prover::train::{TrainConfig, initial_model};

fn shape() -> ModelShape {
    ModelShape::from(&initial_model(&[64, 32, 10], 8, 16, 1).unwrap())
}

fn arch(task: Task) -> ModelArchitecture {
    ModelArchitecture {
        shape: shape(),
        task,
    }
}

#[test]
fn every_architecture_names_its_roles() {
    let inference = |input, output| Task::Inference {
        rows: 1,
        input,
        output,
    };
    let cases: [(Task, &[CommitmentRole]); 4] = [
        (
            inference(Visibility::Public, Visibility::Public),
            &[Model, Trace],
        ),
        (
            inference(Visibility::Committed, Visibility::Public),
            &[Model, Trace, Data],
        ),
        (
            inference(Visibility::Committed, Visibility::Committed),
            &[Model, Trace, Data],
        ),
        (Task::Accuracy { examples: 16 }, &[Model, Trace, TestSet]),
    ];
    for (task, roles) in cases {
        let a = arch(task);
        assert_eq!(a.commitment_roles(), roles, "{task:?}");
        assert_eq!(a.num_commitments(), roles.len());
    }
    // Public values: 64 inputs of 16 bits and 10 logits pack into words; a count is one word.
    assert_eq!(
        arch(Task::Accuracy { examples: 16 }).public_len().unwrap(),
        1
    );
    assert!(
        arch(inference(Visibility::Public, Visibility::Public))
            .public_len()
            .unwrap()
            > 1
    );
    let t = TrainArchitecture::new(shape(), TrainConfig::digits_mlp(4), 64).unwrap();
    assert_eq!(
        t.commitment_roles(),
        [FinalModel, InitialModel, Dataset, Trace]
    );
    assert_eq!((t.num_commitments(), t.public_len()), (4, 0));
    // Only the trace and a prover's own data are free.
    for r in [Model, TestSet, FinalModel, InitialModel, Dataset] {
        assert!(!r.is_free(), "{r}");
    }
    assert!(Trace.is_free() && Data.is_free());
}

#[test]
fn a_seeded_initial_model_is_recomputable_from_its_seed() {
    let t = TrainArchitecture::new(shape(), TrainConfig::digits_mlp(4), 64).unwrap();
    let len = t.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(1, len);
    let (q, a) = commit_seeded_initial_model(&srs, &t, &[64, 32, 10], 7).unwrap();
    let (_, b) = commit_seeded_initial_model(&srs, &t, &[64, 32, 10], 7).unwrap();
    assert_eq!(a.commitment, b.commitment, "anyone recomputes it");
    assert_eq!(a.vector, b.vector, "mask slots derived from the seed");
    assert_eq!(q, initial_model(&[64, 32, 10], 8, 16, 7).unwrap());
    let (_, c) = commit_seeded_initial_model(&srs, &t, &[64, 32, 10], 8).unwrap();
    assert_ne!(a.commitment, c.commitment, "another seed, another model");
    assert!(matches!(
        commit_seeded_initial_model(&srs, &t, &[64, 16, 10], 7),
        Err(Error::BlockShape {
            block: "initial model",
            ..
        })
    ));
}

#[test]
fn a_published_test_set_commitment_is_recomputable() {
    let a = arch(Task::Accuracy { examples: 16 });
    let len = a.vector_lengths().unwrap().into_iter().max().unwrap();
    let srs = Srs::insecure_development(2, len);
    let input: Vec<i64> = (0..16 * 64).map(|i| (i % 37) - 18).collect();
    let labels: Vec<usize> = (0..16).map(|i| i % 10).collect();
    let x = commit_public_test_set(&srs, &a, &input, &labels).unwrap();
    let y = commit_public_test_set(&srs, &a, &input, &labels).unwrap();
    assert_eq!(x.commitment, y.commitment);
    let mut relabelled = labels.clone();
    relabelled[3] = 9;
    let z = commit_public_test_set(&srs, &a, &input, &relabelled).unwrap();
    assert_ne!(x.commitment, z.commitment, "labels are bound");
    relabelled[3] = 10;
    assert_eq!(
        commit_public_test_set(&srs, &a, &input, &relabelled).map(|_| ()),
        Err(Error::TooLarge {
            what: "label (a class index)",
            value: 10,
            max: 9
        })
    );
}
