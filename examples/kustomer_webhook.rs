//! Receive and verify a Kustomer webhook delivery.
//!
//! In a real service the body and headers come from your HTTP framework (axum, actix…);
//! here one delivery is signed the way Kustomer signs it, then checked and parsed.
//!
//! `cargo run -p unidesk-examples --example kustomer_webhook`

use http::{HeaderMap, HeaderValue};
use unidesk_kustomer::webhook::{self, SIGNATURE_HEADER, WebhookReceiver};

const SIGNING_TOKEN: &str = "the-token-kustomer-showed-once";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = br#"{"id":"evt-1","name":"kustomer.conversation.update","createdAt":"2026-11-24T10:00:00.000Z",
        "data":{"type":"conversation","id":"5c9a1d6f3e2b4a0012345678",
                "attributes":{"name":"Refund","status":"done","updatedAt":"2026-11-24T10:00:00.000Z"}}}"#;
    let mut headers = HeaderMap::new();
    let signature = webhook::sign(SIGNING_TOKEN, body);
    headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&signature)?);

    let receiver = WebhookReceiver::new().signing_token(SIGNING_TOKEN).dedupe(10_000);
    match receiver.receive(body, &headers)? {
        Some(event) => println!("{:?} (delivery {}) at {:?}", event.kind, event.id, event.occurred_at),
        None => println!("a re-delivery: already seen"),
    }

    // A tampered body fails verification.
    let mut tampered = body.to_vec();
    tampered[10] ^= 1;
    let err = receiver.receive(&tampered, &headers).expect_err("tampered");
    println!("tampered delivery: {err}");
    Ok(())
}
