//! The mirror through the CLI: `sync --to sqlite:PATH` killed with SIGKILL at three random
//! moments under 10 % injected faults, then resumed, holds every record exactly once and
//! equals a fault-free reference sync; `mirror status` reports it.

use std::path::Path;

use unidesk_core::Resource;
use unidesk_mirror::{PassKind, SqliteStore, Store};

use crate::support::{Contents, SimChild, assert_same_contents, comparable, sync_killed_three_times, unidesk};

/// The records of every resource in the database at `path`, and each resource's checkpointed
/// count.
fn contents(path: &Path) -> Contents {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let store = SqliteStore::open(path).await.expect("open");
        let mut out = Vec::new();
        for r in Resource::ALL {
            let rows = store.records("default", r).await.expect("records");
            let rows = rows.into_iter().map(|s| comparable(s.id, s.remote_was_deleted, &s.json)).collect();
            let cp = store.checkpoint("default", r).await.expect("checkpoint").expect("synced");
            assert!(cp.done, "{r}: the pass completed");
            out.push((r, rows, (cp.kind == PassKind::Full).then_some(cp.records)));
        }
        out
    })
}

#[test]
fn sqlite_sync_killed_3_times_under_faults_holds_every_record_once_equal_to_a_clean_sync() {
    let conversations = "10000";
    let clean = SimChild::start(&["--conversations", conversations, "--rate-limit", "100000"]);
    let faulty = SimChild::start(&["--conversations", conversations, "--rate-limit", "6000", "--fault-rate", "0.1"]);
    let dir = tempfile::tempdir().expect("tmp");
    let reference = dir.path().join("reference.db");
    let db = dir.path().join("mirror.db");
    let to = format!("sqlite:{}", db.display());

    let out = clean.unidesk(&["sync", "--to", &format!("sqlite:{}", reference.display()), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    sync_killed_three_times(&faulty, &to, "mirror drill");
    let got = contents(&db);
    assert_same_contents("sqlite", &got, &contents(&reference));
    assert_eq!(got[0].1.len(), 10_000);

    let status = faulty.unidesk(&["mirror", "status", "--to", &to, "--format", "json"]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let tickets = &doc["resources"][0];
    assert_eq!((tickets["resource"].as_str(), tickets["records"].as_u64()), (Some("tickets"), Some(10_000)));
    assert_eq!(tickets["in_progress"], false);
}

#[test]
fn a_bad_to_is_a_usage_error_that_creates_nothing_and_never_prints_a_password() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = unidesk(&["--provider", "memory", "sync", "--to", "mysql://root:hunter2@db/m"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: invalid store") && !err.contains("hunter2"), "{err}");
    let both = unidesk(&[
        "--provider",
        "memory",
        "sync",
        "--out",
        dir.path().join("f").to_str().expect("path"),
        "--to",
        "sqlite:x.db",
    ]);
    assert_eq!(both.status.code(), Some(2), "--out and --to together");
    let db = dir.path().join("m.db");
    let zero =
        unidesk(&["--provider", "memory", "sync", "--to", &format!("sqlite:{}", db.display()), "--page-size", "0"]);
    assert_eq!(zero.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing created");
}

#[test]
fn sqlite_sync_from_the_memory_provider_then_status_per_account() {
    let dir = tempfile::tempdir().expect("tmp");
    let to = format!("sqlite:{}", dir.path().join("m.db").display());
    for account in ["acme", "beta"] {
        let out = unidesk(&["--provider", "memory", "sync", "--to", &to, "--account", account, "--quiet"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("tickets:     250 records (full pass 0) -> sqlite:"), "{text}");
    }
    let again = unidesk(&["--provider", "memory", "sync", "--to", &to, "--account", "acme", "--quiet"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("(incremental pass 1)"));
    let status = unidesk(&["mirror", "status", "--to", &to, "--format", "json"]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    let rows = doc["resources"].as_array().expect("rows");
    assert_eq!(rows.len(), 14, "7 resources of 2 accounts");
    assert_eq!((rows[0]["account"].as_str(), rows[0]["resource"].as_str()), (Some("acme"), Some("tickets")));
    assert_eq!((rows[0]["records"].as_u64(), rows[0]["generation"].as_u64()), (Some(250), Some(1)));
    assert!(rows.iter().all(|r| r["lag_seconds"].is_u64() && r["last_error"].is_null()));
    let table = unidesk(&["mirror", "status", "--to", &to, "--format", "table"]);
    let text = String::from_utf8_lossy(&table.stdout).into_owned();
    assert!(text.contains("lag_seconds") && text.contains("beta"), "{text}");
}
