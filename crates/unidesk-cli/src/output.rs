//! Printing records as a table, JSON or JSON lines.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table};
use serde::Serialize;
use serde_json::Value;

use crate::cli::Format;
use crate::run::CliError;

/// The format to use: the one asked for, else table on a terminal and jsonl otherwise.
pub fn resolve(f: Option<Format>) -> Format {
    f.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Jsonl })
}

/// Table columns per resource.
pub fn columns(resource: &str) -> &'static [&'static str] {
    match resource {
        "tickets" => &["id", "status", "priority", "subject", "updated_at"],
        "comments" => &["id", "ticket_id", "is_private", "direction", "body"],
        "contacts" => &["id", "name", "email", "account_id"],
        "accounts" => &["id", "name", "domains"],
        "tags" => &["id", "name", "color"],
        "teams" => &["id", "name", "member_ids"],
        "users" => &["id", "name", "email", "is_active"],
        _ => &["id"],
    }
}

fn cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 60 { format!("{}…", s.chars().take(59).collect::<String>()) } else { s }
}

/// Prints records in `format`.
pub fn print<T: Serialize>(
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
                writeln!(out, "{v}").map_err(CliError::other)?;
            }
        }
        Format::Json => {
            let doc = if resource.is_empty() {
                values.into_iter().next().unwrap_or(Value::Null)
            } else {
                serde_json::json!({ "items": values, "next_cursor": next_cursor })
            };
            writeln!(out, "{}", serde_json::to_string_pretty(&doc).map_err(CliError::other)?)
                .map_err(CliError::other)?;
        }
        Format::Table => {
            let cols = columns(resource);
            let mut t = Table::new();
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(cols.to_vec());
            for v in &values {
                t.add_row(cols.iter().map(|c| cell(&v[*c])).collect::<Vec<_>>());
            }
            writeln!(out, "{t}").map_err(CliError::other)?;
        }
    }
    Ok(())
}
