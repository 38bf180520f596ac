//! The simulated account: its tables, id counters and clock.

use std::collections::{BTreeMap, BTreeSet};

use crate::record::Rec;

/// Records of one kind by id, with an index by (stamp, id) for the incremental exports.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: BTreeMap<i64, Rec>,
    by_stamp: BTreeSet<(i64, i64)>,
}

impl Table {
    /// The record `id`, deleted or not.
    pub(crate) fn get(&self, id: i64) -> Option<&Rec> {
        self.rows.get(&id)
    }

    /// The record `id` unless absent or soft-deleted.
    pub(crate) fn live(&self, id: i64) -> Option<&Rec> {
        self.rows.get(&id).filter(|r| r.deleted_at.is_none())
    }

    /// Adds or replaces a record.
    pub(crate) fn put(&mut self, id: i64, rec: Rec) {
        if let Some(old) = self.rows.get(&id) {
            self.by_stamp.remove(&(old.stamp, id));
        }
        self.by_stamp.insert((rec.stamp, id));
        self.rows.insert(id, rec);
    }

    /// Changes record `id` with `f` (keeping the index right). Returns whether it existed.
    pub(crate) fn update(&mut self, id: i64, f: impl FnOnce(&mut Rec)) -> bool {
        let Some(rec) = self.rows.get_mut(&id) else { return false };
        self.by_stamp.remove(&(rec.stamp, id));
        f(rec);
        self.by_stamp.insert((rec.stamp, id));
        true
    }

    /// Removes record `id` for good.
    pub(crate) fn remove(&mut self, id: i64) -> Option<Rec> {
        let rec = self.rows.remove(&id)?;
        self.by_stamp.remove(&(rec.stamp, id));
        Some(rec)
    }

    /// Every record by ascending id, deleted ones included.
    pub(crate) fn all(&self) -> impl DoubleEndedIterator<Item = (i64, &Rec)> + '_ {
        self.rows.iter().map(|(id, r)| (*id, r))
    }

    /// Records not soft-deleted, by ascending id.
    pub(crate) fn live_rows(&self) -> impl DoubleEndedIterator<Item = (i64, &Rec)> + '_ {
        self.all().filter(|(_, r)| r.deleted_at.is_none())
    }

    /// How many records are not soft-deleted.
    pub(crate) fn live_count(&self) -> usize {
        self.rows.values().filter(|r| r.deleted_at.is_none()).count()
    }

    /// Records (deleted ones too) in (stamp, id) order from `(stamp, id)` on, inclusive.
    pub(crate) fn by_stamp_from(&self, from: (i64, i64)) -> impl Iterator<Item = (i64, &Rec)> + '_ {
        self.by_stamp.range(from..).filter_map(|(_, id)| self.rows.get(id).map(|r| (*id, r)))
    }
}

/// The kinds of records the account holds, one table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `/api/v2/tickets`
    Tickets,
    /// `/api/v2/users`
    Users,
    /// `/api/v2/organizations`
    Organizations,
    /// `/api/v2/groups`
    Groups,
    /// `/api/v2/group_memberships`
    Memberships,
    /// `/api/v2/ticket_fields`
    TicketFields,
    /// `/api/v2/user_fields`
    UserFields,
    /// `/api/v2/organization_fields`
    OrganizationFields,
    /// `/api/v2/attachments`
    Attachments,
}

impl Kind {
    /// Every kind.
    pub(crate) const ALL: [Kind; 9] = [
        Kind::Tickets,
        Kind::Users,
        Kind::Organizations,
        Kind::Groups,
        Kind::Memberships,
        Kind::TicketFields,
        Kind::UserFields,
        Kind::OrganizationFields,
        Kind::Attachments,
    ];

