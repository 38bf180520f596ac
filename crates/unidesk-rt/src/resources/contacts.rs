//! Contacts: RT's unprivileged users (requestors), listed in `Name` order with a keyset on the
//! unique `Name`; privileged users (agents) and RT's own `Nobody` and `RT_System` are left out.
//! Deleting a contact disables the user, as RT does; disabled users are not contacts.

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Map, Value, json};
use unidesk_core::{
    Contact, ContactCreate, ContactUpdate, Contacts, Error, FieldError, ListQuery, Page, Resource, Result,
};

use super::{RT_PAGE, bad_record, messages, rt_id};
use crate::client::{Call, RtClient, encode_segment};
use crate::map::{self, is_system_user};
use crate::wire::{Collection, UserRecord};

/// The user fields a contact is made of.
const USER_FIELDS: &str =
    "id,Name,EmailAddress,RealName,WorkPhone,MobilePhone,HomePhone,PagerPhone,Created,LastUpdated,CustomFields";

/// RT's phone fields, in the order a contact's phones fill them.
const PHONE_FIELDS: [&str; 4] = ["WorkPhone", "MobilePhone", "HomePhone", "PagerPhone"];

/// How many 100-user batches one listing call reads before handing back a page.
const MAX_BATCHES: usize = 20;

fn invalid(field: &str, message: impl Into<String>) -> Error {
    let message = message.into();
    Error::Validation {
        message: format!("{field}: {message}"),
        field_errors: vec![FieldError { field: Some(field.to_owned()), message }],
    }
}

/// A login name for a contact created without an email address (RT requires a unique `Name`).
fn generated_name() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("unidesk-contact-{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

fn is_on(v: Option<&str>) -> bool {
    v.map(str::trim) == Some("1")
}

/// What a contact write asked for, checked on the record read back.
#[derive(Default)]
struct Expect {
    name: Option<Option<String>>,
    email: Option<Option<String>>,
    phones: Option<Vec<String>>,
    external_id: Option<Option<String>>,
}

impl Expect {
    fn unmet(&self, c: &Contact) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.name.as_ref().is_some_and(|n| *n != c.name) {
            out.push("name");
        }
        if self
            .email
            .as_ref()
            .is_some_and(|e| e.as_deref().map(str::to_lowercase) != c.email.as_deref().map(str::to_lowercase))
        {
            out.push("emails");
        }
        if self.phones.as_ref().is_some_and(|p| *p != c.phones) {
            out.push("phones");
        }
        if self.external_id.as_ref().is_some_and(|e| *e != c.external_id) {
            out.push("external_id");
        }
        out
    }
}

impl RtClient {
    /// `GET /user/{n}`: the record and its JSON; 404 is `NotFound` for `resource`.
    pub(crate) async fn fetch_user(&self, n: u64, id: &str, resource: Resource) -> Result<(UserRecord, Value)> {
        let call = Call::get(format!("/user/{n}"), "/user/{id}").not_found(resource, id);
        let v: Value = self.json(&call).await?;
        Ok((self.item("/user/{id}", &v)?, v))
    }

    /// One contact: an enabled, unprivileged, non-system user.
    async fn fetch_contact(&self, n: u64, raw: bool, id: &str) -> Result<Contact> {
        let (u, v) = self.fetch_user(n, id, Resource::Contact).await?;
        if is_on(u.privileged.as_deref()) || is_on(u.disabled.as_deref()) || is_system_user(u.name.as_deref()) {
            return Err(Error::not_found(Resource::Contact, id));
        }
        map::contact(&u, &v, &self.ctx(raw)).map_err(|why| bad_record("/user/{id}", why))
    }

    fn external_field(&self) -> Result<&str> {
        let f = self.inner.external_id_field.as_deref().ok_or_else(|| {
            invalid(
                "external_id",
                "RT users have no external id: configure a user custom field for it (RtBuilder::external_id_field)",
            )
        })?;
        if f.contains(['{', '}']) {
            return Err(Error::invalid_input("the external id field's name must not hold braces"));
        }
        Ok(f)
    }

