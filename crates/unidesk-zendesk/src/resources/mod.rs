//! The resource traits over Zendesk, and what they share: ids, cursors, page reads.

mod accounts;
mod attachments;
mod comments;
mod contacts;
mod fields;
mod tags;
mod teams;
mod tickets;
mod users;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use unidesk_core::{Capabilities, Cursor, Error, Fields, Helpdesk, Id, ListQuery, Operation, Page, Resource, Result};

use crate::ADAPTER;
use crate::client::{Call, ZendeskClient};
use crate::config::MAX_PAGE_SIZE;
use crate::list::{self, Fetched, State};
use crate::wire::{Listing, One};

/// A record and, when asked for, its JSON.
pub(crate) type Raw<T> = (T, Option<Value>);

impl Helpdesk for ZendeskClient {
    fn name(&self) -> &str {
        ADAPTER
    }

    fn capabilities(&self) -> Capabilities {
        use Operation::*;
        let mut caps = Capabilities::none();
        let sets: [(Resource, &[Operation]); 7] = [
            (Resource::Ticket, &[List, Get, Create, Update, Delete, AddTags, RemoveTags, ListDeleted, ListFields]),
            // Zendesk has no endpoint reading one comment by its id.
            (Resource::Comment, &[List, Create, Upload, Download]),
            (Resource::Contact, &[List, Get, Create, Update, Delete, Lookup, ListDeleted, ListFields]),
            (Resource::Account, &[List, Get, Create, Update, Delete, ListFields]),
            (Resource::Tag, &[List, Get]),
            (Resource::Team, &[List, Get]),
            (Resource::User, &[List, Get, ListDeleted]),
        ];
        for (r, ops) in sets {
            for op in ops {
                caps = caps.with(r, *op);
            }
        }
        caps
    }

    fn fields(&self) -> &dyn Fields {
        self
    }

    fn attachments(&self) -> &dyn unidesk_core::Attachments {
        self
    }

    unidesk_core::helpdesk_accessors!();
}

/// Validates `raw` as an id (`InvalidInput` for path characters and the like) and reads it as
/// a Zendesk number; a well-formed id that is no number is `NotFound` (no record has it).
pub(crate) fn zendesk_id(raw: &str, resource: Resource) -> Result<i64> {
    let id = Id::parse(raw)?;
    id.as_str().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| Error::not_found(resource, raw))
}

/// An optional reference (`contact_id`, `account_id`…) as a Zendesk number: `None` and `""`
/// clear it; anything else must be an id.
pub(crate) fn ref_id(raw: Option<&str>, field: &str) -> Result<Option<i64>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => {
            Id::parse(s)?;
            s.parse::<i64>().map(Some).map_err(|_| invalid(field, format!("{s:?} is not a Zendesk id")))
        }
    }
}

/// A validation error naming `field`.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Error {
    let message = message.into();
    Error::Validation {
        message: format!("{field}: {message}"),
        field_errors: vec![unidesk_core::FieldError { field: Some(field.to_owned()), message }],
    }
}

impl ZendeskClient {
    /// The page size for `q` (its own, else the client's, at most 100); 0 is `InvalidInput`.
    pub(crate) fn page_size(&self, q: &ListQuery) -> Result<usize> {
        Ok(q.effective_page_size(self.default_page_size(), MAX_PAGE_SIZE)? as usize)
    }

    /// `Unsupported` when `q` asks for deleted records of a resource that cannot list them.
    pub(crate) fn no_deleted(&self, q: &ListQuery, resource: Resource) -> Result<()> {
        if q.include_deleted {
            return Err(Error::unsupported(resource, Operation::ListDeleted, ADAPTER));
        }
        Ok(())
    }

    /// The listing state in `q`'s cursor, bound to `resource` and `q`'s filters.
    pub(crate) fn state<K: DeserializeOwned>(&self, q: &ListQuery, resource: Resource) -> Result<State<K>> {
        match &q.cursor {
            None => Ok(State::default()),
            Some(c) => c.decode(ADAPTER, &q.fingerprint(resource)),
        }
    }

    /// A page of `items`, continuing at `next` when more follow.
    pub(crate) fn page<T, K: Serialize>(
        &self,
        q: &ListQuery,
        resource: Resource,
        items: Vec<T>,
        next: Option<State<K>>,
    ) -> Result<Page<T>> {
        let next_cursor = next.map(|s| Cursor::encode(ADAPTER, &q.fingerprint(resource), &s)).transpose()?;
        Ok(Page { items, next_cursor })
    }

    /// One record (`{"ticket": {…}}`) and, when `raw`, its JSON.
    pub(crate) async fn one<T: DeserializeOwned>(&self, call: &Call<'_>, raw: bool) -> Result<(T, Option<Value>)> {
        let reply = self.send(call).await?;
        self.decode_one(call.template, &reply.body, raw)
    }

