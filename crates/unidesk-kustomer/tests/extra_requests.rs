//! Issue #15's typed calls over HTTP (wiremock): for every area, the exact requests Kustomer
//! receives (method, path, query, body; the key is checked, never recorded), snapshotted with
//! insta; and what the answers decode to.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use serde_json::{Value, json};
use unidesk_core::{ContactCreate, Error, ListQuery, TicketCreate};
use unidesk_kustomer::extra::audit::AuditQuery;
use unidesk_kustomer::extra::bulk::{BulkOptions, BulkOutcome, ConversationChange};
use unidesk_kustomer::extra::drafts::DraftInput;
use unidesk_kustomer::extra::klasses::{KObjectInput, KlassInput};
use unidesk_kustomer::extra::lookups::NewMessage;
use unidesk_kustomer::extra::notes::NoteUpdate;
use unidesk_kustomer::extra::outbound::{OutboundWebhookCreate, OutboundWebhookUpdate, WebhookHeader};
use unidesk_kustomer::extra::search::{Criterion, Direction, Search};
use unidesk_kustomer::extra::substatuses::{ParentStatus, SubStatusCreate, SubStatusUpdate, ticket_sub_status_id};
use unidesk_kustomer::extra::users::{UserChange, UserInvite};
use unidesk_kustomer::{KustomerClient, RawRequest};
use wiremock::MockServer;

mod support;

use support::http::{list, mount, one};

const KEY: &str = "extra-test-key";
const CONV: &str = "5f1a00000000000000000001";
const CONV2: &str = "5f1a00000000000000000002";
const CONV3: &str = "5f1a00000000000000000003";
const CUSTOMER: &str = "5f1a0000000000000000dd01";
const COMPANY: &str = "5f1a0000000000000000c001";
const NOTE: &str = "5f1a0000000000000000ab09";
const KLASS: &str = "5f1a0000000000000000ee01";
const KOBJ: &str = "5f1a0000000000000000ee11";
const SUB: &str = "5f1a0000000000000000f001";
const HOOK: &str = "5f1a0000000000000000f101";
const DRAFT: &str = "5f1a0000000000000000f201";
const USER: &str = "5f1a0000000000000000bb01";
const USER2: &str = "5f1a0000000000000000bb02";

async fn setup() -> (MockServer, KustomerClient, usize) {
    let server = MockServer::start().await;
    let client = support::http::client(&server, KEY);
    (server, client, 0)
}

macro_rules! snapshot {
    ($name:literal, $server:expr, $from:expr) => {{
        let requests = support::http::requests_since($server, $from, KEY).await;
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!($name, requests);
        });
    }};
}

fn note(body: &str) -> Value {
    json!({ "data": { "type": "note", "id": NOTE, "attributes": { "body": body, "createdAt": "2026-11-01T10:00:00Z" },
        "relationships": { "customer": { "data": { "type": "customer", "id": CUSTOMER } } } } })
}

fn kobject(id: &str, title: &str) -> Value {
    json!({ "data": { "type": "kobject.order", "id": id,
        "attributes": { "title": title, "externalId": "ord-1042", "custom": { "totalNum": 42.5 }, "status": "open",
            "createdAt": "2026-11-01T10:00:00Z", "updatedAt": "2026-11-02T10:00:00Z" },
        "relationships": { "customer": { "data": { "type": "customer", "id": CUSTOMER } },
            "company": { "data": { "type": "company", "id": COMPANY } } } } })
}

