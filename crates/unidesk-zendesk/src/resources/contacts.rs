//! Contacts: Zendesk users with the `end-user` role.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Map, Value, json};
use unidesk_core::{Contact, ContactCreate, ContactUpdate, Contacts, Error, ListQuery, Page, Resource, Result};

use super::{invalid, ref_id, zendesk_id};
use crate::client::{Call, ZendeskClient};
use crate::{map, wire};

/// The end-user a user record is, or `None` for an agent or a deleted user.
fn live_contact(u: wire::User, raw: Option<Value>) -> Option<Contact> {
    (!map::is_agent(u.role.as_deref()) && u.active).then(|| map::contact(u, raw))
}

impl ZendeskClient {
    async fn fetch_contact(&self, id: &str, raw: bool) -> Result<Contact> {
        let n = zendesk_id(id, Resource::Contact)?;
        let call = Call::get(format!("/users/{n}.json"), "/users/{id}.json").not_found(Resource::Contact, id);
        let (u, v): (wire::User, _) = self.one(&call, raw).await?;
        live_contact(u, v).ok_or_else(|| Error::not_found(Resource::Contact, id))
    }

    /// The live end-user a search finds with `matches`; `NotFound` naming `key` otherwise.
    async fn search_contact(
        &self,
        call: Call<'_>,
        key: &str,
        matches: impl Fn(&wire::User) -> bool,
    ) -> Result<Contact> {
        // Where the server has no `/users/search` (it answers 404), the end-users are walked
        // instead and matched here: slower, as exact.
        let users: Vec<(wire::User, Value)> = match self.all(&call).await {
            Err(Error::Upstream { status: 404, .. }) => {
                self.all(&Call::get("/users.json", "/users.json").query("role", "end-user")).await?
            }
            other => other?,
        };
        users
            .into_iter()
            .find_map(|(u, _)| if matches(&u) { live_contact(u, None) } else { None })
            .ok_or_else(|| Error::not_found(Resource::Contact, key))
    }
}

fn email_value(s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() || !s.contains('@') || s.chars().any(char::is_whitespace) {
        return Err(invalid("email", format!("{s:?} is not an email address")));
    }
    Ok(s.to_owned())
}

#[async_trait]
impl Contacts for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Contact>> {
        let base = Call::get("/users.json", "/users.json").query("role", "end-user");
        self.scan_cbp(
            q,
            Resource::Contact,
            &base,
            |u: wire::User, v| (u.id, (map::is_agent(u.role.as_deref()), map::contact(u, v))),
            |(agent, c)| {
                !agent && (q.include_deleted || !c.remote_was_deleted) && q.matches_times(c.created_at, c.updated_at)
            },
        )
        .await
        .map(|p| Page { items: p.items.into_iter().map(|(_, c)| c).collect(), next_cursor: p.next_cursor })
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact> {
        self.fetch_contact(id, include_remote_data).await
    }

    async fn create(&self, input: &ContactCreate) -> Result<Contact> {
        let mut u = Map::new();
        u.insert("role".into(), "end-user".into());
        // Zendesk requires a name.
        let name = input
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| input.email.clone())
            .ok_or_else(|| invalid("name", "a Zendesk user needs a name (or an email to name it by)"))?;
        u.insert("name".into(), name.into());
        let mut emails: Vec<String> =
            input.email.iter().chain(&input.emails).map(|e| email_value(e)).collect::<Result<_>>()?;
        emails = map::dedup(emails);
        if let Some(first) = emails.first() {
            u.insert("email".into(), first.clone().into());
        }
        if emails.len() > 1 {
            let extra: Vec<Value> = emails[1..].iter().map(|e| json!({"type": "email", "value": e})).collect();
            u.insert("identities".into(), Value::Array(extra));
        }
        if let Some(p) = input.phone.as_ref().or(input.phones.first()) {
            u.insert("phone".into(), p.clone().into());
        }
        if let Some(org) = ref_id(input.account_id.as_deref(), "account_id")? {
            u.insert("organization_id".into(), org.into());
        }
        if let Some(x) = &input.external_id {
            u.insert("external_id".into(), x.clone().into());
        }
        if !input.tag_ids.is_empty() {
            u.insert("tags".into(), json!(map::dedup(input.tag_ids.iter().cloned())));
        }
        if !input.custom_fields.is_empty() {
            u.insert("user_fields".into(), json!(input.custom_fields));
        }
        let call = Call::write(Method::POST, "/users.json", "/users.json", Some(json!({ "user": u })));
        let reply = self.send(&call).await?;
        let (w, _): (wire::User, _) = self.decode_one(call.template, &reply.body, false)?;
        self.fetch_contact(&w.id.to_string(), false).await
    }

    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact> {
        let n = zendesk_id(id, Resource::Contact)?;
        // Only an end-user is a contact: an agent's id is not found here.
        self.fetch_contact(id, false).await?;
        let mut u = Map::new();
        if let Some(name) = &patch.name {
            u.insert("name".into(), name.clone().into());
        }
        if let Some(emails) = &patch.emails {
            let first = emails.first().map(|e| email_value(e)).transpose()?;
            u.insert("email".into(), first.map(Value::from).unwrap_or(Value::Null));
        }
        if let Some(phones) = &patch.phones {
            u.insert("phone".into(), phones.first().cloned().map(Value::from).unwrap_or(Value::Null));
        }
        if let Some(a) = &patch.account_id {
            u.insert("organization_id".into(), ref_id(Some(a), "account_id")?.map(Value::from).unwrap_or(Value::Null));
        }
        if let Some(x) = &patch.external_id {
            u.insert("external_id".into(), x.clone().into());
        }
        if let Some(cf) = &patch.custom_fields {
            u.insert("user_fields".into(), json!(cf));
        }
        if !u.is_empty() {
            let call =
                Call::write(Method::PUT, format!("/users/{n}.json"), "/users/{id}.json", Some(json!({ "user": u })))
                    .not_found(Resource::Contact, id);
            self.send(&call).await?;
        }
        self.fetch_contact(id, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let n = zendesk_id(id, Resource::Contact)?;
        self.fetch_contact(id, false).await?;
        let call = Call::write(Method::DELETE, format!("/users/{n}.json"), "/users/{id}.json", None)
            .not_found(Resource::Contact, id);
        self.send(&call).await.map(|_| ())
    }

    async fn find_by_email(&self, email: &str) -> Result<Contact> {
        let wanted = email.trim().to_lowercase();
        if wanted.is_empty() {
            return Err(Error::not_found(Resource::Contact, email));
        }
        let call = Call::get("/users/search.json", "/users/search.json").query("query", format!("email:{wanted}"));
        self.search_contact(call, email, |u| u.email.as_deref().is_some_and(|e| e.to_lowercase() == wanted)).await
    }

    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact> {
        if external_id.is_empty() {
            return Err(Error::not_found(Resource::Contact, external_id));
        }
        let call = Call::get("/users/search.json", "/users/search.json").query("external_id", external_id);
        self.search_contact(call, external_id, |u| u.external_id.as_deref() == Some(external_id)).await
    }
}
