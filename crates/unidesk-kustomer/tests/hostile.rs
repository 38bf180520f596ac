//! A hostile or broken server must not hold the client forever, put raw server text or the
//! key on the terminal, stall silently, or get permanent failures retried.
//!
//! Every case runs against wiremock or a small loopback server and ends well within 30 s.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use unidesk_core::{Error, Helpdesk, HelpdeskExt, ListQuery, TicketStatus, TicketUpdate};
use unidesk_kustomer::{KustomerClient, RetryConfig, WaitReason};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

const KEY: &str = "test-key-123";
/// Every hostile case must end within this.
const LIMIT: Duration = Duration::from_secs(30);
const TICKET: &str = "5c9a1d6f3e2b4a0012345678";

fn client(server: &MockServer) -> KustomerClient {
    support::http::client(server, KEY)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// The `page` query parameter of a request (1 when absent).
fn page_of(req: &Request) -> u32 {
    req.url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1)
}

fn conversation(id: &str, updated: &str) -> String {
    format!(r#"{{"type":"conversation","id":"{id}","attributes":{{"updatedAt":"{updated}"}}}}"#)
}

fn list_body(items: &[String], next: Option<String>) -> String {
    let next = next.map_or("null".to_owned(), |n| format!("{n:?}"));
    format!(r#"{{"data":[{}],"links":{{"next":{next}}}}}"#, items.join(","))
}

/// Streams every ticket of `query`, failing the test if that takes longer than [`LIMIT`].
async fn stream_all(c: &KustomerClient, query: ListQuery) -> (Vec<String>, Option<Error>) {
    let mut ids = Vec::new();
    let run = async {
        let mut s = c.stream_tickets(query);
        loop {
            match s.try_next().await {
                Ok(Some(t)) => ids.push(t.id),
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    };
    let err = tokio::time::timeout(LIMIT, run).await.expect("the listing must end within 30 s");
    (ids, err)
}

// ------------------------------------------------------------------ 1. links.next that never ends

#[tokio::test]
async fn a_next_link_back_to_page_one_stops_with_pagination_loop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_string(list_body(
            &[conversation("c1", "2024-01-01T00:00:00Z")],
            Some("/v1/conversations?page=1".into()),
        )))
        .mount(&server)
        .await;
    let (ids, err) = stream_all(&client(&server), ListQuery::new()).await;
    assert!(matches!(err, Some(Error::PaginationLoop { pages: 1 })), "{err:?}");
    assert!(ids.len() <= 1, "one record, not thousands of copies: {}", ids.len());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn the_same_page_served_again_stops_with_pagination_loop() {
    // The server ignores `page` and always serves the same records, with a `next` that advances.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(|req: &Request| {
            let items = [conversation("c1", "2024-01-01T00:00:00Z"), conversation("c2", "2024-01-01T00:00:01Z")];
            let next = format!("/v1/conversations?page={}&pageSize=2", page_of(req) + 1);
            ResponseTemplate::new(200).set_body_string(list_body(&items, Some(next)))
        })
        .mount(&server)
        .await;
    let (ids, err) = stream_all(&client(&server), ListQuery::new().page_size(2)).await;
    assert!(matches!(err, Some(Error::PaginationLoop { pages: 2 })), "{err:?}");
    assert_eq!(ids, ["c1", "c2"], "the repeated page is not emitted again");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn endless_empty_pages_stop_after_ten() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(|req: &Request| {
            let next = format!("/v1/conversations?page={}", page_of(req) + 1);
            ResponseTemplate::new(200).set_body_string(list_body(&[], Some(next)))
        })
        .mount(&server)
        .await;
    let (ids, err) = stream_all(&client(&server), ListQuery::new()).await;
    assert!(ids.is_empty());
    let err = err.expect("an error, not an endless walk");
    assert!(matches!(err, Error::PaginationStalled { empty_pages: 10 }), "{err:?}");
    assert_eq!(err.to_string(), "pagination stalled: 10 empty pages in a row, each claiming more follow");
    assert_eq!(requests(&server).await.len(), 10);
}

#[tokio::test]
async fn a_search_serving_the_same_page_stops_with_pagination_loop() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/search"))
        .respond_with(|req: &Request| {
            let items = [conversation("c1", "2024-02-01T00:00:00Z"), conversation("c2", "2024-02-01T00:00:00Z")];
            let next = format!("/v1/customers/search?page={}&pageSize=2", page_of(req) + 1);
            ResponseTemplate::new(200).set_body_string(list_body(&items, Some(next)))
        })
        .mount(&server)
        .await;
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("date").to_utc();
    let (ids, err) = stream_all(&client(&server), ListQuery::new().page_size(2).updated_after(since)).await;
    assert!(matches!(err, Some(Error::PaginationLoop { .. })), "{err:?}");
    assert_eq!(ids, ["c1", "c2"]);
    assert!(requests(&server).await.len() <= 3, "stopped at once, not at the search cap");
}

