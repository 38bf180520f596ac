//! Properties run in CI: every normalized model survives a JSON round trip,
//! whatever its strings and whatever enum values a provider sent (known or not).

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::json;
use unidesk_core::{Comment, Contact, Direction, Event, EventKind, EventObject, Priority, Ticket, TicketStatus};

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

fn time() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    prop::option::of(
        (0i64..4_000_000_000, 0u32..1_000)
            .prop_map(|(s, ms)| Utc.timestamp_opt(s, ms * 1_000_000).single().unwrap_or_default()),
    )
}

fn status() -> impl Strategy<Value = TicketStatus> {
    prop_oneof![text().prop_map(|s| TicketStatus::parse(&s)), Just(TicketStatus::Open), Just(TicketStatus::OnHold)]
}

fn priority() -> impl Strategy<Value = Priority> {
    prop_oneof![text().prop_map(|s| Priority::parse(&s)), Just(Priority::Urgent)]
}

prop_compose! {
    fn ticket()(
        id in "[a-zA-Z0-9_-]{1,24}",
        subject in prop::option::of(text()),
        status in prop::option::of(status()),
        priority in prop::option::of(priority()),
        tags in prop::collection::vec(text(), 0..4),
        custom in prop::collection::btree_map(text(), any::<i64>(), 0..4),
        created_at in time(),
        updated_at in time(),
        closed_at in time(),
    ) -> Ticket {
        Ticket {
            id,
            subject,
            remote_status: status.as_ref().map(|s| s.as_str().to_owned()),
            status,
            priority,
            tag_ids: tags,
            custom_fields: custom.into_iter().map(|(k, v)| (k, json!(v))).collect(),
            created_at,
            updated_at,
            closed_at,
            ..Default::default()
        }
    }
}

proptest! {
    #[test]
    fn tickets_round_trip_through_json(t in ticket()) {
        let text = serde_json::to_string(&t).expect("serializes");
        let back: Ticket = serde_json::from_str(&text).expect("deserializes");
        prop_assert_eq!(back, t);
    }

    #[test]
    fn unknown_enum_values_are_kept_verbatim(raw in text()) {
        let s: TicketStatus = serde_json::from_value(json!(raw)).expect("never fails");
        prop_assert_eq!(s.as_str(), raw.as_str());
        let d: Direction = serde_json::from_value(json!(raw)).expect("never fails");
        prop_assert_eq!(serde_json::to_value(&d).expect("serializes"), json!(raw));
    }

    #[test]
    fn comments_contacts_and_events_round_trip(
        id in "[a-z0-9]{1,12}", body in prop::option::of(text()), private in any::<bool>(),
        email in prop::option::of(text()), kind in text(), at in time(),
    ) {
        let c = Comment { id: id.clone(), body, is_private: private, created_at: at, ..Default::default() };
        let back: Comment = serde_json::from_value(serde_json::to_value(&c).expect("ser")).expect("de");
        prop_assert_eq!(&back, &c);
        let p = Contact { id: id.clone(), email: email.clone(), emails: email.into_iter().collect(), ..Default::default() };
        let back: Contact = serde_json::from_value(serde_json::to_value(&p).expect("ser")).expect("de");
        prop_assert_eq!(back, p);
        let e = Event { id, kind: EventKind::parse(&kind), occurred_at: at, object: EventObject::Comment(c), changes: Default::default() };
        let back: Event = serde_json::from_value(serde_json::to_value(&e).expect("ser")).expect("de");
        prop_assert_eq!(back, e);
    }
}
