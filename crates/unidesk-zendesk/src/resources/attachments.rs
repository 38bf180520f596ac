//! Attachments: uploads (`POST /uploads.json`, one token for all of a comment's files) and
//! downloads (`GET /attachments/{id}.json`, then its `content_url`).

use async_trait::async_trait;
use futures::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use unidesk_core::{AttachmentUpload, Attachments, ByteStream, Error, Resource, Result};

use super::zendesk_id;
use crate::client::{Call, ZendeskClient};

#[derive(Deserialize)]
struct UploadAnswer {
    upload: Upload,
}

#[derive(Deserialize)]
struct Upload {
    token: String,
}

#[derive(Deserialize)]
struct AttachmentAnswer {
    attachment: AttachmentMeta,
}

#[derive(Deserialize)]
struct AttachmentMeta {
    content_url: Option<String>,
    size: Option<u64>,
}

impl ZendeskClient {
    /// Uploads `files` under one upload token (the first upload's, passed to the others), or
    /// `None` when there are none.
    pub(crate) async fn upload_all(&self, files: &[AttachmentUpload]) -> Result<Option<String>> {
        let mut token: Option<String> = None;
        for f in files {
            if f.file_name.trim().is_empty() {
                return Err(super::invalid("attachments", "a file needs a name"));
            }
            let mut call =
                Call::write(Method::POST, "/uploads.json", "/uploads.json", None).query("filename", &f.file_name);
            if let Some(t) = &token {
                call = call.query("token", t);
            }
            let content_type =
                if f.content_type.trim().is_empty() { "application/octet-stream" } else { &f.content_type };
            call.raw_body = Some((bytes::Bytes::from(f.bytes.clone()), content_type.to_owned()));
            let reply = self.send(&call).await?;
            let answer: UploadAnswer = self.decode(call.template, &reply.body)?;
            token = Some(answer.upload.token);
        }
        Ok(token)
    }

    /// Whether `url` is on the account's own host (its content may need the credentials).
    fn same_origin(&self, url: &url::Url) -> bool {
        url::Url::parse(&self.inner.root).is_ok_and(|root| root.origin() == url.origin())
    }
}

#[async_trait]
impl Attachments for ZendeskClient {
    async fn download(&self, id: &str) -> Result<ByteStream> {
        let n = zendesk_id(id, Resource::Comment)?;
        let call =
            Call::get(format!("/attachments/{n}.json"), "/attachments/{id}.json").not_found(Resource::Comment, id);
        let reply = self.send(&call).await?;
        let meta: AttachmentAnswer = self.decode(call.template, &reply.body)?;
        let limit = self.inner.max_download_bytes;
        let what = format!("attachment {id}");
        if meta.attachment.size.is_some_and(|s| s > limit) {
            return Err(Error::TooLarge { what, limit });
        }
        let raw = meta.attachment.content_url.ok_or_else(|| Error::decode(call.template, "no content_url"))?;
        let url = url::Url::parse(&raw).map_err(|_| Error::decode(call.template, "content_url is not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::decode(call.template, "content_url is not http(s)"));
        }
        let mut req = self.inner.files.get(url.clone());
        if self.same_origin(&url) {
            req = req.header(reqwest::header::AUTHORIZATION, self.auth_value()?);
        }
        // Never the URL in an error: it may be a presigned secret.
        let transport = |e: reqwest::Error| {
            let timeout = e.is_timeout();
            let e = e.without_url();
            Error::transport(format!("downloading {what}: {e}"), timeout).with_source(e)
        };
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Err(Error::not_found(Resource::Comment, id));
        }
        if !(200..300).contains(&status) {
            return Err(Error::Upstream { status, body: format!("downloading {what}") });
        }
        if resp.content_length().is_some_and(|l| l > limit) {
            return Err(Error::TooLarge { what, limit });
        }
        let mut seen = 0u64;
        let mut over = false;
        let stream = resp.bytes_stream().map(move |chunk| {
            if over {
                return None;
            }
            Some(match chunk {
                Ok(b) => {
                    seen += b.len() as u64;
                    if seen > limit {
                        over = true;
                        Err(Error::TooLarge { what: what.clone(), limit })
                    } else {
                        Ok(b)
                    }
                }
                Err(e) => {
                    over = true;
                    let e = e.without_url();
                    Err(Error::transport(format!("downloading {what}: {e}"), e.is_timeout()).with_source(e))
                }
            })
        });
        Ok(stream.take_while(|x| std::future::ready(x.is_some())).filter_map(std::future::ready).boxed())
    }
}
