//! One Kustomer record, stored compactly, and its JSON rendering.
//!
//! A record keeps what listing and search filter and sort on typed (its clock,
//! its relationships, a customer's lookup keys) and its attributes as
//! pre-serialized JSON. Rendering splices `createdAt`/`updatedAt` and the
//! relationships in, producing exactly what serializing the record as a
//! `serde_json::Value` (keys sorted) would.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::coll::Coll;

/// A record id as it appears in paths and bodies.
pub(crate) type Id = Box<str>;

/// The relationship names records carry, in JSON key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RelName {
    /// A message's attachments.
    Attachments,
    /// A customer's company.
    Company,
    /// A message's or note's conversation.
    Conversation,
    /// The user who wrote a message or note.
    CreatedBy,
    /// The customer a record belongs to.
    Customer,
}

impl RelName {
    /// The JSON key.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RelName::Attachments => "attachments",
            RelName::Company => "company",
            RelName::Conversation => "conversation",
            RelName::CreatedBy => "createdBy",
            RelName::Customer => "customer",
        }
    }
}

/// What a relationship points at.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// `{"data":{"id","type"},"links":{"self":"/v1/<type>s/<id>"}}`, as seeded records have.
    Linked(&'static str, Id),
    /// `{"data":{"id","type"}}`, as writes set them.
    Bare(&'static str, Id),
    /// `{"data":[{"id","type":"attachment"}…]}`.
    Attachments(Box<[Id]>),
}

/// A named relationship.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    /// Its key under `relationships`.
    pub(crate) name: RelName,
    /// What it points at.
    pub(crate) target: Target,
}

/// What customer lookups compare: every email and the external id.
#[derive(Debug, Clone)]
pub(crate) struct CustomerKeys {
    /// The `email` of each entry of `emails`.
    pub(crate) emails: Box<[Box<str>]>,
    /// `externalId`, when a string.
    pub(crate) external_id: Option<Box<str>>,
    /// The `phone` of each entry of `phones`, normalized by [`phone_key`].
    pub(crate) phones: Box<[Box<str>]>,
}

/// A phone number as lookups compare it: without spaces, dashes, dots and parentheses.
pub(crate) fn phone_key(phone: &str) -> String {
    phone.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect()
}

/// A stored record.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    /// `createdAt`.
    pub(crate) created: DateTime<Utc>,
    /// `updatedAt`.
    pub(crate) updated: DateTime<Utc>,
    /// The attributes other than the clock, each `"key":value,` in key order.
    attrs: Box<str>,
    /// Where `createdAt` and `updatedAt` go in `attrs`.
    cut: [u32; 2],
    /// Relationships in key order.
    rels: Box<[Rel]>,
    /// Set on customers.
    keys: Option<Box<CustomerKeys>>,
    /// Deleted (by a `DELETE`): kept, with `deleted: true` among its attributes, but only a
    /// search with `includeDeleted` still finds it.
    deleted: bool,
}

/// A record being built or changed, with its attributes as a JSON map.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    /// `createdAt`.
    pub(crate) created: DateTime<Utc>,
    /// `updatedAt`.
    pub(crate) updated: DateTime<Utc>,
    /// The attributes (a `createdAt`/`updatedAt` here is ignored: the clock wins).
    pub(crate) attrs: Map<String, Value>,
    /// Relationships in key order.
    rels: Vec<Rel>,
    /// Whether the record is deleted (see [`Rec::is_deleted`]).
    pub(crate) deleted: bool,
}

impl Draft {
    /// An empty record with its clock.
    pub(crate) fn new(created: DateTime<Utc>, updated: DateTime<Utc>) -> Self {
        Draft { created, updated, attrs: Map::new(), rels: Vec::new(), deleted: false }
    }

    /// Sets an attribute, unless `v` is null.
    pub(crate) fn attr(mut self, k: &str, v: Value) -> Self {
        if !v.is_null() {
            self.attrs.insert(k.to_owned(), v);
        }
        self
    }

