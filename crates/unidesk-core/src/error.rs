//! The one error type every adapter returns.

use std::time::Duration;

use crate::capability::{Operation, Resource};

/// The boxed underlying error [`Error::Transport`] and [`Error::Decode`] may carry.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result alias used throughout unidesk.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A field-level validation problem reported by the provider or by unidesk.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    /// The field the problem concerns (a JSON pointer or attribute name), when known.
    pub field: Option<String>,
    /// What is wrong with it, as the provider worded it.
    pub message: String,
}

/// Every failure a unidesk adapter can report.
///
/// The enum is `#[non_exhaustive]`: match the variants you act on and keep a
/// catch-all arm. Use [`Error::is_temporary`] to decide whether to retry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The credentials are missing, invalid or expired (HTTP 401).
    #[error("unauthenticated: {message}")]
    Unauthenticated {
        /// The provider's explanation.
        message: String,
    },
    /// The credentials are valid but lack the role for this call (HTTP 403).
    #[error("permission denied: {message}")]
    PermissionDenied {
        /// The provider's explanation.
        message: String,
    },
    /// The record does not exist (HTTP 404, or absent from a lookup).
    #[error("{resource} {id:?} not found")]
    NotFound {
        /// Which kind of record was asked for.
        resource: Resource,
        /// The id (or lookup key) that was asked for.
        id: String,
    },
    /// The provider rejected the input (HTTP 400/422), or unidesk did before sending it.
    #[error("validation failed: {message}")]
    Validation {
        /// Summary of the problem.
        message: String,
        /// Per-field details, when the provider gave them.
        field_errors: Vec<FieldError>,
    },
    /// The write conflicts with the record's current state (HTTP 409).
    #[error("conflict: {message}")]
    Conflict {
        /// The provider's explanation.
        message: String,
    },
    /// The provider's rate limit was still exceeded after every allowed retry (HTTP 429).
    #[error("rate limited{}", retry_after.map(|d| format!(" (retry after {:.1}s)", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        /// How long the provider asked us to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The caller passed something unusable (a bad id, a bad path, a bad option).
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong with it.
        message: String,
    },
    /// The cursor is malformed, tampered with, or belongs to another adapter or query.
    #[error("invalid cursor: {reason}")]
    InvalidCursor {
        /// Why the cursor was rejected.
        reason: String,
    },
    /// The adapter cannot perform this operation on this resource.
    #[error("{adapter} does not support {operation} on {resource}")]
    Unsupported {
        /// The resource asked for.
        resource: Resource,
        /// The operation asked for.
        operation: Operation,
        /// The adapter's name, as [`crate::Helpdesk::name`] gives it.
        adapter: String,
    },
    /// The request could not be completed at the network level (connect, timeout, reset).
    #[error("transport error: {message}")]
    Transport {
        /// What went wrong; never contains credentials.
        message: String,
        /// Whether the failure was a timeout.
        timeout: bool,
        /// The underlying error (the HTTP client's, I/O), when there is one, for
        /// [`std::error::Error::source`]. Its text is already summarized in `message`.
        #[source]
        source: Option<BoxError>,
    },
    /// The provider answered with a body unidesk could not decode (malformed, truncated, wrong shape).
    #[error("could not decode {context}: {message}")]
    Decode {
        /// Where the body came from (endpoint or input name).
        context: String,
        /// The parser's message, with line and column.
        message: String,
        /// The parser's error, when there is one, for [`std::error::Error::source`].
        /// Its text is already summarized in `message`.
        #[source]
        source: Option<BoxError>,
    },
    /// Pagination handed back a cursor it had already handed back: following it would loop forever.
    #[error("pagination loop: cursor repeated after {pages} pages")]
    PaginationLoop {
        /// How many pages had been fetched when the repeat was seen.
        pages: u64,
    },
    /// Any other unexpected answer from the provider.
    #[error("upstream error: HTTP {status}: {body}")]
    Upstream {
        /// The HTTP status.
        status: u16,
        /// The start of the response body, made one safe line (see [`one_line`]).
        body: String,
    },
    /// Pagination kept answering empty pages while saying more follow: following it would never end.
    #[error("pagination stalled: {empty_pages} empty pages in a row, each claiming more follow")]
    PaginationStalled {
        /// How many empty pages in a row had been fetched when the listing gave up.
        empty_pages: u64,
    },
    /// A download's content is larger than the limit the caller set: fetching it again
    /// will not make it smaller (raise the limit instead).
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge {
        /// What was being fetched (never its URL).
        what: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The provider cannot serve the request within its own limits, whatever the retry: for
    /// example more records share one timestamp than its search API can page through.
    /// Narrowing the query may help; retrying it as is will not.
    #[error("provider limit: {message}")]
    ProviderLimit {
        /// Which limit, and what it stopped.
        message: String,
    },
}

