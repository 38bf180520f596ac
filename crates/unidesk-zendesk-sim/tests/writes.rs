//! Writes: tickets with comments (replies and notes), tags without clobbering, uploads,
//! idempotent creates, safe updates, users and organizations.

mod common;

use common::{call, get, ids, sim};
use reqwest::Method;
use serde_json::{Value, json};

async fn json_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_created_ticket_is_listed_with_its_comment_and_audit() {
    let sim = sim(10).await;
    let (_, users) = get(&sim, "/api/v2/users?role=end-user").await;
    let requester = users["users"][0]["id"].as_i64().expect("an end user");
    let body = json!({ "ticket": {
        "subject": "Printer on fire", "comment": { "body": "It is on fire." }, "requester_id": requester,
        "priority": "urgent", "tags": ["Fire", "printer"], "custom_fields": [{ "id": 400_000_008, "value": "ORD-1" }]
    }});
    let resp = call(&sim, Method::POST, "/api/v2/tickets.json", Some(body)).await;
    assert!(resp.headers().get("location").is_some());
    let (status, doc) = json_of(resp).await;
    assert_eq!(status, 201, "{doc}");
    let t = &doc["ticket"];
    assert_eq!((t["status"].as_str(), t["priority"].as_str()), (Some("new"), Some("urgent")));
    assert_eq!(t["tags"], json!(["fire", "printer"]));
    assert_eq!(t["description"], "It is on fire.");
    assert_eq!(
        t["custom_fields"].as_array().and_then(|f| f.iter().find(|f| f["id"] == 400_000_008)).map(|f| &f["value"]),
        Some(&json!("ORD-1"))
    );
    assert_eq!(doc["audit"]["events"][0]["type"], "Comment");
    let id = t["id"].as_i64().expect("id");
    assert_eq!(sim.count("tickets"), 11);
    let (_, comments) = get(&sim, &format!("/api/v2/tickets/{id}/comments")).await;
    assert_eq!(comments["comments"][0]["body"], "It is on fire.");
    assert_eq!(comments["comments"][0]["author_id"], requester);
}

#[tokio::test]
async fn an_update_adds_replies_and_private_notes_and_moves_updated_at() {
    let sim = sim(10).await;
    let id = sim.ticket_ids()[1];
    let (_, before) = get(&sim, &format!("/api/v2/tickets/{id}")).await;
    let n = ids(&get(&sim, &format!("/api/v2/tickets/{id}/comments")).await.1, "comments").len();
    for public in [true, false] {
        let body = json!({ "ticket": { "status": "pending", "comment": { "body": format!("public={public}"), "public": public } } });
        let (status, doc) =
            json_of(call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}.json"), Some(body)).await).await;
        assert_eq!(status, 200, "{doc}");
        assert_eq!(doc["ticket"]["status"], "pending");
    }
    let (_, after) = get(&sim, &format!("/api/v2/tickets/{id}")).await;
    assert!(after["ticket"]["updated_at"].as_str() > before["ticket"]["updated_at"].as_str());
    let (_, comments) = get(&sim, &format!("/api/v2/tickets/{id}/comments")).await;
    let list = comments["comments"].as_array().expect("comments");
    assert_eq!(list.len(), n + 2);
    assert_eq!((&list[n]["public"], &list[n + 1]["public"]), (&json!(true), &json!(false)));
    // A stale safe update is refused.
    let stale =
        json!({ "ticket": { "priority": "low", "safe_update": true, "updated_stamp": "2000-01-01T00:00:00Z" } });
    let (status, doc) = json_of(call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}"), Some(stale)).await).await;
    assert_eq!((status, doc["error"].as_str()), (409, Some("UpdateConflict")));
}

