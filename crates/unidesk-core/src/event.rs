//! Normalized webhook events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use crate::enums::EventKind;
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};

/// A change notification from a provider, mapped onto the normalized model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// The provider's delivery id (deduplicate on it: deliveries are at-least-once).
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// When the provider says it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// The record as it is after the change.
    pub object: EventObject,
    /// What changed, by normalized field name (`status`, `tag_ids`…); a provider field
    /// with no normalized counterpart keeps the provider's own name. Empty when the
    /// provider did not say.
    #[serde(default)]
    pub changes: BTreeMap<String, FieldChange>,
}

/// One field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    /// The value before the change (`null` when it had none or the provider did not say).
    pub before: Value,
    /// The value after the change.
    pub after: Value,
}

/// The record an [`Event`] carries, tagged with its resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "record", rename_all = "snake_case")]
pub enum EventObject {
    /// A ticket.
    Ticket(Ticket),
    /// A comment.
    Comment(Comment),
    /// A contact.
    Contact(Contact),
    /// An account.
    Account(Account),
    /// A tag.
    Tag(Tag),
    /// A team.
    Team(Team),
    /// A user.
    User(User),
    /// A record of a kind unidesk does not model, kept raw.
    Unknown(Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_round_trips_and_keeps_unknown_kinds() {
        let e = Event {
            id: "evt1".into(),
            kind: EventKind::parse("kustomer.kobject.create"),
            occurred_at: None,
            object: EventObject::Unknown(serde_json::json!({"a": 1})),
            changes: BTreeMap::new(),
        };
        let json = serde_json::to_value(&e).expect("serializes");
        assert_eq!(json["kind"], "kustomer.kobject.create");
        assert_eq!(json["object"]["type"], "unknown");
        let back: Event = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, e);
        let t = Event {
            id: "evt2".into(),
            kind: EventKind::TicketUpdated,
            occurred_at: None,
            object: EventObject::Ticket(Ticket { id: "t".into(), ..Default::default() }),
            changes: BTreeMap::from([(
                "status".to_owned(),
                FieldChange { before: Value::from("open"), after: Value::from("closed") },
            )]),
        };
        let json = serde_json::to_value(&t).expect("serializes");
        assert_eq!(json["kind"], "ticket.updated");
        assert_eq!(json["object"]["record"]["id"], "t");
        assert_eq!(json["changes"]["status"]["before"], "open");
        assert_eq!(serde_json::from_value::<Event>(json).expect("round trip"), t);
        let without: Event = serde_json::from_str(
            r#"{"id":"e","kind":"ticket.created","occurred_at":null,"object":{"type":"unknown","record":{}}}"#,
        )
        .expect("events without changes still parse");
        assert!(without.changes.is_empty());
    }
}
