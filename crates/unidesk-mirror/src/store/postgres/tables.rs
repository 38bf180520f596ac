//! The resource tables (`migrations/postgres/V2__store.sql`): which typed columns each one has,
//! a page of records turned into one array per column, and the batched upsert that sends them
//! as `UNNEST` arrays in one statement.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio_postgres::types::ToSql;
use unidesk_core::{AnyRecord, Record, Resource};

/// A typed column's SQL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Time,
    Bool,
}

impl Kind {
    fn array(self) -> &'static str {
        match self {
            Kind::Text => "text[]",
            Kind::Time => "timestamptz[]",
            Kind::Bool => "boolean[]",
        }
    }
}

/// The typed columns of each table, named as the record's JSON fields they copy.
fn typed(r: Resource) -> &'static [(&'static str, Kind)] {
    use Kind::{Bool, Text, Time};
    match r {
        Resource::Ticket => &[
            ("status", Text),
            ("priority", Text),
            ("subject", Text),
            ("contact_id", Text),
            ("account_id", Text),
            ("external_id", Text),
            ("closed_at", Time),
        ],
        Resource::Comment => {
            &[("ticket_id", Text), ("author_user_id", Text), ("author_contact_id", Text), ("is_private", Bool)]
        }
        Resource::Contact => &[("name", Text), ("email", Text), ("account_id", Text), ("external_id", Text)],
        Resource::Account => &[("name", Text), ("external_id", Text)],
        Resource::Tag | Resource::Team => &[("name", Text)],
        Resource::User => &[("name", Text), ("email", Text), ("is_active", Bool)],
    }
}

/// The table of `r` (its plural name).
pub(crate) fn table(r: Resource) -> &'static str {
    r.plural()
}

/// The columns every table has after (account, seen_gen), in statement order, with their types.
const COMMON: [(&str, Kind); 4] =
    [("id", Kind::Text), ("created_at", Kind::Time), ("updated_at", Kind::Time), ("remote_was_deleted", Kind::Bool)];

/// Whether the incoming row may replace the stored one: an older `updated_at` never replaces a
/// newer one (a webhook may have stored a newer version while a pass lists an older page).
const NEWER: &str = "(EXCLUDED.updated_at IS NULL OR t.updated_at IS NULL OR EXCLUDED.updated_at >= t.updated_at)";

/// How an upsert treats a row that exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A page of a pass: the row is marked seen by this pass; its content is replaced unless
    /// what is stored is newer.
    Listing,
    /// Single changes (webhooks): the row changes only when the incoming one is at least as
    /// new and differs; the statement returns one row per change made.
    Apply,
}

/// The upsert of `r` in `mode`: `$1` account, `$2` seen_gen, then one array per column.
pub(crate) fn upsert_sql(r: Resource, mode: Mode) -> String {
    let cols: Vec<(&str, Kind)> = COMMON.iter().chain(typed(r)).copied().chain([("record", Kind::Text)]).collect();
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let arrays: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, (name, kind))| {
            let ty = if *name == "record" { "jsonb[]" } else { kind.array() };
            format!("${}::{ty}", i + 3)
        })
        .collect();
    let data: Vec<&str> = names.iter().copied().filter(|n| *n != "id").collect();
    let head = format!(
        "INSERT INTO {t} AS t (account, seen_gen, {cols})
         SELECT $1::text, $2::bigint, u.* FROM UNNEST({arrays}) AS u({cols})
         ON CONFLICT (account, id) DO UPDATE SET synced_at = now(), ",
        t = table(r),
        cols = names.join(", "),
        arrays = arrays.join(", "),
    );
    match mode {
        Mode::Listing => {
            let sets: Vec<String> =
                data.iter().map(|c| format!("{c} = CASE WHEN {NEWER} THEN EXCLUDED.{c} ELSE t.{c} END")).collect();
            format!("{head}seen_gen = GREATEST(t.seen_gen, EXCLUDED.seen_gen), {}", sets.join(", "))
        }
        Mode::Apply => {
            let sets: Vec<String> = data.iter().map(|c| format!("{c} = EXCLUDED.{c}")).collect();
            format!(
                "{head}{} WHERE {NEWER} AND t.record IS DISTINCT FROM EXCLUDED.record RETURNING 1",
                sets.join(", ")
            )
        }
    }
}

/// One column's values over a batch.
#[derive(Debug)]
enum ColumnValues {
    Text(Vec<Option<String>>),
    Time(Vec<Option<DateTime<Utc>>>),
    Bool(Vec<Option<bool>>),
}

impl ColumnValues {
    fn new(kind: Kind, n: usize) -> ColumnValues {
        match kind {
            Kind::Text => ColumnValues::Text(Vec::with_capacity(n)),
            Kind::Time => ColumnValues::Time(Vec::with_capacity(n)),
            Kind::Bool => ColumnValues::Bool(Vec::with_capacity(n)),
        }
    }

    fn push(&mut self, v: Option<&Value>) {
        match self {
            ColumnValues::Text(c) => c.push(v.and_then(Value::as_str).map(str::to_owned)),
            ColumnValues::Time(c) => c.push(
                v.and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&Utc)),
            ),
            ColumnValues::Bool(c) => c.push(v.and_then(Value::as_bool)),
        }
    }

    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            ColumnValues::Text(c) => c,
            ColumnValues::Time(c) => c,
            ColumnValues::Bool(c) => c,
        }
    }
}

