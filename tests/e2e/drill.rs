//! The fault drill through the CLI: 10,000 tickets from a simulator with 10 % injected
//! faults, the sync killed with SIGKILL at three random moments, a second sync started
//! against the same folder while one runs: the final files hold every record exactly
//! once and equal a fault-free reference sync.

use std::time::{Duration, Instant};

use crate::support::{RESOURCES, SimChild, ids_in, records_in};

/// A small xorshift generator seeded from the clock (the seed is printed, to replay a failure).
struct Rng(u64);

impl Rng {
    fn from_clock() -> Rng {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(1);
        let seed = (nanos as u64) | 1;
        eprintln!("drill: seed {seed}");
        Rng(seed)
    }

    /// A delay in `[lo, hi)` milliseconds.
    fn ms(&mut self, lo: u64, hi: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + self.0 % (hi - lo)
    }
}

fn records_checkpointed(dir: &std::path::Path) -> u64 {
    let Ok(bytes) = std::fs::read(dir.join(".unidesk-sync.json")) else { return 0 };
    let cp: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    cp["resources"].as_object().map(|m| m.values().filter_map(|p| p["records"].as_u64()).sum()).unwrap_or(0)
}

#[test]
fn kill_9_three_times_and_a_concurrent_sync_under_faults_still_write_every_record_once() {
    let conversations = "10000";
    // 6,000 requests a minute keep a whole run above four seconds, so every kill lands mid-run.
    let clean = SimChild::start(&["--conversations", conversations, "--rate-limit", "100000"]);
    let faulty = SimChild::start(&["--conversations", conversations, "--rate-limit", "6000", "--fault-rate", "0.1"]);
    let reference = tempfile::tempdir().expect("tmp");
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().to_str().expect("path");
    let args = ["sync", "--out", d, "--quiet"];

    let out = clean.unidesk(&["sync", "--out", reference.path().to_str().expect("path"), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut rng = Rng::from_clock();
    let mut kills = 0;
    let mut refused = 0;
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 20, "the drill must finish");
        let started = Instant::now();
        let mut child = faulty.spawn(&args);
        if kills < 3 {
            let delay = rng.ms(300, 2500);
            std::thread::sleep(Duration::from_millis(delay));
            if kills == 1 {
                // While this run holds the folder, a second sync is refused at once.
                let second = faulty.unidesk(&args);
                if child.try_wait().expect("poll").is_none() {
                    assert_eq!(second.status.code(), Some(1), "{}", String::from_utf8_lossy(&second.stderr));
                    assert!(String::from_utf8_lossy(&second.stderr).contains("in use by another sync"));
                    refused += 1;
                }
            }
            if child.try_wait().expect("poll").is_none() {
                child.kill().expect("SIGKILL");
                let _ = child.wait();
                kills += 1;
                eprintln!(
                    "drill: run {runs} killed after {delay} ms, {} records checkpointed",
                    records_checkpointed(dir.path())
                );
                continue;
            }
        }
        let out = child.wait_with_output().expect("sync ends");
        assert!(out.status.success(), "run {runs}: {}", String::from_utf8_lossy(&out.stderr));
        eprintln!("drill: run {runs} completed in {:?} after {kills} kills", started.elapsed());
        break;
    }
    assert_eq!(kills, 3, "three runs were killed mid-sync");
    assert_eq!(refused, 1, "the concurrent sync was started while a run held the folder, and refused");
    assert!(records_checkpointed(dir.path()) > 0);

    for r in RESOURCES {
        let ids = ids_in(dir.path(), r);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{r}: a record written twice");
        assert_eq!(records_in(dir.path(), r), records_in(reference.path(), r), "{r} differs from the reference");
    }
    assert_eq!(ids_in(dir.path(), "tickets").len(), 10_000);
}
