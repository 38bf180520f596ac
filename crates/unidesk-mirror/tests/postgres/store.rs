//! The Postgres store through the engine: a full pass equals the provider's listing, a second
//! run is incremental, a full refresh tombstones what is gone, webhook changes apply
//! idempotently, a leased store stops writing once its lease is lost, and status counts.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::Value;
use unidesk_core::{AnyRecord, Helpdesk, ListQuery, Record, Resource, Ticket, stream_records};
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::jobs::JobQueue;
use unidesk_mirror::store::postgres::schema;
use unidesk_mirror::{Change, Mirror, PassKind, PostgresStore, Store, SyncMode, SyncOptions};

use crate::fresh_database;

/// Every listed record of `r`, by id, as JSON.
async fn listing(desk: &dyn Helpdesk, r: Resource) -> BTreeMap<String, Value> {
    stream_records(desk, r, ListQuery::new().page_size(100))
        .map_ok(|rec| (rec.id().to_owned(), serde_json::to_value(&rec).expect("json")))
        .try_collect()
        .await
        .expect("listing")
}

/// Every stored record of `r` for `account`, by id, as JSON, with its tombstone flag.
pub(crate) async fn stored(url: &str, account: &str, r: Resource) -> BTreeMap<String, (Value, bool)> {
    let c = schema::connect(url).await.expect("connect");
    c.query(&format!("SELECT id, record, remote_was_deleted FROM {} WHERE account = $1", r.plural()), &[&account])
        .await
        .expect("select")
        .iter()
        .map(|row| (row.get(0), (row.get(1), row.get(2))))
        .collect()
}

fn live(rows: BTreeMap<String, (Value, bool)>) -> BTreeMap<String, Value> {
    rows.into_iter().filter(|(_, (_, dead))| !dead).map(|(id, (v, _))| (id, v)).collect()
}

#[tokio::test]
async fn a_full_pass_stores_exactly_the_listing_then_runs_incremental_and_refreshes_deletions() {
    let Some(url) = fresh_database("store_sync").await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    let desk = MemoryHelpdesk::with_sample_data(300);
    let report = Mirror::new(&desk, &store, "acme").sync().await.expect("sync");
    assert_eq!(report.resources.len(), 7);
    for r in Resource::ALL {
        let want = listing(&desk, r).await;
        assert!(!want.is_empty(), "{r:?} has sample records");
        assert_eq!(live(stored(&url, "acme", r).await), want, "{r:?}");
        let cp = store.checkpoint("acme", r).await.expect("cp").expect("present");
        assert!(cp.done && cp.listed && cp.records == want.len() as u64, "{cp:?}");
        assert_eq!(cp.kind, PassKind::Full);
    }
    // The same account name in another store key space: a second account does not collide.
    Mirror::new(&desk, &store, "globex").sync_resources(&[Resource::Tag]).await.expect("globex");
    assert_eq!(live(stored(&url, "globex", Resource::Tag).await), listing(&desk, Resource::Tag).await);

    // Changes at the provider, then the next run: incremental, and the change arrives.
    let first = listing(&desk, Resource::Ticket).await.into_keys().next().expect("a ticket");
    let patch = unidesk_core::TicketUpdate { subject: Some("changed".into()), ..Default::default() };
    desk.tickets().update(&first, &patch).await.expect("update");
    let report = Mirror::new(&desk, &store, "acme").sync().await.expect("incremental");
    assert!(report.resources.iter().all(|r| r.checkpoint.kind == PassKind::Incremental));
    let rows = stored(&url, "acme", Resource::Ticket).await;
    assert_eq!(rows[&first].0["subject"], "changed");

    // A ticket deleted at the provider: a full pass without a filter tombstones it.
    let gone = listing(&desk, Resource::Ticket).await.into_keys().nth(3).expect("another ticket");
    desk.tickets().delete(&gone).await.expect("delete");
    let opts = SyncOptions { mode: SyncMode::Full, ..SyncOptions::default() };
    let report =
        Mirror::new(&desk, &store, "acme").options(opts).sync_resources(&[Resource::Ticket]).await.expect("full");
    assert!(report.resources[0].new_tombstones >= 1);
    let rows = stored(&url, "acme", Resource::Ticket).await;
    assert!(rows[&gone].1, "tombstoned");
    assert_eq!(rows[&gone].0["remote_was_deleted"], true, "the record says so too");
    assert_eq!(live(rows), listing(&desk, Resource::Ticket).await);

    let status = store.status().await.expect("status");
    let tickets = status.iter().find(|s| s.account == "acme" && s.resource == Resource::Ticket).expect("row");
    assert_eq!(tickets.tombstones, 1);
    assert_eq!(tickets.records, listing(&desk, Resource::Ticket).await.len() as u64);
    assert!(tickets.last_sync.is_some() && !tickets.in_progress && tickets.last_error.is_none());
    assert!(status.iter().any(|s| s.account == "globex"));
}

