//! Listing: pages, cursors, filters.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use unidesk_core::{Cursor, Error, HelpdeskExt, ListQuery, Operation, Resource};

use super::{listable, supports};
use crate::Target;
use crate::any::{self, Walk, walk};
use crate::outcome::{CheckResult, Context, Failure, Outcome, ensure, skip};

/// The reference listing of `resource`: at the adapter's default page size, checked against the declared count.
async fn reference(t: &Target, r: Resource) -> Result<Walk, Failure> {
    let w = walk(t.desk(), r, ListQuery::new(), &format!("{} (default page size)", r.plural())).await?;
    w.ensure_no_repeats(r.plural())?;
    if let Some(n) = t.expected_count(r) {
        let got = w.records().count();
        ensure!(got == n, "{}: the listing visited {got} records; the seed data holds {n}", r.plural());
    }
    Ok(w)
}

async fn exactly_once_at(t: &Target, size: u32) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    for r in resources {
        let what = format!("{} at page size {size}", r.plural());
        let w = walk(t.desk(), r, ListQuery::new().page_size(size), &what).await?;
        w.ensure_no_repeats(&what)?;
        for (i, page) in w.pages.iter().enumerate() {
            ensure!(page.len() <= size as usize, "{what}: page {} holds {} records", i + 1, page.len());
        }
        let got: BTreeSet<String> = w.ids().into_iter().collect();
        let want: BTreeSet<String> = reference(t, r).await?.ids().into_iter().collect();
        let missing: Vec<_> = want.difference(&got).take(5).collect();
        let extra: Vec<_> = got.difference(&want).take(5).collect();
        ensure!(missing.is_empty() && extra.is_empty(), "{what}: missing {missing:?}, unexpected {extra:?}");
    }
    Ok(Outcome::Passed)
}

/// Every record of every listable resource is visited exactly once at page size 1.
pub async fn list_page_size_1_visits_each_record_once(t: &Target) -> CheckResult {
    exactly_once_at(t, 1).await
}

/// Every record of every listable resource is visited exactly once at page size 7.
pub async fn list_page_size_7_visits_each_record_once(t: &Target) -> CheckResult {
    exactly_once_at(t, 7).await
}

/// Every record of every listable resource is visited exactly once at page size 100.
pub async fn list_page_size_100_visits_each_record_once(t: &Target) -> CheckResult {
    exactly_once_at(t, 100).await
}

/// The page that holds a listing's last records carries no `next_cursor`: no walk ends with an
/// empty page fetched only because a cursor pointed past the end. Checked at page sizes equal to
/// the record count, one less, 7 and 1, where an off-by-one in "is there more?" shows.
pub async fn list_last_page_has_no_next_cursor(t: &Target) -> CheckResult {
    let mut tried = 0;
    for r in listable(t) {
        let total = reference(t, r).await?.records().count();
        if !(2..=100).contains(&total) {
            continue;
        }
        tried += 1;
        let mut cases: Vec<(u32, ListQuery, &str)> = Vec::new();
        for size in [total as u32, total as u32 - 1, 7, 1] {
            cases.push((size, ListQuery::new(), ""));
            let timed = ListQuery::new().updated_after(DateTime::<Utc>::UNIX_EPOCH);
            cases.push((size, timed, " with updated_after = 1970"));
        }
        for (size, base, filter) in cases {
            let what = format!("{} ({total} records){filter} at page size {size}", r.plural());
            let w = walk(t.desk(), r, base.page_size(size), &what).await?;
            let sizes: Vec<usize> = w.pages.iter().map(Vec::len).collect();
            ensure!(
                sizes.last().is_some_and(|n| *n > 0),
                "{what}: the page before the last carried a next_cursor, yet the last page was empty (pages: {sizes:?})"
            );
            ensure!(w.records().count() == total, "{what}: visited {} records", w.records().count());
        }
    }
    if tried == 0 {
        skip!("no listable resource holds between 2 and 100 records");
    }
    Ok(Outcome::Passed)
}

/// No page is larger than asked, the first page of a non-empty listing is not empty, and page size 0 is `InvalidInput`.
pub async fn list_respects_page_size(t: &Target) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    for r in resources {
        let total = reference(t, r).await?.records().count();
        for size in [1u32, 2, 3, 5] {
            let (items, _) = any::list(t.desk(), r, &ListQuery::new().page_size(size))
                .await
                .ctx(format!("{} at page size {size}", r.plural()))?;
            ensure!(items.len() <= size as usize, "{} at page size {size}: {} records", r.plural(), items.len());
            ensure!(
                total == 0 || !items.is_empty(),
                "{} at page size {size}: the first page is empty though {total} records exist",
                r.plural()
            );
        }
        let zero = any::list(t.desk(), r, &ListQuery::new().page_size(0)).await;
        ensure!(
            matches!(zero, Err(Error::InvalidInput { .. })),
            "{}: page size 0 gave {:?}, not InvalidInput",
            r.plural(),
            zero.map(|(i, _)| i.len())
        );
    }
    Ok(Outcome::Passed)
}

