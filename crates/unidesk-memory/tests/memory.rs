//! The memory adapter: streaming, object safety, and write semantics.

use std::collections::HashSet;
use std::sync::Arc;

use futures::TryStreamExt;
use unidesk_core::{
    Error, Helpdesk, HelpdeskExt, ListQuery, Operation, Resource, TicketCreate, TicketStatus, TicketUpdate,
};
use unidesk_memory::MemoryHelpdesk;

#[tokio::test]
async fn stream_visits_each_of_1050_records_exactly_once_at_page_size_100() {
    let desk = MemoryHelpdesk::with_sample_data(1050);
    let mut pages = 0;
    let mut q = ListQuery::new().page_size(100);
    loop {
        let page = desk.tickets().list(&q).await.expect("page");
        assert!(page.items.len() <= 100);
        pages += 1;
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 11);
    let all: Vec<_> = desk.stream_tickets(ListQuery::new().page_size(100)).try_collect().await.expect("stream");
    assert_eq!(all.len(), 1050);
    let ids: HashSet<_> = all.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids.len(), 1050, "no record repeated");
}

#[tokio::test]
async fn box_dyn_and_arc_dyn_helpdesk_work() {
    let boxed: Box<dyn Helpdesk> = Box::new(MemoryHelpdesk::with_sample_data(30));
    assert_eq!(boxed.name(), "memory");
    assert!(boxed.capabilities().supports(Resource::Ticket, Operation::AddTags));
    let n = boxed.stream_tickets(ListQuery::new().page_size(7)).try_collect::<Vec<_>>().await.expect("stream").len();
    assert_eq!(n, 30);
    let shared: Arc<dyn Helpdesk> = Arc::new(MemoryHelpdesk::with_sample_data(5));
    let task = {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move { shared.users().list(&ListQuery::new()).await.map(|p| p.items.len()) })
    };
    assert_eq!(task.await.expect("join").expect("list"), 10);
}

/// Takes an adapter by value, as a product's own generic code would.
fn adapter_name<H: Helpdesk>(desk: H) -> String {
    desk.name().to_owned()
}

#[tokio::test]
async fn arc_and_box_of_an_adapter_are_adapters_that_forward_every_method() {
    let shared = Arc::new(MemoryHelpdesk::with_sample_data(12));
    assert_eq!(adapter_name(Arc::clone(&shared)), "memory");
    let via_arc: &dyn Helpdesk = &shared;
    assert_eq!(via_arc.capabilities(), shared.capabilities());
    let boxed: Box<dyn Helpdesk> = Box::new(MemoryHelpdesk::with_sample_data(12));
    let double: Box<Box<dyn Helpdesk>> = Box::new(boxed);
    let via_box: &dyn Helpdesk = &double;
    for r in Resource::ALL {
        let a = unidesk_core::list_page(via_arc, r, &ListQuery::new().page_size(500)).await.expect("arc lists");
        let b = unidesk_core::list_page(via_box, r, &ListQuery::new().page_size(500)).await.expect("box lists");
        assert_eq!(a.items, b.items, "{r}: same seed, same records through Arc and Box");
        assert!(!a.items.is_empty(), "{r}");
        let one =
            unidesk_core::get_record(via_box, r, unidesk_core::Record::id(&a.items[0]), false).await.expect("get");
        assert_eq!(one, a.items[0], "{r}: get through Box<Box<dyn Helpdesk>>");
    }
    let fields = via_box.fields().list(None).await.expect("field definitions through Box<Box<dyn Helpdesk>>");
    assert!(!fields.is_empty());
    assert_eq!(via_arc.fields().list(None).await.expect("through Arc"), fields);
    let t = via_arc.tickets().list(&ListQuery::new()).await.expect("tickets").items.remove(0);
    via_arc.tickets().add_tags(&t.id, &["t-arc".into()]).await.expect("write through Arc");
    assert!(shared.tickets().get(&t.id, false).await.expect("get").tag_ids.contains(&"t-arc".to_string()));
    // Attachments forward too: uploaded through Arc, downloaded through the shared original.
    let input = unidesk_core::CommentCreate {
        ticket_id: t.id.clone(),
        body: "file".into(),
        attachments: vec![unidesk_core::AttachmentUpload {
            file_name: "a.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"forwarded".to_vec(),
        }],
        ..Default::default()
    };
    let c = via_arc.comments().create(&input).await.expect("upload through Arc");
    let mut got = Vec::new();
    let mut stream = via_arc.attachments().download(&c.attachments[0].id).await.expect("download through Arc");
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        got.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(got, b"forwarded");
    assert!(shared.attachments().download(&c.attachments[0].id).await.is_ok(), "same store");
}

