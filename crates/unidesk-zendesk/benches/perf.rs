//! `perf`: the Zendesk adapter's performance figures, one `name: value` line each.
//!
//! `cargo bench -p unidesk-zendesk --bench perf` (set `PERF_ONLY=mapping,listing,memory` to run
//! a subset). Figures are ratios measured in one run, so a noisy shared machine moves both
//! sides together; absolute times are printed for context only.
//!
//! The simulator for the listing and memory figures runs in a child process (this binary
//! re-executed with `__sim`), and each memory figure is taken in its own child (`__rss`), so
//! CPU time and peak RSS are the client's alone.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::Value;
use unidesk_benchkit::{
    cpu_seconds, drain_serialized, fastest, figure, mapping_figures, median, peak_rss_kib, runtime, time_per_call,
};
use unidesk_core::{HelpdeskExt, ListQuery};
use unidesk_zendesk::wire::{self, Listing};
use unidesk_zendesk::{ZendeskClient, map};
use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

fn sim_config(tickets: usize) -> SimConfig {
    SimConfig { tickets, limits: RateLimits::unlimited(), export_lag: Duration::ZERO, ..SimConfig::default() }
}

// ---------------------------------------------------------------- mapping

/// One page of 100 records of `path` as the simulator serves it.
fn body(path: &str) -> Vec<u8> {
    runtime().block_on(async {
        let sim = Simulator::start(sim_config(500)).await.expect("simulator");
        let url = format!("{}/api/v2/{path}", sim.base_url());
        let resp = reqwest::Client::new()
            .get(url)
            .bearer_auth(sim.token())
            .query(&[("page[size]", "100")])
            .send()
            .await
            .expect("simulator answers");
        resp.bytes().await.expect("body").to_vec()
    })
}

fn mapping() {
    let tickets = body("tickets.json");
    let users = body("users.json");
    type Case<'a> = (&'a str, &'a [u8], fn(&[u8]) -> usize, fn(&[u8]) -> usize);
    let cases: [Case<'_>; 2] = [
        (
            "tickets",
            &tickets,
            |b| serde_json::from_slice::<Listing<wire::Ticket>>(b).map_or(0, |l| l.items.len()),
            |b| {
                let l: Listing<wire::Ticket> = serde_json::from_slice(b).expect("tickets");
                l.items
                    .into_iter()
                    .map(|t| map::ticket(t, None, "https://acme.zendesk.com"))
                    .filter(|t| !t.id.is_empty())
                    .count()
            },
        ),
        (
            "users",
            &users,
            |b| serde_json::from_slice::<Listing<wire::User>>(b).map_or(0, |l| l.items.len()),
            |b| {
                let l: Listing<wire::User> = serde_json::from_slice(b).expect("users");
                l.items.into_iter().map(|u| map::contact(u, None)).filter(|c| !c.id.is_empty()).count()
            },
        ),
    ];
    for (kind, b, wire_parse, mapped) in cases {
        let (mut value, mut wire, mut full) = (Vec::new(), Vec::new(), Vec::new());
        // Many short interleaved samples; the fastest of each kind (noise only adds time).
        for _ in 0..80 {
            value.push(time_per_call(|| serde_json::from_slice::<Value>(b).map_or(0, |_| 1), 30));
            wire.push(time_per_call(|| wire_parse(b), 30));
            full.push(time_per_call(|| mapped(b), 30));
        }
        mapping_figures(kind, b.len(), fastest(value), fastest(wire), fastest(full));
    }
}

// ---------------------------------------------------------------- child processes

