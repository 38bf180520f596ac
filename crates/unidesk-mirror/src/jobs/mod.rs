//! Jobs in Postgres: every (account, resource) a mirror syncs is a row of `mirror_jobs`, and
//! Postgres is the only coordinator between workers, on one machine or many.
//!
//! - **Claim** ([`JobQueue::claim`]): one statement picks a due job with `SELECT … FOR UPDATE
//!   SKIP LOCKED` (a job whose lease expired counts as due), marks it `running` under a new
//!   lease (`worker_id`, `lease_epoch` + 1, `lease_until = now() + ttl`) and logs the claim in
//!   `mirror_job_claims`. Two workers claiming at once get different jobs; the database's clock
//!   is the only clock.
//! - **Lease** ([`Lease`]): the holder renews it while it runs ([`Lease::renew`]); every write
//!   it makes — each page of records with its checkpoint, the end of the job — runs
//!   [`Lease::fence`] in the same transaction, which renews the lease and fails with
//!   [`JobError::LeaseLost`] unless the job is still held under this very epoch. The fence's
//!   `UPDATE` locks the job's row until the commit, so a claim cannot slip in between the check
//!   and the commit. A worker that stalls past its lease and wakes up after another claimed the
//!   job writes nothing.
//! - **Crash**: a worker that dies stops renewing; once `lease_until` passes, another worker
//!   claims the job and resumes from the checkpoint the dead one last committed.
//!
//! The worker loop itself is in [`worker`].

mod claims;
mod lease;
pub mod runner;
pub mod worker;

pub use claims::{ClaimRecord, overlapping_claims};
pub use lease::Lease;
use lease::secs;

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::Client;

/// What went wrong with a job or the queue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// A statement failed.
    #[error("postgres: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// The job is no longer held under this lease (it expired and another worker claimed it,
    /// or it was finished): nothing was written.
    #[error("job {account}/{resource}: lease {epoch} held by {worker_id} was lost")]
    LeaseLost {
        /// The account.
        account: String,
        /// The resource (plural name).
        resource: String,
        /// The worker that held it.
        worker_id: String,
        /// The lost lease's epoch.
        epoch: i64,
    },
}

/// A job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Waiting to be claimed.
    Pending,
    /// Held by a worker (whose lease may have expired).
    Running,
    /// Finished; claimable again from its `due_at` when one is set.
    Done,
    /// Failed; retried from its `due_at` when one is set.
    Failed,
    /// A state this version does not know.
    Unknown(String),
}

impl JobState {
    fn parse(s: &str) -> JobState {
        match s {
            "pending" => JobState::Pending,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            other => JobState::Unknown(other.to_owned()),
        }
    }
}

/// One row of `mirror_jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// The account.
    pub account: String,
    /// The resource (plural name).
    pub resource: String,
    /// Its state.
    pub state: JobState,
    /// When it may next be claimed.
    pub due_at: Option<DateTime<Utc>>,
    /// The worker holding (or that last held) it.
    pub worker_id: Option<String>,
    /// Claims so far since it last finished.
    pub attempts: i32,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// When it last finished.
    pub finished_at: Option<DateTime<Utc>>,
}

/// When a finished job is due again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Again {
    /// Not until it is enqueued again.
    Never,
    /// After this long.
    After(Duration),
}

/// The job table, through one connection (statements are pipelined: share it freely).
#[derive(Debug)]
pub struct JobQueue {
    client: Client,
}

impl JobQueue {
    /// The queue of the database `client` is connected to (migrated already: see
    /// [`crate::store::postgres::schema::open`]).
    pub fn new(client: Client) -> JobQueue {
        JobQueue { client }
    }

    /// The connection.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Adds the jobs that do not exist yet (due now); existing ones are left as they are.
    /// Returns how many were added.
    pub async fn register(&self, jobs: &[(String, String)]) -> Result<u64, JobError> {
        let (accounts, resources): (Vec<&str>, Vec<&str>) = jobs.iter().map(|(a, r)| (a.as_str(), r.as_str())).unzip();
        Ok(self
            .client
            .execute(
                "INSERT INTO mirror_jobs (account, resource)
                 SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                &[&accounts, &resources],
            )
            .await?)
    }

