//! Tickets: cursor pages of `/tickets`, the incremental cursor export for time filters and
//! deleted tickets, writes through `PUT /tickets/{id}` and the tags endpoints.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Map, Value, json};
use unidesk_core::{
    CustomFields, Error, ListQuery, Page, Resource, Result, Ticket, TicketCreate, TicketUpdate, Tickets,
};

use super::{invalid, ref_id, zendesk_id};
use crate::client::{Call, ZendeskClient};
use crate::list::{self, Fetched, State};
use crate::{map, wire};

/// The export serves at most this many records a page.
const EXPORT_MAX_PAGE: usize = 1000;

/// Zendesk leaves out of an export what changed in the last minute and refuses a `start_time`
/// that recent: the export starts at least this long ago (records newer than the filter are
/// dropped locally).
const EXPORT_LAG_SECS: i64 = 61;

/// A ticket's place in a listing: `(generated_timestamp, id)` in the export, `(0, id)` in
/// cursor pages (both ascend in Zendesk's order).
pub(crate) type TicketKey = (i64, i64);

/// Whether `q` reads the incremental export (time filters, deleted tickets) rather than
/// cursor pages of `/tickets`.
fn uses_export(q: &ListQuery) -> bool {
    q.updated_after.is_some() || q.created_after.is_some() || q.include_deleted
}

/// The export's `start_time` for records changed at or after `t`.
pub(crate) fn export_start(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> i64 {
    let wanted = t.map(|t| t.timestamp()).unwrap_or(0);
    wanted.min(now.timestamp() - EXPORT_LAG_SECS).max(0)
}

impl ZendeskClient {
    /// One page of the incremental ticket export: from `start_time`, or at `cursor`.
    pub(crate) async fn export_page(
        &self,
        start_time: i64,
        cursor: Option<String>,
        per_page: usize,
        raw: bool,
    ) -> Result<Fetched<(wire::Ticket, Option<Value>)>> {
        let base = Call::get("/incremental/tickets/cursor.json", "/incremental/tickets/cursor.json").export();
        let call = match cursor {
            Some(c) => base.query("cursor", c),
            None => base.query("start_time", start_time),
        }
        .query("per_page", per_page.clamp(1, EXPORT_MAX_PAGE));
        let (items, page) =
            self.listing_page(&call, |body| self.decode_listing::<wire::Ticket>(call.template, body, raw)).await?;
        let next = if page.end_of_stream.unwrap_or(true) {
            None
        } else {
            match page.after_cursor {
                Some(c) if !c.is_empty() => Some(c),
                _ => return Err(Error::decode(call.template, "end_of_stream false without an after_cursor")),
            }
        };
        Ok(Fetched { items, next })
    }

    /// Tickets in `q`'s order from `start`, at most `want`, with the state to continue from.
    /// Time filters and deleted tickets read the export; otherwise cursor pages of `/tickets`.
    pub(crate) async fn scan_tickets(
        &self,
        q: &ListQuery,
        start: State<TicketKey>,
        want: usize,
        exact_cbp: bool,
        keep: impl Fn(&Ticket) -> bool,
    ) -> Result<(Vec<Ticket>, Option<State<TicketKey>>)> {
        let raw = q.include_remote_data;
        let root = self.inner.root.as_str();
        let keep = |(_, t): &(TicketKey, Ticket)| keep(t);
        let key = |(k, _): &(TicketKey, Ticket)| *k;
        let (items, next) = if uses_export(q) {
            // A record created at or after a time was updated at or after it too.
            let since = match (q.updated_after, q.created_after) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let start_time = export_start(since, Utc::now());
            list::scan(start, want, false, key, keep, |c| async move {
                let page = self.export_page(start_time, c, want + 1, raw).await?;
                let items = page
                    .items
                    .into_iter()
                    .map(|(w, v)| {
                        let gts = w.generated_timestamp.or(w.updated_at.map(|t| t.timestamp())).unwrap_or(0);
                        ((gts, w.id), map::ticket(w, v, root))
                    })
                    .collect();
                Ok(Fetched { items, next: page.next })
            })
            .await?
        } else {
            let base = Call::get("/tickets.json", "/tickets.json");
            let base = &base;
            let size = if exact_cbp { want } else { want + 1 };
            list::scan(start, want, exact_cbp, key, keep, |c| async move {
                let page = self.cbp::<wire::Ticket>(base, size, c, raw).await?;
                let items = page.items.into_iter().map(|(w, v)| ((0, w.id), map::ticket(w, v, root))).collect();
                Ok(Fetched { items, next: page.next })
            })
            .await?
        };
        Ok((items.into_iter().map(|(_, t)| t).collect(), next))
    }

    /// Adds (`PUT`) or removes (`DELETE`) tags through `/tickets/{id}/tags`, then reads the
    /// ticket back; no tags sends nothing.
    async fn tag_write(&self, method: Method, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        let n = zendesk_id(id, Resource::Ticket)?;
        if !tag_ids.is_empty() {
            let body = Some(tags_body(tag_ids)?);
            let call = Call::write(method, format!("/tickets/{n}/tags.json"), "/tickets/{id}/tags.json", body)
                .not_found(Resource::Ticket, id);
            self.send(&call).await?;
        }
        self.fetch_ticket(id, false).await
    }

    async fn fetch_ticket(&self, id: &str, raw: bool) -> Result<Ticket> {
        let n = zendesk_id(id, Resource::Ticket)?;
        let call = Call::get(format!("/tickets/{n}.json"), "/tickets/{id}.json").not_found(Resource::Ticket, id);
        let (w, v): (wire::Ticket, _) = self.one(&call, raw).await?;
        let t = map::ticket(w, v, &self.inner.root);
        if t.remote_was_deleted {
            return Err(Error::not_found(Resource::Ticket, id));
        }
        Ok(t)
    }
}

/// `custom_fields` as Zendesk takes them: `[{id, value}]`, keys being field ids.
fn custom_fields(fields: &CustomFields) -> Result<Value> {
    let mut out = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        let id: i64 = k.parse().map_err(|_| {
            invalid("custom_fields", format!("{k:?} is not a ticket field id (Zendesk keys ticket fields by number)"))
        })?;
        out.push(json!({"id": id, "value": v}));
    }
    Ok(Value::Array(out))
}

