//! `unidesk serve` as a process: a simulator process registers it as its outbound webhook,
//! writes reach the SQLite mirror through it, a forged delivery gets 401, the secret is never
//! printed, and SIGTERM stops it cleanly; the mirror then equals a fresh `unidesk sync`.

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

use unidesk_core::{Helpdesk, ListQuery, Record, Resource, TicketStatus, TicketUpdate};
use unidesk_mirror::SqliteStore;

use crate::support::SimChild;

/// Every live record of account `acme` in the database at `path`, by resource.
async fn live(path: &Path) -> Vec<(Resource, Vec<(String, String)>)> {
    let store = SqliteStore::open(path).await.expect("open");
    let mut out = Vec::new();
    for r in Resource::ALL {
        let rows = store.records("acme", r).await.expect("records");
        out.push((r, rows.into_iter().filter(|s| !s.remote_was_deleted).map(|s| (s.id, s.json)).collect()));
    }
    out
}

#[test]
fn serve_applies_simulator_webhooks_refuses_forgeries_and_stops_on_sigterm() {
    let sim = SimChild::start(&["--conversations", "30", "--rate-limit", "100000"]);
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("mirror.db");
    let to = format!("sqlite:{}", db.display());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");

    // A free port for the receiver, known before it starts: the webhook is registered first.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let hook_url = format!("http://127.0.0.1:{port}/webhooks/kustomer/acme");
    let token = rt.block_on(async {
        let hook: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/v1/outbound-webhooks", sim.base_url))
            .bearer_auth(&sim.api_key)
            .json(&serde_json::json!({ "url": hook_url }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        hook["data"]["attributes"]["token"].as_str().expect("token").to_owned()
    });

    let synced = sim.unidesk(&["sync", "--to", &to, "--account", "acme", "--quiet"]);
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["--base-url", &sim.base_url, "serve", "--to", &to, "--account", "acme", "--poll", "off"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("KUSTOMER_API_KEY", &sim.api_key)
        .env("UNIDESK_WEBHOOK_SECRET", &token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("unidesk serve starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut announced = Vec::new();
    while !announced.iter().any(|l: &String| l.starts_with("poll: ")) {
        announced.push(stdout.next().expect("serve prints where it listens").expect("utf8"));
    }
    assert!(announced.contains(&format!("webhook: {hook_url}")), "{announced:?}");

    let writes = 40;
    rt.block_on(async {
        let client = unidesk_kustomer::KustomerClient::builder()
            .base_url(&sim.base_url)
            .api_key(&sim.api_key)
            .build()
            .expect("client");
        let page = client.tickets().list(&ListQuery::new().page_size(100)).await.expect("tickets");
        for (i, t) in page.items.iter().cycle().take(writes).enumerate() {
            let status = if i % 2 == 0 { TicketStatus::Closed } else { TicketStatus::OnHold };
            let u = TicketUpdate { status: Some(status), subject: Some(format!("e2e {i}")), ..TicketUpdate::default() };
            client.tickets().update(t.id(), &u).await.expect("update");
        }
        // A delivery signed with another key is refused: no ticket `x` appears.
        let body = br#"{"id":"forged","name":"kustomer.conversation.update","data":{"type":"conversation","id":"x","attributes":{}}}"#;
        let resp = reqwest::Client::new()
            .post(&hook_url)
            .header("x-kustomer-webhook-signature", unidesk_kustomer::webhook::sign("guess", body))
            .body(body.to_vec())
            .send()
            .await
            .expect("post");
        assert_eq!(resp.status().as_u16(), 401);
        let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.expect("healthz");
        assert_eq!(health.status().as_u16(), 200);
        // Wait for the deliveries (asynchronous) to land: every write's subject is in the mirror.
        let start = Instant::now();
        loop {
            let now = live(&db).await;
            let tickets = &now.iter().find(|(r, _)| *r == Resource::Ticket).expect("tickets").1;
            let last = format!("\"e2e {}\"", writes - 1);
            if tickets.iter().any(|(_, json)| json.contains(&last)) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the webhooks did not reach the mirror");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });

    // SIGTERM: a clean stop.
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("serve ends");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    let printed = format!("{}{stderr}", announced.join("\n"));
    assert!(!printed.contains(&token), "the webhook secret was printed");

    // The mirror kept fresh by webhooks equals a fresh full sync.
    let fresh = dir.path().join("fresh.db");
    let synced = sim.unidesk(&["sync", "--to", &format!("sqlite:{}", fresh.display()), "--account", "acme", "--quiet"]);
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));
    let (mirrored, truth) = rt.block_on(async { (live(&db).await, live(&fresh).await) });
    assert!(mirrored == truth, "the mirror differs from a fresh sync");
    let tickets = &mirrored.iter().find(|(r, _)| *r == Resource::Ticket).expect("tickets").1;
    assert!(tickets.iter().all(|(id, _)| id != "x"), "the forged delivery was applied");
}
