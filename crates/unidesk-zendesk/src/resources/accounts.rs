//! Accounts: Zendesk organizations.

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Map, json};
use unidesk_core::{Account, AccountCreate, AccountUpdate, Accounts, ListQuery, Page, Resource, Result};

use super::zendesk_id;
use crate::client::{Call, ZendeskClient};
use crate::{map, wire};

impl ZendeskClient {
    async fn fetch_account(&self, id: &str, raw: bool) -> Result<Account> {
        let n = zendesk_id(id, Resource::Account)?;
        let call =
            Call::get(format!("/organizations/{n}.json"), "/organizations/{id}.json").not_found(Resource::Account, id);
        let (o, v): (wire::Organization, _) = self.one(&call, raw).await?;
        Ok(map::account(o, v))
    }
}

#[async_trait]
impl Accounts for ZendeskClient {
    async fn list(&self, q: &ListQuery) -> Result<Page<Account>> {
        self.no_deleted(q, Resource::Account)?;
        let base = Call::get("/organizations.json", "/organizations.json");
        self.scan_cbp(
            q,
            Resource::Account,
            &base,
            |o: wire::Organization, v| (o.id, map::account(o, v)),
            |a| q.matches_times(a.created_at, a.updated_at),
        )
        .await
    }

    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Account> {
        self.fetch_account(id, include_remote_data).await
    }

    async fn create(&self, input: &AccountCreate) -> Result<Account> {
        if input.name.trim().is_empty() {
            return Err(super::invalid("name", "an organization needs a name"));
        }
        let mut o = Map::new();
        o.insert("name".into(), input.name.clone().into());
        o.insert("domain_names".into(), json!(map::dedup(input.domains.iter().cloned())));
        if let Some(x) = &input.external_id {
            o.insert("external_id".into(), x.clone().into());
        }
        if !input.custom_fields.is_empty() {
            o.insert("organization_fields".into(), json!(input.custom_fields));
        }
        let call =
            Call::write(Method::POST, "/organizations.json", "/organizations.json", Some(json!({ "organization": o })));
        let reply = self.send(&call).await?;
        let (w, _): (wire::Organization, _) = self.decode_one(call.template, &reply.body, false)?;
        self.fetch_account(&w.id.to_string(), false).await
    }

    async fn update(&self, id: &str, patch: &AccountUpdate) -> Result<Account> {
        let n = zendesk_id(id, Resource::Account)?;
        let mut o = Map::new();
        if let Some(name) = &patch.name {
            o.insert("name".into(), name.clone().into());
        }
        if let Some(d) = &patch.domains {
            o.insert("domain_names".into(), json!(map::dedup(d.iter().cloned())));
        }
        if let Some(x) = &patch.external_id {
            o.insert("external_id".into(), x.clone().into());
        }
        if let Some(cf) = &patch.custom_fields {
            o.insert("organization_fields".into(), json!(cf));
        }
        if !o.is_empty() {
            let call = Call::write(
                Method::PUT,
                format!("/organizations/{n}.json"),
                "/organizations/{id}.json",
                Some(json!({ "organization": o })),
            )
            .not_found(Resource::Account, id);
            self.send(&call).await?;
        }
        self.fetch_account(id, false).await
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let n = zendesk_id(id, Resource::Account)?;
        let call = Call::write(Method::DELETE, format!("/organizations/{n}.json"), "/organizations/{id}.json", None)
            .not_found(Resource::Account, id);
        self.send(&call).await.map(|_| ())
    }
}
