//! # unidesk-zendesk-sim
//!
//! A simulator of the Zendesk Support REST API v2 (work in progress: issue #17).