/// A simulator in a child process; killed on drop.
struct SimProcess {
    child: Child,
    base_url: String,
    token: String,
    email: String,
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl SimProcess {
    fn start(tickets: usize) -> SimProcess {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .args(["__sim", &tickets.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the simulator");
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut base_url, mut token, mut email) = (String::new(), String::new(), String::new());
        while base_url.is_empty() || token.is_empty() || email.is_empty() {
            let line = lines.next().expect("the simulator prints its address").expect("utf8");
            if let Some(v) = line.strip_prefix("base_url: ") {
                base_url = v.to_owned();
            } else if let Some(v) = line.strip_prefix("token: ") {
                token = v.to_owned();
            } else if let Some(v) = line.strip_prefix("email: ") {
                email = v.to_owned();
            }
        }
        SimProcess { child, base_url, token, email, _stdout: lines }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn child_sim(tickets: usize) {
    runtime().block_on(async {
        let sim = Simulator::start(sim_config(tickets)).await.expect("simulator starts");
        println!("base_url: {}", sim.base_url());
        println!("email: {}", sim.email());
        println!("token: {}", sim.token());
        let _ = std::io::stdout().flush();
        let _ = tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            while std::io::stdin().read_line(&mut s).map(|n| n > 0).unwrap_or(false) {}
        })
        .await;
    });
}

fn client(base_url: &str, email: &str, token: &str) -> ZendeskClient {
    ZendeskClient::builder()
        .base_url(base_url)
        .api_token(email, token)
        .export_requests_per_minute(None)
        .build()
        .expect("client builds")
}

/// Streams `n` tickets to a sink (serialized, as a sync writes them) and prints peak RSS.
fn child_rss(base_url: &str, email: &str, token: &str, n: usize) {
    let count = runtime().block_on(async {
        let c = client(base_url, email, token);
        drain_serialized(c.stream_tickets(ListQuery::new().page_size(100)), n).await
    });
    println!("count {count}");
    println!("rss_kib {}", peak_rss_kib());
}

fn measure_rss(sim: &SimProcess, n: usize) -> (usize, u64) {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["__rss", &sim.base_url, &sim.email, &sim.token, &n.to_string()])
        .output()
        .expect("rss child");
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    (get("count ") as usize, get("rss_kib "))
}

// ---------------------------------------------------------------- listing

async fn adapter_listing(c: &ZendeskClient, query: ListQuery) -> usize {
    c.stream_tickets(query).try_fold(0usize, |n, _| async move { Ok(n + 1) }).await.expect("listing")
}

/// The same tickets with a bare reqwest loop: cursor pages of 100 parsed as `serde_json::Value`.
async fn bare_listing(http: &reqwest::Client, sim: &SimProcess) -> usize {
    let mut n = 0;
    let mut after: Option<String> = None;
    loop {
        let mut req = http
            .get(format!("{}/api/v2/tickets.json", sim.base_url))
            .basic_auth(format!("{}/token", sim.email), Some(&sim.token))
            .query(&[("page[size]", "100")]);
        if let Some(a) = &after {
            req = req.query(&[("page[after]", a.as_str())]);
        }
        let bytes = req.send().await.expect("get").bytes().await.expect("body");
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        n += v["tickets"].as_array().map_or(0, Vec::len);
        if v["meta"]["has_more"].as_bool() != Some(true) {
            return n;
        }
        after = v["meta"]["after_cursor"].as_str().map(str::to_owned);
    }
}

fn listing() {
    let total = 10_000;
    let sim = SimProcess::start(total);
    runtime().block_on(async {
        let http = reqwest::Client::new();
        let c = client(&sim.base_url, &sim.email, &sim.token);
        assert_eq!(adapter_listing(&c, ListQuery::new().page_size(100)).await, total);
        assert_eq!(bare_listing(&http, &sim).await, total);
        let (mut a, mut b, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let (t, c0) = (Instant::now(), cpu_seconds());
            assert_eq!(adapter_listing(&c, ListQuery::new().page_size(100)).await, total);
            a.push(t.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c0);
            let t = Instant::now();
            assert_eq!(bare_listing(&http, &sim).await, total);
            b.push(t.elapsed().as_secs_f64());
        }
        let (a, b, cpu) = (median(a), median(b), median(cpu));
        figure("listing.tickets", total);
        figure("listing.adapter_stream_ms", format!("{:.1}", a * 1e3));
        figure("listing.bare_reqwest_value_ms", format!("{:.1}", b * 1e3));
        figure("listing.ratio_vs_bare", format!("{:.3}", a / b));
        figure("listing.adapter_cpu_ms", format!("{:.0}", cpu * 1e3));
        let t = Instant::now();
        let since = "2000-01-01T00:00:00Z".parse().expect("time");
        let n = adapter_listing(&c, ListQuery::new().updated_after(since).page_size(100)).await;
        figure("listing.export_updated_after_tickets", n);
        figure("listing.export_updated_after_ms", format!("{:.1}", t.elapsed().as_secs_f64() * 1e3));
        // What tap-zendesk extracts from the same data (scripts/tap-zendesk): every ticket from the
        // incremental export, deleted ones included, and every user; this process's CPU for it.
        let c0 = cpu_seconds();
        let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let q = ListQuery::new().updated_after(epoch).include_deleted(true).page_size(1000);
        let tickets = adapter_listing(&c, q).await;
        let people = ListQuery::new().include_deleted(true).page_size(100);
        let contacts = c
            .stream_contacts(people.clone())
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .expect("contacts");
        let users = c.stream_users(people).try_fold(0usize, |n, _| async move { Ok(n + 1) }).await.expect("users");
        figure("listing.tap_equivalent_records", format!("{tickets} tickets, {} users", contacts + users));
        figure("listing.tap_equivalent_cpu_ms", format!("{:.0}", (cpu_seconds() - c0) * 1e3));
    });
}

// ---------------------------------------------------------------- memory

/// Peak RSS of a streamed listing of 10k and of 100k tickets (each the median of three
/// children, one listing each), from one simulator holding 100k.
fn memory() {
    let sim = SimProcess::start(100_000);
    let peak = |n: usize| {
        let runs: Vec<f64> = (0..3)
            .map(|_| {
                let (count, rss) = measure_rss(&sim, n);
                assert_eq!(count, n, "every ticket streamed");
                rss as f64
            })
            .collect();
        median(runs)
    };
    let (rss10, rss100) = (peak(10_000), peak(100_000));
    figure("memory.stream_10k_peak_rss_mib", format!("{:.1}", rss10 / 1024.0));
    figure("memory.stream_100k_peak_rss_mib", format!("{:.1}", rss100 / 1024.0));
    figure("memory.ratio_100k_vs_10k", format!("{:.3}", rss100 / rss10.max(1.0)));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("__sim") => return child_sim(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000)),
        Some("__rss") => {
            return child_rss(&args[2], &args[3], &args[4], args.get(5).and_then(|s| s.parse().ok()).unwrap_or(10_000));
        }
        _ => {}
    }
    let only = std::env::var("PERF_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    figure("perf.provider", "zendesk");
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
}
