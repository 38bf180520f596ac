//! One async trait per resource, and [`Helpdesk`] bundling them.
//!
//! All traits use `async-trait` and are object safe: a product can hold a
//! `Box<dyn Helpdesk>` or `Arc<dyn Helpdesk>` chosen per connected account.
//! Every id argument is validated with [`crate::Id::parse`] by the adapter
//! before any request is built. An operation the adapter does not support
//! returns [`crate::Error::Unsupported`] and is absent from
//! [`Helpdesk::capabilities`].

use async_trait::async_trait;

use crate::attachments::Attachments;
use crate::capability::Capabilities;
use crate::error::Result;
use crate::fields::Fields;
use crate::inputs::{
    AccountCreate, AccountUpdate, CommentCreate, ContactCreate, ContactUpdate, TicketCreate, TicketUpdate,
};
use crate::models::{Account, Comment, Contact, Tag, Team, Ticket, User};
use crate::query::{ListQuery, Page};

/// Tickets (Kustomer: conversations).
#[async_trait]
pub trait Tickets: Send + Sync {
    /// One page of tickets. Honours `updated_after`, `created_after` and `contact_id`.
    async fn list(&self, query: &ListQuery) -> Result<Page<Ticket>>;
    /// One ticket by id; `NotFound` if it does not exist.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Ticket>;
    /// Creates a ticket and returns it as `get` would.
    async fn create(&self, input: &TicketCreate) -> Result<Ticket>;
    /// Patches a ticket: only the fields given change.
    async fn update(&self, id: &str, patch: &TicketUpdate) -> Result<Ticket>;
    /// Deletes a ticket; a later `get` is `NotFound`.
    async fn delete(&self, id: &str) -> Result<()>;
    /// Adds tags (idempotent: tags already present stay once).
    async fn add_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket>;
    /// Removes tags (idempotent: absent tags are ignored).
    async fn remove_tags(&self, id: &str, tag_ids: &[String]) -> Result<Ticket>;
}

/// Comments: public replies and private notes on tickets.
#[async_trait]
pub trait Comments: Send + Sync {
    /// One page of comments; with `ticket_id`, that ticket's comments in time order.
    async fn list(&self, query: &ListQuery) -> Result<Page<Comment>>;
    /// One comment by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Comment>;
    /// Posts a reply (`is_private = false`) or a note (`is_private = true`).
    async fn create(&self, input: &CommentCreate) -> Result<Comment>;
}

/// Contacts (Kustomer: customers).
#[async_trait]
pub trait Contacts: Send + Sync {
    /// One page of contacts.
    async fn list(&self, query: &ListQuery) -> Result<Page<Contact>>;
    /// One contact by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Contact>;
    /// Creates a contact.
    async fn create(&self, input: &ContactCreate) -> Result<Contact>;
    /// Patches a contact.
    async fn update(&self, id: &str, patch: &ContactUpdate) -> Result<Contact>;
    /// Deletes a contact.
    async fn delete(&self, id: &str) -> Result<()>;
    /// Finds the contact with this email; `NotFound` if none.
    async fn find_by_email(&self, email: &str) -> Result<Contact>;
    /// Finds the contact with this external id; `NotFound` if none.
    async fn find_by_external_id(&self, external_id: &str) -> Result<Contact>;
}

/// Accounts (Kustomer: companies).
#[async_trait]
pub trait Accounts: Send + Sync {
    /// One page of accounts.
    async fn list(&self, query: &ListQuery) -> Result<Page<Account>>;
    /// One account by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Account>;
    /// Creates an account.
    async fn create(&self, input: &AccountCreate) -> Result<Account>;
    /// Patches an account.
    async fn update(&self, id: &str, patch: &AccountUpdate) -> Result<Account>;
    /// Deletes an account.
    async fn delete(&self, id: &str) -> Result<()>;
}

/// Tags (read-only in the unified model).
#[async_trait]
pub trait Tags: Send + Sync {
    /// One page of tags.
    async fn list(&self, query: &ListQuery) -> Result<Page<Tag>>;
    /// One tag by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Tag>;
}

/// Teams (read-only in the unified model).
#[async_trait]
pub trait Teams: Send + Sync {
    /// One page of teams.
    async fn list(&self, query: &ListQuery) -> Result<Page<Team>>;
    /// One team by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<Team>;
}