    /// Adds a relationship with a `links.self`, as seeded records have.
    pub(crate) fn rel(mut self, name: RelName, kind: &'static str, id: &str) -> Self {
        self.set_rel(name, Target::Linked(kind, id.into()));
        self
    }

    /// Sets (or replaces) a relationship.
    pub(crate) fn set_rel(&mut self, name: RelName, target: Target) {
        match self.rels.binary_search_by(|r| r.name.cmp(&name)) {
            Ok(i) => self.rels[i].target = target,
            Err(i) => self.rels.insert(i, Rel { name, target }),
        }
    }

    /// The stored form of this record in `coll`.
    pub(crate) fn into_rec(self, coll: Coll) -> Rec {
        let mut attrs = Vec::new();
        let mut cut = [None, None];
        for (k, v) in &self.attrs {
            if k == "createdAt" || k == "updatedAt" {
                continue;
            }
            for (slot, after) in cut.iter_mut().zip(["createdAt", "updatedAt"]) {
                if slot.is_none() && k.as_str() > after {
                    *slot = Some(attrs.len());
                }
            }
            push_json(&mut attrs, &Value::String(k.clone()));
            attrs.push(b':');
            push_json(&mut attrs, v);
            attrs.push(b',');
        }
        let attrs = String::from_utf8(attrs).unwrap_or_default();
        let at = |c: Option<usize>| u32::try_from(c.unwrap_or(attrs.len())).unwrap_or(u32::MAX);
        let cut = [at(cut[0]), at(cut[1])];
        let keys = (coll == Coll::Customers).then(|| {
            let emails = self
                .attrs
                .get("emails")
                .and_then(Value::as_array)
                .map(|es| es.iter().filter_map(|e| e.get("email").and_then(Value::as_str)).map(Box::from).collect())
                .unwrap_or_default();
            let external_id = self.attrs.get("externalId").and_then(Value::as_str).map(Box::from);
            let phones = self
                .attrs
                .get("phones")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| p.get("phone").and_then(Value::as_str))
                        .map(|p| phone_key(p).into_boxed_str())
                        .collect()
                })
                .unwrap_or_default();
            Box::new(CustomerKeys { emails, external_id, phones })
        });
        Rec {
            created: self.created,
            updated: self.updated,
            attrs: attrs.into_boxed_str(),
            cut,
            rels: self.rels.into_boxed_slice(),
            keys,
            deleted: self.deleted,
        }
    }
}

impl Rec {
    /// The record back as a draft, to change it.
    pub(crate) fn draft(&self) -> Draft {
        let body = self.attrs.strip_suffix(',').unwrap_or(&self.attrs);
        let attrs = serde_json::from_str(&format!("{{{body}}}")).unwrap_or_default();
        Draft { created: self.created, updated: self.updated, attrs, rels: self.rels.to_vec(), deleted: self.deleted }
    }

    /// Whether the record was deleted: default listings, gets and searches leave it out; a
    /// search with `includeDeleted` lists it.
    pub(crate) fn is_deleted(&self) -> bool {
        self.deleted
    }

    /// The record deleted at `now`: `deleted: true` among its attributes, `updatedAt` moved.
    pub(crate) fn deleted_at(&self, coll: Coll, now: DateTime<Utc>) -> Rec {
        let mut d = self.draft();
        d.attrs.insert("deleted".into(), Value::Bool(true));
        d.deleted = true;
        d.updated = now;
        d.into_rec(coll)
    }

    /// Whether top-level attribute `key` is the string `value` (a scan of the serialized
    /// attributes, no parsing).
    pub(crate) fn attr_is(&self, key: &str, value: &str) -> bool {
        let mut pat = Vec::with_capacity(key.len() + value.len() + 6);
        push_str(&mut pat, key);
        pat.push(b':');
        push_str(&mut pat, value);
        pat.push(b',');
        std::str::from_utf8(&pat).is_ok_and(|p| self.attrs.starts_with(p) || self.attrs.contains(&format!(",{p}")))
    }

    /// The id a one-record relationship points at.
    pub(crate) fn rel_id(&self, name: RelName) -> Option<&str> {
        match &self.rels.iter().find(|r| r.name == name)?.target {
            Target::Linked(_, id) | Target::Bare(_, id) => Some(id),
            Target::Attachments(_) => None,
        }
    }

