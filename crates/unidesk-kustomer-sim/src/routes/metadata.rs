//! `GET /v1/metadata/{resource}`: the custom-attribute definitions of conversations,
//! customers, companies and messages, in the shape of the OAS example: `data.attributes.properties`
//! maps each attribute name to `{type, displayName}` (plus `enumeration`, the values of a list).
//! `kobject.<klass>` answers the klass's `metadata.properties`.

use std::sync::Arc;

use axum::extract::State;
use serde_json::json;

use crate::extract::PathId;
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// The resources `GET /v1/metadata/{resource}` describes (the OAS also names `kobject.*`).
const DESCRIBED: [&str; 4] = ["company", "conversation", "customer", "message"];

/// The handler: 404 for a resource without metadata.
pub(crate) async fn metadata(State(sim): State<Arc<Shared>>, PathId(resource): PathId) -> Reply {
    let properties = {
        let store = lock(&sim.store);
        if let Some(klass) = resource.strip_prefix("kobject.") {
            match store.docs.klass_named(klass) {
                Some(k) => {
                    k.attrs.get("metadata").and_then(|m| m.get("properties")).and_then(|p| p.as_object()).cloned()
                }
                None => None,
            }
        } else if DESCRIBED.contains(&resource.as_str()) {
            Some(store.metadata(&resource).cloned().unwrap_or_default())
        } else {
            None
        }
    };
    let Some(properties) = properties else {
        return Reply::error(404, "not_found", &format!("no metadata for {resource}"));
    };
    Reply::json(
        200,
        &json!({ "data": {
            "type": "metadata",
            "id": resource,
            "attributes": { "properties": properties },
            "relationships": { "org": { "links": { "self": "/v1/orgs/sim-org" }, "data": { "type": "org", "id": "sim-org" } } },
            "links": { "self": format!("/v1/metadata/{resource}") },
        } }),
    )
}
