//! Listings: Kustomer's page numbers and search windows behind one opaque cursor.
//!
//! A listing is a sequence of *sources* (a GET list endpoint, or the search API
//! in one query context), walked in order. The cursor holds the source index,
//! the page, and for search the window: the largest `updated_at` emitted so far
//! and the ids emitted at exactly that instant. Each search page after the first
//! opens a new window `updated_at >= t` and drops the ids already emitted at `t`,
//! so the walk never needs page 101 (the search API's cap), never depends on
//! offsets that shift when records change, and handles any number of timestamp
//! ties up to the cap itself. When a whole page is ties at `t`, the walk pages
//! within the window instead (`window.rs`; past the cap: `Error::ProviderLimit`).
//!
//! A server whose `links.next` never ends is not followed forever (`guard.rs`):
//! [`Error::PaginationLoop`] when `links.next` goes back or a page repeats the one
//! before it, [`Error::PaginationStalled`] after ten empty pages in a row.
//!
//! [`KustomerClient::list_sources`] only orchestrates: the source builds the
//! request, the client sends it, the descriptor decodes it, [`State::after`] says
//! what to keep and where the next page is, and the state becomes the cursor.

mod guard;
mod state;
mod window;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use unidesk_core::{Cursor, Error, Id, ListQuery, Page, Record, Resource, Result};

pub(crate) use guard::{MAX_EMPTY_PAGES, check_progress, count_empty};
pub(crate) use state::State;

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::decode::{self, DecodeOptions, Decoded};
use crate::descriptor::KustomerResource;
use crate::paths::{self, PathTemplate};

/// The search API serves at most this many pages per query.
pub(crate) const SEARCH_PAGE_CAP: u32 = 100;
/// The largest page the search API serves.
pub(crate) const SEARCH_MAX_PAGE_SIZE: u32 = 500;

/// What the walk needs to know about a fetched page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageFacts<'a> {
    /// `(updated_at, id)` of each record, in order.
    pub(crate) keys: Vec<(Option<DateTime<Utc>>, &'a str)>,
    /// Whether `links.next` was set.
    pub(crate) has_next: bool,
    /// The `page` that `links.next` names, if any.
    pub(crate) next_page: Option<u32>,
}

impl<'a> PageFacts<'a> {
    /// The facts of a decoded page.
    pub(crate) fn of<T: Record>(decoded: &'a Decoded<T>) -> Self {
        PageFacts {
            keys: decoded.items.iter().map(|r| (r.updated_at(), r.id())).collect(),
            has_next: decoded.has_next,
            next_page: decoded.next_page,
        }
    }

    /// The first and last ids of the page, to recognize the same page served again.
    pub(crate) fn mark(&self) -> Option<[String; 2]> {
        Some([self.keys.first()?.1.to_owned(), self.keys.last()?.1.to_owned()])
    }
}

