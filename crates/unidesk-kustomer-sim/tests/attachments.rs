//! Attachments for real: create, presigned form upload to the stand-in for S3, a message
//! referencing the upload, and a download through the presigned link, bytes round-tripping.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use unidesk_kustomer_sim::{SimConfig, Simulator};

async fn sim() -> Simulator {
    Simulator::start(SimConfig { conversations: 3, ..SimConfig::default() }).await.expect("starts")
}

/// `POST /v1/attachments`: the attachment's id, the upload URL and its form fields.
async fn create(
    http: &reqwest::Client,
    sim: &Simulator,
    len: usize,
) -> (String, String, serde_json::Map<String, Value>) {
    let resp = http
        .post(format!("{}/v1/attachments", sim.base_url()))
        .bearer_auth(sim.api_key())
        .json(&json!({ "name": "notes.bin", "contentType": "application/octet-stream", "contentLength": len }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 201);
    let doc: Value = resp.json().await.expect("json");
    let id = doc["data"]["id"].as_str().expect("id").to_owned();
    let url = doc["meta"]["upload"]["url"].as_str().expect("url").to_owned();
    let fields = doc["meta"]["upload"]["fields"].as_object().expect("fields").clone();
    (id, url, fields)
}

fn form(fields: &serde_json::Map<String, Value>, bytes: Vec<u8>) -> Form {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.clone(), v.as_str().unwrap_or_default().to_owned());
    }
    form.part("file", Part::bytes(bytes).file_name("notes.bin"))
}

#[tokio::test]
async fn upload_then_download_round_trips_the_bytes() {
    let sim = sim().await;
    let http = reqwest::Client::new();
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (id, url, fields) = create(&http, &sim, bytes.len()).await;

    // Not uploaded yet: no link.
    let before: Value = http
        .get(format!("{}/v1/attachments/{id}", sim.base_url()))
        .bearer_auth(sim.api_key())
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert!(before["data"]["links"]["related"].is_null(), "{before}");

    // A form with a changed field is refused, as S3 refuses a broken policy.
    let mut forged = fields.clone();
    forged.insert("key".into(), json!(format!("attachments/{id}-other")));
    assert_eq!(http.post(&url).multipart(form(&forged, bytes.clone())).send().await.expect("sent").status(), 403);
    let mut extra = fields.clone();
    extra.insert("acl".into(), json!("public-read"));
    assert_eq!(http.post(&url).multipart(form(&extra, bytes.clone())).send().await.expect("sent").status(), 403);
    // The handed-out form is accepted, without any API key.
    assert_eq!(http.post(&url).multipart(form(&fields, bytes.clone())).send().await.expect("sent").status(), 204);

    // A message referencing it side-loads it.
    let conv: Value = http
        .get(format!("{}/v1/conversations?pageSize=1", sim.base_url()))
        .bearer_auth(sim.api_key())
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let conv = conv["data"][0]["id"].as_str().expect("conversation").to_owned();
    let msg = http
        .post(format!("{}/v1/conversations/{conv}/messages", sim.base_url()))
        .bearer_auth(sim.api_key())
        .json(&json!({ "channel": "email", "app": "postmark", "direction": "out", "preview": "see attached",
            "attachments": [{ "_id": id }] }))
        .send()
        .await
        .expect("sent");
    assert_eq!(msg.status(), 201);
    let msg: Value = msg.json().await.expect("json");
    assert_eq!(msg["data"]["relationships"]["attachments"]["data"][0]["id"], json!(id), "{msg}");
    let unknown = http
        .post(format!("{}/v1/conversations/{conv}/messages", sim.base_url()))
        .bearer_auth(sim.api_key())
        .json(&json!({ "channel": "email", "app": "postmark", "direction": "out", "attachments": [{ "_id": "nope" }] }))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 400);

    // The download link works without the API key and serves the same bytes.
    let doc: Value = http
        .get(format!("{}/v1/attachments/{id}", sim.base_url()))
        .bearer_auth(sim.api_key())
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["data"]["attributes"]["contentLength"], json!(bytes.len()));
    let link = doc["data"]["links"]["related"].as_str().expect("link").to_owned();
    assert!(link.contains("X-Amz-Expires=600") && link.contains("X-Amz-Signature="), "{link}");
    let got = http.get(&link).send().await.expect("sent");
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("body").as_ref(), &bytes[..]);

    // A guessed signature is refused; so is a second upload of the same form.
    let guessed = link.rsplit_once("X-Amz-Signature=").expect("signed").0.to_owned() + "X-Amz-Signature=00000000";
    assert_eq!(http.get(&guessed).send().await.expect("sent").status(), 403);
    assert_eq!(http.post(&url).multipart(form(&fields, vec![1, 2, 3])).send().await.expect("sent").status(), 403);
}
