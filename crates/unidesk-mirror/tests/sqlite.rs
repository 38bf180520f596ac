//! The SQLite store driven by the engine from the memory adapter: full and incremental
//! passes, deletions, resume, webhook changes, several accounts in one file.

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;
use serde_json::Value;
use unidesk_core::{AnyRecord, Helpdesk, ListQuery, Resource, TicketStatus, TicketUpdate, stream_records};
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::store::rows::{columns, table};
use unidesk_mirror::{Change, Mirror, PassKind, SqliteStore, Store, SyncMode, SyncOptions};

fn options(page_size: u32) -> SyncOptions {
    SyncOptions { page_size, ..SyncOptions::default() }
}

/// Every live record of `r` at the provider, as JSON by id.
async fn listed(desk: &dyn Helpdesk, r: Resource) -> BTreeMap<String, Value> {
    let all: Vec<AnyRecord> = stream_records(desk, r, ListQuery::new()).try_collect().await.expect("list");
    all.into_iter()
        .map(|t| {
            let v = serde_json::to_value(&t).expect("json");
            (v["id"].as_str().expect("id").to_owned(), v)
        })
        .collect()
}

/// What the store holds for (account, r): live records as JSON by id, and tombstones by id.
async fn stored(store: &SqliteStore, account: &str, r: Resource) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let (account, t) = (account.to_owned(), table(r));
    let rows: Vec<(String, bool, String)> = store
        .read(move |c| {
            let mut s = c.prepare(&format!("SELECT id, remote_was_deleted, record FROM {t} WHERE account = ?1"))?;
            let rows = s.query_map([account], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
            rows.collect()
        })
        .await
        .expect("read");
    let (mut live, mut gone) = (BTreeMap::new(), BTreeMap::new());
    for (id, deleted, record) in rows {
        let v: Value = serde_json::from_str(&record).expect("record json");
        assert_eq!(v["remote_was_deleted"], deleted, "{id}: the column and the record agree");
        if deleted {
            gone.insert(id, v)
        } else {
            live.insert(id, v)
        };
    }
    (live, gone)
}

async fn assert_mirrors(store: &SqliteStore, account: &str, desk: &dyn Helpdesk) {
    for r in Resource::ALL {
        let (live, _) = stored(store, account, r).await;
        let want = listed(desk, r).await;
        assert!(!want.is_empty(), "{r}: sample data");
        assert_eq!(live.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{r}: the same ids");
        assert!(live == want, "{r}: the same records");
    }
}

#[tokio::test]
async fn a_full_then_incremental_sync_mirrors_updates_and_deletions_per_account() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::open(&dir.path().join("m.db")).await.expect("open");
    let desk = MemoryHelpdesk::with_sample_data(120);

    let report = Mirror::new(&desk, &store, "acme").options(options(7)).sync().await.expect("first sync");
    assert!(report.resources.iter().all(|r| r.checkpoint.kind == PassKind::Full && r.checkpoint.generation == 0));
    assert_mirrors(&store, "acme", &desk).await;

    let tickets = listed(&desk, Resource::Ticket).await;
    let ids: Vec<&String> = tickets.keys().collect();
    let closed = ids[3].clone();
    let deleted = ids[10].clone();
    let patch = TicketUpdate { status: Some(TicketStatus::Closed), ..TicketUpdate::default() };
    desk.tickets().update(&closed, &patch).await.expect("update");
    desk.tickets().delete(&deleted).await.expect("delete");
    let contact = listed(&desk, Resource::Contact).await.keys().next().expect("a contact").clone();
    desk.contacts().delete(&contact).await.expect("delete contact");

    let report = Mirror::new(&desk, &store, "acme").options(options(7)).sync().await.expect("second sync");
    let tickets_pass = &report.resources[0].checkpoint;
    assert_eq!((tickets_pass.kind, tickets_pass.generation), (PassKind::Incremental, 1));
    assert!(tickets_pass.records < 120, "an incremental pass lists only what changed: {}", tickets_pass.records);
    assert_mirrors(&store, "acme", &desk).await;
    let (live, gone) = stored(&store, "acme", Resource::Ticket).await;
    assert_eq!(live[&closed]["status"], "closed");
    assert_eq!(gone.keys().collect::<Vec<_>>(), [&deleted], "the deleted ticket is a tombstone");
    let (_, gone_comments) = stored(&store, "acme", Resource::Comment).await;
    assert!(!gone_comments.is_empty() && gone_comments.values().all(|c| c["ticket_id"] == deleted.as_str()));
    let (_, gone_contacts) = stored(&store, "acme", Resource::Contact).await;
    assert_eq!(gone_contacts.keys().collect::<Vec<_>>(), [&contact]);

    // A second account in the same file leaves the first alone.
    let other = MemoryHelpdesk::with_sample_data(10);
    Mirror::new(&other, &store, "beta").sync().await.expect("beta");
    assert_mirrors(&store, "beta", &other).await;
    assert_mirrors(&store, "acme", &desk).await;
    let status = store.status().await.expect("status");
    assert_eq!(status.len(), 14, "7 resources for each of 2 accounts");
    let acme_tickets = status.iter().find(|s| s.account == "acme" && s.resource == Resource::Ticket).expect("row");
    assert_eq!((acme_tickets.records, acme_tickets.tombstones, acme_tickets.in_progress), (119, 1, false));
    assert!(acme_tickets.last_sync.is_some() && acme_tickets.last_error.is_none());
}

