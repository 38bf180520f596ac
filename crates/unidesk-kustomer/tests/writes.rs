//! The write path over HTTP (wiremock): the exact JSON Kustomer receives for
//! every write, snapshotted with insta; validation errors with field details;
//! a 429 on a write retried once, with nothing duplicated.

use serde_json::{Value, json};
use unidesk_core::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, Error, Helpdesk, Priority, TicketCreate,
    TicketStatus, TicketUpdate,
};
use unidesk_kustomer::KustomerClient;
mod support;

use support::http::fixture;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONV: &str = "5f1a00000000000000000001";
const CUSTOMER: &str = "5f1a0000000000000000dd01";
const COMPANY: &str = "5f1a0000000000000000c001";

fn client(server: &MockServer) -> KustomerClient {
    support::http::client(server, "write-test-key")
}

async fn respond(server: &MockServer, verb: &str, p: &str, status: u16, body: String) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(ResponseTemplate::new(status).set_body_string(body))
        .mount(server)
        .await;
}

/// Every request received since `from`, as `{method, path, query, body}`.
async fn requests_since(server: &MockServer, from: &mut usize) -> Vec<Value> {
    support::http::requests_since(server, from, "write-test-key").await
}

macro_rules! snapshot {
    ($name:literal, $server:expr, $from:expr) => {{
        let requests = requests_since($server, $from).await;
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!($name, requests);
        });
    }};
}

async fn mount_kustomer(server: &MockServer) {
    let conv = fixture("conversation_open_full.json");
    let customer = fixture("customer_full.json");
    let company = fixture("company_with_domains.json");
    respond(server, "POST", "/v1/conversations", 201, conv.clone()).await;
    respond(server, "GET", &format!("/v1/conversations/{CONV}"), 200, conv.clone()).await;
    respond(server, "PATCH", &format!("/v1/conversations/{CONV}"), 200, conv.clone()).await;
    respond(server, "DELETE", &format!("/v1/conversations/{CONV}"), 204, String::new()).await;
    respond(server, "POST", &format!("/v1/conversations/{CONV}/tags"), 200, conv.clone()).await;
    respond(server, "DELETE", &format!("/v1/conversations/{CONV}/tags"), 200, conv).await;
    respond(server, "POST", &format!("/v1/conversations/{CONV}/messages"), 201, fixture("message_outbound_chat.json"))
        .await;
    let note = r#"{"data":{"type":"note","id":"5f1a0000000000000000ab09","attributes":{"body":"Refund approved.","createdAt":"2024-05-03T10:05:00Z"},"relationships":{"conversation":{"data":{"type":"conversation","id":"5f1a00000000000000000001"}}}}}"#;
    respond(server, "POST", &format!("/v1/conversations/{CONV}/notes"), 201, note.into()).await;
    respond(server, "POST", "/v1/customers", 201, customer.clone()).await;
    respond(server, "PATCH", &format!("/v1/customers/{CUSTOMER}"), 200, customer.clone()).await;
    respond(server, "DELETE", &format!("/v1/customers/{CUSTOMER}"), 204, String::new()).await;
    respond(server, "GET", "/v1/customers/email=ana%40example.com", 200, customer.clone()).await;
    respond(server, "GET", "/v1/customers/externalId=crm-7781", 200, customer).await;
    respond(server, "POST", "/v1/companies", 201, company.clone()).await;
    respond(server, "PUT", &format!("/v1/companies/{COMPANY}"), 200, company).await;
}