#[tokio::test]
async fn a_search_of_ties_past_the_page_cap_stops_with_a_provider_limit_not_an_http_error() {
    // Every page holds two new records, all at the same instant: the window never moves, so the
    // walk pages within one query until the search API's last page, and cannot go further.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/search"))
        .respond_with(|req: &Request| {
            let p = page_of(req);
            let items = [
                conversation(&format!("p{p}a"), "2024-02-01T00:00:00Z"),
                conversation(&format!("p{p}b"), "2024-02-01T00:00:00Z"),
            ];
            let next = format!("/v1/customers/search?page={}&pageSize=2", p + 1);
            ResponseTemplate::new(200).set_body_string(list_body(&items, Some(next)))
        })
        .mount(&server)
        .await;
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").expect("date").to_utc();
    let (ids, err) = stream_all(&client(&server), ListQuery::new().page_size(2).updated_after(since)).await;
    let err = err.expect("an error at the cap");
    assert!(
        matches!(&err, Error::ProviderLimit { message } if message.contains("2024-02-01T00:00:00.000Z")),
        "{err:?}"
    );
    assert!(!err.is_temporary());
    // Page 1, then the window's page 1 (nothing new), pages 2 to 99, and page 100, which fails.
    assert_eq!(ids.len(), 2 * 99, "every record before the cap, each once");
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 2 * 99);
    assert_eq!(requests(&server).await.len(), 101, "page 1, then pages 1 to 100 of the window; never page 101");
}

#[tokio::test]
async fn ticket_comments_with_endless_empty_pages_stop() {
    let server = MockServer::start().await;
    for kind in ["messages", "notes"] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/conversations/{TICKET}/{kind}")))
            .respond_with(move |req: &Request| {
                let next = format!("/v1/conversations/{TICKET}/{kind}?page={}", page_of(req) + 1);
                ResponseTemplate::new(200).set_body_string(list_body(&[], Some(next)))
            })
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let res = tokio::time::timeout(LIMIT, c.comments().list(&ListQuery::new().ticket_id(TICKET)))
        .await
        .expect("a ticket's comments must end within 30 s");
    assert!(matches!(res, Err(Error::PaginationStalled { empty_pages: 10 })), "{res:?}");
    assert_eq!(requests(&server).await.len(), 10);
}

// ------------------------------------------------------------------ 2. server text reaches the terminal

