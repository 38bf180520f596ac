//! Reliability through the CLI: the folder lock, checkpoint checks, exit codes, bounded input.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{RESOURCES, SimChild, records_in, unidesk};

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Waits until `path` exists (the sync has checkpointed a page), failing after 30 s.
fn wait_for(path: &std::path::Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_sync_into_a_busy_folder_exits_at_once_and_with_wait_finishes_after_the_first() {
    // A rate limit slows the first sync down enough to overlap with the others.
    let sim = SimChild::start(&["--conversations", "300", "--rate-limit", "600"]);
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().to_str().expect("path");
    let args = ["sync", "--out", d, "--quiet", "--page-size", "20"];
    let mut first = sim.spawn(&args);
    wait_for(&dir.path().join(".unidesk-sync.json"));

    let started = Instant::now();
    let second = sim.unidesk(&args);
    assert!(started.elapsed() < Duration::from_secs(5), "refused at once, not after a wait");
    assert_eq!(second.status.code(), Some(1), "{}", stderr_of(&second));
    let err = stderr_of(&second);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains("in use by another sync"), "{err}");

    let waiting = sim.spawn(&[&args[..], &["--wait"]].concat());
    let first_status = first.wait().expect("first sync ends");
    assert!(first_status.success());
    let waited = waiting.wait_with_output().expect("waiting sync ends");
    assert!(waited.status.success(), "{}", stderr_of(&waited));
    assert!(stderr_of(&waited).contains("waiting for it to finish"));

    let reference = tempfile::tempdir().expect("tmp");
    let out = sim.unidesk(&["sync", "--out", reference.path().to_str().expect("path"), "--quiet"]);
    assert!(out.status.success());
    for r in RESOURCES {
        assert_eq!(records_in(dir.path(), r), records_in(reference.path(), r), "{r}: each record once");
    }
}

fn checkpoint(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join(".unidesk-sync.json")).expect("checkpoint")).expect("json")
}

fn write_checkpoint(dir: &std::path::Path, v: &serde_json::Value) {
    std::fs::write(dir.join(".unidesk-sync.json"), serde_json::to_vec(v).expect("json")).expect("write");
}

#[test]
fn damage_to_a_synced_folder_is_trimmed_or_redone_never_kept() {
    let sim = SimChild::start(&["--conversations", "120"]);
    let reference = tempfile::tempdir().expect("tmp");
    let dir = tempfile::tempdir().expect("tmp");
    let sync = |d: &tempfile::TempDir| {
        let out = sim.unidesk(&["sync", "--out", d.path().to_str().expect("path"), "--quiet", "--page-size", "25"]);
        assert!(out.status.success(), "{}", stderr_of(&out));
        stderr_of(&out)
    };
    sync(&reference);
    sync(&dir);

    // 1. A checkpoint that covers more bytes than the file holds: tickets start over (no zero padding).
    let mut cp = checkpoint(dir.path());
    let bytes = cp["resources"]["tickets"]["bytes"].as_u64().expect("bytes");
    cp["resources"]["tickets"]["bytes"] = (bytes + 4096).into();
    write_checkpoint(dir.path(), &cp);
    let err = sync(&dir);
    assert!(err.contains("tickets.jsonl") && err.contains("syncing tickets again"), "{err}");
    let text = std::fs::read(dir.path().join("tickets.jsonl")).expect("file");
    assert!(!text.contains(&0u8), "no zero padding");

    // 2. A finished file with a line appended after the run (a duplicate): trimmed.
    let mut f = std::fs::OpenOptions::new().append(true).open(dir.path().join("users.jsonl")).expect("open");
    let first_user = std::fs::read_to_string(dir.path().join("users.jsonl")).expect("read");
    f.write_all(first_user.lines().next().expect("a user").as_bytes()).expect("write");
    f.write_all(b"\n").expect("write");
    drop(f);
    let err = sync(&dir);
    assert!(err.contains("users.jsonl: trimming"), "{err}");

    // 3. A finished file whose last line was replaced: that resource is synced again.
    let path = dir.path().join("teams.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    let first = lines[0];
    let n = lines.len();
    lines[n - 1] = first;
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let err = sync(&dir);
    assert!(err.contains("teams.jsonl") && err.contains("syncing teams again"), "{err}");

    // 4. A corrupt checkpoint: said on stderr, and the sync starts over.
    std::fs::write(dir.path().join(".unidesk-sync.json"), b"{\"version\":1,\"resou").expect("write");
    let err = sync(&dir);
    assert!(err.contains(".unidesk-sync.json is corrupt"), "{err}");

    for r in RESOURCES {
        assert_eq!(records_in(dir.path(), r), records_in(reference.path(), r), "{r} equals a clean sync");
    }
}

#[test]
fn exit_codes_keep_the_readme_contract() {
    let out = unidesk(&["--sim", "comments", "list", "--ticket", "000000000000000000000000"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["--sim", "tickets", "update", "000000000000000000000001", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().expect("stdin").write_all(br#"{"status":"nope"}"#).expect("write");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(2), "unknown status is bad input: {}", stderr_of(&out));

    // A reader that closes stdout after one line: exit 0, nothing on stderr.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["--sim", "tickets", "list", "--all", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("a byte");
    drop(stdout);
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "", "quiet on a closed pipe");
}

#[test]
fn unbounded_input_is_refused_and_bad_options_touch_nothing() {
    let started = Instant::now();
    let out = unidesk(&["--sim", "tickets", "create", "--json", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("larger than 16 MiB"), "{}", stderr_of(&out));
    assert!(started.elapsed() < Duration::from_secs(20));

    let parent = tempfile::tempdir().expect("tmp");
    let dir = parent.path().join("never-created");
    let out = unidesk(&["--sim", "sync", "--out", dir.to_str().expect("path"), "--page-size", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.exists(), "validated before creating the folder");
    let out = unidesk(&["--sim", "sync", "--out", dir.to_str().expect("path"), "--updated-after", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.exists());

    let out = unidesk(&["--sim", "tickets", "list", "--page-size", "1000", "--format", "jsonl"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 100);
    let err = stderr_of(&out);
    assert_eq!(err.matches("fewer than --page-size 1000").count(), 1, "said once: {err}");
}