/// One id out of a list the model allows several of, where Zendesk holds one (`assignee_id`,
/// `group_id`): none clears it, two or more are a validation error.
fn single(ids: &[String], field: &str, what: &str) -> Result<Value> {
    match ids {
        [] => Ok(Value::Null),
        [one] => Ok(ref_id(Some(one), field)?.map(Value::from).unwrap_or(Value::Null)),
        _ => Err(invalid(field, format!("a Zendesk ticket has one {what}"))),
    }
}

fn status(s: &unidesk_core::TicketStatus) -> Result<&str> {
    map::status_to_zendesk(s).ok_or_else(|| {
        invalid(
            "status",
            format!(
                "Zendesk has no status {:?} (open, pending, on_hold, closed; or new, solved, hold, closed as given)",
                s.as_str()
            ),
        )
    })
}

fn priority(p: &unidesk_core::Priority) -> Result<&str> {
    map::priority_to_zendesk(p).ok_or_else(|| {
        invalid("priority", format!("Zendesk has no priority {:?} (urgent, high, normal, low)", p.as_str()))
    })
}

/// A ticket's body for a create.
pub(crate) fn create_body(input: &TicketCreate) -> Result<Value> {
    let mut t = Map::new();
    let requester = ref_id(Some(&input.contact_id), "contact_id")?
        .ok_or_else(|| invalid("contact_id", "a ticket needs its contact (the requester)"))?;
    t.insert("requester_id".into(), requester.into());
    if let Some(s) = &input.subject {
        t.insert("subject".into(), s.clone().into());
    }
    // Zendesk makes the first comment the description; a ticket cannot be created without it.
    let body = input
        .description
        .as_ref()
        .or(input.subject.as_ref())
        .filter(|b| !b.trim().is_empty())
        .ok_or_else(|| invalid("description", "a Zendesk ticket needs a description or a subject"))?;
    t.insert("comment".into(), json!({ "body": body }));
    if let Some(s) = &input.status {
        t.insert("status".into(), status(s)?.into());
    }
    if let Some(p) = &input.priority {
        t.insert("priority".into(), priority(p)?.into());
    }
    if !input.assignee_ids.is_empty() {
        t.insert("assignee_id".into(), single(&input.assignee_ids, "assignee_ids", "assignee")?);
    }
    if !input.team_ids.is_empty() {
        t.insert("group_id".into(), single(&input.team_ids, "team_ids", "group")?);
    }
    if !input.tag_ids.is_empty() {
        t.insert("tags".into(), json!(map::dedup(input.tag_ids.iter().cloned())));
    }
    if !input.custom_fields.is_empty() {
        t.insert("custom_fields".into(), custom_fields(&input.custom_fields)?);
    }
    Ok(json!({ "ticket": t }))
}

/// A ticket's body for a patch; `None` when it changes nothing.
pub(crate) fn update_body(patch: &TicketUpdate) -> Result<Option<Value>> {
    let mut t = Map::new();
    if let Some(s) = &patch.subject {
        t.insert("subject".into(), s.clone().into());
    }
    if let Some(s) = &patch.status {
        t.insert("status".into(), status(s)?.into());
    }
    if let Some(p) = &patch.priority {
        t.insert("priority".into(), priority(p)?.into());
    }
    if let Some(a) = &patch.assignee_ids {
        t.insert("assignee_id".into(), single(a, "assignee_ids", "assignee")?);
    }
    if let Some(g) = &patch.team_ids {
        t.insert("group_id".into(), single(g, "team_ids", "group")?);
    }
    if let Some(cf) = &patch.custom_fields {
        t.insert("custom_fields".into(), custom_fields(cf)?);
    }
    Ok((!t.is_empty()).then(|| json!({ "ticket": t })))
}