#[tokio::test]
async fn tag_endpoints_add_and_remove_without_clobbering() {
    let sim = sim(10).await;
    let id = sim.ticket_ids()[2];
    let tags = format!("/api/v2/tickets/{id}/tags.json");
    let (status, doc) = json_of(call(&sim, Method::POST, &tags, Some(json!({ "tags": ["a", "b"] }))).await).await;
    assert_eq!((status, doc), (201, json!({ "tags": ["a", "b"] })));
    let (status, doc) = json_of(call(&sim, Method::PUT, &tags, Some(json!({ "tags": ["c", "café"] }))).await).await;
    assert_eq!((status, doc), (200, json!({ "tags": ["a", "b", "c", "café"] })));
    let (status, doc) = json_of(call(&sim, Method::DELETE, &tags, Some(json!({ "tags": ["b"] }))).await).await;
    assert_eq!((status, doc), (200, json!({ "tags": ["a", "c", "café"] })));
    assert_eq!(get(&sim, &tags).await.1, json!({ "tags": ["a", "c", "café"] }));
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_create() {
    let sim = sim(3).await;
    let body = json!({ "ticket": { "comment": { "body": "once" } } });
    let send = || {
        reqwest::Client::new()
            .post(format!("{}/api/v2/tickets.json", sim.base_url()))
            .bearer_auth(sim.token())
            .header("idempotency-key", "k-1")
            .json(&body)
            .send()
    };
    let first = send().await.expect("sent");
    assert_eq!(first.headers()["x-idempotency-lookup"], "miss");
    let first: Value = first.json().await.expect("JSON");
    let again = send().await.expect("sent");
    assert_eq!(again.headers()["x-idempotency-lookup"], "hit");
    assert_eq!(again.json::<Value>().await.expect("JSON")["ticket"]["id"], first["ticket"]["id"]);
    assert_eq!(sim.count("tickets"), 4);
}

#[tokio::test]
async fn an_upload_attaches_to_a_comment_and_downloads() {
    let sim = sim(3).await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v2/uploads.json?filename=note%20%C3%A9.txt", sim.base_url()))
        .bearer_auth(sim.token())
        .header("content-type", "text/plain")
        .body("hello file")
        .send()
        .await
        .expect("sent");
    let (status, doc) = json_of(resp).await;
    assert_eq!(status, 201, "{doc}");
    let token = doc["upload"]["token"].as_str().expect("token").to_owned();
    let id = sim.ticket_ids()[0];
    let body = json!({ "ticket": { "comment": { "body": "see file", "uploads": [token], "public": false } } });
    assert_eq!(call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}"), Some(body)).await.status(), 200);
    let (_, comments) = get(&sim, &format!("/api/v2/tickets/{id}/comments")).await;
    let last = comments["comments"].as_array().and_then(|c| c.last().cloned()).expect("a comment");
    let file = &last["attachments"][0];
    assert_eq!(file["file_name"], "note é.txt");
    let content = file["content_url"].as_str().expect("content_url");
    assert!(content.starts_with(&sim.base_url()));
    let bytes = reqwest::get(content).await.expect("sent").bytes().await.expect("bytes");
    assert_eq!(&bytes[..], b"hello file");
}

#[tokio::test]
async fn users_and_organizations_are_created_updated_and_deleted() {
    let sim = sim(3).await;
    let (status, org) = json_of(
        call(
            &sim,
            Method::POST,
            "/api/v2/organizations",
            Some(json!({ "organization": { "name": "Zeta", "domain_names": ["zeta.example"] } })),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{org}");
    let org_id = org["organization"]["id"].as_i64().expect("id");
    let user =
        json!({ "user": { "name": "Zoë", "email": "zoe@zeta.example", "role": "agent", "organization_id": org_id } });
    let (status, doc) = json_of(call(&sim, Method::POST, "/api/v2/users.json", Some(user)).await).await;
    assert_eq!(status, 201, "{doc}");
    let uid = doc["user"]["id"].as_i64().expect("id");
    let (_, agents) = get(&sim, "/api/v2/users?role=agent&per_page=100").await;
    assert!(ids(&agents, "users").contains(&uid));
    let (status, doc) = json_of(
        call(
            &sim,
            Method::PUT,
            &format!("/api/v2/users/{uid}"),
            Some(json!({ "user": { "role": "end-user", "user_fields": { "vip": true } } })),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, doc["user"]["role"].as_str(), doc["user"]["user_fields"]["vip"].as_bool()),
        (200, Some("end-user"), Some(true))
    );
    let (status, doc) = json_of(call(&sim, Method::DELETE, &format!("/api/v2/users/{uid}"), None).await).await;
    assert_eq!((status, doc["user"]["active"].as_bool()), (200, Some(false)));
    assert_eq!(call(&sim, Method::DELETE, &format!("/api/v2/organizations/{org_id}.json"), None).await.status(), 204);
    assert_eq!(get(&sim, &format!("/api/v2/organizations/{org_id}")).await.0, 404);
}

#[tokio::test]
async fn a_deleted_ticket_can_be_restored() {
    let sim = sim(5).await;
    let id = sim.ticket_ids()[3];
    let (_, before) = get(&sim, &format!("/api/v2/tickets/{id}")).await;
    assert!(sim.delete_ticket(id));
    assert!(!sim.delete_ticket(id));
    assert_eq!(
        call(&sim, Method::PUT, &format!("/api/v2/deleted_tickets/{id}/restore.json"), None).await.status(),
        200
    );
    let (status, after) = get(&sim, &format!("/api/v2/tickets/{id}")).await;
    assert_eq!((status, &after["ticket"]["status"]), (200, &before["ticket"]["status"]));
}
