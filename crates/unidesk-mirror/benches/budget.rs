//! `budget`: four workers on one Kustomer org, with and without a shared rate budget, one
//! `name: value` line per figure.
//!
//! `cargo bench -p unidesk-mirror --bench budget`
//!
//! Four workers — each a task with its own `KustomerClient` (and, when shared, its own
//! `PostgresRateBudget` on its own connection, as separate processes would have) — list the
//! simulator's conversations page after page, over and over, for two of the simulator's
//! rate-limit windows. The simulator allows 600 requests per minute, scaled down in time to
//! keep the run short: 150 requests in any 15 s (`UNIDESK_BUDGET_WINDOW_S=60` runs the real
//! 600 per 60 s; the limit per minute stays 600). Modes, each on a fresh simulator:
//!
//! - `shared`: every worker takes from one Postgres token bucket (`Limit::per_window`);
//! - `alone_pacing`: no budget; each client paces itself on the `x-ratelimit-*` headers and
//!   retries 429s after the reset (the client's default);
//! - `alone_bucket`: each worker its own in-process bucket sized for the whole org's limit
//!   (a per-process limiter, which does not know the other workers exist).
//!
//! Figures per mode: `budget.<mode>.rate_over_allowed` — requests answered 2xx ÷ the most the
//! server could answer in the run: each mode runs just short of two windows (2W − 0.25 s) from
//! an empty window, in which a rolling window answers at most 2 × its limit; the target is ≥ 0.95
//! with zero 429s — and `budget.<mode>.429s`.

#[path = "../tests/postgres/cluster.rs"]
mod cluster;

use std::sync::Arc;
use std::time::Duration;

use unidesk_benchkit::figure;
use unidesk_core::budget::RateBudget;
use unidesk_core::{Helpdesk, ListQuery};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::{SimConfig, Simulator};
use unidesk_mirror::budget::{Limit, LocalRateBudget, PostgresRateBudget};

use cluster::{Cluster, Durability};

const WORKERS: usize = 4;
const PER_MINUTE: u32 = 600;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Shared,
    AlonePacing,
    AloneBucket,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Shared => "shared",
            Mode::AlonePacing => "alone_pacing",
            Mode::AloneBucket => "alone_bucket",
        }
    }
}

/// One worker: lists every page of conversations, again and again, until aborted.
async fn work(client: KustomerClient) {
    let mut q = ListQuery::new().page_size(100);
    loop {
        match client.tickets().list(&q).await {
            Ok(page) => q.cursor = page.next_cursor,
            Err(e) => {
                eprintln!("worker: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn run(mode: Mode, window: Duration, url: Option<&str>) -> (f64, u64) {
    let limit = (f64::from(PER_MINUTE) * window.as_secs_f64() / 60.0).round() as u32;
    let sim = Simulator::start(SimConfig { conversations: 1000, rate_limit: limit, window, ..SimConfig::default() })
        .await
        .expect("simulator");
    let bucket = Limit::per_window(limit, window);
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let mut builder = KustomerClient::builder().base_url(sim.base_url()).api_key(sim.api_key());
        let budget: Option<Arc<dyn RateBudget>> = match mode {
            Mode::Shared => {
                let url = url.expect("a database");
                let b = PostgresRateBudget::open(url).await.expect("budget").with_limit("org", bucket);
                Some(Arc::new(b))
            }
            Mode::AloneBucket => Some(Arc::new(LocalRateBudget::new().with_limit("org", bucket))),
            Mode::AlonePacing => None,
        };
        if let Some(b) = budget {
            builder = builder.rate_budget(b, "org");
        }
        let client = builder.build().expect("client");
        workers.push(tokio::spawn(work(client)));
    }
    // Just short of two windows: from an empty window, the most the server can answer in
    // [0, 2W) is exactly 2 × limit (a third window's worth would start at 2W).
    tokio::time::sleep(window * 2 - Duration::from_millis(250)).await;
    let (served, limited) = sim.stats();
    for w in &workers {
        w.abort();
    }
    let allowed = 2.0 * f64::from(limit);
    ((served - limited) as f64 / allowed, limited)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let window = Duration::from_secs(
        std::env::var("UNIDESK_BUDGET_WINDOW_S").ok().and_then(|v| v.parse().ok()).unwrap_or(15).max(2),
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let pg = Cluster::start(Durability::Default);
    let url = pg.as_ref().map(|c| rt.block_on(c.fresh_database("budget_bench")));
    figure("budget.workers", WORKERS);
    figure("budget.limit_per_min", PER_MINUTE);
    figure("budget.window_s", window.as_secs());
    for mode in [Mode::Shared, Mode::AlonePacing, Mode::AloneBucket] {
        if mode == Mode::Shared && url.is_none() {
            figure("budget.shared", "skipped (no PostgreSQL)");
            continue;
        }
        let (ratio, limited) = rt.block_on(run(mode, window, url.as_deref()));
        figure(&format!("budget.{}.rate_over_allowed", mode.name()), format!("{ratio:.3}"));
        figure(&format!("budget.{}.429s", mode.name()), limited);
    }
}
