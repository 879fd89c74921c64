//! Accepting a job: simulate it against the latest block, then store it and wake the sender.
//! The API and the watcher both go through here, so nothing reaches the store that the
//! contract would refuse at the time of acceptance.

use crate::error::Error;
use crate::job::{Job, JobState, NewJob};
use crate::node::Node;
use crate::sender::GAVE_UP;
use crate::store::JobStore;
use std::sync::Arc;
use tokio::sync::Notify;

/// The way into the job store.
#[derive(Clone)]
pub struct Queue {
    /// The job store.
    pub store: Arc<dyn JobStore>,
    /// The node, for simulation.
    pub node: Node,
    /// The sender's waker.
    pub wake: Arc<Notify>,
}

impl Queue {
    /// Returns the job already accepted under `job`'s key (requeued if it failed only on
    /// transport errors), or simulates `job` (a revert is
    /// [`Error::Reverted`] with the decoded custom error, and nothing is stored) and accepts
    /// it. `true`: a new job.
    pub async fn accept(&self, job: &NewJob) -> Result<(Job, bool), Error> {
        if let Some(mut existing) = self.store.job_by_key(&job.key)? {
            // A job that failed only because the node was unreachable is tried again.
            if existing.state == JobState::Failed
                && existing.block_number.is_none()
                && existing.attempts > 0
                && existing
                    .error
                    .as_deref()
                    .is_some_and(|e| e.starts_with(GAVE_UP))
            {
                existing.state = JobState::Queued;
                existing.attempts = 0;
                existing.retry_at_ms = 0;
                existing.error = None;
                self.store.update(&existing)?;
                self.wake.notify_one();
                return Ok((existing, true));
            }
            return Ok((existing, false));
        }
        self.node
            .check_call(job.target, &job.calldata, job.value)
            .await?;
        let (stored, created) = self.store.insert(job)?;
        self.wake.notify_one();
        Ok((stored, created))
    }
}
