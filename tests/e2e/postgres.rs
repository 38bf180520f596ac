//! The mirror in Postgres through the CLI, on a throwaway PostgreSQL these tests start:
//!
//! - the kill -9 drill: `sync --to postgres://…` from a 10,000-ticket simulator with 10 %
//!   injected faults, killed with SIGKILL at three random moments, then resumed: every record
//!   once, equal to a fault-free reference sync;
//! - three `unidesk worker` processes on one database and 20 simulated accounts: every job
//!   done, no job ever held by two workers at once (the claims log), a worker killed while
//!   holding jobs and its jobs finished by the others, and the result equal to a
//!   `sync --accounts` of the same accounts into another database.

use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use unidesk_core::Resource;
use unidesk_kustomer_sim::{FaultConfig, SimConfig, Simulator};
use unidesk_mirror::jobs::{JobQueue, JobState, overlapping_claims};
use unidesk_mirror::store::postgres::schema;
use unidesk_mirror::{PassKind, PostgresStore, Store};

use crate::pg_cluster::Cluster;
use crate::support::{Contents, SimChild, assert_same_contents, comparable, sync_killed_three_times};

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// This binary's PostgreSQL (see `pg_cluster::shared`).
fn cluster() -> Option<&'static Cluster> {
    crate::pg_cluster::shared(&CLUSTER, "e2e")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// Every record of every resource of `account` at `url`, and each resource's checkpointed count.
async fn contents(url: &str, account: &str) -> Contents {
    let store = PostgresStore::open(url).await.expect("open");
    let mut out = Vec::new();
    for r in Resource::ALL {
        let rows = store.records(account, r).await.expect("records");
        let rows = rows.into_iter().map(|s| comparable(s.id, s.remote_was_deleted, &s.json)).collect();
        let cp = store.checkpoint(account, r).await.expect("checkpoint").expect("synced");
        assert!(cp.done, "{account}/{r}: the pass completed");
        out.push((r, rows, (cp.kind == PassKind::Full).then_some(cp.records)));
    }
    out
}