impl Error {
    /// Whether retrying the same call later may succeed (rate limits, transport failures, 5xx).
    pub fn is_temporary(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Transport { .. } => true,
            Error::Upstream { status, .. } => *status >= 500 || *status == 408,
            _ => false,
        }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput { message: message.into() }
    }

    /// Shorthand for [`Error::InvalidCursor`].
    pub fn invalid_cursor(reason: impl Into<String>) -> Self {
        Error::InvalidCursor { reason: reason.into() }
    }

    /// Shorthand for [`Error::Validation`] without field details.
    pub fn validation(message: impl Into<String>) -> Self {
        Error::Validation { message: message.into(), field_errors: Vec::new() }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(resource: Resource, id: impl Into<String>) -> Self {
        Error::NotFound { resource, id: id.into() }
    }

    /// Shorthand for [`Error::Unsupported`].
    pub fn unsupported(resource: Resource, operation: Operation, adapter: impl Into<String>) -> Self {
        Error::Unsupported { resource, operation, adapter: adapter.into() }
    }

    /// A [`Error::Decode`] from a parser's error: its message (which may quote the body) made
    /// one safe line with [`one_line`], the parser's error kept as the `source()`.
    pub fn decode_from<E: std::error::Error + Send + Sync + 'static>(context: &str, error: E) -> Self {
        Error::decode(context, one_line(&error.to_string(), MAX_SERVER_TEXT)).with_source(error)
    }

    /// Shorthand for [`Error::Decode`] without an underlying error (add one with [`Error::with_source`]).
    pub fn decode(context: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Error::Decode { context: context.into(), message: message.to_string(), source: None }
    }

    /// Shorthand for [`Error::Transport`] without an underlying error (add one with [`Error::with_source`]).
    pub fn transport(message: impl Into<String>, timeout: bool) -> Self {
        Error::Transport { message: message.into(), timeout, source: None }
    }

    /// Attaches the underlying error to a [`Error::Transport`] or [`Error::Decode`], so that
    /// [`std::error::Error::source`] reaches it; other variants are returned unchanged.
    /// The display text does not change.
    pub fn with_source(mut self, error: impl Into<BoxError>) -> Self {
        if let Error::Transport { source, .. } | Error::Decode { source, .. } = &mut self {
            *source = Some(error.into());
        }
        self
    }
}

/// The longest server text, in characters, adapters keep in an error message.
pub const MAX_SERVER_TEXT: usize = 300;

/// Whether `c` must not reach a terminal raw: control characters (C0, DEL, C1),
/// line and paragraph separators, and the invisible marks that reorder or hide text
/// (bidirectional overrides and isolates, zero-width characters, the byte-order mark).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
}

/// `e` and its causes on one line, `: `-separated, a cause whose text the line already holds
/// skipped (HTTP clients often say only "error sending request" at the top), at most 7 deep.
///
/// ```
/// use unidesk_core::error::source_chain;
/// let inner = std::io::Error::other("connection reset");
/// let outer = std::io::Error::new(std::io::ErrorKind::Other, inner);
/// assert_eq!(source_chain(&outer), "connection reset");
/// ```
pub fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    let mut depth = 0;
    while let Some(s) = cur {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cur = s.source();
        depth += 1;
        if depth > 6 {
            break;
        }
    }
    text
}

