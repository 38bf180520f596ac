//! Sub-statuses (CRUD, in use by seeded conversations, kept consistent with the status) and
//! notes (a customer's notes, create, update, delete).

mod support;

use reqwest::Method;
use serde_json::json;
use support::{assert_error, get, ids, send, send_as, small, walk};

#[tokio::test]
async fn sub_statuses_are_listed_filtered_and_used_by_seeded_conversations() {
    let sim = small().await;
    let (all, _) = walk(&sim, "/v1/sub-statuses?pageSize=3").await;
    assert_eq!(all.len(), 7);
    assert_eq!(all[0]["type"], "sub_status");
    let (conv, _) = walk(&sim, "/v1/sub-statuses?resourceType=conversation&parentStatus=done").await;
    let labels: Vec<&str> = conv.iter().filter_map(|s| s["attributes"]["label"].as_str()).collect();
    assert_eq!(labels, ["Resolved by refund", "Resolved by replacement"]);
    let page = get(&sim, "/v1/sub-statuses?resourceType=kobject&pageSize=1").await;
    assert_eq!(page["links"]["next"], "/v1/sub-statuses?resourceType=kobject&page=2&pageSize=1");
    let two = ids(&all[..2]).join(",");
    assert_eq!(get(&sim, &format!("/v1/sub-statuses/{two}")).await["data"].as_array().map(Vec::len), Some(2));

    // Every seeded conversation's sub-status exists and fits its status.
    let (conversations, _) = walk(&sim, "/v1/conversations").await;
    let using: Vec<_> = conversations.iter().filter(|c| c["attributes"]["subStatus"].is_string()).collect();
    assert!(using.len() >= 15, "{} conversations use a sub-status", using.len());
    for c in using {
        let sub =
            get(&sim, &format!("/v1/sub-statuses/{}", c["attributes"]["subStatus"].as_str().unwrap_or_default())).await;
        assert_eq!(sub["data"]["attributes"]["parentStatus"], c["attributes"]["status"]);
    }
}

#[tokio::test]
async fn sub_status_crud_and_consistency_with_conversation_status() {
    let sim = small().await;
    let body = json!({ "label": "Waiting on carrier", "description": "Asked the carrier", "parentStatus": "snoozed" });
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::POST, "/v1/sub-statuses", Some(&body)).await,
        403,
        "forbidden",
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/sub-statuses", Some(&json!({ "label": "x", "parentStatus": "open" }))).await,
        400,
        "bad_request",
    );
    let made = send(&sim, Method::POST, "/v1/sub-statuses", Some(&body)).await;
    assert_eq!(made.status, 201);
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert_eq!(made.body["data"]["attributes"]["resourceType"], "conversation");
    let upd = send(&sim, Method::PATCH, &format!("/v1/sub-statuses/{id}"), Some(&json!({ "label": "Carrier" }))).await;
    assert_eq!(upd.body["data"]["attributes"]["label"], "Carrier");
    let moved =
        send(&sim, Method::PUT, &format!("/v1/sub-statuses/{id}"), Some(&json!({ "parentStatus": "open" }))).await;
    assert_error(&moved, 400, "bad_request");

    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    let path = format!("/v1/conversations/{conv}");
    // Wrong parent, unknown id: 400. Matching status: stored.
    let wrong = send(&sim, Method::PATCH, &path, Some(&json!({ "status": "open", "subStatus": id }))).await;
    assert_error(&wrong, 400, "bad_request");
    assert_error(&send(&sim, Method::PATCH, &path, Some(&json!({ "subStatus": "nope" }))).await, 400, "bad_request");
    let ok = send(&sim, Method::PATCH, &path, Some(&json!({ "status": "snoozed", "subStatus": id }))).await;
    assert_eq!(ok.body["data"]["attributes"]["subStatus"], id.as_str(), "{}", ok.body);
    // In use: no delete.
    assert_error(&send(&sim, Method::DELETE, &format!("/v1/sub-statuses/{id}"), None).await, 409, "conflict");
    // A status change that no longer fits clears it.
    let reopened = send(&sim, Method::PATCH, &path, Some(&json!({ "status": "open" }))).await;
    assert!(reopened.body["data"]["attributes"].get("subStatus").is_none(), "{}", reopened.body);
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/sub-statuses/{id}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, &format!("/v1/sub-statuses/{id}"), None).await, 404, "not_found");
}

#[tokio::test]
async fn notes_of_a_customer_created_updated_and_deleted() {
    let sim = small().await;
    // Customer 1 has conversations 1 and 32 (of 60); odd conversations have a note.
    let customers = get(&sim, "/v1/customers?page=2&pageSize=1").await;
    let customer = customers["data"][0]["id"].as_str().expect("id").to_owned();
    let (before, _) = walk(&sim, &format!("/v1/customers/{customer}/notes")).await;
    assert!(!before.is_empty());
    assert!(before.iter().all(|n| n["relationships"]["customer"]["data"]["id"] == customer.as_str()));

    let made = send(
        &sim,
        Method::POST,
        &format!("/v1/customers/{customer}/notes"),
        Some(&json!({ "body": "VIP, handle with care" })),
    )
    .await;
    assert_eq!(made.status, 201);
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert!(made.body["data"]["relationships"].get("conversation").is_none());
    let conv = get(&sim, &format!("/v1/customers/{customer}/conversations?pageSize=1")).await["data"][0]["id"]
        .as_str()
        .expect("conversation")
        .to_owned();
    let in_conv =
        send(&sim, Method::POST, "/v1/notes", Some(&json!({ "body": "Called back", "conversation": conv }))).await;
    assert_eq!(in_conv.status, 201);
    assert_eq!(in_conv.body["data"]["relationships"]["customer"]["data"]["id"], customer.as_str());
    assert_error(&send(&sim, Method::POST, "/v1/notes", Some(&json!({ "body": "x" }))).await, 400, "bad_request");

    let (after, sizes) = walk(&sim, &format!("/v1/customers/{customer}/notes?pageSize=1")).await;
    assert_eq!(after.len(), before.len() + 2);
    assert!(sizes.iter().all(|s| *s == 1));

    let upd = send(&sim, Method::PATCH, &format!("/v1/notes/{id}"), Some(&json!({ "body": "VIP" }))).await;
    assert_eq!(upd.body["data"]["attributes"]["body"], "VIP");
    assert_error(
        &send(&sim, Method::PUT, &format!("/v1/notes/{id}"), Some(&json!({ "body": "" }))).await,
        400,
        "bad_request",
    );
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::DELETE, &format!("/v1/notes/{id}"), None).await,
        403,
        "forbidden",
    );
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/notes/{id}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, &format!("/v1/notes/{id}"), None).await, 404, "not_found");
    let (last, _) = walk(&sim, &format!("/v1/customers/{customer}/notes")).await;
    assert_eq!(last.len(), before.len() + 1);
    assert_error(&send(&sim, Method::GET, "/v1/customers/nobody/notes", None).await, 404, "not_found");
}
