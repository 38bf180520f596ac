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