#[tokio::test]
async fn every_write_sends_the_documented_body() {
    let server = MockServer::start().await;
    mount_kustomer(&server).await;
    let c = client(&server);
    let desk: &dyn Helpdesk = &c;
    let mut seen = 0;

    let created = desk
        .tickets()
        .create(&TicketCreate {
            contact_id: CUSTOMER.into(),
            subject: Some("Order #1042 arrived damaged".into()),
            description: Some("ignored: Kustomer conversations have no description".into()),
            status: Some(TicketStatus::Open),
            priority: Some(Priority::High),
            assignee_ids: vec!["5f1a0000000000000000bb01".into()],
            team_ids: vec!["5f1a0000000000000000cc01".into()],
            tag_ids: vec!["5f1a0000000000000000aa01".into()],
            custom_fields: [("orderNum".to_owned(), json!(1042)), ("refundBool".to_owned(), json!(false))].into(),
        })
        .await
        .expect("create");
    assert_eq!(created.id, CONV, "the created ticket is mapped like a read");
    snapshot!("ticket_create", &server, &mut seen);

    let patch = TicketUpdate {
        status: Some(TicketStatus::OnHold),
        priority: Some(Priority::Urgent),
        assignee_ids: Some(vec![]),
        custom_fields: Some([("refundBool".to_owned(), json!(true))].into()),
        ..Default::default()
    };
    desk.tickets().update(CONV, &patch).await.expect("patch");
    snapshot!("ticket_update_patch_only_given_fields", &server, &mut seen);

    let close = TicketUpdate { status: Some(TicketStatus::Closed), ..Default::default() };
    desk.tickets().update(CONV, &close).await.expect("close");
    let reopen = TicketUpdate { status: Some(TicketStatus::Open), ..Default::default() };
    desk.tickets().update(CONV, &reopen).await.expect("reopen");
    snapshot!("ticket_close_then_reopen", &server, &mut seen);

    let tags = ["5f1a0000000000000000aa02".to_owned()];
    desk.tickets().add_tags(CONV, &tags).await.expect("add tags");
    desk.tickets().remove_tags(CONV, &tags).await.expect("remove tags");
    snapshot!("ticket_add_then_remove_tags", &server, &mut seen);

    desk.tickets().delete(CONV).await.expect("delete");
    snapshot!("ticket_delete", &server, &mut seen);

    let reply = desk
        .comments()
        .create(&CommentCreate {
            ticket_id: CONV.into(),
            body: "Sorry about that! A replacement is on its way.".into(),
            html_body: Some("<p>Sorry about that! A replacement is on its way.</p>".into()),
            is_private: false,
            channel: Some("email".into()),
            author_user_id: None,
            attachments: Vec::new(),
        })
        .await
        .expect("reply");
    assert!(!reply.is_private);
    snapshot!("comment_public_reply_email", &server, &mut seen);

    let reply = CommentCreate { ticket_id: CONV.into(), body: "On it.".into(), ..Default::default() };
    desk.comments().create(&reply).await.expect("reply on the ticket's channel");
    snapshot!("comment_public_reply_channel_from_ticket", &server, &mut seen);

    let note = CommentCreate {
        ticket_id: CONV.into(),
        body: "Refund approved.".into(),
        is_private: true,
        author_user_id: Some("5f1a0000000000000000bb02".into()),
        ..Default::default()
    };
    let n = desk.comments().create(&note).await.expect("note");
    assert!(n.is_private);
    assert_eq!(n.ticket_id.as_deref(), Some(CONV));
    snapshot!("comment_private_note", &server, &mut seen);

    desk.contacts()
        .create(&ContactCreate {
            name: Some("Ana Souza".into()),
            email: Some("ana@example.com".into()),
            emails: vec!["ana.souza@corp.example".into()],
            phone: Some("+5511999990000".into()),
            phones: vec![],
            account_id: Some(COMPANY.into()),
            external_id: Some("crm-7781".into()),
            tag_ids: vec!["5f1a0000000000000000aa01".into()],
            custom_fields: [("tierStr".to_owned(), json!("gold"))].into(),
        })
        .await
        .expect("contact create");
    snapshot!("contact_create", &server, &mut seen);

    let patch =
        ContactUpdate { name: Some("Ana S. Souza".into()), external_id: Some("crm-7782".into()), ..Default::default() };
    desk.contacts().update(CUSTOMER, &patch).await.expect("contact patch");
    snapshot!("contact_update_patch_only_given_fields", &server, &mut seen);

    desk.contacts().delete(CUSTOMER).await.expect("contact delete");
    snapshot!("contact_delete", &server, &mut seen);

    let by_email = desk.contacts().find_by_email("ana@example.com").await.expect("by email");
    let by_ext = desk.contacts().find_by_external_id("crm-7781").await.expect("by external id");
    assert_eq!(by_email.id, by_ext.id);
    snapshot!("contact_lookups", &server, &mut seen);

    desk.accounts()
        .create(&AccountCreate {
            name: "Acme Corp".into(),
            domains: vec!["acme.example".into()],
            external_id: Some("acct-11".into()),
            custom_fields: [("seatsNum".to_owned(), json!(250))].into(),
        })
        .await
        .expect("account create");
    snapshot!("account_create", &server, &mut seen);

    let patch =
        AccountUpdate { domains: Some(vec!["acme.example".into(), "acme.example.org".into()]), ..Default::default() };
    desk.accounts().update(COMPANY, &patch).await.expect("account patch");
    snapshot!("account_update_patch_only_given_fields", &server, &mut seen);
}