#[tokio::test]
async fn a_full_pass_tombstones_what_it_no_longer_lists_keeping_the_last_known_record() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::open(&dir.path().join("m.db")).await.expect("open");
    let desk = MemoryHelpdesk::with_sample_data(40);
    Mirror::new(&desk, &store, "a").sync().await.expect("first");
    let before = listed(&desk, Resource::Ticket).await;
    let gone: Vec<String> = before.keys().step_by(10).cloned().collect();
    for id in &gone {
        desk.tickets().delete(id).await.expect("delete");
    }
    let full = SyncOptions { mode: SyncMode::Full, ..SyncOptions::default() };
    let report = Mirror::new(&desk, &store, "a").options(full.clone()).sync().await.expect("full");
    assert_eq!(report.resources[0].checkpoint.kind, PassKind::Full);
    assert_eq!(report.resources[0].new_tombstones, gone.len() as u64);
    assert_eq!(report.resources[0].checkpoint.tombstones, gone.len() as u64);
    let (live, tombs) = stored(&store, "a", Resource::Ticket).await;
    assert_eq!(live.len(), before.len() - gone.len());
    for id in &gone {
        let mut t = tombs[id].clone();
        assert_eq!(t["remote_was_deleted"], true);
        t["remote_was_deleted"] = false.into();
        assert_eq!(t, before[id], "a tombstone is the last known record");
    }
    // Another full pass changes nothing and finds nothing new gone.
    let again = Mirror::new(&desk, &store, "a").options(full).sync().await.expect("again");
    assert_eq!(again.resources[0].new_tombstones, 0);
    assert_eq!(stored(&store, "a", Resource::Ticket).await, (live, tombs));
}

/// Every row of every table, as text, for comparing two databases.
async fn dump(store: &SqliteStore) -> Vec<(String, String, bool, String)> {
    let mut out = Vec::new();
    for r in Resource::ALL {
        let t = table(r);
        let rows: Vec<(String, String, bool, String)> = store
            .read(move |c| {
                let mut s = c.prepare(&format!(
                    "SELECT account, id, remote_was_deleted, record FROM {t} ORDER BY account, id"
                ))?;
                let rows = s.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
                rows.collect()
            })
            .await
            .expect("dump");
        out.extend(rows);
    }
    out
}

#[tokio::test]
async fn a_sync_interrupted_every_few_pages_resumes_to_the_rows_of_a_clean_sync() {
    let dir = tempfile::tempdir().expect("tmp");
    let desk = MemoryHelpdesk::with_sample_data(90);
    let clean = SqliteStore::open(&dir.path().join("clean.db")).await.expect("open");
    Mirror::new(&desk, &clean, "a").options(options(9)).sync().await.expect("clean");
    let cut = SqliteStore::open(&dir.path().join("cut.db")).await.expect("open");
    let mut runs = 0;
    loop {
        runs += 1;
        let opts = SyncOptions { max_pages: Some(4), ..options(9) };
        let report = Mirror::new(&desk, &cut, "a").options(opts).sync().await.expect("run");
        if !report.interrupted {
            break;
        }
        assert!(runs < 200, "the runs make progress");
    }
    assert!(runs > 5, "interrupted {runs} times");
    assert_eq!(dump(&cut).await, dump(&clean).await);
    let status = cut.status().await.expect("status");
    assert!(status.iter().all(|s| !s.in_progress && s.generation == 0));
}