/// Users (agents; read-only in the unified model).
#[async_trait]
pub trait Users: Send + Sync {
    /// One page of users.
    async fn list(&self, query: &ListQuery) -> Result<Page<User>>;
    /// One user by id.
    async fn get(&self, id: &str, include_remote_data: bool) -> Result<User>;
}

/// A connected helpdesk: every resource, plus what the adapter can do.
pub trait Helpdesk: Send + Sync {
    /// The adapter's name (`kustomer`, `memory`), as cursors and errors name it.
    fn name(&self) -> &str;
    /// Which (resource, operation) pairs are supported.
    fn capabilities(&self) -> Capabilities;
    /// Tickets.
    fn tickets(&self) -> &dyn Tickets;
    /// Comments.
    fn comments(&self) -> &dyn Comments;
    /// Contacts.
    fn contacts(&self) -> &dyn Contacts;
    /// Accounts.
    fn accounts(&self) -> &dyn Accounts;
    /// Tags.
    fn tags(&self) -> &dyn Tags;
    /// Teams.
    fn teams(&self) -> &dyn Teams;
    /// Users.
    fn users(&self) -> &dyn Users;
    /// Definitions of provider-defined (custom) fields. The default answers
    /// [`crate::Error::Unsupported`] for every resource, naming this adapter (see
    /// [`crate::NoFields`]); an adapter that describes its fields overrides it and reports
    /// [`crate::Operation::ListFields`] for each resource it covers.
    fn fields(&self) -> &dyn Fields {
        crate::fields::unsupported(self.name())
    }
    /// Attachment content. The default answers [`crate::Error::Unsupported`] for every
    /// download, naming this adapter (see [`crate::NoAttachments`]); an adapter that can
    /// download overrides it and reports [`crate::Operation::Download`] on comments.
    fn attachments(&self) -> &dyn Attachments {
        crate::attachments::unsupported(self.name())
    }
}

/// A shared adapter is an adapter: every method forwards to the `std::sync::Arc`'s content.
impl<T: Helpdesk + ?Sized> Helpdesk for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn capabilities(&self) -> Capabilities {
        (**self).capabilities()
    }
    fn tickets(&self) -> &dyn Tickets {
        (**self).tickets()
    }
    fn comments(&self) -> &dyn Comments {
        (**self).comments()
    }
    fn contacts(&self) -> &dyn Contacts {
        (**self).contacts()
    }
    fn accounts(&self) -> &dyn Accounts {
        (**self).accounts()
    }
    fn tags(&self) -> &dyn Tags {
        (**self).tags()
    }
    fn teams(&self) -> &dyn Teams {
        (**self).teams()
    }
    fn users(&self) -> &dyn Users {
        (**self).users()
    }
    fn fields(&self) -> &dyn Fields {
        (**self).fields()
    }
    fn attachments(&self) -> &dyn Attachments {
        (**self).attachments()
    }
}

/// A shared adapter is an adapter: every method forwards to the `Box`'s content.
impl<T: Helpdesk + ?Sized> Helpdesk for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn capabilities(&self) -> Capabilities {
        (**self).capabilities()
    }
    fn tickets(&self) -> &dyn Tickets {
        (**self).tickets()
    }
    fn comments(&self) -> &dyn Comments {
        (**self).comments()
    }
    fn contacts(&self) -> &dyn Contacts {
        (**self).contacts()
    }
    fn accounts(&self) -> &dyn Accounts {
        (**self).accounts()
    }
    fn tags(&self) -> &dyn Tags {
        (**self).tags()
    }
    fn teams(&self) -> &dyn Teams {
        (**self).teams()
    }
    fn users(&self) -> &dyn Users {
        (**self).users()
    }
    fn fields(&self) -> &dyn Fields {
        (**self).fields()
    }
    fn attachments(&self) -> &dyn Attachments {
        (**self).attachments()
    }
}

