//! The relational shape of a record, shared by the database stores: one table per resource
//! keyed by (account, id), typed columns for the fields people filter on, and the whole
//! normalized record as JSON.

use chrono::{DateTime, Utc};
use unidesk_core::{AnyRecord, Record, Resource};

use crate::error::{MirrorError, Result};

/// A typed column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text (ids, enum values, emails).
    Text,
    /// A boolean.
    Bool,
    /// An instant (UTC).
    Time,
}

/// A typed column: named as the record's JSON field it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column's (and the JSON field's) name.
    pub name: &'static str,
    /// Its type.
    pub kind: ColumnKind,
    /// Whether the column has an index (with the account first).
    pub indexed: bool,
}

const fn text(name: &'static str, indexed: bool) -> Column {
    Column { name, kind: ColumnKind::Text, indexed }
}

const fn time(name: &'static str, indexed: bool) -> Column {
    Column { name, kind: ColumnKind::Time, indexed }
}

const fn boolean(name: &'static str) -> Column {
    Column { name, kind: ColumnKind::Bool, indexed: false }
}

/// The table of a resource (its plural name: `tickets`).
pub fn table(resource: Resource) -> &'static str {
    resource.plural()
}

/// The typed columns of a resource's table, besides `account`, `id` and the bookkeeping
/// columns (`remote_was_deleted`, `deleted_at`, `version_at`, `seen_generation`, `record`).
pub fn columns(resource: Resource) -> &'static [Column] {
    const TICKETS: &[Column] = &[
        text("status", true),
        text("priority", false),
        text("contact_id", true),
        text("account_id", true),
        text("external_id", false),
        time("created_at", false),
        time("updated_at", true),
        time("closed_at", false),
    ];
    const COMMENTS: &[Column] = &[
        text("ticket_id", true),
        text("author_user_id", false),
        text("author_contact_id", false),
        boolean("is_private"),
        time("created_at", false),
        time("updated_at", true),
    ];
    const CONTACTS: &[Column] = &[
        text("email", true),
        text("name", false),
        text("account_id", true),
        text("external_id", false),
        time("created_at", false),
        time("updated_at", true),
    ];
    const ACCOUNTS: &[Column] =
        &[text("name", false), text("external_id", false), time("created_at", false), time("updated_at", true)];
    const NAMED: &[Column] = &[text("name", false), time("created_at", false), time("updated_at", true)];
    const USERS: &[Column] = &[
        text("email", true),
        text("name", false),
        boolean("is_active"),
        time("created_at", false),
        time("updated_at", true),
    ];
    match resource {
        Resource::Ticket => TICKETS,
        Resource::Comment => COMMENTS,
        Resource::Contact => CONTACTS,
        Resource::Account => ACCOUNTS,
        Resource::Tag | Resource::Team => NAMED,
        Resource::User => USERS,
    }
}

/// One typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, or null.
    Text(Option<String>),
    /// A boolean, or null.
    Bool(Option<bool>),
    /// An instant, or null.
    Time(Option<DateTime<Utc>>),
}

/// A record ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Its id.
    pub id: String,
    /// The typed columns, in [`columns`] order.
    pub cells: Vec<Cell>,
    /// Its `updated_at` (the version that orders writes of the same record).
    pub updated_at: Option<DateTime<Utc>>,
    /// It is a tombstone (`remote_was_deleted`).
    pub deleted: bool,
    /// The normalized record as JSON text (the fields in the model's order).
    pub json: String,
}

/// The row of `record`, which must belong to `resource`.
pub fn row_of(resource: Resource, record: &AnyRecord) -> Result<Row> {
    if record.resource() != resource {
        return Err(MirrorError::InvalidInput {
            resource,
            message: format!("a {} record given as a {}", record.resource(), resource),
        });
    }
    let json = serde_json::to_string(record)
        .map_err(|e| MirrorError::store(format!("serializing a {} record", resource.as_str()), e))?;
    Ok(Row {
        id: record.id().to_owned(),
        cells: cells_of(record),
        updated_at: record.updated_at(),
        deleted: record.remote_was_deleted(),
        json,
    })
}

fn t(v: &Option<String>) -> Cell {
    Cell::Text(v.clone())
}

