//! Issue #15's typed calls against the simulator (a real HTTP server on loopback): every area
//! round-trips, read-only keys are refused, and the bulk drill updates 1,000 conversations
//! exactly once through 10 % injected item faults, reporting every failure per item.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use unidesk_core::{ContactCreate, Error, Helpdesk, HelpdeskExt, ListQuery, TicketCreate};
use unidesk_kustomer::extra::audit::AuditQuery;
use unidesk_kustomer::extra::bulk::{BulkOptions, BulkOutcome, ConversationChange};
use unidesk_kustomer::extra::drafts::DraftInput;
use unidesk_kustomer::extra::klasses::{KObjectInput, KlassInput};
use unidesk_kustomer::extra::lookups::NewMessage;
use unidesk_kustomer::extra::notes::NoteUpdate;
use unidesk_kustomer::extra::outbound::{OutboundWebhookCreate, OutboundWebhookUpdate};
use unidesk_kustomer::extra::search::{Criterion, Direction, Search};
use unidesk_kustomer::extra::substatuses::{ParentStatus, SubStatusCreate, SubStatusUpdate, ticket_sub_status_id};
use unidesk_kustomer::extra::users::{UserChange, UserInvite};
use unidesk_kustomer::{KustomerClient, RawRequest};
use unidesk_kustomer_sim::{FaultConfig, SimConfig, Simulator};

mod support;

fn client_with_key(sim: &Simulator, key: &str) -> KustomerClient {
    let retry = support::drill::drill_retry();
    KustomerClient::builder().base_url(sim.base_url()).api_key(key).retry(retry).build().expect("client")
}

async fn small() -> (Simulator, KustomerClient) {
    let sim = Simulator::start(SimConfig { conversations: 60, rate_limit: 1_000_000, ..SimConfig::default() })
        .await
        .expect("sim starts");
    let client = client_with_key(&sim, sim.api_key());
    (sim, client)
}

fn read_only(sim: &Simulator) -> KustomerClient {
    client_with_key(sim, sim.read_only_key())
}

async fn a_customer(c: &KustomerClient) -> String {
    let page = c.contacts().list(&ListQuery::new().page_size(5)).await.expect("customers");
    page.items[0].id.clone()
}

#[tokio::test]
async fn notes_round_trip() {
    let (sim, c) = small().await;
    let customer = a_customer(&c).await;
    let created = c.create_customer_note(&customer, "Called back about the refund.").await.expect("create");
    let listed: Vec<_> = unidesk_core::paginate(ListQuery::new().page_size(2), |q| {
        let (c, customer) = (c.clone(), customer.clone());
        async move { c.customer_notes(&customer, &q).await }
    })
    .try_collect()
    .await
    .expect("a customer's notes");
    assert!(listed.iter().any(|n| n.id == created.id), "the new note is listed");
    let update = NoteUpdate { body: Some("Refund sent.".into()), user_mentions: None };
    assert_eq!(c.update_note(&created.id, &update).await.expect("update").body.as_deref(), Some("Refund sent."));
    let denied = read_only(&sim).update_note(&created.id, &update).await;
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })), "{denied:?}");
    c.delete_note(&created.id).await.expect("delete");
    assert!(c.update_note(&created.id, &update).await.is_err(), "gone");
}