#[tokio::test]
async fn server_text_in_errors_is_one_line_without_the_key() {
    let server = MockServer::start().await;
    let hostile = format!("bad\u{1b}[2J\u{7}\r\nAuthorization: Bearer {KEY}\u{9b}31m");
    let json = serde_json::json!({ "errors": [{ "message": hostile, "source": { "parameter": hostile } }] });
    Mock::given(method("GET"))
        .and(path("/v1/teams/a"))
        .respond_with(ResponseTemplate::new(400).set_body_json(&json))
        .mount(&server)
        .await;
    let long = format!("{hostile}{}", "x".repeat(5000));
    Mock::given(method("GET"))
        .and(path("/v1/teams/b"))
        .respond_with(ResponseTemplate::new(502).set_body_string(long))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/teams/c"))
        .respond_with(ResponseTemplate::new(401).set_body_string(hostile.clone()))
        .mount(&server)
        .await;
    let c = client(&server);
    let escaped = "bad\\u{1b}[2J\\u{7}\\r\\nAuthorization: Bearer ***\\u{9b}31m";
    let e = c.teams().get("a", false).await.expect_err("400");
    assert_eq!(e.to_string(), format!("validation failed: {escaped}"));
    match &e {
        Error::Validation { field_errors, .. } => {
            assert_eq!(field_errors[0].message, escaped);
            assert_eq!(field_errors[0].field.as_deref(), Some(escaped));
        }
        other => panic!("{other:?}"),
    }
    let e = c.teams().get("b", false).await.expect_err("502");
    let line = e.to_string();
    assert!(line.starts_with(&format!("upstream error: HTTP 502: {escaped}xxx")), "{line}");
    assert!(line.ends_with("x…") && line.chars().count() <= "upstream error: HTTP 502: ".len() + 301, "{line}");
    let e = c.teams().get("c", false).await.expect_err("401");
    assert_eq!(e.to_string(), format!("unauthenticated: {escaped}"));
    for id in ["a", "b", "c"] {
        let e = c.teams().get(id, false).await.expect_err("fails");
        let all = format!("{e} {e:?}");
        assert!(!all.contains(KEY), "{all}");
        assert!(!e.to_string().chars().any(char::is_control), "{e}");
    }
}

#[tokio::test]
async fn a_key_echoed_in_a_success_body_never_reaches_records_or_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"data":[{{"type":"tag","id":"t1","attributes":{{"name":"Bearer {KEY}"}}}}],"links":{{}}}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/teams"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(r#"{{"data":"{KEY}\u001b[2J"}}"#)))
        .mount(&server)
        .await;
    let c = client(&server);
    let tags = c.tags().list(&ListQuery::new()).await.expect("tags");
    assert_eq!(tags.items[0].name.as_deref(), Some("Bearer ***"));
    let e = c.teams().list(&ListQuery::new()).await.expect_err("not a list");
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains(KEY), "{e:?}");
    assert!(!e.to_string().chars().any(char::is_control), "{e}");
}

// ------------------------------------------------------------------ 3. a far-away reset stalls silently

const YEAR_2100: &str = "4102444800";

#[tokio::test]
async fn a_spent_budget_resetting_in_2100_fails_at_once_naming_the_reset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "1000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", YEAR_2100)
                .set_body_string(r#"{"data":[],"links":{}}"#),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    c.tags().list(&ListQuery::new()).await.expect("the first call is served");
    let start = Instant::now();
    let e = c.tags().list(&ListQuery::new()).await.expect_err("the budget is spent until 2100");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "failed at once, not after a wait (the budget is spent for years): {:?}",
        start.elapsed()
    );
    let line = e.to_string();
    match e {
        Error::RateLimited { retry_after: Some(d) } => assert!(d >= Duration::from_secs(86_000), "{d:?}"),
        other => panic!("{other:?}"),
    }
    // A reset further than a day is reported as a day away (the header parser's cap).
    assert!(line.starts_with("rate limited (retry after 86") && line.ends_with("s)"), "{line}");
    assert_eq!(requests(&server).await.len(), 1, "nothing sent while the budget is spent");
    assert_eq!(c.waiting(), None);
}

#[tokio::test]
async fn a_429_resetting_in_2100_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", YEAR_2100)
                .set_body_string(r#"{"errors":[{"message":"slow down"}]}"#),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let start = Instant::now();
    let e = c.tags().list(&ListQuery::new()).await.expect_err("429");
    assert!(start.elapsed() < Duration::from_secs(5), "no sleeping until 2100: {:?}", start.elapsed());
    assert!(matches!(e, Error::RateLimited { retry_after: Some(d) } if d >= Duration::from_secs(86_000)), "{e:?}");
    assert_eq!(requests(&server).await.len(), 1, "not retried");
}

