//! Printing records as a table, JSON or JSON lines.
//!
//! JSON and JSON lines are byte-exact (serde escapes control characters); table
//! cells escape them, so a record cannot move the cursor, recolour or retitle the
//! terminal. A reader that closes stdout early (`| head -1`) ends the program quietly.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table};
use serde::Serialize;
use serde_json::Value;

use crate::cli::Format;
use unidesk_core::error::one_line;

use crate::error::CliError;

/// The widest table cell, in characters.
const CELL_WIDTH: usize = 59;

/// The format to use: the one asked for, else table on a terminal and jsonl otherwise.
pub(crate) fn resolve(f: Option<Format>) -> Format {
    f.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Jsonl })
}

/// Table columns per resource.
pub(crate) fn columns(resource: &str) -> &'static [&'static str] {
    match resource {
        "tickets" => &["id", "status", "priority", "subject", "updated_at"],
        "comments" => &["id", "ticket_id", "is_private", "direction", "body"],
        "contacts" => &["id", "name", "email", "account_id"],
        "accounts" => &["id", "name", "domains"],
        "tags" => &["id", "name", "color"],
        "teams" => &["id", "name", "member_ids"],
        "users" => &["id", "name", "email", "is_active"],
        "fields" => &["resource", "key", "label", "field_type", "options"],
        "mirror" => {
            &["account", "resource", "records", "tombstones", "last_sync", "lag_seconds", "in_progress", "last_error"]
        }
        _ => &["id"],
    }
}

/// One table cell: control characters escaped, one line, at most [`CELL_WIDTH`] characters.
pub(crate) fn cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // Lists of options (`[{"value": …}]`) read as their values.
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.get("value").is_some()) => items
            .iter()
            .map(|i| match &i["value"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    one_line(&s, CELL_WIDTH)
}

/// Writes `text` and a newline to stdout.
pub(crate) fn line(text: impl std::fmt::Display) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).map_err(CliError::stdout)
}

/// Prints `key: value` lines for scripts to read (a simulator's address and keys).
/// Write errors are ignored: a reader that closes the pipe after the first line
/// (`unidesk sim | head -1`) must not take the server down with it.
#[cfg_attr(not(feature = "sim"), allow(dead_code))]
pub(crate) fn announce(lines: &[(&str, &str)]) {
    let mut out = std::io::stdout().lock();
    for (k, v) in lines {
        let _ = writeln!(out, "{k}: {v}");
    }
    let _ = out.flush();
}

/// Prints one record (`get`, writes): a table is shown as JSON.
pub(crate) fn record<T: Serialize>(format: Format, record: T) -> Result<(), CliError> {
    let format = if format == Format::Table { Format::Json } else { format };
    print(&[record], format, "", None)
}

/// Prints records in `format`.
pub(crate) fn print<T: Serialize>(
    records: &[T],
    format: Format,
    resource: &str,
    next_cursor: Option<&str>,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let values: Vec<Value> =
        records.iter().map(serde_json::to_value).collect::<Result<_, _>>().map_err(CliError::other)?;
    match format {
        Format::Jsonl => {
            for v in &values {
                writeln!(out, "{v}").map_err(CliError::stdout)?;
            }
        }
        Format::Json => {
            let doc = if resource.is_empty() {
                values.into_iter().next().unwrap_or(Value::Null)
            } else {
                serde_json::json!({ "items": values, "next_cursor": next_cursor })
            };
            let text = serde_json::to_string_pretty(&doc).map_err(CliError::other)?;
            writeln!(out, "{text}").map_err(CliError::stdout)?;
        }
        Format::Table => {
            let cols = columns(resource);
            let mut t = Table::new();
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(cols.to_vec());
            for v in &values {
                t.add_row(cols.iter().map(|c| cell(&v[*c])).collect::<Vec<_>>());
            }
            writeln!(out, "{t}").map_err(CliError::stdout)?;
        }
    }
    out.flush().map_err(CliError::stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_escape_control_characters() {
        let subject = Value::String("Refund\u{1b}[2J\u{1b}]0;owned\u{7}\nsecond line".into());
        let c = cell(&subject);
        assert!(!c.chars().any(char::is_control), "{c:?}");
        assert!(c.starts_with("Refund\\u{1b}[2J"), "{c}");
        let long = cell(&Value::String("y".repeat(200)));
        assert_eq!(long.chars().count(), CELL_WIDTH + 1);
    }
}
