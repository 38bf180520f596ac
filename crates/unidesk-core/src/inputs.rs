//! Write inputs, with patch semantics: a field left `None` is not touched.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::enums::{Priority, TicketStatus};
use crate::models::CustomFields;

/// A new ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketCreate {
    /// The customer the ticket is about (required).
    pub contact_id: String,
    /// Title or subject line.
    #[serde(default)]
    pub subject: Option<String>,
    /// Opening description; adapters that have no such field ignore it.
    #[serde(default)]
    pub description: Option<String>,
    /// Initial status (unknown values are rejected with a validation error).
    #[serde(default)]
    pub status: Option<TicketStatus>,
    /// Initial priority (unknown values are rejected with a validation error).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Users to assign.
    #[serde(default)]
    pub assignee_ids: Vec<String>,
    /// Teams to assign.
    #[serde(default)]
    pub team_ids: Vec<String>,
    /// Tags to apply.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Provider-defined fields, by the provider's key.
    #[serde(default)]
    pub custom_fields: CustomFields,
}

/// A patch to a ticket: only the fields given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdate {
    /// New subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// New status (`closed` closes, `open` reopens).
    #[serde(default)]
    pub status: Option<TicketStatus>,
    /// New priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Replaces the assigned users.
    #[serde(default)]
    pub assignee_ids: Option<Vec<String>>,
    /// Replaces the assigned teams.
    #[serde(default)]
    pub team_ids: Option<Vec<String>>,
    /// Custom fields to set; keys not given keep their values.
    #[serde(default)]
    pub custom_fields: Option<CustomFields>,
}

impl TicketUpdate {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A new comment on a ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentCreate {
    /// The ticket to comment on (required).
    pub ticket_id: String,
    /// Plain-text body (required).
    pub body: String,
    /// HTML body, for channels that carry one.
    #[serde(default)]
    pub html_body: Option<String>,
    /// `true` for an internal note; `false` for a reply the customer sees.
    #[serde(default)]
    pub is_private: bool,
    /// The channel for a public reply (defaults to the ticket's channel).
    #[serde(default)]
    pub channel: Option<String>,
    /// The agent writing it, when the provider lets a key write as an agent.
    #[serde(default)]
    pub author_user_id: Option<String>,
    /// Files to attach (uploaded before the comment is created). Needs
    /// [`crate::Operation::Upload`] on comments when not empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::AttachmentUpload>,
}

/// A new contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactCreate {
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Primary email.
    #[serde(default)]
    pub email: Option<String>,
    /// Further emails.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Primary phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Further phones.
    #[serde(default)]
    pub phones: Vec<String>,
    /// The contact's company.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The id in the product's own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Tags to apply.
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Provider-defined fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
}

/// A patch to a contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// Replaces the emails (primary first).
    #[serde(default)]
    pub emails: Option<Vec<String>>,
    /// Replaces the phones (primary first).
    #[serde(default)]
    pub phones: Option<Vec<String>>,
    /// New company.
    #[serde(default)]
    pub account_id: Option<String>,
    /// New external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Custom fields to set; keys not given keep their values.
    #[serde(default)]
    pub custom_fields: Option<CustomFields>,
}

/// A new account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountCreate {
    /// The company's name (required).
    pub name: String,
    /// Its web domains.
    #[serde(default)]
    pub domains: Vec<String>,
    /// The id in the product's own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Provider-defined fields.
    #[serde(default)]
    pub custom_fields: CustomFields,
}

/// A patch to an account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// Replaces the domains.
    #[serde(default)]
    pub domains: Option<Vec<String>>,
    /// New external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Custom fields to set; keys not given keep their values.
    #[serde(default)]
    pub custom_fields: Option<CustomFields>,
}
