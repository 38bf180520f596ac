//! Lookups and full updates: a customer by phone; `PUT` replacement of customers and
//! conversations; a conversation created under its customer; messages created through
//! `/v1/messages`.
//!
//! # PUT or PATCH
//!
//! The normalized `update` calls send `PATCH`: only the attributes named change, the rest stay.
//! [`KustomerClient::replace_customer`] and [`KustomerClient::replace_conversation`] send
//! `PUT …?replace=true`: the body becomes the whole record, and every attribute it leaves out
//! is cleared (custom attributes, tags, assignments included). Use `PUT` to make Kustomer hold
//! exactly a record kept elsewhere; use `PATCH` to change some fields without reading first.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use unidesk_core::{Comment, Contact, ContactCreate, Error, Id, Resource, Result, Ticket, TicketCreate};

use crate::client::{Call, KustomerClient};
use crate::descriptor::{Conversations, Customers, Messages};
use crate::map::reverse;
use crate::paths;

/// A message created through `POST /v1/messages` (a record on the timeline: Kustomer does not
/// deliver it; a draft is what Kustomer sends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMessage {
    /// The conversation it belongs to; without one, Kustomer picks or opens the customer's.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// The customer it is with.
    pub customer_id: String,
    /// `email`, `chat`, `sms`…
    pub channel: String,
    /// The channel integration that carried it (`postmark`…); default from the channel.
    #[serde(default)]
    pub app: Option<String>,
    /// `in` (from the customer) or `out`.
    pub direction: String,
    /// The text.
    pub body: String,
    /// Subject, for email.
    #[serde(default)]
    pub subject: Option<String>,
    /// Channel details (`from`, `to`, `html`…), as Kustomer takes them under `meta`.
    #[serde(default)]
    pub meta: Map<String, Value>,
}

impl KustomerClient {
    /// The customer with this phone number (`GET /v1/customers/phone={phone}`), as a contact;
    /// `NotFound` when none.
    pub async fn find_customer_by_phone(&self, phone: &str) -> Result<Contact> {
        self.lookup("phone", &paths::CUSTOMER_BY_PHONE, phone).await
    }

    /// Replaces a customer (`PUT /v1/customers/{id}?replace=true`): the record becomes
    /// `input`, attributes it leaves out are cleared. See the module docs for PUT vs PATCH.
    pub async fn replace_customer(&self, id: &str, input: &ContactCreate) -> Result<Contact> {
        let id = Id::parse(id)?;
        let call = Call::write_at(Method::PUT, &paths::CUSTOMER, &[&id], Some(reverse::customer_create(input)))
            .query("replace", "true")
            .not_found(Resource::Contact, id.as_str())
            .object(format!("customer:{id}"));
        self.fetch::<Customers>(&call, false).await
    }

    /// Replaces a conversation (`PUT /v1/conversations/{id}?replace=true`): the record becomes
    /// `input`, attributes it leaves out are cleared. See the module docs for PUT vs PATCH.
    pub async fn replace_conversation(&self, id: &str, input: &TicketCreate) -> Result<Ticket> {
        let id = Id::parse(id)?;
        Id::parse(&input.contact_id)?;
        let call = Call::write_at(Method::PUT, &paths::CONVERSATION, &[&id], Some(reverse::ticket_create(input)?))
            .query("replace", "true")
            .not_found(Resource::Ticket, id.as_str())
            .object(format!("conversation:{id}"));
        self.fetch::<Conversations>(&call, false).await
    }

    /// Creates a conversation under its customer (`POST /v1/customers/{id}/conversations`).
    pub async fn create_customer_conversation(&self, input: &TicketCreate) -> Result<Ticket> {
        let customer = Id::parse(&input.contact_id)?;
        let mut body = reverse::ticket_create(input)?;
        if let Value::Object(m) = &mut body {
            m.remove("customer"); // named by the path
        }
        let call = Call::write_at(Method::POST, &paths::CUSTOMER_CONVERSATIONS, &[&customer], Some(body))
            .not_found(Resource::Contact, customer.as_str())
            .object(format!("customer:{customer}"));
        self.fetch::<Conversations>(&call, false).await
    }

    /// Creates a message through `POST /v1/messages` (limited per customer: 120 a minute).
    pub async fn create_message(&self, input: &NewMessage) -> Result<Comment> {
        let customer = Id::parse(&input.customer_id)?;
        if let Some(c) = &input.conversation_id {
            Id::parse(c)?;
        }
        if !matches!(input.direction.as_str(), "in" | "out") {
            return Err(Error::invalid_input("message direction: in or out"));
        }
        super::check_value("channel", &input.channel)?;
        let mut meta = input.meta.clone();
        meta.entry("body").or_insert_with(|| json!(input.body));
        let body = super::compact(json!({
            "customer": customer.as_str(),
            "conversation": input.conversation_id,
            "channel": input.channel,
            "app": input.app.clone().unwrap_or_else(|| reverse::app_for_channel(&input.channel).to_owned()),
            "direction": input.direction,
            "preview": input.body,
            "subject": input.subject,
            "meta": meta,
        }));
        let call =
            Call::write_at(Method::POST, &paths::MESSAGES, &[], Some(body)).object(format!("customer:{customer}"));
        self.fetch::<Messages>(&call, false).await
    }
}
