//! # unidesk-kustomer-sim
//!
//! An in-process simulator of the Kustomer REST API — our `stripe-mock`. It
//! serves deterministic seeded data in Kustomer's envelope, with page-number
//! listings, the search API (`and`/`or`/`not` criteria, sorts, its 100-page cap),
//! writes that move `updatedAt`, bearer auth with a read-only key, a rolling-window
//! rate limit with `x-ratelimit-*` headers, per-object write limits, seeded fault
//! injection, klasses and KObjects, sub-statuses, asynchronous bulk operations,
//! reply drafts, an audit log of its own writes, and outbound webhook subscriptions
//! whose signed deliveries are retried with backoff. One process can host many orgs
//! ([`SimConfig::orgs`]), each under its own path with its own data, keys and rate limit
//! ([`Simulator::orgs`]). `ROUTES.md` (next to this
//! crate's manifest) lists every route with its bodies and answers.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = unidesk_kustomer_sim::Simulator::start(unidesk_kustomer_sim::SimConfig::default()).await?;
//! println!("{} with key {}", sim.base_url(), sim.api_key());
//! # Ok(()) }
//! ```
//!
//! ## Layout
//!
//! - `server`: the public [`Simulator`]; accepts connections (with a header-read timeout).
//! - `routes`: the typed axum routes (`listing`, `search`, `writes`, `webhooks`) and the
//!   middleware stack around them; `middleware`: `auth` (401/403), `rate_limit` (counting,
//!   the org-wide window, `x-ratelimit-*`), `faults` (latency and injected faults).
//! - `extract`: path, query and body extractors that answer malformed requests in
//!   Kustomer's JSON error shape; `reply` and `render`: responses and envelopes.
//! - `record`, `table` and `store`: records kept compactly (typed clock and relationships,
//!   pre-serialized attributes) in id-sorted vectors, rendered byte for byte as Kustomer's JSON;
//!   `doc`: the records of the other resources (klasses, KObjects, sub-statuses,
//!   drafts, audit entries, webhooks), each kept pre-serialized;
//!   `data` and `data_objects`: the seeded org; `state`, `limits`, `injection`: shared state.
//! - `events`: what every write announces (audit entry, webhook event); `hooks`: webhook
//!   subscriptions and retried deliveries; `bulk`: bulk operations' progress;
//!   `criteria`: search criteria trees; `fields`: checks of write bodies.

mod bulk;
mod coll;
mod config;
mod criteria;
mod data;
mod data_objects;
mod doc;
mod events;
mod extract;
mod fields;
mod files;
mod hook;
mod hooks;
mod injection;
mod limits;
mod middleware;
mod record;
mod render;
mod reply;
mod routes;
mod server;
mod state;
mod store;
mod table;

pub use config::{FaultConfig, SimConfig, WebhookRetry};
pub use server::{Org, Simulator};
