//! [`PostgresStore`] (`--to postgres://…`): the SQLite store's schema in Postgres (JSONB, typed
//! filter columns with indexes), many accounts, many writers.
//!
//! Each page is one transaction: the records go in as one `INSERT … SELECT FROM UNNEST(…)
//! ON CONFLICT DO UPDATE` (one array per column, whatever the page size), then the checkpoint
//! that covers them; a crash before the commit leaves neither. A store opened
//! [`PostgresStore::with_lease`] for a job ([`crate::jobs`]) also runs the lease's fence first
//! in each of those transactions: once the lease is lost, nothing more is written.

mod pool;
pub mod schema;
mod tables;
pub mod tls;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use unidesk_core::{AnyRecord, Resource};

use crate::error::{MirrorError, Result};
use crate::jobs::Lease;
use crate::redact::redact_url;
use crate::store::rows::{self, Row, row_of};
use crate::store::sqlite::StoredRecord;
use crate::store::{Applied, Change, Checkpoint, PassStart, Reconciled, ResourceStatus, Store, StoreCapabilities};
use pool::Pool;

/// Connections a store opens at most by default (one per concurrent writer).
pub const DEFAULT_CONNECTIONS: usize = 8;

/// A Postgres database holding any number of accounts (see the module docs).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
    lease: Option<Lease>,
}

#[derive(Debug)]
struct Inner {
    described: String,
    pool: Pool,
}

fn db<E: std::error::Error + Send + Sync + 'static>(context: impl Into<String>) -> impl FnOnce(E) -> MirrorError {
    move |e| MirrorError::store(context.into(), e)
}

impl PostgresStore {
    /// Connects to `url`, applies the migrations that are missing, and keeps up to
    /// [`DEFAULT_CONNECTIONS`] connections.
    pub async fn open(url: &str) -> Result<PostgresStore> {
        PostgresStore::open_with(url, DEFAULT_CONNECTIONS).await
    }

    /// [`PostgresStore::open`] with at most `connections` connections at once.
    pub async fn open_with(url: &str, connections: usize) -> Result<PostgresStore> {
        let described = redact_url(url);
        let opening = |e| MirrorError::store(format!("{described}: opening"), e);
        let target = tls::target(url).map_err(|e| match e {
            // What the URL asks for is wrong: the caller's to fix (a usage error in the CLI).
            tls::ConnectError::Url(reason) => MirrorError::InvalidSpec { spec: described.clone(), reason },
            tls::ConnectError::Roots { .. } => {
                MirrorError::InvalidSpec { spec: described.clone(), reason: e.to_string() }
            }
            e => opening(schema::OpenError::Connect(e)),
        })?;
        let client = schema::open_to(&target).await.map_err(opening)?;
        Ok(PostgresStore {
            inner: Arc::new(Inner { pool: Pool::new(target, client, connections), described }),
            lease: None,
        })
    }

    /// The same store, writing only while `lease` holds its job: every write transaction runs
    /// [`Lease::fence`] first and fails (writing nothing) once the lease is lost. Writes for
    /// another (account, resource) than the lease's are refused.
    pub fn with_lease(&self, lease: Lease) -> PostgresStore {
        PostgresStore { inner: self.inner.clone(), lease: Some(lease) }
    }

    /// Every record stored for (account, resource), tombstones included, in id order (the
    /// JSON is Postgres's `jsonb` text: the same values, keys in `jsonb`'s order).
    pub async fn records(&self, account: &str, resource: Resource) -> Result<Vec<StoredRecord>> {
        let ctx = || self.context(account, &format!("reading {}", resource.plural()));
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let rows = conn
            .client()
            .query(
                &format!(
                    "SELECT id, remote_was_deleted, record::text FROM {} WHERE account = $1 ORDER BY id",
                    rows::table(resource)
                ),
                &[&account],
            )
            .await
            .map_err(db(ctx()))?;
        Ok(rows.iter().map(|r| StoredRecord { id: r.get(0), remote_was_deleted: r.get(1), json: r.get(2) }).collect())
    }

