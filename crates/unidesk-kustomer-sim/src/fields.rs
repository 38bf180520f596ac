//! Checks of the attributes a write body may set.

use serde_json::Value;

use crate::reply::Reply;

/// Whether a value is acceptable for an attribute.
pub(crate) type Check = fn(&Value) -> bool;

/// An attribute a body may set, with the check of its value.
pub(crate) type Spec = (&'static str, Check);

/// Accepts attribute `k` with value `v` if `specs` lists it and its check passes; otherwise a
/// 400 naming the attribute (`not allowed` or `not valid`).
pub(crate) fn accept(specs: &[Spec], k: &str, v: &Value) -> Result<(), Reply> {
    match specs.iter().find(|(f, _)| *f == k) {
        Some((_, ok)) if ok(v) => Ok(()),
        Some(_) => Err(Reply::invalid(k, &format!("{k} is not valid"))),
        None => Err(Reply::invalid(k, &format!("{k} is not allowed"))),
    }
}
