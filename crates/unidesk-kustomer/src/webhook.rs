//! Kustomer outbound webhook deliveries → normalized [`Event`]s.
//!
//! What is verified (see `docs/mapping-kustomer.md`, "Webhooks"):
//! - **Signature** (when a signing token is configured): Kustomer sends
//!   `X-Kustomer-Webhook-Signature`, the lowercase hex HMAC-SHA256 of the raw
//!   request body keyed with the webhook's `token`. We recompute it over the
//!   raw bytes, before parsing, and compare in constant time.
//! - **Shared secret** (optional): a header of your choosing, set as a custom
//!   header on the webhook in Kustomer, compared in constant time.
//! - **Duplicates** (optional): deliveries are at-least-once; a cache of the
//!   envelope ids already *processed*, bounded by count and by age
//!   ([`WebhookReceiver::dedupe_window`]), drops repeats.
//!
//! # Recording an id only once the delivery was handled
//!
//! Kustomer re-delivers an event when the receiver did not answer 2xx. If the id
//! were recorded on receipt and the caller's handling then failed, that retry would
//! be dropped as a duplicate and the event lost. So:
//!
//! - [`WebhookReceiver::receive_with`] verifies, parses, runs your handler, and records
//!   the id only when the handler returns `Ok`. While a delivery is being handled, the
//!   same id arriving again is refused with `Conflict` (answer non-2xx: Kustomer retries
//!   later, by which time it is recorded or free again).
//! - Or two steps: [`WebhookReceiver::check`] (verify + parse, records nothing; `None`
//!   for an id already processed), then [`WebhookReceiver::mark_processed`] after success.
//! - [`WebhookReceiver::receive`] records on receipt, as before: use it only when the
//!   handling after it cannot fail, or accept that a failed delivery's retries are dropped.
//!
//! # Replay window
//!
//! Kustomer signs no timestamp, so freshness cannot be proven from headers: a captured,
//! validly signed delivery verifies forever. Dedupe is the only replay defence, and it
//! covers a replay only while the id is still in the cache: until `capacity` later ids
//! have been processed or `max_age` has passed since it was processed, whichever comes
//! first, and only in this process (the cache is in memory: a restart empties it, and
//! replicas do not share it). After that a replay is processed as a new delivery. Keep
//! the signing token and shared secret secret, serve the endpoint over TLS only, and make
//! handling idempotent (apply the record's current state, fetched by id) so a late replay
//! does no harm. The envelope's `createdAt` is covered by the signature; a caller that
//! wants a hard bound can reject events older than its `max_age` (see `Event::occurred_at`).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use unidesk_core::{Error, Event, EventKind, EventObject, Result};

use crate::decode::{self, DecodeOptions};

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-kustomer-webhook-signature";
/// The header carrying the event name.
pub const EVENT_HEADER: &str = "x-kustomer-webhook-event";
/// The largest delivery body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Checks and parses webhook deliveries. `Debug` never shows secrets.
#[derive(Default)]
pub struct WebhookReceiver {
    signing_token: Option<SecretString>,
    shared_secret: Option<(String, SecretString)>,
    dedupe: Option<Mutex<Dedupe>>,
    base_url: String,
}

impl std::fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("signing_token", &self.signing_token.as_ref().map(|_| "[REDACTED]"))
            .field("shared_secret_header", &self.shared_secret.as_ref().map(|(h, _)| h))
            .field("dedupe", &self.dedupe.is_some())
            .finish()
    }
}

/// The ids already processed, oldest first, bounded by count and (optionally) age; and the
/// ids being handled right now by [`WebhookReceiver::receive_with`].
#[derive(Debug, Default)]
struct Dedupe {
    capacity: usize,
    max_age: Option<Duration>,
    order: VecDeque<(String, Instant)>,
    seen: HashSet<String>,
    pending: HashSet<String>,
}

impl Dedupe {
    /// Forgets ids recorded longer than `max_age` ago.
    fn expire(&mut self, now: Instant) {
        let Some(max_age) = self.max_age else { return };
        while let Some((id, at)) = self.order.front() {
            if now.saturating_duration_since(*at) <= max_age {
                break;
            }
            self.seen.remove(id);
            self.order.pop_front();
        }
    }

    /// Whether `id` was processed within the window.
    fn contains(&mut self, id: &str) -> bool {
        self.expire(Instant::now());
        self.seen.contains(id)
    }

