//! `unidesk worker --to postgres://… --accounts FILE`: claims the accounts' jobs from the
//! database and runs them until stopped (Ctrl-C or SIGTERM: running jobs finish, nothing new is
//! claimed), or with `--drain` until no job is left. Run as many as you like, on as many
//! machines: Postgres hands each job to one of them at a time (`docs/mirror.md`).

use std::sync::Arc;
use std::time::Duration;

use unidesk_mirror::jobs::runner::MirrorJobs;
use unidesk_mirror::jobs::worker::{self as job_worker, JobResult, WorkerOptions, default_worker_id};
use unidesk_mirror::jobs::{Again, JobQueue};
use unidesk_mirror::store::postgres::schema;
use unidesk_mirror::{PostgresStore, StoreSpec, SyncOptions};

use super::{RegistryConnect, describe, load};
use crate::cli::WorkerArgs;
use crate::error::CliError;
use crate::sync::mirror_error;

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs `unidesk worker`.
pub(crate) async fn worker(args: &WorkerArgs) -> Result<(), CliError> {
    let accounts = load(&args.accounts)?;
    let url = match args.to.parse::<StoreSpec>().map_err(mirror_error)? {
        StoreSpec::Postgres(url) => url,
        other => {
            return Err(CliError::usage(format!(
                "workers share jobs through Postgres; {} is not a Postgres database",
                other.describe()
            )));
        }
    };
    if args.page_size == 0 || args.lease == 0 {
        return Err(CliError::usage("--page-size and --lease must be at least 1"));
    }
    let concurrency = args.concurrency.max(1);
    let store = PostgresStore::open_with(&url, concurrency + 1).await.map_err(mirror_error)?;
    let described = unidesk_mirror::Store::describe(&store);
    let queue =
        Arc::new(JobQueue::new(schema::connect(&url).await.map_err(|e| CliError::other(format!("{described}: {e}")))?));
    let options = SyncOptions { page_size: args.page_size, ..SyncOptions::default() };
    let budget = super::connect::budget(&url, &accounts).await?;
    let jobs = Arc::new(MirrorJobs::new(store, accounts, Arc::new(RegistryConnect), options).with_budget(budget));
    queue.register(&jobs.all_jobs()).await.map_err(CliError::other)?;
    let mut opts = WorkerOptions::new(args.worker_id.clone().unwrap_or_else(default_worker_id));
    opts.concurrency = concurrency;
    opts.accounts = Some(jobs.account_names());
    opts.lease_ttl = Duration::from_secs(args.lease);
    opts.drain = args.drain;
    opts.again = if args.every == 0 { Again::Never } else { Again::After(Duration::from_secs(args.every)) };
    if !args.quiet {
        eprintln!("worker {} on {described}: {} jobs known", opts.worker_id, jobs.all_jobs().len());
    }
    let quiet = args.quiet;
    let say = |r: &JobResult| {
        if !quiet {
            eprintln!("{}/{} (attempt {}): {}", r.account, r.resource, r.attempt, describe(&r.outcome));
        }
    };
    let results = job_worker::run(queue, jobs, opts, stop_signal(), &say).await.map_err(CliError::other)?;
    if !quiet {
        eprintln!("worker stopping: {} jobs run", results.len());
    }
    Ok(())
}