/// Collects what the client logs at `info`.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[tokio::test]
async fn a_long_wait_is_visible_and_logged_with_its_reason() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "2.3")
                .set_body_string(r#"{"data":[],"links":{}}"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data":[],"links":{}}"#))
        .mount(&server)
        .await;
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt().with_writer(logs.clone()).with_ansi(false).finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let c = KustomerClient::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .retry(RetryConfig { max_rate_limit_wait: Duration::from_secs(5), ..RetryConfig::default() })
        .build()
        .expect("client");
    c.tags().list(&ListQuery::new()).await.expect("first");
    assert_eq!(c.waiting(), None);
    let q = ListQuery::new();
    let second = c.tags().list(&q);
    tokio::pin!(second);
    let seen = tokio::select! {
        _ = &mut second => panic!("the second call should wait for the reset"),
        _ = tokio::time::sleep(Duration::from_millis(300)) => c.waiting(),
    };
    let w = seen.expect("a wait in progress");
    assert_eq!(w.reason, WaitReason::Pacing);
    assert!(w.remaining > Duration::from_secs(1) && w.remaining <= Duration::from_millis(2300), "{w:?}");
    second.await.expect("served after the reset");
    assert_eq!(c.waiting(), None, "the wait is over");
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    let line = text.lines().find(|l| l.contains("waiting before sending")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("INFO") && line.contains("reason=\"pacing\""), "{line}");
}

// ------------------------------------------------------------------ 4. permanent failures are retried

#[tokio::test]
async fn a_body_over_the_cap_is_fetched_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 32 * 1024 * 1024 + 1]))
        .mount(&server)
        .await;
    let e = client(&server).tags().list(&ListQuery::new()).await.expect_err("too big");
    assert_eq!(e.to_string(), "could not decode /v1/tags: response body over the 32 MiB limit");
    assert!(!e.is_temporary());
    assert_eq!(requests(&server).await.len(), 1, "a body over the cap is as big the next time");

    // The cap is configurable.
    let small =
        KustomerClient::builder().base_url(server.uri()).api_key(KEY).max_body_bytes(1024).build().expect("client");
    Mock::given(method("GET"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 1025]))
        .mount(&server)
        .await;
    let e = small.users().list(&ListQuery::new()).await.expect_err("over 1 KiB");
    assert_eq!(e.to_string(), "could not decode /v1/users: response body over the 1 KiB limit");
}

/// A loopback server answering every request with a chunked body of `total` bytes, counting requests.
async fn chunked_server(total: usize) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Ok(n) = sock.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    head.extend_from_slice(&buf[..n]);
                    if head.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let start = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if sock.write_all(start).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 256 * 1024];
                let mut sent = 0;
                while sent < total {
                    let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                    if sock.write_all(&frame).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
                let _ = sock.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_fetched_once() {
    let (url, count) = chunked_server(33 * 1024 * 1024).await;
    let c = KustomerClient::builder()
        .base_url(url)
        .api_key(KEY)
        .retry(RetryConfig {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryConfig::default()
        })
        .build()
        .expect("client");
    let res = tokio::time::timeout(LIMIT, c.tags().list(&ListQuery::new())).await.expect("ends within 30 s");
    let e = res.expect_err("too big");
    assert!(matches!(e, Error::Decode { .. }) && !e.is_temporary(), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1, "downloaded once, not once per retry");
}

#[tokio::test]
async fn a_redirect_loop_is_bounded_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/tags"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/tags"))
        .mount(&server)
        .await;
    let e = client(&server).tags().list(&ListQuery::new()).await.expect_err("a loop");
    assert_eq!(
        e.to_string(),
        "upstream error: HTTP 302: redirect not followed (more than 5 redirects, or no usable target)"
    );
    assert!(!e.is_temporary());
    assert_eq!(requests(&server).await.len(), 6, "the request and 5 redirects, once");
}

#[tokio::test]
async fn a_patch_answered_302_is_not_re_sent_anywhere() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/conversations/{TICKET}")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/elsewhere"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/elsewhere")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let update = TicketUpdate { status: Some(TicketStatus::Closed), ..Default::default() };
    let e = client(&server).tickets().update(TICKET, &update).await.expect_err("302");
    assert_eq!(e.to_string(), "upstream error: HTTP 302: redirect not followed: a PATCH is never redirected");
    assert!(!e.is_temporary());
    let seen: Vec<String> = requests(&server).await.iter().map(|r| format!("{} {}", r.method, r.url.path())).collect();
    assert_eq!(seen, [format!("PATCH /v1/conversations/{TICKET}")]);
}
