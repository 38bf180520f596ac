//! The org's audit log (`GET /v1/audit-logs`): events in a time window, of some types,
//! streamed.
//!
//! The audit log pages with a cursor, not page numbers: `count` per page, and `links.next`
//! naming `before=<id>` of the oldest event served. The cursor handed out holds that `before`
//! (inside the same opaque, query-bound [`Cursor`] every listing uses); a `links.next` that
//! names the `before` just used is a [`Error::PaginationLoop`], ten empty pages that claim more
//! a [`Error::PaginationStalled`]. The window (`filter[start]`, `filter[end]`) and the object
//! type (`filter[objectType]`) are filtered by Kustomer; event names (`kustomer.conversation.update`)
//! have no documented filter and are matched here, page by page.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::FutureExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use unidesk_core::{Cursor, Error, Id, Page, RecordStream, Result, paginate};

use super::{KustomerObject, string};
use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::paths;

/// The largest `count` asked for per page.
pub const MAX_COUNT: u32 = 100;

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// The event's id.
    pub id: String,
    /// `kustomer.conversation.update`…
    pub event_name: Option<String>,
    /// `create`, `update`, `delete`…
    pub event_verb: Option<String>,
    /// The type of object changed (`conversation`…).
    pub object_type: Option<String>,
    /// The id of the object changed.
    pub object_id: Option<String>,
    /// `user`, `machine`…
    pub user_type: Option<String>,
    /// The user who made the change, when one did.
    pub user_id: Option<String>,
    /// What changed (`{attributes, relationships}`), as sent.
    pub changes: Value,
    /// When it happened.
    pub created_at: Option<DateTime<Utc>>,
    /// Every attribute as sent.
    pub attributes: Map<String, Value>,
}

impl AuditEvent {
    fn of(o: KustomerObject) -> Self {
        let a = o.attributes;
        AuditEvent {
            event_name: string(&a, "eventName"),
            event_verb: string(&a, "eventVerb"),
            object_type: string(&a, "objectType"),
            object_id: string(&a, "objectId"),
            user_type: string(&a, "userType"),
            user_id: o
                .relationships
                .get("user")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| string(&a, "userId")),
            changes: a.get("changes").cloned().unwrap_or(Value::Null),
            created_at: o.created_at,
            id: o.id,
            attributes: a,
        }
    }
}

/// Which audit events to read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Events at or after this time (`filter[start]`).
    pub since: Option<DateTime<Utc>>,
    /// Events before this time (`filter[end]`).
    pub until: Option<DateTime<Utc>>,
    /// Only changes to this object type (`filter[objectType]`: `conversation`, `customer`…).
    pub object_type: Option<String>,
    /// Only changes to this object (`filter[objectId]`).
    pub object_id: Option<String>,
    /// Only changes by this user (`filter[userId]`).
    pub user_id: Option<String>,
    /// Only these event names (`kustomer.conversation.update`), matched client-side.
    pub event_names: Vec<String>,
    /// Events per page (1–100; default 100).
    pub count: Option<u32>,
    /// Continue from this cursor.
    #[serde(skip)]
    pub cursor: Option<Cursor>,
}

/// The position in an audit walk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AuditState {
    /// `before` of the next page.
    before: String,
    /// Empty pages in a row so far.
    #[serde(default)]
    empty: u32,
}

impl AuditQuery {
    /// What ties a cursor to this query.
    fn fingerprint(&self) -> String {
        let t = |t: &Option<DateTime<Utc>>| t.map(|t| t.timestamp_millis().to_string()).unwrap_or_default();
        format!(
            "audit|{}|{}|{}|{}|{}|{}",
            t(&self.since),
            t(&self.until),
            self.object_type.as_deref().unwrap_or(""),
            self.object_id.as_deref().unwrap_or(""),
            self.user_id.as_deref().unwrap_or(""),
            self.event_names.join(",")
        )
    }

