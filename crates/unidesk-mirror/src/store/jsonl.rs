//! [`JsonlStore`]: every resource to `DIR/<resource>.jsonl`, resumable without duplicates.
//!
//! One sync per folder at a time: the store holds an OS file lock on
//! `DIR/.unidesk-sync.lock` for its lifetime. After each page is appended and `fsync`ed, the
//! checkpoint (`DIR/.unidesk-sync.json`) records each resource's next cursor, record count, file length
//! and last id. Every pass opened checks its file against the checkpoint, finished
//! resources included: bytes past it are trimmed, a file that does not hold what the
//! checkpoint covers makes that resource start over, and both are said as notes.
//!
//! A new pass after a completed one (generation 1, 2, …) is a refresh: every resource is
//! listed again into `<resource>.jsonl.new`; records gone since the previous pass are
//! appended as tombstones (`remote_was_deleted: true`), and the new file
//! replaces the old. The folder holds one account, and cannot upsert: every pass is full,
//! and a filtered snapshot (`updated_after`, `include_deleted`) is never refreshed.

mod checkpoint;
mod lock;
mod tombstones;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::Utc;
use unidesk_core::{AnyRecord, Record, Resource};

use crate::error::{MirrorError, Result};
use crate::store::{
    Applied, Change, Checkpoint, Filter, PassKind, PassStart, Reconciled, ResourceStatus, Store, StoreCapabilities,
};
use checkpoint::{Progress, Verdict};

/// Called with a message when [`JsonlStore::open`] waits for another sync's lock.
pub type WaitFn<'a> = &'a (dyn Fn(&str) + Send + Sync);

/// The account name [`JsonlStore::status`] reports (a folder holds one account).
pub const FOLDER_ACCOUNT: &str = "default";

/// A folder of JSONL files: see the module docs.
#[derive(Debug)]
pub struct JsonlStore {
    dir: PathBuf,
    state: Mutex<State>,
    _lock: lock::FolderLock,
}

/// The checkpoint in memory, and the files of the passes under way.
#[derive(Debug)]
struct State {
    cp: checkpoint::Checkpoint,
    open: HashMap<Resource, OpenFile>,
}

/// A pass's file, open for appending at the checkpointed length.
#[derive(Debug)]
struct OpenFile {
    path: PathBuf,
    writer: std::io::BufWriter<AppendAt>,
    /// A refresh (writing `<resource>.jsonl.new`): the ids listed so far, for the tombstones.
    refresh: Option<HashSet<String>>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> MirrorError + '_ {
    move |e| MirrorError::store(path.display().to_string(), e)
}

impl JsonlStore {
    /// Opens the folder `dir` for a sync under `filter`: creates it with its parents when
    /// missing, takes its lock (failing at once with [`MirrorError::Busy`] when another sync
    /// holds it, or, with `on_wait`, waiting for it), and loads the checkpoint. A checkpoint
    /// for another filter, or a corrupt one, is not used: everything starts over, and the
    /// returned notes say why.
    pub async fn open(dir: &Path, filter: &Filter, on_wait: Option<WaitFn<'_>>) -> Result<(JsonlStore, Vec<String>)> {
        std::fs::create_dir_all(dir).map_err(|e| MirrorError::store(format!("creating {}", dir.display()), e))?;
        let lock = lock::acquire(dir, on_wait).await?;
        let (cp, why) = checkpoint::load(dir, filter.updated_after, filter.include_deleted);
        let store =
            JsonlStore { dir: dir.to_owned(), state: Mutex::new(State { cp, open: HashMap::new() }), _lock: lock };
        Ok((store, why.into_iter().collect()))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a resource's records end in (`DIR/tickets.jsonl`).
    pub fn file_of(&self, resource: Resource) -> PathBuf {
        self.dir.join(format!("{}.jsonl", resource.plural()))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn save(&self, cp: &checkpoint::Checkpoint) -> Result<()> {
        checkpoint::save(&self.dir, cp).map_err(|e| MirrorError::store("writing the checkpoint", e))
    }

    /// The filter the loaded checkpoint was written under.
    fn filter_of(cp: &checkpoint::Checkpoint) -> Filter {
        Filter { updated_after: cp.updated_after().flatten(), include_deleted: cp.include_deleted }
    }

    /// The engine's view of a resource's progress.
    fn generic(cp: &checkpoint::Checkpoint, p: &Progress) -> Checkpoint {
        let filter = Self::filter_of(cp);
        Checkpoint {
            generation: cp.generation,
            kind: PassKind::Full,
            since: filter.updated_after,
            include_deleted: filter.include_deleted,
            reconcile: cp.generation > 0 && filter.is_empty(),
            filter,
            cursor: p.cursor.clone(),
            records: p.records,
            last_id: p.last_id.clone(),
            listed: p.listed,
            done: p.done,
            tombstones: p.tombstones,
            high_water: p.high_water,
            started_at: None,
            finished_at: p.finished_at,
            next_since: None,
        }
    }

    /// Starts a refresh: every finished file is checked against its checkpoint first (damage
    /// is trimmed or said, never carried into the new pass, whose tombstones read the old
    /// file), then every resource's progress is cleared under the new generation.
    fn begin_refresh(&self, st: &mut State, generation: u64, notes: &mut Vec<String>) -> Result<()> {
        for r in Resource::ALL {
            let name = r.plural();
            let path = self.file_of(r);
            let prog = st.cp.resources.get(name).cloned().unwrap_or_default();
            let mut file = match std::fs::OpenOptions::new().read(true).write(true).open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    notes.push(format!("{} is missing; syncing {name} again from the start", path.display()));
                    continue;
                }
                Err(e) => return Err(io(&path)(e)),
            };
            match checkpoint::verify(&mut file, &prog).map_err(io(&path))? {
                Verdict::Intact => {}
                Verdict::Trailing(n) => {
                    notes.push(format!("{}: trimming {n} bytes past the checkpoint", path.display()));
                    file.set_len(prog.bytes).map_err(io(&path))?;
                    file.sync_all().map_err(io(&path))?;
                }
                Verdict::Damaged(why) => {
                    notes.push(format!("{}: {why}; syncing {name} again from the start", path.display()));
                }
            }
        }
        st.cp.generation = generation;
        st.cp.resources.clear();
        self.save(&st.cp)
    }
}

