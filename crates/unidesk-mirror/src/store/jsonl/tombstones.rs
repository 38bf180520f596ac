//! Tombstones: what a full pass no longer finds is kept, marked `remote_was_deleted`.
//!
//! A refresh (a full pass into a folder that holds an earlier full pass) writes the new
//! records to `<resource>.jsonl.new`, then appends, for every record of the old file whose
//! id the new pass did not list, that record with `"remote_was_deleted": true` (records
//! that were tombstones already are carried forward), and renames the new file over the old.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde_json::Value;

/// What [`append`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Appended {
    /// Records gone since the previous pass, written as tombstones for the first time.
    pub(crate) new: u64,
    /// Tombstones of earlier passes, carried forward.
    pub(crate) carried: u64,
    /// Bytes written.
    pub(crate) bytes: u64,
}

/// The ids of the records in the first `len` bytes of the JSONL file at `path` (what a
/// resumed pass has already written).
pub(crate) fn ids_in(path: &Path, len: u64) -> std::io::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    if len == 0 {
        return Ok(ids);
    }
    let file = std::fs::File::open(path)?;
    let reader = BufReader::new(std::io::Read::take(file, len));
    for line in reader.lines() {
        if let Some(id) = id_of(&line?) {
            ids.insert(id);
        }
    }
    Ok(ids)
}

fn id_of(line: &str) -> Option<String> {
    serde_json::from_str::<Value>(line).ok()?.get("id")?.as_str().map(str::to_owned)
}

/// Appends to `out` a tombstone for every record of the JSONL file `old` whose id is not in
/// `listed`. A missing `old` (no earlier pass of this resource) appends nothing; a line of
/// `old` that is not a record is skipped.
pub(crate) fn append(old: &Path, listed: &HashSet<String>, out: &mut impl Write) -> std::io::Result<Appended> {
    let mut done = Appended::default();
    let file = match std::fs::File::open(old) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(e),
    };
    let mut written = HashSet::new();
    for line in BufReader::new(file).lines() {
        let Ok(mut record) = serde_json::from_str::<Value>(&line?) else { continue };
        let Some(id) = record.get("id").and_then(Value::as_str).map(str::to_owned) else { continue };
        if listed.contains(&id) || !written.insert(id) {
            continue;
        }
        let Some(fields) = record.as_object_mut() else { continue };
        let was = fields.get("remote_was_deleted").and_then(Value::as_bool).unwrap_or(false);
        fields.insert("remote_was_deleted".into(), Value::Bool(true));
        let text = record.to_string();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
        done.bytes += text.len() as u64 + 1;
        if was {
            done.carried += 1;
        } else {
            done.new += 1;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_gone_since_the_last_pass_become_tombstones_and_old_tombstones_carry_forward() {
        let dir = tempfile::tempdir().expect("tmp");
        let old = dir.path().join("tickets.jsonl");
        std::fs::write(
            &old,
            concat!(
                "{\"id\":\"a\",\"remote_was_deleted\":false,\"subject\":\"kept\"}\n",
                "{\"id\":\"b\",\"remote_was_deleted\":false,\"subject\":\"gone\"}\n",
                "{\"id\":\"c\",\"remote_was_deleted\":true,\"subject\":\"gone long ago\"}\n",
                "not json\n",
            ),
        )
        .expect("write");
        let listed: HashSet<String> = ["a".to_owned()].into();
        let mut out = Vec::new();
        let done = append(&old, &listed, &mut out).expect("append");
        assert_eq!((done.new, done.carried, done.bytes), (1, 1, out.len() as u64));
        let lines: Vec<Value> =
            String::from_utf8(out).expect("utf8").lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(lines[0]["id"], "b");
        assert_eq!(lines[0]["remote_was_deleted"], true);
        assert_eq!(lines[0]["subject"], "gone", "a tombstone keeps the last known record");
        assert_eq!(lines[1]["id"], "c");
        assert_eq!(lines.len(), 2);
        assert_eq!(
            append(&dir.path().join("missing.jsonl"), &listed, &mut Vec::new()).expect("none"),
            Appended::default()
        );
    }

    #[test]
    fn ids_of_a_partly_written_pass_are_read_up_to_the_checkpoint() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"c\"").expect("write");
        assert_eq!(ids_in(&path, 22).expect("ids"), ["a".to_owned(), "b".to_owned()].into());
        assert!(ids_in(&path, 0).expect("none").is_empty());
    }
}
