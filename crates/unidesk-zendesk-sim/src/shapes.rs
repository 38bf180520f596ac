//! The JSON objects of each resource, field for field as Zendesk returns them.

use serde_json::{Map, Value, json};

use crate::record::ts;
use crate::store::{Kind, Store};

/// The statuses a ticket can have (exports add `deleted`).
pub(crate) const STATUSES: [&str; 6] = ["new", "open", "pending", "hold", "solved", "closed"];
/// The priorities (or null).
pub(crate) const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];
/// The ticket types (or null).
pub(crate) const TYPES: [&str; 4] = ["problem", "incident", "question", "task"];

/// The id of the default custom status of a status category.
pub(crate) fn custom_status_id(status: &str) -> Value {
    match STATUSES.iter().position(|s| *s == status) {
        // closed shares the solved category's status.
        Some(i) => json!(500_000_001 + i.min(4) as i64),
        None => Value::Null,
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// What a new ticket is made of.
#[derive(Debug, Clone)]
pub(crate) struct TicketInit {
    /// `subject`.
    pub(crate) subject: String,
    /// The first comment's plain text (`description`).
    pub(crate) description: String,
    /// `status`.
    pub(crate) status: String,
    /// `priority`.
    pub(crate) priority: Value,
    /// `type`.
    pub(crate) kind: Value,
    /// `requester_id` (also `submitter_id`).
    pub(crate) requester_id: i64,
    /// `assignee_id`.
    pub(crate) assignee_id: Value,
    /// `group_id`.
    pub(crate) group_id: Value,
    /// `organization_id`.
    pub(crate) organization_id: Value,
    /// `tags`.
    pub(crate) tags: Vec<String>,
    /// `custom_fields` as `[{id, value}]`.
    pub(crate) custom_fields: Vec<Value>,
    /// `external_id`.
    pub(crate) external_id: Value,
    /// `via.channel`.
    pub(crate) channel: &'static str,
    /// `collaborator_ids`.
    pub(crate) collaborators: Vec<i64>,
    /// `created_at` (epoch seconds).
    pub(crate) created: i64,
    /// `updated_at` (epoch seconds).
    pub(crate) updated: i64,
}

/// A ticket object.
pub(crate) fn ticket(store: &Store, id: i64, t: &TicketInit) -> Map<String, Value> {
    object(json!({
        "url": store.url(Kind::Tickets, id),
        "id": id,
        "external_id": t.external_id,
        "via": { "channel": t.channel, "source": { "from": {}, "to": {}, "rel": null } },
        "created_at": ts(t.created),
        "updated_at": ts(t.updated),
        "type": t.kind,
        "subject": t.subject,
        "raw_subject": t.subject,
        "description": t.description,
        "priority": t.priority,
        "status": t.status,
        "custom_status_id": custom_status_id(&t.status),
        "recipient": null,
        "requester_id": t.requester_id,
        "submitter_id": t.requester_id,
        "assignee_id": t.assignee_id,
        "organization_id": t.organization_id,
        "group_id": t.group_id,
        "collaborator_ids": t.collaborators,
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": null,
        "problem_id": null,
        "has_incidents": false,
        "is_public": true,
        "due_at": null,
        "tags": t.tags,
        "custom_fields": t.custom_fields,
        "fields": t.custom_fields,
        "satisfaction_rating": null,
        "sharing_agreement_ids": [],
        "followup_ids": [],
        "ticket_form_id": 600_000_001,
        "brand_id": 610_000_001,
        "allow_channelback": false,
        "allow_attachments": true,
        "from_messaging_channel": false,
    }))
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The text of an HTML fragment: tags dropped, paragraph ends as blank lines, the common
/// entities decoded.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in html.chars() {
        match (in_tag, ch) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name =
                    tag.trim_start_matches('/').split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
                if tag.starts_with('/') && name == "p" && !out.is_empty() {
                    out.push_str("\n\n");
                } else if name == "br" || name == "br/" {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let text = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.trim_end().to_owned()
}

/// A comment object.
pub(crate) fn comment(
    id: i64,
    audit_id: i64,
    author_id: i64,
    body: &str,
    public: bool,
    attachments: Vec<Value>,
    created: i64,
) -> Map<String, Value> {
    let html: String = body.split("\n\n").map(|p| format!("<p dir=\"auto\">{}</p>", escape(p))).collect();
    object(json!({
        "id": id,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "html_body": format!("<div class=\"zd-comment\" dir=\"auto\">{html}</div>"),
        "plain_body": body,
        "public": public,
        "attachments": attachments,
        "audit_id": audit_id,
        "via": { "channel": "web", "source": { "from": {}, "to": {}, "rel": null } },
        "created_at": ts(created),
        "metadata": { "system": { "client": "unidesk-zendesk-sim", "ip_address": "127.0.0.1" }, "custom": {} },
    }))
}

/// An attachment object; its `content_url` is served by the simulator.
pub(crate) fn attachment(store: &Store, id: i64, token: &str, name: &str, content_type: &str, size: usize) -> Value {
    let content = format!("{}/attachments/token/{token}/?name={}", store.base, url_escape(name));
    json!({
        "url": store.url(Kind::Attachments, id),
        "id": id,
        "file_name": name,
        "content_url": content,
        "mapped_content_url": content,
        "content_type": content_type,
        "size": size,
        "width": null,
        "height": null,
        "inline": false,
        "deleted": false,
        "malware_access_override": false,
        "malware_scan_result": "malware_not_found",
        "thumbnails": [],
    })
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// What a new user is made of.
#[derive(Debug, Clone)]
pub(crate) struct UserInit {
    /// `name`.
    pub(crate) name: String,
    /// `email`.
    pub(crate) email: Value,
    /// `role`: end-user, agent or admin.
    pub(crate) role: String,
    /// `active` (false once deleted).
    pub(crate) active: bool,
    /// `suspended`.
    pub(crate) suspended: bool,
    /// `organization_id`.
    pub(crate) organization_id: Value,
    /// `default_group_id` (agents).
    pub(crate) default_group_id: Value,
    /// `tags`.
    pub(crate) tags: Vec<String>,
    /// `user_fields` by key.
    pub(crate) user_fields: Value,
    /// `phone`.
    pub(crate) phone: Value,
    /// `external_id`.
    pub(crate) external_id: Value,
    /// `created_at`/`updated_at` (epoch seconds).
    pub(crate) created: i64,
    /// `updated_at` (epoch seconds).
    pub(crate) updated: i64,
}

/// A user object.
pub(crate) fn user(store: &Store, id: i64, u: &UserInit) -> Map<String, Value> {
    let staff = u.role != "end-user";
    object(json!({
        "id": id,
        "url": store.url(Kind::Users, id),
        "name": u.name,
        "email": u.email,
        "created_at": ts(u.created),
        "updated_at": ts(u.updated),
        "time_zone": "Europe/Berlin",
        "iana_time_zone": "Europe/Berlin",
        "phone": u.phone,
        "shared_phone_number": null,
        "photo": null,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": u.organization_id,
        "role": u.role,
        "verified": true,
        "external_id": u.external_id,
        "tags": u.tags,
        "alias": "",
        "active": u.active,
        "shared": false,
        "shared_agent": false,
        "last_login_at": if staff { Value::from(ts(u.updated)) } else { Value::Null },
        "two_factor_auth_enabled": null,
        "signature": if staff { Value::from(format!("{}\nSupport team", u.name)) } else { Value::Null },
        "details": "",
        "notes": "",
        "role_type": null,
        "custom_role_id": null,
        "moderator": staff,
        "ticket_restriction": if staff { Value::Null } else { Value::from("requested") },
        "only_private_comments": false,
        "restricted_agent": !staff,
        "suspended": u.suspended,
        "default_group_id": u.default_group_id,
        "report_csv": staff,
        "user_fields": u.user_fields,
    }))
}

/// An organization object.
#[allow(clippy::too_many_arguments)]
pub(crate) fn organization(
    store: &Store,
    id: i64,
    name: &str,
    domains: Vec<String>,
    tags: Vec<String>,
    fields: Value,
    external_id: Value,
    created: i64,
    updated: i64,
) -> Map<String, Value> {
    object(json!({
        "url": store.url(Kind::Organizations, id),
        "id": id,
        "name": name,
        "shared_tickets": false,
        "shared_comments": false,
        "external_id": external_id,
        "created_at": ts(created),
        "updated_at": ts(updated),
        "domain_names": domains,
        "details": "",
        "notes": "",
        "group_id": null,
        "tags": tags,
        "organization_fields": fields,
    }))
}

/// A group object.
pub(crate) fn group(store: &Store, id: i64, name: &str, created: i64, updated: i64) -> Map<String, Value> {
    object(json!({
        "url": store.url(Kind::Groups, id),
        "id": id,
        "is_public": true,
        "name": name,
        "description": format!("The {name} team"),
        "default": false,
        "deleted": false,
        "created_at": ts(created),
        "updated_at": ts(updated),
    }))
}

/// A group membership object.
pub(crate) fn membership(store: &Store, id: i64, user: i64, group: i64, default: bool, at: i64) -> Map<String, Value> {
    object(json!({
        "url": store.url(Kind::Memberships, id),
        "id": id,
        "user_id": user,
        "group_id": group,
        "default": default,
        "created_at": ts(at),
        "updated_at": ts(at),
    }))
}

/// A field definition (`ticket_fields`, `user_fields`, `organization_fields`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn field(
    store: &Store,
    kind: Kind,
    id: i64,
    kind_name: &str,
    title: &str,
    key: Value,
    options: &[(&str, &str)],
    position: usize,
    at: i64,
) -> Map<String, Value> {
    let options: Vec<Value> = options
        .iter()
        .enumerate()
        .map(|(i, (name, value))| json!({ "id": 700_000_001 + i as i64, "name": name, "raw_name": name, "value": value, "default": false }))
        .collect();
    let mut m = object(json!({
        "url": store.url(kind, id),
        "id": id,
        "type": kind_name,
        "title": title,
        "raw_title": title,
        "description": format!("{title} (seeded)"),
        "raw_description": format!("{title} (seeded)"),
        "position": position,
        "active": true,
        "required": false,
        "created_at": ts(at),
        "updated_at": ts(at),
    }));
    if kind == Kind::TicketFields {
        m.insert("title_in_portal".into(), json!(title));
        m.insert("visible_in_portal".into(), json!(true));
        m.insert("editable_in_portal".into(), json!(false));
        m.insert("required_in_portal".into(), json!(false));
        m.insert("removable".into(), json!(key.is_null()));
        m.insert("agent_description".into(), Value::Null);
    } else {
        m.insert("key".into(), key);
    }
    if !options.is_empty() {
        m.insert("custom_field_options".into(), Value::Array(options));
    }
    m
}

/// A new user with defaults for everything but its name, email and role.
pub(crate) fn new_user(name: String, email: Value, role: &str, now: i64) -> UserInit {
    UserInit {
        name,
        email,
        role: role.into(),
        active: true,
        suspended: false,
        organization_id: Value::Null,
        default_group_id: Value::Null,
        tags: Vec::new(),
        user_fields: json!({ "plan": null, "vip": false, "loyalty_points": null, "birthday": null, "nickname": null }),
        phone: Value::Null,
        external_id: Value::Null,
        created: now,
        updated: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(strip_tags("<p>Hi <b>there</b></p><p>a &amp; b<br>c</p>"), "Hi there\n\na & b\nc");
        assert_eq!(strip_tags("plain"), "plain");
    }
}
