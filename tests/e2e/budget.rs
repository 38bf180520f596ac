//! The shared rate budget through the CLI: two `unidesk worker` processes sync one account
//! (Kustomer, then Zendesk) whose accounts-file entry names `rate_limit_per_minute`; together
//! they never send faster than the account's Postgres bucket allows, and the simulator answers
//! no 429.

use std::sync::OnceLock;
use std::time::Instant;

use unidesk_kustomer_sim::{SimConfig, Simulator};
use unidesk_mirror::budget::Limit;
use unidesk_mirror::jobs::{JobQueue, JobState};
use unidesk_mirror::store::postgres::schema;

use crate::pg_cluster::Cluster;
use crate::postgres::spawn;

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The account's limit: 600 requests per minute, a burst of 6 then 9.7 a second.
const PER_MINUTE: u32 = 600;

#[test]
fn two_workers_on_one_account_stay_within_its_shared_rate_limit() {
    let Some(pg) = crate::pg_cluster::shared(&CLUSTER, "e2e budget") else { return };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let sim = rt.block_on(async {
        let cfg = SimConfig { conversations: 60, rate_limit: PER_MINUTE, ..SimConfig::default() };
        Simulator::start(cfg).await.expect("simulator")
    });
    let account = format!(
        "[[accounts]]\nname = \"acme\"\nprovider = \"kustomer\"\nbase_url = \"{}\"\n\
         token_env = \"UNIDESK_E2E_SIM_KEY\"\nrate_limit_per_minute = {PER_MINUTE}\n",
        sim.base_url()
    );
    let stats = || sim.stats();
    two_workers_within_the_limit(pg, &rt, "budget", &account, sim.api_key(), &stats);
}

#[test]
fn two_workers_on_one_zendesk_account_stay_within_its_shared_rate_limit() {
    use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};
    let Some(pg) = crate::pg_cluster::shared(&CLUSTER, "e2e budget") else { return };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let sim = rt.block_on(async {
        // The account limit is the one under test; the export's own 10 a minute is lifted
        // (the client would pace its exports to it anyway, only slower).
        let limits =
            RateLimits { account: PER_MINUTE, incremental: PER_MINUTE, window: std::time::Duration::from_secs(60) };
        let cfg = SimConfig { tickets: 40, deleted_tickets: 2, end_users: 20, limits, ..SimConfig::default() };
        Simulator::start(cfg).await.expect("simulator")
    });
    let account = format!(
        "[[accounts]]\nname = \"acme\"\nprovider = \"zendesk\"\nbase_url = \"{}\"\n\
         token_env = \"UNIDESK_E2E_SIM_KEY\"\nrate_limit_per_minute = {PER_MINUTE}\n\
         options = {{ email = \"{}\" }}\n",
        sim.base_url(),
        sim.email()
    );
    let stats = || sim.stats();
    two_workers_within_the_limit(pg, &rt, "budget_zendesk", &account, sim.token(), &stats);
}

/// Two `unidesk worker --drain` processes on the one account of `account` (an accounts file),
/// in a fresh database `label`: both succeed, the simulator (`stats`: requests, 429s) answered
/// no 429 and no more requests than the account's bucket allows, every job is done.
fn two_workers_within_the_limit(
    pg: &Cluster,
    rt: &tokio::runtime::Runtime,
    label: &str,
    account: &str,
    token: &str,
    stats: &dyn Fn() -> (u64, u64),
) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.toml");
    std::fs::write(&file, account).expect("accounts file");
    let db = rt.block_on(pg.fresh_database(label));
    let accounts = file.to_str().expect("path");
    let before = stats();
    let started = Instant::now();
    let workers: Vec<_> = ["w1", "w2"]
        .iter()
        .map(|id| {
            spawn(
                &[
                    "worker",
                    "--to",
                    &db,
                    "--accounts",
                    accounts,
                    "--worker-id",
                    id,
                    "--every",
                    "0",
                    "--drain",
                    "--page-size",
                    "10",
                ],
                token,
            )
        })
        .collect();
    for w in workers {
        let out = w.wait_with_output().expect("worker ends");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let elapsed = started.elapsed();
    let (requests, throttled) = stats();
    let (requests, throttled) = (requests - before.0, throttled - before.1);
    assert_eq!(throttled, 0, "the simulator answered 429s");
    let allowed = Limit::per_minute(PER_MINUTE).allowance(elapsed);
    assert!(requests as f64 <= allowed, "{requests} requests in {elapsed:?}; the shared bucket allows {allowed:.1}");
    assert!(requests > 20, "the sync needed more than the burst: {requests} requests");
    let queue = rt.block_on(async { JobQueue::new(schema::connect(&db).await.expect("connect")) });
    let jobs = rt.block_on(queue.jobs()).expect("jobs");
    assert!(jobs.iter().all(|j| j.state == JobState::Done), "{jobs:?}");
    let bucket = rt.block_on(async {
        let c = schema::connect(&db).await.expect("connect");
        c.query_one("SELECT capacity FROM rate_budgets WHERE key = 'acme'", &[])
            .await
            .expect("the bucket")
            .get::<_, f64>(0)
    });
    assert_eq!(bucket, Limit::per_minute(PER_MINUTE).capacity);
}
