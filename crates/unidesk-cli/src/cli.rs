//! Command-line syntax. Names here are a contract: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::JsonInput;

/// Normalized helpdesk data from any provider (Kustomer by default), or from an embedded simulator.
#[derive(Debug, Parser)]
#[command(name = "unidesk", version, about)]
pub(crate) struct Cli {
    /// Which helpdesk to talk to (`unidesk providers` lists them).
    #[arg(long, env = "UNIDESK_PROVIDER", default_value = "kustomer", global = true)]
    pub(crate) provider: String,
    /// Start the provider's embedded simulator for this run (no account or key needed).
    #[arg(long, global = true)]
    pub(crate) sim: bool,
    /// The provider's API base URL (a regional host, a simulator). Env: KUSTOMER_BASE_URL.
    #[arg(long, global = true)]
    pub(crate) base_url: Option<String>,
    /// The provider's API token; never printed. Env: KUSTOMER_API_KEY.
    #[arg(long, global = true)]
    pub(crate) token: Option<String>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum, global = true)]
    pub(crate) format: Option<Format>,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A human-readable table.
    Table,
    /// One JSON document.
    Json,
    /// One JSON record per line.
    Jsonl,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Tickets.
    Tickets(ResourceArgs<TicketWrite>),
    /// Comments (replies and notes).
    Comments(ResourceArgs<CommentWrite>),
    /// Contacts.
    Contacts(ResourceArgs<ContactWrite>),
    /// Accounts.
    Accounts(ResourceArgs<NoWrite>),
    /// Tags.
    Tags(ResourceArgs<NoWrite>),
    /// Teams.
    Teams(ResourceArgs<NoWrite>),
    /// Users.
    Users(ResourceArgs<NoWrite>),
    /// Stream every resource to `DIR/<resource>.jsonl` (--out) or a database (--to), resumably.
    Sync(SyncArgs),
    /// The mirror in a database: its state per account and resource.
    Mirror(MirrorArgs),
    /// Run the sync jobs of an accounts file from a Postgres mirror, alongside other workers.
    Worker(WorkerArgs),
    /// Keep a mirror fresh: receive the providers' webhooks and poll every account.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Serve the provider's simulator in the foreground.
    Sim(SimArgs),
    /// Print which operations the adapter supports.
    Capabilities,
    /// List the providers this binary can talk to, with a capability summary.
    Providers,
    /// Custom-field definitions (keys, labels, types, options).
    Fields(FieldsArgs),
    /// Attachment content.
    Attachments(AttachmentsArgs),
    /// Kustomer's own objects: notes, klasses and KObjects, sub-statuses, audit log, webhooks,
    /// drafts (--provider kustomer).
    #[cfg(feature = "kustomer")]
    Kustomer(crate::kustomer_cmd::KustomerArgs),
    /// Send one request to the provider's API (its passthrough) and print the response body.
    Raw(RawArgs),
    /// Write the JSON Schemas of the normalized models.
    Schema {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `fields` subcommands.
#[derive(Debug, Args)]
pub(crate) struct FieldsArgs {
    /// The operation.
    #[command(subcommand)]
    pub(crate) op: FieldsOp,
}

/// Operations on field definitions.
#[derive(Debug, Subcommand)]
pub(crate) enum FieldsOp {
    /// List the definitions (of every described resource, or of one).
    List {
        /// Only this resource's fields (`tickets`, `contacts`, `accounts`, `comments`).
        #[arg(long)]
        resource: Option<String>,
    },
}

/// `attachments` subcommands.
#[derive(Debug, Args)]
pub(crate) struct AttachmentsArgs {
    /// The operation.
    #[command(subcommand)]
    pub(crate) op: AttachmentsOp,
}

/// Operations on attachments.
#[derive(Debug, Subcommand)]
pub(crate) enum AttachmentsOp {
    /// Stream an attachment's content (the id a comment's `attachments` lists) to a file.
    Download {
        /// The attachment id.
        id: String,
        /// The file to write (replaced only once the whole content has arrived).
        #[arg(long)]
        out: PathBuf,
    },
}

/// A resource's subcommands.
#[derive(Debug, Args)]
pub(crate) struct ResourceArgs<W: Subcommand> {
    /// The operation.
    #[command(subcommand)]
    pub(crate) op: ResourceOp<W>,
}

/// Operations on a resource.
#[derive(Debug, Subcommand)]
pub(crate) enum ResourceOp<W: Subcommand> {
    /// List records (one page, or all with --all).
    List(ListArgs),
    /// Fetch one record by id.
    Get {
        /// The record id.
        id: String,
        /// Include the provider's raw record.
        #[arg(long)]
        remote_data: bool,
    },
    /// Writes.
    #[command(flatten)]
    Write(W),
}

/// Listing options.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Records per page.
    #[arg(long)]
    pub(crate) page_size: Option<u32>,
    /// Continue from this cursor.
    #[arg(long)]
    pub(crate) cursor: Option<String>,
    /// Follow cursors to the end.
    #[arg(long)]
    pub(crate) all: bool,
    /// Only records updated at or after this RFC 3339 time.
    #[arg(long)]
    pub(crate) updated_after: Option<String>,
    /// Comments: only those of this ticket.
    #[arg(long)]
    pub(crate) ticket: Option<String>,
    /// Tickets: only those of this contact.
    #[arg(long)]
    pub(crate) contact: Option<String>,
    /// Include the provider's raw record.
    #[arg(long)]
    pub(crate) remote_data: bool,
    /// Also list records the provider reports deleted, marked `remote_was_deleted`.
    #[arg(long)]
    pub(crate) include_deleted: bool,
}

