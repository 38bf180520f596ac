//! # unidesk-mirror
//!
//! Sync any `dyn Helpdesk` into a store (work in progress: issue #18).
