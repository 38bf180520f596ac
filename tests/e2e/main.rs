//! End-to-end: the built `unidesk` binary against its embedded simulator.

mod attachments;
mod budget;
mod drill;
mod hostile;
mod mirror;
#[path = "../../crates/unidesk-mirror/tests/postgres/cluster.rs"]
mod pg_cluster;
mod postgres;
mod providers;
mod reliability;
#[cfg(feature = "serve")]
mod serve;
mod support;
mod tombstones;
mod zendesk;

use support::{RESOURCES, SimChild, ids_in, records_in, unidesk};

#[test]
fn tickets_list_all_prints_every_seeded_conversation_once_valid_against_schema() {
    let out = unidesk(&["--sim", "tickets", "list", "--all", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/ticket.schema.json"))
            .expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let mut ids = std::collections::HashSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON record per line");
        assert!(validator.is_valid(&v), "{line}");
        assert!(ids.insert(v["id"].as_str().expect("id").to_owned()), "repeated {line}");
    }
    assert_eq!(ids.len(), 2000);
}

#[test]
fn one_page_writes_next_cursor_to_stderr_and_cursor_continues() {
    let out = unidesk(&["--sim", "users", "list", "--page-size", "10", "--format", "jsonl"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 10);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let cursor = err.lines().find_map(|l| l.strip_prefix("next_cursor: ")).expect("next cursor");
    let next = unidesk(&["--sim", "users", "list", "--page-size", "10", "--cursor", cursor, "--format", "jsonl"]);
    assert!(next.status.success());
    assert_eq!(String::from_utf8_lossy(&next.stdout).lines().count(), 10);
}

#[test]
fn sync_then_interrupted_and_resumed_sync_give_identical_files() {
    let full = tempfile::tempdir().expect("tmp");
    let part = tempfile::tempdir().expect("tmp");
    let f = full.path().to_str().expect("path");
    let p = part.path().to_str().expect("path");
    assert!(unidesk(&["--sim", "sync", "--out", f, "--quiet"]).status.success());
    assert!(unidesk(&["--sim", "sync", "--out", p, "--quiet", "--max-pages", "25"]).status.success());
    assert!(unidesk(&["--sim", "sync", "--out", p, "--quiet"]).status.success());
    for r in RESOURCES {
        // Each run starts its own simulator on a new port, which `ticket_url` carries: compare without it.
        let (a, b) = (records_in(full.path(), r), records_in(part.path(), r));
        assert!(!a.is_empty(), "{r} written");
        assert_eq!(a.len(), b.len(), "{r} same count after resume");
        assert!(a == b, "{r} identical after resume");
    }
}

#[test]
fn errors_have_exit_codes_and_never_print_the_token() {
    let out = unidesk(&["--sim", "--token", "wrong-secret-token", "tickets", "list"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        !err.contains("wrong-secret-token") && !String::from_utf8_lossy(&out.stdout).contains("wrong-secret-token")
    );
    let out = unidesk(&["--sim", "tickets", "get", "ffffffffffffffffffffffff"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    assert_eq!(unidesk(&["--sim", "tickets", "get", "../etc"]).status.code(), Some(2));
    assert_eq!(unidesk(&["tickets", "list"]).status.code(), Some(2));
    assert_eq!(unidesk(&["--sim", "tickets", "list", "--cursor", "garbage"]).status.code(), Some(2));
}

fn jsonl(args: &[&str]) -> (Vec<serde_json::Value>, String) {
    let out = unidesk(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let items =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    (items, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_resource_lists_and_gets_and_all_equals_the_pages() {
    for r in ["tickets", "comments", "contacts", "accounts", "tags", "teams", "users"] {
        let (page, _) = jsonl(&["--sim", r, "list", "--page-size", "5", "--format", "jsonl"]);
        assert!(!page.is_empty(), "{r} lists");
        let id = page[0]["id"].as_str().expect("id").to_owned();
        let (got, _) = jsonl(&["--sim", r, "get", &id, "--format", "jsonl"]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["id"], page[0]["id"], "{r} get");
    }
    let (all, _) = jsonl(&["--sim", "accounts", "list", "--all", "--page-size", "30", "--format", "jsonl"]);
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = vec!["--sim", "accounts", "list", "--page-size", "30", "--format", "jsonl"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let (items, err) = jsonl(&args);
        pages.extend(items);
        cursor = err.lines().find_map(|l| l.strip_prefix("next_cursor: ")).map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(all.len(), 101);
    assert_eq!(all, pages, "--all is the concatenation of single pages");
}

#[test]
fn sync_under_injected_faults_and_its_resume_write_every_record_exactly_once() {
    // The same seed without faults gives the reference; with 10 % faults (5xx, 429 bursts,
    // dropped and truncated bodies), a sync and an interrupted-then-resumed sync must
    // write exactly the same records, each once.
    let clean = SimChild::start(&["--conversations", "400"]);
    let faulty = SimChild::start(&["--conversations", "400", "--fault-rate", "0.1"]);
    let reference = tempfile::tempdir().expect("tmp");
    let once = tempfile::tempdir().expect("tmp");
    let resumed = tempfile::tempdir().expect("tmp");
    let sync = |sim: &SimChild, dir: &tempfile::TempDir, extra: &[&str]| {
        let mut args = vec!["sync", "--out", dir.path().to_str().expect("path"), "--quiet", "--page-size", "50"];
        args.extend_from_slice(extra);
        let out = sim.unidesk(&args);
        assert!(out.status.success(), "sync {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    sync(&clean, &reference, &[]);
    sync(&faulty, &once, &[]);
    sync(&faulty, &resumed, &["--max-pages", "9"]);
    sync(&faulty, &resumed, &[]);
    for r in ["tickets", "comments", "contacts", "accounts", "tags", "teams", "users"] {
        let mut want = ids_in(reference.path(), r);
        assert!(!want.is_empty(), "{r}");
        want.sort();
        for (what, dir) in [("faulty sync", &once), ("interrupted + resumed faulty sync", &resumed)] {
            let mut got = ids_in(dir.path(), r);
            let n = got.len();
            got.sort();
            got.dedup();
            assert_eq!(got.len(), n, "{what}: {r} has repeated records");
            assert_eq!(got, want, "{what}: {r} differs from the fault-free reference");
        }
    }
}
