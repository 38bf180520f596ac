//! One stored record: its JSON object, kept pre-serialized, and the clock listings sort on.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value};

/// A record as the API returns it.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    /// The object (the source of truth; [`Rec::json`] is rendered from it).
    value: Map<String, Value>,
    /// `value` serialized, so listings copy bytes instead of serializing.
    json: Box<str>,
    /// `updated_at` in epoch seconds: incremental exports order and filter on it (for tickets
    /// it is also the export's `generated_timestamp`).
    pub(crate) stamp: i64,
    /// When the record was soft-deleted (tickets), in epoch seconds.
    pub(crate) deleted_at: Option<i64>,
}

impl Rec {
    /// A record from its object; its stamp is read from `updated_at`.
    pub(crate) fn new(value: Map<String, Value>) -> Rec {
        let mut r = Rec { value, json: Box::from(""), stamp: 0, deleted_at: None };
        r.refresh();
        r
    }

    /// The object.
    pub(crate) fn value(&self) -> &Map<String, Value> {
        &self.value
    }

    /// The object, serialized.
    pub(crate) fn json(&self) -> &str {
        &self.json
    }

    /// A field of the object.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.value.get(key)
    }

    /// An integer field, if it holds one.
    pub(crate) fn int(&self, key: &str) -> Option<i64> {
        self.value.get(key).and_then(Value::as_i64)
    }

    /// A string field, if it holds one.
    pub(crate) fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// Changes the object with `f`, then re-renders it and re-reads its stamp.
    pub(crate) fn edit(&mut self, f: impl FnOnce(&mut Map<String, Value>)) {
        f(&mut self.value);
        self.refresh();
    }

    fn refresh(&mut self) {
        self.json = serde_json::to_string(&self.value).unwrap_or_default().into_boxed_str();
        self.stamp = self.str("updated_at").and_then(parse_ts).unwrap_or(0);
    }
}

/// Formats epoch seconds as Zendesk does: `2024-01-01T00:00:00Z`.
pub(crate) fn ts(epoch: i64) -> String {
    at(epoch).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Epoch seconds as a UTC time (the epoch itself if out of range).
pub(crate) fn at(epoch: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(epoch, 0).single().unwrap_or_default()
}

/// Parses an ISO-8601 time to epoch seconds.
pub(crate) fn parse_ts(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_renders_its_object_and_stamps_its_update_time() {
        let Value::Object(m) = json!({"id": 3, "updated_at": "2024-01-01T00:00:10Z"}) else { unreachable!() };
        let mut r = Rec::new(m);
        assert_eq!(r.stamp, 1_704_067_210);
        assert_eq!(r.json(), r#"{"id":3,"updated_at":"2024-01-01T00:00:10Z"}"#);
        r.edit(|m| {
            m.insert("updated_at".into(), json!(ts(1_704_067_211)));
        });
        assert_eq!(r.stamp, 1_704_067_211);
        assert!(r.json().contains("00:00:11Z"));
    }
}
