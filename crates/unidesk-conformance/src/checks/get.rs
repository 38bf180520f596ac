//! Fetching one record by id.

use unidesk_core::{Error, ListQuery, Operation, Resource};

use super::{listable, supports};
use crate::Target;
use crate::any::{self, walk};
use crate::outcome::{CheckResult, Context, Outcome, ensure, skip};

/// An id in the allowed alphabet that no adapter's seed data uses.
pub(crate) const MISSING_ID: &str = "unidesk-conformance-missing-0000";

/// Every listed record, fetched by id, equals the listed one.
pub async fn get_returns_the_listed_record(t: &Target) -> CheckResult {
    let resources: Vec<_> = listable(t).into_iter().filter(|r| supports(t, *r, Operation::Get)).collect();
    if resources.is_empty() {
        skip!("no resource is both listable and gettable");
    }
    for r in resources {
        let w = walk(t.desk(), r, ListQuery::new().page_size(100), r.plural()).await?;
        for listed in w.records().take(t.gets_per_resource()) {
            let got = any::get(t.desk(), r, &listed.id).await.ctx(format!("get {} {:?}", r.as_str(), listed.id))?;
            ensure!(
                got.json == listed.json,
                "{} {:?}: get returned\n{}\nbut the listing had\n{}",
                r.as_str(),
                listed.id,
                got.json,
                listed.json
            );
        }
    }
    Ok(Outcome::Passed)
}

/// An id that does not exist is `NotFound` naming the resource and the id.
pub async fn get_unknown_id_is_not_found(t: &Target) -> CheckResult {
    let resources: Vec<_> = Resource::ALL.into_iter().filter(|r| supports(t, *r, Operation::Get)).collect();
    if resources.is_empty() {
        skip!("no resource is gettable");
    }
    for r in resources {
        match any::get(t.desk(), r, MISSING_ID).await {
            Err(Error::NotFound { resource, id }) => {
                ensure!(resource == r, "get {} of a missing id named resource {resource}", r.as_str());
                ensure!(id == MISSING_ID, "get {} of a missing id named id {id:?}", r.as_str());
            }
            other => {
                return Err(crate::Failure::new(format!(
                    "get {} {MISSING_ID:?} gave {:?}, not NotFound",
                    r.as_str(),
                    other.map(|x| x.id)
                )));
            }
        }
    }
    Ok(Outcome::Passed)
}
