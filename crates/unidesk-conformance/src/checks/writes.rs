//! Writes: create, patch, close and reopen, tags, delete, comments, contacts, accounts.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use unidesk_core::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, Error, ListQuery, Operation, Priority,
    Resource, Ticket, TicketCreate, TicketStatus, TicketUpdate,
};

use super::supports;
use crate::Target;
use crate::any::walk;
use crate::outcome::{CheckResult, Context, Failure, Outcome, ensure, skip};

/// A value no other run of the suite uses, for names, emails and external ids.
fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{prefix}-{nanos:x}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn without_volatile(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.remove("updated_at");
        m.remove("remote_data");
    }
    v
}

fn to_json<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

/// A contact to open tickets for: the first listed, or a new one.
async fn some_contact(t: &Target) -> Result<Option<String>, Failure> {
    if supports(t, Resource::Contact, Operation::List) {
        let page = t.desk().contacts().list(&ListQuery::new().page_size(1)).await.ctx("list contacts")?;
        if let Some(c) = page.items.into_iter().next() {
            return Ok(Some(c.id));
        }
    }
    if supports(t, Resource::Contact, Operation::Create) {
        let input = ContactCreate { name: Some("Conformance Contact".into()), ..Default::default() };
        return Ok(Some(t.desk().contacts().create(&input).await.ctx("create a contact")?.id));
    }
    Ok(None)
}

/// Up to `n` existing tag ids (adapters may require tags to exist).
async fn some_tags(t: &Target, n: usize) -> Result<Vec<String>, Failure> {
    if supports(t, Resource::Tag, Operation::List) {
        let w = walk(t.desk(), Resource::Tag, ListQuery::new().page_size(100), "tags").await?;
        let ids: Vec<String> = w.ids().into_iter().take(n).collect();
        if ids.len() == n {
            return Ok(ids);
        }
    }
    Ok((0..n).map(|i| format!("conformance-tag-{i}")).collect())
}

/// Opens a ticket for the checks, or says why it cannot.
async fn open_ticket(t: &Target, tags: Vec<String>) -> Result<Result<Ticket, String>, Failure> {
    if !supports(t, Resource::Ticket, Operation::Create) {
        return Ok(Err("tickets cannot be created".into()));
    }
    let Some(contact_id) = some_contact(t).await? else {
        return Ok(Err("no contact to open a ticket for".into()));
    };
    let input = TicketCreate {
        contact_id,
        subject: Some(unique("Conformance ticket")),
        status: Some(TicketStatus::Open),
        priority: Some(Priority::High),
        tag_ids: tags,
        ..Default::default()
    };
    let created = t.desk().tickets().create(&input).await.ctx("create a ticket")?;
    Ok(Ok(created))
}

macro_rules! ticket_or_skip {
    ($t:expr, $tags:expr) => {
        match open_ticket($t, $tags).await? {
            Ok(ticket) => ticket,
            Err(why) => skip!("{why}"),
        }
    };
}

/// A created ticket carries what was given, and `get` returns the same normalized record.
pub async fn ticket_create_then_get_round_trips(t: &Target) -> CheckResult {
    let tags = some_tags(t, 1).await?;
    let created = ticket_or_skip!(t, tags.clone());
    ensure!(created.status == Some(TicketStatus::Open), "created with status open, got {:?}", created.status);
    ensure!(created.priority == Some(Priority::High), "created with priority high, got {:?}", created.priority);
    ensure!(
        created.subject.as_deref().is_some_and(|s| s.starts_with("Conformance ticket")),
        "subject lost: {:?}",
        created.subject
    );
    ensure!(created.contact_id.is_some(), "contact_id lost");
    ensure!(created.tag_ids == tags, "created with tags {tags:?}, got {:?}", created.tag_ids);
    if supports(t, Resource::Ticket, Operation::Get) {
        let got = t.desk().tickets().get(&created.id, false).await.ctx("get the created ticket")?;
        ensure!(
            without_volatile(to_json(&got)) == without_volatile(to_json(&created)),
            "get differs from create's answer:\n{}\nvs\n{}",
            to_json(&got),
            to_json(&created)
        );
    }
    Ok(Outcome::Passed)
}

