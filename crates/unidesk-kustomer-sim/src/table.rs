//! One collection's records, kept in a vector sorted by id.
//!
//! Ids are handed out in increasing order (see [`crate::store::Store::new_id`]), so seeding
//! and creating records append; a lookup is a binary search. A page of a listing is a slice
//! when no record is deleted, so serving page 10,000 of a million records costs what page 1
//! costs; with deletions, only the live records before the page are counted.

use crate::record::{Id, Rec};

/// Records by id, in id order, with the count of deleted ones.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<(Id, Rec)>,
    deleted: usize,
}

impl Table {
    fn position(&self, id: &str) -> Result<usize, usize> {
        self.rows.binary_search_by(|(k, _)| (**k).cmp(id))
    }

    /// The position of record `id` (in id order), deleted or not.
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        self.position(id).ok()
    }

    /// Room for `more` records without growing (seeding knows its counts up front; growing a
    /// vector of millions of rows would briefly hold it twice).
    pub(crate) fn reserve(&mut self, more: usize) {
        self.rows.reserve_exact(more);
    }

    /// The record `id`, deleted or not.
    pub(crate) fn get(&self, id: &str) -> Option<&Rec> {
        self.position(id).ok().map(|i| &self.rows[i].1)
    }

    /// The record `id` to change in place. A change must not delete it: deletions go through
    /// [`Table::replace`], which keeps the count of deleted records.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Rec> {
        let i = self.position(id).ok()?;
        Some(&mut self.rows[i].1)
    }

    /// Every record with its id, in id order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&Id, &Rec)> {
        self.rows.iter().map(|(k, r)| (k, r))
    }

    /// Every id, in order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &Id> {
        self.rows.iter().map(|(k, _)| k)
    }

    /// Every record, in id order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Rec> {
        self.rows.iter().map(|(_, r)| r)
    }

    /// Adds `rec` as `id`, or replaces the record `id` holds.
    pub(crate) fn insert(&mut self, id: Id, rec: Rec) {
        // New ids sort last: append without searching.
        if self.rows.last().is_none_or(|(last, _)| *last < id) {
            self.deleted += usize::from(rec.is_deleted());
            self.rows.push((id, rec));
            return;
        }
        match self.position(&id) {
            Ok(i) => self.replace(i, rec),
            Err(i) => {
                self.deleted += usize::from(rec.is_deleted());
                if i == self.rows.len() {
                    self.rows.push((id, rec));
                } else {
                    self.rows.insert(i, (id, rec));
                }
            }
        }
    }

    /// Replaces the record at position `i` (in id order).
    pub(crate) fn replace(&mut self, i: usize, rec: Rec) {
        let old = &mut self.rows[i].1;
        self.deleted = self.deleted + usize::from(rec.is_deleted()) - usize::from(old.is_deleted());
        *old = rec;
    }

    /// The positions of the live records `keep` selects.
    pub(crate) fn live_positions(&self, keep: impl Fn(&Rec) -> bool) -> Vec<usize> {
        self.rows.iter().enumerate().filter(|(_, (_, r))| !r.is_deleted() && keep(r)).map(|(i, _)| i).collect()
    }

    /// The record at position `i`.
    pub(crate) fn at(&self, i: usize) -> &Rec {
        &self.rows[i].1
    }

    /// How many records are not deleted.
    pub(crate) fn live_len(&self) -> usize {
        self.rows.len() - self.deleted
    }

    /// Up to `take` live records after the first `skip` live ones, in id order.
    pub(crate) fn live_page(&self, skip: usize, take: usize) -> Vec<(&Id, &Rec)> {
        if self.deleted == 0 {
            let start = skip.min(self.rows.len());
            let end = start.saturating_add(take).min(self.rows.len());
            return self.rows[start..end].iter().map(|(k, r)| (k, r)).collect();
        }
        self.iter().filter(|(_, r)| !r.is_deleted()).skip(skip).take(take).collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::coll::Coll;
    use crate::record::Draft;

    fn rec(n: i64) -> Rec {
        let t = Utc.timestamp_opt(1_700_000_000 + n, 0).single().unwrap_or_default();
        Draft::new(t, t).into_rec(Coll::Notes)
    }

    fn ids(page: &[(&Id, &Rec)]) -> Vec<String> {
        page.iter().map(|(id, _)| id.to_string()).collect()
    }

    #[test]
    fn pages_skip_deleted_records_and_inserts_keep_id_order() {
        let mut t = Table::default();
        for k in [1, 2, 4, 5, 6] {
            t.insert(format!("id{k}").into(), rec(k));
        }
        // Out of order: lands in place; the same id again replaces.
        t.insert("id3".into(), rec(3));
        t.insert("id0".into(), rec(0));
        t.insert("id3".into(), rec(33));
        assert_eq!(
            t.keys().map(|k| k.to_string()).collect::<Vec<_>>(),
            ["id0", "id1", "id2", "id3", "id4", "id5", "id6"]
        );
        assert_eq!(t.get("id3").map(|r| r.created.timestamp()), Some(1_700_000_033));
        assert_eq!(ids(&t.live_page(2, 3)), ["id2", "id3", "id4"]);
        assert_eq!(ids(&t.live_page(6, 3)), ["id6"]);
        assert!(t.live_page(9, 3).is_empty());

        for id in ["id1", "id4"] {
            let i = t.find(id).unwrap_or_default();
            let gone = t.at(i).deleted_at(Coll::Notes, Utc::now());
            t.replace(i, gone);
        }
        assert_eq!(t.live_len(), 5);
        assert_eq!(ids(&t.live_page(0, 3)), ["id0", "id2", "id3"]);
        assert_eq!(ids(&t.live_page(3, 3)), ["id5", "id6"]);
        // Replacing a deleted record with a live one counts it live again.
        let i = t.find("id4").unwrap_or_default();
        t.replace(i, rec(4));
        assert_eq!((t.live_len(), ids(&t.live_page(3, 1))), (6, vec!["id4".to_owned()]));
        assert_eq!(t.live_positions(|r| r.created.timestamp() % 2 == 0).len(), 4);
    }
}
