//! The write path over HTTP (wiremock): every request each write sends (method, path, query,
//! headers without the secret, body) snapshotted with insta; validation errors with field
//! details; a 429 on a create retried after `Retry-After`, a 503 on a create never re-sent;
//! the token never in an error.

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{Value, json};
use unidesk_core::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, Error, Helpdesk, Priority, TicketCreate,
    TicketStatus, TicketUpdate,
};
use unidesk_zendesk::ZendeskClient;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EMAIL: &str = "agent@acme.example";
const TOKEN: &str = "zd-write-test-token-123";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("../../fixtures/zendesk/{name}")).expect("fixture")
}

fn client(server: &MockServer) -> ZendeskClient {
    ZendeskClient::builder()
        .base_url(server.uri())
        .api_token(EMAIL, TOKEN)
        .retry(unidesk_zendesk::RetryConfig {
            max_retries: 3,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
            ..Default::default()
        })
        .build()
        .expect("client")
}

async fn respond(server: &MockServer, verb: &str, p: &str, status: u16, body: String) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(
            ResponseTemplate::new(status).set_body_string(body).insert_header("content-type", "application/json"),
        )
        .mount(server)
        .await;
}

/// Every request received since `from`, as `{method, path, query, headers, body}`; the
/// `Authorization` header is checked, then shown without its secret.
async fn requests_since(server: &MockServer, from: &mut usize) -> Vec<Value> {
    let all = server.received_requests().await.unwrap_or_default();
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}/token:{TOKEN}")));
    let new: Vec<Value> = all[*from..]
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok());
            assert_eq!(auth, Some(basic.as_str()), "every request carries the API token as Basic {{email}}/token");
            let mut headers = BTreeMap::new();
            headers.insert("authorization".to_owned(), "Basic <email/token:TOKEN>".to_owned());
            if let Some(k) = r.headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
                assert!(k.starts_with("unidesk-") && k.len() == 40, "{k}");
                headers.insert("idempotency-key".to_owned(), "unidesk-<random>".to_owned());
            }
            for h in ["accept", "content-type"] {
                if let Some(v) = r.headers.get(h).and_then(|v| v.to_str().ok()) {
                    headers.insert(h.to_owned(), v.to_owned());
                }
            }
            let query: BTreeMap<String, String> = r.url.query_pairs().into_owned().collect();
            let json_body = headers.get("content-type").is_some_and(|c| c.starts_with("application/json"));
            let body = if r.body.is_empty() {
                Value::Null
            } else if json_body {
                serde_json::from_slice(&r.body).expect("JSON bodies")
            } else {
                json!({ "raw": String::from_utf8_lossy(&r.body) })
            };
            json!({ "method": r.method.as_str(), "path": r.url.path(), "query": query, "headers": headers, "body": body })
        })
        .collect();
    *from = all.len();
    new
}

macro_rules! snapshot {
    ($name:literal, $server:expr, $from:expr) => {{
        let requests = requests_since($server, $from).await;
        insta::with_settings!({ sort_maps => true }, {
            insta::assert_json_snapshot!($name, requests);
        });
    }};
}

async fn mount(server: &MockServer) {
    let ticket = fixture("ticket_open_full.json");
    let with_audit = {
        let mut v: Value = serde_json::from_str(&ticket).expect("json");
        v["audit"] =
            json!({"id": 9001, "ticket_id": 35436, "events": [{"id": 1275, "type": "Comment", "public": false}]});
        v.to_string()
    };
    respond(server, "POST", "/api/v2/tickets.json", 201, with_audit.clone()).await;
    respond(server, "GET", "/api/v2/tickets/35436.json", 200, ticket).await;
    respond(server, "PUT", "/api/v2/tickets/35436.json", 200, with_audit).await;
    respond(server, "DELETE", "/api/v2/tickets/35436.json", 204, String::new()).await;
    let tags = json!({"tags": ["enterprise", "colis_perdu", "urgence-été"]}).to_string();
    respond(server, "PUT", "/api/v2/tickets/35436/tags.json", 200, tags.clone()).await;
    respond(server, "DELETE", "/api/v2/tickets/35436/tags.json", 200, tags).await;
    respond(server, "GET", "/api/v2/tickets/35436/comments.json", 200, fixture("comments_page_with_users.json")).await;
    respond(
        server,
        "POST",
        "/api/v2/uploads.json",
        201,
        json!({"upload": {"token": "up-token-1", "attachments": []}}).to_string(),
    )
    .await;
    let users: Value = serde_json::from_str(&fixture("users_page_mixed_roles.json")).expect("json");
    let jo = json!({ "user": users["users"][0] }).to_string();
    respond(server, "POST", "/api/v2/users.json", 201, jo.clone()).await;
    respond(server, "GET", "/api/v2/users/20978392.json", 200, jo.clone()).await;
    respond(server, "PUT", "/api/v2/users/20978392.json", 200, jo.clone()).await;
    respond(server, "DELETE", "/api/v2/users/20978392.json", 200, jo).await;
    let org = fixture("organization_full.json");
    respond(server, "POST", "/api/v2/organizations.json", 201, org.clone()).await;
    respond(server, "GET", "/api/v2/organizations/509974.json", 200, org.clone()).await;
    respond(server, "PUT", "/api/v2/organizations/509974.json", 200, org).await;
    respond(server, "DELETE", "/api/v2/organizations/509974.json", 204, String::new()).await;
}

