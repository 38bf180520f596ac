//! The lease a worker holds a job under, and the fence every write on the job's behalf runs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, GenericClient};

use super::JobError;

/// A held job: the proof a worker shows with every write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The account.
    pub account: String,
    /// The resource (plural name).
    pub resource: String,
    /// The holder.
    pub worker_id: String,
    /// The claim's epoch (each claim of the job increments it).
    pub epoch: i64,
    /// How long each renewal holds the job.
    pub ttl: Duration,
    /// Claims of the job since it last finished, this one included.
    pub attempt: i32,
}

/// Seconds, as Postgres `make_interval(secs => …)` takes them.
pub(super) fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Lease {
    /// Renews the lease inside `tx` and locks the job's row until `tx` ends; fails with
    /// [`JobError::LeaseLost`] when the job is no longer held under this lease. Run it in
    /// every transaction that writes on the job's behalf.
    pub async fn fence(&self, tx: &impl GenericClient) -> Result<DateTime<Utc>, JobError> {
        let row = tx
            .query_opt(
                "WITH j AS (
                    UPDATE mirror_jobs SET lease_until = now() + make_interval(secs => $5)
                     WHERE account = $1 AND resource = $2 AND worker_id = $3 AND lease_epoch = $4
                       AND state = 'running'
                 RETURNING lease_until)
                 UPDATE mirror_job_claims c SET lease_until = j.lease_until FROM j
                  WHERE c.account = $1 AND c.resource = $2 AND c.epoch = $4
                 RETURNING c.lease_until",
                &[&self.account, &self.resource, &self.worker_id, &self.epoch, &secs(self.ttl)],
            )
            .await?;
        row.map(|r| r.get(0)).ok_or_else(|| self.lost())
    }

    /// Renews the lease on its own (the holder's heartbeat between writes).
    pub async fn renew(&self, client: &Client) -> Result<DateTime<Utc>, JobError> {
        self.fence(client).await
    }

    pub(super) fn lost(&self) -> JobError {
        JobError::LeaseLost {
            account: self.account.clone(),
            resource: self.resource.clone(),
            worker_id: self.worker_id.clone(),
            epoch: self.epoch,
        }
    }
}
