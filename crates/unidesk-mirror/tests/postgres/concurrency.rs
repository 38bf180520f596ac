//! A concurrent mirror of several accounts with a concurrency bound: two workers, each running
//! at most three syncs at once, drain the jobs of eight accounts into one Postgres store. The
//! live syncs are counted as they start and end: no worker ever runs more than its bound, and
//! every account ends up mirrored.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use unidesk_core::{Helpdesk, Resource};
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::PostgresStore;
use unidesk_mirror::accounts::{AccountSpec, AccountsFile, Connect};
use unidesk_mirror::error::BoxError;
use unidesk_mirror::jobs::runner::MirrorJobs;
use unidesk_mirror::jobs::worker::{self, JobRunner, Outcome, RunError, WorkerOptions};
use unidesk_mirror::jobs::{Again, JobQueue, Lease};
use unidesk_mirror::store::postgres::schema;

use crate::fresh_database;

const ACCOUNTS: usize = 8;
const BOUND: usize = 3;

/// Every account is a memory helpdesk with a few sample tickets (its index + 5).
struct MemoryConnect {
    desks: Mutex<HashMap<String, Arc<MemoryHelpdesk>>>,
}

#[async_trait]
impl Connect for MemoryConnect {
    async fn connect(&self, account: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
        let desks = self.desks.lock().expect("lock");
        let desk = desks.get(&account.name).ok_or("no such account")?;
        Ok(desk.clone())
    }
}

/// Counts the syncs a worker runs at once around the real runner (each lasting at least 30 ms,
/// so that they overlap).
struct Counting {
    inner: Arc<MirrorJobs>,
    live: AtomicUsize,
    most: AtomicUsize,
}

#[async_trait]
impl JobRunner for Counting {
    async fn run(&self, lease: &Lease) -> Result<(), RunError> {
        let now = self.live.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let (ran, ()) = tokio::join!(self.inner.run(lease), tokio::time::sleep(Duration::from_millis(30)));
        self.live.fetch_sub(1, Ordering::SeqCst);
        ran
    }
}

#[tokio::test]
async fn workers_never_run_more_syncs_than_their_bound_and_mirror_every_account() {
    let Some(url) = fresh_database("concurrency").await else { return };
    let text: String =
        (0..ACCOUNTS).map(|i| format!("[[accounts]]\nname = \"acct{i}\"\nprovider = \"memory\"\n")).collect();
    let accounts = AccountsFile::parse(&text, std::path::Path::new("accounts.toml")).expect("accounts");
    let desks: HashMap<String, Arc<MemoryHelpdesk>> =
        (0..ACCOUNTS).map(|i| (format!("acct{i}"), Arc::new(MemoryHelpdesk::with_sample_data(i + 5)))).collect();
    let connect = Arc::new(MemoryConnect { desks: Mutex::new(desks.clone()) });
    let store = PostgresStore::open(&url).await.expect("store");
    let mut workers = Vec::new();
    let mut counters = Vec::new();
    for w in 0..2 {
        let jobs = Arc::new(MirrorJobs::new(store.clone(), accounts.clone(), connect.clone(), Default::default()));
        let counting = Arc::new(Counting { inner: jobs.clone(), live: AtomicUsize::new(0), most: AtomicUsize::new(0) });
        counters.push(counting.clone());
        let queue = Arc::new(JobQueue::new(schema::connect(&url).await.expect("connect")));
        queue.enqueue(&jobs.all_jobs()).await.expect("enqueue");
        let mut opts = WorkerOptions::new(format!("w{w}"));
        opts.concurrency = BOUND;
        opts.drain = true;
        opts.again = Again::Never;
        opts.poll = Duration::from_millis(20);
        opts.accounts = Some(jobs.account_names());
        workers.push(tokio::spawn(async move {
            worker::run(queue, counting, opts, std::future::pending(), &|_| {}).await.expect("worker")
        }));
    }
    let mut results = Vec::new();
    for w in workers {
        results.extend(w.await.expect("worker task"));
    }
    assert_eq!(results.len(), ACCOUNTS * Resource::ALL.len(), "every job ran once");
    assert!(results.iter().all(|r| r.outcome == Outcome::Done), "{results:?}");
    for c in &counters {
        let most = c.most.load(Ordering::SeqCst);
        assert!(most <= BOUND, "a worker ran {most} syncs at once (bound {BOUND})");
        assert_eq!(c.live.load(Ordering::SeqCst), 0);
    }
    assert!(counters.iter().any(|c| c.most.load(Ordering::SeqCst) == BOUND), "the bound was reached (jobs overlapped)");
    for (name, desk) in &desks {
        let want =
            desk.tickets().list(&unidesk_core::ListQuery::new().page_size(1000)).await.expect("list").items.len();
        let got = store.records(name, Resource::Ticket).await.expect("records").len();
        assert_eq!(got, want, "{name}'s tickets");
    }
}
