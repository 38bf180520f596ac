//! RT REST 2.0 JSON shapes, read leniently.
//!
//! RT sends numbers as strings (`"Priority":"0"`) or numbers (`"id":14`), references as
//! `{"type","id","_url"}`, and an empty value as `""` where a list or object would be
//! (`"CustomFields":""`). These types accept each of those forms; a value of the wrong kind
//! becomes empty rather than failing, except ids, which must be numbers.

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

/// A collection page (`/tickets`, `/transactions`, `/users`, `/group/{id}/members`…).
#[derive(Debug, Clone, Deserialize)]
pub struct Collection {
    /// The page's records, each a JSON object.
    #[serde(default, deserialize_with = "de_items")]
    pub items: Vec<Value>,
}

/// A reference to another record: `{"type":"user","id":"root"}`; with `fields[Owner]=id,Name`
/// the id is the number and `Name` is added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ref {
    /// The referenced record's id, as text (a number, or a user's Name).
    pub id: Option<String>,
    /// Its `Name`, when asked for.
    pub name: Option<String>,
}

impl Ref {
    /// The id as a number, when it is one.
    pub fn number(&self) -> Option<u64> {
        self.id.as_deref().and_then(parse_u64)
    }
}

/// One custom field with its values on a record (`fields=CustomFields`).
#[derive(Debug, Clone, PartialEq)]
pub struct CfValues {
    /// The custom field's id.
    pub id: Option<u64>,
    /// Its name.
    pub name: String,
    /// Its values on the record (strings; objects for file fields).
    pub values: Vec<Value>,
}

/// A ticket as `/tickets?fields=…` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct TicketItem {
    /// The ticket number.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `Subject`.
    #[serde(rename = "Subject", default, deserialize_with = "de_text")]
    pub subject: Option<String>,
    /// `Status` (lifecycle value).
    #[serde(rename = "Status", default, deserialize_with = "de_text")]
    pub status: Option<String>,
    /// `Priority` (a number, sent as text).
    #[serde(rename = "Priority", default, deserialize_with = "de_text")]
    pub priority: Option<String>,
    /// `Queue`.
    #[serde(rename = "Queue", default, deserialize_with = "de_ref")]
    pub queue: Option<Ref>,
    /// `Owner` (with `fields[Owner]=id,Name`).
    #[serde(rename = "Owner", default, deserialize_with = "de_ref")]
    pub owner: Option<Ref>,
    /// `Requestor` (with `fields[Requestor]=id`).
    #[serde(rename = "Requestor", default, deserialize_with = "de_refs")]
    pub requestor: Vec<Ref>,
    /// `Created`.
    #[serde(rename = "Created", default, deserialize_with = "de_text")]
    pub created: Option<String>,
    /// `LastUpdated`.
    #[serde(rename = "LastUpdated", default, deserialize_with = "de_text")]
    pub last_updated: Option<String>,
    /// `Resolved`.
    #[serde(rename = "Resolved", default, deserialize_with = "de_text")]
    pub resolved: Option<String>,
    /// `Creator` (with `fields[Creator]=id,Name`).
    #[serde(rename = "Creator", default, deserialize_with = "de_ref")]
    pub creator: Option<Ref>,
    /// `CustomFields`.
    #[serde(rename = "CustomFields", default, deserialize_with = "de_cfs")]
    pub custom_fields: Vec<CfValues>,
}

/// A transaction as `/transactions?fields=…` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct TransactionItem {
    /// The transaction id.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `Type`: `Create`, `Correspond`, `Comment`, `EmailRecord`, `Status`, `Set`…
    #[serde(rename = "Type", default, deserialize_with = "de_text")]
    pub kind: Option<String>,
    /// `Created`.
    #[serde(rename = "Created", default, deserialize_with = "de_text")]
    pub created: Option<String>,
    /// `Creator` (with `fields[Creator]=id,Name`).
    #[serde(rename = "Creator", default, deserialize_with = "de_ref")]
    pub creator: Option<Ref>,
    /// `ObjectType` (`RT::Ticket`).
    #[serde(rename = "ObjectType", default, deserialize_with = "de_text")]
    pub object_type: Option<String>,
    /// `ObjectId`: the ticket.
    #[serde(rename = "ObjectId", default, deserialize_with = "de_text")]
    pub object_id: Option<String>,
}

