//! Following cursors to the end, as a stream of records.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream};

use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};
use crate::query::{ListQuery, Page};
use crate::traits::Helpdesk;

/// A stream of records, ending at the last page or at the first error.
pub type RecordStream<'a, T> = BoxStream<'a, Result<T>>;

/// Streams every record of a listing, starting from `query` (and its cursor, if any).
///
/// The next page is requested as soon as at most one page is left to consume
/// (normally: when the current one arrives) and is driven while the caller
/// consumes it, so network time overlaps with the caller's work. A request is
/// never started while more than one page is buffered, so at most two pages are
/// held in memory however fast pages arrive. The stream ends with
/// [`Error::PaginationLoop`] if the adapter hands back a cursor it has already
/// handed back, and ends after the first error it yields.
pub fn paginate<'a, T, F, Fut>(query: ListQuery, fetch: F) -> RecordStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(ListQuery) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    let mut s = Paginate {
        fetch,
        query,
        in_flight: None,
        next: None,
        last_page_len: 0,
        buffer: VecDeque::new(),
        seen: HashSet::new(),
        pages: 0,
        error: None,
    };
    let first = (s.fetch)(s.query.clone());
    s.in_flight = Some(Box::pin(first));
    Box::pin(s)
}

struct Paginate<'a, T, F> {
    fetch: F,
    query: ListQuery,
    in_flight: Option<BoxFuture<'a, Result<Page<T>>>>,
    /// The cursor of the page after the last one received, not yet requested.
    next: Option<Cursor>,
    /// How many records the last page received held: the next request starts once
    /// no more than that many are buffered.
    last_page_len: usize,
    buffer: VecDeque<T>,
    /// A fingerprint of every cursor handed back (not the cursor text: see [`fingerprint`]).
    seen: HashSet<(u64, u64)>,
    pages: u64,
    error: Option<Error>,
}

/// A 128-bit fingerprint of a cursor, for loop detection: two independent SipHash digests
/// (a false match is out of reach at any listing length). Keeping the cursor text instead
/// cost one small allocation per page that lived as long as the stream; scattered between
/// the large, short-lived page bodies, those pinned the allocator's free space, and a
/// listing's resident memory grew with its length while its live heap stayed flat
/// (docs/performance.md, Zendesk).
fn fingerprint(cursor: &str) -> (u64, u64) {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let digest = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        cursor.hash(&mut h);
        h.finish()
    };
    (digest(0), digest(1))
}

// No field is ever pinned in place: the in-flight future is boxed, `F` is only
// called through `&mut`, and items sit in a `VecDeque`.
impl<T, F> Unpin for Paginate<'_, T, F> {}

impl<'a, T, F, Fut> Stream for Paginate<'a, T, F>
where
    T: Send + 'a,
    F: FnMut(ListQuery) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin (the future is boxed), so we can work on `&mut Self`.
        let this = self.get_mut();
        loop {
            // Only the last page received is left to consume: request the next one now. (A
            // request can complete within its first poll; starting one for every page received
            // would then buffer page after page without handing the caller a record.)
            if this.in_flight.is_none()
                && this.buffer.len() <= this.last_page_len
                && let Some(next) = this.next.take()
            {
                this.query.cursor = Some(next);
                this.in_flight = Some(Box::pin((this.fetch)(this.query.clone())));
            }
            if let Some(fut) = this.in_flight.as_mut()
                && let Poll::Ready(result) = fut.as_mut().poll(cx)
            {
                this.in_flight = None;
                match result {
                    Ok(page) => {
                        this.pages += 1;
                        this.last_page_len = page.items.len();
                        this.buffer.extend(page.items);
                        if let Some(next) = page.next_cursor {
                            if this.seen.insert(fingerprint(next.as_str())) {
                                this.next = Some(next);
                                continue; // start the next request now if the buffer allows
                            }
                            this.error = Some(Error::PaginationLoop { pages: this.pages });
                        }
                    }
                    Err(e) => this.error = Some(e),
                }
            }
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(e) = this.error.take() {
                this.in_flight = None;
                this.next = None;
                return Poll::Ready(Some(Err(e)));
            }
            if this.in_flight.is_none() {
                if this.next.is_some() {
                    continue; // the buffer is empty: the request starts at the top
                }
                return Poll::Ready(None);
            }
            return Poll::Pending;
        }
    }
}

/// Streams over every resource of a [`Helpdesk`], for any adapter (also `dyn Helpdesk`).
pub trait HelpdeskExt: Helpdesk {
    /// Every ticket matching `query`.
    fn stream_tickets(&self, query: ListQuery) -> RecordStream<'_, Ticket> {
        paginate(query, move |q| async move { self.tickets().list(&q).await })
    }
    /// Every comment matching `query`.
    fn stream_comments(&self, query: ListQuery) -> RecordStream<'_, Comment> {
        paginate(query, move |q| async move { self.comments().list(&q).await })
    }
    /// Every contact matching `query`.
    fn stream_contacts(&self, query: ListQuery) -> RecordStream<'_, Contact> {
        paginate(query, move |q| async move { self.contacts().list(&q).await })
    }
    /// Every account matching `query`.
    fn stream_accounts(&self, query: ListQuery) -> RecordStream<'_, Account> {
        paginate(query, move |q| async move { self.accounts().list(&q).await })
    }
    /// Every tag matching `query`.
    fn stream_tags(&self, query: ListQuery) -> RecordStream<'_, Tag> {
        paginate(query, move |q| async move { self.tags().list(&q).await })
    }
    /// Every team matching `query`.
    fn stream_teams(&self, query: ListQuery) -> RecordStream<'_, Team> {
        paginate(query, move |q| async move { self.teams().list(&q).await })
    }
    /// Every user matching `query`.
    fn stream_users(&self, query: ListQuery) -> RecordStream<'_, User> {
        paginate(query, move |q| async move { self.users().list(&q).await })
    }
}

