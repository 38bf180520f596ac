//! Webhook verification per provider, for `unidesk serve`: a provider's verifier wrapped as
//! the mirror's [`WebhookSource`]. A provider without an entry has no webhook receiver here.

use std::sync::Arc;

use secrecy::SecretString;
use unidesk_mirror::serve::WebhookSource;

use crate::error::CliError;

/// Where an account lives, for the parts of a webhook's records that name it (Kustomer's
/// `ticket_url`), so records from webhooks equal those from a sync.
#[cfg_attr(not(feature = "kustomer"), allow(dead_code, reason = "only Kustomer's records name their host"))]
pub(crate) struct Location<'a> {
    /// The API base URL, when given.
    pub(crate) base_url: Option<&'a str>,
    /// The org, when given.
    pub(crate) org: Option<&'a str>,
}

/// The verifier of `provider`'s deliveries, keyed with `secret`.
pub(crate) fn source(
    provider: &str,
    secret: SecretString,
    at: &Location<'_>,
) -> Result<Arc<dyn WebhookSource>, CliError> {
    match provider {
        #[cfg(feature = "kustomer")]
        "kustomer" => kustomer(secret, at),
        other => {
            let _ = (secret, at);
            Err(CliError::usage(format!("provider {other:?} has no webhook receiver in this build of unidesk serve")))
        }
    }
}

/// Kustomer: `X-Kustomer-Webhook-Signature`, HMAC-SHA256 of the raw body keyed with the
/// webhook's token (`unidesk_kustomer::webhook`).
#[cfg(feature = "kustomer")]
fn kustomer(secret: SecretString, at: &Location<'_>) -> Result<Arc<dyn WebhookSource>, CliError> {
    use secrecy::ExposeSecret;
    use unidesk_kustomer::KustomerClient;
    use unidesk_kustomer::webhook::WebhookReceiver;
    use unidesk_mirror::serve::HeaderMap;

    // The adapter's own base URL (the same rules as a connection), for `ticket_url`.
    let mut builder = KustomerClient::builder().api_key("webhook-base-url-only");
    let env_url = super::or_env(&None, "KUSTOMER_BASE_URL");
    builder = match (at.base_url.or(env_url.as_deref()), at.org) {
        (Some(url), _) => builder.base_url(url),
        (None, Some(org)) => builder.org(org),
        (None, None) => return Err(CliError::usage("a Kustomer account needs a base URL or an org")),
    };
    let base = builder.build()?.base_url().to_owned();
    let verifier = WebhookReceiver::new().signing_token(secret.expose_secret()).base_url(base);
    Ok(Arc::new(move |headers: &HeaderMap, body: &[u8]| -> unidesk_core::Result<Vec<unidesk_core::Event>> {
        Ok(verifier.check(body, headers)?.into_iter().collect())
    }))
}