/// An attachment as `/attachments?fields=…` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct AttachmentItem {
    /// The attachment id.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `TransactionId`.
    #[serde(rename = "TransactionId", default, deserialize_with = "de_text")]
    pub transaction_id: Option<String>,
    /// `ContentType`.
    #[serde(rename = "ContentType", default, deserialize_with = "de_text")]
    pub content_type: Option<String>,
    /// `Filename` (`""` for message bodies).
    #[serde(rename = "Filename", default, deserialize_with = "de_text")]
    pub filename: Option<String>,
    /// `ContentLength`, in bytes.
    #[serde(rename = "ContentLength", default, deserialize_with = "de_text")]
    pub content_length: Option<String>,
    /// `Subject` (of a message's top part).
    #[serde(rename = "Subject", default, deserialize_with = "de_text")]
    pub subject: Option<String>,
    /// `Headers`: the part's MIME headers, one per line.
    #[serde(rename = "Headers", default, deserialize_with = "de_text")]
    pub headers: Option<String>,
    /// `Content`, decoded to text (only asked for message bodies).
    #[serde(rename = "Content", default, deserialize_with = "de_text")]
    pub content: Option<String>,
}

/// A user, from `GET /user/{id}` or `/users?fields=…`.
#[derive(Debug, Clone, Deserialize)]
pub struct UserRecord {
    /// The user id.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `Name`: the login, unique.
    #[serde(rename = "Name", default, deserialize_with = "de_text")]
    pub name: Option<String>,
    /// `EmailAddress`.
    #[serde(rename = "EmailAddress", default, deserialize_with = "de_text")]
    pub email: Option<String>,
    /// `RealName`.
    #[serde(rename = "RealName", default, deserialize_with = "de_text")]
    pub real_name: Option<String>,
    /// `WorkPhone`.
    #[serde(rename = "WorkPhone", default, deserialize_with = "de_text")]
    pub work_phone: Option<String>,
    /// `MobilePhone`.
    #[serde(rename = "MobilePhone", default, deserialize_with = "de_text")]
    pub mobile_phone: Option<String>,
    /// `HomePhone`.
    #[serde(rename = "HomePhone", default, deserialize_with = "de_text")]
    pub home_phone: Option<String>,
    /// `PagerPhone`.
    #[serde(rename = "PagerPhone", default, deserialize_with = "de_text")]
    pub pager_phone: Option<String>,
    /// `Privileged` (`1`/`0` from `GET /user/{id}`; `""` in collections).
    #[serde(rename = "Privileged", default, deserialize_with = "de_text")]
    pub privileged: Option<String>,
    /// `Disabled` (`1`/`0`).
    #[serde(rename = "Disabled", default, deserialize_with = "de_text")]
    pub disabled: Option<String>,
    /// `Created`.
    #[serde(rename = "Created", default, deserialize_with = "de_text")]
    pub created: Option<String>,
    /// `LastUpdated`.
    #[serde(rename = "LastUpdated", default, deserialize_with = "de_text")]
    pub last_updated: Option<String>,
    /// `CustomFields`.
    #[serde(rename = "CustomFields", default, deserialize_with = "de_cfs")]
    pub custom_fields: Vec<CfValues>,
}

/// A queue, from `GET /queue/{id}` or `/queues?fields=…`.
#[derive(Debug, Clone, Deserialize)]
pub struct QueueRecord {
    /// The queue id.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `Name`.
    #[serde(rename = "Name", default, deserialize_with = "de_text")]
    pub name: Option<String>,
    /// `Description`.
    #[serde(rename = "Description", default, deserialize_with = "de_text")]
    pub description: Option<String>,
    /// `Disabled` (`1`/`0`).
    #[serde(rename = "Disabled", default, deserialize_with = "de_text")]
    pub disabled: Option<String>,
    /// `Created`.
    #[serde(rename = "Created", default, deserialize_with = "de_text")]
    pub created: Option<String>,
    /// `LastUpdated`.
    #[serde(rename = "LastUpdated", default, deserialize_with = "de_text")]
    pub last_updated: Option<String>,
}