/// The instants worth filtering on: the earliest, the median and the latest stamp, each exactly.
fn pivots(stamps: &BTreeSet<DateTime<Utc>>) -> Vec<DateTime<Utc>> {
    let v: Vec<_> = stamps.iter().copied().collect();
    match v.len() {
        0 => Vec::new(),
        n => vec![v[0], v[n / 2], v[n - 1], v[n - 1] + chrono::Duration::seconds(1)],
    }
}

async fn time_filter(t: &Target, updated: bool) -> CheckResult {
    let mut tried = 0;
    for r in listable(t) {
        let all = reference(t, r).await?;
        let stamp = |rec: &any::Rec| if updated { rec.updated_at } else { rec.created_at };
        let stamps: BTreeSet<_> = all.records().filter_map(stamp).collect();
        for at in pivots(&stamps) {
            tried += 1;
            let want: BTreeSet<String> =
                all.records().filter(|x| stamp(x).is_some_and(|s| s >= at)).map(|x| x.id.clone()).collect();
            let q = if updated { ListQuery::new().updated_after(at) } else { ListQuery::new().created_after(at) };
            let field = if updated { "updated_after" } else { "created_after" };
            let what = format!("{} with {field} = {at}", r.plural());
            let w = walk(t.desk(), r, q.page_size(7), &what).await?;
            w.ensure_no_repeats(&what)?;
            let got: BTreeSet<String> = w.ids().into_iter().collect();
            let missing: Vec<_> = want.difference(&got).take(5).collect();
            let extra: Vec<_> = got.difference(&want).take(5).collect();
            ensure!(
                missing.is_empty() && extra.is_empty(),
                "{what}: expected the {} records stamped at or after it; missing {missing:?}, unexpected {extra:?}",
                want.len()
            );
        }
    }
    if tried == 0 {
        skip!("no listed record carries a timestamp");
    }
    Ok(Outcome::Passed)
}

/// `updated_after` returns exactly the records updated at or after it (inclusive), at every pivot.
pub async fn list_updated_after_is_exact(t: &Target) -> CheckResult {
    time_filter(t, true).await
}

/// `created_after` returns exactly the records created at or after it (inclusive), at every pivot.
pub async fn list_created_after_is_exact(t: &Target) -> CheckResult {
    time_filter(t, false).await
}

/// A next-page cursor for `r` from a page of one record, if the listing has two pages.
async fn some_cursor(t: &Target, r: Resource) -> Result<Option<Cursor>, Failure> {
    let (_, next) = any::list(t.desk(), r, &ListQuery::new().page_size(1)).await.ctx(format!("{} page", r.plural()))?;
    Ok(next)
}

fn is_invalid_cursor<T>(res: &unidesk_core::Result<T>) -> bool {
    matches!(res, Err(Error::InvalidCursor { .. }))
}

fn describe<T>(res: &unidesk_core::Result<(Vec<T>, Option<Cursor>)>) -> String {
    match res {
        Ok((items, _)) => format!("a page of {} records", items.len()),
        Err(e) => format!("{e:?}"),
    }
}

/// A cursor issued for one query is `InvalidCursor` on another resource and on the same resource with other filters.
pub async fn cursor_from_another_query_is_invalid(t: &Target) -> CheckResult {
    let resources = listable(t);
    let Some((source, cursor)) = ({
        let mut found = None;
        for r in &resources {
            if let Some(c) = some_cursor(t, *r).await? {
                found = Some((*r, c));
                break;
            }
        }
        found
    }) else {
        skip!("no listable resource has two records");
    };
    for other in resources.iter().filter(|r| **r != source) {
        let res = any::list(t.desk(), *other, &ListQuery::new().page_size(1).cursor(cursor.clone())).await;
        ensure!(
            is_invalid_cursor(&res),
            "a {} cursor given to {} gave {}, not InvalidCursor",
            source.plural(),
            other.plural(),
            describe(&res)
        );
    }
    let filtered = ListQuery::new().page_size(1).updated_after(DateTime::<Utc>::UNIX_EPOCH).cursor(cursor);
    let res = any::list(t.desk(), source, &filtered).await;
    ensure!(
        is_invalid_cursor(&res),
        "a {} cursor reused with an updated_after filter gave {}, not InvalidCursor",
        source.plural(),
        describe(&res)
    );
    Ok(Outcome::Passed)
}

