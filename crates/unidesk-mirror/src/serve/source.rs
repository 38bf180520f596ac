//! [`WebhookSource`]: how one account's deliveries are verified and parsed.

use axum::http::HeaderMap;
use unidesk_core::{Error, Event};

/// Verifies one webhook delivery with an account's secret and parses it into normalized
/// [`Event`]s. Object safe: the receiver holds one `Arc<dyn WebhookSource>` per account.
///
/// The mirror crate depends on no provider: the program that knows the providers builds the
/// sources (the CLI from the accounts file). Any `Fn(&HeaderMap, &[u8]) -> Result<Vec<Event>,
/// Error>` is a source, so a provider's verifier is wrapped in one closure:
///
/// ```ignore
/// let hook = unidesk_kustomer::webhook::WebhookReceiver::new().signing_token(secret);
/// let source = move |headers: &HeaderMap, body: &[u8]| Ok(hook.check(body, headers)?.into_iter().collect());
/// ```
pub trait WebhookSource: Send + Sync {
    /// Checks the delivery's signature (or shared secret) over the **raw** body, then parses
    /// it. A delivery that fails verification is [`Error::Unauthenticated`] (answered 401,
    /// nothing applied); a malformed one is `Decode`/`InvalidInput` (answered 400). A delivery
    /// may carry several events, or none the mirror models.
    fn verify_and_parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>, Error>;
}

impl<F> WebhookSource for F
where
    F: Fn(&HeaderMap, &[u8]) -> Result<Vec<Event>, Error> + Send + Sync,
{
    fn verify_and_parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>, Error> {
        self(headers, body)
    }
}
