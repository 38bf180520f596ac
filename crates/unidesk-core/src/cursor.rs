//! The opaque, versioned pagination cursor.
//!
//! A cursor is text of the form `v1.<payload>.<check>`: the payload is
//! base64url JSON naming the adapter, a fingerprint of the query that produced
//! it, and the adapter's own state; the check is a 64-bit FNV-1a digest of the
//! payload. Decoding rejects, with [`Error::InvalidCursor`], anything that is
//! not such text, whose check does not match (tampered or truncated), or whose
//! adapter or query fingerprint differ from the caller's. The check guards
//! integrity, not secrecy: adapters must still validate the state they read.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const VERSION: &str = "v1";
/// The longest cursor text accepted.
pub const MAX_CURSOR_LEN: usize = 64 * 1024;

/// An opaque position in a listing. Only the adapter that issued it can read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(String);

#[derive(Serialize)]
struct EnvelopeOut<'x, S> {
    a: &'x str,
    q: &'x str,
    s: &'x S,
}

#[derive(Deserialize)]
struct EnvelopeIn {
    a: String,
    q: String,
    s: serde_json::Value,
}

impl Cursor {
    /// Wraps text received from a caller (a CLI flag, a checkpoint file). Not validated until decoded.
    pub fn from_raw(raw: impl Into<String>) -> Self {
        Cursor(raw.into())
    }

    /// The cursor as text, to hand to a caller.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Encodes adapter `state` for the query identified by `fingerprint`.
    pub fn encode<S: Serialize>(adapter: &str, fingerprint: &str, state: &S) -> Result<Self> {
        let env = EnvelopeOut { a: adapter, q: fingerprint, s: state };
        let json = serde_json::to_vec(&env).map_err(|e| Error::invalid_input(format!("cursor state: {e}")))?;
        let payload = URL_SAFE_NO_PAD.encode(json);
        let check = fnv1a64(payload.as_bytes());
        Ok(Cursor(format!("{VERSION}.{payload}.{check:016x}")))
    }

    /// Decodes the state, checking version, integrity, adapter and query.
    pub fn decode<S: DeserializeOwned>(&self, adapter: &str, fingerprint: &str) -> Result<S> {
        let raw = self.0.as_str();
        if raw.len() > MAX_CURSOR_LEN {
            return Err(Error::invalid_cursor("too long"));
        }
        let mut parts = raw.split('.');
        let (Some(version), Some(payload), Some(check), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::invalid_cursor("not a unidesk cursor"));
        };
        if version != VERSION {
            return Err(Error::invalid_cursor(format!("unsupported cursor version {version:?}")));
        }
        let expected = format!("{:016x}", fnv1a64(payload.as_bytes()));
        if check != expected {
            return Err(Error::invalid_cursor("integrity check failed (tampered or truncated)"));
        }
        let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| Error::invalid_cursor("payload is not base64url"))?;
        let env: EnvelopeIn =
            serde_json::from_slice(&json).map_err(|_| Error::invalid_cursor("payload is not a cursor"))?;
        if env.a != adapter {
            return Err(Error::invalid_cursor(format!("issued by adapter {:?}, not {adapter:?}", env.a)));
        }
        if env.q != fingerprint {
            return Err(Error::invalid_cursor("issued for a different query"));
        }
        serde_json::from_value(env.s).map_err(|_| Error::invalid_cursor("state does not match this listing"))
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// 64-bit FNV-1a, a small stable hash used for cursor checks and query fingerprints.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct State {
        page: u32,
    }

    #[test]
    fn round_trips() {
        let c = Cursor::encode("memory", "q1", &State { page: 3 }).expect("encodes");
        assert_eq!(c.decode::<State>("memory", "q1").expect("decodes"), State { page: 3 });
    }

    fn rejected(c: &Cursor, adapter: &str, q: &str) -> bool {
        matches!(c.decode::<State>(adapter, q), Err(Error::InvalidCursor { .. }))
    }

    #[test]
    fn rejects_foreign_tampered_and_garbage() {
        let c = Cursor::encode("memory", "q1", &State { page: 3 }).expect("encodes");
        assert!(rejected(&c, "kustomer", "q1"), "foreign adapter");
        assert!(rejected(&c, "memory", "q2"), "other query");
        let mut tampered = c.as_str().to_owned().into_bytes();
        let mid = tampered.len() / 2;
        tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
        let tampered = Cursor::from_raw(String::from_utf8(tampered).expect("ascii"));
        assert!(rejected(&tampered, "memory", "q1"), "tampered");
        let truncated = Cursor::from_raw(&c.as_str()[..c.as_str().len() - 3]);
        assert!(rejected(&truncated, "memory", "q1"), "truncated");
        for junk in ["", "garbage", "v1..", "v2.abc.0000000000000000", "v1.%%%.x.y", "🙃"] {
            assert!(rejected(&Cursor::from_raw(junk), "memory", "q1"), "{junk:?}");
        }
        let other_state = Cursor::encode("memory", "q1", &"just a string").expect("encodes");
        assert!(rejected(&other_state, "memory", "q1"), "wrong state shape");
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(s in "\\PC{0,200}") {
            let _ = Cursor::from_raw(s).decode::<State>("memory", "q");
        }

        #[test]
        fn encode_decode_round_trip(page in 0u32..u32::MAX, q in "[a-z0-9]{0,20}") {
            let c = Cursor::encode("memory", &q, &State { page }).expect("encodes");
            proptest::prop_assert_eq!(c.decode::<State>("memory", &q).expect("decodes"), State { page });
        }
    }
}
