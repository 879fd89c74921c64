//! The claim sink of a training statement: each block claim, named by the plan's tensors, lands
//! in the accumulator of the vector holding that tensor — batch tensors become dataset claims
//! by fixing the batch schedule's variables, virtual tensors become claims on their source, and
//! a claim on a tensor stored without its padded channels becomes one claim on its blocks (the
//! range check's claims name a block directly).

use super::TrainArchitecture;
use super::plan::{TrainPlan, log, names};
use crate::blocks::TensorClaim;
use crate::error::Error;
use crate::field::FieldOps;
use crate::pcs::Accumulator;

/// Routes block claims onto the four vectors.
pub(crate) struct TrainSink<'a, F: FieldOps> {
    arch: &'a TrainArchitecture,
    plan: &'a TrainPlan,
    pub acc: Accumulator<F>,
}

impl<'a, F: FieldOps> TrainSink<'a, F> {
    pub fn new(arch: &'a TrainArchitecture, plan: &'a TrainPlan) -> Self {
        Self {
            arch,
            plan,
            acc: Accumulator::new(&plan.vector_vars()),
        }
    }

    /// Records a claim on the named tensor; claims on stacked batch tensors become claims on
    /// the dataset by fixing variables.
    pub fn add(&mut self, name: &str, claim: &TensorClaim<F>) -> Result<(), Error> {
        let (name, claim) = match name {
            names::BATCH_INPUTS => (names::INPUTS, self.dataset_claim(claim)?),
            names::BATCH_LABELS => (names::LABELS, self.dataset_claim(claim)?),
            other => match self.plan.virtuals.get(other) {
                Some((target, drop)) => (target.as_str(), self.drop_vars(other, claim, drop)?),
                None => (other, claim.clone()),
            },
        };
        self.plan.check_point(name, &claim.point)?;
        let layout = |vector: usize| {
            self.plan.layouts.get(vector).ok_or(Error::Internal {
                what: "every vector the plan places tensors in has a layout",
            })
        };
        // A block of a tensor stored without its padded channels (the range check's claims).
        if let Some((vector, id)) = self.plan.blocks.get(name) {
            let segment = layout(*vector)?.segment(*id);
            self.acc.add(*vector, segment, &claim);
            return Ok(());
        }
        let (vector, stored) = self
            .plan
            .places
            .get(name)
            .ok_or_else(|| Error::MissingTensor {
                name: name.to_string(),
            })?;
        self.acc
            .add_stored(*vector, layout(*vector)?, stored, &claim)
    }

    /// A claim on a virtual tensor as one on its target: the dropped variables are ones the
    /// tensor does not depend on (a pool's window bits), so its MLE there is the target's at
    /// the rest of the point.
    fn drop_vars(
        &self,
        name: &str,
        claim: &TensorClaim<F>,
        drop: &[usize],
    ) -> Result<TensorClaim<F>, Error> {
        self.plan.check_point(name, &claim.point)?;
        Ok(TensorClaim {
            point: claim
                .point
                .iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, x)| x.clone())
                .collect(),
            value: claim.value.clone(),
        })
    }

    /// Batch t is rows [(t mod N/B)·B, …) of the dataset: a stacked tensor (width, row in
    /// batch, t) at (p_w, p_i, p_t) equals the dataset at (p_w, p_i, p_t's low log(N/B) bits),
    /// zero-extended when T < N/B. Dropping a variable is exact: the stacked tensor does not
    /// depend on t's high bits.
    fn dataset_claim(&self, claim: &TensorClaim<F>) -> Result<TensorClaim<F>, Error> {
        let lt = log(self.arch.config.steps);
        let batches = log(self.arch.examples) - self.arch.log_batch();
        let keep = claim.point.len().checked_sub(lt).ok_or(Error::ProofShape {
            what: "batch claim point",
            expected: lt,
            actual: claim.point.len(),
        })?;
        let mut point: Vec<F> = claim
            .point
            .iter()
            .take(keep + lt.min(batches))
            .cloned()
            .collect();
        point.extend(std::iter::repeat_n(F::zero(), batches.saturating_sub(lt)));
        Ok(TensorClaim {
            point,
            value: claim.value.clone(),
        })
    }
}