    fn context(&self, account: &str, what: &str) -> String {
        format!("{}: {what} ({account})", self.inner.described)
    }

    /// Checks the lease covers (account, resource) and fences `tx` with it.
    async fn fence(&self, tx: &tokio_postgres::Transaction<'_>, account: &str, resource: Resource) -> Result<()> {
        let Some(lease) = &self.lease else { return Ok(()) };
        if lease.account != account || lease.resource != resource.plural() {
            return Err(MirrorError::InvalidInput {
                resource,
                message: format!(
                    "this store writes for job {}/{} only, not {account}/{}",
                    lease.account,
                    lease.resource,
                    resource.plural()
                ),
            });
        }
        lease.fence(tx).await.map_err(|e| MirrorError::store(self.context(account, "checking the job's lease"), e))?;
        Ok(())
    }

    /// Upserts `checkpoint` of (account, resource) inside `tx`.
    async fn save_checkpoint(
        tx: &tokio_postgres::Transaction<'_>,
        account: &str,
        resource: Resource,
        checkpoint: &Checkpoint,
    ) -> std::result::Result<(), tokio_postgres::Error> {
        let json = serde_json::to_value(checkpoint).unwrap_or_default();
        tx.execute(
            "INSERT INTO checkpoints (account, resource, checkpoint, committed_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (account, resource) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, committed_at = now()",
            &[&account, &resource.plural(), &json],
        )
        .await?;
        Ok(())
    }

    /// Upserts `rows` of `resource` as seen by pass `generation`; with `mark_seen`, rows the
    /// upsert left alone (the stored version is newer) are marked seen too. Returns how many
    /// rows it wrote.
    async fn upsert(
        tx: &tokio_postgres::Transaction<'_>,
        account: &str,
        resource: Resource,
        rows: Vec<Row>,
        generation: u64,
        mark_seen: bool,
    ) -> std::result::Result<u64, tokio_postgres::Error> {
        let batch = tables::Batch::new(resource, rows);
        if batch.is_empty() {
            return Ok(0);
        }
        let account = account.to_owned();
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        let written: Vec<String> = tx
            .query(&tables::upsert_sql(resource), &batch.params(&account, &generation))
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if mark_seen && written.len() < batch.ids().len() {
            let written: std::collections::HashSet<&String> = written.iter().collect();
            let left: Vec<&String> = batch.ids().iter().filter(|id| !written.contains(id)).collect();
            tx.execute(&tables::mark_seen_sql(resource), &[&account, &generation, &left]).await?;
        }
        Ok(written.len() as u64)
    }
}

#[async_trait]
impl Store for PostgresStore {
    fn describe(&self) -> String {
        self.inner.described.clone()
    }

    fn capabilities(&self) -> StoreCapabilities {
        StoreCapabilities { upsert: true }
    }

    async fn checkpoint(&self, account: &str, resource: Resource) -> Result<Option<Checkpoint>> {
        let mut conn = self.inner.pool.get().await.map_err(db(self.context(account, "connecting")))?;
        let row = conn
            .client()
            .query_opt(
                "SELECT checkpoint FROM checkpoints WHERE account = $1 AND resource = $2",
                &[&account, &resource.plural()],
            )
            .await
            .map_err(db(self.context(account, "reading the checkpoint")))?;
        let Some(json) = row.map(|r| r.get::<_, serde_json::Value>(0)).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        serde_json::from_value(json).map(Some).map_err(|e| {
            MirrorError::store(self.context(account, &format!("reading the {} checkpoint", resource.plural())), e)
        })
    }

