//! Validated record ids, safe to place in a URL path segment.

use std::fmt;

use crate::error::{Error, Result};

/// The longest id accepted, in bytes.
pub(crate) const MAX_ID_LEN: usize = 256;

/// A record id that cannot escape a URL path segment.
///
/// Construction rejects the empty string, anything over 256 bytes, `/`, `\`,
/// `?`, `#`, `%`, whitespace, control characters, and the segments `.` and
/// `..`, with [`Error::InvalidInput`], before any request is built.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    /// Validates `raw` as an id.
    pub fn parse(raw: &str) -> Result<Self> {
        validate(raw)?;
        Ok(Id(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the id, returning the text.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn validate(raw: &str) -> Result<()> {
    let reject = |why: &str| Err(Error::invalid_input(format!("id {:?} rejected: {why}", truncate(raw))));
    if raw.is_empty() {
        return reject("empty");
    }
    if raw.len() > MAX_ID_LEN {
        return reject("longer than 256 bytes");
    }
    if raw == "." || raw == ".." {
        return reject("a relative path segment");
    }
    if let Some(c) =
        raw.chars().find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_whitespace() || c.is_control())
    {
        return reject(&format!("contains {c:?}"));
    }
    Ok(())
}

fn truncate(raw: &str) -> String {
    raw.chars().take(64).collect()
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Id::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_provider_ids() {
        for ok in ["5c9a1d6f3e2b4a0012345678", "abc-DEF_123", "ünï", "a.b", "x:y"] {
            assert_eq!(Id::parse(ok).map(Id::into_string).ok().as_deref(), Some(ok));
        }
    }

    #[test]
    fn rejects_path_characters() {
        let long = "a".repeat(257);
        for bad in [
            "",
            "a/b",
            "../x",
            "..",
            ".",
            "a?b",
            "a#b",
            "a%2e",
            "a b",
            "a\tb",
            "a\u{0}b",
            "a\nb",
            "a\\b",
            long.as_str(),
        ] {
            match Id::parse(bad) {
                Err(Error::InvalidInput { .. }) => {}
                other => panic!("{bad:?} should be rejected, got {other:?}"),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn accepted_ids_never_contain_separators(s in "\\PC{0,300}") {
            if let Ok(id) = Id::parse(&s) {
                proptest::prop_assert!(!id.as_str().contains(['/', '?', '#', '%']));
                proptest::prop_assert!(id.as_str() != ".." && !id.as_str().is_empty());
            }
        }
    }
}
