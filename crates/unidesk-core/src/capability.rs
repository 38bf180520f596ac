//! Resources, operations, and the capability report an adapter publishes.

use std::collections::BTreeSet;
use std::fmt;

/// The normalized resources unidesk models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// [`crate::Ticket`].
    Ticket,
    /// [`crate::Comment`].
    Comment,
    /// [`crate::Contact`].
    Contact,
    /// [`crate::Account`].
    Account,
    /// [`crate::Tag`].
    Tag,
    /// [`crate::Team`].
    Team,
    /// [`crate::User`].
    User,
}

impl Resource {
    /// Every resource, in a stable order.
    pub const ALL: [Resource; 7] = [
        Resource::Ticket,
        Resource::Comment,
        Resource::Contact,
        Resource::Account,
        Resource::Tag,
        Resource::Team,
        Resource::User,
    ];

    /// The singular snake_case name (`ticket`).
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Ticket => "ticket",
            Resource::Comment => "comment",
            Resource::Contact => "contact",
            Resource::Account => "account",
            Resource::Tag => "tag",
            Resource::Team => "team",
            Resource::User => "user",
        }
    }

    /// The plural name used by the CLI and file names (`tickets`).
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Ticket => "tickets",
            Resource::Comment => "comments",
            Resource::Contact => "contacts",
            Resource::Account => "accounts",
            Resource::Tag => "tags",
            Resource::Team => "teams",
            Resource::User => "users",
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operations a resource trait offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Page through records.
    List,
    /// Fetch one record by id.
    Get,
    /// Create a record.
    Create,
    /// Patch a record.
    Update,
    /// Delete a record.
    Delete,
    /// Add tags to a ticket.
    AddTags,
    /// Remove tags from a ticket.
    RemoveTags,
    /// Look a contact up by email or external id.
    Lookup,
    /// List with [`crate::ListQuery::include_deleted`]: deleted records too, marked
    /// `remote_was_deleted`. Without it, such a listing is [`crate::Error::Unsupported`].
    ListDeleted,
}

impl Operation {
    /// Every operation, in a stable order.
    pub const ALL: [Operation; 9] = [
        Operation::List,
        Operation::Get,
        Operation::Create,
        Operation::Update,
        Operation::Delete,
        Operation::AddTags,
        Operation::RemoveTags,
        Operation::Lookup,
        Operation::ListDeleted,
    ];

    /// The snake_case name (`add_tags`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::List => "list",
            Operation::Get => "get",
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::AddTags => "add_tags",
            Operation::RemoveTags => "remove_tags",
            Operation::Lookup => "lookup",
            Operation::ListDeleted => "list_deleted",
        }
    }

    /// Whether this operation can apply to `resource` at all in the unidesk model.
    pub fn applies_to(self, resource: Resource) -> bool {
        match self {
            Operation::List | Operation::Get | Operation::ListDeleted => true,
            Operation::AddTags | Operation::RemoveTags => resource == Resource::Ticket,
            Operation::Lookup => resource == Resource::Contact,
            Operation::Create => {
                matches!(resource, Resource::Ticket | Resource::Comment | Resource::Contact | Resource::Account)
            }
            // Comments are append-only in the unified model: the trait has no update or delete.
            Operation::Update | Operation::Delete => {
                matches!(resource, Resource::Ticket | Resource::Contact | Resource::Account)
            }
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of (resource, operation) pairs an adapter supports.
///
/// An operation absent from this set returns [`crate::Error::Unsupported`];
/// one present never does. The conformance suite checks both directions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    supported: BTreeSet<(Resource, Operation)>,
}

impl Capabilities {
    /// An empty report (nothing supported).
    pub fn none() -> Self {
        Self::default()
    }

    /// Every operation that applies to a resource, on every resource, except
    /// [`Operation::ListDeleted`], which an adapter declares with
    /// [`Capabilities::with_list_deleted`] (it needs the provider to keep deleted records).
    pub fn all() -> Self {
        let mut caps = Self::none();
        for r in Resource::ALL {
            for op in Operation::ALL {
                if op.applies_to(r) && op != Operation::ListDeleted {
                    caps.supported.insert((r, op));
                }
            }
        }
        caps
    }

    /// Adds `operation` on `resource` (builder style).
    pub fn with(mut self, resource: Resource, operation: Operation) -> Self {
        self.supported.insert((resource, operation));
        self
    }

    /// Adds [`Operation::ListDeleted`] on every resource (builder style).
    pub fn with_list_deleted(mut self) -> Self {
        for r in Resource::ALL {
            self.supported.insert((r, Operation::ListDeleted));
        }
        self
    }

    /// Removes `operation` on `resource` (builder style).
    pub fn without(mut self, resource: Resource, operation: Operation) -> Self {
        self.supported.remove(&(resource, operation));
        self
    }

    /// Whether `operation` on `resource` is supported.
    pub fn supports(&self, resource: Resource, operation: Operation) -> bool {
        self.supported.contains(&(resource, operation))
    }

    /// The supported pairs, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (Resource, Operation)> + '_ {
        self.supported.iter().copied()
    }
}
