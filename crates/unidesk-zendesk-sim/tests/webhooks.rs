//! Outbound webhooks: ticket events posted to subscribers, signed as Zendesk signs them.

mod common;

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::Engine;
use common::{call, get, sim};
use hmac::{KeyInit, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// A receiver on loopback: every delivery's headers and body go to the channel.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

#[tokio::test]
async fn ticket_events_are_delivered_signed_timestamp_then_body() {
    let sim = sim(5).await;
    let (url, mut rx) = receiver().await;
    let subscriptions = ["ticket.created", "ticket.status_changed", "ticket.comment_added", "ticket.tags_changed"]
        .map(|t| format!("zen:event-type:{t}"));
    let hook = json!({ "webhook": { "name": "t", "endpoint": url, "http_method": "POST", "request_format": "json", "status": "active", "subscriptions": subscriptions } });
    let resp = call(&sim, Method::POST, "/api/v2/webhooks.json", Some(hook)).await;
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.expect("JSON");
    let hook_id = created["webhook"]["id"].as_str().expect("id").to_owned();
    let (_, secret) = get(&sim, &format!("/api/v2/webhooks/{hook_id}/signing_secret")).await;
    let secret = secret["signing_secret"]["secret"].as_str().expect("secret").to_owned();

    let id = sim.ticket_ids()[0];
    let update = json!({ "ticket": { "status": "hold", "comment": { "body": "on hold", "public": false } } });
    assert_eq!(call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}"), Some(update)).await.status(), 200);
    let tags = json!({ "tags": ["webhooked"] });
    assert_eq!(call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}/tags"), Some(tags)).await.status(), 200);

    let mut types = Vec::new();
    for _ in 0..3 {
        let (headers, body) =
            tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a delivery").expect("open");
        assert_eq!(headers["x-zendesk-webhook-id"], hook_id.as_str());
        assert_eq!(headers["user-agent"], "Zendesk Webhook");
        let at = headers["x-zendesk-webhook-signature-timestamp"].to_str().expect("ascii");
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(at.as_bytes());
        mac.update(&body);
        let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(headers["x-zendesk-webhook-signature"], expected.as_str());
        let event: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(event["subject"], format!("zen:ticket:{id}"));
        assert_eq!(event["detail"]["id"], id.to_string());
        types.push((event["type"].as_str().expect("type").to_owned(), event["event"].clone()));
    }
    types.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(types[0].0, "zen:event-type:ticket.comment_added");
    assert_eq!(types[0].1["comment"]["is_public"], false);
    assert_eq!(types[1].0, "zen:event-type:ticket.status_changed");
    assert_eq!(types[1].1["current"], "HOLD");
    assert_eq!(types[2].0, "zen:event-type:ticket.tags_changed");
    assert_eq!(types[2].1["tags_added"], json!(["webhooked"]));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.webhook_deliveries(), (3, 0));
    // Unsubscribed events are not sent; a deleted webhook gets nothing.
    assert_eq!(call(&sim, Method::DELETE, &format!("/api/v2/webhooks/{hook_id}"), None).await.status(), 204);
    let body = json!({ "ticket": { "comment": { "body": "new" } } });
    assert_eq!(call(&sim, Method::POST, "/api/v2/tickets", Some(body)).await.status(), 201);
    assert!(tokio::time::timeout(Duration::from_millis(300), rx.recv()).await.is_err());
}