    /// Records `id`; returns false if it was already there.
    fn insert(&mut self, id: &str) -> bool {
        let now = Instant::now();
        self.expire(now);
        if self.seen.contains(id) {
            return false;
        }
        if self.order.len() >= self.capacity
            && let Some((old, _)) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.order.push_back((id.to_owned(), now));
        self.seen.insert(id.to_owned());
        true
    }
}

/// Takes an id out of the pending set when dropped (handled, failed, or the future cancelled).
struct Pending<'a> {
    dedupe: &'a Mutex<Dedupe>,
    id: String,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.dedupe.lock().unwrap_or_else(|p| p.into_inner()).pending.remove(&self.id);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    id: String,
    name: String,
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
    data: Value,
    #[serde(default)]
    changes: Option<Value>,
}

impl WebhookReceiver {
    /// A receiver that checks nothing and keeps no cache (parsing only).
    pub fn new() -> Self {
        Self::default()
    }

    /// Verifies `X-Kustomer-Webhook-Signature` with the webhook's token.
    pub fn signing_token(mut self, token: impl Into<String>) -> Self {
        self.signing_token = Some(SecretString::from(token.into()));
        self
    }

    /// Requires header `name` to equal `value` (set as a custom header on the webhook).
    pub fn shared_secret(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.shared_secret = Some((name.into().to_ascii_lowercase(), SecretString::from(value.into())));
        self
    }

    /// Drops deliveries whose id was among the last `capacity` processed, however long ago.
    /// Prefer [`Self::dedupe_window`], which also bounds the age.
    pub fn dedupe(mut self, capacity: usize) -> Self {
        self.dedupe = Some(Mutex::new(Dedupe { capacity: capacity.max(1), ..Default::default() }));
        self
    }

    /// Drops deliveries whose id was processed within the last `max_age`, remembering at most
    /// `capacity` ids (the oldest is forgotten first). A replay is caught only inside this
    /// window: see "Replay window" in the [module docs](self).
    pub fn dedupe_window(mut self, capacity: usize, max_age: Duration) -> Self {
        self.dedupe =
            Some(Mutex::new(Dedupe { capacity: capacity.max(1), max_age: Some(max_age), ..Default::default() }));
        self
    }

    fn dedupe_lock(&self) -> Option<std::sync::MutexGuard<'_, Dedupe>> {
        self.dedupe.as_ref().map(|d| d.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The API base URL, used to build `ticket_url` on mapped tickets.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Verifies, parses and deduplicates one delivery, recording its id **on receipt**.
    /// `Ok(None)` is a duplicate. A bad or missing signature or secret is `Unauthenticated`;
    /// malformed JSON is `Decode`.
    ///
    /// Caveat: the id is recorded before you handle the event, so if your handling fails
    /// and Kustomer re-delivers, the retry is dropped as a duplicate. Use
    /// [`Self::receive_with`], or [`Self::check`] then [`Self::mark_processed`], instead.
    pub fn receive(&self, body: &[u8], headers: &HeaderMap) -> Result<Option<Event>> {
        let event = self.verify_and_parse(body, headers)?;
        if let Some(mut d) = self.dedupe_lock()
            && !d.insert(&event.id)
        {
            return Ok(None);
        }
        Ok(Some(event))
    }

    /// Verifies and parses one delivery without recording anything: `Ok(None)` when its id was
    /// already marked processed (within the dedupe window), else the event. Call
    /// [`Self::mark_processed`] with `event.id` once you have handled it.
    pub fn check(&self, body: &[u8], headers: &HeaderMap) -> Result<Option<Event>> {
        let event = self.verify_and_parse(body, headers)?;
        if self.dedupe_lock().is_some_and(|mut d| d.contains(&event.id)) {
            return Ok(None);
        }
        Ok(Some(event))
    }

    /// Records that the delivery `id` was handled: later deliveries of it are duplicates while
    /// it stays in the dedupe window. Does nothing when no dedupe is configured.
    pub fn mark_processed(&self, id: &str) {
        if let Some(mut d) = self.dedupe_lock() {
            d.insert(id);
        }
    }

    /// Verifies and parses one delivery, runs `handler` on it, and records its id only when
    /// the handler returns `Ok`. Returns `Ok(None)` for a duplicate (handler not run), the
    /// handler's value, or its error (the id is not recorded, so Kustomer's retry is handled).
    ///
    /// Verification and parse errors are converted with `E: From<Error>`. A delivery whose id
    /// is being handled right now (a concurrent re-delivery) is refused with `Error::Conflict`:
    /// answer it non-2xx so Kustomer retries later. Without a dedupe cache every delivery is
    /// handled.
    pub async fn receive_with<F, Fut, T, E>(&self, body: &[u8], headers: &HeaderMap, handler: F) -> Result<Option<T>, E>
    where
        F: FnOnce(Event) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: From<Error>,
    {
        let event = self.verify_and_parse(body, headers)?;
        let Some(dedupe) = &self.dedupe else {
            return handler(event).await.map(Some);
        };
        let id = event.id.clone();
        let _pending = {
            let mut d = dedupe.lock().unwrap_or_else(|p| p.into_inner());
            if d.contains(&id) {
                return Ok(None);
            }
            if !d.pending.insert(id.clone()) {
                let id = unidesk_core::one_line(&id, 100);
                return Err(Error::Conflict {
                    message: format!("webhook delivery {id} is being handled; retry later"),
                }
                .into());
            }
            Pending { dedupe, id: id.clone() }
        };
        let value = handler(event).await?;
        dedupe.lock().unwrap_or_else(|p| p.into_inner()).insert(&id);
        Ok(Some(value))
    }

    fn verify_and_parse(&self, body: &[u8], headers: &HeaderMap) -> Result<Event> {
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::invalid_input("webhook body over 1 MiB"));
        }
        self.verify(body, headers)?;
        parse_event(body, &self.base_url)
    }

    /// Checks the configured signature and shared secret over the raw bytes.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<()> {
        let denied = || Error::Unauthenticated { message: "webhook verification failed".into() };
        if let Some(token) = &self.signing_token {
            let sig = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(denied)?;
            let expected = hex::decode(sig.trim()).map_err(|_| denied())?;
            let mut mac =
                hmac::Hmac::<Sha256>::new_from_slice(token.expose_secret().as_bytes()).map_err(|_| denied())?;
            mac.update(body);
            mac.verify_slice(&expected).map_err(|_| denied())?;
        }
        if let Some((name, value)) = &self.shared_secret {
            let got = headers.get(name.as_str()).map(|v| v.as_bytes()).ok_or_else(denied)?;
            if !constant_time_eq(got, value.expose_secret().as_bytes()) {
                return Err(denied());
            }
        }
        Ok(())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Computes the signature Kustomer would send for `body` (for tests and for the simulator).
