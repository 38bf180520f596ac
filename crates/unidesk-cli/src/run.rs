//! Running a parsed command against the chosen provider.

use std::path::Path;

use clap::ArgMatches;
use futures::StreamExt;
use unidesk_core::{Cursor, Helpdesk, ListQuery, Operation, Resource, get_record, list_page, stream_records};

use crate::cli::{
    AttachmentsOp, Cli, Command, CommentWrite, ContactWrite, FieldsOp, Format, ListArgs, NoWrite, ResourceOp,
    TicketWrite,
};
use crate::error::CliError;
use crate::input::{parse_time, read_json};
use crate::output;
use crate::providers::{self, ConnectArgs};

/// Runs a parsed command; `matches` carries the providers' own flags.
pub(crate) async fn run(cli: &Cli, matches: &ArgMatches) -> Result<(), CliError> {
    let provider = providers::find(&cli.provider)?;
    match &cli.command {
        Command::Sim(args) => {
            let serve = provider
                .serve_sim
                .ok_or_else(|| CliError::usage(format!("provider {:?} has no simulator", provider.name)))?;
            return serve(args).await;
        }
        Command::Schema { out } => return write_schemas(out),
        Command::Providers => return list_providers(cli.format),
        Command::Raw(args) => return crate::raw::run(cli, matches, args, output::resolve(cli.format)).await,
        #[cfg(feature = "kustomer")]
        Command::Kustomer(args) => return kustomer(cli, matches, args).await,
        Command::Mirror(m) => return crate::mirror::run(&m.op, cli.format).await,
        Command::Worker(w) => return crate::fleet::worker(w).await,
        #[cfg(feature = "serve")]
        Command::Serve(a) => return crate::serve::run(cli, a, matches).await,
        Command::Sync(a) if a.accounts.is_some() => {
            return crate::fleet::sync_accounts(a, a.accounts.as_deref().unwrap_or(Path::new(""))).await;
        }
        _ => {}
    }
    let conn = (provider.connect)(&ConnectArgs {
        sim: cli.sim,
        base_url: cli.base_url.clone(),
        token: cli.token.clone(),
        matches,
        rate_budget: None,
    })
    .await?;
    let hd: &dyn Helpdesk = conn.desk.as_ref();
    let format = output::resolve(cli.format);
    match &cli.command {
        Command::Tickets(a) => {
            resource(hd, Resource::Ticket, &a.op, format, |w| async move {
                match w {
                    TicketWrite::Create(j) => output::record(format, hd.tickets().create(&read_json(j)?).await?),
                    TicketWrite::Update { id, input } => {
                        output::record(format, hd.tickets().update(id, &read_json(input)?).await?)
                    }
                }
            })
            .await
        }
        Command::Comments(a) => {
            resource(hd, Resource::Comment, &a.op, format, |w| async move {
                match w {
                    CommentWrite::Create { input, attach } => {
                        let mut comment: unidesk_core::CommentCreate = read_json(input)?;
                        for file in attach {
                            comment.attachments.push(crate::attach::read_upload(file)?);
                        }
                        output::record(format, hd.comments().create(&comment).await?)
                    }
                }
            })
            .await
        }
        Command::Contacts(a) => {
            resource(hd, Resource::Contact, &a.op, format, |w| async move {
                match w {
                    ContactWrite::Create(j) => output::record(format, hd.contacts().create(&read_json(j)?).await?),
                    ContactWrite::Update { id, input } => {
                        output::record(format, hd.contacts().update(id, &read_json(input)?).await?)
                    }
                }
            })
            .await
        }
        Command::Accounts(a) => resource(hd, Resource::Account, &a.op, format, no_write).await,
        Command::Tags(a) => resource(hd, Resource::Tag, &a.op, format, no_write).await,
        Command::Teams(a) => resource(hd, Resource::Team, &a.op, format, no_write).await,
        Command::Users(a) => resource(hd, Resource::User, &a.op, format, no_write).await,
        Command::Sync(args) => crate::sync::sync(hd, args, conn.status.as_ref()).await,
        Command::Capabilities => capabilities(hd, format),
        Command::Fields(a) => match &a.op {
            FieldsOp::List { resource } => fields(hd, resource.as_deref(), format).await,
        },
        Command::Attachments(a) => match &a.op {
            AttachmentsOp::Download { id, out } => {
                let written = crate::attach::download(hd, id, out).await?;
                output::record(
                    format,
                    serde_json::json!({ "id": id, "file": out.display().to_string(), "bytes": written }),
                )
            }
        },
        Command::Sim(_)
        | Command::Schema { .. }
        | Command::Providers
        | Command::Raw(_)
        | Command::Mirror(_)
        | Command::Worker(_) => Ok(()),
        #[cfg(feature = "kustomer")]
        Command::Kustomer(_) => Ok(()),
        #[cfg(feature = "serve")]
        Command::Serve(_) => Ok(()),
    }
}

