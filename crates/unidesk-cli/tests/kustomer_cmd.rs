//! `unidesk kustomer …` and `unidesk raw …` against the embedded simulator (`--sim`): each run
//! starts the same seeded org, so ids read in one run name the same records in the next.

#![cfg(all(feature = "kustomer", feature = "sim"))]

use std::collections::HashSet;
use std::process::{Command, Output};

use serde_json::Value;

fn unidesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .arg("--sim")
        .args(args)
        .env_remove("KUSTOMER_API_KEY")
        .env_remove("UNIDESK_PROVIDER")
        .output()
        .expect("runs")
}

fn ok(args: &[&str]) -> String {
    let out = unidesk(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("JSON output")
}

fn lines(args: &[&str]) -> Vec<Value> {
    ok(args).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

#[test]
fn klasses_kobjects_substatuses_audit_and_webhooks_list_in_every_format() {
    let klasses = json(&["kustomer", "klasses", "list", "--format", "json"]);
    let names: HashSet<_> =
        klasses["items"].as_array().expect("items").iter().filter_map(|k| k["name"].as_str()).collect();
    assert!(names.contains("order") && names.contains("shipment"), "{names:?}");

    let orders = lines(&["kustomer", "kobjects", "list", "order", "--all", "--page-size", "3", "--format", "jsonl"]);
    let ids: HashSet<_> = orders.iter().map(|o| o["id"].as_str().expect("id").to_owned()).collect();
    assert!(orders.len() > 3 && ids.len() == orders.len(), "every order once, across pages");
    assert!(orders.iter().all(|o| o["klass"] == "order"));

    let table = ok(&["kustomer", "substatuses", "list", "--resource-type", "conversation", "--format", "table"]);
    assert!(table.contains("parent_status") && table.contains("snoozed"), "{table}");

    let audit =
        lines(&["kustomer", "audit", "list", "--type", "klass", "--all", "--page-size", "1", "--format", "jsonl"]);
    assert!(audit.len() >= 2 && audit.iter().all(|e| e["object_type"] == "klass"), "{audit:?}");

    let hooks = json(&["kustomer", "webhooks", "list", "--format", "json"]);
    assert!(hooks["items"].is_array());
}

#[test]
fn notes_and_drafts_of_a_customer_and_a_note_update() {
    let notes = json(&["raw", "GET", "/v1/notes", "--query", "pageSize=1", "--format", "json"]);
    let id = notes["data"][0]["id"].as_str().expect("a seeded note");
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("note.json");
    std::fs::write(&input, r#"{"body":"Updated from the CLI"}"#).expect("write");
    let updated = json(&["kustomer", "notes", "update", id, "--json", input.to_str().expect("path")]);
    assert_eq!((updated["id"].as_str(), updated["body"].as_str()), (Some(id), Some("Updated from the CLI")));

    let customer = lines(&["contacts", "list", "--page-size", "1", "--format", "jsonl"]);
    let customer = customer[0]["id"].as_str().expect("a customer");
    let listed = json(&["kustomer", "notes", "list", "--customer", customer, "--format", "json"]);
    assert!(listed["items"].is_array());
    let drafts = json(&["kustomer", "drafts", "list", "--customer", customer, "--format", "json"]);
    assert!(drafts["items"].is_array());
    let deleted = json(&["kustomer", "notes", "delete", id, "--format", "json"]);
    assert_eq!(deleted["deleted"], true);
}

#[test]
fn a_new_webhooks_token_goes_only_to_the_token_file() {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("hook.json");
    let token_file = dir.path().join("token");
    std::fs::write(
        &input,
        r#"{"name":"Sync","url":"https://127.0.0.1:9/hook","events":["kustomer.kobject.order.create"]}"#,
    )
    .expect("write");
    let out = unidesk(&[
        "kustomer",
        "webhooks",
        "--token-out",
        token_file.to_str().expect("path"),
        "create",
        "--json",
        input.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = std::fs::read_to_string(&token_file).expect("the token file");
    assert!(token.len() >= 16, "a token");
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!printed.contains(&token), "the token is never printed");
    let created: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(created["events"][0], "kustomer.kobject.order.create");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn raw_prints_the_body_and_maps_statuses_to_exit_codes() {
    let body = json(&["raw", "GET", "/v1/klasses/order", "--query", "pageSize=2", "--format", "json"]);
    assert_eq!(body["data"].as_array().map(Vec::len), Some(2));
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("kobject.json");
    std::fs::write(&input, r#"{"title":"From raw"}"#).expect("write");
    let created =
        json(&["raw", "POST", "/v1/klasses/order", "--json", input.to_str().expect("path"), "--format", "json"]);
    assert_eq!(created["data"]["attributes"]["title"], "From raw");

    let escape = unidesk(&["raw", "GET", "/v1/../admin"]);
    assert_eq!(escape.status.code(), Some(2), "path validation: usage error");
    let missing = unidesk(&["raw", "GET", "/v1/klasses/nosuchklass", "--format", "json"]);
    assert_eq!(missing.status.code(), Some(4), "a 404 exits 4, its body printed");
    assert!(String::from_utf8_lossy(&missing.stdout).contains("errors"));
    let bad_method = unidesk(&["raw", "TRACE", "/v1/klasses"]);
    assert_eq!(bad_method.status.code(), Some(2));
    let memory = Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["--provider", "memory", "raw", "GET", "/v1/klasses"])
        .output()
        .expect("runs");
    assert_eq!(memory.status.code(), Some(2), "no passthrough for the memory provider");
}
