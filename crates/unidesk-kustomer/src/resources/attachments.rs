//! Attachment content: downloads through `GET /v1/attachments/{id}` and its presigned
//! `links.related`, uploads through `POST /v1/attachments` and its presigned form
//! (`meta.upload`). Presigned URLs are secrets while they last: no error, log line or `Debug`
//! output carries one, and requests to them never carry the API key.

use async_trait::async_trait;
use futures::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use unidesk_core::{AttachmentUpload, Attachments, ByteStream, Error, Id, Resource, Result};

use crate::client::{Call, KustomerClient};
use crate::errors;
use crate::paths;
use crate::wire::{AttachmentAttrs, PresignedUrl};
use unidesk_http::human_size as size;

/// The largest attachment a download streams by default (see
/// [`crate::KustomerBuilder::max_download_bytes`]).
pub(crate) const MAX_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// `GET /v1/attachments/{id}` and `POST /v1/attachments`: `{data, meta}`.
#[derive(Deserialize)]
struct AttachmentDoc {
    data: AttachmentObject,
    #[serde(default)]
    meta: Option<AttachmentMeta>,
}

#[derive(Deserialize)]
struct AttachmentObject {
    id: String,
    #[serde(default)]
    attributes: Option<AttachmentAttrs>,
    #[serde(default)]
    links: Option<crate::wire::Links>,
}

#[derive(Deserialize)]
struct AttachmentMeta {
    upload: Option<UploadForm>,
}

/// `meta.upload`: where to post the form, and its fields (in the order given).
#[derive(Deserialize)]
struct UploadForm {
    url: PresignedUrl,
    #[serde(default)]
    fields: Map<String, Value>,
}

fn decode_doc(body: &[u8], context: &str) -> Result<AttachmentDoc> {
    serde_json::from_slice(body).map_err(|e| errors::decode(context, e))
}

/// A transport failure talking to a presigned URL, without the URL.
fn transport(what: &str, e: reqwest::Error) -> Error {
    let timeout = e.is_timeout();
    let e = e.without_url();
    Error::transport(format!("{what}: {e}"), timeout).with_source(e)
}

fn too_large(id: &str, limit: u64) -> Error {
    Error::TooLarge { what: format!("attachment {id:?}"), limit }
}

/// What a download stream carries from chunk to chunk.
struct Reading {
    resp: reqwest::Response,
    seen: u64,
    limit: u64,
    id: String,
    done: bool,
}

#[async_trait]
impl Attachments for KustomerClient {
    /// `GET /v1/attachments/{id}` (paced and retried as every API call), then the content
    /// from its presigned `links.related`, streamed without the API key, at most
    /// [`crate::KustomerBuilder::max_download_bytes`].
    async fn download(&self, id: &str) -> Result<ByteStream> {
        let id = Id::parse(id)?;
        let call = Call::get_at(&paths::ATTACHMENT, &[&id]).not_found(Resource::Comment, id.as_str());
        let resp = self.send(&call).await?;
        let doc = decode_doc(&resp.body, call.template)?;
        let limit = self.inner.max_download_bytes;
        if doc.data.attributes.as_ref().and_then(|a| a.content_length).is_some_and(|n| n > limit) {
            return Err(too_large(id.as_str(), limit));
        }
        let url = doc
            .data
            .links
            .and_then(|l| l.related)
            .ok_or_else(|| Error::decode(call.template, "no links.related: the attachment has no content yet"))?;
        let resp =
            self.inner.files.get(url.expose()).send().await.map_err(|e| transport("GET attachment content", e))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            // S3's error body names the key and request: not kept.
            return Err(Error::Upstream { status, body: "attachment content refused by its storage".into() });
        }
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(too_large(id.as_str(), limit));
        }
        let state = Reading { resp, seen: 0, limit, id: id.to_string(), done: false };
        let stream = futures::stream::unfold(state, |mut s| async move {
            if s.done {
                return None;
            }
            match s.resp.chunk().await {
                Ok(Some(chunk)) => {
                    s.seen += chunk.len() as u64;
                    if s.seen > s.limit {
                        s.done = true;
                        let err = too_large(&s.id, s.limit);
                        return Some((Err(err), s));
                    }
                    Some((Ok(chunk), s))
                }
                Ok(None) => None,
                Err(e) => {
                    s.done = true;
                    Some((Err(transport("reading attachment content", e)), s))
                }
            }
        });
        Ok(stream.boxed())
    }
}

impl KustomerClient {
    /// Creates an attachment for `file` (`POST /v1/attachments`), then posts its content to
    /// the presigned form Kustomer answers with. Returns the attachment's id.
    pub(crate) async fn upload_attachment(&self, file: &AttachmentUpload) -> Result<String> {
        if file.file_name.trim().is_empty() {
            return Err(Error::validation("attachments: every file needs a name"));
        }
        if file.content_type.parse::<http::HeaderValue>().is_err() || !file.content_type.contains('/') {
            return Err(Error::validation(format!("attachments: {:?} is not a MIME type", file.content_type)));
        }
        let body = json!({
            "name": file.file_name,
            "contentType": file.content_type,
            "contentLength": file.bytes.len(),
        });
        let call = Call::write_at(Method::POST, &paths::ATTACHMENTS, &[], Some(body));
        let resp = self.send(&call).await?;
        let doc = decode_doc(&resp.body, call.template)?;
        let form = doc
            .meta
            .and_then(|m| m.upload)
            .ok_or_else(|| Error::decode(call.template, "no meta.upload in the answer"))?;
        let id = Id::parse(&doc.data.id)?.to_string();
        let url = form.url.expose();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::decode(call.template, "meta.upload.url is not an http(s) URL"));
        }
        let mut multipart = reqwest::multipart::Form::new();
        for (k, v) in form.fields {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            multipart = multipart.text(k, v);
        }
        let part = reqwest::multipart::Part::bytes(file.bytes.clone())
            .file_name(file.file_name.clone())
            .mime_str(&file.content_type)
            .map_err(|_| Error::validation(format!("attachments: {:?} is not a MIME type", file.content_type)))?;
        // S3 reads the fields before the file: the file goes last.
        let multipart = multipart.part("file", part);
        let resp = self
            .inner
            .files
            .post(url)
            .multipart(multipart)
            .send()
            .await
            .map_err(|e| transport("POST attachment upload form", e))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Error::Upstream {
                status,
                body: format!("attachment upload refused by its storage ({} file)", size(file.bytes.len())),
            });
        }
        Ok(id)
    }
}
