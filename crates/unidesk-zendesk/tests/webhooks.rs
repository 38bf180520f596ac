//! Webhooks end to end: the simulator signs and posts its ticket events to a receiver
//! (wiremock); every delivery verifies with the default order (timestamp, then body) and maps
//! to the normalized event of the write that caused it.

mod support;

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use unidesk_core::{CommentCreate, Error, EventKind, EventObject, Helpdesk, TicketCreate, TicketStatus, TicketUpdate};
use unidesk_zendesk::webhook::{WebhookVerifier, parse_event};
use unidesk_zendesk_sim::Simulator;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn signed_deliveries_verify_and_map_to_events() {
    let sim = Simulator::start(support::small(5)).await.expect("sim");
    let receiver = MockServer::start().await;
    Mock::given(method("POST")).and(path("/hook")).respond_with(ResponseTemplate::new(200)).mount(&receiver).await;
    let http = reqwest::Client::new();
    let api = format!("{}/api/v2", sim.base_url());
    let events = ["ticket.created", "ticket.status_changed", "ticket.comment_added"];
    let hook: Value = http
        .post(format!("{api}/webhooks.json"))
        .bearer_auth(sim.token())
        .json(&json!({"webhook": {"name": "unidesk", "endpoint": format!("{}/hook", receiver.uri()),
            "subscriptions": events.iter().map(|e| format!("zen:event-type:{e}")).collect::<Vec<_>>()}}))
        .send()
        .await
        .expect("registers")
        .json()
        .await
        .expect("json");
    let id = hook["webhook"]["id"].as_str().expect("webhook id");
    let secret: Value = http
        .get(format!("{api}/webhooks/{id}/signing_secret.json"))
        .bearer_auth(sim.token())
        .send()
        .await
        .expect("secret")
        .json()
        .await
        .expect("json");
    let secret = secret["signing_secret"]["secret"].as_str().expect("secret").to_owned();

    let desk = support::client(&sim);
    let contact = desk.contacts().list(&unidesk_core::ListQuery::new().page_size(1)).await.expect("a contact").items[0]
        .id
        .clone();
    let t = desk
        .tickets()
        .create(&TicketCreate { contact_id: contact, subject: Some("Webhook test".into()), ..Default::default() })
        .await
        .expect("create");
    desk.tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::OnHold), ..Default::default() })
        .await
        .expect("hold");
    desk.comments()
        .create(&CommentCreate { ticket_id: t.id.clone(), body: "Any news?".into(), ..Default::default() })
        .await
        .expect("comment");

    let mut deliveries = Vec::new();
    for _ in 0..100 {
        deliveries = receiver.received_requests().await.unwrap_or_default();
        if deliveries.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(deliveries.len() >= 3, "{} deliveries", deliveries.len());
    let verifier = WebhookVerifier::new(secret).max_age(Duration::from_secs(3600 * 24 * 365 * 10));
    let mut kinds = Vec::new();
    for d in &deliveries {
        let mut headers = HeaderMap::new();
        for (k, v) in d.headers.iter() {
            if let (Ok(k), Ok(v)) =
                (HeaderName::from_bytes(k.as_str().as_bytes()), HeaderValue::from_bytes(v.as_bytes()))
            {
                headers.insert(k, v);
            }
        }
        verifier.verify(&d.body, &headers).expect("the delivery's signature verifies");
        let mut tampered = d.body.clone();
        tampered.push(b' ');
        assert!(matches!(verifier.verify(&tampered, &headers), Err(Error::Unauthenticated { .. })));
        let e = parse_event(&d.body, sim.base_url().as_str()).expect("parses");
        match &e.object {
            EventObject::Ticket(x) => assert_eq!(x.id, t.id),
            EventObject::Comment(c) => {
                assert_eq!(c.ticket_id.as_deref(), Some(t.id.as_str()));
                assert_eq!(c.body.as_deref(), Some("Any news?"));
            }
            other => panic!("unexpected {other:?}"),
        }
        if e.kind == EventKind::TicketUpdated {
            assert_eq!(e.changes.get("status").map(|c| c.after.clone()), Some(json!("on_hold")), "{e:?}");
        }
        kinds.push(e.kind);
    }
    for k in [EventKind::TicketCreated, EventKind::TicketUpdated, EventKind::CommentCreated] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
}
