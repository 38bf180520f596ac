//! The normalized records. JSON field names are a public contract: never rename.
//!
//! Conventions: ids are strings; timestamps are RFC 3339 UTC; lists default to
//! `[]`; a scalar with no source in the provider's record is `null`, never
//! invented; `remote_data` (the provider's raw record) is present only when the
//! caller asked for it with [`crate::ListQuery::include_remote_data`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::enums::{Direction, Priority, TicketStatus};

/// Provider-defined fields, by the provider's own key.
pub type CustomFields = BTreeMap<String, Value>;

/// A support conversation (Kustomer: conversation; Zendesk: ticket).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ticket {
    /// The provider's id.
    pub id: String,
    /// Title or subject line.
    pub subject: Option<String>,
    /// Opening description or preview text.
    pub description: Option<String>,
    /// Normalized status.
    pub status: Option<TicketStatus>,
    /// The provider's own status value, verbatim.
    pub remote_status: Option<String>,
    /// Normalized priority.
    pub priority: Option<Priority>,
    /// The provider's own priority value, as text.
    pub remote_priority: Option<String>,
    /// The customer the ticket is about.
    pub contact_id: Option<String>,
    /// The customer's company, when the provider links it on the ticket.
    pub account_id: Option<String>,
    /// Users assigned to the ticket.
    #[serde(default)]
    pub assignee_ids: Vec<String>,
    /// Teams assigned to the ticket.
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// Tags on the ticket.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Channels the conversation used (`email`, `chat`, `sms`…).
    #[serde(default)]
    pub channels: Vec<String>,
    /// A link to the ticket in the provider's UI or API, when known.
    pub ticket_url: Option<String>,
    /// When the ticket was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When the ticket last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// When the ticket was last closed; `null` while open.
    pub closed_at: Option<DateTime<Utc>>,
    /// The id the ticket has in the product's own system, when one was set.
    pub external_id: Option<String>,
    /// The user who created the ticket, when the provider says.
    pub created_by_user_id: Option<String>,
    /// Provider-defined fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// A file attached to a comment (metadata; `Helpdesk::attachments` downloads the content).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attachment {
    /// The provider's id.
    pub id: String,
    /// The file's name.
    pub file_name: Option<String>,
    /// The MIME type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size_bytes: Option<u64>,
    /// Where to fetch it (may be a short-lived presigned URL: treat as a secret).
    pub url: Option<String>,
}

impl std::fmt::Debug for Attachment {
    /// Every field but `url`'s value (it may be a presigned secret), shown as `<redacted>`
    /// when present.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("id", &self.id)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("size_bytes", &self.size_bytes)
            .field("url", &self.url.as_ref().map(|_| format_args!("<redacted>")))
            .finish()
    }
}

/// A message or note on a ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comment {
    /// The provider's id.
    pub id: String,
    /// The ticket it belongs to.
    pub ticket_id: Option<String>,
    /// The message's subject line, when it has one (email).
    pub subject: Option<String>,
    /// Plain-text body (or the provider's preview of it).
    pub body: Option<String>,
    /// HTML body, when the provider has one.
    pub html_body: Option<String>,
    /// `true` for internal notes the customer cannot see.
    #[serde(default)]
    pub is_private: bool,
    /// Inbound (from the customer) or outbound (to the customer); `null` for notes.
    pub direction: Option<Direction>,
    /// The channel it travelled on (`email`, `chat`…).
    pub channel: Option<String>,
    /// The agent who wrote it, when an agent did.
    pub author_user_id: Option<String>,
    /// The customer who wrote it, when a customer did.
    pub author_contact_id: Option<String>,
    /// Recipient addresses (`to`), when the provider records them.
    #[serde(default)]
    pub to: Vec<String>,
    /// Copied addresses (`cc`), when the provider records them.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Attachment metadata.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// A customer or end user (Kustomer: customer).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// The provider's id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// Every email, primary first.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Primary phone.
    pub phone: Option<String>,
    /// Every phone, primary first.
    #[serde(default)]
    pub phones: Vec<String>,
    /// The contact's company.
    pub account_id: Option<String>,
    /// The id the contact has in the product's own system.
    pub external_id: Option<String>,
    /// Tags on the contact.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Provider-defined fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// A company or organization (Kustomer: company).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Account {
    /// The provider's id.
    pub id: String,
    /// The company's name.
    pub name: Option<String>,
    /// Its web domains.
    #[serde(default)]
    pub domains: Vec<String>,
    /// The id it has in the product's own system.
    pub external_id: Option<String>,
    /// Provider-defined fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// A label applied to tickets or contacts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tag {
    /// The provider's id.
    pub id: String,
    /// The tag's name.
    pub name: Option<String>,
    /// Display color, as the provider gives it.
    pub color: Option<String>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// A group of agents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Team {
    /// The provider's id.
    pub id: String,
    /// The team's name.
    pub name: Option<String>,
    /// A description, when the provider has one.
    pub description: Option<String>,
    /// Users in the team.
    #[serde(default)]
    pub member_ids: Vec<String>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// An agent or other member of the support organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The provider's id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// `false` for deactivated or deleted users.
    #[serde(default)]
    pub is_active: bool,
    /// Teams the user belongs to.
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// Role names.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Avatar image URL.
    pub avatar_url: Option<String>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// `true` when the provider reports the record deleted (listed only when
    /// [`crate::ListQuery::include_deleted`] asks for deleted records, or written as a
    /// tombstone by a sync that found it gone).
    #[serde(default)]
    pub remote_was_deleted: bool,
    /// The provider's raw record, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_data: Option<Value>,
}

