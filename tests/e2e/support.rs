//! Shared helpers: the `unidesk` binary, a simulator child process, reading synced files.

use std::process::Command;

/// Runs `unidesk ARGS` with no Kustomer key in the environment.
pub(crate) fn unidesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_unidesk")).args(args).env_remove("KUSTOMER_API_KEY").output().expect("runs")
}

/// `unidesk sim` in the background, killed on drop.
pub(crate) struct SimChild {
    child: std::process::Child,
    pub base_url: String,
    pub api_key: String,
    /// Kept open: closing the pipe early would kill the simulator on its next line of output.
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl SimChild {
    pub(crate) fn start(args: &[&str]) -> SimChild {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .arg("sim")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("unidesk sim starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let (mut base_url, mut api_key) = (String::new(), String::new());
        while base_url.is_empty() || api_key.is_empty() {
            let line = lines.next().expect("the simulator prints its address").expect("utf8");
            if let Some(v) = line.strip_prefix("base_url: ") {
                base_url = v.to_owned();
            } else if let Some(v) = line.strip_prefix("api_key: ") {
                api_key = v.to_owned();
            }
        }
        SimChild { child, base_url, api_key, _stdout: lines }
    }

    pub(crate) fn unidesk(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["--base-url", &self.base_url])
            .env("KUSTOMER_API_KEY", &self.api_key)
            .args(args)
            .output()
            .expect("runs")
    }
}

impl SimChild {
    /// `unidesk ARGS` against this simulator, as a child process not yet waited for.
    pub(crate) fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_unidesk"))
            .args(["--base-url", &self.base_url])
            .env("KUSTOMER_API_KEY", &self.api_key)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("unidesk starts")
    }
}

impl Drop for SimChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `id` of every line of `DIR/<resource>.jsonl`, in file order.
pub(crate) fn ids_in(dir: &std::path::Path, resource: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(format!("{resource}.jsonl")))
        .expect("file")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json line")["id"].as_str().expect("id").to_owned()
        })
        .collect()
}

/// Every record of `DIR/<resource>.jsonl` without `ticket_url` (it names the simulator's port).
pub(crate) fn records_in(dir: &std::path::Path, resource: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(format!("{resource}.jsonl")))
        .expect("file")
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("json line");
            if let Some(o) = v.as_object_mut() {
                o.remove("ticket_url");
            }
            v
        })
        .collect()
}

/// The seven resources, in sync order.
pub(crate) const RESOURCES: [&str; 7] = ["tickets", "comments", "contacts", "accounts", "tags", "teams", "users"];

/// One stored record as the store drills compare it: id, tombstone, and the record without
/// `ticket_url` (it names the simulator's port).
pub(crate) type StoredRow = (String, bool, serde_json::Value);

/// What a mirror database holds for one account: per resource, its records and the count its
/// completed pass checkpointed when that pass was full. After a kill that lands between a
/// pass's last commit and the end of its run (or its job), the next run finds the pass done and
/// runs an incremental one, which counts only what changed: `None`, not compared.
pub(crate) type Contents = Vec<(unidesk_core::Resource, Vec<StoredRow>, Option<u64>)>;

/// A stored record (`json` as the store keeps it) as the drills compare it.
pub(crate) fn comparable(id: String, tombstone: bool, json: &str) -> StoredRow {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("json");
    if let Some(o) = v.as_object_mut() {
        o.remove("ticket_url");
    }
    (id, tombstone, v)
}

/// Records the database `to` holds, by `mirror status`.
pub(crate) fn stored(sim: &SimChild, to: &str) -> u64 {
    let out = sim.unidesk(&["mirror", "status", "--to", to, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    doc["resources"].as_array().into_iter().flatten().filter_map(|r| r["records"].as_u64()).sum()
}

/// The kill -9 drill's runs: `sync --to TO --quiet` against `sim`, the first three runs killed
/// with SIGKILL at a random moment (300 to 2,500 ms in), then one run to its end.
pub(crate) fn sync_killed_three_times(sim: &SimChild, to: &str, label: &str) {
    use std::hash::{BuildHasher, RandomState};
    let random = RandomState::new();
    let mut kills = 0;
    let mut runs = 0u64;
    loop {
        runs += 1;
        assert!(runs < 20, "the drill must finish");
        let started = std::time::Instant::now();
        let mut child = sim.spawn(&["sync", "--to", to, "--quiet"]);
        if kills < 3 {
            let delay = 300 + random.hash_one(runs) % 2200;
            std::thread::sleep(std::time::Duration::from_millis(delay));
            if child.try_wait().expect("poll").is_none() {
                child.kill().expect("SIGKILL");
                let _ = child.wait();
                kills += 1;
                eprintln!("{label}: run {runs} killed after {delay} ms, {} records stored", stored(sim, to));
                continue;
            }
        }
        let out = child.wait_with_output().expect("sync ends");
        assert!(out.status.success(), "run {runs}: {}", String::from_utf8_lossy(&out.stderr));
        eprintln!("{label}: run {runs} completed in {:?} after {kills} kills", started.elapsed());
        break;
    }
    assert_eq!(kills, 3, "three runs were killed mid-sync");
}

/// `got` equals `want` record for record, and each full pass counted each stored record once
/// (see [`Contents`]).
pub(crate) fn assert_same_contents(what: &str, got: &Contents, want: &Contents) {
    for ((r, want_rows, want_count), (_, got_rows, got_count)) in want.iter().zip(got) {
        assert!(!want_rows.is_empty(), "{what}/{r}");
        assert_eq!(got_rows.len(), want_rows.len(), "{what}/{r}: as many records as the reference");
        assert!(got_rows == want_rows, "{what}/{r}: the records equal the reference");
        let want_count = want_count.unwrap_or_else(|| panic!("{what}/{r}: the reference ran one full pass"));
        if let Some(got_count) = *got_count {
            assert_eq!(got_count, want_count, "{what}/{r}: the resumed pass counted each record once");
            assert_eq!(got_count as usize, got_rows.len(), "{what}/{r}: one listing per stored record");
        } else {
            eprintln!("{what}/{r}: its last pass was incremental (a kill after a completed pass): count not compared");
        }
    }
}
