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
