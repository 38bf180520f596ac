//! The job table: claims with SKIP LOCKED, leases that expire and fence every write, the claims
//! log, draining, and the worker loop with many workers in one process.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use unidesk_mirror::jobs::worker::{self, JobRunner, Outcome, RunError, WorkerOptions};
use unidesk_mirror::jobs::{Again, JobError, JobQueue, JobState, Lease, overlapping_claims};
use unidesk_mirror::store::postgres::schema;

use crate::fresh_database;

async fn queue(label: &str) -> Option<(String, JobQueue)> {
    let url = fresh_database(label).await?;
    let client = schema::open(&url).await.expect("open");
    Some((url, JobQueue::new(client)))
}

fn jobs(accounts: usize, resources: &[&str]) -> Vec<(String, String)> {
    (0..accounts).flat_map(|a| resources.iter().map(move |r| (format!("acct{a:02}"), (*r).to_owned()))).collect()
}

#[tokio::test]
async fn concurrent_claims_get_different_jobs_and_nothing_when_none_is_due() {
    let Some((url, q)) = queue("claims").await else { return };
    assert_eq!(q.enqueue(&jobs(5, &["tickets", "comments"])).await.expect("enqueue"), 10);
    assert_eq!(q.enqueue(&jobs(5, &["tickets", "comments"])).await.expect("again"), 0, "idempotent");
    // Ten claimers on ten connections at once.
    let mut tasks = Vec::new();
    for w in 0..12 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let q = JobQueue::new(schema::connect(&url).await.expect("connect"));
            q.claim(&format!("w{w}"), Duration::from_secs(60)).await.expect("claim")
        }));
    }
    let mut got = HashSet::new();
    let mut none = 0;
    for t in tasks {
        match t.await.expect("task") {
            Some(l) => assert!(got.insert((l.account, l.resource)), "a job claimed twice"),
            None => none += 1,
        }
    }
    assert_eq!((got.len(), none), (10, 2));
    assert!(q.claim("late", Duration::from_secs(60)).await.expect("claim").is_none());
    assert!(q.jobs().await.expect("jobs").iter().all(|j| j.state == JobState::Running));
    assert!(!q.drained().await.expect("drained"), "running jobs are not drained");
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_and_its_holder_can_no_longer_write() {
    let Some((_url, q)) = queue("expiry").await else { return };
    q.enqueue(&jobs(1, &["tickets"])).await.expect("enqueue");
    let ttl = Duration::from_millis(600);
    let first = q.claim("w1", ttl).await.expect("claim").expect("due");
    assert_eq!((first.epoch, first.attempt), (1, 1));
    first.renew(q.client()).await.expect("renewed while held");
    assert!(q.claim("w2", ttl).await.expect("claim").is_none(), "held");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let second = q.claim("w2", ttl).await.expect("claim").expect("expired, so due");
    assert_eq!((second.epoch, second.attempt), (2, 2));
    // The first holder wakes up: every write it tries is refused.
    assert!(matches!(first.renew(q.client()).await, Err(JobError::LeaseLost { epoch: 1, .. })));
    assert!(matches!(q.finish(&first, Again::Never).await, Err(JobError::LeaseLost { .. })));
    assert!(matches!(q.fail(&first, "x", None).await, Err(JobError::LeaseLost { .. })));
    q.finish(&second, Again::Never).await.expect("the new holder finishes");
    let claims = q.claims().await.expect("claims");
    assert_eq!(claims.len(), 2);
    assert_eq!(claims[0].outcome.as_deref(), Some("expired"));
    assert_eq!(claims[0].ended_at, None, "the first holder never ended its claim");
    assert_eq!(claims[1].outcome.as_deref(), Some("done"));
    assert!(overlapping_claims(&claims).is_empty(), "{claims:#?}");
    let job = &q.jobs().await.expect("jobs")[0];
    assert_eq!((&job.state, job.due_at, job.attempts), (&JobState::Done, None, 0));
    assert!(q.drained().await.expect("drained"));
}

#[tokio::test]
async fn a_fenced_transaction_holds_off_a_claim_until_it_commits() {
    let Some((url, q)) = queue("fence").await else { return };
    q.enqueue(&jobs(1, &["tickets"])).await.expect("enqueue");
    let lease = q.claim("w1", Duration::from_millis(300)).await.expect("claim").expect("due");
    let mut writer = schema::connect(&url).await.expect("connect");
    let tx = writer.transaction().await.expect("tx");
    lease.fence(&tx).await.expect("fenced");
    // The lease runs out while the transaction is open; the row is locked, so no claim yet.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(q.claim("w2", Duration::from_secs(5)).await.expect("claim").is_none(), "locked rows are skipped");
    tx.commit().await.expect("commit");
    let taken = q.claim("w2", Duration::from_secs(5)).await.expect("claim").expect("expired after the commit");
    assert_eq!(taken.epoch, 2);
    let tx = writer.transaction().await.expect("tx");
    assert!(matches!(lease.fence(&tx).await, Err(JobError::LeaseLost { .. })), "the old holder is fenced off");
}

