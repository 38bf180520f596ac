//! [`SqliteStore`]: the embedded default (`--to sqlite:PATH`), any number of accounts in one
//! file.
//!
//! The schema ([`crate::store::rows`], `migrations/sqlite/`) is applied on open by refinery.
//! Every [`Store::commit`] is one SQLite transaction holding the page's rows and the
//! checkpoint that covers them; the database runs in WAL mode with `synchronous=NORMAL`: a
//! killed process loses no committed transaction, and a power loss can only roll back to an
//! earlier commit, rows and checkpoint together, which the next run lists again.
//!
//! SQLite is blocking: every call runs on tokio's blocking pool (`spawn_blocking`), one
//! connection at a time, with prepared statements cached across commits.

mod sql;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::Utc;
use rusqlite::{Connection, params};
use unidesk_core::{AnyRecord, Resource};

use crate::error::{MirrorError, Result};
use crate::store::rows::{Row, row_of, table, time_text};
use crate::store::{Applied, Change, Checkpoint, PassStart, Reconciled, ResourceStatus, Store, StoreCapabilities};

mod embedded {
    #![allow(unreachable_pub, missing_docs)]
    refinery::embed_migrations!("migrations/sqlite");
}

/// A SQLite database file holding any number of accounts: see the module docs.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens the database at `path` (created with its parent folders when missing), in WAL
    /// mode, and applies the migrations it lacks.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let owned = path.to_owned();
        let what = format!("sqlite:{}", path.display());
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection> {
            if let Some(parent) = owned.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| MirrorError::store(format!("creating {}", parent.display()), e))?;
            }
            let db = |e: rusqlite::Error| MirrorError::store(format!("sqlite:{}: opening", owned.display()), e);
            let mut conn = Connection::open(&owned).map_err(db)?;
            conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(db)?;
            conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(db)?;
            // 8 MiB of page cache (the default is 2 MiB): the indexes of a large account stay hot.
            conn.pragma_update(None, "cache_size", -8_192).map_err(db)?;
            conn.set_prepared_statement_cache_capacity(64);
            embedded::migrations::runner()
                .run(&mut conn)
                .map_err(|e| MirrorError::store(format!("sqlite:{}: applying migrations", owned.display()), e))?;
            Ok(conn)
        })
        .await
        .map_err(|e| MirrorError::store(what, e))??;
        Ok(SqliteStore { path: path.to_owned(), conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` with the connection on the blocking pool; `what` names the step in errors.
    async fn with<T: Send + 'static>(
        &self,
        what: String,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = Arc::clone(&self.conn);
        let context = format!("{}: {what}", self.describe());
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn)
        })
        .await;
        match joined {
            Ok(r) => r.map_err(|e| MirrorError::store(context, e)),
            Err(e) => Err(MirrorError::store(context, e)),
        }
    }

    /// Every record stored for (account, resource), tombstones included, in id order.
    pub async fn records(&self, account: &str, resource: Resource) -> Result<Vec<StoredRecord>> {
        let account = account.to_owned();
        let t = table(resource);
        self.with(format!("reading {}", resource.plural()), move |c| {
            let mut stmt =
                c.prepare(&format!("SELECT id, remote_was_deleted, record FROM {t} WHERE account = ?1 ORDER BY id"))?;
            let rows = stmt.query_map([account], |row| {
                Ok(StoredRecord { id: row.get(0)?, remote_was_deleted: row.get(1)?, json: row.get(2)? })
            })?;
            rows.collect()
        })
        .await
    }

    /// A read-only query on the connection (for tests and tools): `f` gets the connection.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        self.with("reading".into(), move |c| f(c)).await
    }
}

/// One stored record ([`SqliteStore::records`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Its id.
    pub id: String,
    /// It is a tombstone.
    pub remote_was_deleted: bool,
    /// The normalized record as JSON text.
    pub json: String,
}

fn rows_of(resource: Resource, records: &[AnyRecord]) -> Result<Vec<Row>> {
    records.iter().map(|r| row_of(resource, r)).collect()
}

fn json_of(cp: &Checkpoint) -> Result<String> {
    serde_json::to_string(cp).map_err(|e| MirrorError::store("serializing a checkpoint", e))
}

#[async_trait]
impl Store for SqliteStore {
    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn capabilities(&self) -> StoreCapabilities {
        StoreCapabilities { upsert: true }
    }

    async fn checkpoint(&self, account: &str, resource: Resource) -> Result<Option<Checkpoint>> {
        let account = account.to_owned();
        let text = self
            .with(format!("reading the {} checkpoint", resource.as_str()), move |c| {
                sql::load_checkpoint(c, &account, resource)
            })
            .await?;
        match text {
            None => Ok(None),
            Some(t) => serde_json::from_str::<Option<Checkpoint>>(&t)
                .map_err(|e| MirrorError::store(format!("{}: the {} checkpoint", self.describe(), resource), e)),
        }
    }

    async fn open_pass(&self, account: &str, resource: Resource, checkpoint: &Checkpoint) -> Result<PassStart> {
        let json = json_of(checkpoint)?;
        let account = account.to_owned();
        self.with(format!("opening a {} pass", resource.as_str()), move |c| {
            let tx = c.transaction()?;
            sql::save_checkpoint(&tx, &account, resource, &json)?;
            tx.commit()
        })
        .await?;
        Ok(PassStart { checkpoint: checkpoint.clone(), notes: Vec::new() })
    }

    async fn commit(&self, account: &str, resource: Resource, records: &[AnyRecord], cp: &Checkpoint) -> Result<()> {
        let rows = rows_of(resource, records)?;
        let json = json_of(cp)?;
        let account = account.to_owned();
        let generation = cp.generation;
        self.with(format!("committing {} {}", rows.len(), resource.plural()), move |c| {
            let tx = c.transaction()?;
            sql::upsert(&tx, &account, resource, &rows, generation, true)?;
            sql::save_checkpoint(&tx, &account, resource, &json)?;
            tx.commit()
        })
        .await
    }

    async fn finish_pass(&self, account: &str, resource: Resource, cp: &Checkpoint) -> Result<Reconciled> {
        let mut cp = cp.clone();
        cp.done = true;
        let account = account.to_owned();
        self.with(format!("finishing a {} pass", resource.as_str()), move |c| {
            let tx = c.transaction()?;
            let now = time_text(Utc::now());
            let new_tombstones = if cp.reconcile {
                let t = table(resource);
                tx.prepare_cached(&format!(
                    "UPDATE {t} SET remote_was_deleted = 1, deleted_at = ?3, \
                     record = json_set(record, '$.remote_was_deleted', json('true')) \
                     WHERE account = ?1 AND seen_generation < ?2 AND remote_was_deleted = 0"
                ))?
                .execute(params![account, cp.generation as i64, now])? as u64
            } else {
                0
            };
            let tombstones = sql::count_tombstones(&tx, &account, resource)?;
            cp.tombstones = tombstones;
            let json = serde_json::to_string(&cp).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
            sql::save_checkpoint(&tx, &account, resource, &json)?;
            tx.execute(
                "UPDATE checkpoints SET last_error = NULL, last_error_at = NULL WHERE account = ?1 AND resource = ?2",
                params![account, resource.plural()],
            )?;
            tx.commit()?;
            Ok(Reconciled { new_tombstones, tombstones })
        })
        .await
    }

    async fn apply(&self, account: &str, changes: &[Change]) -> Result<Applied> {
        let mut prepared = Vec::with_capacity(changes.len());
        for change in changes {
            prepared.push(match change {
                Change::Upsert(record) => sql::Prepared::Upsert(record.resource(), row_of(record.resource(), record)?),
                Change::Delete { resource, id, at } => {
                    sql::Prepared::Delete { resource: *resource, id: id.clone(), at: at.unwrap_or_else(Utc::now) }
                }
            });
        }
        let account = account.to_owned();
        self.with(format!("applying {} changes", changes.len()), move |c| {
            let tx = c.transaction()?;
            let applied = sql::apply(&tx, &account, &prepared)?;
            tx.commit()?;
            Ok(applied)
        })
        .await
    }

    async fn record_error(&self, account: &str, resource: Resource, message: &str) -> Result<()> {
        let (account, message) = (account.to_owned(), message.to_owned());
        self.with("recording an error".into(), move |c| {
            c.execute(
                "INSERT INTO checkpoints (account, resource, checkpoint, committed_at, last_error, last_error_at) \
                 VALUES (?1, ?2, 'null', ?4, ?3, ?4) \
                 ON CONFLICT (account, resource) DO UPDATE SET last_error = ?3, last_error_at = ?4",
                params![account, resource.plural(), message, time_text(Utc::now())],
            )
            .map(|_| ())
        })
        .await
    }

    async fn status(&self) -> Result<Vec<ResourceStatus>> {
        let raw = self.with("reading the status".into(), sql::status).await?;
        let mut out = Vec::with_capacity(raw.len());
        for s in raw {
            let cp: Option<Checkpoint> = match &s.checkpoint {
                Some(t) => serde_json::from_str(t).map_err(|e| {
                    MirrorError::store(format!("{}: the {} checkpoint", self.describe(), s.resource), e)
                })?,
                None => None,
            };
            out.push(ResourceStatus {
                account: s.account,
                resource: s.resource,
                records: s.live,
                tombstones: s.tombstones,
                last_sync: cp.as_ref().and_then(|c| c.finished_at),
                high_water: cp.as_ref().and_then(|c| c.high_water),
                in_progress: cp.as_ref().is_some_and(|c| !c.done),
                generation: cp.as_ref().map_or(0, |c| c.generation),
                last_error: s.last_error,
                last_error_at: s.last_error_at.and_then(|t| t.parse().ok()),
            });
        }
        Ok(out)
    }
}
