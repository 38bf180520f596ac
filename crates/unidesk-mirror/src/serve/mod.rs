//! `unidesk serve`: keep a mirror fresh with the providers' webhooks, and poll to catch what
//! they miss. Built with the crate's `serve` feature (axum).
//!
//! - [`Receiver`]: an `axum::Router` a product can mount. `POST /webhooks/{provider}/{account}`
//!   verifies the delivery with that account's [`WebhookSource`], turns its events into
//!   [`crate::Change`]s (the record as it is now; a deletion is a tombstone), applies them with
//!   one [`crate::Store::apply`], and answers:
//!
//!   | status | when | the store |
//!   |---|---|---|
//!   | 200 `{"received","changed","unchanged","duplicates","ignored"}` | committed (or nothing to do) | changed at most once per record version |
//!   | 401 | the signature or secret does not verify | untouched |
//!   | 400 | the body does not parse | untouched |
//!   | 404 | no such provider/account | untouched |
//!   | 413 | the body is over the limit (1 MiB) | untouched |
//!   | 503 | the store failed: the provider retries later | untouched (the commit rolled back) |
//!
//!   **Acknowledged only after the commit**: a 200 is sent once [`crate::Store::apply`]
//!   returned, so a delivery the provider saw acknowledged is in the store. **Idempotent**: a
//!   replayed delivery changes nothing, first because the ids applied recently are remembered
//!   (answered `duplicates`), then because a store never replaces a record with an older or
//!   equal version (answered `unchanged`). `GET /healthz` answers `200 {"status":"ok"}`.
//! - [`Polls`]: an incremental sync per account on an interval, through [`crate::Mirror`].
//! - [`serve`]: both on one listener, with a graceful shutdown: the server stops accepting,
//!   in-flight deliveries finish (their commits run to the end even when the client hung
//!   up), and poll runs get a grace period (each page commits with its checkpoint, so a run
//!   cut short resumes where it stopped).

mod changes;
mod dedupe;
mod poll;
mod receiver;
mod source;

use std::future::Future;

/// The request headers a [`WebhookSource`] is given (axum's, re-exported so a source needs no
/// HTTP crate of its own).
pub use axum::http::HeaderMap;
pub use poll::{OutcomeFn, PollAccount, PollOptions, PollOutcome, PollStopper, Polls};
pub use receiver::{DEFAULT_MAX_BODY, Receiver, ReceiverError, WebhookAccount};
pub use source::WebhookSource;

/// Serves `receiver` on `listener` until `shutdown` resolves, with `polls` (if any) running
/// beside it; then shuts down gracefully (see the [module docs](self)) and returns once every
/// in-flight commit and poll task has ended.
pub async fn serve(
    listener: tokio::net::TcpListener,
    receiver: Receiver,
    polls: Option<Polls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stopper = polls.as_ref().map(Polls::stopper);
    let signal = async move {
        shutdown.await;
        if let Some(s) = stopper {
            s.stop();
        }
    };
    let served = axum::serve(listener, receiver.router()).with_graceful_shutdown(signal).await;
    receiver.drain().await;
    if let Some(p) = polls {
        p.shutdown().await;
    }
    served
}
