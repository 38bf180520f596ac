//! Running a parsed command.

use std::path::Path;

use futures::StreamExt;
use serde::Serialize;
use unidesk_core::{Cursor, Helpdesk, ListQuery, Operation, Page, Resource, paginate};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer_sim::{SimConfig, Simulator};

use crate::cli::{
    Cli, Command, CommentWrite, ContactWrite, Format, ListArgs, NoWrite, ResourceOp, TicketWrite,
};
use crate::error::CliError;
use crate::input::{parse_time, read_json};
use crate::output;

/// The connected adapter, and the simulator it talks to when `--sim` was given.
pub(crate) struct Connection {
    pub(crate) client: KustomerClient,
    _sim: Option<Simulator>,
}

async fn connect(cli: &Cli) -> Result<Connection, CliError> {
    let mut builder = KustomerClient::builder();
    let mut sim = None;
    if cli.sim {
        let s = Simulator::start(SimConfig::default())
            .await
            .map_err(|e| CliError::other(format!("starting the simulator: {e}")))?;
        builder = builder.base_url(s.base_url()).api_key(cli.token.clone().unwrap_or_else(|| s.api_key().to_owned()));
        sim = Some(s);
    } else {
        builder = match (&cli.base_url, &cli.org) {
            (Some(url), _) => builder.base_url(url.clone()),
            (None, Some(org)) => builder.org(org.clone()),
            (None, None) => {
                return Err(CliError::usage("give --sim, --base-url or --org (or KUSTOMER_BASE_URL / KUSTOMER_ORG)"));
            }
        };
        let token = cli.token.clone().ok_or_else(|| CliError::usage("give --token or KUSTOMER_API_KEY"))?;
        builder = builder.api_key(token);
    }
    let client = builder.build()?;
    Ok(Connection { client, _sim: sim })
}

/// Runs a parsed command.
pub(crate) async fn run(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Sim(args) => return serve_sim(args).await,
        Command::Schema { out } => return write_schemas(out),
        _ => {}
    }
    let conn = connect(cli).await?;
    let hd: &dyn Helpdesk = &conn.client;
    let format = output::resolve(cli.format);
    match &cli.command {
        Command::Tickets(a) => match &a.op {
            ResourceOp::List(l) => list(l, format, "tickets", |q| async move { hd.tickets().list(&q).await }).await,
            ResourceOp::Get { id, remote_data } => show(format, hd.tickets().get(id, *remote_data).await?),
            ResourceOp::Write(TicketWrite::Create(j)) => show(format, hd.tickets().create(&read_json(j)?).await?),
            ResourceOp::Write(TicketWrite::Update { id, input }) => {
                show(format, hd.tickets().update(id, &read_json(input)?).await?)
            }
        },
        Command::Comments(a) => match &a.op {
            ResourceOp::List(l) => list(l, format, "comments", |q| async move { hd.comments().list(&q).await }).await,
            ResourceOp::Get { id, remote_data } => show(format, hd.comments().get(id, *remote_data).await?),
            ResourceOp::Write(CommentWrite::Create(j)) => show(format, hd.comments().create(&read_json(j)?).await?),
        },
        Command::Contacts(a) => match &a.op {
            ResourceOp::List(l) => list(l, format, "contacts", |q| async move { hd.contacts().list(&q).await }).await,
            ResourceOp::Get { id, remote_data } => show(format, hd.contacts().get(id, *remote_data).await?),
            ResourceOp::Write(ContactWrite::Create(j)) => show(format, hd.contacts().create(&read_json(j)?).await?),
            ResourceOp::Write(ContactWrite::Update { id, input }) => {
                show(format, hd.contacts().update(id, &read_json(input)?).await?)
            }
        },
        Command::Accounts(a) => {
            read_only(
                &a.op,
                format,
                "accounts",
                |q| async move { hd.accounts().list(&q).await },
                |id, r| async move { hd.accounts().get(&id, r).await },
            )
            .await
        }
        Command::Tags(a) => {
            read_only(
                &a.op,
                format,
                "tags",
                |q| async move { hd.tags().list(&q).await },
                |id, r| async move { hd.tags().get(&id, r).await },
            )
            .await
        }
        Command::Teams(a) => {
            read_only(
                &a.op,
                format,
                "teams",
                |q| async move { hd.teams().list(&q).await },
                |id, r| async move { hd.teams().get(&id, r).await },
            )
            .await
        }
        Command::Users(a) => {
            read_only(
                &a.op,
                format,
                "users",
                |q| async move { hd.users().list(&q).await },
                |id, r| async move { hd.users().get(&id, r).await },
            )
            .await
        }
        Command::Sync(args) => {
            let client = conn.client.clone();
            let status = move || {
                let rl = client.rate_limit();
                match (rl.remaining, rl.limit) {
                    (Some(rem), Some(lim)) => Some(format!("rate limit {rem}/{lim}")),
                    _ => None,
                }
            };
            crate::sync::sync(hd, args, &status).await
        }
        Command::Capabilities => capabilities(hd, format),
        Command::Sim(_) | Command::Schema { .. } => Ok(()),
    }
}