#[tokio::test]
async fn klasses_and_kobjects_round_trip() {
    let (sim, c) = small().await;
    let klasses = c.list_klasses(&ListQuery::new()).await.expect("klasses");
    let names: HashSet<_> = klasses.items.iter().filter_map(|k| k.name.clone()).collect();
    assert!(names.contains("order") && names.contains("shipment"), "{names:?}");

    let klass = c
        .create_klass(&KlassInput {
            name: "ticketx".into(),
            display_name: Some("Ticket X".into()),
            ..Default::default()
        })
        .await
        .expect("create klass");
    assert_eq!(c.get_klass(&klass.id).await.expect("get").name.as_deref(), Some("ticketx"));
    let recoloured = KlassInput { name: "ticketx".into(), color: Some("#336699".into()), ..Default::default() };
    assert_eq!(c.update_klass(&klass.id, &recoloured).await.expect("update").color.as_deref(), Some("#336699"));
    c.delete_klass(&klass.id).await.expect("delete klass");
    assert!(c.get_klass(&klass.id).await.is_err());

    let orders = c.kobjects("order");
    let all: Vec<_> = orders.stream(ListQuery::new().page_size(3)).try_collect().await.expect("every order");
    let ids: HashSet<_> = all.iter().map(|k| k.id.clone()).collect();
    assert!(!all.is_empty() && ids.len() == all.len(), "each order once");
    let owned = all.iter().find(|k| k.customer_id.is_some()).expect("an order linked to a customer");
    let customer = owned.customer_id.clone().expect("customer");
    let of_customer = orders.of_customer(&customer, &ListQuery::new()).await.expect("customer's orders");
    assert!(of_customer.items.iter().all(|k| k.customer_id.as_deref() == Some(customer.as_str())));
    assert!(of_customer.items.iter().any(|k| k.id == owned.id));
    let shipments: Vec<_> = c.kobjects("shipment").stream(ListQuery::new()).try_collect().await.expect("shipments");
    let company = shipments.iter().find_map(|k| k.company_id.clone()).expect("a shipment linked to a company");
    let of_company = c.kobjects("shipment").of_company(&company, &ListQuery::new()).await.expect("company's");
    assert!(!of_company.items.is_empty());

    let new = KObjectInput {
        title: Some("Order 99".into()),
        external_id: Some("ord-99".into()),
        custom: [("totalNum".to_owned(), json!(12.5))].into(),
        customer_id: Some(customer.clone()),
        ..Default::default()
    };
    let made = orders.create(&new).await.expect("create");
    assert_eq!((made.klass.as_deref(), made.customer_id.as_deref()), (Some("order"), Some(customer.as_str())));
    assert_eq!(orders.get(&made.id).await.expect("get").title.as_deref(), Some("Order 99"));
    let renamed = KObjectInput { title: Some("Order 99 (shipped)".into()), ..Default::default() };
    assert_eq!(orders.update(&made.id, &renamed).await.expect("update").title.as_deref(), Some("Order 99 (shipped)"));
    assert!(matches!(read_only(&sim).kobjects("order").delete(&made.id).await, Err(Error::PermissionDenied { .. })));
    orders.delete(&made.id).await.expect("delete");
    assert!(orders.get(&made.id).await.is_err());
}

#[tokio::test]
async fn sub_statuses_round_trip_and_a_tickets_sub_status() {
    let (_sim, c) = small().await;
    let seeded = c.list_sub_statuses(Some("conversation"), &ListQuery::new()).await.expect("list");
    assert!(!seeded.items.is_empty());
    let snoozed = seeded.items.iter().find(|s| s.parent_status == Some(ParentStatus::Snoozed)).expect("a snoozed one");

    // A conversation that uses one shows it through the accessors.
    let tickets: Vec<_> =
        c.stream_tickets(ListQuery::new().include_remote_data(true)).try_collect().await.expect("tickets");
    let with = tickets.iter().find(|t| ticket_sub_status_id(t).is_some()).expect("a ticket with a sub-status");
    let sub = ticket_sub_status_id(with).map(str::to_owned);
    assert_eq!(c.conversation_sub_status(&with.id).await.expect("accessor"), sub);

    let created = c
        .create_sub_status(&SubStatusCreate {
            label: "Waiting on courier".into(),
            description: "Parcel lost in transit".into(),
            parent_status: ParentStatus::Snoozed,
            resource_type: "conversation".into(),
        })
        .await
        .expect("create");
    assert_eq!(c.get_sub_status(&created.id).await.expect("get").label.as_deref(), Some("Waiting on courier"));
    let relabel = SubStatusUpdate { label: Some("Courier".into()), description: None };
    assert_eq!(c.update_sub_status(&created.id, &relabel).await.expect("update").label.as_deref(), Some("Courier"));

    // Set it on a snoozed conversation, then clear it.
    let target = tickets
        .iter()
        .find(|t| t.remote_data.as_ref().is_some_and(|r| r["attributes"]["status"] == "snoozed"))
        .expect("a snoozed conversation");
    let set = c.set_conversation_sub_status(&target.id, Some(&snoozed.id)).await.expect("set");
    assert_eq!(ticket_sub_status_id(&set), Some(snoozed.id.as_str()));
    c.set_conversation_sub_status(&target.id, None).await.expect("clear");
    assert_eq!(c.conversation_sub_status(&target.id).await.expect("accessor"), None);
    c.delete_sub_status(&created.id).await.expect("delete");
    assert!(c.get_sub_status(&created.id).await.is_err());
}

