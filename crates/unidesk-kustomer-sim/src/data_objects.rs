//! Seed data of the resources kept as [`Doc`]s: sub-statuses (some used by the seeded
//! conversations), the klasses `order` and `shipment` with KObjects linked to customers and
//! companies, and the audit trail of their creation.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Map, Value, json};

use crate::coll::Coll;
use crate::doc::Doc;
use crate::events;
use crate::record::{Id, RelName, ts};
use crate::store::Store;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 12, 1, 0, 0, 0).single().unwrap_or_default()
}

/// The seeded sub-statuses: (label, description, parent status, resource type).
const SUB_STATUSES: [(&str, &str, &str, &str); 7] = [
    ("Investigating", "An agent is looking into it", "open", "conversation"),
    ("Waiting on warehouse", "Blocked on the warehouse's answer", "open", "conversation"),
    ("Awaiting customer", "Snoozed until the customer answers", "snoozed", "conversation"),
    ("Resolved by refund", "Closed with a refund", "done", "conversation"),
    ("Resolved by replacement", "Closed with a replacement sent", "done", "conversation"),
    ("In transit", "The shipment is moving", "open", "kobject"),
    ("Delivered", "The shipment arrived", "done", "kobject"),
];

/// The id of seeded sub-status `i` (fixed, so seeding them uses no ids of the counter).
fn sub_status_id(i: usize) -> String {
    format!("5ab50000000000000000{:04x}", i + 1)
}

/// The sub-status seeded conversation `i` with `status` uses, if any: every third
/// conversation of a status that has conversation sub-statuses.
pub(crate) fn for_conversation(i: usize, status: &str) -> Option<String> {
    if i % 3 != 1 {
        return None;
    }
    let fitting: Vec<usize> = SUB_STATUSES
        .iter()
        .enumerate()
        .filter(|(_, s)| s.2 == status && s.3 == "conversation")
        .map(|(k, _)| k)
        .collect();
    (!fitting.is_empty()).then(|| sub_status_id(fitting[(i / 3) % fitting.len()]))
}

