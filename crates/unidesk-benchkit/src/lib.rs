//! What every perf bench of the workspace measures the same way, so that a figure printed by
//! one provider's bench means what the same figure means in another's:
//!
//! - [`figure`]: one `name: value` line, flushed (the benches' output is read line by line);
//! - [`env_or`]: a knob read from the environment;
//! - [`median`], [`fastest`], [`time_per_call`], [`mapping_figures`]: summaries, timing loops
//!   and the mapping lines every adapter's bench prints;
//! - [`runtime`]: the two-worker tokio runtime the benches run clients on;
//! - [`proc`]: this process's CPU time and resident set, from Linux `/proc`;
//! - [`drain_serialized`]: a streamed listing written to a sink as a sync writes it, the work
//!   the memory figures measure.
//!
//! Not published: a dev-dependency of the benches only.

pub mod proc;

use std::io::Write;
use std::time::Instant;

use futures::TryStreamExt;
use unidesk_core::RecordStream;

pub use proc::{cpu_seconds, peak_rss_kib, peak_rss_kib_of, rss_kib};

/// Prints `name: value` and flushes, so a parent reading the bench's output line by line sees
/// each figure as soon as it is measured.
pub fn figure(name: &str, value: impl std::fmt::Display) {
    println!("{name}: {value}");
    let _ = std::io::stdout().flush();
}

/// The value of environment variable `name` parsed as `T`, or `default` when it is unset or
/// does not parse (the benches' size and mode knobs).
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The median of `v` (the upper one of an even count); `NaN` for an empty `v`.
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Seconds per call of `f` over `iters` calls; `f` returns a count that is folded into a
/// black box so the work cannot be optimized away. Panics when every call returned 0 (the
/// bench measured nothing).
pub fn time_per_call(mut f: impl FnMut() -> usize, iters: u32) -> f64 {
    let start = Instant::now();
    let mut sink = 0usize;
    for _ in 0..iters {
        sink = sink.wrapping_add(std::hint::black_box(f()));
    }
    assert!(sink > 0, "the bench parsed nothing");
    start.elapsed().as_secs_f64() / f64::from(iters.max(1))
}

/// The fastest of `samples` (noise on a shared machine only ever adds time); infinite for none.
pub fn fastest(samples: Vec<f64>) -> f64 {
    samples.into_iter().fold(f64::INFINITY, f64::min)
}

/// The mapping figures of one page of `kind` (`body_bytes` long), from the fastest seconds per
/// call of each step: `mapping.{kind}.body_kib`, `.value_parse_us` (into `serde_json::Value`),
/// `.wire_parse_us` (into the adapter's wire types), `.map_normalized_us` (wire parse and
/// mapping to the normalized model), `.ratio_vs_wire` and `.ratio_vs_value`.
pub fn mapping_figures(kind: &str, body_bytes: usize, value: f64, wire: f64, mapped: f64) {
    figure(&format!("mapping.{kind}.body_kib"), format!("{:.1}", body_bytes as f64 / 1024.0));
    figure(&format!("mapping.{kind}.value_parse_us"), format!("{:.1}", value * 1e6));
    figure(&format!("mapping.{kind}.wire_parse_us"), format!("{:.1}", wire * 1e6));
    figure(&format!("mapping.{kind}.map_normalized_us"), format!("{:.1}", mapped * 1e6));
    figure(&format!("mapping.{kind}.ratio_vs_wire"), format!("{:.3}", mapped / wire));
    figure(&format!("mapping.{kind}.ratio_vs_value"), format!("{:.3}", mapped / value));
}

/// A multi-threaded tokio runtime with two workers (the benches' machine has two cores).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

/// Reads up to `n` records of `stream`, serializing each to JSON into a sink as a sync writes
/// it; how many it read. Panics on a listing error (a bench measures a listing that works).
pub async fn drain_serialized<T: serde::Serialize>(mut stream: RecordStream<'_, T>, n: usize) -> usize {
    let mut sink = std::io::sink();
    let mut count = 0usize;
    while count < n {
        match stream.try_next().await {
            Ok(Some(record)) => {
                serde_json::to_writer(&mut sink, &record).expect("serialize");
                count += 1;
            }
            Ok(None) => break,
            Err(e) => panic!("listing failed: {e}"),
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value_whatever_the_order() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(median(Vec::new()).is_nan());
    }

    #[tokio::test]
    async fn drain_reads_at_most_n_records_and_stops_at_the_end() {
        let records =
            || Box::pin(futures::stream::iter((0..5).map(Ok::<u32, unidesk_core::Error>))) as RecordStream<'_, u32>;
        assert_eq!(drain_serialized(records(), 3).await, 3);
        assert_eq!(drain_serialized(records(), 10).await, 5);
    }
}
