//! Customer lookup by phone, PUT replacement, users (several by id, invite, update),
//! conversations created for a customer, `POST /v1/messages`, reply drafts, and the search
//! API's criteria trees, sorts and KObject context.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{assert_error, get, ids, send, send_as, small, walk};

#[tokio::test]
async fn customers_are_found_by_phone() {
    let sim = small().await;
    // Customer 1 has one phone, +1555000010.
    let found = get(&sim, "/v1/customers/phone=%2B1555000010").await;
    assert_eq!(found["data"]["attributes"]["phones"][0]["phone"], "+1555000010");
    let spaced = get(&sim, "/v1/customers/phone=%2B1%20555-000-010").await;
    assert_eq!(spaced["data"]["id"], found["data"]["id"]);
    assert_error(&send(&sim, Method::GET, "/v1/customers/phone=%2B1999", None).await, 404, "not_found");
    let id = found["data"]["id"].as_str().expect("id").to_owned();
    let moved = json!({ "phones": [{ "type": "work", "phone": "+44 20 7946 0000" }] });
    assert_eq!(send(&sim, Method::PATCH, &format!("/v1/customers/{id}"), Some(&moved)).await.status, 200);
    assert_eq!(get(&sim, "/v1/customers/phone=%2B442079460000").await["data"]["id"], id.as_str());
    assert_error(&send(&sim, Method::GET, "/v1/customers/phone=%2B1555000010", None).await, 404, "not_found");
}

#[tokio::test]
async fn put_replaces_what_patch_merges() {
    let sim = small().await;
    let conv = get(&sim, "/v1/conversations?page=2&pageSize=1").await["data"][0].clone();
    let id = conv["id"].as_str().expect("id").to_owned();
    assert!(conv["attributes"]["custom"]["orderNum"].is_number());
    let path = format!("/v1/conversations/{id}");
    let merged = send(&sim, Method::PATCH, &path, Some(&json!({ "custom": { "noteStr": "x" } }))).await;
    assert_eq!(merged.body["data"]["attributes"]["custom"]["orderNum"], conv["attributes"]["custom"]["orderNum"]);
    let replaced = send(
        &sim,
        Method::PUT,
        &path,
        Some(&json!({ "name": "Replaced", "custom": { "noteStr": "y" }, "priority": 2 })),
    )
    .await;
    assert_eq!(replaced.status, 200);
    let a = &replaced.body["data"]["attributes"];
    assert_eq!(a["custom"], json!({ "noteStr": "y" }));
    assert_eq!(a["status"], "open");
    assert!(a.get("tags").is_none() && a.get("channels").is_none());
    assert_eq!(a["createdAt"], conv["attributes"]["createdAt"]);
    assert_eq!(replaced.body["data"]["relationships"]["customer"], conv["relationships"]["customer"]);
    // `replace=false` merges.
    let kept = send(&sim, Method::PUT, &format!("{path}?replace=false"), Some(&json!({ "priority": 5 }))).await;
    assert_eq!(kept.body["data"]["attributes"]["name"], "Replaced");

    let customer = get(&sim, "/v1/customers?page=3&pageSize=1").await["data"][0].clone();
    let cid = customer["id"].as_str().expect("id");
    let put = send(&sim, Method::PUT, &format!("/v1/customers/{cid}"), Some(&json!({ "name": "Only Name" }))).await;
    let a = &put.body["data"]["attributes"];
    assert_eq!(a["name"], "Only Name");
    assert!(a.get("emails").is_none() && a.get("custom").is_none());
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::PUT, &format!("/v1/customers/{cid}"), Some(&json!({}))).await,
        403,
        "forbidden",
    );
    // Its old email is free again.
    let email = customer["attributes"]["emails"][0]["email"].as_str().expect("email");
    assert_error(&send(&sim, Method::GET, &format!("/v1/customers/email={email}"), None).await, 404, "not_found");
}

#[tokio::test]
async fn the_current_user_is_answered_with_or_without_a_trailing_slash() {
    let sim = small().await;
    let (users, _) = walk(&sim, "/v1/users").await;
    // tap-kustomer checks its token with `GET /v1/users/current/`, trailing slash included.
    for path in ["/v1/users/current", "/v1/users/current/"] {
        let me = get(&sim, path).await;
        assert_eq!(me["data"]["type"], "user", "{path}");
        assert_eq!(me["data"], users[0], "{path}: the org's first user");
    }
    let read_only = send_as(&sim, sim.read_only_key(), Method::GET, "/v1/users/current/", None).await;
    assert_eq!(read_only.status, 200);
    assert_error(&send_as(&sim, "not-a-key", Method::GET, "/v1/users/current/", None).await, 401, "unauthorized");
    // Only that one path takes a trailing slash; a user's id still answers as before.
    assert_error(&send(&sim, Method::GET, "/v1/users/", None).await, 404, "not_found");
    let id = users[1]["id"].as_str().expect("id");
    assert_eq!(get(&sim, &format!("/v1/users/{id}")).await["data"]["id"], id);
}

