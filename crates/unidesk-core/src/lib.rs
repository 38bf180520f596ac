//! # unidesk-core
//!
//! The normalized helpdesk model shared by every unidesk adapter: the records
//! ([`Ticket`], [`Comment`], [`Contact`], [`Account`], [`Tag`], [`Team`],
//! [`User`]), one async trait per resource bundled into [`Helpdesk`], the
//! listing contract ([`ListQuery`], [`Page`], the opaque [`Cursor`] and the
//! [`HelpdeskExt`] streams), the typed [`Error`], normalized webhook
//! [`Event`]s, and the definitions of provider-defined fields ([`FieldDefinition`],
//! listed through [`Helpdesk::fields`]), and attachment content ([`Attachments`], streamed
//! through [`Helpdesk::attachments`]; uploaded with [`CommentCreate::attachments`]).
//!
//! This crate performs no I/O. Adapters (`unidesk-kustomer`, `unidesk-memory`)
//! implement the traits; products hold a `Box<dyn Helpdesk>` or
//! `Arc<dyn Helpdesk>` chosen per connected account.

pub mod any;
mod attachments;
pub mod budget;
mod capability;
pub mod cursor;
mod enums;
pub mod error;
mod event;
mod fields;
mod id;
mod inputs;
mod models;
mod query;
pub mod retry;
pub mod schema;
mod stream;
mod traits;

pub use any::{AnyRecord, get_record, list_page, stream_records};
pub use attachments::{AttachmentUpload, Attachments, ByteStream, NoAttachments};
pub use capability::{Capabilities, Operation, Resource};
pub use cursor::Cursor;
pub use enums::{Direction, EventKind, FieldType, Priority, TicketStatus};
pub use error::{BoxError, Error, FieldError, Result, one_line};
pub use event::{Event, EventObject, FieldChange};
pub use fields::{FieldDefinition, FieldOption, Fields, NoFields};
pub use id::Id;
pub use inputs::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, TicketCreate, TicketUpdate,
};
pub use models::{Account, Attachment, Comment, Contact, CustomFields, Record, Tag, Team, Ticket, User};
pub use query::{ListQuery, Page};
pub use stream::{HelpdeskExt, RecordStream, paginate};
pub use traits::{Accounts, Comments, Contacts, Helpdesk, Tags, Teams, Tickets, Users};
