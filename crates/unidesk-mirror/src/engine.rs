//! [`Mirror`]: drives any `dyn Helpdesk` into any `dyn Store` for one account.
//!
//! A run brings every resource's current pass to its end. When every resource's pass is
//! already complete, the run starts a new pass for each: full the first time (and whenever
//! asked, or when the store cannot upsert), otherwise incremental from the stored
//! high-water mark. A full pass without a filter reconciles deletions: what it did not list
//! becomes a tombstone. An incremental pass asks the provider for its deleted records where
//! the adapter lists them ([`unidesk_core::Operation::ListDeleted`]), so deletions arrive as
//! tombstones there too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use unidesk_core::{Cursor, Helpdesk, ListQuery, Operation, Record, Resource, list_page};

use crate::error::Result;
use crate::store::{Checkpoint, Filter, PassKind, Store};

/// How far before a pass's start the next incremental pass looks back, so a clock ahead of
/// the provider's (or a record changed while the pass ran) is not missed.
pub const CLOCK_MARGIN: Duration = Duration::from_secs(10 * 60);

/// Which pass a run starts once the previous one is complete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SyncMode {
    /// Full the first time (or when the store cannot upsert), incremental afterwards.
    #[default]
    Auto,
    /// Always a full pass (which reconciles deletions when there is no filter).
    Full,
}

/// How a run lists.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOptions {
    /// Records per page asked of the provider (it may clamp it).
    pub page_size: u32,
    /// The user's filter.
    pub filter: Filter,
    /// Which pass to start once the previous one is complete.
    pub mode: SyncMode,
    /// Stop after this many pages in total (to test resuming); the report says so.
    pub max_pages: Option<u64>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { page_size: 100, filter: Filter::default(), mode: SyncMode::Auto, max_pages: None }
    }
}

/// Progress, reported as it happens through [`Mirror::on_event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A resource's turn starts.
    Started {
        /// The resource.
        resource: Resource,
        /// Its pass.
        kind: PassKind,
        /// Its pass number.
        generation: u64,
        /// Records the pass already holds (resumed).
        records: u64,
    },
    /// A page was committed.
    Page {
        /// The resource.
        resource: Resource,
        /// Records the pass holds now.
        records: u64,
    },
    /// The adapter's live status while a page loads (a rate-limit wait and its reason).
    Status {
        /// The resource.
        resource: Resource,
        /// The status line.
        message: String,
    },
    /// Something the user should know (damage found and repaired, a page size lowered).
    Note {
        /// The resource, when it concerns one.
        resource: Option<Resource>,
        /// The note.
        message: String,
    },
    /// A resource's pass is complete.
    Done {
        /// The resource.
        resource: Resource,
        /// Records the pass listed.
        records: u64,
        /// Records tombstoned by this pass.
        new_tombstones: u64,
        /// The pass was complete before this run (nothing listed).
        from_checkpoint: bool,
    },
    /// `max_pages` ran out: the run stops here (run it again to resume).
    Interrupted {
        /// The resource whose turn was cut.
        resource: Resource,
    },
}

/// One resource's outcome in a [`SyncReport`].
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceReport {
    /// The resource.
    pub resource: Resource,
    /// Its checkpoint at the end of the run.
    pub checkpoint: Checkpoint,
    /// Records tombstoned by this run.
    pub new_tombstones: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncReport {
    /// Per resource, in sync order (the resources reached before an interruption).
    pub resources: Vec<ResourceReport>,
    /// `max_pages` ran out before the end.
    pub interrupted: bool,
}

/// A callback for [`Event`]s.
pub type EventFn<'a> = &'a (dyn Fn(&Event) + Send + Sync);
/// A live status source (the adapter's rate-limit wait), polled while a page loads.
pub type StatusFn<'a> = &'a (dyn Fn() -> Option<String> + Send + Sync);

/// The sync engine for one account: see the module docs.
pub struct Mirror<'a> {
    desk: &'a dyn Helpdesk,
    store: &'a dyn Store,
    account: String,
    options: SyncOptions,
    on_event: Option<EventFn<'a>>,
    status: Option<StatusFn<'a>>,
}

impl std::fmt::Debug for Mirror<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror")
            .field("desk", &self.desk.name())
            .field("store", &self.store.describe())
            .field("account", &self.account)
            .field("options", &self.options)
            .finish()
    }
}

