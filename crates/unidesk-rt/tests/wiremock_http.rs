//! The HTTP layer against scripted answers (wiremock): RT's error bodies mapped to `Error`, a PUT
//! answered 200 with a refusal, retries (reads retried, creates never re-sent), credentials
//! never echoed, the exact TicketSQL dates written, and hostile answers refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use unidesk_core::{Error, Helpdesk, ListQuery, Resource, TicketCreate, TicketStatus, TicketUpdate};
use unidesk_rt::{RetryConfig, RtClient};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "1-14-0123456789abcdef0123456789abcdef";

fn fast() -> RetryConfig {
    RetryConfig {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_rate_limit_wait: Duration::from_secs(2),
        ..unidesk_rt::retry::rt_defaults()
    }
}

fn client(server: &MockServer) -> RtClient {
    RtClient::builder().base_url(server.uri()).token(TOKEN).retry(fast()).build().expect("client")
}

fn rt_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "message": message }))
}

fn page(items: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"count": items.as_array().map_or(0, Vec::len), "items": items}))
}

fn ticket(id: u64, status: &str, updated: &str) -> Value {
    json!({
        "id": id.to_string(), "type": "ticket", "Subject": format!("t{id}"), "Status": status, "Priority": "0",
        "Queue": {"id": "1"}, "Owner": {"id": 6, "Name": "Nobody"}, "Requestor": [{"id": 31}],
        "Created": "2026-11-24T19:00:00Z", "LastUpdated": updated, "Resolved": "1970-01-01T00:00:00Z",
        "CustomFields": ""
    })
}

/// RT's `Privileged` group (id 4) with root (14) in it: ticket and comment mapping ask for it.
async fn mount_privileged(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/REST/2.0/groups"))
        .respond_with(page(json!([{"id": "4", "Name": "Privileged"}])))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/group/4/members"))
        .respond_with(page(json!([{"type": "user", "id": 14}])))
        .mount(server)
        .await;
}

/// Requests received on `p`.
async fn sent_to(server: &MockServer, p: &str) -> usize {
    server.received_requests().await.unwrap_or_default().iter().filter(|r| r.url.path() == p).count()
}

fn query_of(req: &Request) -> String {
    req.url.query_pairs().find(|(k, _)| k == "query").map(|(_, v)| v.into_owned()).unwrap_or_default()
}

#[tokio::test]
async fn rt_error_bodies_map_to_typed_errors() {
    let server = MockServer::start().await;
    mount_privileged(&server).await;
    let desk = client(&server);
    let cases: [(u16, &str); 4] = [
        (401, "Unauthorized"),
        (403, "No permission to see users"),
        (400, "Unknown field: Nope"),
        (415, "Unsupported Media Type"),
    ];
    for (status, message) in cases {
        server.reset().await;
        mount_privileged(&server).await;
        Mock::given(method("GET"))
            .and(path("/REST/2.0/tickets"))
            .respond_with(rt_error(status, message))
            .mount(&server)
            .await;
        let e = desk.tickets().list(&ListQuery::new()).await.expect_err("an error status");
        match (status, &e) {
            (401, Error::Unauthenticated { message: m })
            | (403, Error::PermissionDenied { message: m })
            | (400, Error::Validation { message: m, .. }) => assert_eq!(m, message),
            (415, Error::Upstream { status: 415, body }) => assert_eq!(body, message),
            _ => panic!("HTTP {status} gave {e:?}"),
        }
        assert!(!e.is_temporary(), "{status} is not retried");
        assert_eq!(sent_to(&server, "/REST/2.0/tickets").await, 1, "{status} was sent once");
    }
    // 404 names the record asked for.
    server.reset().await;
    mount_privileged(&server).await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/user/55"))
        .respond_with(rt_error(404, "Not Found"))
        .mount(&server)
        .await;
    let e = desk.contacts().get("55", false).await.expect_err("missing");
    assert!(matches!(e, Error::NotFound { resource: Resource::Contact, ref id } if id == "55"), "{e:?}");
}

