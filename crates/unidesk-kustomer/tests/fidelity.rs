//! Fidelity against the simulator, checked the way a new user would: the normalized records
//! against the raw Kustomer records they came from.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use serde_json::Value;
use unidesk_core::{HelpdeskExt, ListQuery};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::{SimConfig, Simulator};

/// Every raw record of a Kustomer list endpoint, page by page.
async fn raw_all(sim: &Simulator, path: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for page in 1.. {
        let url = format!("{}{path}?page={page}&pageSize=100", sim.base_url());
        let body: Value =
            http.get(&url).bearer_auth(sim.api_key()).send().await.expect("get").json().await.expect("json");
        out.extend(body["data"].as_array().cloned().unwrap_or_default());
        if body["links"]["next"].is_null() {
            break;
        }
    }
    out
}

#[tokio::test]
async fn every_contact_is_named_by_the_customers_full_name_and_sets_are_sets() {
    let sim = Simulator::start(SimConfig { conversations: 300, ..SimConfig::default() }).await.expect("sim");
    let client = KustomerClient::builder().base_url(sim.base_url()).api_key(sim.api_key()).build().expect("client");

    let raw: HashMap<String, Value> = raw_all(&sim, "/v1/customers")
        .await
        .into_iter()
        .map(|c| (c["id"].as_str().unwrap_or_default().to_owned(), c))
        .collect();
    let contacts: Vec<_> =
        client.stream_contacts(ListQuery::new().page_size(100)).try_collect().await.expect("contacts");
    assert_eq!(contacts.len(), raw.len());
    let mut checked = 0;
    for c in &contacts {
        let name = raw[&c.id]["attributes"]["name"].as_str().unwrap_or_default();
        if !name.trim().is_empty() {
            assert_eq!(c.name.as_deref(), Some(name), "contact {}: name is Kustomer's name", c.id);
            checked += 1;
        }
    }
    assert!(checked > contacts.len() / 2, "most customers have a name: {checked} of {}", contacts.len());

    // The simulator's own data never repeats a tag on a conversation, and neither does a ticket.
    for conv in raw_all(&sim, "/v1/conversations").await {
        let tags: Vec<&Value> = conv["attributes"]["tags"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
        let unique: HashSet<String> = tags.iter().map(|t| t.to_string()).collect();
        assert_eq!(unique.len(), tags.len(), "conversation {} repeats a tag", conv["id"]);
    }
    let tickets: Vec<_> = client.stream_tickets(ListQuery::new().page_size(100)).try_collect().await.expect("tickets");
    for t in tickets {
        let unique: HashSet<&String> = t.tag_ids.iter().collect();
        assert_eq!(unique.len(), t.tag_ids.len(), "ticket {} repeats a tag", t.id);
    }
}

async fn setup(conversations: usize) -> (Simulator, KustomerClient) {
    let sim = Simulator::start(SimConfig { conversations, ..SimConfig::default() }).await.expect("sim");
    let client = KustomerClient::builder().base_url(sim.base_url()).api_key(sim.api_key()).build().expect("client");
    (sim, client)
}

/// Every record of a listing, as (id, remote_was_deleted) pairs.
async fn walk<T: unidesk_core::Record + serde::Serialize>(
    stream: unidesk_core::RecordStream<'_, T>,
) -> Vec<(String, bool)> {
    let all: Vec<T> = stream.try_collect().await.expect("listing");
    all.iter().map(|r| (r.id().to_owned(), r.remote_was_deleted())).collect()
}

/// Checks the listings of one resource after `gone` were deleted at or after `before`.
fn check_listings(
    what: &str,
    live: &[(String, bool)],
    with_deleted: &[(String, bool)],
    since: &[(String, bool)],
    gone: &[String],
) {
    for id in gone {
        assert!(!live.iter().any(|(i, _)| i == id), "{what}: deleted {id} in the default listing");
        for (listing, name) in [(with_deleted, "include_deleted"), (since, "include_deleted + updated_after")] {
            let hits: Vec<_> = listing.iter().filter(|(i, _)| i == id).collect();
            assert_eq!(hits.len(), 1, "{what}: {name} lists deleted {id} once");
            assert!(hits[0].1, "{what}: {name} marks {id} remote_was_deleted");
        }
    }
    assert!(live.iter().all(|(_, deleted)| !deleted), "{what}: the default listing marks nothing deleted");
    assert_eq!(
        with_deleted.len(),
        live.len() + gone.len(),
        "{what}: include_deleted is the live records and the deleted ones"
    );
    let unique: HashSet<&String> = with_deleted.iter().map(|(i, _)| i).collect();
    assert_eq!(unique.len(), with_deleted.len(), "{what}: no repeats");
    let marked: HashSet<&String> = with_deleted.iter().filter(|(_, d)| *d).map(|(i, _)| i).collect();
    assert!(gone.iter().all(|g| marked.contains(g)), "{what}: every deleted record is marked");
}

#[tokio::test]
async fn deleted_tickets_contacts_accounts_and_comments_are_listed_only_when_asked() {
    use unidesk_core::{Error, Helpdesk, Operation, Resource};
    let (sim, client) = setup(60).await;
    let q = || ListQuery::new().page_size(25);
    let tickets: Vec<String> = client.stream_tickets(q()).map_ok(|t| t.id).try_collect().await.expect("tickets");
    let contacts: Vec<String> = client.stream_contacts(q()).map_ok(|c| c.id).try_collect().await.expect("contacts");
    let accounts: Vec<String> = client.stream_accounts(q()).map_ok(|a| a.id).try_collect().await.expect("accounts");
    let comments_before = client.stream_comments(q()).try_collect::<Vec<_>>().await.expect("comments");

    let before = chrono::Utc::now() - chrono::Duration::milliseconds(1);
    let gone_tickets = vec![tickets[1].clone(), tickets[20].clone(), tickets[41].clone()];
    for id in &gone_tickets {
        client.tickets().delete(id).await.expect("delete a ticket");
    }
    let gone_contacts = vec![contacts[2].clone(), contacts[5].clone(), contacts[9].clone()];
    for id in &gone_contacts {
        client.contacts().delete(id).await.expect("delete a contact");
    }
    // Kustomer's API has no company DELETE: deleted as in Kustomer's app.
    let gone_accounts = vec![accounts[0].clone(), accounts[1].clone(), accounts[3].clone()];
    for id in &gone_accounts {
        assert!(sim.delete("companies", id));
    }
    let gone_comments: Vec<String> = comments_before
        .iter()
        .filter(|c| c.ticket_id.as_ref().is_some_and(|t| gone_tickets.contains(t)))
        .map(|c| c.id.clone())
        .collect();
    assert!(gone_comments.len() >= 3, "the deleted tickets had comments: {gone_comments:?}");

    let deleted = || q().include_deleted(true);
    let since = || q().include_deleted(true).updated_after(before);
    let t = (
        walk(client.stream_tickets(q())).await,
        walk(client.stream_tickets(deleted())).await,
        walk(client.stream_tickets(since())).await,
    );
    check_listings("tickets", &t.0, &t.1, &t.2, &gone_tickets);
    assert_eq!(t.1.len(), 60);
    assert_eq!(
        t.2.iter().map(|(i, _)| i.clone()).collect::<HashSet<_>>(),
        gone_tickets.iter().cloned().collect(),
        "only the deletes changed since"
    );
    let c = (
        walk(client.stream_contacts(q())).await,
        walk(client.stream_contacts(deleted())).await,
        walk(client.stream_contacts(since())).await,
    );
    check_listings("contacts", &c.0, &c.1, &c.2, &gone_contacts);
    let a = (
        walk(client.stream_accounts(q())).await,
        walk(client.stream_accounts(deleted())).await,
        walk(client.stream_accounts(since())).await,
    );
    check_listings("accounts", &a.0, &a.1, &a.2, &gone_accounts);
    let m = (
        walk(client.stream_comments(q())).await,
        walk(client.stream_comments(deleted())).await,
        walk(client.stream_comments(since())).await,
    );
    check_listings("comments", &m.0, &m.1, &m.2, &gone_comments);
    // A deleted record is gone for get.
    let err = client.tickets().get(&gone_tickets[0], false).await.expect_err("deleted");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    // Tags, teams and users have no search context: deleted ones cannot be listed, and the report says so.
    let caps = client.capabilities();
    for r in [Resource::Ticket, Resource::Comment, Resource::Contact, Resource::Account] {
        assert!(caps.supports(r, Operation::ListDeleted), "{r}");
    }
    for r in [Resource::Tag, Resource::Team, Resource::User] {
        assert!(!caps.supports(r, Operation::ListDeleted), "{r}");
        let err = unidesk_core::list_page(&client, r, &deleted()).await.expect_err("unsupported");
        assert!(matches!(err, Error::Unsupported { operation: Operation::ListDeleted, .. }), "{r}: {err:?}");
    }
    // Under a customer or a conversation, Kustomer lists no deleted records: refused, not silently incomplete.
    let under_contact = client.tickets().list(&deleted().contact_id(contacts[0].clone())).await;
    assert!(matches!(under_contact, Err(Error::InvalidInput { .. })), "{under_contact:?}");
    let under_ticket = client.comments().list(&deleted().ticket_id(tickets[0].clone())).await;
    assert!(matches!(under_ticket, Err(Error::InvalidInput { .. })), "{under_ticket:?}");
}

#[tokio::test]
async fn users_list_their_teams_in_team_order_from_the_teams_members() {
    use unidesk_core::Helpdesk;
    let (sim, client) = setup(10).await;
    let teams: Vec<unidesk_core::Team> = client.stream_teams(ListQuery::new()).try_collect().await.expect("teams");
    let before = sim.stats().0;
    let users: Vec<unidesk_core::User> =
        client.stream_users(ListQuery::new().page_size(10)).try_collect().await.expect("users");
    assert_eq!(users.len(), 25);
    assert_eq!(sim.stats().0 - before, 3 + 1, "three pages of users, and the teams read once for the listing");
    let mut in_two = 0;
    for u in &users {
        let expected: Vec<String> =
            teams.iter().filter(|t| t.member_ids.contains(&u.id)).map(|t| t.id.clone()).collect();
        assert_eq!(u.team_ids, expected, "user {}: the teams listing them as members, in team order", u.id);
        let unique: HashSet<&String> = u.team_ids.iter().collect();
        assert_eq!(unique.len(), u.team_ids.len(), "user {}: no repeats", u.id);
        assert!(!u.team_ids.is_empty(), "every simulated agent is in a team");
        in_two += usize::from(u.team_ids.len() >= 2);
    }
    // The simulator puts its first agent in tier0, tier1 and tier3, and the seventh in tier0 and tier3.
    let names = |u: &unidesk_core::User| -> Vec<String> {
        u.team_ids
            .iter()
            .map(|id| teams.iter().find(|t| &t.id == id).and_then(|t| t.name.clone()).unwrap_or_default())
            .collect()
    };
    assert_eq!(names(&users[0]), ["Billing", "Tier 1", "Escalations"]);
    assert_eq!(names(&users[6]), ["Billing", "Escalations"]);
    assert_eq!(in_two, 2);

    // A get fills them too, from the teams read for the listing (no new teams request).
    let before = sim.stats().0;
    let one = client.users().get(&users[0].id, false).await.expect("get");
    assert_eq!(one, users[0]);
    assert_eq!(sim.stats().0 - before, 1, "the teams read a moment ago are reused");

    // Turned off: no teams are read and team_ids stays empty.
    let plain = KustomerClient::builder()
        .base_url(sim.base_url())
        .api_key(sim.api_key())
        .user_teams(false)
        .build()
        .expect("client");
    let before = sim.stats().0;
    let users: Vec<unidesk_core::User> =
        plain.stream_users(ListQuery::new().page_size(500)).try_collect().await.expect("users");
    assert!(users.iter().all(|u| u.team_ids.is_empty()));
    assert_eq!(sim.stats().0 - before, 1);
}

#[tokio::test]
async fn field_definitions_come_from_kustomers_metadata() {
    use unidesk_core::{Error, FieldType, Helpdesk, Operation, Resource};
    let (_sim, client) = setup(10).await;
    let all = client.fields().list(None).await.expect("definitions");
    /// (resource, key, label, type, option values) of one definition.
    type Summary<'a> = (Resource, &'a str, Option<&'a str>, &'a FieldType, Vec<&'a str>);
    let summary: Vec<Summary<'_>> = all
        .iter()
        .map(|d| {
            (
                d.resource,
                d.key.as_str(),
                d.label.as_deref(),
                &d.field_type,
                d.options.iter().map(|o| o.value.as_str()).collect(),
            )
        })
        .collect();
    let text = FieldType::Text;
    let tree = FieldType::Unknown("tree".into());
    assert_eq!(
        summary,
        [
            (Resource::Ticket, "carrierStr", Some("Carrier"), &FieldType::Select, vec!["DHL", "UPS", "FedEx"]),
            (Resource::Ticket, "giftBool", Some("Gift"), &FieldType::Boolean, vec![]),
            (Resource::Ticket, "orderNum", Some("Order number"), &FieldType::Number, vec![]),
            (Resource::Ticket, "shippedAt", Some("Shipped"), &FieldType::Datetime, vec![]),
            (Resource::Contact, "bioTxt", Some("Bio"), &text, vec![]),
            (Resource::Contact, "homepageUrl", Some("Homepage"), &text, vec![]),
            (Resource::Contact, "loyaltyStr", Some("Loyalty"), &FieldType::Select, vec!["gold", "silver"]),
            (Resource::Contact, "ordersNum", Some("Orders"), &FieldType::Number, vec![]),
            (Resource::Contact, "reasonTree", Some("Contact reason"), &tree, vec![]),
            (Resource::Contact, "signupAt", Some("Signed up"), &FieldType::Datetime, vec![]),
            (Resource::Contact, "vipBool", Some("VIP"), &FieldType::Boolean, vec![]),
            (Resource::Account, "seatsNum", Some("Seats"), &FieldType::Number, vec![]),
            (Resource::Account, "tierStr", Some("Tier"), &FieldType::Select, vec!["gold", "silver", "bronze"]),
        ]
    );
    assert!(all.iter().all(|d| d.remote_data.as_ref().is_some_and(|r| r["displayName"].is_string())));
    assert!(client.fields().list(Some(Resource::Comment)).await.expect("messages have none").is_empty());
    let tickets = client.fields().list(Some(Resource::Ticket)).await.expect("tickets");
    assert_eq!(tickets, all[..4]);
    for r in [Resource::Tag, Resource::Team, Resource::User] {
        let err = client.fields().list(Some(r)).await.expect_err("unsupported");
        assert!(
            matches!(err, Error::Unsupported { resource, operation: Operation::ListFields, .. } if resource == r),
            "{err:?}"
        );
        assert!(!client.capabilities().supports(r, Operation::ListFields));
    }
}
