//! The Postgres store, jobs and workers against a real PostgreSQL: a throwaway cluster the
//! tests start themselves ([`cluster`]), one per test binary, one database per test.

mod budget;
mod cluster;
mod concurrency;
mod jobs;
mod store;
mod tls;

use std::sync::OnceLock;

use cluster::Cluster;

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The binary's cluster (see [`cluster::shared`]).
fn cluster() -> Option<&'static Cluster> {
    cluster::shared(&CLUSTER, "unidesk-mirror tests")
}

/// A fresh database in the binary's cluster, or `None` (skip) as [`cluster`] says.
async fn fresh_database(label: &str) -> Option<String> {
    let c = tokio::task::spawn_blocking(cluster).await.expect("cluster start")?;
    Some(c.fresh_database(label).await)
}
