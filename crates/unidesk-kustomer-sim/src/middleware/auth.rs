//! Bearer-key authentication (401) and the read-only key's permissions (403).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::reply::Reply;
use crate::state::Shared;

/// What the request's key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Every role.
    Full,
    /// Reads only: writes get 403.
    ReadOnly,
}

/// Answers 401 unless the request carries one of the simulator's keys; records its [`Role`].
pub(crate) async fn authenticate(State(sim): State<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let role = if key == sim.config.api_key {
        Role::Full
    } else if key == sim.config.read_only_key {
        Role::ReadOnly
    } else {
        return Reply::error(401, "unauthorized", "Invalid or missing API key").into_response();
    };
    req.extensions_mut().insert(role);
    next.run(req).await
}

/// Answers 403 to a read-only key's writes (anything but GET and the search POST).
pub(crate) async fn authorize(req: Request, next: Next) -> Response {
    let read_only = req.extensions().get::<Role>() != Some(&Role::Full);
    let method = req.method();
    let is_read = *method == Method::GET
        || *method == Method::HEAD
        || (*method == Method::POST && req.uri().path().trim_matches('/') == "v1/customers/search");
    if read_only && !is_read {
        return Reply::error(403, "forbidden", "This key's roles do not allow org.permission.write").into_response();
    }
    next.run(req).await
}
