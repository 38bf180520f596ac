//! The claims log (`mirror_job_claims`): who held which job from when to when, and the check
//! that no job was ever held by two workers at once.

use chrono::{DateTime, Utc};

/// One row of `mirror_job_claims`: a worker's hold on a job.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRecord {
    /// The account.
    pub account: String,
    /// The resource (plural name).
    pub resource: String,
    /// The claim's lease epoch.
    pub epoch: i64,
    /// The worker.
    pub worker_id: String,
    /// When it claimed the job.
    pub claimed_at: DateTime<Utc>,
    /// The latest its lease was renewed to.
    pub lease_until: DateTime<Utc>,
    /// When it ended the claim; `None` when the worker died holding it.
    pub ended_at: Option<DateTime<Utc>>,
    /// `done`, `failed`, `released`, `expired` (taken over after the lease ran out), or `None`
    /// while held.
    pub outcome: Option<String>,
}

impl ClaimRecord {
    /// The last instant the claim could write: its end, or its lease's end when it died.
    pub fn held_until(&self) -> DateTime<Utc> {
        match self.ended_at {
            Some(e) => e.min(self.lease_until),
            None => self.lease_until,
        }
    }
}

/// Two claims of the same job whose holds overlap in time (`held_until` of the earlier after
/// the later's `claimed_at`); empty when no job was ever held by two workers at once.
pub fn overlapping_claims(claims: &[ClaimRecord]) -> Vec<(ClaimRecord, ClaimRecord)> {
    let mut sorted: Vec<&ClaimRecord> = claims.iter().collect();
    sorted.sort_by(|a, b| (&a.account, &a.resource, a.claimed_at).cmp(&(&b.account, &b.resource, b.claimed_at)));
    sorted
        .windows(2)
        .filter(|w| w[0].account == w[1].account && w[0].resource == w[1].resource)
        .filter(|w| w[0].held_until() > w[1].claimed_at)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect()
}
