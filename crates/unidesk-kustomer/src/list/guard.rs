//! Guards against a server whose `links.next` never ends.
//!
//! A walk stops with [`Error::PaginationLoop`] when `links.next` names a `page` not after
//! the page just fetched, or when a page starts and ends with the same records as the page
//! before it in the same query (the cursor keeps that page's first and last id); and with
//! [`Error::PaginationStalled`] after [`MAX_EMPTY_PAGES`] empty pages in a row that each
//! claim more follow.

use unidesk_core::{Error, Result};

use super::PageFacts;

/// Empty pages in a row, each with `links.next` set, after which a listing gives up.
pub(crate) const MAX_EMPTY_PAGES: u32 = 10;

/// Checks a fetched page of a walk that is at `page`: whether `links.next` goes back, and
/// whether the page repeats the previous one (`prev_mark`). Returns this page's mark.
pub(crate) fn check_progress(
    fetched: &PageFacts<'_>,
    page: u32,
    prev_mark: Option<&[String; 2]>,
) -> Result<Option<[String; 2]>> {
    let mark = fetched.mark();
    let repeated = mark.is_some() && mark.as_ref() == prev_mark;
    let goes_back = fetched.has_next && fetched.next_page.is_some_and(|p| p <= page);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fetched<'a>(ids: &[&'a str], next_page: Option<u32>) -> PageFacts<'a> {
        PageFacts { keys: ids.iter().map(|id| (None, *id)).collect(), has_next: next_page.is_some(), next_page }
    }

    fn mark(a: &str, b: &str) -> [String; 2] {
        [a.to_owned(), b.to_owned()]
    }

    #[test]
    fn empty_pages_are_counted_only_while_next_is_set() {
        assert_eq!(count_empty(0, 0, true).expect("one"), 1);
        assert_eq!(count_empty(5, 3, true).expect("reset by records"), 0);
        assert_eq!(count_empty(5, 0, false).expect("the last page may be empty"), 0);
        assert!(matches!(count_empty(MAX_EMPTY_PAGES - 1, 0, true), Err(Error::PaginationStalled { empty_pages: 10 })));
    }

    #[test]
    fn a_page_marks_its_first_and_last_id() {
        assert_eq!(check_progress(&fetched(&["a", "b", "c"], Some(3)), 2, None).expect("ok"), Some(mark("a", "c")));
        assert_eq!(check_progress(&fetched(&["a"], None), 2, None).expect("ok"), Some(mark("a", "a")));
        assert_eq!(check_progress(&fetched(&[], Some(3)), 2, None).expect("ok"), None);
    }

    #[test]
    fn a_next_link_that_does_not_advance_is_a_loop() {
        assert!(matches!(check_progress(&fetched(&["a"], Some(2)), 2, None), Err(Error::PaginationLoop { pages: 2 })));
        assert!(matches!(check_progress(&fetched(&["a"], Some(1)), 2, None), Err(Error::PaginationLoop { pages: 2 })));
        let no_page = PageFacts { keys: vec![], has_next: true, next_page: None };
        assert!(check_progress(&no_page, 2, None).is_ok(), "a next link without a page number is followed");
    }

    #[test]
    fn the_previous_page_served_again_is_a_loop() {
        let prev = mark("a", "c");
        let again = check_progress(&fetched(&["a", "b", "c"], Some(4)), 3, Some(&prev));
        assert!(matches!(again, Err(Error::PaginationLoop { pages: 3 })), "{again:?}");
        assert!(check_progress(&fetched(&["a", "b", "d"], Some(4)), 3, Some(&prev)).is_ok());
        assert!(check_progress(&fetched(&[], Some(4)), 3, Some(&prev)).is_ok(), "an empty page repeats nothing");
    }
}
