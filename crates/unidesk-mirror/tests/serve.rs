//! The webhook path, on real servers over loopback: the Kustomer simulator registers the
//! receiver as an outbound webhook and delivers signed events to it; the receiver applies them
//! to a SQLite store in a temp file (and, for the 1,000 writes, to a Postgres store in a
//! throwaway cluster the test starts). The truth is a fresh full sync of the same simulator
//! into a second store: the two must hold the same live records.

#[path = "postgres/cluster.rs"]
mod cluster;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::http::HeaderMap;
use unidesk_core::{
    AnyRecord, CommentCreate, ContactCreate, ContactUpdate, Event, Helpdesk, ListQuery, Priority, Record, Resource,
    TicketCreate, TicketStatus, TicketUpdate,
};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer::webhook::WebhookReceiver;
use unidesk_kustomer_sim::{SimConfig, Simulator, WebhookRetry};
use unidesk_mirror::serve::{PollAccount, PollOptions, Polls, Receiver, WebhookAccount, serve};
use unidesk_mirror::store::sqlite::StoredRecord;
use unidesk_mirror::{
    Applied, Change, Checkpoint, Mirror, MirrorError, PassStart, PostgresStore, Reconciled, ResourceStatus,
    SqliteStore, Store, StoreCapabilities,
};

const ACCOUNT: &str = "acme";

/// The store the receiver writes: SQLite in a temp file, or a database of a throwaway cluster.
enum Db {
    Sqlite { store: SqliteStore, _dir: tempfile::TempDir },
    Postgres { store: PostgresStore, _cluster: cluster::Cluster },
}

impl Db {
    async fn sqlite() -> Db {
        let dir = tempfile::tempdir().expect("tmp");
        let store = SqliteStore::open(&dir.path().join("webhooks.db")).await.expect("sqlite");
        Db::Sqlite { store, _dir: dir }
    }

    /// `None` (after a loud message) when PostgreSQL is not installed and servers are not
    /// required; in CI a missing PostgreSQL fails the test.
    async fn postgres() -> Option<Db> {
        let cluster = tokio::task::spawn_blocking(|| cluster::Cluster::start(cluster::Durability::Relaxed))
            .await
            .expect("cluster start")?;
        let url = cluster.fresh_database("serve").await;
        let store = PostgresStore::open(&url).await.expect("postgres");
        Some(Db::Postgres { store, _cluster: cluster })
    }

    fn store(&self) -> &dyn Store {
        match self {
            Db::Sqlite { store, .. } => store,
            Db::Postgres { store, .. } => store,
        }
    }

    async fn records(&self, r: Resource) -> Vec<StoredRecord> {
        match self {
            Db::Sqlite { store, .. } => store.records(ACCOUNT, r).await,
            Db::Postgres { store, .. } => store.records(ACCOUNT, r).await,
        }
        .expect("reading the store")
    }
}

/// A store that can be switched off: while down, every write fails (as a database that went
/// away would), and the failed applies are counted.
struct Switchable {
    inner: Db,
    down: AtomicBool,
    refused_applies: AtomicU64,
    /// Milliseconds every apply takes before it commits (a slow database).
    apply_delay_ms: AtomicU64,
}

impl Switchable {
    fn check(&self) -> unidesk_mirror::Result<()> {
        if self.down.load(Ordering::SeqCst) {
            return Err(MirrorError::store("test store", std::io::Error::other("the database is down")));
        }
        Ok(())
    }
}

