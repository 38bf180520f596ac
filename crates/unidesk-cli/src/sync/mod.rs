//! `unidesk sync`: every resource to `DIR/<resource>.jsonl`, resumable without duplicates.
//!
//! One sync per folder at a time ([`lock`]). After each page is appended and
//! `fsync`ed, the checkpoint ([`checkpoint`]) records each resource's next cursor,
//! record count, file length and last id. Every run checks every file against
//! the checkpoint, finished resources included: bytes past it are trimmed, a file
//! that does not hold what the checkpoint covers makes that resource start over,
//! and both are said on stderr.
//!
//! A full sync into a folder whose previous full pass completed is a refresh: every
//! resource is listed again into `<resource>.jsonl.new`, records gone since the previous
//! pass are appended as tombstones (`remote_was_deleted: true`, see [`tombstones`]), and
//! the new file replaces the old. An incremental sync (`--updated-after`) writes no
//! tombstones; with `--include-deleted` the provider's own deleted records are listed.

mod checkpoint;
mod lock;
mod tombstones;

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use unidesk_core::{Cursor, Helpdesk, ListQuery, Record, Resource, list_page};

use crate::cli::SyncArgs;
use crate::error::CliError;
use crate::input::parse_time;
use crate::output;
use checkpoint::{Progress, Verdict};

/// Everything one run shares across resources.
struct Run<'a> {
    hd: &'a dyn Helpdesk,
    args: &'a SyncArgs,
    status: &'a (dyn Fn() -> Option<String> + Send + Sync),
    updated_after: Option<chrono::DateTime<chrono::Utc>>,
    bars: MultiProgress,
    style: ProgressStyle,
    pages_left: Option<u64>,
    noted_page_size: bool,
}

/// How a resource's turn ended.
enum Turn {
    /// The resource is complete.
    Done,
    /// `--max-pages` ran out: the run stops here.
    Interrupted,
}

/// Runs `unidesk sync` against `hd`.
pub(crate) async fn sync(
    hd: &dyn Helpdesk,
    args: &SyncArgs,
    status: &(dyn Fn() -> Option<String> + Send + Sync),
) -> Result<(), CliError> {
    // Validate everything before touching the folder.
    if args.page_size == 0 {
        return Err(CliError::usage("--page-size must be at least 1"));
    }
    let updated_after = match &args.updated_after {
        Some(t) => Some(parse_time("--updated-after", t)?),
        None => None,
    };
    // A missing folder (and its parents) is created, as `mkdir -p` would.
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::other(format!("creating {}: {e}", args.out.display())))?;
    let _lock = lock::acquire(&args.out, args.wait).await?;
    let (mut cp, why) = checkpoint::load(&args.out, &args.updated_after, args.include_deleted);
    if let Some(why) = why {
        eprintln!("note: {why}");
    }
    // A full sync into a folder whose last full pass completed is a refresh: every resource is
    // listed again, and what is gone since becomes a tombstone.
    let complete = Resource::ALL.iter().all(|r| cp.resources.get(r.plural()).is_some_and(|p| p.done));
    if complete && args.updated_after.is_none() && !args.include_deleted {
        // Every finished file is still checked against its checkpoint first: damage is trimmed
        // or said, never carried into the new pass (whose tombstones read the old file).
        for r in Resource::ALL {
            let name = r.plural();
            let path = args.out.join(format!("{name}.jsonl"));
            let prog = cp.resources.get(name).cloned().unwrap_or_default();
            let io = |e: std::io::Error| CliError::other(format!("{}: {e}", path.display()));
            let mut file = match std::fs::OpenOptions::new().read(true).write(true).open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    eprintln!("note: {} is missing; syncing {name} again from the start", path.display());
                    continue;
                }
                Err(e) => return Err(io(e)),
            };
            match checkpoint::verify(&mut file, &prog).map_err(io)? {
                Verdict::Intact => {}
                Verdict::Trailing(n) => {
                    eprintln!("note: {}: trimming {n} bytes past the checkpoint", path.display());
                    file.set_len(prog.bytes).map_err(io)?;
                    file.sync_all().map_err(io)?;
                }
                Verdict::Damaged(why) => {
                    eprintln!("note: {}: {why}; syncing {name} again from the start", path.display());
                }
            }
        }
        cp.generation += 1;
        cp.resources.clear();
        checkpoint::save(&args.out, &cp).map_err(|e| CliError::other(format!("writing the checkpoint: {e}")))?;
    }
    let draw = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let mut run = Run {
        hd,
        args,
        status,
        updated_after,
        bars: MultiProgress::with_draw_target(draw),
        style: ProgressStyle::with_template("{spinner} {prefix:>9} {pos:>8} records {per_sec:>12} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        pages_left: args.max_pages,
        noted_page_size: false,
    };
    for r in Resource::ALL {
        if let Turn::Interrupted = sync_resource(&mut run, r, &mut cp).await? {
            eprintln!("sync interrupted (--max-pages); run the same command again to resume");
            return Ok(());
        }
    }
    for r in Resource::ALL {
        let p = cp.resources.get(r.plural()).cloned().unwrap_or_default();
        let tombstones = if p.tombstones > 0 { format!(", {} tombstones", p.tombstones) } else { String::new() };
        output::line(format_args!(
            "{:>9}: {:>7} records{tombstones} -> {}",
            r.plural(),
            p.records,
            args.out.join(format!("{}.jsonl", r.plural())).display()
        ))?;
    }
    Ok(())
}