/// An update changes only the fields it gives; the others keep their values.
pub async fn ticket_update_patches_only_given_fields(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::Update) {
        skip!("tickets cannot be updated");
    }
    let created = ticket_or_skip!(t, some_tags(t, 1).await?);
    let subject = unique("Renamed");
    let patched = t
        .desk()
        .tickets()
        .update(&created.id, &TicketUpdate { subject: Some(subject.clone()), ..Default::default() })
        .await
        .ctx("patch the subject")?;
    ensure!(patched.subject.as_deref() == Some(subject.as_str()), "subject not patched: {:?}", patched.subject);
    ensure!(patched.status == created.status, "status changed from {:?} to {:?}", created.status, patched.status);
    ensure!(
        patched.priority == created.priority,
        "priority changed from {:?} to {:?}",
        created.priority,
        patched.priority
    );
    ensure!(patched.tag_ids == created.tag_ids, "tags changed from {:?} to {:?}", created.tag_ids, patched.tag_ids);
    ensure!(patched.contact_id == created.contact_id, "contact changed");
    let patched = t
        .desk()
        .tickets()
        .update(&created.id, &TicketUpdate { priority: Some(Priority::Low), ..Default::default() })
        .await
        .ctx("patch the priority")?;
    ensure!(patched.priority == Some(Priority::Low), "priority not patched: {:?}", patched.priority);
    ensure!(patched.subject.as_deref() == Some(subject.as_str()), "subject lost after a priority patch");
    let unchanged = t.desk().tickets().update(&created.id, &TicketUpdate::default()).await.ctx("an empty patch")?;
    ensure!(
        without_volatile(to_json(&unchanged)) == without_volatile(to_json(&patched)),
        "an empty patch changed the ticket"
    );
    Ok(Outcome::Passed)
}

/// Closing then reopening a ticket round-trips its status, as read back by `get`.
pub async fn ticket_close_then_reopen_round_trips(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::Update) {
        skip!("tickets cannot be updated");
    }
    let created = ticket_or_skip!(t, Vec::new());
    for status in [TicketStatus::Closed, TicketStatus::Open, TicketStatus::Closed, TicketStatus::Open] {
        let patch = TicketUpdate { status: Some(status.clone()), ..Default::default() };
        let after = t.desk().tickets().update(&created.id, &patch).await.ctx(format!("set status {status}"))?;
        ensure!(after.status.as_ref() == Some(&status), "set status {status}, update answered {:?}", after.status);
        let got = t.desk().tickets().get(&created.id, false).await.ctx("get after the status change")?;
        ensure!(got.status.as_ref() == Some(&status), "set status {status}, get answered {:?}", got.status);
        if status == TicketStatus::Open {
            ensure!(got.closed_at.is_none(), "a reopened ticket still has closed_at {:?}", got.closed_at);
        }
    }
    Ok(Outcome::Passed)
}

/// Adding a tag twice keeps it once; removing it twice removes it; removing an absent tag is no error.
pub async fn ticket_tags_add_remove_are_idempotent(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::AddTags) || !supports(t, Resource::Ticket, Operation::RemoveTags) {
        skip!("tickets cannot be tagged");
    }
    let tags = some_tags(t, 2).await?;
    let created = ticket_or_skip!(t, vec![tags[0].clone()]);
    let extra = vec![tags[1].clone()];
    let count = |tk: &Ticket, id: &str| tk.tag_ids.iter().filter(|x| *x == id).count();
    for round in 1..=2 {
        let after = t.desk().tickets().add_tags(&created.id, &extra).await.ctx(format!("add_tags, round {round}"))?;
        ensure!(count(&after, &extra[0]) == 1, "after add_tags round {round}: tags {:?}", after.tag_ids);
        ensure!(count(&after, &tags[0]) == 1, "add_tags dropped the existing tag: {:?}", after.tag_ids);
    }
    for round in 1..=2 {
        let after =
            t.desk().tickets().remove_tags(&created.id, &extra).await.ctx(format!("remove_tags, round {round}"))?;
        ensure!(count(&after, &extra[0]) == 0, "after remove_tags round {round}: tags {:?}", after.tag_ids);
        ensure!(count(&after, &tags[0]) == 1, "remove_tags dropped another tag: {:?}", after.tag_ids);
    }
    let got = t.desk().tickets().get(&created.id, false).await.ctx("get after tagging")?;
    ensure!(got.tag_ids == vec![tags[0].clone()], "get after tagging shows {:?}", got.tag_ids);
    Ok(Outcome::Passed)
}

