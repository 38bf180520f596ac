//! Syncing every account of an accounts file into one store, a bounded number at a time: one
//! account's failure is reported with its result and does not stop the others.

use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use unidesk_core::{Helpdesk, Resource};

use super::{AccountSpec, AccountsFile};
use crate::budget::SharedBudget;
use crate::engine::{Event, Mirror, SyncOptions, SyncReport};
use crate::error::{BoxError, MirrorError};
use crate::store::Store;

/// Turns an account of the accounts file into a connected helpdesk. The program supplies it:
/// it knows which providers it was built with (the CLI's provider registry).
#[async_trait]
pub trait Connect: Send + Sync {
    /// Connects `account` (reading its secrets now).
    async fn connect(&self, account: &AccountSpec) -> Result<Arc<dyn Helpdesk>, BoxError>;

    /// Connects `account` with every request its client sends taken from `budget` first (a
    /// rate budget shared with other workers: [`crate::budget`]). Override it for the
    /// providers whose clients take a budget (Kustomer: `KustomerBuilder::rate_budget`); the
    /// default connects without it, and the provider's own pacing and retries apply alone.
    async fn connect_budgeted(
        &self,
        account: &AccountSpec,
        budget: SharedBudget,
    ) -> Result<Arc<dyn Helpdesk>, BoxError> {
        let _ = budget;
        self.connect(account).await
    }
}

/// Why one account's sync did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The account could not be connected (unknown provider, missing secret…).
    #[error("connecting: {0}")]
    Connect(#[source] BoxError),
    /// The sync failed.
    #[error(transparent)]
    Sync(#[from] MirrorError),
}

/// One account's outcome.
#[derive(Debug)]
pub struct AccountResult {
    /// The account.
    pub account: String,
    /// What its run did, or why it failed.
    pub result: Result<SyncReport, AccountError>,
}

/// A progress callback: the account and the engine's event.
pub type AccountEventFn<'a> = &'a (dyn Fn(&str, &Event) + Send + Sync);

/// Syncs every account of `file` into `store` with `options`, at most `concurrency` at once.
/// Returns one result per account, in file order.
pub async fn sync_all(
    file: &AccountsFile,
    connect: &dyn Connect,
    store: &dyn Store,
    options: &SyncOptions,
    concurrency: usize,
    on_event: Option<AccountEventFn<'_>>,
) -> Vec<AccountResult> {
    let runs = file.accounts.iter().map(|spec| async move {
        let result = sync_one(spec, connect, store, options, on_event).await;
        AccountResult { account: spec.name.clone(), result }
    });
    let mut results: Vec<AccountResult> =
        futures::stream::iter(runs).buffer_unordered(concurrency.max(1)).collect().await;
    let order = |name: &str| file.accounts.iter().position(|a| a.name == name);
    results.sort_by_key(|r| order(&r.account));
    results
}

async fn sync_one(
    spec: &AccountSpec,
    connect: &dyn Connect,
    store: &dyn Store,
    options: &SyncOptions,
    on_event: Option<AccountEventFn<'_>>,
) -> Result<SyncReport, AccountError> {
    let desk = match connect.connect(spec).await {
        Ok(d) => d,
        Err(e) => {
            // Shown by `mirror status` until a pass of the account completes.
            let message = format!("connecting: {e}");
            for r in Resource::ALL {
                let _ = store.record_error(&spec.name, r, &message).await;
            }
            return Err(AccountError::Connect(e));
        }
    };
    let forward = |e: &Event| {
        if let Some(f) = on_event {
            f(&spec.name, e);
        }
    };
    let mirror = Mirror::new(desk.as_ref(), store, spec.name.clone()).options(options.clone()).on_event(&forward);
    Ok(mirror.sync().await?)
}
