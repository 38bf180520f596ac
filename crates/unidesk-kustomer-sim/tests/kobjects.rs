//! Klasses and KObjects: the seeded `order` and `shipment` klasses, paging with
//! `links.next`, the customer's and company's KObjects, writes with their events, errors.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Sink, assert_error, get, ids, send, send_as, small, walk};

#[tokio::test]
async fn seeded_klasses_list_and_kobjects_page_through_links_next() {
    let sim = small().await;
    let klasses = get(&sim, "/v1/klasses").await;
    let names: Vec<&str> =
        klasses["data"].as_array().expect("data").iter().filter_map(|k| k["attributes"]["name"].as_str()).collect();
    assert_eq!(names, ["order", "shipment"]);
    assert_eq!(klasses["data"][0]["type"], "klass");
    assert_eq!(klasses["meta"], json!({ "pageSize": 100, "page": 1 }));
    let order_id = klasses["data"][0]["id"].as_str().expect("id").to_owned();
    let one = get(&sim, &format!("/v1/klasses/{order_id}")).await;
    assert_eq!(one["data"]["attributes"]["name"], "order");

    // 60 conversations → 31 customers → 16 orders; pages of 5.
    let (orders, sizes) = walk(&sim, "/v1/klasses/order?pageSize=5").await;
    assert_eq!(sizes, [5, 5, 5, 1]);
    let unique: std::collections::BTreeSet<String> = ids(&orders).into_iter().collect();
    assert_eq!(unique.len(), 16);
    let first = get(&sim, "/v1/klasses/order?page=1&pageSize=5").await;
    assert_eq!(first["links"]["next"], "/v1/klasses/order?page=2&pageSize=5");
    assert!(first["links"]["prev"].is_null());
    let o = &orders[0];
    assert_eq!(o["type"], "kobject.order");
    assert!(o["attributes"]["title"].as_str().is_some_and(|t| t.starts_with("Order #")));
    assert_eq!(o["relationships"]["klass"]["data"]["id"], order_id.as_str());
    assert_eq!(o["links"]["self"], format!("/v1/klasses/order/{}", o["id"].as_str().unwrap_or_default()));

    // Shipments: two per company (4 companies), with kobject sub-statuses.
    let (shipments, _) = walk(&sim, "/v1/klasses/shipment").await;
    assert_eq!(shipments.len(), 8);
    assert!(shipments.iter().all(|s| s["relationships"]["company"]["data"]["id"].is_string()));
    assert!(shipments.iter().all(|s| s["attributes"]["subStatus"].is_string()));

    // fromDate keeps those updated since, and stays in the links.
    let mut updated: Vec<&str> = orders.iter().filter_map(|o| o["attributes"]["updatedAt"].as_str()).collect();
    updated.sort_unstable();
    let since = updated[8];
    let page = get(&sim, &format!("/v1/klasses/order?fromDate={since}&pageSize=2")).await;
    assert_eq!(page["links"]["next"], format!("/v1/klasses/order?fromDate={since}&page=2&pageSize=2"));
    let (recent, _) = walk(&sim, &format!("/v1/klasses/order?fromDate={since}")).await;
    assert_eq!(recent.len(), updated.iter().filter(|u| **u >= since).count());

    let meta = get(&sim, "/v1/metadata/kobject.order").await;
    assert_eq!(meta["data"]["attributes"]["properties"]["totalNum"]["displayName"], "Total");
    assert_error(&send(&sim, Method::GET, "/v1/metadata/kobject.nope", None).await, 404, "not_found");
    assert_error(&send(&sim, Method::GET, "/v1/klasses/nope", None).await, 404, "not_found");
    assert_error(&send(&sim, Method::GET, "/v1/klasses/order?fromDate=soon", None).await, 400, "bad_request");
}

#[tokio::test]
async fn a_customers_and_a_companys_kobjects() {
    let sim = small().await;
    let (orders, _) = walk(&sim, "/v1/klasses/order").await;
    let o = &orders[1];
    let customer = o["relationships"]["customer"]["data"]["id"].as_str().expect("customer");
    let mine = get(&sim, &format!("/v1/customers/{customer}/klasses/order")).await;
    assert_eq!(ids(mine["data"].as_array().expect("data")), [o["id"].as_str().unwrap_or_default()]);
    let company = o["relationships"]["company"]["data"]["id"].as_str().expect("company");
    let (theirs, _) = walk(&sim, &format!("/v1/companies/{company}/klasses/order?pageSize=2")).await;
    let expected = orders.iter().filter(|x| x["relationships"]["company"]["data"]["id"] == company).count();
    assert_eq!(theirs.len(), expected);
    assert!(theirs.iter().any(|x| x["id"] == o["id"]));
    let (shipments, _) = walk(&sim, &format!("/v1/companies/{company}/klasses/shipment")).await;
    assert_eq!(shipments.len(), 2);
    assert_error(&send(&sim, Method::GET, "/v1/customers/nobody/klasses/order", None).await, 404, "not_found");
    // By external id.
    let x = o["attributes"]["externalId"].as_str().expect("externalId");
    let found = get(&sim, &format!("/v1/klasses/order/externalId={x}")).await;
    assert_eq!(found["data"]["id"], o["id"]);
}

