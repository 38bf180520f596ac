//! Sub-statuses: an org's own labels inside `open`, `snoozed` and `done`.
//!
//! A conversation (or KObject) stores the chosen sub-status id in its `subStatus` attribute
//! (a relationship in some bodies). The normalized [`unidesk_core::Ticket`] does not carry it:
//! its `custom_fields` are the org's custom attributes (`custom{}`), described by
//! `fields()` and written back into `custom` on updates, where Kustomer would refuse a
//! `subStatus` key (custom attribute names need a type suffix). So the id is exposed by a
//! Kustomer-side accessor instead: [`ticket_sub_status_id`] on a ticket read with
//! `remote_data`, or [`KustomerClient::conversation_sub_status`] by id; and set with
//! [`KustomerClient::set_conversation_sub_status`].

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Id, ListQuery, Page, Resource, Result, Ticket};

use super::{FromObject, KustomerObject, string};
use crate::client::{Call, KustomerClient};
use crate::paths;

/// The main status a sub-status sits under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParentStatus {
    /// `open`.
    Open,
    /// `snoozed`.
    Snoozed,
    /// `done`.
    Done,
    /// A value this version does not know, kept.
    #[serde(untagged)]
    Unknown(String),
}

impl ParentStatus {
    /// Kustomer's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ParentStatus::Open => "open",
            ParentStatus::Snoozed => "snoozed",
            ParentStatus::Done => "done",
            ParentStatus::Unknown(s) => s,
        }
    }

    /// Parses Kustomer's spelling, keeping unknown values.
    pub fn parse(s: &str) -> Self {
        match s {
            "open" => ParentStatus::Open,
            "snoozed" => ParentStatus::Snoozed,
            "done" => ParentStatus::Done,
            other => ParentStatus::Unknown(other.to_owned()),
        }
    }
}

/// A sub-status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubStatus {
    /// Kustomer's id (what a conversation's `subStatus` holds).
    pub id: String,
    /// The name agents see.
    pub label: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// The status it sits under.
    pub parent_status: Option<ParentStatus>,
    /// `conversation` or `kobject`.
    pub resource_type: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Every attribute as sent.
    pub attributes: Map<String, Value>,
}

impl FromObject for SubStatus {
    fn from_object(o: KustomerObject) -> Self {
        let a = o.attributes;
        SubStatus {
            id: o.id,
            label: string(&a, "label"),
            description: string(&a, "description"),
            parent_status: string(&a, "parentStatus").map(|s| ParentStatus::parse(&s)),
            resource_type: string(&a, "resourceType"),
            created_at: o.created_at,
            updated_at: o.updated_at,
            attributes: a,
        }
    }
}

/// A new sub-status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubStatusCreate {
    /// The name agents see.
    pub label: String,
    /// What it is for (Kustomer requires it).
    pub description: String,
    /// The status it sits under.
    pub parent_status: ParentStatus,
    /// `conversation` or `kobject`; cannot change later.
    pub resource_type: String,
}

/// A change to a sub-status: only the fields given are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubStatusUpdate {
    /// The name agents see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The sub-status id of a ticket read with `include_remote_data` (`subStatus`, as an attribute
/// or a relationship); `None` without remote data or without a sub-status.
pub fn ticket_sub_status_id(ticket: &Ticket) -> Option<&str> {
    let raw = ticket.remote_data.as_ref()?;
    raw.pointer("/attributes/subStatus")
        .and_then(Value::as_str)
        .or_else(|| raw.pointer("/relationships/subStatus/data/id").and_then(Value::as_str))
}

impl KustomerClient {
    /// One page of sub-statuses (`GET /v1/sub-statuses`), of one resource type
    /// (`conversation`, `kobject`) when `resource_type` is given.
    pub async fn list_sub_statuses(&self, resource_type: Option<&str>, query: &ListQuery) -> Result<Page<SubStatus>> {
        let Some(rt) = resource_type else {
            return self.list_at(Resource::Ticket, &paths::SUB_STATUSES, &[], 100, query).await;
        };
        super::check_value("resource type", rt)?;
        super::plain_listing(query)?;
        // The filter rides in the path: the engine adds `page` and `pageSize` after it.
        let path = format!("{}?resourceType={}", paths::SUB_STATUSES.template(), crate::paths::encode_segment(rt));
        let source = super::get_source::<SubStatus>(path, paths::SUB_STATUSES.template(), 100);
        let key = format!("sub-statuses:{rt}");
        self.list_sources_keyed(Resource::Ticket, &key, query, &[source]).await
    }

    /// One sub-status (`GET /v1/sub-statuses/{id}`).
    pub async fn get_sub_status(&self, id: &str) -> Result<SubStatus> {
        let id = Id::parse(id)?;
        self.send_one(&Call::get_at(&paths::SUB_STATUS, &[&id])).await
    }

    /// Creates a sub-status (`POST /v1/sub-statuses`).
    pub async fn create_sub_status(&self, input: &SubStatusCreate) -> Result<SubStatus> {
        let body = json!({
            "label": input.label,
            "description": input.description,
            "parentStatus": input.parent_status.as_str(),
            "resourceType": input.resource_type,
        });
        self.send_one(&Call::write_at(Method::POST, &paths::SUB_STATUSES, &[], Some(body))).await
    }

    /// Changes a sub-status (`PUT /v1/sub-statuses/{id}`, \[U\]: PUT or PATCH).
    pub async fn update_sub_status(&self, id: &str, update: &SubStatusUpdate) -> Result<SubStatus> {
        let id = Id::parse(id)?;
        self.send_one(&Call::write_at(Method::PUT, &paths::SUB_STATUS, &[&id], Some(json!(update)))).await
    }

    /// Deletes a sub-status (`DELETE /v1/sub-statuses/{id}`).
    pub async fn delete_sub_status(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        self.send(&Call::write_at(Method::DELETE, &paths::SUB_STATUS, &[&id], None)).await.map(|_| ())
    }

    /// The sub-status id of conversation `id` (`GET /v1/conversations/{id}`), `None` when unset.
    pub async fn conversation_sub_status(&self, id: &str) -> Result<Option<String>> {
        let id = Id::parse(id)?;
        let call = Call::get_at(&paths::CONVERSATION, &[&id]).not_found(Resource::Ticket, id.as_str());
        let conv: KustomerObject = self.send_one(&call).await?;
        Ok(conv.related("subStatus").map(str::to_owned).or_else(|| conv.text("subStatus").map(str::to_owned)))
    }

    /// Sets (or with `None` clears) conversation `id`'s sub-status (`PATCH {subStatus}`).
    pub async fn set_conversation_sub_status(&self, id: &str, sub_status_id: Option<&str>) -> Result<Ticket> {
        let id = Id::parse(id)?;
        if let Some(s) = sub_status_id {
            Id::parse(s)?;
        }
        let body = json!({ "subStatus": sub_status_id });
        let mut call = Call::write_at(Method::PATCH, &paths::CONVERSATION, &[&id], Some(body))
            .not_found(Resource::Ticket, id.as_str())
            .object(format!("conversation:{id}"));
        call.idempotent = true;
        self.fetch::<crate::descriptor::Conversations>(&call, true).await
    }
}