    /// Decodes `{"<resource>": {…}}`, keeping the record's JSON when `raw`.
    pub(crate) fn decode_one<T: DeserializeOwned>(
        &self,
        context: &str,
        body: &[u8],
        raw: bool,
    ) -> Result<(T, Option<Value>)> {
        if raw {
            let one: One<Value> = self.decode(context, body)?;
            let item = T::deserialize(&one.item).map_err(|e| crate::errors::decode(context, e, self.secrets()))?;
            Ok((item, Some(one.item)))
        } else {
            let one: One<T> = self.decode(context, body)?;
            Ok((one.item, None))
        }
    }

    /// Decodes a listing page's records, keeping each one's JSON when `raw`.
    pub(crate) fn decode_listing<T: DeserializeOwned>(
        &self,
        context: &str,
        body: &[u8],
        raw: bool,
    ) -> Result<(Vec<Raw<T>>, Listing<()>)> {
        if raw {
            let mut page: Listing<Value> = self.decode(context, body)?;
            let items = std::mem::take(&mut page.items)
                .into_iter()
                .map(|v| {
                    T::deserialize(&v)
                        .map(|t| (t, Some(v)))
                        .map_err(|e| crate::errors::decode(context, e, self.secrets()))
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((items, page.without_items()))
        } else {
            let mut page: Listing<T> = self.decode(context, body)?;
            let items = std::mem::take(&mut page.items).into_iter().map(|t| (t, None)).collect();
            Ok((items, page.without_items()))
        }
    }

    /// One cursor-paginated page of `base` (`page[size]`, `page[after]`).
    pub(crate) async fn cbp<T: DeserializeOwned>(
        &self,
        base: &Call<'_>,
        size: usize,
        after: Option<String>,
        raw: bool,
    ) -> Result<Fetched<Raw<T>>> {
        let mut call = base.clone().query("page[size]", size.clamp(1, MAX_PAGE_SIZE as usize));
        if let Some(a) = after {
            call = call.query("page[after]", a);
        }
        let (items, page) = self.listing_page(&call, |body| self.decode_listing::<T>(call.template, body, raw)).await?;
        let meta = page.meta.unwrap_or_default();
        let next = match (meta.has_more, meta.after_cursor) {
            (false, _) => None,
            (true, Some(c)) if !c.is_empty() => Some(c),
            (true, _) => return Err(Error::decode(call.template, "has_more without an after_cursor")),
        };
        Ok(Fetched { items, next })
    }

    /// Every record of a small list (field definitions, group memberships): cursor pages of 100,
    /// or offset pages when the endpoint answers with `next_page` instead.
    pub(crate) async fn all<T: DeserializeOwned>(&self, base: &Call<'_>) -> Result<Vec<(T, Value)>> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        let mut page_no = 1u32;
        for _ in 0..1000 {
            let mut call = base.clone().query("page[size]", MAX_PAGE_SIZE);
            if let Some(a) = &after {
                call = call.query("page[after]", a);
            } else if page_no > 1 {
                call = base.clone().query("per_page", MAX_PAGE_SIZE).query("page", page_no);
            }
            let reply = self.send(&call).await?;
            let (items, page) = self.decode_listing::<T>(call.template, &reply.body, true)?;
            out.extend(items.into_iter().map(|(t, v)| (t, v.unwrap_or(Value::Null))));
            match page.meta {
                Some(m) if m.has_more => match m.after_cursor {
                    Some(c) if !c.is_empty() => after = Some(c),
                    _ => return Err(Error::decode(call.template, "has_more without an after_cursor")),
                },
                Some(_) => return Ok(out),
                None if page.next_page.is_some() => page_no += 1,
                None => return Ok(out),
            }
        }
        Err(Error::PaginationStalled { empty_pages: 1000 })
    }

    /// [`list::scan`] over cursor pages of `base`, mapping each record with `map` into
    /// `(key, record)`, keeping those `keep` accepts.
    #[allow(clippy::too_many_arguments, reason = "one listing, spelled out")]
    pub(crate) async fn scan_cbp<W, R, K>(
        &self,
        q: &ListQuery,
        resource: Resource,
        base: &Call<'_>,
        map: impl Fn(W, Option<Value>) -> (K, R),
        keep: impl Fn(&R) -> bool,
    ) -> Result<Page<R>>
    where
        W: DeserializeOwned,
        K: Ord + Clone + Serialize + DeserializeOwned,
    {
        let want = self.page_size(q)?;
        let start = self.state::<K>(q, resource)?;
        let raw = q.include_remote_data;
        let map = &map;
        let (items, next) = list::scan(
            start,
            want,
            false,
            |(k, _): &(K, R)| k.clone(),
            |(_, r)| keep(r),
            |after| async move {
                let page = self.cbp::<W>(base, want + 1, after, raw).await?;
                Ok(Fetched { items: page.items.into_iter().map(|(w, v)| map(w, v)).collect(), next: page.next })
            },
        )
        .await?;
        self.page(q, resource, items.into_iter().map(|(_, r)| r).collect(), next)
    }
}
