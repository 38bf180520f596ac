//! The retry decision: core's shared, pure [`unidesk_core::retry`], re-exported here so
//! `unidesk_kustomer::retry::{decide, RetryConfig, …}` keep working. The defaults
//! ([`RetryConfig::default`]) are the Kustomer client's.

pub use unidesk_core::retry::{Attempt, Decision, Outcome, RetryConfig, decide};