/// A deleted ticket is `NotFound` afterwards.
pub async fn ticket_delete_then_get_is_not_found(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::Delete) {
        skip!("tickets cannot be deleted");
    }
    let created = ticket_or_skip!(t, Vec::new());
    t.desk().tickets().delete(&created.id).await.ctx("delete the ticket")?;
    let res = t.desk().tickets().get(&created.id, false).await;
    ensure!(
        matches!(res, Err(Error::NotFound { resource: Resource::Ticket, .. })),
        "get after delete gave {:?}",
        res.map(|x| x.id)
    );
    Ok(Outcome::Passed)
}

/// A public reply and a private note come back as created, and are listed under their ticket.
pub async fn comment_reply_and_note_round_trip(t: &Target) -> CheckResult {
    if !supports(t, Resource::Comment, Operation::Create) {
        skip!("comments cannot be created");
    }
    let ticket = ticket_or_skip!(t, Vec::new());
    let mut made = Vec::new();
    for private in [false, true] {
        let body = unique(if private { "Internal note" } else { "Public reply" });
        let input = CommentCreate {
            ticket_id: ticket.id.clone(),
            body: body.clone(),
            is_private: private,
            channel: Some("email".into()),
            ..Default::default()
        };
        let c = t.desk().comments().create(&input).await.ctx(format!("create a comment (private: {private})"))?;
        ensure!(c.is_private == private, "created is_private {private}, got {}", c.is_private);
        ensure!(c.ticket_id.as_deref() == Some(ticket.id.as_str()), "comment's ticket_id is {:?}", c.ticket_id);
        ensure!(c.body.as_deref().map(str::trim) == Some(body.as_str()), "body {:?}, sent {body:?}", c.body);
        made.push(c);
    }
    if supports(t, Resource::Comment, Operation::List) {
        let w =
            walk(t.desk(), Resource::Comment, ListQuery::new().ticket_id(ticket.id.clone()), "the ticket's comments")
                .await?;
        for c in &made {
            let listed = w.records().find(|r| r.id == c.id);
            ensure!(listed.is_some(), "comment {} is not listed under its ticket", c.id);
            let listed_private = listed.and_then(|r| r.json.get("is_private")).and_then(Value::as_bool);
            ensure!(listed_private == Some(c.is_private), "comment {} listed with is_private {listed_private:?}", c.id);
        }
    }
    let empty = CommentCreate { ticket_id: ticket.id.clone(), body: "   ".into(), ..Default::default() };
    let res = t.desk().comments().create(&empty).await;
    ensure!(matches!(res, Err(Error::Validation { .. })), "an empty body gave {:?}, not Validation", res.map(|c| c.id));
    Ok(Outcome::Passed)
}

/// A file uploaded with a public reply is listed on the comment with its name, type and size,
/// and downloads byte-identical; an unknown attachment id is `NotFound`.
pub async fn uploaded_attachment_downloads_byte_identical(t: &Target) -> CheckResult {
    if !supports(t, Resource::Comment, Operation::Upload) {
        skip!("the adapter does not report attachment uploads (upload on comment)");
    }
    if !supports(t, Resource::Comment, Operation::Download) {
        skip!("the adapter does not report attachment downloads (download on comment)");
    }
    let ticket = ticket_or_skip!(t, Vec::new());
    // Every byte value, in an order no chunking hides, over several 64 KiB chunks.
    let bytes: Vec<u8> = (0..200_003u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let name = format!("{}.bin", unique("conformance-attachment"));
    let input = CommentCreate {
        ticket_id: ticket.id.clone(),
        body: unique("Reply with an attachment"),
        channel: Some("email".into()),
        attachments: vec![unidesk_core::AttachmentUpload {
            file_name: name.clone(),
            content_type: "application/octet-stream".into(),
            bytes: bytes.clone(),
        }],
        ..Default::default()
    };
    let c = t.desk().comments().create(&input).await.ctx("create a reply with an attachment")?;
    ensure!(c.attachments.len() == 1, "the reply carries {} attachments, not 1", c.attachments.len());
    let a = &c.attachments[0];
    ensure!(a.file_name.as_deref() == Some(name.as_str()), "attachment named {:?}, sent {name:?}", a.file_name);
    ensure!(a.size_bytes.is_none_or(|n| n == bytes.len() as u64), "attachment size {:?}", a.size_bytes);
    let mut stream = t.desk().attachments().download(&a.id).await.ctx("download the attachment")?;
    let mut got = Vec::with_capacity(bytes.len());
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        got.extend_from_slice(&chunk.ctx("read the attachment's content")?);
    }
    ensure!(got.len() == bytes.len(), "downloaded {} bytes, uploaded {}", got.len(), bytes.len());
    ensure!(got == bytes, "the downloaded bytes differ from the uploaded ones");
    let missing = t.desk().attachments().download(super::get::MISSING_ID).await.map(|_| ());
    ensure!(
        matches!(missing, Err(Error::NotFound { .. })),
        "downloading an unknown attachment gave {missing:?}, not NotFound"
    );
    Ok(Outcome::Passed)
}