    /// The first enabled contact among users matching a JSON query.
    async fn find_contact(&self, query: Value, key: &str) -> Result<Contact> {
        let call = Call::get("/users", "/users").query("query", Self::json_query(query)).query("fields", "id");
        let c: Collection = self.json(&call).await?;
        for item in &c.items {
            if let Some(n) = item.get("id").and_then(crate::wire::value_u64) {
                match self.fetch_contact(n, false, &n.to_string()).await {
                    Ok(contact) => return Ok(contact),
                    Err(Error::NotFound { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
        }
        Err(Error::not_found(Resource::Contact, key))
    }

    /// The body fields for phones, filling RT's four phone fields in order (clearing the rest).
    fn phone_fields(phones: &[String], body: &mut Map<String, Value>) -> Result<Vec<String>> {
        let mut list: Vec<String> = Vec::new();
        for p in phones.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if !list.iter().any(|x| x == p) {
                list.push(p.to_owned());
            }
        }
        if list.len() > PHONE_FIELDS.len() {
            return Err(invalid("phones", "an RT user has at most four phone numbers"));
        }
        for (i, field) in PHONE_FIELDS.iter().enumerate() {
            body.insert((*field).into(), json!(list.get(i).cloned().unwrap_or_default()));
        }
        Ok(list)
    }

    fn custom_fields_body(&self, cfs: &unidesk_core::CustomFields, body: &mut Map<String, Value>) -> Result<()> {
        let target = body.entry("CustomFields").or_insert_with(|| json!({}));
        for (name, value) in cfs {
            if self.inner.external_id_field.as_deref() == Some(name.as_str()) {
                return Err(invalid(
                    "custom_fields",
                    format!("{name:?} holds the external id: write external_id instead"),
                ));
            }
            let values: Vec<String> = match value {
                Value::Null => Vec::new(),
                Value::Array(items) => items.iter().filter_map(crate::wire::value_text).collect(),
                other => crate::wire::value_text(other).into_iter().collect(),
            };
            if let Some(o) = target.as_object_mut() {
                o.insert(name.clone(), json!(values));
            }
        }
        Ok(())
    }

    async fn verified_contact(&self, n: u64, expect: &Expect, said: &[String], created: bool) -> Result<Contact> {
        let c = self.fetch_contact(n, false, &n.to_string()).await?;
        let unmet = expect.unmet(&c);
        if unmet.is_empty() {
            return Ok(c);
        }
        let said = self.secrets().safe(&said.join("; "));
        let what =
            if created { format!("contact {n} was created, but RT did not set") } else { "RT did not apply".into() };
        Err(Error::Validation {
            message: format!("{what} {}; RT said: {said}", unmet.join(", ")),
            field_errors: unmet
                .iter()
                .map(|f| FieldError { field: Some((*f).to_owned()), message: "not applied by RT".into() })
                .collect(),
        })
    }
}

#[async_trait]
impl Contacts for RtClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Contact>> {
        let size = self.page_size(q, Resource::Contact)?;
        let mut after: Option<String> = self.cursor_state(q, Resource::Contact)?;
        let privileged = self.privileged_ids().await?;
        let ctx = self.ctx(q.include_remote_data);
        // (record, the Name it was read at)
        let mut found: Vec<(Contact, String)> = Vec::new();
        let mut ended = false;
        for _ in 0..MAX_BATCHES {
            let query = match &after {
                Some(name) => json!([{"field": "Name", "operator": ">", "value": name, "case_sensitive": 1}]),
                None => json!([]),
            };
            let call = Call::get("/users", "/users")
                .query("query", Self::json_query(query))
                .query("orderby", "Name")
                .query("order", "ASC")
                .query("per_page", RT_PAGE)
                .query("fields", USER_FIELDS);
            let batch: Collection = self.json(&call).await?;
            let n = batch.items.len();
            for v in &batch.items {
                let u: UserRecord = self.item("/users", v)?;
                let name = u.name.clone().ok_or_else(|| Error::decode("/users", "a user without a Name"))?;
                if after.as_deref() == Some(name.as_str()) {
                    return Err(Error::decode("/users", "RT repeated a user past the cursor"));
                }
                after = Some(name.clone());
                if privileged.contains(&u.id) || is_system_user(Some(&name)) {
                    continue;
                }
                let c = map::contact(&u, v, &ctx).map_err(|why| bad_record("/users", why))?;
                found.push((c, name));
                if found.len() > size {
                    break;
                }
            }
            if found.len() > size {
                break;
            }
            if n < RT_PAGE as usize {
                ended = true;
                break;
            }
        }
        let next_after = if found.len() > size {
            found.truncate(size);
            found.last().map(|(_, name)| name.clone())
        } else if ended {
            None
        } else {
            // Many agents in a row: hand back what was found and go on from there next time.
            after
        };
        let next_cursor = match next_after {
            Some(name) => Some(self.next_cursor(q, Resource::Contact, name)?),
            None => None,
        };
        let items = found.into_iter().map(|(c, _)| c).filter(|c| q.matches_times(c.created_at, c.updated_at)).collect();
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact> {
        let n = rt_id(id, Resource::Contact)?;
        self.fetch_contact(n, include_remote_data, id).await
    }

    async fn create(&self, input: &ContactCreate) -> Result<Contact> {
        if input.account_id.is_some() {
            return Err(invalid("account_id", "RT has no accounts"));
        }
        if !input.tag_ids.is_empty() {
            return Err(invalid("tag_ids", "RT users have no tags"));
        }
        let email = input.email.clone().or_else(|| input.emails.first().cloned()).map(|e| e.trim().to_owned());
        if input.emails.iter().any(|e| Some(e.trim()) != email.as_deref()) {
            return Err(invalid("emails", "an RT user has one email address"));
        }
        let mut body = Map::new();
        let mut expect = Expect::default();
        let login = email.clone().filter(|e| !e.is_empty()).unwrap_or_else(generated_name);
        body.insert("Name".into(), json!(login));
        body.insert("Privileged".into(), json!(0));
        if let Some(e) = email.as_ref().filter(|e| !e.is_empty()) {
            body.insert("EmailAddress".into(), json!(e));
            expect.email = Some(Some(e.clone()));
        }
        if let Some(name) = input.name.as_ref().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            body.insert("RealName".into(), json!(name));
            expect.name = Some(Some(name.to_owned()));
        }
        let phones: Vec<String> = input.phone.iter().chain(input.phones.iter()).cloned().collect();
        if !phones.is_empty() {
            expect.phones = Some(Self::phone_fields(&phones, &mut body)?);
        }
        self.custom_fields_body(&input.custom_fields, &mut body)?;
        if let Some(ext) = &input.external_id {
            let field = self.external_field()?.to_owned();
            if let Some(o) = body.get_mut("CustomFields").and_then(Value::as_object_mut) {
                o.insert(field, json!(ext));
            }
            expect.external_id = Some(Some(ext.clone()));
        }
        if body.get("CustomFields").and_then(Value::as_object).is_some_and(Map::is_empty) {
            body.remove("CustomFields");
        }
        let created: Value = self.json(&Call::write(Method::POST, "/user", "/user", Some(Value::Object(body)))).await?;
        // RT answers with the Name as the id.
        let name = created
            .get("id")
            .and_then(crate::wire::value_text)
            .ok_or_else(|| Error::decode("/user", "RT created a user without saying which"))?;
        let call = Call::get(format!("/user/{}", encode_segment(&name)), "/user/{name}");
        let v: Value = self.json(&call).await?;
        let u: UserRecord = self.item("/user/{name}", &v)?;
        self.verified_contact(u.id, &expect, &[], true).await
    }

    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact> {
        let n = rt_id(id, Resource::Contact)?;
        if patch.account_id.is_some() {
            return Err(invalid("account_id", "RT has no accounts"));
        }
        let mut body = Map::new();
        let mut expect = Expect::default();
        if let Some(name) = &patch.name {
            body.insert("RealName".into(), json!(name.trim()));
            expect.name = Some(Some(name.trim().to_owned()).filter(|n| !n.is_empty()));
        }
        if let Some(emails) = &patch.emails {
            if emails.len() > 1 {
                return Err(invalid("emails", "an RT user has one email address"));
            }
            let e = emails.first().map(|e| e.trim().to_owned()).unwrap_or_default();
            body.insert("EmailAddress".into(), json!(e));
            expect.email = Some(Some(e).filter(|e| !e.is_empty()));
        }
        if let Some(phones) = &patch.phones {
            expect.phones = Some(Self::phone_fields(phones, &mut body)?);
        }
        if let Some(cfs) = &patch.custom_fields {
            self.custom_fields_body(cfs, &mut body)?;
        }
        if let Some(ext) = &patch.external_id {
            let field = self.external_field()?.to_owned();
            let cfs = body.entry("CustomFields").or_insert_with(|| json!({}));
            if let Some(o) = cfs.as_object_mut() {
                o.insert(field, json!(ext));
            }
            expect.external_id = Some(Some(ext.clone()).filter(|e| !e.is_empty()));
        }
        let current = self.fetch_contact(n, false, id).await?;
        if body.is_empty() {
            return Ok(current);
        }
        let call = Call::write(Method::PUT, format!("/user/{n}"), "/user/{id}", Some(Value::Object(body)))
            .not_found(Resource::Contact, id);
        let reply = self.send(&call).await?;
        let said = messages(self, "/user/{id}", &reply.body)?;
        self.verified_contact(n, &expect, &said, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let n = rt_id(id, Resource::Contact)?;
        self.fetch_contact(n, false, id).await?;
        let call =
            Call::write(Method::DELETE, format!("/user/{n}"), "/user/{id}", None).not_found(Resource::Contact, id);
        self.send(&call).await.map(|_| ())
    }

    async fn find_by_email(&self, email: &str) -> Result<Contact> {
        let email = email.trim();
        if email.is_empty() {
            return Err(Error::invalid_input("an email address is required"));
        }
        self.find_contact(json!([{"field": "EmailAddress", "value": email}]), email).await
    }

    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact> {
        let field = self.external_field()?;
        if external_id.trim().is_empty() {
            return Err(Error::invalid_input("an external id is required"));
        }
        self.find_contact(json!([{"field": format!("CF.{{{field}}}"), "value": external_id}]), external_id).await
    }
}
