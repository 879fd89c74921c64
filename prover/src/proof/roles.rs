//! Commitment roles (DESIGN §11.6): what each commitment of a statement stands for, and who
//! must have registered it for the statement to mean what it says.
//!
//! A verifier cannot tell a legitimate commitment from one the prover made up: a proof is
//! only ever "about the commitments it names". A claim means something only when every
//! commitment whose role is not free was pinned by someone other than the prover — the model
//! registered once by its seller, a test set or dataset registered by its publisher, the
//! initial model of a training run registered or derived from a public seed. Only the trace
//! (and data the prover or its buyer committed for themselves) is free. Verifiers that take a
//! wrapped proof check its commitments against the roles of the architecture with
//! [`check_pinned`]; the marketplace contract does the same on chain.

use crate::error::Error;
use ark_bn254::G1Affine;

/// The role of one commitment in a statement, in the order the statement lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommitmentRole {
    /// A model's weights, registered once by the seller. Inference and accuracy claims.
    Model,
    /// The proof's private trace: committed fresh by the prover for each proof. Free.
    Trace,
    /// Inputs or outputs the prover (or the buyer who supplied them) committed: meaningful to
    /// whoever holds their opening. Free.
    Data,
    /// A labelled test set, registered by its publisher — someone other than the seller, or
    /// an accuracy count means nothing (a seller could label its own test set).
    TestSet,
    /// The model a training run ends with: the model commitment of the model's inference and
    /// accuracy claims, registered by the seller.
    FinalModel,
    /// The model a training run starts from: a registered model, or one derived from a public
    /// seed that anyone can recompute.
    InitialModel,
    /// The training dataset, registered by its publisher.
    Dataset,
}

impl CommitmentRole {
    /// Whether the prover may choose this commitment freely (nothing to pin).
    pub fn is_free(self) -> bool {
        matches!(self, CommitmentRole::Trace | CommitmentRole::Data)
    }

    /// The code contracts use for this role (`IZkmodelVerifier.commitmentRoles()`).
    pub fn code(self) -> u8 {
        match self {
            CommitmentRole::Model => 0,
            CommitmentRole::Trace => 1,
            CommitmentRole::Data => 2,
            CommitmentRole::TestSet => 3,
            CommitmentRole::FinalModel => 4,
            CommitmentRole::InitialModel => 5,
            CommitmentRole::Dataset => 6,
        }
    }

    /// Who must have registered a commitment of this role (for documentation and CLI output).
    pub fn pinned_by(self) -> &'static str {
        match self {
            CommitmentRole::Model | CommitmentRole::FinalModel => "registered by the seller",
            CommitmentRole::Trace => "free: the prover's trace",
            CommitmentRole::Data => "free: data the prover or its buyer committed",
            CommitmentRole::TestSet => "registered by its publisher, not the seller",
            CommitmentRole::InitialModel => "a registered model or derived from a public seed",
            CommitmentRole::Dataset => "registered by its publisher",
        }
    }
}

impl std::fmt::Display for CommitmentRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CommitmentRole::Model => "model",
            CommitmentRole::Trace => "trace",
            CommitmentRole::Data => "data",
            CommitmentRole::TestSet => "test set",
            CommitmentRole::FinalModel => "final model",
            CommitmentRole::InitialModel => "initial model",
            CommitmentRole::Dataset => "dataset",
        })
    }
}

/// The commitments of an inference or accuracy statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelCommitments {
    /// The registered model.
    pub model: G1Affine,
    /// The proof's trace.
    pub trace: G1Affine,
    /// Committed data (inference) or the test set (accuracy), when the architecture has one.
    pub data: Option<G1Affine>,
}

impl ModelCommitments {
    /// In statement order: model, trace, data.
    pub fn to_vec(&self) -> Vec<G1Affine> {
        let mut v = vec![self.model, self.trace];
        v.extend(self.data);
        v
    }
}

