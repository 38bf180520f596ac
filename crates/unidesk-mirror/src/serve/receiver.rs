//! [`Receiver`]: the webhook endpoints as an `axum::Router`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tokio::sync::Semaphore;
use unidesk_core::Error;

use super::changes::change_of;
use super::dedupe::RecentIds;
use super::source::WebhookSource;
use crate::store::Store;

/// The largest delivery body accepted by default (1 MiB).
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Delivery ids remembered per receiver, to answer a replay without touching the store.
const REMEMBERED_IDS: usize = 100_000;

/// Applies running at once, at most (a bound on the permits [`Receiver::drain`] waits for).
const MAX_IN_FLIGHT: u32 = 1 << 20;

/// Why a [`Receiver`] cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiverError {
    /// The store cannot apply single changes (a JSONL folder).
    #[error("{store} cannot apply webhook events (it cannot upsert): use sqlite:PATH or postgres://…")]
    CannotUpsert {
        /// The store, as described.
        store: String,
    },
    /// Two accounts share a provider and name.
    #[error("webhook account {provider}/{name} is given twice")]
    DuplicateAccount {
        /// The provider.
        provider: String,
        /// The account.
        name: String,
    },
}

/// One account the receiver accepts deliveries for, at `/webhooks/{provider}/{name}`.
#[derive(Clone)]
pub struct WebhookAccount {
    /// The provider's name in the URL (`kustomer`).
    pub provider: String,
    /// The account's name in the URL and its key in the store.
    pub name: String,
    /// Verifies and parses its deliveries with its secret.
    pub source: Arc<dyn WebhookSource>,
}

impl std::fmt::Debug for WebhookAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookAccount").field("provider", &self.provider).field("name", &self.name).finish()
    }
}

/// Receives webhooks for many accounts into one store. Cheap to clone (shared state).
///
/// `POST /webhooks/{provider}/{account}`: the delivery is verified over its raw body, its
/// events become [`crate::Change`]s, and those are applied with one [`Store::apply`]; the
/// answer is `200` only once that commit returned. `GET /healthz`: `200 {"status":"ok"}`.
/// See [the module docs](super) for every status code.
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
    max_body: usize,
}

struct Inner {
    store: Arc<dyn Store>,
    accounts: HashMap<(String, String), Arc<dyn WebhookSource>>,
    applied: RecentIds,
    in_flight: Arc<Semaphore>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut accounts: Vec<String> = self.inner.accounts.keys().map(|(p, a)| format!("{p}/{a}")).collect();
        accounts.sort();
        f.debug_struct("Receiver")
            .field("store", &self.inner.store.describe())
            .field("accounts", &accounts)
            .field("max_body", &self.max_body)
            .finish()
    }
}

impl Receiver {
    /// A receiver writing into `store` for `accounts`. The store must upsert
    /// ([`crate::StoreCapabilities::upsert`]: SQLite, Postgres; not a JSONL folder); two
    /// accounts may not share a provider and name.
    pub fn new(store: Arc<dyn Store>, accounts: Vec<WebhookAccount>) -> Result<Receiver, ReceiverError> {
        if !store.capabilities().upsert {
            return Err(ReceiverError::CannotUpsert { store: store.describe() });
        }
        let mut map = HashMap::with_capacity(accounts.len());
        for a in accounts {
            let key = (a.provider.clone(), a.name.clone());
            if map.insert(key, a.source).is_some() {
                return Err(ReceiverError::DuplicateAccount { provider: a.provider, name: a.name });
            }
        }
        Ok(Receiver {
            inner: Arc::new(Inner {
                store,
                accounts: map,
                applied: RecentIds::new(REMEMBERED_IDS),
                in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT as usize)),
            }),
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// Accepts bodies up to `bytes` (default [`DEFAULT_MAX_BODY`]) in the routers made from
    /// now on; larger ones get 413.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The routes, to serve alone ([`super::serve`]) or to mount in a product's own router
    /// (`Router::merge`, or `nest` under a prefix).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/webhooks/{provider}/{account}", post(receive))
            .route("/healthz", get(healthz))
            .layer(DefaultBodyLimit::max(self.max_body))
            .with_state(Arc::clone(&self.inner))
    }