#[tokio::test]
async fn every_write_sends_exactly_this() {
    let server = MockServer::start().await;
    mount(&server).await;
    let desk = client(&server);
    let mut from = 0;

    let created = desk
        .tickets()
        .create(&TicketCreate {
            contact_id: "20978392".into(),
            subject: Some("Réclamation: colis 📦 perdu".into()),
            description: Some("My parcel never arrived.".into()),
            status: Some(TicketStatus::Pending),
            priority: Some(Priority::High),
            assignee_ids: vec!["235323".into()],
            team_ids: vec!["98738".into()],
            tag_ids: vec!["enterprise".into(), "enterprise".into(), "urgence-été".into()],
            custom_fields: [("27642".to_owned(), json!("745")), ("27650".to_owned(), json!(true))].into(),
        })
        .await
        .expect("create");
    assert_eq!(created.id, "35436");
    snapshot!("ticket_create", &server, &mut from);

    let patch = TicketUpdate {
        subject: Some("New subject".into()),
        status: Some(TicketStatus::OnHold),
        priority: Some(Priority::Urgent),
        assignee_ids: Some(vec![]),
        team_ids: Some(vec!["98738".into()]),
        custom_fields: Some([("27648".to_owned(), json!(["yes"]))].into()),
    };
    desk.tickets().update("35436", &patch).await.expect("update");
    snapshot!("ticket_update", &server, &mut from);

    desk.tickets()
        .update("35436", &TicketUpdate { status: Some(TicketStatus::Closed), ..Default::default() })
        .await
        .expect("close");
    snapshot!("ticket_close_is_solved", &server, &mut from);

    desk.tickets().update("35436", &TicketUpdate::default()).await.expect("empty patch");
    snapshot!("ticket_empty_patch_only_reads", &server, &mut from);

    desk.tickets().add_tags("35436", &["vip".into(), "vip".into(), "été".into()]).await.expect("add tags");
    snapshot!("ticket_add_tags", &server, &mut from);
    desk.tickets().remove_tags("35436", &["vip".into()]).await.expect("remove tags");
    snapshot!("ticket_remove_tags", &server, &mut from);
    desk.tickets().delete("35436").await.expect("delete");
    snapshot!("ticket_delete", &server, &mut from);

    let note = desk
        .comments()
        .create(&CommentCreate {
            ticket_id: "35436".into(),
            body: "Checked with the carrier, asap.".into(),
            is_private: true,
            author_user_id: Some("235323".into()),
            ..Default::default()
        })
        .await
        .expect("note");
    assert_eq!((note.id.as_str(), note.is_private), ("1275", true), "the audit's comment, read back");
    snapshot!("comment_note", &server, &mut from);
    desk.comments()
        .create(&CommentCreate {
            ticket_id: "35436".into(),
            body: "Hello".into(),
            html_body: Some("<p>Hello</p>".into()),
            ..Default::default()
        })
        .await
        .expect("reply");
    snapshot!("comment_reply", &server, &mut from);
    desk.comments()
        .create(&CommentCreate {
            ticket_id: "35436".into(),
            body: "Two files".into(),
            attachments: vec![
                unidesk_core::AttachmentUpload {
                    file_name: "a.txt".into(),
                    content_type: "text/plain".into(),
                    bytes: b"first".to_vec(),
                },
                unidesk_core::AttachmentUpload {
                    file_name: "b.csv".into(),
                    content_type: "text/csv".into(),
                    bytes: b"x,y".to_vec(),
                },
            ],
            ..Default::default()
        })
        .await
        .expect("reply with files");
    snapshot!("comment_with_uploads", &server, &mut from);

    desk.contacts()
        .create(&ContactCreate {
            name: Some("Jo Ünïcode".into()),
            email: Some("jo@example.com".into()),
            emails: vec!["jo@example.com".into(), "jo.other@example.com".into()],
            phone: Some("+33123456789".into()),
            account_id: Some("509974".into()),
            external_id: Some("crm-jo".into()),
            tag_ids: vec!["vip".into()],
            custom_fields: [("plan".to_owned(), json!("gold"))].into(),
            ..Default::default()
        })
        .await
        .expect("contact create");
    snapshot!("contact_create", &server, &mut from);
    desk.contacts()
        .update(
            "20978392",
            &ContactUpdate {
                name: Some("Jo".into()),
                emails: Some(vec!["new@example.com".into()]),
                account_id: Some(String::new()),
                ..Default::default()
            },
        )
        .await
        .expect("contact update");
    snapshot!("contact_update", &server, &mut from);
    desk.contacts().delete("20978392").await.expect("contact delete");
    snapshot!("contact_delete", &server, &mut from);

    desk.accounts()
        .create(&AccountCreate {
            name: "Société Générale de Colis".into(),
            domains: vec!["colis.example".into(), "colis.example".into()],
            external_id: Some("crm-org-1".into()),
            custom_fields: [("tier".to_owned(), json!("gold"))].into(),
        })
        .await
        .expect("account create");
    snapshot!("account_create", &server, &mut from);
    desk.accounts()
        .update("509974", &AccountUpdate { domains: Some(vec!["paquets.example".into()]), ..Default::default() })
        .await
        .expect("account update");
    snapshot!("account_update", &server, &mut from);
    desk.accounts().delete("509974").await.expect("account delete");
    snapshot!("account_delete", &server, &mut from);
}

