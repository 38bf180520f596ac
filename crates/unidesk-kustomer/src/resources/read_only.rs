//! tags, teams and users: page-number listings, filtered on time client-side.

use async_trait::async_trait;
use unidesk_core::{Id, ListQuery, Page, Resource, Result, Tag, Tags, Team, Teams, User, Users};

use crate::client::{Call, KustomerClient};
use crate::decode::{self, DecodeOptions};
use crate::list::{Endpoint, Source};

macro_rules! read_only {
    ($trait:ident, $model:ty, $resource:expr, $path:literal, $item:literal, $max:expr, $page:path, $one:path) => {
        #[async_trait]
        impl $trait for KustomerClient {
            async fn list(&self, query: &ListQuery) -> Result<Page<$model>> {
                let source = Source {
                    endpoint: Endpoint::Get {
                        path: $path.into(),
                        template: $path,
                        max_page_size: $max,
                        include_attachments: false,
                    },
                    decode: $page,
                };
                let timed = query.updated_after.is_some() || query.created_after.is_some();
                self.list_sources($resource, query, &[source], timed).await
            }

            async fn get(&self, id: &str, include_remote_data: bool) -> Result<$model> {
                let id = Id::parse(id)?;
                let call = Call::get(format!("{}/{id}", $path), $item).not_found($resource, id.as_str());
                let resp = self.send(&call).await?;
                $one(&resp.body, $item, DecodeOptions { include_remote_data, base_url: "" })
            }
        }
    };
}

read_only!(Tags, Tag, Resource::Tag, "/v1/tags", "/v1/tags/{id}", 100, decode::tags_page, decode::tag);
read_only!(Teams, Team, Resource::Team, "/v1/teams", "/v1/teams/{id}", 500, decode::teams_page, decode::team);
read_only!(Users, User, Resource::User, "/v1/users", "/v1/users/{id}", 500, decode::users_page, decode::user);
