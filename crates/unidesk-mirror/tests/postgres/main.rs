//! The Postgres store, jobs and workers against a real PostgreSQL: a throwaway cluster the
//! tests start themselves ([`cluster`]), one per test binary, one database per test.

mod budget;
mod cluster;
mod concurrency;
mod jobs;
mod store;

use std::sync::OnceLock;

use cluster::{Cluster, Durability};

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The binary's cluster, started on first use; `None` (after a loud message) only when
/// PostgreSQL is not installed and servers are not required.
fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| {
            let c = Cluster::start(Durability::Relaxed)?;
            eprintln!("unidesk-mirror tests: PostgreSQL started in {:.1}s on port {}", c.startup_seconds, c.port);
            Some(c)
        })
        .as_ref()
}

/// A fresh database in the binary's cluster, or `None` (skip) as [`cluster`] says.
async fn fresh_database(label: &str) -> Option<String> {
    let c = tokio::task::spawn_blocking(cluster).await.expect("cluster start")?;
    Some(c.fresh_database(label).await)
}
