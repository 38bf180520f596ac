//! The shared rate budget in Postgres: two processes (this test binary, spawned twice) take
//! from one bucket and no window of the database's schedule ever holds more than the bucket
//! allows, while both make progress; a 429 reported by one worker holds off the others; a take
//! that would wait too long is refused.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use unidesk_core::Helpdesk;
use unidesk_core::budget::{RateBudget, ServerSignal};
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::PostgresStore;
use unidesk_mirror::accounts::{AccountSpec, AccountsFile, Connect};
use unidesk_mirror::budget::{Limit, PostgresRateBudget, SharedBudget};
use unidesk_mirror::error::BoxError;
use unidesk_mirror::jobs::runner::MirrorJobs;
use unidesk_mirror::jobs::worker::{self, Outcome, WorkerOptions};
use unidesk_mirror::jobs::{Again, JobQueue};
use unidesk_mirror::store::postgres::schema;

use crate::fresh_database;

/// The bucket both processes share: a burst of 4, 40 takes a second.
const LIMIT: Limit = Limit { capacity: 4.0, refill_per_sec: 40.0 };
/// How long each child keeps taking.
const RUN: Duration = Duration::from_secs(2);
/// Concurrent takers per child.
const TAKERS: usize = 3;

const CHILD_URL: &str = "UNIDESK_BUDGET_CHILD_URL";
const CHILD_NAME: &str = "UNIDESK_BUDGET_CHILD_NAME";

