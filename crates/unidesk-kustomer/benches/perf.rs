//! `perf`: every performance figure of `docs/performance.md`, one `name: value` line each.
//!
//! `cargo bench -p unidesk-kustomer --bench perf` (set `PERF_ONLY=mapping,listing,memory,ratelimit,drill`
//! to run a subset). Figures are ratios measured in one run, so a noisy shared machine
//! moves both sides together; the absolute times are printed for context only.
//!
//! The simulator for the listing and memory figures runs in a child process (this
//! binary re-executed with `__sim`), and each memory figure is taken in its own child
//! (`__rss`), so peak RSS is the client's alone.

mod common;
#[path = "../tests/support/drill.rs"]
mod drill;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::Value;
use unidesk_benchkit::{
    drain_serialized, fastest, figure, mapping_figures, median, peak_rss_kib, peak_rss_kib_of, runtime, time_per_call,
};
use unidesk_core::{Helpdesk, HelpdeskExt, ListQuery};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::{SimConfig, Simulator};

// ---------------------------------------------------------------- mapping

fn mapping() {
    for body in common::bodies() {
        let b = &body.bytes;
        let (mut value, mut wire, mut mapped) = (Vec::new(), Vec::new(), Vec::new());
        // Many short interleaved samples; the fastest of each kind. On a shared machine noise
        // only ever adds time, and short samples make it likely each kind gets a quiet one.
        for _ in 0..80 {
            value.push(time_per_call(|| common::parse_value(b), 30));
            wire.push(time_per_call(|| common::parse_wire(body.kind, b), 30));
            mapped.push(time_per_call(|| common::map_normalized(body.kind, b), 30));
        }
        mapping_figures(body.kind, b.len(), fastest(value), fastest(wire), fastest(mapped));
    }
}

// ---------------------------------------------------------------- child processes

/// A simulator in a child process; killed on drop.
struct SimProcess {
    child: Child,
    base_url: String,
    api_key: String,
    /// Kept open so the child never writes into a closed pipe.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl SimProcess {
    fn start(conversations: usize) -> SimProcess {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .args(["__sim", &conversations.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the simulator");
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut base_url, mut api_key) = (String::new(), String::new());
        while base_url.is_empty() || api_key.is_empty() {
            let line = lines.next().expect("the simulator prints its address").expect("utf8");
            if let Some(v) = line.strip_prefix("base_url ") {
                base_url = v.to_owned();
            } else if let Some(v) = line.strip_prefix("api_key ") {
                api_key = v.to_owned();
            }
        }
        SimProcess { child, base_url, api_key, _stdout: lines }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn child_sim(conversations: usize) {
    let rt = runtime();
    rt.block_on(async {
        let config = SimConfig { conversations, rate_limit: 100_000_000, ..SimConfig::default() };
        let sim = Simulator::start(config).await.expect("simulator starts");
        println!("base_url {}", sim.base_url());
        println!("api_key {}", sim.api_key());
        let _ = std::io::stdout().flush();
        // Serve until the parent closes our stdin (or kills us).
        let _ = tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            while std::io::stdin().read_line(&mut s).map(|n| n > 0).unwrap_or(false) {}
        })
        .await;
    });
}

fn client(base_url: &str, api_key: &str) -> KustomerClient {
    KustomerClient::builder().base_url(base_url).api_key(api_key).build().expect("client builds")
}

/// Streams `n` tickets to a sink (serialized, as a sync writes them) and prints peak RSS.
fn child_rss(base_url: &str, api_key: &str, n: usize) {
    let rt = runtime();
    let count = rt.block_on(async {
        let c = client(base_url, api_key);
        drain_serialized(c.stream_tickets(ListQuery::new().page_size(100)), n).await
    });
    println!("count {count}");
    println!("rss_kib {}", peak_rss_kib());
}

fn measure_rss(sim: &SimProcess, n: usize) -> (usize, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out =
        Command::new(exe).args(["__rss", &sim.base_url, &sim.api_key, &n.to_string()]).output().expect("rss child");
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    (get("count ") as usize, get("rss_kib "))
}

// ---------------------------------------------------------------- listing

async fn adapter_listing(base_url: &str, api_key: &str) -> usize {
    let c = client(base_url, api_key);
    c.stream_tickets(ListQuery::new().page_size(100))
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .expect("listing")
}

async fn bare_listing(http: &reqwest::Client, base_url: &str, api_key: &str) -> usize {
    let mut n = 0;
    let mut page = 1;
    loop {
        let url = format!("{base_url}/v1/conversations?page={page}&pageSize=100");
        let bytes = http.get(&url).bearer_auth(api_key).send().await.expect("get").bytes().await.expect("body");
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        n += v["data"].as_array().map_or(0, Vec::len);
        if v["links"]["next"].is_null() {
            return n;
        }
        page += 1;
    }
}

fn listing() {
    let sim = SimProcess::start(10_000);
    let rt = runtime();
    rt.block_on(async {
        let http = reqwest::Client::new();
        // Warm both paths (connection pools, simulator caches).
        assert_eq!(adapter_listing(&sim.base_url, &sim.api_key).await, 10_000);
        assert_eq!(bare_listing(&http, &sim.base_url, &sim.api_key).await, 10_000);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            let t = Instant::now();
            let n = adapter_listing(&sim.base_url, &sim.api_key).await;
            a.push(t.elapsed().as_secs_f64());
            assert_eq!(n, 10_000);
            let t = Instant::now();
            let n = bare_listing(&http, &sim.base_url, &sim.api_key).await;
            b.push(t.elapsed().as_secs_f64());
            assert_eq!(n, 10_000);
        }
        let (a, b) = (median(a), median(b));
        figure("listing.tickets", 10_000);
        figure("listing.adapter_stream_ms", format!("{:.1}", a * 1e3));
        figure("listing.bare_reqwest_value_ms", format!("{:.1}", b * 1e3));
        figure("listing.ratio_vs_bare", format!("{:.3}", a / b));
    });
}

