//! The audit log (the simulator's own writes, a time window, type filters, cursor paging) and
//! outbound webhook subscriptions (CRUD, the token shown once, event filters, custom headers,
//! deliveries retried with backoff until a receiver that was down comes back).

mod support;

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Sink, assert_error, get, send, send_as, small, walk};
use unidesk_kustomer_sim::{SimConfig, Simulator, WebhookRetry};

#[tokio::test]
async fn the_audit_log_records_the_simulators_writes_with_filters_and_cursors() {
    let sim = small().await;
    // The seed's trail: sub-statuses, klasses and KObjects.
    let seeded = get(&sim, "/v1/audit-logs?filter[objectType]=klass").await;
    assert_eq!(seeded["meta"]["total"], 2);
    let start = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    for p in 1..=5 {
        let a = send(&sim, Method::PATCH, &format!("/v1/conversations/{conv}"), Some(&json!({ "priority": p }))).await;
        assert_eq!(a.status, 200);
    }
    let made = send(&sim, Method::POST, "/v1/klasses/order", Some(&json!({ "title": "Audited" }))).await;
    assert_eq!(made.status, 201);
    let window = format!("filter[start]={start}");
    let all = get(&sim, &format!("/v1/audit-logs?{window}")).await;
    assert_eq!(all["meta"]["total"], 6, "{}", all["meta"]);
    let first = &all["data"][0]["attributes"];
    assert_eq!(first["eventName"], "kustomer.kobject.order.create", "newest first");
    assert_eq!(all["data"][0]["type"], "audit_log");
    assert_eq!(all["data"][0]["relationships"]["user"]["data"]["type"], "user");

    // Type filter, cursor pages of 2 following links.next, and the changes recorded.
    let path = format!("/v1/audit-logs?count=2&{window}&filter[eventName]=kustomer.conversation.update");
    let page = get(&sim, &path).await;
    assert_eq!(page["meta"], json!({ "count": 2, "total": 5, "cursorCount": 2 }));
    let next = page["links"]["next"].as_str().expect("next").to_owned();
    assert!(next.starts_with("/v1/audit-logs?count=2&filter[start]="), "{next}");
    assert!(page["links"]["prev"].is_null());
    let (updates, sizes) = walk(&sim, &path).await;
    assert_eq!(sizes, [2, 2, 1]);
    let priorities: Vec<&Value> =
        updates.iter().map(|u| &u["attributes"]["changes"]["attributes"]["priority"]["after"]).collect();
    assert_eq!(priorities, [&json!(5), &json!(4), &json!(3), &json!(2), &json!(1)]);
    assert!(updates.iter().all(|u| u["attributes"]["objectId"] == conv.as_str()));
    // Going back with `after`.
    let second = get(&sim, &next).await;
    let prev = second["links"]["prev"].as_str().expect("prev").to_owned();
    assert_eq!(get(&sim, &prev).await["data"], page["data"]);
    // An end before the writes leaves them out.
    let before = get(&sim, &format!("/v1/audit-logs?filter[end]={start}&filter[objectType]=conversation")).await;
    assert_eq!(before["meta"]["total"], 0);
    assert_error(&send(&sim, Method::GET, "/v1/audit-logs?filter[start]=yesterday", None).await, 400, "bad_request");
    assert_error(&send(&sim, Method::GET, "/v1/audit-logs?count=0", None).await, 400, "bad_request");
}

#[tokio::test]
async fn webhook_subscriptions_crud_with_the_token_shown_once() {
    let sim = small().await;
    let body = json!({ "name": "Mirror", "url": "https://example.com/hook", "events": ["kustomer.conversation.update"],
        "headers": [{ "name": "x-sim-test", "value": "1" }] });
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::POST, "/v1/outbound-webhooks", Some(&body)).await,
        403,
        "forbidden",
    );
    let made = send(&sim, Method::POST, "/v1/outbound-webhooks", Some(&body)).await;
    assert_eq!(made.status, 201);
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert_eq!(made.body["data"]["type"], "outbound_webhook");
    assert!(made.body["data"]["attributes"]["token"].as_str().is_some_and(|t| t.len() == 32));
    let one = get(&sim, &format!("/v1/outbound-webhooks/{id}")).await;
    assert!(one["data"]["attributes"].get("token").is_none());
    assert_eq!(one["data"]["attributes"]["events"], json!(["kustomer.conversation.update"]));
    let list = get(&sim, "/v1/outbound-webhooks").await;
    assert!(!list.to_string().contains("token"));
    let upd = send(
        &sim,
        Method::PUT,
        &format!("/v1/outbound-webhooks/{id}"),
        Some(&json!({ "enabled": false, "events": [] })),
    )
    .await;
    assert_eq!(upd.body["data"]["attributes"]["enabled"], false);
    assert!(upd.body["data"]["attributes"].get("token").is_none());
    assert_error(
        &send(&sim, Method::POST, "/v1/outbound-webhooks", Some(&json!({ "url": "ftp://x" }))).await,
        400,
        "bad_request",
    );
    // At most five per org.
    for _ in 0..4 {
        assert_eq!(
            send(&sim, Method::POST, "/v1/outbound-webhooks", Some(&json!({ "url": "https://example.com/h" })))
                .await
                .status,
            201
        );
    }
    assert_error(
        &send(&sim, Method::POST, "/v1/outbound-webhooks", Some(&json!({ "url": "https://example.com/h" }))).await,
        400,
        "bad_request",
    );
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/outbound-webhooks/{id}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, &format!("/v1/outbound-webhooks/{id}"), None).await, 404, "not_found");
    assert_eq!(get(&sim, "/v1/outbound-webhooks").await["data"].as_array().map(Vec::len), Some(4));
}

