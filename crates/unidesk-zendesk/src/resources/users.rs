//! Users: Zendesk users with the `agent` or `admin` role; teams from group memberships.

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;
use unidesk_core::{Error, ListQuery, Page, Resource, Result, User, Users};

use super::zendesk_id;
use crate::client::{Call, ZendeskClient};
use crate::{map, wire};

impl ZendeskClient {
    /// Every group membership: `(user, group)` pairs.
    pub(crate) async fn memberships(&self) -> Result<Vec<wire::GroupMembership>> {
        let call = Call::get("/group_memberships.json", "/group_memberships.json");
        Ok(self.all::<wire::GroupMembership>(&call).await?.into_iter().map(|(m, _)| m).collect())
    }

    /// Group memberships as `key → values` ids: by user (`by_user`: user → groups) or by group
    /// (group → users).
    pub(crate) async fn membership_index(&self, by_user: bool) -> Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for m in self.memberships().await? {
            let (key, value) = if by_user { (m.user_id, m.group_id) } else { (m.group_id, m.user_id) };
            out.entry(key).or_default().push(map::id_text(value));
        }
        Ok(out)
    }
}

#[async_trait]
impl Users for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<User>> {
        let teams = self.membership_index(true).await?;
        let base = Call::get("/users.json", "/users.json").query("role[]", "agent").query("role[]", "admin");
        let page = self
            .scan_cbp(
                q,
                Resource::User,
                &base,
                |u: wire::User, v: Option<Value>| {
                    let t = teams.get(&u.id).cloned().unwrap_or_default();
                    (u.id, (map::is_agent(u.role.as_deref()), map::user(u, v, t)))
                },
                |(agent, u)| {
                    *agent
                        && (q.include_deleted || !u.remote_was_deleted)
                        && q.matches_times(u.created_at, u.updated_at)
                },
            )
            .await?;
        Ok(Page { items: page.items.into_iter().map(|(_, u)| u).collect(), next_cursor: page.next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<User> {
        let n = zendesk_id(id, Resource::User)?;
        let call = Call::get(format!("/users/{n}.json"), "/users/{id}.json").not_found(Resource::User, id);
        let (u, v): (wire::User, _) = self.one(&call, include_remote_data).await?;
        if !map::is_agent(u.role.as_deref()) || !u.active {
            return Err(Error::not_found(Resource::User, id));
        }
        let teams = self.membership_index(true).await?.remove(&u.id).unwrap_or_default();
        Ok(map::user(u, v, teams))
    }
}