#[tokio::test]
async fn notes_update_delete_and_a_customers_notes() {
    let (server, c, mut seen) = setup().await;
    mount(&server, "PATCH", &format!("/v1/notes/{NOTE}"), 200, note("Refund sent.")).await;
    mount(&server, "DELETE", &format!("/v1/notes/{NOTE}"), 204, Value::Null).await;
    mount(&server, "POST", "/v1/notes", 201, note("Called back.")).await;
    mount(&server, "GET", &format!("/v1/customers/{CUSTOMER}/notes"), 200, list(vec![note("a")], None)).await;

    let updated = c
        .update_note(NOTE, &NoteUpdate { body: Some("Refund sent.".into()), user_mentions: Some(vec![USER.into()]) })
        .await
        .expect("update");
    assert_eq!((updated.body.as_deref(), updated.is_private), (Some("Refund sent."), true));
    c.delete_note(NOTE).await.expect("delete");
    c.create_customer_note(CUSTOMER, "Called back.").await.expect("customer note");
    let page = c.customer_notes(CUSTOMER, &ListQuery::new().page_size(25)).await.expect("list");
    assert_eq!(page.items.len(), 1);
    assert!(page.next_cursor.is_none());
    snapshot!("notes", &server, &mut seen);

    let empty = c.update_note(NOTE, &NoteUpdate::default()).await.expect_err("nothing to change");
    assert!(matches!(empty, Error::InvalidInput { .. }));
    assert!(matches!(c.delete_note("../x").await, Err(Error::InvalidInput { .. })));
    assert!(support::http::requests_since(&server, &mut seen, KEY).await.is_empty(), "refused before sending");
}