/// A custom field, from `GET /customfield/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct CustomFieldRecord {
    /// The custom field id.
    #[serde(deserialize_with = "de_id")]
    pub id: u64,
    /// `Values`: the names a Select field offers.
    #[serde(rename = "Values", default, deserialize_with = "de_strings")]
    pub values: Vec<String>,
    /// `Disabled`.
    #[serde(rename = "Disabled", default, deserialize_with = "de_text")]
    pub disabled: Option<String>,
}

/// `"12"` or `12` as a number; anything else is `None`.
pub fn parse_u64(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A JSON value as a number, when it is one (or a string of digits).
pub fn value_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_u64(s),
        _ => None,
    }
}

/// A JSON value as text: strings as they are, numbers written out; anything else is `None`.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    value_u64(&v).ok_or_else(|| de::Error::custom(format!("id is not a number: {}", short(&v))))
}

fn short(v: &Value) -> String {
    v.to_string().chars().take(40).collect()
}

fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(value_text(&Value::deserialize(d)?))
}

fn de_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(items) => Ok(items),
        Value::Null => Ok(Vec::new()),
        other => Err(de::Error::custom(format!("items is not a list: {}", short(&other)))),
    }
}

fn to_ref(v: &Value) -> Option<Ref> {
    let o = v.as_object()?;
    Some(Ref { id: o.get("id").and_then(value_text), name: o.get("Name").and_then(value_text) })
}

fn de_ref<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ref>, D::Error> {
    Ok(to_ref(&Value::deserialize(d)?))
}

fn de_refs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ref>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.iter().filter_map(to_ref).collect(),
        _ => Vec::new(),
    })
}

fn de_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.iter().filter_map(value_text).collect(),
        _ => Vec::new(),
    })
}

fn de_cfs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CfValues>, D::Error> {
    let Value::Array(items) = Value::deserialize(d)? else { return Ok(Vec::new()) };
    Ok(items
        .iter()
        .filter_map(|cf| {
            let o = cf.as_object()?;
            let name = o.get("name").and_then(value_text)?;
            let values = match o.get("values") {
                Some(Value::Array(v)) => v.clone(),
                _ => Vec::new(),
            };
            Some(CfValues { id: o.get("id").and_then(value_u64), name, values })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tickets_read_every_form_rt_sends() {
        let t: TicketItem = serde_json::from_value(json!({
            "id": "4", "Subject": "Héllo", "Status": "open", "Priority": 50,
            "Queue": {"type": "queue", "id": "1"}, "Owner": {"id": 6, "Name": "Nobody"},
            "Requestor": [{"id": 31}, "junk"], "CustomFields": "",
            "Created": "2026-11-24T20:32:14Z"
        }))
        .expect("lenient");
        assert_eq!(t.id, 4);
        assert_eq!(t.priority.as_deref(), Some("50"));
        assert_eq!(t.owner.as_ref().and_then(Ref::number), Some(6));
        assert_eq!(t.requestor.len(), 1);
        assert!(t.custom_fields.is_empty());
        assert!(t.resolved.is_none());
    }

    #[test]
    fn ids_must_be_numbers() {
        assert!(serde_json::from_value::<TicketItem>(json!({"id": "root"})).is_err());
        assert!(serde_json::from_value::<TicketItem>(json!({"id": -1})).is_err());
        assert!(serde_json::from_value::<TicketItem>(json!({})).is_err());
        assert_eq!(parse_u64(" 12 "), Some(12));
        assert_eq!(parse_u64("1e3"), None);
        assert_eq!(parse_u64("99999999999999999999999"), None);
    }

    #[test]
    fn custom_fields_keep_name_and_values() {
        let u: UserRecord = serde_json::from_value(json!({
            "id": 55, "CustomFields": [{"id": "4", "name": "External ID", "values": ["ext-1"]}, {"values": []}]
        }))
        .expect("reads");
        assert_eq!(
            u.custom_fields,
            vec![CfValues { id: Some(4), name: "External ID".into(), values: vec![json!("ext-1")] }]
        );
        let c: Collection = serde_json::from_value(json!({"items": null})).expect("null items");
        assert!(c.items.is_empty());
        assert!(serde_json::from_value::<Collection>(json!({"items": "x"})).is_err());
    }
}