    /// Waits until every store commit started by a delivery has ended, including those whose
    /// client hung up (a commit runs to its end even then). Call after the server stopped.
    pub async fn drain(&self) {
        if let Ok(all) = self.inner.in_flight.acquire_many(MAX_IN_FLIGHT).await {
            drop(all);
        }
    }
}

async fn healthz() -> Response {
    (StatusCode::OK, axum::Json(json!({ "status": "ok" }))).into_response()
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    Path((provider, account)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(source) = inner.accounts.get(&(provider.clone(), account.clone())) else {
        return answer(StatusCode::NOT_FOUND, json!({ "error": "no such webhook account" }));
    };
    let events = match source.verify_and_parse(&headers, &body) {
        Ok(events) => events,
        Err(e) => return refused(&provider, &account, &e),
    };
    let received = events.len();
    let fresh: Vec<_> = events.into_iter().filter(|e| !inner.applied.contains(&account, &e.id)).collect();
    let duplicates = received - fresh.len();
    let changes: Vec<_> = fresh.iter().filter_map(change_of).collect();
    let ignored = fresh.len() - changes.len();
    let mut applied = crate::store::Applied::default();
    if !changes.is_empty() {
        // The commit runs in its own task: a client that hangs up does not cut it short, and
        // `drain` waits for it on shutdown.
        let Ok(permit) = Arc::clone(&inner.in_flight).try_acquire_owned() else {
            return answer(StatusCode::SERVICE_UNAVAILABLE, json!({ "error": "shutting down" }));
        };
        let task = {
            let inner = Arc::clone(&inner);
            let account = account.clone();
            tokio::spawn(async move {
                let _permit = permit;
                inner.store.apply(&account, &changes).await
            })
        };
        applied = match task.await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                tracing::warn!(provider = %provider, account = %account, error = %e, "webhook delivery not applied: the store failed");
                return answer(
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({ "error": "the store is unavailable; retry later" }),
                );
            }
            Err(e) => {
                tracing::error!(provider = %provider, account = %account, error = %e, "webhook apply task failed");
                return answer(StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": "internal error" }));
            }
        };
    }
    for e in &fresh {
        inner.applied.insert(&account, &e.id);
    }
    tracing::debug!(provider = %provider, account = %account, received, changed = applied.changed, "webhook delivery applied");
    answer(
        StatusCode::OK,
        json!({
            "received": received,
            "changed": applied.changed,
            "unchanged": applied.unchanged,
            "duplicates": duplicates,
            "ignored": ignored,
        }),
    )
}

/// The answer to a delivery that failed verification or parsing; nothing was applied.
fn refused(provider: &str, account: &str, e: &Error) -> Response {
    let status = match e {
        Error::Unauthenticated { .. } | Error::PermissionDenied { .. } => StatusCode::UNAUTHORIZED,
        Error::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(provider, account, status = status.as_u16(), error = %e, "webhook delivery refused");
    let message = if status == StatusCode::UNAUTHORIZED { "verification failed".to_owned() } else { e.to_string() };
    answer(status, json!({ "error": unidesk_core::one_line(&message, 300) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::jsonl::JsonlStore;
    use crate::store::sqlite::SqliteStore;

    fn account(name: &str) -> WebhookAccount {
        let source = |_: &HeaderMap, _: &[u8]| -> Result<Vec<unidesk_core::Event>, Error> { Ok(Vec::new()) };
        WebhookAccount { provider: "kustomer".into(), name: name.into(), source: Arc::new(source) }
    }

    #[tokio::test]
    async fn a_store_that_cannot_upsert_and_a_repeated_account_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let (jsonl, _) = JsonlStore::open(dir.path(), &crate::Filter::default(), None).await.expect("jsonl");
        let e = Receiver::new(Arc::new(jsonl), vec![account("a")]).expect_err("jsonl cannot upsert");
        assert!(matches!(e, ReceiverError::CannotUpsert { .. }), "{e}");
        let sqlite = SqliteStore::open(&dir.path().join("m.db")).await.expect("sqlite");
        let e = Receiver::new(Arc::new(sqlite), vec![account("a"), account("a")]).expect_err("twice");
        assert!(matches!(e, ReceiverError::DuplicateAccount { .. }), "{e}");
    }
}