#[tokio::test]
async fn klasses_and_kobjects() {
    let (server, c, mut seen) = setup().await;
    let klass =
        json!({ "data": { "type": "klass", "id": KLASS, "attributes": { "name": "order", "displayName": "Order" } } });
    mount(&server, "GET", "/v1/klasses", 200, list(vec![klass.clone()], None)).await;
    mount(&server, "POST", "/v1/klasses", 201, klass.clone()).await;
    mount(&server, "GET", &format!("/v1/klasses/{KLASS}"), 200, klass.clone()).await;
    mount(&server, "PUT", &format!("/v1/klasses/{KLASS}"), 200, klass).await;
    mount(&server, "DELETE", &format!("/v1/klasses/{KLASS}"), 204, Value::Null).await;

    let input = KlassInput {
        name: "order".into(),
        display_name: Some("Order".into()),
        metadata: Some(json!({ "properties": { "totalNum": { "displayName": "Total" } } })),
        ..Default::default()
    };
    assert_eq!(c.list_klasses(&ListQuery::new()).await.expect("list").items[0].name.as_deref(), Some("order"));
    c.create_klass(&input).await.expect("create");
    c.get_klass(KLASS).await.expect("get");
    c.update_klass(KLASS, &KlassInput { color: Some("#336699".into()), ..input.clone() }).await.expect("update");
    c.delete_klass(KLASS).await.expect("delete");
    snapshot!("klasses", &server, &mut seen);

    // Two pages of KObjects, streamed behind one cursor.
    let p1 = list(vec![kobject(KOBJ, "Order 1042")], Some("/v1/klasses/order?page=2&pageSize=1"));
    let p2 = list(vec![kobject("5f1a0000000000000000ee12", "Order 1043")], None);
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/v1/klasses/order"))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(p2.to_string()))
        .mount(&server)
        .await;
    mount(&server, "GET", "/v1/klasses/order", 200, p1).await;
    mount(&server, "POST", "/v1/klasses/order", 201, kobject(KOBJ, "Order 1042")).await;
    mount(&server, "GET", &format!("/v1/klasses/order/{KOBJ}"), 200, kobject(KOBJ, "Order 1042")).await;
    mount(&server, "PUT", &format!("/v1/klasses/order/{KOBJ}"), 200, kobject(KOBJ, "Order 1042 (shipped)")).await;
    mount(&server, "DELETE", &format!("/v1/klasses/order/{KOBJ}"), 204, Value::Null).await;
    let of_customer = list(vec![kobject(KOBJ, "Order 1042")], None);
    mount(&server, "GET", &format!("/v1/customers/{CUSTOMER}/klasses/order"), 200, of_customer.clone()).await;
    mount(&server, "GET", &format!("/v1/companies/{COMPANY}/klasses/order"), 200, of_customer).await;

    let orders = c.kobjects("order");
    let all: Vec<_> = orders.stream(ListQuery::new().page_size(1)).try_collect().await.expect("stream");
    assert_eq!(all.iter().map(|k| k.title.as_deref().unwrap_or("")).collect::<Vec<_>>(), ["Order 1042", "Order 1043"]);
    let first = &all[0];
    assert_eq!(first.klass.as_deref(), Some("order"));
    assert_eq!((first.customer_id.as_deref(), first.company_id.as_deref()), (Some(CUSTOMER), Some(COMPANY)));
    assert_eq!(first.custom["totalNum"], json!(42.5));
    let new = KObjectInput {
        title: Some("Order 1042".into()),
        external_id: Some("ord-1042".into()),
        custom: [("totalNum".to_owned(), json!(42.5))].into(),
        customer_id: Some(CUSTOMER.into()),
        company_id: Some(COMPANY.into()),
        ..Default::default()
    };
    orders.create(&new).await.expect("create");
    orders.get(KOBJ).await.expect("get");
    let shipped = KObjectInput { title: Some("Order 1042 (shipped)".into()), ..Default::default() };
    assert_eq!(orders.update(KOBJ, &shipped).await.expect("update").title.as_deref(), Some("Order 1042 (shipped)"));
    orders.delete(KOBJ).await.expect("delete");
    assert_eq!(orders.of_customer(CUSTOMER, &ListQuery::new()).await.expect("customer's").items.len(), 1);
    assert_eq!(orders.of_company(COMPANY, &ListQuery::new()).await.expect("company's").items.len(), 1);
    snapshot!("kobjects", &server, &mut seen);

    // A cursor of one klass is refused by another; a name that is not a path segment is refused.
    let page = orders.list(&ListQuery::new().page_size(1)).await.expect("page");
    let cursor = page.next_cursor.expect("a next page");
    let other = c.kobjects("shipment").list(&ListQuery::new().page_size(1).cursor(cursor)).await;
    assert!(matches!(other, Err(Error::InvalidCursor { .. })), "{other:?}");
    assert!(matches!(c.kobjects("../users").list(&ListQuery::new()).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn sub_statuses_and_a_tickets_sub_status() {
    let (server, c, mut seen) = setup().await;
    let sub = json!({ "data": { "type": "sub_status", "id": SUB,
        "attributes": { "label": "Waiting on warehouse", "description": "Stock check", "parentStatus": "snoozed",
            "resourceType": "conversation" } } });
    let conv = json!({ "data": { "type": "conversation", "id": CONV,
        "attributes": { "status": "snoozed", "subStatus": SUB, "updatedAt": "2026-11-02T10:00:00Z" } } });
    mount(&server, "GET", "/v1/sub-statuses", 200, list(vec![sub.clone()], None)).await;
    mount(&server, "POST", "/v1/sub-statuses", 201, sub.clone()).await;
    mount(&server, "GET", &format!("/v1/sub-statuses/{SUB}"), 200, sub.clone()).await;
    mount(&server, "PUT", &format!("/v1/sub-statuses/{SUB}"), 200, sub).await;
    mount(&server, "DELETE", &format!("/v1/sub-statuses/{SUB}"), 204, Value::Null).await;
    mount(&server, "GET", &format!("/v1/conversations/{CONV}"), 200, conv.clone()).await;
    mount(&server, "PATCH", &format!("/v1/conversations/{CONV}"), 200, conv).await;

    let listed = c.list_sub_statuses(Some("conversation"), &ListQuery::new()).await.expect("list");
    assert_eq!(listed.items[0].parent_status, Some(ParentStatus::Snoozed));
    c.list_sub_statuses(None, &ListQuery::new().page_size(10)).await.expect("list all");
    let create = SubStatusCreate {
        label: "Waiting on warehouse".into(),
        description: "Stock check".into(),
        parent_status: ParentStatus::Snoozed,
        resource_type: "conversation".into(),
    };
    c.create_sub_status(&create).await.expect("create");
    c.get_sub_status(SUB).await.expect("get");
    c.update_sub_status(SUB, &SubStatusUpdate { label: Some("Warehouse".into()), description: None })
        .await
        .expect("update");
    c.delete_sub_status(SUB).await.expect("delete");
    assert_eq!(c.conversation_sub_status(CONV).await.expect("accessor").as_deref(), Some(SUB));
    let ticket = c.set_conversation_sub_status(CONV, Some(SUB)).await.expect("set");
    assert_eq!(ticket_sub_status_id(&ticket), Some(SUB), "read from remote_data");
    snapshot!("sub_statuses", &server, &mut seen);
}

#[tokio::test]
async fn bulk_update_polls_to_completion_and_reports_every_item() {
    let (server, c, mut seen) = setup().await;
    let op = |id: &str, status: &str, done: u64| json!({ "data": { "type": "bulk", "id": id, "attributes": { "status": status, "batches": { "complete": done, "total": 1 } } } });
    const OP1: &str = "5f1a00000000000000b0b001";
    const OP2: &str = "5f1a00000000000000b0b002";
    // Two jobs (chunk of 2): the first is queued, then complete; the second completes at once.
    wiremock::Mock::given(wiremock::matchers::method("PUT"))
        .and(wiremock::matchers::path("/v1/conversations/bulk"))
        .and(wiremock::matchers::body_string_contains(CONV))
        .respond_with(wiremock::ResponseTemplate::new(201).set_body_string(op(OP1, "queued", 0).to_string()))
        .mount(&server)
        .await;
    mount(&server, "PUT", "/v1/conversations/bulk", 201, op(OP2, "complete", 1)).await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(format!("/v1/bulk/{OP1}")))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(op(OP1, "running", 0).to_string()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server, "GET", &format!("/v1/bulk/{OP1}"), 200, op(OP1, "complete", 1)).await;
    let batches1 = json!({ "data": [{ "type": "bulk_batch", "id": "b1", "attributes": { "status": "complete",
        "objectIds": [CONV], "results": [
            { "_clientRef": "i0", "status": "updated", "id": CONV },
            { "_clientRef": "i1", "status": "failed" }],
        "errors": [{ "_clientRef": "i1", "status": 400, "code": "bad_request", "detail": "priority must be 1-5", "retryable": false }] } }] });
    let batches2 = json!({ "data": [{ "type": "bulk_batch", "id": "b2", "attributes": { "status": "complete",
        "objectIds": [CONV3], "results": [{ "_clientRef": "i2", "status": "updated", "id": CONV3 }] } }] });
    mount(&server, "GET", &format!("/v1/bulk/{OP1}/batches"), 200, batches1).await;
    mount(&server, "GET", &format!("/v1/bulk/{OP2}/batches"), 200, batches2).await;

    let change = |id: &str, priority: i64| ConversationChange {
        id: id.into(),
        attributes: [("priority".to_owned(), json!(priority))].into_iter().collect(),
    };
    let options = BulkOptions { chunk: 2, poll_interval: Duration::from_millis(1), ..BulkOptions::default() };
    let report = c
        .bulk(options)
        .update_conversations(vec![change(CONV, 4), change(CONV2, 9), change(CONV3, 2)])
        .await
        .expect("bulk");
    assert_eq!(report.operations, [OP1, OP2]);
    assert_eq!(report.items[0].outcome, BulkOutcome::Succeeded { id: Some(CONV.into()) });
    assert_eq!(report.items[1].outcome, BulkOutcome::Failed { error: "priority must be 1-5".into() });
    assert_eq!(report.items[2].outcome, BulkOutcome::Succeeded { id: Some(CONV3.into()) });
    assert_eq!((report.succeeded().count(), report.failed().count(), report.unknown().count()), (2, 1, 0));
    snapshot!("bulk_update", &server, &mut seen);
}

#[tokio::test]
async fn bulk_create_and_delete_requests() {
    let (server, c, mut seen) = setup().await;
    const OP: &str = "5f1a00000000000000b0b003";
    let op = json!({ "data": { "type": "bulk", "id": OP, "attributes": { "status": "complete" } } });
    mount(&server, "POST", "/v1/conversations/bulk", 201, op.clone()).await;
    mount(&server, "DELETE", "/v1/conversations/bulk", 201, op).await;
    let batches = json!({ "data": [{ "type": "bulk_batch", "id": "b", "attributes": { "status": "complete",
        "objectIds": [CONV], "results": [{ "_clientRef": "i0", "status": "created", "id": CONV }] } }] });
    mount(&server, "GET", &format!("/v1/bulk/{OP}/batches"), 200, batches).await;
    let options = BulkOptions { poll_interval: Duration::from_millis(1), ..BulkOptions::default() };
    let body = json!({ "customer": CUSTOMER, "name": "Imported" }).as_object().cloned().expect("an object");
    let created = c.bulk(options.clone()).create_conversations(vec![body]).await.expect("create");
    assert_eq!(created.items[0].id.as_deref(), Some(CONV));
    let deleted = c.bulk(options).delete_conversations(&[CONV.into(), CONV2.into()]).await.expect("delete");
    assert_eq!(deleted.items[0].outcome, BulkOutcome::Succeeded { id: Some(CONV.into()) });
    assert!(matches!(deleted.items[1].outcome, BulkOutcome::Failed { .. }), "not among the objectIds");
    snapshot!("bulk_create_delete", &server, &mut seen);
}

#[tokio::test]
async fn audit_events_window_type_and_cursor() {
    let (server, c, mut seen) = setup().await;
    let event = |id: &str, name: &str| {
        json!({ "data": { "type": "audit_log", "id": id, "attributes": { "eventName": name, "eventVerb": "update",
            "objectType": "conversation", "objectId": CONV, "createdAt": "2026-11-01T10:00:00Z" },
            "relationships": { "user": { "data": { "type": "user", "id": USER } } } } })
    };
    const A1: &str = "5f1a00000000000000a0d001";
    const A2: &str = "5f1a00000000000000a0d002";
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/v1/audit-logs"))
        .and(wiremock::matchers::query_param("before", A1))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_string(
                list(
                    vec![
                        event(A2, "kustomer.conversation.update"),
                        event("5f1a00000000000000a0d003", "kustomer.conversation.create"),
                    ],
                    None,
                )
                .to_string(),
            ),
        )
        .mount(&server)
        .await;
    let first =
        list(vec![event(A1, "kustomer.conversation.update")], Some(&format!("/v1/audit-logs?count=1&before={A1}")));
    mount(&server, "GET", "/v1/audit-logs", 200, first).await;

    let q = AuditQuery {
        since: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single(),
        until: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).single(),
        object_type: Some("conversation".into()),
        event_names: vec!["kustomer.conversation.update".into()],
        count: Some(1),
        ..AuditQuery::default()
    };
    let all: Vec<_> = c.stream_audit_events(q.clone()).try_collect().await.expect("stream");
    assert_eq!(all.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [A1, A2], "the create event is filtered out");
    assert_eq!(all[0].user_id.as_deref(), Some(USER));
    snapshot!("audit_events", &server, &mut seen);
    assert!(matches!(c.audit_events(&AuditQuery { count: Some(0), ..q }).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn outbound_webhooks_keep_the_token_secret() {
    let (server, c, mut seen) = setup().await;
    let hook = |token: Option<&str>| {
        let mut attrs = json!({ "name": "Sync", "url": "https://hooks.example.com/k", "enabled": true,
            "events": ["kustomer.conversation.update", "kustomer.kobject.order.create"],
            "headers": [{ "name": "X-Secret", "value": "hdr-secret-value" }] });
        if let Some(t) = token {
            attrs["token"] = json!(t);
        }
        one("outbound_webhook", HOOK, attrs)
    };
    mount(&server, "GET", "/v1/outbound-webhooks", 200, list(vec![hook(None)], None)).await;
    mount(&server, "POST", "/v1/outbound-webhooks", 201, hook(Some("signing-token-shown-once"))).await;
    mount(&server, "GET", &format!("/v1/outbound-webhooks/{HOOK}"), 200, hook(None)).await;
    mount(&server, "PUT", &format!("/v1/outbound-webhooks/{HOOK}"), 200, hook(None)).await;
    mount(&server, "DELETE", &format!("/v1/outbound-webhooks/{HOOK}"), 204, Value::Null).await;

    assert_eq!(c.list_outbound_webhooks(&ListQuery::new()).await.expect("list").items[0].events.len(), 2);
    let created = c
        .create_outbound_webhook(&OutboundWebhookCreate {
            name: "Sync".into(),
            url: "https://hooks.example.com/k".into(),
            events: vec!["kustomer.conversation.update".into(), "kustomer.kobject.order.create".into()],
            headers: vec![WebhookHeader { name: "X-Secret".into(), value: "hdr-secret-value".into() }],
        })
        .await
        .expect("create");
    let token = created.token.as_ref().expect("the token, once");
    assert_eq!(secrecy::ExposeSecret::expose_secret(token), "signing-token-shown-once");
    let shown = format!("{created:?}");
    assert!(!shown.contains("signing-token-shown-once") && !shown.contains("hdr-secret-value"), "{shown}");
    assert!(!serde_json::to_string(&created.webhook).expect("json").contains("signing-token"));
    c.get_outbound_webhook(HOOK).await.expect("get");
    let off = OutboundWebhookUpdate { enabled: Some(false), ..Default::default() };
    c.update_outbound_webhook(HOOK, &off).await.expect("update");
    c.delete_outbound_webhook(HOOK).await.expect("delete");
    snapshot!("outbound_webhooks", &server, &mut seen);

    let http = OutboundWebhookCreate {
        name: "x".into(),
        url: "http://plain.example".into(),
        events: vec!["kustomer.conversation.update".into()],
        headers: vec![],
    };
    assert!(matches!(c.create_outbound_webhook(&http).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn lookups_full_replacements_users_and_messages() {
    let (server, c, mut seen) = setup().await;
    let customer = one("customer", CUSTOMER, json!({ "name": "Ana", "phones": [{ "phone": "+5511999990000" }] }));
    let conv = one("conversation", CONV, json!({ "name": "Damaged", "status": "open" }));
    let user = |id: &str| one("user", id, json!({ "name": "Bo", "email": "bo@example.com" }));
    mount(&server, "GET", "/v1/customers/phone=%2B5511999990000", 200, customer.clone()).await;
    mount(&server, "PUT", &format!("/v1/customers/{CUSTOMER}"), 200, customer).await;
    mount(&server, "PUT", &format!("/v1/conversations/{CONV}"), 200, conv.clone()).await;
    mount(&server, "POST", &format!("/v1/customers/{CUSTOMER}/conversations"), 201, conv).await;
    let msg =
        one("message", "5f1a0000000000000000ac01", json!({ "channel": "chat", "direction": "in", "preview": "Hi" }));
    mount(&server, "POST", "/v1/messages", 201, msg).await;
    mount(&server, "GET", &format!("/v1/users/{USER},{USER2}"), 200, list(vec![user(USER), user(USER2)], None)).await;
    mount(&server, "POST", "/v1/users", 201, user(USER)).await;
    mount(&server, "PUT", &format!("/v1/users/{USER}"), 200, user(USER)).await;

    assert_eq!(c.find_customer_by_phone("+5511999990000").await.expect("by phone").id, CUSTOMER);
    let full =
        ContactCreate { name: Some("Ana Souza".into()), email: Some("ana@example.com".into()), ..Default::default() };
    c.replace_customer(CUSTOMER, &full).await.expect("PUT customer");
    let ticket = TicketCreate { contact_id: CUSTOMER.into(), subject: Some("Damaged".into()), ..Default::default() };
    c.replace_conversation(CONV, &ticket).await.expect("PUT conversation");
    c.create_customer_conversation(&ticket).await.expect("conversation for the customer");
    let message = NewMessage {
        conversation_id: Some(CONV.into()),
        customer_id: CUSTOMER.into(),
        channel: "chat".into(),
        app: None,
        direction: "in".into(),
        body: "Hi".into(),
        subject: None,
        meta: Default::default(),
    };
    c.create_message(&message).await.expect("message");
    assert_eq!(c.get_users(&[USER.into(), USER2.into()]).await.expect("many").len(), 2);
    let invite = UserInvite {
        name: "Bo".into(),
        email: "bo@example.com".into(),
        display_name: Some("Bo".into()),
        role_groups: vec![],
    };
    c.invite_user(&invite).await.expect("invite");
    c.update_user(USER, &UserChange { display_name: Some("Bo B.".into()), ..Default::default() })
        .await
        .expect("update");
    snapshot!("lookups_replacements_users_messages", &server, &mut seen);

    assert!(matches!(c.get_users(&[]).await, Err(Error::InvalidInput { .. })));
    let bad = NewMessage { direction: "sideways".into(), ..message };
    assert!(matches!(c.create_message(&bad).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn search_builder_windows_on_updated_at() {
    let (server, c, mut seen) = setup().await;
    let conv = |id: &str, at: &str| one("conversation", id, json!({ "status": "open", "updatedAt": at }));
    // Page 1 ends at t2 with more to come; the next query opens a window at t2 and drops CONV2.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/v1/customers/search"))
        .and(wiremock::matchers::body_string_contains("gte"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(
            list(vec![conv(CONV2, "2026-11-02T00:00:00Z"), conv(CONV3, "2026-11-03T00:00:00Z")], None).to_string(),
        ))
        .mount(&server)
        .await;
    let first = list(
        vec![conv(CONV, "2026-11-01T00:00:00Z"), conv(CONV2, "2026-11-02T00:00:00Z")],
        Some("/v1/customers/search?page=2&pageSize=2"),
    );
    mount(&server, "POST", "/v1/customers/search", 200, first).await;

    let s = Search::new("conversation")
        .and(Criterion::equals("conversation_status", "open"))
        .or(Criterion::contains("conversation_name", "refund"))
        .not(Criterion::not_set("conversation_assigned_users"))
        .include_deleted(true);
    let all: Vec<_> = c.stream_search(s, ListQuery::new().page_size(2)).try_collect().await.expect("search");
    assert_eq!(all.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), [CONV, CONV2, CONV3], "each once");
    snapshot!("search_windowed", &server, &mut seen);

    let sorted = Search::new("customer").sort("customer_name", Direction::Desc);
    c.search(&sorted, &ListQuery::new()).await.expect("one page with the caller's sort");
    snapshot!("search_sorted", &server, &mut seen);
}

#[tokio::test]
async fn raw_passthrough_requests() {
    let (server, c, mut seen) = setup().await;
    mount(&server, "GET", "/v1/klasses/order", 200, list(vec![kobject(KOBJ, "Order")], None)).await;
    mount(&server, "POST", "/v1/klasses/order", 201, kobject(KOBJ, "Order")).await;
    let get = RawRequest {
        method: reqwest::Method::GET,
        path: "/v1/klasses/order".into(),
        query: vec![("pageSize".into(), "5".into())],
        body: None,
    };
    assert_eq!(c.raw(get).await.expect("get").status, 200);
    let post = RawRequest {
        method: reqwest::Method::POST,
        path: "/v1/klasses/order".into(),
        query: vec![],
        body: Some(json!({ "title": "Order" })),
    };
    assert_eq!(c.raw(post).await.expect("post").json["data"]["id"], KOBJ);
    snapshot!("raw_passthrough", &server, &mut seen);
}

#[tokio::test]
async fn reply_drafts() {
    let (server, c, mut seen) = setup().await;
    let draft = json!({ "data": { "type": "draft", "id": DRAFT,
        "attributes": { "channel": "email", "body": "Here is your refund.", "subject": "Re: Damaged", "to": ["ana@example.com"],
            "status": "scheduled", "sendAt": "2026-12-01T09:00:00.000Z" },
        "relationships": { "conversation": { "data": { "type": "conversation", "id": CONV } },
            "customer": { "data": { "type": "customer", "id": CUSTOMER } } } } });
    mount(&server, "GET", &format!("/v1/conversations/{CONV}/drafts"), 200, list(vec![draft.clone()], None)).await;
    mount(&server, "GET", &format!("/v1/customers/{CUSTOMER}/drafts"), 200, list(vec![draft.clone()], None)).await;
    mount(&server, "POST", &format!("/v1/customers/{CUSTOMER}/drafts"), 201, draft.clone()).await;
    mount(&server, "GET", &format!("/v1/drafts/{DRAFT}"), 200, draft.clone()).await;
    mount(&server, "PUT", &format!("/v1/drafts/{DRAFT}"), 200, draft).await;
    mount(&server, "DELETE", &format!("/v1/drafts/{DRAFT}"), 204, Value::Null).await;

    let listed = c.list_drafts(CONV, &ListQuery::new()).await.expect("list");
    let d = &listed.items[0];
    assert_eq!((d.conversation_id.as_deref(), d.to.as_slice()), (Some(CONV), &["ana@example.com".to_owned()][..]));
    assert!(d.send_at.is_some());
    c.list_customer_drafts(CUSTOMER, &ListQuery::new()).await.expect("customer's");
    let proposal = DraftInput {
        conversation_id: Some(CONV.into()),
        channel: Some("email".into()),
        body: Some("Here is your refund.".into()),
        subject: Some("Re: Damaged".into()),
        to: Some(vec!["ana@example.com".into()]),
        send_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single(),
        ..Default::default()
    };
    c.create_draft(CUSTOMER, &proposal).await.expect("create");
    c.get_draft(DRAFT).await.expect("get");
    c.update_draft(DRAFT, &DraftInput { body: Some("Refund sent today.".into()), ..Default::default() })
        .await
        .expect("update");
    c.delete_draft(DRAFT).await.expect("delete");
    snapshot!("drafts", &server, &mut seen);
    assert!(matches!(c.create_draft(CUSTOMER, &DraftInput::default()).await, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn a_job_whose_status_cannot_be_read_leaves_its_items_unknown_and_is_never_resubmitted() {
    let (server, c, mut seen) = setup().await;
    const OP: &str = "5f1a00000000000000b0b004";
    let op = json!({ "data": { "type": "bulk", "id": OP, "attributes": { "status": "queued" } } });
    mount(&server, "PUT", "/v1/conversations/bulk", 201, op).await;
    mount(&server, "GET", &format!("/v1/bulk/{OP}"), 503, json!({ "errors": [{ "code": "unavailable" }] })).await;
    let options = BulkOptions { poll_interval: Duration::from_millis(1), resubmit_failed: 3, ..BulkOptions::default() };
    let change = ConversationChange {
        id: CONV.into(),
        attributes: json!({ "status": "done" }).as_object().cloned().expect("o"),
    };
    let report = c.bulk(options).update_conversations(vec![change]).await.expect("the run ends with a report");
    assert!(
        matches!(&report.items[0].outcome, BulkOutcome::Unknown { reason } if reason.contains("status unreadable"))
    );
    let requests = support::http::requests_since(&server, &mut seen, KEY).await;
    let submits = requests.iter().filter(|r| r["method"] == "PUT").count();
    assert_eq!(submits, 1, "a queued job is never submitted again");
}