#[tokio::test]
async fn kobject_writes_answer_in_the_envelope_and_send_kobject_events() {
    let sim = small().await;
    let sink = Sink::start(0).await;
    let hook = json!({ "url": sink.url, "events": ["kustomer.kobject.*"] });
    let created = send(&sim, Method::POST, "/v1/outbound-webhooks", Some(&hook)).await;
    assert_eq!(created.status, 201);
    let token = created.body["data"]["attributes"]["token"].as_str().expect("token").to_owned();

    let customers = get(&sim, "/v1/customers?pageSize=1").await;
    let customer = customers["data"][0]["id"].as_str().expect("customer").to_owned();
    let body = json!({ "title": "Order X", "externalId": "ord-x", "custom": { "totalNum": 12.5 }, "data": { "a": 1 } });
    let made = send(&sim, Method::POST, &format!("/v1/customers/{customer}/klasses/order"), Some(&body)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert_eq!(made.body["data"]["type"], "kobject.order");
    assert_eq!(made.body["data"]["relationships"]["customer"]["data"]["id"], customer.as_str());
    // A second with the same external id is a conflict; bad fields are 400s.
    assert_error(&send(&sim, Method::POST, "/v1/klasses/order", Some(&body)).await, 409, "conflict");
    assert_error(
        &send(&sim, Method::POST, "/v1/klasses/order", Some(&json!({ "custom": { "x": 1 } }))).await,
        400,
        "bad_request",
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/klasses/order", Some(&json!({ "nonsense": 1 }))).await,
        400,
        "bad_request",
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/klasses/order", Some(&json!({ "customer": "nobody" }))).await,
        400,
        "bad_request",
    );
    assert_error(
        &send(&sim, Method::POST, "/v1/klasses/ghost", Some(&json!({ "title": "x" }))).await,
        404,
        "not_found",
    );

    let patch = json!({ "title": "Order Y", "custom": { "currencyStr": "EUR" }, "data": { "b": 2 } });
    let upd = send(&sim, Method::PUT, &format!("/v1/klasses/order/{id}"), Some(&patch)).await;
    assert_eq!(upd.status, 200);
    let attrs = &upd.body["data"]["attributes"];
    assert_eq!(attrs["title"], "Order Y");
    assert_eq!(attrs["custom"], json!({ "totalNum": 12.5, "currencyStr": "EUR" }));
    assert_eq!(attrs["data"], json!({ "a": 1, "b": 2 }));
    assert!(attrs["updatedAt"].as_str() >= made.body["data"]["attributes"]["updatedAt"].as_str());
    let ro = send_as(&sim, sim.read_only_key(), Method::DELETE, &format!("/v1/klasses/order/{id}"), None).await;
    assert_error(&ro, 403, "forbidden");
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/klasses/order/{id}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, &format!("/v1/klasses/order/{id}"), None).await, 404, "not_found");

    let got = sink.wait_for(3).await;
    let names: Vec<&str> = got.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(
        names,
        ["kustomer.kobject.order.create", "kustomer.kobject.order.update", "kustomer.kobject.order.delete"]
    );
    for d in &got {
        assert_eq!(d.signature, support::sign(&token, &d.body));
        let event: Value = serde_json::from_slice(&d.body).expect("json");
        assert_eq!(event["data"]["id"], id.as_str());
        assert_eq!(event["data"]["type"], "kobject.order");
    }
}

#[tokio::test]
async fn klass_crud_with_conflicts_and_read_only_403s() {
    let sim = small().await;
    let body = json!({ "name": "warranty", "displayName": "Warranty", "icon": "shield" });
    let ro = send_as(&sim, sim.read_only_key(), Method::POST, "/v1/klasses", Some(&body)).await;
    assert_error(&ro, 403, "forbidden");
    let made = send(&sim, Method::POST, "/v1/klasses", Some(&body)).await;
    assert_eq!(made.status, 201);
    let id = made.body["data"]["id"].as_str().expect("id").to_owned();
    assert_error(&send(&sim, Method::POST, "/v1/klasses", Some(&body)).await, 409, "conflict");
    assert_error(
        &send(&sim, Method::POST, "/v1/klasses", Some(&json!({ "name": "Bad Name" }))).await,
        400,
        "bad_request",
    );
    let upd =
        send(&sim, Method::PUT, &format!("/v1/klasses/{id}"), Some(&json!({ "displayName": "Warranties" }))).await;
    assert_eq!(upd.body["data"]["attributes"]["displayName"], "Warranties");
    assert_error(
        &send(&sim, Method::PUT, &format!("/v1/klasses/{id}"), Some(&json!({ "name": "other" }))).await,
        400,
        "bad_request",
    );
    let k = send(&sim, Method::POST, "/v1/klasses/warranty", Some(&json!({ "title": "2 years" }))).await;
    assert_eq!(k.status, 201);
    assert_eq!(get(&sim, "/v1/klasses/warranty").await["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(send(&sim, Method::DELETE, &format!("/v1/klasses/{id}"), None).await.status, 204);
    assert_error(&send(&sim, Method::GET, "/v1/klasses/warranty", None).await, 404, "not_found");
    assert_error(&send(&sim, Method::DELETE, &format!("/v1/klasses/{id}"), None).await, 404, "not_found");
}