pub fn sign(token: &str, body: &[u8]) -> String {
    match hmac::Hmac::<Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Parses a delivery body into an [`Event`] without any check.
pub fn parse_event(body: &[u8], base_url: &str) -> Result<Event> {
    let env: Envelope = crate::wire::parse("webhook delivery", body)?;
    let mut parts = env.name.split('.');
    let (object, verb) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("kustomer"), Some(o), Some(v), None) => (o, v),
        _ => ("", ""),
    };
    let resource = match object {
        "conversation" => "ticket",
        "message" | "note" => "comment",
        "customer" => "contact",
        "company" => "account",
        "user" | "team" | "tag" => object,
        _ => "",
    };
    let verb = match verb {
        "create" => "created",
        "update" => "updated",
        "delete" => "deleted",
        _ => "",
    };
    let kind = match EventKind::parse(&format!("{resource}.{verb}")) {
        EventKind::Unknown(_) => EventKind::Unknown(env.name.clone()),
        known => known,
    };
    let doc = serde_json::to_vec(&serde_json::json!({ "data": env.data }))
        .map_err(|e| crate::errors::decode("webhook delivery", e))?;
    let ctx = "webhook delivery data";
    let opts = DecodeOptions { include_remote_data: false, base_url };
    let object_name = object;
    let object = match object {
        "conversation" => EventObject::Ticket(decode::conversation(&doc, ctx, opts)?),
        "message" => EventObject::Comment(decode::message(&doc, ctx, opts)?),
        "note" => EventObject::Comment(decode::note(&doc, ctx, opts)?),
        "customer" => EventObject::Contact(decode::customer(&doc, ctx, opts)?),
        "company" => EventObject::Account(decode::company(&doc, ctx, opts)?),
        "user" => EventObject::User(decode::user(&doc, ctx, opts)?),
        "team" => EventObject::Team(decode::team(&doc, ctx, opts)?),
        "tag" => EventObject::Tag(decode::tag(&doc, ctx, opts)?),
        _ => EventObject::Unknown(env.data),
    };
    let mut object = object;
    if verb == "deleted" {
        mark_deleted(&mut object);
    }
    let changes = crate::map::changes::changes(object_name, env.changes.as_ref());
    Ok(Event { id: env.id, kind, occurred_at: env.created_at, object, changes })
}

