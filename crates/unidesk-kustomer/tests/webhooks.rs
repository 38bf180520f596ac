//! Webhook fixtures (one per Kustomer event name) → normalized events, snapshotted.
//!
//! Each delivery is signed the way Kustomer signs it, received through a
//! [`WebhookReceiver`] that checks the signature, and its `Event` is compared
//! with the reviewed snapshot under `tests/snapshots/`.

use http::HeaderMap;
use unidesk_core::{EventKind, EventObject};
use unidesk_kustomer::webhook::{SIGNATURE_HEADER, WebhookReceiver, sign};

const TOKEN: &str = "whk-token-for-tests";

fn expected_kind(event_name: &str) -> EventKind {
    match event_name {
        "kustomer.customer.create" => EventKind::ContactCreated,
        "kustomer.customer.update" => EventKind::ContactUpdated,
        "kustomer.conversation.create" => EventKind::TicketCreated,
        "kustomer.conversation.update" => EventKind::TicketUpdated,
        "kustomer.message.create" | "kustomer.note.create" => EventKind::CommentCreated,
        "kustomer.message.update" => EventKind::CommentUpdated,
        "kustomer.user.create" => EventKind::UserCreated,
        "kustomer.user.update" => EventKind::UserUpdated,
        "kustomer.team.create" => EventKind::TeamCreated,
        "kustomer.team.update" => EventKind::TeamUpdated,
        "kustomer.company.create" => EventKind::AccountCreated,
        other => EventKind::Unknown(other.to_owned()),
    }
}

#[test]
fn every_webhook_fixture_maps_to_its_snapshot() {
    let receiver = WebhookReceiver::new().signing_token(TOKEN).base_url("https://acme.api.kustomerapp.com");
    insta::glob!("../../../fixtures/kustomer/webhooks", "*.json", |path| {
        let body = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, sign(TOKEN, &body).parse().expect("hex is a valid header value"));
        let event = receiver.receive(&body, &headers).expect("a signed fixture is accepted").expect("not a duplicate");
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        assert_eq!(event.kind, expected_kind(name), "{name}");
        let unknown = matches!(event.object, EventObject::Unknown(_));
        assert_eq!(unknown, matches!(event.kind, EventKind::Unknown(_)), "{name}: object matches kind");
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!(event);
        });
    });
}

#[test]
fn fixtures_cover_every_required_event() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/kustomer/webhooks");
    for object in ["customer", "conversation", "message", "user", "team"] {
        for verb in ["create", "update"] {
            let f = dir.join(format!("kustomer.{object}.{verb}.json"));
            assert!(f.exists(), "missing webhook fixture {}", f.display());
        }
    }
}

#[test]
fn a_redelivered_fixture_is_dropped_by_the_dedupe_cache() {
    let receiver = WebhookReceiver::new().signing_token(TOKEN).dedupe(16);
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/kustomer/webhooks/kustomer.message.create.json"),
    )
    .expect("fixture");
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, sign(TOKEN, &body).parse().expect("hex header"));
    assert!(receiver.receive(&body, &headers).expect("first").is_some());
    assert!(receiver.receive(&body, &headers).expect("second").is_none());
    let mut truncated = body.clone();
    truncated.truncate(body.len() / 2);
    headers.insert(SIGNATURE_HEADER, sign(TOKEN, &truncated).parse().expect("hex header"));
    assert!(matches!(receiver.receive(&truncated, &headers), Err(unidesk_core::Error::Decode { .. })));
}
