//! The resource trait impls for [`KustomerClient`].

mod accounts;
mod comments;
mod contacts;
mod decode;
mod read_only;
mod tickets;

use unidesk_core::{
    Accounts, Capabilities, Comments, Contacts, Helpdesk, Operation, Resource, Tags, Teams, Tickets, Users,
};

use crate::ADAPTER;
use crate::client::KustomerClient;

impl Helpdesk for KustomerClient {
    fn name(&self) -> &str {
        ADAPTER
    }

    /// Everything but deleting accounts: Kustomer's API has no company DELETE.
    fn capabilities(&self) -> Capabilities {
        Capabilities::all().without(Resource::Account, Operation::Delete)
    }

    fn tickets(&self) -> &dyn Tickets {
        self
    }
    fn comments(&self) -> &dyn Comments {
        self
    }
    fn contacts(&self) -> &dyn Contacts {
        self
    }
    fn accounts(&self) -> &dyn Accounts {
        self
    }
    fn tags(&self) -> &dyn Tags {
        self
    }
    fn teams(&self) -> &dyn Teams {
        self
    }
    fn users(&self) -> &dyn Users {
        self
    }
}
