//! Command-line syntax. Names here are a contract: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Normalized helpdesk data from Kustomer, or from the embedded simulator.
#[derive(Debug, Parser)]
#[command(name = "unidesk", version, about)]
pub struct Cli {
    /// Start the embedded Kustomer simulator for this run (no account or key needed).
    #[arg(long, global = true)]
    pub sim: bool,
    /// Kustomer API base URL (simulator, regional host).
    #[arg(long, env = "KUSTOMER_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Kustomer org name: `https://ORG.api.kustomerapp.com`.
    #[arg(long, env = "KUSTOMER_ORG", global = true)]
    pub org: Option<String>,
    /// Kustomer API key.
    #[arg(long, env = "KUSTOMER_API_KEY", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// Output format (default: table on a terminal, jsonl otherwise).
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A human-readable table.
    Table,
    /// One JSON document.
    Json,
    /// One JSON record per line.
    Jsonl,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tickets (Kustomer conversations).
    Tickets(ResourceArgs<TicketWrite>),
    /// Comments (messages and notes).
    Comments(ResourceArgs<CommentWrite>),
    /// Contacts (customers).
    Contacts(ResourceArgs<ContactWrite>),
    /// Accounts (companies).
    Accounts(ResourceArgs<NoWrite>),
    /// Tags.
    Tags(ResourceArgs<NoWrite>),
    /// Teams.
    Teams(ResourceArgs<NoWrite>),
    /// Users.
    Users(ResourceArgs<NoWrite>),
    /// Stream every resource to `DIR/<resource>.jsonl`, resumably.
    Sync(SyncArgs),
    /// Serve the Kustomer simulator in the foreground.
    Sim(SimArgs),
    /// Print which operations the adapter supports.
    Capabilities,
    /// Write the JSON Schemas of the normalized models.
    Schema {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

/// A resource's subcommands.
#[derive(Debug, Args)]
pub struct ResourceArgs<W: Subcommand> {
    /// The operation.
    #[command(subcommand)]
    pub op: ResourceOp<W>,
}

/// Operations on a resource.
#[derive(Debug, Subcommand)]
pub enum ResourceOp<W: Subcommand> {
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
pub struct ListArgs {
    /// Records per page.
    #[arg(long)]
    pub page_size: Option<u32>,
    /// Continue from this cursor.
    #[arg(long)]
    pub cursor: Option<String>,
    /// Follow cursors to the end.
    #[arg(long)]
    pub all: bool,
    /// Only records updated at or after this RFC 3339 time.
    #[arg(long)]
    pub updated_after: Option<String>,
    /// Comments: only those of this ticket.
    #[arg(long)]
    pub ticket: Option<String>,
    /// Tickets: only those of this contact.
    #[arg(long)]
    pub contact: Option<String>,
    /// Include the provider's raw record.
    #[arg(long)]
    pub remote_data: bool,
}

/// No writes for this resource.
#[derive(Debug, Subcommand)]
pub enum NoWrite {}

/// A JSON input: a file path, or `-` for stdin.
#[derive(Debug, Args)]
pub struct JsonInput {
    /// The JSON input file, or - for stdin.
    #[arg(long)]
    pub json: String,
}

/// Ticket writes.
#[derive(Debug, Subcommand)]
pub enum TicketWrite {
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
pub enum CommentWrite {
    /// Create a comment from CommentCreate JSON.
    Create(JsonInput),
}

/// Contact writes.
#[derive(Debug, Subcommand)]
pub enum ContactWrite {
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
pub struct SyncArgs {
    /// Output folder (created with its parents when missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Only records updated at or after this RFC 3339 time.
    #[arg(long)]
    pub updated_after: Option<String>,
    /// Records per page.
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    /// Stop after this many pages in total (to test resuming).
    #[arg(long, hide = true)]
    pub max_pages: Option<u64>,
    /// No progress bars.
    #[arg(long)]
    pub quiet: bool,
    /// When another sync holds the folder, wait for it to end instead of failing at once.
    #[arg(long)]
    pub wait: bool,
}

/// `sim` options.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port to listen on (0 = any).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Data seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Conversations to generate.
    #[arg(long, default_value_t = 2000)]
    pub conversations: usize,
    /// Requests per minute.
    #[arg(long, default_value_t = 1000)]
    pub rate_limit: u32,
    /// Share of requests that fail with injected faults.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
}
