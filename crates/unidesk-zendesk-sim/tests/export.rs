//! The incremental exports: exact across `updated_at` ties, `end_of_stream`, the lag rules,
//! deleted tickets with status `deleted`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{call, config, get, ids, sim};
use reqwest::Method;
use serde_json::json;
use unidesk_zendesk_sim::{SimConfig, Simulator};

/// Walks the cursor export from `start`, returning every (generated_timestamp, id) in order.
async fn walk_cursor(sim: &Simulator, kind: &str, start: i64, per_page: usize) -> Vec<(i64, i64)> {
    let mut url = format!("/api/v2/incremental/{kind}/cursor.json?start_time={start}&per_page={per_page}");
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let (status, doc) = get(sim, &url).await;
        assert_eq!(status, 200, "{doc}");
        let items = doc[kind].as_array().expect("items");
        assert!(items.len() <= per_page);
        for t in items {
            let stamp = if kind == "tickets" {
                t["generated_timestamp"].as_i64().expect("generated_timestamp")
            } else {
                chrono::DateTime::parse_from_rfc3339(t["updated_at"].as_str().expect("updated_at"))
                    .expect("time")
                    .timestamp()
            };
            out.push((stamp, t["id"].as_i64().expect("id")));
        }
        assert!(doc["after_cursor"].is_string(), "after_cursor is kept at the end too");
        if doc["end_of_stream"] == true {
            return out;
        }
        url = doc["after_url"].as_str().expect("after_url").to_owned();
        assert!(url.starts_with(&sim.base_url()));
    }
    panic!("the export never ended");
}

#[tokio::test]
async fn the_cursor_export_is_exact_across_seven_way_ties() {
    let sim = Simulator::start(SimConfig { tie_width: 7, ..config(700) }).await.expect("starts");
    for per_page in [100, 7, 3] {
        let got = walk_cursor(&sim, "tickets", 0, per_page).await;
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted, "ascending by (generated_timestamp, id)");
        let unique: BTreeSet<i64> = got.iter().map(|(_, id)| *id).collect();
        assert_eq!(unique.len(), got.len(), "no ticket twice at per_page {per_page}");
        assert_eq!(got.len(), 700 + sim.count("deleted_tickets"));
        let mut per_second: BTreeMap<i64, usize> = BTreeMap::new();
        for (s, _) in &got {
            *per_second.entry(*s).or_default() += 1;
        }
        assert!(per_second.values().filter(|n| **n == 7).count() >= 99, "7-way ties are seeded");
    }
    // Starting mid-way keeps exactly the tickets at or after the start.
    let all = walk_cursor(&sim, "tickets", 0, 1000).await;
    let start = all[all.len() / 2].0;
    let tail = walk_cursor(&sim, "tickets", start, 7).await;
    assert_eq!(tail, all.iter().copied().filter(|(s, _)| *s >= start).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_time_export_never_splits_a_second_and_ends() {
    let sim = Simulator::start(SimConfig { tie_width: 7, ..config(300) }).await.expect("starts");
    let mut url = format!("{}/api/v2/incremental/tickets.json?start_time=0&per_page=10", sim.base_url());
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, doc) = get(&sim, &url).await;
        assert_eq!(status, 200, "{doc}");
        pages += 1;
        let items = doc["tickets"].as_array().expect("tickets");
        assert_eq!(doc["count"].as_u64(), Some(items.len() as u64));
        let stamps: Vec<i64> = items.iter().map(|t| t["generated_timestamp"].as_i64().expect("ts")).collect();
        if let Some(last) = stamps.last() {
            assert_eq!(doc["end_time"], last + 1);
        }
        seen.extend(ids(&doc, "tickets"));
        let next = doc["next_page"].as_str().expect("next_page").to_owned();
        assert!(next.contains(&format!("start_time={}", doc["end_time"])));
        if doc["end_of_stream"] == true {
            break;
        }
        url = next;
    }
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!((seen.len(), unique.len()), (310, 310));
    assert!(pages >= 22, "{pages} pages of 10 rounded up to whole seconds");
}

#[tokio::test]
async fn deleted_tickets_stay_in_the_exports_unless_excluded() {
    let sim = sim(30).await;
    let id = sim.ticket_ids()[4];
    assert_eq!(call(&sim, Method::DELETE, &format!("/api/v2/tickets/{id}.json"), None).await.status(), 204);
    assert_eq!(get(&sim, &format!("/api/v2/tickets/{id}")).await.0, 404);
    let (_, doc) = get(&sim, "/api/v2/incremental/tickets/cursor.json?start_time=0").await;
    let t = doc["tickets"].as_array().expect("tickets").iter().find(|t| t["id"] == id).cloned().expect("exported");
    assert_eq!(t["status"], "deleted");
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(30 + 10));
    let (_, doc) = get(&sim, "/api/v2/incremental/tickets/cursor.json?start_time=0&exclude_deleted=true").await;
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(29));
    let (_, deleted) = get(&sim, "/api/v2/deleted_tickets.json").await;
    assert!(ids(&deleted, "deleted_tickets").contains(&id));
}

