//! conversation → [`Ticket`].

use serde_json::Value;
use unidesk_core::{Priority, Ticket, TicketStatus};

use crate::map::{custom_fields, unique};
use crate::wire::{ConversationAttrs, ResourceObject};

/// Kustomer status → normalized: `open`→open, `snoozed`→on_hold, `done`→closed, anything else kept.
pub fn status_from_kustomer(raw: &str) -> TicketStatus {
    match raw {
        "open" => TicketStatus::Open,
        "snoozed" => TicketStatus::OnHold,
        "done" => TicketStatus::Closed,
        other => TicketStatus::Unknown(other.to_owned()),
    }
}

/// Kustomer's integer priority (1 lowest … 5 highest) → normalized; other values kept as unknown.
pub fn priority_from_kustomer(raw: &Value) -> Option<(Priority, String)> {
    let text = match raw {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let p = match text.as_str() {
        "5" => Priority::Urgent,
        "4" => Priority::High,
        "3" => Priority::Normal,
        "2" | "1" => Priority::Low,
        other => Priority::Unknown(other.to_owned()),
    };
    Some((p, text))
}

/// Maps a conversation. `base_url` resolves the record's `links.self` into `ticket_url`.
pub fn ticket(obj: ResourceObject<ConversationAttrs>, raw: Option<Value>, base_url: &str) -> Ticket {
    let contact_id = obj.related_id("customer");
    let account_id = obj.related_id("company");
    let created_by_user_id = obj.related_id("createdBy");
    let ticket_url = obj.links.self_.as_ref().map(|l| format!("{}{l}", base_url.trim_end_matches('/')));
    let a = obj.attributes;
    let done = a.status.as_deref() == Some("done");
    let priority = a.priority.as_ref().and_then(priority_from_kustomer);
    Ticket {
        id: obj.id,
        subject: a.name,
        description: a.preview,
        status: a.status.as_deref().map(status_from_kustomer),
        remote_status: a.status,
        remote_priority: priority.as_ref().map(|(_, raw)| raw.clone()),
        priority: priority.map(|(p, _)| p),
        contact_id,
        account_id,
        assignee_ids: unique(a.assigned_users),
        team_ids: unique(a.assigned_teams),
        tag_ids: unique(a.tags),
        channels: unique(a.channels),
        ticket_url,
        created_at: a.created_at,
        updated_at: a.updated_at,
        closed_at: if done { a.ended_at } else { None },
        external_id: a.external_id,
        created_by_user_id,
        custom_fields: custom_fields(a.custom),
        remote_was_deleted: a.deleted == Some(true),
        remote_data: raw,
    }
}
