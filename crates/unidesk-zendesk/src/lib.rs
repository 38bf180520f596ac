//! # unidesk-zendesk
//!
//! The Zendesk Support adapter for unidesk. [`ZendeskClient`] implements
//! [`unidesk_core::Helpdesk`] over Zendesk's REST API v2 (`{account root}/api/v2`),
//! authenticated with an API token (`{email}/token`) or an OAuth bearer token:
//!
//! - tickets through cursor pagination, and through the incremental cursor export for
//!   `updated_after`/`created_after` and deleted tickets (`remote_was_deleted`);
//! - comments per ticket (authors side-loaded), or across tickets by walking them; new
//!   comments through a ticket update;
//! - one `users` resource split by role: end-users are contacts, agents and admins are users;
//!   organizations are accounts, groups are teams (members from group memberships), tags are
//!   names (a tag's id is its name);
//! - custom-field definitions from `ticket_fields`, `user_fields` and `organization_fields`;
//! - `Retry-After`, the budget headers and the export's 10-a-minute limit ([`ratelimit`]),
//!   retries by the shared rules ([`retry`]); webhook signatures and events ([`webhook`]).
//!
//! `docs/mapping-zendesk.md` has the field-by-field mapping.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use unidesk_core::{HelpdeskExt, ListQuery};
//! # async fn demo() -> unidesk_core::Result<()> {
//! let desk = unidesk_zendesk::ZendeskClient::builder()
//!     .subdomain("acme")
//!     .api_token("agent@acme.example", std::env::var("ZENDESK_API_TOKEN").unwrap_or_default())
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
mod list;
pub mod map;
pub mod ratelimit;
mod resources;
pub mod retry;
pub mod webhook;
pub mod wire;

pub use client::ZendeskClient;
pub use config::{Credentials, MAX_PAGE_SIZE, ZendeskConfig};
pub use ratelimit::RateLimitSnapshot;
pub use retry::RetryConfig;

/// The adapter name cursors and errors carry.
pub const ADAPTER: &str = "zendesk";