/// Writes the seven resource accessors of [`Helpdesk`] for a type that implements
/// every resource trait itself (the usual shape of an adapter). Use it inside
/// `impl Helpdesk for YourAdapter { … }`, next to `name` and `capabilities`:
///
/// ```
/// # use unidesk_core::*;
/// # struct Acme;
/// # #[async_trait::async_trait] impl Tickets for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Ticket>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Ticket> { Err(Error::NotFound { resource: Resource::Ticket, id: id.into() }) }
/// #   async fn create(&self, _: &TicketCreate) -> Result<Ticket> { Err(Error::unsupported(Resource::Ticket, Operation::Create, "acme")) }
/// #   async fn update(&self, _: &str, _: &TicketUpdate) -> Result<Ticket> { Err(Error::unsupported(Resource::Ticket, Operation::Update, "acme")) }
/// #   async fn delete(&self, _: &str) -> Result<()> { Err(Error::unsupported(Resource::Ticket, Operation::Delete, "acme")) }
/// #   async fn add_tags(&self, _: &str, _: &[String]) -> Result<Ticket> { Err(Error::unsupported(Resource::Ticket, Operation::AddTags, "acme")) }
/// #   async fn remove_tags(&self, _: &str, _: &[String]) -> Result<Ticket> { Err(Error::unsupported(Resource::Ticket, Operation::RemoveTags, "acme")) }
/// # }
/// # #[async_trait::async_trait] impl Comments for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Comment>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Comment> { Err(Error::NotFound { resource: Resource::Comment, id: id.into() }) }
/// #   async fn create(&self, _: &CommentCreate) -> Result<Comment> { Err(Error::unsupported(Resource::Comment, Operation::Create, "acme")) }
/// # }
/// # #[async_trait::async_trait] impl Contacts for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Contact>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Contact> { Err(Error::NotFound { resource: Resource::Contact, id: id.into() }) }
/// #   async fn create(&self, _: &ContactCreate) -> Result<Contact> { Err(Error::unsupported(Resource::Contact, Operation::Create, "acme")) }
/// #   async fn update(&self, _: &str, _: &ContactUpdate) -> Result<Contact> { Err(Error::unsupported(Resource::Contact, Operation::Update, "acme")) }
/// #   async fn delete(&self, _: &str) -> Result<()> { Err(Error::unsupported(Resource::Contact, Operation::Delete, "acme")) }
/// #   async fn find_by_email(&self, e: &str) -> Result<Contact> { Err(Error::NotFound { resource: Resource::Contact, id: e.into() }) }
/// #   async fn find_by_external_id(&self, e: &str) -> Result<Contact> { Err(Error::NotFound { resource: Resource::Contact, id: e.into() }) }
/// # }
/// # #[async_trait::async_trait] impl Accounts for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Account>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Account> { Err(Error::NotFound { resource: Resource::Account, id: id.into() }) }
/// #   async fn create(&self, _: &AccountCreate) -> Result<Account> { Err(Error::unsupported(Resource::Account, Operation::Create, "acme")) }
/// #   async fn update(&self, _: &str, _: &AccountUpdate) -> Result<Account> { Err(Error::unsupported(Resource::Account, Operation::Update, "acme")) }
/// #   async fn delete(&self, _: &str) -> Result<()> { Err(Error::unsupported(Resource::Account, Operation::Delete, "acme")) }
/// # }
/// # #[async_trait::async_trait] impl Tags for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Tag>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Tag> { Err(Error::NotFound { resource: Resource::Tag, id: id.into() }) }
/// # }
/// # #[async_trait::async_trait] impl Teams for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<Team>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<Team> { Err(Error::NotFound { resource: Resource::Team, id: id.into() }) }
/// # }
/// # #[async_trait::async_trait] impl Users for Acme {
/// #   async fn list(&self, _: &ListQuery) -> Result<Page<User>> { Ok(Page::last(vec![])) }
/// #   async fn get(&self, id: &str, _: bool) -> Result<User> { Err(Error::NotFound { resource: Resource::User, id: id.into() }) }
/// # }
/// impl Helpdesk for Acme {
///     fn name(&self) -> &str {
///         "acme"
///     }
///     fn capabilities(&self) -> Capabilities {
///         Capabilities::none().with(Resource::Ticket, Operation::List)
///     }
///     unidesk_core::helpdesk_accessors!();
/// }
/// ```
#[macro_export]
macro_rules! helpdesk_accessors {
    () => {
        fn tickets(&self) -> &dyn $crate::Tickets {
            self
        }
        fn comments(&self) -> &dyn $crate::Comments {
            self
        }
        fn contacts(&self) -> &dyn $crate::Contacts {
            self
        }
        fn accounts(&self) -> &dyn $crate::Accounts {
            self
        }
        fn tags(&self) -> &dyn $crate::Tags {
            self
        }
        fn teams(&self) -> &dyn $crate::Teams {
            self
        }
        fn users(&self) -> &dyn $crate::Users {
            self
        }
    };
}
