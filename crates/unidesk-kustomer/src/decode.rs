//! Kustomer response bodies → normalized records, without any HTTP.
//!
//! The same decoding the client applies to every response, exposed for
//! callers that receive Kustomer JSON another way (exports, queues, the
//! passthrough) and for the mapping snapshots and benchmarks. Each function
//! takes a whole body (`{"data": …}`); the plural functions take a list body
//! (`{"data": [ … ], "links": …}`). Malformed or truncated JSON is
//! [`unidesk_core::Error::Decode`] naming `context`; nothing panics.
//!
//! Every function here is one line over the crate's generic `one` or `list`, which take
//! the resource's descriptor (`src/descriptor.rs`): its wire type and its mapping.

use serde_json::Value;
use unidesk_core::{Account, Comment, Contact, FieldDefinition, Resource, Result, Tag, Team, Ticket, User};

use crate::descriptor::{Companies, Conversations, Customers, KustomerResource, Messages, Notes, Tags, Teams, Users};
use crate::wire::{Document, MetadataAttrs, ResourceObject};

/// Options for decoding: whether to keep the raw record, and the API base URL for links.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions<'a> {
    /// Keep the Kustomer record verbatim in `remote_data`.
    pub include_remote_data: bool,
    /// The API base URL, used to build `ticket_url` (empty: no URL).
    pub base_url: &'a str,
}

/// A decoded list page: the records, whether `links.next` was set, and the `page` it names.
pub(crate) struct Decoded<T> {
    pub(crate) items: Vec<T>,
    pub(crate) has_next: bool,
    pub(crate) next_page: Option<u32>,
}

impl<T> Decoded<T> {
    pub(crate) fn new(items: Vec<T>, next: Option<&str>) -> Self {
        Decoded { items, has_next: next.is_some(), next_page: next.and_then(page_param) }
    }
}

/// The `page` query parameter of a `links.next` (a relative path or a URL), when it has one.
pub(crate) fn page_param(link: &str) -> Option<u32> {
    let url = url::Url::parse("http://links.invalid/").ok()?.join(link).ok()?;
    url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.trim().parse().ok())
}

/// Sorts side-loaded objects by id once per body, so mappings find them by binary search.
fn sort_included(included: &mut [ResourceObject<Value>]) {
    included.sort_unstable_by(|a, b| a.id.cmp(&b.id));
}

/// One `R` from a single-record body.
pub(crate) fn one<R: KustomerResource>(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<R::Record> {
    let base = opts.base_url;
    if opts.include_remote_data {
        let mut doc: Document<Value> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let obj: ResourceObject<R::Attrs> =
            serde_json::from_value(doc.data.clone()).map_err(|e| crate::errors::decode(context, e))?;
        Ok(R::map(obj, &doc.included, Some(doc.data), base))
    } else {
        let mut doc: Document<ResourceObject<R::Attrs>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        Ok(R::map(doc.data, &doc.included, None, base))
    }
}

/// A list body of `R` as a listing reads it: the records, and where `links.next` points.
pub(crate) fn page<R: KustomerResource>(
    bytes: &[u8],
    context: &str,
    opts: DecodeOptions<'_>,
) -> Result<Decoded<R::Record>> {
    let base = opts.base_url;
    if opts.include_remote_data {
        let mut doc: Document<Vec<Value>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let items = doc
            .data
            .into_iter()
            .map(|v| {
                let obj: ResourceObject<R::Attrs> =
                    serde_json::from_value(v.clone()).map_err(|e| crate::errors::decode(context, e))?;
                Ok(R::map(obj, &doc.included, Some(v), base))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Decoded::new(items, doc.links.next.as_deref()))
    } else {
        let mut doc: Document<Vec<ResourceObject<R::Attrs>>> = crate::wire::parse(context, bytes)?;
        sort_included(&mut doc.included);
        let included = doc.included;
        let items = doc.data.into_iter().map(|o| R::map(o, &included, None, base)).collect();
        Ok(Decoded::new(items, doc.links.next.as_deref()))
    }
}

/// Every `R` in a list body, in order.
pub(crate) fn list<R: KustomerResource>(
    bytes: &[u8],
    context: &str,
    opts: DecodeOptions<'_>,
) -> Result<Vec<R::Record>> {
    page::<R>(bytes, context, opts).map(|d| d.items)
}

/// One [`Ticket`] from a single-conversation body.
pub fn conversation(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Ticket> {
    one::<Conversations>(bytes, context, opts)
}

/// Every [`Ticket`] in a list body of conversations, in order.
pub fn conversations(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Ticket>> {
    list::<Conversations>(bytes, context, opts)
}

/// One public [`Comment`] from a single-message body (attachments from `included`).
pub fn message(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Comment> {
    one::<Messages>(bytes, context, opts)
}

/// Every public [`Comment`] in a list body of messages, in order.
pub fn messages(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Comment>> {
    list::<Messages>(bytes, context, opts)
}

/// One private [`Comment`] from a single-note body.
pub fn note(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Comment> {
    one::<Notes>(bytes, context, opts)
}

/// Every private [`Comment`] in a list body of notes, in order.
pub fn notes(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Comment>> {
    list::<Notes>(bytes, context, opts)
}

/// One [`Contact`] from a single-customer body.
pub fn customer(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Contact> {
    one::<Customers>(bytes, context, opts)
}

/// Every [`Contact`] in a list body of customers, in order.
pub fn customers(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Contact>> {
    list::<Customers>(bytes, context, opts)
}

/// One [`Account`] from a single-company body.
pub fn company(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Account> {
    one::<Companies>(bytes, context, opts)
}

/// Every [`Account`] in a list body of companies, in order.
pub fn companies(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Account>> {
    list::<Companies>(bytes, context, opts)
}

/// One [`User`] from a single-user body.
pub fn user(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<User> {
    one::<Users>(bytes, context, opts)
}

/// Every [`User`] in a list body of users, in order.
pub fn users(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<User>> {
    list::<Users>(bytes, context, opts)
}

/// One [`Team`] from a single-team body.
pub fn team(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Team> {
    one::<Teams>(bytes, context, opts)
}

/// Every [`Team`] in a list body of teams, in order.
pub fn teams(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Team>> {
    list::<Teams>(bytes, context, opts)
}

/// One [`Tag`] from a single-tag body.
pub fn tag(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Tag> {
    one::<Tags>(bytes, context, opts)
}

/// Every [`Tag`] in a list body of tags, in order.
pub fn tags(bytes: &[u8], context: &str, opts: DecodeOptions<'_>) -> Result<Vec<Tag>> {
    list::<Tags>(bytes, context, opts)
}

/// The [`FieldDefinition`]s of a metadata body (`GET /v1/metadata/{resource}`), for the
/// records of `resource`, sorted by key.
pub fn field_definitions(bytes: &[u8], context: &str, resource: Resource) -> Result<Vec<FieldDefinition>> {
    let doc: Document<ResourceObject<MetadataAttrs>> = crate::wire::parse(context, bytes)?;
    Ok(crate::map::field_definitions(doc.data, resource))
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
}
