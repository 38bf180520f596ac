//! Authentication (401) and the read-only token's permissions (403), with Zendesk's bodies.
//!
//! Two credentials are accepted: API-token Basic auth (`{email}/token:{token}`) and an OAuth
//! bearer token (`Authorization: Bearer {token}`, which tap-zendesk sends). The simulator's
//! token works both ways; the read-only token too, but its writes get 403.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::reply::Reply;
use crate::state::Shared;

/// The credential a request authenticated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Credential {
    /// A bearer token (else Basic).
    pub(crate) bearer: bool,
    /// The read-only token.
    pub(crate) read_only: bool,
}

/// The 401 Zendesk sends for a bad or missing API token.
fn basic_401() -> Response {
    Reply::json(401, &json!({ "error": "Couldn't authenticate you" }))
        .with_headers(vec![("www-authenticate", "Basic realm=\"Web Password\"".into())])
        .into_response()
}

/// The 401 Zendesk sends for a bad OAuth token.
fn bearer_401() -> Response {
    Reply::json(
        401,
        &json!({
            "error": "invalid_token",
            "error_description": "The access token provided is expired, revoked, malformed or invalid for other reasons.",
        }),
    )
    .into_response()
}

/// Answers 401 unless the request carries one of the simulator's credentials.
pub(crate) async fn authenticate(State(sim): State<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().trim();
    let token_role = |t: &str| {
        if t == sim.config.token {
            Some(false)
        } else if t == sim.config.read_only_token {
            Some(true)
        } else {
            None
        }
    };
    let cred = if let Some(token) = header.strip_prefix("Bearer ") {
        match token_role(token.trim()) {
            Some(read_only) => Credential { bearer: true, read_only },
            None => return bearer_401(),
        }
    } else if let Some(b64) = header.strip_prefix("Basic ") {
        let decoded = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok();
        let pair = decoded.as_deref().and_then(|d| std::str::from_utf8(d).ok()).and_then(|s| s.split_once(':'));
        let role = pair.and_then(|(user, pass)| {
            let email = user.strip_suffix("/token")?;
            email.eq_ignore_ascii_case(&sim.config.email).then(|| token_role(pass)).flatten()
        });
        match role {
            Some(read_only) => Credential { bearer: false, read_only },
            None => return basic_401(),
        }
    } else {
        return basic_401();
    };
    req.extensions_mut().insert(cred);
    next.run(req).await
}

/// Answers 403 to the read-only token's writes: an OAuth scope error for a bearer token, the
/// role error (whose `error` is an object) for Basic auth, both exactly as tap-zendesk matches.
pub(crate) async fn authorize(req: Request, next: Next) -> Response {
    let cred = req.extensions().get::<Credential>().copied();
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    match cred {
        Some(c) if c.read_only && !read => {
            let body = if c.bearer {
                json!({ "error": "Forbidden", "description": "Missing the following required scopes: write" })
            } else {
                json!({ "error": { "title": "Forbidden", "message": "Access to this resource is restricted. Please contact the account administrator for assistance." } })
            };
            Reply::json(403, &body).into_response()
        }
        _ => next.run(req).await,
    }
}