/// A cursor with one character changed, or cut short, is `InvalidCursor`.
pub async fn tampered_cursor_is_invalid(t: &Target) -> CheckResult {
    let mut tried = 0;
    for r in listable(t) {
        let Some(c) = some_cursor(t, r).await? else { continue };
        tried += 1;
        let raw = c.as_str();
        let mut variants = Vec::new();
        for pos in [raw.len() / 3, raw.len() / 2, raw.len().saturating_sub(1)] {
            let mut bytes = raw.as_bytes().to_vec();
            if let Some(b) = bytes.get_mut(pos) {
                *b = if *b == b'A' { b'B' } else { b'A' };
            }
            variants.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        variants.push(raw[..raw.len() / 2].to_owned());
        variants.push(format!("{raw}x"));
        for v in variants.into_iter().filter(|v| v != raw) {
            let res = any::list(t.desk(), r, &ListQuery::new().page_size(1).cursor(Cursor::from_raw(v.clone()))).await;
            ensure!(is_invalid_cursor(&res), "{}: tampered cursor {v:?} gave {}", r.plural(), describe(&res));
        }
    }
    if tried == 0 {
        skip!("no listable resource has two records");
    }
    Ok(Outcome::Passed)
}

/// Strings that were never cursors are `InvalidCursor`, on every listable resource.
pub async fn garbage_cursor_is_invalid(t: &Target) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    let long = "v1.".to_owned() + &"A".repeat(10_000) + ".0";
    let garbage = ["", "garbage", "v1..", "v1.e30.0000000000000000", "v2.abc.def", "💥.💥.💥", "../../etc", &long];
    for r in resources {
        for g in garbage {
            let res = any::list(t.desk(), r, &ListQuery::new().cursor(Cursor::from_raw(g))).await;
            let shown: String = g.chars().take(40).collect();
            ensure!(is_invalid_cursor(&res), "{}: cursor {shown:?} gave {}", r.plural(), describe(&res));
        }
    }
    Ok(Outcome::Passed)
}

/// The stream helper yields the same records, in the same order, as following pages by hand.
pub async fn stream_helper_matches_pages(t: &Target) -> CheckResult {
    if !supports(t, Resource::Ticket, Operation::List) {
        skip!("tickets are not listable");
    }
    let by_hand = walk(t.desk(), Resource::Ticket, ListQuery::new().page_size(7), "tickets at page size 7").await?;
    let streamed: Vec<String> = t
        .desk()
        .stream_tickets(ListQuery::new().page_size(7))
        .map_ok(|x| x.id)
        .try_collect()
        .await
        .ctx("stream_tickets")?;
    ensure!(streamed == by_hand.ids(), "stream_tickets yielded {} ids, pages {}", streamed.len(), by_hand.ids().len());
    Ok(Outcome::Passed)
}

/// Listing comments with `ticket_id` yields only that ticket's comments, oldest first.
pub async fn ticket_comments_are_that_tickets_in_time_order(t: &Target) -> CheckResult {
    if !supports(t, Resource::Comment, Operation::List) || !supports(t, Resource::Ticket, Operation::List) {
        skip!("comments or tickets are not listable");
    }
    let tickets = walk(t.desk(), Resource::Ticket, ListQuery::new().page_size(100), "tickets").await?;
    let mut with_comments = 0;
    for ticket in tickets.records().take(8) {
        let what = format!("comments of ticket {}", ticket.id);
        let w = walk(t.desk(), Resource::Comment, ListQuery::new().ticket_id(ticket.id.clone()).page_size(2), &what)
            .await?;
        w.ensure_no_repeats(&what)?;
        let recs: Vec<_> = w.records().collect();
        with_comments += usize::from(!recs.is_empty());
        for c in &recs {
            let tid = c.json.get("ticket_id").and_then(|v| v.as_str());
            ensure!(tid == Some(ticket.id.as_str()), "{what}: comment {} has ticket_id {tid:?}", c.id);
        }
        for pair in recs.windows(2) {
            ensure!(
                pair[0].created_at <= pair[1].created_at,
                "{what}: {} ({:?}) is listed before {} ({:?})",
                pair[0].id,
                pair[0].created_at,
                pair[1].id,
                pair[1].created_at
            );
        }
    }
    if with_comments == 0 {
        skip!("none of the first tickets has comments");
    }
    Ok(Outcome::Passed)
}

/// The list fields that are sets in the model: no value twice, whatever the provider sent.
const SET_FIELDS: [&str; 8] =
    ["tag_ids", "assignee_ids", "team_ids", "member_ids", "emails", "phones", "domains", "roles"];

/// Every set-valued field of every listed record (`tag_ids`, `assignee_ids`, `team_ids`,
/// `member_ids`, `emails`, `phones`, `domains`, `roles`) holds no value twice.
pub async fn sets_hold_no_duplicates(t: &Target) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    for r in resources {
        let w = reference(t, r).await?;
        for rec in w.records() {
            for field in SET_FIELDS {
                let Some(values) = rec.json.get(field).and_then(|v| v.as_array()) else { continue };
                let mut seen = std::collections::HashSet::new();
                for v in values {
                    ensure!(seen.insert(v.to_string()), "{} {:?}: {field} holds {v} twice", r.as_str(), rec.id);
                }
            }
        }
    }
    Ok(Outcome::Passed)
}

/// Default listings never hold a record marked `remote_was_deleted`: deleted records are
/// listed only when `include_deleted` asks for them.
pub async fn default_listings_hold_no_deleted_records(t: &Target) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    for r in resources {
        let w = reference(t, r).await?;
        for rec in w.records() {
            let deleted = rec.json.get("remote_was_deleted").and_then(|v| v.as_bool()).unwrap_or(false);
            ensure!(!deleted, "{} {:?} is marked remote_was_deleted in a default listing", r.as_str(), rec.id);
        }
    }
    Ok(Outcome::Passed)
}
