//! The search window: which records of a search page are new, and which query comes next.
//!
//! A search walk sorts on `updated_at` ascending. After each page it knows the largest
//! `updated_at` it has emitted (`t`) and the ids emitted at exactly `t`: the [`Window`].
//! When a page moves `t` forward, the next request is a new query `updated_at >= t` from
//! its page 1, and the ids already emitted at `t` are dropped when they come back. So no
//! query needs many pages, and no offset shifts when records change mid-walk. A page that
//! does not move `t` (ties at `t` only, or no `updated_at`) is followed by the next page of
//! the same query, up to the search API's cap of [`SEARCH_PAGE_CAP`] pages; a walk stuck at
//! the cap cannot go on and ends with [`Error::ProviderLimit`].
//!
//! Everything here is pure: the previous window and the page's `(updated_at, id)` pairs
//! in, the records to keep and the next step out.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use unidesk_core::{Error, Result};

use super::SEARCH_PAGE_CAP;

/// The largest `updated_at` a search walk has emitted, and the ids emitted at exactly that
/// instant. Part of the cursor: the field names are its serialized format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Window {
    /// The window starts here: the next query asks for `updated_at >= t`.
    pub(crate) t: DateTime<Utc>,
    /// The records already emitted at `t`.
    pub(crate) ids: Vec<String>,
}

/// Where a search walk goes after a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    /// The page was the last (`links.next` not set).
    Done,
    /// A new query `updated_at >= window.t`, from its page 1.
    Reopen(Window),
    /// Page `page` of the same query; the window now includes this page's ties.
    Continue {
        /// The page number to ask for.
        page: u32,
        /// The window after this page (unchanged start).
        window: Option<Window>,
    },
}

/// What one search page means: which of its records are new, and what comes next.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindowStep {
    /// One flag per record of the page, in order: whether to emit it.
    pub(crate) keep: Vec<bool>,
    /// The next request.
    pub(crate) next: Next,
}

impl Window {
    /// Whether a record with these keys is new in this window: later than `t`, or at `t`
    /// and not emitted yet.
    fn admits(&self, updated_at: DateTime<Utc>, id: &str) -> bool {
        updated_at > self.t || (updated_at == self.t && !self.ids.iter().any(|i| i == id))
    }

    /// The window after `keys`: moved to a later `updated_at`, or grown by ties at `t`.
    fn extended(prev: Option<&Window>, keys: &[(Option<DateTime<Utc>>, &str)]) -> Option<Window> {
        let mut tail = prev.cloned();
        for (u, id) in keys {
            let Some(u) = *u else { continue };
            match &mut tail {
                Some(w) if u == w.t => {
                    if !w.ids.iter().any(|i| i == id) {
                        w.ids.push((*id).to_owned());
                    }
                }
                Some(w) if u < w.t => {}
                _ => tail = Some(Window { t: u, ids: vec![(*id).to_owned()] }),
            }
        }
        tail
    }

