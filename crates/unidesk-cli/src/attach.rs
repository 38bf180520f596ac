//! Attachments: files read for `comments create --attach`, and downloads streamed to a file.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use unidesk_core::{AttachmentUpload, Helpdesk};

use crate::error::CliError;

/// The largest file `--attach` reads (it is held in memory while uploaded).
pub(crate) const MAX_ATTACHMENT: u64 = 64 * 1024 * 1024;

/// The MIME type a file's extension suggests; `application/octet-stream` when unknown.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Reads `path` for upload: its bytes (at most [`MAX_ATTACHMENT`]), its file name, and the type
/// its extension suggests.
pub(crate) fn read_upload(path: &Path) -> Result<AttachmentUpload, CliError> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| CliError::usage(format!("--attach {shown}: {e}")))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_ATTACHMENT + 1), &mut bytes)
        .map_err(|e| CliError::usage(format!("--attach {shown}: {e}")))?;
    if bytes.len() as u64 > MAX_ATTACHMENT {
        return Err(CliError::usage(format!("--attach {shown}: larger than {} MiB", MAX_ATTACHMENT >> 20)));
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| CliError::usage(format!("--attach {shown}: no usable file name")))?
        .to_owned();
    Ok(AttachmentUpload { file_name, content_type: content_type(path).to_owned(), bytes })
}

/// `out` with `.partial` appended: where a download is written until it is complete.
fn partial(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// Streams attachment `id` into `out` chunk by chunk (never holding it whole), through a
/// `.partial` file renamed over `out` once complete. Returns the bytes written.
pub(crate) async fn download(hd: &dyn Helpdesk, id: &str, out: &Path) -> Result<u64, CliError> {
    let mut stream = hd.attachments().download(id).await?;
    let tmp = partial(out);
    let io = |e: std::io::Error| CliError::other(format!("writing {}: {e}", tmp.display()));
    let mut file = tokio::fs::File::create(&tmp).await.map_err(io)?;
    let mut written = 0u64;
    let result: Result<(), CliError> = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        Ok(())
    }
    .await;
    drop(file);
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e);
    }
    tokio::fs::rename(&tmp, out).await.map_err(|e| CliError::other(format!("writing {}: {e}", out.display())))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_extensions() {
        assert_eq!(content_type(Path::new("a/report.PDF")), "application/pdf");
        assert_eq!(content_type(Path::new("notes.txt")), "text/plain");
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
        assert_eq!(partial(Path::new("/tmp/x.bin")), PathBuf::from("/tmp/x.bin.partial"));
    }

    #[cfg(feature = "memory")]
    #[tokio::test]
    async fn memory_uploads_then_downloads_through_the_cli_helpers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("data.bin");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(&src, &bytes).expect("write");
        let desk = unidesk_memory::MemoryHelpdesk::with_sample_data(2);
        let ticket = desk.tickets().list(&unidesk_core::ListQuery::new()).await.expect("list").items[0].id.clone();
        let input = unidesk_core::CommentCreate {
            ticket_id: ticket,
            body: "see file".into(),
            attachments: vec![read_upload(&src).expect("read")],
            ..Default::default()
        };
        let c = desk.comments().create(&input).await.expect("create");
        let out = dir.path().join("out.bin");
        let n = download(&desk, &c.attachments[0].id, &out).await.expect("download");
        assert_eq!(n, bytes.len() as u64);
        assert_eq!(std::fs::read(&out).expect("read back"), bytes);
        let missing = download(&desk, "ff0000000000000000000999", &dir.path().join("none.bin")).await;
        assert!(missing.is_err());
        assert!(!dir.path().join("none.bin.partial").exists() && !dir.path().join("none.bin").exists());
    }
}
