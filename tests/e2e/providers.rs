//! One CLI for every provider: `--provider`, `UNIDESK_PROVIDER`, `unidesk providers`.

use std::collections::HashSet;

use crate::support::{RESOURCES, unidesk};

#[test]
fn the_memory_provider_lists_and_syncs_with_no_server() {
    let out = unidesk(&["--provider", "memory", "tickets", "list", "--all", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids: HashSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(ids.len() >= 50, "{} unique tickets", ids.len());

    let dir = tempfile::tempdir().expect("tmp");
    let out = unidesk(&["--provider", "memory", "sync", "--out", dir.path().to_str().expect("path"), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for r in RESOURCES {
        let text = std::fs::read_to_string(dir.path().join(format!("{r}.jsonl"))).expect("file written");
        assert!(!text.is_empty(), "{r} has records");
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["users", "list", "--format", "jsonl"])
        .env("UNIDESK_PROVIDER", "memory")
        .output()
        .expect("runs");
    assert!(out.status.success(), "UNIDESK_PROVIDER chooses the provider");
}

#[test]
fn an_unknown_provider_is_a_usage_error_naming_the_known_ones() {
    let out = unidesk(&["--provider", "nosuch", "tickets", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kustomer") && err.contains("memory") && err.contains("rt"), "{err}");
}

#[test]
fn providers_lists_each_with_a_capability_summary() {
    let out = unidesk(&["providers", "--format", "jsonl"]);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["kustomer", "memory", "rt", "zendesk"]);
    let kustomer = &rows[0];
    assert_eq!(kustomer["simulator"], true);
    assert!(kustomer["unsupported"].as_array().expect("list").iter().any(|v| v == "accounts.delete"));
    assert_eq!(rows[1]["supported_operations"], rows[1]["applicable_operations"], "memory supports everything");
    let out = unidesk(&["--provider", "memory", "sim"]);
    assert_eq!(out.status.code(), Some(2), "memory has no simulator");
}

#[test]
fn fields_list_prints_definitions_and_unsupported_resources_say_so() {
    let out = unidesk(&["--provider", "memory", "fields", "list", "--resource", "tickets", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let defs: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert!(!defs.is_empty());
    assert!(defs.iter().all(|d| d["resource"] == "ticket" && d["key"].is_string() && d["field_type"].is_string()));
    let out = unidesk(&["--sim", "fields", "list", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"key\":\"orderNum\""), "the simulator describes its custom attributes: {text}");
    let out = unidesk(&["--sim", "fields", "list", "--resource", "users"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not support list_fields on user"));
    assert_eq!(unidesk(&["--sim", "fields", "list", "--resource", "bogus"]).status.code(), Some(2));
}
