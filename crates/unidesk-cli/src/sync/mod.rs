//! `unidesk sync`: every resource to `DIR/<resource>.jsonl`, resumable without duplicates.
//!
//! One sync per folder at a time ([`lock`]). After each page is appended and
//! `fsync`ed, the checkpoint ([`checkpoint`]) records each resource's next cursor,
//! record count, file length and last id. Every run checks every file against
//! the checkpoint, finished resources included: bytes past it are trimmed, a file
//! that does not hold what the checkpoint covers makes that resource start over,
//! and both are said on stderr.

mod checkpoint;
mod lock;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use unidesk_core::{Cursor, Helpdesk, ListQuery, Record, Resource, list_page};

use crate::cli::SyncArgs;
use crate::error::CliError;
use crate::input::parse_time;
use crate::output;
use checkpoint::{Progress, Verdict};

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
    let (mut cp, why) = checkpoint::load(&args.out, &args.updated_after);
    if let Some(why) = why {
        eprintln!("note: {why}");
    }
    let bars = MultiProgress::with_draw_target(if args.quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix:>9} {pos:>8} records {per_sec:>12} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let mut pages_left = args.max_pages;
    let mut noted_page_size = false;
    for r in Resource::ALL {
        let name = r.plural();
        let path = args.out.join(format!("{name}.jsonl"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| CliError::other(format!("opening {}: {e}", path.display())))?;
        let mut prog = cp.resources.get(name).cloned().unwrap_or_default();
        match checkpoint::verify(&mut file, &prog).map_err(|e| CliError::other(format!("{}: {e}", path.display())))? {
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
        file.set_len(prog.bytes).map_err(|e| CliError::other(format!("{}: {e}", path.display())))?;
        file.sync_all().map_err(|e| CliError::other(format!("{}: {e}", path.display())))?;
        let mut file = std::io::BufWriter::new(AppendAt::new(file, prog.bytes)?);
        cp.resources.insert(name.to_owned(), prog.clone());

        let bar = bars.add(ProgressBar::new_spinner().with_style(style.clone()).with_prefix(name));
        bar.enable_steady_tick(Duration::from_millis(200));
        bar.set_position(prog.records);
        if prog.done {
            bar.finish_with_message("done (from checkpoint)");
            continue;
        }
        let mut q = ListQuery::new().page_size(args.page_size);
        q.updated_after = updated_after;
        q.cursor = prog.cursor.clone().map(Cursor::from_raw);
        let mut first_page = true;
        loop {
            if pages_left == Some(0) {
                bar.abandon_with_message("interrupted");
                eprintln!("sync interrupted (--max-pages); run the same command again to resume");
                return Ok(());
            }
            // The bar shows the adapter's status (a rate-limit wait and its reason) while the page loads.
            let page = {
                let fetch = list_page(hd, r, &q);
                tokio::pin!(fetch);
                let mut tick = tokio::time::interval(Duration::from_millis(250));
                loop {
                    tokio::select! {
                        page = &mut fetch => break page?,
                        _ = tick.tick() => {
                            if let Some(msg) = status() {
                                bar.set_message(msg);
                            }
                        }
                    }
                }
            };
            let next = page.next_cursor;
            let last_id = page.items.last().map(|t| t.id().to_owned());
            // Serialized through `Value`, as `list --format jsonl` prints: the same bytes either way.
            let lines = page
                .items
                .iter()
                .map(|t| serde_json::to_value(t).map(|v| v.to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| CliError::other(format!("serializing a {} record: {e}", r.as_str())))?;
            if first_page && !noted_page_size && next.is_some() && (lines.len() as u32) < args.page_size {
                eprintln!(
                    "note: {name} pages hold {} records here, fewer than --page-size {}: the provider's maximum applies",
                    lines.len(),
                    args.page_size
                );
                noted_page_size = true;
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
            prog.done = next.is_none();
            cp.resources.insert(name.to_owned(), prog.clone());
            checkpoint::save(&args.out, &cp).map_err(|e| CliError::other(format!("writing the checkpoint: {e}")))?;
            bar.set_position(prog.records);
            if let Some(msg) = status() {
                bar.set_message(msg);
            }
            if let Some(p) = pages_left.as_mut() {
                *p -= 1;
            }
            match next {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        bar.finish_with_message("done");
    }
    for r in Resource::ALL {
        let p = cp.resources.get(r.plural()).cloned().unwrap_or_default();
        output::line(format_args!(
            "{:>9}: {:>7} records -> {}",
            r.plural(),
            p.records,
            args.out.join(format!("{}.jsonl", r.plural())).display()
        ))?;
    }
    Ok(())
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
