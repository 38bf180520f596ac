//! `unidesk kustomer …`: Kustomer's own objects, outside the normalized model (notes, klasses
//! and KObjects, sub-statuses, the audit log, outbound webhooks, reply drafts). Syntax here,
//! execution in `exec`. Names are a contract: add, never rename.

mod exec;

use clap::{Args, Subcommand};

pub(crate) use exec::run;

use crate::input::JsonInput;

/// `kustomer` subcommands.
#[derive(Debug, Args)]
pub(crate) struct KustomerArgs {
    /// The area.
    #[command(subcommand)]
    pub(crate) area: Area,
}

/// Kustomer areas.
#[derive(Debug, Subcommand)]
pub(crate) enum Area {
    /// Notes: a customer's notes; update or delete any note.
    Notes {
        /// The operation.
        #[command(subcommand)]
        op: NotesOp,
    },
    /// Klasses: custom object types.
    Klasses {
        /// The operation.
        #[command(subcommand)]
        op: CrudOp,
    },
    /// KObjects: the custom objects of a klass.
    Kobjects {
        /// The operation.
        #[command(subcommand)]
        op: KObjectsOp,
    },
    /// Sub-statuses.
    Substatuses {
        /// The operation.
        #[command(subcommand)]
        op: CrudOp<SubStatusListing>,
    },
    /// The org's audit log.
    Audit {
        /// The operation.
        #[command(subcommand)]
        op: AuditOp,
    },
    /// Outbound webhook subscriptions.
    Webhooks {
        /// On create: write the signing token (returned only then) to this file, readable by
        /// its owner only. It is never printed.
        #[arg(long, value_name = "FILE")]
        token_out: Option<std::path::PathBuf>,
        /// The operation.
        #[command(subcommand)]
        op: CrudOp,
    },
    /// Reply drafts.
    Drafts {
        /// The operation.
        #[command(subcommand)]
        op: DraftsOp,
    },
}

/// Paging options of a listing.
#[derive(Debug, Clone, Args)]
pub(crate) struct Paging {
    /// Records per page.
    #[arg(long)]
    pub(crate) page_size: Option<u32>,
    /// Continue from this cursor.
    #[arg(long)]
    pub(crate) cursor: Option<String>,
    /// Follow cursors to the end.
    #[arg(long)]
    pub(crate) all: bool,
}

/// Notes operations.
#[derive(Debug, Subcommand)]
pub(crate) enum NotesOp {
    /// List a customer's notes.
    List {
        /// The customer.
        #[arg(long)]
        customer: String,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Change a note with NoteUpdate JSON (`{"body": "…"}`).
    Update {
        /// The note id.
        id: String,
        /// The change.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Delete a note.
    Delete {
        /// The note id.
        id: String,
    },
}

/// List, get, create, update, delete of records with JSON input; `L` is what a listing takes.
#[derive(Debug, Subcommand)]
pub(crate) enum CrudOp<L: Args = Paging> {
    /// List them.
    List {
        /// What to list.
        #[command(flatten)]
        listing: L,
    },
    /// Fetch one.
    Get {
        /// The id.
        id: String,
    },
    /// Create one from JSON.
    Create(JsonInput),
    /// Change one with JSON.
    Update {
        /// The id.
        id: String,
        /// The change.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Delete one.
    Delete {
        /// The id.
        id: String,
    },
}

/// KObject operations.
#[derive(Debug, Subcommand)]
pub(crate) enum KObjectsOp {
    /// List the KObjects of a klass (all, a customer's, or a company's).
    List {
        /// The klass name (`order`).
        klass: String,
        /// Only this customer's.
        #[arg(long, conflicts_with = "company")]
        customer: Option<String>,
        /// Only this company's.
        #[arg(long)]
        company: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Fetch one.
    Get {
        /// The klass name.
        klass: String,
        /// The KObject id.
        id: String,
    },
    /// Create one from KObjectInput JSON.
    Create {
        /// The klass name.
        klass: String,
        /// The KObject.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Change one with KObjectInput JSON.
    Update {
        /// The klass name.
        klass: String,
        /// The KObject id.
        id: String,
        /// The change.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Delete one.
    Delete {
        /// The klass name.
        klass: String,
        /// The KObject id.
        id: String,
    },
}

/// What a sub-status listing takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct SubStatusListing {
    /// Only those of this resource type (`conversation`, `kobject`).
    #[arg(long)]
    pub(crate) resource_type: Option<String>,
    /// Paging.
    #[command(flatten)]
    pub(crate) paging: Paging,
}

/// Audit log operations.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditOp {
    /// List audit events, newest first.
    List {
        /// Only events at or after this RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        /// Only events before this RFC 3339 time.
        #[arg(long)]
        until: Option<String>,
        /// Only changes to this object type (`conversation`, `customer`, `kobject.order`…).
        #[arg(long = "type")]
        object_type: Option<String>,
        /// Only this event name (`kustomer.conversation.update`; repeatable).
        #[arg(long = "event")]
        events: Vec<String>,
        /// Only changes to this object.
        #[arg(long)]
        object: Option<String>,
        /// Only changes by this user (id).
        #[arg(long = "by-user")]
        user: Option<String>,
        /// Events per page (1–100).
        #[arg(long)]
        page_size: Option<u32>,
        /// Continue from this cursor.
        #[arg(long)]
        cursor: Option<String>,
        /// Follow cursors to the end.
        #[arg(long)]
        all: bool,
    },
}

/// Draft operations.
#[derive(Debug, Subcommand)]
pub(crate) enum DraftsOp {
    /// List a conversation's drafts (or a customer's, with --customer).
    List {
        /// The conversation.
        #[arg(required_unless_present = "customer")]
        conversation: Option<String>,
        /// A customer's drafts instead.
        #[arg(long, conflicts_with = "conversation")]
        customer: Option<String>,
        /// Paging.
        #[command(flatten)]
        paging: Paging,
    },
    /// Fetch one.
    Get {
        /// The draft id.
        id: String,
    },
    /// Create a draft for a customer from DraftInput JSON (`conversation_id`, `channel`, `body`…).
    Create {
        /// The customer it goes to.
        #[arg(long)]
        customer: String,
        /// The draft.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Change a draft with DraftInput JSON.
    Update {
        /// The draft id.
        id: String,
        /// The change.
        #[command(flatten)]
        input: JsonInput,
    },
    /// Delete a draft.
    Delete {
        /// The draft id.
        id: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_kustomer_and_raw_commands_fit_every_providers_flags() {
        // clap checks flag names across the whole tree (a `--user` here would clash with RT's).
        let mut command = crate::cli::Cli::command();
        for p in crate::providers::REGISTRY {
            command = command.args((p.args)());
        }
        command.clone().debug_assert();
        let parsed = command.try_get_matches_from([
            "unidesk",
            "kustomer",
            "audit",
            "list",
            "--type",
            "conversation",
            "--event",
            "kustomer.conversation.update",
            "--since",
            "2026-11-01T00:00:00Z",
            "--by-user",
            "u1",
            "--all",
        ]);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
