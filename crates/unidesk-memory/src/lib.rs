//! # unidesk-memory
//!
//! [`MemoryHelpdesk`]: a complete in-memory [`Helpdesk`](unidesk_core::Helpdesk).
//! It implements every operation with the same cursor contract as the
//! provider adapters, so it is the reference the conformance suite runs
//! against, and a test double for products built on unidesk.
//!
//! ```
//! use unidesk_core::{Helpdesk, HelpdeskExt, ListQuery};
//! use unidesk_memory::MemoryHelpdesk;
//! # async fn demo() -> unidesk_core::Result<()> {
//! use futures::TryStreamExt;
//! let desk = MemoryHelpdesk::with_sample_data(250);
//! let tickets: Vec<_> = desk.stream_tickets(ListQuery::new().page_size(100)).try_collect().await?;
//! assert_eq!(tickets.len(), 250);
//! # Ok(()) }
//! ```

mod fields;
mod list;
mod resources;
mod sample;
mod store;

pub use sample::Seed;
pub use store::MemoryHelpdesk;
