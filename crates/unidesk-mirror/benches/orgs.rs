//! `orgs`: many Kustomer orgs mirrored at once from one process, one `name: value` line per
//! figure.
//!
//! `cargo bench -p unidesk-mirror --bench orgs`   (about 2 minutes)
//!
//! For N in 1, 10, 50, 200 (`ORGS_BENCH_NS=1,10` for fewer): this process hosts ONE Kustomer
//! simulator with N orgs (`SimConfig::orgs`: org `i` under `/org-NNN`, its own seed, key and
//! rolling-window rate limit), writes an accounts file (one `[[accounts]]` per org, its key in a
//! `token_file`), and re-executes itself as the client (`__client …`): one process that runs
//! `accounts::sync_all` over every org at once (concurrency N) into one SQLite file. The
//! simulator lives in the parent so the child's RSS is the client's alone.
//!
//! The measurement is a fixed window from an empty rate-limit window: 2 rolling windows of the
//! simulator (`ORGS_WINDOW_S`, default 15 s; each org allows `ORGS_LIMIT_PER_MIN`, default 300,
//! per minute, i.e. 75 per 15 s). In [0, 2W) a rolling window answers at most 2 × limit per
//! org, so:
//!
//! - `orgs.N.requests_per_s`: requests the simulator answered 2xx over the N orgs, read from
//!   its own per-org counters (`Simulator::org_stats`) just before 2W, ÷ 2W;
//! - `orgs.N.allowed_per_s`: the sum of the orgs' limits per second (N × limit ÷ W);
//! - `orgs.N.rate_ratio`: the first ÷ the second (target ≥ 0.95);
//! - `orgs.N.429s`: answers 429 over all orgs (target 0);
//! - `orgs.N.client_rss_mib`: the client process's highest `VmRSS` sampled every 50 ms during
//!   the window; `orgs.N.client_base_rss_mib`: its `VmRSS` just before the sync started (runtime,
//!   SQLite store open, accounts loaded); `orgs.N.rss_per_org_mib`: (peak − base) ÷ N, the
//!   memory each concurrently syncing org costs (target ≤ 1 MiB);
//! - `orgs.rss_slope_mib_per_org_1_to_200`: (peak at 200 − peak at 1) ÷ 199, the cost of one
//!   more org above the one-org client (the fixed base: runtime, SQLite, first connections);
//! - `orgs.N.orgs_done_early`: orgs whose sync ended inside the window (0, or the window
//!   measured idle orgs and the ratio is meaningless).
//!
//! Each org has `ORGS_CONVERSATIONS` (default 600) conversations, about 2,450 records in all,
//! listed at `ORGS_PAGE_SIZE` (default 10) per page: about 250 requests per org, more than
//! the 150 the window allows. The page size is small so that 200 orgs × 5 requests/s (1,000
//! requests/s) stay within what two shared cores can serve and decode with the simulator in
//! the same machine; at 100 per page the same rate would be 100,000 records/s, a CPU bound, not
//! the client's pacing.

#[path = "../tests/support/orgs.rs"]
mod orgs;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use orgs::{connect_kustomer, write_accounts};
use unidesk_benchkit::{env_or, figure, rss_kib};
use unidesk_core::{Helpdesk, Resource};
use unidesk_kustomer_sim::{SimConfig, Simulator};
use unidesk_mirror::accounts::{AccountSpec, AccountsFile, Connect, sync_all};
use unidesk_mirror::error::BoxError;
use unidesk_mirror::{SqliteStore, SyncOptions};

/// Connects a Kustomer account from its base URL and token file, as the CLI's registry does.
struct KustomerConnect;

#[async_trait]
impl Connect for KustomerConnect {
    async fn connect(&self, spec: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
        connect_kustomer(spec)
    }
}

