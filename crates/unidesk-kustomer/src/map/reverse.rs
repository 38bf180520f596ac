//! Normalized → Kustomer request bodies: the inverse of the read mapping.

use serde_json::{Map, Value, json};
use unidesk_core::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, Error, FieldError, Priority, Result,
    TicketCreate, TicketStatus, TicketUpdate,
};

fn field_error(field: &str, message: String) -> Error {
    Error::Validation {
        message: format!("{field}: {message}"),
        field_errors: vec![FieldError { field: Some(field.to_owned()), message }],
    }
}

/// `open`→`open`, `on_hold`→`snoozed`, `closed`→`done`. Kustomer has no `pending`: that and
/// unknown values are a validation error, never a silent default.
pub fn status_to_kustomer(s: &TicketStatus) -> Result<&'static str> {
    match s {
        TicketStatus::Open => Ok("open"),
        TicketStatus::OnHold => Ok("snoozed"),
        TicketStatus::Closed => Ok("done"),
        TicketStatus::Pending => Err(field_error("status", "Kustomer has no pending status".into())),
        TicketStatus::Unknown(raw) => Err(field_error("status", format!("unknown status {raw:?}"))),
    }
}

/// `urgent`→5, `high`→4, `normal`→3, `low`→2 (Kustomer's 1–5 scale); unknown values are an error.
pub fn priority_to_kustomer(p: &Priority) -> Result<u8> {
    match p {
        Priority::Urgent => Ok(5),
        Priority::High => Ok(4),
        Priority::Normal => Ok(3),
        Priority::Low => Ok(2),
        Priority::Unknown(raw) => Err(field_error("priority", format!("unknown priority {raw:?}"))),
    }
}

/// The app Kustomer expects on an outbound message of `channel` (email via postmark, sms via twilio…).
pub fn app_for_channel(channel: &str) -> &'static str {
    match channel {
        "email" => "postmark",
        "sms" => "twilio",
        "chat" => "chat",
        "facebook" => "facebook",
        "instagram" => "instagram",
        "whatsapp" => "whatsapp",
        "twitter-dm" | "twitter-tweet" => "twitter",
        "voice" => "voice",
        _ => "api",
    }
}