#[async_trait]
impl Store for Switchable {
    fn describe(&self) -> String {
        self.inner.store().describe()
    }
    fn capabilities(&self) -> StoreCapabilities {
        self.inner.store().capabilities()
    }
    async fn checkpoint(&self, account: &str, resource: Resource) -> unidesk_mirror::Result<Option<Checkpoint>> {
        self.check()?;
        self.inner.store().checkpoint(account, resource).await
    }
    async fn open_pass(&self, account: &str, r: Resource, cp: &Checkpoint) -> unidesk_mirror::Result<PassStart> {
        self.check()?;
        self.inner.store().open_pass(account, r, cp).await
    }
    async fn commit(&self, a: &str, r: Resource, recs: &[AnyRecord], cp: &Checkpoint) -> unidesk_mirror::Result<()> {
        self.check()?;
        self.inner.store().commit(a, r, recs, cp).await
    }
    async fn finish_pass(&self, a: &str, r: Resource, cp: &Checkpoint) -> unidesk_mirror::Result<Reconciled> {
        self.check()?;
        self.inner.store().finish_pass(a, r, cp).await
    }
    async fn apply(&self, account: &str, changes: &[Change]) -> unidesk_mirror::Result<Applied> {
        if let Err(e) = self.check() {
            self.refused_applies.fetch_add(1, Ordering::SeqCst);
            return Err(e);
        }
        tokio::time::sleep(Duration::from_millis(self.apply_delay_ms.load(Ordering::SeqCst))).await;
        self.inner.store().apply(account, changes).await
    }
    async fn record_error(&self, a: &str, r: Resource, message: &str) -> unidesk_mirror::Result<()> {
        self.check()?;
        self.inner.store().record_error(a, r, message).await
    }
    async fn status(&self) -> unidesk_mirror::Result<Vec<ResourceStatus>> {
        self.inner.store().status().await
    }
}

/// Per resource: id → (tombstone, record JSON).
type Snapshot = BTreeMap<&'static str, BTreeMap<String, (bool, serde_json::Value)>>;

async fn snapshot(db: &Db) -> Snapshot {
    let mut out = Snapshot::new();
    for r in Resource::ALL {
        let rows = db.records(r).await;
        let map = rows
            .into_iter()
            .map(|s| (s.id, (s.remote_was_deleted, serde_json::from_str(&s.json).expect("record JSON"))))
            .collect();
        out.insert(r.plural(), map);
    }
    out
}

fn live(s: &Snapshot) -> BTreeMap<&'static str, BTreeMap<String, serde_json::Value>> {
    s.iter()
        .map(|(t, rows)| {
            (*t, rows.iter().filter(|(_, (dead, _))| !dead).map(|(id, (_, v))| (id.clone(), v.clone())).collect())
        })
        .collect()
}

fn tombstones(s: &Snapshot) -> BTreeMap<&'static str, Vec<String>> {
    s.iter()
        .map(|(t, rows)| (*t, rows.iter().filter(|(_, (dead, _))| *dead).map(|(id, _)| id.clone()).collect()))
        .collect()
}

/// What differs between two live sets, in a few lines (for assertion messages).
fn diff(a: &Snapshot, b: &Snapshot) -> String {
    let (a, b) = (live(a), live(b));
    let mut out = Vec::new();
    for (t, rows) in &b {
        let mine = &a[t];
        for (id, v) in rows {
            match mine.get(id) {
                None => out.push(format!("{t} {id}: missing from the webhook store")),
                Some(m) if m != v => {
                    let fields: Vec<String> = v
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, x)| m.get(k.as_str()) != Some(*x))
                        .map(|(k, x)| {
                            format!("{k}: webhook {} / sync {x}", m.get(k.as_str()).unwrap_or(&serde_json::Value::Null))
                        })
                        .collect();
                    out.push(format!("{t} {id}: {}", fields.join("; ")));
                }
                Some(_) => {}
            }
        }
        for id in mine.keys().filter(|id| !rows.contains_key(*id)) {
            out.push(format!("{t} {id}: only in the webhook store"));
        }
    }
    let n = out.len();
    out.truncate(5);
    format!("{n} differences, first: {}", out.join("\n"))
}

/// Deliveries as received: headers and raw body.
type Deliveries = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

