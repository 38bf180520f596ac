//! HTTP behaviour against wiremock: retries, rate limits, error mapping, decoding.

use unidesk_core::{Error, Helpdesk, ListQuery, Priority, Resource, TicketStatus};
use unidesk_kustomer::KustomerClient;
mod support;

use support::http::fixture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> KustomerClient {
    support::http::client(server, "test-key-123")
}

#[tokio::test]
async fn unknown_status_and_priority_are_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/5c9a1d6f3e2b4a0012345678"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("conversation_unknown_status.json")))
        .mount(&server)
        .await;
    let t = client(&server).tickets().get("5c9a1d6f3e2b4a0012345678", true).await.expect("get");
    assert_eq!(t.status, Some(TicketStatus::Unknown("escalated".into())));
    assert_eq!(t.remote_status.as_deref(), Some("escalated"));
    assert_eq!(t.priority, Some(Priority::Unknown("9".into())));
    assert_eq!(t.contact_id.as_deref(), Some("c1"));
    assert_eq!(t.custom_fields.len(), 7);
    assert!(t.remote_data.is_some());
    assert_eq!(t.closed_at, None);
}

#[tokio::test]
async fn rate_limit_429_waits_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "1000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "0.05")
                .set_body_string(r#"{"errors":[{"code":"too_many_requests","message":"slow down"}]}"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"data":[{"type":"tag","id":"t1","attributes":{"name":"vip"}}],"links":{"next":null}}"#,
        ))
        .mount(&server)
        .await;
    let page = client(&server).tags().list(&ListQuery::new()).await.expect("retried after 429");
    assert_eq!(page.items[0].name.as_deref(), Some("vip"));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_and_writes_are_not() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[],"links":{}}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/companies"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(c.users().list(&ListQuery::new()).await.expect("retried").items.is_empty());
    let create = c.accounts().create(&unidesk_core::AccountCreate { name: "A".into(), ..Default::default() }).await;
    assert!(matches!(create, Err(Error::Upstream { status: 502, .. })));
    let posts = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "a POST that may have landed is not re-sent");
}

