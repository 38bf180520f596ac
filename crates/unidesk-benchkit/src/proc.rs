//! This process's (or another's) CPU time and resident set, read from Linux `/proc`; each
//! reads 0 where `/proc` is absent.

/// A `kB` field of `/proc/{pid}/status` (`VmHWM`, `VmRSS`…), in KiB.
fn status_kib(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Peak resident set (`VmHWM`) of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    peak_rss_kib_of("self")
}

/// Peak resident set (`VmHWM`) of process `pid` (`self` for this one), in KiB.
pub fn peak_rss_kib_of(pid: &str) -> u64 {
    status_kib(pid, "VmHWM")
}

/// Resident set now (`VmRSS`) of this process, in KiB.
pub fn rss_kib() -> u64 {
    status_kib("self", "VmRSS")
}

/// This process's user + system CPU time so far, in seconds (at 100 clock ticks a second,
/// Linux's `USER_HZ`).
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The command name (in parentheses) may hold spaces: count fields after its `)`.
    let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { return 0.0 };
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of /proc/pid/stat (utime, stime) are the 12th and 13th after the `)`.
    (ticks(11) + ticks(12)) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_resident_set_and_used_some_cpu() {
        if !std::path::Path::new("/proc/self/status").exists() {
            return; // not Linux: every figure reads 0 by design
        }
        // Now, then the peak: the peak read later is at least the resident set read before.
        let now = rss_kib();
        let peak = peak_rss_kib();
        assert!(now > 0 && now <= peak, "resident {now} KiB, peak {peak} KiB");
        // Spins until the CPU clock shows it (10 ms ticks), for at most 10 s of wall time.
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_seconds() == 0.0 && start.elapsed() < std::time::Duration::from_secs(10) {
            for _ in 0..100_000 {
                x = x.wrapping_add(std::hint::black_box(1));
            }
        }
        assert!(x > 0 && cpu_seconds() > 0.0, "spinning never showed as CPU time");
    }
}
