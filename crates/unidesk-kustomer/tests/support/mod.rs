//! Test support shared by integration tests and benches.

pub mod drill;
pub mod http;
