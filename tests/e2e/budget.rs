//! The shared rate budget through the CLI: two `unidesk worker` processes sync one Kustomer
//! account whose accounts-file entry names `rate_limit_per_minute`; together they never send
//! faster than the account's Postgres bucket allows, and the simulator answers no 429.

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
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.toml");
    std::fs::write(
        &file,
        format!(
            "[[accounts]]\nname = \"acme\"\nprovider = \"kustomer\"\nbase_url = \"{}\"\n\
             token_env = \"UNIDESK_E2E_SIM_KEY\"\nrate_limit_per_minute = {PER_MINUTE}\n",
            sim.base_url()
        ),
    )
    .expect("accounts file");
    let db = rt.block_on(pg.fresh_database("budget"));
    let accounts = file.to_str().expect("path");
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
                sim.api_key(),
            )
        })
        .collect();
    for w in workers {
        let out = w.wait_with_output().expect("worker ends");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let elapsed = started.elapsed();
    let (requests, throttled) = sim.stats();
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