#[tokio::test]
async fn webhook_changes_apply_once_and_never_go_back_in_time() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::open(&dir.path().join("m.db")).await.expect("open");
    let desk = MemoryHelpdesk::with_sample_data(10);
    Mirror::new(&desk, &store, "a").sync().await.expect("sync");
    let id = listed(&desk, Resource::Ticket).await.keys().next().expect("ticket").clone();
    let old = unidesk_core::get_record(&desk, Resource::Ticket, &id, false).await.expect("get");
    let patch = TicketUpdate { subject: Some("changed by a webhook".into()), ..TicketUpdate::default() };
    let new = AnyRecord::Ticket(desk.tickets().update(&id, &patch).await.expect("update"));

    let up = store.apply("a", &[Change::Upsert(new.clone())]).await.expect("apply");
    assert_eq!((up.changed, up.unchanged), (1, 0));
    let replay = store.apply("a", &[Change::Upsert(new.clone())]).await.expect("replay");
    assert_eq!((replay.changed, replay.unchanged), (0, 1), "a replay changes nothing");
    let late = store.apply("a", &[Change::Upsert(old.clone())]).await.expect("older");
    assert_eq!((late.changed, late.unchanged), (0, 1), "an older version never replaces a newer one");
    let (live, _) = stored(&store, "a", Resource::Ticket).await;
    assert_eq!(live[&id]["subject"], "changed by a webhook");

    let delete = Change::Delete { resource: Resource::Ticket, id: id.clone(), at: None };
    assert_eq!(store.apply("a", std::slice::from_ref(&delete)).await.expect("delete").changed, 1);
    assert_eq!(store.apply("a", &[delete]).await.expect("delete again").unchanged, 1);
    assert_eq!(store.apply("a", &[Change::Upsert(new)]).await.expect("update after delete").unchanged, 1);
    let (live, gone) = stored(&store, "a", Resource::Ticket).await;
    assert!(!live.contains_key(&id) && gone[&id]["subject"] == "changed by a webhook");

    // A deletion of a record never seen is kept as a bare tombstone, so its creation event
    // arriving late cannot resurrect it.
    let unseen = Change::Delete { resource: Resource::User, id: "u-never".into(), at: None };
    assert_eq!(store.apply("a", &[unseen]).await.expect("unseen").changed, 1);
    let (_, gone_users) = stored(&store, "a", Resource::User).await;
    assert_eq!(gone_users["u-never"], serde_json::json!({"id": "u-never", "remote_was_deleted": true}));
}

#[tokio::test]
async fn the_migrated_schema_has_every_typed_column_and_reopening_is_harmless() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("nested/folder/m.db");
    let store = SqliteStore::open(&path).await.expect("open creates the folders");
    drop(store);
    let store = SqliteStore::open(&path).await.expect("reopen");
    for r in Resource::ALL {
        let t = table(r);
        let names: BTreeSet<String> = store
            .read(move |c| {
                let mut s = c.prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))?;
                let names = s.query_map([], |row| row.get(0))?;
                names.collect()
            })
            .await
            .expect("columns");
        for c in columns(r) {
            assert!(names.contains(c.name), "{t}.{}", c.name);
        }
        for c in ["account", "id", "record", "remote_was_deleted", "seen_generation", "version_at"] {
            assert!(names.contains(c), "{t}.{c}");
        }
    }
    let versions: Vec<i64> = store
        .read(|c| {
            let mut s = c.prepare("SELECT version FROM refinery_schema_history ORDER BY version")?;
            let v = s.query_map([], |row| row.get(0))?;
            v.collect()
        })
        .await
        .expect("history");
    assert_eq!(versions, [1]);
}

#[tokio::test]
async fn a_failure_is_shown_by_status_until_a_pass_completes() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = SqliteStore::open(&dir.path().join("m.db")).await.expect("open");
    store.record_error("a", Resource::Tag, "upstream error: HTTP 502").await.expect("record");
    let s = store.status().await.expect("status");
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].last_error.as_deref(), Some("upstream error: HTTP 502"));
    assert!(s[0].last_error_at.is_some() && s[0].last_sync.is_none());
    assert_eq!(store.checkpoint("a", Resource::Tag).await.expect("cp"), None, "no checkpoint yet");
    let desk = MemoryHelpdesk::with_sample_data(5);
    Mirror::new(&desk, &store, "a").sync().await.expect("sync");
    let s = store.status().await.expect("status");
    let tags = s.iter().find(|s| s.resource == Resource::Tag).expect("tags");
    assert!(tags.last_error.is_none() && tags.last_sync.is_some(), "{tags:?}");
}
