//! The Postgres figures of `perf`, against a throwaway cluster this bench starts (PostgreSQL's
//! default durability: fsync and synchronous commit on).
//!
//! - `ingest.postgres.records_per_s`: the store's cost alone, as `sqlite_commit_records_per_s`:
//!   the memory adapter's pages committed through `Store::commit` (one batched `UNNEST` upsert
//!   and the checkpoint per page, one transaction each) into a fresh database (best of 3).
//! - `ingest.postgres.client_cpu_us_per_record` / `server_cpu_us_per_record`: the CPU time the
//!   bench process and the PostgreSQL processes spent per record in that run (from `/proc`), and
//!   `ingest.postgres.records_per_cpu_s`, records per second of CPU the two spent together: what
//!   the figure would be with a core each and nothing else running. On a loaded machine the
//!   wall-clock figure is bound by the CPU the two processes get; `load_average` says how loaded.
//! - `ingest.postgres.sync_records_per_s`: a whole `Mirror::sync` from the memory adapter.

use std::time::Instant;

use unidesk_core::{AnyRecord, Helpdesk, Resource};
use unidesk_mirror::{Mirror, PostgresStore, SyncOptions};

use crate::cluster::{Cluster, Durability};
use crate::{PAGE, commit_all, figure};

/// CPU seconds (user + system) this process has used, from `/proc/self/stat`.
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let hz: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0);
    (ticks(11) + ticks(12)) / hz
}

/// One run's wall-clock rate and CPU seconds (this process, the server).
struct Run {
    per_s: f64,
    client_cpu: f64,
    server_cpu: f64,
}

/// Prints the Postgres figures (or says why there are none).
pub(crate) fn figures(rt: &tokio::runtime::Runtime, desk: &dyn Helpdesk, pages: &[(Resource, Vec<AnyRecord>)]) {
    let Some(cluster) = Cluster::start(Durability::Default) else {
        figure("ingest.postgres.records_per_s", "skipped (no PostgreSQL)");
        return;
    };
    figure("postgres_startup_s", format!("{:.1}", cluster.startup_seconds));
    let records: usize = pages.iter().map(|(_, p)| p.len()).sum();
    let mut runs = Vec::new();
    for i in 0..3 {
        let url = rt.block_on(cluster.fresh_database(&format!("ingest{i}")));
        let store = rt.block_on(PostgresStore::open(&url)).expect("open");
        let (client, server) = (own_cpu_seconds(), cluster.server_cpu_seconds());
        let per_s = rt.block_on(commit_all(&store, pages));
        runs.push(Run {
            per_s,
            client_cpu: own_cpu_seconds() - client,
            server_cpu: cluster.server_cpu_seconds() - server,
        });
    }
    let best = runs.iter().max_by(|a, b| a.per_s.total_cmp(&b.per_s)).expect("three runs");
    let us = |cpu: f64| cpu * 1e6 / records as f64;
    figure("ingest.postgres.records_per_s", format!("{:.0}", best.per_s));
    figure("ingest.postgres.client_cpu_us_per_record", format!("{:.1}", us(best.client_cpu)));
    figure("ingest.postgres.server_cpu_us_per_record", format!("{:.1}", us(best.server_cpu)));
    let cpu = best.client_cpu + best.server_cpu;
    if cpu > 0.0 {
        figure("ingest.postgres.records_per_cpu_s", format!("{:.0}", records as f64 / cpu));
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    figure("load_average", load.split_whitespace().next().unwrap_or("?"));
    let (secs, total) = rt.block_on(async {
        let url = cluster.fresh_database("sync").await;
        let store = PostgresStore::open(&url).await.expect("open");
        let started = Instant::now();
        let opts = SyncOptions { page_size: PAGE as u32, ..SyncOptions::default() };
        let report = Mirror::new(desk, &store, "bench").options(opts).sync().await.expect("sync");
        let total: u64 = report.resources.iter().map(|r| r.checkpoint.records).sum();
        (started.elapsed().as_secs_f64(), total)
    });
    figure("ingest.postgres.sync_records_per_s", format!("{:.0}", total as f64 / secs));
}
