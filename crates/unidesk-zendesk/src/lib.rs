//! # unidesk-zendesk
//!
//! The Zendesk Support adapter for unidesk (work in progress: issue #17).