async fn read_only<T, L, LF, G, GF>(
    op: &ResourceOp<NoWrite>,
    format: Format,
    name: &str,
    lister: L,
    getter: G,
) -> Result<(), CliError>
where
    T: Serialize + Send,
    L: FnMut(ListQuery) -> LF + Send,
    LF: std::future::Future<Output = unidesk_core::Result<Page<T>>> + Send,
    G: FnOnce(String, bool) -> GF,
    GF: std::future::Future<Output = unidesk_core::Result<T>>,
{
    match op {
        ResourceOp::List(l) => list(l, format, name, lister).await,
        ResourceOp::Get { id, remote_data } => show(format, getter(id.clone(), *remote_data).await?),
        ResourceOp::Write(never) => match *never {},
    }
}

fn show<T: Serialize>(format: Format, record: T) -> Result<(), CliError> {
    let format = if format == Format::Table { Format::Json } else { format };
    output::print(&[record], format, "", None)
}

fn query_of(l: &ListArgs) -> Result<ListQuery, CliError> {
    let mut q = ListQuery::new().include_remote_data(l.remote_data);
    q.page_size = l.page_size;
    q.cursor = l.cursor.clone().map(Cursor::from_raw);
    q.ticket_id = l.ticket.clone();
    q.contact_id = l.contact.clone();
    if let Some(t) = &l.updated_after {
        q.updated_after = Some(parse_time("--updated-after", t)?);
    }
    Ok(q)
}

async fn list<T, F, Fut>(l: &ListArgs, format: Format, name: &str, mut fetch: F) -> Result<(), CliError>
where
    T: Serialize + Send,
    F: FnMut(ListQuery) -> Fut + Send,
    Fut: std::future::Future<Output = unidesk_core::Result<Page<T>>> + Send,
{
    let q = query_of(l)?;
    let requested = l.page_size;
    let mut noted = false;
    let mut fetch = move |q: ListQuery| {
        let page = fetch(q);
        let note = !std::mem::replace(&mut noted, true);
        async move {
            let page = page.await?;
            if note {
                note_page_size(requested, page.items.len(), page.next_cursor.is_some());
            }
            Ok(page)
        }
    };
    if !l.all {
        let page = fetch(q).await?;
        output::print(&page.items, format, name, page.next_cursor.as_ref().map(Cursor::as_str))?;
        if let Some(c) = &page.next_cursor {
            eprintln!("next_cursor: {c}");
        }
        return Ok(());
    }
    let mut stream = paginate(q, fetch);
    if format == Format::Jsonl {
        while let Some(item) = stream.next().await {
            output::print(&[item?], format, name, None)?;
        }
        return Ok(());
    }
    let mut all = Vec::new();
    while let Some(item) = stream.next().await {
        all.push(item?);
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

fn capabilities(hd: &dyn Helpdesk, format: Format) -> Result<(), CliError> {
    let caps = hd.capabilities();
    let rows: Vec<serde_json::Value> = Resource::ALL
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
        .collect();
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

fn write_schemas(out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|e| CliError::other(format!("creating {}: {e}", out.display())))?;
    for (name, text) in unidesk_core::schema::all() {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))?;
        output::line(format_args!("wrote {}", path.display()))?;
    }
    Ok(())
}

async fn serve_sim(args: &crate::cli::SimArgs) -> Result<(), CliError> {
    let mut config = SimConfig {
        seed: args.seed,
        conversations: args.conversations,
        rate_limit: args.rate_limit,
        ..SimConfig::default()
    };
    config.faults.rate = args.fault_rate;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
    let sim = Simulator::bind(config, addr).await.map_err(|e| CliError::other(format!("binding {addr}: {e}")))?;
    // Write errors are ignored: a reader that closes the pipe after the first line
    // (`unidesk sim | head -1`) must not take the server down with it.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "base_url: {}", sim.base_url());
        let _ = writeln!(out, "api_key: {}", sim.api_key());
        let _ = writeln!(out, "read_only_key: {}", sim.read_only_key());
        let _ = out.flush();
        let _ = writeln!(std::io::stderr(), "serving the Kustomer simulator; Ctrl-C to stop");
    }
    tokio::signal::ctrl_c().await.map_err(CliError::other)?;
    Ok(())
}