/// The typed columns of `record`, read from its fields, in [`columns`] order (a test checks
/// them against the record's JSON).
fn cells_of(record: &AnyRecord) -> Vec<Cell> {
    use Cell::{Bool, Text, Time};
    match record {
        AnyRecord::Ticket(r) => vec![
            Text(r.status.as_ref().map(|s| s.as_str().to_owned())),
            Text(r.priority.as_ref().map(|p| p.as_str().to_owned())),
            t(&r.contact_id),
            t(&r.account_id),
            t(&r.external_id),
            Time(r.created_at),
            Time(r.updated_at),
            Time(r.closed_at),
        ],
        AnyRecord::Comment(r) => vec![
            t(&r.ticket_id),
            t(&r.author_user_id),
            t(&r.author_contact_id),
            Bool(Some(r.is_private)),
            Time(r.created_at),
            Time(r.updated_at),
        ],
        AnyRecord::Contact(r) => {
            vec![t(&r.email), t(&r.name), t(&r.account_id), t(&r.external_id), Time(r.created_at), Time(r.updated_at)]
        }
        AnyRecord::Account(r) => vec![t(&r.name), t(&r.external_id), Time(r.created_at), Time(r.updated_at)],
        AnyRecord::Tag(r) => vec![t(&r.name), Time(r.created_at), Time(r.updated_at)],
        AnyRecord::Team(r) => vec![t(&r.name), Time(r.created_at), Time(r.updated_at)],
        AnyRecord::User(r) => {
            vec![t(&r.email), t(&r.name), Bool(Some(r.is_active)), Time(r.created_at), Time(r.updated_at)]
        }
    }
}

/// An instant as fixed-width RFC 3339 text (microseconds, `Z`), so text order is time order.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use unidesk_core::{Ticket, TicketStatus};

    /// A typed column read from the record's JSON (what the column promises to copy).
    fn cell_from_json(c: &Column, v: Option<&Value>) -> Cell {
        let v = v.filter(|v| !v.is_null());
        match c.kind {
            ColumnKind::Text => Cell::Text(v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))),
            ColumnKind::Bool => Cell::Bool(v.and_then(Value::as_bool)),
            ColumnKind::Time => Cell::Time(
                v.and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&Utc)),
            ),
        }
    }

    #[test]
    fn every_typed_column_holds_the_json_field_of_its_name() {
        let seed = unidesk_memory::Seed::sample(30);
        let mut records: Vec<AnyRecord> = Vec::new();
        records.extend(seed.tickets.into_iter().map(AnyRecord::Ticket));
        records.extend(seed.comments.into_iter().map(AnyRecord::Comment));
        records.extend(seed.contacts.into_iter().map(AnyRecord::Contact));
        records.extend(seed.accounts.into_iter().map(AnyRecord::Account));
        records.extend(seed.tags.into_iter().map(AnyRecord::Tag));
        records.extend(seed.teams.into_iter().map(AnyRecord::Team));
        records.extend(seed.users.into_iter().map(AnyRecord::User));
        let mut seen = std::collections::BTreeSet::new();
        for record in &records {
            let r = record.resource();
            seen.insert(r);
            let row = row_of(r, record).expect("row");
            let json: Value = serde_json::from_str(&row.json).expect("json");
            assert_eq!(json, serde_json::to_value(record).expect("value"), "the record, whole");
            let want: Vec<Cell> = columns(r).iter().map(|c| cell_from_json(c, json.get(c.name))).collect();
            assert_eq!(row.cells, want, "{r} {}", row.id);
            assert_eq!(row.cells.len(), columns(r).len());
        }
        assert_eq!(seen.len(), Resource::ALL.len(), "every resource checked");
    }

    #[test]
    fn typed_columns_copy_the_json_fields_and_times_sort_as_text() {
        let t = Ticket {
            id: "t1".into(),
            status: Some(TicketStatus::Open),
            contact_id: Some("c9".into()),
            updated_at: "2026-01-02T03:04:05.5Z".parse().ok(),
            ..Ticket::default()
        };
        let row = row_of(Resource::Ticket, &AnyRecord::Ticket(t)).expect("row");
        assert_eq!(row.id, "t1");
        assert_eq!(row.cells[0], Cell::Text(Some("open".into())));
        assert_eq!(row.cells[2], Cell::Text(Some("c9".into())));
        assert_eq!(row.cells[3], Cell::Text(None));
        assert!(!row.deleted);
        assert_eq!(row.json.parse::<Value>().expect("json")["status"], "open");
        let a = time_text("2026-01-02T03:04:05Z".parse().expect("t"));
        let b = time_text("2026-01-02T03:04:05.5Z".parse().expect("t"));
        assert!(a < b, "{a} < {b}");
        let e = row_of(Resource::Comment, &AnyRecord::Ticket(Ticket::default())).expect_err("wrong resource");
        assert!(matches!(e, MirrorError::InvalidInput { .. }));
    }
}
