//! [`Polls`]: an incremental sync per account on an interval, through the [`Mirror`] engine,
//! to catch what webhooks missed (a delivery lost, a receiver down longer than the provider
//! retries, records changed before the webhook was registered).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use unidesk_core::Helpdesk;

use crate::engine::{Mirror, SyncOptions, SyncReport};
use crate::store::Store;

/// One account to poll.
#[derive(Clone)]
pub struct PollAccount {
    /// Its key in the store (the webhook URL's account).
    pub name: String,
    /// Its provider, connected.
    pub desk: Arc<dyn Helpdesk>,
}

impl std::fmt::Debug for PollAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollAccount").field("name", &self.name).field("desk", &self.desk.name()).finish()
    }
}

/// The outcome of one poll, for [`PollOptions::on_outcome`].
#[derive(Debug)]
pub struct PollOutcome<'a> {
    /// The account polled.
    pub account: &'a str,
    /// What the run did, or why it failed (the failure is also recorded in the store).
    pub result: &'a crate::Result<SyncReport>,
}

/// A callback told every poll's outcome.
pub type OutcomeFn = Arc<dyn Fn(&PollOutcome<'_>) + Send + Sync>;

/// How accounts are polled.
#[derive(Clone)]
pub struct PollOptions {
    /// The wait between the end of one run and the start of the next (the first run starts
    /// at once: a never-synced account gets its full sync, then incremental ones).
    pub every: Duration,
    /// The engine's options.
    pub sync: SyncOptions,
    /// On shutdown, how long a run under way may go on before it is dropped. Dropping it is
    /// safe: each page commits with its checkpoint, so the next start resumes from there.
    pub grace: Duration,
    /// Accounts synced at once, at most (at least 1).
    pub concurrency: usize,
    /// Told every run's outcome (the CLI prints them).
    pub on_outcome: Option<OutcomeFn>,
}

impl std::fmt::Debug for PollOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollOptions")
            .field("every", &self.every)
            .field("sync", &self.sync)
            .field("grace", &self.grace)
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            every: Duration::from_secs(300),
            sync: SyncOptions::default(),
            grace: Duration::from_secs(30),
            concurrency: 4,
            on_outcome: None,
        }
    }
}

/// The poll tasks, one per account, running until [`Polls::shutdown`].
#[derive(Debug)]
pub struct Polls {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Polls {
    /// Starts polling `accounts` into `store` (on the current tokio runtime).
    pub fn spawn(store: Arc<dyn Store>, accounts: Vec<PollAccount>, options: PollOptions) -> Polls {
        let (stop, _) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
        for account in accounts {
            let slots = Arc::clone(&slots);
            tasks.spawn(poll_loop(Arc::clone(&store), account, options.clone(), slots, stop.subscribe()));
        }
        Polls { stop, tasks }
    }

    /// Tells every task to stop (a run under way gets [`PollOptions::grace`] to end).
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// A handle that stops the tasks when [`PollStopper::stop`] is called (from a shutdown
    /// signal, say).
    pub fn stopper(&self) -> PollStopper {
        PollStopper(self.stop.clone())
    }

    /// Stops the tasks and waits for them to end.
    pub async fn shutdown(mut self) {
        self.stop();
        while let Some(joined) = self.tasks.join_next().await {
            if let Err(e) = joined {
                tracing::error!(error = %e, "a poll task failed");
            }
        }
    }
}

/// Stops [`Polls`] from elsewhere.
#[derive(Debug, Clone)]
pub struct PollStopper(watch::Sender<bool>);

impl PollStopper {
    /// Tells every poll task to stop.
    pub fn stop(&self) {
        self.0.send_replace(true);
    }
}

/// Resolves once a stop is asked (or nobody can ask any more).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn poll_loop(
    store: Arc<dyn Store>,
    account: PollAccount,
    options: PollOptions,
    slots: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        // At most `concurrency` accounts sync at once; a stop while waiting ends the task.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            () = stopped(&mut stop) => return,
        };
        let mirror =
            Mirror::new(account.desk.as_ref(), store.as_ref(), account.name.as_str()).options(options.sync.clone());
        let run = mirror.sync();
        tokio::pin!(run);
        let result = tokio::select! {
            r = &mut run => Some(r),
            () = stopped(&mut stop) => tokio::time::timeout(options.grace, &mut run).await.ok(),
        };
        match &result {
            Some(r) => {
                if let Err(e) = r {
                    tracing::warn!(account = %account.name, error = %e, "poll failed");
                }
                if let Some(f) = &options.on_outcome {
                    f(&PollOutcome { account: &account.name, result: r });
                }
            }
            None => {
                tracing::info!(account = %account.name, "poll cut short by shutdown; it resumes from its checkpoint")
            }
        }
        if *stop.borrow() {
            return;
        }
        drop(slot);
        tokio::select! {
            () = tokio::time::sleep(options.every) => {}
            () = stopped(&mut stop) => return,
        }
    }
}
