//! A listing's position (the cursor's content) and how one fetched page moves it.
//!
//! Pure: [`State::after`] takes the state a page was fetched at and what the page held,
//! and returns which records to emit and the state of the next page of the same source.

use serde::{Deserialize, Serialize};
use unidesk_core::{Cursor, Error, Result};

use super::PageFacts;
use super::guard::{check_progress, count_empty};
use super::window::{Next, Window};
use crate::ADAPTER;

/// The largest page number a cursor may hold.
const MAX_PAGE: u32 = 1_000_000;

/// Where a listing is. Serialized into its cursor: fields are only ever added, with
/// `#[serde(default)]`, so cursors handed out earlier still decode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    /// Which source of the listing.
    pub(crate) phase: usize,
    /// The page of the source's current query.
    pub(crate) page: u32,
    /// For search: the window the current query opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) win: Option<Window>,
    /// First and last id of the previous page of the same query (absent in older cursors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) prev: Option<[String; 2]>,
    /// Empty pages in a row just before this one, each with `links.next` set.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) empty: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a fetched page means for the listing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    /// One flag per record of the page, in order: whether to emit it.
    pub(crate) keep: Vec<bool>,
    /// The state of the next page of the same source; `None` when the source is done.
    pub(crate) next: Option<State>,
}

impl State {
    /// The first page of source `phase`.
    pub(crate) fn start(phase: usize) -> Self {
        State { phase, page: 1, win: None, prev: None, empty: 0 }
    }

