//! The resource traits over RT, and what they share: ids, cursors, collections, lookups.

mod accounts;
mod comments;
mod contacts;
mod tags;
mod teams;
mod tickets;
mod users;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use unidesk_core::{Capabilities, Cursor, Error, Helpdesk, Id, ListQuery, Operation, Resource, Result};

use crate::client::{Call, PRIVILEGED_TTL, RtClient};
use crate::config::MAX_PAGE_SIZE;
use crate::map::Context;
use crate::sql::{Sql, TimeMode, rt_date};
use crate::wire::{Collection, TicketItem, parse_u64};
use crate::{ADAPTER, map};

/// RT's largest page.
pub(crate) const RT_PAGE: u32 = 100;

/// The most pages read from one collection in one call (100 records each).
const MAX_COLLECTION_PAGES: u32 = 1_000;

impl Helpdesk for RtClient {
    fn name(&self) -> &str {
        ADAPTER
    }

    fn capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::none();
        let all = [Operation::List, Operation::Get, Operation::Create, Operation::Update, Operation::Delete];
        for op in all {
            caps = caps.with(Resource::Ticket, op);
        }
        if self.inner.tags_field.is_some() {
            caps = caps.with(Resource::Ticket, Operation::AddTags).with(Resource::Ticket, Operation::RemoveTags);
        }
        for op in [Operation::List, Operation::Get, Operation::Create] {
            caps = caps.with(Resource::Comment, op);
        }
        for op in all.into_iter().chain([Operation::Lookup]) {
            caps = caps.with(Resource::Contact, op);
        }
        // RT has no companies (none to list, none to get) and no tags of its own (they come from a
        // configured custom field); queues are teams, privileged users are users.
        for r in [Resource::Account, Resource::Tag, Resource::Team, Resource::User] {
            caps = caps.with(r, Operation::List).with(r, Operation::Get);
        }
        caps
    }

    unidesk_core::helpdesk_accessors!();
}

/// The position a listing continues from.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct After<T> {
    /// The last record examined (an id, or a user's `Name` for contacts, a value for tags).
    pub after: T,
}

