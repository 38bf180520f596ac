//! The store and the `Helpdesk` impl.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Duration, Utc};
use unidesk_core::{
    Account, Capabilities, Comment, Contact, FieldDefinition, Fields, Helpdesk, Operation, Tag, Team, Ticket, User,
};

use crate::sample::Seed;

/// The resources whose fields are described (every resource `Operation::ListFields` applies to).
pub(crate) const DESCRIBED: [unidesk_core::Resource; 4] = [
    unidesk_core::Resource::Ticket,
    unidesk_core::Resource::Comment,
    unidesk_core::Resource::Contact,
    unidesk_core::Resource::Account,
];

/// The adapter name cursors and errors carry.
pub(crate) const NAME: &str = "memory";

/// Every record, by id.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub tickets: BTreeMap<String, Ticket>,
    pub comments: BTreeMap<String, Comment>,
    pub contacts: BTreeMap<String, Contact>,
    pub accounts: BTreeMap<String, Account>,
    pub tags: BTreeMap<String, Tag>,
    pub teams: BTreeMap<String, Team>,
    pub users: BTreeMap<String, User>,
    /// Deleted records, marked `remote_was_deleted`: listed only with `include_deleted`.
    pub deleted_tickets: BTreeMap<String, Ticket>,
    /// Deleted contacts.
    pub deleted_contacts: BTreeMap<String, Contact>,
    /// Deleted accounts.
    pub deleted_accounts: BTreeMap<String, Account>,
    /// Comments of deleted tickets.
    pub deleted_comments: BTreeMap<String, Comment>,
    /// Field definitions loaded with the seed.
    pub fields: Vec<FieldDefinition>,
    /// Attachment content uploaded with comments, by attachment id.
    pub files: BTreeMap<String, bytes::Bytes>,
    next_id: u64,
    last_tick: Option<DateTime<Utc>>,
}

impl State {
    /// A fresh id, 24 lowercase hex digits like a Kustomer ObjectId.
    pub(crate) fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("ff{:022x}", self.next_id)
    }

    /// The current time, strictly after every time handed out before (so updates always move `updated_at`).
    pub(crate) fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now();
        let t = match self.last_tick {
            Some(last) if now <= last => last + Duration::milliseconds(1),
            _ => now,
        };
        self.last_tick = Some(t);
        t
    }
}

/// An in-memory helpdesk. Cheap to create; safe to share across tasks (`Arc<MemoryHelpdesk>`).
#[derive(Debug, Default)]
pub struct MemoryHelpdesk {
    state: RwLock<State>,
}

impl MemoryHelpdesk {
    /// An empty helpdesk.
    pub fn new() -> Self {
        Self::default()
    }

    /// A helpdesk holding exactly the records of `seed`.
    pub fn seeded(seed: Seed) -> Self {
        let mut state = State::default();
        macro_rules! load {
            ($field:ident) => {
                for r in seed.$field {
                    state.$field.insert(r.id.clone(), r);
                }
            };
        }
        load!(tickets);
        load!(comments);
        load!(contacts);
        load!(accounts);
        load!(tags);
        load!(teams);
        load!(users);
        state.fields = seed.fields;
        MemoryHelpdesk { state: RwLock::new(state) }
    }

    /// A helpdesk with `tickets` deterministic sample tickets and related records.
    pub fn with_sample_data(tickets: usize) -> Self {
        Self::seeded(Seed::sample(tickets))
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave a record half-written: recover the data.
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Helpdesk for MemoryHelpdesk {
    fn name(&self) -> &str {
        NAME
    }
    /// Everything, deleted records too, field definitions of every resource they apply to, and
    /// attachment uploads and downloads.
    fn capabilities(&self) -> Capabilities {
        DESCRIBED
            .into_iter()
            .fold(Capabilities::all().with_list_deleted(), |caps, r| caps.with(r, Operation::ListFields))
            .with(unidesk_core::Resource::Comment, Operation::Download)
            .with(unidesk_core::Resource::Comment, Operation::Upload)
    }
    unidesk_core::helpdesk_accessors!();
    fn fields(&self) -> &dyn Fields {
        self
    }
    fn attachments(&self) -> &dyn unidesk_core::Attachments {
        self
    }
}

/// The size of the chunks a download streams.
const CHUNK: usize = 64 * 1024;

#[async_trait::async_trait]
impl unidesk_core::Attachments for MemoryHelpdesk {
    /// The bytes uploaded with the comment, in chunks of 64 KiB; seeded attachments have no
    /// content and answer `NotFound`, as unknown ids do.
    async fn download(&self, id: &str) -> unidesk_core::Result<unidesk_core::ByteStream> {
        use futures::StreamExt;
        unidesk_core::Id::parse(id)?;
        let bytes = self
            .read()
            .files
            .get(id)
            .cloned()
            .ok_or_else(|| unidesk_core::Error::not_found(unidesk_core::Resource::Comment, id))?;
        let chunks: Vec<unidesk_core::Result<bytes::Bytes>> =
            (0..bytes.len()).step_by(CHUNK).map(|at| Ok(bytes.slice(at..bytes.len().min(at + CHUNK)))).collect();
        Ok(futures::stream::iter(chunks).boxed())
    }
}
