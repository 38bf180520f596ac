//! Starting and stopping the simulator.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::config::SimConfig;
use crate::data;
use crate::handler::{self, Shared};
use crate::limits::{PerObject, Rolling};
use crate::store::Store;

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
        let shared = Arc::new(Shared {
            limiter: Mutex::new(Rolling::new(config.rate_limit, config.window)),
            objects: Mutex::new(PerObject::new(config.object_limit, config.object_window)),
            faults: Mutex::new(handler::FaultState::new(config.faults.seed)),
            store: Mutex::new(store),
            webhooks: Mutex::new(Vec::new()),
            stats: Default::default(),
            config: config.clone(),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = handler::router(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Simulator { addr, api_key: config.api_key, read_only_key: config.read_only_key, shared, shutdown: Some(tx) })
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

    /// How many records of `collection` (`conversations`, `messages`…) exist now.
    pub fn count(&self, collection: &str) -> usize {
        self.shared.count(collection)
    }

    /// Sets the share of requests that fail with injected faults (0.0 turns faults off).
    pub fn set_fault_rate(&self, rate: f64) {
        self.shared.set_fault_rate(rate);
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
