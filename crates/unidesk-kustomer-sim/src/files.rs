//! Uploaded attachments and the download links handed out for them (the S3 stand-in's data).

use std::time::Instant;

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::record::Id;

/// One attachment's upload form and, once uploaded, its bytes.
#[derive(Debug, Clone)]
pub(crate) struct File {
    /// The attachment's attributes, as `GET /v1/attachments/{id}` shows them.
    pub(crate) attributes: Map<String, Value>,
    /// The form fields handed out; the upload must carry exactly these.
    pub(crate) fields: Map<String, Value>,
    /// The base URL the client reached the server at (for links).
    pub(crate) base: String,
    /// The content, once uploaded.
    pub(crate) bytes: Option<Bytes>,
}

/// A download link handed out: the attachment and when the link stops working.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) id: Id,
    pub(crate) expires: Instant,
}
