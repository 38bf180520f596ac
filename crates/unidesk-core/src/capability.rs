//! Resources, operations, and the capability report an adapter publishes.

use std::collections::BTreeSet;
use std::fmt;

/// The normalized resources unidesk models.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
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
    /// List the definitions of the resource's provider-defined (custom) fields through
    /// [`crate::Helpdesk::fields`]. Without it, [`crate::Fields::list`] for the resource is
    /// [`crate::Error::Unsupported`].
    ListFields,
    /// Download an attachment's content through [`crate::Helpdesk::attachments`] (applies to
    /// [`Resource::Comment`], whose records carry the attachments).
    Download,
    /// Upload attachments with a new comment ([`crate::CommentCreate::attachments`]). Without
    /// it, a create carrying attachments is [`crate::Error::Unsupported`].
    Upload,
}

impl Operation {
    /// Every operation, in a stable order.
    pub const ALL: [Operation; 12] = [
        Operation::List,
        Operation::Get,
        Operation::Create,
        Operation::Update,
        Operation::Delete,
        Operation::AddTags,
        Operation::RemoveTags,
        Operation::Lookup,
        Operation::ListDeleted,
        Operation::ListFields,
        Operation::Download,
        Operation::Upload,
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
            Operation::ListFields => "list_fields",
            Operation::Download => "download",
            Operation::Upload => "upload",
        }
    }

    /// Whether this operation can apply to `resource` at all in the unidesk model.
    pub fn applies_to(self, resource: Resource) -> bool {
        match self {
            Operation::List | Operation::Get | Operation::ListDeleted => true,
            Operation::AddTags | Operation::RemoveTags => resource == Resource::Ticket,
            Operation::Lookup => resource == Resource::Contact,
            // The resources whose records carry provider-defined fields (Kustomer: custom
            // attributes of conversations, messages, customers and companies).
            Operation::ListFields => {
                matches!(resource, Resource::Ticket | Resource::Comment | Resource::Contact | Resource::Account)
            }
            // Attachments hang off comments.
            Operation::Download | Operation::Upload => resource == Resource::Comment,
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
    /// [`Capabilities::with_list_deleted`] (it needs the provider to keep deleted records), and
    /// [`Operation::ListFields`], [`Operation::Download`] and [`Operation::Upload`], which an
    /// adapter declares per resource with [`Capabilities::with`] (they need the provider to
    /// describe its custom fields, or to store files).
    pub fn all() -> Self {
        let mut caps = Self::none();
        for r in Resource::ALL {
            for op in Operation::ALL {
                if op.applies_to(r)
                    && !matches!(
                        op,
                        Operation::ListDeleted | Operation::ListFields | Operation::Download | Operation::Upload
                    )
                {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_fields_applies_to_records_with_custom_fields_and_is_only_declared_explicitly() {
        let covered: Vec<Resource> =
            Resource::ALL.into_iter().filter(|r| Operation::ListFields.applies_to(*r)).collect();
        assert_eq!(covered, [Resource::Ticket, Resource::Comment, Resource::Contact, Resource::Account]);
        let all = Capabilities::all();
        assert!(Resource::ALL.iter().all(|r| !all.supports(*r, Operation::ListFields)), "never by all()");
        assert!(!Capabilities::all().with_list_deleted().supports(Resource::Ticket, Operation::ListFields));
        let declared = Capabilities::none().with(Resource::Contact, Operation::ListFields);
        assert!(declared.supports(Resource::Contact, Operation::ListFields));
        assert_eq!(Operation::ListFields.as_str(), "list_fields");
        assert_eq!(Operation::ALL.last(), Some(&Operation::Upload));
    }

    #[test]
    fn download_and_upload_apply_to_comments_and_are_only_declared_explicitly() {
        for op in [Operation::Download, Operation::Upload] {
            let covered: Vec<Resource> = Resource::ALL.into_iter().filter(|r| op.applies_to(*r)).collect();
            assert_eq!(covered, [Resource::Comment], "{op}");
            assert!(!Capabilities::all().with_list_deleted().supports(Resource::Comment, op), "never by all()");
            assert!(Capabilities::none().with(Resource::Comment, op).supports(Resource::Comment, op));
        }
        assert_eq!(Operation::Download.as_str(), "download");
        assert_eq!(Operation::Upload.as_str(), "upload");
    }
}