    /// Page `page` of the query opened by `prev` (`None`: the walk's first query) returned
    /// records with these `(updated_at, id)` keys, and `has_next` says whether more follow.
    ///
    /// Records without `updated_at` are always kept and do not move the window. Fails with
    /// [`Error::ProviderLimit`] when more pages follow, the page did not move the window,
    /// and `page` is already the search API's last.
    pub(crate) fn step(
        prev: Option<&Window>,
        page: u32,
        keys: &[(Option<DateTime<Utc>>, &str)],
        has_next: bool,
    ) -> Result<WindowStep> {
        let keep = keys
            .iter()
            .map(|(u, id)| match (prev, u) {
                (Some(w), Some(u)) => w.admits(*u, id),
                _ => true,
            })
            .collect();
        if !has_next {
            return Ok(WindowStep { keep, next: Next::Done });
        }
        let tail = Window::extended(prev, keys);
        let moved = match (prev, &tail) {
            (Some(p), Some(t)) => t.t > p.t,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let next = match tail {
            Some(window) if moved => Next::Reopen(window),
            _ if page >= SEARCH_PAGE_CAP => return Err(stuck(tail.as_ref())),
            window => Next::Continue { page: page.saturating_add(1), window },
        };
        Ok(WindowStep { keep, next })
    }
}

/// The error for a walk that needs a page past the search API's cap in one query.
fn stuck(window: Option<&Window>) -> Error {
    let message = match window {
        Some(w) => format!(
            "more records share updated_at {} than Kustomer's search API can page through \
             ({SEARCH_PAGE_CAP} pages per query); narrow the query (e.g. created_after)",
            w.t.to_rfc3339_opts(SecondsFormat::Millis, true)
        ),
        None => format!(
            "{SEARCH_PAGE_CAP} search pages of records without updated_at: Kustomer's search API \
             serves no more pages for one query"
        ),
    };
    Error::ProviderLimit { message }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + i64::from(s), 0).single().expect("a time")
    }

    fn win(s: u32, ids: &[&str]) -> Window {
        Window { t: at(s), ids: ids.iter().map(|i| (*i).to_owned()).collect() }
    }

    fn step(prev: Option<&Window>, page: u32, keys: &[(Option<u32>, &str)], has_next: bool) -> Result<WindowStep> {
        let keys: Vec<_> = keys.iter().map(|(u, id)| (u.map(at), *id)).collect();
        Window::step(prev, page, &keys, has_next)
    }

    #[test]
    fn the_first_page_keeps_everything_and_opens_a_window_at_its_last_time() {
        let s = step(None, 1, &[(Some(1), "a"), (Some(2), "b"), (Some(2), "c")], true).expect("step");
        assert_eq!(s.keep, [true, true, true]);
        assert_eq!(s.next, Next::Reopen(win(2, &["b", "c"])));
    }

    #[test]
    fn ties_across_pages_are_emitted_once() {
        // Page 1 ended with b, c at t=2; the reopened query returns them again with d at t=2, e at t=3.
        let prev = win(2, &["b", "c"]);
        let s = step(Some(&prev), 1, &[(Some(2), "b"), (Some(2), "c"), (Some(2), "d"), (Some(3), "e")], true)
            .expect("step");
        assert_eq!(s.keep, [false, false, true, true]);
        assert_eq!(s.next, Next::Reopen(win(3, &["e"])));
    }

    #[test]
    fn a_whole_page_of_ties_pages_within_the_window() {
        let prev = win(5, &["a"]);
        let s = step(Some(&prev), 1, &[(Some(5), "a"), (Some(5), "b"), (Some(5), "c")], true).expect("step");
        assert_eq!(s.keep, [false, true, true]);
        assert_eq!(s.next, Next::Continue { page: 2, window: Some(win(5, &["a", "b", "c"])) });
        // The next page of the same query: more ties, then the walk moves on.
        let grown = win(5, &["a", "b", "c"]);
        let s = step(Some(&grown), 2, &[(Some(5), "c"), (Some(5), "d"), (Some(6), "e")], true).expect("step");
        assert_eq!(s.keep, [false, true, true], "c came back shifted by a change: not emitted twice");
        assert_eq!(s.next, Next::Reopen(win(6, &["e"])));
    }

    #[test]
    fn a_whole_page_of_ties_at_the_cap_is_a_provider_limit_not_an_http_error() {
        let prev = win(5, &["a"]);
        let keys = [(Some(5), "x"), (Some(5), "y")];
        let below = step(Some(&prev), SEARCH_PAGE_CAP - 1, &keys, true).expect("one page left");
        assert_eq!(below.next, Next::Continue { page: SEARCH_PAGE_CAP, window: Some(win(5, &["a", "x", "y"])) });
        let err = step(Some(&prev), SEARCH_PAGE_CAP, &keys, true).expect_err("no page 101");
        match &err {
            Error::ProviderLimit { message } => {
                assert!(message.contains("updated_at 2023-11-14T22:13:25.000Z"), "{message}");
                assert!(message.contains("100 pages per query"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.is_temporary());
        // At the cap, a page that moves the window, or the last page, is fine.
        assert!(step(Some(&prev), SEARCH_PAGE_CAP, &[(Some(6), "z")], true).is_ok());
        assert_eq!(step(Some(&prev), SEARCH_PAGE_CAP, &keys, false).expect("last").next, Next::Done);
    }

    #[test]
    fn records_without_updated_at_are_kept_and_do_not_move_the_window() {
        let s = step(None, 1, &[(None, "a"), (None, "b")], true).expect("step");
        assert_eq!(s.keep, [true, true]);
        assert_eq!(s.next, Next::Continue { page: 2, window: None });
        let prev = win(3, &["a"]);
        let s = step(Some(&prev), 4, &[(None, "n"), (Some(3), "a"), (Some(4), "b")], true).expect("step");
        assert_eq!(s.keep, [true, false, true]);
        assert_eq!(s.next, Next::Reopen(win(4, &["b"])));
        let err = step(None, SEARCH_PAGE_CAP, &[(None, "a")], true).expect_err("stuck without times");
        assert!(matches!(&err, Error::ProviderLimit { message } if message.contains("without updated_at")), "{err:?}");
    }

    #[test]
    fn records_older_than_the_window_are_dropped_and_do_not_move_it_back() {
        let prev = win(5, &["a"]);
        let s = step(Some(&prev), 1, &[(Some(4), "old"), (Some(5), "b")], true).expect("step");
        assert_eq!(s.keep, [false, true]);
        assert_eq!(s.next, Next::Continue { page: 2, window: Some(win(5, &["a", "b"])) });
    }

    #[test]
    fn the_last_page_ends_the_walk_and_still_filters() {
        let prev = win(2, &["a"]);
        let s = step(Some(&prev), 7, &[(Some(2), "a"), (Some(3), "b")], false).expect("step");
        assert_eq!(s, WindowStep { keep: vec![false, true], next: Next::Done });
        let empty = step(None, 1, &[], false).expect("empty listing");
        assert_eq!(empty, WindowStep { keep: vec![], next: Next::Done });
    }

    #[test]
    fn an_empty_page_that_claims_more_continues_the_same_query() {
        let prev = win(2, &["a"]);
        let s = step(Some(&prev), 3, &[], true).expect("step");
        assert_eq!(s.next, Next::Continue { page: 4, window: Some(prev.clone()) });
    }
}