#[tokio::test]
async fn failures_are_retried_until_the_attempts_run_out_and_enqueue_revives_them() {
    let Some((_url, q)) = queue("failures").await else { return };
    q.enqueue(&jobs(1, &["tickets"])).await.expect("enqueue");
    let l = q.claim("w", Duration::from_secs(5)).await.expect("claim").expect("due");
    q.fail(&l, "boom", Some(Duration::from_millis(200))).await.expect("fail");
    assert!(!q.drained().await.expect("drained"), "a retry is scheduled");
    assert!(q.claim("w", Duration::from_secs(5)).await.expect("claim").is_none(), "not yet");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let l = q.claim("w", Duration::from_secs(5)).await.expect("claim").expect("retry due");
    assert_eq!(l.attempt, 2);
    q.fail(&l, "boom again", None).await.expect("fail for good");
    let job = &q.jobs().await.expect("jobs")[0];
    assert_eq!((&job.state, job.last_error.as_deref()), (&JobState::Failed, Some("boom again")));
    assert!(q.drained().await.expect("drained"), "no retry left");
    q.enqueue(&jobs(1, &["tickets"])).await.expect("enqueue again");
    let l = q.claim("w", Duration::from_secs(5)).await.expect("claim").expect("due again");
    assert_eq!(l.attempt, 1, "attempts start over");
    q.release(&l).await.expect("release");
    assert_eq!(q.jobs().await.expect("jobs")[0].state, JobState::Pending);
}

/// A runner that sleeps a little per job, fails some jobs once, and records which jobs run
/// at the same moment (a job in `running` twice would be a double run).
struct FakeRunner {
    running: Mutex<HashSet<(String, String)>>,
    doubled: Mutex<Vec<(String, String)>>,
    failed_once: Mutex<HashSet<(String, String)>>,
}

#[async_trait]
impl JobRunner for FakeRunner {
    async fn run(&self, lease: &Lease) -> Result<(), RunError> {
        let key = (lease.account.clone(), lease.resource.clone());
        if !self.running.lock().expect("lock").insert(key.clone()) {
            self.doubled.lock().expect("lock").push(key.clone());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.running.lock().expect("lock").remove(&key);
        if lease.account.ends_with('3') && self.failed_once.lock().expect("lock").insert(key) {
            return Err("the provider said no (once)".into());
        }
        Ok(())
    }
}

#[tokio::test]
async fn three_draining_workers_run_every_job_once_at_a_time_and_retry_failures() {
    let Some((url, q)) = queue("workers").await else { return };
    let all = jobs(20, &["tickets", "comments", "users"]);
    q.enqueue(&all).await.expect("enqueue");
    let runner = Arc::new(FakeRunner {
        running: Mutex::new(HashSet::new()),
        doubled: Mutex::new(Vec::new()),
        failed_once: Mutex::new(HashSet::new()),
    });
    let mut workers = Vec::new();
    for w in 0..3 {
        let url = url.clone();
        let runner: Arc<dyn JobRunner> = runner.clone();
        workers.push(tokio::spawn(async move {
            let q = Arc::new(JobQueue::new(schema::connect(&url).await.expect("connect")));
            let mut opts = WorkerOptions::new(format!("w{w}"));
            opts.drain = true;
            opts.again = Again::Never;
            opts.poll = Duration::from_millis(50);
            opts.concurrency = 3;
            worker::run(q, runner, opts, std::future::pending(), &|_| {}).await.expect("worker")
        }));
    }
    let mut results = Vec::new();
    for w in workers {
        results.extend(w.await.expect("worker task"));
    }
    assert!(runner.doubled.lock().expect("lock").is_empty(), "a job ran twice at once");
    let done: HashSet<_> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Done)
        .map(|r| (r.account.clone(), r.resource.clone()))
        .collect();
    assert_eq!(done.len(), all.len(), "every job finished");
    let failed = results.iter().filter(|r| matches!(r.outcome, Outcome::Failed { retry: true, .. })).count();
    assert_eq!(failed, 6, "acct03 and acct13 failed once per resource, then were retried");
    assert!(q.jobs().await.expect("jobs").iter().all(|j| j.state == JobState::Done));
    assert!(overlapping_claims(&q.claims().await.expect("claims")).is_empty());
}

#[tokio::test]
async fn a_worker_claims_and_drains_only_the_accounts_it_knows() {
    let Some((_url, q)) = queue("among").await else { return };
    q.enqueue(&jobs(2, &["tickets"])).await.expect("enqueue");
    let mine = vec!["acct01".to_owned()];
    let l = q.claim_among("w", Duration::from_secs(5), Some(&mine)).await.expect("claim").expect("due");
    assert_eq!(l.account, "acct01");
    assert!(q.claim_among("w", Duration::from_secs(5), Some(&mine)).await.expect("claim").is_none());
    q.finish(&l, Again::Never).await.expect("finish");
    assert!(q.drained_among(Some(&mine)).await.expect("drained"), "acct01's jobs are done");
    assert!(!q.drained().await.expect("drained"), "acct00's job is still pending");
    assert_eq!(q.register(&jobs(2, &["tickets"])).await.expect("register"), 0);
    let states: Vec<JobState> = q.jobs().await.expect("jobs").into_iter().map(|j| j.state).collect();
    assert_eq!(states, [JobState::Pending, JobState::Done], "register leaves existing jobs as they are");
}
