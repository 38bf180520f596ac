//! The Postgres store (`--to postgres://…`).

pub mod schema;
