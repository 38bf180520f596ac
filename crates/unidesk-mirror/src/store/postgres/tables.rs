//! The resource tables in Postgres (`migrations/postgres/V2__store.sql`, the shape of
//! [`crate::store::rows`]): a batch of rows turned into one array per column, and the
//! statements that write them — the batched upsert sends a whole page as `UNNEST` arrays in
//! one statement.

use chrono::{DateTime, Utc};
use tokio_postgres::types::ToSql;
use unidesk_core::Resource;

use crate::store::rows::{Cell, ColumnKind, Row, columns, table};

fn array_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text => "text[]",
        ColumnKind::Time => "timestamptz[]",
        ColumnKind::Bool => "boolean[]",
    }
}

/// The upsert of a batch of `resource`: `$1` account, `$2` seen_generation, `$3` ids, one array
/// per typed column, then tombstone flags, versions and the records (JSON text). A row is
/// written only when it is at least as new as the stored one (`version_at`) and differs from
/// it, or is seen by a later pass; the statement returns the ids it wrote.
pub(crate) fn upsert_sql(resource: Resource) -> String {
    let typed = columns(resource);
    let names: Vec<&str> = typed.iter().map(|c| c.name).collect();
    let mut arrays = vec!["$3::text[]".to_owned()];
    arrays.extend(typed.iter().enumerate().map(|(i, c)| format!("${}::{}", i + 4, array_type(c.kind))));
    let n = typed.len() + 4;
    arrays.extend([format!("${n}::boolean[]"), format!("${}::timestamptz[]", n + 1), format!("${}::text[]", n + 2)]);
    let sets: Vec<String> = names.iter().map(|c| format!("{c} = EXCLUDED.{c}")).collect();
    let t = table(resource);
    format!(
        "INSERT INTO {t} AS t (account, seen_generation, id, {cols}, remote_was_deleted, deleted_at, version_at, record)
         SELECT $1::text, $2::bigint, u.id, {u_cols}, u.gone, CASE WHEN u.gone THEN now() END, u.version, u.record::jsonb
           FROM UNNEST({arrays}) AS u(id, {cols}, gone, version, record)
         ON CONFLICT (account, id) DO UPDATE SET {sets},
             remote_was_deleted = EXCLUDED.remote_was_deleted,
             deleted_at = CASE WHEN EXCLUDED.remote_was_deleted THEN COALESCE(t.deleted_at, EXCLUDED.deleted_at) END,
             version_at = EXCLUDED.version_at,
             seen_generation = GREATEST(t.seen_generation, EXCLUDED.seen_generation),
             record = EXCLUDED.record
         WHERE (EXCLUDED.version_at IS NULL OR t.version_at IS NULL OR EXCLUDED.version_at >= t.version_at)
           AND (EXCLUDED.record IS DISTINCT FROM t.record OR EXCLUDED.seen_generation > t.seen_generation)
         RETURNING id",
        cols = names.join(", "),
        u_cols = names.iter().map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", "),
        arrays = arrays.join(", "),
        sets = sets.join(", "),
    )
}

/// Marks rows listed by pass `$2` as seen when the upsert left them alone (what is stored is
/// newer): `$1` account, `$3` ids.
pub(crate) fn mark_seen_sql(resource: Resource) -> String {
    format!(
        "UPDATE {t} SET seen_generation = $2 WHERE account = $1 AND id = ANY($3::text[]) AND seen_generation < $2",
        t = table(resource)
    )
}

/// Marks the records of account `$1` not seen by pass `$2` as tombstones.
pub(crate) fn reconcile_sql(resource: Resource) -> String {
    format!(
        "UPDATE {t} SET remote_was_deleted = true, deleted_at = now(),
                record = jsonb_set(record, '{{remote_was_deleted}}', 'true'::jsonb)
          WHERE account = $1 AND seen_generation < $2 AND NOT remote_was_deleted",
        t = table(resource)
    )
}

/// Marks one record a tombstone (a delete event): `$1` account, `$2` id, `$3` when.
pub(crate) fn delete_sql(resource: Resource) -> String {
    format!(
        "UPDATE {t} SET remote_was_deleted = true, deleted_at = COALESCE(deleted_at, now()),
                version_at = GREATEST(version_at, $3),
                record = jsonb_set(record, '{{remote_was_deleted}}', 'true'::jsonb)
          WHERE account = $1 AND id = $2 AND NOT remote_was_deleted",
        t = table(resource)
    )
}

/// A tombstone for a record the store never held (a delete event): `$1` account, `$2` id,
/// `$3` when, `$4` the bare record.
pub(crate) fn bare_tombstone_sql(resource: Resource) -> String {
    format!(
        "INSERT INTO {t} (account, id, remote_was_deleted, deleted_at, version_at, record)
         VALUES ($1, $2, true, now(), $3, $4::text::jsonb) ON CONFLICT (account, id) DO NOTHING",
        t = table(resource)
    )
}

