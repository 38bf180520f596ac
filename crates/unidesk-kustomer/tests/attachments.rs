//! Attachments over HTTP (wiremock standing in for Kustomer and S3): the create-attachment
//! request and the message referencing the upload (snapshotted), the presigned form upload
//! without the API key, a byte-identical streamed download, the size cap, and presigned URLs
//! kept out of every error's `Display` and `Debug`.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use serde_json::{Value, json};
use unidesk_core::{AttachmentUpload, CommentCreate, Error, Helpdesk};
use unidesk_kustomer::KustomerClient;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

const CONV: &str = "5f1a00000000000000000001";
const ATT: &str = "5f1a0000000000000000a771";
const KEY: &str = "attachment-test-key";
/// The secret part of every presigned URL in these tests.
const SIGNATURE: &str = "X-Amz-Signature=0123456789abcdefSECRET";

fn client(server: &MockServer) -> KustomerClient {
    support::http::client(server, KEY)
}

fn content() -> Vec<u8> {
    (0..150_001u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect()
}

fn attachment_doc(server: &MockServer, related: &str, length: usize) -> String {
    json!({ "data": { "type": "attachment", "id": ATT,
        "attributes": { "name": "report.bin", "contentType": "application/octet-stream", "contentLength": length },
        "links": { "self": format!("/v1/attachments/{ATT}"), "related": format!("{}{related}", server.uri()) } } })
    .to_string()
}

/// Mounts Kustomer (create attachment, message create, attachment get) and S3 (form upload,
/// content) on `server`.
async fn mount(server: &MockServer, bytes: &[u8]) {
    let upload = json!({ "data": { "type": "attachment", "id": ATT,
            "attributes": { "name": "report.bin", "contentType": "application/octet-stream" } },
        "meta": { "upload": { "url": format!("{}/s3-bucket?{SIGNATURE}", server.uri()),
            "fields": { "key": format!("attachments/{ATT}"), "Content-Type": "application/octet-stream",
                "policy": "cG9saWN5", "x-amz-signature": "f00d" } } } });
    Mock::given(method("POST"))
        .and(path("/v1/attachments"))
        .respond_with(ResponseTemplate::new(201).set_body_string(upload.to_string()))
        .mount(server)
        .await;
    Mock::given(method("POST")).and(path("/s3-bucket")).respond_with(ResponseTemplate::new(204)).mount(server).await;
    let message = json!({
        "data": { "type": "message", "id": "5f1a0000000000000000ab01",
            "attributes": { "channel": "email", "direction": "out", "preview": "Report attached.",
                "createdAt": "2024-05-03T10:00:00Z" },
            "relationships": { "conversation": { "data": { "type": "conversation", "id": CONV } },
                "attachments": { "data": [{ "type": "attachment", "id": ATT }] } } },
        "included": [{ "type": "attachment", "id": ATT,
            "attributes": { "name": "report.bin", "contentType": "application/octet-stream", "contentLength": bytes.len() },
            "links": { "related": format!("{}/s3-file?{SIGNATURE}", server.uri()) } }]
    });
    Mock::given(method("POST"))
        .and(path(format!("/v1/conversations/{CONV}/messages")))
        .respond_with(ResponseTemplate::new(201).set_body_string(message.to_string()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/attachments/{ATT}")))
        .respond_with(ResponseTemplate::new(200).set_body_string(attachment_doc(
            server,
            &format!("/s3-file?{SIGNATURE}"),
            bytes.len(),
        )))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/s3-file"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(bytes.to_vec()))
        .mount(server)
        .await;
}

/// The requests to Kustomer's API (`/v1/…`) as `{method, path, body}`.
fn api_requests(all: &[Request]) -> Vec<Value> {
    all.iter()
        .filter(|r| r.url.path().starts_with("/v1/"))
        .map(|r| {
            let query: BTreeMap<String, String> = r.url.query_pairs().into_owned().collect();
            let body = if r.body.is_empty() { Value::Null } else { serde_json::from_slice(&r.body).expect("JSON") };
            json!({ "method": r.method.as_str(), "path": r.url.path(), "query": query, "body": body })
        })
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn upload_then_download_is_byte_identical() {
    let server = MockServer::start().await;
    let bytes = content();
    mount(&server, &bytes).await;
    let desk = client(&server);
    let input = CommentCreate {
        ticket_id: CONV.into(),
        body: "Report attached.".into(),
        channel: Some("email".into()),
        attachments: vec![AttachmentUpload {
            file_name: "report.bin".into(),
            content_type: "application/octet-stream".into(),
            bytes: bytes.clone(),
        }],
        ..Default::default()
    };
    let comment = desk.comments().create(&input).await.expect("reply with attachment");
    assert_eq!(comment.attachments.len(), 1);
    let a = &comment.attachments[0];
    assert_eq!(a.id, ATT);
    assert_eq!(a.size_bytes, Some(bytes.len() as u64));
    // The side-loaded link fills `url` (issue 14 item 7, part 1).
    assert_eq!(a.url.as_deref(), Some(format!("{}/s3-file?{SIGNATURE}", server.uri()).as_str()));
    assert!(!format!("{comment:?}").contains(SIGNATURE), "Debug of a comment hides the url");

    let all = server.received_requests().await.expect("recorded");
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("attachment_create_then_message", api_requests(&all));
    });
    // The form went to the presigned URL: the fields handed out, the file last, no API key.
    let form = all.iter().find(|r| r.url.path() == "/s3-bucket").expect("form upload");
    assert!(form.headers.get("authorization").is_none(), "no API key to S3");
    assert!(form.url.query().is_some_and(|q| q.contains(SIGNATURE)));
    let body = &form.body;
    for field in ["name=\"key\"", "name=\"policy\"", "name=\"x-amz-signature\"", "name=\"Content-Type\""] {
        assert!(find(body, field.as_bytes()), "form carries {field}");
    }
    let file_at = body.windows(12).position(|w| w == b"name=\"file\";").expect("file part");
    let policy_at = body.windows(15).position(|w| w == b"name=\"policy\"\r\n").expect("policy part");
    assert!(policy_at < file_at, "the file goes last");
    assert!(find(body, &bytes), "the form carries the bytes");

    let got: Vec<u8> = desk
        .attachments()
        .download(ATT)
        .await
        .expect("download")
        .try_fold(Vec::new(), |mut acc, chunk| async move {
            acc.extend_from_slice(&chunk);
            Ok(acc)
        })
        .await
        .expect("whole content");
    assert_eq!(got, bytes);
    let all = server.received_requests().await.expect("recorded");
    let s3_get = all.iter().find(|r| r.url.path() == "/s3-file").expect("content fetched");
    assert!(s3_get.headers.get("authorization").is_none(), "no API key to S3");
}

#[tokio::test]
async fn notes_refuse_attachments_before_any_request() {
    let server = MockServer::start().await;
    let desk = client(&server);
    let note = CommentCreate {
        ticket_id: CONV.into(),
        body: "internal".into(),
        is_private: true,
        attachments: vec![AttachmentUpload {
            file_name: "a".into(),
            content_type: "text/plain".into(),
            bytes: vec![1],
        }],
        ..Default::default()
    };
    let err = desk.comments().create(&note).await.expect_err("notes take no attachments");
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

/// Every way a download can fail keeps the presigned URL out of the error.
#[tokio::test]
async fn failed_downloads_never_show_the_presigned_url() {
    let server = MockServer::start().await;
    let mut errors = Vec::new();

    // S3 refuses (its body echoes the URL, as S3 error bodies name the resource).
    Mock::given(method("GET"))
        .and(path("/v1/attachments/5f1a0000000000000000a772"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            attachment_doc(&server, &format!("/s3-denied?{SIGNATURE}"), 10).replace(ATT, "5f1a0000000000000000a772"),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/s3-denied"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string(format!("<Error>AccessDenied /s3-denied?{SIGNATURE}</Error>")),
        )
        .mount(&server)
        .await;
    errors.push(client(&server).attachments().download("5f1a0000000000000000a772").await.err().expect("403"));

    // Nothing listens at the presigned URL (transport errors usually name their URL).
    let dead = json!({ "data": { "type": "attachment", "id": "5f1a0000000000000000a773", "attributes": {},
        "links": { "related": format!("http://127.0.0.1:9/s3-gone?{SIGNATURE}") } } });
    Mock::given(method("GET"))
        .and(path("/v1/attachments/5f1a0000000000000000a773"))
        .respond_with(ResponseTemplate::new(200).set_body_string(dead.to_string()))
        .mount(&server)
        .await;
    errors.push(client(&server).attachments().download("5f1a0000000000000000a773").await.err().expect("refused"));

    // Larger than the cap: known from Content-Length.
    Mock::given(method("GET"))
        .and(path("/v1/attachments/5f1a0000000000000000a774"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(
                json!({ "data": { "type": "attachment", "id": "5f1a0000000000000000a774", "attributes": {},
                "links": { "related": format!("{}/s3-big?{SIGNATURE}", server.uri()) } } })
                .to_string(),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/s3-big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7u8; 4096]))
        .mount(&server)
        .await;
    let capped = support::http::client_with(&server, KEY, |b| b.max_download_bytes(1000));
    let big = capped.attachments().download("5f1a0000000000000000a774").await.err().expect("too large");
    assert!(matches!(big, Error::TooLarge { limit: 1000, .. }), "{big:?}");
    assert!(!big.is_temporary(), "a cap is permanent");
    errors.push(big);

    // Declared larger than the cap by Kustomer: refused before S3 is asked.
    Mock::given(method("GET"))
        .and(path(format!("/v1/attachments/{ATT}")))
        .respond_with(ResponseTemplate::new(200).set_body_string(attachment_doc(
            &server,
            &format!("/s3-never?{SIGNATURE}"),
            5000,
        )))
        .mount(&server)
        .await;
    let declared = capped.attachments().download(ATT).await.err().expect("too large");
    assert!(matches!(declared, Error::TooLarge { .. }), "{declared:?}");
    let asked = server.received_requests().await.expect("recorded");
    assert!(asked.iter().all(|r| r.url.path() != "/s3-never"), "S3 not asked");
    errors.push(declared);

    for e in &errors {
        for shown in [e.to_string(), format!("{e:?}"), format!("{:?}", std::error::Error::source(e))] {
            assert!(!shown.contains("SECRET") && !shown.contains("X-Amz"), "URL leaked: {shown}");
            assert!(!shown.contains(KEY), "key leaked: {shown}");
        }
    }
    assert!(matches!(errors[0], Error::Upstream { status: 403, .. }), "{:?}", errors[0]);
    assert!(matches!(errors[1], Error::Transport { .. }), "{:?}", errors[1]);
}
