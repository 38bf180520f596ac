//! Peak memory of a seeded simulator.
//!
//! `cargo run --release -p unidesk-kustomer-sim --example rss -- 100000` starts, in a
//! child process, a simulator with that many conversations (default 100,000), has it
//! serve a first listing page and a search across every conversation, and prints the
//! child's peak resident set (`VmHWM` from `/proc/self/status`).

use std::process::Command;
use std::time::Instant;

use unidesk_kustomer_sim::{SimConfig, Simulator};

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("--child") => {
            let n = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
            child(n);
        }
        other => {
            let n: usize = other.and_then(|n| n.parse().ok()).unwrap_or(100_000);
            let exe = match std::env::current_exe() {
                Ok(exe) => exe,
                Err(e) => return eprintln!("cannot find this executable: {e}"),
            };
            match Command::new(exe).args(["--child", &n.to_string()]).output() {
                Ok(out) => {
                    print!("{}", String::from_utf8_lossy(&out.stdout));
                    eprint!("{}", String::from_utf8_lossy(&out.stderr));
                    if !out.status.success() {
                        std::process::exit(1);
                    }
                }
                Err(e) => {
                    eprintln!("cannot start the child: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
}

fn child(conversations: usize) {
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return eprintln!("no runtime: {e}"),
    };
    rt.block_on(async {
        let started = Instant::now();
        let config = SimConfig { conversations, rate_limit: 1_000_000, ..SimConfig::default() };
        let sim = match Simulator::start(config).await {
            Ok(sim) => sim,
            Err(e) => return eprintln!("simulator did not start: {e}"),
        };
        let seeded = started.elapsed();
        let http = reqwest::Client::new();
        let listing = http
            .get(format!("{}/v1/conversations?page=1&pageSize=100", sim.base_url()))
            .bearer_auth(sim.api_key())
            .send()
            .await;
        let search = http
            .post(format!("{}/v1/customers/search?page=1&pageSize=100", sim.base_url()))
            .bearer_auth(sim.api_key())
            .body(r#"{"queryContext":"conversation","and":[{"conversation_updated_at":{"gte":"2024-01-01"}}]}"#)
            .send()
            .await;
        let ok = |r: &Result<reqwest::Response, reqwest::Error>| r.as_ref().is_ok_and(|r| r.status().is_success());
        println!(
            "conversations: {conversations} (messages {}, notes {}, customers {}, companies {})",
            sim.count("messages"),
            sim.count("notes"),
            sim.count("customers"),
            sim.count("companies")
        );
        println!("seeded in {:.2?}; listing ok: {}; search ok: {}", seeded, ok(&listing), ok(&search));
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let hwm = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: unknown");
        let kib: Option<u64> = hwm.split_whitespace().nth(1).and_then(|v| v.parse().ok());
        match kib {
            Some(kib) => println!("peak RSS (VmHWM): {kib} kB = {:.1} MiB", kib as f64 / 1024.0),
            None => println!("peak RSS: {hwm}"),
        }
    });
}
