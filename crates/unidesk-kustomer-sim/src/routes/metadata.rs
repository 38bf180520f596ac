//! `GET /v1/metadata/{resource}`: the custom-attribute definitions of conversations,
//! customers, companies and messages, in the shape of the OAS example: `data.attributes.properties`
//! maps each attribute name to `{type, displayName}` (plus `enumeration`, the values of a list).

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
    if !DESCRIBED.contains(&resource.as_str()) {
        return Reply::error(404, "not_found", &format!("no metadata for {resource}"));
    }
    let properties = lock(&sim.store).metadata(&resource).cloned().unwrap_or_default();
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
