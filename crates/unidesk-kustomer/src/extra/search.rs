//! A typed builder over Kustomer's search API (`POST /v1/customers/search`).
//!
//! ```
//! use unidesk_kustomer::extra::search::{Criterion, Search};
//! let s = Search::new("conversation")
//!     .and(Criterion::equals("conversation_status", "open"))
//!     .and(Criterion::gte("conversation_created_at", "2026-01-01"))
//!     .or(Criterion::contains("conversation_name", "refund"))
//!     .not(Criterion::not_set("conversation_assigned_users"))
//!     .include_deleted(true);
//! assert_eq!(s.body()["queryContext"], "conversation");
//! ```
//!
//! # The 100-page cap
//!
//! The search API serves about 100 pages per query. Walked as the listing engine walks its own
//! searches, a query sorted on `<context>_updated_at` ascending (the default: no
//! [`Search::sort`]) never needs page 101: after each page the next query asks for
//! `<context>_updated_at >= t`, `t` the latest time emitted, and records already emitted at
//! `t` are dropped when they come back. Its results are the criteria's, whatever their number.
//! A query with the caller's own sort cannot be re-windowed; it is paged by number: its first
//! 100 pages are served, and the walk then ends with `Error::ProviderLimit` instead of asking
//! for page 101.

use futures::FutureExt;
use serde::Serialize;
use serde_json::{Value, json};
use unidesk_core::{Error, ListQuery, Page, RecordStream, Resource, Result, paginate};

use super::KustomerObject;
use crate::client::KustomerClient;
use crate::list::{Endpoint, QuerySpec, Source};

/// One criterion: `{field: {operator: value}}`, or a nested `and`/`or` group.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Criterion(Value);

impl Criterion {
    fn op(field: &str, op: &str, value: impl Into<Value>) -> Self {
        Criterion(json!({ field: { op: value.into() } }))
    }

    /// `field` equals `value`.
    pub fn equals(field: &str, value: impl Into<Value>) -> Self {
        Self::op(field, "equals", value)
    }
    /// `field` is greater than `value` (times: ISO dates or timestamps).
    pub fn gt(field: &str, value: impl Into<Value>) -> Self {
        Self::op(field, "gt", value)
    }
    /// `field` is at least `value`.
    pub fn gte(field: &str, value: impl Into<Value>) -> Self {
        Self::op(field, "gte", value)
    }
    /// `field` is less than `value`.
    pub fn lt(field: &str, value: impl Into<Value>) -> Self {
        Self::op(field, "lt", value)
    }
    /// `field` is at most `value`.
    pub fn lte(field: &str, value: impl Into<Value>) -> Self {
        Self::op(field, "lte", value)
    }
    /// `field` is one of `values`.
    pub fn one_of(field: &str, values: Vec<Value>) -> Self {
        Self::op(field, "in", Value::Array(values))
    }
    /// `field` contains the whole word(s) `text`.
    pub fn contains(field: &str, text: &str) -> Self {
        Self::op(field, "contains", text)
    }
    /// `field` has no value.
    pub fn not_set(field: &str) -> Self {
        Self::op(field, "not_set", true)
    }
    /// All of `criteria` (a nested group).
    pub fn all(criteria: Vec<Criterion>) -> Self {
        Criterion(json!({ "and": criteria }))
    }
    /// Any of `criteria` (a nested group).
    pub fn any(criteria: Vec<Criterion>) -> Self {
        Criterion(json!({ "or": criteria }))
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// A search: a query context, criteria and options. Build it, then
/// [`KustomerClient::search`] (one page) or [`KustomerClient::stream_search`] (all).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    context: String,
    and: Vec<Criterion>,
    or: Vec<Criterion>,
    not: Vec<Criterion>,
    sort: Vec<(String, Direction)>,
    include_deleted: bool,
    time_zone: Option<String>,
}

impl Search {
    /// A search in `context`: `conversation`, `customer`, `message`, `note`, `company`,
    /// `kobject_<klass>`…
    pub fn new(context: impl Into<String>) -> Self {
        Search {
            context: context.into(),
            and: Vec::new(),
            or: Vec::new(),
            not: Vec::new(),
            sort: Vec::new(),
            include_deleted: false,
            time_zone: None,
        }
    }

