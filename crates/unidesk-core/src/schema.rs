//! JSON Schemas of the normalized models, generated from the code.
//!
//! `schemas/*.schema.json` at the repository root are these, pretty-printed.
//! Regenerate them with `cargo run -p unidesk-cli -- schema --out schemas`.

use schemars::JsonSchema;

use crate::event::Event;
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};

/// The one command that regenerates the checked-in schema files.
pub const REGENERATE_COMMAND: &str = "cargo run -p unidesk-cli -- schema --out schemas";

fn render<T: JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

/// Every schema file: (file name, pretty JSON text ending with a newline).
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("ticket.schema.json", render::<Ticket>()),
        ("comment.schema.json", render::<Comment>()),
        ("contact.schema.json", render::<Contact>()),
        ("account.schema.json", render::<Account>()),
        ("tag.schema.json", render::<Tag>()),
        ("team.schema.json", render::<Team>()),
        ("user.schema.json", render::<User>()),
        ("event.schema.json", render::<Event>()),
    ]
}
