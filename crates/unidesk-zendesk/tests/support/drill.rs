//! Listing drills against the simulator, shared by `tests/sim.rs` (CI scale) and
//! `benches/perf.rs`: every drill checks its own result and says what went wrong.

#![allow(dead_code, reason = "each user calls part of this module")]

use std::collections::HashSet;

use unidesk_core::{Error, Helpdesk, ListQuery, Page, Ticket};

/// What a walk saw.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Ticket ids, in the order listed.
    pub(crate) ids: Vec<i64>,
    /// Pages served.
    pub(crate) pages: usize,
    /// Pages asked again after a complete 200 whose JSON was cut (a `Decode` error, which the
    /// adapter reports rather than retries; a consumer re-asks the same cursor).
    pub(crate) reasked: usize,
}

/// Every ticket of `query`, page by page; a `Decode` error re-asks the same cursor (at most
/// 20 times in a row).
pub(crate) async fn walk_tickets(desk: &dyn Helpdesk, query: ListQuery) -> Result<Walk, Error> {
    let mut w = Walk::default();
    let mut q = query;
    let mut streak = 0;
    loop {
        let page: Page<Ticket> = match desk.tickets().list(&q).await {
            Ok(p) => p,
            Err(Error::Decode { .. }) if streak < 20 => {
                streak += 1;
                w.reasked += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        streak = 0;
        w.pages += 1;
        w.ids.extend(page.items.iter().map(|t| t.id.parse::<i64>().expect("numeric ids")));
        match page.next_cursor {
            Some(c) => q.cursor = Some(c),
            None => return Ok(w),
        }
    }
}

/// Checks that `got` holds each of `expected` exactly once and nothing else.
pub(crate) fn exactly_once(what: &str, got: &[i64], expected: &[i64]) -> Result<(), String> {
    let unique: HashSet<i64> = got.iter().copied().collect();
    if unique.len() != got.len() {
        return Err(format!("{what}: {} tickets listed twice", got.len() - unique.len()));
    }
    let want: HashSet<i64> = expected.iter().copied().collect();
    let missing = want.difference(&unique).count();
    let extra = unique.difference(&want).count();
    if missing + extra > 0 {
        return Err(format!("{what}: {missing} missing, {extra} not expected (of {})", want.len()));
    }
    Ok(())
}
