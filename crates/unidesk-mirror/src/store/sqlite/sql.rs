//! The SQL of [`super::SqliteStore`]: statements built from [`crate::store::rows`], run inside
//! the caller's transaction.

use chrono::{DateTime, Utc};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OptionalExtension, Statement, params};
use unidesk_core::Resource;

use crate::store::Applied;
use crate::store::rows::{Cell, Row, columns, table, time_text};

/// The upsert of one resource: a newer-or-equal version replaces the stored one; an
/// identical one (a replay) changes nothing. Parameters: account, id, the typed columns,
/// remote_was_deleted, deleted_at, version_at, seen_generation, record.
fn upsert_sql(resource: Resource) -> String {
    let t = table(resource);
    let cols: Vec<&str> = columns(resource).iter().map(|c| c.name).collect();
    let n = cols.len();
    let placeholders: Vec<String> = (1..=n + 7).map(|i| format!("?{i}")).collect();
    let sets: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
    format!(
        "INSERT INTO {t} (account, id, {cols}, remote_was_deleted, deleted_at, version_at, seen_generation, record) \
         VALUES ({placeholders}) \
         ON CONFLICT (account, id) DO UPDATE SET {sets}, \
           remote_was_deleted = excluded.remote_was_deleted, \
           deleted_at = CASE WHEN excluded.remote_was_deleted = 1 THEN coalesce({t}.deleted_at, excluded.deleted_at) END, \
           version_at = excluded.version_at, \
           seen_generation = max({t}.seen_generation, excluded.seen_generation), \
           record = excluded.record \
         WHERE (excluded.version_at IS NULL OR {t}.version_at IS NULL OR excluded.version_at >= {t}.version_at) \
           AND (excluded.record IS NOT {t}.record OR excluded.seen_generation > {t}.seen_generation)",
        cols = cols.join(", "),
        placeholders = placeholders.join(", "),
        sets = sets.join(", "),
    )
}

fn cell_sql(c: &Cell) -> ToSqlOutput<'_> {
    use rusqlite::types::{Value, ValueRef};
    match c {
        Cell::Text(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        Cell::Bool(Some(b)) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
        Cell::Time(Some(t)) => ToSqlOutput::Owned(Value::Text(time_text(*t))),
        Cell::Text(None) | Cell::Bool(None) | Cell::Time(None) => ToSqlOutput::Owned(Value::Null),
    }
}

/// Binds and runs the upsert of `row`; the number of rows changed (0 or 1).
fn upsert_one(
    stmt: &mut Statement<'_>,
    account: &str,
    row: &Row,
    generation: u64,
    now: &str,
) -> rusqlite::Result<usize> {
    let mut i = 1;
    stmt.raw_bind_parameter(i, account)?;
    i += 1;
    stmt.raw_bind_parameter(i, &row.id)?;
    for c in &row.cells {
        i += 1;
        stmt.raw_bind_parameter(i, cell_sql(c))?;
    }
    stmt.raw_bind_parameter(i + 1, row.deleted)?;
    stmt.raw_bind_parameter(i + 2, row.deleted.then_some(now))?;
    stmt.raw_bind_parameter(i + 3, row.updated_at.map(time_text))?;
    stmt.raw_bind_parameter(i + 4, generation as i64)?;
    stmt.raw_bind_parameter(i + 5, &row.json)?;
    stmt.raw_execute()
}

/// Upserts `rows` as listed by pass `generation`. With `mark_seen`, a row whose stored
/// version is newer is kept but marked seen by the pass (so a full pass does not tombstone
/// it). Returns how many rows changed.
pub(super) fn upsert(
    tx: &Connection,
    account: &str,
    resource: Resource,
    rows: &[Row],
    generation: u64,
    mark_seen: bool,
) -> rusqlite::Result<u64> {
    let mut stmt = tx.prepare_cached(&upsert_sql(resource))?;
    let t = table(resource);
    let mut seen = tx.prepare_cached(&format!(
        "UPDATE {t} SET seen_generation = ?3 WHERE account = ?1 AND id = ?2 AND seen_generation < ?3"
    ))?;
    let now = time_text(Utc::now());
    let mut changed = 0;
    for row in rows {
        let n = upsert_one(&mut stmt, account, row, generation, &now)?;
        changed += n as u64;
        if n == 0 && mark_seen {
            seen.execute(params![account, row.id, generation as i64])?;
        }
    }
    Ok(changed)
}

/// Writes the checkpoint of (account, resource).
pub(super) fn save_checkpoint(tx: &Connection, account: &str, resource: Resource, json: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO checkpoints (account, resource, checkpoint, committed_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (account, resource) DO UPDATE SET checkpoint = excluded.checkpoint, committed_at = excluded.committed_at",
    )?
    .execute(params![account, resource.plural(), json, time_text(Utc::now())])?;
    Ok(())
}

/// The checkpoint JSON of (account, resource), when a row exists.
pub(super) fn load_checkpoint(c: &Connection, account: &str, resource: Resource) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT checkpoint FROM checkpoints WHERE account = ?1 AND resource = ?2")?
        .query_row(params![account, resource.plural()], |r| r.get(0))
        .optional()
}

