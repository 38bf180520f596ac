//! tags, teams and users: page-number listings, filtered on time client-side. Users get their
//! `team_ids` from the teams' `members` (`user_teams.rs`).

use async_trait::async_trait;
use unidesk_core::{ListQuery, Page, Result, Tag, Tags, Team, Teams, User, Users};

use crate::client::KustomerClient;
use crate::descriptor as kustomer;

#[async_trait]
impl Tags for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Tag>> {
        self.list_resource::<kustomer::Tags>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Tag> {
        self.get_resource::<kustomer::Tags>(id, include_remote_data).await
    }
}

#[async_trait]
impl Teams for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Team>> {
        self.list_resource::<kustomer::Teams>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Team> {
        self.get_resource::<kustomer::Teams>(id, include_remote_data).await
    }
}

#[async_trait]
impl Users for KustomerClient {
    /// A page of users with their `team_ids`: the teams are read afresh for a listing's first
    /// page (no cursor) and reused for its later pages while fresh; a page without users reads
    /// none.
    async fn list(&self, query: &ListQuery) -> Result<Page<User>> {
        let mut page = self.list_resource::<kustomer::Users>(query).await?;
        if self.inner.user_teams && !page.items.is_empty() {
            self.team_index(query.cursor.is_none()).await?.fill(&mut page.items);
        }
        Ok(page)
    }

    /// One user with its `team_ids` (from teams read at most a TTL ago).
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<User> {
        let mut user = self.get_resource::<kustomer::Users>(id, include_remote_data).await?;
        if self.inner.user_teams {
            self.team_index(false).await?.fill(std::slice::from_mut(&mut user));
        }
        Ok(user)
    }
}
