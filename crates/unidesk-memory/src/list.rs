//! Keyset pagination over in-memory records, with the unidesk cursor contract.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unidesk_core::{Cursor, Error, ListQuery, Page, Record, Resource, Result};

use crate::store::NAME;

/// Default and maximum page sizes.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 100;
/// The largest page served.
pub(crate) const MAX_PAGE_SIZE: u32 = 500;

/// The sort key: an optional time, then the id.
pub(crate) type Key = (Option<DateTime<Utc>>, String);

#[derive(Serialize, Deserialize)]
struct State {
    after: Key,
}

/// One page of `records` (already filtered) ordered by `key`, after the query's cursor.
pub(crate) fn page<'a, T: Record + Serialize + serde::de::DeserializeOwned>(
    resource: Resource,
    records: impl Iterator<Item = &'a T>,
    query: &ListQuery,
    key: impl Fn(&T) -> Key,
) -> Result<Page<T>> {
    let size = query.effective_page_size(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)? as usize;
    let fingerprint = query.fingerprint(resource);
    let after: Option<Key> = match &query.cursor {
        Some(c) => Some(c.decode::<State>(NAME, &fingerprint)?.after),
        None => None,
    };
    let mut matching: Vec<(Key, &T)> = records
        .filter(|r| query.matches_times(r.created_at(), r.updated_at()))
        .map(|r| (key(r), r))
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a))
        .collect();
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    let more = matching.len() > size;
    matching.truncate(size);
    let next_cursor = match (more, matching.last()) {
        (true, Some((k, _))) => Some(Cursor::encode(NAME, &fingerprint, &State { after: k.clone() })?),
        _ => None,
    };
    let items = matching
        .into_iter()
        .map(|(_, r)| with_remote_data(r, query.include_remote_data))
        .collect::<Result<Vec<T>>>()?;
    Ok(Page { items, next_cursor })
}

/// A copy of `record`, with `remote_data` set to the record itself when asked for.
pub(crate) fn with_remote_data<T: Record + Serialize + serde::de::DeserializeOwned>(
    record: &T,
    include: bool,
) -> Result<T> {
    let mut out = record.clone();
    out.strip_remote_data();
    if include {
        let raw = serde_json::to_value(&out).map_err(|e| Error::decode("memory record", e))?;
        set_remote(&mut out, raw);
    }
    Ok(out)
}

fn set_remote<T: Record + Serialize + serde::de::DeserializeOwned>(record: &mut T, raw: serde_json::Value) {
    // Every model has `remote_data`; round-trip through JSON to set it generically.
    if let Ok(mut v) = serde_json::to_value(&*record) {
        v["remote_data"] = raw;
        if let Ok(back) = serde_json::from_value::<T>(v) {
            *record = back;
        }
    }
}

/// Sort by id only.
pub(crate) fn by_id<T: Record>(r: &T) -> Key {
    (None, r.id().to_owned())
}
