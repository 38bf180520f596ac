//! Webhook fixtures (one per Kustomer event name) → normalized events, snapshotted.
//!
//! Each delivery is signed the way Kustomer signs it, received through a
//! [`WebhookReceiver`] that checks the signature, and its `Event` is compared
//! with the reviewed snapshot under `tests/snapshots/`.

use std::time::Duration;

use http::HeaderMap;
use unidesk_core::{Error, EventKind, EventObject};
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
        "kustomer.conversation.delete" => EventKind::TicketDeleted,
        "kustomer.customer.delete" => EventKind::ContactDeleted,
        "kustomer.company.delete" => EventKind::AccountDeleted,
        "kustomer.note.delete" => EventKind::CommentDeleted,
        "kustomer.tag.create" => EventKind::TagCreated,
        "kustomer.tag.delete" => EventKind::TagDeleted,
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
        if name.ends_with(".delete") {
            let deleted = serde_json::to_value(&event.object).expect("json")["record"]["remote_was_deleted"] == true;
            assert!(deleted, "{name}: a delete event's record is marked remote_was_deleted");
        }
        let unknown = matches!(event.object, EventObject::Unknown(_));
        assert_eq!(unknown, matches!(event.kind, EventKind::Unknown(_)), "{name}: object matches kind");
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!(event);
        });
    });
}

#[test]
fn an_update_says_what_changed_under_normalized_names() {
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/kustomer/webhooks/kustomer.conversation.update.json"),
    )
    .expect("fixture");
    let event = unidesk_kustomer::webhook::parse_event(&body, "").expect("parses");
    assert_eq!(event.changes["status"].before, "open");
    assert_eq!(event.changes["status"].after, "closed", "statuses are normalized");
    assert_eq!(event.changes["assignee_ids"].after, serde_json::json!(["5f1a0000000000000000bb01"]));
    assert_eq!(event.changes["contact_id"].before, "5f1a0000000000000000dd00");
    assert_eq!(event.changes["satisfaction"].after, 5, "unmodelled attributes keep their Kustomer name");
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

/// A signed `kustomer.tag.create` delivery with envelope id `id`.
fn delivery(id: &str) -> (Vec<u8>, HeaderMap) {
    let body = format!(
        r#"{{"id":"{id}","name":"kustomer.tag.create","createdAt":"2024-03-01T10:00:00.000Z","data":{{"type":"tag","id":"t1","attributes":{{"name":"vip"}}}}}}"#
    )
    .into_bytes();
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER, sign(TOKEN, &body).parse().expect("hex header"));
    (body, headers)
}

#[tokio::test]
async fn a_failed_handler_leaves_the_redelivery_to_be_handled() {
    let receiver = WebhookReceiver::new().signing_token(TOKEN).dedupe_window(16, Duration::from_secs(3600));
    let (body, headers) = delivery("evt-1");
    let failed: Result<Option<()>, Error> = receiver
        .receive_with(&body, &headers, |_event| async { Err(Error::Upstream { status: 503, body: "db down".into() }) })
        .await;
    assert!(matches!(failed, Err(Error::Upstream { status: 503, .. })), "{failed:?}");
    let mut handled = Vec::new();
    let retried: Result<_, Error> = receiver
        .receive_with(&body, &headers, |event| {
            handled.push(event.id.clone());
            async { Ok(7) }
        })
        .await;
    assert_eq!(retried.expect("the re-delivery is handled"), Some(7));
    assert_eq!(handled, ["evt-1"]);
    let again: Result<Option<u8>, Error> =
        receiver.receive_with(&body, &headers, |_| async { panic!("a processed id is a duplicate") }).await;
    assert_eq!(again.expect("duplicate"), None);
    let mut bad = headers.clone();
    bad.insert(SIGNATURE_HEADER, sign("wrong", &body).parse().expect("hex header"));
    let denied: Result<Option<()>, Error> = receiver.receive_with(&body, &bad, |_| async { Ok(()) }).await;
    assert!(matches!(denied, Err(Error::Unauthenticated { .. })));
}

#[tokio::test]
async fn a_redelivery_while_the_first_is_being_handled_is_refused_for_later() {
    let receiver = WebhookReceiver::new().signing_token(TOKEN).dedupe_window(16, Duration::from_secs(3600));
    let (body, headers) = delivery("evt-2");
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let first = receiver.receive_with(&body, &headers, |_| async move {
        wait.await.ok();
        Ok::<_, Error>(1)
    });
    let second = async {
        tokio::task::yield_now().await;
        let r: Result<Option<u8>, Error> = receiver.receive_with(&body, &headers, |_| async { Ok(2) }).await;
        release.send(()).ok();
        r
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.expect("handled"), Some(1));
    assert!(matches!(second, Err(Error::Conflict { .. })), "{second:?}");
    let third: Result<Option<u8>, Error> = receiver.receive_with(&body, &headers, |_| async { Ok(3) }).await;
    assert_eq!(third.expect("recorded after the first succeeded"), None);
}

#[test]
fn check_then_mark_processed_records_only_after_success() {
    let receiver = WebhookReceiver::new().signing_token(TOKEN).dedupe_window(16, Duration::from_secs(3600));
    let (body, headers) = delivery("evt-3");
    let event = receiver.check(&body, &headers).expect("verified").expect("new");
    assert_eq!(event.id, "evt-3");
    assert!(receiver.check(&body, &headers).expect("verified").is_some(), "nothing recorded by check");
    receiver.mark_processed(&event.id);
    assert!(receiver.check(&body, &headers).expect("verified").is_none(), "processed: a duplicate");
    assert!(receiver.receive(&body, &headers).expect("verified").is_none());
    let mut bad = headers.clone();
    bad.insert(SIGNATURE_HEADER, "00".parse().expect("hex header"));
    assert!(matches!(receiver.check(&body, &bad), Err(Error::Unauthenticated { .. })));
}

#[test]
fn the_dedupe_window_is_bounded_by_count_and_by_age() {
    let by_count = WebhookReceiver::new().dedupe_window(2, Duration::from_secs(3600));
    let by_age = WebhookReceiver::new().dedupe_window(100, Duration::from_millis(50));
    let (a, h) = delivery("a");
    for r in [&by_count, &by_age] {
        r.mark_processed("a");
        assert!(r.check(&a, &h).expect("ok").is_none());
    }
    by_count.mark_processed("b");
    by_count.mark_processed("c");
    assert!(by_count.check(&a, &h).expect("ok").is_some(), "pushed out by two newer ids");
    std::thread::sleep(Duration::from_millis(80));
    assert!(by_age.check(&a, &h).expect("ok").is_some(), "older than max_age");
    let no_cache = WebhookReceiver::new();
    no_cache.mark_processed("a");
    assert!(no_cache.check(&a, &h).expect("ok").is_some(), "without dedupe nothing is dropped");
}
