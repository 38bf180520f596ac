//! Klasses (custom object types) and their KObjects (custom objects: orders, shipments…).
//!
//! A klass is addressed by id for its own CRUD (`/v1/klasses/{id}`) and by name for its
//! objects (`/v1/klasses/{name}`, `/v1/klasses/{name}/{id}`). A KObject's `type` is
//! `kobject.<klass>`. Listings of KObjects go through the listing engine: page numbers behind
//! the same opaque cursor, streamable with [`KObjects::stream`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Id, ListQuery, Page, RecordStream, Resource, Result, paginate};

use super::{FromObject, KustomerObject, check_value, string};
use crate::client::{Call, KustomerClient};
use crate::paths;

/// The largest page the klass and KObject listings serve.
const MAX_PAGE: u32 = 100;

/// A klass: the definition of a custom object type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Klass {
    /// Kustomer's id.
    pub id: String,
    /// The name KObject paths use (`order`).
    pub name: Option<String>,
    /// The name agents see.
    pub display_name: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Icon name.
    pub icon: Option<String>,
    /// Display colour.
    pub color: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Every attribute as sent (`metadata` holds the property definitions).
    pub attributes: Map<String, Value>,
}

impl FromObject for Klass {
    fn from_object(o: KustomerObject) -> Self {
        let a = o.attributes;
        Klass {
            id: o.id,
            name: string(&a, "name"),
            display_name: string(&a, "displayName"),
            description: string(&a, "description"),
            icon: string(&a, "icon"),
            color: string(&a, "color"),
            created_at: o.created_at,
            updated_at: o.updated_at,
            attributes: a,
        }
    }
}

/// A new klass, or a klass's new definition (`PUT`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KlassInput {
    /// The name KObject paths use (`order`); lowercase letters, digits, `-` and `_`.
    pub name: String,
    /// The name agents see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Display colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// The property definitions (`{"properties": {"totalNum": {…}}}`), as Kustomer takes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// A custom object of some klass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KObject {
    /// Kustomer's id.
    pub id: String,
    /// The klass name, from the record's type `kobject.<klass>`.
    pub klass: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// The product's own id.
    pub external_id: Option<String>,
    /// `open`, `snoozed` or `done`, for klasses with a status.
    pub status: Option<String>,
    /// The id of its sub-status, when one is set.
    pub sub_status_id: Option<String>,
    /// Its custom attributes (`data`), keyed as Kustomer keys them (`totalNum`…).
    pub custom: Map<String, Value>,
    /// The customer it belongs to.
    pub customer_id: Option<String>,
    /// The company it belongs to.
    pub company_id: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
    /// Every attribute as sent.
    pub attributes: Map<String, Value>,
}

impl FromObject for KObject {
    fn from_object(o: KustomerObject) -> Self {
        let klass = o.kind.as_deref().and_then(|k| k.strip_prefix("kobject.")).map(str::to_owned);
        let a = &o.attributes;
        let custom = match a.get("custom").or_else(|| a.get("data")) {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        let sub_status_id = o.related("subStatus").map(str::to_owned).or_else(|| string(a, "subStatus"));
        KObject {
            klass,
            title: string(a, "title"),
            description: string(a, "description"),
            external_id: string(a, "externalId"),
            status: string(a, "status"),
            sub_status_id,
            custom,
            customer_id: o.related("customer").map(str::to_owned),
            company_id: o.related("company").map(str::to_owned),
            created_at: o.created_at,
            updated_at: o.updated_at,
            id: o.id,
            attributes: o.attributes,
        }
    }
}

/// A new KObject, or a KObject's new content (`PUT`): only the fields given are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KObjectInput {
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The product's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Custom attributes, keyed with Kustomer's type suffixes (`totalNum`, `shippedAt`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, Value>,
    /// The customer it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The company it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// The id of its sub-status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status_id: Option<String>,
}

impl KObjectInput {
    /// The body Kustomer takes: `{title, description, externalId, custom, customer, company, subStatus}`.
    fn body(&self) -> Result<Value> {
        for id in [&self.customer_id, &self.company_id, &self.sub_status_id].into_iter().flatten() {
            Id::parse(id)?;
        }
        Ok(super::compact(json!({
            "title": self.title,
            "description": self.description,
            "externalId": self.external_id,
            "custom": if self.custom.is_empty() { Value::Null } else { json!(self.custom) },
            "customer": self.customer_id,
            "company": self.company_id,
            "subStatus": self.sub_status_id,
        })))
    }
}

/// Checks a klass name for use in a path.
fn klass_name(name: &str) -> Result<()> {
    check_value("klass name", name)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(unidesk_core::Error::invalid_input(format!(
            "klass name {name:?}: letters, digits, -, _ and . only"
        )));
    }
    Ok(())
}

impl KustomerClient {
    /// One page of the org's klasses (`GET /v1/klasses`).
    pub async fn list_klasses(&self, query: &ListQuery) -> Result<Page<Klass>> {
        self.list_at(Resource::Ticket, &paths::KLASSES, &[], MAX_PAGE, query).await
    }

    /// One klass by id (`GET /v1/klasses/{id}`).
    pub async fn get_klass(&self, id: &str) -> Result<Klass> {
        let id = Id::parse(id)?;
        self.send_one(&Call::get_at(&paths::KLASS, &[&id])).await
    }

