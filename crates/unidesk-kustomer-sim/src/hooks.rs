//! Outbound webhook subscriptions and their deliveries: signed like Kustomer's, filtered by
//! the subscription's events, and retried with backoff while the receiver is down or answers
//! anything but 2xx (see [`crate::WebhookRetry`]).

use crate::config::WebhookRetry;
use crate::state::{Shared, lock};

/// One delivery to make.
struct Delivery {
    url: String,
    signature: String,
    headers: Vec<(String, String)>,
}

/// Sends event `name` with `body` to every subscription that wants it, each in its own task.
pub(crate) fn deliver(sim: &Shared, name: &str, body: &[u8]) {
    let targets: Vec<Delivery> = lock(&sim.webhooks)
        .values()
        .filter(|h| h.wants(name))
        .filter_map(|h| {
            Some(Delivery {
                url: h.doc.str_attr("url")?.to_owned(),
                signature: sign(&h.token, body),
                headers: h.headers(),
            })
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    for target in targets {
        let (http, retry, name, body) =
            (sim.http.clone(), sim.config.webhook_retry.clone(), name.to_owned(), body.to_vec());
        runtime.spawn(send_with_retries(http, retry, name, body, target));
    }
}

async fn send_with_retries(http: reqwest::Client, retry: WebhookRetry, name: String, body: Vec<u8>, to: Delivery) {
    let attempts = retry.attempts.max(1);
    for n in 0..attempts {
        let mut req = http
            .post(&to.url)
            .timeout(retry.timeout)
            .header("content-type", "application/json")
            .header("x-kustomer-webhook-event", &name)
            .header("x-kustomer-webhook-signature", &to.signature);
        for (k, v) in &to.headers {
            req = req.header(k, v);
        }
        match req.body(body.clone()).send().await {
            Ok(resp) if resp.status().is_success() => return,
            Ok(resp) => tracing::debug!(status = resp.status().as_u16(), attempt = n + 1, "webhook answered non-2xx"),
            Err(e) => tracing::debug!(attempt = n + 1, "webhook unreachable: {e}"),
        }
        if n + 1 < attempts {
            tokio::time::sleep(retry.backoff(n)).await;
        }
    }
    tracing::debug!(event = %name, "webhook delivery given up");
}

/// Lowercase hex HMAC-SHA256 of `body` keyed with `token`.
pub(crate) fn sign(token: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    match hmac::Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}
