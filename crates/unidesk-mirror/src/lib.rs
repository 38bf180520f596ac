//! # unidesk-mirror
//!
//! Mirror any `dyn Helpdesk` into a store, resumably: the sync engine ([`Mirror`]) and the
//! stores it writes ([`Store`]: a JSONL folder, SQLite, Postgres).
//!
//! ```no_run
//! # async fn demo(desk: &dyn unidesk_core::Helpdesk) -> unidesk_mirror::Result<()> {
//! use unidesk_mirror::{Mirror, StoreSpec};
//! let store = "sqlite:./mirror.db".parse::<StoreSpec>()?.open().await?;
//! let report = Mirror::new(desk, store.as_ref(), "acme").sync().await?;
//! println!("{} resources synced", report.resources.len());
//! # Ok(()) }
//! ```
//!
//! The guarantees (what one commit covers, what a crash loses) are in `docs/mirror.md`.

pub mod accounts;
pub mod budget;
pub mod engine;
pub mod error;
pub mod jobs;
mod redact;
#[cfg(feature = "serve")]
pub mod serve;
pub mod spec;
pub mod store;

pub use engine::{Event, Mirror, ResourceReport, SyncMode, SyncOptions, SyncReport};
pub use error::{MirrorError, Result};
pub use spec::StoreSpec;
pub use store::jsonl::JsonlStore;
pub use store::postgres::PostgresStore;
pub use store::sqlite::SqliteStore;
pub use store::{
    Applied, Change, Checkpoint, Filter, PassKind, PassStart, Reconciled, ResourceStatus, Store, StoreCapabilities,
};
