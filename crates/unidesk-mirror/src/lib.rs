//! # unidesk-mirror
//!
//! Sync any `dyn Helpdesk` into a store (work in progress: issue #18).

pub mod accounts;
pub mod jobs;
pub mod store;
