//! # unidesk-kustomer-sim
//!
//! An in-process simulator of the Kustomer REST API — our `stripe-mock`. It
//! serves deterministic seeded data in Kustomer's envelope, with page-number
//! listings, the search API (and its 100-page cap), writes that move
//! `updatedAt`, bearer auth with a read-only key, a rolling-window rate limit
//! with `x-ratelimit-*` headers, per-object write limits, seeded fault
//! injection, and outbound webhooks signed like Kustomer's.
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
//! - `record` and `store`: records kept compactly (typed clock and relationships,
//!   pre-serialized attributes), rendered byte for byte as Kustomer's JSON;
//!   `data`: the seeded org; `state`, `limits`, `injection`: shared state.

mod bulk;
mod coll;
mod config;
mod criteria;
mod data;
mod doc;
mod events;
mod extract;
mod files;
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

pub use config::{FaultConfig, SimConfig, WebhookRetry};
pub use server::Simulator;
