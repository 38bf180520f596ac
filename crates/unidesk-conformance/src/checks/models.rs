//! Models: what the adapter returns validates against the published JSON Schemas.

use std::collections::BTreeSet;

use unidesk_core::{ListQuery, Operation, Resource};

use super::listable;
use crate::Target;
use crate::any::walk;
use crate::outcome::{CheckResult, Context, Failure, Outcome, ensure, skip};

/// A validator for `r`'s schema, as `schemas/<resource>.schema.json` holds it.
fn validator(r: Resource) -> Result<jsonschema::Validator, Failure> {
    let name = r.schema_file();
    let text = r.json_schema();
    let schema: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure::new(format!("{name} is not JSON: {e}")))?;
    jsonschema::validator_for(&schema).map_err(|e| Failure::new(format!("{name} is not a valid schema: {e}")))
}

/// Every record of every listable resource (with and without `remote_data`) validates against its schema.
pub async fn records_match_the_json_schemas(t: &Target) -> CheckResult {
    let resources = listable(t);
    if resources.is_empty() {
        skip!("no resource is listable");
    }
    for r in resources {
        let v = validator(r)?;
        for raw in [false, true] {
            let what = format!("{} (include_remote_data: {raw})", r.plural());
            let w = walk(t.desk(), r, ListQuery::new().page_size(100).include_remote_data(raw), &what).await?;
            for rec in w.records() {
                let errors: Vec<String> = v.iter_errors(&rec.json).take(3).map(|e| e.to_string()).collect();
                ensure!(
                    errors.is_empty(),
                    "{} {:?} does not match {}: {errors:?}",
                    r.as_str(),
                    rec.id,
                    r.schema_file()
                );
            }
        }
    }
    Ok(Outcome::Passed)
}

/// Field definitions ([`unidesk_core::Helpdesk::fields`]) describe every custom field key the
/// records of each resource with `list_fields` use, for that resource; they come ordered by
/// resource and key without repeats, and the listing of every resource is the union of the
/// per-resource ones.
pub async fn field_definitions_cover_the_custom_fields_records_use(t: &Target) -> CheckResult {
    let caps = t.desk().capabilities();
    let described: Vec<Resource> =
        Resource::ALL.into_iter().filter(|r| caps.supports(*r, Operation::ListFields)).collect();
    if described.is_empty() {
        skip!("the report has no list_fields (the honesty checks verify it answers Unsupported)");
    }
    let all = t.desk().fields().list(None).await.ctx("list every field definition")?;
    for pair in all.windows(2) {
        let (a, b) = ((pair[0].resource, &pair[0].key), (pair[1].resource, &pair[1].key));
        ensure!(a < b, "field definitions out of order or repeated: {a:?} then {b:?}");
    }
    for d in &all {
        ensure!(
            described.contains(&d.resource),
            "a definition of {:?} names {}, which has no list_fields",
            d.key,
            d.resource
        );
    }
    for r in described {
        let defs = t.desk().fields().list(Some(r)).await.ctx(format!("list the field definitions of {r}"))?;
        let in_all: Vec<_> = all.iter().filter(|d| d.resource == r).cloned().collect();
        ensure!(defs == in_all, "the field definitions of {r} differ from those listed for every resource");
        let keys: BTreeSet<&str> = defs.iter().map(|d| d.key.as_str()).collect();
        if !caps.supports(r, Operation::List) {
            continue;
        }
        let w = walk(t.desk(), r, ListQuery::new().page_size(100), r.plural()).await?;
        for rec in w.records() {
            let Some(custom) = rec.json.get("custom_fields").and_then(|c| c.as_object()) else { continue };
            for key in custom.keys() {
                ensure!(
                    keys.contains(key.as_str()),
                    "{r} {:?} has custom field {key:?}, which no field definition of {r} describes",
                    rec.id
                );
            }
        }
    }
    Ok(Outcome::Passed)
}
