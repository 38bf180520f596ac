//! Zendesk ticket → [`Ticket`]; the status and priority tables both ways.
//!
//! | Zendesk status | normalized |
//! | --- | --- |
//! | `new`, `open` | `open` |
//! | `pending` | `pending` |
//! | `hold` | `on_hold` |
//! | `solved`, `closed` | `closed` |
//! | `deleted` (exports only) | none: `remote_was_deleted = true` |
//! | anything else | `Unknown(raw)` |
//!
//! Writing, `closed` becomes `solved` (a Zendesk `closed` ticket can never be reopened);
//! a raw Zendesk status given as `Unknown` (`new`, `closed`…) is sent as is.

use serde_json::Value;
use unidesk_core::{CustomFields, Priority, Ticket, TicketStatus};

use super::{dedup, id_text, opt_id};
use crate::wire;

/// The statuses Zendesk accepts on a write.
pub const ZENDESK_STATUSES: [&str; 6] = ["new", "open", "pending", "hold", "solved", "closed"];

/// The normalized status of a Zendesk status (`None` for `deleted`, a tombstone).
pub fn status_from_zendesk(raw: &str) -> Option<TicketStatus> {
    Some(match raw {
        "new" | "open" => TicketStatus::Open,
        "pending" => TicketStatus::Pending,
        "hold" => TicketStatus::OnHold,
        "solved" | "closed" => TicketStatus::Closed,
        "deleted" => return None,
        other => TicketStatus::Unknown(other.to_owned()),
    })
}

/// The Zendesk status to write for `s`; `None` when Zendesk has no such status.
pub fn status_to_zendesk(s: &TicketStatus) -> Option<&str> {
    match s {
        TicketStatus::Open => Some("open"),
        TicketStatus::Pending => Some("pending"),
        TicketStatus::OnHold => Some("hold"),
        TicketStatus::Closed => Some("solved"),
        TicketStatus::Unknown(raw) => ZENDESK_STATUSES.iter().find(|z| **z == raw.as_str()).copied(),
    }
}

/// The normalized priority of a Zendesk priority (the four values are the same words).
pub fn priority_from_zendesk(raw: &str) -> Priority {
    Priority::parse(raw)
}

/// The Zendesk priority to write for `p`; `None` for a value Zendesk does not have.
pub fn priority_to_zendesk(p: &Priority) -> Option<&str> {
    p.is_known().then(|| p.as_str())
}

/// The agent-interface link of ticket `id` under the account `root`.
pub fn ticket_url(root: &str, id: i64) -> String {
    format!("{root}/agent/tickets/{id}")
}

/// Maps a ticket (taking the wire record: its texts move, nothing is copied). `root` is the
/// account root (for `ticket_url`).
pub fn ticket(t: wire::Ticket, raw: Option<Value>, root: &str) -> Ticket {
    let deleted = t.status.as_deref() == Some("deleted");
    let custom_fields: CustomFields = t.custom_fields.into_iter().map(|f| (id_text(f.id), f.value)).collect();
    Ticket {
        id: id_text(t.id),
        subject: t.subject,
        description: t.description,
        status: t.status.as_deref().and_then(status_from_zendesk),
        remote_status: t.status,
        priority: t.priority.as_deref().map(priority_from_zendesk),
        remote_priority: t.priority,
        contact_id: opt_id(t.requester_id),
        account_id: opt_id(t.organization_id),
        assignee_ids: opt_id(t.assignee_id).into_iter().collect(),
        team_ids: opt_id(t.group_id).into_iter().collect(),
        tag_ids: dedup(t.tags),
        channels: t.via.channel().into_iter().collect(),
        ticket_url: Some(ticket_url(root, t.id)),
        created_at: t.created_at,
        updated_at: t.updated_at,
        closed_at: None,
        external_id: t.external_id.filter(|s| !s.trim().is_empty()),
        created_by_user_id: opt_id(t.submitter_id),
        custom_fields,
        remote_was_deleted: deleted,
        remote_data: raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_where_zendesk_can() {
        for s in [TicketStatus::Open, TicketStatus::Pending, TicketStatus::OnHold, TicketStatus::Closed] {
            let z = status_to_zendesk(&s).expect("expressible");
            assert_eq!(status_from_zendesk(z), Some(s));
        }
        assert_eq!(status_from_zendesk("new"), Some(TicketStatus::Open));
        assert_eq!(status_from_zendesk("closed"), Some(TicketStatus::Closed));
        assert_eq!(status_from_zendesk("deleted"), None);
        assert_eq!(status_from_zendesk("escalated"), Some(TicketStatus::Unknown("escalated".into())));
        assert_eq!(status_to_zendesk(&TicketStatus::Unknown("closed".into())), Some("closed"));
        assert_eq!(status_to_zendesk(&TicketStatus::Unknown("triage".into())), None);
        assert_eq!(priority_to_zendesk(&Priority::Urgent), Some("urgent"));
        assert_eq!(priority_to_zendesk(&Priority::Unknown("p0".into())), None);
        assert_eq!(priority_from_zendesk("p0"), Priority::Unknown("p0".into()));
    }
}