    async fn open_pass(&self, account: &str, resource: Resource, checkpoint: &Checkpoint) -> Result<PassStart> {
        // Rows and checkpoints commit together, so what is stored always matches the
        // checkpoint: nothing to check or repair; the pass's checkpoint is committed as given.
        let ctx = || self.context(account, &format!("opening a pass of {}", resource.plural()));
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let tx = conn.client().transaction().await.map_err(db(ctx()))?;
        self.fence(&tx, account, resource).await?;
        PostgresStore::save_checkpoint(&tx, account, resource, checkpoint).await.map_err(db(ctx()))?;
        tx.commit().await.map_err(db(ctx()))?;
        Ok(PassStart { checkpoint: checkpoint.clone(), notes: Vec::new() })
    }

    async fn commit(
        &self,
        account: &str,
        resource: Resource,
        records: &[AnyRecord],
        checkpoint: &Checkpoint,
    ) -> Result<()> {
        let rows = records.iter().map(|r| row_of(resource, r)).collect::<Result<Vec<_>>>()?;
        let ctx = || self.context(account, &format!("committing {}", resource.plural()));
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let tx = conn.client().transaction().await.map_err(db(ctx()))?;
        self.fence(&tx, account, resource).await?;
        PostgresStore::upsert(&tx, account, resource, rows, checkpoint.generation, true).await.map_err(db(ctx()))?;
        PostgresStore::save_checkpoint(&tx, account, resource, checkpoint).await.map_err(db(ctx()))?;
        tx.commit().await.map_err(db(ctx()))?;
        Ok(())
    }

    async fn finish_pass(&self, account: &str, resource: Resource, checkpoint: &Checkpoint) -> Result<Reconciled> {
        let ctx = || self.context(account, &format!("finishing the pass of {}", resource.plural()));
        let generation = i64::try_from(checkpoint.generation).unwrap_or(i64::MAX);
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let tx = conn.client().transaction().await.map_err(db(ctx()))?;
        self.fence(&tx, account, resource).await?;
        let new_tombstones = if checkpoint.reconcile {
            tx.execute(&tables::reconcile_sql(resource), &[&account, &generation]).await.map_err(db(ctx()))?
        } else {
            0
        };
        let tombstones: i64 =
            tx.query_one(&tables::count_tombstones_sql(resource), &[&account]).await.map_err(db(ctx()))?.get(0);
        let tombstones = u64::try_from(tombstones).unwrap_or(0);
        let mut done = checkpoint.clone();
        done.done = true;
        done.tombstones = tombstones;
        PostgresStore::save_checkpoint(&tx, account, resource, &done).await.map_err(db(ctx()))?;
        tx.execute(
            "UPDATE checkpoints SET last_error = NULL, last_error_at = NULL WHERE account = $1 AND resource = $2",
            &[&account, &resource.plural()],
        )
        .await
        .map_err(db(ctx()))?;
        tx.commit().await.map_err(db(ctx()))?;
        Ok(Reconciled { new_tombstones, tombstones })
    }

    async fn apply(&self, account: &str, changes: &[Change]) -> Result<Applied> {
        let ctx = || self.context(account, &format!("applying {} changes", changes.len()));
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let tx = conn.client().transaction().await.map_err(db(ctx()))?;
        let mut applied = Applied::default();
        // In order, one at a time: a change may undo the one before it.
        for change in changes {
            let changed = match change {
                Change::Upsert(record) => {
                    let resource = record.resource();
                    self.fence(&tx, account, resource).await?;
                    let row = row_of(resource, record)?;
                    // A record new to the store counts as seen by the pass under way, so that
                    // pass's reconciliation does not tombstone what a webhook just created.
                    let generation: i64 = tx
                        .query_opt(
                            "SELECT COALESCE((checkpoint->>'generation')::bigint, 0) FROM checkpoints
                              WHERE account = $1 AND resource = $2",
                            &[&account, &resource.plural()],
                        )
                        .await
                        .map_err(db(ctx()))?
                        .map_or(0, |r| r.get(0));
                    let generation = u64::try_from(generation).unwrap_or(0);
                    PostgresStore::upsert(&tx, account, resource, vec![row], generation, false)
                        .await
                        .map_err(db(ctx()))?
                        > 0
                }
                Change::Delete { resource, id, at } => {
                    self.fence(&tx, account, *resource).await?;
                    let at = at.unwrap_or_else(Utc::now);
                    let marked =
                        tx.execute(&tables::delete_sql(*resource), &[&account, id, &at]).await.map_err(db(ctx()))?;
                    if marked > 0 {
                        true
                    } else {
                        let bare = serde_json::json!({ "id": id, "remote_was_deleted": true }).to_string();
                        tx.execute(&tables::bare_tombstone_sql(*resource), &[&account, id, &at, &bare])
                            .await
                            .map_err(db(ctx()))?
                            > 0
                    }
                }
            };
            if changed {
                applied.changed += 1;
            } else {
                applied.unchanged += 1;
            }
        }
        tx.commit().await.map_err(db(ctx()))?;
        Ok(applied)
    }

