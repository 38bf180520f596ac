//! The API's routes, and the middleware stack around them.

pub(crate) mod audit;
pub(crate) mod bulk;
pub(crate) mod drafts;
pub(crate) mod files;
pub(crate) mod klasses;
pub(crate) mod kobjects;
pub(crate) mod listing;
pub(crate) mod metadata;
pub(crate) mod paged;
pub(crate) mod related;
pub(crate) mod search;
pub(crate) mod sub_statuses;
pub(crate) mod users;
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
        match coll {
            Coll::Conversations | Coll::Customers => {
                list = list.post(move |s, b| writes::create(coll, s, b));
                one = one
                    .patch(move |s, id, b| writes::update(coll, s, id, b))
                    .put(move |s, id, q, b| writes::replace(coll, s, id, q, b))
                    .delete(move |s, id| writes::delete(coll, s, id));
            }
            Coll::Companies => {
                list = list.post(move |s, b| writes::create(coll, s, b));
                one = one
                    .patch(move |s, id, b| writes::update(coll, s, id, b))
                    .put(move |s, id, b| writes::update(coll, s, id, b));
            }
            Coll::Notes => {
                list = list.post(related::note);
                one = one
                    .patch(move |s, id, b| writes::update(coll, s, id, b))
                    .put(move |s, id, b| writes::update(coll, s, id, b))
                    .delete(move |s, id| writes::delete(coll, s, id));
            }
            Coll::Messages => list = list.post(related::message),
            Coll::Users => {
                list = list.post(users::invite);
                one = get(users::get).put(users::update);
            }
            Coll::Tags | Coll::Teams => {}
        }
        api = api.route(&format!("/v1/{}", coll.path()), list).route(&format!("/v1/{}/{{id}}", coll.path()), one);
    }
    for coll in [Coll::Messages, Coll::Notes] {
        let sub = get(move |s, id, q, u| listing::of_conversation(coll, s, id, q, u))
            .post(move |s, id, b| writes::comment(coll, s, id, b));
        api = api.route(&format!("/v1/conversations/{{id}}/{}", coll.path()), sub);
    }
    let api = api
        // A static path, so it wins over `/v1/users/{id}`; also with the trailing slash
        // tap-kustomer sends (ROUTES.md §7).
        .route("/v1/users/current", get(users::current))
        .route("/v1/users/current/", get(users::current))
        .route("/v1/customers/{id}/conversations", get(listing::of_customer).post(related::conversation_for_customer))
        .route("/v1/customers/{id}/notes", get(listing::notes_of_customer).post(related::customer_note))
        .route("/v1/customers/{id}/drafts", get(drafts::of_customer).post(drafts::create_for_customer))
        .route("/v1/conversations/{id}/drafts", get(drafts::of_conversation).post(drafts::create_for_conversation))
        .route("/v1/drafts/{id}", get(drafts::get).put(drafts::update).delete(drafts::delete))
        .route("/v1/customers/{id}/klasses/{name}", get(kobjects::of_customer).post(kobjects::create_for_customer))
        .route("/v1/companies/{id}/klasses/{name}", get(kobjects::of_company))
        .route("/v1/klasses", get(klasses::list).post(klasses::create))
        .route(
            "/v1/klasses/{name}",
            get(klasses::get).post(kobjects::create).put(klasses::update).delete(klasses::delete),
        )
        .route(
            "/v1/klasses/{name}/{id}",
            get(kobjects::get).put(kobjects::update).patch(kobjects::update).delete(kobjects::delete),
        )
        .route("/v1/sub-statuses", get(sub_statuses::list).post(sub_statuses::create))
        .route(
            "/v1/sub-statuses/{id}",
            get(sub_statuses::get).put(sub_statuses::update).patch(sub_statuses::update).delete(sub_statuses::delete),
        )
        .route("/v1/conversations/bulk", post(bulk::create).put(bulk::update).delete(bulk::delete))
        .route("/v1/bulk/{id}", get(bulk::get))
        .route("/v1/bulk/{id}/batches", get(bulk::batches))
        .route("/v1/audit-logs", get(audit::list))
        .route(
            "/v1/conversations/{id}/tags",
            post(|s, id, b| writes::tags(true, s, id, b)).delete(|s, id, b| writes::tags(false, s, id, b)),
        )
        .route("/v1/customers/search", post(search::search))
        .route("/v1/metadata/{id}", get(metadata::metadata))
        .route("/v1/outbound-webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/v1/outbound-webhooks/{id}",
            get(webhooks::get).put(webhooks::update).patch(webhooks::update).delete(webhooks::delete),
        )
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

/// Kustomer's JSON 404, for paths no route serves.
pub(crate) async fn not_found() -> Reply {
    Reply::no_route()
}
