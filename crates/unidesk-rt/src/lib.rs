//! # unidesk-rt
//!
//! The Request Tracker 5 adapter for unidesk. [`RtClient`] implements
//! [`unidesk_core::Helpdesk`] over RT's REST 2.0 API (`{web root}/REST/2.0`), authenticated
//! with an RT auth token or a user and password:
//!
//! - tickets through TicketSQL searches ordered by ticket number, with a keyset cursor on it,
//!   and `updated_after` as `LastUpdated >= 'YYYY-MM-DD HH:MM:SS'` (RT's own format, in the
//!   time zone RT reads it in, re-checked locally to the instant);
//! - comments as a ticket's `Create`, `Correspond` and `Comment` transactions, through
//!   TransactionSQL, bodies and files from their attachments;
//! - contacts as unprivileged users, users as privileged users, teams as queues, tags as the
//!   values of a configured custom field; RT has no accounts;
//! - writes checked by reading the record back, because RT answers 200 when it refuses a field;
//! - retries with backoff for idempotent calls ([`retry`]).
//!
//! `docs/mapping-rt.md` has the field-by-field mapping.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use unidesk_core::{HelpdeskExt, ListQuery};
//! # async fn demo() -> unidesk_core::Result<()> {
//! let desk = unidesk_rt::RtClient::builder()
//!     .base_url("https://rt.example.com")
//!     .token(std::env::var("RT_TOKEN").unwrap_or_default())
//!     .build()?;
//! let mut tickets = desk.stream_tickets(ListQuery::new());
//! while let Some(t) = tickets.try_next().await? {
//!     println!("{} {:?} {:?}", t.id, t.status, t.subject);
//! }
//! # Ok(()) }
//! ```

mod client;
mod config;
mod errors;
pub mod map;
mod resources;
pub mod retry;
pub mod sql;
pub mod wire;

pub use client::{MAX_BODY_BYTES, RtClient};
pub use config::{MAX_PAGE_SIZE, RtBuilder};
pub use retry::RetryConfig;

/// The adapter name cursors and errors carry.
pub const ADAPTER: &str = "rt";