#[tokio::test]
async fn the_lag_hides_fresh_changes_and_refuses_a_recent_start() {
    let sim = Simulator::start(SimConfig { export_lag: Duration::from_secs(60), ..config(20) }).await.expect("starts");
    let id = sim.ticket_ids()[0];
    let resp =
        call(&sim, Method::PUT, &format!("/api/v2/tickets/{id}"), Some(json!({ "ticket": { "priority": "urgent" } })))
            .await;
    assert_eq!(resp.status(), 200);
    let (_, doc) = get(&sim, "/api/v2/incremental/tickets/cursor.json?start_time=0").await;
    assert!(!ids(&doc, "tickets").contains(&id), "a change within the lag is left out");
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(29));
    let now = chrono::Utc::now().timestamp();
    for path in ["incremental/tickets/cursor.json", "incremental/tickets.json"] {
        let (status, doc) = get(&sim, &format!("/api/v2/{path}?start_time={}", now - 10)).await;
        assert_eq!((status, doc["error"].as_str()), (400, Some("StartTimeTooRecent")), "{path}");
    }
    // tap-zendesk's discovery asks the organizations export for now, as an ISO time.
    let iso = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let (status, doc) = get(&sim, &format!("/api/v2/incremental/organizations.json?start_time={iso}")).await;
    assert_eq!((status, doc["end_of_stream"].as_bool()), (200, Some(true)));
    let (status, _) = get(&sim, &format!("/api/v2/incremental/users.json?start_time={}", now + 3600)).await;
    assert_eq!(status, 400, "a future start_time is refused");
}

#[tokio::test]
async fn the_users_export_returns_every_user_once() {
    let sim = sim(10).await;
    let got = walk_cursor(&sim, "users", 0, 40).await;
    let unique: BTreeSet<i64> = got.iter().map(|(_, id)| *id).collect();
    assert_eq!((got.len(), unique.len()), (sim.count("users"), sim.count("users")));
    let (status, doc) = get(&sim, "/api/v2/incremental/organizations.json?start_time=0").await;
    assert_eq!(status, 200);
    assert_eq!(doc["organizations"].as_array().map(Vec::len), Some(sim.count("organizations")));
}

#[tokio::test]
async fn side_loads_come_with_exports_and_lists() {
    let sim = sim(10).await;
    let (_, doc) =
        get(&sim, "/api/v2/incremental/tickets/cursor.json?start_time=0&include=users,groups,organizations").await;
    for key in ["users", "groups", "organizations"] {
        assert!(doc[key].as_array().is_some_and(|a| !a.is_empty()), "{key}");
    }
    let (_, doc) = get(&sim, "/api/v2/tickets.json?include=users").await;
    let requester = doc["tickets"][0]["requester_id"].clone();
    assert!(doc["users"].as_array().expect("users").iter().any(|u| u["id"] == requester));
}

#[tokio::test]
async fn the_ticket_events_export_carries_every_comment_once() {
    let sim = Simulator::start(SimConfig { deleted_tickets: 0, ..config(40) }).await.expect("starts");
    let mut url = format!(
        "{}/api/v2/incremental/ticket_events.json?start_time=0&include=comment_events&per_page=25",
        sim.base_url()
    );
    let mut comments = BTreeSet::new();
    let mut total = 0;
    loop {
        let (status, doc) = get(&sim, &url).await;
        assert_eq!(status, 200, "{doc}");
        for e in doc["ticket_events"].as_array().expect("events") {
            for child in e["child_events"].as_array().expect("children") {
                assert_eq!(child["event_type"], "Comment");
                assert!(child["body"].is_string());
                comments.insert(child["id"].as_i64().expect("id"));
                total += 1;
            }
        }
        if doc["end_of_stream"] == true {
            break;
        }
        url = doc["next_page"].as_str().expect("next_page").to_owned();
    }
    assert_eq!(total, comments.len());
    assert_eq!(total, sim.count("comments"));
    let (_, bare) = get(&sim, "/api/v2/incremental/ticket_events.json?start_time=0").await;
    assert_eq!(bare["ticket_events"][0]["child_events"][0]["comment_present"], true);
}