    /// The ids under `relationships.attachments`.
    pub(crate) fn attachment_ids(&self) -> &[Id] {
        self.rels
            .iter()
            .find_map(|r| match &r.target {
                Target::Attachments(ids) => Some(&ids[..]),
                _ => None,
            })
            .unwrap_or(&[])
    }

    /// A customer's lookup keys (`None` on other records).
    pub(crate) fn customer_keys(&self) -> Option<&CustomerKeys> {
        self.keys.as_deref()
    }

    /// Appends the record as Kustomer renders it (`type`, `id`, `attributes`, `relationships`, `links`).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>, coll: Coll, id: &str) {
        let a = self.attrs.as_bytes();
        let c0 = (self.cut[0] as usize).min(a.len());
        let c1 = (self.cut[1] as usize).clamp(c0, a.len());
        out.extend_from_slice(b"{\"attributes\":{");
        out.extend_from_slice(&a[..c0]);
        out.extend_from_slice(b"\"createdAt\":");
        push_str(out, &ts(self.created));
        out.push(b',');
        out.extend_from_slice(&a[c0..c1]);
        out.extend_from_slice(b"\"updatedAt\":");
        push_str(out, &ts(self.updated));
        if let Some(rest) = a[c1..].strip_suffix(b",").filter(|r| !r.is_empty()) {
            out.push(b',');
            out.extend_from_slice(rest);
        }
        out.extend_from_slice(b"},\"id\":");
        push_str(out, id);
        out.extend_from_slice(b",\"links\":{\"self\":");
        push_str(out, &format!("/v1/{}/{id}", coll.path()));
        out.extend_from_slice(b"},\"relationships\":{");
        for (i, rel) in self.rels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, rel.name.as_str());
            out.push(b':');
            write_target(out, &rel.target);
        }
        out.extend_from_slice(b"},\"type\":");
        push_str(out, coll.kind());
        out.push(b'}');
    }
}

fn write_target(out: &mut Vec<u8>, target: &Target) {
    match target {
        Target::Linked(kind, id) | Target::Bare(kind, id) => {
            out.extend_from_slice(b"{\"data\":{\"id\":");
            push_str(out, id);
            out.extend_from_slice(b",\"type\":");
            push_str(out, kind);
            out.push(b'}');
            if matches!(target, Target::Linked(..)) {
                out.extend_from_slice(b",\"links\":{\"self\":");
                push_str(out, &format!("/v1/{kind}s/{id}"));
                out.push(b'}');
            }
            out.push(b'}');
        }
        Target::Attachments(ids) => {
            out.extend_from_slice(b"{\"data\":[");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"id\":");
                push_str(out, id);
                out.extend_from_slice(b",\"type\":\"attachment\"}");
            }
            out.extend_from_slice(b"]}");
        }
    }
}

