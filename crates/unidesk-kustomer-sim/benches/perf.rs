//! The simulator at scale: `cargo bench -p unidesk-kustomer-sim --bench perf` prints one
//! `name: value` line per figure.
//!
//! - `sim.1m.seed_seconds`, `sim.1m.rss_mib`: a child process seeds one org of 1,000,000
//!   conversations (with their messages, notes, customers and companies), serves pages from
//!   it, and reads its own peak resident set (`VmHWM`).
//! - `sim.page_render_us`: in that child, the median time of `GET /v1/conversations` for a
//!   100-record page anywhere in the million (loopback HTTP round trip included, so an upper
//!   bound on rendering), over 400 pages spread across the listing;
//!   `sim.page_render_us_messages`: the same over `/v1/messages`.
//! - `sim.orgs_200.seed_seconds`, `sim.orgs_200.rss_mib`: a child hosting 200 orgs of 2,000
//!   conversations each.
//!
//! `SIM_PERF_CONVERSATIONS` (default 1,000,000) and `SIM_PERF_ORGS` (default 200) scale the
//! runs down; the line names keep their labels.

use std::process::Command;
use std::time::{Duration, Instant};

use unidesk_kustomer_sim::{SimConfig, Simulator};

const CHILD: &str = "UNIDESK_SIM_PERF_CHILD";

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        let mut parts = spec.split(',').map(|p| p.parse::<usize>().unwrap_or(1));
        let (conversations, orgs) = (parts.next().unwrap_or(1), parts.next().unwrap_or(1));
        return child(conversations, orgs);
    }
    let n: usize = env_or("SIM_PERF_CONVERSATIONS", 1_000_000);
    let orgs: usize = env_or("SIM_PERF_ORGS", 200);
    for line in run_child(n, 1) {
        // The page figures are named without the scale: `sim.page_render_us`.
        let scale = if line.contains("page_render") { "sim." } else { "sim.1m." };
        println!("{}", line.replace("sim.run.", scale));
    }
    for line in run_child(2000, orgs) {
        if !line.contains("page_render") {
            println!("{}", line.replace("sim.run.", "sim.orgs_200."));
        }
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// Runs a child with `conversations` per org and `orgs` orgs; its `sim.run.*` lines.
fn run_child(conversations: usize, orgs: usize) -> Vec<String> {
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("cannot find this executable");
        return Vec::new();
    };
    match Command::new(exe).env(CHILD, format!("{conversations},{orgs}")).output() {
        Ok(out) => {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
        }
        Err(e) => {
            eprintln!("cannot start the child: {e}");
            Vec::new()
        }
    }
}

fn child(conversations: usize, orgs: usize) {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return eprintln!("no runtime: {e}"),
    };
    rt.block_on(async {
        let started = Instant::now();
        let config = SimConfig { conversations, orgs, rate_limit: 10_000_000, ..SimConfig::default() };
        let sim = match Simulator::start(config).await {
            Ok(sim) => sim,
            Err(e) => return eprintln!("simulator did not start: {e}"),
        };
        println!("sim.run.seed_seconds: {:.2}", started.elapsed().as_secs_f64());
        let http = reqwest::Client::new();
        for (name, coll, total) in [
            ("page_render_us", "conversations", sim.count("conversations")),
            ("page_render_us_messages", "messages", sim.count("messages")),
        ] {
            let pages = total.div_ceil(100).max(1);
            let mut times = Vec::new();
            // Warm the connection, then pages spread evenly over the listing.
            for k in 0..410usize {
                let page = 1 + (k * 7919) % pages;
                let url = format!("{}/v1/{coll}?page={page}&pageSize=100", sim.base_url());
                let t = Instant::now();
                let body = http.get(url).bearer_auth(sim.api_key()).send().await.and_then(|r| r.error_for_status());
                let body = match body {
                    Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
                    Err(e) => return eprintln!("page {page} failed: {e}"),
                };
                if k >= 10 && body > 0 {
                    times.push(t.elapsed());
                }
            }
            times.sort();
            let median = times.get(times.len() / 2).copied().unwrap_or(Duration::ZERO);
            println!("sim.run.{name}: {:.0}", median.as_secs_f64() * 1e6);
        }
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib: Option<u64> = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok());
        match kib {
            Some(kib) => println!("sim.run.rss_mib: {:.1}", kib as f64 / 1024.0),
            None => eprintln!("no VmHWM in /proc/self/status"),
        }
        eprintln!(
            "({orgs} org(s) of {conversations} conversations: first org has {} messages, {} customers)",
            sim.count("messages"),
            sim.count("customers")
        );
    });
}
