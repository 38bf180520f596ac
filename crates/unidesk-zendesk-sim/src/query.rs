//! Query strings: the pairs as sent, and how they are read.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::reply::Reply;

/// The query string's pairs, percent-decoded, in order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    /// The pairs.
    pub(crate) pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Reply> {
        let q = parts.uri.query().unwrap_or_default();
        Ok(Params { pairs: url::form_urlencoded::parse(q.as_bytes()).into_owned().collect() })
    }
}

impl Params {
    /// The last value of `name` (an empty value counts as absent).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(k, v)| k == name && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> impl Iterator<Item = &str> + '_ {
        let name = name.to_owned();
        self.pairs.iter().filter(move |(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// A positive integer parameter, or 400.
    pub(crate) fn positive(&self, name: &str) -> Result<Option<usize>, Reply> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .map(Some)
                .ok_or_else(|| Reply::bad_request(&format!("{name} must be a positive integer"))),
        }
    }

    /// The names listed in `include=` (comma-separated, possibly repeated).
    pub(crate) fn includes(&self) -> Vec<String> {
        self.all("include").flat_map(|v| v.split(',')).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
    }

    /// The pairs other than those named, for links that keep a request's other parameters.
    pub(crate) fn without(&self, names: &[&str]) -> Vec<(String, String)> {
        self.pairs.iter().filter(|(k, _)| !names.contains(&k.as_str())).cloned().collect()
    }
}

/// `{base}{path}.json?{pairs}`: an absolute link, as Zendesk's pagination links are.
pub(crate) fn link(base: &str, path: &str, pairs: &[(String, String)]) -> String {
    let mut s = format!("{base}{path}.json");
    if !pairs.is_empty() {
        s.push('?');
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        s.push_str(&ser.finish());
    }
    s
}
