//! `unidesk sync`: every resource to `DIR/<resource>.jsonl`, resumable without duplicates.
//!
//! After each page is appended and flushed, `DIR/.unidesk-sync.json` records
//! each resource's next cursor, record count and file length. A resumed sync
//! truncates each file to its recorded length (dropping a page written after
//! the last checkpoint) and continues from the recorded cursor.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use unidesk_core::{Cursor, Helpdesk, ListQuery, Page, Resource};
use unidesk_kustomer::KustomerClient;

use crate::cli::SyncArgs;
use crate::run::{CliError, parse_time};

const CHECKPOINT: &str = ".unidesk-sync.json";

#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
struct Progress {
    cursor: Option<String>,
    records: u64,
    bytes: u64,
    done: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Checkpoint {
    version: u32,
    updated_after: Option<String>,
    resources: BTreeMap<String, Progress>,
}

fn save(dir: &Path, cp: &Checkpoint) -> Result<(), CliError> {
    let tmp = dir.join(format!("{CHECKPOINT}.tmp"));
    let text = serde_json::to_vec_pretty(cp).map_err(CliError::other)?;
    std::fs::write(&tmp, text).map_err(CliError::other)?;
    std::fs::rename(&tmp, dir.join(CHECKPOINT)).map_err(CliError::other)
}

fn load(dir: &Path, updated_after: &Option<String>) -> Checkpoint {
    let fresh = Checkpoint { version: 1, updated_after: updated_after.clone(), resources: BTreeMap::new() };
    match std::fs::read(dir.join(CHECKPOINT)).ok().and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok()) {
        Some(cp) if cp.version == 1 && cp.updated_after == *updated_after => cp,
        _ => fresh,
    }
}

async fn page_of(
    hd: &dyn Helpdesk,
    r: Resource,
    q: &ListQuery,
) -> unidesk_core::Result<(Vec<serde_json::Value>, Option<Cursor>)> {
    fn conv<T: Serialize>(p: Page<T>) -> unidesk_core::Result<(Vec<serde_json::Value>, Option<Cursor>)> {
        let items = p
            .items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| unidesk_core::Error::decode("record", e))?;
        Ok((items, p.next_cursor))
    }
    match r {
        Resource::Ticket => conv(hd.tickets().list(q).await?),
        Resource::Comment => conv(hd.comments().list(q).await?),
        Resource::Contact => conv(hd.contacts().list(q).await?),
        Resource::Account => conv(hd.accounts().list(q).await?),
        Resource::Tag => conv(hd.tags().list(q).await?),
        Resource::Team => conv(hd.teams().list(q).await?),
        Resource::User => conv(hd.users().list(q).await?),
    }
}

pub async fn sync(client: Arc<KustomerClient>, args: &SyncArgs) -> Result<(), CliError> {
    let updated_after = match &args.updated_after {
        Some(t) => Some(parse_time(t)?),
        None => None,
    };
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::other(format!("creating {}: {e}", args.out.display())))?;
    let mut cp = load(&args.out, &args.updated_after);
    let bars = MultiProgress::with_draw_target(if args.quiet || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let style = ProgressStyle::with_template("{spinner} {prefix:>9} {pos:>8} records {per_sec:>12} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let mut pages_left = args.max_pages;
    for r in Resource::ALL {
        let name = r.plural();
        let mut prog = cp.resources.get(name).cloned().unwrap_or_default();
        let path = args.out.join(format!("{name}.jsonl"));
        let bar = bars.add(ProgressBar::new_spinner().with_style(style.clone()).with_prefix(name));
        bar.enable_steady_tick(Duration::from_millis(200));
        bar.set_position(prog.records);
        if prog.done {
            bar.finish_with_message("done (from checkpoint)");
            continue;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| CliError::other(format!("opening {}: {e}", path.display())))?;
        file.set_len(prog.bytes).map_err(CliError::other)?;
        let mut q = ListQuery::new().page_size(args.page_size);
        q.updated_after = updated_after;
        q.cursor = prog.cursor.clone().map(Cursor::from_raw);
        loop {
            if pages_left == Some(0) {
                bar.abandon_with_message("interrupted");
                eprintln!("sync interrupted (--max-pages); run the same command again to resume");
                return Ok(());
            }
            let (items, next) = page_of(client.as_ref(), r, &q).await?;
            let mut buf = Vec::new();
            for v in &items {
                serde_json::to_writer(&mut buf, v).map_err(CliError::other)?;
                buf.push(b'\n');
            }
            file.write_all(&buf).map_err(CliError::other)?;
            file.flush().map_err(CliError::other)?;
            prog.records += items.len() as u64;
            prog.bytes += buf.len() as u64;
            prog.cursor = next.as_ref().map(|c| c.as_str().to_owned());
            prog.done = next.is_none();
            cp.resources.insert(name.to_owned(), prog.clone());
            save(&args.out, &cp)?;
            bar.set_position(prog.records);
            let rl = client.rate_limit();
            if let (Some(rem), Some(lim)) = (rl.remaining, rl.limit) {
                bar.set_message(format!("rate limit {rem}/{lim}"));
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
        println!(
            "{:>9}: {:>7} records -> {}",
            r.plural(),
            p.records,
            args.out.join(format!("{}.jsonl", r.plural())).display()
        );
    }
    Ok(())
}
