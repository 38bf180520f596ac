//! conversations as [`Tickets`].

use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;
use unidesk_core::{Id, ListQuery, Page, Resource, Result, Ticket, TicketCreate, TicketUpdate, Tickets};

use crate::client::{Call, KustomerClient};
use crate::decode::{self, DecodeOptions};
use crate::list::{Endpoint, Source};
use crate::map::reverse;

impl KustomerClient {
    fn decode_ticket(&self, body: &[u8], ctx: &str, raw: bool) -> Result<Ticket> {
        decode::conversation(body, ctx, DecodeOptions { include_remote_data: raw, base_url: self.base_url() })
    }
}

#[async_trait]
impl Tickets for KustomerClient {
    async fn list(&self, query: &ListQuery) -> Result<Page<Ticket>> {
        let timed = query.updated_after.is_some() || query.created_after.is_some();
        if let Some(contact) = &query.contact_id {
            let contact = Id::parse(contact)?;
            let source = Source {
                endpoint: Endpoint::Get {
                    path: format!("/v1/customers/{contact}/conversations"),
                    template: "/v1/customers/{id}/conversations",
                    max_page_size: 100,
                    include_attachments: false,
                },
                decode: decode::conversations_page,
            };
            return self.list_sources(Resource::Ticket, query, &[source], timed).await;
        }
        let endpoint = Endpoint::search_or_get(query, "conversation", "/v1/conversations");
        let source = Source { endpoint, decode: decode::conversations_page };
        self.list_sources(Resource::Ticket, query, &[source], false).await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket> {
        let id = Id::parse(id)?;
        let call = Call::get(format!("/v1/conversations/{id}"), "/v1/conversations/{id}")
            .not_found(Resource::Ticket, id.as_str());
        let resp = self.send(&call).await?;
        self.decode_ticket(&resp.body, "/v1/conversations/{id}", include_remote_data)
    }

    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        let customer = Id::parse(&input.contact_id)?;
        let body = reverse::ticket_create(input)?;
        let call = Call::write(Method::POST, "/v1/conversations".into(), "/v1/conversations", Some(body))
            .object(format!("customer:{customer}"));
        let resp = self.send(&call).await?;
        self.decode_ticket(&resp.body, "/v1/conversations", false)
    }

    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        let id = Id::parse(id)?;
        let body = reverse::ticket_update(patch)?;
        if patch.is_empty() {
            return self.get(id.as_str(), false).await;
        }
        let mut call =
            Call::write(Method::PATCH, format!("/v1/conversations/{id}"), "/v1/conversations/{id}", Some(body))
                .not_found(Resource::Ticket, id.as_str())
                .object(format!("conversation:{id}"));
        call.idempotent = true; // the patch sets absolute values: sending it twice changes nothing more
        let resp = self.send(&call).await?;
        self.decode_ticket(&resp.body, "/v1/conversations/{id}", false)
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        let call = Call::write(Method::DELETE, format!("/v1/conversations/{id}"), "/v1/conversations/{id}", None)
            .not_found(Resource::Ticket, id.as_str());
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
            let mut call = Call::write(
                method,
                format!("/v1/conversations/{id}/tags"),
                "/v1/conversations/{id}/tags",
                Some(json!(tag_ids)),
            )
            .not_found(Resource::Ticket, id.as_str())
            .object(format!("conversation:{id}"));
            call.idempotent = true; // set union / difference
            self.send(&call).await?;
        }
        self.get(id.as_str(), false).await
    }
}
