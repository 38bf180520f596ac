//! The adapter against the simulator: a real HTTP server on loopback.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use unidesk_core::{
    CommentCreate, Error, Helpdesk, HelpdeskExt, ListQuery, Resource, TicketCreate, TicketStatus, TicketUpdate,
};
use unidesk_kustomer::{KustomerClient, RetryConfig};
use unidesk_kustomer_sim::{SimConfig, Simulator};

fn fast_retry() -> RetryConfig {
    RetryConfig {
        max_retries: 8,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        max_rate_limit_wait: Duration::from_millis(200),
        ..RetryConfig::default()
    }
}

async fn setup(config: SimConfig) -> (Simulator, KustomerClient) {
    let sim = Simulator::start(config).await.expect("sim starts");
    let client = KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .retry(fast_retry())
        .build()
        .expect("client");
    (sim, client)
}

fn big() -> SimConfig {
    SimConfig { conversations: 10_000, rate_limit: 1_000_000, ..SimConfig::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_conversations_visited_exactly_once() {
    let (sim, client) = setup(big()).await;
    let all: Vec<_> = client.stream_tickets(ListQuery::new().page_size(100)).try_collect().await.expect("listing");
    let ids: HashSet<_> = all.iter().map(|t| t.id.clone()).collect();
    assert_eq!(all.len(), 10_000);
    assert_eq!(ids.len(), 10_000);
    assert_eq!(sim.count("conversations"), 10_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_sync_passes_the_search_cap_with_ties() {
    // Search pages are capped at 100 × 100 = 10,000 records; the simulator's
    // conversations share updatedAt seven at a time. Small pages force many windows.
    let (_sim, client) = setup(big()).await;
    let since = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().expect("date");
    for page_size in [100, 7] {
        let all: Vec<_> = client
            .stream_tickets(ListQuery::new().page_size(page_size).updated_after(since))
            .try_collect()
            .await
            .expect("search listing");
        let ids: HashSet<_> = all.iter().map(|t| t.id.clone()).collect();
        assert_eq!(all.len(), 10_000, "page size {page_size}");
        assert_eq!(ids.len(), 10_000, "no repeats at page size {page_size}");
        assert!(all.windows(2).all(|w| w[0].updated_at <= w[1].updated_at), "ascending updated_at");
    }
    let later = Utc.with_ymd_and_hms(2024, 1, 31, 9, 0, 0).single().expect("date");
    let some: Vec<_> =
        client.stream_tickets(ListQuery::new().updated_after(later)).try_collect().await.expect("listing");
    assert!(!some.is_empty() && some.len() < 10_000);
    assert!(some.iter().all(|t| t.updated_at.is_some_and(|u| u >= later)));
}

#[tokio::test]
async fn every_resource_lists_and_gets() {
    let (_sim, client) = setup(SimConfig { conversations: 60, ..SimConfig::default() }).await;
    let hd: &dyn Helpdesk = &client;
    let tickets: Vec<_> = hd.stream_tickets(ListQuery::new().page_size(7)).try_collect().await.expect("tickets");
    assert_eq!(tickets.len(), 60);
    assert_eq!(hd.tickets().get(&tickets[3].id, false).await.expect("get"), tickets[3]);
    let comments: Vec<_> = hd.stream_comments(ListQuery::new().page_size(50)).try_collect().await.expect("comments");
    assert!(comments.iter().any(|c| c.is_private) && comments.iter().any(|c| !c.is_private));
    let one = comments.iter().find(|c| c.is_private).expect("a note");
    assert_eq!(&hd.comments().get(&one.id, false).await.expect("get note"), one);
    let of_ticket: Vec<_> = hd
        .stream_comments(ListQuery::new().page_size(1).ticket_id(&tickets[1].id))
        .try_collect()
        .await
        .expect("ticket comments");
    assert!(of_ticket.len() >= 2);
    assert!(of_ticket.windows(2).all(|w| w[0].created_at <= w[1].created_at), "time order");
    for (n, r) in [
        (hd.stream_contacts(ListQuery::new()).try_collect::<Vec<_>>().await.map(|v| v.len()), Resource::Contact),
        (hd.stream_accounts(ListQuery::new()).try_collect::<Vec<_>>().await.map(|v| v.len()), Resource::Account),
        (hd.stream_tags(ListQuery::new()).try_collect::<Vec<_>>().await.map(|v| v.len()), Resource::Tag),
        (hd.stream_teams(ListQuery::new()).try_collect::<Vec<_>>().await.map(|v| v.len()), Resource::Team),
        (hd.stream_users(ListQuery::new()).try_collect::<Vec<_>>().await.map(|v| v.len()), Resource::User),
    ] {
        assert!(n.expect("lists") > 0, "{r}");
    }
    let users: Vec<_> = hd.stream_users(ListQuery::new()).try_collect().await.expect("users");
    assert!(users.iter().any(|u| !u.is_active), "deactivated users are inactive");
    assert!(matches!(
        hd.tickets().get("ffffffffffffffffffffffff", false).await,
        Err(Error::NotFound { resource: Resource::Ticket, .. })
    ));
    assert!(matches!(hd.tickets().get("../admin", false).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn writes_round_trip_and_errors_are_typed() {
    let (sim, client) = setup(SimConfig { conversations: 10, ..SimConfig::default() }).await;
    let contact = client.contacts().list(&ListQuery::new().page_size(1)).await.expect("contacts").items.remove(0);
    let t = client
        .tickets()
        .create(&TicketCreate {
            contact_id: contact.id.clone(), subject: Some("Help ✋".into()), ..Default::default()
        })
        .await
        .expect("create");
    assert_eq!(t.status, Some(TicketStatus::Open));
    let closed = client
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Closed), ..Default::default() })
        .await
        .expect("close");
    assert_eq!(closed.status, Some(TicketStatus::Closed));
    assert!(closed.closed_at.is_some());
    let reopened = client
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Open), ..Default::default() })
        .await
        .expect("reopen");
    assert_eq!((reopened.status, reopened.closed_at), (Some(TicketStatus::Open), None));
    let tag = vec!["7a900001000000000000000a".to_string()];
    client.tickets().add_tags(&t.id, &tag).await.expect("tag");
    assert_eq!(client.tickets().add_tags(&t.id, &tag).await.expect("tag again").tag_ids, tag);
    assert!(client.tickets().remove_tags(&t.id, &tag).await.expect("untag").tag_ids.is_empty());
    let reply = client
        .comments()
        .create(&CommentCreate {
            ticket_id: t.id.clone(),
            body: "On it".into(),
            channel: Some("email".into()),
            ..Default::default()
        })
        .await
        .expect("reply");
    assert!(!reply.is_private && reply.channel.as_deref() == Some("email"));
    let note = client
        .comments()
        .create(&CommentCreate {
            ticket_id: t.id.clone(),
            body: "internal".into(),
            is_private: true,
            ..Default::default()
        })
        .await
        .expect("note");
    assert!(note.is_private);
    let bad = client
        .tickets()
        .update(&t.id, &TicketUpdate { status: Some(TicketStatus::Pending), ..Default::default() })
        .await;
    assert!(matches!(bad, Err(Error::Validation { .. })), "{bad:?}");
    client.tickets().delete(&t.id).await.expect("delete");
    assert!(matches!(client.tickets().get(&t.id, false).await, Err(Error::NotFound { .. })));
    let ro = KustomerClient::builder().base_url(sim.base_url()).api_key(sim.read_only_key()).build().expect("client");
    assert!(matches!(ro.tickets().delete(&t.id).await, Err(Error::PermissionDenied { .. })));
    let wrong = KustomerClient::builder().base_url(sim.base_url()).api_key("nope").build().expect("client");
    assert!(matches!(wrong.tickets().list(&ListQuery::new()).await, Err(Error::Unauthenticated { .. })));
    let found = client.contacts().find_by_email(contact.email.as_deref().expect("email")).await.expect("lookup");
    assert_eq!(found.id, contact.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_survives_injected_faults() {
    let mut config = SimConfig { conversations: 1500, ..SimConfig::default() };
    config.faults.rate = 0.10;
    let (sim, client) = setup(config).await;
    let all: Vec<_> =
        client.stream_tickets(ListQuery::new().page_size(50)).try_collect().await.expect("listing under faults");
    let ids: HashSet<_> = all.iter().map(|t| t.id.clone()).collect();
    assert_eq!((all.len(), ids.len()), (1500, 1500));
    let (requests, _) = sim.stats();
    assert!(requests > 30, "faults forced retries: {requests} requests");
}

#[tokio::test]
async fn rate_limited_listing_paces_instead_of_collecting_429s() {
    let config =
        SimConfig { conversations: 500, rate_limit: 5, window: Duration::from_millis(150), ..SimConfig::default() };
    let (sim, client) = setup(config).await;
    let all: Vec<_> = client.stream_tickets(ListQuery::new().page_size(25)).try_collect().await.expect("listing");
    assert_eq!(all.len(), 500);
    let (requests, throttled) = sim.stats();
    assert_eq!(throttled, 0, "pacing avoided every 429 over {requests} requests");
}

#[test]
fn debug_never_shows_the_key() {
    let c =
        KustomerClient::builder().base_url("http://127.0.0.1:1").api_key("super-secret-key").build().expect("client");
    assert!(!format!("{c:?}").contains("super-secret-key"));
    let b = KustomerClient::builder().api_key("super-secret-key");
    assert!(!format!("{b:?}").contains("super-secret-key"));
}
