//! The [`Store`] trait every mirror destination implements, and the values it keeps.
//!
//! A store holds, per (account, resource): the records (live ones and tombstones) and one
//! [`Checkpoint`]. The one rule every store keeps: **a batch of records and the checkpoint
//! that covers them commit together** ([`Store::commit`]), so a crash at any point leaves a
//! checkpoint that covers exactly what is stored, and the next run resumes from it without
//! loss or duplication.
//!
//! Stores: [`jsonl::JsonlStore`] (a folder of `<resource>.jsonl` files, one account),
//! [`sqlite::SqliteStore`] (the embedded default), and Postgres (see [`crate::spec`]).

pub mod jsonl;
pub mod postgres;
pub mod rows;
pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unidesk_core::{AnyRecord, Resource};

use crate::error::Result;

/// The filter a user asked for; a pass resumes only under the same filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Only records updated at or after this instant.
    #[serde(default)]
    pub updated_after: Option<DateTime<Utc>>,
    /// Also list the records the provider reports deleted.
    #[serde(default)]
    pub include_deleted: bool,
}

impl Filter {
    /// No filter: every live record (the only passes that reconcile deletions by absence).
    pub fn is_empty(&self) -> bool {
        self.updated_after.is_none() && !self.include_deleted
    }
}

/// What a pass lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassKind {
    /// Everything (under the user's filter).
    #[default]
    Full,
    /// Only what changed since the previous pass's high-water mark.
    Incremental,
}

/// The progress of one (account, resource), committed with the records it covers.
///
/// A pass is one listing of the resource from its first page to its last. `generation`
/// counts passes: 0 is the first. The engine ([`crate::Mirror`]) fills every field; a store
/// keeps it as given (a store may keep more of its own, like the JSONL file length).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The pass number (0: the first pass).
    #[serde(default)]
    pub generation: u64,
    /// Full or incremental.
    #[serde(default)]
    pub kind: PassKind,
    /// The user's filter this pass runs under.
    #[serde(default)]
    pub filter: Filter,
    /// The `updated_after` the listing uses: the filter's, or the incremental lower bound.
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Whether the listing asks for deleted records (the filter's, or an incremental pass on
    /// an adapter that lists deletions).
    #[serde(default)]
    pub include_deleted: bool,
    /// At the end of the pass, records of this (account, resource) the pass did not list
    /// become tombstones (only full passes without a filter).
    #[serde(default)]
    pub reconcile: bool,
    /// Where the listing continues; `None` before the first page and after the last.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Records this pass has committed.
    #[serde(default)]
    pub records: u64,
    /// The id of the last record committed (a store may check its content against it).
    #[serde(default)]
    pub last_id: Option<String>,
    /// The listing reached its last page.
    #[serde(default)]
    pub listed: bool,
    /// The pass is complete (listed, and deletions reconciled).
    #[serde(default)]
    pub done: bool,
    /// Tombstones the store holds for this (account, resource), as of the last finished pass.
    #[serde(default)]
    pub tombstones: u64,
    /// The latest `updated_at` of any record committed, over every pass.
    #[serde(default)]
    pub high_water: Option<DateTime<Utc>>,
    /// When this pass started (the engine's clock).
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// When the last pass completed.
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Where the next incremental pass starts (`updated_after`), set when a pass completes.
    #[serde(default)]
    pub next_since: Option<DateTime<Utc>>,
}

/// What a store says when a pass is opened ([`Store::open_pass`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassStart {
    /// The checkpoint to continue from: the one given, or a reset one when the store found
    /// its content did not match (then `notes` says why).
    pub checkpoint: Checkpoint,
    /// Things the user should know (`trimming 311 bytes past the checkpoint`).
    pub notes: Vec<String>,
}

/// What [`Store::finish_pass`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Records gone since the previous pass, tombstoned now.
    pub new_tombstones: u64,
    /// Tombstones the store holds for the (account, resource) now.
    pub tombstones: u64,
}

/// One change from a webhook (or any single-record source), applied by [`Store::apply`].
#[derive(Debug, Clone, PartialEq)]
// Changes are few and short-lived (one webhook delivery): a record inline reads better than a box.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    /// The record as it is now (created or updated). A record with `remote_was_deleted` is a
    /// tombstone.
    Upsert(AnyRecord),
    /// The record was deleted at the provider.
    Delete {
        /// Its resource.
        resource: Resource,
        /// Its id.
        id: String,
        /// When it was deleted, when the event says.
        at: Option<DateTime<Utc>>,
    },
}

