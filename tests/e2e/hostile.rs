//! Hostile servers through the CLI: every case ends within 30 s, with exit ≠ 0 and one
//! `error:` line holding no control character and no token.

use std::process::Stdio;
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sk-hostile-test-token-0123456789";

/// One conversation page in Kustomer's envelope, with `next` as given.
fn page(ids: &[&str], next: Option<&str>) -> serde_json::Value {
    let data: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "type": "conversation", "id": id,
                "attributes": { "name": "subject", "status": "open",
                    "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z" },
            })
        })
        .collect();
    serde_json::json!({ "data": data, "links": { "next": next }, "meta": { "page": 1 } })
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs `unidesk ARGS` against `server` with the test token, killed at 30 s.
async fn run(server: &MockServer, args: &[&str]) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"));
    cmd.args(["--base-url", &server.uri(), "--token", TOKEN]).args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut child = cmd.spawn().expect("runs");
        loop {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().expect("ends");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            took: started.elapsed(),
        }
    })
    .await
    .expect("join")
}

/// The checks every hostile case shares; returns the `error:` line.
fn assert_clean_failure(case: &str, r: &Run) -> String {
    assert!(r.took < Duration::from_secs(30), "{case}: took {:?}", r.took);
    assert!(matches!(r.code, Some(c) if c != 0), "{case}: exit {:?}, stderr {}", r.code, r.stderr);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{case}: one error line: {:?}", r.stderr);
    assert!(!r.stderr.chars().any(|c| c.is_control() && c != '\n'), "{case}: control characters: {:?}", r.stderr);
    assert!(!r.stderr.contains(TOKEN) && !r.stdout.contains(TOKEN), "{case}: token printed");
    errors[0].to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_that_never_advances_stops_with_a_pagination_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["c1"], Some("/v1/conversations?page=1"))))
        .mount(&server)
        .await;
    let r = run(&server, &["tickets", "list", "--all", "--format", "jsonl"]).await;
    let line = assert_clean_failure("looping next", &r);
    assert!(line.contains("pagination"), "{line}");
    assert!(r.stdout.lines().count() <= 2, "at most one repeat reached stdout: {}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_empty_pages_stop_after_a_bounded_run() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[], Some("/v1/conversations?page=999999"))))
        .mount(&server)
        .await;
    let r = run(&server, &["tickets", "list", "--all", "--format", "jsonl"]).await;
    assert_clean_failure("endless empty pages", &r);
    let requests = server.received_requests().await.expect("recorded").len();
    assert!(requests <= 20, "{requests} requests for empty pages");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_text_is_one_escaped_line_without_the_token() {
    let html =
        "<html>\n<head><title>502 Bad Gateway</title></head>\n\u{1b}[31mred\u{1b}[0m\n<body>upstream</body>\n</html>\n";
    let echo = format!("bad request\u{1b}]0;pwned\u{7}\u{1b}[2J Authorization: Bearer {TOKEN}\r\n");
    for (case, status, body) in [("html 502", 502u16, html.to_owned()), ("hostile 400", 400, echo)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status).set_body_string(body).insert_header("content-type", "text/html"),
            )
            .mount(&server)
            .await;
        let r = run(&server, &["tickets", "list"]).await;
        let line = assert_clean_failure(case, &r);
        assert!(line.chars().count() <= 400, "{case}: bounded: {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subjects_with_escape_codes_cannot_take_over_the_table() {
    let server = MockServer::start().await;
    let mut body = page(&["c1"], None);
    body["data"][0]["attributes"]["name"] = "Refund\u{1b}[2J\u{1b}]0;owned\u{7}\nsecond line".into();
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let r = run(&server, &["tickets", "list", "--format", "table"]).await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.chars().any(|c| c.is_control() && c != '\n'), "{:?}", r.stdout);
    assert!(r.stdout.contains("Refund\\u{1b}[2J"), "{}", r.stdout);
    let r = run(&server, &["tickets", "list", "--format", "jsonl"]).await;
    assert!(r.stdout.contains(r#""subject":"Refund\u001b[2J\u001b]0;owned\u0007\nsecond line""#), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_reset_far_away_fails_at_once_with_exit_5() {
    for (case, status) in [("200 with no budget left", 200u16), ("429", 429)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/conversations"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(page(&["c1"], Some("/v1/conversations?page=2")))
                    .insert_header("x-ratelimit-limit", "1000")
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-reset", "4102444800"),
            )
            .mount(&server)
            .await;
        let r = run(&server, &["tickets", "list", "--all", "--format", "jsonl"]).await;
        let line = assert_clean_failure(case, &r);
        assert_eq!(r.code, Some(5), "{case}: {line}");
        assert!(r.took < Duration::from_secs(10), "{case}: failed at once, took {:?}", r.took);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_bodies_and_redirect_loops_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 33 * 1024 * 1024]))
        .mount(&server)
        .await;
    let r = run(&server, &["tickets", "list"]).await;
    assert_clean_failure("huge body", &r);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1, "a size cap is permanent");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/v1/conversations"))
        .mount(&server)
        .await;
    let r = run(&server, &["tickets", "list"]).await;
    assert_clean_failure("redirect loop", &r);
    let requests = server.received_requests().await.expect("recorded").len();
    assert!(requests <= 12, "{requests} requests: a redirect limit is permanent");
}
