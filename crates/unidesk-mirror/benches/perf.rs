//! `perf`: the mirror's figures, one `name: value` line each.
//!
//! `cargo bench -p unidesk-mirror --bench perf`
//!
//! - `sqlite_commit_records_per_s`: the store's cost alone: pages of the memory adapter's
//!   sample records (listed beforehand) committed into a fresh SQLite file through
//!   `Store::commit`, each page in one transaction with its checkpoint (best of 3).
//! - `row_build_records_per_s`: of that, the records turned into rows (JSON text, typed
//!   columns) without SQLite.
//! - `jsonl_commit_records_per_s`: the same pages into a JSONL folder, for comparison.
//! - `sqlite_sync_records_per_s`: a whole `Mirror::sync` from the memory adapter (its listing
//!   included) into SQLite.
//! - `ingest.postgres.*`: the same into a throwaway PostgreSQL (see `perf/postgres.rs`).
//! - `sqlite_ingest_peak_rss_kib_10k` / `_100k`: peak RSS of a child process (this binary
//!   re-executed with `__rss N`) that commits N tickets and 2N comments generated from the
//!   sample's records, page by page: flat means the mirror holds no more than a page.

#[path = "../tests/postgres/cluster.rs"]
mod cluster;
#[path = "perf/postgres.rs"]
mod postgres;

use std::time::Instant;

use unidesk_benchkit::{figure, peak_rss_kib, runtime};
use unidesk_core::{AnyRecord, Helpdesk, ListQuery, Resource, list_page};
use unidesk_memory::{MemoryHelpdesk, Seed};
use unidesk_mirror::{Checkpoint, Filter, JsonlStore, Mirror, SqliteStore, Store, SyncOptions};

const PAGE: usize = 500;

