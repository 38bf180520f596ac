//! Authentication both ways, and Zendesk's error bodies: 401, 403, 404, 422, 429.

mod common;

use std::time::Duration;

use common::{call, config, get, sim};
use reqwest::Method;
use serde_json::{Value, json};
use unidesk_zendesk_sim::{RateLimits, SimConfig, Simulator};

async fn send(req: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value) {
    let resp = req.send().await.expect("sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn basic_api_token_auth_and_bearer_tokens_are_both_accepted() {
    let sim = sim(5).await;
    let url = format!("{}/api/v2/tickets.json", sim.base_url());
    let http = reqwest::Client::new();
    let basic = http.get(&url).basic_auth(format!("{}/token", sim.email()), Some(sim.token()));
    assert_eq!(send(basic).await.0, 200);
    assert_eq!(send(http.get(&url).bearer_auth(sim.token())).await.0, 200);

    let (status, headers, body) = send(http.get(&url)).await;
    assert_eq!((status, body), (401, json!({ "error": "Couldn't authenticate you" })));
    assert!(headers.contains_key("www-authenticate"));
    // The password of `{email}/token` must be the token; a plain email login is refused.
    for (user, pass) in [(format!("{}/token", sim.email()), "wrong"), (sim.email().to_owned(), sim.token())] {
        let (status, _, body) = send(http.get(&url).basic_auth(user, Some(pass))).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("Couldn't authenticate you")));
    }
    let (status, _, body) = send(http.get(&url).bearer_auth("nope")).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));
    assert!(body["error_description"].as_str().is_some_and(|d| d.contains("expired, revoked")));
}

#[tokio::test]
async fn the_read_only_token_reads_but_its_writes_get_403() {
    let sim = sim(5).await;
    let id = sim.ticket_ids()[0];
    let url = format!("{}/api/v2/tickets/{id}.json", sim.base_url());
    let http = reqwest::Client::new();
    assert_eq!(send(http.get(&url).bearer_auth(sim.read_only_token())).await.0, 200);
    let write = json!({ "ticket": { "priority": "low" } });
    let (status, _, body) = send(http.put(&url).bearer_auth(sim.read_only_token()).json(&write)).await;
    assert_eq!(
        (status, body),
        (403, json!({ "error": "Forbidden", "description": "Missing the following required scopes: write" }))
    );
    let basic = http.put(&url).basic_auth(format!("{}/token", sim.email()), Some(sim.read_only_token())).json(&write);
    let (status, _, body) = send(basic).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["title"], "Forbidden");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.starts_with("Access to this resource is restricted")));
}

#[tokio::test]
async fn unknown_records_and_paths_get_404_with_and_without_json() {
    let sim = sim(5).await;
    for path in ["/api/v2/tickets/999999.json", "/api/v2/tickets/999999", "/api/v2/users/1", "/api/v2/tickets/abc"] {
        let (status, body) = get(&sim, path).await;
        assert_eq!((status, body), (404, json!({ "error": "RecordNotFound", "description": "Not found" })), "{path}");
    }
    let (status, body) = get(&sim, "/api/v2/nothing.json").await;
    assert_eq!((status, body["error"].as_str()), (404, Some("InvalidEndpoint")));
}

#[tokio::test]
async fn invalid_writes_get_422_record_invalid_with_details() {
    let sim = sim(40).await;
    let id = sim.ticket_ids()[1];
    let resp =
        call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}"), Some(json!({ "ticket": { "status": "bogus" } })))
            .await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(body["error"], "RecordInvalid");
    assert_eq!(body["description"], "Record validation errors");
    assert_eq!(body["details"]["status"][0]["error"], "InvalidValue");

    let resp =
        call(&sim, Method::POST, "/api/v2/tickets", Some(json!({ "ticket": { "subject": "no comment" } }))).await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(body["details"]["description"][0]["error"], "BlankValue");

    let (_, users) = get(&sim, "/api/v2/users?role=end-user").await;
    let taken = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .find_map(|u| u["email"].as_str())
        .expect("an email")
        .to_owned();
    let resp =
        call(&sim, Method::POST, "/api/v2/users.json", Some(json!({ "user": { "name": "Dup", "email": taken } })))
            .await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(body["details"]["email"][0]["error"], "DuplicateValue");

    // A closed ticket refuses updates.
    let (_, doc) = get(&sim, "/api/v2/search.json?query=type:ticket status:closed").await;
    let closed = doc["results"][0]["id"].as_i64().expect("a closed ticket");
    let resp =
        call(&sim, Method::PUT, &format!("/api/v2/tickets/{closed}"), Some(json!({ "ticket": { "status": "open" } })))
            .await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.expect("JSON");
    assert_eq!(body["details"]["status"][0]["description"], "Status: closed prevents ticket update");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_and_headers() {
    let limits = RateLimits { account: 4, incremental: 2, window: Duration::from_secs(30) };
    let sim = Simulator::start(SimConfig { limits, ..config(5) }).await.expect("starts");
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sim.base_url());
    let (status, headers, _) = send(http.get(url("/api/v2/tickets")).bearer_auth(sim.token())).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-rate-limit"], "4");
    assert_eq!(headers["x-rate-limit-remaining"], "3");
    assert!(headers.contains_key("ratelimit-reset"));
    // The incremental exports have their own, lower limit.
    for _ in 0..2 {
        assert_eq!(
            send(http.get(url("/api/v2/incremental/users.json?start_time=0")).bearer_auth(sim.token())).await.0,
            200
        );
    }
    let (status, headers, body) =
        send(http.get(url("/api/v2/incremental/users.json?start_time=0")).bearer_auth(sim.token())).await;
    assert_eq!((status, body["error"].as_str()), (429, Some("APIRateLimitExceeded")));
    let retry: u64 = headers["retry-after"].to_str().expect("ascii").parse().expect("whole seconds");
    assert!((1..=30).contains(&retry));
    // The account window is now full too (4 counted), so everything is refused.
    let (status, headers, _) = send(http.get(url("/api/v2/groups")).bearer_auth(sim.token())).await;
    assert_eq!(status, 429);
    assert_eq!(headers["x-rate-limit-remaining"], "0");
    assert!(sim.stats().1 >= 2);
}