    async fn record_error(&self, account: &str, resource: Resource, message: &str) -> Result<()> {
        let ctx = || self.context(account, "recording an error");
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let tx = conn.client().transaction().await.map_err(db(ctx()))?;
        self.fence(&tx, account, resource).await?;
        let message: String = message.chars().take(2000).collect();
        tx.execute(
            "INSERT INTO checkpoints (account, resource, checkpoint, committed_at, last_error, last_error_at)
             VALUES ($1, $2, 'null'::jsonb, now(), $3, now())
             ON CONFLICT (account, resource) DO UPDATE SET last_error = $3, last_error_at = now()",
            &[&account, &resource.plural(), &message],
        )
        .await
        .map_err(db(ctx()))?;
        tx.commit().await.map_err(db(ctx()))?;
        Ok(())
    }

    async fn status(&self) -> Result<Vec<ResourceStatus>> {
        let ctx = || format!("{}: reading the status", self.inner.described);
        let mut conn = self.inner.pool.get().await.map_err(db(ctx()))?;
        let client = conn.client();
        let mut out: std::collections::BTreeMap<(String, usize), ResourceStatus> = Default::default();
        let blank = |account: &str, resource: Resource| ResourceStatus {
            account: account.to_owned(),
            resource,
            records: 0,
            tombstones: 0,
            last_sync: None,
            high_water: None,
            in_progress: false,
            generation: 0,
            last_error: None,
            last_error_at: None,
        };
        for (i, r) in Resource::ALL.iter().copied().enumerate() {
            for row in client.query(&tables::counts_sql(r), &[]).await.map_err(db(ctx()))? {
                let account: String = row.get(0);
                let s = out.entry((account.clone(), i)).or_insert_with(|| blank(&account, r));
                s.records = u64::try_from(row.get::<_, i64>(1)).unwrap_or(0);
                s.tombstones = u64::try_from(row.get::<_, i64>(2)).unwrap_or(0);
            }
        }
        let rows = client
            .query("SELECT account, resource, checkpoint, last_error, last_error_at FROM checkpoints", &[])
            .await
            .map_err(db(ctx()))?;
        for row in rows {
            let account: String = row.get(0);
            let name: String = row.get(1);
            let Some(i) = Resource::ALL.iter().position(|r| r.plural() == name) else { continue };
            let s = out.entry((account.clone(), i)).or_insert_with(|| blank(&account, Resource::ALL[i]));
            let cp: Option<Checkpoint> =
                row.get::<_, Option<serde_json::Value>>(2).and_then(|v| serde_json::from_value(v).ok());
            if let Some(cp) = cp {
                s.last_sync = cp.finished_at;
                s.in_progress = !cp.done;
                s.generation = cp.generation;
                s.high_water = cp.high_water;
            }
            s.last_error = row.get(3);
            s.last_error_at = row.get::<_, Option<DateTime<Utc>>>(4);
        }
        Ok(out.into_values().collect())
    }
}