/// Every conversation's update count, as the audit log tells it.
async fn updates_per_conversation(c: &KustomerClient) -> BTreeMap<String, usize> {
    let q = AuditQuery { event_names: vec!["kustomer.conversation.update".into()], ..AuditQuery::default() };
    let events: Vec<_> = c.stream_audit_events(q).try_collect().await.expect("audit log");
    let mut per = BTreeMap::new();
    for e in events {
        *per.entry(e.object_id.unwrap_or_default()).or_default() += 1;
    }
    per
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_drill_a_thousand_conversations_updated_exactly_once_through_ten_percent_faults() {
    let faults = FaultConfig { item_rate: Some(0.1), seed: 20261124, ..FaultConfig::default() };
    let config = SimConfig { conversations: 1000, rate_limit: 1_000_000, faults, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("sim starts");
    let c = client_with_key(&sim, sim.api_key());
    let ids: Vec<String> =
        c.stream_tickets(ListQuery::new()).map_ok(|t| t.id).try_collect().await.expect("every conversation");
    assert_eq!(ids.len(), 1000);
    let before = updates_per_conversation(&c).await;
    let changes: Vec<_> = ids
        .iter()
        .map(|id| ConversationChange {
            id: id.clone(),
            attributes: json!({ "priority": 4, "custom": { "bulkRunStr": "drill" } })
                .as_object()
                .cloned()
                .expect("obj"),
        })
        .collect();
    let options =
        BulkOptions { poll_interval: Duration::from_millis(5), resubmit_failed: 10, ..BulkOptions::default() };
    let report = c.bulk(options).update_conversations(changes).await.expect("bulk run");

    // Every item reported, every one applied, the failures along the way kept per item.
    assert_eq!(report.items.len(), 1000);
    assert_eq!(
        report.succeeded().count(),
        1000,
        "{:?}",
        report.items.iter().find(|i| !matches!(i.outcome, BulkOutcome::Succeeded { .. }))
    );
    let failed_once: Vec<_> = report.items.iter().filter(|i| !i.errors.is_empty()).collect();
    assert!((40..=180).contains(&failed_once.len()), "about 10 % failed at first: {}", failed_once.len());
    assert!(failed_once.iter().all(|i| i.submissions as usize == i.errors.len() + 1));
    assert!(failed_once.iter().all(|i| i.errors.iter().all(|e| e.contains("njected"))), "{:?}", failed_once[0].errors);
    println!(
        "bulk drill: 1000 conversations, {} jobs, {} items failed at least once ({} failures), all applied",
        report.operations.len(),
        failed_once.len(),
        failed_once.iter().map(|i| i.errors.len()).sum::<usize>()
    );

    // Exactly one update per conversation (the audit log counts them), with the new values.
    let after = updates_per_conversation(&c).await;
    for id in &ids {
        let n = after.get(id).copied().unwrap_or(0) - before.get(id).copied().unwrap_or(0);
        assert_eq!(n, 1, "conversation {id} updated {n} times");
    }
    let tickets: Vec<_> = c.stream_tickets(ListQuery::new()).try_collect().await.expect("after");
    assert!(tickets.iter().all(|t| t.custom_fields.get("bulkRunStr") == Some(&json!("drill"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_under_request_faults_never_applies_an_item_twice() {
    let faults = FaultConfig { rate: 0.1, item_rate: Some(0.1), seed: 99, ..FaultConfig::default() };
    let config = SimConfig { conversations: 300, rate_limit: 1_000_000, faults, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("sim starts");
    let c = client_with_key(&sim, sim.api_key());
    let ids: Vec<String> = c.stream_tickets(ListQuery::new()).map_ok(|t| t.id).try_collect().await.expect("ids");
    sim.set_fault_rate(0.0);
    let before = updates_per_conversation(&c).await;
    sim.set_fault_rate(0.1);
    let changes: Vec<_> = ids
        .iter()
        .map(|id| ConversationChange {
            id: id.clone(),
            attributes: json!({ "priority": 2 }).as_object().cloned().expect("o"),
        })
        .collect();
    let options = BulkOptions {
        chunk: 20,
        poll_interval: Duration::from_millis(5),
        resubmit_failed: 10,
        ..BulkOptions::default()
    };
    let report = c.bulk(options).update_conversations(changes).await.expect("bulk run");
    sim.set_fault_rate(0.0);
    let after = updates_per_conversation(&c).await;
    for item in &report.items {
        let id = item.id.clone().expect("an id");
        let n = after.get(&id).copied().unwrap_or(0) - before.get(&id).copied().unwrap_or(0);
        match &item.outcome {
            BulkOutcome::Succeeded { .. } => assert_eq!(n, 1, "{id}"),
            BulkOutcome::Unknown { .. } => assert!(n <= 1, "{id}: {n}"),
            BulkOutcome::Failed { error } => panic!("{id} failed for good: {error}"),
        }
    }
    assert!(report.succeeded().count() >= 200, "{}", report.succeeded().count());
}

#[tokio::test]
async fn audit_events_of_the_simulators_own_writes() {
    let (_sim, c) = small().await;
    let start = Utc::now() - chrono::Duration::seconds(1);
    let customer = a_customer(&c).await;
    c.create_customer_note(&customer, "audited").await.expect("a write");
    let q = AuditQuery { since: Some(start), count: Some(2), ..AuditQuery::default() };
    let recent: Vec<_> = c.stream_audit_events(q).try_collect().await.expect("recent events");
    assert!(recent.iter().any(|e| e.object_type.as_deref() == Some("note")), "{recent:?}");
    let orders: Vec<_> = c.kobjects("order").stream(ListQuery::new()).try_collect().await.expect("orders");
    let seeded = AuditQuery {
        object_type: Some("kobject.order".into()),
        until: Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).single(),
        count: Some(7),
        ..AuditQuery::default()
    };
    let all: Vec<_> = c.stream_audit_events(seeded).try_collect().await.expect("order events");
    assert!(all.len() >= orders.len() && all.len() > 7, "the seeded orders' creation, several pages: {}", all.len());
    assert!(all.iter().all(|e| e.object_type.as_deref() == Some("kobject.order")));
    assert_eq!(all.iter().map(|e| &e.id).collect::<HashSet<_>>().len(), all.len(), "each event once");
}

#[tokio::test]
async fn outbound_webhooks_round_trip() {
    let (sim, c) = small().await;
    let input = OutboundWebhookCreate {
        name: "Sync".into(),
        url: "https://127.0.0.1:9/hook".into(),
        events: vec!["kustomer.kobject.order.create".into()],
        headers: vec![],
    };
    let created = c.create_outbound_webhook(&input).await.expect("create");
    assert!(created.token.is_some(), "the token, once");
    assert!(!format!("{created:?}").contains(secrecy::ExposeSecret::expose_secret(created.token.as_ref().expect("t"))));
    let id = created.webhook.id.clone();
    let listed = c.list_outbound_webhooks(&ListQuery::new()).await.expect("list");
    assert!(listed.items.iter().any(|w| w.id == id));
    let off = OutboundWebhookUpdate { enabled: Some(false), ..Default::default() };
    assert_eq!(c.update_outbound_webhook(&id, &off).await.expect("update").enabled, Some(false));
    assert_eq!(c.get_outbound_webhook(&id).await.expect("get").events, input.events);
    assert!(matches!(read_only(&sim).delete_outbound_webhook(&id).await, Err(Error::PermissionDenied { .. })));
    c.delete_outbound_webhook(&id).await.expect("delete");
    assert!(c.get_outbound_webhook(&id).await.is_err());
}

#[tokio::test]
async fn lookups_replacements_users_and_messages() {
    let (_sim, c) = small().await;
    let contacts: Vec<_> = c.stream_contacts(ListQuery::new()).try_collect().await.expect("contacts");
    let with_phone = contacts.iter().find(|p| p.phone.is_some()).expect("a customer with a phone");
    let phone = with_phone.phone.clone().expect("phone");
    assert_eq!(c.find_customer_by_phone(&phone).await.expect("by phone").id, with_phone.id);
    assert!(matches!(c.find_customer_by_phone("+10000000000").await, Err(Error::NotFound { .. })));

    // PUT replaces: attributes left out are gone.
    let replaced = c
        .replace_customer(&with_phone.id, &ContactCreate { name: Some("Replaced Name".into()), ..Default::default() })
        .await
        .expect("PUT customer");
    assert_eq!(replaced.name.as_deref(), Some("Replaced Name"));
    assert!(replaced.phone.is_none() && replaced.emails.is_empty(), "{replaced:?}");

    let ticket =
        TicketCreate { contact_id: with_phone.id.clone(), subject: Some("New one".into()), ..Default::default() };
    let made = c.create_customer_conversation(&ticket).await.expect("conversation for the customer");
    assert_eq!(made.contact_id.as_deref(), Some(with_phone.id.as_str()));
    let full = TicketCreate { subject: Some("Renamed".into()), ..ticket.clone() };
    assert_eq!(c.replace_conversation(&made.id, &full).await.expect("PUT").subject.as_deref(), Some("Renamed"));
    let message = NewMessage {
        conversation_id: Some(made.id.clone()),
        customer_id: with_phone.id.clone(),
        channel: "chat".into(),
        app: None,
        direction: "in".into(),
        body: "Is it shipped?".into(),
        subject: None,
        meta: Default::default(),
    };
    let m = c.create_message(&message).await.expect("message");
    assert_eq!(m.ticket_id.as_deref(), Some(made.id.as_str()));

    let users: Vec<_> = c.stream_users(ListQuery::new()).try_collect().await.expect("users");
    let two = [users[0].id.clone(), users[1].id.clone()];
    assert_eq!(c.get_users(&two).await.expect("many").len(), 2);
    let invited = c
        .invite_user(&UserInvite {
            name: "Bo Ng".into(),
            email: "bo.ng@example.com".into(),
            display_name: None,
            role_groups: vec![],
        })
        .await
        .expect("invite");
    let change = UserChange { name: Some("Bo N.".into()), ..Default::default() };
    assert_eq!(c.update_user(&invited.id, &change).await.expect("update").name.as_deref(), Some("Bo N."));
}

#[tokio::test]
async fn search_builder_against_the_simulator() {
    let (_sim, c) = small().await;
    let open_by_list: HashSet<_> = c
        .stream_tickets(ListQuery::new().include_remote_data(true))
        .try_collect::<Vec<_>>()
        .await
        .expect("tickets")
        .into_iter()
        .filter(|t| t.remote_data.as_ref().is_some_and(|r| r["attributes"]["status"] == "open"))
        .map(|t| t.id)
        .collect();
    let s = Search::new("conversation").and(Criterion::equals("conversation_status", "open"));
    for size in [100, 3] {
        let found: Vec<_> =
            c.stream_search(s.clone(), ListQuery::new().page_size(size)).try_collect().await.expect("search");
        let ids: HashSet<_> = found.iter().map(|o| o.id.clone()).collect();
        assert_eq!(ids.len(), found.len(), "each once at page size {size}");
        assert_eq!(ids, open_by_list, "page size {size}");
    }
    let none = Search::new("conversation")
        .and(Criterion::equals("conversation_status", "open"))
        .not(Criterion::equals("conversation_status", "open"));
    assert!(c.search(&none, &ListQuery::new()).await.expect("empty").items.is_empty());
    let sorted = Search::new("customer").sort("customer_name", Direction::Desc);
    let page = c.search(&sorted, &ListQuery::new().page_size(10)).await.expect("sorted");
    assert_eq!(page.items.len(), 10);
}

#[tokio::test]
async fn raw_passthrough_against_the_simulator() {
    let (_sim, c) = small().await;
    let mut req = RawRequest::new("get", "/v1/klasses/order").expect("request");
    req.query = vec![("pageSize".into(), "2".into())];
    let reply = c.raw(req).await.expect("raw");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["data"].as_array().map(Vec::len), Some(2));
    assert!(matches!(RawRequest::new("TRACE", "/v1/x"), Err(Error::InvalidInput { .. })));
    let escape = RawRequest::new("GET", "/v1/../admin").expect("request");
    assert!(matches!(c.raw(escape).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn reply_drafts_round_trip() {
    let (sim, c) = small().await;
    let ticket = c.tickets().list(&ListQuery::new().page_size(1)).await.expect("a ticket").items.remove(0);
    let customer = ticket.contact_id.clone().expect("its customer");
    let proposal = DraftInput {
        conversation_id: Some(ticket.id.clone()),
        channel: Some("email".into()),
        body: Some("Your refund is on its way.".into()),
        subject: Some("Re: your order".into()),
        to: Some(vec!["ana@example.com".into()]),
        ..Default::default()
    };
    let draft = c.create_draft(&customer, &proposal).await.expect("create");
    assert_eq!(draft.conversation_id.as_deref(), Some(ticket.id.as_str()));
    let in_conv = c.list_drafts(&ticket.id, &ListQuery::new()).await.expect("conversation's drafts");
    assert!(in_conv.items.iter().any(|d| d.id == draft.id));
    let of_customer = c.list_customer_drafts(&customer, &ListQuery::new()).await.expect("customer's drafts");
    assert!(of_customer.items.iter().any(|d| d.id == draft.id));
    let at = Utc.with_ymd_and_hms(2030, 1, 2, 9, 0, 0).single();
    let scheduled =
        c.update_draft(&draft.id, &DraftInput { send_at: at, ..Default::default() }).await.expect("schedule");
    assert_eq!((scheduled.send_at, scheduled.status.as_deref()), (at, Some("scheduled")));
    assert_eq!(c.get_draft(&draft.id).await.expect("get").body.as_deref(), Some("Your refund is on its way."));
    assert!(matches!(read_only(&sim).delete_draft(&draft.id).await, Err(Error::PermissionDenied { .. })));
    c.delete_draft(&draft.id).await.expect("delete");
    assert!(c.get_draft(&draft.id).await.is_err());
}

#[tokio::test]
async fn kobject_webhooks_arrive_signed_and_parse_typed() {
    use unidesk_kustomer::webhook::{KObjectAction, KustomerEvent, WebhookReceiver};
    let (_sim, c) = small().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    // The typed call insists on https://, as Kustomer does; the loopback receiver is plain
    // http, so the subscription is made through the passthrough.
    let mut req = RawRequest::new("POST", "/v1/outbound-webhooks").expect("request");
    req.body = Some(json!({ "name": "kobjects", "url": format!("{}/hook", receiver.uri()),
        "events": ["kustomer.kobject.order.create"] }));
    let reply = c.raw(req).await.expect("subscribed");
    let token = reply.json["data"]["attributes"]["token"].as_str().expect("the token").to_owned();

    let made = c
        .kobjects("order")
        .create(&KObjectInput { title: Some("Webhook order".into()), ..Default::default() })
        .await
        .expect("create");
    let mut delivered = Vec::new();
    for _ in 0..200 {
        delivered = receiver.received_requests().await.unwrap_or_default();
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let delivery = delivered.first().expect("a delivery");
    let rx = WebhookReceiver::new().signing_token(token);
    let event = rx.check_kustomer(&delivery.body, &delivery.headers).expect("signed").expect("new");
    let KustomerEvent::KObject(k) = event else { panic!("a typed KObject event: {event:?}") };
    assert_eq!((k.klass.as_str(), &k.action), ("order", &KObjectAction::Created));
    assert_eq!((k.object.id.as_str(), k.object.title.as_deref()), (made.id.as_str(), Some("Webhook order")));
    let forged = WebhookReceiver::new().signing_token("not-the-token");
    assert!(matches!(forged.check_kustomer(&delivery.body, &delivery.headers), Err(Error::Unauthenticated { .. })));
}

#[tokio::test]
async fn bulk_create_then_delete_conversations() {
    let (_sim, c) = small().await;
    let customer = a_customer(&c).await;
    let options = BulkOptions { poll_interval: Duration::from_millis(5), ..BulkOptions::default() };
    let bodies: Vec<_> = (0..25)
        .map(|i| json!({ "customer": customer, "name": format!("Imported {i}") }).as_object().cloned().expect("obj"))
        .collect();
    let created = c.bulk(options.clone()).create_conversations(bodies).await.expect("bulk create");
    assert_eq!(created.succeeded().count(), 25, "{:?}", created.items.iter().find(|i| i.id.is_none()));
    let ids: Vec<String> = created.items.iter().filter_map(|i| i.id.clone()).collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 25, "one new conversation per item");
    let fetched = c.tickets().get(&ids[0], false).await.expect("created for real");
    assert_eq!(fetched.subject.as_deref(), Some("Imported 0"));

    let mut doomed = ids.clone();
    doomed.push("5f1a00000000000000ffff99".into()); // no such conversation
    let deleted = c.bulk(options).delete_conversations(&doomed).await.expect("bulk delete");
    assert_eq!(deleted.succeeded().count(), 25);
    assert!(matches!(&deleted.items[25].outcome, BulkOutcome::Failed { .. }), "{:?}", deleted.items[25]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_needing_more_than_100_pages_passes_the_cap_unless_the_caller_sorts() {
    let sim = Simulator::start(SimConfig { conversations: 1000, rate_limit: 1_000_000, ..SimConfig::default() })
        .await
        .expect("sim starts");
    let c = client_with_key(&sim, sim.api_key());
    let tickets: Vec<_> =
        c.stream_tickets(ListQuery::new().include_remote_data(true)).try_collect().await.expect("tickets");
    let open: HashSet<_> = tickets
        .iter()
        .filter(|t| t.remote_data.as_ref().is_some_and(|r| r["attributes"]["status"] == "open"))
        .map(|t| t.id.clone())
        .collect();
    assert!(open.len() > 200, "more than 100 pages of 2: {}", open.len());
    let s = Search::new("conversation").and(Criterion::equals("conversation_status", "open"));
    let found: Vec<_> =
        c.stream_search(s.clone(), ListQuery::new().page_size(2)).try_collect().await.expect("windowed");
    assert_eq!(found.len(), open.len(), "each once");
    assert_eq!(found.iter().map(|o| o.id.clone()).collect::<HashSet<_>>(), open);

    let sorted = s.sort("conversation_created_at", Direction::Desc);
    let walked: Vec<_> = c.stream_search(sorted, ListQuery::new().page_size(2)).collect().await;
    let last = walked.last().expect("something");
    assert!(matches!(last, Err(Error::ProviderLimit { .. })), "{last:?}");
    assert_eq!(walked.len(), 201, "100 pages of 2, then the limit, never page 101");
}
