//! Inputs shared by the mapping benchmarks: Kustomer list bodies of 100 records,
//! built from the reviewed fixtures with distinct ids.

#![allow(dead_code)] // each bench target uses part of this module

use serde_json::{Value, json};

/// One bench input: a name and a list body.
pub(crate) struct Body {
    /// `conversations`, `messages` or `customers`.
    pub(crate) kind: &'static str,
    /// The JSON bytes.
    pub(crate) bytes: Vec<u8>,
}

fn fixture(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/kustomer").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn list_of(record: &Value, included: &Value, n: usize) -> Vec<u8> {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            let mut r = record.clone();
            r["id"] = json!(format!("5f1a{i:020x}"));
            r
        })
        .collect();
    let body = json!({
        "data": data,
        "included": included,
        "links": {"self": "/v1/x?page=1&pageSize=100", "next": "/v1/x?page=2&pageSize=100"},
        "meta": {"pageSize": 100, "page": 1}
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// The three bench bodies, 100 records each.
pub(crate) fn bodies() -> Vec<Body> {
    let conv = fixture("conversation_open_full.json");
    let msg = fixture("message_inbound_email_attachments.json");
    let cust = fixture("customer_full.json");
    vec![
        Body { kind: "conversations", bytes: list_of(&conv["data"], &json!([]), 100) },
        Body { kind: "messages", bytes: list_of(&msg["data"], &msg["included"], 100) },
        Body { kind: "customers", bytes: list_of(&cust["data"], &json!([]), 100) },
    ]
}

/// Parses `bytes` into `serde_json::Value` (the untyped floor).
pub(crate) fn parse_value(bytes: &[u8]) -> usize {
    serde_json::from_slice::<Value>(bytes).map(|v| v["data"].as_array().map_or(0, Vec::len)).unwrap_or(0)
}

/// Parses `bytes` into the wire types alone (the typed floor).
pub(crate) fn parse_wire(kind: &str, bytes: &[u8]) -> usize {
    use unidesk_kustomer::wire::{ConversationAttrs, CustomerAttrs, Document, MessageAttrs, ResourceObject};
    fn n<A: serde::de::DeserializeOwned>(bytes: &[u8]) -> usize {
        serde_json::from_slice::<Document<Vec<ResourceObject<A>>>>(bytes).map(|d| d.data.len()).unwrap_or(0)
    }
    match kind {
        "conversations" => n::<ConversationAttrs>(bytes),
        "messages" => n::<MessageAttrs>(bytes),
        _ => n::<CustomerAttrs>(bytes),
    }
}

/// Parses and maps `bytes` to normalized records (what the adapter does).
pub(crate) fn map_normalized(kind: &str, bytes: &[u8]) -> usize {
    use unidesk_kustomer::decode::{self, DecodeOptions};
    let o = DecodeOptions { include_remote_data: false, base_url: "https://acme.api.kustomerapp.com" };
    match kind {
        "conversations" => decode::conversations(bytes, "bench", o).map_or(0, |v| v.len()),
        "messages" => decode::messages(bytes, "bench", o).map_or(0, |v| v.len()),
        _ => decode::customers(bytes, "bench", o).map_or(0, |v| v.len()),
    }
}
