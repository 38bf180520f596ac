//! Resource-generic access through core's [`unidesk_core::list_page`] and
//! [`unidesk_core::get_record`], so one check covers all seven resources.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;
use unidesk_core::{AnyRecord, Cursor, Helpdesk, ListQuery, Record, Resource, Result};

use crate::outcome::{Context, Failure, ensure};

/// A record of any resource: its id, times, and its normalized JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rec {
    pub id: String,
    pub updated_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub json: Value,
}

fn rec(r: AnyRecord) -> Rec {
    Rec {
        id: r.id().to_owned(),
        updated_at: r.updated_at(),
        created_at: r.created_at(),
        json: serde_json::to_value(&r).unwrap_or(Value::Null),
    }
}

/// One page of `resource`.
pub(crate) async fn list(desk: &dyn Helpdesk, resource: Resource, q: &ListQuery) -> Result<(Vec<Rec>, Option<Cursor>)> {
    let page = unidesk_core::list_page(desk, resource, q).await?;
    Ok((page.items.into_iter().map(rec).collect(), page.next_cursor))
}

/// One record of `resource` by id.
pub(crate) async fn get(desk: &dyn Helpdesk, resource: Resource, id: &str) -> Result<Rec> {
    Ok(rec(unidesk_core::get_record(desk, resource, id, false).await?))
}

/// A complete walk through a listing: every page in order.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub pages: Vec<Vec<Rec>>,
}

impl Walk {
    /// Every record, in listing order.
    pub(crate) fn records(&self) -> impl Iterator<Item = &Rec> {
        self.pages.iter().flatten()
    }

    /// The ids, in listing order.
    pub(crate) fn ids(&self) -> Vec<String> {
        self.records().map(|r| r.id.clone()).collect()
    }

    /// Fails if any id appears twice.
    pub(crate) fn ensure_no_repeats(&self, what: &str) -> Result<(), Failure> {
        let mut seen = HashSet::new();
        for r in self.records() {
            ensure!(seen.insert(r.id.as_str()), "{what}: record {:?} was listed twice", r.id);
        }
        Ok(())
    }
}

/// The most pages a walk follows before declaring the listing endless.
const MAX_PAGES: usize = 20_000;

/// Follows `next_cursor` from the first page to the last, failing on a repeated cursor or an endless listing.
pub(crate) async fn walk(
    desk: &dyn Helpdesk,
    resource: Resource,
    query: ListQuery,
    what: &str,
) -> Result<Walk, Failure> {
    let mut q = query;
    let mut walk = Walk::default();
    let mut cursors = HashSet::new();
    loop {
        let (items, next) = list(desk, resource, &q).await.ctx(format!("{what}: page {}", walk.pages.len() + 1))?;
        walk.pages.push(items);
        match next {
            None => return Ok(walk),
            Some(c) => {
                ensure!(
                    cursors.insert(c.as_str().to_owned()),
                    "{what}: next_cursor repeated after {} pages",
                    walk.pages.len()
                );
                ensure!(walk.pages.len() < MAX_PAGES, "{what}: more than {MAX_PAGES} pages; the listing does not end");
                q.cursor = Some(c);
            }
        }
    }
}