struct Harness {
    sim: Simulator,
    client: KustomerClient,
    store: Arc<Switchable>,
    base: String,
    token: String,
    /// Every delivery the receiver saw, verbatim.
    deliveries: Deliveries,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

fn client_of(sim: &Simulator) -> KustomerClient {
    KustomerClient::builder().base_url(sim.base_url()).api_key(sim.api_key()).build().expect("client")
}

/// The simulator, `db` holding a full sync of it, and the receiver registered as the
/// simulator's outbound webhook; polls every `poll` when given.
async fn start(retry: WebhookRetry, poll: Option<Duration>, db: Db) -> Harness {
    let config = SimConfig {
        conversations: 40,
        rate_limit: 1_000_000,
        object_limit: 100_000,
        webhook_retry: retry,
        ..SimConfig::default()
    };
    let sim = Simulator::start(config).await.expect("simulator");
    let client = client_of(&sim);
    let store = Arc::new(Switchable {
        inner: db,
        down: AtomicBool::new(false),
        refused_applies: AtomicU64::new(0),
        apply_delay_ms: AtomicU64::new(0),
    });
    Mirror::new(&client, store.as_ref(), ACCOUNT).sync().await.expect("the initial full sync");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let hook: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/v1/outbound-webhooks", sim.base_url()))
        .bearer_auth(sim.api_key())
        .json(&serde_json::json!({ "url": format!("{base}/webhooks/kustomer/{ACCOUNT}") }))
        .send()
        .await
        .expect("registering the webhook")
        .json()
        .await
        .expect("its answer");
    let token = hook["data"]["attributes"]["token"].as_str().expect("a signing token").to_owned();

    let deliveries: Deliveries = Arc::default();
    let verifier = WebhookReceiver::new().signing_token(token.clone()).base_url(sim.base_url());
    let seen = Arc::clone(&deliveries);
    let source = move |headers: &HeaderMap, body: &[u8]| -> Result<Vec<Event>, unidesk_core::Error> {
        seen.lock().expect("lock").push((headers.clone(), body.to_vec()));
        Ok(verifier.check(body, headers)?.into_iter().collect())
    };
    let dyn_store: Arc<dyn Store> = store.clone();
    let account = WebhookAccount { provider: "kustomer".into(), name: ACCOUNT.into(), source: Arc::new(source) };
    let receiver = Receiver::new(Arc::clone(&dyn_store), vec![account]).expect("receiver");
    let polls = poll.map(|every| {
        let desk: Arc<dyn Helpdesk> = Arc::new(client.clone());
        let options = PollOptions { every, ..PollOptions::default() };
        Polls::spawn(Arc::clone(&dyn_store), vec![PollAccount { name: ACCOUNT.into(), desk }], options)
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, receiver, polls, async move {
        let _ = rx.await;
    }));
    Harness { sim, client, store, base, token, deliveries, shutdown: Some(tx), server: Some(server) }
}

impl Harness {
    /// A fresh full sync of the simulator as it is now, into a new store.
    async fn truth(&self) -> Snapshot {
        let fresh = Db::sqlite().await;
        Mirror::new(&client_of(&self.sim), fresh.store(), ACCOUNT).sync().await.expect("a fresh full sync");
        snapshot(&fresh).await
    }

