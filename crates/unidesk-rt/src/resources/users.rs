//! Users: RT's privileged users (agents), from the `Privileged` system group, in id order.

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};
use unidesk_core::{Error, ListQuery, Page, Resource, Result, User, Users};

use super::{bad_record, rt_id};
use crate::client::RtClient;
use crate::map;

/// Users read at once while a page is filled (RT serves several requests in parallel).
const PARALLEL_READS: usize = 4;

impl RtClient {
    /// One agent; `None` when the user is not (or no longer) privileged, or is gone.
    async fn fetch_agent(&self, n: u64, raw: bool) -> Result<Option<User>> {
        let id = n.to_string();
        let (u, v) = match self.fetch_user(n, &id, Resource::User).await {
            Ok(x) => x,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if u.privileged.as_deref().map(str::trim) != Some("1") {
            return Ok(None);
        }
        map::agent(&u, &v, &self.ctx(raw)).map(Some).map_err(|why| bad_record("/user/{id}", why))
    }
}

#[async_trait]
impl Users for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<User>> {
        let size = self.page_size(q, Resource::User)?;
        let after: u64 = self.cursor_state(q, Resource::User)?.unwrap_or(0);
        let mut ids: Vec<u64> = self.privileged_ids().await?.iter().copied().filter(|id| *id > after).collect();
        ids.sort_unstable();
        let more = ids.len() > size;
        ids.truncate(size);
        let raw = q.include_remote_data;
        let reads: Vec<_> = ids.iter().map(|n| self.fetch_agent(*n, raw)).collect();
        let users: Vec<Option<User>> = futures::stream::iter(reads).buffered(PARALLEL_READS).try_collect().await?;
        let items = users.into_iter().flatten().filter(|u| q.matches_times(u.created_at, u.updated_at)).collect();
        let next_cursor = match (more, ids.last()) {
            (true, Some(last)) => Some(self.next_cursor(q, Resource::User, *last)?),
            _ => None,
        };
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<User> {
        let n = rt_id(id, Resource::User)?;
        self.fetch_agent(n, include_remote_data).await?.ok_or_else(|| Error::not_found(Resource::User, id))
    }
}
