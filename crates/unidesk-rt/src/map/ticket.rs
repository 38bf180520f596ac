//! An RT ticket (`/tickets?fields=…`) → [`Ticket`].

use serde_json::Value;
use unidesk_core::{Ticket, TicketStatus};

use super::{Context, cf_texts, custom_fields, non_empty, priority_from_rt, rt_time, status_from_rt};
use crate::wire::TicketItem;

/// Maps one ticket. `raw` is RT's JSON for `remote_data`. Fails (with the reason) on a date RT
/// would never send or a requestor, owner or creator whose id is not a number.
pub fn ticket(item: &TicketItem, raw: &Value, ctx: &Context<'_>) -> Result<Ticket, String> {
    let status = item.status.as_deref().map(status_from_rt);
    let contact_id = match item.requestor.first() {
        Some(r) => Some(r.number().ok_or("a requestor's id is not a number")?.to_string()),
        None => None,
    };
    let assignee_ids = match &item.owner {
        Some(o) if o.name.as_deref() != Some("Nobody") => {
            vec![o.number().ok_or("the owner's id is not a number")?.to_string()]
        }
        _ => Vec::new(),
    };
    let team_ids = item.queue.as_ref().and_then(|q| q.number()).map(|q| vec![q.to_string()]).unwrap_or_default();
    let mut tag_ids: Vec<String> = Vec::new();
    for t in ctx.tags_field.map(|f| cf_texts(&item.custom_fields, f)).unwrap_or_default() {
        if !tag_ids.contains(&t) {
            tag_ids.push(t);
        }
    }
    // RT's Creator is whoever opened the ticket: a customer who wrote in is its creator and one
    // of its requestors; an agent who opened it for a customer is the creator only. Telling agents
    // apart exactly would take one more request per page (RT's Privileged group), so a creator
    // counts as a user when it is not a requestor (nor RT's own RT_System or Nobody).
    let created_by_user_id = match &item.creator {
        Some(c) if !matches!(c.name.as_deref(), Some("RT_System" | "Nobody")) => {
            let n = c.number().ok_or("the creator's id is not a number")?;
            let requestor = item.requestor.iter().any(|r| r.number() == Some(n));
            (!requestor).then(|| n.to_string())
        }
        _ => None,
    };
    let skip: Vec<&str> = ctx.tags_field.into_iter().collect();
    let closed_at = if status == Some(TicketStatus::Closed) { rt_time(item.resolved.as_deref())? } else { None };
    Ok(Ticket {
        id: item.id.to_string(),
        subject: non_empty(item.subject.as_ref()),
        // The opening message is the ticket's first comment (its Create transaction).
        description: None,
        status,
        remote_status: item.status.clone(),
        priority: item.priority.as_deref().map(priority_from_rt),
        remote_priority: item.priority.clone(),
        contact_id,
        account_id: None,
        assignee_ids,
        team_ids,
        tag_ids,
        channels: Vec::new(),
        ticket_url: Some(format!("{}/Ticket/Display.html?id={}", ctx.web, item.id)),
        created_at: rt_time(item.created.as_deref())?,
        updated_at: rt_time(item.last_updated.as_deref())?,
        closed_at,
        // RT keeps no id of another system on a ticket.
        external_id: None,
        created_by_user_id,
        custom_fields: custom_fields(&item.custom_fields, &skip),
        // Deleted tickets are never listed (RT's searches leave them out) and not found.
        remote_was_deleted: false,
        remote_data: ctx.include_remote_data.then(|| raw.clone()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use unidesk_core::Priority;

    use super::*;

    fn ctx() -> Context<'static> {
        Context { web: "http://rt.test", tags_field: Some("Tags"), external_id_field: None, include_remote_data: false }
    }

    fn map(v: Value) -> Result<Ticket, String> {
        let item: TicketItem = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
        ticket(&item, &v, &ctx())
    }

    #[test]
    fn a_resolved_ticket_maps_field_by_field() {
        let t = map(json!({
            "id": "7", "Subject": "Réclamation 📦", "Status": "resolved", "Priority": "100",
            "Queue": {"id": "3"}, "Owner": {"id": 49, "Name": "agent.ann"}, "Creator": {"id": 49, "Name": "agent.ann"},
            "Requestor": [{"id": 31}, {"id": 39}],
            "Created": "2026-11-24T20:32:14Z", "LastUpdated": "2026-11-24T20:35:38Z", "Resolved": "2026-11-24T20:35:38Z",
            "CustomFields": [
                {"id": "2", "name": "Tags", "values": ["bug", "vip"]},
                {"id": "3", "name": "Severity", "values": ["Sév 1"]},
                {"id": "5", "name": "Empty", "values": []}
            ]
        }))
        .expect("maps");
        assert_eq!(t.id, "7");
        assert_eq!(t.status, Some(TicketStatus::Closed));
        assert_eq!(t.remote_status.as_deref(), Some("resolved"));
        assert_eq!(t.priority, Some(Priority::High));
        assert_eq!(t.contact_id.as_deref(), Some("31"));
        assert_eq!(t.assignee_ids, vec!["49"]);
        assert_eq!(t.created_by_user_id.as_deref(), Some("49"), "an agent created it");
        assert_eq!(t.team_ids, vec!["3"]);
        assert_eq!(t.tag_ids, vec!["bug", "vip"]);
        assert_eq!(t.custom_fields.get("Severity"), Some(&json!(["Sév 1"])));
        assert!(!t.custom_fields.contains_key("Tags") && !t.custom_fields.contains_key("Empty"));
        assert_eq!(t.ticket_url.as_deref(), Some("http://rt.test/Ticket/Display.html?id=7"));
        assert!(t.closed_at.is_some());
        assert!(t.remote_data.is_none());
    }

    #[test]
    fn nobody_is_no_assignee_and_open_tickets_have_no_closed_at() {
        let t = map(json!({
            "id": 8, "Status": "stalled", "Owner": {"id": 6, "Name": "Nobody"}, "Creator": {"id": 31, "Name": "a@b.c"},
            "Resolved": "2026-11-24T20:35:38Z", "Requestor": [{"id": 31}], "CustomFields": ""
        }))
        .expect("maps");
        assert_eq!(t.status, Some(TicketStatus::OnHold));
        assert!(t.assignee_ids.is_empty() && t.closed_at.is_none());
        assert!(t.created_by_user_id.is_none(), "a customer who wrote in is not a user");
        assert!(t.subject.is_none());
    }

    #[test]
    fn unknown_statuses_are_kept_and_bad_values_refused() {
        let t = map(json!({"id": 9, "Status": "escalated"})).expect("maps");
        assert_eq!(t.status, Some(TicketStatus::Unknown("escalated".into())));
        assert!(map(json!({"id": 9, "Requestor": [{"id": "alice@example.com"}]})).is_err());
        assert!(map(json!({"id": 9, "Created": "yesterday"})).is_err());
    }
}
