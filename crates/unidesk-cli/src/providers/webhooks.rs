//! Webhook verification per provider, for `unidesk serve`: a provider's verifier wrapped as
//! the mirror's [`WebhookSource`]. A provider without an entry has no webhook receiver here.

use std::sync::Arc;

use secrecy::SecretString;
use unidesk_mirror::serve::WebhookSource;

use crate::error::CliError;

/// Where an account lives, for the parts of a webhook's records that name it (Kustomer's
/// `ticket_url`), so records from webhooks equal those from a sync.
#[cfg_attr(
    not(any(feature = "kustomer", feature = "zendesk")),
    allow(dead_code, reason = "only Kustomer's and Zendesk's records name their host")
)]
pub(crate) struct Location<'a> {
    /// The API base URL, when given.
    pub(crate) base_url: Option<&'a str>,
    /// The org, when given (Kustomer).
    pub(crate) org: Option<&'a str>,
    /// The subdomain, when given (Zendesk).
    pub(crate) subdomain: Option<&'a str>,
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
        #[cfg(feature = "zendesk")]
        "zendesk" => zendesk(secret, at),
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

/// Zendesk: `X-Zendesk-Webhook-Signature`, base64 HMAC-SHA256 of the signature timestamp and
/// the raw body, keyed with the webhook's signing secret (`unidesk_zendesk::webhook`).
#[cfg(feature = "zendesk")]
fn zendesk(secret: SecretString, at: &Location<'_>) -> Result<Arc<dyn WebhookSource>, CliError> {
    use secrecy::ExposeSecret;
    use unidesk_mirror::serve::HeaderMap;
    use unidesk_zendesk::webhook::WebhookVerifier;

    // The account root, for `ticket_url`: the same rules as a connection.
    let env_url = super::or_env(&None, "ZENDESK_BASE_URL");
    let env_sub = super::or_env(&None, "ZENDESK_SUBDOMAIN");
    let root = match (at.base_url.or(env_url.as_deref()), at.subdomain.or(env_sub.as_deref())) {
        (Some(url), _) => url.trim_end_matches('/').to_owned(),
        (None, Some(sub)) => format!("https://{sub}.zendesk.com"),
        (None, None) => return Err(CliError::usage("a Zendesk account needs a base URL or a subdomain")),
    };
    let verifier = WebhookVerifier::new(secret.expose_secret());
    Ok(Arc::new(move |headers: &HeaderMap, body: &[u8]| -> unidesk_core::Result<Vec<unidesk_core::Event>> {
        Ok(vec![verifier.receive(body, headers, &root)?])
    }))
}

#[cfg(all(test, feature = "zendesk"))]
mod tests {
    use super::*;
    use unidesk_mirror::serve::HeaderMap;
    use unidesk_zendesk::webhook::{SIGNATURE_HEADER, SignedOrder, TIMESTAMP_HEADER, sign};

    const BODY: &[u8] = include_bytes!("../../../../fixtures/zendesk/webhook_ticket_created.json");

    fn signed(secret: &str, body: &[u8]) -> HeaderMap {
        let ts = "2026-11-24T23:00:00Z";
        let mut h = HeaderMap::new();
        h.insert(SIGNATURE_HEADER, sign(secret, ts, body, SignedOrder::TimestampThenBody).parse().expect("header"));
        h.insert(TIMESTAMP_HEADER, ts.parse().expect("header"));
        h
    }

    #[test]
    fn zendesk_deliveries_are_verified_with_the_accounts_secret() {
        let at = Location { base_url: None, org: None, subdomain: Some("acme") };
        let source = source("zendesk", SecretString::from("s3cret".to_owned()), &at).expect("a source");
        let events = source.verify_and_parse(&signed("s3cret", BODY), BODY).expect("a good signature");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, unidesk_core::EventKind::TicketCreated);
        let forged = source.verify_and_parse(&signed("other", BODY), BODY).expect_err("another secret");
        assert!(matches!(forged, unidesk_core::Error::Unauthenticated { .. }), "{forged:?}");
        let mut tampered = BODY.to_vec();
        tampered.push(b' ');
        assert!(source.verify_and_parse(&signed("s3cret", BODY), &tampered).is_err(), "a changed body");
    }

    #[test]
    fn a_zendesk_source_needs_a_root() {
        let at = Location { base_url: None, org: None, subdomain: None };
        if std::env::var_os("ZENDESK_BASE_URL").is_none() && std::env::var_os("ZENDESK_SUBDOMAIN").is_none() {
            let e = source("zendesk", SecretString::from("s".to_owned()), &at).err().expect("no root");
            assert_eq!(e.code, 2);
        }
    }
}
