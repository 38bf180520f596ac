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
//! within the window instead.
//!
//! A server whose `links.next` never ends is not followed forever. The walk stops
//! with [`Error::PaginationLoop`] when `links.next` names a `page` not after the
//! page just fetched, or when a page starts and ends with the same records as the
//! page before it in the same query (the cursor keeps that page's first and last
//! id); and with [`Error::PaginationStalled`] after [`MAX_EMPTY_PAGES`] empty pages
//! in a row that each claim more follow.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use unidesk_core::{Cursor, Error, ListQuery, Page, Record, Resource, Result};

use crate::ADAPTER;
use crate::client::{Call, KustomerClient};
use crate::wire::{Document, ResourceObject};

/// The search API serves at most this many pages per query.
pub const SEARCH_PAGE_CAP: u32 = 100;
/// The largest page the search API serves.
pub const SEARCH_MAX_PAGE_SIZE: u32 = 500;

/// Empty pages in a row, each with `links.next` set, after which a listing gives up.
pub const MAX_EMPTY_PAGES: u32 = 10;

/// Decoded page: items, whether `links.next` was set, and the `page` it names, if any.
pub(crate) struct Decoded<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    pub next_page: Option<u32>,
}

impl<T> Decoded<T> {
    fn new(items: Vec<T>, next: Option<&str>) -> Self {
        Decoded { items, has_next: next.is_some(), next_page: next.and_then(page_param) }
    }
}

/// The `page` query parameter of a `links.next` (a relative path or a URL), when it has one.
pub(crate) fn page_param(link: &str) -> Option<u32> {
    let url = url::Url::parse("http://links.invalid/").ok()?.join(link).ok()?;
    url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.trim().parse().ok())
}

/// The first and last ids of a page, to recognize the same page served again.
pub(crate) fn page_mark<T: Record>(items: &[T]) -> Option<[String; 2]> {
    Some([items.first()?.id().to_owned(), items.last()?.id().to_owned()])
}

/// Checks a fetched page of a walk that is at `page`: whether `links.next` goes back, and
/// whether the page repeats the previous one (`prev_mark`). Returns this page's mark.
pub(crate) fn check_progress<T: Record>(
    decoded: &Decoded<T>,
    page: u32,
    prev_mark: Option<&[String; 2]>,
) -> Result<Option<[String; 2]>> {
    let mark = page_mark(&decoded.items);
    let repeated = mark.is_some() && mark.as_ref() == prev_mark;
    let goes_back = decoded.has_next && decoded.next_page.is_some_and(|p| p <= page);
    if repeated || goes_back {
        tracing::warn!(page, repeated, goes_back, "the server's next page does not advance: stopping the listing");
        return Err(Error::PaginationLoop { pages: u64::from(page) });
    }
    Ok(mark)
}

/// Counts an empty page that claims more follow; fails once there have been too many in a row.
pub(crate) fn count_empty(empty_before: u32, decoded_len: usize, has_next: bool) -> Result<u32> {
    if decoded_len > 0 || !has_next {
        return Ok(0);
    }
    let empty = empty_before.saturating_add(1);
    if empty >= MAX_EMPTY_PAGES {
        tracing::warn!(empty, "the server keeps sending empty pages that claim more follow: stopping the listing");
        return Err(Error::PaginationStalled { empty_pages: u64::from(empty) });
    }
    Ok(empty)
}

/// Decodes a list body: (bytes, endpoint for errors, include raw, base URL).
pub(crate) type DecodeFn<T> = fn(&[u8], &str, bool, &str) -> Result<Decoded<T>>;

