//! Running `unidesk kustomer …` against a Kustomer client.

use std::future::Future;
use std::path::Path;

use futures::StreamExt;
use serde::Serialize;
use unidesk_core::{Cursor, ListQuery, Page, Result as CoreResult, paginate};
use unidesk_kustomer::KustomerClient;
use unidesk_kustomer::extra::audit::AuditQuery;

use super::{Area, AuditOp, CrudOp, DraftsOp, KObjectsOp, KustomerArgs, NotesOp, Paging, SubStatusListing};
use crate::cli::Format;
use crate::error::CliError;
use crate::input::{parse_time, read_json};
use crate::output;

const NOTE_COLS: &[&str] = &["id", "ticket_id", "author_user_id", "body", "updated_at"];
const KLASS_COLS: &[&str] = &["id", "name", "display_name", "updated_at"];
const KOBJECT_COLS: &[&str] = &["id", "klass", "title", "external_id", "customer_id", "company_id", "updated_at"];
const SUB_STATUS_COLS: &[&str] = &["id", "label", "parent_status", "resource_type", "description"];
const AUDIT_COLS: &[&str] = &["id", "created_at", "event_name", "object_type", "object_id", "user_id"];
const WEBHOOK_COLS: &[&str] = &["id", "name", "url", "events", "enabled"];
const DRAFT_COLS: &[&str] = &["id", "conversation_id", "channel", "status", "send_at", "body"];

/// Runs one `kustomer` command.
pub(crate) async fn run(c: &KustomerClient, args: &KustomerArgs, format: Format) -> Result<(), CliError> {
    match &args.area {
        Area::Notes { op } => notes(c, op, format).await,
        Area::Klasses { op } => klasses(c, op, format).await,
        Area::Kobjects { op } => kobjects(c, op, format).await,
        Area::Substatuses { op } => sub_statuses(c, op, format).await,
        Area::Audit { op } => audit(c, op, format).await,
        Area::Webhooks { token_out, op } => webhooks(c, op, token_out.as_deref(), format).await,
        Area::Drafts { op } => drafts(c, op, format).await,
    }
}

fn query(p: &Paging) -> ListQuery {
    let mut q = ListQuery::new();
    q.page_size = p.page_size;
    q.cursor = p.cursor.clone().map(Cursor::from_raw);
    q
}

/// Prints one page, or with `--all` every record from the first page on.
async fn list<'a, T, F, Fut>(paging: &Paging, format: Format, cols: &[&str], fetch: F) -> Result<(), CliError>
where
    T: Serialize + Send + 'a,
    F: FnMut(ListQuery) -> Fut + Send + 'a,
    Fut: Future<Output = CoreResult<Page<T>>> + Send + 'a,
{
    let q = query(paging);
    if !paging.all {
        let mut fetch = fetch;
        let page = fetch(q).await?;
        let next = page.next_cursor.as_ref().map(Cursor::as_str);
        output::print_cols(&page.items, format, Some(cols), next)?;
        if let Some(c) = next {
            eprintln!("next_cursor: {c}");
        }
        return Ok(());
    }
    let mut stream = paginate(q, fetch);
    let mut all = Vec::new();
    while let Some(item) = stream.next().await {
        let item = item?;
        if format == Format::Jsonl {
            output::print_cols(&[item], format, Some(cols), None)?;
        } else {
            all.push(item);
        }
    }
    if format == Format::Jsonl { Ok(()) } else { output::print_cols(&all, format, Some(cols), None) }
}

fn deleted(format: Format, id: &str) -> Result<(), CliError> {
    output::record(format, serde_json::json!({ "id": id, "deleted": true }))
}

async fn notes(c: &KustomerClient, op: &NotesOp, format: Format) -> Result<(), CliError> {
    match op {
        NotesOp::List { customer, paging } => {
            list(paging, format, NOTE_COLS, |q| async move { c.customer_notes(customer, &q).await }).await
        }
        NotesOp::Update { id, input } => output::record(format, c.update_note(id, &read_json(input)?).await?),
        NotesOp::Delete { id } => {
            c.delete_note(id).await?;
            deleted(format, id)
        }
    }
}

async fn klasses(c: &KustomerClient, op: &CrudOp, format: Format) -> Result<(), CliError> {
    match op {
        CrudOp::List { listing: paging } => {
            list(paging, format, KLASS_COLS, |q| async move { c.list_klasses(&q).await }).await
        }
        CrudOp::Get { id } => output::record(format, c.get_klass(id).await?),
        CrudOp::Create(input) => output::record(format, c.create_klass(&read_json(input)?).await?),
        CrudOp::Update { id, input } => output::record(format, c.update_klass(id, &read_json(input)?).await?),
        CrudOp::Delete { id } => {
            c.delete_klass(id).await?;
            deleted(format, id)
        }
    }
}

