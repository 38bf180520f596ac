//! The resource trait impls for [`KustomerClient`].

mod accounts;
mod comments;
mod contacts;
mod read_only;
mod tickets;

use unidesk_core::{Capabilities, Helpdesk, Operation, Resource};

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

    unidesk_core::helpdesk_accessors!();
}