/// What happened to a KObject.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KObjectAction {
    /// `kustomer.kobject.<klass>.create`.
    Created,
    /// `kustomer.kobject.<klass>.update`.
    Updated,
    /// `kustomer.kobject.<klass>.delete`.
    Deleted,
    /// A verb this version does not know, kept.
    Unknown(String),
}

/// A KObject delivery (`kustomer.kobject.<klass>.<verb>`), typed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KObjectEvent {
    /// The delivery id (deduplicate on it).
    pub id: String,
    /// The klass name (`order`).
    pub klass: String,
    /// What happened.
    pub action: KObjectAction,
    /// When Kustomer says it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// The KObject after the change (as it was, for a delete).
    pub object: crate::extra::klasses::KObject,
    /// What changed, by Kustomer attribute name (`before`/`after`); empty when not sent.
    pub changes: std::collections::BTreeMap<String, unidesk_core::FieldChange>,
}

/// A delivery as this adapter types it: a KObject event, or a normalized [`Event`].
#[derive(Debug, Clone, PartialEq)]
pub enum KustomerEvent {
    /// A klass's object was created, updated or deleted.
    KObject(KObjectEvent),
    /// Anything else, as [`parse_event`] maps it.
    Normalized(Event),
}

/// Parses a delivery without any check: KObject events (`kustomer.kobject.<klass>.*`) typed as
/// [`KustomerEvent::KObject`], every other event as [`parse_event`] maps it.
pub fn parse_kustomer_event(body: &[u8], base_url: &str) -> Result<KustomerEvent> {
    let env: Envelope = crate::wire::parse("webhook delivery", body)?;
    let parts: Vec<&str> = env.name.split('.').collect();
    let (klass, verb) = match parts.as_slice() {
        ["kustomer", "kobject", klass, verb] => (*klass, *verb),
        _ => return parse_event(body, base_url).map(KustomerEvent::Normalized),
    };
    let action = match verb {
        "create" => KObjectAction::Created,
        "update" => KObjectAction::Updated,
        "delete" => KObjectAction::Deleted,
        other => KObjectAction::Unknown(other.to_owned()),
    };
    let object = crate::extra::klasses::kobject_from_data(&env.data)?;
    let changes = crate::map::changes::changes("kobject", env.changes.as_ref());
    Ok(KustomerEvent::KObject(KObjectEvent {
        id: env.id,
        klass: klass.to_owned(),
        action,
        occurred_at: env.created_at,
        object,
        changes,
    }))
}

impl WebhookReceiver {
    /// [`Self::check`], typed: verifies and parses one delivery, recording nothing; `Ok(None)`
    /// for an id already marked processed. KObject deliveries come back as
    /// [`KustomerEvent::KObject`]; call [`Self::mark_processed`] once handled.
    pub fn check_kustomer(&self, body: &[u8], headers: &HeaderMap) -> Result<Option<KustomerEvent>> {
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::invalid_input("webhook body over 1 MiB"));
        }
        self.verify(body, headers)?;
        let event = parse_kustomer_event(body, &self.base_url)?;
        let id = match &event {
            KustomerEvent::KObject(k) => &k.id,
            KustomerEvent::Normalized(e) => &e.id,
        };
        if self.dedupe_lock().is_some_and(|mut d| d.contains(id)) {
            return Ok(None);
        }
        Ok(Some(event))
    }
}

