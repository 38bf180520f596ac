//! `unidesk serve` as a process: a simulator process registers it as its outbound webhook,
//! writes reach the SQLite mirror through it, a forged delivery gets 401, the secret is never
//! printed, and SIGTERM stops it cleanly; the mirror then equals a fresh `unidesk sync`. With an
//! accounts file: every account is polled into the store and has its own secret.

use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

use unidesk_core::{Helpdesk, ListQuery, Record, Resource, TicketStatus, TicketUpdate};
use unidesk_mirror::SqliteStore;

use crate::support::SimChild;

/// Every live record of account `acme` in the database at `path`, by resource.
async fn live(path: &Path) -> Vec<(Resource, Vec<(String, String)>)> {
    live_of(path, "acme").await
}

/// Every live record of `account` in the database at `path`, by resource.
async fn live_of(path: &Path, account: &str) -> Vec<(Resource, Vec<(String, String)>)> {
    let store = SqliteStore::open(path).await.expect("open");
    let mut out = Vec::new();
    for r in Resource::ALL {
        let rows = store.records(account, r).await.expect("records");
        out.push((r, rows.into_iter().filter(|s| !s.remote_was_deleted).map(|s| (s.id, s.json)).collect()));
    }
    out
}

/// Registers `url` as an outbound webhook of `sim`; returns its signing token.
async fn register(sim: &SimChild, url: &str) -> String {
    let hook: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/outbound-webhooks", sim.base_url))
        .bearer_auth(&sim.api_key)
        .json(&serde_json::json!({ "url": url }))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    hook["data"]["attributes"]["token"].as_str().expect("token").to_owned()
}

/// `unidesk serve` started with `args` (after the global ones) and `env`; returns the child
/// and the lines it announced on stdout.
fn spawn_serve(global: &[&str], args: &[&str], env: &[(&str, &str)]) -> (std::process::Child, Vec<String>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(global)
        .arg("serve")
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("unidesk serve starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut announced = Vec::new();
    while !announced.iter().any(|l: &String| l.starts_with("poll: ")) {
        announced.push(stdout.next().expect("serve prints where it listens").expect("utf8"));
    }
    (child, announced)
}

/// SIGTERM, then the exit status and stderr.
fn terminate(child: std::process::Child) -> (std::process::ExitStatus, String) {
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("serve ends");
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
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
    let token = rt.block_on(register(&sim, &hook_url));

    // Usage errors before anything starts: no secret, an account name that cannot be a URL part.
    let out = sim.unidesk(&["serve", "--to", &to, "--account", "acme"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--webhook-secret"));
    let out = sim.unidesk(&["serve", "--to", &to, "--account", "a/b", "--webhook-secret", "s3cret-hook-value"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret-hook-value"));

    let synced = sim.unidesk(&["sync", "--to", &to, "--account", "acme", "--quiet"]);
    assert!(synced.status.success(), "{}", String::from_utf8_lossy(&synced.stderr));
    let listen = format!("127.0.0.1:{port}");
    let (child, announced) = spawn_serve(
        &["--base-url", &sim.base_url],
        &["--to", &to, "--account", "acme", "--poll", "off", "--listen", &listen],
        &[("KUSTOMER_API_KEY", &sim.api_key), ("UNIDESK_WEBHOOK_SECRET", &token)],
    );
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
    let (status, stderr) = terminate(child);
    assert!(status.success(), "{stderr}");
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

#[test]
fn serve_with_an_accounts_file_polls_every_account_and_keeps_their_secrets_apart() {
    let sim = SimChild::start(&["--conversations", "20", "--rate-limit", "100000"]);
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("mirror.db");
    let to = format!("sqlite:{}", db.display());
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = |account: &str| format!("http://127.0.0.1:{port}/webhooks/kustomer/{account}");
    let (acme, globex) =
        rt.block_on(async { (register(&sim, &url("acme")).await, register(&sim, &url("globex")).await) });
    let file = dir.path().join("accounts.toml");
    let account = |name: &str, var: &str| {
        format!(
            "[[accounts]]\nname = \"{name}\"\nprovider = \"kustomer\"\nbase_url = \"{}\"\ntoken_env = \"SIM_KEY\"\nwebhook_secret_env = \"{var}\"\n",
            sim.base_url
        )
    };
    std::fs::write(&file, account("acme", "HOOK_ACME") + &account("globex", "HOOK_GLOBEX")).expect("write");
    let file = file.display().to_string();

    // A secret that is not there: a usage error naming its variable, before anything starts.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_unidesk"))
        .args(["serve", "--to", &to, "--accounts", &file])
        .env("SIM_KEY", &sim.api_key)
        .env("HOOK_ACME", &acme)
        .env_remove("HOOK_GLOBEX")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HOOK_GLOBEX"));

    let listen = format!("127.0.0.1:{port}");
    let (child, announced) = spawn_serve(
        &[],
        &["--to", &to, "--accounts", &file, "--poll", "1s", "--listen", &listen],
        &[("SIM_KEY", &sim.api_key), ("HOOK_ACME", &acme), ("HOOK_GLOBEX", &globex)],
    );
    for a in ["acme", "globex"] {
        assert!(announced.contains(&format!("webhook: {}", url(a))), "{announced:?}");
    }
    rt.block_on(async {
        // A delivery signed with acme's secret is refused at globex's endpoint.
        let body = br#"{"id":"e1","name":"kustomer.conversation.update","data":{"type":"conversation","id":"x","attributes":{}}}"#;
        let resp = reqwest::Client::new()
            .post(url("globex"))
            .header("x-kustomer-webhook-signature", unidesk_kustomer::webhook::sign(&acme, body))
            .body(body.to_vec())
            .send()
            .await
            .expect("post");
        assert_eq!(resp.status().as_u16(), 401);
        // The first polls sync both accounts in full.
        let start = Instant::now();
        loop {
            let (a, g) = (live_of(&db, "acme").await, live_of(&db, "globex").await);
            let tickets = |s: &[(Resource, Vec<(String, String)>)]| s[0].1.len();
            if tickets(&a) == 20 && tickets(&g) == 20 {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the polls did not sync both accounts");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let (status, stderr) = terminate(child);
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("poll acme:") && stderr.contains("poll globex:"), "{stderr}");
    assert!(!stderr.contains(&acme) && !stderr.contains(&globex), "a secret was printed");
}
