//! The checked-in JSON Schemas are exactly what the code generates, with the contracted field names.

use std::path::PathBuf;

use unidesk_core::schema;

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

#[test]
fn checked_in_schemas_are_fresh() {
    let dir = schemas_dir();
    let update = std::env::var_os("UNIDESK_UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, text) in schema::all() {
        let path = dir.join(&name);
        if update {
            std::fs::write(&path, &text).expect("write schema");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == text => {}
            _ => stale.push(name),
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing schema files {stale:?}; regenerate them with `{}`",
        schema::REGENERATE_COMMAND
    );
}

fn property_names(name: &str) -> Vec<String> {
    let (_, text) = schema::all().into_iter().find(|(n, _)| n == name).expect("schema exists");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let mut keys: Vec<String> = v["properties"].as_object().expect("properties").keys().cloned().collect();
    keys.sort();
    keys
}

fn sorted(fields: &str) -> Vec<String> {
    let mut v: Vec<String> = fields.split(", ").map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn field_names_are_the_contracted_ones() {
    let expected = [
        (
            "ticket.schema.json",
            "id, subject, description, status, remote_status, priority, remote_priority, contact_id, account_id, assignee_ids, team_ids, tag_ids, channels, ticket_url, created_at, updated_at, closed_at, external_id, created_by_user_id, custom_fields, remote_was_deleted, remote_data",
        ),
        (
            "comment.schema.json",
            "id, ticket_id, subject, body, html_body, is_private, direction, channel, author_user_id, author_contact_id, to, cc, attachments, created_at, updated_at, remote_was_deleted, remote_data",
        ),
        (
            "contact.schema.json",
            "id, name, email, emails, phone, phones, account_id, external_id, tag_ids, custom_fields, created_at, updated_at, remote_was_deleted, remote_data",
        ),
        (
            "account.schema.json",
            "id, name, domains, external_id, custom_fields, created_at, updated_at, remote_was_deleted, remote_data",
        ),
        ("tag.schema.json", "id, name, color, created_at, updated_at, remote_was_deleted, remote_data"),
        (
            "team.schema.json",
            "id, name, description, member_ids, created_at, updated_at, remote_was_deleted, remote_data",
        ),
        (
            "user.schema.json",
            "id, name, email, is_active, team_ids, roles, avatar_url, created_at, updated_at, remote_was_deleted, remote_data",
        ),
        ("event.schema.json", "id, kind, occurred_at, object, changes"),
    ];
    for (file, fields) in expected {
        assert_eq!(property_names(file), sorted(fields), "{file}");
    }
}

#[test]
fn attachment_fields_are_the_contracted_ones() {
    let (_, text) = schema::all().into_iter().find(|(n, _)| n == "comment.schema.json").expect("comment");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let mut keys: Vec<String> =
        v["$defs"]["Attachment"]["properties"].as_object().expect("attachment").keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, sorted("id, file_name, content_type, size_bytes, url"));
}