/// Syncs one resource to its file, resuming from the checkpoint.
async fn sync_resource(run: &mut Run<'_>, r: Resource, cp: &mut checkpoint::Checkpoint) -> Result<Turn, CliError> {
    let name = r.plural();
    let out = &run.args.out;
    let final_path = out.join(format!("{name}.jsonl"));
    // A refresh writes beside the previous pass's file, which it still needs for tombstones.
    let refresh = cp.generation > 0;
    let mut prog = cp.resources.get(name).cloned().unwrap_or_default();
    let path = if refresh && !prog.done { out.join(format!("{name}.jsonl.new")) } else { final_path.clone() };
    let io = |e: std::io::Error| CliError::other(format!("{}: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| CliError::other(format!("opening {}: {e}", path.display())))?;
    match checkpoint::verify(&mut file, &prog).map_err(io)? {
        Verdict::Intact => {}
        Verdict::Trailing(n) => {
            if prog.done || prog.bytes > 0 {
                eprintln!("note: {}: trimming {n} bytes past the checkpoint", path.display());
            }
        }
        Verdict::Damaged(why) => {
            eprintln!("note: {}: {why}; syncing {name} again from the start", path.display());
            prog = Progress::default();
        }
    }
    file.set_len(prog.bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    let mut file = std::io::BufWriter::new(AppendAt::new(file, prog.bytes)?);
    cp.resources.insert(name.to_owned(), prog.clone());

    let bar = run.bars.add(ProgressBar::new_spinner().with_style(run.style.clone()).with_prefix(name));
    bar.enable_steady_tick(Duration::from_millis(200));
    bar.set_position(prog.records);
    if prog.done {
        bar.finish_with_message("done (from checkpoint)");
        return Ok(Turn::Done);
    }
    // The ids this pass has listed, for the tombstones of a refresh.
    let mut listed = if refresh { tombstones::ids_in(&path, prog.bytes).map_err(io)? } else { HashSet::new() };
    let mut q = ListQuery::new().page_size(run.args.page_size).include_deleted(run.args.include_deleted);
    q.updated_after = run.updated_after;
    q.cursor = prog.cursor.clone().map(Cursor::from_raw);
    let mut first_page = true;
    while !prog.listed {
        if run.pages_left == Some(0) {
            bar.abandon_with_message("interrupted");
            return Ok(Turn::Interrupted);
        }
        // The bar shows the adapter's status (a rate-limit wait and its reason) while the page loads.
        let page = {
            let fetch = list_page(run.hd, r, &q);
            tokio::pin!(fetch);
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tokio::select! {
                    page = &mut fetch => break page?,
                    _ = tick.tick() => {
                        if let Some(msg) = (run.status)() {
                            bar.set_message(msg);
                        }
                    }
                }
            }
        };
        let next = page.next_cursor;
        let last_id = page.items.last().map(|t| t.id().to_owned());
        if refresh {
            listed.extend(page.items.iter().map(|t| t.id().to_owned()));
        }
        // Serialized through `Value`, as `list --format jsonl` prints: the same bytes either way.
        let lines = page
            .items
            .iter()
            .map(|t| serde_json::to_value(t).map(|v| v.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::other(format!("serializing a {} record: {e}", r.as_str())))?;
        if first_page && !run.noted_page_size && next.is_some() && (lines.len() as u32) < run.args.page_size {
            eprintln!(
                "note: {name} pages hold {} records here, fewer than --page-size {}: the provider's maximum applies",
                lines.len(),
                run.args.page_size
            );
            run.noted_page_size = true;
        }
        first_page = false;
        let mut written = 0u64;
        for l in &lines {
            file.write_all(l.as_bytes()).map_err(CliError::other)?;
            file.write_all(b"\n").map_err(CliError::other)?;
            written += l.len() as u64 + 1;
        }
        // The page is on disk before the checkpoint that covers it.
        file.flush().map_err(CliError::other)?;
        file.get_ref().sync().map_err(CliError::other)?;
        prog.records += lines.len() as u64;
        prog.bytes += written;
        if last_id.is_some() {
            prog.last_id = last_id;
        }
        prog.cursor = next.as_ref().map(|c| c.as_str().to_owned());
        prog.listed = next.is_none();
        // A first pass is complete once listed; a refresh still has its tombstones to write.
        prog.done = prog.listed && !refresh;
        cp.resources.insert(name.to_owned(), prog.clone());
        checkpoint::save(out, cp).map_err(|e| CliError::other(format!("writing the checkpoint: {e}")))?;
        bar.set_position(prog.records);
        if let Some(msg) = (run.status)() {
            bar.set_message(msg);
        }
        if let Some(p) = run.pages_left.as_mut() {
            *p -= 1;
        }
        if let Some(c) = next {
            q.cursor = Some(c);
        }
    }
    if refresh {
        // Tombstones after the listed records, then the new file replaces the old one.
        let added = tombstones::append(&final_path, &listed, &mut file).map_err(io)?;
        file.flush().map_err(CliError::other)?;
        file.get_ref().sync().map_err(CliError::other)?;
        drop(file);
        std::fs::rename(&path, &final_path).map_err(io)?;
        prog.bytes += added.bytes;
        prog.tombstones = added.new + added.carried;
        prog.done = true;
        cp.resources.insert(name.to_owned(), prog.clone());
        checkpoint::save(out, cp).map_err(|e| CliError::other(format!("writing the checkpoint: {e}")))?;
        if added.new > 0 {
            bar.set_message(format!("{} gone since the last sync", added.new));
        }
    }
    bar.finish_with_message("done");
    Ok(Turn::Done)
}

/// A file written at an explicit position (the checkpointed length), so no append mode is needed.
struct AppendAt {
    file: std::fs::File,
}

impl AppendAt {
    fn new(mut file: std::fs::File, at: u64) -> Result<Self, CliError> {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(at)).map_err(CliError::other)?;
        Ok(AppendAt { file })
    }

    fn sync(&self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

impl Write for AppendAt {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}