/// No writes for this resource.
#[derive(Debug, Subcommand)]
pub(crate) enum NoWrite {}

/// Ticket writes.
#[derive(Debug, Subcommand)]
pub(crate) enum TicketWrite {
    /// Create a ticket from TicketCreate JSON.
    Create(JsonInput),
    /// Patch a ticket with TicketUpdate JSON.
    Update {
        /// The ticket id.
        id: String,
        /// The patch.
        #[command(flatten)]
        input: JsonInput,
    },
}

/// Comment writes.
#[derive(Debug, Subcommand)]
pub(crate) enum CommentWrite {
    /// Create a comment from CommentCreate JSON, with files attached by --attach.
    Create {
        /// The comment.
        #[command(flatten)]
        input: JsonInput,
        /// A file to attach (repeatable); its name is the file's, its type guessed from the
        /// extension.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
}

/// Contact writes.
#[derive(Debug, Subcommand)]
pub(crate) enum ContactWrite {
    /// Create a contact from ContactCreate JSON.
    Create(JsonInput),
    /// Patch a contact with ContactUpdate JSON.
    Update {
        /// The contact id.
        id: String,
        /// The patch.
        #[command(flatten)]
        input: JsonInput,
    },
}

/// `sync` options.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Output folder of JSONL files (created with its parents when missing).
    #[arg(long, required_unless_present = "to", conflicts_with = "to")]
    pub(crate) out: Option<PathBuf>,
    /// A database to mirror into instead: sqlite:PATH (created when missing) or postgres://…
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// The account name the records are stored under (with --to).
    #[arg(long, default_value = "default")]
    pub(crate) account: String,
    /// With --to: a full pass (reconciling deletions) even when an incremental one would do.
    #[arg(long)]
    pub(crate) full: bool,
    /// Only records updated at or after this RFC 3339 time.
    #[arg(long)]
    pub(crate) updated_after: Option<String>,
    /// Records per page.
    #[arg(long, default_value_t = 100)]
    pub(crate) page_size: u32,
    /// Stop after this many pages in total (to test resuming).
    #[arg(long, hide = true)]
    pub(crate) max_pages: Option<u64>,
    /// No progress bars.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// When another sync holds the folder, wait for it to end instead of failing at once.
    #[arg(long)]
    pub(crate) wait: bool,
    /// Also list records the provider reports deleted, marked `remote_was_deleted`.
    #[arg(long)]
    pub(crate) include_deleted: bool,
    /// Sync every account of this accounts file (TOML; docs/mirror.md) into --to, instead of
    /// the one the provider flags name.
    #[arg(long, requires = "to")]
    pub(crate) accounts: Option<PathBuf>,
    /// With --accounts: accounts (SQLite) or jobs (Postgres) synced at once.
    #[arg(long, default_value_t = 4)]
    pub(crate) concurrency: usize,
}

