//! Webhook deliveries never panic: parsing arbitrary bytes, and receiving them
//! through a receiver that checks a signature and deduplicates.
#![no_main]

use http::HeaderMap;
use libfuzzer_sys::fuzz_target;
use unidesk_kustomer::webhook::{SIGNATURE_HEADER, WebhookReceiver, parse_event, sign};

fuzz_target!(|data: &[u8]| {
    let _ = parse_event(data, "https://acme.api.kustomerapp.com");
    let receiver = WebhookReceiver::new().signing_token("fuzz-token").dedupe(4);
    let mut headers = HeaderMap::new();
    if let Ok(v) = sign("fuzz-token", data).parse() {
        headers.insert(SIGNATURE_HEADER, v);
    }
    let _ = receiver.receive(data, &headers);
    let _ = receiver.receive(data, &HeaderMap::new());
});