    /// Waits until the webhook store's live records equal `truth` (deliveries arrive
    /// asynchronously), or gives up after `limit` with the differences.
    async fn converge(&self, truth: &Snapshot, limit: Duration) -> Snapshot {
        let start = Instant::now();
        loop {
            let now = snapshot(&self.store.inner).await;
            if live(&now) == live(truth) {
                return now;
            }
            assert!(start.elapsed() < limit, "the webhook store did not converge: {}", diff(&now, truth));
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until at least `n` deliveries met the store down (on a busy machine they arrive
    /// later), or fails after 10 s; how many did.
    async fn refused_at_least(&self, n: u64) -> u64 {
        let start = Instant::now();
        loop {
            let refused = self.store.refused_applies.load(Ordering::SeqCst);
            if refused >= n {
                return refused;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "only {refused} deliveries reached the receiver while the store was down"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn post(&self, headers: &HeaderMap, body: Vec<u8>) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new().post(format!("{}/webhooks/kustomer/{ACCOUNT}", self.base)).body(body);
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_bytes());
        }
        let resp = req.send().await.expect("posting a delivery");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or_default())
    }

    async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("served");
        }
    }
}

/// The ids the simulator's seeded org starts with.
async fn ids(client: &KustomerClient, r: Resource) -> Vec<String> {
    let page = unidesk_core::list_page(client, r, &ListQuery::new().page_size(100)).await.expect("listing");
    page.items.iter().map(|x| x.id().to_owned()).collect()
}

/// `n` writes of every kind (ticket updates and creates, comments, contact creates, updates
/// and deletes, ticket deletes), 8 at a time; returns the ids deleted (resource plural → ids).
async fn writes(client: &KustomerClient, n: usize, seed: u64) -> BTreeMap<&'static str, Vec<String>> {
    use futures::StreamExt;
    let tickets = ids(client, Resource::Ticket).await;
    let contacts = ids(client, Resource::Contact).await;
    let rng = Mutex::new(fastrand::Rng::with_seed(seed));
    let pick = |v: &[String]| v[rng.lock().expect("rng").usize(..v.len())].clone();
    // Created records, deleted later by the same run (a created ticket gets no comment, so its
    // deletion takes nothing else along).
    let new_contacts = Mutex::new(Vec::<String>::new());
    let new_tickets = Mutex::new(Vec::<String>::new());
    let deleted = Mutex::new(BTreeMap::<&'static str, Vec<String>>::new());
    let statuses = [TicketStatus::Open, TicketStatus::OnHold, TicketStatus::Closed];
    let one = |i: usize| {
        let (tickets, contacts) = (&tickets, &contacts);
        let (new_contacts, new_tickets, deleted, pick, statuses) =
            (&new_contacts, &new_tickets, &deleted, &pick, &statuses);
        async move {
            match i % 10 {
                0..=3 => {
                    let priority = match i % 4 {
                        0 => Some(Priority::High),
                        2 => Some(Priority::Low),
                        _ => None,
                    };
                    let u = TicketUpdate {
                        status: Some(statuses[i % 3].clone()),
                        subject: Some(format!("subject {i}")),
                        priority,
                        ..TicketUpdate::default()
                    };
                    client.tickets().update(&pick(tickets), &u).await.map(|_| ())
                }
                4 | 5 => {
                    let c = CommentCreate {
                        ticket_id: pick(tickets),
                        body: format!("comment {i}"),
                        html_body: None,
                        is_private: i.is_multiple_of(4),
                        channel: None,
                        author_user_id: None,
                        attachments: Vec::new(),
                    };
                    client.comments().create(&c).await.map(|_| ())
                }
                6 => {
                    let c = ContactCreate {
                        name: Some(format!("Contact {i}")),
                        email: Some(format!("contact{i}-{seed}@example.com")),
                        ..ContactCreate::default()
                    };
                    let made = client.contacts().create(&c).await?;
                    new_contacts.lock().expect("lock").push(made.id);
                    Ok(())
                }
                7 => {
                    let u = ContactUpdate { name: Some(format!("Renamed {i}")), ..ContactUpdate::default() };
                    client.contacts().update(&pick(contacts), &u).await.map(|_| ())
                }
                8 => {
                    let t = TicketCreate {
                        contact_id: pick(contacts),
                        subject: Some(format!("new ticket {i}")),
                        ..TicketCreate::default()
                    };
                    let made = client.tickets().create(&t).await?;
                    new_tickets.lock().expect("lock").push(made.id);
                    Ok(())
                }
                _ => {
                    let (list, plural) =
                        if i % 20 == 9 { (new_contacts, "contacts") } else { (new_tickets, "tickets") };
                    let Some(id) = list.lock().expect("lock").pop() else { return Ok(()) };
                    if plural == "contacts" {
                        client.contacts().delete(&id).await?;
                    } else {
                        client.tickets().delete(&id).await?;
                    }
                    deleted.lock().expect("lock").entry(plural).or_default().push(id);
                    Ok(())
                }
            }
        }
    };
    let results: Vec<unidesk_core::Result<()>> =
        futures::stream::iter(0..n).map(one).buffer_unordered(8).collect().await;
    for r in results {
        r.expect("a simulator write");
    }
    deleted.into_inner().expect("lock")
}

/// `attempts` deliveries at most, 200 ms apart at first, then up to 1 s apart: 30 attempts
/// cover about 28 s of a receiver answering 503.
fn quick_retries(attempts: u32) -> WebhookRetry {
    WebhookRetry {
        attempts,
        first: Duration::from_millis(200),
        max: Duration::from_secs(1),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_writes_by_webhook_equal_a_fresh_full_sync_and_replays_and_forgeries_change_nothing() {
    thousand_writes(Db::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn into_postgres_a_thousand_writes_by_webhook_equal_a_fresh_full_sync() {
    let Some(db) = Db::postgres().await else { return };
    thousand_writes(db).await;
}

/// 1,000 writes by webhook into `db` equal a fresh full sync; replays and forgeries change
/// nothing.
async fn thousand_writes(db: Db) {
    let kind = if matches!(db, Db::Sqlite { .. }) { "sqlite" } else { "postgres" };
    let h = start(quick_retries(10), None, db).await;
    let deleted = writes(&h.client, 1000, 1).await;
    let truth = h.truth().await;
    let mirrored = h.converge(&truth, Duration::from_secs(60)).await;
    let records: usize = live(&mirrored).values().map(BTreeMap::len).sum();
    let delivered = h.deliveries.lock().expect("lock").len();
    assert!(delivered >= 1000, "every write was delivered: {delivered}");
    // Deletions arrived as tombstones, exactly the records deleted.
    let mut expected: BTreeMap<&str, Vec<String>> = Resource::ALL.iter().map(|r| (r.plural(), Vec::new())).collect();
    for (t, mut v) in deleted {
        v.sort();
        expected.insert(t, v);
    }
    assert_eq!(tombstones(&mirrored), expected, "tombstones are the deleted records");
    println!("webhooks into {kind}: {delivered} deliveries, {records} live records equal to a fresh full sync");

    // A replayed delivery (an early one, long superseded) changes nothing: answered as a
    // duplicate by this receiver…
    let (headers, body) = h.deliveries.lock().expect("lock")[0].clone();
    let (status, answer) = h.post(&headers, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["duplicates"], 1, "{answer}");
    assert_eq!(snapshot(&h.store.inner).await, mirrored, "a replay changed the store");
    // …and by a receiver that never saw it (a restarted process): the store holds a newer or
    // equal version of every record it carries.
    let fresh = {
        let verifier = WebhookReceiver::new().signing_token(h.token.clone()).base_url(h.sim.base_url());
        let source = move |headers: &HeaderMap, body: &[u8]| -> Result<Vec<Event>, unidesk_core::Error> {
            Ok(verifier.check(body, headers)?.into_iter().collect())
        };
        let store: Arc<dyn Store> = h.store.clone();
        let account = WebhookAccount { provider: "kustomer".into(), name: ACCOUNT.into(), source: Arc::new(source) };
        Receiver::new(store, vec![account]).expect("receiver")
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let other = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, fresh, None, async move {
        let _ = rx.await;
    }));
    let early: Vec<_> = h.deliveries.lock().expect("lock").iter().take(50).cloned().collect();
    for (headers, body) in early {
        let mut req = reqwest::Client::new().post(format!("{other}/webhooks/kustomer/{ACCOUNT}")).body(body);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_bytes());
        }
        let resp = req.send().await.expect("replaying");
        assert_eq!(resp.status().as_u16(), 200);
        let answer: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(answer["changed"], 0, "a replay after a restart changed a record: {answer}");
    }
    assert_eq!(snapshot(&h.store.inner).await, mirrored, "replays after a restart changed the store");
    let _ = tx.send(());
    task.await.expect("task").expect("served");

    // A bad signature gets 401 and changes nothing; so does a body changed after signing.
    let (headers, body) = h.deliveries.lock().expect("lock").last().cloned().expect("a delivery");
    let mut forged = headers.clone();
    let bad = unidesk_kustomer::webhook::sign("not-the-token", &body);
    forged.insert("x-kustomer-webhook-signature", bad.parse().expect("header"));
    assert_eq!(h.post(&forged, body.clone()).await.0, 401);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b':').expect("a colon") + 1;
    tampered.insert(at, b' ');
    assert_eq!(h.post(&headers, tampered).await.0, 401);
    let mut unsigned = headers.clone();
    unsigned.remove("x-kustomer-webhook-signature");
    assert_eq!(h.post(&unsigned, body).await.0, 401);
    assert_eq!(snapshot(&h.store.inner).await, mirrored, "a refused delivery changed the store");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_sent_while_the_store_is_down_are_retried_by_the_simulator() {
    // The retries must outlast the outage: 30 attempts span about 28 s, the outage lasts as
    // long as the writes take (about a second unloaded) and until 50 deliveries met it.
    let h = start(quick_retries(30), None, Db::sqlite().await).await;
    let down_at = Instant::now();
    h.store.down.store(true, Ordering::SeqCst);
    writes(&h.client, 100, 2).await;
    let refused = h.refused_at_least(50).await;
    h.store.down.store(false, Ordering::SeqCst);
    let outage = down_at.elapsed();
    assert!(
        outage < Duration::from_secs(20),
        "the outage ({outage:?}) outlasts the retries: the test is too slow here"
    );
    let truth = h.truth().await;
    h.converge(&truth, Duration::from_secs(40)).await;
    println!(
        "store down for {:.1}s: {refused} deliveries answered 503, all applied after the simulator retried",
        outage.as_secs_f64()
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_lost_while_the_store_is_down_are_recovered_by_the_poll() {
    // One attempt per delivery: what fails while the store is down is lost for good.
    let h = start(quick_retries(1), Some(Duration::from_millis(500)), Db::sqlite().await).await;
    h.store.down.store(true, Ordering::SeqCst);
    writes(&h.client, 100, 3).await;
    let refused = h.refused_at_least(50).await;
    assert_ne!(live(&snapshot(&h.store.inner).await), live(&h.truth().await), "the lost events are missing");
    h.store.down.store(false, Ordering::SeqCst);
    let truth = h.truth().await;
    h.converge(&truth, Duration::from_secs(30)).await;
    println!("store down: {refused} deliveries lost, recovered by the poll");
    h.stop().await;
}

#[tokio::test]
async fn unknown_accounts_get_404_and_healthz_answers() {
    let h = start(quick_retries(1), None, Db::sqlite().await).await;
    let health: serde_json::Value =
        reqwest::get(format!("{}/healthz", h.base)).await.expect("healthz").json().await.expect("json");
    assert_eq!(health["status"], "ok");
    let resp = reqwest::Client::new()
        .post(format!("{}/webhooks/kustomer/nobody", h.base))
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 404);
    let too_big = vec![b' '; 2 * 1024 * 1024];
    let resp = reqwest::Client::new()
        .post(format!("{}/webhooks/kustomer/{ACCOUNT}", h.base))
        .body(too_big)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 413);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_waits_for_the_delivery_being_committed() {
    let mut h = start(quick_retries(1), None, Db::sqlite().await).await;
    let tickets = ids(&h.client, Resource::Ticket).await;
    h.store.apply_delay_ms.store(1500, Ordering::SeqCst);
    let update = TicketUpdate { subject: Some("in flight at shutdown".into()), ..TicketUpdate::default() };
    h.client.tickets().update(&tickets[0], &update).await.expect("update");
    // The ticket update and nothing else: wait until the receiver holds it (applying, slowly).
    let start = Instant::now();
    while h.deliveries.lock().expect("lock").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "no delivery arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = snapshot(&h.store.inner).await;
    assert!(!before["tickets"][&tickets[0]].1.to_string().contains("in flight"), "not committed yet");
    // Shut down while the commit is under way: the server ends only once it is done.
    if let Some(tx) = h.shutdown.take() {
        let _ = tx.send(());
    }
    h.server.take().expect("server").await.expect("task").expect("served");
    let after = snapshot(&h.store.inner).await;
    assert!(after["tickets"][&tickets[0]].1.to_string().contains("in flight at shutdown"), "the commit was cut short");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_sync_every_account_under_a_concurrency_of_one_then_stop() {
    let db = Db::sqlite().await;
    let store: Arc<dyn Store> = match &db {
        Db::Sqlite { store, .. } => Arc::new(store.clone()),
        Db::Postgres { .. } => unreachable!("a SQLite database"),
    };
    let names = ["a", "b", "c"];
    let accounts = names
        .iter()
        .map(|n| PollAccount {
            name: (*n).into(),
            desk: Arc::new(unidesk_memory::MemoryHelpdesk::with_sample_data(30)),
        })
        .collect();
    let outcomes = Arc::new(Mutex::new(Vec::<(String, bool)>::new()));
    let seen = Arc::clone(&outcomes);
    let options = PollOptions {
        every: Duration::from_secs(3600),
        concurrency: 1,
        on_outcome: Some(Arc::new(move |o| seen.lock().expect("lock").push((o.account.to_owned(), o.result.is_ok())))),
        ..PollOptions::default()
    };
    let polls = Polls::spawn(Arc::clone(&store), accounts, options);
    let start = Instant::now();
    while outcomes.lock().expect("lock").len() < names.len() {
        assert!(start.elapsed() < Duration::from_secs(30), "not every account was polled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    polls.shutdown().await;
    let mut polled = outcomes.lock().expect("lock").clone();
    polled.sort();
    assert_eq!(polled, names.iter().map(|n| ((*n).to_owned(), true)).collect::<Vec<_>>(), "one run each, all fine");
    let status = store.status().await.expect("status");
    for n in names {
        let rows: Vec<_> = status.iter().filter(|s| s.account == n).collect();
        assert_eq!(rows.len(), Resource::ALL.len(), "{n}: every resource");
        assert!(rows.iter().all(|s| s.last_sync.is_some() && !s.in_progress), "{n}: every pass done");
        let tickets = rows.iter().find(|s| s.resource == Resource::Ticket).expect("tickets");
        assert_eq!(tickets.records, 30, "{n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_provider_that_hangs_up_mid_commit_does_not_cut_the_commit_short() {
    let h = start(quick_retries(1), None, Db::sqlite().await).await;
    let tickets = ids(&h.client, Resource::Ticket).await;
    let update = TicketUpdate { subject: Some("before".into()), ..TicketUpdate::default() };
    h.client.tickets().update(&tickets[0], &update).await.expect("update");
    let truth = h.truth().await;
    h.converge(&truth, Duration::from_secs(10)).await;
    // A new delivery for that ticket, later than what the store holds, signed with the token.
    let (_, body) = h.deliveries.lock().expect("lock")[0].clone();
    let mut event: serde_json::Value = serde_json::from_slice(&body).expect("json");
    event["id"] = "hang-up-delivery".into();
    event["data"]["attributes"]["name"] = "after the hang-up".into();
    event["data"]["attributes"]["updatedAt"] = "2099-01-01T00:00:00.000Z".into();
    let body = serde_json::to_vec(&event).expect("json");
    let signature = unidesk_kustomer::webhook::sign(&h.token, &body);
    // The store takes a second; the client gives up after 100 ms.
    h.store.apply_delay_ms.store(1000, Ordering::SeqCst);
    let hung_up = reqwest::Client::new()
        .post(format!("{}/webhooks/kustomer/{ACCOUNT}", h.base))
        .header("x-kustomer-webhook-signature", signature)
        .timeout(Duration::from_millis(100))
        .body(body)
        .send()
        .await;
    assert!(hung_up.is_err(), "the client hung up before the answer");
    let start = Instant::now();
    loop {
        let now = snapshot(&h.store.inner).await;
        if now["tickets"][&tickets[0]].1["subject"] == "after the hang-up" {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the commit was cut short with the connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    h.stop().await;
}