#[tokio::test]
async fn a_put_answered_200_with_a_refusal_is_a_validation_error() {
    let server = MockServer::start().await;
    mount_privileged(&server).await;
    // The ticket, before and after: RT kept its status.
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(move |req: &Request| {
            assert_eq!(query_of(req), "(id = 7)");
            page(json!([ticket(7, "open", "2026-11-24T19:17:15Z")]))
        })
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/REST/2.0/ticket/7"))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json; charset=\"utf-8\"")
                .set_body_json(json!(["Ticket 7: Status 'weird' isn't a valid status for this ticket."])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let desk = client(&server);
    let patch = TicketUpdate { status: Some(TicketStatus::Unknown("weird".into())), ..Default::default() };
    match desk.tickets().update("7", &patch).await {
        Err(Error::Validation { message, field_errors }) => {
            assert!(message.contains("isn't a valid status"), "RT's words are kept: {message}");
            assert_eq!(field_errors.len(), 1);
            assert_eq!(field_errors[0].field.as_deref(), Some("status"));
        }
        other => panic!("a refused status gave {other:?}"),
    }
    // Statuses RT cannot hold are refused before any request.
    let before = server.received_requests().await.map_or(0, |r| r.len());
    for s in [TicketStatus::Pending, TicketStatus::Unknown("deleted".into())] {
        let res = desk.tickets().update("7", &TicketUpdate { status: Some(s), ..Default::default() }).await;
        assert!(
            matches!(res, Err(Error::Validation { ref field_errors, .. }) if field_errors[0].field.as_deref() == Some("status"))
        );
    }
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), before);
}

#[tokio::test]
async fn reads_are_retried_and_creates_are_never_sent_twice() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queues"))
        .respond_with(rt_error(503, "busy"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queues"))
        .respond_with(page(json!([{"id": "1", "Name": "General"}])))
        .mount(&server)
        .await;
    let desk = client(&server);
    let teams = desk.teams().list(&ListQuery::new()).await.expect("two 503s then a page");
    assert_eq!(teams.items.len(), 1);
    let seen = server.received_requests().await.unwrap_or_default();
    assert_eq!(seen.len(), 3);

    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/user/31"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 31})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/REST/2.0/ticket"))
        .respond_with(rt_error(502, "bad gateway"))
        .mount(&server)
        .await;
    let res = desk.tickets().create(&TicketCreate { contact_id: "31".into(), ..Default::default() }).await;
    assert!(matches!(res, Err(Error::Upstream { status: 502, .. })), "{res:?}");
    let posts =
        server.received_requests().await.unwrap_or_default().iter().filter(|r| r.method.as_str() == "POST").count();
    assert_eq!(posts, 1, "a POST that may have created a ticket is not sent again");

    // 429 (a proxy in front of RT) is retried for every method, after Retry-After.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queues"))
        .respond_with(rt_error(429, "slow down").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/REST/2.0/queues")).respond_with(page(json!([]))).mount(&server).await;
    let t = std::time::Instant::now();
    desk.teams().list(&ListQuery::new()).await.expect("a 429 then a page");
    assert!(t.elapsed() >= Duration::from_secs(1), "Retry-After was honoured");
}

#[tokio::test]
async fn credentials_are_sent_as_rt_expects_and_never_echoed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queues"))
        .and(header("authorization", format!("token {TOKEN}").as_str()))
        .respond_with(|req: &Request| {
            let echoed = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            rt_error(400, &format!("bad request from {echoed}\n\u{1b}[31m"))
        })
        .mount(&server)
        .await;
    let desk = client(&server);
    let e = desk.teams().list(&ListQuery::new()).await.expect_err("400");
    let text = format!("{e} {e:?}");
    assert!(!text.contains("0123456789abcdef"), "the token leaked: {text}");
    assert!(text.contains("token ***") && !text.contains('\u{1b}'), "{text}");
    assert!(!format!("{desk:?}").contains("0123456789abcdef"));

    // Basic auth: `Authorization: Basic base64(user:password)`, both redacted.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queues"))
        .and(header("authorization", "Basic cm9vdDpzM2NyZXQtcHc="))
        .respond_with(rt_error(400, "Basic cm9vdDpzM2NyZXQtcHc= means root:s3cret-pw"))
        .mount(&server)
        .await;
    let basic = RtClient::builder()
        .base_url(server.uri())
        .basic_auth("root", "s3cret-pw")
        .retry(fast())
        .build()
        .expect("client");
    let e = basic.teams().list(&ListQuery::new()).await.expect_err("400");
    assert_eq!(e.to_string(), "validation failed: Basic *** means root:***");
}

