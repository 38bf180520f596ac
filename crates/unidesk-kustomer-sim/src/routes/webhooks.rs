//! Outbound webhooks: registration, and signed Kustomer events on writes.

use std::sync::Arc;

use axum::extract::State;
use chrono::Utc;
use serde_json::{Value, json};

use crate::coll::Coll;
use crate::extract::JsonBody;
use crate::record::{Rec, push_str, ts};
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// `POST /v1/outbound-webhooks`: registers `url`; events to it are signed with the returned token.
pub(crate) async fn register(State(sim): State<Arc<Shared>>, JsonBody(body): JsonBody) -> Reply {
    let Some(url) = body.as_ref().and_then(|b| b.get("url")).and_then(Value::as_str) else {
        return Reply::invalid("url", "url is required");
    };
    let token = format!("whtok-{:016x}", fastrand::u64(..));
    lock(&sim.webhooks).push((url.to_owned(), token.clone()));
    Reply::json(
        201,
        &json!({ "data": { "type": "outbound_webhook", "id": format!("{:024x}", fastrand::u64(..)), "attributes": { "url": url, "token": token } } }),
    )
}

/// Posts a `kustomer.<type>.<verb>` event for `rec` to every registered webhook, signed with its token.
pub(crate) fn notify(sim: &Shared, coll: Coll, verb: &str, id: &str, rec: &Rec) {
    let hooks = lock(&sim.webhooks).clone();
    if hooks.is_empty() {
        return;
    }
    let name = format!("kustomer.{}.{verb}", coll.kind());
    // The event's keys in order: createdAt, data, id, name, org.
    let mut body = b"{\"createdAt\":".to_vec();
    push_str(&mut body, &ts(Utc::now()));
    body.extend_from_slice(b",\"data\":");
    rec.write_json(&mut body, coll, id);
    body.extend_from_slice(b",\"id\":");
    push_str(&mut body, &format!("{:024x}", fastrand::u64(..)));
    body.extend_from_slice(b",\"name\":");
    push_str(&mut body, &name);
    body.extend_from_slice(b",\"org\":\"sim-org\"}");
    for (url, token) in hooks {
        let sig = sign(&token, &body);
        let body = body.clone();
        let name = name.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let _ = client
                .post(url)
                .header("content-type", "application/json")
                .header("x-kustomer-webhook-event", name)
                .header("x-kustomer-webhook-signature", sig)
                .body(body)
                .send()
                .await;
        });
    }
}

fn sign(token: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    match hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}
