//! Several orgs in one process (`SimConfig::orgs`): each served under its own path with its
//! own data, keys and rate limit; a key opens only its own org, and one org's ids are
//! unknown to the others.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use unidesk_kustomer_sim::{Org, SimConfig, Simulator};

async fn orgs(n: usize, rate_limit: u32) -> Simulator {
    let config =
        SimConfig { orgs: n, conversations: 30, rate_limit, window: Duration::from_secs(60), ..SimConfig::default() };
    Simulator::start(config).await.expect("simulator starts")
}

/// Status and JSON body of `GET base_url + path` with `key`.
async fn get(base_url: &str, key: &str, path: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let resp = reqwest::Client::new()
        .request(Method::GET, format!("{base_url}{path}"))
        .bearer_auth(key)
        .send()
        .await
        .expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body, headers)
}

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn each_org_has_its_own_path_keys_and_data() {
    let sim = orgs(3, 1000).await;
    let all: Vec<Org> = sim.orgs().to_vec();
    assert_eq!(all.len(), 3);
    assert_eq!(all.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["org-001", "org-002", "org-003"]);
    assert_eq!(sim.base_url(), all[0].base_url);
    let mut seen: Vec<Vec<String>> = Vec::new();
    for org in &all {
        assert!(org.base_url.ends_with(&format!("/{}", org.name)), "{}", org.base_url);
        let (status, page, _) = get(&org.base_url, &org.api_key, "/v1/conversations?page=1&pageSize=100").await;
        assert_eq!(status, 200, "{page}");
        let mine = ids(&page);
        assert_eq!(mine.len(), 30);
        // The read-only key reads its org.
        let (status, _, _) = get(&org.base_url, &org.read_only_key, "/v1/customers?page=1&pageSize=5").await;
        assert_eq!(status, 200);
        seen.push(mine);
    }
    // Distinct ids across orgs, and different seeded data (each org has its own seed).
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        assert!(seen[a].iter().all(|id| !seen[b].contains(id)), "orgs {a} and {b} share an id");
    }
    let (_, c0, _) = get(&all[0].base_url, &all[0].api_key, "/v1/companies?page=1&pageSize=1").await;
    let (_, c1, _) = get(&all[1].base_url, &all[1].api_key, "/v1/companies?page=1&pageSize=1").await;
    assert_ne!(c0["data"][0]["attributes"]["updatedAt"], c1["data"][0]["attributes"]["updatedAt"]);

    // Another org's key: 401 on this org's path.
    let (status, body, _) = get(&all[1].base_url, &all[0].api_key, "/v1/conversations").await;
    assert_eq!(status, 401, "{body}");
    let (status, _, _) = get(&all[1].base_url, &all[0].read_only_key, "/v1/conversations").await;
    assert_eq!(status, 401);
    // This org's key, another org's record: 404.
    let foreign = &seen[0][0];
    let (status, _, _) = get(&all[1].base_url, &all[1].api_key, &format!("/v1/conversations/{foreign}")).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&all[0].base_url, &all[0].api_key, &format!("/v1/conversations/{foreign}")).await;
    assert_eq!(status, 200);
    // No org at the root, and an unknown org: Kustomer's JSON 404.
    let root = all[0].base_url.trim_end_matches("/org-001").to_owned();
    let (status, body, _) = get(&root, &all[0].api_key, "/v1/conversations").await;
    assert_eq!((status, body["errors"][0]["status"].as_u64()), (404, Some(404)));
    let (status, _, _) = get(&root, &all[0].api_key, "/org-999/v1/conversations").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn each_org_has_its_own_rate_limit() {
    let sim = orgs(2, 3).await;
    let (a, b) = (&sim.orgs()[0], &sim.orgs()[1]);
    for n in 0..3 {
        let (status, _, headers) = get(&a.base_url, &a.api_key, "/v1/tags").await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-ratelimit-remaining"], (2 - n).to_string().as_str());
    }
    let (status, _, _) = get(&a.base_url, &a.api_key, "/v1/tags").await;
    assert_eq!(status, 429, "org-001 spent its 3 requests");
    // org-002's window is untouched by org-001's requests.
    let (status, _, headers) = get(&b.base_url, &b.api_key, "/v1/tags").await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-ratelimit-remaining"], "2");
    assert_eq!(sim.org_stats(0), Some((4, 1)));
    assert_eq!(sim.org_stats(1), Some((1, 0)));
    assert_eq!(sim.org_stats(2), None);
}

#[tokio::test]
async fn one_org_is_served_at_the_root_as_before() {
    let sim = orgs(1, 1000).await;
    assert_eq!(sim.orgs().len(), 1);
    assert_eq!(sim.orgs()[0].name, "default");
    assert_eq!(sim.api_key(), SimConfig::default().api_key);
    let (status, page, _) = get(&sim.base_url(), sim.api_key(), "/v1/conversations?page=1&pageSize=100").await;
    assert_eq!((status, ids(&page).len()), (200, 30));
}
