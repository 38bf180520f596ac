//! Runnable examples of the unidesk crates; see the `examples` in this folder:
//!
//! - `cargo run -p unidesk-examples --example list_memory_tickets`
//! - `cargo run -p unidesk-examples --example stream_kustomer_updated_since`
//! - `cargo run -p unidesk-examples --example kustomer_webhook`
