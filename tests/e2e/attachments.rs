//! Attachments through the CLI against `unidesk sim`: a 5 MiB file uploads with
//! `comments create --attach` and downloads byte-identical with `attachments download`, whose
//! peak RSS stays within 20 MiB of the same command's for a tiny file (it streams, never
//! holding the file whole).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::SimChild;

/// The first ticket's id.
fn some_ticket(sim: &SimChild) -> String {
    let out = sim.unidesk(&["tickets", "list", "--page-size", "1", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = String::from_utf8(out.stdout).expect("utf8");
    let first: Value = serde_json::from_str(line.lines().next().expect("a ticket")).expect("json");
    first["id"].as_str().expect("id").to_owned()
}

/// Creates a reply on `ticket` attaching `file`; returns the attachment's id.
fn reply_with(sim: &SimChild, dir: &Path, ticket: &str, file: &Path) -> String {
    let json = dir.join("comment.json");
    let body = serde_json::json!({ "ticket_id": ticket, "body": "Logs attached.", "channel": "email" });
    std::fs::write(&json, body.to_string()).expect("write json");
    let out = sim.unidesk(&[
        "comments",
        "create",
        "--json",
        json.to_str().expect("utf8 path"),
        "--attach",
        file.to_str().expect("utf8 path"),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let comment: Value = serde_json::from_slice(&out.stdout).expect("json");
    let a = &comment["attachments"][0];
    assert_eq!(a["file_name"].as_str(), file.file_name().and_then(|n| n.to_str()));
    assert_eq!(a["size_bytes"].as_u64(), Some(std::fs::metadata(file).expect("meta").len()));
    a["id"].as_str().expect("attachment id").to_owned()
}

/// Runs `unidesk attachments download ID --out OUT` under `/usr/bin/time` and returns its
/// peak RSS in KiB (GNU time's `%M`: the child's `ru_maxrss`).
fn download_peak_kib(sim: &SimChild, dir: &Path, id: &str, out: &Path) -> u64 {
    let report = dir.join(format!("{id}.time"));
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_unidesk"))
        .args(["--base-url", &sim.base_url, "attachments", "download", id, "--out"])
        .arg(out)
        .env("KUSTOMER_API_KEY", &sim.api_key)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("runs");
    assert!(status.success(), "download of {id} failed");
    let text = std::fs::read_to_string(&report).expect("time report");
    text.lines().last().and_then(|l| l.trim().parse().ok()).expect("max RSS in KiB")
}

#[test]
fn a_5_mib_attachment_round_trips_through_the_cli_and_downloads_in_bounded_memory() {
    if !Path::new("/usr/bin/time").exists() {
        panic!("this test measures peak RSS with GNU time at /usr/bin/time");
    }
    let sim = SimChild::start(&["--conversations", "3"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let ticket = some_ticket(&sim);

    let big = dir.path().join("big.bin");
    let bytes: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
    std::fs::write(&big, &bytes).expect("write");
    let tiny = dir.path().join("tiny.txt");
    std::fs::write(&tiny, b"tiny").expect("write");

    let big_id = reply_with(&sim, dir.path(), &ticket, &big);
    let tiny_id = reply_with(&sim, dir.path(), &ticket, &tiny);

    let tiny_out = dir.path().join("tiny.out");
    let big_out = dir.path().join("big.out");
    let tiny_kib = download_peak_kib(&sim, dir.path(), &tiny_id, &tiny_out);
    let big_kib = download_peak_kib(&sim, dir.path(), &big_id, &big_out);
    assert_eq!(std::fs::read(&tiny_out).expect("tiny"), b"tiny");
    assert!(std::fs::read(&big_out).expect("big") == bytes, "the 5 MiB download is byte-identical");
    eprintln!(
        "attachments download peak RSS: tiny {tiny_kib} KiB, 5 MiB file {big_kib} KiB, difference {} KiB",
        big_kib.saturating_sub(tiny_kib)
    );
    assert!(
        big_kib < tiny_kib + 20 * 1024,
        "a 5 MiB download peaked at {big_kib} KiB, the tiny one at {tiny_kib} KiB: more than 20 MiB apart"
    );

    // An unknown id fails with the not-found exit code and leaves no file behind.
    let missing = dir.path().join("missing.bin");
    let out =
        sim.unidesk(&["attachments", "download", "5f1a0000000000000000dead", "--out", missing.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!missing.exists());
}
