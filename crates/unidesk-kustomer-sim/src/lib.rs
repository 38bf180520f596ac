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

mod config;
mod data;
mod extract;
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

pub use config::{FaultConfig, SimConfig};
pub use server::Simulator;