#[tokio::test]
async fn updated_after_is_written_in_rts_format_and_made_exact_locally() {
    let server = MockServer::start().await;
    mount_privileged(&server).await;
    let queries = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = queries.clone();
    let probe_matches = Arc::new(AtomicUsize::new(1));
    let probe = probe_matches.clone();
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(move |req: &Request| {
            let q = query_of(req);
            seen.lock().expect("lock").push(q.clone());
            let desc = req.url.query_pairs().any(|(k, v)| k == "order" && v == "DESC");
            if desc {
                return page(json!([ticket(9, "open", "2026-11-24T19:17:15Z")]));
            }
            if q.contains("LastUpdated <") {
                // The time-zone probe: does RT read '2026-11-24 19:17:15' as UTC?
                let hit = probe.load(Ordering::SeqCst) == 1;
                return page(if hit { json!([ticket(9, "open", "2026-11-24T19:17:15Z")]) } else { json!([]) });
            }
            // Two tickets in the second before the filter's instant, one after.
            page(json!([
                ticket(3, "new", "2026-11-24T19:17:15Z"),
                ticket(5, "stalled", "2026-11-24T19:17:15Z"),
                ticket(9, "resolved", "2026-11-24T19:17:16Z"),
            ]))
        })
        .mount(&server)
        .await;
    let at: DateTime<Utc> = "2026-11-24T19:17:15.900Z".parse().expect("time");
    let desk = client(&server);
    let page = desk.tickets().list(&ListQuery::new().updated_after(at)).await.expect("a page");
    let ids: Vec<&str> = page.items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["9"], "tickets of the same second but before the instant are dropped");
    let listing = queries.lock().expect("lock").last().cloned().unwrap_or_default();
    assert_eq!(listing, "(id > 0) AND (LastUpdated >= '2026-11-24 19:17:15')", "never an ISO date RT would ignore");
    // A user RT reads dates for in another zone: the clause is widened, the result still exact.
    probe_matches.store(0, Ordering::SeqCst);
    let other = client(&server);
    let page = other.tickets().list(&ListQuery::new().updated_after(at)).await.expect("a page");
    assert_eq!(page.items.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["9"]);
    let listing = queries.lock().expect("lock").last().cloned().unwrap_or_default();
    assert_eq!(listing, "(id > 0) AND (LastUpdated >= '2026-11-24 05:17:15')");
}

#[tokio::test]
async fn hostile_answers_are_refused_not_followed() {
    let server = MockServer::start().await;
    mount_privileged(&server).await;
    // Ids that do not increase would loop a keyset listing.
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(page(json!([
            ticket(8, "open", "2026-11-24T19:17:15Z"),
            ticket(4, "open", "2026-11-24T19:17:15Z")
        ])))
        .mount(&server)
        .await;
    let desk = client(&server);
    let res = desk.tickets().list(&ListQuery::new()).await;
    assert!(matches!(res, Err(Error::Decode { .. })), "{res:?}");
    server.reset().await;
    mount_privileged(&server).await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"items":[{"id":"1","Subject":"#))
        .mount(&server)
        .await;
    assert!(matches!(desk.tickets().get("1", false).await, Err(Error::Decode { .. })));
    server.reset().await;
    mount_privileged(&server).await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queue/1"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/login"))
        .mount(&server)
        .await;
    let res = desk.teams().get("1", false).await;
    assert!(matches!(&res, Err(Error::Upstream { status: 302, body }) if body.contains("base URL")), "{res:?}");
    // Ids are checked before any request.
    let before = server.received_requests().await.map_or(0, |r| r.len());
    for id in ["../queue/1", "a/b", "1?x", ""] {
        assert!(matches!(desk.tickets().get(id, false).await, Err(Error::InvalidInput { .. })), "{id}");
    }
    assert!(matches!(desk.tickets().get("abc", false).await, Err(Error::NotFound { .. })), "not an RT number");
    assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), before);
    assert_eq!(desk.name(), "rt");
}
