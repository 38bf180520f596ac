//! metadata (`GET /v1/metadata/{resource}`) → [`FieldDefinition`]s.
//!
//! Kustomer describes each custom attribute of a resource under `data.attributes.properties`,
//! keyed by the attribute's name with its type suffix (`tierStr`), as `{type, displayName}`
//! plus, for list attributes, `enumeration` (OAS `GetCustomAttributeMetadata`). The rules
//! below are in `docs/mapping-kustomer.md`; the parts the OAS does not show are marked [U] there.

use serde_json::Value;
use unidesk_core::{FieldDefinition, FieldOption, FieldType, Resource};

use crate::map::first_non_empty;
use crate::wire::{MetadataAttrs, MetadataProperty, ResourceObject};

/// Every definition of a metadata object, sorted by key, for `resource`'s records.
pub fn field_definitions(obj: ResourceObject<MetadataAttrs>, resource: Resource) -> Vec<FieldDefinition> {
    obj.attributes.properties.into_iter().map(|(key, raw)| field_definition(key, raw, resource)).collect()
}

/// One attribute's definition. `raw` is kept as `remote_data`.
pub fn field_definition(key: String, raw: Value, resource: Resource) -> FieldDefinition {
    let p = MetadataProperty::read(&raw);
    let options: Vec<FieldOption> = p.enumeration.as_deref().unwrap_or_default().iter().filter_map(option).collect();
    let field_type = field_type(&key, &p, !options.is_empty());
    FieldDefinition {
        label: first_non_empty([p.display_name]),
        key,
        field_type,
        options,
        resource,
        remote_data: Some(raw),
    }
}

/// The kind of value: a tree is `Unknown("tree")` and an `…Id` attribute with a `target`
/// `Unknown("reference")` (unidesk has no such kinds); a list is a select (a multiselect with
/// `multi: true`); else the `type`, and without a known `type` the name's suffix; else
/// `Unknown` with the `type` as given (empty when there is none).
fn field_type(key: &str, p: &MetadataProperty, listed: bool) -> FieldType {
    if p.tree.is_some() {
        return FieldType::Unknown("tree".into());
    }
    if p.target.is_some() {
        return FieldType::Unknown("reference".into());
    }
    if listed {
        return if p.multi == Some(true) { FieldType::Multiselect } else { FieldType::Select };
    }
    let by_type = match p.kind.as_deref() {
        Some("string" | "text" | "url") => Some(FieldType::Text),
        Some("number" | "integer") => Some(FieldType::Number),
        Some("boolean" | "bool") => Some(FieldType::Boolean),
        Some("date" | "datetime" | "date-time" | "dateTime") => Some(FieldType::Datetime),
        _ => None,
    };
    by_type.or_else(|| by_suffix(key)).unwrap_or_else(|| FieldType::Unknown(p.kind.clone().unwrap_or_default()))
}

/// What a custom attribute's name suffix says about its values (DOCS create pages).
fn by_suffix(key: &str) -> Option<FieldType> {
    const SUFFIXES: [(&str, FieldType); 6] = [
        ("Str", FieldType::Text),
        ("Txt", FieldType::Text),
        ("Url", FieldType::Text),
        ("Num", FieldType::Number),
        ("Bool", FieldType::Boolean),
        ("At", FieldType::Datetime),
    ];
    if key.len() > 4 && key.ends_with("Tree") {
        return Some(FieldType::Unknown("tree".into()));
    }
    SUFFIXES.into_iter().find(|(s, _)| key.len() > s.len() && key.ends_with(s)).map(|(_, t)| t)
}

/// One value of `enumeration`: a string (as in the OAS example), a number or boolean (as
/// text), or an object with `value` and `displayName`/`label` [U]; anything else is skipped.
fn option(v: &Value) -> Option<FieldOption> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match v {
        Value::Object(o) => {
            let value = o.get("value").and_then(text)?;
            let label =
                ["displayName", "label"].iter().find_map(|k| o.get(*k).and_then(Value::as_str)).map(str::to_owned);
            Some(FieldOption { value, label: first_non_empty([label]) })
        }
        other => text(other).map(|value| FieldOption { value, label: None }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn def(key: &str, raw: Value) -> FieldDefinition {
        field_definition(key.into(), raw, Resource::Contact)
    }

    #[test]
    fn types_come_from_lists_then_the_type_then_the_suffix() {
        let cases = [
            ("myCustomStr", json!({ "type": "string", "enumeration": ["a", "b"] }), FieldType::Select),
            ("tagsStr", json!({ "type": "string", "enumeration": ["a"], "multi": true }), FieldType::Multiselect),
            ("shopifyIdNum", json!({ "type": "number", "displayName": "Shopify" }), FieldType::Number),
            ("bioTxt", json!({ "type": "string" }), FieldType::Text),
            ("vipBool", json!({ "type": "boolean" }), FieldType::Boolean),
            ("signupAt", json!({ "type": "date" }), FieldType::Datetime),
            ("signupAt", json!({ "type": "somethingNew" }), FieldType::Datetime),
            ("countNum", json!({}), FieldType::Number),
            ("homepageUrl", json!(null), FieldType::Text),
            ("reasonTree", json!({ "type": "string", "tree": "reasons" }), FieldType::Unknown("tree".into())),
            (
                "ordersId",
                json!({ "type": "string", "target": "kobject.order", "multi": true }),
                FieldType::Unknown("reference".into()),
            ),
            ("odd", json!({ "type": "somethingNew" }), FieldType::Unknown("somethingNew".into())),
            ("odd", json!({}), FieldType::Unknown(String::new())),
            ("At", json!({}), FieldType::Unknown(String::new())),
        ];
        for (key, raw, want) in cases {
            assert_eq!(def(key, raw.clone()).field_type, want, "{key} {raw}");
        }
    }

    #[test]
    fn labels_options_and_the_raw_definition_are_kept() {
        let raw = json!({ "type": "string", "displayName": "My Custom String!", "enumeration": ["one", 2, true, null,
            { "value": "v", "displayName": "Vee" }, { "value": "w", "label": " " }, { "displayName": "no value" }, ["x"]] });
        let d = def("myCustomStr", raw.clone());
        assert_eq!(
            (d.key.as_str(), d.label.as_deref(), d.resource),
            ("myCustomStr", Some("My Custom String!"), Resource::Contact)
        );
        let options: Vec<(&str, Option<&str>)> =
            d.options.iter().map(|o| (o.value.as_str(), o.label.as_deref())).collect();
        assert_eq!(options, [("one", None), ("2", None), ("true", None), ("v", Some("Vee")), ("w", None)]);
        assert_eq!(d.remote_data, Some(raw));
        assert_eq!(def("x", json!({ "displayName": "  " })).label, None, "a blank label is no label");
        assert_eq!(
            def("x", json!({ "displayName": 5, "type": "number" })).field_type,
            FieldType::Number,
            "a bad field does not spoil the rest"
        );
    }
}