/// Decodes one list body of a source: (bytes, context for errors, options).
pub(crate) type PageDecoder<T> = fn(&[u8], &str, DecodeOptions<'_>) -> Result<Decoded<T>>;

/// Where a source's records come from.
#[derive(Debug, Clone)]
pub(crate) enum Endpoint {
    /// A GET list with `page`/`pageSize`, filtered on time client-side.
    Get {
        /// The path, ids filled in.
        path: String,
        /// The path's template, for tracing and errors.
        template: &'static str,
        /// The largest `pageSize` it serves.
        max_page_size: u32,
        /// What to side-load (`include=…`).
        include: Option<&'static str>,
    },
    /// `POST /v1/customers/search` in one query context (`conversation`, `message`…).
    Search {
        /// The `queryContext`.
        context: &'static str,
    },
    /// `POST /v1/customers/search` with a caller's criteria ([`crate::extra::search`]).
    Query(Box<QuerySpec>),
}

/// A caller-built search: its body, and whether the walk may re-window it on `updated_at`.
#[derive(Debug, Clone)]
pub(crate) struct QuerySpec {
    /// The search body as the caller built it (`and`, `or`, `not`, `sort`, `queryContext`…).
    pub(crate) body: Value,
    /// `<context>_updated_at`, when the query is sorted on it ascending: each page after the
    /// first then opens a window `updated_at >= t`, as the listing engine does. `None` for a
    /// caller's own sort: plain page numbers, and `ProviderLimit` at the cap.
    pub(crate) window_key: Option<String>,
}

impl Endpoint {
    /// `R`'s records listed by GET at `at` (filled with `ids`).
    fn get<R: KustomerResource>(at: &PathTemplate, ids: &[&Id]) -> Self {
        Endpoint::Get {
            path: at.fill(ids),
            template: at.template(),
            max_page_size: R::MAX_PAGE_SIZE,
            include: R::INCLUDE,
        }
    }

    /// Whether this is the search API walked in windows (filters on time server-side).
    pub(crate) fn is_search(&self) -> bool {
        match self {
            Endpoint::Search { .. } => true,
            Endpoint::Query(spec) => spec.window_key.is_some(),
            Endpoint::Get { .. } => false,
        }
    }

    /// Whether the endpoint serves at most [`SEARCH_PAGE_CAP`] pages per query.
    pub(crate) fn is_capped(&self) -> bool {
        matches!(self, Endpoint::Search { .. } | Endpoint::Query(_))
    }

    /// The page size `query` asks for, within what the endpoint serves.
    pub(crate) fn page_size(&self, query: &ListQuery, default: u32) -> Result<u32> {
        let max = match self {
            Endpoint::Get { max_page_size, .. } => *max_page_size,
            Endpoint::Search { .. } | Endpoint::Query(_) => SEARCH_MAX_PAGE_SIZE,
        };
        query.effective_page_size(default, max)
    }

    /// The request for page `page` of `size` records; a search asks for records updated at
    /// or after `window_start` (and the query's own bounds).
    pub(crate) fn call(
        &self,
        query: &ListQuery,
        page: u32,
        size: u32,
        window_start: Option<DateTime<Utc>>,
    ) -> Call<'static> {
        match self {
            Endpoint::Get { path, template, include, .. } => {
                let call = Call::get(path.clone(), template).query("page", page).query("pageSize", size);
                match include {
                    Some(what) => call.query("include", what),
                    None => call,
                }
            }
            Endpoint::Search { context } => {
                let body = search_body(context, query, window_start);
                let mut call = Call::write_at(Method::POST, &paths::SEARCH, &[], Some(body))
                    .query("page", page)
                    .query("pageSize", size);
                call.idempotent = true; // a search is a read
                call
            }
            Endpoint::Query(spec) => {
                let mut body = spec.body.clone();
                if let (Some(key), Some(t)) = (&spec.window_key, window_start) {
                    let window = json!({ key.clone(): { "gte": ts(t) } });
                    match body.get_mut("and").and_then(Value::as_array_mut) {
                        Some(and) => and.push(window),
                        None => body["and"] = json!([window]),
                    }
                }
                let mut call = Call::write_at(Method::POST, &paths::SEARCH, &[], Some(body))
                    .query("page", page)
                    .query("pageSize", size);
                call.idempotent = true; // a search is a read
                call
            }
        }
    }
}

/// One source of a listing: where its records come from and how its pages decode.
pub(crate) struct Source<T> {
    /// Where the records come from.
    pub(crate) endpoint: Endpoint,
    /// How a page of them decodes.
    pub(crate) decode: PageDecoder<T>,
}

impl<T: Record> Source<T> {
    /// `R`'s listing for `query`: the search API in `R`'s context when the query filters on
    /// time or asks for deleted records (Kustomer's list endpoints can do neither) and `R` can
    /// be searched, else `R`'s list endpoint.
    pub(crate) fn of<R: KustomerResource<Record = T>>(query: &ListQuery) -> Self {
        let timed = query.updated_after.is_some() || query.created_after.is_some();
        let endpoint = match R::SEARCH_CONTEXT {
            Some(context) if timed || query.include_deleted => Endpoint::Search { context },
            _ => Endpoint::get::<R>(&R::COLLECTION, &[]),
        };
        Source { endpoint, decode: decode::page::<R> }
    }

    /// `R`'s records listed under another record, by GET at `at` (filled with `ids`): a
    /// customer's conversations, a conversation's messages.
    pub(crate) fn under<R: KustomerResource<Record = T>>(at: &PathTemplate, ids: &[&Id]) -> Self {
        Source { endpoint: Endpoint::get::<R>(at, ids), decode: decode::page::<R> }
    }