    /// Creates a klass (`POST /v1/klasses`).
    pub async fn create_klass(&self, input: &KlassInput) -> Result<Klass> {
        klass_name(&input.name)?;
        let call = Call::write_at(Method::POST, &paths::KLASSES, &[], Some(json!(input)));
        self.send_one(&call).await
    }

    /// Replaces a klass's definition (`PUT /v1/klasses/{id}`).
    pub async fn update_klass(&self, id: &str, input: &KlassInput) -> Result<Klass> {
        let id = Id::parse(id)?;
        klass_name(&input.name)?;
        self.send_one(&Call::write_at(Method::PUT, &paths::KLASS, &[&id], Some(json!(input)))).await
    }

    /// Deletes a klass (`DELETE /v1/klasses/{id}`).
    pub async fn delete_klass(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        self.send(&Call::write_at(Method::DELETE, &paths::KLASS, &[&id], None)).await.map(|_| ())
    }

    /// The KObjects of klass `klass` (`order`): `client.kobjects("order").list(&query)`.
    pub fn kobjects(&self, klass: impl Into<String>) -> KObjects<'_> {
        KObjects { client: self, klass: klass.into() }
    }
}

/// The KObjects of one klass; see [`KustomerClient::kobjects`].
#[derive(Debug, Clone)]
pub struct KObjects<'a> {
    client: &'a KustomerClient,
    klass: String,
}

impl<'a> KObjects<'a> {
    /// One page (`GET /v1/klasses/{name}?page&pageSize`), behind the listing engine's cursor.
    /// `updated_after`/`created_after` filter client-side.
    pub async fn list(&self, query: &ListQuery) -> Result<Page<KObject>> {
        klass_name(&self.klass)?;
        self.client.list_at(Resource::Ticket, &paths::KOBJECTS, &[&self.klass], MAX_PAGE, query).await
    }

    /// Every KObject of the klass, page after page from `query`'s cursor (if any).
    pub fn stream(&self, query: ListQuery) -> RecordStream<'a, KObject> {
        let this = self.clone();
        paginate(query, move |q| {
            let this = this.clone();
            async move { this.list(&q).await }.boxed()
        })
    }

    /// One KObject (`GET /v1/klasses/{name}/{id}`).
    pub async fn get(&self, id: &str) -> Result<KObject> {
        klass_name(&self.klass)?;
        let id = Id::parse(id)?;
        let call = Call::get(paths::KOBJECT.fill_text(&[&self.klass, id.as_str()]), paths::KOBJECT.template());
        self.client.send_one(&call).await
    }

    /// Creates a KObject (`POST /v1/klasses/{name}`); limited per customer like conversations.
    pub async fn create(&self, input: &KObjectInput) -> Result<KObject> {
        klass_name(&self.klass)?;
        let path = paths::KOBJECTS.fill_text(&[&self.klass]);
        let mut call = Call::write(Method::POST, path, paths::KOBJECTS.template(), Some(input.body()?));
        if let Some(c) = &input.customer_id {
            call = call.object(format!("customer:{c}"));
        }
        self.client.send_one(&call).await
    }

    /// Changes a KObject (`PUT /v1/klasses/{name}/{id}`; the fields given replace theirs).
    pub async fn update(&self, id: &str, input: &KObjectInput) -> Result<KObject> {
        klass_name(&self.klass)?;
        let id = Id::parse(id)?;
        let path = paths::KOBJECT.fill_text(&[&self.klass, id.as_str()]);
        self.client.send_one(&Call::write(Method::PUT, path, paths::KOBJECT.template(), Some(input.body()?))).await
    }

    /// Deletes a KObject (`DELETE /v1/klasses/{name}/{id}`).
    pub async fn delete(&self, id: &str) -> Result<()> {
        klass_name(&self.klass)?;
        let id = Id::parse(id)?;
        let path = paths::KOBJECT.fill_text(&[&self.klass, id.as_str()]);
        self.client.send(&Call::write(Method::DELETE, path, paths::KOBJECT.template(), None)).await.map(|_| ())
    }

    /// One page of a customer's KObjects of this klass (`GET /v1/customers/{id}/klasses/{name}`).
    pub async fn of_customer(&self, customer_id: &str, query: &ListQuery) -> Result<Page<KObject>> {
        klass_name(&self.klass)?;
        let customer = Id::parse(customer_id)?;
        let values = [customer.as_str(), self.klass.as_str()];
        self.client.list_at(Resource::Ticket, &paths::CUSTOMER_KOBJECTS, &values, MAX_PAGE, query).await
    }

    /// One page of a company's KObjects of this klass (`GET /v1/companies/{id}/klasses/{name}`, \[U\]).
    pub async fn of_company(&self, company_id: &str, query: &ListQuery) -> Result<Page<KObject>> {
        klass_name(&self.klass)?;
        let company = Id::parse(company_id)?;
        let values = [company.as_str(), self.klass.as_str()];
        self.client.list_at(Resource::Ticket, &paths::COMPANY_KOBJECTS, &values, MAX_PAGE, query).await
    }
}

/// The KObject in a webhook's `data` (for [`crate::webhook::parse_kustomer_event`]).
pub(crate) fn kobject_from_data(data: &Value) -> Result<KObject> {
    let bytes = serde_json::to_vec(&json!({ "data": data })).map_err(|e| crate::errors::decode("webhook", e))?;
    super::decode_one::<KObject>(&bytes, "webhook delivery data")
}