    /// The state `cursor` holds for the listing `fingerprint` (the start without a cursor),
    /// and its source among `sources`.
    pub(crate) fn resume<'s, S>(cursor: Option<&Cursor>, fingerprint: &str, sources: &'s [S]) -> Result<(Self, &'s S)> {
        let state = match cursor {
            Some(c) => c.decode::<State>(ADAPTER, fingerprint)?,
            None => State::start(0),
        };
        let Some(source) = sources.get(state.phase) else {
            return Err(Error::invalid_cursor("phase out of range for this listing"));
        };
        if state.page == 0 || state.page > MAX_PAGE {
            return Err(Error::invalid_cursor("page out of range"));
        }
        Ok((state, source))
    }

    /// The first page of the source after this one, if the listing has one (of `phases`).
    pub(crate) fn next_phase(&self, phases: usize) -> Option<Self> {
        (self.phase + 1 < phases).then(|| State::start(self.phase + 1))
    }

    /// The page fetched at this state held `fetched`; `search` says whether the source is the
    /// search API (windowed) or a page-number listing. Fails when the server loops or stalls
    /// (see `guard`), or when a search cannot get past the page cap (see `window`).
    pub(crate) fn after(&self, search: bool, fetched: &PageFacts<'_>) -> Result<Step> {
        let mark = check_progress(fetched, self.page, self.prev.as_ref())?;
        let empty = count_empty(self.empty, fetched.keys.len(), fetched.has_next)?;
        // The next page of the same query remembers this page (or the last non-empty one).
        let prev = mark.or_else(|| self.prev.clone());
        let same_query = |page: u32, win: Option<Window>| State { phase: self.phase, page, win, prev, empty };
        if !search {
            let next = fetched.has_next.then(|| same_query(self.page.saturating_add(1), None));
            return Ok(Step { keep: vec![true; fetched.keys.len()], next });
        }
        let step = Window::step(self.win.as_ref(), self.page, &fetched.keys, fetched.has_next)?;
        let next = match step.next {
            Next::Done => None,
            Next::Reopen(win) => Some(State { phase: self.phase, page: 1, win: Some(win), prev: None, empty }),
            Next::Continue { page, window } => Some(same_query(page, window)),
        };
        Ok(Step { keep: step.keep, next })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::list::guard::MAX_EMPTY_PAGES;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + s, 0).single().expect("a time")
    }

    fn page<'a>(keys: &[(Option<i64>, &'a str)], next_page: Option<u32>) -> PageFacts<'a> {
        PageFacts {
            keys: keys.iter().map(|(u, id)| (u.map(at), *id)).collect(),
            has_next: next_page.is_some(),
            next_page,
        }
    }

    fn mark(a: &str, b: &str) -> Option<[String; 2]> {
        Some([a.to_owned(), b.to_owned()])
    }

    #[test]
    fn cursors_from_before_the_loop_checks_still_decode() {
        let old: State = serde_json::from_value(json!({ "phase": 1, "page": 7 })).expect("old cursor state");
        assert_eq!((old.phase, old.page, old.prev, old.empty), (1, 7, None, 0));
        let fresh = serde_json::to_value(State::start(0)).expect("serializes");
        assert_eq!(fresh, json!({ "phase": 0, "page": 1 }), "nothing new in a cursor that needs nothing new");
    }

    #[test]
    fn the_serialized_state_keeps_its_field_names() {
        let full = State {
            phase: 1,
            page: 3,
            win: Some(Window { t: at(0), ids: vec!["a".into()] }),
            prev: mark("a", "b"),
            empty: 2,
        };
        let v = serde_json::to_value(&full).expect("serializes");
        assert_eq!(
            v,
            json!({ "phase": 1, "page": 3, "win": { "t": "2023-11-14T22:13:20Z", "ids": ["a"] },
                    "prev": ["a", "b"], "empty": 2 })
        );
        assert_eq!(serde_json::from_value::<State>(v).expect("round trip"), full);
    }

    #[test]
    fn a_page_number_walk_goes_to_the_next_page_until_next_is_unset() {
        let s = State::start(0).after(false, &page(&[(None, "a"), (None, "b")], Some(2))).expect("step");
        assert_eq!(s.keep, [true, true]);
        assert_eq!(s.next, Some(State { page: 2, prev: mark("a", "b"), ..State::start(0) }));
        let last = State { page: 2, ..State::start(0) }.after(false, &page(&[(None, "c")], None)).expect("step");
        assert_eq!(last.next, None);
    }

    #[test]
    fn the_next_state_remembers_the_last_non_empty_page_and_counts_empty_ones() {
        let at3 = State { page: 3, prev: mark("a", "b"), ..State::start(0) };
        let s = at3.after(false, &page(&[], Some(4))).expect("an empty page");
        assert_eq!(s.next, Some(State { page: 4, prev: mark("a", "b"), empty: 1, ..State::start(0) }));
        let s = at3.after(false, &page(&[(None, "c")], Some(4))).expect("a page");
        assert_eq!(s.next, Some(State { page: 4, prev: mark("c", "c"), empty: 0, ..State::start(0) }));
    }

    #[test]
    fn the_loop_and_stall_guards_apply_to_the_cursor_state() {
        let repeated = State { page: 2, prev: mark("a", "b"), ..State::start(0) };
        let err = repeated.after(false, &page(&[(None, "a"), (None, "b")], Some(3))).expect_err("same page again");
        assert!(matches!(err, Error::PaginationLoop { pages: 2 }), "{err:?}");
        let back = State::start(0).after(true, &page(&[(Some(1), "a")], Some(1))).expect_err("next goes back");
        assert!(matches!(back, Error::PaginationLoop { pages: 1 }), "{back:?}");
        let stalled = State { page: 9, empty: MAX_EMPTY_PAGES - 1, ..State::start(0) };
        let err = stalled.after(true, &page(&[], Some(10))).expect_err("too many empty pages");
        assert!(matches!(err, Error::PaginationStalled { empty_pages: 10 }), "{err:?}");
    }

    #[test]
    fn a_search_page_that_moves_the_window_reopens_at_page_one_without_a_mark() {
        let s = State { page: 4, empty: 0, ..State::start(1) }
            .after(true, &page(&[(Some(1), "a"), (Some(2), "b")], Some(5)))
            .expect("step");
        assert_eq!(s.keep, [true, true]);
        let win = Window { t: at(2), ids: vec!["b".into()] };
        assert_eq!(s.next, Some(State { phase: 1, page: 1, win: Some(win), prev: None, empty: 0 }));
    }

    #[test]
    fn a_search_page_of_ties_continues_the_query_with_its_mark() {
        let win = Window { t: at(2), ids: vec!["b".into()] };
        let state = State { win: Some(win), ..State::start(0) };
        let s = state.after(true, &page(&[(Some(2), "b"), (Some(2), "c")], Some(2))).expect("step");
        assert_eq!(s.keep, [false, true]);
        let grown = Window { t: at(2), ids: vec!["b".into(), "c".into()] };
        assert_eq!(s.next, Some(State { page: 2, win: Some(grown), prev: mark("b", "c"), ..State::start(0) }));
    }

    #[test]
    fn a_search_stuck_at_the_cap_is_a_provider_limit() {
        let win = Window { t: at(2), ids: vec!["b".into()] };
        let state = State { page: crate::list::SEARCH_PAGE_CAP, win: Some(win), ..State::start(0) };
        let err = state.after(true, &page(&[(Some(2), "x"), (Some(2), "y")], Some(101))).expect_err("cap");
        assert!(matches!(err, Error::ProviderLimit { .. }), "{err:?}");
    }

    #[test]
    fn the_next_phase_starts_fresh() {
        assert_eq!(State { page: 9, ..State::start(0) }.next_phase(2), Some(State::start(1)));
        assert_eq!(State::start(1).next_phase(2), None);
    }

    #[test]
    fn resuming_checks_the_phase_and_the_page() {
        let sources = ["messages", "notes"];
        let (state, source) = State::resume(None, "fp", &sources).expect("start");
        assert_eq!((state, *source), (State::start(0), "messages"));
        let cursor = |s: &State| Cursor::encode(ADAPTER, "fp", s).expect("encodes");
        let (_, source) = State::resume(Some(&cursor(&State::start(1))), "fp", &sources).expect("phase 1");
        assert_eq!(*source, "notes");
        for bad in
            [State::start(2), State { page: 0, ..State::start(0) }, State { page: MAX_PAGE + 1, ..State::start(0) }]
        {
            let res = State::resume(Some(&cursor(&bad)), "fp", &sources);
            assert!(matches!(res, Err(Error::InvalidCursor { .. })), "{bad:?}");
        }
        let other = State::resume(Some(&cursor(&State::start(0))), "another query", &sources);
        assert!(matches!(other, Err(Error::InvalidCursor { .. })));
    }
}