#[tokio::test]
async fn writes_refused_before_sending() {
    let server = MockServer::start().await;
    let desk = client(&server);
    let bad_status = TicketUpdate { status: Some(TicketStatus::Unknown("triage".into())), ..Default::default() };
    let e = desk.tickets().update("1", &bad_status).await.expect_err("no such status");
    assert!(
        matches!(&e, Error::Validation { field_errors, .. } if field_errors[0].field.as_deref() == Some("status")),
        "{e:?}"
    );
    let two = TicketUpdate { assignee_ids: Some(vec!["1".into(), "2".into()]), ..Default::default() };
    assert!(matches!(desk.tickets().update("1", &two).await, Err(Error::Validation { .. })));
    let empty = CommentCreate { ticket_id: "1".into(), body: "  ".into(), ..Default::default() };
    assert!(matches!(desk.comments().create(&empty).await, Err(Error::Validation { .. })));
    assert!(matches!(desk.tickets().delete("../1").await, Err(Error::InvalidInput { .. })));
    assert!(matches!(desk.tickets().get("abc", false).await, Err(Error::NotFound { .. })), "no Zendesk id is text");
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn errors_are_typed_and_never_carry_the_token() {
    let server = MockServer::start().await;
    let echo = json!({"error": "RecordInvalid", "description": format!("Record validation errors {TOKEN}"),
        "details": {"requester_id": [{"description": format!("Requester: {TOKEN} is invalid"), "error": "InvalidValue"}]}});
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets.json"))
        .respond_with(ResponseTemplate::new(422).set_body_json(echo))
        .mount(&server)
        .await;
    let desk = client(&server);
    let input = TicketCreate { contact_id: "5".into(), subject: Some("x".into()), ..Default::default() };
    let e = desk.tickets().create(&input).await.expect_err("422");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    match e {
        Error::Validation { field_errors, .. } => assert_eq!(field_errors[0].field.as_deref(), Some("requester_id")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_ticket_create_is_retried_with_its_idempotency_key_other_posts_never_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets.json"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_string("{\"error\":\"APIRateLimitExceeded\"}"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets.json"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount(&server).await;
    let desk = client(&server);
    let input = TicketCreate { contact_id: "5".into(), subject: Some("x".into()), ..Default::default() };
    desk.tickets().create(&input).await.expect("created after a 429 and a 503");
    let all = server.received_requests().await.unwrap_or_default();
    let keys: Vec<&str> = all
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .filter_map(|r| r.headers.get("idempotency-key").and_then(|v| v.to_str().ok()))
        .collect();
    assert_eq!(keys.len(), 3, "sent three times");
    assert!(keys.iter().all(|k| *k == keys[0]), "with one key: Zendesk answers a repeat with the first answer");

    let down = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&down).await;
    let contact = ContactCreate { name: Some("x".into()), ..Default::default() };
    let e = client(&down).contacts().create(&contact).await.expect_err("503");
    assert!(matches!(e, Error::Upstream { status: 503, .. }), "{e:?}");
    let posts = down.received_requests().await.unwrap_or_default().len();
    assert_eq!(posts, 1, "a user create that may have landed is not re-sent");
}

#[tokio::test]
async fn oauth_tokens_are_sent_as_bearer() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v2/tickets/35436.json", 200, fixture("ticket_open_full.json")).await;
    let desk = ZendeskClient::builder().base_url(server.uri()).oauth_token("oauth-abc").build().expect("client");
    desk.tickets().get("35436", true).await.expect("get");
    let r = &server.received_requests().await.unwrap_or_default()[0];
    assert_eq!(r.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer oauth-abc"));
}