    /// The request for the page `state` is at.
    fn request(&self, query: &ListQuery, state: &State, default_size: u32) -> Result<Call<'static>> {
        let size = self.endpoint.page_size(query, default_size)?;
        if self.endpoint.is_capped() && state.page > SEARCH_PAGE_CAP {
            if self.endpoint.is_search() {
                // A windowed walk never asks for it: only a tampered cursor does.
                return Err(Error::invalid_cursor("search page beyond the 100-page cap"));
            }
            // A search sorted by the caller's own keys cannot be re-windowed.
            return Err(Error::ProviderLimit {
                message: format!(
                    "a search sorted by the caller's own keys serves at most {SEARCH_PAGE_CAP} pages; \
                     sort on updated_at (the default) or narrow the query"
                ),
            });
        }
        Ok(self.endpoint.call(query, state.page, size, state.win.as_ref().map(|w| w.t)))
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The search body for one window; with `includeDeleted: true` when the query asks for
/// deleted records (Kustomer leaves them out of searches otherwise).
pub(crate) fn search_body(context: &str, query: &ListQuery, window_start: Option<DateTime<Utc>>) -> Value {
    let updated_key = format!("{context}_updated_at");
    let created_key = format!("{context}_created_at");
    let mut and = Vec::new();
    let from = match (query.updated_after, window_start) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if let Some(t) = from {
        and.push(json!({ updated_key.clone(): { "gte": ts(t) } }));
    }
    if let Some(t) = query.created_after {
        and.push(json!({ created_key: { "gte": ts(t) } }));
    }
    let mut body = json!({ "and": and, "sort": [{ updated_key: "asc" }], "queryContext": context });
    if query.include_deleted {
        body["includeDeleted"] = Value::Bool(true);
    }
    body
}

impl KustomerClient {
    /// One page of a listing made of `sources`, walked in order behind one cursor.
    pub(crate) async fn list_sources<T: Record>(
        &self,
        resource: Resource,
        query: &ListQuery,
        sources: &[Source<T>],
    ) -> Result<Page<T>> {
        self.list_sources_keyed(resource, "", query, sources).await
    }