    /// The path segment and the list key of the JSON envelope (`tickets`, `users`…).
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Kind::Tickets => "tickets",
            Kind::Users => "users",
            Kind::Organizations => "organizations",
            Kind::Groups => "groups",
            Kind::Memberships => "group_memberships",
            Kind::TicketFields => "ticket_fields",
            Kind::UserFields => "user_fields",
            Kind::OrganizationFields => "organization_fields",
            Kind::Attachments => "attachments",
        }
    }

    /// The key of a single record's envelope (`ticket`, `user`…).
    pub(crate) fn singular(self) -> &'static str {
        match self {
            Kind::Tickets => "ticket",
            Kind::Users => "user",
            Kind::Organizations => "organization",
            Kind::Groups => "group",
            Kind::Memberships => "group_membership",
            Kind::TicketFields => "ticket_field",
            Kind::UserFields => "user_field",
            Kind::OrganizationFields => "organization_field",
            Kind::Attachments => "attachment",
        }
    }

    /// The kind whose path segment is `plural`.
    pub(crate) fn from_plural(plural: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == plural)
    }

    /// The first id of the kind: each kind has its own id range, as distinct as Zendesk's.
    fn first_id(self) -> i64 {
        match self {
            Kind::Tickets => 1,
            Kind::Users => 360_000_001,
            Kind::Organizations => 370_000_001,
            Kind::Groups => 380_000_001,
            Kind::Memberships => 390_000_001,
            Kind::TicketFields => 400_000_001,
            Kind::UserFields => 410_000_001,
            Kind::OrganizationFields => 420_000_001,
            Kind::Attachments => 430_000_001,
        }
    }
}

/// A binary attachment body.
#[derive(Debug, Clone)]
pub(crate) struct File {
    /// The file name.
    pub(crate) name: String,
    /// The MIME type.
    pub(crate) content_type: String,
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
}

/// The account.
#[derive(Debug)]
pub(crate) struct Store {
    /// The simulator's root URL (`http://127.0.0.1:PORT`), for `url` fields and links.
    pub(crate) base: String,
    tables: [Table; 9],
    next: [i64; 9],
    /// Each ticket's comments, ascending by creation (each a `Comment` object).
    pub(crate) comments: BTreeMap<i64, Vec<Rec>>,
    /// Attachment bodies by attachment id.
    pub(crate) files: BTreeMap<i64, File>,
    /// Attachment ids by download token.
    pub(crate) tokens: BTreeMap<String, i64>,
    /// Upload tokens (`POST /uploads`) and the attachments each holds.
    pub(crate) uploads: BTreeMap<String, Vec<i64>>,
    /// The status each soft-deleted ticket had (`previous_state`, restored on a restore).
    pub(crate) deleted_from: BTreeMap<i64, String>,
    /// The next comment id.
    next_comment: i64,
    /// The next audit id.
    next_audit: i64,
    last_tick: i64,
}

impl Store {
    /// An empty account served at `base`.
    pub(crate) fn new(base: String) -> Store {
        Store {
            base,
            tables: Default::default(),
            next: Kind::ALL.map(Kind::first_id),
            comments: BTreeMap::new(),
            files: BTreeMap::new(),
            tokens: BTreeMap::new(),
            uploads: BTreeMap::new(),
            deleted_from: BTreeMap::new(),
            next_comment: 20_000_000_001,
            next_audit: 30_000_000_001,
            last_tick: 0,
        }
    }

    /// The table of `kind`.
    pub(crate) fn table(&self, kind: Kind) -> &Table {
        &self.tables[kind as usize]
    }

    /// The table of `kind`, to change.
    pub(crate) fn table_mut(&mut self, kind: Kind) -> &mut Table {
        &mut self.tables[kind as usize]
    }

    /// A fresh id of `kind`.
    pub(crate) fn new_id(&mut self, kind: Kind) -> i64 {
        let id = self.next[kind as usize];
        self.next[kind as usize] += 1;
        id
    }

    /// A fresh comment id.
    pub(crate) fn new_comment_id(&mut self) -> i64 {
        self.next_comment += 1;
        self.next_comment - 1
    }

    /// A fresh audit id.
    pub(crate) fn new_audit_id(&mut self) -> i64 {
        self.next_audit += 1;
        self.next_audit - 1
    }

    /// The API URL of a record: `{base}/api/v2/{plural}/{id}.json`.
    pub(crate) fn url(&self, kind: Kind, id: i64) -> String {
        format!("{}/api/v2/{}/{id}.json", self.base, kind.plural())
    }

    /// Now in epoch seconds, never before the last write (Zendesk's clock has one-second
    /// resolution, so writes within one second share their `updated_at`).
    pub(crate) fn now(&mut self) -> i64 {
        let now = chrono::Utc::now().timestamp().max(self.last_tick);
        self.last_tick = now;
        now
    }
}
