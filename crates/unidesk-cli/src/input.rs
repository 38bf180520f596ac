//! Reading what the user hands in: JSON documents (bounded) and times.

use std::io::Read;

use chrono::{DateTime, Utc};
use clap::Args;
use serde::de::DeserializeOwned;

use crate::error::CliError;

/// A JSON input: a file path, or `-` for stdin.
#[derive(Debug, Args)]
pub(crate) struct JsonInput {
    /// The JSON input file, or - for stdin.
    #[arg(long)]
    pub(crate) json: String,
}

/// The largest `--json` document read, from a file or stdin.
pub(crate) const MAX_JSON_INPUT: u64 = 16 * 1024 * 1024;

/// Parses an RFC 3339 time given to `flag`.
pub(crate) fn parse_time(flag: &str, s: &str) -> Result<DateTime<Utc>, CliError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CliError::usage(format!("{flag} {s:?} is not RFC 3339: {e}")))
}

/// Reads at most [`MAX_JSON_INPUT`] bytes from `reader`; more is a usage error, not a 2 GB buffer.
pub(crate) fn read_capped(reader: impl Read, what: &str) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    reader
        .take(MAX_JSON_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::usage(format!("reading {what}: {e}")))?;
    if buf.len() as u64 > MAX_JSON_INPUT {
        return Err(CliError::usage(format!("{what} is larger than {} MiB", MAX_JSON_INPUT / (1024 * 1024))));
    }
    Ok(buf)
}

/// Reads and parses the `--json` input (a file, or `-` for stdin).
pub(crate) fn read_json<T: DeserializeOwned>(input: &JsonInput) -> Result<T, CliError> {
    let bytes = if input.json == "-" {
        read_capped(std::io::stdin().lock(), "stdin")?
    } else {
        let file =
            std::fs::File::open(&input.json).map_err(|e| CliError::usage(format!("reading {}: {e}", input.json)))?;
        read_capped(file, &input.json)?
    };
    serde_json::from_slice(&bytes).map_err(|e| CliError::usage(format!("input JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_input_stops_at_the_cap_with_a_usage_error() {
        let endless = std::io::repeat(0);
        let e = read_capped(endless, "stdin").expect_err("over the cap");
        assert_eq!(e.code, 2);
        assert!(e.message.contains("larger than 16 MiB"), "{}", e.message);
        let ok = read_capped(&b"{\"a\":1}"[..], "stdin").expect("small input");
        assert_eq!(ok, b"{\"a\":1}");
    }

    #[test]
    fn times_must_be_rfc3339() {
        assert!(parse_time("--updated-after", "2026-11-01T00:00:00Z").is_ok());
        assert_eq!(parse_time("--updated-after", "yesterday").map_err(|e| e.code).err(), Some(2));
    }
}
