//! Resource-generic access: any resource's records through one type, [`AnyRecord`], and
//! the one place that turns a [`Resource`] into the right trait call ([`list_page`],
//! [`get_record`], [`stream_records`]). The CLI, the conformance suite and sync engines
//! use these instead of matching on the resource themselves.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::capability::Resource;
use crate::error::{Error, Result};
use crate::models::{Account, Comment, Contact, Record, Tag, Team, Ticket, User};
use crate::query::{ListQuery, Page};
use crate::stream::{RecordStream, paginate};
use crate::traits::Helpdesk;

/// A record of any resource. Serializes exactly as the record it holds (the normalized JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AnyRecord {
    /// A ticket.
    Ticket(Ticket),
    /// A comment.
    Comment(Comment),
    /// A contact.
    Contact(Contact),
    /// An account.
    Account(Account),
    /// A tag.
    Tag(Tag),
    /// A team.
    Team(Team),
    /// A user.
    User(User),
}

impl AnyRecord {
    /// Which resource the record belongs to.
    pub fn resource(&self) -> Resource {
        match self {
            AnyRecord::Ticket(_) => Resource::Ticket,
            AnyRecord::Comment(_) => Resource::Comment,
            AnyRecord::Contact(_) => Resource::Contact,
            AnyRecord::Account(_) => Resource::Account,
            AnyRecord::Tag(_) => Resource::Tag,
            AnyRecord::Team(_) => Resource::Team,
            AnyRecord::User(_) => Resource::User,
        }
    }

    fn record(&self) -> &dyn RecordView {
        match self {
            AnyRecord::Ticket(r) => r,
            AnyRecord::Comment(r) => r,
            AnyRecord::Contact(r) => r,
            AnyRecord::Account(r) => r,
            AnyRecord::Tag(r) => r,
            AnyRecord::Team(r) => r,
            AnyRecord::User(r) => r,
        }
    }

    fn record_mut(&mut self) -> &mut dyn RecordView {
        match self {
            AnyRecord::Ticket(r) => r,
            AnyRecord::Comment(r) => r,
            AnyRecord::Contact(r) => r,
            AnyRecord::Account(r) => r,
            AnyRecord::Tag(r) => r,
            AnyRecord::Team(r) => r,
            AnyRecord::User(r) => r,
        }
    }
}

/// The object-safe part of [`Record`], so [`AnyRecord`] forwards to its content once.
trait RecordView {
    fn id(&self) -> &str;
    fn created_at(&self) -> Option<DateTime<Utc>>;
    fn updated_at(&self) -> Option<DateTime<Utc>>;
    fn strip_remote_data(&mut self);
    fn remote_was_deleted(&self) -> bool;
}

impl<T: Record> RecordView for T {
    fn id(&self) -> &str {
        Record::id(self)
    }
    fn created_at(&self) -> Option<DateTime<Utc>> {
        Record::created_at(self)
    }
    fn updated_at(&self) -> Option<DateTime<Utc>> {
        Record::updated_at(self)
    }
    fn strip_remote_data(&mut self) {
        Record::strip_remote_data(self)
    }
    fn remote_was_deleted(&self) -> bool {
        Record::remote_was_deleted(self)
    }
}

impl Record for AnyRecord {
    fn id(&self) -> &str {
        self.record().id()
    }
    fn created_at(&self) -> Option<DateTime<Utc>> {
        self.record().created_at()
    }
    fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.record().updated_at()
    }
    fn strip_remote_data(&mut self) {
        self.record_mut().strip_remote_data()
    }
    fn remote_was_deleted(&self) -> bool {
        self.record().remote_was_deleted()
    }
}

impl std::str::FromStr for Resource {
    type Err = Error;

    /// Parses a singular or plural name (`ticket`, `tickets`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Resource::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.plural() == s)
            .ok_or_else(|| Error::invalid_input(format!("unknown resource {s:?}")))
    }
}

fn wrap<T>(page: Page<T>, f: fn(T) -> AnyRecord) -> Page<AnyRecord> {
    Page { items: page.items.into_iter().map(f).collect(), next_cursor: page.next_cursor }
}

/// One page of `resource` from `desk`: the one dispatch from a [`Resource`] to its listing.
pub async fn list_page(desk: &dyn Helpdesk, resource: Resource, query: &ListQuery) -> Result<Page<AnyRecord>> {
    Ok(match resource {
        Resource::Ticket => wrap(desk.tickets().list(query).await?, AnyRecord::Ticket),
        Resource::Comment => wrap(desk.comments().list(query).await?, AnyRecord::Comment),
        Resource::Contact => wrap(desk.contacts().list(query).await?, AnyRecord::Contact),
        Resource::Account => wrap(desk.accounts().list(query).await?, AnyRecord::Account),
        Resource::Tag => wrap(desk.tags().list(query).await?, AnyRecord::Tag),
        Resource::Team => wrap(desk.teams().list(query).await?, AnyRecord::Team),
        Resource::User => wrap(desk.users().list(query).await?, AnyRecord::User),
    })
}

/// One record of `resource` by id: the one dispatch from a [`Resource`] to its `get`.
pub async fn get_record(
    desk: &dyn Helpdesk,
    resource: Resource,
    id: &str,
    include_remote_data: bool,
) -> Result<AnyRecord> {
    let raw = include_remote_data;
    Ok(match resource {
        Resource::Ticket => AnyRecord::Ticket(desk.tickets().get(id, raw).await?),
        Resource::Comment => AnyRecord::Comment(desk.comments().get(id, raw).await?),
        Resource::Contact => AnyRecord::Contact(desk.contacts().get(id, raw).await?),
        Resource::Account => AnyRecord::Account(desk.accounts().get(id, raw).await?),
        Resource::Tag => AnyRecord::Tag(desk.tags().get(id, raw).await?),
        Resource::Team => AnyRecord::Team(desk.teams().get(id, raw).await?),
        Resource::User => AnyRecord::User(desk.users().get(id, raw).await?),
    })
}

/// Every record of `resource` matching `query`, as a stream (see [`paginate`]).
pub fn stream_records(desk: &dyn Helpdesk, resource: Resource, query: ListQuery) -> RecordStream<'_, AnyRecord> {
    paginate(query, move |q| async move { list_page(desk, resource, &q).await })
}
