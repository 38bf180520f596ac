//! Normalized webhook [`Event`]s → the store's [`Change`]s.

use unidesk_core::{AnyRecord, Event, EventKind, EventObject};

use crate::store::Change;

/// The change an event makes to a mirror: the record as it is now (a deletion is the record
/// marked `remote_was_deleted`, a tombstone). `None` for an event about something the mirror
/// does not model (an unknown object), which is acknowledged and ignored.
pub(crate) fn change_of(event: &Event) -> Option<Change> {
    let mut record = match &event.object {
        EventObject::Ticket(r) => AnyRecord::Ticket(r.clone()),
        EventObject::Comment(r) => AnyRecord::Comment(r.clone()),
        EventObject::Contact(r) => AnyRecord::Contact(r.clone()),
        EventObject::Account(r) => AnyRecord::Account(r.clone()),
        EventObject::Tag(r) => AnyRecord::Tag(r.clone()),
        EventObject::Team(r) => AnyRecord::Team(r.clone()),
        EventObject::User(r) => AnyRecord::User(r.clone()),
        EventObject::Unknown(_) => return None,
    };
    if is_deletion(&event.kind) {
        mark_deleted(&mut record);
    }
    Some(Change::Upsert(record))
}

fn is_deletion(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::TicketDeleted
            | EventKind::CommentDeleted
            | EventKind::ContactDeleted
            | EventKind::AccountDeleted
            | EventKind::UserDeleted
            | EventKind::TeamDeleted
            | EventKind::TagDeleted
    )
}

fn mark_deleted(record: &mut AnyRecord) {
    match record {
        AnyRecord::Ticket(r) => r.remote_was_deleted = true,
        AnyRecord::Comment(r) => r.remote_was_deleted = true,
        AnyRecord::Contact(r) => r.remote_was_deleted = true,
        AnyRecord::Account(r) => r.remote_was_deleted = true,
        AnyRecord::Tag(r) => r.remote_was_deleted = true,
        AnyRecord::Team(r) => r.remote_was_deleted = true,
        AnyRecord::User(r) => r.remote_was_deleted = true,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use unidesk_core::{Record, Ticket};

    use super::*;

    fn event(kind: EventKind, object: EventObject) -> Event {
        Event { id: "e1".into(), kind, occurred_at: None, object, changes: BTreeMap::new() }
    }

    #[test]
    fn records_become_upserts_and_deletions_tombstones() {
        let t = Ticket { id: "t1".into(), ..Default::default() };
        let up = change_of(&event(EventKind::TicketUpdated, EventObject::Ticket(t.clone()))).expect("a change");
        assert!(matches!(&up, Change::Upsert(AnyRecord::Ticket(r)) if r.id == "t1" && !r.remote_was_deleted()));
        let del = change_of(&event(EventKind::TicketDeleted, EventObject::Ticket(t))).expect("a change");
        assert!(matches!(&del, Change::Upsert(AnyRecord::Ticket(r)) if r.remote_was_deleted()));
    }

    #[test]
    fn objects_the_mirror_does_not_model_are_ignored() {
        let e = event(EventKind::parse("kustomer.kobject.create"), EventObject::Unknown(serde_json::json!({})));
        assert_eq!(change_of(&e), None);
    }
}
