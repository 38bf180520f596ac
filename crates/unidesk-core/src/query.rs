//! The listing contract: what a caller asks for, and the page it gets back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::capability::Resource;
use crate::cursor::{Cursor, fnv1a64};
use crate::error::{Error, Result};

/// What to list. Build with [`ListQuery::new`] and the builder methods.
///
/// A cursor is bound to the filters of the query that issued it
/// ([`ListQuery::fingerprint`]): reusing it with other filters is
/// [`Error::InvalidCursor`]. Page size and `include_remote_data` may change
/// between pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    /// Records per page; adapters clamp it to the provider's maximum. `None` = the adapter's default.
    pub page_size: Option<u32>,
    /// Where to continue; `None` starts at the beginning.
    pub cursor: Option<Cursor>,
    /// Only records updated at or after this instant (incremental sync).
    pub updated_after: Option<DateTime<Utc>>,
    /// Only records created at or after this instant.
    pub created_after: Option<DateTime<Utc>>,
    /// Attach the provider's raw record as `remote_data`.
    pub include_remote_data: bool,
    /// Comments: only those on this ticket.
    pub ticket_id: Option<String>,
    /// Tickets: only those of this contact.
    pub contact_id: Option<String>,
    /// Also list records the provider reports deleted, marked `remote_was_deleted`
    /// (an adapter without [`crate::Operation::ListDeleted`] for the resource answers
    /// [`Error::Unsupported`]).
    pub include_deleted: bool,
}

impl ListQuery {
    /// A query for everything, from the start, at the adapter's default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Continues from `cursor`.
    pub fn cursor(mut self, cursor: Cursor) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Keeps records updated at or after `t`.
    pub fn updated_after(mut self, t: DateTime<Utc>) -> Self {
        self.updated_after = Some(t);
        self
    }

    /// Keeps records created at or after `t`.
    pub fn created_after(mut self, t: DateTime<Utc>) -> Self {
        self.created_after = Some(t);
        self
    }

    /// Asks for `remote_data` on every record.
    pub fn include_remote_data(mut self, yes: bool) -> Self {
        self.include_remote_data = yes;
        self
    }

    /// Comments of one ticket.
    pub fn ticket_id(mut self, id: impl Into<String>) -> Self {
        self.ticket_id = Some(id.into());
        self
    }

    /// Also lists records the provider reports deleted.
    pub fn include_deleted(mut self, yes: bool) -> Self {
        self.include_deleted = yes;
        self
    }

    /// Tickets of one contact.
    pub fn contact_id(mut self, id: impl Into<String>) -> Self {
        self.contact_id = Some(id.into());
        self
    }

    /// The page size to use: the requested one clamped to `max`, or `default`.
    /// A requested size of 0 is [`Error::InvalidInput`].
    pub fn effective_page_size(&self, default: u32, max: u32) -> Result<u32> {
        match self.page_size {
            None => Ok(default.min(max)),
            Some(0) => Err(Error::invalid_input("page size must be at least 1")),
            Some(n) => Ok(n.min(max)),
        }
    }

    /// A stable fingerprint of the resource and the filters, which cursors are bound to.
    pub fn fingerprint(&self, resource: Resource) -> String {
        let canonical = format!(
            "{}|{}|{}|{}|{}",
            resource.as_str(),
            self.updated_after.map(|t| t.to_rfc3339()).unwrap_or_default(),
            self.created_after.map(|t| t.to_rfc3339()).unwrap_or_default(),
            self.ticket_id.as_deref().unwrap_or_default(),
            self.contact_id.as_deref().unwrap_or_default(),
        );
        // Appended only when set, so cursors issued before the flag existed stay valid.
        let canonical = if self.include_deleted { canonical + "|deleted" } else { canonical };
        format!("{:016x}", fnv1a64(canonical.as_bytes()))
    }

    /// Whether `updated_at`/`created_at` pass this query's time filters (for adapters that filter locally).
    pub fn matches_times(&self, created_at: Option<DateTime<Utc>>, updated_at: Option<DateTime<Utc>>) -> bool {
        let after = |bound: Option<DateTime<Utc>>, t: Option<DateTime<Utc>>| match bound {
            None => true,
            Some(b) => t.is_some_and(|t| t >= b),
        };
        after(self.updated_after, updated_at) && after(self.created_after, created_at)
    }
}

/// One page of records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The records, at most the page size (possibly none, even when more follow).
    pub items: Vec<T>,
    /// Where to continue; `None` on the last page.
    pub next_cursor: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page with no successor.
    pub fn last(items: Vec<T>) -> Self {
        Page { items, next_cursor: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_clamped_and_zero_rejected() {
        assert_eq!(ListQuery::new().effective_page_size(100, 500).ok(), Some(100));
        assert_eq!(ListQuery::new().page_size(1000).effective_page_size(100, 500).ok(), Some(500));
        assert!(matches!(ListQuery::new().page_size(0).effective_page_size(100, 500), Err(Error::InvalidInput { .. })));
    }

    #[test]
    fn fingerprint_depends_on_filters_only() {
        let q = ListQuery::new().ticket_id("t1");
        assert_eq!(q.fingerprint(Resource::Comment), q.clone().page_size(3).fingerprint(Resource::Comment));
        assert_ne!(q.fingerprint(Resource::Comment), ListQuery::new().fingerprint(Resource::Comment));
        assert_ne!(q.fingerprint(Resource::Comment), q.fingerprint(Resource::Ticket));
        assert_ne!(q.fingerprint(Resource::Comment), q.clone().include_deleted(true).fingerprint(Resource::Comment));
        assert_eq!(
            ListQuery::new().fingerprint(Resource::Ticket),
            "678de020cf4ba545",
            "the fingerprint without the new flag is unchanged"
        );
    }
}
