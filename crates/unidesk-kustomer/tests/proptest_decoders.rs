//! Properties of the decoders, run in CI: no input a server or a webhook sender
//! controls makes them panic; broken input is a typed `Decode` error.
//! (The same decoders are fuzzed with cargo-fuzz outside CI: `fuzz/`.)

use proptest::prelude::*;
use serde_json::{Value, json};
use unidesk_core::Error;
use unidesk_kustomer::decode::{self, DecodeOptions};
use unidesk_kustomer::webhook::parse_event;

fn decode_all(bytes: &[u8]) -> Vec<Result<usize, Error>> {
    let o = DecodeOptions { include_remote_data: true, base_url: "https://x.example" };
    vec![
        decode::conversation(bytes, "p", o).map(|_| 1),
        decode::conversations(bytes, "p", o).map(|v| v.len()),
        decode::message(bytes, "p", o).map(|_| 1),
        decode::messages(bytes, "p", o).map(|v| v.len()),
        decode::note(bytes, "p", o).map(|_| 1),
        decode::customer(bytes, "p", o).map(|_| 1),
        decode::customers(bytes, "p", o).map(|v| v.len()),
        decode::company(bytes, "p", o).map(|_| 1),
        decode::users(bytes, "p", o).map(|v| v.len()),
        decode::teams(bytes, "p", o).map(|v| v.len()),
        decode::tags(bytes, "p", o).map(|v| v.len()),
        decode::field_definitions(bytes, "p", unidesk_core::Resource::Contact).map(|v| v.len()),
    ]
}

fn ok_or_decode<T>(r: &Result<T, Error>) -> bool {
    r.is_ok() || matches!(r, Err(Error::Decode { .. }))
}

/// Arbitrary JSON, biased towards the shapes Kustomer sends.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        Just(json!("2024-05-03T09:15:00.000Z")),
        Just(json!("not-a-date")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("id".to_owned()),
            Just("type".to_owned()),
            Just("attributes".to_owned()),
            Just("relationships".to_owned()),
            Just("data".to_owned()),
            Just("status".to_owned()),
            Just("priority".to_owned()),
            Just("emails".to_owned()),
            Just("createdAt".to_owned()),
            Just("custom".to_owned()),
            Just("properties".to_owned()),
            Just("enumeration".to_owned()),
            Just("displayName".to_owned()),
            "[a-zA-Z]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn fixtures() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/kustomer");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for r in decode_all(&bytes) {
            prop_assert!(ok_or_decode(&r), "{:?}", r);
        }
        let _ = parse_event(&bytes, "");
    }

    #[test]
    fn arbitrary_json_in_the_envelope_never_panics(data in json_value(), name in "[a-z.]{0,30}") {
        let body = serde_json::to_vec(&json!({ "data": data })).expect("serializes");
        for r in decode_all(&body) {
            prop_assert!(ok_or_decode(&r), "{:?}", r);
        }
        let event = serde_json::to_vec(&json!({ "id": "e", "name": name, "data": data })).expect("serializes");
        let parsed = parse_event(&event, "");
        prop_assert!(ok_or_decode(&parsed), "{:?}", parsed.map(|e| e.id));
    }

    #[test]
    fn corrupted_fixtures_are_ok_or_decode_errors(index in 0usize..64, cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let all = fixtures();
        let mut body = all[index % all.len()].clone();
        let at = flip.index(body.len());
        body[at] = byte;
        body.truncate(cut.index(body.len() + 1));
        for r in decode_all(&body) {
            prop_assert!(ok_or_decode(&r), "{:?}", r);
        }
    }
}