/// The tags body; every tag must be a usable Zendesk tag (no spaces, not empty).
fn tags_body(tags: &[String]) -> Result<Value> {
    for t in tags {
        if t.trim().is_empty() || t.chars().any(char::is_whitespace) {
            return Err(invalid("tag_ids", format!("{t:?} is not a Zendesk tag (a name without spaces)")));
        }
    }
    Ok(json!({ "tags": map::dedup(tags.iter().cloned()) }))
}

#[async_trait]
impl Tickets for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Ticket>> {
        // The export serves up to 1,000 a page at 10 requests a minute: a time-filtered listing
        // may ask for pages that large (cursor pages stop at 100).
        let want = if uses_export(q) {
            q.effective_page_size(self.default_page_size(), EXPORT_MAX_PAGE as u32)? as usize
        } else {
            self.page_size(q)?
        };
        let start = self.state::<TicketKey>(q, Resource::Ticket)?;
        let contact = q.contact_id.as_deref().map(|c| zendesk_id(c, Resource::Contact)).transpose();
        let contact = match contact {
            Ok(c) => c.map(|n| n.to_string()),
            // A contact id no record can have: nothing matches.
            Err(Error::NotFound { .. }) => return self.page(q, Resource::Ticket, Vec::new(), None::<State<TicketKey>>),
            Err(e) => return Err(e),
        };
        let keep = |t: &Ticket| {
            (q.include_deleted || !t.remote_was_deleted)
                && q.matches_times(t.created_at, t.updated_at)
                && contact.as_ref().is_none_or(|c| t.contact_id.as_ref() == Some(c))
        };
        // `/tickets` serves live tickets only: without a contact filter it keeps every one.
        let (items, next) = self.scan_tickets(q, start, want, q.contact_id.is_none(), keep).await?;
        self.page(q, Resource::Ticket, items, next)
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket> {
        self.fetch_ticket(id, include_remote_data).await
    }

    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        let body = create_body(input)?;
        // With an Idempotency-Key, a create whose answer was lost can be sent again safely.
        let call = Call::write(Method::POST, "/tickets.json", "/tickets.json", Some(body)).idempotent_create();
        let reply = self.send(&call).await?;
        let (w, _): (wire::Ticket, _) = self.decode_one(call.template, &reply.body, false)?;
        self.fetch_ticket(&w.id.to_string(), false).await
    }

    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        let n = zendesk_id(id, Resource::Ticket)?;
        if let Some(body) = update_body(patch)? {
            let call = Call::write(Method::PUT, format!("/tickets/{n}.json"), "/tickets/{id}.json", Some(body))
                .not_found(Resource::Ticket, id);
            self.send(&call).await?;
        }
        self.fetch_ticket(id, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let n = zendesk_id(id, Resource::Ticket)?;
        let call = Call::write(Method::DELETE, format!("/tickets/{n}.json"), "/tickets/{id}.json", None)
            .not_found(Resource::Ticket, id);
        self.send(&call).await.map(|_| ())
    }

    async fn add_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        // PUT adds (POST would replace every tag, clobbering concurrent edits).
        self.tag_write(Method::PUT, id, tag_ids).await
    }

    async fn remove_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        self.tag_write(Method::DELETE, id, tag_ids).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn export_start_lags_a_minute_and_never_goes_negative() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid");
        assert_eq!(export_start(None, now), 0);
        let old = now - chrono::Duration::hours(1);
        assert_eq!(export_start(Some(old), now), old.timestamp());
        assert_eq!(export_start(Some(now), now), now.timestamp() - EXPORT_LAG_SECS);
    }

    #[test]
    fn bodies_say_only_what_is_given() {
        assert_eq!(update_body(&TicketUpdate::default()).ok(), Some(None));
        let p = TicketUpdate {
            status: Some(unidesk_core::TicketStatus::OnHold),
            assignee_ids: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(update_body(&p).ok().flatten(), Some(json!({"ticket": {"status": "hold", "assignee_id": null}})));
        let two = TicketUpdate { team_ids: Some(vec!["1".into(), "2".into()]), ..Default::default() };
        assert!(matches!(update_body(&two), Err(Error::Validation { .. })));
        let bad = TicketUpdate { custom_fields: Some([("tier".to_string(), json!(1))].into()), ..Default::default() };
        assert!(matches!(update_body(&bad), Err(Error::Validation { .. })));
        let none = TicketCreate { contact_id: "5".into(), ..Default::default() };
        assert!(matches!(create_body(&none), Err(Error::Validation { .. })));
    }
}
