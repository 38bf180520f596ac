//! Attachment content: the [`Attachments`] trait streaming a file's bytes, and
//! [`AttachmentUpload`], a file to attach to a new comment.
//!
//! Records carry attachment metadata in [`crate::Comment::attachments`]; [`Attachments::download`]
//! streams the content of one of them. [`crate::Helpdesk::attachments`] reaches it; an adapter
//! that cannot answers [`Error::Unsupported`] and leaves [`Operation::Download`] out of its
//! capability report.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use async_trait::async_trait;
use futures::stream::BoxStream;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::capability::{Operation, Resource};
use crate::error::{Error, Result};

/// A file's content, chunk by chunk; an error ends it.
pub type ByteStream = BoxStream<'static, Result<bytes::Bytes>>;

/// The content of attachments.
#[async_trait]
pub trait Attachments: Send + Sync {
    /// Streams the content of attachment `id` (as [`crate::Attachment::id`] gives it). The
    /// stream yields the bytes in order and ends with the last one; a failure midway is its
    /// last item. An unknown id is [`Error::NotFound`] for [`Resource::Comment`]; content over
    /// the adapter's size limit is [`Error::TooLarge`]. Errors never carry the URL the bytes
    /// come from (it may be a presigned secret).
    async fn download(&self, id: &str) -> Result<ByteStream>;
}

/// A file to attach to a new comment ([`crate::CommentCreate::attachments`]). In JSON, `bytes`
/// is the content in standard base64.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentUpload {
    /// The file's name (`receipt.pdf`).
    pub file_name: String,
    /// Its MIME type (`application/pdf`).
    pub content_type: String,
    /// The content.
    #[serde(with = "base64_bytes")]
    #[schemars(with = "String")]
    pub bytes: Vec<u8>,
}

impl fmt::Debug for AttachmentUpload {
    /// The name, type and size; never the content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttachmentUpload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// `Vec<u8>` as a standard base64 string.
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}

/// The [`Attachments`] of an adapter that cannot download: every call answers
/// [`Error::Unsupported`] for [`Operation::Download`] on [`Resource::Comment`], naming the
/// adapter. It is what [`crate::Helpdesk::attachments`] returns unless the adapter overrides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAttachments {
    adapter: Cow<'static, str>,
}

impl NoAttachments {
    /// Answers for the adapter named `adapter` (as [`crate::Helpdesk::name`] gives it).
    pub fn new(adapter: impl Into<String>) -> Self {
        NoAttachments { adapter: Cow::Owned(adapter.into()) }
    }

    /// The adapter named in the errors.
    pub fn adapter(&self) -> &str {
        &self.adapter
    }
}

#[async_trait]
impl Attachments for NoAttachments {
    /// Always [`Error::Unsupported`].
    async fn download(&self, _id: &str) -> Result<ByteStream> {
        Err(Error::unsupported(Resource::Comment, Operation::Download, self.adapter.as_ref()))
    }
}

/// How many adapter names [`unsupported`] keeps a [`NoAttachments`] for.
const MAX_NAMES: usize = 1024;

/// The [`NoAttachments`] naming `adapter`, shared for the life of the process: one small
/// allocation per distinct adapter name, up to [`MAX_NAMES`] names (past that, one unnamed
/// instance). [`crate::Helpdesk::attachments`]'s default returns it.
pub(crate) fn unsupported(adapter: &str) -> &'static dyn Attachments {
    static UNNAMED: NoAttachments = NoAttachments { adapter: Cow::Borrowed("") };
    static NAMED: OnceLock<Mutex<Vec<&'static NoAttachments>>> = OnceLock::new();
    let mut named = NAMED.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap_or_else(|p| p.into_inner());
    if let Some(found) = named.iter().find(|n| n.adapter == adapter) {
        return *found;
    }
    if named.len() >= MAX_NAMES {
        return &UNNAMED;
    }
    let leaked: &'static NoAttachments = Box::leak(Box::new(NoAttachments::new(adapter)));
    named.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_attachments_answers_unsupported_naming_the_adapter() {
        let err = unsupported("acme").download("a1").await.err().expect("unsupported");
        assert!(
            matches!(&err, Error::Unsupported { resource: Resource::Comment, operation: Operation::Download, adapter } if adapter == "acme"),
            "{err:?}"
        );
        let a = unsupported("same") as *const dyn Attachments as *const ();
        let b = unsupported("same") as *const dyn Attachments as *const ();
        assert_eq!(a, b);
    }

    #[test]
    fn uploads_carry_base64_content_and_debug_hides_it() {
        let up =
            AttachmentUpload { file_name: "a.txt".into(), content_type: "text/plain".into(), bytes: b"hi!".to_vec() };
        let json = serde_json::to_value(&up).expect("serializes");
        assert_eq!(json, serde_json::json!({ "file_name": "a.txt", "content_type": "text/plain", "bytes": "aGkh" }));
        let back: AttachmentUpload = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, up);
        assert_eq!(
            format!("{up:?}"),
            r#"AttachmentUpload { file_name: "a.txt", content_type: "text/plain", bytes: <3 bytes> }"#
        );
        let bad = serde_json::from_value::<AttachmentUpload>(
            serde_json::json!({ "file_name": "a", "content_type": "b", "bytes": "!!" }),
        );
        assert!(bad.is_err());
    }
}