/// A batch of records of one resource as column arrays, in the order of [`upsert_sql`].
#[derive(Debug)]
pub(crate) struct Batch {
    ids: Vec<String>,
    created: Vec<Option<DateTime<Utc>>>,
    updated: Vec<Option<DateTime<Utc>>>,
    deleted: Vec<bool>,
    typed: Vec<(&'static str, ColumnValues)>,
    records: Vec<Value>,
}

impl Batch {
    /// The columns of `records` (all of resource `r`). A record listed twice in one batch is
    /// kept once, as its last occurrence (one statement cannot touch a row twice).
    pub(crate) fn new(r: Resource, records: &[AnyRecord]) -> Result<Batch, serde_json::Error> {
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(records.len());
        for (i, rec) in records.iter().enumerate() {
            last.insert(rec.id(), i);
        }
        let n = last.len();
        let cols = typed(r);
        let mut b = Batch {
            ids: Vec::with_capacity(n),
            created: Vec::with_capacity(n),
            updated: Vec::with_capacity(n),
            deleted: Vec::with_capacity(n),
            typed: cols.iter().map(|(name, kind)| (*name, ColumnValues::new(*kind, n))).collect(),
            records: Vec::with_capacity(n),
        };
        for (i, rec) in records.iter().enumerate() {
            if last.get(rec.id()) != Some(&i) {
                continue;
            }
            let value = serde_json::to_value(rec)?;
            b.ids.push(rec.id().to_owned());
            b.created.push(rec.created_at());
            b.updated.push(rec.updated_at());
            b.deleted.push(rec.remote_was_deleted());
            for (name, col) in &mut b.typed {
                col.push(value.get(*name));
            }
            b.records.push(value);
        }
        Ok(b)
    }

    /// How many distinct records the batch holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the batch holds no record.
    pub(crate) fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The statement's parameters: `account`, `seen_gen`, then the columns.
    pub(crate) fn params<'a>(&'a self, account: &'a String, seen_gen: &'a i64) -> Vec<&'a (dyn ToSql + Sync)> {
        let mut p: Vec<&(dyn ToSql + Sync)> =
            vec![account, seen_gen, &self.ids, &self.created, &self.updated, &self.deleted];
        p.extend(self.typed.iter().map(|(_, c)| c.as_sql()));
        p.push(&self.records);
        p
    }
}

/// Marks the records of an account not seen by pass `$2` as tombstones: `$1` account.
pub(crate) fn reconcile_sql(r: Resource) -> String {
    format!(
        "UPDATE {t} SET remote_was_deleted = true, synced_at = now(),
                record = jsonb_set(record, '{{remote_was_deleted}}', 'true'::jsonb)
          WHERE account = $1 AND seen_gen < $2 AND NOT remote_was_deleted",
        t = table(r)
    )
}

/// Marks one record a tombstone (a delete event): `$1` account, `$2` id, `$3` when (or NULL).
/// Nothing changes when it is a tombstone already, or when what is stored is newer than `$3`.
pub(crate) fn delete_sql(r: Resource) -> String {
    format!(
        "UPDATE {t} SET remote_was_deleted = true, synced_at = now(),
                record = jsonb_set(record, '{{remote_was_deleted}}', 'true'::jsonb),
                updated_at = GREATEST(updated_at, $3)
          WHERE account = $1 AND id = $2 AND NOT remote_was_deleted
            AND ($3::timestamptz IS NULL OR updated_at IS NULL OR updated_at <= $3)",
        t = table(r)
    )
}

/// Live records, tombstones and the latest `updated_at` per account.
pub(crate) fn counts_sql(r: Resource) -> String {
    format!(
        "SELECT account, count(*) FILTER (WHERE NOT remote_was_deleted), count(*) FILTER (WHERE remote_was_deleted),
                max(updated_at)
           FROM {t} GROUP BY account",
        t = table(r)
    )
}

#[cfg(test)]
mod tests {
    use unidesk_core::{Comment, Ticket};

    use super::*;

    #[test]
    fn a_batch_holds_one_row_per_id_and_the_typed_columns_of_its_resource() {
        let mut a = Ticket { id: "a".into(), subject: Some("first".into()), ..Ticket::default() };
        let b = Ticket { id: "b".into(), contact_id: Some("c1".into()), ..Ticket::default() };
        a.subject = Some("second".into());
        let recs =
            vec![AnyRecord::Ticket(Ticket { id: "a".into(), ..Ticket::default() }), AnyRecord::Ticket(b), AnyRecord::Ticket(a)];
        let batch = Batch::new(Resource::Ticket, &recs).expect("batch");
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.ids, ["b", "a"], "the last occurrence is kept");
        let subject = batch.typed.iter().find(|(n, _)| *n == "subject").expect("subject");
        assert!(matches!(&subject.1, ColumnValues::Text(v) if v[1].as_deref() == Some("second")));
        let account = "acct".to_owned();
        assert_eq!(batch.params(&account, &0).len(), 6 + typed(Resource::Ticket).len() + 1);
        let c = Batch::new(Resource::Comment, &[AnyRecord::Comment(Comment::default())]).expect("comment");
        assert!(matches!(c.typed.iter().find(|(n, _)| *n == "is_private").map(|t| &t.1), Some(ColumnValues::Bool(v)) if v[0] == Some(false)));
    }

    #[test]
    fn the_upserts_name_every_column_once_with_one_array_each() {
        for r in Resource::ALL {
            for mode in [Mode::Listing, Mode::Apply] {
                let sql = upsert_sql(r, mode);
                let arrays = sql.matches("[]").count();
                assert_eq!(arrays, COMMON.len() + typed(r).len() + 1, "{sql}");
                assert!(sql.contains(&format!("${}::jsonb[]", arrays + 2)), "{sql}");
            }
        }
    }
}