    /// [`Self::list_sources`] for a listing that `key` tells apart from others of the same
    /// resource and query (a klass's path, a search body's hash): a cursor of one is refused by
    /// the other.
    pub(crate) async fn list_sources_keyed<T: Record>(
        &self,
        resource: Resource,
        key: &str,
        query: &ListQuery,
        sources: &[Source<T>],
    ) -> Result<Page<T>> {
        refuse_include_deleted(resource, query, sources)?;
        let mut fingerprint = query.fingerprint(resource);
        if !key.is_empty() {
            fingerprint.push('|');
            fingerprint.push_str(key);
        }
        let (state, source) = State::resume(query.cursor.as_ref(), &fingerprint, sources)?;
        let call = source.request(query, &state, self.default_page_size())?;
        let resp = self.send(&call).await?;
        let opts = DecodeOptions { include_remote_data: query.include_remote_data, base_url: self.base_url() };
        let decoded = (source.decode)(&resp.body, call.template, opts)?;
        let step = state.after(source.endpoint.is_search(), &PageFacts::of(&decoded))?;
        let mut keep = step.keep.into_iter();
        let mut items = decoded.items;
        items.retain(|_| keep.next().unwrap_or(true));
        if !source.endpoint.is_search() {
            // List endpoints cannot filter on time: a no-op for queries without time bounds.
            items.retain(|r| query.matches_times(r.created_at(), r.updated_at()));
        }
        let next = step.next.or_else(|| state.next_phase(sources.len()));
        let next_cursor = next.map(|s| Cursor::encode(ADAPTER, &fingerprint, &s)).transpose()?;
        Ok(Page { items, next_cursor })
    }
}

/// Only the search API lists deleted records (`includeDeleted`): a listing that asks for them
/// is refused when one of its sources is a GET list endpoint, never answered without them.
/// Resources without a search context (tags, teams, users) answer `Unsupported`, as their
/// capability report says. (Listings under another record check first, with
/// [`deleted_under_another_record`].)
pub(crate) fn refuse_include_deleted<T>(resource: Resource, query: &ListQuery, sources: &[Source<T>]) -> Result<()> {
    if query.include_deleted && sources.iter().any(|s| !s.endpoint.is_search()) {
        return Err(Error::unsupported(resource, unidesk_core::Operation::ListDeleted, ADAPTER));
    }
    Ok(())
}

/// The error for `include_deleted` with `contact_id` (tickets) or `ticket_id` (comments): the
/// resource lists deleted records, but not under another record.
pub(crate) fn deleted_under_another_record() -> Error {
    Error::invalid_input(
        "include_deleted cannot be combined with contact_id or ticket_id on Kustomer: only its search \
         API lists deleted records, and the listings under a customer or a conversation do not",
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::descriptor::{Conversations, Messages, Tags};

    #[test]
    fn sources_search_only_when_the_query_filters_on_time_and_the_resource_can_be_searched() {
        let since = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().expect("date");
        let plain = Source::of::<Conversations>(&ListQuery::new());
        assert!(matches!(plain.endpoint, Endpoint::Get { template: "/v1/conversations", max_page_size: 100, .. }));
        let timed = Source::of::<Conversations>(&ListQuery::new().updated_after(since));
        assert!(matches!(timed.endpoint, Endpoint::Search { context: "conversation" }));
        let tags = Source::of::<Tags>(&ListQuery::new().updated_after(since));
        assert!(matches!(tags.endpoint, Endpoint::Get { template: "/v1/tags", .. }), "tags are filtered locally");
    }

    #[test]
    fn deleted_records_are_listed_by_search_even_without_a_time_filter() {
        let q = ListQuery::new().include_deleted(true);
        let src = Source::of::<Conversations>(&q);
        assert!(matches!(src.endpoint, Endpoint::Search { context: "conversation" }));
        let call = src.request(&q, &State::start(0), 100).expect("call");
        let body = call.body.expect("a body");
        assert_eq!(
            body,
            json!({ "and": [], "sort": [{ "conversation_updated_at": "asc" }], "queryContext": "conversation", "includeDeleted": true })
        );
        let plain = search_body("conversation", &ListQuery::new(), None);
        assert!(plain.get("includeDeleted").is_none(), "no flag unless asked: {plain}");
        // Without a search context, deleted records cannot be listed: Unsupported, not a silent listing.
        let tags = [Source::of::<Tags>(&q)];
        assert!(matches!(tags[0].endpoint, Endpoint::Get { .. }));
        let err = refuse_include_deleted(Resource::Tag, &q, &tags).expect_err("refused");
        assert!(
            matches!(
                err,
                Error::Unsupported { resource: Resource::Tag, operation: unidesk_core::Operation::ListDeleted, .. }
            ),
            "{err:?}"
        );
        assert!(refuse_include_deleted(Resource::Tag, &ListQuery::new(), &tags).is_ok());
        assert!(refuse_include_deleted(Resource::Ticket, &q, &[src]).is_ok());
    }

    #[test]
    fn requests_carry_page_size_and_side_loads() {
        let q = ListQuery::new().page_size(20);
        let messages = Source::<unidesk_core::Comment>::of::<Messages>(&q);
        let call = messages.request(&q, &State { page: 3, ..State::start(0) }, 50).expect("call");
        assert_eq!((call.method, call.path.as_str(), call.template), (Method::GET, "/v1/messages", "/v1/messages"));
        let query: Vec<_> = call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(query, [("page", "3"), ("pageSize", "20"), ("include", "attachments")]);
    }

    #[test]
    fn search_requests_open_the_window_and_stop_at_the_cap() {
        let since = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single().expect("date");
        let q = ListQuery::new().updated_after(since);
        let src = Source::of::<Conversations>(&q);
        let t = Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).single().expect("date");
        let at = State { win: Some(window::Window { t, ids: vec![] }), ..State::start(0) };
        let call = src.request(&q, &at, 100).expect("call");
        assert_eq!((call.method, call.template, call.idempotent), (Method::POST, "/v1/customers/search", true));
        let body = call.body.expect("a body");
        assert_eq!(body["and"][0]["conversation_updated_at"]["gte"], "2024-02-01T00:00:00.000Z");
        let beyond = State { page: SEARCH_PAGE_CAP + 1, ..State::start(0) };
        assert!(matches!(src.request(&q, &beyond, 100), Err(Error::InvalidCursor { .. })));
    }
}
