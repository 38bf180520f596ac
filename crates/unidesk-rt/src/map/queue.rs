//! An RT queue → [`Team`].
//!
//! Queues, not groups, are the teams: every ticket is in exactly one queue, so a ticket's
//! `team_ids` and a team's tickets come from RT itself. RT gives queues no member list (who
//! works a queue follows from rights and watchers), so `member_ids` is empty.

use serde_json::Value;
use unidesk_core::Team;

use super::{Context, non_empty, rt_time};
use crate::wire::QueueRecord;

/// Maps one queue.
pub fn team(q: &QueueRecord, raw: &Value, ctx: &Context<'_>) -> Result<Team, String> {
    Ok(Team {
        id: q.id.to_string(),
        name: non_empty(q.name.as_ref()),
        description: non_empty(q.description.as_ref()),
        member_ids: Vec::new(),
        created_at: rt_time(q.created.as_deref())?,
        updated_at: rt_time(q.last_updated.as_deref())?,
        // Disabled queues are not listed and not found.
        remote_was_deleted: false,
        remote_data: ctx.include_remote_data.then(|| raw.clone()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn queues_map_to_teams() {
        let raw = json!({"id": "3", "Name": "Support ✓", "Description": "", "Created": "2026-11-24T20:37:28Z"});
        let q: QueueRecord = serde_json::from_value(raw.clone()).expect("queue");
        let ctx = Context { web: "", tags_field: None, external_id_field: None, include_remote_data: true };
        let t = team(&q, &raw, &ctx).expect("maps");
        assert_eq!((t.id.as_str(), t.name.as_deref(), t.description.as_deref()), ("3", Some("Support ✓"), None));
        assert_eq!(t.remote_data, Some(raw));
    }
}
