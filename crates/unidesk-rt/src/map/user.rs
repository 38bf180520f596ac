//! An RT user → [`Contact`] (unprivileged users: requestors) or [`User`] (privileged users: agents).

use serde_json::Value;
use unidesk_core::{Contact, User};

use super::{Context, cf_texts, custom_fields, non_empty, rt_time};
use crate::wire::UserRecord;

/// RT's own accounts, which are neither contacts nor agents.
pub fn is_system_user(name: Option<&str>) -> bool {
    matches!(name, Some("Nobody" | "RT_System"))
}

/// Maps an unprivileged user. `RealName` is the name (the login `Name` is usually the email
/// address and is not repeated); the four RT phone fields are the phones, work phone first.
pub fn contact(u: &UserRecord, raw: &Value, ctx: &Context<'_>) -> Result<Contact, String> {
    let email = non_empty(u.email.as_ref());
    let mut phones: Vec<String> = Vec::new();
    for p in [&u.work_phone, &u.mobile_phone, &u.home_phone, &u.pager_phone] {
        if let Some(p) = non_empty(p.as_ref())
            && !phones.contains(&p)
        {
            phones.push(p);
        }
    }
    let external_id = ctx.external_id_field.and_then(|f| cf_texts(&u.custom_fields, f).into_iter().next());
    let skip: Vec<&str> = ctx.external_id_field.into_iter().collect();
    Ok(Contact {
        id: u.id.to_string(),
        name: non_empty(u.real_name.as_ref()),
        email: email.clone(),
        emails: email.into_iter().collect(),
        phone: phones.first().cloned(),
        phones,
        // RT has no companies; `Organization` is free text, not a record.
        account_id: None,
        external_id,
        tag_ids: Vec::new(),
        custom_fields: custom_fields(&u.custom_fields, &skip),
        created_at: rt_time(u.created.as_deref())?,
        updated_at: rt_time(u.last_updated.as_deref())?,
        remote_was_deleted: false,
        remote_data: ctx.include_remote_data.then(|| raw.clone()),
    })
}

/// Maps a privileged user. The name is `RealName`, else the login `Name`; a disabled user is
/// inactive. RT users belong to groups, not queues, so `team_ids` is empty.
pub fn agent(u: &UserRecord, raw: &Value, ctx: &Context<'_>) -> Result<User, String> {
    Ok(User {
        id: u.id.to_string(),
        name: non_empty(u.real_name.as_ref()).or_else(|| non_empty(u.name.as_ref())),
        email: non_empty(u.email.as_ref()),
        is_active: u.disabled.as_deref().map(str::trim) != Some("1"),
        team_ids: Vec::new(),
        roles: Vec::new(),
        avatar_url: None,
        created_at: rt_time(u.created.as_deref())?,
        updated_at: rt_time(u.last_updated.as_deref())?,
        remote_was_deleted: false,
        remote_data: ctx.include_remote_data.then(|| raw.clone()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn user(v: Value) -> UserRecord {
        serde_json::from_value(v).expect("user")
    }

    #[test]
    fn contacts_keep_name_email_phones_and_external_id() {
        let ctx =
            Context { web: "", tags_field: None, external_id_field: Some("External ID"), include_remote_data: false };
        let raw = json!({
            "id": 55, "Name": "zoe@example.com", "EmailAddress": "zoe@example.com", "RealName": "Zoë Ångström",
            "WorkPhone": "+1555", "MobilePhone": "", "HomePhone": "+1555", "PagerPhone": "+1666",
            "Created": "2026-11-24T20:32:14Z", "LastUpdated": "2026-11-24T20:32:15Z",
            "CustomFields": [{"id": 4, "name": "External ID", "values": ["ext-1"]}, {"id": 6, "name": "Plan", "values": ["gold"]}]
        });
        let c = contact(&user(raw.clone()), &raw, &ctx).expect("maps");
        assert_eq!(c.id, "55");
        assert_eq!(c.name.as_deref(), Some("Zoë Ångström"));
        assert_eq!(c.emails, vec!["zoe@example.com"]);
        assert_eq!(c.phones, vec!["+1555", "+1666"]);
        assert_eq!(c.phone.as_deref(), Some("+1555"));
        assert_eq!(c.external_id.as_deref(), Some("ext-1"));
        assert_eq!(c.custom_fields.get("Plan"), Some(&json!(["gold"])));
        assert!(!c.custom_fields.contains_key("External ID"));
    }

    #[test]
    fn agents_fall_back_to_their_login_and_show_disabled_as_inactive() {
        let ctx = Context { web: "", tags_field: None, external_id_field: None, include_remote_data: false };
        let raw = json!({"id": 14, "Name": "root", "RealName": "", "Disabled": "1", "Privileged": 1});
        let u = agent(&user(raw.clone()), &raw, &ctx).expect("maps");
        assert_eq!(u.name.as_deref(), Some("root"));
        assert!(!u.is_active);
        assert!(is_system_user(Some("Nobody")) && !is_system_user(Some("root")));
    }
}
