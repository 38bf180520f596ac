//! Many accounts, many workers: `unidesk sync --accounts FILE --to STORE` and `unidesk worker`.
//!
//! Into Postgres, a sync of many accounts runs as jobs ([`unidesk_mirror::jobs`]): every
//! (account, resource) is made due and this process drains them with `--concurrency` jobs at
//! once, so workers on other machines (`unidesk worker`) may share the work and a crashed run
//! is resumed by the next one. Into SQLite, the accounts are synced in this process,
//! `--concurrency` at once. Either way one account's failure is reported and the others go on;
//! the exit code is 1 when any account failed.

mod connect;
mod worker;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use unidesk_mirror::accounts::{AccountsFile, sync_all};
use unidesk_mirror::jobs::runner::MirrorJobs;
use unidesk_mirror::jobs::worker::{self as job_worker, JobResult, Outcome, WorkerOptions, default_worker_id};
use unidesk_mirror::jobs::{Again, JobQueue};
use unidesk_mirror::store::postgres::schema;
use unidesk_mirror::{Filter, PostgresStore, StoreSpec, SyncMode, SyncOptions};

use crate::cli::SyncArgs;
use crate::error::CliError;
use crate::input::parse_time;
use crate::output;
use crate::sync::mirror_error;
pub(crate) use connect::RegistryConnect;
pub(crate) use worker::worker;

/// Loads the accounts file (its errors are usage errors: exit 2).
fn load(path: &Path) -> Result<AccountsFile, CliError> {
    AccountsFile::load(path).map_err(|e| CliError::usage(e.to_string()))
}

/// The engine's options from `sync`'s flags.
fn options(args: &SyncArgs) -> Result<SyncOptions, CliError> {
    if args.page_size == 0 {
        return Err(CliError::usage("--page-size must be at least 1"));
    }
    let updated_after = args.updated_after.as_deref().map(|t| parse_time("--updated-after", t)).transpose()?;
    Ok(SyncOptions {
        page_size: args.page_size,
        filter: Filter { updated_after, include_deleted: args.include_deleted },
        mode: if args.full { SyncMode::Full } else { SyncMode::Auto },
        max_pages: None,
    })
}

/// `unidesk sync --accounts FILE --to STORE`.
pub(crate) async fn sync_accounts(args: &SyncArgs, file: &Path) -> Result<(), CliError> {
    let accounts = load(file)?;
    let options = options(args)?;
    let to = args
        .to
        .as_deref()
        .ok_or_else(|| CliError::usage("--accounts needs --to STORE (sqlite:PATH or postgres://…)"))?;
    let spec: StoreSpec = to.parse().map_err(mirror_error)?;
    let concurrency = args.concurrency.max(1);
    let failed = match &spec {
        StoreSpec::Postgres(url) => by_jobs(url, accounts, options, concurrency, args.quiet).await?,
        _ => {
            let store = spec.open().await.map_err(mirror_error)?;
            let results = sync_all(&accounts, &RegistryConnect, store.as_ref(), &options, concurrency, None).await;
            let mut failed = 0;
            for r in &results {
                match &r.result {
                    Ok(report) => {
                        let records: u64 = report.resources.iter().map(|x| x.checkpoint.records).sum();
                        output::line(format_args!("{}: ok, {records} records -> {}", r.account, store.describe()))?;
                    }
                    Err(e) => {
                        failed += 1;
                        output::line(format_args!("{}: FAILED: {e}", r.account))?;
                    }
                }
            }
            failed
        }
    };
    if failed > 0 {
        return Err(CliError::other(format!("{failed} of the accounts failed (the others are synced)")));
    }
    Ok(())
}

/// Every (account, resource) of `accounts` made due, then drained here; returns how many
/// accounts failed.
async fn by_jobs(
    url: &str,
    accounts: AccountsFile,
    options: SyncOptions,
    concurrency: usize,
    quiet: bool,
) -> Result<usize, CliError> {
    let store = PostgresStore::open_with(url, concurrency + 1).await.map_err(mirror_error)?;
    let queue = Arc::new(JobQueue::new(
        schema::connect(url).await.map_err(|e| CliError::other(format!("{}: {e}", store_name(&store))))?,
    ));
    let names: Vec<String> = accounts.accounts.iter().map(|a| a.name.clone()).collect();
    let budget = connect::budget(url, &accounts).await?;
    let jobs =
        Arc::new(MirrorJobs::new(store.clone(), accounts, Arc::new(RegistryConnect), options).with_budget(budget));
    queue.enqueue(&jobs.all_jobs()).await.map_err(CliError::other)?;
    let mut opts = WorkerOptions::new(default_worker_id());
    opts.concurrency = concurrency;
    opts.accounts = Some(jobs.account_names());
    opts.drain = true;
    opts.again = Again::Never;
    opts.max_attempts = 3;
    let say = |r: &JobResult| {
        if !quiet {
            eprintln!("{}/{}: {}", r.account, r.resource, describe(&r.outcome));
        }
    };
    let results =
        job_worker::run(queue.clone(), jobs, opts, std::future::pending(), &say).await.map_err(CliError::other)?;
    // The jobs table says how every job of these accounts ended (some may have been run by
    // other workers sharing the database).
    let rows = queue.jobs().await.map_err(CliError::other)?;
    let mut by_account: BTreeMap<&str, Vec<String>> = names.iter().map(|n| (n.as_str(), Vec::new())).collect();
    for row in &rows {
        if let Some(errors) = by_account.get_mut(row.account.as_str())
            && row.state != unidesk_mirror::jobs::JobState::Done
        {
            errors.push(format!("{}: {}", row.resource, row.last_error.as_deref().unwrap_or("not done")));
        }
    }
    let ran = results.len();
    let mut failed = 0;
    for name in &names {
        match by_account.get(name.as_str()) {
            Some(errors) if errors.is_empty() => output::line(format_args!("{name}: ok -> {}", store_name(&store)))?,
            Some(errors) => {
                failed += 1;
                output::line(format_args!("{name}: FAILED: {}", errors.join("; ")))?;
            }
            None => {}
        }
    }
    if !quiet {
        eprintln!("{ran} jobs run by this process");
    }
    Ok(failed)
}

fn store_name(store: &PostgresStore) -> String {
    unidesk_mirror::Store::describe(store)
}

/// One line for a job's outcome.
fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Done => "done".into(),
        Outcome::Failed { message, retry: true } => format!("failed, will retry: {message}"),
        Outcome::Failed { message, retry: false } => format!("failed: {message}"),
        Outcome::Lost => "lease lost (another worker took the job over)".into(),
    }
}
