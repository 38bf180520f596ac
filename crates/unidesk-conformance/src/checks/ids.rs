//! Ids: whatever a caller passes as an id never escapes into a request path.

use unidesk_core::{AccountUpdate, CommentCreate, ContactUpdate, Error, Operation, Resource, TicketUpdate};

use super::supports;
use crate::Target;
use crate::any;
use crate::outcome::{CheckResult, Outcome, ensure, skip};

/// Ids that must be rejected before any request: path, query and fragment characters, control
/// characters, relative segments, the empty id.
const HOSTILE_IDS: [&str; 10] = ["", "..", "../orgs", "a/b", "a?b=c", "a#b", "a%2Fb", "a b", "a\nb", "a\\b"];

/// Ids with path characters are `InvalidInput`, and (with fault hooks) no request reaches the server.
pub async fn get_rejects_hostile_ids_before_any_request(t: &Target) -> CheckResult {
    let resources: Vec<_> = Resource::ALL.into_iter().filter(|r| supports(t, *r, Operation::Get)).collect();
    if resources.is_empty() {
        skip!("no resource is gettable");
    }
    let before = t.faults().map(|f| f.requests_received());
    for r in resources {
        for id in HOSTILE_IDS {
            let res = any::get(t.desk(), r, id).await;
            ensure!(
                matches!(res, Err(Error::InvalidInput { .. })),
                "get {} {id:?} gave {:?}, not InvalidInput",
                r.as_str(),
                res.map(|x| x.id)
            );
        }
    }
    if let (Some(before), Some(f)) = (before, t.faults()) {
        let after = f.requests_received();
        ensure!(
            after == before,
            "{} requests reached the server for ids that should never leave the process",
            after - before
        );
    }
    Ok(Outcome::Passed)
}

/// Every write given an id with path characters is `InvalidInput` before any request.
pub async fn writes_reject_hostile_ids(t: &Target) -> CheckResult {
    let before = t.faults().map(|f| f.requests_received());
    let desk = t.desk();
    let mut tried = 0;
    for id in HOSTILE_IDS {
        let mut results: Vec<(&str, bool)> = Vec::new();
        if supports(t, Resource::Ticket, Operation::Update) {
            let r = desk.tickets().update(id, &TicketUpdate { subject: Some("x".into()), ..Default::default() }).await;
            results.push(("tickets.update", matches!(r, Err(Error::InvalidInput { .. }))));
        }
        if supports(t, Resource::Ticket, Operation::Delete) {
            results
                .push(("tickets.delete", matches!(desk.tickets().delete(id).await, Err(Error::InvalidInput { .. }))));
        }
        if supports(t, Resource::Ticket, Operation::AddTags) {
            let r = desk.tickets().add_tags(id, &["x".to_owned()]).await;
            results.push(("tickets.add_tags", matches!(r, Err(Error::InvalidInput { .. }))));
        }
        if supports(t, Resource::Comment, Operation::Create) {
            let r = desk
                .comments()
                .create(&CommentCreate { ticket_id: id.into(), body: "x".into(), ..Default::default() })
                .await;
            results.push(("comments.create", matches!(r, Err(Error::InvalidInput { .. }))));
        }
        if supports(t, Resource::Contact, Operation::Update) {
            let r = desk.contacts().update(id, &ContactUpdate { name: Some("x".into()), ..Default::default() }).await;
            results.push(("contacts.update", matches!(r, Err(Error::InvalidInput { .. }))));
        }
        if supports(t, Resource::Account, Operation::Update) {
            let r = desk.accounts().update(id, &AccountUpdate { name: Some("x".into()), ..Default::default() }).await;
            results.push(("accounts.update", matches!(r, Err(Error::InvalidInput { .. }))));
        }
        for (op, ok) in results {
            tried += 1;
            ensure!(ok, "{op} with id {id:?} was not rejected as InvalidInput");
        }
    }
    if tried == 0 {
        skip!("no write takes an id");
    }
    if let (Some(before), Some(f)) = (before, t.faults()) {
        let sent = f.requests_received() - before;
        ensure!(sent == 0, "{sent} requests reached the server for hostile ids");
    }
    Ok(Outcome::Passed)
}