fn new_contact() -> ContactCreate {
    let tag = unique("c");
    ContactCreate {
        name: Some("Conformance Contact".into()),
        email: Some(format!("{tag}@conformance.example")),
        phone: Some("+15550100".into()),
        external_id: Some(format!("ext-{tag}")),
        ..Default::default()
    }
}

/// A created contact reads back the same; a patch changes only what it gives.
pub async fn contact_create_update_round_trip(t: &Target) -> CheckResult {
    if !supports(t, Resource::Contact, Operation::Create) {
        skip!("contacts cannot be created");
    }
    let input = new_contact();
    let c = t.desk().contacts().create(&input).await.ctx("create a contact")?;
    ensure!(
        c.name == input.name && c.email == input.email,
        "created {:?}/{:?}, got {:?}/{:?}",
        input.name,
        input.email,
        c.name,
        c.email
    );
    ensure!(c.external_id == input.external_id, "external_id {:?}, got {:?}", input.external_id, c.external_id);
    if supports(t, Resource::Contact, Operation::Get) {
        let got = t.desk().contacts().get(&c.id, false).await.ctx("get the contact")?;
        ensure!(without_volatile(to_json(&got)) == without_volatile(to_json(&c)), "get differs from create's answer");
    }
    if supports(t, Resource::Contact, Operation::Update) {
        let patch = ContactUpdate { name: Some("Renamed Contact".into()), ..Default::default() };
        let u = t.desk().contacts().update(&c.id, &patch).await.ctx("patch the name")?;
        ensure!(u.name.as_deref() == Some("Renamed Contact"), "name not patched: {:?}", u.name);
        ensure!(
            u.email == c.email && u.external_id == c.external_id && u.phone == c.phone,
            "a name patch changed other fields"
        );
    }
    Ok(Outcome::Passed)
}

/// A contact is found by its email and by its external id; absent keys are `NotFound`.
pub async fn contact_lookup_by_email_and_external_id(t: &Target) -> CheckResult {
    if !supports(t, Resource::Contact, Operation::Lookup) || !supports(t, Resource::Contact, Operation::Create) {
        skip!("contacts cannot be created and looked up");
    }
    let input = new_contact();
    let c = t.desk().contacts().create(&input).await.ctx("create a contact")?;
    let email = input.email.unwrap_or_default();
    let by_email = t.desk().contacts().find_by_email(&email).await.ctx("find_by_email")?;
    ensure!(by_email.id == c.id, "find_by_email found {}, created {}", by_email.id, c.id);
    let ext = input.external_id.unwrap_or_default();
    let by_ext = t.desk().contacts().find_by_external_id(&ext).await.ctx("find_by_external_id")?;
    ensure!(by_ext.id == c.id, "find_by_external_id found {}, created {}", by_ext.id, c.id);
    let missing = t.desk().contacts().find_by_email("nobody-unidesk@conformance.invalid").await;
    ensure!(
        matches!(missing, Err(Error::NotFound { resource: Resource::Contact, .. })),
        "an unknown email gave {:?}",
        missing.map(|x| x.id)
    );
    Ok(Outcome::Passed)
}

/// A deleted contact is `NotFound` afterwards.
pub async fn contact_delete_then_get_is_not_found(t: &Target) -> CheckResult {
    if !supports(t, Resource::Contact, Operation::Delete) || !supports(t, Resource::Contact, Operation::Create) {
        skip!("contacts cannot be created and deleted");
    }
    let c = t.desk().contacts().create(&new_contact()).await.ctx("create a contact")?;
    t.desk().contacts().delete(&c.id).await.ctx("delete the contact")?;
    let res = t.desk().contacts().get(&c.id, false).await;
    ensure!(
        matches!(res, Err(Error::NotFound { resource: Resource::Contact, .. })),
        "get after delete gave {:?}",
        res.map(|x| x.id)
    );
    Ok(Outcome::Passed)
}

