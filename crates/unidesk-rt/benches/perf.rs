//! `perf`: the Request Tracker adapter's performance figures, one `name: value` line each.
//!
//! ```text
//! cargo bench -p unidesk-rt --bench perf                        # starts and seeds its own RT
//! UNIDESK_RT_DIR=/tmp/rt5.X cargo bench -p unidesk-rt --bench perf   # an RT start-rt.sh started
//! PERF_ONLY=mapping cargo bench -p unidesk-rt --bench perf      # a subset (mapping, listing, memory)
//! PERF_ONLY=memory PERF_RT_MEMORY=10000,100000 cargo bench -p unidesk-rt --bench perf
//! ```
//!
//! Every figure runs against a real RT 5 on loopback (`scripts/rt/start-rt.sh`). Without
//! `UNIDESK_RT_DIR` the bench starts one itself (`--bcrypt-cost 4`), seeds
//! `PERF_RT_TICKETS` tickets (default 300; RT creates a few per second) with
//! `scripts/rt/seed-tickets.sh` when mapping or listing is wanted, and stops it at the end. Figures are ratios measured in one
//! run, so a noisy shared machine moves both sides together; absolute times are for context.
//!
//! - **Mapping**: one page of 99 tickets is fetched once, with the adapter's own query and
//!   fields; the same bytes then go three ways, interleaved: into `serde_json::Value`, into the
//!   wire types alone (`Collection` and one `TicketItem` per item, as the adapter reads them),
//!   and into the wire types plus `map::ticket` (the default, without `remote_data`; a fourth
//!   figure keeps the raw item as `remote_data`).
//! - **Listing**: `stream_tickets` at page size 99 against a bare `reqwest` loop over the same
//!   REST 2.0 search (`GET /tickets?query=id > 0&orderby=id&page=N&per_page=99`, same fields)
//!   that parses each body into `Value`; both are warmed, then alternated five times, medians.
//! - **Memory** (only when `PERF_RT_MEMORY` lists sizes, e.g. `10000,100000`: RT serves about
//!   300 tickets a second here, so 100k takes 6 minutes): for each size N, a child process (this
//!   binary, `__rss`) streams the first N tickets with `stream_tickets` at page size 99 (the
//!   largest the adapter asks for: RT serves at most 100 and the adapter asks one more than the
//!   page), serializes each into a sink as a sync writes it, and prints its peak RSS (`VmHWM`).
//!   When RT lists fewer tickets than the largest size, the missing ones are first inserted
//!   with `scripts/rt/seed-db.sh` (straight into RT's SQLite database, ~6,000 a second) — also
//!   into an `UNIDESK_RT_DIR` instance. The mapping and listing sections page through every
//!   ticket RT holds, so on a 100k RT run the memory section alone (`PERF_ONLY=memory`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use futures::TryStreamExt;
use serde::Deserialize;
use serde_json::Value;
use unidesk_benchkit::{
    cpu_seconds, drain_serialized, fastest, figure, mapping_figures, median, peak_rss_kib, runtime, time_per_call,
};
use unidesk_core::{HelpdeskExt, ListQuery};
use unidesk_rt::RtClient;
use unidesk_rt::map::{self, Context};
use unidesk_rt::wire::{Collection, TicketItem};

/// The fields the adapter asks for on a ticket search (`resources/mod.rs`, `search_tickets`).
const FIELDS: [(&str, &str); 5] = [
    ("fields", "Subject,Status,Priority,Queue,Owner,Requestor,Creator,Created,LastUpdated,Resolved,CustomFields"),
    ("fields[Owner]", "id,Name"),
    ("fields[Creator]", "id,Name"),
    ("fields[Requestor]", "id"),
    ("fields[Queue]", "id"),
];
const PAGE: usize = 99;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/rt").join(name)
}

// ---------------------------------------------------------------- the RT server

/// An RT instance: one `UNIDESK_RT_DIR` names, or one this bench started (stopped on drop).
struct Rt {
    base_url: String,
    token: String,
    dir: PathBuf,
    owned: bool,
}