impl RtClient {
    /// The mapping context for a call.
    pub(crate) fn ctx(&self, include_remote_data: bool) -> Context<'_> {
        Context {
            web: &self.inner.web,
            tags_field: self.inner.tags_field.as_deref(),
            external_id_field: self.inner.external_id_field.as_deref(),
            include_remote_data,
        }
    }

    /// The page size for `q`: its own, else the client's, at most [`MAX_PAGE_SIZE`]; 0 is
    /// `InvalidInput`. Asking for deleted records is `Unsupported`: RT's searches never return
    /// deleted tickets, nor disabled users and queues with anything telling them apart.
    pub(crate) fn page_size(&self, q: &ListQuery, resource: Resource) -> Result<usize> {
        if q.include_deleted {
            return Err(Error::unsupported(resource, Operation::ListDeleted, ADAPTER));
        }
        Ok(q.effective_page_size(self.default_page_size(), MAX_PAGE_SIZE)? as usize)
    }

    /// The state in `q`'s cursor, bound to `resource` and `q`'s filters.
    pub(crate) fn cursor_state<T: DeserializeOwned>(&self, q: &ListQuery, resource: Resource) -> Result<Option<T>> {
        match &q.cursor {
            None => Ok(None),
            Some(c) => Ok(Some(c.decode::<After<T>>(ADAPTER, &q.fingerprint(resource))?.after)),
        }
    }

    /// A cursor continuing after `after`.
    pub(crate) fn next_cursor<T: Serialize>(&self, q: &ListQuery, resource: Resource, after: T) -> Result<Cursor> {
        Cursor::encode(ADAPTER, &q.fingerprint(resource), &After { after })
    }

    /// A JSON array query (`[{"field":…}]`) as REST 2.0 collections take it.
    pub(crate) fn json_query(limits: Value) -> String {
        limits.to_string()
    }

    /// Every record of a collection, 100 per request, following page numbers (for small sets:
    /// a ticket's attachments, the privileged users).
    pub(crate) async fn all_pages(&self, base: &Call<'_>) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for page in 1..=MAX_COLLECTION_PAGES {
            let call = base.clone().query("per_page", RT_PAGE).query("page", page);
            let c: Collection = self.json(&call).await?;
            let n = c.items.len();
            out.extend(c.items);
            if n < RT_PAGE as usize {
                return Ok(out);
            }
        }
        Err(Error::decode(base.template, format!("more than {MAX_COLLECTION_PAGES} pages")))
    }

    /// Decodes one collection item as `T`.
    pub(crate) fn item<T: DeserializeOwned>(&self, context: &str, v: &Value) -> Result<T> {
        T::deserialize(v).map_err(|e| crate::errors::decode(context, e, self.secrets()))
    }

    /// Tickets matching `sql`, in id order, `per_page` at most (≤ 100), with every field the
    /// mapping needs; each with its raw JSON.
    pub(crate) async fn search_tickets(&self, sql: &Sql, per_page: usize) -> Result<Vec<(TicketItem, Value)>> {
        let call = Call::get("/tickets", "/tickets")
            .query("query", sql.text())
            .query("orderby", "id")
            .query("order", "ASC")
            .query("per_page", per_page)
            .query(
                "fields",
                "Subject,Status,Priority,Queue,Owner,Requestor,Creator,Created,LastUpdated,Resolved,CustomFields",
            )
            .query("fields[Owner]", "id,Name")
            .query("fields[Creator]", "id,Name")
            .query("fields[Requestor]", "id")
            .query("fields[Queue]", "id");
        let c: Collection = self.json(&call).await?;
        c.items.into_iter().map(|v| Ok((self.item::<TicketItem>("/tickets", &v)?, v))).collect()
    }

    /// The ids of RT's privileged users (its agents), read from the `Privileged` system group and
    /// reused for [`PRIVILEGED_TTL`] (agents change rarely; each read is a request or more).
    pub(crate) async fn privileged_ids(&self) -> Result<Arc<HashSet<u64>>> {
        let cached = self.inner.cache.privileged.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some((at, ids)) = cached
            && at.elapsed() < PRIVILEGED_TTL
        {
            return Ok(ids);
        }
        let ids = Arc::new(self.read_privileged_ids().await?);
        *self.inner.cache.privileged.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), ids.clone()));
        Ok(ids)
    }

    async fn read_privileged_ids(&self) -> Result<HashSet<u64>> {
        let group = self
            .inner
            .cache
            .privileged_group
            .get_or_try_init(|| async {
                let q =
                    json!([{"field": "Domain", "value": "SystemInternal"}, {"field": "Name", "value": "Privileged"}]);
                let call = Call::get("/groups", "/groups").query("query", Self::json_query(q)).query("fields", "Name");
                let c: Collection = self.json(&call).await?;
                c.items
                    .iter()
                    .find_map(|g| g.get("id").and_then(crate::wire::value_u64))
                    .ok_or_else(|| Error::decode("/groups", "RT has no Privileged group"))
            })
            .await?;
        let call = Call::get(format!("/group/{group}/members"), "/group/{id}/members")
            .query("users", 1)
            .query("groups", 0)
            .query("orderby", "id");
        let items = self.all_pages(&call).await?;
        Ok(items.iter().filter_map(|m| m.get("id").and_then(crate::wire::value_u64)).collect())
    }

    /// How RT reads TicketSQL dates for this client's user: checked once against the newest
    /// ticket (its `LastUpdated`, written in UTC, must match it to the second), then kept. With
    /// no ticket to check against, the safe (widened) mode is used and nothing is kept.
    pub(crate) async fn time_mode(&self) -> Result<TimeMode> {
        if let Some(m) = self.inner.cache.time_mode.get() {
            return Ok(*m);
        }
        for _ in 0..2 {
            let newest = Call::get("/tickets", "/tickets")
                .query("query", "id > 0")
                .query("orderby", "id")
                .query("order", "DESC")
                .query("per_page", 1)
                .query("fields", "LastUpdated");
            let c: Collection = self.json(&newest).await?;
            let Some(item) = c.items.first() else { return Ok(TimeMode::Shifted) };
            let t: TicketItem = self.item("/tickets", item)?;
            let Ok(Some(at)) = map::rt_time(t.last_updated.as_deref()) else { return Ok(TimeMode::Shifted) };
            let (Some(from), Some(to)) =
                (rt_date(at, TimeMode::Utc), rt_date(at + chrono::Duration::seconds(1), TimeMode::Utc))
            else {
                return Ok(TimeMode::Shifted);
            };
            let probe = Sql::new()
                .and(format!("id = {}", t.id))
                .and(format!("LastUpdated >= '{from}'"))
                .and(format!("LastUpdated < '{to}'"));
            if !self.search_tickets(&probe, 1).await?.is_empty() {
                let _ = self.inner.cache.time_mode.set(TimeMode::Utc);
                return Ok(TimeMode::Utc);
            }
            // The ticket may have changed between the two requests: look again once.
            let again: Collection = self.json(&newest).await?;
            let same =
                again.items.first().and_then(|i| i.get("LastUpdated")).cloned() == item.get("LastUpdated").cloned();
            if same {
                tracing::warn!(
                    "RT reads TicketSQL dates in a time zone other than UTC for this user: time filters read up to \
                     {} extra hours of records (set the user's Timezone to UTC to avoid it)",
                    crate::sql::WIDEN_HOURS
                );
                let _ = self.inner.cache.time_mode.set(TimeMode::Shifted);
                return Ok(TimeMode::Shifted);
            }
        }
        Ok(TimeMode::Shifted)
    }
}

/// Validates `raw` as an id (`InvalidInput` for path characters and the like) and reads it as an
/// RT number; `None` for a well-formed id that is not a number, which no RT record has.
pub(crate) fn rt_number(raw: &str) -> Result<Option<u64>> {
    let id = Id::parse(raw)?;
    Ok(parse_u64(id.as_str()).filter(|n| *n > 0))
}

/// `rt_number`, with `NotFound` for an id no record can have.
pub(crate) fn rt_id(raw: &str, resource: Resource) -> Result<u64> {
    rt_number(raw)?.ok_or_else(|| Error::not_found(resource, raw))
}

/// The messages of a PUT answer (`["Ticket 1: Status changed…", …]`), as text.
pub(crate) fn messages(client: &RtClient, context: &str, body: &[u8]) -> Result<Vec<String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let v: Value = client.decode(context, body)?;
    Ok(match v {
        Value::Array(items) => items.iter().filter_map(crate::wire::value_text).collect(),
        Value::String(s) => vec![s],
        other => other.get("message").and_then(crate::wire::value_text).into_iter().collect(),
    })
}

/// A mapping failure (a value RT would never send) as a `Decode` error.
pub(crate) fn bad_record(context: &str, why: String) -> Error {
    Error::decode(context, unidesk_core::one_line(&why, unidesk_core::error::MAX_SERVER_TEXT))
}
