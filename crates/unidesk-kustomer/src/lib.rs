//! # unidesk-kustomer
//!
//! The Kustomer adapter for unidesk. [`KustomerClient`] implements
//! [`unidesk_core::Helpdesk`] over Kustomer's REST API:
//!
//! - wire types ([`wire`]) and mapping functions ([`map`]), one file per Kustomer resource;
//! - page-number listings and the search API turned into one opaque cursor, with
//!   incremental sync (`updated_after`) that re-windows on `(updated_at, id)` so it
//!   never hits the search API's 100-page cap and never skips or repeats a record;
//! - pacing on `x-ratelimit-*` headers, retries with backoff and jitter ([`retry`]);
//! - writes, a passthrough for raw requests ([`KustomerClient::raw`]), and webhook
//!   parsing with signature checks ([`webhook`]);
//! - typed calls for what the normalized model does not hold ([`extra`]): notes, klasses and
//!   KObjects, sub-statuses, bulk jobs, the audit log, outbound webhooks, lookups, users,
//!   messages, a search builder and reply drafts.
//!
//! ```no_run
//! use unidesk_core::{HelpdeskExt, ListQuery};
//! use futures::TryStreamExt;
//! # async fn demo() -> unidesk_core::Result<()> {
//! let desk = unidesk_kustomer::KustomerClient::builder()
//!     .org("acme")
//!     .api_key(std::env::var("KUSTOMER_API_KEY").unwrap_or_default())
//!     .build()?;
//! let mut tickets = desk.stream_tickets(ListQuery::new().page_size(100));
//! while let Some(ticket) = tickets.try_next().await? {
//!     println!("{} {:?}", ticket.id, ticket.status);
//! }
//! # Ok(()) }
//! ```

mod client;
mod config;
pub mod decode;
mod descriptor;
mod errors;
pub mod extra;
mod list;
pub mod map;
mod passthrough;
mod paths;
pub mod ratelimit;
mod resources;
pub mod retry;
mod team_index;
pub mod webhook;
pub mod wire;

pub use client::{KustomerClient, RawResponse};
pub use config::KustomerBuilder;
pub use passthrough::{RawReply, RawRequest, validate_path};
pub use ratelimit::{RateLimitSnapshot, Wait, WaitReason};
pub use retry::RetryConfig;

/// The adapter name cursors and errors carry.
pub const ADAPTER: &str = "kustomer";
