//! Bulk conversations: submitted, polled to completion through `batches.complete/total`,
//! per-item failures from the fault injection reported as retryable and retried until every
//! conversation is updated exactly once (counted in the audit log).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};
use support::{assert_error, get, ids, send, send_as, small, walk};
use unidesk_kustomer_sim::{FaultConfig, SimConfig, Simulator};

/// Polls `GET /v1/bulk/{id}` until `complete`; checks that progress only moves forward.
async fn poll(sim: &Simulator, id: &str) -> Value {
    let mut last = 0;
    let mut seen = BTreeSet::new();
    for _ in 0..2000 {
        let b = get(sim, &format!("/v1/bulk/{id}")).await;
        let a = &b["data"]["attributes"];
        seen.insert(a["status"].as_str().unwrap_or_default().to_owned());
        let complete = a["batches"]["complete"].as_u64().expect("complete");
        assert!(complete >= last, "progress went back");
        last = complete;
        if a["status"] == "complete" {
            assert_eq!(a["batches"]["complete"], a["batches"]["total"]);
            assert_eq!(a["completed"], true);
            assert!(seen.iter().all(|s| ["queued", "running", "complete"].contains(&s.as_str())));
            return b;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("bulk {id} never completed");
}

/// (succeeded ids, failed (id, error)) of a finished bulk operation.
async fn outcomes(sim: &Simulator, id: &str) -> (Vec<String>, Vec<(String, Value)>) {
    let batches = get(sim, &format!("/v1/bulk/{id}/batches")).await;
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for b in batches["data"].as_array().expect("batches") {
        let a = &b["attributes"];
        assert_eq!(a["status"], "complete");
        for id in a["objectIds"].as_array().expect("objectIds") {
            ok.push(id.as_str().unwrap_or_default().to_owned());
        }
        for e in a["errors"].as_array().expect("errors") {
            failed.push((e["id"].as_str().unwrap_or_default().to_owned(), e.clone()));
        }
        assert_eq!(
            a["successCount"].as_u64().unwrap_or(0) + a["failureCount"].as_u64().unwrap_or(0),
            a["results"].as_array().map_or(0, |r| r.len() as u64)
        );
    }
    (ok, failed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_conversations_updated_exactly_once_through_ten_percent_item_faults() {
    let faults = FaultConfig { item_rate: Some(0.1), ..FaultConfig::default() };
    let config = SimConfig { conversations: 1000, rate_limit: 100_000, faults, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("simulator starts");
    let (all, _) = walk(&sim, "/v1/conversations").await;
    let mut pending = ids(&all);
    assert_eq!(pending.len(), 1000);
    let mut failures_per_round = Vec::new();
    while !pending.is_empty() {
        assert!(failures_per_round.len() < 10, "items keep failing: {failures_per_round:?}");
        let mut failed_now = Vec::new();
        for chunk in pending.chunks(100) {
            let items: Vec<Value> = chunk
                .iter()
                .map(|id| json!({ "id": id, "_clientRef": format!("ref-{id}"), "priority": 4, "custom": { "bulkRunStr": "r1" } }))
                .collect();
            let submitted = send(&sim, Method::PUT, "/v1/conversations/bulk", Some(&Value::Array(items))).await;
            assert_eq!(submitted.status, 201, "{}", submitted.body);
            assert_eq!(submitted.body["data"]["type"], "bulk");
            assert_eq!(
                submitted.body["data"]["attributes"]["batches"],
                json!({ "complete": 0, "total": chunk.len().div_ceil(10) })
            );
            let id = submitted.body["data"]["id"].as_str().expect("id").to_owned();
            assert_eq!(submitted.body["data"]["links"]["self"], format!("/v1/bulk/{id}"));
            let done = poll(&sim, &id).await;
            let (ok, failed) = outcomes(&sim, &id).await;
            assert_eq!(ok.len() + failed.len(), chunk.len());
            assert_eq!(done["data"]["attributes"]["failureCount"], failed.len());
            for (cid, e) in &failed {
                assert_eq!(e["retryable"], true, "{e}");
                assert_eq!(e["code"], "injected_fault");
                assert!([429, 500, 503].contains(&e["status"].as_u64().unwrap_or(0)), "{e}");
                assert_eq!(e["_clientRef"], format!("ref-{cid}"));
            }
            failed_now.extend(failed.into_iter().map(|(id, _)| id));
        }
        failures_per_round.push(failed_now.len());
        pending = failed_now;
    }
    // Roughly 10 % of the first round failed.
    assert!((40..=180).contains(&failures_per_round[0]), "{failures_per_round:?}");

    // Exactly one update per conversation, as the audit log counts them.
    let (updates, _) = walk(&sim, "/v1/audit-logs?count=100&filter[eventName]=kustomer.conversation.update").await;
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for u in &updates {
        *per.entry(u["attributes"]["objectId"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    assert_eq!(per.len(), 1000);
    assert!(per.values().all(|n| *n == 1), "some conversation was updated twice");
    let (after, _) = walk(&sim, "/v1/conversations").await;
    assert!(after.iter().all(|c| c["attributes"]["custom"]["bulkRunStr"] == "r1" && c["attributes"]["priority"] == 4));
}

#[tokio::test]
async fn bulk_create_and_delete_report_each_item() {
    let sim = small().await;
    let customer = get(&sim, "/v1/customers?pageSize=1").await["data"][0]["id"].as_str().expect("id").to_owned();
    let mut items: Vec<Value> =
        (0..14).map(|i| json!({ "customer": customer, "name": format!("Imported {i}"), "_clientRef": i })).collect();
    items.push(json!({ "customer": "nobody", "_clientRef": "bad" }));
    let submitted = send(&sim, Method::POST, "/v1/conversations/bulk", Some(&Value::Array(items))).await;
    assert_eq!(submitted.status, 201);
    let id = submitted.body["data"]["id"].as_str().expect("id").to_owned();
    let done = poll(&sim, &id).await;
    assert_eq!(done["data"]["attributes"]["batches"]["total"], 2);
    let (created, failed) = outcomes(&sim, &id).await;
    assert_eq!(created.len(), 14);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].1["status"], 400);
    assert_eq!(failed[0].1["retryable"], false);
    assert_eq!(failed[0].1["_clientRef"], "bad");
    let batches = get(&sim, &format!("/v1/bulk/{id}/batches")).await;
    assert_eq!(batches["data"][0]["attributes"]["results"][3]["_clientRef"], 3);
    assert_eq!(batches["data"][0]["attributes"]["results"][3]["status"], "created");
    for c in &created {
        assert_eq!(
            get(&sim, &format!("/v1/conversations/{c}")).await["data"]["relationships"]["customer"]["data"]["id"],
            customer.as_str()
        );
    }

    let list = created[..3].join(",");
    let del = send(&sim, Method::DELETE, &format!("/v1/conversations/bulk?ids={list},nope"), None).await;
    assert_eq!(del.status, 201);
    let del_id = del.body["data"]["id"].as_str().expect("id").to_owned();
    poll(&sim, &del_id).await;
    let (deleted, failed) = outcomes(&sim, &del_id).await;
    assert_eq!(deleted, created[..3]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].1["status"], 404);
    assert_error(&send(&sim, Method::GET, &format!("/v1/conversations/{}", created[0]), None).await, 404, "not_found");

    // Refusals: read-only key, not an array, too many items, unknown bulk.
    let one = json!([{ "customer": customer }]);
    assert_error(
        &send_as(&sim, sim.read_only_key(), Method::POST, "/v1/conversations/bulk", Some(&one)).await,
        403,
        "forbidden",
    );
    assert_error(&send(&sim, Method::POST, "/v1/conversations/bulk", Some(&json!({}))).await, 400, "bad_request");
    let many = Value::Array(vec![json!({ "customer": customer }); 101]);
    assert_error(&send(&sim, Method::POST, "/v1/conversations/bulk", Some(&many)).await, 400, "bad_request");
    assert_error(
        &send(&sim, Method::PUT, "/v1/conversations/bulk", Some(&json!([{ "name": "no id" }]))).await,
        400,
        "bad_request",
    );
    assert_error(&send(&sim, Method::DELETE, "/v1/conversations/bulk", None).await, 400, "bad_request");
    assert_error(&send(&sim, Method::GET, "/v1/bulk/nope", None).await, 404, "not_found");
}

#[tokio::test]
async fn a_bulk_request_spends_one_unit_of_the_rate_limit() {
    let config = SimConfig { conversations: 30, rate_limit: 4, ..SimConfig::default() };
    let sim = Simulator::start(config).await.expect("simulator starts");
    let page = get(&sim, "/v1/conversations?pageSize=30").await;
    let items: Vec<Value> =
        ids(page["data"].as_array().expect("data")).iter().map(|id| json!({ "id": id, "priority": 2 })).collect();
    let submitted = send(&sim, Method::PUT, "/v1/conversations/bulk", Some(&Value::Array(items))).await;
    assert_eq!(submitted.status, 201);
    assert_eq!(submitted.headers["x-ratelimit-remaining"], "2");
    for _ in 0..2 {
        assert_eq!(send(&sim, Method::GET, "/v1/tags", None).await.status, 200);
    }
    let limited = send(&sim, Method::PUT, "/v1/conversations/bulk", Some(&json!([{ "id": "x" }]))).await;
    assert_error(&limited, 429, "too_many_requests");
    assert!(limited.headers.contains_key("x-ratelimit-reset"));
}
