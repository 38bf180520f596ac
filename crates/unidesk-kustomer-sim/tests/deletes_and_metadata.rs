//! Deletions as Kustomer keeps them (marked `deleted`, found only by a search with
//! `includeDeleted`), their webhooks, and the custom-attribute metadata.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use unidesk_kustomer_sim::{SimConfig, Simulator};

async fn sim() -> Simulator {
    Simulator::start(SimConfig { conversations: 40, ..SimConfig::default() }).await.expect("simulator starts")
}

async fn call(sim: &Simulator, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut req =
        reqwest::Client::new().request(method, format!("{}{path}", sim.base_url())).bearer_auth(sim.api_key());
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("request sent")
}

async fn json_of(sim: &Simulator, method: Method, path: &str, body: Option<Value>) -> Value {
    let resp = call(sim, method, path, body).await;
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.expect("json")
}

/// Every record of a GET listing, page by page.
async fn all(sim: &Simulator, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let body = json_of(sim, Method::GET, &format!("{path}?page={page}&pageSize=100"), None).await;
        out.extend(body["data"].as_array().cloned().unwrap_or_default());
        if body["links"]["next"].is_null() {
            return out;
        }
    }
    out
}

/// Every record a search in `context` finds, with or without deleted ones.
async fn search(sim: &Simulator, context: &str, include_deleted: Option<bool>) -> Vec<Value> {
    let mut body = json!({ "queryContext": context, "and": [], "sort": [{ format!("{context}_updated_at"): "asc" }] });
    if let Some(flag) = include_deleted {
        body["includeDeleted"] = json!(flag);
    }
    let mut out = Vec::new();
    for page in 1.. {
        let doc =
            json_of(sim, Method::POST, &format!("/v1/customers/search?page={page}&pageSize=500"), Some(body.clone()))
                .await;
        out.extend(doc["data"].as_array().cloned().unwrap_or_default());
        if doc["links"]["next"].is_null() {
            return out;
        }
    }
    out
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect()
}

fn find<'a>(records: &'a [Value], id: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["id"] == id).collect()
}

