//! `--to` values: which store, where. `sqlite:PATH`, `postgres://…` / `postgresql://…`.

use std::path::PathBuf;

use crate::error::{MirrorError, Result};
pub use crate::redact::redact_url;
use crate::store::Store;

/// A parsed `--to` value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreSpec {
    /// `sqlite:PATH`: a SQLite database file (created when missing).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`: a Postgres connection URL (it may hold a password:
    /// never printed; [`StoreSpec::describe`] replaces it by `***`).
    Postgres(String),
}

impl std::fmt::Debug for StoreSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::str::FromStr for StoreSpec {
    type Err = MirrorError;

    fn from_str(s: &str) -> Result<Self> {
        let invalid = |reason: &str| MirrorError::InvalidSpec { spec: redact_url(s), reason: reason.into() };
        if let Some(path) = s.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(invalid("sqlite: needs a file path (sqlite:./mirror.db)"));
            }
            return Ok(StoreSpec::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(StoreSpec::Postgres(s.to_owned()));
        }
        Err(invalid("expected sqlite:PATH or postgres://USER@HOST/DB (for a JSONL folder, use --out DIR)"))
    }
}

impl StoreSpec {
    /// The spec for messages, without a password.
    pub fn describe(&self) -> String {
        match self {
            StoreSpec::Sqlite(p) => format!("sqlite:{}", p.display()),
            StoreSpec::Postgres(url) => redact_url(url),
        }
    }

    /// Opens the store (a SQLite file is created and migrated; see each store).
    pub async fn open(&self) -> Result<Box<dyn Store>> {
        match self {
            StoreSpec::Sqlite(path) => Ok(Box::new(crate::store::sqlite::SqliteStore::open(path).await?)),
            StoreSpec::Postgres(url) => open_postgres(url).await,
        }
    }
}

/// Opens the Postgres store at `url` (see [`crate::store::postgres`]).
async fn open_postgres(url: &str) -> Result<Box<dyn Store>> {
    Ok(Box::new(crate::store::postgres::PostgresStore::open(url).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_never_show_a_password() {
        assert_eq!("sqlite:./m.db".parse::<StoreSpec>().expect("sqlite"), StoreSpec::Sqlite("./m.db".into()));
        assert_eq!("sqlite:///tmp/m.db".parse::<StoreSpec>().expect("sqlite"), StoreSpec::Sqlite("/tmp/m.db".into()));
        let pg: StoreSpec = "postgresql://app:s3cret@db:5432/mirror?sslmode=disable".parse().expect("pg");
        assert_eq!(pg.describe(), "postgresql://app:***@db:5432/mirror?sslmode=disable");
        assert!(!format!("{pg:?}").contains("s3cret"));
        let e = "mysql://root:hunter2@x/db".parse::<StoreSpec>().expect_err("unknown");
        assert!(matches!(e, MirrorError::InvalidSpec { .. }));
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!("sqlite:".parse::<StoreSpec>().is_err());
        assert_eq!(redact_url("postgres://u@h/d"), "postgres://u@h/d");
    }
}
