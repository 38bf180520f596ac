//! The HTTP pieces every adapter's client shares, over `reqwest`, so that each adapter
//! fails the same way on the same transport trouble:
//!
//! - [`transport_failure`]: one attempt's `reqwest::Error` as an [`AttemptError`], retryable
//!   (with the [`Outcome`] the retry decision reads) or permanent, its URL never in the
//!   message (a redirect target may be a presigned URL);
//! - [`read_capped`]: a response body read chunk by chunk, refused past a size cap (announced
//!   or actual) instead of buffering whatever a hostile or broken server sends;
//! - [`human_size`]: a byte count as the messages print it (`32 MiB`).
//!
//! Each adapter keeps what differs: its request building, its own secrets' redaction (the
//! `describe` closures), its rate-limit headers and its retry loop.

use unidesk_core::Error;
use unidesk_core::retry::Outcome;

/// What one attempt's failure means for the retry loop.
#[derive(Debug)]
pub enum AttemptError {
    /// May succeed if sent again; the retry decision (with the outcome) says whether it is.
    Retryable(Outcome, Error),
    /// Sending it again cannot help (a body over the cap, a request that cannot be built, a
    /// redirect reqwest refused).
    Permanent(Error),
}

/// One attempt's transport failure as an [`AttemptError`]. The error loses its URL first;
/// `describe` gets the text of the error and its causes and returns the message to keep (the
/// adapter prefixes the call and redacts its secrets there). A request reqwest cannot build
/// and a redirect it refused are permanent; a connection that could not be made (nothing
/// sent), a timeout, and a connection that broke are retryable, each with its outcome.
pub fn transport_failure(e: reqwest::Error, describe: impl FnOnce(&str) -> String) -> AttemptError {
    let timeout = e.is_timeout();
    let permanent = e.is_builder() || e.is_redirect();
    let connect = e.is_connect();
    let e = e.without_url();
    let message = describe(&unidesk_core::error::source_chain(&e));
    let error = Error::transport(message, timeout).with_source(e);
    if permanent {
        return AttemptError::Permanent(error);
    }
    let outcome = if connect {
        Outcome::Connect
    } else if timeout {
        Outcome::Timeout
    } else {
        Outcome::Broken
    };
    AttemptError::Retryable(outcome, error)
}

/// Reads the body of `resp`, at most `cap` bytes. A body announced larger (`Content-Length`)
/// is refused before a byte is read, and one that grows past the cap is refused as soon as it
/// does, both as a permanent `Decode` error naming `what` (the call) and the cap (it would be
/// as large the next time). A read that breaks is [`transport_failure`] with `describe`.
pub async fn read_capped(
    resp: &mut reqwest::Response,
    cap: usize,
    what: &str,
    describe: impl Fn(&str) -> String,
) -> Result<Vec<u8>, AttemptError> {
    let too_big =
        || AttemptError::Permanent(Error::decode(what, format!("response body over the {} limit", human_size(cap))));
    let announced = resp.content_length();
    if announced.is_some_and(|n| n > cap as u64) {
        return Err(too_big());
    }
    // Announced sizes are trusted only up to 1 MiB ahead of time.
    let mut body = Vec::with_capacity(announced.unwrap_or(0).min(1 << 20) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_failure(e, &describe))? {
        if body.len() + chunk.len() > cap {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A byte count as the messages print it: whole MiB or KiB when it is one, else bytes.
pub fn human_size(n: usize) -> String {
    const KIB: usize = 1024;
    if n >= KIB * KIB && n.is_multiple_of(KIB * KIB) {
        format!("{} MiB", n / (KIB * KIB))
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn describe(chain: &str) -> String {
        format!("GET /x: {chain}")
    }

    #[test]
    fn sizes_print_in_the_largest_whole_unit() {
        assert_eq!(human_size(32 << 20), "32 MiB");
        assert_eq!(human_size(1024), "1 KiB");
        assert_eq!(human_size(1500), "1500 bytes");
        assert_eq!(human_size(0), "0 bytes");
    }

    #[tokio::test]
    async fn bodies_are_read_up_to_the_cap_and_refused_past_it() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 2048]))
            .mount(&server)
            .await;
        let http = reqwest::Client::new();
        let mut resp = http.get(server.uri()).send().await.expect("sent");
        let body = read_capped(&mut resp, 2048, "GET /x", describe).await.expect("at the cap");
        assert_eq!(body.len(), 2048);
        let mut resp = http.get(server.uri()).send().await.expect("sent");
        match read_capped(&mut resp, 1024, "GET /x", describe).await {
            Err(AttemptError::Permanent(e)) => {
                assert_eq!(e.to_string(), "could not decode GET /x: response body over the 1 KiB limit")
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn refused_connections_and_timeouts_are_retryable_and_name_no_url() {
        // A port nothing listens on: the connection cannot be made, nothing was sent.
        let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
        let e = reqwest::get(format!("http://{free}/secret-token-in-path")).await.expect_err("refused");
        match transport_failure(e, describe) {
            AttemptError::Retryable(Outcome::Connect, e) => {
                let text = e.to_string();
                assert!(text.contains("GET /x: ") && !text.contains("secret-token-in-path"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
            .mount(&server)
            .await;
        let http = reqwest::Client::builder().timeout(Duration::from_millis(100)).build().expect("client");
        let e = http.get(server.uri()).send().await.expect_err("timed out");
        assert!(matches!(transport_failure(e, describe), AttemptError::Retryable(Outcome::Timeout, _)));
    }

    #[test]
    fn a_request_that_cannot_be_built_is_permanent() {
        let e = reqwest::Client::new().get("not a url").build().expect_err("no URL");
        assert!(matches!(transport_failure(e, describe), AttemptError::Permanent(_)));
    }
}
