//! Models: what the adapter returns validates against the published JSON Schemas.

use unidesk_core::{ListQuery, Resource};

use super::listable;
use crate::Target;
use crate::any::walk;
use crate::outcome::{CheckResult, Failure, Outcome, ensure, skip};

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