/// The commitments of a training statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingCommitments {
    /// The trained model (the model commitment of its inference and accuracy claims).
    pub final_model: G1Affine,
    /// The starting model.
    pub initial_model: G1Affine,
    /// The dataset.
    pub dataset: G1Affine,
    /// The proof's trace.
    pub trace: G1Affine,
}

impl TrainingCommitments {
    /// In statement order: final model, initial model, dataset, trace.
    pub fn to_vec(&self) -> Vec<G1Affine> {
        vec![
            self.final_model,
            self.initial_model,
            self.dataset,
            self.trace,
        ]
    }
}

/// Checks a statement's `commitments` against its architecture's `roles`: the count must
/// match, every commitment whose role is not free must equal the value `pins` gives for that
/// role (what the caller looked up in a registry), and a free role the caller pins anyway (a
/// buyer's own committed input) must equal its pin too. Pins for roles the statement does not
/// have are refused, so a caller cannot believe it pinned something that was not checked.
pub fn check_pinned(
    roles: &[CommitmentRole],
    commitments: &[G1Affine],
    pins: &[(CommitmentRole, G1Affine)],
) -> Result<(), Error> {
    if commitments.len() != roles.len() {
        return Err(Error::CommitmentCount {
            expected: roles.len(),
            actual: commitments.len(),
        });
    }
    if let Some((role, _)) = pins.iter().find(|(r, _)| !roles.contains(r)) {
        return Err(Error::PinnedRoleNotInStatement { role: *role });
    }
    for (index, (role, c)) in roles.iter().zip(commitments).enumerate() {
        let pinned: Vec<&G1Affine> = pins
            .iter()
            .filter(|(r, _)| r == role)
            .map(|(_, p)| p)
            .collect();
        match pinned.as_slice() {
            [] if role.is_free() => {}
            [] => return Err(Error::UnpinnedCommitment { role: *role }),
            [p] if *p == c => {}
            _ => {
                return Err(Error::PinnedCommitmentMismatch { role: *role, index });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{AffineRepr, CurveGroup};

    fn point(i: u64) -> G1Affine {
        (G1Affine::generator() * ark_bn254::Fr::from(i)).into_affine()
    }

    #[test]
    fn pins_are_checked_by_role() {
        use CommitmentRole::*;
        let roles = [Model, Trace, TestSet];
        let c = [point(1), point(2), point(3)];
        check_pinned(&roles, &c, &[(Model, point(1)), (TestSet, point(3))]).unwrap();
        assert_eq!(
            check_pinned(&roles, &c[..2], &[(Model, point(1))]).unwrap_err(),
            Error::CommitmentCount {
                expected: 3,
                actual: 2
            }
        );
        assert_eq!(
            check_pinned(&roles, &c, &[(Model, point(1))]).unwrap_err(),
            Error::UnpinnedCommitment { role: TestSet }
        );
        assert_eq!(
            check_pinned(&roles, &c, &[(Model, point(9)), (TestSet, point(3))]).unwrap_err(),
            Error::PinnedCommitmentMismatch {
                role: Model,
                index: 0
            }
        );
        assert_eq!(
            check_pinned(
                &roles,
                &c,
                &[(Model, point(1)), (TestSet, point(3)), (Dataset, point(3))]
            )
            .unwrap_err(),
            Error::PinnedRoleNotInStatement { role: Dataset }
        );
        // A free role may be pinned (a buyer's own input); then it must match.
        let roles = [Model, Trace, Data];
        check_pinned(&roles, &c, &[(Model, point(1))]).unwrap();
        check_pinned(&roles, &c, &[(Model, point(1)), (Data, point(3))]).unwrap();
        assert_eq!(
            check_pinned(&roles, &c, &[(Model, point(1)), (Data, point(2))]).unwrap_err(),
            Error::PinnedCommitmentMismatch {
                role: Data,
                index: 2
            }
        );
    }

    #[test]
    fn role_codes_are_distinct() {
        use CommitmentRole::*;
        let all = [
            Model,
            Trace,
            Data,
            TestSet,
            FinalModel,
            InitialModel,
            Dataset,
        ];
        let mut codes: Vec<u8> = all.iter().map(|r| r.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