#[tokio::test]
async fn close_reopen_round_trip_and_idempotent_tags() {
    let desk = MemoryHelpdesk::with_sample_data(4);
    let contact = desk.contacts().list(&ListQuery::new()).await.expect("contacts").items.remove(0);
    let t = desk
        .tickets()
        .create(&TicketCreate { contact_id: contact.id.clone(), subject: Some("hi".into()), ..Default::default() })
        .await
        .expect("create");
    assert_eq!(t.status, Some(TicketStatus::Open));
    let closed = desk
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Closed), ..Default::default() })
        .await
        .expect("close");
    assert!(closed.closed_at.is_some());
    let reopened = desk
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Open), ..Default::default() })
        .await
        .expect("reopen");
    assert_eq!(
        (reopened.status, reopened.closed_at, reopened.subject),
        (Some(TicketStatus::Open), None, Some("hi".into()))
    );
    let tag = vec!["tag1".to_string()];
    desk.tickets().add_tags(&t.id, &tag).await.expect("add");
    let twice = desk.tickets().add_tags(&t.id, &tag).await.expect("add again");
    assert_eq!(twice.tag_ids, tag);
    desk.tickets().remove_tags(&t.id, &tag).await.expect("remove");
    let gone = desk.tickets().remove_tags(&t.id, &tag).await.expect("remove again");
    assert!(gone.tag_ids.is_empty());
    let bad = desk
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Unknown("bogus".into())), ..Default::default() })
        .await;
    assert!(matches!(bad, Err(Error::Validation { .. })));
    desk.tickets().delete(&t.id).await.expect("delete");
    assert!(matches!(desk.tickets().get(&t.id, false).await, Err(Error::NotFound { resource: Resource::Ticket, .. })));
}

#[tokio::test]
async fn field_definitions_describe_the_sample_fields_and_fields_written_later() {
    use unidesk_core::FieldType;
    let desk = MemoryHelpdesk::with_sample_data(12);
    let all = desk.fields().list(None).await.expect("definitions");
    let keys: Vec<(Resource, &str, &FieldType)> =
        all.iter().map(|d| (d.resource, d.key.as_str(), &d.field_type)).collect();
    assert_eq!(
        keys,
        [
            (Resource::Ticket, "carrier", &FieldType::Select),
            (Resource::Ticket, "gift", &FieldType::Boolean),
            (Resource::Ticket, "order_number", &FieldType::Number),
            (Resource::Ticket, "shipped_at", &FieldType::Datetime),
            (Resource::Contact, "loyalty", &FieldType::Select),
            (Resource::Contact, "vip", &FieldType::Boolean),
            (Resource::Account, "seats", &FieldType::Number),
            (Resource::Account, "tier", &FieldType::Select),
        ]
    );
    assert!(desk.fields().list(Some(Resource::Comment)).await.expect("comments have none").is_empty());
    let err = desk.fields().list(Some(Resource::Tag)).await.expect_err("tags have no fields");
    assert!(matches!(err, Error::Unsupported { resource: Resource::Tag, operation: Operation::ListFields, .. }));
    for r in [Resource::Ticket, Resource::Comment, Resource::Contact, Resource::Account] {
        assert!(desk.capabilities().supports(r, Operation::ListFields), "{r}");
    }

    // A field first written by a create is described from its value.
    let contact = desk.stream_contacts(ListQuery::new()).try_collect::<Vec<_>>().await.expect("contacts")[0].id.clone();
    let input = TicketCreate {
        contact_id: contact,
        subject: Some("x".into()),
        custom_fields: [
            ("escalated_at".to_owned(), serde_json::json!("2024-05-01T10:00:00Z")),
            ("note".to_owned(), serde_json::json!("hi")),
        ]
        .into(),
        ..Default::default()
    };
    desk.tickets().create(&input).await.expect("created");
    let tickets = desk.fields().list(Some(Resource::Ticket)).await.expect("definitions");
    let new: Vec<(&str, &FieldType, Option<&str>)> = tickets
        .iter()
        .filter(|d| ["escalated_at", "note"].contains(&d.key.as_str()))
        .map(|d| (d.key.as_str(), &d.field_type, d.label.as_deref()))
        .collect();
    assert_eq!(new, [("escalated_at", &FieldType::Datetime, None), ("note", &FieldType::Text, None)]);
}
