//! The typed router and its middleware: unknown routes, malformed requests,
//! auth, read-only keys, rate-limit headers and injected faults all answer in
//! Kustomer's JSON error shape, in the order the API checks them.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use unidesk_kustomer_sim::{SimConfig, Simulator};

async fn sim() -> Simulator {
    Simulator::start(SimConfig { conversations: 40, ..SimConfig::default() }).await.expect("simulator starts")
}

async fn call(sim: &Simulator, key: Option<&str>, method: Method, path: &str, body: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", sim.base_url()));
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if let Some(body) = body {
        req = req.header("content-type", "application/json").body(body.to_owned());
    }
    req.send().await.expect("request sent")
}

/// The status and the first error's code.
async fn error_of(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let ctype = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(ctype, "application/json; charset=utf-8", "status {status}");
    let doc: Value = resp.json().await.expect("error body is JSON");
    assert_eq!(doc["errors"][0]["status"], status, "{doc}");
    (status, doc["errors"][0]["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn unknown_paths_and_methods_get_the_json_404() {
    let sim = sim().await;
    let key = Some(sim.api_key());
    for (method, path) in [
        (Method::GET, "/v1/nothing"),
        (Method::GET, "/v2/conversations"),
        (Method::GET, "/v1/conversations/a/b/c"),
        (Method::DELETE, "/v1/companies/x"),
        (Method::PUT, "/v1/customers/search"),
        (Method::POST, "/v1/tags"),
    ] {
        let resp = call(&sim, key, method.clone(), path, None).await;
        assert_eq!(error_of(resp).await, (404, "not_found".into()), "{method} {path}");
    }
    // Auth comes first, as on Kustomer: an unknown path without a key is a 401.
    let resp = call(&sim, None, Method::GET, "/v1/nothing", None).await;
    assert_eq!(error_of(resp).await, (401, "unauthorized".into()));
}

#[tokio::test]
async fn malformed_ids_queries_and_bodies_get_json_errors() {
    let sim = sim().await;
    let key = Some(sim.api_key());
    let resp = call(&sim, key, Method::GET, "/v1/conversations/%FF%FE", None).await;
    assert_eq!(error_of(resp).await, (404, "not_found".into()));
    let resp = call(&sim, key, Method::GET, "/v1/conversations/a%2Fb", None).await;
    assert_eq!(error_of(resp).await, (404, "not_found".into()));
    for query in ["page=0", "pageSize=-1", "page=x", "page=1&page=2"] {
        let resp = call(&sim, key, Method::GET, &format!("/v1/conversations?{query}"), None).await;
        assert_eq!(error_of(resp).await, (400, "bad_request".into()), "{query}");
    }
    for body in ["{", "[1,", "not json"] {
        let resp = call(&sim, key, Method::POST, "/v1/companies", Some(body)).await;
        assert_eq!(error_of(resp).await, (400, "bad_request".into()), "{body}");
    }
    let resp = call(&sim, key, Method::POST, "/v1/companies", Some("[]")).await;
    assert_eq!(error_of(resp).await, (400, "bad_request".into()));
}

#[tokio::test]
async fn read_only_keys_read_and_search_but_do_not_write() {
    let sim = sim().await;
    let ro = Some(sim.read_only_key());
    assert_eq!(call(&sim, ro, Method::GET, "/v1/conversations?pageSize=1", None).await.status(), StatusCode::OK);
    let search = json!({ "queryContext": "conversation" }).to_string();
    assert_eq!(call(&sim, ro, Method::POST, "/v1/customers/search", Some(&search)).await.status(), StatusCode::OK);
    let resp = call(&sim, ro, Method::POST, "/v1/companies", Some(r#"{"name":"x"}"#)).await;
    assert_eq!(error_of(resp).await, (403, "forbidden".into()));
    let resp = call(&sim, Some(sim.api_key()), Method::POST, "/v1/companies", Some(r#"{"name":"x"}"#)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn responses_carry_rate_limit_headers_and_the_limit_answers_429() {
    let config = SimConfig { conversations: 10, rate_limit: 3, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("simulator starts");
    let key = Some(sim.api_key());
    for remaining in ["2", "1", "0"] {
        let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["x-ratelimit-limit"], "3");
        assert_eq!(resp.headers()["x-ratelimit-remaining"], remaining);
        assert!(resp.headers().contains_key("x-ratelimit-reset"));
    }
    let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(error_of(resp).await, (429, "too_many_requests".into()));
    assert_eq!(sim.stats(), (4, 1));
}

#[tokio::test]
async fn injected_faults_answer_through_the_middleware() {
    let sim = sim().await;
    let key = Some(sim.api_key());
    sim.fail_next(503, 1);
    let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
    assert_eq!(error_of(resp).await, (503, "injected_fault".into()));
    sim.fail_next(429, 1);
    let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(error_of(resp).await, (429, "injected_fault".into()));
    sim.malform_next();
    let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.bytes().await.expect("a complete body");
    assert!(serde_json::from_slice::<Value>(&body).is_err(), "the body should be cut");
    sim.force_status(Some(500));
    let resp = call(&sim, key, Method::GET, "/v1/tags", None).await;
    assert_eq!(error_of(resp).await, (500, "injected_fault".into()));
    sim.force_status(None);
    assert_eq!(call(&sim, key, Method::GET, "/v1/tags", None).await.status(), StatusCode::OK);
    // A request without a key is turned away before any fault is drawn.
    sim.fail_next(500, 1);
    let resp = call(&sim, None, Method::GET, "/v1/tags", None).await;
    assert_eq!(error_of(resp).await, (401, "unauthorized".into()));
}

#[tokio::test]
async fn writes_are_stored_and_listed() {
    let sim = sim().await;
    let key = Some(sim.api_key());
    let before = sim.count("conversations");
    let customers: Value =
        call(&sim, key, Method::GET, "/v1/customers?pageSize=1", None).await.json().await.expect("json");
    let customer = customers["data"][0]["id"].as_str().expect("a customer").to_owned();
    let body = json!({ "customer": customer, "name": "New \"one\" ✓", "custom": { "xStr": "a" } }).to_string();
    let resp = call(&sim, key, Method::POST, "/v1/conversations", Some(&body)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.expect("json");
    let id = created["data"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(created["data"]["attributes"]["status"], "open");
    assert_eq!(created["data"]["relationships"]["customer"]["data"]["id"], customer.as_str());
    assert_eq!(sim.count("conversations"), before + 1);

    let patch = json!({ "status": "done", "custom": { "yNum": 2 } }).to_string();
    let resp = call(&sim, key, Method::PATCH, &format!("/v1/conversations/{id}"), Some(&patch)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("x-ratelimit-object-remaining"));
    let updated: Value = resp.json().await.expect("json");
    let attrs = &updated["data"]["attributes"];
    assert_eq!((attrs["ended"].clone(), attrs["custom"].clone()), (json!(true), json!({ "xStr": "a", "yNum": 2 })));
    assert!(attrs["updatedAt"].as_str() >= created["data"]["attributes"]["updatedAt"].as_str());

    let resp = call(&sim, key, Method::POST, &format!("/v1/conversations/{id}/tags"), Some(r#"["t1","t2"]"#)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let note = call(&sim, key, Method::POST, &format!("/v1/conversations/{id}/notes"), Some(r#"{"body":"hi"}"#)).await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let got: Value =
        call(&sim, key, Method::GET, &format!("/v1/conversations/{id}"), None).await.json().await.expect("json");
    assert_eq!(got["data"]["attributes"]["tags"], json!(["t1", "t2"]));
    assert_eq!(got["data"]["attributes"]["name"], "New \"one\" ✓");
    let notes: Value =
        call(&sim, key, Method::GET, &format!("/v1/conversations/{id}/notes"), None).await.json().await.expect("json");
    assert_eq!(notes["data"].as_array().map(Vec::len), Some(1));

    let resp = call(&sim, key, Method::DELETE, &format!("/v1/conversations/{id}"), None).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(sim.count("conversations"), before);
    let resp = call(&sim, key, Method::GET, &format!("/v1/conversations/{id}/notes"), None).await;
    assert_eq!(error_of(resp).await, (404, "not_found".into()));
}