impl Rt {
    /// The RT to measure; one this bench starts is seeded through REST when `rest_seed`.
    fn get(rest_seed: bool) -> Rt {
        if let Ok(dir) = std::env::var("UNIDESK_RT_DIR") {
            let info = std::fs::read_to_string(Path::new(&dir).join("rt.info")).expect("UNIDESK_RT_DIR/rt.info");
            return Rt::from_info(&info, false);
        }
        let out = Command::new("bash")
            .arg(script("start-rt.sh"))
            .args(["--bcrypt-cost", "4", "--workers", "2"])
            .output()
            .expect("run scripts/rt/start-rt.sh");
        assert!(out.status.success(), "RT did not start: {}", String::from_utf8_lossy(&out.stderr));
        let rt = Rt::from_info(&String::from_utf8_lossy(&out.stdout), true);
        if !rest_seed {
            return rt;
        }
        let n: usize = std::env::var("PERF_RT_TICKETS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
        let seeded = Command::new("bash").arg(script("seed-tickets.sh")).arg(&rt.dir).arg(n.to_string()).status();
        assert!(seeded.is_ok_and(|s| s.success()), "seed-tickets.sh failed");
        rt
    }

    fn from_info(info: &str, owned: bool) -> Rt {
        let get = |k: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .map(|v| v.split_whitespace().next().unwrap_or_default().to_owned())
                .unwrap_or_else(|| panic!("start-rt.sh printed no {k}"))
        };
        Rt { base_url: get("base_url"), token: get("token"), dir: PathBuf::from(get("dir")), owned }
    }

    fn client(&self) -> RtClient {
        RtClient::builder().base_url(&self.base_url).token(&self.token).build().expect("RT client")
    }

    fn rest(&self) -> String {
        format!("{}/REST/2.0", self.base_url)
    }
}

impl Drop for Rt {
    fn drop(&mut self) {
        if self.owned {
            let _ = Command::new("bash").arg(script("stop-rt.sh")).arg(&self.dir).arg("--rm").status();
        }
    }
}

// ---------------------------------------------------------------- mapping

fn parse_value(b: &[u8]) -> usize {
    let v: Value = serde_json::from_slice(b).expect("json");
    v["items"].as_array().map_or(0, Vec::len)
}

/// The wire types alone, read the way the adapter reads them.
fn parse_wire(b: &[u8]) -> usize {
    let c: Collection = serde_json::from_slice(b).expect("collection");
    c.items.iter().map(|v| TicketItem::deserialize(v).expect("ticket item").id as usize).sum()
}

/// The wire types, then the mapping into normalized tickets.
fn map_normalized(b: &[u8], ctx: &Context<'_>) -> usize {
    let c: Collection = serde_json::from_slice(b).expect("collection");
    c.items
        .iter()
        .map(|v| {
            let item = TicketItem::deserialize(v).expect("ticket item");
            map::ticket(&item, v, ctx).expect("mapped").id.len()
        })
        .sum()
}

async fn first_page(rt: &Rt) -> Vec<u8> {
    let resp = reqwest::Client::new()
        .get(format!("{}/tickets", rt.rest()))
        .header("Authorization", format!("token {}", rt.token))
        .query(&[("query", "id > 0"), ("orderby", "id"), ("order", "ASC"), ("per_page", "99")])
        .query(&FIELDS)
        .send()
        .await
        .expect("GET /tickets");
    assert!(resp.status().is_success(), "GET /tickets: {}", resp.status());
    resp.bytes().await.expect("body").to_vec()
}

