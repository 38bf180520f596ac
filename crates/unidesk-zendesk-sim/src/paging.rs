//! Cursor pagination (`page[size]`, `page[after]`, `page[before]`; `meta` and `links`) and
//! offset pagination (`page`, `per_page`; `next_page`, `previous_page`, `count`), over any
//! ordered list of records.

use base64::Engine;
use serde_json::{Value, json};

use crate::query::{Params, link};
use crate::record::Rec;
use crate::reply::Reply;

/// Most records per page (Zendesk: 100 for both styles on list endpoints).
pub(crate) const MAX_PAGE: usize = 100;
/// Offset pagination stops here (Zendesk: the first 100 pages; use cursors beyond).
pub(crate) const MAX_OFFSET_PAGES: usize = 100;

/// An opaque cursor for a position (base64 of a small JSON object, like Zendesk's).
pub(crate) fn encode_cursor(key: i64) -> String {
    base64::engine::general_purpose::URL_SAFE.encode(format!("{{\"o\":\"id\",\"v\":{key}}}"))
}

/// The position a cursor from [`encode_cursor`] names.
pub(crate) fn decode_cursor(cursor: &str) -> Option<i64> {
    let raw = base64::engine::general_purpose::URL_SAFE.decode(cursor.trim()).ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    v.get("v")?.as_i64()
}

/// One page: the records on it, and the pagination fields that follow them in the envelope.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// The records, in order.
    pub(crate) items: Vec<&'a Rec>,
    /// `"meta":…,"links":…` or `"next_page":…,"previous_page":…,"count":…` (no braces).
    pub(crate) tail: String,
}

/// Where the links of a listing point: the root URL, the path (without `.json`) and the
/// request's parameters.
#[derive(Debug)]
pub(crate) struct At<'a> {
    /// `http://127.0.0.1:PORT`.
    pub(crate) base: &'a str,
    /// `/api/v2/tickets`.
    pub(crate) path: &'a str,
    /// The request's query.
    pub(crate) params: &'a Params,
}

/// Pages `items` (each with a key that increases in listing order) as the request asks: cursor
/// pagination when `page[size]`, `page[after]` or `page[before]` is given, else offset
/// pagination. 400 for bad parameters.
pub(crate) fn paginate<'a>(items: Vec<(i64, &'a Rec)>, at: &At<'_>) -> Result<Page<'a>, Reply> {
    let p = at.params;
    let cursor_mode =
        p.get("page[size]").is_some() || p.get("page[after]").is_some() || p.get("page[before]").is_some();
    if cursor_mode { cursor_page(items, at) } else { offset_page(items, at) }
}

fn cursor_page<'a>(items: Vec<(i64, &'a Rec)>, at: &At<'_>) -> Result<Page<'a>, Reply> {
    let p = at.params;
    let size = p.positive("page[size]")?.unwrap_or(MAX_PAGE).min(MAX_PAGE);
    let bad = |name: &str| Reply::bad_request(&format!("{name} is not a valid cursor"));
    let (start, end) = if let Some(after) = p.get("page[after]") {
        let key = decode_cursor(after).ok_or_else(|| bad("page[after]"))?;
        let start = items.partition_point(|(k, _)| *k <= key);
        (start, (start + size).min(items.len()))
    } else if let Some(before) = p.get("page[before]") {
        let key = decode_cursor(before).ok_or_else(|| bad("page[before]"))?;
        let end = items.partition_point(|(k, _)| *k < key);
        (end.saturating_sub(size), end)
    } else {
        (0, size.min(items.len()))
    };
    let page = &items[start..end];
    let has_more = end < items.len();
    let after = page.last().map(|(k, _)| encode_cursor(*k));
    let before = page.first().map(|(k, _)| encode_cursor(*k));
    let keep = p.without(&["page[size]", "page[after]", "page[before]"]);
    let with = |name: &str, c: &Option<String>| {
        c.as_ref().map(|c| {
            let mut pairs = keep.clone();
            pairs.push(("page[size]".into(), size.to_string()));
            pairs.push((name.into(), c.clone()));
            link(at.base, at.path, &pairs)
        })
    };
    let meta = json!({ "has_more": has_more, "after_cursor": after, "before_cursor": before });
    let links = json!({ "prev": with("page[before]", &before), "next": with("page[after]", &after) });
    Ok(Page { items: page.iter().map(|(_, r)| *r).collect(), tail: format!("\"meta\":{meta},\"links\":{links}") })
}

fn offset_page<'a>(items: Vec<(i64, &'a Rec)>, at: &At<'_>) -> Result<Page<'a>, Reply> {
    let p = at.params;
    let per_page = p.positive("per_page")?.unwrap_or(MAX_PAGE).min(MAX_PAGE);
    let page = p.positive("page")?.unwrap_or(1);
    if page > MAX_OFFSET_PAGES {
        return Err(Reply::error(
            400,
            "InvalidPaginationParameter",
            "Offset pagination is limited to the first 100 pages. Use cursor-based pagination instead.",
        ));
    }
    let count = items.len();
    let start = (page - 1).saturating_mul(per_page).min(count);
    let end = (start + per_page).min(count);
    let keep = p.without(&["page", "per_page"]);
    let to = |n: usize| {
        let mut pairs = keep.clone();
        pairs.push(("page".into(), n.to_string()));
        if p.get("per_page").is_some() {
            pairs.push(("per_page".into(), per_page.to_string()));
        }
        link(at.base, at.path, &pairs)
    };
    let next = if end < count { Value::from(to(page + 1)) } else { Value::Null };
    let prev = if page > 1 { Value::from(to(page - 1)) } else { Value::Null };
    let tail = format!("\"next_page\":{next},\"previous_page\":{prev},\"count\":{count}");
    Ok(Page { items: items[start..end].iter().map(|(_, r)| *r).collect(), tail })
}

/// Renders `{"<key>":[…records…],<side-loads>,<tail>}`.
pub(crate) fn render(key: &str, items: &[&Rec], extra: &[(String, String)], tail: &str) -> Vec<u8> {
    let len: usize = items.iter().map(|r| r.json().len() + 1).sum();
    let mut out = String::with_capacity(len + tail.len() + 64);
    out.push_str("{\"");
    out.push_str(key);
    out.push_str("\":[");
    for (i, r) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r.json());
    }
    out.push(']');
    for (k, v) in extra {
        out.push_str(",\"");
        out.push_str(k);
        out.push_str("\":");
        out.push_str(v);
    }
    if !tail.is_empty() {
        out.push(',');
        out.push_str(tail);
    }
    out.push('}');
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        assert_eq!(decode_cursor(&encode_cursor(-42)), Some(-42));
        assert_eq!(decode_cursor(&encode_cursor(9_000_000_001)), Some(9_000_000_001));
        assert_eq!(decode_cursor("not a cursor"), None);
    }
}