// ---------------------------------------------------------------- memory

fn memory() {
    let sim = SimProcess::start(100_000);
    let (n10, rss10) = measure_rss(&sim, 10_000);
    let (n100, rss100) = measure_rss(&sim, 100_000);
    assert_eq!((n10, n100), (10_000, 100_000), "every ticket streamed");
    figure("memory.stream_10k_peak_rss_mib", format!("{:.1}", rss10 as f64 / 1024.0));
    figure("memory.stream_100k_peak_rss_mib", format!("{:.1}", rss100 as f64 / 1024.0));
    figure("memory.ratio_100k_vs_10k", format!("{:.3}", rss100 as f64 / rss10.max(1) as f64));
    // The simulator itself, after serving 110,000 conversations from its 100,000 (target ≤ 400 MiB).
    let sim_kib = peak_rss_kib_of(&sim.child.id().to_string());
    figure("memory.sim_100k_conversations_peak_rss_mib", format!("{:.1}", sim_kib as f64 / 1024.0));
}

// ---------------------------------------------------------------- rate limit

/// Lists page by page under a 600 requests/minute limit (scaled: 20 per 2 s rolling window).
async fn paced_listing(pacing: bool) -> (usize, f64, f64, u64, bool) {
    let limit = 20u32;
    let window = Duration::from_secs(2);
    let config = SimConfig { conversations: 1_400, rate_limit: limit, window, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("simulator starts");
    let c = KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .pacing(pacing)
        .retry(drill::drill_retry())
        .build()
        .expect("client");
    let start = Instant::now();
    let mut stamps = Vec::new();
    let mut q = ListQuery::new().page_size(10);
    let mut ok = true;
    loop {
        match c.tickets().list(&q).await {
            Ok(page) => {
                stamps.push(start.elapsed().as_secs_f64());
                match page.next_cursor {
                    Some(cur) => q.cursor = Some(cur),
                    None => break,
                }
            }
            Err(_) => {
                ok = false;
                break;
            }
        }
    }
    let total = start.elapsed().as_secs_f64();
    // Under a rolling window of `limit` requests per `w`, request k (0-based) can start no
    // earlier than floor(k / limit) × w. The share of the allowed rate is that earliest
    // possible time for the last request over the time it actually completed.
    let w = window.as_secs_f64();
    let n = stamps.len();
    let earliest_last = ((n.saturating_sub(1)) / limit as usize) as f64 * w;
    let share = match stamps.last() {
        Some(last) if *last > 0.0 => earliest_last / last,
        _ => 0.0,
    };
    (n, total, share, sim.stats().1, ok)
}

fn ratelimit() {
    let rt = runtime();
    rt.block_on(async {
        for pacing in [true, false] {
            let (pages, secs, share, throttled, ok) = paced_listing(pacing).await;
            let p = if pacing { "paced" } else { "unpaced" };
            figure(&format!("ratelimit.{p}.requests"), pages);
            figure(&format!("ratelimit.{p}.seconds"), format!("{secs:.2}"));
            figure(&format!("ratelimit.{p}.share_of_allowed_rate"), format!("{share:.3}"));
            figure(&format!("ratelimit.{p}.http_429_received"), throttled);
            figure(&format!("ratelimit.{p}.errors_surfaced"), u8::from(!ok));
        }
    });
}

// ---------------------------------------------------------------- fault drills

fn drills() {
    let rt = runtime();
    rt.block_on(async {
        let sim = drill::faulty_sim(10_000, 0.10).await;
        match drill::sync_exactly_once(&sim).await {
            Ok(r) => {
                for (what, n) in &r.records {
                    figure(&format!("drill.sync.{what}_exactly_once"), n);
                }
                figure("drill.sync.requests", r.requests);
                figure("drill.sync.seconds", format!("{:.2}", r.elapsed.as_secs_f64()));
            }
            Err(e) => figure("drill.sync.FAILED", e),
        }
        match drill::interrupted_and_resumed(&sim, 37).await {
            Ok(r) => figure("drill.resume.tickets_exactly_once", r.records[0].1),
            Err(e) => figure("drill.resume.FAILED", e),
        }
        let sim = drill::faulty_sim(200, 0.10).await;
        match drill::writes_never_duplicate(&sim, 1_000).await {
            Ok(r) => {
                figure("drill.writes.acknowledged", r.ok);
                figure("drill.writes.failed_ambiguous", r.failed);
                figure("drill.writes.duplicated", r.duplicated);
            }
            Err(e) => figure("drill.writes.FAILED", e),
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("__sim") => return child_sim(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000)),
        Some("__rss") => {
            return child_rss(&args[2], &args[3], args.get(4).and_then(|s| s.parse().ok()).unwrap_or(10_000));
        }
        _ => {}
    }
    let only = std::env::var("PERF_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    figure("perf.date", chrono::Utc::now().format("%Y-%m-%d"));
    figure("perf.cores", std::thread::available_parallelism().map_or(0, |n| n.get()));
    if wanted("mapping") {
        mapping();
    }
    if wanted("listing") {
        listing();
    }
    if wanted("memory") {
        memory();
    }
    if wanted("ratelimit") {
        ratelimit();
    }
    if wanted("drill") {
        drills();
    }
}
