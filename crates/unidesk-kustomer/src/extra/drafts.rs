//! Reply drafts: replies prepared for an agent to review and send (an AI copilot's proposals).
//!
//! A draft belongs to a customer and usually a conversation; Kustomer delivers it through its
//! channel only when it is sent (by an agent, or at `sendAt` when scheduled). Creating a
//! *message* instead only records one on the timeline. Drafts are created under the customer
//! (`POST /v1/customers/{id}/drafts`, with the conversation named in the body), changed and
//! deleted by id (`/v1/drafts/{id}`), and listed per conversation
//! (`GET /v1/conversations/{id}/drafts`, \[U\]) or per customer.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Error, Id, ListQuery, Page, Resource, Result};

use super::{FromObject, KustomerObject, string, strings, time};
use crate::client::{Call, KustomerClient};
use crate::paths;

/// A draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// Kustomer's id.
    pub id: String,
    /// The conversation it replies in.
    pub conversation_id: Option<String>,
    /// The customer it goes to.
    pub customer_id: Option<String>,
    /// `email`, `sms`, `chat`, `whatsapp`, `note`…
    pub channel: Option<String>,
    /// The text.
    pub body: Option<String>,
    /// Subject, for email.
    pub subject: Option<String>,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies, for email.
    pub cc: Vec<String>,
    /// Blind copies, for email.
    pub bcc: Vec<String>,
    /// Attachment ids.
    pub attachment_ids: Vec<String>,
    /// When it is scheduled to be sent, if it is.
    pub send_at: Option<DateTime<Utc>>,
    /// `draft`, `scheduled`, `sending`, `sent`, `error`…
    pub status: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Every attribute as sent.
    pub attributes: Map<String, Value>,
}

impl FromObject for Draft {
    fn from_object(o: KustomerObject) -> Self {
        let a = &o.attributes;
        let attachment_ids = match a.get("attachments") {
            Some(Value::Array(xs)) => xs
                .iter()
                .filter_map(|x| x.as_str().or_else(|| x.get("_id").or_else(|| x.get("id")).and_then(Value::as_str)))
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        Draft {
            conversation_id: o.related("conversation").map(str::to_owned).or_else(|| string(a, "conversation")),
            customer_id: o.related("customer").map(str::to_owned).or_else(|| string(a, "customer")),
            channel: string(a, "channel"),
            body: string(a, "body"),
            subject: string(a, "subject"),
            to: strings(a, "to"),
            cc: strings(a, "cc"),
            bcc: strings(a, "bcc"),
            attachment_ids,
            send_at: time(a, "sendAt"),
            status: string(a, "status"),
            created_at: o.created_at,
            updated_at: o.updated_at,
            id: o.id,
            attributes: o.attributes,
        }
    }
}

/// A new draft, or a draft's new content (`PUT`): only the fields given are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DraftInput {
    /// The conversation it replies in.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// `email`, `sms`, `chat`, `whatsapp`, `note`… (required to create).
    #[serde(default)]
    pub channel: Option<String>,
    /// The text.
    #[serde(default)]
    pub body: Option<String>,
    /// Subject, for email.
    #[serde(default)]
    pub subject: Option<String>,
    /// Recipients.
    #[serde(default)]
    pub to: Option<Vec<String>>,
    /// Copies, for email.
    #[serde(default)]
    pub cc: Option<Vec<String>>,
    /// Blind copies, for email.
    #[serde(default)]
    pub bcc: Option<Vec<String>>,
    /// Attachment ids (uploaded with `POST /v1/attachments`).
    #[serde(default)]
    pub attachment_ids: Option<Vec<String>>,
    /// Send at this future time (`scheduled: true` is sent with it, as Kustomer requires).
    #[serde(default)]
    pub send_at: Option<DateTime<Utc>>,
}

impl DraftInput {
    fn body(&self) -> Result<Value> {
        if let Some(c) = &self.conversation_id {
            Id::parse(c)?;
        }
        for a in self.attachment_ids.iter().flatten() {
            Id::parse(a)?;
        }
        let send_at = self.send_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        Ok(super::compact(json!({
            "conversation": self.conversation_id,
            "channel": self.channel,
            "body": self.body,
            "subject": self.subject,
            "to": self.to,
            "cc": self.cc,
            "bcc": self.bcc,
            "attachments": self.attachment_ids,
            "sendAt": send_at,
            "scheduled": self.send_at.map(|_| true),
        })))
    }
}

impl KustomerClient {
    /// One page of a conversation's drafts (`GET /v1/conversations/{id}/drafts`, \[U\]).
    pub async fn list_drafts(&self, conversation_id: &str, query: &ListQuery) -> Result<Page<Draft>> {
        let id = Id::parse(conversation_id)?;
        self.list_at(Resource::Comment, &paths::CONVERSATION_DRAFTS, &[id.as_str()], 100, query).await
    }

    /// One page of a customer's drafts (`GET /v1/customers/{id}/drafts`).
    pub async fn list_customer_drafts(&self, customer_id: &str, query: &ListQuery) -> Result<Page<Draft>> {
        let id = Id::parse(customer_id)?;
        self.list_at(Resource::Comment, &paths::CUSTOMER_DRAFTS, &[id.as_str()], 100, query).await
    }

    /// Creates a draft for a customer (`POST /v1/customers/{id}/drafts`), in the conversation
    /// `input` names; limited to 120 drafts a minute per customer.
    pub async fn create_draft(&self, customer_id: &str, input: &DraftInput) -> Result<Draft> {
        let customer = Id::parse(customer_id)?;
        if input.channel.is_none() {
            return Err(Error::invalid_input("a draft needs a channel"));
        }
        let call = Call::write_at(Method::POST, &paths::CUSTOMER_DRAFTS, &[&customer], Some(input.body()?))
            .object(format!("customer:{customer}"));
        self.send_one(&call).await
    }

    /// One draft (`GET /v1/drafts/{id}`, \[U\]).
    pub async fn get_draft(&self, id: &str) -> Result<Draft> {
        let id = Id::parse(id)?;
        self.send_one(&Call::get_at(&paths::DRAFT, &[&id])).await
    }

    /// Changes a draft (`PUT /v1/drafts/{id}`); a `send_at` schedules it.
    pub async fn update_draft(&self, id: &str, input: &DraftInput) -> Result<Draft> {
        let id = Id::parse(id)?;
        self.send_one(&Call::write_at(Method::PUT, &paths::DRAFT, &[&id], Some(input.body()?))).await
    }

    /// Deletes a draft (`DELETE /v1/drafts/{id}`, \[U\]).
    pub async fn delete_draft(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        self.send(&Call::write_at(Method::DELETE, &paths::DRAFT, &[&id], None)).await.map(|_| ())
    }
}
