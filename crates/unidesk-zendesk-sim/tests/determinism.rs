//! One seed, one account: the same bytes on every start; another seed, other data.

mod common;

use common::{config, sim};
use unidesk_zendesk_sim::{SimConfig, Simulator};

async fn snapshot(sim: &Simulator) -> String {
    let mut out = String::new();
    let mut paths: Vec<String> = [
        "/api/v2/tickets.json?per_page=100",
        "/api/v2/users.json?per_page=100&page=2",
        "/api/v2/organizations.json",
        "/api/v2/groups.json",
        "/api/v2/group_memberships.json",
        "/api/v2/ticket_fields.json",
        "/api/v2/user_fields.json",
        "/api/v2/tags.json",
        "/api/v2/deleted_tickets.json",
        "/api/v2/incremental/tickets/cursor.json?start_time=0",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    paths.extend(sim.ticket_ids().iter().take(8).map(|id| format!("/api/v2/tickets/{id}/comments.json")));
    for path in paths {
        let text = reqwest::Client::new()
            .get(format!("{}{path}", sim.base_url()))
            .bearer_auth(sim.token())
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("body");
        out.push_str(&text.replace(&sim.base_url(), "BASE"));
    }
    out
}

#[tokio::test]
async fn the_same_seed_serves_the_same_bytes() {
    let a = sim(150).await;
    let b = sim(150).await;
    assert_ne!(a.base_url(), b.base_url());
    let snap = snapshot(&a).await;
    assert!(snap.len() > 100_000);
    assert_eq!(snap, snapshot(&b).await);
    let c = Simulator::start(SimConfig { seed: 43, ..config(150) }).await.expect("starts");
    assert_ne!(snap, snapshot(&c).await);
}