async fn kobjects(c: &KustomerClient, op: &KObjectsOp, format: Format) -> Result<(), CliError> {
    match op {
        KObjectsOp::List { klass, customer, company, paging } => {
            let objects = c.kobjects(klass.as_str());
            list(paging, format, KOBJECT_COLS, |q| {
                let objects = objects.clone();
                async move {
                    match (customer, company) {
                        (Some(id), _) => objects.of_customer(id, &q).await,
                        (None, Some(id)) => objects.of_company(id, &q).await,
                        (None, None) => objects.list(&q).await,
                    }
                }
            })
            .await
        }
        KObjectsOp::Get { klass, id } => output::record(format, c.kobjects(klass.as_str()).get(id).await?),
        KObjectsOp::Create { klass, input } => {
            output::record(format, c.kobjects(klass.as_str()).create(&read_json(input)?).await?)
        }
        KObjectsOp::Update { klass, id, input } => {
            output::record(format, c.kobjects(klass.as_str()).update(id, &read_json(input)?).await?)
        }
        KObjectsOp::Delete { klass, id } => {
            c.kobjects(klass.as_str()).delete(id).await?;
            deleted(format, id)
        }
    }
}

async fn sub_statuses(c: &KustomerClient, op: &CrudOp<SubStatusListing>, format: Format) -> Result<(), CliError> {
    match op {
        CrudOp::List { listing } => {
            let rt = listing.resource_type.as_deref();
            list(&listing.paging, format, SUB_STATUS_COLS, |q| async move { c.list_sub_statuses(rt, &q).await }).await
        }
        CrudOp::Get { id } => output::record(format, c.get_sub_status(id).await?),
        CrudOp::Create(input) => output::record(format, c.create_sub_status(&read_json(input)?).await?),
        CrudOp::Update { id, input } => output::record(format, c.update_sub_status(id, &read_json(input)?).await?),
        CrudOp::Delete { id } => {
            c.delete_sub_status(id).await?;
            deleted(format, id)
        }
    }
}

async fn audit(c: &KustomerClient, op: &AuditOp, format: Format) -> Result<(), CliError> {
    let AuditOp::List { since, until, object_type, events, object, user, page_size, cursor, all } = op;
    let base = AuditQuery {
        since: since.as_deref().map(|t| parse_time("--since", t)).transpose()?,
        until: until.as_deref().map(|t| parse_time("--until", t)).transpose()?,
        object_type: object_type.clone(),
        object_id: object.clone(),
        user_id: user.clone(),
        event_names: events.clone(),
        count: *page_size,
        cursor: None,
    };
    let paging = Paging { page_size: None, cursor: cursor.clone(), all: *all };
    list(&paging, format, AUDIT_COLS, |q| {
        let aq = AuditQuery { cursor: q.cursor, ..base.clone() };
        async move { c.audit_events(&aq).await }
    })
    .await
}

async fn webhooks(c: &KustomerClient, op: &CrudOp, token_out: Option<&Path>, format: Format) -> Result<(), CliError> {
    match op {
        CrudOp::List { listing: paging } => {
            list(paging, format, WEBHOOK_COLS, |q| async move { c.list_outbound_webhooks(&q).await }).await
        }
        CrudOp::Get { id } => output::record(format, c.get_outbound_webhook(id).await?),
        CrudOp::Create(input) => {
            let created = c.create_outbound_webhook(&read_json(input)?).await?;
            match (&created.token, token_out) {
                (Some(token), Some(path)) => write_secret(path, secrecy::ExposeSecret::expose_secret(token))?,
                (Some(_), None) => eprintln!(
                    "note: Kustomer returned the webhook's signing token only now; it was not saved (use --token-out FILE)"
                ),
                (None, _) => eprintln!("note: Kustomer returned no signing token"),
            }
            output::record(format, created.webhook)
        }
        CrudOp::Update { id, input } => {
            output::record(format, c.update_outbound_webhook(id, &read_json(input)?).await?)
        }
        CrudOp::Delete { id } => {
            c.delete_outbound_webhook(id).await?;
            deleted(format, id)
        }
    }
}

/// Writes `secret` to a new file only its owner can read (an existing file is not replaced).
fn write_secret(path: &Path, secret: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| CliError::usage(format!("--token-out {}: {e}", path.display())))?;
    file.write_all(secret.as_bytes()).map_err(|e| CliError::other(format!("writing {}: {e}", path.display())))
}

async fn drafts(c: &KustomerClient, op: &DraftsOp, format: Format) -> Result<(), CliError> {
    match op {
        DraftsOp::List { conversation, customer, paging } => {
            list(paging, format, DRAFT_COLS, |q| async move {
                match (conversation, customer) {
                    (_, Some(customer)) => c.list_customer_drafts(customer, &q).await,
                    (Some(conv), None) => c.list_drafts(conv, &q).await,
                    (None, None) => Err(unidesk_core::Error::invalid_input("give a conversation or --customer")),
                }
            })
            .await
        }
        DraftsOp::Get { id } => output::record(format, c.get_draft(id).await?),
        DraftsOp::Create { customer, input } => {
            output::record(format, c.create_draft(customer, &read_json(input)?).await?)
        }
        DraftsOp::Update { id, input } => output::record(format, c.update_draft(id, &read_json(input)?).await?),
        DraftsOp::Delete { id } => {
            c.delete_draft(id).await?;
            deleted(format, id)
        }
    }
}