/// Tombstones of account `$1`.
pub(crate) fn count_tombstones_sql(resource: Resource) -> String {
    format!("SELECT count(*) FROM {t} WHERE account = $1 AND remote_was_deleted", t = table(resource))
}

/// Live records and tombstones per account.
pub(crate) fn counts_sql(resource: Resource) -> String {
    format!(
        "SELECT account, count(*) FILTER (WHERE NOT remote_was_deleted), count(*) FILTER (WHERE remote_was_deleted)
           FROM {t} GROUP BY account",
        t = table(resource)
    )
}

/// One typed column's values over a batch.
#[derive(Debug)]
enum Values {
    Text(Vec<Option<String>>),
    Time(Vec<Option<DateTime<Utc>>>),
    Bool(Vec<Option<bool>>),
}

impl Values {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Values::Text(c) => c,
            Values::Time(c) => c,
            Values::Bool(c) => c,
        }
    }
}

/// A batch of rows of one resource as column arrays, in the order of [`upsert_sql`].
#[derive(Debug)]
pub(crate) struct Batch {
    ids: Vec<String>,
    typed: Vec<Values>,
    gone: Vec<bool>,
    versions: Vec<Option<DateTime<Utc>>>,
    records: Vec<String>,
}

impl Batch {
    /// The columns of `rows` (all of `resource`). A record given twice is kept once, as its
    /// last occurrence: one statement cannot write a row twice.
    pub(crate) fn new(resource: Resource, rows: Vec<Row>) -> Batch {
        let mut last = std::collections::HashMap::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            last.insert(r.id.clone(), i);
        }
        let n = last.len();
        let mut b = Batch {
            ids: Vec::with_capacity(n),
            typed: columns(resource)
                .iter()
                .map(|c| match c.kind {
                    ColumnKind::Text => Values::Text(Vec::with_capacity(n)),
                    ColumnKind::Time => Values::Time(Vec::with_capacity(n)),
                    ColumnKind::Bool => Values::Bool(Vec::with_capacity(n)),
                })
                .collect(),
            gone: Vec::with_capacity(n),
            versions: Vec::with_capacity(n),
            records: Vec::with_capacity(n),
        };
        for (i, row) in rows.into_iter().enumerate() {
            if last.get(&row.id) != Some(&i) {
                continue;
            }
            for (col, cell) in b.typed.iter_mut().zip(row.cells) {
                match (col, cell) {
                    (Values::Text(v), Cell::Text(x)) => v.push(x),
                    (Values::Time(v), Cell::Time(x)) => v.push(x),
                    (Values::Bool(v), Cell::Bool(x)) => v.push(x),
                    (Values::Text(v), _) => v.push(None),
                    (Values::Time(v), _) => v.push(None),
                    (Values::Bool(v), _) => v.push(None),
                }
            }
            b.ids.push(row.id);
            b.gone.push(row.deleted);
            b.versions.push(row.updated_at);
            b.records.push(row.json);
        }
        b
    }

    /// Whether the batch holds no row.
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids, in batch order.
    pub(crate) fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The upsert's parameters: `account`, `generation`, then the columns.
    pub(crate) fn params<'a>(&'a self, account: &'a String, generation: &'a i64) -> Vec<&'a (dyn ToSql + Sync)> {
        let mut p: Vec<&(dyn ToSql + Sync)> = vec![account, generation, &self.ids];
        p.extend(self.typed.iter().map(Values::as_sql));
        p.extend([&self.gone as &(dyn ToSql + Sync), &self.versions, &self.records]);
        p
    }
}

#[cfg(test)]
mod tests {
    use unidesk_core::{AnyRecord, Ticket};

    use super::*;
    use crate::store::rows::row_of;

    fn row(id: &str, subject: &str) -> Row {
        let t = Ticket { id: id.into(), subject: Some(subject.into()), ..Ticket::default() };
        row_of(Resource::Ticket, &AnyRecord::Ticket(t)).expect("row")
    }

    #[test]
    fn a_batch_holds_each_id_once_as_its_last_occurrence_with_one_array_per_column() {
        let b = Batch::new(Resource::Ticket, vec![row("a", "first"), row("b", "x"), row("a", "second")]);
        assert_eq!(b.ids(), ["b", "a"]);
        assert!(b.records[1].contains("second"));
        let account = "acct".to_owned();
        assert_eq!(b.params(&account, &0).len(), 3 + columns(Resource::Ticket).len() + 3);
    }

    #[test]
    fn every_upsert_has_one_placeholder_per_parameter() {
        for r in Resource::ALL {
            let sql = upsert_sql(r);
            let params = 3 + columns(r).len() + 3;
            assert!(sql.contains(&format!("${params}::text[]")), "{sql}");
            assert!(!sql.contains(&format!("${}", params + 1)), "{sql}");
        }
    }
}
