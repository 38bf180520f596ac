//! Users' teams: Kustomer's user record lists none, its team records list their `members`, so
//! the adapter inverts the teams listing.
//!
//! The inversion is built from every page of `GET /v1/teams` (500 teams a page) and cached in
//! the client for [`crate::KustomerBuilder::user_teams_ttl`] (default one minute). The first
//! page of a user listing (no cursor) always rebuilds it, so a listing sees teams as they are
//! when it starts; its later pages, and `users().get`, reuse the cached one while it is fresh.
//! Cost: one request per 500 teams per user listing (and at most one per TTL for gets).

use std::sync::Arc;

use unidesk_core::{ListQuery, Result};

use crate::client::KustomerClient;
use crate::team_index::TeamIndex;

/// The most team pages read for one inversion (500 teams each).
const MAX_TEAM_PAGES: usize = 1_000;
use crate::descriptor::{self, KustomerResource};

impl KustomerClient {
    /// The team inversion: rebuilt when `fresh` is asked for or the cached one is older than
    /// the TTL, else the cached one.
    pub(crate) async fn team_index(&self, fresh: bool) -> Result<Arc<TeamIndex>> {
        let ttl = self.inner.user_teams_ttl;
        if !fresh {
            let cached = self.inner.team_index.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(index) = cached.filter(|i| i.built.elapsed() < ttl) {
                return Ok(index);
            }
        }
        let mut teams = Vec::new();
        let mut query = ListQuery::new().page_size(descriptor::Teams::MAX_PAGE_SIZE);
        for _ in 0..MAX_TEAM_PAGES {
            let page = self.list_resource::<descriptor::Teams>(&query).await?;
            teams.extend(page.items);
            match page.next_cursor {
                Some(c) => query.cursor = Some(c),
                None => break,
            }
        }
        let index = Arc::new(TeamIndex::build(&teams));
        *self.inner.team_index.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&index));
        Ok(index)
    }
}
