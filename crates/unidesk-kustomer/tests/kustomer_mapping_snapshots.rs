//! Every Kustomer fixture under `fixtures/kustomer/` mapped to normalized JSON and
//! snapshotted, so any mapping change shows up as a reviewable diff.
//!
//! The file name says what the body is: `<kind>_<what>.json`, where `kind` is a
//! Kustomer resource in the singular (one record) or plural (a list body). On CI
//! (`CI=true`, `INSTA_UPDATE=no`) a missing or changed snapshot fails the test;
//! locally, review changes with `cargo insta review`.

use serde_json::{Value, json};
use unidesk_core::Result;
use unidesk_kustomer::decode::{self, DecodeOptions};

const BASE_URL: &str = "https://acme.api.kustomerapp.com";

fn to_value<T: serde::Serialize>(x: Result<T>) -> Result<Value> {
    x.map(|v| serde_json::to_value(v).unwrap_or(Value::Null))
}

/// Maps `body` by the fixture's kind.
fn map(kind: &str, body: &[u8]) -> Option<Result<Value>> {
    let ctx = "fixture";
    let o = DecodeOptions { include_remote_data: false, base_url: BASE_URL };
    Some(match kind {
        "conversation" => to_value(decode::conversation(body, ctx, o)),
        "conversations" => to_value(decode::conversations(body, ctx, o)),
        "message" => to_value(decode::message(body, ctx, o)),
        "messages" => to_value(decode::messages(body, ctx, o)),
        "note" => to_value(decode::note(body, ctx, o)),
        "notes" => to_value(decode::notes(body, ctx, o)),
        "customer" => to_value(decode::customer(body, ctx, o)),
        "customers" => to_value(decode::customers(body, ctx, o)),
        "company" => to_value(decode::company(body, ctx, o)),
        "companies" => to_value(decode::companies(body, ctx, o)),
        "user" => to_value(decode::user(body, ctx, o)),
        "users" => to_value(decode::users(body, ctx, o)),
        "team" => to_value(decode::team(body, ctx, o)),
        "teams" => to_value(decode::teams(body, ctx, o)),
        "tag" => to_value(decode::tag(body, ctx, o)),
        "tags" => to_value(decode::tags(body, ctx, o)),
        // `metadata_<kustomer resource>.json`: custom-attribute definitions (the fixtures describe customers).
        "metadata" => to_value(decode::field_definitions(body, ctx, unidesk_core::Resource::Contact)),
        _ => return None,
    })
}

#[test]
fn every_kustomer_fixture_maps_to_its_snapshot() {
    let mut seen = 0;
    insta::glob!("../../../fixtures/kustomer", "*.json", |path| {
        seen += 1;
        let body = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let kind = name.split('_').next().unwrap_or_default();
        let mapped = map(kind, &body)
            .unwrap_or_else(|| panic!("{name}: unknown fixture kind {kind:?}; name fixtures <kind>_<what>.json"))
            .unwrap_or_else(|e| panic!("{name}: does not map: {e}"));
        insta::with_settings!({ sort_maps => true, description => format!("{kind} fixture, mapped") }, {
            insta::assert_json_snapshot!(json!({ "kind": kind, "normalized": mapped }));
        });
    });
    assert!(seen >= 10, "only {seen} fixtures found");
}

#[test]
fn truncating_any_fixture_gives_a_decode_error_not_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/kustomer");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir").flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let body = std::fs::read(&path).expect("fixture");
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let kind = name.split('_').next().unwrap_or_default();
        for cut in [0, 1, body.len() / 3, body.len() / 2, body.len() - 2] {
            match map(kind, &body[..cut]) {
                Some(Err(unidesk_core::Error::Decode { .. })) => checked += 1,
                other => panic!("{name} cut at {cut}: {other:?}"),
            }
        }
    }
    assert!(checked >= 50, "{checked}");
}