/// The child's side, run only by [`two_processes_share_one_bucket_and_never_exceed_it`] (in
/// another process of this binary): takes from the shared bucket with a few tasks for [`RUN`],
/// logging each take's send time (the database's) in `budget_log`.
#[tokio::test]
#[ignore = "run by two_processes_share_one_bucket_and_never_exceed_it in a child process"]
async fn child_takes_from_the_shared_bucket() {
    let url = std::env::var(CHILD_URL).expect("run as a child, with its database URL");
    let name = std::env::var(CHILD_NAME).expect("the child's name");
    let budget = Arc::new(PostgresRateBudget::open(&url).await.expect("open").with_limit("acme", LIMIT));
    let log = Arc::new(schema::connect(&url).await.expect("connect"));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..TAKERS {
        let (budget, log, name) = (budget.clone(), log.clone(), name.clone());
        tasks.push(tokio::spawn(async move {
            let mut taken = 0u32;
            while start.elapsed() < RUN {
                let take = budget.reserve("acme", 1).await.expect("take").expect("acme is limited");
                tokio::time::sleep(take.reservation.wait).await;
                log.execute("INSERT INTO budget_log (worker, send_at) VALUES ($1, $2)", &[&name, &take.send_at()])
                    .await
                    .expect("log");
                taken += 1;
            }
            taken
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("taker");
    }
    assert!(total > 0, "{name} took nothing");
}

#[tokio::test]
async fn two_processes_share_one_bucket_and_never_exceed_it() {
    let Some(url) = fresh_database("budget_procs").await else { return };
    let c = schema::open(&url).await.expect("open");
    c.batch_execute("CREATE TABLE budget_log (worker text NOT NULL, send_at timestamptz NOT NULL)").await.expect("log");
    let exe = std::env::current_exe().expect("the test binary");
    let children: Vec<_> = ["one", "two"]
        .iter()
        .map(|name| {
            Command::new(&exe)
                .args(["budget::child_takes_from_the_shared_bucket", "--exact", "--ignored", "--test-threads=1"])
                .env(CHILD_URL, &url)
                .env(CHILD_NAME, name)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a child")
        })
        .collect();
    for child in children {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await.expect("join").expect("wait");
        assert!(
            out.status.success(),
            "a child failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rows = c
        .query("SELECT worker, extract(epoch FROM send_at)::float8 FROM budget_log ORDER BY send_at", &[])
        .await
        .expect("log");
    let log: Vec<(String, f64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let by = |w: &str| log.iter().filter(|(x, _)| x == w).count();
    let (one, two) = (by("one"), by("two"));
    // Both make progress: each gets a fair part of the shared budget.
    assert!(one * 4 > log.len() && two * 4 > log.len(), "one took {one}, two took {two}");
    // No window of the schedule holds more than the bucket allows: the burst plus its refill.
    let times: Vec<f64> = log.iter().map(|(_, t)| *t).collect();
    for window in [0.1, 0.25, 0.5, 1.0, 10.0] {
        let allowed = LIMIT.allowance(Duration::from_secs_f64(window));
        for (i, t) in times.iter().enumerate() {
            let within = times[i..].iter().take_while(|u| **u < t + window).count();
            assert!(
                within as f64 <= allowed + 1e-6,
                "{within} takes within {window} s from the {i}th; the bucket allows {allowed}"
            );
        }
    }
    // And the schedule is busy: over the run the two took most of what the bucket allowed.
    let span = times.last().expect("takes") - times[0];
    assert!(
        log.len() as f64 >= 0.5 * LIMIT.allowance(Duration::from_secs_f64(span)),
        "{} takes in {span} s",
        log.len()
    );
}

#[tokio::test]
async fn a_429_seen_by_one_worker_holds_off_the_others_and_too_long_a_wait_is_refused() {
    let Some(url) = fresh_database("budget_429").await else { return };
    let limit = Limit { capacity: 5.0, refill_per_sec: 10.0 };
    let seen = PostgresRateBudget::open(&url).await.expect("open").with_limit("acme", limit);
    let other = PostgresRateBudget::open(&url)
        .await
        .expect("open")
        .with_limit("acme", limit)
        .with_max_wait(Duration::from_secs(1));
    assert_eq!(other.reserve("acme", 1).await.expect("take").expect("limited").reservation.wait, Duration::ZERO);
    assert!(other.reserve("globex", 1).await.expect("take").is_none(), "an unlimited key");
    seen.observe("acme", ServerSignal::Exhausted { retry_after: Some(Duration::from_millis(1500)) }).await;
    // The other worker's next take would wait ~1.5 s, longer than it accepts: refused, untaken.
    let e = other.reserve("acme", 1).await.expect_err("over its longest wait");
    assert!(matches!(e, unidesk_core::Error::RateLimited { retry_after: Some(_) }), "{e:?}");
    let t = seen.reserve("acme", 1).await.expect("take").expect("limited");
    let wait = t.reservation.wait.as_secs_f64();
    assert!(wait > 1.2 && wait <= 1.6, "waits out the server's retry-after: {wait}");
    // A second 429 does not stack on the first: new takes wait for the later reset only.
    seen.observe("acme", ServerSignal::Exhausted { retry_after: Some(Duration::from_millis(1000)) }).await;
    let t = seen.reserve("acme", 1).await.expect("take").expect("limited");
    assert!(t.reservation.wait.as_secs_f64() <= 1.8, "{:?}", t.reservation.wait);
}

/// Records which accounts were connected with which budget key.
struct Recording {
    desk: Arc<MemoryHelpdesk>,
    budgeted: Mutex<Vec<(String, String)>>,
    plain: Mutex<Vec<String>>,
}

#[async_trait]
impl Connect for Recording {
    async fn connect(&self, account: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
        self.plain.lock().expect("lock").push(account.name.clone());
        Ok(self.desk.clone())
    }

    async fn connect_budgeted(
        &self,
        account: &AccountSpec,
        shared: SharedBudget,
    ) -> Result<Arc<dyn Helpdesk>, BoxError> {
        shared.budget.acquire(&shared.key, 1).await?;
        self.budgeted.lock().expect("lock").push((account.name.clone(), shared.key));
        Ok(self.desk.clone())
    }
}

#[tokio::test]
async fn accounts_with_a_rate_limit_are_connected_with_the_shared_budget_under_their_name() {
    let Some(url) = fresh_database("budget_accounts").await else { return };
    let text = "[[accounts]]\nname = \"acme\"\nprovider = \"memory\"\nrate_limit_per_minute = 600\n\
                [[accounts]]\nname = \"globex\"\nprovider = \"memory\"\n";
    let accounts = AccountsFile::parse(text, std::path::Path::new("accounts.toml")).expect("accounts");
    let budget = unidesk_mirror::budget::for_accounts(&url, &accounts).await.expect("budget").expect("one limited");
    assert_eq!(budget.keys().collect::<Vec<_>>(), ["acme"]);
    let connect = Arc::new(Recording {
        desk: Arc::new(MemoryHelpdesk::with_sample_data(5)),
        budgeted: Default::default(),
        plain: Default::default(),
    });
    let store = PostgresStore::open(&url).await.expect("store");
    let jobs =
        MirrorJobs::new(store, accounts, connect.clone(), Default::default()).with_budget(Some(Arc::new(budget)));
    let jobs = Arc::new(jobs);
    let queue = Arc::new(JobQueue::new(schema::connect(&url).await.expect("connect")));
    queue.enqueue(&jobs.all_jobs()).await.expect("enqueue");
    let mut opts = WorkerOptions::new("w");
    opts.drain = true;
    opts.again = Again::Never;
    let results = worker::run(queue, jobs, opts, std::future::pending(), &|_| {}).await.expect("worker");
    assert!(results.iter().all(|r| r.outcome == Outcome::Done), "{results:?}");
    assert_eq!(*connect.budgeted.lock().expect("lock"), [("acme".to_owned(), "acme".to_owned())]);
    assert_eq!(*connect.plain.lock().expect("lock"), ["globex"]);
    // The take went to the database: acme's bucket exists, one token short of full (plus refill).
    let c = schema::connect(&url).await.expect("connect");
    let row = c.query_one("SELECT capacity, tokens FROM rate_budgets WHERE key = 'acme'", &[]).await.expect("bucket");
    let (capacity, tokens): (f64, f64) = (row.get(0), row.get(1));
    assert!(tokens < capacity && tokens >= capacity - 1.0, "{tokens} of {capacity}");
}