/// A `*.delete` event carries the record as it was: mark it deleted.
fn mark_deleted(object: &mut EventObject) {
    match object {
        EventObject::Ticket(r) => r.remote_was_deleted = true,
        EventObject::Comment(r) => r.remote_was_deleted = true,
        EventObject::Contact(r) => r.remote_was_deleted = true,
        EventObject::Account(r) => r.remote_was_deleted = true,
        EventObject::User(r) => r.remote_was_deleted = true,
        EventObject::Team(r) => r.remote_was_deleted = true,
        EventObject::Tag(r) => r.remote_was_deleted = true,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt1","name":"kustomer.conversation.update","createdAt":"2024-03-01T10:00:00.000Z","data":{"type":"conversation","id":"c1","attributes":{"status":"snoozed","name":"Hi"},"relationships":{"customer":{"data":{"type":"customer","id":"p1"}}}}}"#;

    fn headers(sig: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(SIGNATURE_HEADER, sig.parse().expect("hv"));
        h
    }

    #[test]
    fn signed_delivery_is_accepted_and_mapped() {
        let r = WebhookReceiver::new().signing_token("tok");
        let e = r.receive(BODY, &headers(&sign("tok", BODY))).expect("ok").expect("not a dup");
        assert_eq!(e.kind, EventKind::TicketUpdated);
        match e.object {
            EventObject::Ticket(t) => {
                assert_eq!(t.status, Some(unidesk_core::TicketStatus::OnHold));
                assert_eq!(t.contact_id.as_deref(), Some("p1"));
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn bad_missing_or_malformed_signatures_are_rejected() {
        let r = WebhookReceiver::new().signing_token("tok");
        let bad = sign("other", BODY);
        for h in [headers(&bad), headers("zz-not-hex"), headers(""), HeaderMap::new()] {
            assert!(matches!(r.receive(BODY, &h), Err(Error::Unauthenticated { .. })));
        }
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert!(matches!(r.receive(&tampered, &headers(&sign("tok", BODY))), Err(Error::Unauthenticated { .. })));
    }

    #[test]
    fn shared_secret_and_dedupe() {
        let r = WebhookReceiver::new().shared_secret("X-Hook-Secret", "s3cret").dedupe(2);
        let mut h = HeaderMap::new();
        h.insert("x-hook-secret", "s3cret".parse().expect("hv"));
        assert!(r.receive(BODY, &h).expect("ok").is_some());
        assert!(r.receive(BODY, &h).expect("ok").is_none(), "duplicate dropped");
        h.insert("x-hook-secret", "wrong!".parse().expect("hv"));
        assert!(matches!(r.receive(BODY, &h), Err(Error::Unauthenticated { .. })));
        assert!(!format!("{r:?}").contains("s3cret"));
    }

    #[test]
    fn unknown_names_and_malformed_bodies() {
        let body =
            br#"{"id":"e2","name":"kustomer.kobject.create","data":{"type":"kobject.order","id":"k","attributes":{}}}"#;
        let e = parse_event(body, "").expect("unknown kinds are events");
        assert_eq!(e.kind, EventKind::Unknown("kustomer.kobject.create".into()));
        assert!(matches!(e.object, EventObject::Unknown(_)));
        assert!(matches!(parse_event(b"{\"id\":", ""), Err(Error::Decode { .. })));
        assert!(matches!(parse_event(b"[]", ""), Err(Error::Decode { .. })));
    }

    #[test]
    fn kobject_deliveries_are_typed_and_others_stay_normalized() {
        let body = br#"{"id":"e9","name":"kustomer.kobject.order.update","createdAt":"2026-11-02T10:00:00.000Z","data":{"type":"kobject.order","id":"k1","attributes":{"title":"Order 1042","custom":{"totalNum":42.5},"updatedAt":"2026-11-02T10:00:00.000Z"},"relationships":{"customer":{"data":{"type":"customer","id":"p1"}}}},"changes":{"attributes":{"title":{"op":"replace","before":"Order","after":"Order 1042"}}}}"#;
        let r = WebhookReceiver::new().signing_token("tok").dedupe(8);
        let event = r.check_kustomer(body, &headers(&sign("tok", body))).expect("verified").expect("new");
        let KustomerEvent::KObject(k) = event else { panic!("typed as a KObject event") };
        assert_eq!((k.klass.as_str(), &k.action, k.id.as_str()), ("order", &KObjectAction::Updated, "e9"));
        assert_eq!((k.object.id.as_str(), k.object.customer_id.as_deref()), ("k1", Some("p1")));
        assert_eq!(k.object.custom["totalNum"], serde_json::json!(42.5));
        assert_eq!(k.changes["title"].after, "Order 1042");
        r.mark_processed("e9");
        assert!(r.check_kustomer(body, &headers(&sign("tok", body))).expect("ok").is_none(), "a duplicate");
        assert!(matches!(r.check_kustomer(body, &headers("00")), Err(Error::Unauthenticated { .. })));
        // The normalized parser still reports it as an unknown kind, unchanged.
        assert_eq!(
            parse_event(body, "").expect("parses").kind,
            EventKind::Unknown("kustomer.kobject.order.update".into())
        );
        let other = parse_kustomer_event(BODY, "").expect("conversation");
        assert!(matches!(other, KustomerEvent::Normalized(Event { kind: EventKind::TicketUpdated, .. })));
        let odd = br#"{"id":"e10","name":"kustomer.kobject.order.archive","data":{"type":"kobject.order","id":"k1","attributes":{}}}"#;
        let KustomerEvent::KObject(k) = parse_kustomer_event(odd, "").expect("parses") else { panic!("kobject") };
        assert_eq!(k.action, KObjectAction::Unknown("archive".into()));
    }
}
