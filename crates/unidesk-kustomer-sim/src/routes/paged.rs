//! Page-numbered listings of [`Doc`] records: `{data, links, meta:{pageSize, page}}`.

use serde_json::json;

use crate::doc::Doc;
use crate::extract::Paging;
use crate::render::{Page, PageLinks};
use crate::reply::Reply;

/// Page `q.page` of `docs` (in the order given), pages of at most `max`; `extra` holds the
/// other query parameters kept in the links, each followed by `&`.
pub(crate) fn docs(docs: &[&Doc], q: &Paging, max: u32, path: &str, extra: &str) -> Result<Reply, Reply> {
    let (page, size) = q.get(max)?;
    let start = ((page - 1) as usize).saturating_mul(size as usize);
    let mut out = Page::default();
    for d in docs.iter().skip(start).take(size as usize) {
        out.push_raw(d.json());
    }
    let has_next = start + out.len() < docs.len();
    let at = PageLinks { path, extra, page, size, has_next };
    Ok(Reply::raw(200, out.finish(&at, &json!({ "pageSize": size, "page": page }))))
}
