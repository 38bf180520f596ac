//! When to retry a Zendesk call: core's shared, pure decision ([`unidesk_core::retry`]).
//!
//! - 429: retried for every method after `Retry-After` (a longer wait than
//!   [`RetryConfig::max_rate_limit_wait`] is not waited for: the call fails with `RateLimited`).
//! - 5xx, 408, timeouts, broken connections and truncated bodies: retried for idempotent calls
//!   (GET, PUT, DELETE). A `POST` that may have reached Zendesk is never sent twice.
//! - A refused connection (nothing was sent): retried for every method.

pub use unidesk_core::retry::{Attempt, Decision, Outcome, RetryConfig, decide};
