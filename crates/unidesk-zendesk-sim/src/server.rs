//! Starting and stopping the simulator, and its test hooks.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::config::SimConfig;
use crate::data;
use crate::injection::Fault;
use crate::routes;
use crate::state::{Shared, lock};
use crate::store::{Kind, Store};

/// A running simulator. Dropping it shuts the server down.
#[derive(Debug)]
pub struct Simulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Simulator {
    /// Seeds the account and serves it on an ephemeral loopback port.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Seeds the account and serves it on `addr`.
    pub async fn bind(config: SimConfig, addr: SocketAddr) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let mut store = Store::new(format!("http://{addr}"));
        let seeded = data::seed(&mut store, &config);
        let shared = Arc::new(Shared::new(config, store, seeded));
        let app = routes::router(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Simulator { addr, shared, shutdown: Some(tx) })
    }

    /// The account's root URL (`http://127.0.0.1:PORT`); the API is under `/api/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The email of the API-token credential (Basic `{email}/token:{token}`).
    pub fn email(&self) -> &str {
        &self.shared.config.email
    }

    /// The API token (also accepted as `Authorization: Bearer {token}`).
    pub fn token(&self) -> &str {
        &self.shared.config.token
    }

    /// A token that may only read: writes get 403.
    pub fn read_only_token(&self) -> &str {
        &self.shared.config.read_only_token
    }

    /// The settings the simulator runs with.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// Requests served so far, and how many of them were answered 429.
    pub fn stats(&self) -> (u64, u64) {
        self.shared.stats()
    }

    /// Webhook deliveries so far: answered 2xx, and failed (no answer or another status).
    pub fn webhook_deliveries(&self) -> (u64, u64) {
        self.shared.hooks.outcomes()
    }

    /// How many live records `collection` holds now: `tickets` (soft-deleted ones left out),
    /// `deleted_tickets`, `users` (end users, agents and admins, inactive ones included),
    /// `organizations`, `groups`, `group_memberships`, `comments` (of live tickets),
    /// `ticket_fields`, `user_fields`, `organization_fields`. Unknown names count 0.
    pub fn count(&self, collection: &str) -> usize {
        let store = lock(&self.shared.store);
        match collection {
            "deleted_tickets" => store.table(Kind::Tickets).all().filter(|(_, t)| t.deleted_at.is_some()).count(),
            "comments" => {
                let tickets = store.table(Kind::Tickets);
                store.comments.iter().filter(|(id, _)| tickets.live(**id).is_some()).map(|(_, c)| c.len()).sum()
            }
            other => Kind::from_plural(other).map_or(0, |k| store.table(k).live_count()),
        }
    }

    /// The ids of the live tickets, ascending.
    pub fn ticket_ids(&self) -> Vec<i64> {
        lock(&self.shared.store).table(Kind::Tickets).live_rows().map(|(id, _)| id).collect()
    }

    /// Soft-deletes ticket `id` as `DELETE /api/v2/tickets/{id}` would. Returns whether a live
    /// ticket had that id.
    pub fn delete_ticket(&self, id: i64) -> bool {
        routes::lists::delete_live(&self.shared, id)
    }

    /// Sets the share of requests that fail with injected faults (0.0 turns faults off).
    pub fn set_fault_rate(&self, rate: f64) {
        lock(&self.shared.faults).set_rate(rate);
    }

    /// Answers every authenticated request with `status` until cleared with `None`.
    pub fn force_status(&self, status: Option<u16>) {
        lock(&self.shared.faults).force(status);
    }

    /// Answers the next `count` authenticated requests with `status` (a 429 carries
    /// `Retry-After`), then serves normally. Queued after earlier ones.
    pub fn fail_next(&self, status: u16, count: u32) {
        self.shared.queue(Fault::Status(status), count);
    }

    /// Serves the next authenticated request with a complete response whose JSON body is cut
    /// in half.
    pub fn malform_next(&self) {
        self.shared.queue(Fault::Malformed, 1);
    }

    /// Sends the next authenticated request's headers and half its body, then resets the
    /// connection.
    pub fn truncate_next(&self) {
        self.shared.queue(Fault::Truncate, 1);
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
