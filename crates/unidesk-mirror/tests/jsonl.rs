//! The JSONL folder driven by the engine from the memory adapter: the files, the refresh with
//! tombstones, the lock, a filtered snapshot, and what a folder cannot do.

use serde_json::Value;
use unidesk_core::{Helpdesk, Resource};
use unidesk_memory::MemoryHelpdesk;
use unidesk_mirror::{Change, Filter, JsonlStore, Mirror, MirrorError, PassKind, Store, SyncOptions};

fn lines(store: &JsonlStore, r: Resource) -> Vec<Value> {
    std::fs::read_to_string(store.file_of(r))
        .expect("file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

#[tokio::test]
async fn a_second_full_sync_is_a_refresh_that_appends_tombstones_for_what_is_gone() {
    let dir = tempfile::tempdir().expect("tmp");
    let desk = MemoryHelpdesk::with_sample_data(30);
    let (store, notes) = JsonlStore::open(dir.path(), &Filter::default(), None).await.expect("open");
    assert!(notes.is_empty());
    let opts = SyncOptions { page_size: 8, ..SyncOptions::default() };
    let first = Mirror::new(&desk, &store, "x").options(opts.clone()).sync().await.expect("first");
    assert!(first.resources.iter().all(|r| r.checkpoint.generation == 0 && r.checkpoint.done));
    let before = lines(&store, Resource::Ticket);
    assert_eq!(before.len(), 30);

    let gone = before[4]["id"].as_str().expect("id").to_owned();
    desk.tickets().delete(&gone).await.expect("delete");
    let second = Mirror::new(&desk, &store, "x").options(opts).sync().await.expect("refresh");
    let tickets = &second.resources[0];
    assert_eq!((tickets.checkpoint.kind, tickets.checkpoint.generation), (PassKind::Full, 1));
    assert_eq!((tickets.checkpoint.records, tickets.new_tombstones, tickets.checkpoint.tombstones), (29, 1, 1));
    let after = lines(&store, Resource::Ticket);
    assert_eq!(after.len(), 30, "29 live lines, then the tombstone");
    assert_eq!(after[29]["id"], gone.as_str());
    assert_eq!(after[29]["remote_was_deleted"], true);
    let status = store.status().await.expect("status");
    assert_eq!(status.len(), 7);
    assert!(status.iter().all(|s| !s.in_progress && s.generation == 1 && s.last_sync.is_some()));
}

#[tokio::test]
async fn a_folder_is_locked_while_open_and_cannot_take_single_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let (store, _) = JsonlStore::open(dir.path(), &Filter::default(), None).await.expect("open");
    let busy = JsonlStore::open(dir.path(), &Filter::default(), None).await.expect_err("locked");
    assert!(matches!(busy, MirrorError::Busy { .. }), "{busy}");
    assert!(busy.to_string().contains("in use by another sync"), "{busy}");
    let change = Change::Delete { resource: Resource::Tag, id: "t".into(), at: None };
    assert!(matches!(store.apply("x", &[change]).await, Err(MirrorError::Unsupported { .. })));
    assert!(!store.capabilities().upsert);
    drop(store);
    assert!(JsonlStore::open(dir.path(), &Filter::default(), None).await.is_ok(), "free once dropped");
}

#[tokio::test]
async fn a_filtered_snapshot_is_kept_and_another_filter_starts_over_saying_why() {
    let dir = tempfile::tempdir().expect("tmp");
    let desk = MemoryHelpdesk::with_sample_data(30);
    let filter = Filter { updated_after: "2024-01-01T06:00:00Z".parse().ok(), include_deleted: false };
    let opts = SyncOptions { filter: filter.clone(), ..SyncOptions::default() };
    {
        let (store, _) = JsonlStore::open(dir.path(), &filter, None).await.expect("open");
        Mirror::new(&desk, &store, "x").options(opts.clone()).sync().await.expect("filtered");
        let again = Mirror::new(&desk, &store, "x").options(opts).sync().await.expect("again");
        assert!(again.resources.iter().all(|r| r.checkpoint.generation == 0), "a snapshot is not refreshed");
    }
    let (store, notes) = JsonlStore::open(dir.path(), &Filter::default(), None).await.expect("reopen");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("--updated-after 2024-01-01T06:00:00Z; starting over"), "{notes:?}");
    Mirror::new(&desk, &store, "x").sync().await.expect("unfiltered");
    assert_eq!(lines(&store, Resource::Ticket).len(), 30);
}