#[tokio::test]
async fn users_several_by_id_invited_and_updated() {
    let sim = small().await;
    let (users, _) = walk(&sim, "/v1/users").await;
    let some = ids(&users[..3]);
    let many = get(&sim, &format!("/v1/users/{},nope,{}", some[0], some[2])).await;
    assert_eq!(ids(many["data"].as_array().expect("data")), [some[0].clone(), some[2].clone()]);
    assert_eq!(get(&sim, &format!("/v1/users/{}", some[1])).await["data"]["id"], some[1].as_str());
    assert_error(&send(&sim, Method::GET, "/v1/users/nope,nada", None).await, 404, "not_found");

    let invite =
        json!({ "name": "New Agent", "email": "new.agent@acme.example", "roles": ["org.user.conversation.read"] });
    let made = send(&sim, Method::POST, "/v1/users", Some(&invite)).await;
    assert_eq!(made.status, 201);
    assert_eq!(made.body["data"]["attributes"]["status"], "invited");
    assert_eq!(made.body["data"]["type"], "user");
    assert_error(&send(&sim, Method::POST, "/v1/users", Some(&invite)).await, 409, "conflict");
    assert_error(&send(&sim, Method::POST, "/v1/users", Some(&json!({ "name": "x" }))).await, 400, "bad_request");
    let id = made.body["data"]["id"].as_str().expect("id");
    let upd = send(&sim, Method::PUT, &format!("/v1/users/{id}"), Some(&json!({ "displayName": "NA" }))).await;
    assert_eq!(upd.body["data"]["attributes"]["displayName"], "NA");
    assert_eq!(upd.body["data"]["attributes"]["email"], "new.agent@acme.example");
    let taken = json!({ "email": "agent0@acme.example" });
    assert_error(&send(&sim, Method::PUT, &format!("/v1/users/{id}"), Some(&taken)).await, 409, "conflict");
    assert_error(&send_as(&sim, sim.read_only_key(), Method::POST, "/v1/users", Some(&invite)).await, 403, "forbidden");
}

