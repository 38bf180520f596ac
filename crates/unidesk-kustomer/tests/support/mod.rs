//! Test support shared by integration tests and benches.

pub(crate) mod drill;
pub(crate) mod http;