/// What [`Store::apply`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Changes that changed the store.
    pub changed: u64,
    /// Changes the store already held (a replay, or older than what it holds).
    pub unchanged: u64,
}

/// What a store can do beyond the common surface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCapabilities {
    /// Records are keyed by id and can be upserted: incremental passes and [`Store::apply`]
    /// work. Without it (the JSONL folder, an append-only snapshot) every new pass is full.
    pub upsert: bool,
}

/// The state of one (account, resource), for `unidesk mirror status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceStatus {
    /// The account.
    pub account: String,
    /// The resource.
    pub resource: Resource,
    /// Live records stored.
    pub records: u64,
    /// Tombstones stored.
    pub tombstones: u64,
    /// When the last pass completed.
    pub last_sync: Option<DateTime<Utc>>,
    /// The latest `updated_at` stored.
    pub high_water: Option<DateTime<Utc>>,
    /// A pass is under way (or was interrupted and will resume).
    pub in_progress: bool,
    /// The current pass number.
    pub generation: u64,
    /// The last failure since the last completed pass, when there was one.
    pub last_error: Option<String>,
    /// When that failure happened.
    pub last_error_at: Option<DateTime<Utc>>,
}

impl ResourceStatus {
    /// Seconds between the last completed pass and `now` (`None` before the first).
    pub fn lag_seconds(&self, now: DateTime<Utc>) -> Option<i64> {
        self.last_sync.map(|t| (now - t).num_seconds().max(0))
    }
}

/// A mirror destination. Object safe: hold a `Box<dyn Store>` chosen at run time.
///
/// The engine calls, per (account, resource) and pass: [`Store::checkpoint`], then
/// [`Store::open_pass`], then [`Store::commit`] once per page, then [`Store::finish_pass`].
/// Only [`Store::commit`] and [`Store::finish_pass`] change records, each in one commit with
/// the checkpoint.
#[async_trait]
pub trait Store: Send + Sync {
    /// A short description for messages (`sqlite:./mirror.db`; never a password).
    fn describe(&self) -> String;

    /// What the store can do.
    fn capabilities(&self) -> StoreCapabilities;

    /// The committed checkpoint of (account, resource); `None` when it was never synced.
    async fn checkpoint(&self, account: &str, resource: Resource) -> Result<Option<Checkpoint>>;

    /// Prepares a pass from `checkpoint` (a new pass, or one to resume; a done one is only
    /// checked): the store checks what it holds against it and commits it. Returns the
    /// checkpoint to continue from.
    async fn open_pass(&self, account: &str, resource: Resource, checkpoint: &Checkpoint) -> Result<PassStart>;

    /// Writes `records` (a page, in listing order) and `checkpoint`, which covers them, in one
    /// commit: after a crash either both are stored or neither. Records already stored are
    /// replaced (an older `updated_at` never replaces a newer one).
    async fn commit(
        &self,
        account: &str,
        resource: Resource,
        records: &[AnyRecord],
        checkpoint: &Checkpoint,
    ) -> Result<()>;

    /// Ends a listed pass: when `checkpoint.reconcile`, every record of (account, resource)
    /// the pass did not list becomes a tombstone (`remote_was_deleted`); then `checkpoint`
    /// (marked done) is committed, in the same commit.
    async fn finish_pass(&self, account: &str, resource: Resource, checkpoint: &Checkpoint) -> Result<Reconciled>;

    /// Applies single changes (webhook events) idempotently: a replay, or a change older than
    /// what the store holds, changes nothing. All of `changes` commit together.
    async fn apply(&self, account: &str, changes: &[Change]) -> Result<Applied>;

    /// Remembers that a pass of (account, resource) failed (shown by [`Store::status`] until
    /// a pass completes).
    async fn record_error(&self, account: &str, resource: Resource, message: &str) -> Result<()>;

    /// Every (account, resource) the store holds, in account then resource order.
    async fn status(&self) -> Result<Vec<ResourceStatus>>;
}