#[async_trait]
impl Store for JsonlStore {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn capabilities(&self) -> StoreCapabilities {
        StoreCapabilities { upsert: false }
    }

    async fn checkpoint(&self, _account: &str, resource: Resource) -> Result<Option<Checkpoint>> {
        let st = self.state();
        Ok(match st.cp.resources.get(resource.plural()) {
            Some(p) => Some(Self::generic(&st.cp, p)),
            // A refresh under way that has not reached this resource yet.
            None if st.cp.generation > 0 => Some(Self::generic(&st.cp, &Progress::default())),
            None => None,
        })
    }

    async fn open_pass(&self, _account: &str, resource: Resource, plan: &Checkpoint) -> Result<PassStart> {
        let mut st = self.state();
        let mut notes = Vec::new();
        if plan.generation > st.cp.generation {
            self.begin_refresh(&mut st, plan.generation, &mut notes)?;
        }
        let name = resource.plural();
        let refresh = st.cp.generation > 0;
        let mut prog = st.cp.resources.get(name).cloned().unwrap_or_default();
        let final_path = self.file_of(resource);
        // A refresh writes beside the previous pass's file, which it still needs for tombstones.
        let path = if refresh && !prog.done { self.dir.join(format!("{name}.jsonl.new")) } else { final_path };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| MirrorError::store(format!("opening {}", path.display()), e))?;
        match checkpoint::verify(&mut file, &prog).map_err(io(&path))? {
            Verdict::Intact => {}
            Verdict::Trailing(n) => {
                if prog.done || prog.bytes > 0 {
                    notes.push(format!("{}: trimming {n} bytes past the checkpoint", path.display()));
                }
            }
            Verdict::Damaged(why) => {
                notes.push(format!("{}: {why}; syncing {name} again from the start", path.display()));
                prog = Progress::default();
            }
        }
        file.set_len(prog.bytes).map_err(io(&path))?;
        file.sync_all().map_err(io(&path))?;
        st.cp.resources.insert(name.to_owned(), prog.clone());
        let checkpoint = Self::generic(&st.cp, &prog);
        if prog.done {
            st.open.remove(&resource);
        } else {
            // The ids this pass has listed, for the tombstones of a refresh.
            let listed = if refresh { Some(tombstones::ids_in(&path, prog.bytes).map_err(io(&path))?) } else { None };
            let writer = std::io::BufWriter::new(AppendAt::new(file, prog.bytes).map_err(io(&path))?);
            st.open.insert(resource, OpenFile { path, writer, refresh: listed });
        }
        Ok(PassStart { checkpoint, notes })
    }

    async fn commit(&self, _account: &str, resource: Resource, records: &[AnyRecord], cp: &Checkpoint) -> Result<()> {
        let mut guard = self.state();
        let st = &mut *guard;
        let name = resource.plural();
        let of = st.open.get_mut(&resource).ok_or_else(|| not_open(resource))?;
        let err = io(&of.path);
        let mut written = 0u64;
        let mut line = Vec::new();
        for t in records {
            // Serialized through `Value`, as `list --format jsonl` prints: the same bytes either way.
            let v = serde_json::to_value(t)
                .map_err(|e| MirrorError::store(format!("serializing a {} record", resource.as_str()), e))?;
            line.clear();
            serde_json::to_writer(&mut line, &v)
                .map_err(|e| MirrorError::store(format!("serializing a {} record", resource.as_str()), e))?;
            line.push(b'\n');
            of.writer.write_all(&line).map_err(&err)?;
            written += line.len() as u64;
        }
        // The page is on disk before the checkpoint that covers it.
        of.writer.flush().map_err(&err)?;
        of.writer.get_ref().sync().map_err(&err)?;
        if let Some(listed) = of.refresh.as_mut() {
            listed.extend(records.iter().map(|t| t.id().to_owned()));
        }
        let refresh = of.refresh.is_some();
        let prog = st.cp.resources.entry(name.to_owned()).or_default();
        prog.records = cp.records;
        prog.bytes += written;
        if !records.is_empty() {
            prog.last_id = cp.last_id.clone();
        }
        prog.cursor = cp.cursor.clone();
        prog.listed = cp.listed;
        prog.high_water = cp.high_water;
        // A first pass is complete once listed; a refresh still has its tombstones to write.
        prog.done = cp.listed && !refresh;
        if prog.done {
            prog.finished_at = Some(Utc::now());
            prog.last_error = None;
            prog.last_error_at = None;
        }
        self.save(&st.cp)
    }

    async fn finish_pass(&self, _account: &str, resource: Resource, cp: &Checkpoint) -> Result<Reconciled> {
        let mut guard = self.state();
        let st = &mut *guard;
        let name = resource.plural();
        let mut rec = Reconciled::default();
        let mut extra_bytes = 0;
        if let Some(mut of) = st.open.remove(&resource)
            && let Some(listed) = of.refresh.take()
        {
            // Tombstones after the listed records, then the new file replaces the old one.
            let final_path = self.file_of(resource);
            let err = io(&of.path);
            let added = tombstones::append(&final_path, &listed, &mut of.writer).map_err(&err)?;
            of.writer.flush().map_err(&err)?;
            of.writer.get_ref().sync().map_err(&err)?;
            drop(of.writer);
            std::fs::rename(&of.path, &final_path).map_err(&err)?;
            extra_bytes = added.bytes;
            rec.new_tombstones = added.new;
            rec.tombstones = added.new + added.carried;
        }
        let prog = st.cp.resources.entry(name.to_owned()).or_default();
        prog.bytes += extra_bytes;
        if st.cp.generation > 0 && cp.reconcile {
            prog.tombstones = rec.tombstones;
        }
        rec.tombstones = prog.tombstones;
        prog.listed = true;
        prog.done = true;
        prog.finished_at = cp.finished_at.or(Some(Utc::now()));
        prog.last_error = None;
        prog.last_error_at = None;
        self.save(&st.cp)?;
        Ok(rec)
    }

    async fn apply(&self, _account: &str, _changes: &[Change]) -> Result<Applied> {
        Err(MirrorError::Unsupported { store: "jsonl", operation: "applying single changes (webhook events)" })
    }

    async fn record_error(&self, _account: &str, resource: Resource, message: &str) -> Result<()> {
        let mut st = self.state();
        let prog = st.cp.resources.entry(resource.plural().to_owned()).or_default();
        prog.last_error = Some(message.to_owned());
        prog.last_error_at = Some(Utc::now());
        self.save(&st.cp)
    }

    async fn status(&self) -> Result<Vec<ResourceStatus>> {
        let st = self.state();
        Ok(Resource::ALL
            .iter()
            .filter_map(|r| st.cp.resources.get(r.plural()).map(|p| (r, p)))
            .map(|(r, p)| ResourceStatus {
                account: FOLDER_ACCOUNT.to_owned(),
                resource: *r,
                records: p.records,
                tombstones: p.tombstones,
                last_sync: p.finished_at,
                high_water: p.high_water,
                in_progress: !p.done,
                generation: st.cp.generation,
                last_error: p.last_error.clone(),
                last_error_at: p.last_error_at,
            })
            .collect())
    }
}

fn not_open(resource: Resource) -> MirrorError {
    MirrorError::InvalidInput { resource, message: "no pass is open for it (call open_pass first)".into() }
}

/// A file written at an explicit position (the checkpointed length), so no append mode is needed.
#[derive(Debug)]
struct AppendAt {
    file: std::fs::File,
}

impl AppendAt {
    fn new(mut file: std::fs::File, at: u64) -> std::io::Result<Self> {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(at))?;
        Ok(AppendAt { file })
    }

    fn sync(&self) -> std::io::Result<()> {
        self.file.sync_data()
    }
}

impl Write for AppendAt {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}