    fn matches(&self, e: &AuditEvent) -> bool {
        let named = self.event_names.is_empty() || e.event_name.as_ref().is_some_and(|n| self.event_names.contains(n));
        let after = match (self.since, e.created_at) {
            (Some(s), Some(c)) => c >= s,
            _ => true,
        };
        let before = match (self.until, e.created_at) {
            (Some(u), Some(c)) => c < u,
            _ => true,
        };
        named && after && before
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The `before` parameter of a `links.next`.
fn before_of(link: &str) -> Option<String> {
    let url = url::Url::parse("http://links.invalid/").ok()?.join(link).ok()?;
    url.query_pairs().find(|(k, _)| k == "before").map(|(_, v)| v.into_owned()).filter(|v| !v.is_empty())
}

impl KustomerClient {
    /// One page of audit events matching `query`, newest first, and the cursor of the next.
    pub async fn audit_events(&self, query: &AuditQuery) -> Result<Page<AuditEvent>> {
        let count = query.count.unwrap_or(MAX_COUNT);
        if count == 0 || count > MAX_COUNT {
            return Err(Error::invalid_input(format!("audit page size {count}: 1 to {MAX_COUNT}")));
        }
        let fingerprint = query.fingerprint();
        let state = match &query.cursor {
            Some(c) => Some(c.decode::<AuditState>(ADAPTER, &fingerprint)?),
            None => None,
        };
        let mut call = Call::get_at(&paths::AUDIT_LOGS, &[]).query("count", count);
        if let Some(s) = &state {
            Id::parse(&s.before).map_err(|_| Error::invalid_cursor("audit cursor"))?;
            call = call.query("before", &s.before);
        }
        if let Some(t) = query.since {
            call = call.query("filter[start]", ts(t));
        }
        if let Some(t) = query.until {
            call = call.query("filter[end]", ts(t));
        }
        for (k, v) in [("objectType", &query.object_type), ("objectId", &query.object_id), ("userId", &query.user_id)] {
            if let Some(v) = v {
                super::check_value(k, v)?;
                call = call.query(&format!("filter[{k}]"), v);
            }
        }
        if let [name] = query.event_names.as_slice() {
            super::check_value("event name", name)?;
            call = call.query("filter[eventName]", name); // [U]; matched here as well
        }
        let resp = self.send(&call).await?;
        let doc: crate::wire::Document<Vec<crate::wire::ResourceObject<Map<String, Value>>>> =
            crate::wire::parse(call.template, &resp.body)?;
        let served = doc.data.len();
        let items: Vec<AuditEvent> =
            doc.data.into_iter().map(|o| AuditEvent::of(super::object_of(o))).filter(|e| query.matches(e)).collect();
        let next = match doc.links.next.as_deref().and_then(before_of) {
            None => None,
            Some(before) if state.as_ref().is_some_and(|s| s.before == before) => {
                return Err(Error::PaginationLoop { pages: 0 });
            }
            Some(before) => {
                let empty = if served == 0 { state.as_ref().map_or(0, |s| s.empty) + 1 } else { 0 };
                if empty >= crate::list::MAX_EMPTY_PAGES {
                    return Err(Error::PaginationStalled { empty_pages: u64::from(empty) });
                }
                Some(Cursor::encode(ADAPTER, &fingerprint, &AuditState { before, empty })?)
            }
        };
        Ok(Page { items, next_cursor: next })
    }

    /// Every audit event matching `query`, page after page.
    pub fn stream_audit_events(&self, query: AuditQuery) -> RecordStream<'_, AuditEvent> {
        let base = query.clone();
        paginate(unidesk_core::ListQuery::new(), move |q| {
            let mut aq = base.clone();
            if q.cursor.is_some() {
                aq.cursor = q.cursor;
            }
            async move { self.audit_events(&aq).await }.boxed()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_name_their_before() {
        assert_eq!(
            before_of("/v1/audit-logs?count=1&before=5f00000000000000000000aa").as_deref(),
            Some("5f00000000000000000000aa")
        );
        assert_eq!(before_of("/v1/audit-logs?count=1"), None);
        assert_eq!(before_of("/v1/audit-logs?before="), None);
    }

    #[test]
    fn cursors_are_bound_to_their_query() {
        let a = AuditQuery { object_type: Some("conversation".into()), ..AuditQuery::default() };
        let b = AuditQuery { object_type: Some("customer".into()), ..AuditQuery::default() };
        assert_ne!(a.fingerprint(), b.fingerprint());
        let c =
            Cursor::encode(ADAPTER, &a.fingerprint(), &AuditState { before: "x".into(), empty: 0 }).expect("cursor");
        assert!(c.decode::<AuditState>(ADAPTER, &b.fingerprint()).is_err());
    }
}
