//! Zendesk's JSON, as read from the API (only the fields the mapping uses; the whole record is
//! kept as `remote_data` when asked for). Shapes follow the records in
//! `/work/shared/reference/zendesk-api-facts.md` §2.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `null` read as the type's default (Zendesk sends `null` for some empty lists).
fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `via`: the channel a record came in on.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Via {
    /// `email`, `web`, `api`, …
    pub channel: Option<Value>,
}

impl Via {
    /// The channel as text (a number in some old records).
    pub fn channel(&self) -> Option<String> {
        match self.channel.as_ref()? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// One `custom_fields[]` entry of a ticket.
#[derive(Debug, Clone, Deserialize)]
pub struct CustomFieldValue {
    /// The field's id (`ticket_fields`).
    pub id: i64,
    /// Text, a number, a boolean, `null`, or a list of texts.
    #[serde(default)]
    pub value: Value,
}

/// A ticket (`/tickets`, `/incremental/tickets/cursor`).
#[derive(Debug, Clone, Deserialize)]
pub struct Ticket {
    /// The ticket number.
    pub id: i64,
    /// Its API URL.
    pub url: Option<String>,
    /// The id in another system.
    pub external_id: Option<String>,
    /// How it came in.
    #[serde(default, deserialize_with = "nullable")]
    pub via: Via,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// problem, incident, question, task.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// The first comment's text (read-only).
    pub description: Option<String>,
    /// urgent, high, normal, low.
    pub priority: Option<String>,
    /// new, open, pending, hold, solved, closed (exports also: deleted).
    pub status: Option<String>,
    /// The end-user who asked.
    pub requester_id: Option<i64>,
    /// The user who created it.
    pub submitter_id: Option<i64>,
    /// The assigned agent.
    pub assignee_id: Option<i64>,
    /// The requester's organization.
    pub organization_id: Option<i64>,
    /// The assigned group.
    pub group_id: Option<i64>,
    /// Tag names.
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    /// Custom field values by field id.
    #[serde(default, deserialize_with = "nullable")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Exports only: when the record last changed in any way (epoch seconds).
    pub generated_timestamp: Option<i64>,
}

/// A file on a comment.
#[derive(Debug, Clone, Deserialize)]
pub struct Attachment {
    /// Its id.
    pub id: i64,
    /// The file name.
    pub file_name: Option<String>,
    /// Where its content is.
    pub content_url: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Bytes.
    pub size: Option<u64>,
}

/// A ticket comment (`/tickets/{id}/comments`).
#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    /// Its id.
    pub id: i64,
    /// `Comment` or `VoiceComment`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Who wrote it.
    pub author_id: Option<i64>,
    /// The text (may hold markdown).
    pub body: Option<String>,
    /// HTML.
    pub html_body: Option<String>,
    /// Plain text.
    pub plain_body: Option<String>,
    /// `false` for an internal note.
    #[serde(default = "yes")]
    pub public: bool,
    /// Files.
    #[serde(default, deserialize_with = "nullable")]
    pub attachments: Vec<Attachment>,
    /// How it came in.
    #[serde(default, deserialize_with = "nullable")]
    pub via: Via,
    /// Written at.
    pub created_at: Option<DateTime<Utc>>,
}

fn yes() -> bool {
    true
}

/// A user's photo.
#[derive(Debug, Clone, Deserialize)]
pub struct Photo {
    /// Where the image is.
    pub content_url: Option<String>,
}

/// A user: end-user, agent or admin (`/users`).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// The id in another system.
    pub external_id: Option<String>,
    /// end-user, agent, admin.
    pub role: Option<String>,
    /// `false` once deleted.
    #[serde(default = "yes")]
    pub active: bool,
    /// Suspended (cannot sign in).
    #[serde(default)]
    pub suspended: bool,
    /// The default organization.
    pub organization_id: Option<i64>,
    /// Tag names.
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    /// Custom field values by field key.
    #[serde(default, deserialize_with = "nullable")]
    pub user_fields: BTreeMap<String, Value>,
    /// Avatar.
    pub photo: Option<Photo>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

/// An organization (`/organizations`).
#[derive(Debug, Clone, Deserialize)]
pub struct Organization {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Email domains.
    #[serde(default, deserialize_with = "nullable")]
    pub domain_names: Vec<String>,
    /// The id in another system.
    pub external_id: Option<String>,
    /// Custom field values by field key.
    #[serde(default, deserialize_with = "nullable")]
    pub organization_fields: BTreeMap<String, Value>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A group of agents (`/groups`).
#[derive(Debug, Clone, Deserialize)]
pub struct Group {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Deleted.
    #[serde(default)]
    pub deleted: bool,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A user's membership of a group (`/group_memberships`).
#[derive(Debug, Clone, Deserialize)]
pub struct GroupMembership {
    /// The agent.
    pub user_id: i64,
    /// The group.
    pub group_id: i64,
}

/// A tag and how many records carry it (`/tags`).
#[derive(Debug, Clone, Deserialize)]
pub struct TagCount {
    /// The tag itself.
    pub name: String,
    /// Records carrying it.
    pub count: Option<u64>,
}

/// One option of a dropdown or multiselect field.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldOption {
    /// Label.
    pub name: Option<String>,
    /// Stored value.
    pub value: Value,
}

/// A custom-field definition (`/ticket_fields`, `/user_fields`, `/organization_fields`).
#[derive(Debug, Clone, Deserialize)]
pub struct FieldDefinition {
    /// Its id (tickets key values by it).
    pub id: i64,
    /// text, textarea, date, regexp, dropdown, multiselect, integer, decimal, checkbox, lookup, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Label.
    pub title: Option<String>,
    /// Key (users and organizations key values by it).
    pub key: Option<String>,
    /// Whether it is in use.
    #[serde(default = "yes")]
    pub active: bool,
    /// Dropdown options.
    #[serde(default, deserialize_with = "nullable")]
    pub custom_field_options: Vec<FieldOption>,
    /// Ticket fields only: `true` for Zendesk's own fields (subject, status…), not custom ones.
    #[serde(default)]
    pub removable: Option<bool>,
}

/// Cursor-pagination metadata.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Meta {
    /// More pages follow.
    #[serde(default)]
    pub has_more: bool,
    /// Where the next page starts.
    pub after_cursor: Option<String>,
}

/// One page of a list: cursor-paginated (`meta`), or of an incremental cursor export
/// (`after_cursor`, `end_of_stream`). `T` is the record type (or [`Value`] for raw records).
#[derive(Debug, Clone, Deserialize)]
pub struct Listing<T> {
    /// The records, under the resource's own key.
    #[serde(
        alias = "tickets",
        alias = "users",
        alias = "organizations",
        alias = "groups",
        alias = "group_memberships",
        alias = "tags",
        alias = "ticket_fields",
        alias = "user_fields",
        alias = "organization_fields",
        alias = "comments"
    )]
    pub items: Vec<T>,
    /// Cursor pagination.
    #[serde(default)]
    pub meta: Option<Meta>,
    /// Exports: where the next page starts.
    pub after_cursor: Option<String>,
    /// Exports: no more pages now.
    pub end_of_stream: Option<bool>,
    /// Offset pagination: the next page's URL.
    pub next_page: Option<String>,
}