impl<H: Helpdesk + ?Sized> HelpdeskExt for H {}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn page(items: Vec<u32>, next: Option<&str>) -> Result<Page<u32>> {
        Ok(Page { items, next_cursor: next.map(Cursor::from_raw) })
    }

    #[tokio::test]
    async fn follows_cursors_to_the_end() {
        let s = paginate(ListQuery::new(), |q| async move {
            match q.cursor.as_ref().map(Cursor::as_str) {
                None => page(vec![1, 2], Some("a")),
                Some("a") => page(vec![], Some("b")),
                Some("b") => page(vec![3], None),
                Some(other) => panic!("unexpected cursor {other}"),
            }
        });
        let got: Vec<u32> = s.map(|r| r.expect("ok")).collect().await;
        assert_eq!(got, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn a_repeated_cursor_stops_with_an_error() {
        let s = paginate(ListQuery::new(), |q| async move {
            match q.cursor.as_ref().map(Cursor::as_str) {
                None => page(vec![1], Some("a")),
                _ => page(vec![2], Some("a")),
            }
        });
        let got: Vec<Result<u32>> = s.collect().await;
        assert_eq!(got.len(), 3);
        assert!(matches!(got[2], Err(Error::PaginationLoop { pages: 2 })));
    }

    #[tokio::test]
    async fn an_error_ends_the_stream_after_buffered_items() {
        let s = paginate(ListQuery::new(), |q| async move {
            match q.cursor {
                None => page(vec![1, 2], Some("a")),
                Some(_) => Err(Error::Upstream { status: 500, body: String::new() }),
            }
        });
        let got: Vec<Result<u32>> = s.collect().await;
        assert_eq!(got.len(), 3);
        assert!(got[0].is_ok() && got[1].is_ok() && got[2].is_err());
    }

    #[tokio::test]
    async fn pages_that_arrive_at_once_are_not_read_ahead_past_two() {
        // Every request completes within its first poll (as a fast server can make a real one
        // do): the stream must still hold at most two pages, not read the whole listing ahead.
        const PAGES: u32 = 50;
        const PER: u32 = 10;
        let requested = Arc::new(AtomicUsize::new(0));
        let counter = requested.clone();
        let mut s = paginate(ListQuery::new(), move |q| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let at: u32 = q.cursor.as_ref().map_or(0, |c| c.as_str().parse().expect("page number"));
                let next = (at + 1 < PAGES).then(|| (at + 1).to_string());
                page((at * PER..(at + 1) * PER).collect(), next.as_deref())
            }
        });
        let (mut consumed, mut most_ahead) = (0usize, 0usize);
        while let Some(item) = s.next().await {
            assert_eq!(item.expect("ok") as usize, consumed, "in order, each once");
            consumed += 1;
            let received = requested.load(Ordering::SeqCst) * PER as usize;
            most_ahead = most_ahead.max(received - consumed);
        }
        assert_eq!(consumed, (PAGES * PER) as usize);
        assert!(most_ahead <= 2 * PER as usize, "read {most_ahead} records ahead of the caller");
        assert!(most_ahead >= PER as usize, "the next page is still requested while one is consumed");
    }

    #[tokio::test]
    async fn thousands_of_alike_cursors_are_no_loop_and_a_late_repeat_is() {
        // Cursors that differ in one character, as real ones do page after page.
        let s = paginate(ListQuery::new(), |q| async move {
            let at: u32 = q.cursor.as_ref().map_or(0, |c| c.as_str()[7..].parse().expect("page number"));
            let next = match at {
                4999 => None,
                n => Some(format!("cursor-{:05}", n + 1)),
            };
            page(vec![at], next.as_deref())
        });
        let got: Vec<u32> = s.map(|r| r.expect("no loop")).collect().await;
        assert_eq!(got, (0..5000).collect::<Vec<u32>>());
        let s = paginate(ListQuery::new(), |q| async move {
            let at: u32 = q.cursor.as_ref().map_or(0, |c| c.as_str()[7..].parse().expect("page number"));
            // Page 3000 points back at page 10.
            let next = if at == 3000 { 10 } else { at + 1 };
            page(vec![at], Some(&format!("cursor-{next:05}")))
        });
        let got: Vec<Result<u32>> = s.collect().await;
        assert_eq!(got.len(), 3001 + 1);
        assert!(matches!(got[3001], Err(Error::PaginationLoop { pages: 3001 })));
    }
}
