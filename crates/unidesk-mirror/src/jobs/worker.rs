//! The worker loop: claim due jobs up to a concurrency, run each under a renewed lease, end it
//! (done, failed with a retry, or lost), and stop when told to — or, draining, when no job is
//! left to run by anyone.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::task::JoinSet;

use super::{Again, JobError, JobQueue, Lease};

/// A failure a job reports (its message is stored in `mirror_jobs.last_error`).
pub type RunError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a job does once claimed: sync its (account, resource). Every write it makes must run
/// [`Lease::fence`] in the write's transaction.
#[async_trait]
pub trait JobRunner: Send + Sync {
    /// Runs the job held by `lease` to its end.
    async fn run(&self, lease: &Lease) -> Result<(), RunError>;
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The name this worker claims under (unique among running workers).
    pub worker_id: String,
    /// How long a lease holds a job without renewal; renewed every third of it.
    pub lease_ttl: Duration,
    /// How long to wait before looking for due jobs again when none was due.
    pub poll: Duration,
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// Stop once no job is pending, running anywhere, or awaiting a retry.
    pub drain: bool,
    /// When a finished job is due again.
    pub again: Again,
    /// Claims of a failing job before it stays failed (until enqueued again).
    pub max_attempts: i32,
    /// Only the jobs of these accounts (`None`: every job). Draining waits for these only.
    pub accounts: Option<Vec<String>>,
}

impl WorkerOptions {
    /// Defaults: a 30 s lease, polling every second, 4 jobs at once, running until stopped,
    /// finished jobs due again after 5 minutes, 5 attempts.
    pub fn new(worker_id: impl Into<String>) -> WorkerOptions {
        WorkerOptions {
            worker_id: worker_id.into(),
            lease_ttl: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            concurrency: 4,
            drain: false,
            again: Again::After(Duration::from_secs(300)),
            max_attempts: 5,
            accounts: None,
        }
    }
}

/// A worker id unique enough across machines: host name, process id and a clock-derived suffix.
pub fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_owned());
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{host}-{}-{:x}", std::process::id(), nanos & 0xffff)
}

/// How one claimed job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Synced.
    Done,
    /// Failed; retried later when `retry` holds.
    Failed {
        /// The error.
        message: String,
        /// Whether a retry is scheduled.
        retry: bool,
    },
    /// The lease was lost (expired and taken by another worker): nothing more was written.
    Lost,
}

/// One claimed job and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    /// The account.
    pub account: String,
    /// The resource (plural name).
    pub resource: String,
    /// The attempt (claims since the job last finished).
    pub attempt: i32,
    /// How it ended.
    pub outcome: Outcome,
}

/// The retry delay after `attempt` failed claims: 1 s, 2 s, 4 s… up to 5 minutes.
fn backoff(attempt: i32) -> Duration {
    Duration::from_secs(1u64 << attempt.clamp(0, 8) as u32).min(Duration::from_secs(300))
}

/// Runs the worker loop until `stop` completes (then running jobs finish first, and nothing new
/// is claimed) or, with [`WorkerOptions::drain`], until no job is left. Each job's result goes
/// to `on_result` as it ends; all of them are returned at the end.
pub async fn run(
    queue: Arc<JobQueue>,
    runner: Arc<dyn JobRunner>,
    opts: WorkerOptions,
    stop: impl Future<Output = ()>,
    on_result: &(dyn Fn(&JobResult) + Send + Sync),
) -> Result<Vec<JobResult>, JobError> {
    let mut running: JoinSet<JobResult> = JoinSet::new();
    let mut results = Vec::new();
    let mut stopping = false;
    tokio::pin!(stop);
    loop {
        let mut claimed_any = false;
        while !stopping && running.len() < opts.concurrency.max(1) {
            let Some(lease) = queue.claim_among(&opts.worker_id, opts.lease_ttl, opts.accounts.as_deref()).await?
            else {
                break;
            };
            tracing::info!(account = %lease.account, resource = %lease.resource, epoch = lease.epoch, "claimed");
            claimed_any = true;
            running.spawn(run_one(queue.clone(), runner.clone(), lease, opts.clone()));
        }
        if running.is_empty() && (stopping || (opts.drain && queue.drained_among(opts.accounts.as_deref()).await?)) {
            return Ok(results);
        }
        if claimed_any && running.len() < opts.concurrency {
            continue;
        }
        tokio::select! {
            Some(done) = running.join_next(), if !running.is_empty() => {
                match done {
                    Ok(r) => {
                        on_result(&r);
                        results.push(r);
                    }
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(_) => {}
                }
            }
            () = tokio::time::sleep(opts.poll) => {}
            () = &mut stop, if !stopping => stopping = true,
        }
    }
}

/// Runs one job under its lease, renewing it every third of its ttl, and ends it.
async fn run_one(queue: Arc<JobQueue>, runner: Arc<dyn JobRunner>, lease: Lease, opts: WorkerOptions) -> JobResult {
    let heartbeat = async {
        loop {
            tokio::time::sleep(lease.ttl / 3).await;
            if let Err(e) = lease.renew(queue.client()).await {
                return e;
            }
        }
    };
    let ran = tokio::select! {
        r = runner.run(&lease) => Ok(r),
        e = heartbeat => Err(e),
    };
    let outcome = match ran {
        Ok(Ok(())) => match queue.finish(&lease, opts.again).await {
            Ok(()) => Outcome::Done,
            Err(JobError::LeaseLost { .. }) => Outcome::Lost,
            Err(e) => Outcome::Failed { message: format!("ending the job: {e}"), retry: false },
        },
        Ok(Err(e)) => {
            let message = e.to_string();
            let retry = (lease.attempt < opts.max_attempts).then(|| backoff(lease.attempt));
            match queue.fail(&lease, &message, retry).await {
                Ok(()) => Outcome::Failed { message, retry: retry.is_some() },
                Err(JobError::LeaseLost { .. }) => Outcome::Lost,
                Err(e) => Outcome::Failed { message: format!("{message}; then ending the job: {e}"), retry: false },
            }
        }
        Err(JobError::LeaseLost { .. }) => Outcome::Lost,
        Err(e) => Outcome::Failed { message: format!("renewing the lease: {e}"), retry: false },
    };
    match &outcome {
        Outcome::Done => tracing::info!(account = %lease.account, resource = %lease.resource, "done"),
        Outcome::Failed { message, .. } => {
            tracing::warn!(account = %lease.account, resource = %lease.resource, error = %message, "failed")
        }
        Outcome::Lost => tracing::warn!(account = %lease.account, resource = %lease.resource, "lease lost"),
    }
    JobResult { account: lease.account, resource: lease.resource, attempt: lease.attempt, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_five_minutes() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(100), Duration::from_secs(256));
        assert_eq!(backoff(-4), Duration::from_secs(1));
    }

    #[test]
    fn worker_ids_name_the_process() {
        assert!(default_worker_id().contains(&std::process::id().to_string()));
    }
}
