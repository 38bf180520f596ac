//! Honesty: the capability report matches what the adapter does.

use unidesk_core::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, Error, ListQuery, Operation, Resource,
    TicketCreate, TicketUpdate,
};

use super::get::MISSING_ID;
use crate::Target;
use crate::outcome::{CheckResult, Failure, Outcome, ensure};

/// Calls `op` on `resource` with harmless arguments (missing ids, a listing's first page, a small
/// create) and returns the error, if any. `None`: the pair has no method in the traits.
/// Whether calling `op` may change data.
fn writes(op: Operation) -> bool {
    !matches!(
        op,
        Operation::List
            | Operation::Get
            | Operation::Lookup
            | Operation::ListDeleted
            | Operation::ListFields
            | Operation::Download
    )
}

fn ok<T>(r: unidesk_core::Result<T>) -> Option<unidesk_core::Result<()>> {
    Some(r.map(|_| ()))
}

async fn call(t: &Target, resource: Resource, op: Operation) -> Option<unidesk_core::Result<()>> {
    let d = t.desk();
    let q = ListQuery::new().page_size(1);
    let tag = ["conformance-tag".to_owned()];
    match (resource, op) {
        (_, Operation::List) => ok(crate::any::list(d, resource, &q).await),
        (_, Operation::ListDeleted) => ok(crate::any::list(d, resource, &q.clone().include_deleted(true)).await),
        (_, Operation::ListFields) => ok(d.fields().list(Some(resource)).await),
        (Resource::Comment, Operation::Download) => ok(d.attachments().download(MISSING_ID).await),
        (Resource::Comment, Operation::Upload) => ok(d
            .comments()
            .create(&CommentCreate {
                ticket_id: MISSING_ID.into(),
                body: "x".into(),
                attachments: vec![unidesk_core::AttachmentUpload {
                    file_name: "honesty.txt".into(),
                    content_type: "text/plain".into(),
                    bytes: b"honesty".to_vec(),
                }],
                ..Default::default()
            })
            .await),
        (_, Operation::Get) => ok(crate::any::get(d, resource, MISSING_ID).await),
        (Resource::Ticket, Operation::Create) => {
            let contact = match d.contacts().list(&q).await {
                Ok(p) => p.items.into_iter().next().map(|c| c.id).unwrap_or_else(|| MISSING_ID.into()),
                Err(_) => MISSING_ID.into(),
            };
            ok(d.tickets()
                .create(&TicketCreate { contact_id: contact, subject: Some("honesty".into()), ..Default::default() })
                .await)
        }
        (Resource::Ticket, Operation::Update) => {
            ok(d.tickets().update(MISSING_ID, &TicketUpdate { subject: Some("x".into()), ..Default::default() }).await)
        }
        (Resource::Ticket, Operation::Delete) => ok(d.tickets().delete(MISSING_ID).await),
        (Resource::Ticket, Operation::AddTags) => ok(d.tickets().add_tags(MISSING_ID, &tag).await),
        (Resource::Ticket, Operation::RemoveTags) => ok(d.tickets().remove_tags(MISSING_ID, &tag).await),
        (Resource::Comment, Operation::Create) => ok(d
            .comments()
            .create(&CommentCreate { ticket_id: MISSING_ID.into(), body: "x".into(), ..Default::default() })
            .await),
        (Resource::Contact, Operation::Create) => {
            ok(d.contacts().create(&ContactCreate { name: Some("Honesty Check".into()), ..Default::default() }).await)
        }
        (Resource::Contact, Operation::Update) => {
            ok(d.contacts().update(MISSING_ID, &ContactUpdate { name: Some("x".into()), ..Default::default() }).await)
        }
        (Resource::Contact, Operation::Delete) => ok(d.contacts().delete(MISSING_ID).await),
        (Resource::Contact, Operation::Lookup) => ok(d.contacts().find_by_email("nobody@conformance.invalid").await),
        (Resource::Account, Operation::Create) => {
            ok(d.accounts().create(&AccountCreate { name: "Honesty Co".into(), ..Default::default() }).await)
        }
        (Resource::Account, Operation::Update) => {
            ok(d.accounts().update(MISSING_ID, &AccountUpdate { name: Some("x".into()), ..Default::default() }).await)
        }
        (Resource::Account, Operation::Delete) => ok(d.accounts().delete(MISSING_ID).await),
        _ => None,
    }
}

/// Every operation the report leaves out answers `Unsupported` naming the resource, the operation and the adapter.
pub async fn unreported_operations_are_unsupported(t: &Target) -> CheckResult {
    let caps = t.desk().capabilities();
    let mut tried = 0;
    for r in Resource::ALL {
        for op in Operation::ALL.into_iter().filter(|op| op.applies_to(r) && !caps.supports(r, *op)) {
            // An operation reported unsupported must fail before writing anything, but a buggy
            // adapter might write: a read-only target does not take that risk.
            if t.is_read_only() && writes(op) {
                continue;
            }
            let Some(res) = call(t, r, op).await else { continue };
            tried += 1;
            match res {
                Err(Error::Unsupported { resource, operation, adapter }) => {
                    ensure!(resource == r && operation == op, "{op} on {r} named {operation} on {resource}");
                    ensure!(
                        adapter == t.desk().name(),
                        "Unsupported named adapter {adapter:?}, not {:?}",
                        t.desk().name()
                    );
                }
                other => {
                    return Err(Failure::new(format!(
                        "{op} on {r} is not in the capability report, yet answered {other:?} instead of Unsupported"
                    )));
                }
            }
        }
    }
    if tried == 0 {
        return Ok(Outcome::Skipped("the adapter reports every operation as supported".into()));
    }
    Ok(Outcome::Passed)
}

/// No operation the report includes ever answers `Unsupported`.
pub async fn reported_operations_are_never_unsupported(t: &Target) -> CheckResult {
    let caps = t.desk().capabilities();
    for (r, op) in caps.iter() {
        if t.is_read_only() && writes(op) {
            continue;
        }
        if let Some(Err(Error::Unsupported { .. })) = call(t, r, op).await {
            return Err(Failure::new(format!("{op} on {r} is in the capability report, yet answered Unsupported")));
        }
    }
    Ok(Outcome::Passed)
}

/// The report names only operations that exist for their resource, and every resource can at least be read.
pub async fn capability_report_is_well_formed(t: &Target) -> CheckResult {
    let caps = t.desk().capabilities();
    ensure!(!t.desk().name().trim().is_empty(), "the adapter's name is empty");
    for (r, op) in caps.iter() {
        ensure!(op.applies_to(r), "the report lists {op} on {r}, which the unified model has no method for");
    }
    for r in Resource::ALL {
        ensure!(
            caps.supports(r, Operation::Get) || caps.supports(r, Operation::List),
            "{r} can be neither listed nor fetched"
        );
    }
    Ok(Outcome::Passed)
}
