//! Attributes of each Kustomer resource, as returned (camelCase).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

use serde_json::Value;

/// `conversation` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConversationAttrs {
    /// Title.
    pub name: Option<String>,
    /// Preview of the latest message.
    pub preview: Option<String>,
    /// `open`, `snoozed`, `done`, or anything newer.
    pub status: Option<String>,
    /// Integer priority (documented range 1–5); kept as received.
    pub priority: Option<Value>,
    /// Channels used.
    pub channels: Vec<String>,
    /// Tag ids.
    pub tags: Vec<String>,
    /// Assigned user ids.
    pub assigned_users: Vec<String>,
    /// Assigned team ids.
    pub assigned_teams: Vec<String>,
    /// Custom attributes.
    pub custom: Option<BTreeMap<String, Value>>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it was last ended (done).
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether it is ended.
    pub ended: Option<bool>,
    /// The product's own id.
    pub external_id: Option<String>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `message` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MessageAttrs {
    /// `email`, `chat`, `sms`…
    pub channel: Option<String>,
    /// The app that carried it (`postmark`…).
    pub app: Option<String>,
    /// `in` or `out`.
    pub direction: Option<String>,
    /// Text preview (list items carry no full body).
    pub preview: Option<String>,
    /// Subject, for email.
    pub subject: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// Channel metadata (from, to, subject…); also `meta.html` when present.
    pub meta: Option<Value>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `note` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NoteAttrs {
    /// The note's text.
    pub body: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// An entry of `emails`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EmailEntry {
    /// The address.
    pub email: Option<String>,
    /// `home`, `work`, `other`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// An entry of `phones`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PhoneEntry {
    /// The number.
    pub phone: Option<String>,
    /// `mobile`, `home`…
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `customer` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CustomerAttrs {
    /// Display name.
    pub name: Option<String>,
    /// Display name override.
    pub display_name: Option<String>,
    /// Emails, primary first.
    pub emails: Vec<EmailEntry>,
    /// Phones, primary first.
    pub phones: Vec<PhoneEntry>,
    /// The product's own id.
    pub external_id: Option<String>,
    /// Tag ids.
    pub tags: Vec<String>,
    /// Custom attributes.
    pub custom: Option<BTreeMap<String, Value>>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `company` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CompanyAttrs {
    /// Name.
    pub name: Option<String>,
    /// Web domains.
    pub domains: Vec<String>,
    /// The product's own id.
    pub external_id: Option<String>,
    /// Custom attributes.
    pub custom: Option<BTreeMap<String, Value>>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `tag` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TagAttrs {
    /// Name.
    pub name: Option<String>,
    /// Color.
    pub color: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `team` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TeamAttrs {
    /// Name.
    pub name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Member user ids.
    pub members: Vec<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when Kustomer reports the record deleted (listed only with `includeDeleted`).
    pub deleted: Option<bool>,
}

/// `user` attributes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserAttrs {
    /// Name.
    pub name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Role names.
    pub roles: Vec<String>,
    /// Avatar.
    pub avatar_url: Option<String>,
    /// Set when the user was deleted or deactivated.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Whether the user is deleted.
    pub deleted: Option<bool>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `attachment` attributes (side-loaded with `include=attachments`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AttachmentAttrs {
    /// File name.
    pub name: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub content_length: Option<u64>,
}