impl<T> Listing<T> {
    /// The page's pagination fields, without its records.
    pub fn without_items(self) -> Listing<()> {
        Listing {
            items: Vec::new(),
            meta: self.meta,
            after_cursor: self.after_cursor,
            end_of_stream: self.end_of_stream,
            next_page: self.next_page,
        }
    }
}

/// A comment page, with the authors side-loaded (`include=users`).
#[derive(Debug, Clone, Deserialize)]
pub struct CommentListing<T> {
    /// The comments.
    pub comments: Vec<T>,
    /// Their authors (id and role), when side-loaded.
    #[serde(default, deserialize_with = "nullable")]
    pub users: Vec<UserRole>,
    /// Cursor pagination.
    #[serde(default)]
    pub meta: Option<Meta>,
    /// Offset pagination: the next page's URL.
    pub next_page: Option<String>,
}

/// A side-loaded user's id and role.
#[derive(Debug, Clone, Deserialize)]
pub struct UserRole {
    /// Its id.
    pub id: i64,
    /// end-user, agent, admin.
    pub role: Option<String>,
}

/// One record under its resource's key (`{"ticket": {…}}`).
#[derive(Debug, Clone, Deserialize)]
pub struct One<T> {
    /// The record.
    #[serde(alias = "ticket", alias = "user", alias = "organization", alias = "group")]
    pub item: T,
}

/// A ticket update's answer: the ticket and the audit of the change (its events hold the new
/// comment, with its id).
#[derive(Debug, Clone, Deserialize)]
pub struct TicketAudit {
    /// The ticket after the change.
    pub ticket: Value,
    /// The audit.
    pub audit: Option<Audit>,
}

/// An audit: the events one change made.
#[derive(Debug, Clone, Deserialize)]
pub struct Audit {
    /// The events (`Comment`, `Change`, `Create`, …).
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<AuditEvent>,
}

/// One audit event (only what finding a new comment needs).
#[derive(Debug, Clone, Deserialize)]
pub struct AuditEvent {
    /// The event's id (for a `Comment`, the comment's id).
    pub id: Option<i64>,
    /// `Comment`, `Change`, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
}
