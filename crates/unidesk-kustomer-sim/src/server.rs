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

/// A running simulator. Dropping it shuts the server down.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    api_key: String,
    read_only_key: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Simulator {
    /// Seeds the data and serves it on an ephemeral loopback port.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Seeds the data and serves it on `addr`.
    pub async fn bind(config: SimConfig, addr: SocketAddr) -> std::io::Result<Simulator> {
        let mut store = Store::default();
        data::seed(&mut store, config.seed, config.conversations);
        let (api_key, read_only_key) = (config.api_key.clone(), config.read_only_key.clone());
        let shared = Arc::new(Shared::new(config, store));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = routes::router(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, rx));
        Ok(Simulator { addr, api_key, read_only_key, shared, shutdown: Some(tx) })
    }

    /// The base URL to give the adapter (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The key with every role.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The key that may only read (writes get 403).
    pub fn read_only_key(&self) -> &str {
        &self.read_only_key
    }

    /// Requests served so far, and how many of them were answered 429.
    pub fn stats(&self) -> (u64, u64) {
        self.shared.stats()
    }

    /// How many records of `collection` (`conversations`, `messages`…) exist now, deleted ones
    /// left out.
    pub fn count(&self, collection: &str) -> usize {
        self.shared.count(collection)
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
            .is_some_and(|c| crate::routes::writes::delete_record(&self.shared, c, id))
    }

    /// Sets the share of requests that fail with injected faults (0.0 turns faults off).
    pub fn set_fault_rate(&self, rate: f64) {
        self.shared.set_fault_rate(rate);
    }

    /// Sets the share of bulk-operation items that fail with an injected fault (not applied,
    /// reported per item as retryable), apart from the request fault rate.
    pub fn set_item_fault_rate(&self, rate: f64) {
        self.shared.set_item_fault_rate(rate);
    }

    /// Makes the server answer every request with `status` until cleared with `None`.
    pub fn force_status(&self, status: Option<u16>) {
        self.shared.force_status(status);
    }

    /// Answers the next `count` authenticated requests with `status` (429s carry
    /// rate-limit headers), then serves normally. Queued after any earlier ones.
    pub fn fail_next(&self, status: u16, count: u32) {
        self.shared.fail_next(status, count);
    }

    /// Serves the next authenticated request with a complete HTTP response whose
    /// JSON body is cut in half (a malformed body, not a broken connection).
    pub fn malform_next(&self) {
        self.shared.malform_next();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
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