    /// Adds the jobs that do not exist yet and makes every one of `jobs` due now unless it is
    /// running (a finished or failed job runs again: an incremental sync from its checkpoint).
    /// Returns how many were added.
    pub async fn enqueue(&self, jobs: &[(String, String)]) -> Result<u64, JobError> {
        let (accounts, resources): (Vec<&str>, Vec<&str>) = jobs.iter().map(|(a, r)| (a.as_str(), r.as_str())).unzip();
        let added = self.register(jobs).await?;
        self.client
            .execute(
                "UPDATE mirror_jobs j SET state = 'pending', due_at = now(), attempts = 0
                   FROM UNNEST($1::text[], $2::text[]) AS n(account, resource)
                  WHERE j.account = n.account AND j.resource = n.resource AND j.state IN ('done', 'failed')",
                &[&accounts, &resources],
            )
            .await?;
        Ok(added)
    }

    /// Claims one due job for `worker_id` under a lease of `ttl`, or `None` when no job is due.
    pub async fn claim(&self, worker_id: &str, ttl: Duration) -> Result<Option<Lease>, JobError> {
        self.claim_among(worker_id, ttl, None).await
    }

    /// [`JobQueue::claim`], among the jobs of `accounts` only when given (a worker claims only
    /// the accounts it can connect).
    pub async fn claim_among(
        &self,
        worker_id: &str,
        ttl: Duration,
        accounts: Option<&[String]>,
    ) -> Result<Option<Lease>, JobError> {
        let row = self
            .client
            .query_opt(
                "WITH next AS (
                    SELECT account, resource, state, lease_epoch FROM mirror_jobs
                     WHERE ((state <> 'running' AND due_at <= now())
                        OR (state = 'running' AND lease_until < now()))
                       AND ($3::text[] IS NULL OR account = ANY($3::text[]))
                     ORDER BY due_at NULLS LAST, account, resource
                     LIMIT 1
                       FOR UPDATE SKIP LOCKED),
                 claimed AS (
                    UPDATE mirror_jobs j
                       SET state = 'running', worker_id = $1, lease_epoch = j.lease_epoch + 1,
                           lease_until = now() + make_interval(secs => $2), attempts = j.attempts + 1,
                           started_at = now()
                      FROM next WHERE j.account = next.account AND j.resource = next.resource
                 RETURNING j.account, j.resource, j.lease_epoch, j.lease_until, j.attempts),
                 expired AS (
                    UPDATE mirror_job_claims c SET outcome = 'expired'
                      FROM next
                     WHERE next.state = 'running' AND c.account = next.account
                       AND c.resource = next.resource AND c.epoch = next.lease_epoch),
                 logged AS (
                    INSERT INTO mirror_job_claims (account, resource, epoch, worker_id, claimed_at, lease_until)
                    SELECT account, resource, lease_epoch, $1, now(), lease_until FROM claimed)
                 SELECT account, resource, lease_epoch, attempts FROM claimed",
                &[&worker_id, &secs(ttl), &accounts],
            )
            .await?;
        Ok(row.map(|r| Lease {
            account: r.get(0),
            resource: r.get(1),
            worker_id: worker_id.to_owned(),
            epoch: r.get(2),
            ttl,
            attempt: r.get(3),
        }))
    }

    /// Ends `lease` with success; the job is due again per `again`.
    pub async fn finish(&self, lease: &Lease, again: Again) -> Result<(), JobError> {
        let due = match again {
            Again::Never => None,
            Again::After(d) => Some(secs(d)),
        };
        let set = "state = 'done', attempts = 0, last_error = $7::text, finished_at = now(), lease_until = NULL,
                   due_at = now() + make_interval(secs => $6)";
        self.end(lease, "done", set, due, None).await
    }

    /// Ends `lease` with a failure: retried after `retry` (`None`: not until enqueued again).
    pub async fn fail(&self, lease: &Lease, error: &str, retry: Option<Duration>) -> Result<(), JobError> {
        let set = "state = 'failed', last_error = $7::text, finished_at = now(), lease_until = NULL,
                   due_at = now() + make_interval(secs => $6)";
        self.end(lease, "failed", set, retry.map(secs), Some(error)).await
    }

    /// Gives `lease` back unfinished (the worker is stopping): the job is due again at once.
    pub async fn release(&self, lease: &Lease) -> Result<(), JobError> {
        let set = "state = 'pending', lease_until = NULL, due_at = now() + make_interval(secs => $6),
                   last_error = COALESCE($7::text, last_error)";
        self.end(lease, "released", set, Some(0.0), None).await
    }

    /// One statement, so it is atomic: the job row is updated with `set` (params `$6` seconds
    /// until due or NULL, `$7` the error) only while it is held under `lease`, and the claim is
    /// closed with `outcome`; [`JobError::LeaseLost`] when the lease is no longer held.
    async fn end(
        &self,
        lease: &Lease,
        outcome: &str,
        set: &str,
        due_secs: Option<f64>,
        error: Option<&str>,
    ) -> Result<(), JobError> {
        let sql = format!(
            "WITH j AS (
                UPDATE mirror_jobs SET {set}
                 WHERE account = $1 AND resource = $2 AND worker_id = $3 AND lease_epoch = $4 AND state = 'running'
             RETURNING 1)
             UPDATE mirror_job_claims c SET ended_at = now(), outcome = $5 FROM j
              WHERE c.account = $1 AND c.resource = $2 AND c.epoch = $4
             RETURNING 1"
        );
        let error = error.map(|e| e.chars().take(2000).collect::<String>());
        let row = self
            .client
            .query_opt(
                &sql,
                &[&lease.account, &lease.resource, &lease.worker_id, &lease.epoch, &outcome, &due_secs, &error],
            )
            .await?;
        row.map(|_| ()).ok_or_else(|| lease.lost())
    }

    /// Every job, by account and resource.
    pub async fn jobs(&self) -> Result<Vec<JobRow>, JobError> {
        let rows = self
            .client
            .query(
                "SELECT account, resource, state, due_at, worker_id, attempts, last_error, finished_at
                   FROM mirror_jobs ORDER BY account, resource",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| JobRow {
                account: r.get(0),
                resource: r.get(1),
                state: JobState::parse(r.get(2)),
                due_at: r.get(3),
                worker_id: r.get(4),
                attempts: r.get(5),
                last_error: r.get(6),
                finished_at: r.get(7),
            })
            .collect())
    }

    /// Every claim ever made, oldest first.
    pub async fn claims(&self) -> Result<Vec<ClaimRecord>, JobError> {
        let rows = self
            .client
            .query(
                "SELECT account, resource, epoch, worker_id, claimed_at, lease_until, ended_at, outcome
                   FROM mirror_job_claims ORDER BY id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| ClaimRecord {
                account: r.get(0),
                resource: r.get(1),
                epoch: r.get(2),
                worker_id: r.get(3),
                claimed_at: r.get(4),
                lease_until: r.get(5),
                ended_at: r.get(6),
                outcome: r.get(7),
            })
            .collect())
    }

    /// Whether a draining worker may stop: no job is pending, running (lease live or not), or
    /// failed with a retry still to come.
    pub async fn drained(&self) -> Result<bool, JobError> {
        self.drained_among(None).await
    }

    /// [`JobQueue::drained`], among the jobs of `accounts` only when given.
    pub async fn drained_among(&self, accounts: Option<&[String]>) -> Result<bool, JobError> {
        let row = self
            .client
            .query_one(
                "SELECT count(*) FROM mirror_jobs
                  WHERE (state IN ('pending', 'running') OR (state = 'failed' AND due_at IS NOT NULL))
                    AND ($1::text[] IS NULL OR account = ANY($1::text[]))",
                &[&accounts],
            )
            .await?;
        Ok(row.get::<_, i64>(0) == 0)
    }
}
