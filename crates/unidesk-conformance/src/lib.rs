//! The unidesk conformance suite (issue open: not yet written; see `docs/architecture.md`).
