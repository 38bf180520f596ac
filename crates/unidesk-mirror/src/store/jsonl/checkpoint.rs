//! The sync checkpoint (`DIR/.unidesk-sync.json`) and the check of each file against it.
//!
//! Durability order, per page: the page is appended and `fsync`ed, then the checkpoint
//! that covers it is written to a temporary file, `fsync`ed and renamed over the old one
//! (and the folder `fsync`ed). A crash at any point leaves a checkpoint that covers no
//! more than what is on disk; bytes past it are trimmed on the next run.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The checkpoint's file name inside the output folder.
pub(crate) const CHECKPOINT: &str = ".unidesk-sync.json";

/// One resource's progress.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Progress {
    /// Where the listing continues; `None` before the first page and after the last.
    pub(crate) cursor: Option<String>,
    /// Records written.
    pub(crate) records: u64,
    /// Bytes of the file the checkpoint covers.
    pub(crate) bytes: u64,
    /// The listing reached its end.
    pub(crate) done: bool,
    /// The id of the last record written (checked against the file's last line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_id: Option<String>,
    /// The listing reached its end (a refresh then writes its tombstones before `done`).
    #[serde(default)]
    pub(crate) listed: bool,
    /// Tombstones in the file (records gone since an earlier full pass).
    #[serde(default)]
    pub(crate) tombstones: u64,
    /// The latest `updated_at` written (the engine's high-water mark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) high_water: Option<DateTime<Utc>>,
    /// When the resource's last pass completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) finished_at: Option<DateTime<Utc>>,
    /// The last failure since the last completed pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_error: Option<String>,
    /// When that failure happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_error_at: Option<DateTime<Utc>>,
}

/// The whole checkpoint.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    /// Format version (1).
    pub(crate) version: u32,
    /// The `--updated-after` the sync ran with; another value starts over.
    pub(crate) updated_after: Option<String>,
    /// Whether the sync lists deleted records too (`--include-deleted`); another value starts over.
    #[serde(default)]
    pub(crate) include_deleted: bool,
    /// How many full passes completed before the current one (0: the first pass).
    #[serde(default)]
    pub(crate) generation: u64,
    /// Progress per resource, by plural name.
    pub(crate) resources: BTreeMap<String, Progress>,
}

/// Loads the checkpoint for a sync with `updated_after`. The second value, when set,
/// says why an existing checkpoint was not used (printed on stderr by the caller).
pub(crate) fn load(
    dir: &Path,
    updated_after: Option<DateTime<Utc>>,
    include_deleted: bool,
) -> (Checkpoint, Option<String>) {
    let fresh = Checkpoint {
        version: 1,
        updated_after: updated_after.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        include_deleted,
        generation: 0,
        resources: BTreeMap::new(),
    };
    let bytes = match std::fs::read(dir.join(CHECKPOINT)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (fresh, None),
        Err(e) => return (fresh, Some(format!("cannot read {CHECKPOINT} ({e}); starting over"))),
    };
    match serde_json::from_slice::<Checkpoint>(&bytes) {
        Err(e) => (fresh, Some(format!("{CHECKPOINT} is corrupt ({e}); starting over"))),
        Ok(cp) if cp.version != 1 => (fresh, Some(format!("{CHECKPOINT} has version {}; starting over", cp.version))),
        Ok(cp) if cp.updated_after() != updated_after.map(Some) => (
            fresh,
            Some(format!(
                "{CHECKPOINT} is for --updated-after {}; starting over",
                cp.updated_after.as_deref().unwrap_or("(none)")
            )),
        ),
        Ok(cp) if cp.include_deleted != include_deleted => (
            fresh,
            Some(format!("{CHECKPOINT} is for a sync with include_deleted {}; starting over", cp.include_deleted)),
        ),
        Ok(cp) => (cp, None),
    }
}

impl Checkpoint {
    /// The `--updated-after` as an instant: `None` without one, `Some(None)` when unreadable.
    pub(crate) fn updated_after(&self) -> Option<Option<DateTime<Utc>>> {
        self.updated_after.as_deref().map(|t| DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc)))
    }
}