/// Where a source's records come from.
pub(crate) enum Endpoint {
    /// A GET list with `page`/`pageSize`.
    Get { path: String, template: &'static str, max_page_size: u32, include_attachments: bool },
    /// `POST /v1/customers/search` in one query context (`conversation`, `message`…).
    Search { context: &'static str },
}

impl Endpoint {
    /// The search API in `context` when the query filters on time (Kustomer's list endpoints
    /// cannot), else the plain GET list at `path` (page size up to 100).
    pub(crate) fn search_or_get(query: &ListQuery, context: &'static str, path: &'static str) -> Self {
        if query.updated_after.is_some() || query.created_after.is_some() {
            Endpoint::Search { context }
        } else {
            Endpoint::Get { path: path.into(), template: path, max_page_size: 100, include_attachments: false }
        }
    }
}

pub(crate) struct Source<T> {
    pub endpoint: Endpoint,
    pub decode: DecodeFn<T>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    phase: usize,
    page: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    win: Option<Window>,
    /// First and last id of the previous page of the same query (absent in older cursors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prev: Option<[String; 2]>,
    /// Empty pages in a row just before this one, each with `links.next` set.
    #[serde(default, skip_serializing_if = "is_zero")]
    empty: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl State {
    fn start(phase: usize) -> Self {
        State { phase, page: 1, win: None, prev: None, empty: 0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Window {
    t: DateTime<Utc>,
    ids: Vec<String>,
}

/// Sorts side-loaded objects by id once per body, so mappings find them by binary search.
fn sort_included(included: &mut [ResourceObject<Value>]) {
    included.sort_unstable_by(|a, b| a.id.cmp(&b.id));
}

/// Decodes a JSON list body into records with `map`.
pub(crate) fn decode_list<A: DeserializeOwned, T>(
    bytes: &[u8],
    context: &str,
    raw: bool,
    map: impl Fn(ResourceObject<A>, &[ResourceObject<Value>], Option<Value>) -> T,
) -> Result<Decoded<T>> {
    if raw {
        let mut doc: Document<Vec<Value>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let items = doc
            .data
            .into_iter()
            .map(|v| {
                let obj: ResourceObject<A> =
                    serde_json::from_value(v.clone()).map_err(|e| crate::errors::decode(context, e))?;
                Ok(map(obj, &doc.included, Some(v)))
            })
            .collect::<Result<Vec<T>>>()?;
        Ok(Decoded::new(items, doc.links.next.as_deref()))
    } else {
        let mut doc: Document<Vec<ResourceObject<A>>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let included = doc.included;
        let items = doc.data.into_iter().map(|o| map(o, &included, None)).collect();
        Ok(Decoded::new(items, doc.links.next.as_deref()))
    }
}

/// Decodes a single-record body with `map`.
pub(crate) fn decode_one<A: DeserializeOwned, T>(
    bytes: &[u8],
    context: &str,
    raw: bool,
    map: impl Fn(ResourceObject<A>, &[ResourceObject<Value>], Option<Value>) -> T,
) -> Result<T> {
    if raw {
        let mut doc: Document<Value> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let obj: ResourceObject<A> =
            serde_json::from_value(doc.data.clone()).map_err(|e| crate::errors::decode(context, e))?;
        Ok(map(obj, &doc.included, Some(doc.data)))
    } else {
        let mut doc: Document<ResourceObject<A>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        Ok(map(doc.data, &doc.included, None))
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The search body for one window.
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
    json!({ "and": and, "sort": [{ updated_key: "asc" }], "queryContext": context })
}

impl KustomerClient {
    /// One page of a listing made of `sources`. `local_times` filters on times client-side
    /// (for sources that cannot filter server-side).
    pub(crate) async fn list_sources<T: Record>(
        &self,
        resource: Resource,
        query: &ListQuery,
        sources: &[Source<T>],
        local_times: bool,
    ) -> Result<Page<T>> {
        let fingerprint = query.fingerprint(resource);
        let state = match &query.cursor {
            Some(c) => c.decode::<State>(ADAPTER, &fingerprint)?,
            None => State::start(0),
        };
        let Some(source) = sources.get(state.phase) else {
            return Err(Error::invalid_cursor("phase out of range for this listing"));
        };
        if state.page == 0 || state.page > 1_000_000 {
            return Err(Error::invalid_cursor("page out of range"));
        }
        let base = self.base_url().to_owned();
        let (call, context) = match &source.endpoint {
            Endpoint::Get { path, template, max_page_size, include_attachments } => {
                let size = query.effective_page_size(self.default_page_size(), *max_page_size)?;
                let mut call = Call::get(path.clone(), template).query("page", state.page).query("pageSize", size);
                if *include_attachments {
                    call = call.query("include", "attachments");
                }
                (call, *template)
            }
            Endpoint::Search { context } => {
                let size = query.effective_page_size(self.default_page_size(), SEARCH_MAX_PAGE_SIZE)?;
                if state.page > SEARCH_PAGE_CAP {
                    return Err(Error::invalid_cursor("search page beyond the 100-page cap"));
                }
                let body = search_body(context, query, state.win.as_ref().map(|w| w.t));
                let mut call =
                    Call::write(Method::POST, "/v1/customers/search".into(), "/v1/customers/search", Some(body))
                        .query("page", state.page)
                        .query("pageSize", size);
                call.idempotent = true; // a search is a read
                (call, "/v1/customers/search")
            }
        };
        let resp = self.send(&call).await?;
        let decoded = (source.decode)(&resp.body, context, query.include_remote_data, &base)?;
        let is_search = matches!(source.endpoint, Endpoint::Search { .. });
        let mark = check_progress(&decoded, state.page, state.prev.as_ref())?;
        let empty = count_empty(state.empty, decoded.items.len(), decoded.has_next)?;
        // The next page of the same query remembers this page (or the last non-empty one).
        let same_query = |page: u32, win: Option<Window>| State {
            phase: state.phase,
            page,
            win,
            prev: mark.clone().or_else(|| state.prev.clone()),
            empty,
        };

        let mut next = None;
        let mut items = decoded.items;
        if is_search {
            let old = state.win.clone();
            let mut tail = old.clone();
            for item in &items {
                if let Some(u) = item.updated_at() {
                    match &mut tail {
                        Some(w) if u == w.t => {
                            if !w.ids.iter().any(|i| i == item.id()) {
                                w.ids.push(item.id().to_owned());
                            }
                        }
                        Some(w) if u < w.t => {}
                        _ => tail = Some(Window { t: u, ids: vec![item.id().to_owned()] }),
                    }
                }
            }
            if let Some(w) = &old {
                items.retain(|r| match r.updated_at() {
                    Some(u) => u > w.t || (u == w.t && !w.ids.iter().any(|i| i == r.id())),
                    None => true,
                });
            }
            if decoded.has_next {
                let moved = match (&old, &tail) {
                    (Some(o), Some(t)) => t.t > o.t,
                    (None, Some(_)) => true,
                    _ => false,
                };
                next = Some(if moved {
                    State { phase: state.phase, page: 1, win: tail, prev: None, empty }
                } else {
                    if state.page >= SEARCH_PAGE_CAP {
                        return Err(Error::Upstream {
                            status: 400,
                            body: "more records share one updated_at than the search API can page through".into(),
                        });
                    }
                    same_query(state.page + 1, tail)
                });
            }
        } else if decoded.has_next {
            next = Some(same_query(state.page + 1, None));
        }
        if next.is_none() && state.phase + 1 < sources.len() {
            next = Some(State::start(state.phase + 1));
        }
        if local_times {
            items.retain(|r| query.matches_times(r.created_at(), r.updated_at()));
        }
        let next_cursor = match next {
            Some(s) => Some(Cursor::encode(ADAPTER, &fingerprint, &s)?),
            None => None,
        };
        Ok(Page { items, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_name_their_page() {
        assert_eq!(page_param("/v1/customers?page=3&pageSize=100"), Some(3));
        assert_eq!(page_param("https://acme.api.kustomerapp.com/v1/conversations?pageSize=5&page=12"), Some(12));
        assert_eq!(page_param("/v1/customers?cursor=abc"), None);
        assert_eq!(page_param("/v1/customers?page=-1"), None);
        assert_eq!(page_param("/v1/customers?page=x"), None);
        assert_eq!(page_param(""), None);
    }

    #[test]
    fn cursors_from_before_the_loop_checks_still_decode() {
        let old: State = serde_json::from_value(json!({ "phase": 1, "page": 7 })).expect("old cursor state");
        assert_eq!((old.phase, old.page, old.prev, old.empty), (1, 7, None, 0));
        let fresh = serde_json::to_value(State::start(0)).expect("serializes");
        assert_eq!(fresh, json!({ "phase": 0, "page": 1 }), "nothing new in a cursor that needs nothing new");
    }

    #[test]
    fn empty_pages_are_counted_only_while_next_is_set() {
        assert_eq!(count_empty(0, 0, true).expect("one"), 1);
        assert_eq!(count_empty(5, 3, true).expect("reset by records"), 0);
        assert_eq!(count_empty(5, 0, false).expect("the last page may be empty"), 0);
        assert!(matches!(count_empty(MAX_EMPTY_PAGES - 1, 0, true), Err(Error::PaginationStalled { empty_pages: 10 })));
    }
}
