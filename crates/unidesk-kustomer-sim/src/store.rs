//! The simulated org: its collections, attachments, id counter and clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::record::{Id, Rec, RelName};
use crate::table::Table;

/// The collections, each keyed (and listed) by id.
#[derive(Debug, Default)]
pub(crate) struct Store {
    colls: [Table; 8],
    /// Klasses, KObjects, sub-statuses, drafts and the audit log.
    pub(crate) docs: crate::doc::Docs,
    /// Attachments by id, each its rendered JSON.
    pub(crate) attachments: BTreeMap<Id, Box<str>>,
    /// Custom-attribute metadata (`GET /v1/metadata/{kind}`): per record kind, each custom
    /// attribute's definition by name.
    metadata: BTreeMap<&'static str, Map<String, Value>>,
    counter: u64,
    last_tick: Option<DateTime<Utc>>,
}

impl Store {
    /// The records of `coll`.
    pub(crate) fn coll(&self, coll: Coll) -> &Table {
        &self.colls[coll.index()]
    }

    /// The records of `coll`, to change.
    pub(crate) fn coll_mut(&mut self, coll: Coll) -> &mut Table {
        &mut self.colls[coll.index()]
    }

    /// Whether `coll` holds `id`, not deleted.
    pub(crate) fn contains(&self, coll: Coll, id: &str) -> bool {
        self.live(coll, id).is_some()
    }

    /// The record `id` of `coll`, unless absent or deleted.
    pub(crate) fn live(&self, coll: Coll, id: &str) -> Option<&Rec> {
        self.coll(coll).get(id).filter(|r| !r.is_deleted())
    }

    /// The record `id` of `coll` to change, unless absent or deleted.
    pub(crate) fn live_mut(&mut self, coll: Coll, id: &str) -> Option<&mut Rec> {
        self.coll_mut(coll).get_mut(id).filter(|r| !r.is_deleted())
    }

    /// How many records of `coll` are not deleted.
    pub(crate) fn live_count(&self, coll: Coll) -> usize {
        self.coll(coll).live_len()
    }

    /// Deletes `id` of `coll` at `now` (kept, marked `deleted`; see [`Rec::deleted_at`]); a
    /// conversation takes its messages and notes along. Returns the deleted record, or `None`
    /// when there is no such record or it is deleted already.
    pub(crate) fn delete(&mut self, coll: Coll, id: &str, now: DateTime<Utc>) -> Option<Rec> {
        let table = self.coll_mut(coll);
        let i = table.find(id).filter(|&i| !table.at(i).is_deleted())?;
        let deleted = table.at(i).deleted_at(coll, now);
        table.replace(i, deleted.clone());
        if coll == Coll::Conversations {
            for sub in [Coll::Messages, Coll::Notes] {
                let table = self.coll_mut(sub);
                for i in table.live_positions(|r| r.rel_id(RelName::Conversation) == Some(id)) {
                    let gone = table.at(i).deleted_at(sub, now);
                    table.replace(i, gone);
                }
            }
        }
        Some(deleted)
    }

    /// The custom-attribute definitions of records of `kind`, if the kind has metadata.
    pub(crate) fn metadata(&self, kind: &str) -> Option<&Map<String, Value>> {
        self.metadata.get(kind)
    }

    /// Sets the definition of custom attribute `name` on records of `coll`.
    pub(crate) fn define(&mut self, coll: Coll, name: &str, definition: Value) {
        self.metadata.entry(coll.kind()).or_default().insert(name.to_owned(), definition);
    }

    /// Defines every attribute of `custom` that has no definition yet, as Kustomer does when a
    /// write introduces one: the type from its suffix, the name in title case.
    pub(crate) fn define_new(&mut self, coll: Coll, custom: Option<&Value>) {
        let Some(custom) = custom.and_then(Value::as_object) else { return };
        let defs = self.metadata.entry(coll.kind()).or_default();
        for name in custom.keys() {
            if !defs.contains_key(name) {
                defs.insert(name.clone(), default_definition(name));
            }
        }
    }

    /// Adds (or replaces) a record.
    pub(crate) fn insert(&mut self, coll: Coll, id: Id, rec: Rec) {
        self.coll_mut(coll).insert(id, rec);
    }

    /// An empty store whose ids start after `first` (an org's ids differ from every other
    /// org's when each starts at its own `first`).
    pub(crate) fn with_ids_from(first: u64) -> Self {
        Store { counter: first, ..Store::default() }
    }

    /// A new id: 24 hex digits, increasing.
    pub(crate) fn new_id(&mut self, prefix: u32) -> Id {
        self.counter += 1;
        format!("{prefix:08x}{:016x}", self.counter).into_boxed_str()
    }

    /// Now, to the millisecond (the precision Kustomer renders), strictly after every earlier
    /// tick: two writes in the same millisecond get distinct `updatedAt`s, so a record's
    /// versions are totally ordered as a client sees them.
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now().trunc_subsecs(3);
        let t = match self.last_tick {
            Some(last) if now <= last => last + Duration::milliseconds(1),
            _ => now,
        };
        self.last_tick = Some(t);
        t
    }
}

/// The type suffixes of custom attributes, each with the metadata `type` it implies.
const SUFFIXES: [(&str, &str); 7] = [
    ("Str", "string"),
    ("Txt", "string"),
    ("Url", "string"),
    ("Num", "number"),
    ("Bool", "boolean"),
    ("At", "date"),
    ("Tree", "string"),
];

/// The definition Kustomer gives a custom attribute nobody described: the type its suffix
/// implies, and its name without the suffix in title case (`totalOrdersNum` → `Total Orders`).
pub(crate) fn default_definition(name: &str) -> Value {
    let (stem, kind) = SUFFIXES
        .iter()
        .find_map(|(suffix, kind)| name.strip_suffix(suffix).filter(|s| !s.is_empty()).map(|s| (s, *kind)))
        .unwrap_or((name, "string"));
    let mut label = String::with_capacity(stem.len() + 4);
    for (i, c) in stem.chars().enumerate() {
        if i == 0 {
            label.extend(c.to_uppercase());
        } else {
            if c.is_uppercase() {
                label.push(' ');
            }
            label.push(c);
        }
    }
    json!({ "type": kind, "displayName": label })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_differ_as_rendered_even_within_one_millisecond() {
        let mut store = Store::default();
        let rendered: Vec<String> = (0..2_000).map(|_| crate::record::ts(store.tick())).collect();
        let distinct: std::collections::BTreeSet<&String> = rendered.iter().collect();
        assert_eq!(distinct.len(), rendered.len(), "two ticks render to the same updatedAt");
        assert!(rendered.windows(2).all(|w| w[0] < w[1]), "ticks go backwards");
    }

    #[test]
    fn undescribed_attributes_get_kustomers_default_definition() {
        assert_eq!(default_definition("totalOrdersNum"), json!({ "type": "number", "displayName": "Total Orders" }));
        assert_eq!(default_definition("vipBool"), json!({ "type": "boolean", "displayName": "Vip" }));
        assert_eq!(default_definition("shippedAt"), json!({ "type": "date", "displayName": "Shipped" }));
        assert_eq!(default_definition("xStr"), json!({ "type": "string", "displayName": "X" }));
        assert_eq!(default_definition("Str"), json!({ "type": "string", "displayName": "Str" }));
    }
}
