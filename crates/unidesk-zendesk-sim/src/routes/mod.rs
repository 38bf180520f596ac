//! The API's routes, and the middleware stack around them.

pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod hooks;
pub(crate) mod lists;
pub(crate) mod people;
pub(crate) mod search;
pub(crate) mod sideload;
pub(crate) mod threads;
pub(crate) mod tickets;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::Uri;
use axum::http::request::Parts;
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use serde_json::Value;

use crate::middleware::{auth, faults, rate_limit};
use crate::reply::Reply;
use crate::state::Shared;
use crate::store::Kind;

type Sim = Arc<Shared>;

/// The numeric `{id}` of a route; anything else names no record (404).
#[derive(Debug)]
pub(crate) struct Id(pub(crate) i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Reply> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(s)) => s.parse().map(Id).map_err(|_| Reply::not_found()),
            Err(_) => Err(Reply::not_found()),
        }
    }
}

/// A JSON request body (`Null` when empty); a body that is not JSON gets 400.
#[derive(Debug)]
pub(crate) struct Json(pub(crate) Value);

impl<S: Send + Sync> FromRequest<S> for Json {
    type Rejection = Reply;

    async fn from_request(req: Request, state: &S) -> Result<Self, Reply> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| Reply::bad_request(&e.body_text()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Json(Value::Null));
        }
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|e| Reply::error(400, "InvalidJSON", &format!("The request body is not valid JSON: {e}")))
    }
}

/// The path of the request (for pagination links).
pub(crate) fn path_of(uri: &Uri) -> String {
    uri.path().trim_end_matches('/').to_owned()
}

/// Zendesk accepts every path with or without `.json`: drop the suffix before routing.
async fn strip_json(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if let Some(stripped) = path.strip_suffix(".json") {
        let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(uri) = format!("{stripped}{query}").parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    next.run(req).await
}

/// The simulator's HTTP service. Unknown paths and methods get Zendesk's 404.
pub(crate) fn router(sim: Sim) -> Router {
    let mut api: Router<Sim> = Router::new()
        .route("/api/v2/tickets", get(tickets::list).post(tickets::create))
        .route("/api/v2/tickets/show_many", get(tickets::show_many))
        .route("/api/v2/tickets/{id}", get(tickets::show).put(tickets::update).delete(tickets::destroy))
        .route(
            "/api/v2/tickets/{id}/tags",
            get(tickets::tags).post(tickets::set_tags).put(tickets::add_tags).delete(tickets::remove_tags),
        )
        .route("/api/v2/tickets/{id}/comments", get(threads::comments))
        .route("/api/v2/tickets/{id}/audits", get(threads::audits))
        .route("/api/v2/deleted_tickets", get(lists::deleted_tickets))
        .route("/api/v2/deleted_tickets/{id}", delete(lists::purge))
        .route("/api/v2/deleted_tickets/{id}/restore", put(lists::restore))
        .route("/api/v2/users", get(people::list_users).post(people::create_user))
        .route("/api/v2/users/me", get(people::me))
        .route("/api/v2/users/search", get(search::users))
        .route("/api/v2/users/show_many", get(people::show_many_users))
        .route("/api/v2/users/{id}", get(people::show_user).put(people::update_user).delete(people::delete_user))
        .route("/api/v2/users/{id}/group_memberships", get(lists::memberships_of_user))
        .route("/api/v2/organizations", get(people::list_organizations).post(people::create_organization))
        .route(
            "/api/v2/organizations/{id}",
            get(people::show_organization).put(people::update_organization).delete(people::delete_organization),
        )
        .route("/api/v2/groups/{id}/memberships", get(lists::memberships_of_group))
        .route("/api/v2/tags", get(lists::tags))
        .route("/api/v2/attachments/{id}", get(lists::attachment))
        .route("/api/v2/uploads", post(lists::upload))
        .route("/api/v2/search", get(search::search))
        .route("/api/v2/incremental/tickets/cursor", get(export::tickets_cursor))
        .route("/api/v2/incremental/tickets", get(export::tickets_time))
        .route("/api/v2/incremental/users/cursor", get(export::users_cursor))
        .route("/api/v2/incremental/users", get(export::users_time))
        .route("/api/v2/incremental/organizations", get(export::organizations_time))
        .route("/api/v2/incremental/ticket_metric_events", get(export::metric_events))
        .route("/api/v2/incremental/ticket_events", get(events::ticket_events))
        .route("/api/v2/webhooks", get(hooks::list).post(hooks::create))
        .route("/api/v2/webhooks/{id}", get(hooks::show).delete(hooks::delete))
        .route("/api/v2/webhooks/{id}/signing_secret", get(hooks::secret));
    for kind in [Kind::Groups, Kind::Memberships, Kind::TicketFields, Kind::UserFields, Kind::OrganizationFields] {
        api = api
            .route(&format!("/api/v2/{}", kind.plural()), get(move |s, q, u| lists::list(kind, s, q, u)))
            .route(&format!("/api/v2/{}/{{id}}", kind.plural()), get(move |s, id| lists::show(kind, s, id)));
    }
    for (path, key) in lists::EMPTY {
        api = api.route(path, get(move |q, u| lists::empty(key, q, u)));
    }
    let api = api
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        // The layer added last runs first: count, delay, authenticate, limit, inject, authorize.
        .layer(from_fn(auth::authorize))
        .layer(from_fn_with_state(Arc::clone(&sim), faults::inject))
        .layer(from_fn_with_state(Arc::clone(&sim), rate_limit::limit))
        .layer(from_fn_with_state(Arc::clone(&sim), auth::authenticate))
        .layer(from_fn_with_state(Arc::clone(&sim), faults::delay))
        .layer(from_fn_with_state(Arc::clone(&sim), rate_limit::count))
        .with_state(Arc::clone(&sim));
    // Attachment downloads and the simulator's own debug route need no credentials.
    let open = Router::new()
        .route("/attachments/token/{token}", get(lists::download))
        .route("/attachments/token/{token}/", get(lists::download))
        .route("/sim/counts", get(lists::counts))
        .with_state(sim);
    let inner = open.merge(api);
    Router::new().fallback_service(inner).layer(from_fn(strip_json))
}

async fn not_found() -> Reply {
    Reply::error(404, "InvalidEndpoint", "Not found")
}