#[tokio::test]
async fn a_deleted_conversation_leaves_every_read_but_a_search_with_include_deleted() {
    let sim = sim().await;
    let before = all(&sim, "/v1/conversations").await;
    // Conversation 1 has two messages and a note.
    let id = before[1]["id"].as_str().expect("an id").to_owned();
    let untouched = before[2].clone();
    let messages = all(&sim, &format!("/v1/conversations/{id}/messages")).await;
    let notes = all(&sim, &format!("/v1/conversations/{id}/notes")).await;
    assert_eq!((messages.len(), notes.len()), (2, 1));

    let resp = call(&sim, Method::DELETE, &format!("/v1/conversations/{id}"), None).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let again = call(&sim, Method::DELETE, &format!("/v1/conversations/{id}"), None).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "a deleted record cannot be deleted again");

    // Gone from gets, listings, sub-listings, writes and default searches.
    for path in [format!("/v1/conversations/{id}"), format!("/v1/conversations/{id}/notes")] {
        assert_eq!(call(&sim, Method::GET, &path, None).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let patch = call(&sim, Method::PATCH, &format!("/v1/conversations/{id}"), Some(json!({ "status": "done" }))).await;
    assert_eq!(patch.status(), StatusCode::NOT_FOUND);
    let after = all(&sim, "/v1/conversations").await;
    assert_eq!(after.len(), before.len() - 1);
    assert!(find(&after, &id).is_empty());
    assert_eq!(sim.count("conversations"), before.len() - 1);
    assert_eq!(find(&after, untouched["id"].as_str().unwrap_or_default()), [&untouched], "others are untouched");
    for message in messages.iter().chain(&notes) {
        let mid = message["id"].as_str().unwrap_or_default();
        let kind = message["type"].as_str().unwrap_or_default();
        assert_eq!(call(&sim, Method::GET, &format!("/v1/{kind}s/{mid}"), None).await.status(), StatusCode::NOT_FOUND);
        assert!(find(&all(&sim, &format!("/v1/{kind}s")).await, mid).is_empty(), "{kind} {mid} listed");
    }
    for flag in [None, Some(false)] {
        assert!(find(&search(&sim, "conversation", flag).await, &id).is_empty(), "includeDeleted {flag:?}");
        assert!(find(&search(&sim, "note", flag).await, notes[0]["id"].as_str().unwrap_or_default()).is_empty());
    }

    // A search with includeDeleted finds it once, marked, updated now; its messages and notes too.
    let found = search(&sim, "conversation", Some(true)).await;
    assert_eq!(found.len(), before.len());
    let deleted = find(&found, &id);
    assert_eq!(deleted.len(), 1);
    let attrs = &deleted[0]["attributes"];
    assert_eq!(attrs["deleted"], true);
    assert!(attrs["updatedAt"].as_str() > before[1]["attributes"]["updatedAt"].as_str(), "updatedAt moved: {attrs}");
    assert!(attrs["updatedAt"].as_str().is_some_and(|t| t.as_bytes() >= b"2025".as_slice()), "now: {attrs}");
    assert_eq!(
        found.last().map(|r| &r["id"]),
        Some(&json!(id)),
        "sorted by updatedAt: the deletion is the latest change"
    );
    for (context, subs) in [("message", &messages), ("note", &notes)] {
        let found = search(&sim, context, Some(true)).await;
        for sub in subs.iter() {
            let hits = find(&found, sub["id"].as_str().unwrap_or_default());
            assert_eq!(hits.len(), 1, "{context}");
            assert_eq!(hits[0]["attributes"]["deleted"], true, "{context}");
        }
    }
}

#[tokio::test]
async fn a_deleted_customer_is_not_looked_up_and_frees_its_email() {
    let sim = sim().await;
    let customers = all(&sim, "/v1/customers").await;
    let c = &customers[3];
    let id = c["id"].as_str().expect("an id");
    let email = c["attributes"]["emails"][0]["email"].as_str().expect("an email").to_owned();
    assert_eq!(call(&sim, Method::GET, &format!("/v1/customers/email={email}"), None).await.status(), StatusCode::OK);
    assert_eq!(call(&sim, Method::DELETE, &format!("/v1/customers/{id}"), None).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        call(&sim, Method::GET, &format!("/v1/customers/email={email}"), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(find(&all(&sim, "/v1/customers").await, id).is_empty());
    assert!(find(&search(&sim, "customer", None).await, id).is_empty());
    assert_eq!(find(&search(&sim, "customer", Some(true)).await, id).len(), 1);
    // A new customer may take the deleted one's email.
    let body = json!({ "name": "New", "emails": [{ "email": email }] });
    assert_eq!(call(&sim, Method::POST, "/v1/customers", Some(body)).await.status(), StatusCode::CREATED);
    // A conversation cannot be opened for the deleted customer.
    let conv = json!({ "customer": id, "name": "x" });
    assert_eq!(call(&sim, Method::POST, "/v1/conversations", Some(conv)).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn companies_have_no_delete_route_but_the_simulator_can_delete_one() {
    let sim = sim().await;
    let companies = all(&sim, "/v1/companies").await;
    let id = companies[0]["id"].as_str().expect("an id");
    assert_eq!(call(&sim, Method::DELETE, &format!("/v1/companies/{id}"), None).await.status(), StatusCode::NOT_FOUND);
    assert!(sim.delete("companies", id));
    assert!(!sim.delete("companies", id), "deleted already");
    assert!(!sim.delete("companies", "no-such-company"));
    assert!(!sim.delete("no-such-collection", id));
    assert_eq!(sim.count("companies"), companies.len() - 1);
    assert!(find(&all(&sim, "/v1/companies").await, id).is_empty());
    let found = search(&sim, "company", Some(true)).await;
    assert_eq!(find(&found, id).len(), 1);
    assert_eq!(find(&found, id)[0]["attributes"]["deleted"], true);
}

/// Webhook deliveries received: (event header, signature header, body).
type Deliveries = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A loopback server collecting the webhook deliveries it receives.
async fn webhook_sink() -> (String, Deliveries) {
    use axum::http::HeaderMap;
    let got: Deliveries = Arc::default();
    let sink = Arc::clone(&got);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let sink = Arc::clone(&sink);
            async move {
                let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                sink.lock().expect("lock").push((
                    h("x-kustomer-webhook-event"),
                    h("x-kustomer-webhook-signature"),
                    body.to_vec(),
                ));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

#[tokio::test]
async fn a_delete_is_announced_to_webhooks_signed_with_the_deleted_record() {
    use hmac::{KeyInit, Mac};
    let sim = sim().await;
    let (url, got) = webhook_sink().await;
    let resp = call(&sim, Method::POST, "/v1/outbound-webhooks", Some(json!({ "url": url, "events": [] }))).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let hook: Value = resp.json().await.expect("json");
    let token = hook["data"]["attributes"]["token"].as_str().expect("a token").to_owned();
    let id = ids(&all(&sim, "/v1/conversations").await)[0].clone();
    assert_eq!(
        call(&sim, Method::DELETE, &format!("/v1/conversations/{id}"), None).await.status(),
        StatusCode::NO_CONTENT
    );
    let company = ids(&all(&sim, "/v1/companies").await)[0].clone();
    assert!(sim.delete("companies", &company));
    let mut waited = 0;
    while got.lock().expect("lock").len() < 2 && waited < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        waited += 1;
    }
    let mut deliveries = got.lock().expect("lock").clone();
    deliveries.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = deliveries.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(
        names,
        ["kustomer.company.delete", "kustomer.conversation.delete"],
        "one event per delete, none for messages"
    );
    for ((name, signature, body), record) in deliveries.iter().zip([&company, &id]) {
        let event: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(event["name"], name.as_str());
        assert_eq!(event["data"]["id"], record.as_str());
        assert_eq!(event["data"]["attributes"]["deleted"], true);
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()).expect("key");
        mac.update(body);
        assert_eq!(signature, &hex::encode(mac.finalize().into_bytes()), "{name}: signed with the token");
    }
}

#[tokio::test]
async fn metadata_describes_every_custom_attribute_the_records_use() {
    let sim = sim().await;
    for (resource, path) in [
        ("conversation", "/v1/conversations"),
        ("customer", "/v1/customers"),
        ("company", "/v1/companies"),
        ("message", "/v1/messages"),
    ] {
        let doc = json_of(&sim, Method::GET, &format!("/v1/metadata/{resource}"), None).await;
        assert_eq!((doc["data"]["type"].as_str(), doc["data"]["id"].as_str()), (Some("metadata"), Some(resource)));
        assert_eq!(doc["data"]["links"]["self"], format!("/v1/metadata/{resource}"));
        let props = doc["data"]["attributes"]["properties"].as_object().expect("properties").clone();
        let used: BTreeSet<String> = all(&sim, path)
            .await
            .iter()
            .filter_map(|r| r["attributes"]["custom"].as_object())
            .flat_map(|c| c.keys().cloned())
            .collect();
        for key in &used {
            let def = &props[key.as_str()];
            assert!(def["type"].is_string() && def["displayName"].is_string(), "{resource}.{key}: {def}");
        }
        let defined: BTreeSet<String> = props.keys().cloned().collect();
        assert_eq!(defined, used, "{resource}: the definitions are the attributes the records use");
    }
    let customer = json_of(&sim, Method::GET, "/v1/metadata/customer", None).await;
    let props = &customer["data"]["attributes"]["properties"];
    let types: Vec<&str> = ["loyaltyStr", "ordersNum", "vipBool", "signupAt"]
        .iter()
        .map(|k| props[k]["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(types, ["string", "number", "boolean", "date"]);
    assert_eq!(props["loyaltyStr"]["enumeration"], json!(["gold", "silver"]), "a list of values");
    for unknown in ["tag", "user", "nothing"] {
        let resp = call(&sim, Method::GET, &format!("/v1/metadata/{unknown}"), None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{unknown}");
    }

    // A write that introduces an attribute defines it as Kustomer does.
    let id = ids(&all(&sim, "/v1/conversations").await)[0].clone();
    let patch = json!({ "custom": { "totalRefundsNum": 2, "carrierStr": "UPS" } });
    assert_eq!(
        call(&sim, Method::PATCH, &format!("/v1/conversations/{id}"), Some(patch)).await.status(),
        StatusCode::OK
    );
    let doc = json_of(&sim, Method::GET, "/v1/metadata/conversation", None).await;
    let props = &doc["data"]["attributes"]["properties"];
    assert_eq!(props["totalRefundsNum"], json!({ "type": "number", "displayName": "Total Refunds" }));
    assert_eq!(props["carrierStr"]["displayName"], "Carrier", "an existing definition is kept");
}
