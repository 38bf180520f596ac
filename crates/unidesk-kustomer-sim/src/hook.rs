//! An outbound webhook subscription as the simulator keeps it: its record and its signing token.

use serde_json::Value;

use crate::doc::Doc;

/// A subscription: its record (no token in it) and its signing token.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    /// The record `GET /v1/outbound-webhooks/{id}` shows.
    pub(crate) doc: Doc,
    /// The HMAC key, shown once in the create answer.
    pub(crate) token: String,
}

impl Hook {
    /// Whether the subscription is enabled and its events cover `name` (none listed: every
    /// event; an entry ending in `*` matches by prefix).
    pub(crate) fn wants(&self, name: &str) -> bool {
        if self.doc.attrs.get("enabled").and_then(Value::as_bool) == Some(false) {
            return false;
        }
        let events = self.doc.attrs.get("events").and_then(Value::as_array);
        let Some(events) = events.filter(|e| !e.is_empty()) else { return true };
        events.iter().filter_map(Value::as_str).any(|e| match e.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => e == name,
        })
    }

    /// The extra headers sent with each delivery.
    pub(crate) fn headers(&self) -> Vec<(String, String)> {
        self.doc
            .attrs
            .get("headers")
            .and_then(Value::as_array)
            .map(|hs| {
                hs.iter()
                    .filter_map(|h| Some((h.get("name")?.as_str()?.to_owned(), h.get("value")?.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }
}