/// Text from a server made safe to print on one line of a terminal or a log.
///
/// Every control character (ESC, BEL, CR, LF, tab, DEL, the C1 range) and every
/// line separator or invisible reordering mark is written as an escape: `\n`, `\r`,
/// `\t`, or `\u{1b}` for the others. The result is then cut to at most `max`
/// characters, never inside an escape, and ends with `…` when something was cut,
/// so it is never longer than `max + 1` characters.
///
/// ```
/// use unidesk_core::error::one_line;
/// assert_eq!(one_line("bad\u{1b}[31m\r\nthing", 100), "bad\\u{1b}[31m\\r\\nthing");
/// assert_eq!(one_line("abcdef", 3), "abc…");
/// ```
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(4)).saturating_add(3));
    let mut len = 0usize;
    let mut buf = String::new();
    for c in text.chars() {
        buf.clear();
        if is_unsafe(c) {
            match c {
                '\n' => buf.push_str("\\n"),
                '\r' => buf.push_str("\\r"),
                '\t' => buf.push_str("\\t"),
                _ => buf.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            buf.push(c);
        }
        let n = buf.chars().count();
        if len + n > max {
            out.push('…');
            return out;
        }
        out.push_str(&buf);
        len += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_errors_are_the_retryable_ones() {
        assert!(Error::RateLimited { retry_after: None }.is_temporary());
        assert!(Error::transport("reset", false).is_temporary());
        assert!(Error::Upstream { status: 503, body: String::new() }.is_temporary());
        assert!(!Error::Upstream { status: 418, body: String::new() }.is_temporary());
        assert!(!Error::not_found(Resource::Ticket, "x").is_temporary());
        assert!(!Error::invalid_cursor("x").is_temporary());
        assert!(!Error::PaginationStalled { empty_pages: 10 }.is_temporary());
        let limit = Error::ProviderLimit { message: "search page cap".into() };
        assert!(!limit.is_temporary());
        assert_eq!(limit.to_string(), "provider limit: search page cap");
    }

    #[test]
    fn one_line_escapes_controls_and_cuts() {
        let hostile = "ok\u{1b}]0;pwned\u{7}\r\nnext\u{9b}31m\u{202e}\u{2028}\u{7f}\ttab";
        assert_eq!(
            one_line(hostile, 300),
            "ok\\u{1b}]0;pwned\\u{7}\\r\\nnext\\u{9b}31m\\u{202e}\\u{2028}\\u{7f}\\ttab"
        );
        assert_eq!(one_line("", 5), "");
        assert_eq!(one_line("abc", 3), "abc", "exactly max is not cut");
        assert_eq!(one_line("abcd", 3), "abc…");
        assert_eq!(one_line("abcd", 0), "…");
        assert_eq!(one_line("ab\u{1b}", 5), "ab…", "an escape is never split");
        assert_eq!(one_line("héllo wörld ✋", 7), "héllo w…", "cut on characters, not bytes");
        let long = "x".repeat(5000);
        assert_eq!(one_line(&long, MAX_SERVER_TEXT).chars().count(), MAX_SERVER_TEXT + 1);
    }

    proptest::proptest! {
        #[test]
        fn one_line_is_safe_and_bounded(text in "\\PC*|[\\x00-\\x{ff}\\u{2028}\\u{202e}]{0,400}", max in 0usize..500) {
            let out = one_line(&text, max);
            proptest::prop_assert!(!out.chars().any(is_unsafe), "{out:?}");
            proptest::prop_assert!(!out.chars().any(char::is_control), "{out:?}");
            proptest::prop_assert!(out.chars().count() <= max + 1);
            if text.chars().count() <= max && !text.chars().any(is_unsafe) {
                proptest::prop_assert_eq!(out, text);
            }
        }
    }

    #[test]
    fn transport_and_decode_chain_to_their_source_without_changing_their_text() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let e = Error::transport("GET /v1/x: connection reset", false).with_source(io);
        assert_eq!(e.to_string(), "transport error: GET /v1/x: connection reset");
        let src = e.source().expect("a source");
        assert_eq!(src.to_string(), "reset by peer");
        assert!(src.downcast_ref::<std::io::Error>().is_some());
        assert!(Error::transport("x", true).source().is_none());

        let json = serde_json::from_str::<u8>("[").expect_err("not a number");
        let e = Error::decode("/v1/x", &json).with_source(json);
        assert_eq!(e.to_string(), "could not decode /v1/x: invalid type: sequence, expected u8 at line 1 column 0");
        assert!(e.source().and_then(|s| s.downcast_ref::<serde_json::Error>()).is_some());
        let other = Error::invalid_input("x").with_source(std::io::Error::other("ignored"));
        assert!(other.source().is_none(), "only Transport and Decode carry a source");
    }

    #[test]
    fn messages_name_the_resource_and_operation() {
        let e = Error::unsupported(Resource::Tag, Operation::Delete, "kustomer");
        assert_eq!(e.to_string(), "kustomer does not support delete on tag");
        let e = Error::not_found(Resource::Ticket, "abc");
        assert_eq!(e.to_string(), "ticket \"abc\" not found");
    }
}
