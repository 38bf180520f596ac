//! tags, teams and users: page-number listings, filtered on time client-side.

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
    async fn list(&self, query: &ListQuery) -> Result<Page<User>> {
        self.list_resource::<kustomer::Users>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<User> {
        self.get_resource::<kustomer::Users>(id, include_remote_data).await
    }
}