/// Appends `v` as compact JSON.
pub(crate) fn push_json(out: &mut Vec<u8>, v: &Value) {
    // Writing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// Appends `s` as a JSON string.
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Kustomer-style timestamp with milliseconds.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    /// The record as a `serde_json::Value`, rendered the way the simulator did before records were stored compactly.
    fn reference(d: &Draft, coll: Coll, id: &str) -> Vec<u8> {
        let mut attrs = d.attrs.clone();
        attrs.insert("createdAt".into(), json!(ts(d.created)));
        attrs.insert("updatedAt".into(), json!(ts(d.updated)));
        let rels: Map<String, Value> = d
            .rels
            .iter()
            .map(|r| {
                let v = match &r.target {
                    Target::Linked(k, i) => {
                        json!({ "data": { "type": k, "id": i }, "links": { "self": format!("/v1/{k}s/{i}") } })
                    }
                    Target::Bare(k, i) => json!({ "data": { "type": k, "id": i } }),
                    Target::Attachments(ids) => {
                        json!({ "data": ids.iter().map(|i| json!({ "type": "attachment", "id": i })).collect::<Vec<_>>() })
                    }
                };
                (r.name.as_str().to_owned(), v)
            })
            .collect();
        let doc = json!({ "type": coll.kind(), "id": id, "attributes": attrs, "relationships": rels,
            "links": { "self": format!("/v1/{}/{id}", coll.path()) } });
        serde_json::to_vec(&doc).unwrap_or_default()
    }

    fn render(rec: &Rec, coll: Coll, id: &str) -> String {
        let mut out = Vec::new();
        rec.write_json(&mut out, coll, id);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn compact_records_render_like_values() {
        let t = |s: i64| Utc.timestamp_opt(1_700_000_000 + s, 0).single().unwrap_or_default();
        let mut drafts = vec![
            Draft::new(t(0), t(5)),
            Draft::new(t(1), t(1)).attr("name", json!("x")),
            Draft::new(t(2), t(3))
                .attr("a", json!(1))
                .attr("cz", json!([1.5, null, "q\"uote"]))
                .attr("createdAt", json!("ignored"))
                .attr("created", json!(true))
                .attr("d", json!({ "z": 1, "a": { "b": "é ✓ \u{1}" } }))
                .attr("updatedAt", json!("ignored"))
                .attr("updated", json!(2))
                .attr("website", json!("https://x/y"))
                .attr("\"odd\\key", json!("v"))
                .rel(RelName::Customer, "customer", "c\"1")
                .rel(RelName::Conversation, "conversation", "conv/2"),
            Draft::new(t(4), t(4)).attr("zeta", json!("last")).attr("b", json!(null)),
        ];
        drafts[0].set_rel(RelName::Attachments, Target::Attachments(Box::new(["a1".into(), "a2".into()])));
        drafts[0].set_rel(RelName::CreatedBy, Target::Bare("user", "u1".into()));
        drafts[1].set_rel(RelName::Company, Target::Bare("company", "k".into()));
        for (i, d) in drafts.into_iter().enumerate() {
            for coll in [Coll::Conversations, Coll::Customers, Coll::Messages] {
                let id = format!("id-{i}\"\\");
                let rec = d.clone().into_rec(coll);
                let want = String::from_utf8(reference(&d, coll, &id)).unwrap_or_default();
                assert_eq!(render(&rec, coll, &id), want, "draft {i} in {coll:?}");
                // Back to a draft and stored again: the same bytes.
                let again = rec.draft().into_rec(coll);
                assert_eq!(render(&again, coll, &id), want, "draft {i} round trip");
            }
        }
    }

    #[test]
    fn a_deleted_record_is_marked_moved_in_time_and_stays_deleted_through_drafts() {
        let t = |s: i64| Utc.timestamp_opt(1_700_000_000 + s, 0).single().unwrap_or_default();
        let rec = Draft::new(t(0), t(1)).attr("name", json!("x")).into_rec(Coll::Conversations);
        assert!(!rec.is_deleted());
        let gone = rec.deleted_at(Coll::Conversations, t(9));
        assert!(gone.is_deleted() && gone.draft().into_rec(Coll::Conversations).is_deleted());
        let text = render(&gone, Coll::Conversations, "c1");
        let doc: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(doc["attributes"]["deleted"], true);
        assert_eq!(doc["attributes"]["updatedAt"], ts(t(9)));
        assert_eq!(doc["attributes"]["createdAt"], ts(t(0)));
        assert_eq!(doc["attributes"]["name"], "x");
    }

    #[test]
    fn customer_keys_come_from_emails_and_external_id() {
        let now = Utc::now();
        let d = Draft::new(now, now)
            .attr("emails", json!([{ "email": "A@x" }, { "phone": "1" }, { "email": "b@y" }]))
            .attr("externalId", json!("e-1"));
        let rec = d.clone().into_rec(Coll::Customers);
        let keys = rec.customer_keys().map(|k| (k.emails.to_vec(), k.external_id.clone()));
        assert_eq!(keys, Some((vec!["A@x".into(), "b@y".into()], Some("e-1".into()))));
        assert!(d.into_rec(Coll::Companies).customer_keys().is_none());
    }
}