/// A created account reads back the same; a patch changes only what it gives.
pub async fn account_create_update_round_trip(t: &Target) -> CheckResult {
    if !supports(t, Resource::Account, Operation::Create) {
        skip!("accounts cannot be created");
    }
    let input = AccountCreate {
        name: unique("Conformance Co"),
        domains: vec!["conformance.example".into()],
        external_id: Some(unique("acct")),
        custom_fields: [("tierStr".to_owned(), json!("gold"))].into(),
    };
    let a = t.desk().accounts().create(&input).await.ctx("create an account")?;
    ensure!(a.name.as_deref() == Some(input.name.as_str()), "name {:?}, got {:?}", input.name, a.name);
    ensure!(a.domains == input.domains, "domains {:?}, got {:?}", input.domains, a.domains);
    if supports(t, Resource::Account, Operation::Get) {
        let got = t.desk().accounts().get(&a.id, false).await.ctx("get the account")?;
        ensure!(without_volatile(to_json(&got)) == without_volatile(to_json(&a)), "get differs from create's answer");
    }
    if supports(t, Resource::Account, Operation::Update) {
        let patch = AccountUpdate { name: Some("Renamed Co".into()), ..Default::default() };
        let u = t.desk().accounts().update(&a.id, &patch).await.ctx("patch the name")?;
        ensure!(u.name.as_deref() == Some("Renamed Co"), "name not patched: {:?}", u.name);
        ensure!(u.domains == a.domains && u.external_id == a.external_id, "a name patch changed other fields");
        ensure!(u.custom_fields == a.custom_fields, "a name patch changed custom fields");
    }
    Ok(Outcome::Passed)
}

/// A status or priority the adapter cannot express is a `Validation` error naming the field, and changes nothing.
pub async fn unknown_status_or_priority_is_a_validation_error(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::Update) {
        skip!("tickets cannot be updated");
    }
    let created = ticket_or_skip!(t, Vec::new());
    let patches = [
        (
            "status",
            TicketUpdate { status: Some(TicketStatus::Unknown("unidesk-no-such-status".into())), ..Default::default() },
        ),
        (
            "priority",
            TicketUpdate { priority: Some(Priority::Unknown("unidesk-no-such-priority".into())), ..Default::default() },
        ),
    ];
    for (field, patch) in patches {
        match t.desk().tickets().update(&created.id, &patch).await {
            Err(Error::Validation { field_errors, .. }) => ensure!(
                field_errors.iter().any(|f| f.field.as_deref() == Some(field)),
                "the validation error does not name {field}: {field_errors:?}"
            ),
            other => {
                return Err(Failure::new(format!("an unknown {field} gave {:?}, not Validation", other.map(|x| x.id))));
            }
        }
    }
    let got = t.desk().tickets().get(&created.id, false).await.ctx("get after the rejected patches")?;
    ensure!(got.status == created.status && got.priority == created.priority, "a rejected patch changed the ticket");
    Ok(Outcome::Passed)
}

/// A deleted ticket leaves default listings; where the adapter reports `list_deleted`, a
/// listing with `include_deleted` (alone, and with an `updated_after` from before the delete)
/// holds it, marked `remote_was_deleted`.
pub async fn deleted_ticket_leaves_listings_and_is_listed_only_when_asked(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::Delete) {
        skip!("tickets cannot be deleted");
    }
    let created = ticket_or_skip!(t, Vec::new());
    let before = created.updated_at;
    t.desk().tickets().delete(&created.id).await.ctx("delete the ticket")?;
    let live = walk(t.desk(), Resource::Ticket, ListQuery::new().page_size(100), "tickets").await?;
    ensure!(!live.ids().contains(&created.id), "deleted ticket {:?} is still in the default listing", created.id);
    if !supports(t, Resource::Ticket, Operation::ListDeleted) {
        skip!("the report has no list_deleted on tickets (the honesty checks verify it answers Unsupported)");
    }
    let mut queries = vec![("include_deleted", ListQuery::new().page_size(100).include_deleted(true))];
    if let Some(at) = before {
        queries.push((
            "include_deleted with updated_after",
            ListQuery::new().page_size(100).include_deleted(true).updated_after(at),
        ));
    }
    for (what, q) in queries {
        let w = walk(t.desk(), Resource::Ticket, q, what).await?;
        w.ensure_no_repeats(what)?;
        let found = w.records().find(|r| r.id == created.id);
        let Some(found) = found else {
            return Err(Failure::new(format!("{what}: deleted ticket {:?} is not listed", created.id)));
        };
        ensure!(
            found.json.get("remote_was_deleted") == Some(&Value::Bool(true)),
            "{what}: deleted ticket {:?} is listed without remote_was_deleted",
            created.id
        );
    }
    Ok(Outcome::Passed)
}
