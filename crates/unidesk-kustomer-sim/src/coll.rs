//! The collections the simulator serves.

/// The collections, by Kustomer path name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coll {
    /// `/v1/conversations`
    Conversations,
    /// `/v1/customers`
    Customers,
    /// `/v1/companies`
    Companies,
    /// `/v1/messages`
    Messages,
    /// `/v1/notes`
    Notes,
    /// `/v1/tags`
    Tags,
    /// `/v1/teams`
    Teams,
    /// `/v1/users`
    Users,
}

impl Coll {
    /// Every collection.
    pub(crate) const ALL: [Coll; 8] = [
        Coll::Conversations,
        Coll::Customers,
        Coll::Companies,
        Coll::Messages,
        Coll::Notes,
        Coll::Tags,
        Coll::Teams,
        Coll::Users,
    ];

    /// The collection's path segment.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Coll::Conversations => "conversations",
            Coll::Customers => "customers",
            Coll::Companies => "companies",
            Coll::Messages => "messages",
            Coll::Notes => "notes",
            Coll::Tags => "tags",
            Coll::Teams => "teams",
            Coll::Users => "users",
        }
    }

    /// The collection named `path`, if any.
    pub(crate) fn from_path(path: &str) -> Option<Coll> {
        Coll::ALL.into_iter().find(|c| c.path() == path)
    }

    /// The `type` of the collection's records.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Coll::Conversations => "conversation",
            Coll::Customers => "customer",
            Coll::Companies => "company",
            Coll::Messages => "message",
            Coll::Notes => "note",
            Coll::Tags => "tag",
            Coll::Teams => "team",
            Coll::Users => "user",
        }
    }

    /// The collection's position in [`Coll::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
