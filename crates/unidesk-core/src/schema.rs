//! JSON Schemas of the normalized models, generated from the code.
//!
//! `schemas/*.schema.json` at the repository root are these, pretty-printed.
//! Regenerate them with `cargo run -p unidesk-cli -- schema --out schemas`.

use schemars::JsonSchema;

use crate::capability::Resource;
use crate::event::Event;
use crate::fields::FieldDefinition;
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};

/// The one command that regenerates the checked-in schema files.
pub const REGENERATE_COMMAND: &str = "cargo run -p unidesk-cli -- schema --out schemas";

fn render<T: JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

impl Resource {
    /// The JSON Schema of this resource's normalized record (pretty JSON ending with a newline).
    pub fn json_schema(self) -> String {
        match self {
            Resource::Ticket => render::<Ticket>(),
            Resource::Comment => render::<Comment>(),
            Resource::Contact => render::<Contact>(),
            Resource::Account => render::<Account>(),
            Resource::Tag => render::<Tag>(),
            Resource::Team => render::<Team>(),
            Resource::User => render::<User>(),
        }
    }

    /// The schema's file name under `schemas/` (`ticket.schema.json`).
    pub fn schema_file(self) -> String {
        format!("{}.schema.json", self.as_str())
    }
}

/// Every schema file: (file name, pretty JSON text ending with a newline).
pub fn all() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Resource::ALL.iter().map(|r| (r.schema_file(), r.json_schema())).collect();
    files.push(("event.schema.json".to_owned(), render::<Event>()));
    files.push(("field_definition.schema.json".to_owned(), render::<FieldDefinition>()));
    files
}