fn mapping(rt: &Rt) {
    let b = runtime().block_on(first_page(rt));
    let records = parse_value(&b);
    assert!(records > 0, "RT holds no tickets: seed some with scripts/rt/seed-tickets.sh");
    let ctx = |include_remote_data| Context {
        web: &rt.base_url,
        tags_field: Some("Tags"),
        external_id_field: None,
        include_remote_data,
    };
    let (plain, remote) = (ctx(false), ctx(true));
    let (mut value, mut wire, mut mapped, mut with_raw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Many short interleaved samples; the fastest of each kind (noise only ever adds time).
    for _ in 0..80 {
        value.push(time_per_call(|| parse_value(&b), 30));
        wire.push(time_per_call(|| parse_wire(&b), 30));
        mapped.push(time_per_call(|| map_normalized(&b, &plain), 30));
        with_raw.push(time_per_call(|| map_normalized(&b, &remote), 30));
    }
    let (v, w, m, r) = (fastest(value), fastest(wire), fastest(mapped), fastest(with_raw));
    figure("mapping.tickets.records", records);
    mapping_figures("tickets", b.len(), v, w, m);
    figure("mapping.tickets.with_remote_data_us", format!("{:.1}", r * 1e6));
    figure("mapping.tickets.with_remote_data_ratio_vs_wire", format!("{:.3}", r / w));
}

// ---------------------------------------------------------------- listing

async fn adapter_listing(c: &RtClient) -> usize {
    c.stream_tickets(ListQuery::new().page_size(PAGE as u32))
        .try_fold(0usize, |n, t| async move {
            std::hint::black_box(&t);
            Ok(n + 1)
        })
        .await
        .expect("adapter listing")
}

/// The floor: the same search, page by page, each body parsed into `Value`, until a short page.
async fn bare_listing(http: &reqwest::Client, rt: &Rt) -> usize {
    let (mut n, mut page) = (0usize, 1usize);
    loop {
        let body: Value = http
            .get(format!("{}/tickets", rt.rest()))
            .header("Authorization", format!("token {}", rt.token))
            .query(&[("query", "id > 0"), ("orderby", "id"), ("order", "ASC")])
            .query(&[("per_page", PAGE), ("page", page)])
            .query(&FIELDS)
            .send()
            .await
            .expect("GET /tickets")
            .json()
            .await
            .expect("json page");
        let count = body["items"].as_array().map_or(0, Vec::len);
        n += count;
        if count < PAGE {
            return n;
        }
        page += 1;
    }
}

fn listing(rt: &Rt) {
    runtime().block_on(async {
        let http = reqwest::Client::new();
        let c = rt.client();
        let total = bare_listing(&http, rt).await;
        assert!(total > 0, "RT holds no tickets: seed some with scripts/rt/seed-tickets.sh");
        assert_eq!(adapter_listing(&c).await, total, "the adapter lists what the search holds");
        let (mut a, mut b, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let (t, c0) = (Instant::now(), cpu_seconds());
            assert_eq!(adapter_listing(&c).await, total);
            a.push(t.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - c0);
            let t = Instant::now();
            assert_eq!(bare_listing(&http, rt).await, total);
            b.push(t.elapsed().as_secs_f64());
        }
        let (a, b, cpu) = (median(a), median(b), median(cpu));
        figure("listing.tickets", total);
        figure("listing.page_size", PAGE);
        figure("listing.adapter_stream_ms", format!("{:.1}", a * 1e3));
        figure("listing.bare_reqwest_value_ms", format!("{:.1}", b * 1e3));
        figure("listing.ratio_vs_bare", format!("{:.3}", a / b));
        figure("listing.adapter_cpu_ms", format!("{:.0}", cpu * 1e3));
    });
}

// ---------------------------------------------------------------- memory

/// The child's environment variable carrying the token (kept off its command line).
const CHILD_TOKEN_ENV: &str = "UNIDESK_PERF_RT_TOKEN";

/// The child (`__rss BASE_URL N`): streams the first `n` tickets, each serialized into a sink
/// as a sync writes it, then prints how many, its peak RSS and the time taken.
fn child_rss(base_url: &str, n: usize) {
    let token = std::env::var(CHILD_TOKEN_ENV).expect("the parent passes the token");
    let start = Instant::now();
    let count = runtime().block_on(async {
        let c = RtClient::builder().base_url(base_url).token(&token).build().expect("RT client");
        drain_serialized(c.stream_tickets(ListQuery::new().page_size(PAGE as u32)), n).await
    });
    println!("count {count}");
    println!("rss_kib {}", peak_rss_kib());
    println!("seconds {:.1}", start.elapsed().as_secs_f64());
}

/// Runs the child for `n` tickets: (tickets streamed, peak RSS in KiB, seconds).
fn measure_rss(rt: &Rt, n: usize) -> (usize, u64, f64) {
    let exe = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .args(["__rss", &rt.base_url, &n.to_string()])
        .env(CHILD_TOKEN_ENV, &rt.token)
        .output()
        .expect("rss child");
    assert!(out.status.success(), "rss child failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)).map(str::trim).unwrap_or_default().to_owned();
    (get("count ").parse().unwrap_or(0), get("rss_kib ").parse().unwrap_or(0), get("seconds ").parse().unwrap_or(0.0))
}

/// How many tickets RT's search lists (its `total`).
fn listed_tickets(rt: &Rt) -> usize {
    runtime().block_on(async {
        let body: Value = reqwest::Client::new()
            .get(format!("{}/tickets", rt.rest()))
            .header("Authorization", format!("token {}", rt.token))
            .query(&[("query", "id > 0"), ("per_page", "1")])
            .send()
            .await
            .expect("GET /tickets")
            .json()
            .await
            .expect("json page");
        body["total"].as_u64().expect("RT counts its tickets for root") as usize
    })
}

/// `10000` → `10k`, for figure names.
fn size_label(n: usize) -> String {
    if n.is_multiple_of(1000) && n > 0 { format!("{}k", n / 1000) } else { n.to_string() }
}

/// The sizes `PERF_RT_MEMORY` lists, smallest first; empty when unset.
fn memory_sizes() -> Vec<usize> {
    let raw = std::env::var("PERF_RT_MEMORY").unwrap_or_default();
    let mut sizes: Vec<usize> = raw
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().unwrap_or_else(|_| panic!("PERF_RT_MEMORY: {s:?} is not a number")))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn memory(rt: &Rt, sizes: &[usize]) {
    let (Some(&small), Some(&large)) = (sizes.first(), sizes.last()) else { return };
    let listed = listed_tickets(rt);
    if listed < large {
        let t = Instant::now();
        let seeded = Command::new("bash")
            .arg(script("seed-db.sh"))
            .arg(&rt.dir)
            .arg((large - listed).to_string())
            .stdout(std::process::Stdio::null())
            .status();
        assert!(seeded.is_ok_and(|s| s.success()), "seed-db.sh failed");
        figure("memory.seeded_by_seed_db", large - listed);
        figure("memory.seed_db_seconds", format!("{:.1}", t.elapsed().as_secs_f64()));
    }
    figure("memory.page_size", PAGE);
    let mut rss = Vec::new();
    for &n in sizes {
        let (count, kib, seconds) = measure_rss(rt, n);
        assert_eq!(count, n, "every ticket streamed");
        let label = size_label(n);
        figure(&format!("memory.stream_{label}_peak_rss_mib"), format!("{:.1}", kib as f64 / 1024.0));
        figure(&format!("memory.stream_{label}_seconds"), format!("{seconds:.1}"));
        rss.push(kib);
    }
    if sizes.len() > 1 {
        let (first, last) = (rss[0], rss[rss.len() - 1]);
        figure(
            &format!("memory.ratio_{}_vs_{}", size_label(large), size_label(small)),
            format!("{:.3}", last as f64 / first.max(1) as f64),
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__rss") {
        return child_rss(&args[2], args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000));
    }
    let only = std::env::var("PERF_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    let sizes = if wanted("memory") { memory_sizes() } else { Vec::new() };
    figure("perf.provider", "rt");
    let rt = Rt::get(wanted("mapping") || wanted("listing"));
    if wanted("mapping") {
        mapping(&rt);
    }
    if wanted("listing") {
        listing(&rt);
    }
    if !sizes.is_empty() {
        memory(&rt, &sizes);
    }
}
