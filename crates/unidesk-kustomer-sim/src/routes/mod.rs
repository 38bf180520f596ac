//! The API's routes, and the middleware stack around them.

pub(crate) mod files;
pub(crate) mod listing;
pub(crate) mod metadata;
pub(crate) mod search;
pub(crate) mod webhooks;
pub(crate) mod writes;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};

use crate::coll::Coll;
use crate::extract::BODY_LIMIT;
use crate::middleware::{auth, faults, rate_limit};
use crate::reply::Reply;
use crate::state::Shared;

type Sim = Arc<Shared>;

/// The simulator's HTTP service. Unknown paths and methods get Kustomer's JSON 404.
pub(crate) fn router(sim: Sim) -> Router {
    let mut api: Router<Sim> = Router::new();
    for coll in Coll::ALL {
        let mut list: MethodRouter<Sim> = get(move |s, q, u| listing::collection(coll, s, q, u));
        let mut one: MethodRouter<Sim> = get(move |s, id| listing::one(coll, s, id));
        if matches!(coll, Coll::Conversations | Coll::Customers | Coll::Companies) {
            list = list.post(move |s, b| writes::create(coll, s, b));
            one = one
                .patch(move |s, id, b| writes::update(coll, s, id, b))
                .put(move |s, id, b| writes::update(coll, s, id, b));
        }
        if matches!(coll, Coll::Conversations | Coll::Customers) {
            one = one.delete(move |s, id| writes::delete(coll, s, id));
        }
        api = api.route(&format!("/v1/{}", coll.path()), list).route(&format!("/v1/{}/{{id}}", coll.path()), one);
    }
    for coll in [Coll::Messages, Coll::Notes] {
        let sub = get(move |s, id, q, u| listing::of_conversation(coll, s, id, q, u))
            .post(move |s, id, b| writes::comment(coll, s, id, b));
        api = api.route(&format!("/v1/conversations/{{id}}/{}", coll.path()), sub);
    }
    let api = api
        .route("/v1/customers/{id}/conversations", get(listing::of_customer))
        .route(
            "/v1/conversations/{id}/tags",
            post(|s, id, b| writes::tags(true, s, id, b)).delete(|s, id, b| writes::tags(false, s, id, b)),
        )
        .route("/v1/customers/search", post(search::search))
        .route("/v1/metadata/{id}", get(metadata::metadata))
        .route("/v1/outbound-webhooks", post(webhooks::register))
        .route("/v1/attachments", post(files::create))
        .route("/v1/attachments/{id}", get(files::get))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        // The layer added last runs first: count, delay, authenticate, limit, inject, authorize.
        .layer(axum::middleware::from_fn(auth::authorize))
        .layer(from_fn_with_state(Arc::clone(&sim), faults::inject))
        .layer(from_fn_with_state(Arc::clone(&sim), rate_limit::limit))
        .layer(from_fn_with_state(Arc::clone(&sim), auth::authenticate))
        .layer(from_fn_with_state(Arc::clone(&sim), faults::delay))
        .layer(from_fn_with_state(Arc::clone(&sim), rate_limit::count))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::clone(&sim));
    // The stand-in for S3: no API key, no rate limit, its own body limit.
    let s3 = Router::new()
        .route("/sim-s3/upload", post(files::upload))
        .route("/sim-s3/files/{id}/{name}", get(files::download))
        .layer(DefaultBodyLimit::max(files::MAX_FILE + 64 * 1024))
        .with_state(sim);
    s3.merge(api)
}

async fn not_found() -> Reply {
    Reply::no_route()
}
