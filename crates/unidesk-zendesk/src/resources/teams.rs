//! Teams: Zendesk groups, members from group memberships.

use async_trait::async_trait;
use serde_json::Value;
use unidesk_core::{Error, ListQuery, Page, Resource, Result, Team, Teams};

use super::zendesk_id;
use crate::client::{Call, ZendeskClient};
use crate::{map, wire};

#[async_trait]
impl Teams for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Team>> {
        self.no_deleted(q, Resource::Team)?;
        let members = self.membership_index(false).await?;
        let base = Call::get("/groups.json", "/groups.json");
        self.scan_cbp(
            q,
            Resource::Team,
            &base,
            |g: wire::Group, v: Option<Value>| {
                let m = members.get(&g.id).cloned().unwrap_or_default();
                (g.id, map::team(&g, v, m))
            },
            |t| !t.remote_was_deleted && q.matches_times(t.created_at, t.updated_at),
        )
        .await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Team> {
        let n = zendesk_id(id, Resource::Team)?;
        let call = Call::get(format!("/groups/{n}.json"), "/groups/{id}.json").not_found(Resource::Team, id);
        let (g, v): (wire::Group, _) = self.one(&call, include_remote_data).await?;
        if g.deleted {
            return Err(Error::not_found(Resource::Team, id));
        }
        let members = self.membership_index(false).await?.remove(&g.id).unwrap_or_default();
        Ok(map::team(&g, v, members))
    }
}