/// Writes the checkpoint atomically and durably: temp file, fsync, rename, fsync the folder.
pub(crate) fn save(dir: &Path, cp: &Checkpoint) -> std::io::Result<()> {
    let tmp = dir.join(format!("{CHECKPOINT}.tmp"));
    let text = serde_json::to_vec_pretty(cp).map_err(std::io::Error::other)?;
    {
        let mut f = File::create(&tmp)?;
        f.write_all(&text)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, dir.join(CHECKPOINT))?;
    // The rename itself is durable only once the folder is synced (not possible on every OS).
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// What the file on disk says about a resource's checkpointed progress.
#[derive(Debug, PartialEq)]
pub(crate) enum Verdict {
    /// The file is exactly what the checkpoint covers.
    Intact,
    /// The file holds this many bytes past the checkpoint (a page written, not checkpointed; or damage).
    Trailing(u64),
    /// The file does not hold what the checkpoint says: the resource starts over.
    Damaged(String),
}

/// Checks `file` against `p`: length at least the checkpoint's, and the last covered line a
/// JSON record with the checkpointed last id.
pub(crate) fn verify(file: &mut File, p: &Progress) -> std::io::Result<Verdict> {
    let len = file.metadata()?.len();
    if len < p.bytes {
        return Ok(Verdict::Damaged(format!("the file holds {len} bytes, the checkpoint covers {}", p.bytes)));
    }
    if p.bytes > 0 {
        match last_line(file, p.bytes)? {
            None => return Ok(Verdict::Damaged("the last checkpointed line is incomplete".into())),
            Some(line) => {
                let record: Option<serde_json::Value> = serde_json::from_slice(&line).ok();
                let id = record.as_ref().and_then(|v| v.get("id")).and_then(|v| v.as_str());
                match (id, &p.last_id) {
                    (None, _) => return Ok(Verdict::Damaged("the last checkpointed line is not a record".into())),
                    (Some(a), Some(b)) if a != b => {
                        return Ok(Verdict::Damaged(format!("the last checkpointed record is {a:?}, expected {b:?}")));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(if len > p.bytes { Verdict::Trailing(len - p.bytes) } else { Verdict::Intact })
}

/// The line ending at byte `end` (exclusive, `end` ≥ 1), without its newline; `None` when the
/// byte before `end` is not a newline.
fn last_line(file: &mut File, end: u64) -> std::io::Result<Option<Vec<u8>>> {
    const STEP: u64 = 64 * 1024;
    let mut line: Vec<u8> = Vec::new();
    let mut pos = end;
    let mut first = true;
    while pos > 0 {
        let start = pos.saturating_sub(STEP);
        let mut chunk = vec![0u8; (pos - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        if first {
            if chunk.last() != Some(&b'\n') {
                return Ok(None);
            }
            chunk.pop();
            first = false;
        }
        match chunk.iter().rposition(|b| *b == b'\n') {
            Some(i) => {
                chunk.drain(..=i);
                chunk.extend_from_slice(&line);
                return Ok(Some(chunk));
            }
            None => {
                chunk.extend_from_slice(&line);
                line = chunk;
                pos = start;
            }
        }
    }
    Ok(Some(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, bytes).expect("write");
        let f = std::fs::OpenOptions::new().read(true).write(true).open(&path).expect("open");
        (dir, f)
    }

    fn progress(bytes: u64, last_id: &str) -> Progress {
        Progress { bytes, last_id: Some(last_id.into()), ..Progress::default() }
    }

    #[test]
    fn a_checkpoint_longer_than_its_file_is_damage_not_zero_padding() {
        let (_d, mut f) = file_with(b"{\"id\":\"a\"}\n");
        let v = verify(&mut f, &progress(500, "a")).expect("io");
        assert!(matches!(v, Verdict::Damaged(ref m) if m.contains("11 bytes")), "{v:?}");
        assert_eq!(f.metadata().expect("meta").len(), 11, "verify never changes the file");
    }

    #[test]
    fn bytes_past_the_checkpoint_are_reported_for_trimming() {
        let (_d, mut f) = file_with(b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"b\"}\n");
        assert_eq!(verify(&mut f, &progress(22, "b")).expect("io"), Verdict::Trailing(11));
        assert_eq!(verify(&mut f, &progress(33, "b")).expect("io"), Verdict::Intact);
    }

    #[test]
    fn a_last_line_that_is_not_the_checkpointed_record_is_damage() {
        let (_d, mut f) = file_with(b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
        assert!(matches!(verify(&mut f, &progress(22, "c")).expect("io"), Verdict::Damaged(_)));
        assert!(matches!(verify(&mut f, &progress(21, "b")).expect("io"), Verdict::Damaged(_)), "mid-line");
        let (_d, mut f) = file_with(b"garbage\n");
        assert!(matches!(verify(&mut f, &progress(8, "a")).expect("io"), Verdict::Damaged(_)));
    }

    #[test]
    fn long_last_lines_are_read_across_chunks() {
        let big = format!("{{\"id\":\"z\",\"body\":\"{}\"}}\n", "q".repeat(200_000));
        let mut content = b"{\"id\":\"a\"}\n".to_vec();
        content.extend_from_slice(big.as_bytes());
        let (_d, mut f) = file_with(&content);
        assert_eq!(verify(&mut f, &progress(content.len() as u64, "z")).expect("io"), Verdict::Intact);
        let (_d, mut f) = file_with(big.as_bytes());
        assert_eq!(verify(&mut f, &progress(big.len() as u64, "z")).expect("io"), Verdict::Intact);
    }

    #[test]
    fn a_corrupt_or_foreign_checkpoint_starts_over_and_says_why() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join(CHECKPOINT), b"{not json").expect("write");
        let (cp, why) = load(dir.path(), None, false);
        assert!(cp.resources.is_empty());
        assert!(why.expect("a reason").contains("corrupt"));
        let mut good = Checkpoint { version: 1, ..Checkpoint::default() };
        good.resources.insert("tickets".into(), progress(3, "x"));
        save(dir.path(), &good).expect("save");
        let (cp, why) = load(dir.path(), None, false);
        assert_eq!((cp.resources.len(), why), (1, None));
        let (cp, why) = load(dir.path(), "2026-01-01T00:00:00Z".parse().ok(), false);
        assert!(cp.resources.is_empty());
        assert!(why.expect("a reason").contains("--updated-after"));
    }
}