fn map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Seeds the sub-statuses (call before the conversations that use them; their audit entries
/// come with [`seed_kobjects`], so that seeding them takes no ids from the counter).
pub(crate) fn seed_sub_statuses(store: &mut Store) {
    for (i, (label, description, parent, resource)) in SUB_STATUSES.into_iter().enumerate() {
        let id: Id = sub_status_id(i).into();
        let at = base() + Duration::hours(i as i64);
        let attrs = map(json!({ "label": label, "description": description, "parentStatus": parent,
            "resourceType": resource, "enabled": true }));
        let doc = Doc::new("sub_status", id.clone(), format!("/v1/sub-statuses/{id}"), at, attrs);
        store.docs.sub_statuses.insert(id, doc);
    }
}

fn klass(store: &mut Store, at: DateTime<Utc>, name: &str, display: &str, icon: &str, props: Value) -> Id {
    let id = store.new_id(0xc1a5_0001);
    let attrs = map(json!({ "name": name, "displayName": display, "icon": icon, "color": "#5e35b1",
        "status": "active", "metadata": { "properties": props } }));
    store.docs.klasses.insert(id.clone(), Doc::new("klass", id.clone(), format!("/v1/klasses/{id}"), at, attrs));
    store.docs.kobjects.entry(name.into()).or_default();
    events::audit(store, at, "klass", "create", &id, None);
    id
}

#[allow(clippy::too_many_arguments)]
fn kobject(
    store: &mut Store,
    klass: (&str, &Id),
    at: DateTime<Utc>,
    updated: DateTime<Utc>,
    attrs: Value,
    customer: Option<&str>,
    company: Option<&str>,
) {
    let (name, klass_id) = klass;
    let id = store.new_id(0x0b1e_0001);
    let kind = format!("kobject.{name}");
    let mut doc = Doc::new(&kind, id.clone(), format!("/v1/klasses/{name}/{id}"), at, map(attrs));
    doc.updated = updated;
    doc.set_rel("klass", "klass", Some(klass_id));
    doc.set_rel("customer", "customer", customer);
    doc.set_rel("company", "company", company);
    doc.refresh();
    events::audit(store, at, &kind, "create", &id, None);
    store.docs.kobjects.entry(name.into()).or_default().insert(id, doc);
}

/// Customers with an order at most (every other one of the first `2 ×` this many): KObjects
/// are seeded at a bounded scale so large orgs seed as fast and as small as before.
const MAX_ORDERS: usize = 2_000;
/// Companies with shipments at most.
const MAX_SHIPPING_COMPANIES: usize = 250;

/// Seeds the klasses and their KObjects: an `order` for every other customer (linked to the
/// customer and its company; at most [`MAX_ORDERS`]), two `shipment`s per company (at most
/// [`MAX_SHIPPING_COMPANIES`] companies; linked to the company, the first also to an ordering
/// customer of it when there is one), with statuses and sub-statuses.
pub(crate) fn seed_kobjects(store: &mut Store, rng: &mut fastrand::Rng) {
    let subs: Vec<(Id, DateTime<Utc>)> = store.docs.sub_statuses.values().map(|d| (d.id.clone(), d.created)).collect();
    for (id, at) in subs {
        events::audit(store, at, "sub_status", "create", &id, None);
    }
    let t0 = base() + Duration::days(1);
    let order = klass(
        store,
        t0,
        "order",
        "Order",
        "cart",
        json!({ "totalNum": { "displayName": "Total" }, "currencyStr": { "displayName": "Currency" },
            "placedAt": { "displayName": "Placed" } }),
    );
    let shipment = klass(
        store,
        t0 + Duration::minutes(1),
        "shipment",
        "Shipment",
        "truck",
        json!({ "carrierStr": { "displayName": "Carrier" }, "trackingStr": { "displayName": "Tracking number" } }),
    );
    let customers: Vec<(Id, Option<Id>)> = store
        .coll(Coll::Customers)
        .iter()
        .take(2 * MAX_ORDERS)
        .map(|(id, r)| (id.clone(), r.rel_id(RelName::Company).map(Id::from)))
        .collect();
    let mut first_customer_of: std::collections::BTreeMap<Id, Id> = std::collections::BTreeMap::new();
    for (i, (customer, company)) in customers.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        let at = t0 + Duration::hours(1) + Duration::minutes(i as i64 * 3);
        let updated = at + Duration::minutes(rng.i64(0..5_000));
        let attrs = json!({
            "externalId": format!("ord-{i}"),
            "title": format!("Order #{}", 50_000 + i),
            "description": format!("{} items", 1 + i % 4),
            "icon": "cart",
            "status": if i % 4 == 0 { "done" } else { "open" },
            "data": { "items": 1 + i % 4 },
            "custom": { "totalNum": ((i * 37) % 500) as f64 + 0.99, "currencyStr": (["EUR", "USD"][i % 2]),
                "placedAt": ts(at) },
        });
        kobject(store, ("order", &order), at, updated, attrs, Some(customer), company.as_deref());
        if let Some(c) = company {
            first_customer_of.entry(c.clone()).or_insert_with(|| customer.clone());
        }
    }
    let companies: Vec<Id> = store.coll(Coll::Companies).keys().take(MAX_SHIPPING_COMPANIES).cloned().collect();
    for (i, company) in companies.iter().enumerate() {
        for k in 0..2 {
            let at = t0 + Duration::hours(2) + Duration::minutes((i * 2 + k) as i64 * 5);
            let delivered = (i + k) % 3 == 0;
            let mut attrs = json!({
                "externalId": format!("shp-{i}-{k}"),
                "title": format!("Shipment {i}-{k}"),
                "status": if delivered { "done" } else { "open" },
                "subStatus": sub_status_id(if delivered { 6 } else { 5 }),
                "custom": { "carrierStr": (["DHL", "UPS", "FedEx"][(i + k) % 3]), "trackingStr": format!("TRK{:08}", i * 10 + k) },
            });
            if (i + k) % 5 == 4 {
                attrs["images"] = json!([format!("https://img.example/shp/{i}-{k}.png")]);
            }
            let customer = if k == 0 { first_customer_of.get(company).cloned() } else { None };
            let updated = at + Duration::minutes(rng.i64(0..5_000));
            kobject(store, ("shipment", &shipment), at, updated, attrs, customer.as_deref(), Some(company));
        }
    }
}