fn ticket(id: &str, subject: &str, updated: &str) -> AnyRecord {
    AnyRecord::Ticket(Ticket {
        id: id.into(),
        subject: Some(subject.into()),
        updated_at: Some(updated.parse().expect("time")),
        ..Ticket::default()
    })
}

#[tokio::test]
async fn changes_apply_once_never_older_over_newer_and_deletes_tombstone() {
    let Some(url) = fresh_database("store_apply").await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    let new = [
        Change::Upsert(ticket("t1", "v2", "2026-01-02T00:00:00Z")),
        Change::Upsert(ticket("t2", "x", "2026-01-01T00:00:00Z")),
    ];
    let a = store.apply("acme", &new).await.expect("apply");
    assert_eq!((a.changed, a.unchanged), (2, 0));
    let replay = store.apply("acme", &new).await.expect("replay");
    assert_eq!((replay.changed, replay.unchanged), (0, 2), "a replay changes nothing");
    let older =
        store.apply("acme", &[Change::Upsert(ticket("t1", "v1", "2026-01-01T00:00:00Z"))]).await.expect("older");
    assert_eq!(older.changed, 0);
    let rows = stored(&url, "acme", Resource::Ticket).await;
    assert_eq!(rows["t1"].0["subject"], "v2", "an older version never replaces a newer one");
    let del = Change::Delete { resource: Resource::Ticket, id: "t2".into(), at: None };
    assert_eq!(store.apply("acme", std::slice::from_ref(&del)).await.expect("delete").changed, 1);
    assert_eq!(store.apply("acme", &[del]).await.expect("again").changed, 0);
    assert!(stored(&url, "acme", Resource::Ticket).await["t2"].1);
    let mixed = store
        .apply(
            "acme",
            &[
                Change::Upsert(ticket("t1", "oops", "2026-01-03T00:00:00Z")),
                Change::Upsert(AnyRecord::Tag(Default::default())),
            ],
        )
        .await;
    assert!(mixed.is_ok(), "several resources commit together");
}

#[tokio::test]
async fn a_leased_store_writes_nothing_once_its_lease_is_taken_over() {
    let Some(url) = fresh_database("store_lease").await else { return };
    let store = PostgresStore::open(&url).await.expect("open");
    let q = JobQueue::new(schema::connect(&url).await.expect("connect"));
    q.enqueue(&[("acme".into(), "tickets".into())]).await.expect("enqueue");
    let lease = q.claim("w1", Duration::from_millis(400)).await.expect("claim").expect("due");
    let leased = store.with_lease(lease);
    let desk = MemoryHelpdesk::with_sample_data(20);
    Mirror::new(&desk, &leased, "acme").sync_resources(&[Resource::Ticket]).await.expect("synced under the lease");
    let wrong = Mirror::new(&desk, &leased, "acme").sync_resources(&[Resource::Tag]).await;
    assert!(wrong.is_err(), "another job's resource is refused");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let _second = q.claim("w2", Duration::from_secs(30)).await.expect("claim").expect("taken over");
    let before = stored(&url, "acme", Resource::Ticket).await;
    let cp_before = store.checkpoint("acme", Resource::Ticket).await.expect("cp");
    let e = leased
        .commit("acme", Resource::Ticket, &[ticket("new", "x", "2030-01-01T00:00:00Z")], &Default::default())
        .await;
    assert!(e.expect_err("lease lost").to_string().contains("lease"), "says why");
    assert_eq!(stored(&url, "acme", Resource::Ticket).await, before, "no row written");
    assert_eq!(store.checkpoint("acme", Resource::Ticket).await.expect("cp"), cp_before, "no checkpoint written");
}

#[tokio::test]
async fn the_tables_have_the_shared_typed_columns_and_an_index_on_each_indexed_one() {
    let Some(url) = fresh_database("store_schema").await else { return };
    let _store = PostgresStore::open(&url).await.expect("open");
    let c = schema::connect(&url).await.expect("connect");
    for r in Resource::ALL {
        let t = unidesk_mirror::store::rows::table(r);
        let cols: Vec<String> = c
            .query("SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", &[&t])
            .await
            .expect("columns")
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut want = vec!["account".to_owned(), "id".to_owned()];
        want.extend(unidesk_mirror::store::rows::columns(r).iter().map(|c| c.name.to_owned()));
        want.extend(["remote_was_deleted", "deleted_at", "version_at", "seen_generation", "record"].map(String::from));
        assert_eq!(cols, want, "{t}");
        let indexes: Vec<String> = c
            .query("SELECT indexdef FROM pg_indexes WHERE tablename = $1", &[&t])
            .await
            .expect("indexes")
            .iter()
            .map(|row| row.get(0))
            .collect();
        for col in unidesk_mirror::store::rows::columns(r).iter().filter(|c| c.indexed) {
            assert!(
                indexes.iter().any(|i| i.contains(&format!("(account, {})", col.name))),
                "{t}.{}: {indexes:?}",
                col.name
            );
        }
    }
}