#[tokio::test]
async fn conversations_for_a_customer_and_messages_through_v1_messages() {
    let sim = small().await;
    let customer = get(&sim, "/v1/customers?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    let made =
        send(&sim, Method::POST, &format!("/v1/customers/{customer}/conversations"), Some(&json!({ "name": "Hi" })))
            .await;
    assert_eq!(made.status, 201);
    assert_eq!(made.body["data"]["relationships"]["customer"]["data"]["id"], customer.as_str());
    let conv = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert_error(
        &send(&sim, Method::POST, "/v1/customers/nobody/conversations", Some(&json!({}))).await,
        404,
        "not_found",
    );

    let msg =
        json!({ "conversation": conv, "channel": "email", "app": "postmark", "direction": "out", "preview": "Hello" });
    let m = send(&sim, Method::POST, "/v1/messages", Some(&msg)).await;
    assert_eq!(m.status, 201, "{}", m.body);
    assert_eq!(m.body["data"]["relationships"]["conversation"]["data"]["id"], conv.as_str());
    // Without a conversation, one is opened for the customer.
    let alone = json!({ "customer": customer, "channel": "sms", "app": "twilio", "direction": "in", "preview": "Yo" });
    let m2 = send(&sim, Method::POST, "/v1/messages", Some(&alone)).await;
    assert_eq!(m2.status, 201);
    let opened = m2.body["data"]["relationships"]["conversation"]["data"]["id"].as_str().expect("conversation");
    assert_ne!(opened, conv);
    assert_eq!(
        get(&sim, &format!("/v1/conversations/{opened}")).await["data"]["attributes"]["channels"],
        json!(["sms"])
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/messages", Some(&json!({ "channel": "sms" }))).await,
        400,
        "bad_request",
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/messages", Some(&json!({ "customer": customer }))).await,
        400,
        "bad_request",
    );
}

#[tokio::test]
async fn reply_drafts_of_a_conversation() {
    let sim = small().await;
    let conv = get(&sim, "/v1/conversations?pageSize=1").await["data"][0].clone();
    let id = conv["id"].as_str().expect("id").to_owned();
    let customer = conv["relationships"]["customer"]["data"]["id"].as_str().expect("customer").to_owned();
    let body = json!({ "channel": "email", "body": "<p>Your refund is on its way.</p>", "subject": "Re: refund",
        "to": ["c0.0@mail.example"], "sendAt": "2030-01-01T09:00:00Z" });
    let made = send(&sim, Method::POST, &format!("/v1/conversations/{id}/drafts"), Some(&body)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let d = &made.body["data"];
    assert_eq!(d["type"], "draft");
    assert_eq!(d["relationships"]["customer"]["data"]["id"], customer.as_str());
    // `sendAt` without `scheduled: true` is dropped, as on Kustomer.
    assert_eq!(d["attributes"]["status"], "draft");
    assert!(d["attributes"].get("sendAt").is_none());
    let draft = d["id"].as_str().expect("id").to_owned();
    let second = json!({ "conversation": id, "channel": "note", "body": "Check the refund first" });
    assert_eq!(send(&sim, Method::POST, &format!("/v1/customers/{customer}/drafts"), Some(&second)).await.status, 201);
    assert_error(
        &send(&sim, Method::POST, &format!("/v1/customers/{customer}/drafts"), Some(&second)).await,
        409,
        "conflict",
    );
    assert_error(
        &send(
            &sim,
            Method::POST,
            &format!("/v1/conversations/{id}/drafts"),
            Some(&json!({ "channel": "pigeon", "body": "x" })),
        )
        .await,
        400,
        "bad_request",
    );

    let (of_conv, _) = walk(&sim, &format!("/v1/conversations/{id}/drafts?pageSize=1")).await;
    assert_eq!(of_conv.len(), 2);
    let (of_customer, _) = walk(&sim, &format!("/v1/customers/{customer}/drafts")).await;
    assert_eq!(of_customer.len(), 2);

    let scheduled = send(
        &sim,
        Method::PUT,
        &format!("/v1/drafts/{draft}"),
        Some(&json!({ "sendAt": "2030-01-01T09:00:00Z", "body": "v2" })),
    )
    .await;
    assert_eq!(scheduled.body["data"]["attributes"]["status"], "scheduled");
    assert_eq!(scheduled.body["data"]["attributes"]["body"], "v2");
    let unscheduled = send(&sim, Method::PUT, &format!("/v1/drafts/{draft}"), Some(&json!({ "sendAt": "" }))).await;
    assert_eq!(unscheduled.body["data"]["attributes"]["status"], "draft");
    assert_eq!(get(&sim, &format!("/v1/drafts/{draft}")).await["data"]["attributes"]["body"], "v2");
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::DELETE, &format!("/v1/drafts/{draft}"), None).await,
        403,
        "forbidden",
    );
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/drafts/{draft}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, &format!("/v1/drafts/{draft}"), None).await, 404, "not_found");
    assert_error(&send(&sim, Method::GET, "/v1/conversations/nope/drafts", None).await, 404, "not_found");
}

async fn search(sim: &unidesk_kustomer_sim::Simulator, query: &str, body: Value) -> Value {
    let a = send(sim, Method::POST, &format!("/v1/customers/search{query}"), Some(&body)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    a.body
}

#[tokio::test]
async fn the_kobject_context_searches_the_kobjects_of_every_klass() {
    let sim = small().await;
    let (orders, _) = walk(&sim, "/v1/klasses/order").await;
    let (shipments, _) = walk(&sim, "/v1/klasses/shipment").await;
    assert!(!orders.is_empty() && !shipments.is_empty());
    // What tap-kustomer's kobjects stream asks.
    let body = json!({ "and": [{ "kobject_updated_at": { "gte": "2000-01-01T00:00:00Z" } }],
        "sort": [{ "kobject_updated_at": "asc" }], "queryContext": "kobject" });
    let res = search(&sim, "?pageSize=500", body).await;
    let found = res["data"].as_array().expect("data");
    assert_eq!(res["meta"]["total"], orders.len() + shipments.len());
    let mut want = ids(&orders);
    want.extend(ids(&shipments));
    want.sort();
    let mut got = ids(found);
    got.sort();
    assert_eq!(got, want);
    let times: Vec<&str> = found.iter().map(|o| o["attributes"]["updatedAt"].as_str().expect("updatedAt")).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "by updatedAt, ascending: {times:?}");
    let mid = times[times.len() / 2];
    let later = json!({ "queryContext": "kobject", "and": [{ "kobject_updated_at": { "gte": mid } }] });
    assert_eq!(
        search(&sim, "?pageSize=500", later).await["meta"]["total"],
        times.iter().filter(|t| **t >= mid).count()
    );
}