/// Every page of tickets and comments of `desk`, listed once up front.
async fn pages(desk: &dyn Helpdesk) -> Vec<(Resource, Vec<AnyRecord>)> {
    let mut out = Vec::new();
    for r in [Resource::Ticket, Resource::Comment] {
        let mut q = ListQuery::new().page_size(PAGE as u32);
        loop {
            let page = list_page(desk, r, &q).await.expect("list");
            out.push((r, page.items));
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
    }
    out
}

/// Commits `pages` into `store` as the engine does (open, a commit per page, finish); records/s.
async fn commit_all(store: &dyn Store, pages: &[(Resource, Vec<AnyRecord>)]) -> f64 {
    let started = Instant::now();
    let mut records = 0u64;
    let mut current: Option<(Resource, Checkpoint)> = None;
    for (r, items) in pages {
        if current.as_ref().is_none_or(|(c, _)| c != r) {
            if let Some((done, cp)) = current.take() {
                store.finish_pass("bench", done, &cp).await.expect("finish");
            }
            let plan = Checkpoint { reconcile: true, ..Checkpoint::default() };
            let start = store.open_pass("bench", *r, &plan).await.expect("open");
            current = Some((*r, start.checkpoint));
        }
        let (_, cp) = current.as_mut().expect("open pass");
        cp.records += items.len() as u64;
        cp.last_id = items.last().map(|t| unidesk_core::Record::id(t).to_owned());
        cp.cursor = Some(format!("page-{}", cp.records));
        store.commit("bench", *r, items, cp).await.expect("commit");
        records += items.len() as u64;
    }
    if let Some((done, mut cp)) = current {
        cp.listed = true;
        store.finish_pass("bench", done, &cp).await.expect("finish");
    }
    records as f64 / started.elapsed().as_secs_f64()
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

/// The child: commits `n` tickets and `2n` comments generated page by page from the sample's
/// records into a fresh database, then prints its peak RSS.
fn rss_child(n: usize) {
    let seed = Seed::sample(100);
    let dir = tempfile::tempdir().expect("tmp");
    runtime().block_on(async {
        let store = SqliteStore::open(&dir.path().join("rss.db")).await.expect("open");
        let base = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").expect("t").to_utc();
        for (r, total) in [(Resource::Ticket, n), (Resource::Comment, 2 * n)] {
            let mut cp = store.open_pass("rss", r, &Checkpoint::default()).await.expect("open").checkpoint;
            let mut i = 0;
            while i < total {
                let page: Vec<AnyRecord> = (i..(i + PAGE).min(total))
                    .map(|k| {
                        let at = Some(base + chrono::Duration::seconds(k as i64));
                        match r {
                            Resource::Ticket => {
                                let mut t = seed.tickets[k % seed.tickets.len()].clone();
                                t.id = format!("{k:024x}");
                                t.updated_at = at;
                                AnyRecord::Ticket(t)
                            }
                            _ => {
                                let mut c = seed.comments[k % seed.comments.len()].clone();
                                c.id = format!("{k:024x}");
                                c.ticket_id = Some(format!("{:024x}", k / 2));
                                c.updated_at = at;
                                AnyRecord::Comment(c)
                            }
                        }
                    })
                    .collect();
                i += page.len();
                cp.records = i as u64;
                store.commit("rss", r, &page, &cp).await.expect("commit");
            }
            cp.listed = true;
            store.finish_pass("rss", r, &cp).await.expect("finish");
        }
    });
    println!("{}", peak_rss_kib());
}

fn rss_of(n: usize) -> u64 {
    let exe = std::env::current_exe().expect("exe");
    let out = std::process::Command::new(exe).args(["__rss", &n.to_string()]).output().expect("child runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a number")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__rss") {
        rss_child(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000));
        return;
    }
    let rt = runtime();
    let desk = MemoryHelpdesk::with_sample_data(10_000);
    let pages = rt.block_on(pages(&desk));
    let records: usize = pages.iter().map(|(_, p)| p.len()).sum();
    figure("commit_records", records);
    figure("commit_page_size", PAGE);

    // The part of a commit spent turning records into rows (JSON text and typed columns).
    let started = Instant::now();
    for (r, items) in &pages {
        for t in items {
            std::hint::black_box(unidesk_mirror::store::rows::row_of(*r, t).expect("row"));
        }
    }
    figure("row_build_records_per_s", format!("{:.0}", records as f64 / started.elapsed().as_secs_f64()));

    let mut sqlite = Vec::new();
    let mut jsonl = Vec::new();
    for _ in 0..3 {
        let dir = tempfile::tempdir().expect("tmp");
        sqlite.push(rt.block_on(async {
            let store = SqliteStore::open(&dir.path().join("m.db")).await.expect("open");
            commit_all(&store, &pages).await
        }));
        jsonl.push(rt.block_on(async {
            let (store, _) = JsonlStore::open(&dir.path().join("jsonl"), &Filter::default(), None).await.expect("open");
            commit_all(&store, &pages).await
        }));
    }
    figure("sqlite_commit_records_per_s", format!("{:.0}", best(&sqlite)));
    figure("jsonl_commit_records_per_s", format!("{:.0}", best(&jsonl)));

    postgres::figures(&rt, &desk, &pages);

    let dir = tempfile::tempdir().expect("tmp");
    let (secs, total) = rt.block_on(async {
        let store = SqliteStore::open(&dir.path().join("sync.db")).await.expect("open");
        let started = Instant::now();
        let opts = SyncOptions { page_size: PAGE as u32, ..SyncOptions::default() };
        let report = Mirror::new(&desk, &store, "bench").options(opts).sync().await.expect("sync");
        let total: u64 = report.resources.iter().map(|r| r.checkpoint.records).sum();
        (started.elapsed().as_secs_f64(), total)
    });
    figure("sqlite_sync_records", total);
    figure("sqlite_sync_records_per_s", format!("{:.0}", total as f64 / secs));

    let small = rss_of(10_000);
    let large = rss_of(100_000);
    figure("sqlite_ingest_peak_rss_kib_10k", small);
    figure("sqlite_ingest_peak_rss_kib_100k", large);
    figure("sqlite_ingest_peak_rss_ratio_100k_over_10k", format!("{:.2}", large as f64 / small.max(1) as f64));
}