#[tokio::test]
async fn invalid_writes_fail_before_any_request() {
    let server = MockServer::start().await;
    let c = client(&server);
    let bad_status = TicketUpdate { status: Some(TicketStatus::Unknown("escalated".into())), ..Default::default() };
    match c.tickets().update(CONV, &bad_status).await {
        Err(Error::Validation { field_errors, .. }) => assert_eq!(field_errors[0].field.as_deref(), Some("status")),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let pending =
        TicketCreate { contact_id: CUSTOMER.into(), status: Some(TicketStatus::Pending), ..Default::default() };
    assert!(matches!(c.tickets().create(&pending).await, Err(Error::Validation { .. })));
    let bad_priority = TicketUpdate { priority: Some(Priority::Unknown("p0".into())), ..Default::default() };
    assert!(matches!(c.tickets().update(CONV, &bad_priority).await, Err(Error::Validation { .. })));
    assert!(matches!(c.tickets().delete("../orgs").await, Err(Error::InvalidInput { .. })));
    let empty = CommentCreate { ticket_id: CONV.into(), body: "  ".into(), ..Default::default() };
    assert!(matches!(c.comments().create(&empty).await, Err(Error::Validation { .. })));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0), "nothing was sent");
}

#[tokio::test]
async fn validation_errors_from_kustomer_keep_their_field_details() {
    let server = MockServer::start().await;
    let body = json!({"errors": [
        {"status": 422, "code": "invalid", "title": "Invalid attribute", "detail": "must be a valid email", "source": {"pointer": "/emails/0/email"}},
        {"status": 422, "code": "invalid", "title": "Invalid attribute", "detail": "is too long", "source": {"pointer": "/name"}}
    ]});
    respond(&server, "POST", "/v1/customers", 422, body.to_string()).await;
    let input = ContactCreate { name: Some("x".repeat(300)), email: Some("not-an-email".into()), ..Default::default() };
    match client(&server).contacts().create(&input).await {
        Err(Error::Validation { message, field_errors }) => {
            assert!(!message.is_empty());
            let fields: Vec<_> = field_errors.iter().map(|f| (f.field.as_deref(), f.message.as_str())).collect();
            assert_eq!(fields, [(Some("/emails/0/email"), "must be a valid email"), (Some("/name"), "is too long")]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1), "a 422 is not retried");
}

#[tokio::test]
async fn a_429_on_a_write_is_retried_once_safe_and_nothing_is_duplicated() {
    let server = MockServer::start().await;
    let messages = format!("/v1/conversations/{CONV}/messages");
    Mock::given(method("POST"))
        .and(path(messages.as_str()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-object-limit", "120")
                .insert_header("x-ratelimit-object-remaining", "0")
                .insert_header("x-ratelimit-object-reset", "0.05")
                .set_body_string(r#"{"errors":[{"code":"too_many_requests","message":"object rate limit"}]}"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    respond(&server, "POST", &messages, 201, fixture("message_outbound_chat.json")).await;
    let input = CommentCreate {
        ticket_id: CONV.into(),
        body: "hello".into(),
        channel: Some("chat".into()),
        ..Default::default()
    };
    let comment = client(&server).comments().create(&input).await.expect("the retry succeeds");
    assert_eq!(comment.id, "5f1a0000000000000000ee02");
    let posts = server.received_requests().await.unwrap_or_default();
    assert_eq!(posts.len(), 2, "one rejected attempt, one accepted: the message exists once");
    assert_eq!(posts[0].body, posts[1].body, "the retry sends the same body");
}

#[tokio::test]
async fn a_5xx_on_a_reply_is_not_resent() {
    let server = MockServer::start().await;
    respond(&server, "POST", &format!("/v1/conversations/{CONV}/messages"), 503, "unavailable".into()).await;
    let input = CommentCreate {
        ticket_id: CONV.into(),
        body: "hello".into(),
        channel: Some("chat".into()),
        ..Default::default()
    };
    assert!(matches!(client(&server).comments().create(&input).await, Err(Error::Upstream { status: 503, .. })));
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(1),
        "the reply may have been posted: never twice"
    );
}