#[tokio::test]
async fn search_with_and_or_not_sort_and_kobject_contexts() {
    let sim = small().await;
    let (all, _) = walk(&sim, "/v1/conversations").await;
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|c| f(&c["attributes"])).count();

    let body = json!({ "queryContext": "conversation",
        "and": [{ "conversation_status": { "equals": "done" } }, { "conversation_sub_status": { "not_set": false } }] });
    let done_with_sub = search(&sim, "?pageSize=100", body).await;
    assert_eq!(done_with_sub["meta"]["total"], count(&|a| a["status"] == "done" && a["subStatus"].is_string()));
    assert!(done_with_sub["meta"]["total"].as_u64().unwrap_or(0) > 0);

    let body = json!({ "queryContext": "conversation",
        "or": [{ "conversation_priority": { "gte": 4 } }, { "conversation_channels": { "equals": "sms" } }],
        "not": [{ "conversation_status": { "in": ["snoozed", "waiting"] } }],
        "sort": [{ "conversation_priority": "desc" }] });
    let res = search(&sim, "?pageSize=500", body).await;
    let want = count(&|a| {
        (a["priority"].as_u64().unwrap_or(0) >= 4 || a["channels"][0] == "sms")
            && !["snoozed", "waiting"].contains(&a["status"].as_str().unwrap_or_default())
    });
    assert_eq!(res["meta"]["total"], want);
    let prios: Vec<u64> = res["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["attributes"]["priority"].as_u64().unwrap_or(0))
        .collect();
    assert!(prios.windows(2).all(|w| w[0] >= w[1]), "sorted by priority desc: {prios:?}");

    let body = json!({ "queryContext": "conversation", "and": [{ "conversation_custom_order_num": { "lt": 10_005 } }],
        "sort": [{ "conversation_created_at": "asc" }] });
    let res = search(&sim, "", body).await;
    assert_eq!(res["meta"]["total"], 5);
    assert_eq!(res["data"][0]["attributes"]["custom"]["orderNum"], 10_000);

    // KObjects of a klass.
    let body = json!({ "queryContext": "kobject_order", "and": [{ "kobject_custom_order_currencyStr": { "equals": "EUR" } }],
        "sort": [{ "kobject_custom_order_totalNum": "asc" }] });
    let res = search(&sim, "", body).await;
    let totals: Vec<f64> = res["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|o| o["attributes"]["custom"]["totalNum"].as_f64().unwrap_or(0.0))
        .collect();
    assert!(!totals.is_empty() && totals.windows(2).all(|w| w[0] <= w[1]), "{totals:?}");
    assert!(res["data"].as_array().expect("data").iter().all(|o| o["type"] == "kobject.order"));
    let (orders, _) = walk(&sim, "/v1/klasses/order").await;
    assert_eq!(
        res["meta"]["total"],
        orders.iter().filter(|o| o["attributes"]["custom"]["currencyStr"] == "EUR").count()
    );

    // includeDeleted, errors and the cap.
    let gone = all[0]["id"].as_str().expect("id");
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/conversations/{gone}"), None).await.status, 204);
    let by_id = |deleted: bool| json!({ "queryContext": "conversation", "includeDeleted": deleted, "and": [{ "conversation_id": { "equals": gone } }] });
    assert_eq!(search(&sim, "", by_id(false)).await["meta"]["total"], 0);
    assert_eq!(search(&sim, "", by_id(true)).await["meta"]["total"], 1);
    for body in [
        json!({ "queryContext": "conversation", "and": [{ "conversation_status": { "like": "x" } }] }),
        json!({ "queryContext": "conversation", "and": [{ "customer_name": { "equals": "x" } }] }),
        json!({ "queryContext": "kobject_ghost" }),
    ] {
        assert_error(&send(&sim, Method::POST, "/v1/customers/search", Some(&body)).await, 400, "bad_request");
    }
    let capped = send(
        &sim,
        Method::POST,
        "/v1/customers/search?page=101&pageSize=100",
        Some(&json!({ "queryContext": "kobject_order" })),
    )
    .await;
    assert_error(&capped, 400, "bad_request");
}
