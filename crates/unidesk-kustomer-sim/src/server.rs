//! Starting and stopping the simulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

use crate::config::SimConfig;
use crate::data;
use crate::routes;
use crate::state::Shared;
use crate::store::Store;

/// How long a client may take to send a request's headers (or, on a new
/// connection, its first byte) before the connection is closed. Hyper's timer
/// also runs while a kept-alive connection waits for its next request, so idle
/// connections are closed after this long too (as with Node's default
/// `keepAliveTimeout`, also 5 s); clients reconnect.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// One org a simulator hosts: where it is served and its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// Its name (`org-001`…; `default` when the process hosts one org).
    pub name: String,
    /// The base URL to give the adapter (`http://127.0.0.1:PORT/org-001`).
    pub base_url: String,
    /// The key with every role.
    pub api_key: String,
    /// The key that may only read.
    pub read_only_key: String,
}

/// A running simulator. Dropping it shuts the server down.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    orgs: Vec<Org>,
    /// Each org's state, in the order of `orgs`; the first is the one the methods below act on.
    shared: Vec<Arc<Shared>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Simulator {
    /// Seeds the data and serves it on an ephemeral loopback port.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Seeds the data of every org (see [`SimConfig::orgs`]) and serves it on `addr`.
    pub async fn bind(config: SimConfig, addr: SocketAddr) -> std::io::Result<Simulator> {
        let shared = seed_orgs(&config);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = if let [only] = &shared[..] {
            routes::router(Arc::clone(only))
        } else {
            shared
                .iter()
                .fold(Router::new(), |app, org| app.nest(&org.prefix, routes::router(Arc::clone(org))))
                .fallback(routes::not_found)
        };
        let orgs = shared
            .iter()
            .map(|org| Org {
                name: org.prefix.strip_prefix('/').filter(|n| !n.is_empty()).unwrap_or("default").to_owned(),
                base_url: format!("http://{addr}{}", org.prefix),
                api_key: org.config.api_key.clone(),
                read_only_key: org.config.read_only_key.clone(),
            })
            .collect();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, rx));
        Ok(Simulator { addr, orgs, shared, shutdown: Some(tx) })
    }

    /// The orgs the simulator hosts (one unless [`SimConfig::orgs`] asked for more).
    pub fn orgs(&self) -> &[Org] {
        &self.orgs
    }

    /// The base URL of the first org (`http://127.0.0.1:PORT`, or `…/org-001` when the
    /// process hosts several orgs).
    pub fn base_url(&self) -> String {
        self.orgs.first().map_or_else(|| format!("http://{}", self.addr), |o| o.base_url.clone())
    }

    /// The first org's key with every role.
    pub fn api_key(&self) -> &str {
        self.orgs.first().map_or("", |o| &o.api_key)
    }

    /// The first org's key that may only read (writes get 403).
    pub fn read_only_key(&self) -> &str {
        self.orgs.first().map_or("", |o| &o.read_only_key)
    }

    /// Requests the first org served so far, and how many of them were answered 429.
    pub fn stats(&self) -> (u64, u64) {
        self.first().stats()
    }

    /// Requests org `i` served so far, and how many were answered 429 (`None` past the last org).
    pub fn org_stats(&self, i: usize) -> Option<(u64, u64)> {
        self.shared.get(i).map(|s| s.stats())
    }

    fn first(&self) -> &Shared {
        &self.shared[0]
    }

    /// How many records of `collection` (`conversations`, `messages`…) exist now, deleted ones
    /// left out.
    pub fn count(&self, collection: &str) -> usize {
        self.first().count(collection)
    }

    /// Deletes record `id` of `collection` (`conversations`, `customers`, `companies`,
    /// `messages`, `notes`…) as a `DELETE` would, also where Kustomer's API has no `DELETE`
    /// (companies, messages), as if someone deleted it in Kustomer's app: the record is kept,
    /// marked `deleted: true` with `updatedAt` moved to now, and only a search with
    /// `includeDeleted` finds it; a conversation takes its messages and notes along; webhooks
    /// get `kustomer.<type>.delete`. Returns whether such a record existed (and was not
    /// deleted already).
    pub fn delete(&self, collection: &str, id: &str) -> bool {
        crate::coll::Coll::from_path(collection)
            .is_some_and(|c| crate::routes::writes::delete_record(self.first(), c, id))
    }

    /// Sets the share of requests that fail with injected faults (0.0 turns faults off).
    pub fn set_fault_rate(&self, rate: f64) {
        self.first().set_fault_rate(rate);
    }

    /// Sets the share of bulk-operation items that fail with an injected fault (not applied,
    /// reported per item as retryable), apart from the request fault rate.
    pub fn set_item_fault_rate(&self, rate: f64) {
        self.first().set_item_fault_rate(rate);
    }

    /// Makes the server answer every request with `status` until cleared with `None`.
    pub fn force_status(&self, status: Option<u16>) {
        self.first().force_status(status);
    }

    /// Answers the next `count` authenticated requests with `status` (429s carry
    /// rate-limit headers), then serves normally. Queued after any earlier ones.
    pub fn fail_next(&self, status: u16, count: u32) {
        self.first().fail_next(status, count);
    }

    /// Serves the next authenticated request with a complete HTTP response whose
    /// JSON body is cut in half (a malformed body, not a broken connection).
    pub fn malform_next(&self) {
        self.first().malform_next();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Every org's state, seeded on as many threads as the machine has cores.
fn seed_orgs(config: &SimConfig) -> Vec<Arc<Shared>> {
    let n = config.orgs.max(1);
    let http = reqwest::Client::new();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(n);
    let mut stores: Vec<Option<Store>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let mut slots: Vec<Vec<(usize, &mut Option<Store>)>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, slot) in stores.iter_mut().enumerate() {
            slots[i % threads].push((i, slot));
        }
        for mine in slots {
            scope.spawn(move || {
                for (i, slot) in mine {
                    // Ids of org i start at i·2⁴⁰: no two orgs share an id.
                    let mut store = Store::with_ids_from((i as u64) << 40);
                    data::seed(&mut store, config.org_seed(i), config.conversations);
                    *slot = Some(store);
                }
            });
        }
    });
    stores
        .into_iter()
        .enumerate()
        .map(|(i, store)| {
            let (api_key, read_only_key) = config.org_keys(i);
            let org = SimConfig { seed: config.org_seed(i), api_key, read_only_key, ..config.clone() };
            let prefix = if n == 1 { String::new() } else { format!("/{}", SimConfig::org_name(i)) };
            Arc::new(Shared::new(org, store.unwrap_or_default(), prefix, http.clone()))
        })
        .collect()
}

/// Accepts connections until `shutdown` fires, then lets open ones finish gracefully.
async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    let (closing, closed) = watch::channel(());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors, say: give connections a moment to close.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        tokio::spawn(connection(stream, app.clone(), closed.clone()));
    }
    drop(listener);
    let _ = closing.send(());
}

/// Serves one connection (HTTP/1 or HTTP/2). A client that sends nothing, or
/// not a whole request head, within [`HEADER_READ_TIMEOUT`] is disconnected.
async fn connection(stream: TcpStream, app: Router, mut closing: watch::Receiver<()>) {
    let mut first = [0u8; 1];
    match tokio::time::timeout(HEADER_READ_TIMEOUT, stream.peek(&mut first)).await {
        Ok(Ok(n)) if n > 0 => {}
        _ => return,
    }
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(app));
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = closing.changed() => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}