/// `worker` options.
#[derive(Debug, Args)]
pub(crate) struct WorkerArgs {
    /// The Postgres database holding the mirror and its jobs (postgres://…).
    #[arg(long)]
    pub(crate) to: String,
    /// The accounts file (TOML; docs/mirror.md): the accounts whose jobs this worker runs.
    #[arg(long)]
    pub(crate) accounts: PathBuf,
    /// Jobs run at once by this worker.
    #[arg(long, default_value_t = 4)]
    pub(crate) concurrency: usize,
    /// Seconds a claimed job stays this worker's without renewal (renewed every third of it);
    /// a worker that dies loses its jobs to the others after this long.
    #[arg(long, default_value_t = 30)]
    pub(crate) lease: u64,
    /// Seconds after a job finishes before it is due again (an incremental sync); 0: never.
    #[arg(long, default_value_t = 300)]
    pub(crate) every: u64,
    /// Exit once no job is pending, running anywhere, or waiting for a retry.
    #[arg(long)]
    pub(crate) drain: bool,
    /// The name this worker claims under [default: host-pid-suffix].
    #[arg(long)]
    pub(crate) worker_id: Option<String>,
    /// Records per page.
    #[arg(long, default_value_t = 100)]
    pub(crate) page_size: u32,
    /// No line per job on stderr.
    #[arg(long)]
    pub(crate) quiet: bool,
}

/// `serve` options.
#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The database to keep fresh: sqlite:PATH or postgres://…
    #[arg(long)]
    pub(crate) to: String,
    /// Serve every account of this accounts file (TOML; docs/mirror.md), each verified with its
    /// own webhook secret, instead of the one account the provider flags name.
    #[arg(long)]
    pub(crate) accounts: Option<PathBuf>,
    /// The account's name in the store and the webhook URL (without --accounts).
    #[arg(long, default_value = "default")]
    pub(crate) account: String,
    /// The webhook signing secret (without --accounts; Kustomer: the webhook's token); never printed.
    #[arg(long, env = "UNIDESK_WEBHOOK_SECRET", hide_env_values = true)]
    pub(crate) webhook_secret: Option<String>,
    /// How often every account is synced incrementally, to catch missed events (30s, 5m, 1h; off).
    #[arg(long, default_value = "5m")]
    pub(crate) poll: String,
    /// The address to listen on (put TLS in front of it: docs/mirror.md).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) listen: String,
    /// Records per page for the polls.
    #[arg(long, default_value_t = 100)]
    pub(crate) page_size: u32,
    /// On shutdown, seconds a poll under way may take to finish (it resumes from its checkpoint).
    #[arg(long, default_value_t = 30)]
    pub(crate) grace: u64,
    /// Accounts polled at once, at most.
    #[arg(long, default_value_t = 4)]
    pub(crate) concurrency: usize,
    /// No line per poll on stderr (failures are still shown).
    #[arg(long)]
    pub(crate) quiet: bool,
}

/// `mirror` subcommands.
#[derive(Debug, Args)]
pub(crate) struct MirrorArgs {
    /// The operation.
    #[command(subcommand)]
    pub(crate) op: MirrorOp,
}

/// Operations on a mirror.
#[derive(Debug, Subcommand)]
pub(crate) enum MirrorOp {
    /// Per account and resource: records, tombstones, last sync, lag, errors.
    Status {
        /// The database: sqlite:PATH or postgres://…
        #[arg(long)]
        to: String,
    },
}

/// `sim` options.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Port to listen on (0 = any).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Data seed.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Conversations (Kustomer) or tickets (Zendesk) to generate.
    #[arg(long, visible_alias = "tickets", default_value_t = 2000)]
    pub(crate) conversations: usize,
    /// Requests per minute.
    #[arg(long, default_value_t = 1000)]
    pub(crate) rate_limit: u32,
    /// Share of requests that fail with injected faults.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) fault_rate: f64,
    /// Orgs to host in this process, each with its own data seed (`--seed` plus its index),
    /// keys and rate limit, served under `/org-001`, `/org-002`…
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) orgs: u16,
    /// Also write an accounts file for `sync --accounts` naming every org (each key in a file
    /// of its own, in a `<FILE>.keys` folder next to it).
    #[arg(long, value_name = "FILE")]
    pub(crate) write_accounts: Option<PathBuf>,
}

/// `raw` arguments.
#[derive(Debug, Args)]
pub(crate) struct RawArgs {
    /// The HTTP method: GET, HEAD, POST, PUT, PATCH or DELETE.
    pub(crate) method: String,
    /// The API path (`/v1/klasses/order`); query parameters go in --query.
    pub(crate) path: String,
    /// A query parameter `KEY=VALUE` (repeatable).
    #[arg(long = "query", value_name = "KEY=VALUE")]
    pub(crate) query: Vec<String>,
    /// The JSON body: a file, or - for stdin.
    #[arg(long)]
    pub(crate) json: Option<String>,
}
