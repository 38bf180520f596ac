//! Tickets: TicketSQL searches keyed on the ticket number, and writes checked by reading back.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Map, Value, json};
use unidesk_core::{
    CustomFields, Error, FieldError, ListQuery, Page, Resource, Result, Ticket, TicketCreate, TicketStatus,
    TicketUpdate, Tickets,
};

use super::{bad_record, messages, rt_id, rt_number};
use crate::client::{Call, RtClient};
use crate::map::{self, priority_to_rt, status_to_rt};
use crate::sql::{Sql, TimeMode};
use crate::wire::parse_u64;

/// What a write asked for, to check against the ticket read back (RT answers 200 even when it
/// refused a field, or silently left the owner as Nobody).
#[derive(Debug, Default)]
struct Expect {
    subject: Option<String>,
    status: Option<TicketStatus>,
    priority: Option<i64>,
    assignees: Option<Vec<String>>,
    team: Option<String>,
    tags: Option<Vec<String>>,
    custom_fields: Vec<(String, Vec<String>)>,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    let message = message.into();
    Error::Validation {
        message: format!("{field}: {message}"),
        field_errors: vec![FieldError { field: Some(field.to_owned()), message }],
    }
}

/// A custom field value as RT takes it: text, or a list of texts (`null` clears the field).
fn cf_values(name: &str, v: &Value) -> Result<Vec<String>> {
    let one = |v: &Value| {
        crate::wire::value_text(v)
            .ok_or_else(|| invalid("custom_fields", format!("{name}: values must be text or numbers")))
    };
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

impl Expect {
    /// The fields RT did not set as asked.
    fn unmet(&self, got: &Ticket) -> Vec<&'static str> {
        let mut out = Vec::new();
        if let Some(s) = &self.subject
            && got.subject.as_deref().unwrap_or_default() != s.trim()
        {
            out.push("subject");
        }
        if let Some(s) = &self.status {
            let ok = match s {
                TicketStatus::Unknown(raw) => got.remote_status.as_deref() == Some(raw.as_str()),
                known => got.status.as_ref() == Some(known),
            };
            if !ok {
                out.push("status");
            }
        }
        if let Some(p) = self.priority
            && got.remote_priority.as_deref().and_then(|r| r.trim().parse::<i64>().ok()) != Some(p)
        {
            out.push("priority");
        }
        if let Some(a) = &self.assignees
            && &got.assignee_ids != a
        {
            out.push("assignee_ids");
        }
        if let Some(t) = &self.team
            && got.team_ids.first() != Some(t)
        {
            out.push("team_ids");
        }
        if let Some(t) = &self.tags
            && sorted(got.tag_ids.clone()) != sorted(t.clone())
        {
            out.push("tag_ids");
        }
        for (name, want) in &self.custom_fields {
            let have: Vec<String> = match got.custom_fields.get(name) {
                Some(Value::Array(v)) => v.iter().filter_map(crate::wire::value_text).collect(),
                _ => Vec::new(),
            };
            if sorted(have) != sorted(want.clone()) {
                out.push("custom_fields");
                break;
            }
        }
        out
    }
}

impl RtClient {
    fn tags_field_name(&self) -> Option<&str> {
        self.inner.tags_field.as_deref()
    }

    /// One ticket by number through the same search as listings (so `get` equals the listed
    /// record); deleted and merged-away tickets are not found.
    pub(crate) async fn fetch_ticket(&self, n: u64, raw: bool, id: &str) -> Result<Ticket> {
        let sql = Sql::new().and(format!("id = {n}"));
        let items = self.search_tickets(&sql, 1).await?;
        let (item, json) =
            items.into_iter().find(|(t, _)| t.id == n).ok_or_else(|| Error::not_found(Resource::Ticket, id))?;
        map::ticket(&item, &json, &self.ctx(raw)).map_err(|why| bad_record("/tickets", why))
    }

