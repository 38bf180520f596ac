//! Deterministic seed data at a chosen scale.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::coll::Coll;
use crate::data_objects;
use crate::record::{Draft, Id, RelName, Target, ts};
use crate::store::Store;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().unwrap_or_default()
}

const FIRST: [&str; 10] =
    ["Ana", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giorgos", "Hiroshi", "Ingrid", "José"];
const LAST: [&str; 8] = ["Silva", "Øster", "Nguyễn", "Müller", "O'Brien", "Kowalski", "李", "Dubois"];
const CHANNELS: [&str; 5] = ["email", "chat", "sms", "whatsapp", "voice"];
const STATUSES: [&str; 4] = ["open", "snoozed", "done", "open"];

/// Fills `store` with `conversations` conversations and related records, from `seed`.
pub(crate) fn seed(store: &mut Store, seed: u64, conversations: usize) {
    describe_custom_attributes(store);
    data_objects::seed_sub_statuses(store);
    let mut rng = fastrand::Rng::with_seed(seed);
    let t0 = base();
    let users: Vec<Id> = (0..25)
        .map(|i| {
            let id = store.new_id(0x5e5e_0001);
            let created = t0 + Duration::days(i);
            let mut r = Draft::new(created, created + Duration::hours(i))
                .attr("name", json!(format!("{} {}", FIRST[i as usize % 10], LAST[i as usize % 8])))
                .attr(
                    "displayName",
                    json!(format!(
                        "{} {}.",
                        FIRST[i as usize % 10],
                        LAST[i as usize % 8].chars().next().unwrap_or('?')
                    )),
                )
                .attr("email", json!(format!("agent{i}@acme.example")))
                .attr("userType", json!("user"))
                .attr("roles", json!(["org.user.conversation.read", "org.user.conversation.write"]));
            if i % 9 == 8 {
                r = r.attr("deletedAt", json!(ts(created + Duration::days(30)))).attr("deleted", json!(true));
            }
            if i % 4 != 0 {
                r = r.attr("avatarUrl", json!(format!("https://avatars.example/{i}.png")));
            }
            put(store, Coll::Users, &id, r);
            id
        })
        .collect();
    let teams: Vec<Id> = (0..6)
        .map(|i| {
            let id = store.new_id(0x7ea0_0001);
            let created = t0 + Duration::days(i);
            let mut members: Vec<&Id> = users.iter().skip(i as usize).step_by(6).collect();
            // Some agents are in several teams: agent 0 in tier0, tier1 and tier3, agent 6 in
            // tier0 and tier3 (teams on the golden `teams_page3` keep their members).
            match i {
                1 => members.push(&users[0]),
                3 => members.extend([&users[0], &users[6]]),
                _ => {}
            }
            put(
                store,
                Coll::Teams,
                &id,
                Draft::new(created, created)
                    .attr("name", json!(format!("tier{i}")))
                    .attr(
                        "displayName",
                        json!(["Billing", "Tier 1", "Tier 2", "Escalations", "VIP ⭐", "Returns"][i as usize]),
                    )
                    .attr("members", json!(members)),
            );
            id
        })
        .collect();
    let tags: Vec<Id> = (0..30)
        .map(|i| {
            let id = store.new_id(0x7a90_0001);
            let created = t0 + Duration::hours(i);
            let mut r = Draft::new(created, created)
                .attr("name", json!(format!("{}-{i}", ["refund", "bug", "vip", "délai", "返品"][i as usize % 5])));
            if i % 3 != 0 {
                r = r.attr("color", json!(format!("#{:06x}", (i * 0x3f1a7) % 0xffffff)));
            }
            put(store, Coll::Tags, &id, r);
            id
        })
        .collect();
    let n_companies = conversations / 20 + 1;
    let n_customers = conversations / 2 + 1;
    for (coll, n) in [
        (Coll::Companies, n_companies),
        (Coll::Customers, n_customers),
        (Coll::Conversations, conversations),
        (Coll::Messages, (0..conversations).map(|i| 1 + i % 3).sum()),
        (Coll::Notes, conversations / 2),
    ] {
        store.coll_mut(coll).reserve(n);
    }
    let companies: Vec<Id> = (0..n_companies)
        .map(|i| {
            let id = store.new_id(0xc0a0_0001);
            let created = t0 + Duration::minutes(i as i64 * 17);
            let mut r = Draft::new(created, created + Duration::minutes(rng.i64(0..10_000)))
                .attr(
                    "name",
                    json!(format!("{} {}", ["Acme", "Globex", "Initech", "Umbrella", "Société Générale"][i % 5], i)),
                )
                .attr("domains", json!([format!("company{i}.example")]))
                .attr("custom", json!({ "tierStr": (["gold", "silver", "bronze"][i % 3]), "seatsNum": (i * 7) % 500 }));
            if i % 4 != 0 {
                r = r.attr("externalId", json!(format!("crm-{i}")));
            }
            put(store, Coll::Companies, &id, r);
            id
        })
        .collect();
    let customers: Vec<Id> = (0..n_customers)
        .map(|i| {
            let id = store.new_id(0xc057_0001);
            let created = t0 + Duration::minutes(i as i64 * 11);
            // Updates cluster on whole seconds so many customers share one updatedAt.
            let updated = t0 + Duration::seconds(((i as i64) / 5) * 60 + 86_400);
            let mut r = Draft::new(created, updated.max(created));
            if i % 13 != 0 {
                // Kustomer keeps the full name in `name` and a short form in `displayName`.
                let (first, last) = (FIRST[i % 10], LAST[(i / 10) % 8]);
                let initial: String = last.chars().take(1).collect();
                r = r.attr("name", json!(format!("{first} {last}"))).attr("displayName", json!(format!("{first} {initial}.")));
            }
            let n_emails = 1 + i % 3;
            let emails: Vec<Value> = (0..n_emails)
                .map(|k| json!({ "type": (["home", "work", "other"][k]), "email": format!("c{i}.{k}@mail.example"), "verified": k == 0 }))
                .collect();
            let phones: Vec<Value> = (0..(i % 3)).map(|k| json!({ "type": "mobile", "phone": format!("+1555{i:05}{k}") })).collect();
            r = r
                .attr("emails", Value::Array(emails))
                .attr("phones", Value::Array(phones))
                .attr("tags", json!([tags[i % tags.len()]]))
                .attr(
                    "custom",
                    json!({
                        "loyaltyStr": (["gold", "silver"][i % 2]),
                        "ordersNum": i % 40,
                        "vipBool": i % 7 == 0,
                        "signupAt": ts(created - Duration::days(100)),
                        "bioTxt": "Prefers email ✉️",
                        "homepageUrl": format!("https://example.com/u/{i}"),
                        "reasonTree": "billing.refund",
                    }),
                );
            if i % 5 != 0 {
                r = r.attr("externalId", json!(format!("user-{i}")));
            }
            if i % 6 != 0 {
                r = r.rel(RelName::Company, "company", &companies[i % companies.len()]);
            }
            put(store, Coll::Customers, &id, r);
            id
        })
        .collect();
    for i in 0..conversations {
        let id = store.new_id(0xc0c0_0001);
        let customer = &customers[i % customers.len()];
        let created = t0 + Duration::minutes(i as i64 * 7) + Duration::milliseconds((i as i64 * 137) % 1000);
        // Ties: groups of conversations updated at the same instant.
        let updated = t0 + Duration::days(30) + Duration::seconds((i as i64 / 7) * 45);
        let status = if i % 97 == 96 { "waiting" } else { STATUSES[i % 4] };
        let channel = CHANNELS[i % CHANNELS.len()];
        let mut r = Draft::new(created, updated)
            .attr("name", json!(format!("Order #{} {}", 10_000 + i, ["delayed", "damaged 📦", "refund", "question"][i % 4])))
            .attr("status", json!(status))
            .attr("channels", json!([channel]))
            .attr("tags", json!(two_tags(&tags, i)))
            .attr("assignedUsers", if i % 5 == 0 { json!([]) } else { json!([users[i % users.len()]]) })
            .attr("assignedTeams", json!([teams[i % teams.len()]]))
            .attr("custom", json!({ "orderNum": 10_000 + i, "giftBool": i % 2 == 0, "shippedAt": ts(created - Duration::days(2)), "carrierStr": "DHL" }))
            .rel(RelName::Customer, "customer", customer);
        if i % 11 != 0 {
            r = r.attr("priority", json!(1 + (i % 5)));
        }
        if i % 3 == 0 {
            r = r.attr("preview", json!("Where is my order?"));
        }
        if status == "done" {
            r = r.attr("ended", json!(true)).attr("endedAt", json!(ts(updated)));
        }
        if status == "snoozed" {
            r = r.attr("snooze", json!({ "time": ts(updated + Duration::days(1)), "status": "scheduled" }));
        }
        if let Some(sub) = data_objects::for_conversation(i, status) {
            r = r.attr("subStatus", json!(sub));
        }
        put(store, Coll::Conversations, &id, r);
        let n_messages = 1 + i % 3;
        for k in 0..n_messages {
            let mid = store.new_id(0x3e55_0001);
            let at = created + Duration::minutes(k as i64 * 30);
            let inbound = k % 2 == 0;
            let mut m = Draft::new(at, at)
                .attr("channel", json!(channel))
                .attr("app", json!(if channel == "email" { "postmark" } else { channel }))
                .attr("direction", json!(if inbound { "in" } else { "out" }))
                .attr(
                    "preview",
                    json!(if inbound {
                        format!("Hi, about order {} — any news?", 10_000 + i)
                    } else {
                        "We're on it!".into()
                    }),
                )
                .rel(RelName::Conversation, "conversation", &id)
                .rel(RelName::Customer, "customer", customer);
            if !inbound {
                m = m.rel(RelName::CreatedBy, "user", &users[(i + k) % users.len()]);
            }
            if i % 4 == 0 && k == 0 {
                let aid = store.new_id(0xa77a_0001);
                let attachment = json!({ "type": "attachment", "id": aid, "attributes": { "name": format!("receipt-{i}.pdf"), "contentType": "application/pdf", "contentLength": 20_000 + i } });
                store.attachments.insert(aid.clone(), attachment.to_string().into_boxed_str());
                m.set_rel(RelName::Attachments, Target::Attachments(Box::new([aid])));
            }
            put(store, Coll::Messages, &mid, m);
        }
        if i % 2 == 1 {
            let nid = store.new_id(0x4073_0001);
            let at = created + Duration::minutes(15);
            put(
                store,
                Coll::Notes,
                &nid,
                Draft::new(at, at)
                    .attr("body", json!("Checked with the warehouse — shipping Tuesday."))
                    .rel(RelName::Conversation, "conversation", &id)
                    .rel(RelName::Customer, "customer", customer)
                    .rel(RelName::CreatedBy, "user", &users[i % users.len()]),
            );
        }
    }
    // A generator of its own, so the records above stay as they were before KObjects existed.
    let mut objects_rng = fastrand::Rng::with_seed(seed ^ 0x0b1e);
    data_objects::seed_kobjects(store, &mut objects_rng);
}

/// The metadata of every custom attribute the seeded records use (`GET /v1/metadata/{kind}`).
/// Attributes with a fixed set of values are lists (`enumeration`); `reasonTree` is a tree.
fn describe_custom_attributes(store: &mut Store) {
    let defs = [
        (
            Coll::Companies,
            "tierStr",
            json!({ "type": "string", "displayName": "Tier", "enumeration": ["gold", "silver", "bronze"] }),
        ),
        (Coll::Companies, "seatsNum", json!({ "type": "number", "displayName": "Seats" })),
        (
            Coll::Customers,
            "loyaltyStr",
            json!({ "type": "string", "displayName": "Loyalty", "enumeration": ["gold", "silver"] }),
        ),
        (Coll::Customers, "ordersNum", json!({ "type": "number", "displayName": "Orders" })),
        (Coll::Customers, "vipBool", json!({ "type": "boolean", "displayName": "VIP" })),
        (Coll::Customers, "signupAt", json!({ "type": "date", "displayName": "Signed up" })),
        (Coll::Customers, "bioTxt", json!({ "type": "string", "displayName": "Bio" })),
        (Coll::Customers, "homepageUrl", json!({ "type": "string", "displayName": "Homepage" })),
        (
            Coll::Customers,
            "reasonTree",
            json!({ "type": "string", "displayName": "Contact reason", "tree": "contact-reasons" }),
        ),
        (Coll::Conversations, "orderNum", json!({ "type": "number", "displayName": "Order number" })),
        (Coll::Conversations, "giftBool", json!({ "type": "boolean", "displayName": "Gift" })),
        (Coll::Conversations, "shippedAt", json!({ "type": "date", "displayName": "Shipped" })),
        (
            Coll::Conversations,
            "carrierStr",
            json!({ "type": "string", "displayName": "Carrier", "enumeration": ["DHL", "UPS", "FedEx"] }),
        ),
    ];
    for (coll, name, def) in defs {
        store.define(coll, name, def);
    }
    // Messages carry no custom attributes: their metadata lists none.
    store.define_new(Coll::Messages, Some(&json!({})));
}

fn put(store: &mut Store, coll: Coll, id: &Id, draft: Draft) {
    store.insert(coll, id.clone(), draft.into_rec(coll));
}

/// Conversation `i`'s two tags: `i` and `7i` modulo the tag count, the second moved on by
/// one where they coincide, so no conversation carries the same tag twice.
fn two_tags(tags: &[Id], i: usize) -> [&Id; 2] {
    let n = tags.len();
    let first = i % n;
    let mut second = (i * 7) % n;
    if second == first {
        second = (second + 1) % n;
    }
    [&tags[first], &tags[second]]
}