/// The mutable state of one run.
struct RunState {
    pages_left: Option<u64>,
    noted_page_size: bool,
}

impl<'a> Mirror<'a> {
    /// Mirrors `desk` into `store` as `account`, with default options.
    pub fn new(desk: &'a dyn Helpdesk, store: &'a dyn Store, account: impl Into<String>) -> Self {
        Mirror { desk, store, account: account.into(), options: SyncOptions::default(), on_event: None, status: None }
    }

    /// Sets the options.
    pub fn options(mut self, options: SyncOptions) -> Self {
        self.options = options;
        self
    }

    /// Reports progress to `f`.
    pub fn on_event(mut self, f: EventFn<'a>) -> Self {
        self.on_event = Some(f);
        self
    }

    /// Polls `f` for the adapter's status while a page loads, reported as [`Event::Status`].
    pub fn status(mut self, f: StatusFn<'a>) -> Self {
        self.status = Some(f);
        self
    }

    /// The account this mirror writes.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn emit(&self, e: Event) {
        if let Some(f) = self.on_event {
            f(&e);
        }
    }

    /// Syncs every resource ([`Resource::ALL`], in that order).
    pub async fn sync(&self) -> Result<SyncReport> {
        self.sync_resources(&Resource::ALL).await
    }

    /// Syncs `resources` (in the given order) as one run: see the module docs. A failure is
    /// recorded in the store ([`Store::record_error`]) and returned.
    pub async fn sync_resources(&self, resources: &[Resource]) -> Result<SyncReport> {
        if self.options.page_size == 0 {
            return Err(crate::MirrorError::InvalidInput {
                resource: resources.first().copied().unwrap_or(Resource::Ticket),
                message: "page size must be at least 1".into(),
            });
        }
        let mut stored = Vec::with_capacity(resources.len());
        for r in resources {
            stored.push(self.store.checkpoint(&self.account, *r).await?);
        }
        let run_gen = stored.iter().flatten().map(|c| c.generation).max().unwrap_or(0);
        let all_done = stored.iter().all(|c| c.as_ref().is_some_and(|c| c.done && c.generation == run_gen));
        let upsert = self.store.capabilities().upsert;
        // A store that cannot upsert only refreshes unfiltered: a filtered snapshot stays as is.
        let new_run = all_done && (upsert || self.options.filter.is_empty());
        let mut state = RunState { pages_left: self.options.max_pages, noted_page_size: false };
        let mut report = SyncReport::default();
        for (r, prev) in resources.iter().copied().zip(stored) {
            let plan = match prev {
                Some(cp) if new_run => self.plan(r, Some(&cp), run_gen + 1),
                Some(cp) if cp.generation == run_gen && cp.filter == self.options.filter => cp,
                Some(cp) => self.plan(r, Some(&cp), run_gen),
                None => self.plan(r, None, run_gen),
            };
            match self.sync_resource(r, plan, &mut state).await {
                Ok(Some(done)) => report.resources.push(done),
                Ok(None) => {
                    report.interrupted = true;
                    return Ok(report);
                }
                Err(e) => {
                    let _ = self.store.record_error(&self.account, r, &e.to_string()).await;
                    return Err(e);
                }
            }
        }
        Ok(report)
    }

    /// A new pass of `r` numbered `generation`, after `prev`.
    fn plan(&self, r: Resource, prev: Option<&Checkpoint>, generation: u64) -> Checkpoint {
        let filter = self.options.filter.clone();
        let upsert = self.store.capabilities().upsert;
        let incremental = upsert
            && self.options.mode == SyncMode::Auto
            && filter.is_empty()
            && prev.is_some_and(|p| p.done && p.next_since.is_some());
        let (kind, since) = match prev.and_then(|p| p.next_since) {
            Some(since) if incremental => (PassKind::Incremental, Some(since)),
            _ => (PassKind::Full, filter.updated_after),
        };
        let lists_deleted = self.desk.capabilities().supports(r, Operation::ListDeleted);
        let include_deleted = filter.include_deleted || (kind == PassKind::Incremental && lists_deleted);
        Checkpoint {
            generation,
            kind,
            since,
            include_deleted,
            reconcile: kind == PassKind::Full && filter.is_empty(),
            filter,
            cursor: None,
            records: 0,
            last_id: None,
            listed: false,
            done: false,
            tombstones: prev.map_or(0, |p| p.tombstones),
            high_water: prev.and_then(|p| p.high_water),
            started_at: Some(Utc::now()),
            finished_at: prev.and_then(|p| p.finished_at),
            next_since: prev.and_then(|p| p.next_since),
        }
    }

    /// One resource's turn; `None` when `max_pages` ran out.
    async fn sync_resource(
        &self,
        r: Resource,
        plan: Checkpoint,
        state: &mut RunState,
    ) -> Result<Option<ResourceReport>> {
        let start = self.store.open_pass(&self.account, r, &plan).await?;
        for message in start.notes {
            self.emit(Event::Note { resource: Some(r), message });
        }
        let mut cp = start.checkpoint;
        self.emit(Event::Started { resource: r, kind: cp.kind, generation: cp.generation, records: cp.records });
        if cp.done {
            self.emit(Event::Done { resource: r, records: cp.records, new_tombstones: 0, from_checkpoint: true });
            return Ok(Some(ResourceReport { resource: r, checkpoint: cp, new_tombstones: 0 }));
        }
        let mut q = ListQuery::new().page_size(self.options.page_size).include_deleted(cp.include_deleted);
        q.updated_after = cp.since;
        q.cursor = cp.cursor.clone().map(Cursor::from_raw);
        let mut first_page = true;
        while !cp.listed {
            if state.pages_left == Some(0) {
                self.emit(Event::Interrupted { resource: r });
                return Ok(None);
            }
            let page = self.load(r, &q).await?;
            let next = page.next_cursor;
            // Only a full pass's first page says anything about the provider's page size.
            if first_page
                && cp.kind == PassKind::Full
                && !state.noted_page_size
                && next.is_some()
                && (page.items.len() as u64) < u64::from(self.options.page_size)
            {
                self.emit(Event::Note {
                    resource: Some(r),
                    message: format!(
                        "{} pages hold {} records here, fewer than --page-size {}: the provider's maximum applies",
                        r.plural(),
                        page.items.len(),
                        self.options.page_size
                    ),
                });
                state.noted_page_size = true;
            }
            first_page = false;
            cp.records += page.items.len() as u64;
            if let Some(last) = page.items.last() {
                cp.last_id = Some(last.id().to_owned());
            }
            cp.high_water = max_time(cp.high_water, page.items.iter().filter_map(Record::updated_at).max());
            cp.cursor = next.as_ref().map(|c| c.as_str().to_owned());
            cp.listed = next.is_none();
            self.store.commit(&self.account, r, &page.items, &cp).await?;
            self.emit(Event::Page { resource: r, records: cp.records });
            if let Some(p) = state.pages_left.as_mut() {
                *p -= 1;
            }
            if let Some(c) = next {
                q.cursor = Some(c);
            }
        }
        let now = Utc::now();
        let margin = chrono::Duration::from_std(CLOCK_MARGIN).unwrap_or_default();
        let started = cp.started_at.unwrap_or(now);
        let lookback = started - margin;
        cp.next_since = Some(cp.high_water.map_or(lookback, |h| h.min(lookback)));
        cp.finished_at = Some(now);
        cp.done = true;
        let rec = self.store.finish_pass(&self.account, r, &cp).await?;
        cp.tombstones = rec.tombstones;
        self.emit(Event::Done {
            resource: r,
            records: cp.records,
            new_tombstones: rec.new_tombstones,
            from_checkpoint: false,
        });
        Ok(Some(ResourceReport { resource: r, checkpoint: cp, new_tombstones: rec.new_tombstones }))
    }

    /// One page, reporting the adapter's status every 250 ms while it loads.
    async fn load(&self, r: Resource, q: &ListQuery) -> Result<unidesk_core::Page<unidesk_core::AnyRecord>> {
        let fetch = list_page(self.desk, r, q);
        tokio::pin!(fetch);
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                page = &mut fetch => return Ok(page?),
                _ = tick.tick() => {
                    if let Some(message) = self.status.and_then(|f| f()) {
                        self.emit(Event::Status { resource: r, message });
                    }
                }
            }
        }
    }
}

fn max_time(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