    /// The tag values the tags field offers (empty for a free-form field), checking that it exists.
    pub(crate) async fn tag_values(&self) -> Result<Vec<String>> {
        let Some(field) = self.tags_field_name() else { return Ok(Vec::new()) };
        let id = self
            .inner
            .cache
            .tags_cf
            .get_or_try_init(|| async {
                let q = json!([{"field": "Name", "value": field}, {"field": "LookupType", "value": "RT::Queue-RT::Ticket"}]);
                let call = Call::get("/customfields", "/customfields").query("query", Self::json_query(q)).query("fields", "Name");
                let c: crate::wire::Collection = self.json(&call).await?;
                c.items
                    .iter()
                    .find(|cf| cf.get("Name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(field)))
                    .and_then(|cf| cf.get("id").and_then(crate::wire::value_u64))
                    .ok_or_else(|| Error::invalid_input(format!("RT has no ticket custom field {field:?} for tags")))
            })
            .await?;
        let cf: crate::wire::CustomFieldRecord =
            self.json(&Call::get(format!("/customfield/{id}"), "/customfield/{id}")).await?;
        Ok(cf.values)
    }

    /// Checks tags against the tags field's values; `Unsupported` without a tags field.
    async fn check_tags(&self, tags: &[String], op: unidesk_core::Operation) -> Result<()> {
        if tags.is_empty() {
            return Ok(());
        }
        if self.tags_field_name().is_none() {
            return Err(match op {
                unidesk_core::Operation::Create => {
                    invalid("tag_ids", "RT has no tags: configure a tags custom field (RtBuilder::tags_field)")
                }
                _ => Error::unsupported(Resource::Ticket, op, crate::ADAPTER),
            });
        }
        let offered = self.tag_values().await?;
        if let Some(bad) = tags.iter().find(|t| !offered.is_empty() && !offered.contains(t)) {
            return Err(invalid(
                "tag_ids",
                format!("{bad:?} is not a value of the tags field (known: {})", offered.join(", ")),
            ));
        }
        Ok(())
    }

    /// The custom-field part of a write body, and what to expect back.
    fn cf_body(&self, fields: &CustomFields, body: &mut Map<String, Value>, expect: &mut Expect) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let cfs = body.entry("CustomFields").or_insert_with(|| json!({}));
        for (name, value) in fields {
            if self.tags_field_name() == Some(name.as_str()) {
                return Err(invalid("custom_fields", format!("{name:?} holds the tags: write tag_ids instead")));
            }
            let values = cf_values(name, value)?;
            if let Some(o) = cfs.as_object_mut() {
                o.insert(name.clone(), json!(values));
            }
            expect.custom_fields.push((name.clone(), values));
        }
        Ok(())
    }

    /// The single owner a list of assignees names (`Nobody` for none).
    fn owner(ids: &[String]) -> Result<(String, Vec<String>)> {
        match ids {
            [] => Ok(("Nobody".into(), Vec::new())),
            [one] => {
                let n =
                    rt_number(one)?.ok_or_else(|| invalid("assignee_ids", format!("{one:?} is not an RT user id")))?;
                Ok((n.to_string(), vec![n.to_string()]))
            }
            _ => Err(invalid("assignee_ids", "an RT ticket has one owner")),
        }
    }

    /// The queue a list of teams names.
    fn queue(ids: &[String]) -> Result<String> {
        match ids {
            [one] => Ok(rt_number(one)?
                .ok_or_else(|| invalid("team_ids", format!("{one:?} is not an RT queue id")))?
                .to_string()),
            _ => Err(invalid("team_ids", "an RT ticket is in exactly one queue")),
        }
    }

    /// Reads the ticket back and fails with `Validation` when a field was not applied.
    async fn verified(&self, n: u64, id: &str, expect: &Expect, said: &[String], created: bool) -> Result<Ticket> {
        let got = self.fetch_ticket(n, false, id).await?;
        let unmet = expect.unmet(&got);
        if unmet.is_empty() {
            return Ok(got);
        }
        let said = self.secrets().safe(&said.join("; "));
        let what =
            if created { format!("ticket {n} was created, but RT did not set") } else { "RT did not apply".into() };
        let hint =
            if unmet.contains(&"assignee_ids") { " (an owner needs the OwnTicket right in the queue)" } else { "" };
        Err(Error::Validation {
            message: format!("{what} {}{hint}; RT said: {said}", unmet.join(", ")),
            field_errors: unmet
                .iter()
                .map(|f| FieldError {
                    field: Some((*f).to_owned()),
                    message: format!("not applied by RT; RT said: {said}"),
                })
                .collect(),
        })
    }

    /// PUTs `body` and checks the result.
    async fn put_ticket(&self, n: u64, id: &str, body: Map<String, Value>, expect: &Expect) -> Result<Ticket> {
        let call = Call::write(Method::PUT, format!("/ticket/{n}"), "/ticket/{id}", Some(Value::Object(body)))
            .not_found(Resource::Ticket, id);
        let reply = self.send(&call).await?;
        let said = messages(self, "/ticket/{id}", &reply.body)?;
        self.verified(n, id, expect, &said, false).await
    }
}

#[async_trait]
impl Tickets for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Ticket>> {
        let size = self.page_size(q, Resource::Ticket)?;
        let after: u64 = self.cursor_state(q, Resource::Ticket)?.unwrap_or(0);
        let contact = match &q.contact_id {
            Some(c) => match rt_number(c)? {
                Some(n) => Some(n),
                None => return Ok(Page::last(Vec::new())),
            },
            None => None,
        };
        let mode = if q.updated_after.is_some() || q.created_after.is_some() {
            self.time_mode().await?
        } else {
            TimeMode::Utc
        };
        let mut sql = Sql::new().and(format!("id > {after}")).since("LastUpdated", q.updated_after, mode).since(
            "Created",
            q.created_after,
            mode,
        );
        if let Some(c) = contact {
            sql = sql.and(format!("Requestor.id = {c}"));
        }
        let mut items = self.search_tickets(&sql, size + 1).await?;
        let mut prev = after;
        for (t, _) in &items {
            if t.id <= prev {
                return Err(Error::decode("/tickets", "RT returned tickets out of id order"));
            }
            prev = t.id;
        }
        let more = items.len() > size;
        items.truncate(size);
        let last = items.last().map(|(t, _)| t.id);
        let ctx = self.ctx(q.include_remote_data);
        let mut out = Vec::with_capacity(items.len());
        for (item, json) in &items {
            let t = map::ticket(item, json, &ctx).map_err(|why| bad_record("/tickets", why))?;
            // RT compares whole seconds (and maybe in a widened window): the exact filter is here.
            if q.matches_times(t.created_at, t.updated_at) && (q.contact_id.is_none() || t.contact_id == q.contact_id) {
                out.push(t);
            }
        }
        let next_cursor = match (more, last) {
            (true, Some(last)) => Some(self.next_cursor(q, Resource::Ticket, last)?),
            _ => None,
        };
        Ok(Page { items: out, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket> {
        let n = rt_id(id, Resource::Ticket)?;
        self.fetch_ticket(n, include_remote_data, id).await
    }

    async fn create(&self, input: &TicketCreate) -> Result<Ticket> {
        let contact = rt_number(&input.contact_id)?
            .ok_or_else(|| invalid("contact_id", format!("{:?} is not an RT user id", input.contact_id)))?;
        let mut body = Map::new();
        let mut expect = Expect::default();
        // RT cannot create a ticket as stalled: it is created, then set stalled.
        let mut then_status = None;
        match &input.status {
            None => {}
            Some(TicketStatus::OnHold) => then_status = Some("stalled".to_owned()),
            Some(s) => {
                body.insert("Status".into(), json!(status_to_rt(s).map_err(|m| invalid("status", m))?));
            }
        }
        expect.status = input.status.clone();
        if let Some(p) = &input.priority {
            let n = priority_to_rt(p).map_err(|m| invalid("priority", m))?;
            body.insert("Priority".into(), json!(n));
            expect.priority = Some(n);
        }
        if !input.assignee_ids.is_empty() {
            let (owner, ids) = Self::owner(&input.assignee_ids)?;
            body.insert("Owner".into(), json!(owner));
            expect.assignees = Some(ids);
        }
        let queue = if input.team_ids.is_empty() {
            self.inner.default_queue.clone()
        } else {
            let q = Self::queue(&input.team_ids)?;
            expect.team = Some(q.clone());
            q
        };
        body.insert("Queue".into(), json!(queue));
        if let Some(s) = &input.subject {
            body.insert("Subject".into(), json!(s));
            expect.subject = Some(s.clone());
        }
        if let Some(d) = input.description.as_ref().filter(|d| !d.trim().is_empty()) {
            body.insert("Content".into(), json!(d));
            body.insert("ContentType".into(), json!("text/plain"));
        }
        self.check_tags(&input.tag_ids, unidesk_core::Operation::Create).await?;
        self.cf_body(&input.custom_fields, &mut body, &mut expect)?;
        if let Some(field) = self.tags_field_name().filter(|_| !input.tag_ids.is_empty()) {
            let cfs = body.entry("CustomFields").or_insert_with(|| json!({}));
            if let Some(o) = cfs.as_object_mut() {
                o.insert(field.to_owned(), json!(input.tag_ids));
            }
            expect.tags = Some(input.tag_ids.clone());
        }
        // The requestor must be an RT user: RT would otherwise create one named after the number.
        let user = format!("/user/{contact}");
        self.send(&Call::get(user, "/user/{id}").not_found(Resource::Contact, &input.contact_id)).await.map_err(
            |e| match e {
                Error::NotFound { .. } => invalid("contact_id", format!("no RT user {contact}")),
                other => other,
            },
        )?;
        body.insert("Requestor".into(), json!([contact.to_string()]));
        let created: Value =
            self.json(&Call::write(Method::POST, "/ticket", "/ticket", Some(Value::Object(body)))).await?;
        let n = created
            .get("id")
            .and_then(crate::wire::value_u64)
            .ok_or_else(|| Error::decode("/ticket", "RT created a ticket without saying its id"))?;
        let id = n.to_string();
        let mut said = Vec::new();
        if let Some(status) = then_status {
            let call =
                Call::write(Method::PUT, format!("/ticket/{n}"), "/ticket/{id}", Some(json!({"Status": status})));
            let reply = self.send(&call).await?;
            said = messages(self, "/ticket/{id}", &reply.body)?;
        }
        self.verified(n, &id, &expect, &said, true).await
    }

    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket> {
        let n = rt_id(id, Resource::Ticket)?;
        let mut body = Map::new();
        let mut expect = Expect::default();
        if let Some(s) = &patch.status {
            body.insert("Status".into(), json!(status_to_rt(s).map_err(|m| invalid("status", m))?));
            expect.status = Some(s.clone());
        }
        if let Some(p) = &patch.priority {
            let v = priority_to_rt(p).map_err(|m| invalid("priority", m))?;
            body.insert("Priority".into(), json!(v));
            expect.priority = Some(v);
        }
        if let Some(a) = &patch.assignee_ids {
            let (owner, ids) = Self::owner(a)?;
            body.insert("Owner".into(), json!(owner));
            expect.assignees = Some(ids);
        }
        if let Some(t) = &patch.team_ids {
            let q = Self::queue(t)?;
            body.insert("Queue".into(), json!(q));
            expect.team = Some(q);
        }
        if let Some(s) = &patch.subject {
            body.insert("Subject".into(), json!(s));
            expect.subject = Some(s.clone());
        }
        if let Some(cfs) = &patch.custom_fields {
            self.cf_body(cfs, &mut body, &mut expect)?;
        }
        // A deleted ticket is not found; it is not written to either.
        let current = self.fetch_ticket(n, false, id).await?;
        if body.is_empty() {
            return Ok(current);
        }
        self.put_ticket(n, id, body, &expect).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let n = rt_id(id, Resource::Ticket)?;
        self.fetch_ticket(n, false, id).await?;
        let call =
            Call::write(Method::DELETE, format!("/ticket/{n}"), "/ticket/{id}", None).not_found(Resource::Ticket, id);
        self.send(&call).await.map(|_| ())
    }

    async fn add_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        let n = rt_id(id, Resource::Ticket)?;
        self.check_tags(tag_ids, unidesk_core::Operation::AddTags).await?;
        let current = self.fetch_ticket(n, false, id).await?;
        let mut tags = current.tag_ids.clone();
        for t in tag_ids {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        self.write_tags(n, id, current, tags).await
    }

    async fn remove_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket> {
        let n = rt_id(id, Resource::Ticket)?;
        if self.tags_field_name().is_none() {
            return Err(Error::unsupported(Resource::Ticket, unidesk_core::Operation::RemoveTags, crate::ADAPTER));
        }
        let current = self.fetch_ticket(n, false, id).await?;
        let tags: Vec<String> = current.tag_ids.iter().filter(|t| !tag_ids.contains(t)).cloned().collect();
        self.write_tags(n, id, current, tags).await
    }
}

impl RtClient {
    async fn write_tags(&self, n: u64, id: &str, current: Ticket, tags: Vec<String>) -> Result<Ticket> {
        if tags == current.tag_ids {
            return Ok(current);
        }
        let field = self.tags_field_name().unwrap_or_default().to_owned();
        let mut body = Map::new();
        body.insert("CustomFields".into(), json!({ field: tags }));
        let expect = Expect { tags: Some(tags), ..Expect::default() };
        self.put_ticket(n, id, body, &expect).await
    }
}

/// The number in a `Location: /REST/2.0/<kind>/<n>` header.
pub(crate) fn location_id(headers: &reqwest::header::HeaderMap, kind: &str) -> Option<u64> {
    let loc = headers.get(reqwest::header::LOCATION)?.to_str().ok()?;
    let tail = loc.trim_end_matches('/').rsplit_once(&format!("/{kind}/"))?.1;
    parse_u64(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_the_created_record() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(location_id(&h, "transaction"), None);
        h.insert(reqwest::header::LOCATION, "/REST/2.0/transaction/38".parse().expect("header"));
        assert_eq!(location_id(&h, "transaction"), Some(38));
        assert_eq!(location_id(&h, "ticket"), None);
        h.insert(reqwest::header::LOCATION, "/REST/2.0/transaction/x".parse().expect("header"));
        assert_eq!(location_id(&h, "transaction"), None);
    }

    #[test]
    fn custom_field_values_are_texts() {
        assert_eq!(cf_values("a", &json!("x")).ok(), Some(vec!["x".to_owned()]));
        assert_eq!(cf_values("a", &json!([1, "b"])).ok(), Some(vec!["1".to_owned(), "b".to_owned()]));
        assert_eq!(cf_values("a", &Value::Null).ok(), Some(Vec::new()));
        assert!(matches!(cf_values("a", &json!({"x": 1})), Err(Error::Validation { .. })));
    }

    #[test]
    fn unmet_fields_are_named() {
        let got = Ticket {
            id: "1".into(),
            subject: Some("s".into()),
            status: Some(TicketStatus::Open),
            remote_status: Some("open".into()),
            remote_priority: Some("50".into()),
            ..Default::default()
        };
        let e = Expect {
            subject: Some("s".into()),
            status: Some(TicketStatus::Unknown("weird".into())),
            priority: Some(50),
            assignees: Some(vec!["14".into()]),
            ..Default::default()
        };
        assert_eq!(e.unmet(&got), vec!["status", "assignee_ids"]);
        assert!(Expect { status: Some(TicketStatus::Open), ..Default::default() }.unmet(&got).is_empty());
    }
}