#[test]
fn postgres_sync_killed_3_times_under_faults_holds_every_record_once_equal_to_a_clean_sync() {
    let Some(pg) = cluster() else { return };
    let rt = runtime();
    let (reference, db) =
        rt.block_on(async { (pg.fresh_database("reference").await, pg.fresh_database("drill").await) });
    let conversations = "10000";
    let clean = SimChild::start(&["--conversations", conversations, "--rate-limit", "100000"]);
    let faulty = SimChild::start(&["--conversations", conversations, "--rate-limit", "6000", "--fault-rate", "0.1"]);
    let started = Instant::now();
    let out = clean.unidesk(&["sync", "--to", &reference, "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("postgres drill: clean reference sync in {:?}", started.elapsed());

    sync_killed_three_times(&faulty, &db, "postgres drill");
    let (want, got) = rt.block_on(async { (contents(&reference, "default").await, contents(&db, "default").await) });
    assert_same_contents("postgres", &got, &want);
    assert_eq!(got[0].1.len(), 10_000);
}

/// `unidesk ARGS` with the simulators' key in the environment the accounts file names.
pub(crate) fn spawn(args: &[&str], key: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(args)
        .env("UNIDESK_E2E_SIM_KEY", key)
        .env_remove("KUSTOMER_API_KEY")
        .env_remove("KUSTOMER_BASE_URL")
        .env_remove("KUSTOMER_ORG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unidesk starts")
}

#[test]
fn three_workers_share_20_accounts_never_run_a_job_twice_at_once_and_finish_a_killed_workers_jobs() {
    let Some(pg) = cluster() else { return };
    let rt = runtime();
    const ACCOUNTS: usize = 20;
    const TICKETS: usize = 150;
    // Twenty orgs, each its own simulator (own data, own rate limit), answering in 20 ms.
    let sims: Vec<Simulator> = rt.block_on(async {
        let mut sims = Vec::new();
        for i in 0..ACCOUNTS {
            let cfg = SimConfig {
                seed: 100 + i as u64,
                conversations: TICKETS,
                rate_limit: 100_000,
                faults: FaultConfig { latency: Duration::from_millis(20), ..FaultConfig::default() },
                ..SimConfig::default()
            };
            sims.push(Simulator::start(cfg).await.expect("simulator"));
        }
        sims
    });
    let key = sims[0].api_key().to_owned();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.toml");
    let mut toml = String::new();
    for (i, s) in sims.iter().enumerate() {
        toml.push_str(&format!(
            "[[accounts]]\nname = \"org{i:02}\"\nprovider = \"kustomer\"\nbase_url = \"{}\"\ntoken_env = \"UNIDESK_E2E_SIM_KEY\"\n\n",
            s.base_url()
        ));
    }
    std::fs::write(&file, toml).expect("accounts file");
    let accounts = file.to_str().expect("path");
    let (db, reference) =
        rt.block_on(async { (pg.fresh_database("workers").await, pg.fresh_database("accounts").await) });

    let started = Instant::now();
    let worker = |id: &str| {
        spawn(
            &[
                "worker",
                "--to",
                &db,
                "--accounts",
                accounts,
                "--worker-id",
                id,
                "--lease",
                "2",
                "--every",
                "0",
                "--drain",
                "--concurrency",
                "4",
                "--page-size",
                "20",
            ],
            &key,
        )
    };
    let mut victim = worker("w0");
    let others = [worker("w1"), worker("w2")];
    // Kill w0 with SIGKILL while it holds jobs.
    let queue = rt.block_on(async { JobQueue::new(schema::connect(&db).await.expect("connect")) });
    let held = |q: &JobQueue| {
        rt.block_on(q.jobs())
            .map(|jobs| {
                jobs.iter().filter(|j| j.state == JobState::Running && j.worker_id.as_deref() == Some("w0")).count()
            })
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while held(&queue) == 0 {
        assert!(Instant::now() < deadline, "w0 never claimed a job");
        assert!(victim.try_wait().expect("poll").is_none(), "w0 ended before claiming");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(150));
    let holding = held(&queue);
    victim.kill().expect("SIGKILL");
    let _ = victim.wait();
    eprintln!("workers: w0 killed after {:?} holding {holding} jobs", started.elapsed());
    for w in others {
        let out = w.wait_with_output().expect("worker ends");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    eprintln!("workers: 20 accounts synced by the surviving workers in {:?}", started.elapsed());

    let jobs = rt.block_on(queue.jobs()).expect("jobs");
    assert_eq!(jobs.len(), ACCOUNTS * Resource::ALL.len());
    assert!(jobs.iter().all(|j| j.state == JobState::Done), "every job done: {jobs:#?}");
    let claims = rt.block_on(queue.claims()).expect("claims");
    assert!(overlapping_claims(&claims).is_empty(), "a job held by two workers at once");
    let expired: Vec<_> =
        claims.iter().filter(|c| c.worker_id == "w0" && c.outcome.as_deref() == Some("expired")).collect();
    assert!(!expired.is_empty(), "w0's jobs were taken over after its lease expired: {claims:#?}");
    for c in &expired {
        let finisher = claims
            .iter()
            .find(|d| d.account == c.account && d.resource == c.resource && d.outcome.as_deref() == Some("done"))
            .expect("finished by someone");
        assert!(finisher.worker_id != "w0" && finisher.claimed_at >= c.lease_until, "{finisher:?} after {c:?}");
    }
    let by_survivors = claims.iter().filter(|c| c.outcome.as_deref() == Some("done")).map(|c| &c.worker_id);
    assert!(by_survivors.clone().any(|w| w == "w1") && by_survivors.clone().any(|w| w == "w2"), "both shared the work");
    eprintln!(
        "workers: {} claims, {} taken over from the killed worker, none overlapping",
        claims.len(),
        expired.len()
    );

    // The same accounts synced by one `sync --accounts` process: the same mirror.
    let out = spawn(&["sync", "--accounts", accounts, "--to", &reference, "--concurrency", "8", "--quiet"], &key)
        .wait_with_output()
        .expect("sync --accounts");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.ends_with(&format!("ok -> {}", reference))).count(),
        ACCOUNTS
    );
    rt.block_on(async {
        for i in 0..ACCOUNTS {
            let account = format!("org{i:02}");
            let got = contents(&db, &account).await;
            assert_eq!(got[0].1.len(), TICKETS, "{account}: every ticket");
            assert_same_contents(&account, &got, &contents(&reference, &account).await);
        }
    });
    drop(sims);
}

#[test]
fn sync_accounts_reports_a_failing_account_and_syncs_the_others_into_sqlite_and_postgres() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("accounts.toml");
    std::fs::write(
        &file,
        "[[accounts]]\nname = \"small\"\nprovider = \"memory\"\noptions = { memory_tickets = 30 }\n\n\
         [[accounts]]\nname = \"broken\"\nprovider = \"kustomer\"\nbase_url = \"http://127.0.0.1:9\"\n\
         token_env = \"UNIDESK_E2E_SURELY_UNSET\"\n\n\
         [[accounts]]\nname = \"large\"\nprovider = \"memory\"\noptions = { memory_tickets = 300 }\n",
    )
    .expect("accounts file");
    let accounts = file.to_str().expect("path");
    let sqlite = format!("sqlite:{}", dir.path().join("m.db").display());
    let mut stores = vec![sqlite];
    let rt = runtime();
    if let Some(pg) = cluster() {
        stores.push(rt.block_on(pg.fresh_database("accounts_cli")));
    }
    for to in &stores {
        let out = spawn(&["sync", "--accounts", accounts, "--to", to, "--concurrency", "2", "--quiet"], "")
            .wait_with_output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{to}: one account failed");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line =
            |name: &str| stdout.lines().find(|l| l.starts_with(&format!("{name}: "))).unwrap_or_default().to_owned();
        assert!(line("small").contains(": ok"), "{to}: {stdout}");
        assert!(line("large").contains(": ok"), "{to}: {stdout}");
        assert!(
            line("broken").contains("FAILED") && line("broken").contains("UNIDESK_E2E_SURELY_UNSET"),
            "{to}: {stdout}"
        );
        let status = Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["mirror", "status", "--to", to, "--format", "json"])
            .output()
            .expect("status");
        let doc: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
        let tickets = |account: &str| {
            doc["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["account"] == account && r["resource"] == "tickets")
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(
            (tickets("small")["records"].as_u64(), tickets("large")["records"].as_u64()),
            (Some(30), Some(300)),
            "{to}"
        );
        let broken = tickets("broken");
        assert_eq!(broken["records"].as_u64(), Some(0), "{to}: nothing stored for the failed account");
        assert!(
            broken["last_error"].as_str().is_some_and(|e| e.contains("UNIDESK_E2E_SURELY_UNSET")),
            "{to}: {broken}"
        );
    }
}
