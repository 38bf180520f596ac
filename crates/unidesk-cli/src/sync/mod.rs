//! `unidesk sync`: every resource into a JSONL folder (`--out DIR`) or a database
//! (`--to sqlite:PATH`, `--to postgres://…`), resumable without duplicates.
//!
//! The engine and the stores live in `unidesk-mirror` (`docs/mirror.md`); this module turns
//! the options into a [`SyncOptions`], the engine's events into progress bars and notes on
//! stderr, and its report into one summary line per resource.

mod bars;

use unidesk_core::Helpdesk;
use unidesk_mirror::{Filter, JsonlStore, Mirror, MirrorError, Store, StoreSpec, SyncMode, SyncOptions, SyncReport};

use crate::cli::SyncArgs;
use crate::error::CliError;
use crate::input::parse_time;
use crate::output;

/// Runs `unidesk sync` against `hd`.
pub(crate) async fn sync(
    hd: &dyn Helpdesk,
    args: &SyncArgs,
    status: &(dyn Fn() -> Option<String> + Send + Sync),
) -> Result<(), CliError> {
    // Validate everything before touching the folder or the database.
    if args.page_size == 0 {
        return Err(CliError::usage("--page-size must be at least 1"));
    }
    let updated_after = match &args.updated_after {
        Some(t) => Some(parse_time("--updated-after", t)?),
        None => None,
    };
    let spec = args.to.as_deref().map(str::parse::<StoreSpec>).transpose().map_err(mirror_error)?;
    let options = SyncOptions {
        page_size: args.page_size,
        filter: Filter { updated_after, include_deleted: args.include_deleted },
        mode: if args.full { SyncMode::Full } else { SyncMode::Auto },
        max_pages: args.max_pages,
    };
    let bars = bars::Bars::new(args.quiet);
    match (&args.out, spec) {
        (Some(out), None) => {
            let say = |m: &str| eprintln!("{m}");
            let (store, notes) =
                JsonlStore::open(out, &options.filter, args.wait.then_some(&say as _)).await.map_err(mirror_error)?;
            for n in notes {
                bars.note(&n);
            }
            let report = run(hd, &store, &args.account, options, &bars, status).await?;
            summary(&report, false, |r| store.file_of(r).display().to_string())
        }
        (None, Some(spec)) => {
            let store = spec.open().await.map_err(mirror_error)?;
            let report = run(hd, store.as_ref(), &args.account, options, &bars, status).await?;
            let to = store.describe();
            summary(&report, true, |_| to.clone())
        }
        _ => Err(CliError::usage("give either --out DIR (JSONL files) or --to STORE (sqlite:PATH, postgres://…)")),
    }
}

async fn run(
    hd: &dyn Helpdesk,
    store: &dyn Store,
    account: &str,
    options: SyncOptions,
    bars: &bars::Bars,
    status: &(dyn Fn() -> Option<String> + Send + Sync),
) -> Result<SyncReport, CliError> {
    let on_event = |e: &unidesk_mirror::Event| bars.event(e);
    let mirror = Mirror::new(hd, store, account).options(options).on_event(&on_event).status(status);
    let report = mirror.sync().await.map_err(mirror_error)?;
    Ok(report)
}

/// One line per resource: `  tickets:    2000 records, 3 tombstones -> DEST` (with
/// `show_kind`, the pass is named: `2000 records (full pass 0)`).
fn summary(
    report: &SyncReport,
    show_kind: bool,
    dest: impl Fn(unidesk_core::Resource) -> String,
) -> Result<(), CliError> {
    if report.interrupted {
        eprintln!("sync interrupted (--max-pages); run the same command again to resume");
        return Ok(());
    }
    for r in &report.resources {
        let cp = &r.checkpoint;
        let tombstones = if cp.tombstones > 0 { format!(", {} tombstones", cp.tombstones) } else { String::new() };
        let kind = match (show_kind, cp.kind) {
            (false, _) => String::new(),
            (true, unidesk_mirror::PassKind::Full) => format!(" (full pass {})", cp.generation),
            (true, unidesk_mirror::PassKind::Incremental) => format!(" (incremental pass {})", cp.generation),
        };
        output::line(format_args!(
            "{:>9}: {:>7} records{kind}{tombstones} -> {}",
            r.resource.plural(),
            cp.records,
            dest(r.resource)
        ))?;
    }
    Ok(())
}

/// The CLI's view of a mirror failure: provider errors keep their exit codes, a bad `--to`
/// is a usage error.
pub(crate) fn mirror_error(e: MirrorError) -> CliError {
    match e {
        MirrorError::Provider(e) => CliError::from(e),
        e @ (MirrorError::InvalidSpec { .. } | MirrorError::InvalidInput { .. }) => CliError::usage(e.to_string()),
        // With its causes: a database driver's own message is often just "db error".
        e => CliError::other(unidesk_core::error::source_chain(&e)),
    }
}