fn custom(fields: &unidesk_core::CustomFields) -> Value {
    Value::Object(fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// `POST /v1/conversations` body.
pub fn ticket_create(input: &TicketCreate) -> Result<Value> {
    let mut m = Map::new();
    m.insert("customer".into(), json!(input.contact_id));
    if let Some(s) = &input.subject {
        m.insert("name".into(), json!(s));
    }
    if let Some(s) = &input.status {
        m.insert("status".into(), json!(status_to_kustomer(s)?));
    }
    if let Some(p) = &input.priority {
        m.insert("priority".into(), json!(priority_to_kustomer(p)?));
    }
    if !input.assignee_ids.is_empty() {
        m.insert("assignedUsers".into(), json!(input.assignee_ids));
    }
    if !input.team_ids.is_empty() {
        m.insert("assignedTeams".into(), json!(input.team_ids));
    }
    if !input.tag_ids.is_empty() {
        m.insert("tags".into(), json!(input.tag_ids));
    }
    if !input.custom_fields.is_empty() {
        m.insert("custom".into(), custom(&input.custom_fields));
    }
    Ok(Value::Object(m))
}

/// `PATCH /v1/conversations/{id}` body: only the fields given.
pub fn ticket_update(patch: &TicketUpdate) -> Result<Value> {
    let mut m = Map::new();
    if let Some(s) = &patch.subject {
        m.insert("name".into(), json!(s));
    }
    if let Some(s) = &patch.status {
        m.insert("status".into(), json!(status_to_kustomer(s)?));
    }
    if let Some(p) = &patch.priority {
        m.insert("priority".into(), json!(priority_to_kustomer(p)?));
    }
    if let Some(a) = &patch.assignee_ids {
        m.insert("assignedUsers".into(), json!(a));
    }
    if let Some(a) = &patch.team_ids {
        m.insert("assignedTeams".into(), json!(a));
    }
    if let Some(c) = &patch.custom_fields {
        m.insert("custom".into(), custom(c));
    }
    Ok(Value::Object(m))
}

/// `POST /v1/conversations/{id}/messages` body for a public reply on `channel`.
/// `attachment_ids` are attachments already uploaded (`POST /v1/attachments`), each sent as
/// `{"_id": id, "name", "contentType", "contentLength"}` in the order of
/// `input.attachments`.
pub fn message_create(input: &CommentCreate, channel: &str, attachment_ids: &[String]) -> Value {
    let mut m = Map::new();
    m.insert("channel".into(), json!(channel));
    m.insert("app".into(), json!(app_for_channel(channel)));
    m.insert("direction".into(), json!("out"));
    m.insert("preview".into(), json!(input.body));
    let mut meta = Map::new();
    if let Some(h) = &input.html_body {
        meta.insert("html".into(), json!(h));
    }
    meta.insert("body".into(), json!(input.body));
    m.insert("meta".into(), Value::Object(meta));
    if let Some(u) = &input.author_user_id {
        m.insert("createdBy".into(), json!(u));
    }
    if !attachment_ids.is_empty() {
        let files = attachment_ids.iter().zip(&input.attachments).map(|(id, f)| {
            json!({ "_id": id, "name": f.file_name, "contentType": f.content_type, "contentLength": f.bytes.len() })
        });
        m.insert("attachments".into(), Value::Array(files.collect()));
    }
    Value::Object(m)
}

/// `POST /v1/conversations/{id}/notes` body.
pub fn note_create(input: &CommentCreate) -> Value {
    let mut m = Map::new();
    m.insert("body".into(), json!(input.body));
    if let Some(u) = &input.author_user_id {
        m.insert("createdBy".into(), json!(u));
    }
    Value::Object(m)
}

fn emails(list: &[String]) -> Value {
    Value::Array(list.iter().map(|e| json!({ "email": e, "type": "home" })).collect())
}

fn phones(list: &[String]) -> Value {
    Value::Array(list.iter().map(|p| json!({ "phone": p, "type": "mobile" })).collect())
}

/// `POST /v1/customers` body.
pub fn customer_create(input: &ContactCreate) -> Value {
    let mut all_emails: Vec<String> = input.email.iter().cloned().collect();
    all_emails.extend(input.emails.iter().filter(|e| Some(*e) != input.email.as_ref()).cloned());
    let mut all_phones: Vec<String> = input.phone.iter().cloned().collect();
    all_phones.extend(input.phones.iter().filter(|p| Some(*p) != input.phone.as_ref()).cloned());
    let mut m = Map::new();
    if let Some(n) = &input.name {
        m.insert("name".into(), json!(n));
    }
    if !all_emails.is_empty() {
        m.insert("emails".into(), emails(&all_emails));
    }
    if !all_phones.is_empty() {
        m.insert("phones".into(), phones(&all_phones));
    }
    if let Some(a) = &input.account_id {
        m.insert("company".into(), json!(a));
    }
    if let Some(x) = &input.external_id {
        m.insert("externalId".into(), json!(x));
    }
    if !input.tag_ids.is_empty() {
        m.insert("tags".into(), json!(input.tag_ids));
    }
    if !input.custom_fields.is_empty() {
        m.insert("custom".into(), custom(&input.custom_fields));
    }
    Value::Object(m)
}

/// `PATCH /v1/customers/{id}` body.
pub fn customer_update(patch: &ContactUpdate) -> Value {
    let mut m = Map::new();
    if let Some(n) = &patch.name {
        m.insert("name".into(), json!(n));
    }
    if let Some(e) = &patch.emails {
        m.insert("emails".into(), emails(e));
    }
    if let Some(p) = &patch.phones {
        m.insert("phones".into(), phones(p));
    }
    if let Some(a) = &patch.account_id {
        m.insert("company".into(), json!(a));
    }
    if let Some(x) = &patch.external_id {
        m.insert("externalId".into(), json!(x));
    }
    if let Some(c) = &patch.custom_fields {
        m.insert("custom".into(), custom(c));
    }
    Value::Object(m)
}

/// `POST /v1/companies` body.
pub fn company_create(input: &AccountCreate) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(input.name));
    if !input.domains.is_empty() {
        m.insert("domains".into(), json!(input.domains));
    }
    if let Some(x) = &input.external_id {
        m.insert("externalId".into(), json!(x));
    }
    if !input.custom_fields.is_empty() {
        m.insert("custom".into(), custom(&input.custom_fields));
    }
    Value::Object(m)
}

/// `PUT /v1/companies/{id}` body (Kustomer merges: `replace=false` is the default).
pub fn company_update(patch: &AccountUpdate) -> Value {
    let mut m = Map::new();
    if let Some(n) = &patch.name {
        m.insert("name".into(), json!(n));
    }
    if let Some(d) = &patch.domains {
        m.insert("domains".into(), json!(d));
    }
    if let Some(x) = &patch.external_id {
        m.insert("externalId".into(), json!(x));
    }
    if let Some(c) = &patch.custom_fields {
        m.insert("custom".into(), custom(c));
    }
    Value::Object(m)
}
