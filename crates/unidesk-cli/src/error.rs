//! The CLI's failure type and the one mapping from [`unidesk_core::Error`] to an exit code.
//!
//! Exit codes are a contract (README): 0 ok, 1 other, 2 usage or bad input,
//! 3 authentication/permission, 4 not found, 5 rate limited after all retries.

use unidesk_core::Error;
use unidesk_core::error::one_line;

/// Exit code: success.
pub(crate) const OK: u8 = 0;
/// Exit code: any other failure.
pub(crate) const OTHER: u8 = 1;
/// Exit code: usage error or bad input.
pub(crate) const USAGE: u8 = 2;
/// Exit code: authentication or permission.
pub(crate) const AUTH: u8 = 3;
/// Exit code: the record asked for does not exist.
pub(crate) const NOT_FOUND: u8 = 4;
/// Exit code: still rate limited after every retry.
pub(crate) const RATE_LIMITED: u8 = 5;

/// The longest error line printed, in characters.
const MAX_MESSAGE: usize = 300;

/// A failure: exit code and one line for stderr (never containing the token).
#[derive(Debug)]
pub(crate) struct CliError {
    /// See the module docs.
    pub(crate) code: u8,
    /// The message after `error: `.
    pub(crate) message: String,
    /// Stdout was closed by the reader (`| head -1`): end quietly with exit 0.
    pub(crate) closed_stdout: bool,
}

impl CliError {
    /// A usage or bad-input error (exit 2).
    pub(crate) fn usage(m: impl Into<String>) -> Self {
        CliError { code: USAGE, message: m.into(), closed_stdout: false }
    }

    /// Any other failure (exit 1).
    pub(crate) fn other(e: impl std::fmt::Display) -> Self {
        CliError { code: OTHER, message: e.to_string(), closed_stdout: false }
    }

    /// A failed write to stdout: a closed pipe ends the program quietly, anything else is exit 1.
    pub(crate) fn stdout(e: std::io::Error) -> Self {
        let closed = e.kind() == std::io::ErrorKind::BrokenPipe;
        CliError {
            code: if closed { OK } else { OTHER },
            message: format!("writing output: {e}"),
            closed_stdout: closed,
        }
    }

    /// The line to print after `error: `: one line, control characters escaped, bounded,
    /// and every occurrence of each of `secrets` (tokens, passwords) replaced by `***`.
    pub(crate) fn line(&self, secrets: &[String]) -> String {
        let mut message = self.message.clone();
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            message = message.replace(s.as_str(), "***");
        }
        one_line(&message, MAX_MESSAGE)
    }
}

/// The exit code for an adapter error. Every variant is listed so that a new one is a
/// compile error here, not a silent `1`.
pub(crate) fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Unauthenticated { .. } | Error::PermissionDenied { .. } => AUTH,
        Error::NotFound { .. } => NOT_FOUND,
        Error::Upstream { status: 404, .. } => NOT_FOUND,
        Error::Upstream { status: 401 | 403, .. } => AUTH,
        Error::Upstream { status: 429, .. } => RATE_LIMITED,
        Error::RateLimited { .. } => RATE_LIMITED,
        Error::InvalidInput { .. } | Error::InvalidCursor { .. } | Error::Validation { .. } => USAGE,
        Error::Unsupported { .. }
        | Error::Conflict { .. }
        | Error::Transport { .. }
        | Error::Decode { .. }
        | Error::PaginationLoop { .. }
        | Error::PaginationStalled { .. }
        | Error::ProviderLimit { .. }
        | Error::Upstream { .. } => OTHER,
        // `Error` is non-exhaustive: a variant added in core later is "other" until mapped here.
        #[allow(unreachable_patterns)]
        _ => OTHER,
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError { code: exit_code(&e), message: e.to_string(), closed_stdout: false }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use unidesk_core::{Operation, Resource};

    use super::*;

    #[test]
    fn every_error_variant_has_its_contracted_exit_code() {
        let cases: Vec<(Error, u8)> = vec![
            (Error::Unauthenticated { message: "x".into() }, 3),
            (Error::PermissionDenied { message: "x".into() }, 3),
            (Error::not_found(Resource::Ticket, "x"), 4),
            (Error::Upstream { status: 404, body: "no such ticket".into() }, 4),
            (Error::Upstream { status: 401, body: String::new() }, 3),
            (Error::Upstream { status: 403, body: String::new() }, 3),
            (Error::Upstream { status: 429, body: String::new() }, 5),
            (Error::RateLimited { retry_after: Some(Duration::from_secs(9)) }, 5),
            (Error::RateLimited { retry_after: None }, 5),
            (Error::invalid_input("bad id"), 2),
            (Error::invalid_cursor("garbage"), 2),
            (Error::validation("unknown status \"nope\""), 2),
            (Error::unsupported(Resource::Tag, Operation::Delete, "kustomer"), 1),
            (Error::Conflict { message: "x".into() }, 1),
            (Error::transport("reset", false), 1),
            (Error::PaginationStalled { empty_pages: 10 }, 1),
            (Error::ProviderLimit { message: "too many ties".into() }, 1),
            (Error::decode("ctx", "eof"), 1),
            (Error::PaginationLoop { pages: 3 }, 1),
            (Error::Upstream { status: 502, body: String::new() }, 1),
            (Error::Upstream { status: 400, body: String::new() }, 1),
        ];
        for (e, code) in cases {
            assert_eq!(exit_code(&e), code, "{e:?}");
            assert_eq!(CliError::from(e).code, code);
        }
    }

    #[test]
    fn a_closed_pipe_is_a_quiet_success_and_other_write_errors_are_not() {
        let e = CliError::stdout(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(e.closed_stdout);
        assert_eq!(e.code, 0);
        let e = CliError::stdout(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert!(!e.closed_stdout);
        assert_eq!(e.code, 1);
    }

    #[test]
    fn error_lines_are_one_line_without_control_characters_and_bounded() {
        let hostile = "<html>\n\u{1b}[31mBad\u{1b}]0;pwned\u{7}\u{1b}[2J gateway\r\n\u{9b}2J</html>";
        let line = one_line(hostile, 300);
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.contains("\\u{1b}[31mBad"), "{line}");
        assert!(line.contains("\\n"));
        let long = "x".repeat(5000);
        let line = one_line(&long, 300);
        assert_eq!(line.chars().count(), 301);
        assert!(line.ends_with('…'));
    }

    #[test]
    fn the_token_never_reaches_the_error_line() {
        let e = CliError::other("HTTP 400: echo: Authorization: Bearer sk-very-secret-token\n");
        let line = e.line(&["sk-very-secret-token".to_owned(), "ab".to_owned()]);
        assert_eq!(line, "HTTP 400: echo: Authorization: Bearer ***\\n");
    }
}