#[tokio::test]
async fn statuses_map_to_typed_errors() {
    let server = MockServer::start().await;
    for (p, status, body) in [
        ("/v1/teams/a", 401, r#"{"errors":[{"code":"unauthorized","message":"Expired token"}]}"#),
        ("/v1/teams/b", 403, r#"{"errors":[{"status":403,"title":"Forbidden","detail":"missing role"}]}"#),
        ("/v1/teams/c", 404, r#"{"errors":[{"status":404,"title":"Not Found"}]}"#),
        ("/v1/teams/d", 422, r#"{"errors":[{"status":422,"detail":"bad","source":{"pointer":"/name"}}]}"#),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
    }
    let c = client(&server);
    assert!(matches!(c.teams().get("a", false).await, Err(Error::Unauthenticated { .. })));
    assert!(matches!(c.teams().get("b", false).await, Err(Error::PermissionDenied { .. })));
    assert!(matches!(c.teams().get("c", false).await, Err(Error::NotFound { resource: Resource::Team, .. })));
    match c.teams().get("d", false).await {
        Err(Error::Validation { field_errors, .. }) => assert_eq!(field_errors[0].field.as_deref(), Some("/name")),
        other => panic!("{other:?}"),
    }
    let errors = format!("{:?}", c.teams().get("a", false).await);
    assert!(!errors.contains("test-key-123"), "no token in errors");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/companies"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[{"type":"company","id":"x","attri"#))
        .mount(&server)
        .await;
    match client(&server).accounts().list(&ListQuery::new()).await {
        Err(Error::Decode { context, .. }) => assert_eq!(context, "/v1/companies"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn pagination_across_three_pages_follows_links_next() {
    let server = MockServer::start().await;
    for page in 1..=3 {
        let next = if page < 3 { format!("\"/v1/tags?page={}&pageSize=2\"", page + 1) } else { "null".into() };
        let body = format!(
            r#"{{"data":[{{"type":"tag","id":"t{page}a","attributes":{{}}}},{{"type":"tag","id":"t{page}b","attributes":{{}}}}],"links":{{"next":{next}}}}}"#
        );
        Mock::given(method("GET"))
            .and(path("/v1/tags"))
            .and(wiremock::matchers::query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let hd: &dyn Helpdesk = &c;
    let mut q = ListQuery::new().page_size(2);
    let mut ids = Vec::new();
    loop {
        let p = hd.tags().list(&q).await.expect("page");
        ids.extend(p.items.into_iter().map(|t| t.id));
        match p.next_cursor {
            Some(cur) => q.cursor = Some(cur),
            None => break,
        }
    }
    assert_eq!(ids, ["t1a", "t1b", "t2a", "t2b", "t3a", "t3b"]);
    let foreign = unidesk_core::Cursor::encode("memory", "x", &1).expect("cursor");
    assert!(matches!(hd.tags().list(&ListQuery::new().cursor(foreign)).await, Err(Error::InvalidCursor { .. })));
}

#[tokio::test]
async fn transport_and_decode_errors_chain_to_their_cause() {
    use std::error::Error as _;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[{"type":"tag""#))
        .mount(&server)
        .await;
    let e = client(&server).tags().list(&ListQuery::new()).await.expect_err("truncated");
    assert!(e.to_string().starts_with("could not decode /v1/tags: EOF while parsing"), "{e}");
    assert!(e.source().and_then(|s| s.downcast_ref::<serde_json::Error>()).is_some(), "{e:?}");

    let refused = KustomerClient::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("test-key-123")
        .retry(unidesk_kustomer::RetryConfig { max_retries: 0, ..Default::default() })
        .build()
        .expect("client");
    let e = refused.tags().list(&ListQuery::new()).await.expect_err("nothing listens on port 9");
    assert!(matches!(e, Error::Transport { timeout: false, .. }), "{e:?}");
    // The message names the call and every cause (as RT's and Zendesk's do), not the URL.
    let text = e.to_string();
    assert!(text.starts_with("transport error: GET /v1/tags: error sending request: "), "{text}");
    assert!(text.contains("Connection refused") && !text.contains("127.0.0.1"), "{text}");
    assert!(e.source().and_then(|s| s.downcast_ref::<reqwest::Error>()).is_some(), "{e:?}");
    assert!(!format!("{e:?}").contains("test-key-123"));
}

#[tokio::test]
async fn include_deleted_asks_the_search_api_for_deleted_records() {
    let server = MockServer::start().await;
    let page = r#"{"data":[{"type":"conversation","id":"5f1a00000000000000000001","attributes":{"name":"Gone","deleted":true,"createdAt":"2024-04-01T00:00:00Z","updatedAt":"2024-05-02T10:00:00.000Z"}}],"links":{"self":"/v1/customers/search?page=1&pageSize=50","next":null},"meta":{"page":1,"pageSize":50}}"#;
    Mock::given(method("POST"))
        .and(path("/v1/customers/search"))
        .respond_with(ResponseTemplate::new(200).set_body_string(page))
        .mount(&server)
        .await;
    let c = client(&server);
    let tickets = c.tickets().list(&ListQuery::new().page_size(50).include_deleted(true)).await.expect("tickets");
    assert_eq!(tickets.items.len(), 1);
    assert!(tickets.items[0].remote_was_deleted, "the deleted attribute marks the record");
    let since = chrono::DateTime::parse_from_rfc3339("2024-05-01T00:00:00Z").expect("time").to_utc();
    let q = ListQuery::new().page_size(50).include_deleted(true).updated_after(since);
    let contacts = c.contacts().list(&q).await.expect("contacts");
    assert!(contacts.items[0].remote_was_deleted);
    let q = ListQuery::new().page_size(50).include_deleted(true);
    let messages = c.comments().list(&q).await.expect("messages");
    let notes = messages.next_cursor.expect("notes follow the messages");
    c.comments().list(&q.cursor(notes)).await.expect("notes");
    let requests: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let query: std::collections::BTreeMap<String, String> = r.url.query_pairs().into_owned().collect();
            let body: serde_json::Value = serde_json::from_slice(&r.body).expect("a JSON body");
            serde_json::json!({ "method": r.method.as_str(), "path": r.url.path(), "query": query, "body": body })
        })
        .collect();
    assert_eq!(requests.len(), 4, "tickets, contacts, then comments: messages and notes");
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("include_deleted_search_requests", requests);
    });
}

#[tokio::test]
async fn users_read_the_teams_once_per_listing_and_fail_when_teams_cannot_be_read() {
    let server = MockServer::start().await;
    let users = r#"{"data":[{"type":"user","id":"u1","attributes":{"name":"Ana"}},{"type":"user","id":"u2","attributes":{"name":"Bo"}}],"links":{"next":null}}"#;
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_string(users))
        .mount(&server)
        .await;
    let teams = r#"{"data":[{"type":"team","id":"t1","attributes":{"members":["u2","u1","u2"]}},{"type":"team","id":"t0","attributes":{"members":["u2"]}},{"type":"team","id":"t9","attributes":{"members":["u1"],"deleted":true}}],"links":{"next":null}}"#;
    Mock::given(method("GET"))
        .and(path("/v1/teams"))
        .respond_with(ResponseTemplate::new(200).set_body_string(teams))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let page = c.users().list(&ListQuery::new()).await.expect("users");
    let teams_of: Vec<Vec<String>> = page.items.iter().map(|u| u.team_ids.clone()).collect();
    assert_eq!(
        teams_of,
        [vec!["t1".to_owned()], vec!["t1".to_owned(), "t0".to_owned()]],
        "team order, no repeats, no deleted team"
    );
    let teams_requests = |reqs: &[wiremock::Request]| reqs.iter().filter(|r| r.url.path() == "/v1/teams").count();
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(teams_requests(&reqs), 1);
    let query: Vec<(String, String)> = reqs
        .iter()
        .find(|r| r.url.path() == "/v1/teams")
        .map(|r| r.url.query_pairs().into_owned().collect())
        .unwrap_or_default();
    assert_eq!(query, [("page".to_owned(), "1".to_owned()), ("pageSize".to_owned(), "500".to_owned())]);

    // The next listing reads them afresh; a key that may not read teams cannot list users.
    Mock::given(method("GET"))
        .and(path("/v1/teams"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"errors":[{"status":403,"code":"forbidden","title":"Forbidden"}]}"#),
        )
        .mount(&server)
        .await;
    let err = c.users().list(&ListQuery::new()).await.expect_err("teams refused");
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err:?}");
}
