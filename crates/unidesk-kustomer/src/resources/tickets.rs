//! conversations as [`Tickets`].

use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;
use unidesk_core::{Id, ListQuery, Page, Resource, Result, Ticket, TicketCreate, TicketUpdate, Tickets};

use crate::client::{Call, KustomerClient};
use crate::descriptor::Conversations;
use crate::list::Source;
use crate::map::reverse;
use crate::paths;

#[async_trait]
impl Tickets for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Ticket>> {
        if let Some(contact) = &query.contact_id {
            let contact = Id::parse(contact)?;
            let source = Source::under::<Conversations>(&paths::CUSTOMER_CONVERSATIONS, &[&contact]);
            return self.list_sources(Resource::Ticket, query, &[source]).await;
        }
        self.list_resource::<Conversations>(query).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket> {
        self.get_resource::<Conversations>(id, include_remote_data).await
    }

    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        let customer = Id::parse(&input.contact_id)?;
        let body = reverse::ticket_create(input)?;
        let call =
            Call::write_at(Method::POST, &paths::CONVERSATIONS, &[], Some(body)).object(format!("customer:{customer}"));
        self.fetch::<Conversations>(&call, false).await
    }

    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        let id = Id::parse(id)?;
        let body = reverse::ticket_update(patch)?;
        if patch.is_empty() {
            return self.get(id.as_str(), false).await;
        }
        let mut call = Call::write_at(Method::PATCH, &paths::CONVERSATION, &[&id], Some(body))
            .not_found(Resource::Ticket, id.as_str())
            .object(format!("conversation:{id}"));
        call.idempotent = true; // the patch sets absolute values: sending it twice changes nothing more
        self.fetch::<Conversations>(&call, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        let call =
            Call::write_at(Method::DELETE, &paths::CONVERSATION, &[&id], None).not_found(Resource::Ticket, id.as_str());
        self.send(&call).await.map(|_| ())
    }

    async fn add_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        self.tag_call(Method::POST, id, tag_ids).await
    }

    async fn remove_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        self.tag_call(Method::DELETE, id, tag_ids).await
    }
}

impl KustomerClient {
    async fn tag_call(&self, method: Method, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        let id = Id::parse(id)?;
        for t in tag_ids {
            Id::parse(t)?;
        }
        if !tag_ids.is_empty() {
            let mut call = Call::write_at(method, &paths::CONVERSATION_TAGS, &[&id], Some(json!(tag_ids)))
                .not_found(Resource::Ticket, id.as_str())
                .object(format!("conversation:{id}"));
            call.idempotent = true; // set union / difference
            self.send(&call).await?;
        }
        self.get(id.as_str(), false).await
    }
}
