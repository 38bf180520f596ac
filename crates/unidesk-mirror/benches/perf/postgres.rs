//! The Postgres figures of `perf`, against a throwaway cluster this bench starts (PostgreSQL's
//! default durability: fsync and synchronous commit on).
//!
//! - `ingest.postgres.records_per_s`: the store's cost alone, as `sqlite_commit_records_per_s`:
//!   the memory adapter's pages committed through `Store::commit` (one batched `UNNEST` upsert
//!   and the checkpoint per page, one transaction each) into a fresh database (best of 3).
//! - `ingest.postgres.sync_records_per_s`: a whole `Mirror::sync` from the memory adapter.

use std::time::Instant;

use unidesk_core::{AnyRecord, Helpdesk, Resource};
use unidesk_mirror::{Mirror, PostgresStore, SyncOptions};

use crate::cluster::{Cluster, Durability};
use crate::{PAGE, best, commit_all, figure};

/// Prints the Postgres figures (or says why there are none).
pub(crate) fn figures(rt: &tokio::runtime::Runtime, desk: &dyn Helpdesk, pages: &[(Resource, Vec<AnyRecord>)]) {
    let Some(cluster) = Cluster::start(Durability::Default) else {
        figure("ingest.postgres.records_per_s", "skipped (no PostgreSQL)");
        return;
    };
    figure("postgres_startup_s", format!("{:.1}", cluster.startup_seconds));
    let mut runs = Vec::new();
    for i in 0..3 {
        runs.push(rt.block_on(async {
            let url = cluster.fresh_database(&format!("ingest{i}")).await;
            let store = PostgresStore::open(&url).await.expect("open");
            commit_all(&store, pages).await
        }));
    }
    figure("ingest.postgres.records_per_s", format!("{:.0}", best(&runs)));
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
