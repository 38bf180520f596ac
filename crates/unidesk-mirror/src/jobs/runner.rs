//! The job runner that syncs: a claimed (account, resource) job runs the [`Mirror`] engine for
//! that one resource into the Postgres store, every write fenced by the job's lease.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::Mutex;
use unidesk_core::budget::RateBudget;
use unidesk_core::{Helpdesk, Resource};

use super::Lease;
use super::worker::{JobRunner, RunError};
use crate::accounts::{AccountsFile, Connect};
use crate::budget::SharedBudget;
use crate::engine::{Mirror, SyncOptions};
use crate::store::Store;
use crate::store::postgres::PostgresStore;

/// Runs mirror jobs for the accounts of an accounts file (see the module docs). Each account
/// is connected once and its helpdesk shared by its jobs (one rate limit per account).
pub struct MirrorJobs {
    store: PostgresStore,
    accounts: AccountsFile,
    connect: Arc<dyn Connect>,
    options: SyncOptions,
    desks: Mutex<HashMap<String, Arc<dyn Helpdesk>>>,
    budget: Option<Arc<dyn RateBudget>>,
}

impl std::fmt::Debug for MirrorJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorJobs").field("store", &self.store).field("options", &self.options).finish()
    }
}

impl MirrorJobs {
    /// Jobs of `accounts` into `store`, connecting through `connect`, syncing with `options`.
    pub fn new(store: PostgresStore, accounts: AccountsFile, connect: Arc<dyn Connect>, options: SyncOptions) -> Self {
        MirrorJobs { store, accounts, connect, options, desks: Mutex::new(HashMap::new()), budget: None }
    }

    /// Takes the requests of every account that names a `rate_limit_per_minute` from `budget`
    /// (keyed by account name; see [`crate::budget::for_accounts`]), connecting them with
    /// [`Connect::connect_budgeted`]. `None`: no shared budget.
    pub fn with_budget(mut self, budget: Option<Arc<dyn RateBudget>>) -> Self {
        self.budget = budget;
        self
    }

    /// The accounts' names (to claim only their jobs: [`super::worker::WorkerOptions::accounts`]).
    pub fn account_names(&self) -> Vec<String> {
        self.accounts.accounts.iter().map(|a| a.name.clone()).collect()
    }

    /// Every (account, resource) job of the accounts file, to [`super::JobQueue::enqueue`].
    pub fn all_jobs(&self) -> Vec<(String, String)> {
        self.accounts
            .accounts
            .iter()
            .flat_map(|a| Resource::ALL.iter().map(move |r| (a.name.clone(), r.plural().to_owned())))
            .collect()
    }

    async fn desk(&self, account: &str) -> Result<Arc<dyn Helpdesk>, RunError> {
        let mut desks = self.desks.lock().await;
        if let Some(d) = desks.get(account) {
            return Ok(d.clone());
        }
        let spec = self
            .accounts
            .get(account)
            .ok_or_else(|| format!("account {account:?} is not in {}", self.accounts.path.display()))?;
        let desk = match (&self.budget, spec.rate_limit_per_minute) {
            (Some(budget), Some(_)) => {
                let shared = SharedBudget { budget: budget.clone(), key: spec.name.clone() };
                self.connect.connect_budgeted(spec, shared).await?
            }
            _ => self.connect.connect(spec).await?,
        };
        desks.insert(account.to_owned(), desk.clone());
        Ok(desk)
    }
}

#[async_trait]
impl JobRunner for MirrorJobs {
    async fn run(&self, lease: &Lease) -> Result<(), RunError> {
        let resource: Resource = lease.resource.parse()?;
        let store = self.store.with_lease(lease.clone());
        let desk = match self.desk(&lease.account).await {
            Ok(d) => d,
            Err(e) => {
                // Shown by `mirror status` until a pass of the resource completes.
                let _ = store.record_error(&lease.account, resource, &format!("connecting: {e}")).await;
                return Err(e);
            }
        };
        Mirror::new(desk.as_ref(), &store, lease.account.clone())
            .options(self.options.clone())
            .sync_resources(&[resource])
            .await?;
        Ok(())
    }
}
