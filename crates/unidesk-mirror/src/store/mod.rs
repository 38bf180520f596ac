//! Stores.

pub mod postgres;