/// The client: `__client ACCOUNTS DB RUN_MS PAGE_SIZE`. Prints `start`, syncs every account at
/// once for RUN_MS, then prints `base_kib`, `peak_kib` and `done` (accounts finished) and exits.
fn client(args: &[String]) {
    let [accounts, db, run_ms, page_size] = args else { panic!("__client ACCOUNTS DB RUN_MS PAGE_SIZE") };
    let run = Duration::from_millis(run_ms.parse().expect("run ms"));
    let page_size: u32 = page_size.parse().expect("page size");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let file = AccountsFile::load(Path::new(accounts)).expect("accounts file");
    let store = rt.block_on(SqliteStore::open(Path::new(db))).expect("sqlite store");
    let base = rss_kib();
    let peak = Arc::new(AtomicU64::new(base));
    let stop = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (peak, stop) = (Arc::clone(&peak), Arc::clone(&stop));
        std::thread::spawn(move || {
            while stop.load(Ordering::Relaxed) == 0 {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    // Resources done per account: an account is done when all of them are.
    let done = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<String, usize>::new()));
    println!("start");
    let _ = std::io::stdout().flush();
    let options = SyncOptions { page_size, ..SyncOptions::default() };
    let n = file.accounts.len();
    let finished = {
        let done = Arc::clone(&done);
        let on_event = move |account: &str, e: &unidesk_mirror::Event| {
            if matches!(e, unidesk_mirror::Event::Done { .. }) {
                *done.lock().expect("done").entry(account.to_owned()).or_default() += 1;
            }
        };
        rt.block_on(async {
            tokio::time::timeout(run, sync_all(&file, &KustomerConnect, &store, &options, n, Some(&on_event))).await
        })
    };
    stop.store(1, Ordering::Relaxed);
    let _ = sampler.join();
    let failed = match &finished {
        Ok(results) => results.iter().filter(|r| r.result.is_err()).count(),
        Err(_) => 0,
    };
    println!("base_kib {base}");
    println!("peak_kib {}", peak.load(Ordering::Relaxed));
    let all = Resource::ALL.len();
    let early = done.lock().expect("done").values().filter(|&&c| c >= all).count();
    println!("done {}", if finished.is_ok() { n - failed } else { early });
    println!("failed {failed}");
    let _ = std::io::stdout().flush();
    // The runtime still holds the unfinished syncs: leave without dropping it.
    std::process::exit(0);
}

/// One N: a simulator of `n` orgs, the client run against it; prints the figures.
/// Returns the client's peak RSS in KiB.
fn measure(
    rt: &tokio::runtime::Runtime,
    n: usize,
    window: Duration,
    per_min: u32,
    conversations: usize,
    page: u32,
) -> u64 {
    let limit = (f64::from(per_min) * window.as_secs_f64() / 60.0).round() as u32;
    let config = SimConfig { orgs: n, conversations, rate_limit: limit, window, ..SimConfig::default() };
    let sim = rt.block_on(Simulator::start(config)).expect("simulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let accounts = write_accounts(&sim, dir.path());
    let run = window * 2 - Duration::from_millis(250);
    let mut child = Command::new(std::env::current_exe().expect("this binary"))
        .args(["__client".as_ref(), accounts.as_os_str(), dir.path().join("m.db").as_os_str()])
        .arg(run.as_millis().to_string())
        .arg(page.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("client process");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    assert_eq!(first, "start", "the client did not start");
    let started = Instant::now();
    std::thread::sleep(run.saturating_sub(started.elapsed()));
    let (mut ok, mut limited) = (0u64, 0u64);
    for i in 0..n {
        let (served, l) = sim.org_stats(i).expect("org");
        ok += served - l;
        limited += l;
    }
    let mut reported = std::collections::HashMap::new();
    for line in lines.map_while(Result::ok) {
        if let Some((k, v)) = line.split_once(' ') {
            reported.insert(k.to_owned(), v.parse::<u64>().unwrap_or(0));
        }
    }
    let _ = child.wait();
    let spent = (window * 2).as_secs_f64();
    let rate = ok as f64 / spent;
    let allowed = n as f64 * f64::from(limit) / window.as_secs_f64();
    let base = reported.get("base_kib").copied().unwrap_or(0);
    let peak = reported.get("peak_kib").copied().unwrap_or(0);
    let mib = |kib: u64| kib as f64 / 1024.0;
    figure(&format!("orgs.{n}.requests_per_s"), format!("{rate:.1}"));
    figure(&format!("orgs.{n}.allowed_per_s"), format!("{allowed:.1}"));
    figure(&format!("orgs.{n}.rate_ratio"), format!("{:.3}", rate / allowed));
    figure(&format!("orgs.{n}.429s"), limited);
    figure(&format!("orgs.{n}.client_rss_mib"), format!("{:.1}", mib(peak)));
    figure(&format!("orgs.{n}.client_base_rss_mib"), format!("{:.1}", mib(base)));
    figure(&format!("orgs.{n}.rss_per_org_mib"), format!("{:.3}", mib(peak.saturating_sub(base)) / n as f64));
    figure(&format!("orgs.{n}.orgs_done_early"), reported.get("done").copied().unwrap_or(0));
    figure(&format!("orgs.{n}.orgs_failed"), reported.get("failed").copied().unwrap_or(0));
    peak
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if args.first().map(String::as_str) == Some("__client") {
        return client(&args[1..]);
    }
    let window = Duration::from_secs(env_or("ORGS_WINDOW_S", 15u64).max(2));
    let per_min = env_or("ORGS_LIMIT_PER_MIN", 300u32);
    let conversations = env_or("ORGS_CONVERSATIONS", 600usize);
    let page = env_or("ORGS_PAGE_SIZE", 10u32);
    let ns: Vec<usize> = std::env::var("ORGS_BENCH_NS")
        .unwrap_or_else(|_| "1,10,50,200".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    figure("orgs.window_s", (window * 2).as_secs());
    figure("orgs.limit_per_min_per_org", per_min);
    figure("orgs.page_size", page);
    figure("orgs.conversations_per_org", conversations);
    let peaks: Vec<(usize, u64)> =
        ns.into_iter().map(|n| (n, measure(&rt, n, window, per_min, conversations, page))).collect();
    // The cost of one more org: the peak's growth from the smallest N to the largest.
    if let (Some(&(n0, p0)), Some(&(n1, p1))) = (peaks.iter().min(), peaks.iter().max())
        && n1 > n0
    {
        let slope = p1.saturating_sub(p0) as f64 / 1024.0 / (n1 - n0) as f64;
        figure(&format!("orgs.rss_slope_mib_per_org_{n0}_to_{n1}"), format!("{slope:.3}"));
    }
}
