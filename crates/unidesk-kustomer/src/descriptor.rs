//! One descriptor per Kustomer resource: its wire attributes, the normalized record it
//! becomes, where it lives, how it is listed, and its mapping (in `src/map/`, one file per
//! resource). Listing ([`crate::list`]), get and decoding ([`crate::decode`]) are generic
//! over these; nothing else says which path, page size or mapping a resource has.

use serde::de::DeserializeOwned;
use serde_json::Value;
use unidesk_core::{Account, Comment, Contact, Record, Resource, Tag, Team, Ticket, User};

use crate::map;
use crate::paths::{self, PathTemplate};
use crate::wire::{
    CompanyAttrs, ConversationAttrs, CustomerAttrs, MessageAttrs, NoteAttrs, ResourceObject, TagAttrs, TeamAttrs,
    UserAttrs,
};

/// A body's side-loaded objects (`included`), sorted by id.
pub(crate) type Included = [ResourceObject<Value>];

/// What the adapter knows about one Kustomer resource.
pub(crate) trait KustomerResource {
    /// The record's `attributes` on the wire.
    type Attrs: DeserializeOwned;
    /// The normalized record it maps to.
    type Record: Record;
    /// The normalized resource it is (for `NotFound` and cursor fingerprints).
    const RESOURCE: Resource;
    /// The list endpoint: a GET with `page` and `pageSize`.
    const COLLECTION: PathTemplate;
    /// One record by id.
    const ITEM: PathTemplate;
    /// The search API's `queryContext` for it, when the search API lists it. Listings that
    /// filter on time go there; the others (and resources without one) use the list endpoint
    /// and filter on time client-side.
    const SEARCH_CONTEXT: Option<&'static str>;
    /// The largest `pageSize` its list endpoint serves.
    const MAX_PAGE_SIZE: u32;
    /// What GETs of it side-load (`include=…`), if anything.
    const INCLUDE: Option<&'static str> = None;

    /// Maps one record. `included` holds the body's side-loaded objects sorted by id, `raw` the
    /// record verbatim when `remote_data` was asked for, `base_url` the API base URL.
    fn map(obj: ResourceObject<Self::Attrs>, included: &Included, raw: Option<Value>, base_url: &str) -> Self::Record;
}

/// Conversations, as tickets.
pub(crate) struct Conversations;

impl KustomerResource for Conversations {
    type Attrs = ConversationAttrs;
    type Record = Ticket;
    const RESOURCE: Resource = Resource::Ticket;
    const COLLECTION: PathTemplate = paths::CONVERSATIONS;
    const ITEM: PathTemplate = paths::CONVERSATION;
    const SEARCH_CONTEXT: Option<&'static str> = Some("conversation");
    const MAX_PAGE_SIZE: u32 = 100;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, base: &str) -> Ticket {
        map::conversation::ticket(obj, raw, base)
    }
}

/// Messages, as public comments; reads side-load their attachments.
pub(crate) struct Messages;

impl KustomerResource for Messages {
    type Attrs = MessageAttrs;
    type Record = Comment;
    const RESOURCE: Resource = Resource::Comment;
    const COLLECTION: PathTemplate = paths::MESSAGES;
    const ITEM: PathTemplate = paths::MESSAGE;
    const SEARCH_CONTEXT: Option<&'static str> = Some("message");
    const MAX_PAGE_SIZE: u32 = 100;
    const INCLUDE: Option<&'static str> = Some("attachments");

    fn map(obj: ResourceObject<Self::Attrs>, inc: &Included, raw: Option<Value>, _: &str) -> Comment {
        map::message::comment_from_message(obj, inc, raw)
    }
}

/// Notes, as private comments.
pub(crate) struct Notes;

impl KustomerResource for Notes {
    type Attrs = NoteAttrs;
    type Record = Comment;
    const RESOURCE: Resource = Resource::Comment;
    const COLLECTION: PathTemplate = paths::NOTES;
    const ITEM: PathTemplate = paths::NOTE;
    const SEARCH_CONTEXT: Option<&'static str> = Some("note");
    const MAX_PAGE_SIZE: u32 = 100;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> Comment {
        map::note::comment_from_note(obj, raw)
    }
}