/// Access to the fields every record has, for generic code (sorting, filtering, sync).
pub trait Record: Clone + Send + Sync + 'static {
    /// The record's id.
    fn id(&self) -> &str;
    /// When it was created, if known.
    fn created_at(&self) -> Option<DateTime<Utc>>;
    /// When it last changed, if known.
    fn updated_at(&self) -> Option<DateTime<Utc>>;
    /// Drops `remote_data`.
    fn strip_remote_data(&mut self);
    /// Whether the provider reports the record deleted.
    fn remote_was_deleted(&self) -> bool {
        false
    }
}

macro_rules! impl_record {
    ($($t:ty),+) => {$(
        impl Record for $t {
            fn id(&self) -> &str { &self.id }
            fn created_at(&self) -> Option<DateTime<Utc>> { self.created_at }
            fn updated_at(&self) -> Option<DateTime<Utc>> { self.updated_at }
            fn strip_remote_data(&mut self) { self.remote_data = None; }
            fn remote_was_deleted(&self) -> bool { self.remote_was_deleted }
        }
    )+};
}
impl_record!(Ticket, Comment, Contact, Account, Tag, Team, User);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn attachment_debug_never_shows_its_url() {
        let a = Attachment {
            id: "a1".into(),
            url: Some("https://s3.example/f?X-Amz-Signature=topsecret".into()),
            ..Attachment::default()
        };
        let shown = format!("{a:?} {:?}", Comment { attachments: vec![a.clone()], ..Comment::default() });
        assert!(!shown.contains("topsecret") && !shown.contains("s3.example"), "{shown}");
        assert!(shown.contains("<redacted>") && shown.contains("a1"), "{shown}");
    }

    fn ts() -> Option<DateTime<Utc>> {
        Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).single()
    }

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(v: &T) -> Value {
        let json = serde_json::to_value(v).expect("serializes");
        let back: T = serde_json::from_value(json.clone()).expect("deserializes");
        assert_eq!(&back, v);
        json
    }

    #[test]
    fn ticket_round_trips_with_nulls_and_unknowns() {
        let t = Ticket {
            id: "t1".into(),
            subject: Some("Réclamation 📦".into()),
            status: Some(TicketStatus::Unknown("triage".into())),
            remote_status: Some("triage".into()),
            priority: Some(Priority::High),
            remote_priority: Some("2".into()),
            tag_ids: vec!["a".into()],
            created_at: ts(),
            custom_fields: [("orderNum".to_string(), Value::from(42))].into(),
            ..Default::default()
        };
        let json = round_trip(&t);
        assert_eq!(json["status"], "triage");
        assert_eq!(json["closed_at"], Value::Null);
        assert_eq!(json["assignee_ids"], serde_json::json!([]));
        assert_eq!(json["created_at"], "2024-05-01T12:30:00Z");
        assert!(json.get("remote_data").is_none(), "remote_data omitted when not requested");
    }

    #[test]
    fn every_model_round_trips() {
        round_trip(&Comment {
            id: "c".into(),
            direction: Some(Direction::Inbound),
            attachments: vec![Attachment { id: "a".into(), size_bytes: Some(3), ..Default::default() }],
            remote_data: Some(serde_json::json!({"raw": true})),
            ..Default::default()
        });
        round_trip(&Contact { id: "p".into(), emails: vec!["a@b.c".into()], ..Default::default() });
        round_trip(&Account { id: "a".into(), domains: vec!["b.c".into()], ..Default::default() });
        round_trip(&Tag { id: "t".into(), color: Some("#fff".into()), updated_at: ts(), ..Default::default() });
        round_trip(&Team { id: "t".into(), member_ids: vec!["u".into()], ..Default::default() });
        round_trip(&User { id: "u".into(), is_active: true, roles: vec!["admin".into()], ..Default::default() });
    }

    #[test]
    fn absent_lists_default_to_empty() {
        let t: Ticket = serde_json::from_str(r#"{"id":"x","subject":null}"#).expect("lenient");
        assert!(t.tag_ids.is_empty() && t.custom_fields.is_empty() && t.status.is_none());
    }
}
