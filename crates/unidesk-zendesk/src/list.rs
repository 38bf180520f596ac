//! Listing: Zendesk's pages (cursor-paginated lists and the incremental cursor export) turned
//! into pages of exactly the size asked for, with local filters, and never an empty last page.
//!
//! Zendesk pages by its own cursor. A unidesk page may end in the middle of one of Zendesk's
//! pages (after local filtering, or because the caller asked for fewer records than Zendesk
//! served), so the unidesk cursor holds [`State`]: the Zendesk cursor of the page being read,
//! and how far into it the caller has been served (a position, checked against the key of the
//! record there; if the page changed meanwhile, every record at or before that key is skipped
//! instead). A page is only returned with a cursor once one more matching record has been
//! seen (read ahead), so a listing never ends in an empty page.

use std::collections::HashSet;
use std::future::Future;

use serde::{Deserialize, Serialize};
use unidesk_core::{Error, Result};

/// Where a listing continues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "K: Deserialize<'de>"))]
pub(crate) struct State<K> {
    /// Zendesk's cursor of the page to read (`None`: the first page).
    #[serde(default)]
    pub c: Option<String>,
    /// Records of that page already consumed (served or filtered out).
    #[serde(default)]
    pub n: usize,
    /// The key of the last record consumed in that page.
    #[serde(default)]
    pub k: Option<K>,
}

impl<K> Default for State<K> {
    fn default() -> Self {
        State { c: None, n: 0, k: None }
    }
}

/// One of Zendesk's pages.
#[derive(Debug)]
pub(crate) struct Fetched<T> {
    /// The records, in Zendesk's order.
    pub items: Vec<T>,
    /// The cursor of the following page; `None` at the end.
    pub next: Option<String>,
}

/// The most of Zendesk's pages one call reads before giving up on a listing that keeps
/// answering pages without a matching record.
const MAX_PAGES_PER_CALL: usize = 10_000;

/// Reads Zendesk's pages from `start` until `want` records pass `keep` and one more is known
/// to follow (then the returned state continues there), or until the end (no state).
/// `key` names a record (ascending in Zendesk's order), `fetch` reads the page at a cursor.
///
/// `exact`: `keep` accepts every record Zendesk serves (no local filter), so Zendesk's own
/// "more follow" is the truth: a page that fills at the end of a Zendesk page continues at the
/// next one without reading it first (callers then fetch `want` records a page, not `want + 1`).
pub(crate) async fn scan<T, K, F, Fut>(
    start: State<K>,
    want: usize,
    exact: bool,
    key: impl Fn(&T) -> K,
    keep: impl Fn(&T) -> bool,
    mut fetch: F,
) -> Result<(Vec<T>, Option<State<K>>)>
where
    K: Ord + Clone,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Fetched<T>>>,
{
    let mut out = Vec::with_capacity(want.min(1000));
    let mut state = start;
    let mut seen: HashSet<Option<String>> = HashSet::new();
    for pages in 0..MAX_PAGES_PER_CALL {
        if !seen.insert(state.c.clone()) {
            return Err(Error::PaginationLoop { pages: pages as u64 });
        }
        let page = fetch(state.c.clone()).await?;
        let keys: Vec<K> = page.items.iter().map(&key).collect();
        // Resume by position when the record there is the one last consumed, else by key.
        let by_position = state.n > 0 && state.k.is_some() && keys.get(state.n - 1) == state.k.as_ref();
        let skip_to = state.k.clone();
        for (i, (item, k)) in page.items.into_iter().zip(keys).enumerate() {
            let consumed = if by_position { i < state.n } else { skip_to.as_ref().is_some_and(|s| k <= *s) };
            if consumed {
                continue;
            }
            if keep(&item) {
                if out.len() == want {
                    return Ok((out, Some(state)));
                }
                out.push(item);
            }
            state.n = i + 1;
            state.k = Some(k);
        }
        if exact && out.len() == want {
            return Ok((out, page.next.map(|c| State { c: Some(c), n: 0, k: None })));
        }
        match page.next {
            None => return Ok((out, None)),
            Some(next) => state = State { c: Some(next), n: 0, k: None },
        }
    }
    Err(Error::PaginationStalled { empty_pages: MAX_PAGES_PER_CALL as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Zendesk pages of `per` over `data`, cursors being the start index.
    fn pages(data: &[i64], per: usize, c: Option<String>) -> Result<Fetched<i64>> {
        let at: usize = c.map(|c| c.parse().expect("index")).unwrap_or(0);
        let items: Vec<i64> = data.iter().skip(at).take(per).copied().collect();
        let next = (at + per < data.len()).then(|| (at + per).to_string());
        Ok(Fetched { items, next })
    }

    async fn walk(data: &[i64], per: usize, want: usize, keep: fn(&i64) -> bool, exact: bool) -> Vec<Vec<i64>> {
        let mut state = State::default();
        let mut out = Vec::new();
        loop {
            let (items, next) = scan(state, want, exact, |x: &i64| *x, keep, |c| async move { pages(data, per, c) })
                .await
                .expect("scans");
            out.push(items);
            match next {
                Some(s) => state = s,
                None => return out,
            }
        }
    }

    #[tokio::test]
    async fn every_record_once_no_empty_last_page() {
        let data: Vec<i64> = (1..=23).collect();
        for per in [1, 2, 7, 8, 23, 100] {
            for want in [1, 3, 7, 23, 24] {
                for keep in [(|_: &i64| true) as fn(&i64) -> bool, |x: &i64| x % 3 == 0, |x: &i64| *x > 20] {
                    let got = walk(&data, per, want, keep, false).await;
                    let flat: Vec<i64> = got.iter().flatten().copied().collect();
                    let expect: Vec<i64> = data.iter().copied().filter(keep).collect();
                    assert_eq!(flat, expect, "per {per} want {want}");
                    assert!(got.iter().all(|p| p.len() <= want));
                    assert!(got.len() == 1 || got.iter().all(|p| !p.is_empty()), "per {per} want {want}: {got:?}");
                }
            }
        }
    }

    #[tokio::test]
    async fn exact_listings_trust_zendesk_and_read_no_page_twice() {
        let data: Vec<i64> = (1..=23).collect();
        for per in [1, 7, 23, 30] {
            for want in [1, 7, 23, 24] {
                let got = walk(&data, per, want, |_| true, true).await;
                let flat: Vec<i64> = got.iter().flatten().copied().collect();
                assert_eq!(flat, data, "per {per} want {want}");
                assert!(got.iter().all(|p| p.len() <= want && !p.is_empty()), "per {per} want {want}: {got:?}");
            }
        }
    }

    #[tokio::test]
    async fn a_changed_page_is_resumed_by_key() {
        let state = State { c: None, n: 2, k: Some(5) };
        // The page now starts elsewhere: records up to 5 are skipped by key.
        let (items, _) = scan(
            state,
            10,
            false,
            |x: &i64| *x,
            |_| true,
            |_| async { Ok(Fetched { items: vec![4, 5, 6, 7], next: None }) },
        )
        .await
        .expect("scans");
        assert_eq!(items, vec![6, 7]);
    }

    #[tokio::test]
    async fn a_repeated_cursor_is_a_loop() {
        let r = scan(
            State::<i64>::default(),
            10,
            false,
            |x| *x,
            |_| false,
            |_| async { Ok(Fetched { items: vec![1], next: Some("same".into()) }) },
        )
        .await;
        assert!(matches!(r, Err(Error::PaginationLoop { .. })));
    }
}