/// `unidesk kustomer …`: only with `--provider kustomer` (the default).
#[cfg(feature = "kustomer")]
async fn kustomer(cli: &Cli, matches: &ArgMatches, args: &crate::kustomer_cmd::KustomerArgs) -> Result<(), CliError> {
    if cli.provider != "kustomer" {
        return Err(CliError::usage(format!("`kustomer` commands need --provider kustomer, not {:?}", cli.provider)));
    }
    let connect = ConnectArgs {
        sim: cli.sim,
        base_url: cli.base_url.clone(),
        token: cli.token.clone(),
        matches,
        rate_budget: None,
    };
    let (client, _keep) = providers::kustomer::client(&connect).await?;
    crate::kustomer_cmd::run(&client, args, output::resolve(cli.format)).await
}

async fn no_write(never: &NoWrite) -> Result<(), CliError> {
    match *never {}
}

/// List and get for any resource; writes go to `write`, which knows the resource's input types.
async fn resource<'a, W, F, Fut>(
    hd: &dyn Helpdesk,
    r: Resource,
    op: &'a ResourceOp<W>,
    format: Format,
    write: F,
) -> Result<(), CliError>
where
    W: clap::Subcommand,
    F: FnOnce(&'a W) -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>>,
{
    match op {
        ResourceOp::List(l) => list(hd, r, l, format).await,
        ResourceOp::Get { id, remote_data } => output::record(format, get_record(hd, r, id, *remote_data).await?),
        ResourceOp::Write(w) => write(w).await,
    }
}

fn query_of(l: &ListArgs) -> Result<ListQuery, CliError> {
    let mut q = ListQuery::new().include_remote_data(l.remote_data).include_deleted(l.include_deleted);
    q.page_size = l.page_size;
    q.cursor = l.cursor.clone().map(Cursor::from_raw);
    q.ticket_id = l.ticket.clone();
    q.contact_id = l.contact.clone();
    if let Some(t) = &l.updated_after {
        q.updated_after = Some(parse_time("--updated-after", t)?);
    }
    Ok(q)
}

async fn list(hd: &dyn Helpdesk, r: Resource, l: &ListArgs, format: Format) -> Result<(), CliError> {
    let q = query_of(l)?;
    let name = r.plural();
    if !l.all {
        let page = list_page(hd, r, &q).await?;
        note_page_size(l.page_size, page.items.len(), page.next_cursor.is_some());
        output::print(&page.items, format, name, page.next_cursor.as_ref().map(Cursor::as_str))?;
        if let Some(c) = &page.next_cursor {
            eprintln!("next_cursor: {c}");
        }
        return Ok(());
    }
    // The first page is fetched here to say whether the page size was lowered; the stream continues from it.
    let first = list_page(hd, r, &q).await?;
    note_page_size(l.page_size, first.items.len(), first.next_cursor.is_some());
    let rest = first.next_cursor.clone().map(|c| stream_records(hd, r, q.clone().cursor(c)));
    if format == Format::Jsonl {
        output::print(&first.items, format, name, None)?;
        if let Some(mut stream) = rest {
            while let Some(item) = stream.next().await {
                output::print(&[item?], format, name, None)?;
            }
        }
        return Ok(());
    }
    let mut all = first.items;
    if let Some(mut stream) = rest {
        while let Some(item) = stream.next().await {
            all.push(item?);
        }
    }
    output::print(&all, format, name, None)
}

/// Says once on stderr when the first page is shorter than `--page-size` although more
/// follow: the provider's maximum page size applied.
fn note_page_size(requested: Option<u32>, got: usize, more: bool) {
    if let Some(n) = requested
        && more
        && (got as u64) < u64::from(n)
    {
        eprintln!("note: pages hold {got} records here, fewer than --page-size {n}: the provider's maximum applies");
    }
}

/// One row per resource: `yes`, `unsupported`, or `-` where the operation does not apply.
fn capability_rows(caps: &unidesk_core::Capabilities) -> Vec<serde_json::Value> {
    Resource::ALL
        .iter()
        .map(|r| {
            let mut row = serde_json::Map::new();
            row.insert("resource".into(), r.plural().into());
            for op in Operation::ALL {
                let v = if !op.applies_to(*r) {
                    "-"
                } else if caps.supports(*r, op) {
                    "yes"
                } else {
                    "unsupported"
                };
                row.insert(op.as_str().into(), v.into());
            }
            serde_json::Value::Object(row)
        })
        .collect()
}

async fn fields(hd: &dyn Helpdesk, resource: Option<&str>, format: Format) -> Result<(), CliError> {
    let resource = resource.map(str::parse::<Resource>).transpose()?;
    let defs = hd.fields().list(resource).await?;
    output::print(&defs, format, "fields", None)
}

fn capabilities(hd: &dyn Helpdesk, format: Format) -> Result<(), CliError> {
    let rows = capability_rows(&hd.capabilities());
    match format {
        Format::Table => {
            let mut t = comfy_table::Table::new();
            let mut header = vec!["resource".to_string()];
            header.extend(Operation::ALL.iter().map(|o| o.as_str().to_string()));
            t.set_header(header.clone());
            for r in &rows {
                t.add_row(header.iter().map(|h| r[h].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>());
            }
            output::line(format_args!("{}: {}", hd.name(), t))
        }
        f => output::print(&rows, f, "capabilities", None),
    }
}

/// A one-line summary: how many applicable operations are supported, and which are not.
fn capability_summary(caps: &unidesk_core::Capabilities) -> (usize, usize, Vec<String>) {
    let mut supported = 0;
    let mut total = 0;
    let mut missing = Vec::new();
    for r in Resource::ALL {
        for op in Operation::ALL.into_iter().filter(|op| op.applies_to(r)) {
            total += 1;
            if caps.supports(r, op) {
                supported += 1;
            } else {
                missing.push(format!("{}.{}", r.plural(), op.as_str()));
            }
        }
    }
    (supported, total, missing)
}

fn list_providers(format: Option<Format>) -> Result<(), CliError> {
    let rows: Vec<serde_json::Value> = providers::REGISTRY
        .iter()
        .map(|p| {
            let (supported, total, missing) = capability_summary(&(p.capabilities)());
            serde_json::json!({
                "name": p.name,
                "about": p.about,
                "simulator": p.serve_sim.is_some(),
                "supported_operations": supported,
                "applicable_operations": total,
                "unsupported": missing,
            })
        })
        .collect();
    match output::resolve(format) {
        Format::Table => {
            for r in &rows {
                let missing: Vec<&str> =
                    r["unsupported"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
                output::line(format_args!(
                    "{:<10} {}/{} operations{}{} — {}",
                    r["name"].as_str().unwrap_or_default(),
                    r["supported_operations"],
                    r["applicable_operations"],
                    if r["simulator"] == true { ", simulator" } else { "" },
                    if missing.is_empty() { String::new() } else { format!("; unsupported: {}", missing.join(" ")) },
                    r["about"].as_str().unwrap_or_default(),
                ))?;
            }
            Ok(())
        }
        f => output::print(&rows, f, "providers", None),
    }
}

fn write_schemas(out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|e| CliError::other(format!("creating {}: {e}", out.display())))?;
    for (name, text) in unidesk_core::schema::all() {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))?;
        output::line(format_args!("wrote {}", path.display()))?;
    }
    Ok(())
}
