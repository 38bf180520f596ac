//! Many orgs of one Kustomer simulator mirrored at once into one SQLite file by
//! `accounts::sync_all` under a concurrency bound smaller than the number of orgs: no more syncs
//! than the bound ever run at once, the bound is reached, and every org ends up mirrored, equal
//! record for record to a sync of that org alone.

#[path = "support/orgs.rs"]
mod orgs;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use orgs::{connect_kustomer, write_accounts};
use unidesk_core::{Helpdesk, Resource};
use unidesk_kustomer_sim::{SimConfig, Simulator};
use unidesk_mirror::accounts::{AccountSpec, AccountsFile, Connect, sync_all};
use unidesk_mirror::error::BoxError;
use unidesk_mirror::{Event, Mirror, SqliteStore, SyncOptions};

const ORGS: usize = 6;
const BOUND: usize = 2;

/// Connects each org from its base URL and token file, counting the syncs under way: one starts
/// when its account connects and ends at its last resource's `Done` (before `sync_all` may start
/// another), so `most` can only over-count, never miss, syncs running at once.
struct Counting {
    live: AtomicUsize,
    most: AtomicUsize,
    done: Mutex<HashMap<String, usize>>,
}

impl Counting {
    fn on_event(&self, account: &str, e: &Event) {
        if let Event::Done { .. } = e {
            let mut done = self.done.lock().expect("lock");
            let n = done.entry(account.to_owned()).or_default();
            *n += 1;
            if *n == Resource::ALL.len() {
                self.live.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

#[async_trait]
impl Connect for Counting {
    async fn connect(&self, spec: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError> {
        let now = self.live.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        connect_kustomer(spec)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orgs_of_one_simulator_sync_under_a_bound_each_equal_to_its_own_sync() {
    let sim =
        Simulator::start(SimConfig { orgs: ORGS, conversations: 40, ..SimConfig::default() }).await.expect("simulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = AccountsFile::load(write_accounts(&sim, dir.path())).expect("accounts file");
    let options = SyncOptions { page_size: 10, ..SyncOptions::default() };
    let counting = Counting { live: AtomicUsize::new(0), most: AtomicUsize::new(0), done: Mutex::default() };
    let store = SqliteStore::open(&dir.path().join("all.db")).await.expect("store");
    let on_event = |account: &str, e: &Event| counting.on_event(account, e);
    let results = sync_all(&file, &counting, &store, &options, BOUND, Some(&on_event)).await;

    assert_eq!(results.len(), ORGS);
    for r in &results {
        assert!(r.result.is_ok(), "{}: {:?}", r.account, r.result);
    }
    let most = counting.most.load(Ordering::SeqCst);
    assert!(most <= BOUND, "{most} syncs ran at once (bound {BOUND})");
    assert_eq!(most, BOUND, "the bound was reached (syncs overlapped)");
    assert_eq!(counting.live.load(Ordering::SeqCst), 0, "every sync ended");

    // Each org alone, into its own file: the shared file holds exactly the same records.
    let alone = SqliteStore::open(&dir.path().join("alone.db")).await.expect("store");
    let mut tickets_by_org = Vec::new();
    for (i, spec) in file.accounts.iter().enumerate() {
        assert_eq!(sim.org_stats(i).expect("org").1, 0, "{}: no 429", spec.name);
        let desk = connect_kustomer(spec).expect("connect");
        Mirror::new(desk.as_ref(), &alone, spec.name.clone())
            .options(options.clone())
            .sync()
            .await
            .expect("sync alone");
        for r in Resource::ALL {
            let shared = store.records(&spec.name, r).await.expect("records");
            let own = alone.records(&spec.name, r).await.expect("records");
            assert!(!own.is_empty(), "{}: {r}: the org has data", spec.name);
            assert!(shared == own, "{}: {r}: {} rows in the shared file, {} alone", spec.name, shared.len(), own.len());
        }
        let tickets = store.records(&spec.name, Resource::Ticket).await.expect("tickets");
        assert_eq!(tickets.len(), 40, "{}: every conversation", spec.name);
        tickets_by_org.push(tickets);
    }
    // The orgs are distinct (their own seeds), so no account was served another org's data.
    for pair in tickets_by_org.windows(2) {
        assert!(pair[0] != pair[1], "two orgs hold the same tickets");
    }
}