fn quick_retries() -> SimConfig {
    let retry = WebhookRetry {
        attempts: 8,
        first: Duration::from_millis(50),
        max: Duration::from_millis(400),
        ..WebhookRetry::default()
    };
    SimConfig { conversations: 20, webhook_retry: retry, ..SimConfig::default() }
}

async fn subscribe(sim: &Simulator, url: &str, events: Value) -> String {
    let body = json!({ "url": url, "events": events, "headers": [{ "name": "x-sim-test", "value": "hello" }] });
    let made = send(sim, Method::POST, "/v1/outbound-webhooks", Some(&body)).await;
    assert_eq!(made.status, 201);
    made.body["data"]["attributes"]["token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn a_receiver_that_was_down_still_gets_the_event() {
    let sim = Simulator::start(quick_retries()).await.expect("simulator starts");
    // A port nobody listens on yet.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let token = subscribe(&sim, &format!("http://{addr}/hook"), json!(["kustomer.conversation.update"])).await;
    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    let patch = send(&sim, Method::PATCH, &format!("/v1/conversations/{conv}"), Some(&json!({ "priority": 2 }))).await;
    assert_eq!(patch.status, 200);
    // The receiver comes up after the first attempts failed.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let sink = Sink::serve(tokio::net::TcpListener::bind(addr).await.expect("rebind"), 0);
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event, "kustomer.conversation.update");
    assert_eq!(got[0].signature, support::sign(&token, &got[0].body));
    assert_eq!(got[0].custom, "hello");
    let event: Value = serde_json::from_slice(&got[0].body).expect("json");
    assert_eq!(event["data"]["id"], conv.as_str());
    assert_eq!(event["data"]["attributes"]["priority"], 2);
}

#[tokio::test]
async fn non_2xx_answers_are_retried_with_the_same_event_and_filters_apply() {
    let sim = Simulator::start(quick_retries()).await.expect("simulator starts");
    let sink = Sink::start(2).await;
    let token = subscribe(&sim, &sink.url, json!(["kustomer.customer.*"])).await;
    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    // Not subscribed: no event.
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/conversations/{conv}"), Some(&json!({ "priority": 3 }))).await.status,
        200
    );
    let customer = get(&sim, "/v1/customers?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/customers/{customer}"), Some(&json!({ "name": "Renamed" })))
            .await
            .status,
        200
    );
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].event, "kustomer.customer.update");
    assert_eq!(got[0].signature, support::sign(&token, &got[0].body));
    // Two 503s, then the delivery: three attempts for the one event.
    assert_eq!(sink.attempts.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_disabled_webhook_gets_nothing() {
    let sim = Simulator::start(quick_retries()).await.expect("simulator starts");
    let sink = Sink::start(0).await;
    subscribe(&sim, &sink.url, json!([])).await;
    let hooks = get(&sim, "/v1/outbound-webhooks").await;
    let id = hooks["data"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/outbound-webhooks/{id}"), Some(&json!({ "enabled": false })))
            .await
            .status,
        200
    );
    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/conversations/{conv}"), Some(&json!({ "priority": 3 }))).await.status,
        200
    );
    // Re-enable: the next write is delivered, and it is the only one.
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/outbound-webhooks/{id}"), Some(&json!({ "enabled": true })))
            .await
            .status,
        200
    );
    assert_eq!(
        send(&sim, Method::PATCH, &format!("/v1/conversations/{conv}"), Some(&json!({ "priority": 4 }))).await.status,
        200
    );
    let got = sink.wait_for(1).await;
    let event: Value = serde_json::from_slice(&got[0].body).expect("json");
    assert_eq!(event["data"]["attributes"]["priority"], 4);
    assert_eq!(sink.attempts.load(std::sync::atomic::Ordering::SeqCst), 1);
}
