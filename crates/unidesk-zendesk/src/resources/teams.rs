//! Teams: Zendesk groups, members from group memberships.

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;
use unidesk_core::{Error, ListQuery, Page, Resource, Result, Team, Teams};

use super::zendesk_id;
use crate::client::{Call, ZendeskClient};
use crate::{map, wire};

impl ZendeskClient {
    /// User ids by group id.
    async fn members_by_group(&self) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for m in self.memberships().await? {
            out.entry(m.group_id).or_default().push(map::id_text(m.user_id));
        }
        Ok(out)
    }
}

#[async_trait]
impl Teams for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Team>> {
        self.no_deleted(q, Resource::Team)?;
        let members = self.members_by_group().await?;
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
        let members = self.members_by_group().await?.remove(&g.id).unwrap_or_default();
        Ok(map::team(&g, v, members))
    }
}
