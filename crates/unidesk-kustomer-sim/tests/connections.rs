//! Connection hygiene: slow or silent clients are disconnected, and oversized
//! bodies get Kustomer's JSON error shape.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use unidesk_kustomer_sim::{SimConfig, Simulator};

async fn connect(sim: &Simulator) -> TcpStream {
    let addr = sim.base_url().trim_start_matches("http://").to_owned();
    TcpStream::connect(addr).await.expect("connects")
}

/// Reads until the server closes the connection; `None` if it is still open after `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn a_half_sent_request_line_is_disconnected_within_seconds() {
    let sim = Simulator::start(SimConfig { conversations: 10, ..SimConfig::default() }).await.expect("starts");
    let mut stream = connect(&sim).await;
    stream.write_all(b"GET /v1/conversations?page=1 HT").await.expect("writes");
    let started = Instant::now();
    let closed = read_until_closed(&mut stream, Duration::from_secs(15)).await;
    assert!(closed.is_some(), "the connection was still open after 15 s");
    assert!(started.elapsed() < Duration::from_secs(10), "closed only after {:?}", started.elapsed());
}

#[tokio::test]
async fn half_sent_headers_and_silent_connections_are_disconnected() {
    let sim = Simulator::start(SimConfig { conversations: 10, ..SimConfig::default() }).await.expect("starts");
    let mut headers = connect(&sim).await;
    headers
        .write_all(b"GET /v1/tags HTTP/1.1\r\nhost: sim\r\nauthorization: Bearer sim-api-key\r\n")
        .await
        .expect("writes");
    let mut silent = connect(&sim).await;
    let started = Instant::now();
    let (a, b) = tokio::join!(
        read_until_closed(&mut headers, Duration::from_secs(15)),
        read_until_closed(&mut silent, Duration::from_secs(15))
    );
    assert!(a.is_some() && b.is_some(), "still open after 15 s: headers {} silent {}", a.is_none(), b.is_none());
    assert!(started.elapsed() < Duration::from_secs(10), "closed only after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_complete_request_is_still_served_on_a_kept_alive_connection() {
    let sim = Simulator::start(SimConfig { conversations: 10, ..SimConfig::default() }).await.expect("starts");
    let http = reqwest::Client::new();
    for _ in 0..2 {
        let resp = http
            .get(format!("{}/v1/tags?pageSize=1", sim.base_url()))
            .bearer_auth(sim.api_key())
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status().as_u16(), 200);
    }
}

#[tokio::test]
async fn an_oversized_body_gets_a_json_413() {
    let sim = Simulator::start(SimConfig { conversations: 10, ..SimConfig::default() }).await.expect("starts");
    let mut stream = connect(&sim).await;
    let head = "POST /v1/customers HTTP/1.1\r\nhost: sim\r\nauthorization: Bearer sim-api-key\r\n\
                content-type: application/json\r\ncontent-length: 3000000\r\n\r\n{\"name\":\"";
    stream.write_all(head.as_bytes()).await.expect("writes");
    let resp = read_until_closed(&mut stream, Duration::from_secs(15)).await.expect("answered and closed");
    let text = String::from_utf8_lossy(&resp);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.to_ascii_lowercase().contains("content-type: application/json"), "{text}");
    let body = text.split("\r\n\r\n").nth(1).expect("a body");
    let doc: Value = serde_json::from_str(body).expect("the 413 body is JSON");
    let err = &doc["errors"][0];
    assert_eq!(err["status"], 413, "{doc}");
    assert_eq!(err["code"], "payload_too_large", "{doc}");
    assert_eq!(err["title"], "payload too large", "{doc}");
    assert!(err["detail"].as_str().is_some_and(|d| !d.is_empty()), "{doc}");
}
