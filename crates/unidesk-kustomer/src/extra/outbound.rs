//! The org's outbound webhook subscriptions (`/v1/outbound-webhooks`).
//!
//! Creating one returns its signing `token` once: it is the HMAC key of
//! `X-Kustomer-Webhook-Signature` (give it to [`crate::webhook::WebhookReceiver::signing_token`]).
//! It is kept as a [`SecretString`] ([`CreatedWebhook::token`]), never in `Debug` output or
//! logs, and it is dropped from every other answer: [`OutboundWebhook`] has no token field.

use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Error, Id, ListQuery, Page, Resource, Result};

use super::{FromObject, KustomerObject, string, strings};
use crate::client::{Call, KustomerClient};
use crate::paths;

/// A header Kustomer adds to each delivery (a shared secret, a routing key).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookHeader {
    /// Header name.
    pub name: String,
    /// Header value (may be a secret: `Debug` does not show it).
    pub value: String,
}

impl std::fmt::Debug for WebhookHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookHeader").field("name", &self.name).field("value", &"[REDACTED]").finish()
    }
}

/// An outbound webhook subscription, without its token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboundWebhook {
    /// Kustomer's id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// The endpoint deliveries go to.
    pub url: Option<String>,
    /// The events it receives (`kustomer.conversation.update`…).
    pub events: Vec<String>,
    /// The names of the headers added to deliveries (values are not kept).
    pub header_names: Vec<String>,
    /// Whether it delivers (`false` once Kustomer disabled it after failures).
    pub enabled: Option<bool>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Updated.
    pub updated_at: Option<DateTime<Utc>>,
}

impl FromObject for OutboundWebhook {
    fn from_object(o: KustomerObject) -> Self {
        let a: &Map<String, Value> = &o.attributes;
        let header_names = match a.get("headers") {
            Some(Value::Array(hs)) => hs.iter().filter_map(|h| h.get("name")?.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        };
        let enabled = a
            .get("enabled")
            .and_then(Value::as_bool)
            .or_else(|| a.get("disabled").and_then(Value::as_bool).map(|d| !d));
        OutboundWebhook {
            name: string(a, "name"),
            url: string(a, "url"),
            events: strings(a, "events"),
            header_names,
            enabled,
            created_at: o.created_at,
            updated_at: o.updated_at,
            id: o.id,
        }
    }
}

/// A webhook just created, with its signing token (returned this once).
#[derive(Debug)]
pub struct CreatedWebhook {
    /// The subscription.
    pub webhook: OutboundWebhook,
    /// The HMAC key of its deliveries' signatures; `None` if Kustomer sent none.
    pub token: Option<SecretString>,
}

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundWebhookCreate {
    /// Display name (up to 255 characters).
    pub name: String,
    /// The endpoint; must be `https://`.
    pub url: String,
    /// The events to receive (up to 12).
    pub events: Vec<String>,
    /// Headers to add to each delivery.
    #[serde(default)]
    pub headers: Vec<WebhookHeader>,
}

/// A change to a subscription: only the fields given are sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboundWebhookUpdate {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The endpoint; must be `https://`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The events to receive, replacing the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Headers, replacing the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<WebhookHeader>>,
    /// Turns deliveries on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// Kustomer's documented bounds: an `https://` URL, 1–12 events.
fn check(url: Option<&str>, events: Option<&[String]>) -> Result<()> {
    if let Some(u) = url {
        let parsed = url::Url::parse(u).map_err(|e| Error::invalid_input(format!("webhook url: {e}")))?;
        if parsed.scheme() != "https" {
            return Err(Error::invalid_input("webhook url must use https://"));
        }
    }
    if let Some(ev) = events
        && (ev.is_empty() || ev.len() > 12 || ev.iter().any(|e| !e.starts_with("kustomer.")))
    {
        return Err(Error::invalid_input("webhook events: 1 to 12 names like kustomer.conversation.update"));
    }
    Ok(())
}

impl KustomerClient {
    /// One page of the org's outbound webhooks (`GET /v1/outbound-webhooks`).
    pub async fn list_outbound_webhooks(&self, query: &ListQuery) -> Result<Page<OutboundWebhook>> {
        self.list_at(Resource::Ticket, &paths::OUTBOUND_WEBHOOKS, &[], 100, query).await
    }

    /// One outbound webhook (`GET /v1/outbound-webhooks/{id}`).
    pub async fn get_outbound_webhook(&self, id: &str) -> Result<OutboundWebhook> {
        let id = Id::parse(id)?;
        self.send_one(&Call::get_at(&paths::OUTBOUND_WEBHOOK, &[&id])).await
    }

    /// Subscribes an endpoint (`POST /v1/outbound-webhooks`); the answer's token is kept
    /// only as a secret.
    pub async fn create_outbound_webhook(&self, input: &OutboundWebhookCreate) -> Result<CreatedWebhook> {
        check(Some(&input.url), Some(&input.events))?;
        let call = Call::write_at(Method::POST, &paths::OUTBOUND_WEBHOOKS, &[], Some(json!(input)));
        let mut obj: KustomerObject = self.send_one(&call).await?;
        let token = match obj.attributes.remove("token") {
            Some(Value::String(t)) => Some(SecretString::from(t)),
            _ => None,
        };
        Ok(CreatedWebhook { webhook: OutboundWebhook::from_object(obj), token })
    }

    /// Changes a subscription (`PUT /v1/outbound-webhooks/{id}`, \[U\]: the method).
    pub async fn update_outbound_webhook(&self, id: &str, update: &OutboundWebhookUpdate) -> Result<OutboundWebhook> {
        let id = Id::parse(id)?;
        check(update.url.as_deref(), update.events.as_deref())?;
        self.send_one(&Call::write_at(Method::PUT, &paths::OUTBOUND_WEBHOOK, &[&id], Some(json!(update)))).await
    }

    /// Unsubscribes (`DELETE /v1/outbound-webhooks/{id}`).
    pub async fn delete_outbound_webhook(&self, id: &str) -> Result<()> {
        let id = Id::parse(id)?;
        self.send(&Call::write_at(Method::DELETE, &paths::OUTBOUND_WEBHOOK, &[&id], None)).await.map(|_| ())
    }
}
