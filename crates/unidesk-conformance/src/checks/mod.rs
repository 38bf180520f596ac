//! The checks, one module per area. Each is `async fn(&Target) -> CheckResult`.

pub mod errors;
pub mod get;
pub mod honesty;
pub mod ids;
pub mod listing;
pub mod models;
pub mod writes;

use unidesk_core::{Operation, Resource};

use crate::Target;

/// The resources the adapter reports as listable, in the stable order.
pub(crate) fn listable(t: &Target) -> Vec<Resource> {
    let caps = t.desk().capabilities();
    Resource::ALL.into_iter().filter(|r| caps.supports(*r, Operation::List)).collect()
}

/// Whether the adapter reports `op` on `resource`.
pub(crate) fn supports(t: &Target, resource: Resource, op: Operation) -> bool {
    t.desk().capabilities().supports(resource, op)
}