/// Customers, as contacts.
pub(crate) struct Customers;

impl KustomerResource for Customers {
    type Attrs = CustomerAttrs;
    type Record = Contact;
    const RESOURCE: Resource = Resource::Contact;
    const COLLECTION: PathTemplate = paths::CUSTOMERS;
    const ITEM: PathTemplate = paths::CUSTOMER;
    const SEARCH_CONTEXT: Option<&'static str> = Some("customer");
    const MAX_PAGE_SIZE: u32 = 100;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> Contact {
        map::customer::contact(obj, raw)
    }
}

/// Companies, as accounts.
pub(crate) struct Companies;

impl KustomerResource for Companies {
    type Attrs = CompanyAttrs;
    type Record = Account;
    const RESOURCE: Resource = Resource::Account;
    const COLLECTION: PathTemplate = paths::COMPANIES;
    const ITEM: PathTemplate = paths::COMPANY;
    const SEARCH_CONTEXT: Option<&'static str> = Some("company");
    const MAX_PAGE_SIZE: u32 = 100;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> Account {
        map::company::account(obj, raw)
    }
}

/// Users (agents).
pub(crate) struct Users;

impl KustomerResource for Users {
    type Attrs = UserAttrs;
    type Record = User;
    const RESOURCE: Resource = Resource::User;
    const COLLECTION: PathTemplate = paths::USERS;
    const ITEM: PathTemplate = paths::USER;
    const SEARCH_CONTEXT: Option<&'static str> = None;
    const MAX_PAGE_SIZE: u32 = 500;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> User {
        map::user::user(obj, raw)
    }
}

/// Teams.
pub(crate) struct Teams;

impl KustomerResource for Teams {
    type Attrs = TeamAttrs;
    type Record = Team;
    const RESOURCE: Resource = Resource::Team;
    const COLLECTION: PathTemplate = paths::TEAMS;
    const ITEM: PathTemplate = paths::TEAM;
    const SEARCH_CONTEXT: Option<&'static str> = None;
    const MAX_PAGE_SIZE: u32 = 500;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> Team {
        map::team::team(obj, raw)
    }
}

/// Tags.
pub(crate) struct Tags;

impl KustomerResource for Tags {
    type Attrs = TagAttrs;
    type Record = Tag;
    const RESOURCE: Resource = Resource::Tag;
    const COLLECTION: PathTemplate = paths::TAGS;
    const ITEM: PathTemplate = paths::TAG;
    const SEARCH_CONTEXT: Option<&'static str> = None;
    const MAX_PAGE_SIZE: u32 = 100;

    fn map(obj: ResourceObject<Self::Attrs>, _: &Included, raw: Option<Value>, _: &str) -> Tag {
        map::tag::tag(obj, raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<R: KustomerResource>() -> (Resource, &'static str, &'static str, Option<&'static str>, u32) {
        (R::RESOURCE, R::COLLECTION.template(), R::ITEM.template(), R::SEARCH_CONTEXT, R::MAX_PAGE_SIZE)
    }

    #[test]
    fn every_resource_is_described_once_and_consistently() {
        let rows = [
            row::<Conversations>(),
            row::<Messages>(),
            row::<Notes>(),
            row::<Customers>(),
            row::<Companies>(),
            row::<Users>(),
            row::<Teams>(),
            row::<Tags>(),
        ];
        for (resource, collection, item, _, max) in rows {
            assert_eq!(item, format!("{collection}/{{id}}"), "{resource}");
            assert!(max == 100 || max == 500, "{resource}: {max}");
        }
        let searchable: Vec<_> = rows.iter().filter_map(|r| r.3).collect();
        assert_eq!(searchable, ["conversation", "message", "note", "customer", "company"]);
        assert_eq!((Messages::INCLUDE, Notes::INCLUDE, Conversations::INCLUDE), (Some("attachments"), None, None));
    }
}
