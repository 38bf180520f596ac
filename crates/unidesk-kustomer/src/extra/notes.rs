//! Notes beyond create: update, delete, and a customer's notes.
//!
//! Conversation notes and customer notes are both `/v1/notes/{id}`; they differ only in the
//! relationship they carry. Notes come back as private [`Comment`]s, mapped as reads map them.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;
use unidesk_core::{Comment, Error, Id, ListQuery, Page, Resource, Result};

use crate::client::{Call, KustomerClient};
use crate::descriptor::Notes;
use crate::list::Source;
use crate::paths;

/// A change to a note: only the fields given are sent (`PATCH`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoteUpdate {
    /// The new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Users mentioned in the note (their ids), replacing the previous mentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_mentions: Option<Vec<String>>,
}

impl KustomerClient {
    /// Changes a note (a conversation's or a customer's) with `PATCH /v1/notes/{id}`; returns
    /// it as a private [`Comment`]. An empty update is refused before any request.
    pub async fn update_note(&self, id: &str, update: &NoteUpdate) -> Result<Comment> {
        let id = Id::parse(id)?;
        let mut body = serde_json::Map::new();
        if let Some(text) = &update.body {
            body.insert("body".into(), json!(text));
        }
        if let Some(users) = &update.user_mentions {
            for u in users {
                Id::parse(u)?;
            }
            body.insert("userMentions".into(), json!(users));
        }
        if body.is_empty() {
            return Err(Error::invalid_input("a note update needs body or user_mentions"));
        }
        let mut call = Call::write_at(Method::PATCH, &paths::NOTE, &[&id], Some(body.into()))
            .not_found(Resource::Comment, id.as_str());
        call.idempotent = true; // absolute values
        self.fetch::<Notes>(&call, false).await
    }

    /// Adds a note to a customer's timeline, outside any conversation (`POST /v1/notes`
    /// with `customer`).
    pub async fn create_customer_note(&self, customer_id: &str, body: &str) -> Result<Comment> {
        let customer = Id::parse(customer_id)?;
        if body.is_empty() {
            return Err(Error::invalid_input("a note needs a body"));
        }
        let call = Call::write_at(
            Method::POST,
            &paths::NOTES,
            &[],
            Some(json!({ "body": body, "customer": customer.as_str() })),
        );
        self.fetch::<Notes>(&call, false).await
    }

    /// Deletes a note with `DELETE /v1/notes/{id}` (Kustomer answers 204).
    pub async fn delete_note(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        let call = Call::write_at(Method::DELETE, &paths::NOTE, &[&id], None).not_found(Resource::Comment, id.as_str());
        self.send(&call).await.map(|_| ())
    }

    /// One page of a customer's notes (`GET /v1/customers/{id}/notes`), as private comments,
    /// behind the listing engine's cursor (stream them with [`unidesk_core::paginate`]).
    pub async fn customer_notes(&self, customer_id: &str, query: &ListQuery) -> Result<Page<Comment>> {
        let customer = Id::parse(customer_id)?;
        crate::extra::plain_listing(query)?;
        let source = Source::under::<Notes>(&paths::CUSTOMER_NOTES, &[&customer]);
        let key = paths::CUSTOMER_NOTES.fill(&[&customer]);
        self.list_sources_keyed(Resource::Comment, &key, query, &[source]).await
    }
}
