//! The simulated org: its collections, attachments, id counter and clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::coll::Coll;
use crate::record::{Id, Rec};

/// The collections, each keyed (and listed) by id.
#[derive(Debug, Default)]
pub(crate) struct Store {
    colls: [BTreeMap<Id, Rec>; 8],
    /// Attachments by id, each its rendered JSON.
    pub(crate) attachments: BTreeMap<Id, Box<str>>,
    counter: u64,
    last_tick: Option<DateTime<Utc>>,
}

impl Store {
    /// The records of `coll`.
    pub(crate) fn coll(&self, coll: Coll) -> &BTreeMap<Id, Rec> {
        &self.colls[coll.index()]
    }

    /// The records of `coll`, to change.
    pub(crate) fn coll_mut(&mut self, coll: Coll) -> &mut BTreeMap<Id, Rec> {
        &mut self.colls[coll.index()]
    }

    /// Whether `coll` holds `id`.
    pub(crate) fn contains(&self, coll: Coll, id: &str) -> bool {
        self.coll(coll).contains_key(id)
    }

    /// Adds (or replaces) a record.
    pub(crate) fn insert(&mut self, coll: Coll, id: Id, rec: Rec) {
        self.coll_mut(coll).insert(id, rec);
    }

    /// A new id: 24 hex digits, increasing.
    pub(crate) fn new_id(&mut self, prefix: u32) -> Id {
        self.counter += 1;
        format!("{prefix:08x}{:016x}", self.counter).into_boxed_str()
    }

    /// Now, strictly after every earlier tick.
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now();
        let t = match self.last_tick {
            Some(last) if now <= last => last + Duration::milliseconds(1),
            _ => now,
        };
        self.last_tick = Some(t);
        t
    }
}
