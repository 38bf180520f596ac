//! Normalized webhook events.

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
        };
        let json = serde_json::to_value(&t).expect("serializes");
        assert_eq!(json["kind"], "ticket.updated");
        assert_eq!(json["object"]["record"]["id"], "t");
    }
}