/// Tombstones stored for (account, resource).
pub(super) fn count_tombstones(c: &Connection, account: &str, resource: Resource) -> rusqlite::Result<u64> {
    let t = table(resource);
    c.prepare_cached(&format!("SELECT count(*) FROM {t} WHERE account = ?1 AND remote_was_deleted = 1"))?
        .query_row(params![account], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}

/// A change ready to apply.
#[derive(Debug)]
pub(super) enum Prepared {
    /// A record to upsert.
    Upsert(Resource, Row),
    /// A deletion.
    Delete { resource: Resource, id: String, at: DateTime<Utc> },
}

/// The current pass number of (account, resource), for rows written outside a pass.
fn generation(c: &Connection, account: &str, resource: Resource) -> rusqlite::Result<u64> {
    c.prepare_cached(
        "SELECT coalesce(json_extract(checkpoint, '$.generation'), 0) FROM checkpoints \
         WHERE account = ?1 AND resource = ?2",
    )?
    .query_row(params![account, resource.plural()], |r| r.get::<_, i64>(0))
    .optional()
    .map(|g| g.unwrap_or(0) as u64)
}

/// Applies webhook changes idempotently (see [`crate::Store::apply`]).
pub(super) fn apply(tx: &Connection, account: &str, changes: &[Prepared]) -> rusqlite::Result<Applied> {
    let mut applied = Applied::default();
    for change in changes {
        let changed = match change {
            Prepared::Upsert(resource, row) => {
                let g = generation(tx, account, *resource)?;
                upsert(tx, account, *resource, std::slice::from_ref(row), g, false)? > 0
            }
            Prepared::Delete { resource, id, at } => delete(tx, account, *resource, id, *at)?,
        };
        if changed {
            applied.changed += 1;
        } else {
            applied.unchanged += 1;
        }
    }
    Ok(applied)
}

/// Tombstones one record; an unknown id is stored as a bare tombstone, so an older event
/// arriving later cannot bring it back. Whether anything changed.
fn delete(tx: &Connection, account: &str, resource: Resource, id: &str, at: DateTime<Utc>) -> rusqlite::Result<bool> {
    let t = table(resource);
    let at = time_text(at);
    let now = time_text(Utc::now());
    let n = tx
        .prepare_cached(&format!(
            "UPDATE {t} SET remote_was_deleted = 1, deleted_at = coalesce(deleted_at, ?4), \
             version_at = max(coalesce(version_at, ''), ?3), \
             record = json_set(record, '$.remote_was_deleted', json('true')) \
             WHERE account = ?1 AND id = ?2 AND remote_was_deleted = 0"
        ))?
        .execute(params![account, id, at, now])?;
    if n > 0 {
        return Ok(true);
    }
    let bare = serde_json::json!({ "id": id, "remote_was_deleted": true }).to_string();
    let n = tx
        .prepare_cached(&format!(
            "INSERT INTO {t} (account, id, remote_was_deleted, deleted_at, version_at, record) \
             VALUES (?1, ?2, 1, ?4, ?3, ?5) ON CONFLICT (account, id) DO NOTHING"
        ))?
        .execute(params![account, id, at, now, bare])?;
    Ok(n > 0)
}

/// One (account, resource) as stored.
#[derive(Debug)]
pub(super) struct StatusRow {
    pub(super) account: String,
    pub(super) resource: Resource,
    pub(super) live: u64,
    pub(super) tombstones: u64,
    pub(super) checkpoint: Option<String>,
    pub(super) last_error: Option<String>,
    pub(super) last_error_at: Option<String>,
}

/// Every (account, resource) with rows or a checkpoint, in account then resource order.
pub(super) fn status(c: &mut Connection) -> rusqlite::Result<Vec<StatusRow>> {
    use std::collections::BTreeMap;
    let mut by: BTreeMap<(String, usize), StatusRow> = BTreeMap::new();
    for (i, r) in Resource::ALL.iter().enumerate() {
        let t = table(*r);
        let mut stmt = c.prepare(&format!(
            "SELECT account, count(*) - coalesce(sum(remote_was_deleted), 0), coalesce(sum(remote_was_deleted), 0) \
             FROM {t} GROUP BY account"
        ))?;
        let rows =
            stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, i64>(2)?)))?;
        for row in rows {
            let (account, live, tombstones) = row?;
            by.insert(
                (account.clone(), i),
                StatusRow {
                    account,
                    resource: *r,
                    live: live as u64,
                    tombstones: tombstones as u64,
                    checkpoint: None,
                    last_error: None,
                    last_error_at: None,
                },
            );
        }
    }
    let mut stmt = c.prepare("SELECT account, resource, checkpoint, last_error, last_error_at FROM checkpoints")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (account, resource, checkpoint, last_error, last_error_at) = row?;
        let Some(i) = Resource::ALL.iter().position(|r| r.plural() == resource) else { continue };
        let entry = by.entry((account.clone(), i)).or_insert_with(|| StatusRow {
            account,
            resource: Resource::ALL[i],
            live: 0,
            tombstones: 0,
            checkpoint: None,
            last_error: None,
            last_error_at: None,
        });
        entry.checkpoint = Some(checkpoint);
        entry.last_error = last_error;
        entry.last_error_at = last_error_at;
    }
    Ok(by.into_values().collect())
}
