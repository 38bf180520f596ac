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
