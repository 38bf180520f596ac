//! Following cursors to the end, as a stream of records.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream};

use crate::error::{Error, Result};
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};
use crate::query::{ListQuery, Page};
use crate::traits::Helpdesk;

/// A stream of records, ending at the last page or at the first error.
pub type RecordStream<'a, T> = BoxStream<'a, Result<T>>;

/// Streams every record of a listing, starting from `query` (and its cursor, if any).
///
/// The next page is requested as soon as the current one arrives and is driven
/// while the caller consumes the current page, so network time overlaps with
/// the caller's work; at most two pages are held in memory. The stream ends
/// with [`Error::PaginationLoop`] if the adapter hands back a cursor it has
/// already handed back, and ends after the first error it yields.
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
    buffer: VecDeque<T>,
    seen: HashSet<String>,
    pages: u64,
    error: Option<Error>,
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
            if let Some(fut) = this.in_flight.as_mut()
                && let Poll::Ready(result) = fut.as_mut().poll(cx)
            {
                this.in_flight = None;
                match result {
                    Ok(page) => {
                        this.pages += 1;
                        this.buffer.extend(page.items);
                        if let Some(next) = page.next_cursor {
                            if this.seen.insert(next.as_str().to_owned()) {
                                this.query.cursor = Some(next);
                                let fut = (this.fetch)(this.query.clone());
                                this.in_flight = Some(Box::pin(fut));
                                continue; // poll the new request once so it starts now
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
                return Poll::Ready(Some(Err(e)));
            }
            if this.in_flight.is_none() {
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
    use crate::cursor::Cursor;
    use futures::StreamExt;

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
}