    /// Adds a criterion every result meets.
    pub fn and(mut self, c: Criterion) -> Self {
        self.and.push(c);
        self
    }
    /// Adds a criterion of which results meet at least one.
    pub fn or(mut self, c: Criterion) -> Self {
        self.or.push(c);
        self
    }
    /// Adds a criterion no result meets.
    pub fn not(mut self, c: Criterion) -> Self {
        self.not.push(c);
        self
    }
    /// Sorts on `field` (after earlier sorts). Without one, results come by
    /// `<context>_updated_at` ascending and the walk passes the 100-page cap.
    pub fn sort(mut self, field: impl Into<String>, direction: Direction) -> Self {
        self.sort.push((field.into(), direction));
        self
    }
    /// Also returns deleted records (`includeDeleted`).
    pub fn include_deleted(mut self, yes: bool) -> Self {
        self.include_deleted = yes;
        self
    }
    /// Reads `YYYY-MM-DD` dates in this time zone (`timeZone`; GMT by default).
    pub fn time_zone(mut self, tz: impl Into<String>) -> Self {
        self.time_zone = Some(tz.into());
        self
    }

    /// The key the walk re-windows on.
    fn updated_key(&self) -> String {
        format!("{}_updated_at", self.context)
    }

    /// The request body, as the first page sends it.
    pub fn body(&self) -> Value {
        let sort: Vec<Value> = if self.sort.is_empty() {
            vec![json!({ self.updated_key(): "asc" })]
        } else {
            self.sort
                .iter()
                .map(|(f, d)| json!({ f.clone(): if *d == Direction::Asc { "asc" } else { "desc" } }))
                .collect()
        };
        let mut body = json!({ "and": self.and, "sort": sort, "queryContext": self.context });
        if !self.or.is_empty() {
            body["or"] = json!(self.or);
        }
        if !self.not.is_empty() {
            body["not"] = json!(self.not); // [U]: the shape of `not` is not documented publicly
        }
        if self.include_deleted {
            body["includeDeleted"] = Value::Bool(true);
        }
        if let Some(tz) = &self.time_zone {
            body["timeZone"] = json!(tz);
        }
        body
    }

    fn check(&self) -> Result<()> {
        let ok = !self.context.is_empty()
            && self.context.len() <= 100
            && self.context.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            return Err(Error::invalid_input(format!(
                "search context {:?}",
                unidesk_core::one_line(&self.context, 60)
            )));
        }
        Ok(())
    }

    fn source(&self) -> Source<KustomerObject> {
        let window_key = self.sort.is_empty().then(|| self.updated_key());
        let spec = QuerySpec { body: self.body(), window_key };
        Source { endpoint: Endpoint::Query(Box::new(spec)), decode: super::decode_page::<KustomerObject> }
    }

    /// What ties a cursor to this search: a hash of its body.
    fn key(&self) -> String {
        let text = self.body().to_string();
        let hash =
            text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("search:{hash:016x}")
    }
}

impl KustomerClient {
    /// One page of `search` (`query` gives the page size and the cursor; its time filters and
    /// `include_deleted` are ignored: put them in the criteria).
    pub async fn search(&self, search: &Search, query: &ListQuery) -> Result<Page<KustomerObject>> {
        search.check()?;
        let mut q = ListQuery::new();
        q.page_size = query.page_size;
        q.cursor = query.cursor.clone();
        self.list_sources_keyed(Resource::Ticket, &search.key(), &q, &[search.source()]).await
    }

    /// Every result of `search`, page after page.
    pub fn stream_search(&self, search: Search, query: ListQuery) -> RecordStream<'_, KustomerObject> {
        paginate(query, move |q| {
            let s = search.clone();
            async move { self.search(&s, &q).await }.boxed()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_holds_every_part_and_defaults_to_the_windowed_sort() {
        let s = Search::new("customer")
            .and(Criterion::equals("customer_name", "Ana"))
            .or(Criterion::any(vec![Criterion::lt("customer_created_at", "2024-01-01")]))
            .not(Criterion::not_set("customer_emails"))
            .time_zone("Europe/Paris");
        let b = s.body();
        assert_eq!(b["sort"], json!([{ "customer_updated_at": "asc" }]));
        assert_eq!(b["and"], json!([{ "customer_name": { "equals": "Ana" } }]));
        assert_eq!(b["or"], json!([{ "or": [{ "customer_created_at": { "lt": "2024-01-01" } }] }]));
        assert_eq!(b["not"], json!([{ "customer_emails": { "not_set": true } }]));
        assert!(b.get("includeDeleted").is_none());
        assert!(s.source().endpoint.is_search(), "windowed");
        let sorted = s.clone().sort("customer_name", Direction::Desc);
        assert!(!sorted.source().endpoint.is_search() && sorted.source().endpoint.is_capped());
        assert_ne!(s.key(), sorted.key());
        assert!(Search::new("bad context").check().is_err());
    }
}
